// mu contracts init|verify: architecture contracts (SPEC §7) from .mu/contracts.yml.
#include "cli.h"

#include "contracts/contractsloader.h"
#include "contracts/evaluator.h"
#include "index/indexer.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <cstdio>

namespace mu::cli {

namespace {

/// SPEC §2: contract violations have their own exit code, so CI can tell them from mistakes.

QString contractsPath(const QString& root)
{
    return root + QStringLiteral("/.mu/contracts.yml");
}

int runInit(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption project = projectOption();
    const QCommandLineOption force(QStringLiteral("force"), QStringLiteral("Overwrite an existing contracts file."));
    parser.addOptions({project, force});
    if (int code = parseOrExit(parser, arguments,
            QStringLiteral("Write a commented starter .mu/contracts.yml with one contract of every rule type.\n"
                           "Exit codes: 0 written, 1 the file exists (use --force) or cannot be written, 2 usage."));
        code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return fail({QStringLiteral("usage"),
                        QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first())},
            QStringLiteral("mu contracts init [-C DIR] [--force]"), kExitUsage);

    // The project needs no index yet: the nearest indexed directory, else the working directory.
    QString root;
    if (parser.isSet(project)) {
        const QFileInfo dir(parser.value(project));
        if (!dir.isDir())
            return fail(
                {QStringLiteral("not_found"), QStringLiteral("%1 is not a directory").arg(parser.value(project))});
        root = dir.canonicalFilePath();
    } else {
        auto found = findProject({});
        root = found ? *found : QDir::currentPath();
    }
    const QString path = contractsPath(root);
    if (QFileInfo::exists(path) && !parser.isSet(force))
        return fail({QStringLiteral("exists"), QStringLiteral("%1 already exists").arg(path)},
            QStringLiteral("edit it, or pass --force to replace it with the starter file"));
    QDir().mkpath(QFileInfo(path).path());
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(contracts::starterContracts()) < 0 || !file.commit())
        return fail({QStringLiteral("io"), QStringLiteral("cannot write %1: %2").arg(path, file.errorString())});
    std::printf("Wrote %s\nEdit it, then run 'mu contracts verify'.\n", qPrintable(path));
    return kExitOk;
}

enum class ReportFormat {
    Text,
    Json,
    JUnit
};

int runVerify(const QStringList& arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption project = projectOption();
    const QCommandLineOption format({QStringLiteral("f"), QStringLiteral("format")},
        QStringLiteral("Report format: text (default), json or junit."), QStringLiteral("FMT"), QStringLiteral("text"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Same as --format json."));
    const QCommandLineOption failFast(
        QStringLiteral("fail-fast"), QStringLiteral("Stop at the first failure that fails the run; skip the rest."));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
        QStringLiteral("Write the report to FILE."), QStringLiteral("FILE"));
    const QCommandLineOption file({QStringLiteral("c"), QStringLiteral("contracts")},
        QStringLiteral("Read the contracts from FILE instead of .mu/contracts.yml."), QStringLiteral("FILE"));
    parser.addOptions({project, format, json, failFast, output, file});
    if (int code = parseOrExit(parser, arguments,
            QStringLiteral("Check the project's graph against its architecture contracts (.mu/contracts.yml).\n"
                           "Exit codes: 0 every contract holds, 1 the contracts file has a mistake (with its line)\n"
                           "or there is no index, 2 usage, 5 a contract failed (an error, or a warning with\n"
                           "fail_on_warning)."));
        code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return fail({QStringLiteral("usage"),
                        QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first())},
            QStringLiteral("mu contracts verify [-C DIR] [--format text|json|junit] [--fail-fast] [-o FILE]"),
            kExitUsage);
    const QString formatName = parser.isSet(json) ? QStringLiteral("json") : parser.value(format);
    ReportFormat reportFormat = ReportFormat::Text;
    if (formatName == u"json")
        reportFormat = ReportFormat::Json;
    else if (formatName == u"junit")
        reportFormat = ReportFormat::JUnit;
    else if (formatName != u"text")
        return fail({QStringLiteral("usage"), QStringLiteral("unknown format '%1'").arg(formatName)},
            QStringLiteral("use text, json or junit"), kExitUsage);

    auto root = findProject(parser.value(project));
    if (!root)
        return fail(root.error());
    const QString path = parser.isSet(file) ? parser.value(file) : contractsPath(*root);
    const QString shownPath = parser.isSet(file) ? path : QDir::current().relativeFilePath(path);
    if (!QFileInfo::exists(path))
        return fail({QStringLiteral("not_found"), QStringLiteral("no contracts file at %1").arg(shownPath)},
            parser.isSet(file) ? QString() : QStringLiteral("'mu contracts init' writes a commented starter file"));

    const auto printErrors = [&](const QList<contracts::ConfigError>& errors) {
        for (const contracts::ConfigError& error : errors)
            std::fprintf(stderr, "%s\n", qPrintable(error.toString(shownPath)));
        std::fprintf(stderr, "mu: %d problem%s in the contracts file; nothing was verified\n", int(errors.size()),
            errors.size() == 1 ? "" : "s");
        return kExitUserError;
    };
    const contracts::LoadResult loaded = contracts::loadContracts(path);
    if (!loaded.ok())
        return printErrors(loaded.errors);

    auto evaluator = contracts::ContractEvaluator::open(index::mubasePath(*root));
    if (!evaluator)
        return fail(evaluator.error());
    const contracts::VerifyResult verified = (*evaluator)->verify(loaded.file, {parser.isSet(failFast)});
    if (!verified.ok())
        return printErrors(verified.errors);

    const bool toFile = parser.isSet(output);
    QByteArray text;
    switch (reportFormat) {
    case ReportFormat::Text:
        text = contracts::formatText(verified.report, !toFile && useColor()).toUtf8();
        break;
    case ReportFormat::Json:
        text = QJsonDocument(contracts::toJson(verified.report)).toJson(QJsonDocument::Indented);
        break;
    case ReportFormat::JUnit:
        text = contracts::formatJUnit(verified.report);
        break;
    }
    if (toFile) {
        QSaveFile out(parser.value(output));
        if (!out.open(QIODevice::WriteOnly) || out.write(text) < 0 || !out.commit())
            return fail({QStringLiteral("io"),
                QStringLiteral("cannot write %1: %2").arg(parser.value(output), out.errorString())});
        // The verdict still reaches the terminal when the report goes to a file (CI logs).
        std::fprintf(stderr, "contracts %s; report written to %s\n", verified.report.passed() ? "passed" : "FAILED",
            qPrintable(parser.value(output)));
    } else {
        std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    }
    return verified.report.passed() ? kExitOk : kExitViolations;
}

} // namespace

int runContracts(const QStringList& arguments)
{
    const QString sub = arguments.value(1);
    // "mu contracts verify …" → the subcommand parses "contracts verify …" as its own arguments.
    QStringList rest = arguments.mid(1);
    if (!rest.isEmpty())
        rest[0] = QStringLiteral("contracts ") + sub;
    if (sub == u"init")
        return runInit(rest);
    if (sub == u"verify")
        return runVerify(rest);
    const char* usage = "Usage: mu contracts <init|verify> [options]\n\n"
                        "Architecture contracts (.mu/contracts.yml): rules the code's graph must follow.\n\n"
                        "  init     write a commented starter .mu/contracts.yml (--force to overwrite)\n"
                        "  verify   check the graph; report as text, json or junit; exit 5 on violations\n\n"
                        "Run 'mu contracts <init|verify> --help' for their options.\n";
    if (sub.isEmpty() || sub == u"--help" || sub == u"-h" || sub == u"help") {
        std::fputs(usage, sub.isEmpty() ? stderr : stdout);
        return sub.isEmpty() ? kExitUsage : kExitOk;
    }
    std::fprintf(stderr, "mu contracts: unknown subcommand '%s'\n%s", qPrintable(sub), usage);
    return kExitUsage;
}

} // namespace mu::cli
