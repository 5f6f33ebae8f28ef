// mu context: smart context (SPEC §5) — the code most relevant to a question, as MU text within a
// token budget; --json prints what POST /context answers.
#include "cli.h"

#include "context/contextengine.h"
#include "context/tokenizer.h"
#include "graph/graph.h"
#include "index/indexer.h"
#include "store/storereader.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <cstdio>

namespace mu::cli {

namespace {

int usage(const QString& message)
{
    return fail({QStringLiteral("usage"), message}, QStringLiteral("see 'mu context --help'"), kExitUsage);
}

} // namespace

int runContext(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("QUESTION"), QStringLiteral("What you want to know, in plain words."));
    const QCommandLineOption maxTokens({QStringLiteral("t"), QStringLiteral("max-tokens")},
        QStringLiteral("Token budget of the answer (%1-%2, default 4000).")
            .arg(context::kMinTokens)
            .arg(context::kMaxTokens),
        QStringLiteral("N"), QStringLiteral("4000"));
    const QCommandLineOption encoding(QStringLiteral("encoding"),
        QStringLiteral("Tokenizer to count with: cl100k_base (default) or o200k_base."), QStringLiteral("NAME"),
        QStringLiteral("cl100k_base"));
    const QCommandLineOption includeTests(QStringLiteral("include-tests"),
        QStringLiteral("Consider test code too, ranked below source (it is always considered when the question asks "
                       "about tests)."));
    const QCommandLineOption excludeTests(QStringLiteral("exclude-tests"),
        QStringLiteral("Leave test code out unless the question asks about tests (default)."));
    const QCommandLineOption format({QStringLiteral("f"), QStringLiteral("format")},
        QStringLiteral("Output format: mu (default) or json (same as --json)."), QStringLiteral("FORMAT"),
        QStringLiteral("mu"));
    const QCommandLineOption noLines(QStringLiteral("no-line-ranges"), QStringLiteral("Leave out :Lx-y line ranges."));
    const QCommandLineOption noDocs(QStringLiteral("no-docstrings"), QStringLiteral("Leave out docstring lines."));
    parser.addOptions(
        {maxTokens, encoding, includeTests, excludeTests, format, noLines, noDocs, jsonOption(), projectOption()});
    if (int code = parseOrExit(parser, arguments,
            QStringLiteral("The code most relevant to a question, as MU text within a token budget."));
        code >= 0)
        return code;

    const QString question = parser.positionalArguments().join(u' ').trimmed();
    if (question.isEmpty())
        return usage(QStringLiteral("context needs a QUESTION"));
    bool ok = false;
    const int budget = parser.value(maxTokens).toInt(&ok);
    if (!ok || budget < context::kMinTokens || budget > context::kMaxTokens) {
        return usage(QStringLiteral("--max-tokens takes a number from %1 to %2, not '%3'")
                         .arg(context::kMinTokens)
                         .arg(context::kMaxTokens)
                         .arg(parser.value(maxTokens)));
    }
    const std::optional<context::Encoding> chosen = context::encodingFromName(parser.value(encoding));
    if (!chosen)
        return usage(
            QStringLiteral("--encoding takes cl100k_base or o200k_base, not '%1'").arg(parser.value(encoding)));
    if (parser.isSet(includeTests) && parser.isSet(excludeTests))
        return usage(QStringLiteral("--include-tests and --exclude-tests contradict each other"));
    const QString formatName = parser.value(format);
    if (formatName != u"mu" && formatName != u"json")
        return usage(QStringLiteral("--format takes mu or json, not '%1'").arg(formatName));
    const bool asJson = parser.isSet(jsonOption()) || formatName == u"json";

    QString root;
    auto reader = openProject(parser.value(projectOption()), &root);
    if (!reader)
        return fail(reader.error());
    auto graph = graph::Graph::load(index::mubasePath(root));
    if (!graph)
        return fail(graph.error());

    context::ContextRequest request;
    request.question = question;
    request.maxTokens = budget;
    request.excludeTests = !parser.isSet(includeTests);
    request.encoding = *chosen;
    request.text.source = QFileInfo(root).fileName();
    request.text.lineRanges = !parser.isSet(noLines);
    request.text.docstrings = !parser.isSet(noDocs);
    const context::ContextEngine engine(**reader, *graph);
    auto result = engine.answer(request);
    if (!result) {
        const Error& error = result.error();
        if (error.code.startsWith(QLatin1String("tokenizer")))
            return fail(error, QStringLiteral("run scripts/install-deps.sh or set MU_TOKENIZER_DIR"));
        return fail(error);
    }

    if (asJson) {
        printJson(context::toJson(*result));
        return kExitOk;
    }
    if (!result->note.isEmpty())
        std::fprintf(stderr, "%s\n", qPrintable(result->note));
    if (!result->muText.isEmpty()) {
        QByteArray text = result->muText.toUtf8();
        if (!text.endsWith('\n'))
            text.append('\n');
        std::fputs(text.constData(), stdout);
    }
    if (stderrIsTty() && result->tokenCount > 0) {
        std::fprintf(stderr, "%s\n",
            qPrintable(dim(QStringLiteral("%1 nodes, %2 of %3 tokens (%4)")
                               .arg(result->nodes.size())
                               .arg(result->tokenCount)
                               .arg(budget)
                               .arg(context::encodingName(*chosen)))));
    }
    return kExitOk;
}

} // namespace mu::cli
