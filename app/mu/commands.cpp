#include "cli.h"

#include "daemon/daemonclient.h"
#include "daemon/projectlock.h"
#include "daemon/registry.h"
#include "index/indexer.h"
#include "model/nodeid.h"
#include "store/json.h"
#include "store/noderesolver.h"
#include "store/storereader.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QLocale>

#include <cstdio>

namespace mu::cli {

namespace {

void out(const QString& line)
{
    std::fputs(qPrintable(line), stdout);
    std::fputc('\n', stdout);
}

QString number(qint64 n)
{
    return QLocale::c().toString(n);
}

QString countsLine(const QList<std::pair<QString, qint64>>& pairs)
{
    QStringList parts;
    for (const auto& [key, count] : pairs)
        parts.append(key + u' ' + number(count));
    return parts.join(QStringLiteral(" · "));
}

const QCommandLineOption kJsonOption = jsonOption();
const QCommandLineOption kProjectOption = projectOption();

/// Appends `.mu/` to DIR/.gitignore unless a line already ignores it (SPEC §11: only when asked).
Status addToGitignore(const QString& dir)
{
    QFile file(QDir(dir).filePath(QStringLiteral(".gitignore")));
    QByteArray content;
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly))
            return Error {
                QStringLiteral("io"), QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString())};
        content = file.readAll();
        file.close();
    }
    for (const QByteArray& line : content.split('\n')) {
        const QByteArray entry = line.trimmed();
        if (entry == ".mu" || entry == ".mu/" || entry == "/.mu" || entry == "/.mu/")
            return {};
    }
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append))
        return Error {
            QStringLiteral("io"), QStringLiteral("cannot write %1: %2").arg(file.fileName(), file.errorString())};
    if (!content.isEmpty() && !content.endsWith('\n'))
        file.write("\n");
    file.write(".mu/\n");
    return {};
}

} // namespace

namespace {

/// `mu index` while the project's daemon runs: the daemon indexes, the command waits for it.
int indexThroughDaemon(const QString& dir, bool force, bool quiet, bool json)
{
    const QString root = daemon::canonicalProjectPath(dir);
    auto client = daemon::DaemonClient::forProject(root);
    if (!client)
        return fail(client.error());
    if (!*client) {
        const auto pid = daemon::ProjectLock::holderPid(root);
        return fail(
            {QStringLiteral("locked"),
                QStringLiteral("a daemon (pid %1) holds %2 but is not registered").arg(pid.value_or(0)).arg(root)},
            QStringLiteral("stop it with 'mu daemon stop', or wait until it has registered"));
    }
    constexpr int kWaitMs = 30 * 60 * 1000;
    auto answer = (*client)->post(
        QStringLiteral("/index"), {{QStringLiteral("force"), force}, {QStringLiteral("wait"), true}}, kWaitMs + 5000);
    if (!answer)
        return fail(answer.error());
    auto status = (*client)->get(QStringLiteral("/status"));
    if (!status)
        return fail(status.error());
    const QJsonObject stats = status->value(QStringLiteral("stats")).toObject();
    if (json) {
        printJson({{QStringLiteral("daemon"), true}, {QStringLiteral("port"), (*client)->entry().port},
            {QStringLiteral("revision"), status->value(QStringLiteral("revision"))}, {QStringLiteral("stats"), stats}});
        return kExitOk;
    }
    if (!quiet)
        std::printf("Indexed by the running daemon (port %u): %lld files, %lld nodes, %lld edges (revision %lld)\n",
            unsigned((*client)->entry().port), stats.value(QStringLiteral("files")).toInteger(),
            stats.value(QStringLiteral("nodes")).toInteger(), stats.value(QStringLiteral("edges")).toInteger(),
            status->value(QStringLiteral("revision")).toInteger());
    return kExitOk;
}

} // namespace

int runIndex(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("DIR"), QStringLiteral("Project directory (default: .)."), QStringLiteral("[DIR]"));
    const QCommandLineOption force(QStringLiteral("force"), QStringLiteral("Reparse every file."));
    const QCommandLineOption jobs({QStringLiteral("j"), QStringLiteral("jobs")},
        QStringLiteral("Parse threads (default: one per core)."), QStringLiteral("N"));
    const QCommandLineOption quiet(
        {QStringLiteral("q"), QStringLiteral("quiet")}, QStringLiteral("Print nothing but errors."));
    const QCommandLineOption gitignore(QStringLiteral("gitignore"), QStringLiteral("Add .mu/ to DIR/.gitignore."));
    parser.addOptions({force, jobs, quiet, gitignore, kJsonOption});
    if (int code = parseOrExit(parser, arguments, QStringLiteral("Build or update a project's graph (.mu/mubase)."));
        code >= 0)
        return code;
    if (parser.positionalArguments().size() > 1)
        return fail({QStringLiteral("usage"), QStringLiteral("index takes one directory")}, {}, kExitUsage);

    index::IndexOptions options;
    options.force = parser.isSet(force);
    if (parser.isSet(jobs)) {
        bool ok = false;
        options.jobs = parser.value(jobs).toInt(&ok);
        if (!ok || options.jobs < 1)
            return fail({QStringLiteral("usage"), QStringLiteral("--jobs needs a positive number")}, {}, kExitUsage);
    }
    const QString dir = parser.positionalArguments().value(0, QStringLiteral("."));
    // Only the daemon writes while it runs: ask it to reindex instead of writing behind its back.
    if (daemon::ProjectLock::holderPid(daemon::canonicalProjectPath(dir)))
        return indexThroughDaemon(dir, parser.isSet(force), parser.isSet(quiet), parser.isSet(kJsonOption));
    index::Indexer indexer(dir, options);
    ProgressBar bar(QStringLiteral("Indexing"), !parser.isSet(quiet) && !parser.isSet(kJsonOption));
    auto report = indexer.run([&bar](const index::IndexProgress& p) { bar.update(p.done, p.total); });
    bar.finish();
    if (!report)
        return fail(report.error());
    if (parser.isSet(gitignore)) {
        if (Status status = addToGitignore(dir); !status)
            return fail(status.error());
    }

    if (parser.isSet(kJsonOption)) {
        printJson({{QStringLiteral("scanned"), report->scanned}, {QStringLiteral("parsed"), report->parsed},
            {QStringLiteral("unchanged"), report->unchanged}, {QStringLiteral("stamped"), report->stamped},
            {QStringLiteral("removed"), report->removed}, {QStringLiteral("linked"), report->linked},
            {QStringLiteral("errors"), report->errors}, {QStringLiteral("skipped"), report->skipped},
            {QStringLiteral("revision"), report->revision}, {QStringLiteral("elapsed_ms"), report->elapsedMs},
            {QStringLiteral("phases_ms"),
                QJsonObject {{QStringLiteral("scan"), report->scanMs},
                    {QStringLiteral("parse_and_write"), report->parseMs}, {QStringLiteral("link"), report->linkMs}}},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(report->warnings)}});
        return kExitOk;
    }
    if (!parser.isSet(quiet)) {
        for (const QString& warning : std::as_const(report->warnings))
            std::fprintf(stderr, "warning: %s\n", qPrintable(warning));
        QStringList parts = {QStringLiteral("%1 parsed").arg(report->parsed),
            QStringLiteral("%1 unchanged").arg(report->unchanged + report->stamped)};
        if (report->removed > 0)
            parts.append(QStringLiteral("%1 removed").arg(report->removed));
        if (report->errors > 0)
            parts.append(QStringLiteral("%1 with errors").arg(report->errors));
        if (report->skipped > 0)
            parts.append(QStringLiteral("%1 skipped").arg(report->skipped));
        out(QStringLiteral("Indexed %1 files in %2 s: %3 · revision %4")
                .arg(report->scanned)
                .arg(double(report->elapsedMs) / 1000.0, 0, 'f', 2)
                .arg(parts.join(QStringLiteral(", ")))
                .arg(report->revision));
        if (report->errors + report->skipped > 0)
            out(dim(QStringLiteral("(mu status --errors lists the files and why)")));
    }
    return kExitOk;
}

int runStatus(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(
        QStringLiteral("DIR"), QStringLiteral("Project directory (default: nearest)."), QStringLiteral("[DIR]"));
    const QCommandLineOption errors(QStringLiteral("errors"), QStringLiteral("List the files with parse errors."));
    parser.addOptions({kJsonOption, errors});
    if (int code = parseOrExit(parser, arguments, QStringLiteral("Show the graph's files, nodes, edges and errors."));
        code >= 0)
        return code;
    QString root;
    auto reader = openProject(parser.positionalArguments().value(0), &root);
    if (!reader)
        return fail(reader.error());
    auto stats = (*reader)->stats();
    if (!stats)
        return fail(stats.error());
    auto files = (*reader)->files();
    if (!files)
        return fail(files.error());
    QList<store::FileRecord> problems;
    for (const store::FileRecord& file : std::as_const(*files)) {
        if (file.status != ParseStatus::Ok)
            problems.append(file);
    }

    const QString dbPath = index::mubasePath(root);
    // The registry drops stale entries as it reads, so an entry here is a live daemon.
    std::optional<daemon::DaemonEntry> running;
    if (auto found = daemon::Registry().find(daemon::canonicalProjectPath(root)); found && *found)
        running = **found;
    QJsonObject daemonJson {{QStringLiteral("running"), running.has_value()}};
    if (running) {
        daemonJson.insert(QStringLiteral("pid"), running->pid);
        daemonJson.insert(QStringLiteral("port"), running->port);
        daemonJson.insert(QStringLiteral("started_at"), running->startedAt.toString(Qt::ISODate));
    }
    if (parser.isSet(kJsonOption)) {
        QJsonArray problemList;
        for (const store::FileRecord& file : std::as_const(problems))
            problemList.append(store::json::file(file));
        printJson({{QStringLiteral("status"), QStringLiteral("ok")}, {QStringLiteral("project"), root},
            {QStringLiteral("mubase"), dbPath}, {QStringLiteral("revision"), stats->revision},
            {QStringLiteral("stats"), store::json::stats(*stats)}, {QStringLiteral("problems"), problemList},
            {QStringLiteral("daemon"), daemonJson}});
        return kExitOk;
    }
    out(bold(QStringLiteral("Project  ")) + root);
    out(bold(QStringLiteral("Database ")) + dbPath
        + QStringLiteral(" (%1 MiB) · revision %2")
              .arg(double(QFileInfo(dbPath).size()) / (1024.0 * 1024.0), 0, 'f', 1)
              .arg(stats->revision));
    out(bold(QStringLiteral("Files    ")) + number(stats->files) + QStringLiteral("  ")
        + dim(countsLine(stats->filesByLanguage)));
    out(bold(QStringLiteral("Nodes    ")) + number(stats->nodes) + QStringLiteral("  ")
        + dim(countsLine(stats->nodesByType)));
    out(bold(QStringLiteral("Edges    ")) + number(stats->edges) + QStringLiteral("  ")
        + dim(countsLine(stats->edgesByType)));
    out(bold(QStringLiteral("Problems "))
        + QStringLiteral("%1 with parse errors, %2 skipped").arg(stats->parseErrors).arg(stats->skippedFiles));
    if (parser.isSet(errors)) {
        for (const store::FileRecord& file : std::as_const(problems))
            out(QStringLiteral("  %1  %2: %3").arg(toString(file.status), file.path, file.error));
    } else if (!problems.isEmpty()) {
        out(dim(QStringLiteral("         (mu status --errors lists them)")));
    }
    out(bold(QStringLiteral("Daemon   "))
        + (running ? QStringLiteral("running on http://127.0.0.1:%1 (pid %2) since %3")
                         .arg(running->port)
                         .arg(running->pid)
                         .arg(running->startedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd hh:mm")))
                   : QStringLiteral("not running")));
    return kExitOk;
}

int runShow(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("NODE"), QStringLiteral("Id, path, name or qualified name."));
    parser.addOptions({kJsonOption, kProjectOption});
    if (int code = parseOrExit(parser, arguments, QStringLiteral("Show a node's details and its edges.")); code >= 0)
        return code;
    if (parser.positionalArguments().size() != 1)
        return fail({QStringLiteral("usage"), QStringLiteral("show takes one NODE")}, {}, kExitUsage);
    auto reader = openProject(parser.value(kProjectOption));
    if (!reader)
        return fail(reader.error());
    const auto node = resolveNodeOrReport(**reader, parser.positionalArguments().first());
    if (!node)
        return kExitUserError;
    auto outgoing = (*reader)->edgesFrom(node->id);
    auto incoming = (*reader)->edgesTo(node->id);
    if (!outgoing || !incoming)
        return fail(!outgoing ? outgoing.error() : incoming.error());

    if (parser.isSet(kJsonOption)) {
        QJsonObject object = store::json::node(*node);
        QJsonArray outList;
        QJsonArray inList;
        for (const Edge& edge : std::as_const(*outgoing))
            outList.append(store::json::edge(edge));
        for (const Edge& edge : std::as_const(*incoming))
            inList.append(store::json::edge(edge));
        object.insert(QStringLiteral("outgoing"), outList);
        object.insert(QStringLiteral("incoming"), inList);
        printJson(object);
        return kExitOk;
    }
    out(bold(node->id));
    out(QStringLiteral("  %1 %2 · %3").arg(toString(node->type), node->kind, node->qualifiedName));
    if (!node->filePath.isEmpty())
        out(QStringLiteral("  %1:%2-%3").arg(node->filePath).arg(node->lineStart).arg(node->lineEnd));
    if (!node->signature.isEmpty())
        out(QStringLiteral("  ") + node->signature);
    if (!node->docstring.isEmpty())
        out(QStringLiteral("  \"") + node->docstring + u'"');
    if (node->type == NodeType::Function)
        out(QStringLiteral("  complexity %1").arg(node->complexity));
    auto printEdges = [](const QString& title, const QList<Edge>& edges, bool outgoingEdges) {
        if (edges.isEmpty())
            return;
        out(bold(title) + QStringLiteral(" (%1)").arg(edges.size()));
        constexpr int kShown = 25;
        for (qsizetype i = 0; i < edges.size() && i < kShown; ++i) {
            const Edge& edge = edges[i];
            out(QStringLiteral("  %1 %2")
                    .arg(toString(edge.type), -9)
                    .arg(outgoingEdges ? edge.targetId : edge.sourceId));
        }
        if (edges.size() > kShown)
            out(dim(QStringLiteral("  … %1 more (--json lists all)").arg(edges.size() - kShown)));
    };
    printEdges(QStringLiteral("Outgoing"), *outgoing, true);
    printEdges(QStringLiteral("Incoming"), *incoming, false);
    return kExitOk;
}

int runRead(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("NODE"), QStringLiteral("Id, path, name or qualified name."));
    parser.addOptions({kJsonOption, kProjectOption});
    if (int code = parseOrExit(parser, arguments, QStringLiteral("Print a node's source lines.")); code >= 0)
        return code;
    if (parser.positionalArguments().size() != 1)
        return fail({QStringLiteral("usage"), QStringLiteral("read takes one NODE")}, {}, kExitUsage);
    QString root;
    auto reader = openProject(parser.value(kProjectOption), &root);
    if (!reader)
        return fail(reader.error());
    const auto node = resolveNodeOrReport(**reader, parser.positionalArguments().first());
    if (!node)
        return kExitUserError;
    if (node->filePath.isEmpty())
        return fail({QStringLiteral("no_source"), QStringLiteral("%1 is external: it has no source").arg(node->id)});
    QFile file(root + u'/' + node->filePath);
    if (!file.open(QIODevice::ReadOnly))
        return fail(
            {QStringLiteral("io"), QStringLiteral("cannot read %1: %2").arg(node->filePath, file.errorString())});
    QStringList lines;
    for (int number = 1; !file.atEnd() && number <= node->lineEnd; ++number) {
        const QByteArray line = file.readLine();
        if (number >= node->lineStart)
            lines.append(QString::fromUtf8(line).chopped(line.endsWith('\n') ? 1 : 0));
    }
    if (parser.isSet(kJsonOption)) {
        printJson({{QStringLiteral("file_path"), node->filePath}, {QStringLiteral("line_start"), node->lineStart},
            {QStringLiteral("line_end"), node->lineEnd}, {QStringLiteral("text"), lines.join(u'\n')}});
        return kExitOk;
    }
    const bool gutter = stdoutIsTty();
    if (gutter)
        out(dim(QStringLiteral("%1:%2-%3").arg(node->filePath).arg(node->lineStart).arg(node->lineEnd)));
    const int width = int(QString::number(node->lineEnd).size());
    for (qsizetype i = 0; i < lines.size(); ++i)
        out(gutter ? dim(QStringLiteral("%1 ").arg(node->lineStart + int(i), width)) + lines[i] : lines[i]);
    return kExitOk;
}

int runSearch(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("TEXT"), QStringLiteral("Words to look for."));
    const QCommandLineOption type({QStringLiteral("t"), QStringLiteral("type")},
        QStringLiteral("Only nodes of TYPE (module, class, function, external)."), QStringLiteral("TYPE"));
    const QCommandLineOption limit({QStringLiteral("n"), QStringLiteral("limit")},
        QStringLiteral("At most N results (default 20)."), QStringLiteral("N"), QStringLiteral("20"));
    parser.addOptions({type, limit, kJsonOption, kProjectOption});
    if (int code = parseOrExit(parser, arguments, QStringLiteral("Search names, paths and docstrings (ranked)."));
        code >= 0)
        return code;
    if (parser.positionalArguments().isEmpty())
        return fail({QStringLiteral("usage"), QStringLiteral("search needs TEXT")}, {}, kExitUsage);
    std::optional<NodeType> typeFilter;
    if (parser.isSet(type)) {
        typeFilter = nodeTypeFromString(parser.value(type));
        if (!typeFilter)
            return fail({QStringLiteral("usage"), QStringLiteral("unknown node type '%1'").arg(parser.value(type))},
                QStringLiteral("use module, class, function or external"), kExitUsage);
    }
    bool ok = false;
    const int n = parser.value(limit).toInt(&ok);
    if (!ok || n < 1 || n > 10000)
        return fail(
            {QStringLiteral("usage"), QStringLiteral("--limit needs a number from 1 to 10000")}, {}, kExitUsage);
    auto reader = openProject(parser.value(kProjectOption));
    if (!reader)
        return fail(reader.error());
    const QString text = parser.positionalArguments().join(u' ');
    auto hits = (*reader)->search(text, typeFilter, n);
    if (!hits)
        return fail(hits.error());
    if (parser.isSet(kJsonOption)) {
        QJsonArray results;
        for (const store::SearchHit& hit : std::as_const(*hits)) {
            QJsonObject object = store::json::node(hit.node);
            object.insert(QStringLiteral("score"), hit.score);
            results.append(object);
        }
        auto revision = (*reader)->revision();
        printJson({{QStringLiteral("query"), text}, {QStringLiteral("results"), results},
            {QStringLiteral("count"), results.size()}, {QStringLiteral("revision"), revision ? *revision : 0}});
        return kExitOk;
    }
    if (hits->isEmpty()) {
        std::fprintf(stderr, "no matches for '%s'\n", qPrintable(text));
        return kExitOk;
    }
    for (const store::SearchHit& hit : std::as_const(*hits)) {
        const Node& node = hit.node;
        const QString where
            = node.filePath.isEmpty() ? QString() : node.filePath + u':' + QString::number(node.lineStart);
        out(QStringLiteral("%1  %2  %3").arg(toString(node.type), -8).arg(bold(node.qualifiedName), dim(where)));
    }
    return kExitOk;
}

} // namespace mu::cli
