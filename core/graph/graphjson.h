#pragma once

#include "graph/graph.h"

#include <QJsonArray>
#include <QJsonObject>

/// The JSON shapes of graph answers, shared by the CLI's --json output and the daemon's HTTP
/// answers (SPEC §2: `mu impact --json` answers exactly what POST /impact answers). Every
/// top-level object carries the snapshot's "revision".
/// Thread: pure functions of an immutable Graph; call from any thread.
namespace mu::graph::json {

/// The compact node of graph answers:
/// {id, type, kind, name, qualified_name, file_path (null for externals), line_start}.
QJsonObject node(const Graph& graph, NodeIndex node);

/// POST /impact, POST /ancestors: {node_id, direction, edge_types:[..], depth, nodes:[{<node>,
/// depth, edge_type, via}], count, truncated, revision}.
QJsonObject traversal(const Graph& graph, NodeIndex start, const Traversal& traversal, Direction direction,
    EdgeTypeSet edgeTypes, int maxDepth);

/// GET /nodes/{id}/neighbors: {node_id, direction, edge_types:[..], neighbors:[{node, edge_type,
/// direction, line}], count, revision}.
QJsonObject neighbours(
    const Graph& graph, NodeIndex node, Direction direction, EdgeTypeSet edgeTypes, const QList<Neighbour>& neighbours);

/// POST /cycles: {cycles:[[id..]..], cycle_count, total_nodes_in_cycles, edge_types:[..], truncated,
/// revision}.
QJsonObject cycles(const Graph& graph, const Cycles& cycles, EdgeTypeSet edgeTypes);

/// One path: [{node, edge_type (null for the first step), direction, line}].
QJsonArray path(const Graph& graph, const Path& path);

/// POST /path: {from, to, path:[..], length (edges), revision} for one path; with `all`, also
/// {paths:[[..]..], path_count} (path then being the first of them).
QJsonObject paths(const Graph& graph, NodeIndex from, NodeIndex to, const QList<Path>& paths, bool all);

} // namespace mu::graph::json
