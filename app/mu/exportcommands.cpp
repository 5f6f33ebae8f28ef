// mu export: the project's graph (or a filtered part of it) as json, MU text, Mermaid, D2, DOT,
// Cytoscape JSON or GraphML (SPEC §6), to stdout or a file.
#include "cli.h"

#include "export/exporter.h"
#include "graph/graph.h"
#include "index/indexer.h"
#include "store/storereader.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QSaveFile>

#include <cstdio>

namespace mu::cli {

namespace {

int usage(const QString& message)
{
    return fail({QStringLiteral("usage"), message}, QStringLiteral("see 'mu export --help'"), kExitUsage);
}

QStringList splitList(const QStringList& values)
{
    QStringList items;
    for (const QString& value : values) {
        for (const QString& part : value.split(u',', Qt::SkipEmptyParts)) {
            const QString item = part.trimmed();
            if (!item.isEmpty())
                items.append(item);
        }
    }
    return items;
}

std::optional<int> numberOption(
    const QCommandLineParser& parser, const QCommandLineOption& option, int minimum, int maximum, int fallback)
{
    if (!parser.isSet(option))
        return fallback;
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (!ok || value < minimum || value > maximum) {
        usage(QStringLiteral("--%1 takes a number from %2 to %3, not '%4'")
                  .arg(option.names().constLast())
                  .arg(minimum)
                  .arg(maximum)
                  .arg(parser.value(option)));
        return std::nullopt;
    }
    return value;
}

} // namespace

int runExport(const QStringList& arguments)
{
    QStringList formatNames;
    for (exports::ExportFormat format : exports::allExportFormats())
        formatNames.append(exports::toString(format));
    QCommandLineParser parser;
    const QCommandLineOption format({QStringLiteral("f"), QStringLiteral("format")},
        QStringLiteral("Output format: %1 (default json).").arg(formatNames.join(QStringLiteral(", "))),
        QStringLiteral("FORMAT"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
        QStringLiteral("Write to FILE instead of stdout."), QStringLiteral("FILE"));
    const QCommandLineOption nodes({QStringLiteral("n"), QStringLiteral("nodes")},
        QStringLiteral("Export only these nodes (comma-separated ids, paths or names; repeatable)."),
        QStringLiteral("NODES"));
    const QCommandLineOption depth(QStringLiteral("depth"),
        QStringLiteral("With --nodes: also every node within N edges of them (0-%1, default 0).").arg(graph::kMaxDepth),
        QStringLiteral("N"));
    const QCommandLineOption types({QStringLiteral("t"), QStringLiteral("types")},
        QStringLiteral("Keep only these node types (comma-separated: module, class, function, external)."),
        QStringLiteral("TYPES"));
    const QCommandLineOption maxNodes({QStringLiteral("m"), QStringLiteral("max-nodes")},
        QStringLiteral("Export at most N nodes (the listed ones first, then the nearest, then the most connected)."),
        QStringLiteral("N"));
    const QCommandLineOption direction(QStringLiteral("direction"),
        QStringLiteral("Diagram direction: LR, TB, RL or BT (default LR)."), QStringLiteral("DIR"));
    const QCommandLineOption noLineRanges(
        QStringLiteral("no-line-ranges"), QStringLiteral("MU text: leave out the :Lx-y line ranges."));
    const QCommandLineOption noDocstrings(
        QStringLiteral("no-docstrings"), QStringLiteral("MU text: leave out the docstring lines."));
    const QCommandLineOption complexity(QStringLiteral("complexity-threshold"),
        QStringLiteral("MU text: annotate ::complexity=N from this complexity up (0 = never, default 1)."),
        QStringLiteral("N"));
    parser.addOptions({format, output, nodes, depth, types, maxNodes, direction, noLineRanges, noDocstrings, complexity,
        projectOption()});
    if (int code = parseOrExit(parser, arguments,
            QStringLiteral("Export the graph as json, mu, mermaid, mermaid-class, d2, dot, cytoscape or graphml."));
        code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return usage(QStringLiteral("export takes no positional argument ('%1')")
                         .arg(parser.positionalArguments().constFirst()));

    exports::ExportOptions options;
    if (parser.isSet(format)) {
        const std::optional<exports::ExportFormat> parsed = exports::exportFormatFromString(parser.value(format));
        if (!parsed)
            return usage(QStringLiteral("Unknown format '%1'. Valid formats: %2")
                             .arg(parser.value(format), formatNames.join(QStringLiteral(", "))));
        options.format = *parsed;
    }
    const std::optional<int> depthValue = numberOption(parser, depth, 0, graph::kMaxDepth, 0);
    const std::optional<int> maxValue = numberOption(parser, maxNodes, 1, std::numeric_limits<int>::max(), 0);
    const std::optional<int> threshold = numberOption(parser, complexity, 0, std::numeric_limits<int>::max(), 1);
    if (!depthValue || !maxValue || !threshold)
        return kExitUsage;
    options.filter.depth = *depthValue;
    options.filter.maxNodes = *maxValue;
    options.mu.complexityThreshold = *threshold;
    options.mu.lineRanges = !parser.isSet(noLineRanges);
    options.mu.docstrings = !parser.isSet(noDocstrings);
    for (const QString& name : splitList(parser.values(types))) {
        const std::optional<NodeType> type = nodeTypeFromString(name.toLower());
        if (!type)
            return usage(
                QStringLiteral("Unknown node type '%1'. Valid types: module, class, function, external").arg(name));
        if (!options.filter.types.contains(*type))
            options.filter.types.append(*type);
    }
    if (parser.isSet(direction)) {
        const QString value = parser.value(direction).trimmed().toUpper();
        static const QStringList kDirections {QStringLiteral("LR"), QStringLiteral("TB"), QStringLiteral("TD"),
            QStringLiteral("RL"), QStringLiteral("BT")};
        if (!kDirections.contains(value))
            return usage(QStringLiteral("Unknown direction '%1'. Valid: LR, TB, RL, BT").arg(parser.value(direction)));
        options.direction = value;
    }
    if (parser.isSet(depth) && !parser.isSet(nodes) && *depthValue > 0)
        return usage(QStringLiteral("--depth needs --nodes"));

    QString root;
    auto reader = openProject(parser.value(projectOption()), &root);
    if (!reader)
        return fail(reader.error());
    // Names are resolved like every other command's NODE; a value that is an exact id is taken whole
    // (ids may contain commas, e.g. C++ template arguments).
    for (const QString& value : parser.values(nodes)) {
        Result<std::optional<Node>> exact = (*reader)->node(value.trimmed());
        if (!exact)
            return fail(exact.error());
        if (*exact) {
            options.filter.nodeIds.append((*exact)->id);
            continue;
        }
        for (const QString& text : splitList({value})) {
            const std::optional<Node> node = resolveNodeOrReport(**reader, text);
            if (!node)
                return kExitUserError;
            options.filter.nodeIds.append(node->id);
        }
    }
    options.filter.nodeIds.removeDuplicates();
    if (parser.isSet(nodes) && options.filter.nodeIds.isEmpty())
        return usage(QStringLiteral("--nodes names no node"));
    options.source = QFileInfo(root).fileName();

    Result<std::shared_ptr<const graph::Graph>> snapshot = graph::Graph::load(index::mubasePath(root));
    if (!snapshot)
        return fail(snapshot.error());
    Result<QByteArray> data = exports::exportGraph(**reader, **snapshot, options);
    if (!data)
        return fail(data.error(), {}, data.error().code == QLatin1String("usage") ? kExitUsage : kExitUserError);

    if (parser.isSet(output)) {
        QSaveFile file(parser.value(output));
        if (!file.open(QIODevice::WriteOnly) || file.write(*data) != data->size() || !file.commit())
            return fail({QStringLiteral("io"),
                QStringLiteral("Cannot write %1: %2").arg(parser.value(output), file.errorString())});
        return kExitOk;
    }
    std::fwrite(data->constData(), 1, size_t(data->size()), stdout);
    std::fflush(stdout);
    return kExitOk;
}

} // namespace mu::cli
