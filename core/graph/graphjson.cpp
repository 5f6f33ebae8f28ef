#include "graph/graphjson.h"

namespace mu::graph::json {

namespace {

QJsonArray strings(const QStringList& list)
{
    return QJsonArray::fromStringList(list);
}

} // namespace

QJsonObject node(const Graph& graph, NodeIndex node)
{
    const QString& path = graph.filePath(node);
    return {
        {QStringLiteral("id"), graph.id(node)},
        {QStringLiteral("type"), toString(graph.type(node))},
        {QStringLiteral("kind"), graph.kind(node)},
        {QStringLiteral("name"), graph.name(node)},
        {QStringLiteral("qualified_name"), graph.qualifiedName(node)},
        {QStringLiteral("file_path"), path.isEmpty() ? QJsonValue() : QJsonValue(path)},
        {QStringLiteral("line_start"), graph.lineStart(node)},
    };
}

QJsonObject traversal(const Graph& graph, NodeIndex start, const Traversal& traversal, Direction direction,
    EdgeTypeSet edgeTypes, int maxDepth)
{
    QJsonArray nodes;
    for (const Reached& reached : traversal.nodes) {
        QJsonObject object = node(graph, reached.node);
        object.insert(QStringLiteral("depth"), reached.depth);
        object.insert(QStringLiteral("edge_type"), toString(reached.edgeType));
        object.insert(QStringLiteral("via"), graph.id(reached.via));
        if (direction == Direction::Both)
            object.insert(QStringLiteral("direction"), toString(reached.direction));
        nodes.append(object);
    }
    return {
        {QStringLiteral("node_id"), graph.id(start)},
        {QStringLiteral("direction"), toString(direction)},
        {QStringLiteral("edge_types"), strings(edgeTypes.names())},
        {QStringLiteral("depth"), maxDepth},
        {QStringLiteral("nodes"), nodes},
        {QStringLiteral("count"), nodes.size()},
        {QStringLiteral("truncated"), traversal.truncated},
        {QStringLiteral("revision"), graph.revision()},
    };
}

QJsonObject neighbours(
    const Graph& graph, NodeIndex node, Direction direction, EdgeTypeSet edgeTypes, const QList<Neighbour>& neighbours)
{
    QJsonArray list;
    for (const Neighbour& neighbour : neighbours) {
        list.append(QJsonObject {
            {QStringLiteral("node"), json::node(graph, neighbour.node)},
            {QStringLiteral("edge_type"), toString(neighbour.edgeType)},
            {QStringLiteral("direction"), toString(neighbour.direction)},
            {QStringLiteral("line"), neighbour.line},
        });
    }
    return {
        {QStringLiteral("node_id"), graph.id(node)},
        {QStringLiteral("direction"), toString(direction)},
        {QStringLiteral("edge_types"), strings(edgeTypes.names())},
        {QStringLiteral("neighbors"), list},
        {QStringLiteral("count"), list.size()},
        {QStringLiteral("revision"), graph.revision()},
    };
}

QJsonObject cycles(const Graph& graph, const Cycles& cycles, EdgeTypeSet edgeTypes)
{
    QJsonArray list;
    for (const QList<NodeIndex>& component : cycles.components) {
        QJsonArray ids;
        for (NodeIndex member : component)
            ids.append(graph.id(member));
        list.append(ids);
    }
    return {
        {QStringLiteral("cycles"), list},
        {QStringLiteral("cycle_count"), list.size()},
        {QStringLiteral("total_nodes_in_cycles"), cycles.totalNodes},
        {QStringLiteral("edge_types"), strings(edgeTypes.names())},
        {QStringLiteral("truncated"), cycles.truncated},
        {QStringLiteral("revision"), graph.revision()},
    };
}

QJsonArray path(const Graph& graph, const Path& path)
{
    QJsonArray hops;
    for (const Hop& hop : path) {
        hops.append(QJsonObject {
            {QStringLiteral("node"), node(graph, hop.node)},
            {QStringLiteral("edge_type"), hop.edgeType ? QJsonValue(toString(*hop.edgeType)) : QJsonValue()},
            {QStringLiteral("direction"), toString(hop.direction)},
            {QStringLiteral("line"), hop.line},
        });
    }
    return hops;
}

QJsonObject paths(const Graph& graph, NodeIndex from, NodeIndex to, const QList<Path>& paths, bool all)
{
    QJsonObject object {
        {QStringLiteral("from"), graph.id(from)},
        {QStringLiteral("to"), graph.id(to)},
        {QStringLiteral("path"), paths.isEmpty() ? QJsonArray() : path(graph, paths.constFirst())},
        {QStringLiteral("length"), paths.isEmpty() ? -1 : int(paths.constFirst().size()) - 1},
        {QStringLiteral("revision"), graph.revision()},
    };
    if (all) {
        QJsonArray list;
        for (const Path& each : paths)
            list.append(path(graph, each));
        object.insert(QStringLiteral("paths"), list);
        object.insert(QStringLiteral("path_count"), list.size());
    }
    return object;
}

} // namespace mu::graph::json
