#pragma once

// Internal to mu::graph: how snapshots are assembled, shared by the in-memory and SQLite loaders.

#include "graph/graph.h"

#include <vector>

namespace mu::graph {

/// A node as a loader read it; `file` indexes the snapshot's files (-1: none).
struct NodeRow {
    QString id;
    NodeType type = NodeType::Module;
    QString kind;
    QString name;
    QString qualifiedName;
    std::int32_t file = -1;
    std::int32_t line = 0;
};

/// An edge resolved to node indexes of the snapshot being built.
struct EdgeRow {
    NodeIndex source = kNoNode;
    NodeIndex target = kNoNode;
    EdgeType type = EdgeType::Contains;
    std::int32_t file = -1;
    std::int32_t line = 0;
};

/// An edge still named by ids (read from a changed file, or not resolvable yet).
struct IdEdgeRow {
    QString sourceId;
    QString targetId;
    EdgeType type = EdgeType::Contains;
    std::int32_t file = -1;
    std::int32_t line = 0;
};

/// The rows of the files that changed since a snapshot: what Graph::update() applies to it.
struct GraphDelta {
    qint64 revision = 0;
    std::vector<QString> files; ///< every file of the new revision, sorted
    /// Old file paths whose rows are replaced (changed) or dropped (removed).
    std::vector<QString> replacedFiles; ///< sorted
    std::vector<NodeRow> nodes;         ///< of the changed files and every external; file indexes `files`
    std::vector<IdEdgeRow> edges;       ///< of the changed files; file indexes `files`
};

/// Assembles Graph snapshots. Thread: stateless; any thread.
class GraphBuilder {
public:
    /// A snapshot from nodes sorted by id (unique) and edges resolved against them, in any order.
    static std::shared_ptr<Graph> build(qint64 revision, std::vector<QString> files, std::vector<NodeRow> sortedNodes,
        std::vector<EdgeRow> edges, std::vector<IdEdgeRow> dangling);

    /// `previous` with the delta applied; equal to a build() of the new revision's rows.
    static std::shared_ptr<Graph> update(const Graph& previous, GraphDelta delta);

    /// Sorts rows by id, the order node indexes follow.
    static void sortById(std::vector<NodeRow>& nodes);
    /// The first index whose id is not less than `id` (nodeCount() if none).
    static NodeIndex lowerBound(const Graph& graph, QStringView id);

private:
    /// Lays out nodes sorted by id; graph.m_files must be set (text chunks follow files).
    static void setNodes(Graph& graph, std::vector<NodeRow>&& sortedNodes);
    /// Appends one node after the current last; its strings go to `chunks` (created on demand).
    static void appendNode(Graph& graph, NodeRow&& row, std::vector<std::shared_ptr<Graph::TextChunk>>& chunks);
    /// Sorts (unless `sorted`), collapses parallel edges and lays out both CSR arrays.
    static void setEdges(Graph& graph, std::vector<EdgeRow>&& edges, bool sorted);
    static Graph::DanglingEdge dangling(IdEdgeRow&& edge);
};

} // namespace mu::graph
