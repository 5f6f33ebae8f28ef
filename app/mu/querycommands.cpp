// mu query | q: MUQL from the command line, and `mu q -i`, an interactive shell with history.
#include "cli.h"

#include "index/indexer.h"
#include "query/format.h"
#include "query/parser.h"
#include "query/queryengine.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QJsonDocument>

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

namespace mu::cli {

namespace {

/// Where the shell keeps its history: $MU_HOME, else ~/.mu (SPEC §11).
QString historyPath()
{
    const QString home = qEnvironmentVariableIsSet("MU_HOME") ? qEnvironmentVariable("MU_HOME")
                                                              : QDir::homePath() + QStringLiteral("/.mu");
    return home + QStringLiteral("/muql_history");
}

void write(const QString& text, FILE* stream = stdout)
{
    std::fputs(text.toUtf8().constData(), stream);
    std::fflush(stream);
}

/// The error on stderr, with the query and a caret under the position when there is one;
/// as `{"error":…}` on stdout for JSON output.
void reportError(const query::QueryError& error, const QString& text, query::Format format)
{
    if (format == query::Format::Json) {
        write(QString::fromUtf8(QJsonDocument(error.toJson()).toJson(QJsonDocument::Indented)));
        return;
    }
    write(QStringLiteral("mu: %1\n").arg(error.message), stderr);
    if (error.position < 0 || error.position > text.size())
        return;
    const qsizetype lineStart = text.lastIndexOf(u'\n', error.position - 1) + 1;
    qsizetype lineEnd = text.indexOf(u'\n', error.position);
    if (lineEnd < 0)
        lineEnd = text.size();
    const QString line = text.mid(lineStart, lineEnd - lineStart);
    write(QStringLiteral("  %1\n  %2^\n").arg(line, QString(error.position - lineStart, u' ')), stderr);
}

struct Session {
    query::QueryEngine& engine;
    query::Format format = query::Format::Table;
    query::TableOptions table;
};

/// Runs one query and prints its answer; returns the exit code.
int runOne(Session& session, const QString& text, bool explain)
{
    if (explain) {
        auto plan = session.engine.explain(text);
        if (!plan) {
            reportError(plan.error(), text, session.format);
            return kExitUserError;
        }
        write(*plan);
        return kExitOk;
    }
    auto result = session.engine.run(text);
    if (!result) {
        reportError(result.error(), text, session.format);
        return kExitUserError;
    }
    write(query::format(*result, session.format, session.table));
    return kExitOk;
}

const char* const kShellHelp = R"(MUQL shell. Type a query on one line, or a command:
  .help               this text
  .format FMT         output format: table, json, csv or tree (now: %1)
  .explain QUERY      the SQL or graph plan QUERY runs, without running it
  .history            the queries of this and earlier sessions
  .exit               leave (also .quit, or end of input)
Queries, for example:
  SELECT name, complexity FROM functions WHERE complexity > 10 ORDER BY complexity DESC LIMIT 20
  SHOW callers OF 'fn:src/app/util.py:log' DEPTH 2
  FIND functions CALLING log
  FIND CYCLES WHERE edge_type = 'imports'
  PATH FROM main TO log
  ANALYZE hotspots
  fn c>20 sort c- 10          deps User d2          callers log
Tables: functions (fn), classes (cls), modules (mod), externals, nodes, edges, files;
SHOW TABLES and DESCRIBE <table> list them and their columns.
)";

int runShell(Session& session)
{
    const bool interactive = isatty(STDIN_FILENO) != 0;
    const QString path = historyPath();
    QDir().mkpath(QFileInfo(path).path());
    QFile history(path);
    const bool keepHistory = history.open(QIODevice::Append | QIODevice::Text);
    if (interactive)
        write(QStringLiteral("MUQL shell: .help for help, .exit to leave.\n"));
    int status = kExitOk;
    std::string raw;
    for (;;) {
        if (interactive)
            write(QStringLiteral("muql> "));
        if (!std::getline(std::cin, raw))
            break;
        const QString line = QString::fromStdString(raw).trimmed();
        if (line.isEmpty() || line.startsWith(QStringLiteral("--")))
            continue;
        if (keepHistory) {
            history.write(line.toUtf8() + '\n');
            history.flush();
        }
        if (line == u".exit" || line == u".quit")
            break;
        if (line == u".help") {
            write(QString::fromUtf8(kShellHelp).arg(query::toString(session.format)));
            continue;
        }
        if (line == u".history") {
            QFile previous(path);
            if (previous.open(QIODevice::ReadOnly | QIODevice::Text))
                write(QString::fromUtf8(previous.readAll()));
            continue;
        }
        if (line.startsWith(u".format")) {
            const QString name = line.sliced(7).trimmed();
            const auto format = query::formatFromName(name);
            if (!format) {
                write(QStringLiteral("mu: unknown format '%1'; use table, json, csv or tree\n").arg(name), stderr);
                status = kExitUserError;
                continue;
            }
            session.format = *format;
            continue;
        }
        if (line.startsWith(u".explain")) {
            if (runOne(session, line.sliced(8).trimmed(), true) != kExitOk)
                status = kExitUserError;
            continue;
        }
        if (line.startsWith(u'.')) {
            write(QStringLiteral("mu: unknown command '%1'; .help lists the commands\n").arg(line.section(u' ', 0, 0)),
                stderr);
            status = kExitUserError;
            continue;
        }
        if (runOne(session, line, false) != kExitOk)
            status = kExitUserError;
    }
    if (interactive)
        write(QStringLiteral("\n"));
    return status;
}

} // namespace

int runQuery(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("MUQL"),
        QStringLiteral("The query (the words are joined with spaces)."), QStringLiteral("[MUQL...]"));
    const QCommandLineOption formatOption({QStringLiteral("f"), QStringLiteral("format")},
        QStringLiteral("Output format: table (default), json, csv or tree."), QStringLiteral("FMT"),
        QStringLiteral("table"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Same as --format json."));
    const QCommandLineOption noTruncate(
        QStringLiteral("no-truncate"), QStringLiteral("Show whole cells even when rows overflow the terminal."));
    const QCommandLineOption interactive({QStringLiteral("i"), QStringLiteral("interactive")},
        QStringLiteral("Interactive shell (reads queries from standard input; history in $MU_HOME/muql_history)."));
    const QCommandLineOption explain(
        QStringLiteral("explain"), QStringLiteral("Print the SQL or graph plan instead of running the query."));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
        QStringLiteral("Give up on a query after MS milliseconds (default 5000)."), QStringLiteral("MS"),
        QStringLiteral("5000"));
    const QCommandLineOption project = projectOption();
    parser.addOptions({formatOption, json, noTruncate, interactive, explain, timeout, project});
    if (int code = parseOrExit(parser, arguments,
            QStringLiteral("Run a MUQL query (SPEC §3): SELECT, SHOW, DESCRIBE, FIND, PATH, ANALYZE or a terse "
                           "form such as 'fn c>20 sort c- 10'.\nExit codes: 0 success, 1 query error, 2 usage."));
        code >= 0)
        return code;

    const auto format = query::formatFromName(parser.isSet(json) ? QStringLiteral("json") : parser.value(formatOption));
    if (!format)
        return fail({QStringLiteral("usage"), QStringLiteral("unknown format '%1'").arg(parser.value(formatOption))},
            QStringLiteral("use table, json, csv or tree"), kExitUsage);
    bool ok = false;
    const int timeoutMs = parser.value(timeout).toInt(&ok);
    if (!ok || timeoutMs < 1)
        return fail({QStringLiteral("usage"), QStringLiteral("--timeout needs a positive number of milliseconds")}, {},
            kExitUsage);
    const QString text = parser.positionalArguments().join(u' ');
    if (text.trimmed().isEmpty() && !parser.isSet(interactive))
        return fail({QStringLiteral("usage"), QStringLiteral("query needs MUQL, or -i for the interactive shell")},
            QStringLiteral("mu q \"SELECT name FROM functions LIMIT 5\""), kExitUsage);

    auto root = findProject(parser.value(project));
    if (!root)
        return fail(root.error());
    query::QueryOptions options;
    options.timeout = std::chrono::milliseconds(timeoutMs);
    auto engine = query::QueryEngine::open(index::mubasePath(*root), options);
    if (!engine)
        return fail(engine.error().toError());

    Session session {**engine, *format, {}};
    session.table.truncate = !parser.isSet(noTruncate) && stdoutIsTty();
    session.table.width = terminalWidth();
    if (parser.isSet(interactive))
        return runShell(session);
    return runOne(session, text, parser.isSet(explain));
}

} // namespace mu::cli
