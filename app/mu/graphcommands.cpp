// mu deps | usedby | impact | ancestors | cycles | path | why: the graph operations of SPEC §2 on a
// snapshot of the project's graph (core/graph), with the JSON the daemon answers for the same
// operation under --json.
#include "cli.h"

#include "graph/graph.h"
#include "graph/graphjson.h"
#include "index/indexer.h"
#include "store/noderesolver.h"
#include "store/storereader.h"

#include <QCommandLineParser>
#include <QJsonArray>

#include <cstdio>

namespace mu::cli {

namespace {

using graph::Direction;
using graph::EdgeTypeSet;
using graph::Graph;
using graph::NodeIndex;

const QCommandLineOption kJsonOption = jsonOption();
const QCommandLineOption kProjectOption = projectOption();
const QCommandLineOption kDepthOption(QStringLiteral("depth"),
    QStringLiteral("Follow at most N edges (1-%1, default %1).").arg(graph::kMaxDepth), QStringLiteral("N"));
const QCommandLineOption kEdgeTypesOption(QStringLiteral("edge-types"),
    QStringLiteral("Follow only these edge types (comma-separated: contains, imports, inherits, calls, uses)."),
    QStringLiteral("TYPES"));
const QCommandLineOption kLimitOption(QStringLiteral("limit"),
    QStringLiteral("List at most N nodes (default %1).").arg(graph::kDefaultResultLimit), QStringLiteral("N"));

void out(const QString& line)
{
    std::fputs(line.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
}

int usage(const QString& command, const QString& message)
{
    return fail({QStringLiteral("usage"), message}, QStringLiteral("see 'mu %1 --help'").arg(command), kExitUsage);
}

/// The project's store (for NODE resolution) and a graph snapshot read right after it.
struct Project {
    std::unique_ptr<store::StoreReader> reader;
    std::shared_ptr<const Graph> graph;
};

Result<Project> openGraph(const QCommandLineParser& parser)
{
    QString root;
    auto reader = openProject(parser.value(kProjectOption), &root);
    if (!reader)
        return reader.error();
    auto graph = Graph::load(index::mubasePath(root));
    if (!graph)
        return graph.error();
    return Project {std::move(*reader), std::move(*graph)};
}

/// Resolves NODE (SPEC §2) to a node of the snapshot; on failure prints the error (and the
/// candidates of an ambiguous name) and returns nullopt.
std::optional<NodeIndex> resolve(const Project& project, const QString& text)
{
    const std::optional<Node> node = resolveNodeOrReport(*project.reader, text);
    if (!node)
        return std::nullopt;
    const NodeIndex index = project.graph->indexOf(node->id);
    if (index == graph::kNoNode) {
        // The index changed between resolving and loading (a daemon committed in between).
        fail({QStringLiteral("stale"), QStringLiteral("%1 changed while it was being read").arg(node->id)},
            QStringLiteral("run the command again"));
        return std::nullopt;
    }
    return index;
}

/// --depth: 1..kMaxDepth; nullopt (after printing a usage error) when malformed.
std::optional<int> depthOption(const QCommandLineParser& parser, const QString& command)
{
    if (!parser.isSet(kDepthOption))
        return graph::kMaxDepth;
    bool ok = false;
    const int depth = parser.value(kDepthOption).toInt(&ok);
    if (!ok || depth < 1 || depth > graph::kMaxDepth) {
        usage(command,
            QStringLiteral("--depth takes a number from 1 to %1, not '%2'")
                .arg(graph::kMaxDepth)
                .arg(parser.value(kDepthOption)));
        return std::nullopt;
    }
    return depth;
}

std::optional<int> positiveOption(
    const QCommandLineParser& parser, const QCommandLineOption& option, int fallback, const QString& command)
{
    if (!parser.isSet(option))
        return fallback;
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (!ok || value < 1) {
        usage(command,
            QStringLiteral("--%1 takes a positive number, not '%2'")
                .arg(option.names().constLast(), parser.value(option)));
        return std::nullopt;
    }
    return value;
}

/// --edge-types, or `fallback` when absent; nullopt (after printing the error) when malformed.
std::optional<EdgeTypeSet> edgeTypesOption(
    const QCommandLineParser& parser, const QCommandLineOption& option, EdgeTypeSet fallback, const QString& command)
{
    if (!parser.isSet(option))
        return fallback;
    Result<EdgeTypeSet> types = EdgeTypeSet::parse(parser.values(option));
    if (!types) {
        usage(command, types.error().message);
        return std::nullopt;
    }
    return *types;
}

/// "file:line" of a node, dimmed; "external" for externals.
QString location(const Graph& graph, NodeIndex node)
{
    const QString& path = graph.filePath(node);
    if (path.isEmpty())
        return dim(QStringLiteral("external"));
    return dim(path + u':' + QString::number(graph.lineStart(node)));
}

QString heading(const Graph& graph, NodeIndex node)
{
    QString text = bold(graph.id(node));
    const QString& qualified = graph.qualifiedName(node);
    text += dim(QStringLiteral("  %1%2").arg(graph.kind(node), qualified.isEmpty() ? QString() : u" · " + qualified));
    return text;
}

QString count(qsizetype n, const char* singular, const char* plural)
{
    return QString::number(n) + u' ' + QLatin1String(n == 1 ? singular : plural);
}

// deps / usedby --------------------------------------------------------------------------------

int runNeighbours(const QStringList& arguments, Direction direction)
{
    const bool deps = direction == Direction::Outgoing;
    const QString command = deps ? QStringLiteral("deps") : QStringLiteral("usedby");
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("NODE"), QStringLiteral("Id, path, name or qualified name."));
    const QCommandLineOption includeContains(QStringLiteral("include-contains"),
        deps ? QStringLiteral("Also list what NODE contains (members, definitions).")
             : QStringLiteral("Also list what contains NODE (its class or module)."));
    parser.addOptions({includeContains, kEdgeTypesOption, kJsonOption, kProjectOption});
    const QString summary = deps ? QStringLiteral("What NODE depends on directly (every edge type but contains).")
                                 : QStringLiteral("What depends on NODE directly (every edge type but contains).");
    if (int code = parseOrExit(parser, arguments, summary); code >= 0)
        return code;
    if (parser.positionalArguments().size() != 1)
        return usage(command, QStringLiteral("%1 takes one NODE").arg(command));
    EdgeTypeSet fallback = EdgeTypeSet::allButContains();
    if (parser.isSet(includeContains))
        fallback = EdgeTypeSet::all();
    const std::optional<EdgeTypeSet> types = edgeTypesOption(parser, kEdgeTypesOption, fallback, command);
    if (!types)
        return kExitUsage;
    Result<Project> project = openGraph(parser);
    if (!project)
        return fail(project.error());
    const Graph& graph = *project->graph;
    const std::optional<NodeIndex> node = resolve(*project, parser.positionalArguments().constFirst());
    if (!node)
        return kExitUserError;

    const QList<graph::Neighbour> list = graph::neighbours(graph, *node, direction, *types);
    if (parser.isSet(kJsonOption)) {
        printJson(graph::json::neighbours(graph, *node, direction, *types, list));
        return kExitOk;
    }
    out(heading(graph, *node));
    if (list.isEmpty()) {
        out(dim(deps
                ? QStringLiteral("  depends on nothing over %1").arg(types->names().join(QStringLiteral(", ")))
                : QStringLiteral("  nothing depends on it over %1").arg(types->names().join(QStringLiteral(", ")))));
        return kExitOk;
    }
    out(QStringLiteral("%1 %2").arg(
        deps ? QStringLiteral("depends on") : QStringLiteral("is used by"), count(list.size(), "node", "nodes")));
    // Grouped by edge type (the list is sorted by type, then node).
    for (qsizetype i = 0; i < list.size();) {
        const EdgeType type = list[i].edgeType;
        qsizetype end = i;
        while (end < list.size() && list[end].edgeType == type)
            ++end;
        out(QStringLiteral("  %1 (%2)").arg(bold(toString(type))).arg(end - i));
        for (; i < end; ++i)
            out(QStringLiteral("    %1  %2").arg(graph.id(list[i].node), location(graph, list[i].node)));
    }
    return kExitOk;
}

// impact / ancestors ---------------------------------------------------------------------------

/// The traversal as a tree: each node under the node it was reached from, indented by depth.
void printTree(const Graph& graph, NodeIndex start, const graph::Traversal& traversal, Direction direction)
{
    const QString arrow = direction == Direction::Incoming ? QStringLiteral("←") : QStringLiteral("→");
    // Children of each node in result order (depth, then id); an iterative depth-first walk.
    QHash<NodeIndex, QList<qsizetype>> children;
    for (qsizetype i = 0; i < traversal.nodes.size(); ++i)
        children[traversal.nodes[i].via].append(i);
    std::vector<qsizetype> stack; // indexes into traversal.nodes, the next to print last
    const QList<qsizetype> roots = children.value(start);
    stack.insert(stack.end(), roots.crbegin(), roots.crend());
    while (!stack.empty()) {
        const qsizetype i = stack.back();
        stack.pop_back();
        const graph::Reached& reached = traversal.nodes[i];
        out(QString(reached.depth * 2, u' ')
            + QStringLiteral("%1 %2  %3  %4")
                  .arg(arrow, dim(toString(reached.edgeType)), graph.id(reached.node), location(graph, reached.node)));
        const QList<qsizetype> next = children.value(reached.node);
        stack.insert(stack.end(), next.crbegin(), next.crend());
    }
}

int runTraversal(const QStringList& arguments, Direction direction)
{
    const bool impact = direction == Direction::Incoming;
    const QString command = impact ? QStringLiteral("impact") : QStringLiteral("ancestors");
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("NODE"), QStringLiteral("Id, path, name or qualified name."));
    parser.addOptions({kDepthOption, kEdgeTypesOption, kLimitOption, kJsonOption, kProjectOption});
    const QString summary = impact
        ? QStringLiteral("Everything downstream of NODE that may break when it changes: its dependents, their "
                         "dependents, and so on (every edge type but contains unless --edge-types says otherwise).")
        : QStringLiteral("Everything NODE depends on, transitively (every edge type but contains unless "
                         "--edge-types says otherwise).");
    if (int code = parseOrExit(parser, arguments, summary); code >= 0)
        return code;
    if (parser.positionalArguments().size() != 1)
        return usage(command, QStringLiteral("%1 takes one NODE").arg(command));
    const std::optional<int> depth = depthOption(parser, command);
    const std::optional<int> limit = positiveOption(parser, kLimitOption, graph::kDefaultResultLimit, command);
    const std::optional<EdgeTypeSet> types
        = edgeTypesOption(parser, kEdgeTypesOption, EdgeTypeSet::allButContains(), command);
    if (!depth || !limit || !types)
        return kExitUsage;
    Result<Project> project = openGraph(parser);
    if (!project)
        return fail(project.error());
    const Graph& graph = *project->graph;
    const std::optional<NodeIndex> node = resolve(*project, parser.positionalArguments().constFirst());
    if (!node)
        return kExitUserError;

    const graph::Traversal result = graph::reach(graph, *node, {direction, *types, *depth, *limit});
    if (parser.isSet(kJsonOption)) {
        printJson(graph::json::traversal(graph, *node, result, direction, *types, *depth));
        return kExitOk;
    }
    out(heading(graph, *node));
    printTree(graph, *node, result, direction);
    int deepest = 0;
    for (const graph::Reached& reached : result.nodes)
        deepest = std::max(deepest, reached.depth);
    QString footer = QStringLiteral("%1 %2").arg(count(result.nodes.size(), "node", "nodes"),
        impact ? QStringLiteral("may be affected") : QStringLiteral("depended on"));
    if (!result.nodes.isEmpty())
        footer += QStringLiteral(", %1 deep").arg(count(deepest, "level", "levels"));
    footer += QStringLiteral(" · depth ≤ %1 · %2").arg(*depth).arg(types->names().join(QStringLiteral(", ")));
    out(dim(footer));
    if (result.truncated)
        out(dim(QStringLiteral("(stopped at %1 nodes: raise --limit to see more)").arg(*limit)));
    return kExitOk;
}

// cycles --------------------------------------------------------------------------------------

int runCyclesCommand(const QStringList& arguments)
{
    const QString command = QStringLiteral("cycles");
    QCommandLineParser parser;
    parser.addOptions({kEdgeTypesOption, kLimitOption, kJsonOption, kProjectOption});
    if (int code = parseOrExit(parser, arguments,
            QStringLiteral("Dependency cycles: strongly connected components of more than one node (every edge type "
                           "but contains unless --edge-types says otherwise, e.g. --edge-types imports)."));
        code >= 0) {
        return code;
    }
    if (!parser.positionalArguments().isEmpty())
        return usage(command, QStringLiteral("cycles takes no NODE; narrow with --edge-types"));
    const std::optional<int> limit = positiveOption(parser, kLimitOption, graph::kDefaultResultLimit, command);
    const std::optional<EdgeTypeSet> types
        = edgeTypesOption(parser, kEdgeTypesOption, EdgeTypeSet::allButContains(), command);
    if (!limit || !types)
        return kExitUsage;
    Result<Project> project = openGraph(parser);
    if (!project)
        return fail(project.error());
    const Graph& graph = *project->graph;

    const graph::Cycles found = graph::cycles(graph, *types, *limit);
    if (parser.isSet(kJsonOption)) {
        printJson(graph::json::cycles(graph, found, *types));
        return kExitOk;
    }
    const QString over = types->names().join(QStringLiteral(", "));
    if (found.components.isEmpty()) {
        out(QStringLiteral("No cycles over %1.").arg(over));
        return kExitOk;
    }
    out(bold(
        QStringLiteral("%1 (%2) over %3")
            .arg(count(found.components.size(), "cycle", "cycles"), count(found.totalNodes, "node", "nodes"), over)));
    for (qsizetype c = 0; c < found.components.size(); ++c) {
        const QList<NodeIndex>& component = found.components[c];
        out(QString());
        out(bold(QStringLiteral("Cycle %1").arg(c + 1))
            + dim(QStringLiteral(" (%1)").arg(count(component.size(), "node", "nodes"))));
        // One concrete loop through the component's first node, so the cycle reads as a chain:
        // its lowest successor inside the component, then the shortest way back.
        const NodeIndex first = component.constFirst();
        for (const graph::Adjacent& edge : graph.outgoing(first)) {
            if (!types->contains(edge.type) || !std::binary_search(component.begin(), component.end(), edge.node))
                continue;
            const std::optional<graph::Path> back = graph::shortestPath(graph, edge.node, first, {*types});
            if (!back)
                continue;
            QString loop = graph.id(first) + QStringLiteral(" -%1-> ").arg(toString(edge.type));
            for (const graph::Hop& hop : *back) {
                if (hop.edgeType)
                    loop += QStringLiteral(" -%1-> ").arg(toString(*hop.edgeType));
                loop += graph.id(hop.node);
            }
            out(QStringLiteral("  ") + loop);
            break;
        }
        for (NodeIndex member : component)
            out(QStringLiteral("    %1  %2").arg(graph.id(member), location(graph, member)));
    }
    if (found.truncated)
        out(dim(QStringLiteral("(stopped at %1 cycles: raise --limit to see more)").arg(*limit)));
    return kExitOk;
}

// path / why ----------------------------------------------------------------------------------

void printPath(const Graph& graph, const graph::Path& path)
{
    for (const graph::Hop& hop : path) {
        if (!hop.edgeType) {
            out(QStringLiteral("  %1  %2").arg(graph.id(hop.node), location(graph, hop.node)));
            continue;
        }
        const QString arrow = hop.direction == Direction::Incoming ? QStringLiteral("←") : QStringLiteral("→");
        out(QStringLiteral("    %1 %2  %3  %4")
                .arg(arrow, dim(toString(*hop.edgeType)), graph.id(hop.node), location(graph, hop.node)));
    }
}

/// The 404 answer of POST /path, as JSON on stdout, with the same message on stderr.
int noPath(bool json, const QString& message, const QString& hint)
{
    if (json) {
        printJson(QJsonObject {{QStringLiteral("error"),
            QJsonObject {
                {QStringLiteral("code"), QStringLiteral("not_found")}, {QStringLiteral("message"), message}}}});
    }
    return fail({QStringLiteral("not_found"), message}, hint);
}

int runPathCommand(const QStringList& arguments)
{
    const QString command = QStringLiteral("path");
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("A"), QStringLiteral("Where the path starts."));
    parser.addPositionalArgument(QStringLiteral("B"), QStringLiteral("Where it ends."));
    const QCommandLineOption via(QStringLiteral("via"),
        QStringLiteral("Follow only edges of these types (e.g. calls; comma-separated). Default: every type."),
        QStringLiteral("TYPES"));
    const QCommandLineOption all(
        QStringLiteral("all"), QStringLiteral("List every shortest path, not only the first."));
    const QCommandLineOption max(
        QStringLiteral("max"), QStringLiteral("With --all: list at most N paths (default 10)."), QStringLiteral("N"));
    parser.addOptions({via, kDepthOption, all, max, kJsonOption, kProjectOption});
    if (int code = parseOrExit(parser, arguments,
            QStringLiteral("The shortest path from A to B along dependency edges (A → … → B), with the edge type of "
                           "each hop."));
        code >= 0) {
        return code;
    }
    if (parser.positionalArguments().size() != 2)
        return usage(command, QStringLiteral("path takes two nodes, A and B"));
    if (parser.isSet(max) && !parser.isSet(all))
        return usage(command, QStringLiteral("--max applies to --all"));
    const std::optional<int> depth = depthOption(parser, command);
    const std::optional<int> maxPaths = positiveOption(parser, max, 10, command);
    const std::optional<EdgeTypeSet> types = edgeTypesOption(parser, via, EdgeTypeSet::all(), command);
    if (!depth || !maxPaths || !types)
        return kExitUsage;
    Result<Project> project = openGraph(parser);
    if (!project)
        return fail(project.error());
    const Graph& graph = *project->graph;
    const std::optional<NodeIndex> from = resolve(*project, parser.positionalArguments().at(0));
    if (!from)
        return kExitUserError;
    const std::optional<NodeIndex> to = resolve(*project, parser.positionalArguments().at(1));
    if (!to)
        return kExitUserError;

    const graph::PathOptions options {*types, *depth, Direction::Outgoing};
    const QList<graph::Path> paths
        = graph::allShortestPaths(graph, *from, *to, parser.isSet(all) ? *maxPaths : 1, options);
    if (paths.isEmpty()) {
        return noPath(parser.isSet(kJsonOption),
            QStringLiteral("no path from %1 to %2 within %3 over %4")
                .arg(graph.id(*from), graph.id(*to), count(*depth, "edge", "edges"),
                    types->names().join(QStringLiteral(", "))),
            QStringLiteral("try 'mu why %1 %2' (either direction) or 'mu path %3 %4'")
                .arg(parser.positionalArguments().at(0), parser.positionalArguments().at(1),
                    parser.positionalArguments().at(1), parser.positionalArguments().at(0)));
    }
    if (parser.isSet(kJsonOption)) {
        printJson(graph::json::paths(graph, *from, *to, paths, parser.isSet(all)));
        return kExitOk;
    }
    for (qsizetype i = 0; i < paths.size(); ++i) {
        if (parser.isSet(all))
            out(bold(QStringLiteral("Path %1 of %2").arg(i + 1).arg(paths.size())));
        printPath(graph, paths[i]);
    }
    out(dim(QStringLiteral("%1%2").arg(count(paths.constFirst().size() - 1, "hop", "hops"),
        paths.size() > 1 || parser.isSet(all) ? QStringLiteral(" · %1").arg(count(paths.size(), "path", "paths"))
                                              : QString())));
    return kExitOk;
}

int runWhyCommand(const QStringList& arguments)
{
    const QString command = QStringLiteral("why");
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("A"), QStringLiteral("The node that may depend on B."));
    parser.addPositionalArgument(QStringLiteral("B"), QStringLiteral("The node A may depend on."));
    parser.addOptions({kJsonOption, kProjectOption});
    if (int code = parseOrExit(parser, arguments,
            QStringLiteral("Why A depends on B: the shortest chain of edges from A to B over every edge type; when A "
                           "does not depend on B, the chain from B to A if B depends on A."));
        code >= 0) {
        return code;
    }
    if (parser.positionalArguments().size() != 2)
        return usage(command, QStringLiteral("why takes two nodes, A and B"));
    Result<Project> project = openGraph(parser);
    if (!project)
        return fail(project.error());
    const Graph& graph = *project->graph;
    const std::optional<NodeIndex> a = resolve(*project, parser.positionalArguments().at(0));
    if (!a)
        return kExitUserError;
    const std::optional<NodeIndex> b = resolve(*project, parser.positionalArguments().at(1));
    if (!b)
        return kExitUserError;

    bool reverse = false;
    std::optional<graph::Path> path = graph::shortestPath(graph, *a, *b);
    if (!path) {
        path = graph::shortestPath(graph, *b, *a);
        reverse = path.has_value();
    }
    if (!path) {
        return noPath(parser.isSet(kJsonOption),
            QStringLiteral("%1 and %2 do not depend on each other (no path within %3 either way)")
                .arg(graph.id(*a), graph.id(*b), count(graph::kMaxDepth, "edge", "edges")),
            QStringLiteral("'mu usedby' and 'mu deps' show what each is connected to"));
    }
    const NodeIndex from = reverse ? *b : *a;
    const NodeIndex to = reverse ? *a : *b;
    if (parser.isSet(kJsonOption)) {
        QJsonObject object = graph::json::paths(graph, from, to, {*path}, false);
        object.insert(QStringLiteral("direction"), reverse ? QStringLiteral("reverse") : QStringLiteral("forward"));
        printJson(object);
        return kExitOk;
    }
    if (reverse) {
        out(QStringLiteral("%1 does not depend on %2, but %2 depends on %1:")
                .arg(bold(graph.id(*a)), bold(graph.id(*b))));
    } else {
        out(QStringLiteral("%1 depends on %2:").arg(bold(graph.id(from)), bold(graph.id(to))));
    }
    printPath(graph, *path);
    out(dim(count(path->size() - 1, "hop", "hops")));
    return kExitOk;
}

} // namespace

int runDeps(const QStringList& arguments)
{
    return runNeighbours(arguments, Direction::Outgoing);
}

int runUsedBy(const QStringList& arguments)
{
    return runNeighbours(arguments, Direction::Incoming);
}

int runImpact(const QStringList& arguments)
{
    return runTraversal(arguments, Direction::Incoming);
}

int runAncestors(const QStringList& arguments)
{
    return runTraversal(arguments, Direction::Outgoing);
}

int runCycles(const QStringList& arguments)
{
    return runCyclesCommand(arguments);
}

int runPath(const QStringList& arguments)
{
    return runPathCommand(arguments);
}

int runWhy(const QStringList& arguments)
{
    return runWhyCommand(arguments);
}

} // namespace mu::cli
