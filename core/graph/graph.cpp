#include "graph/graph.h"

#include "graph/graphbuilder.h"

#include <QHash>

#include <algorithm>
#include <numeric>
#include <tuple>

namespace mu::graph {

namespace {

/// Edit distance, for "did you mean" on edge type names (a handful of short words).
int editDistance(QStringView a, QStringView b)
{
    std::vector<int> row(size_t(b.size()) + 1);
    std::iota(row.begin(), row.end(), 0);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[size_t(j)];
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[size_t(j)] = std::min({above + 1, row[size_t(j - 1)] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[size_t(b.size())];
}

bool edgeRowLess(const EdgeRow& a, const EdgeRow& b)
{
    return std::tie(a.source, a.target, a.type, a.file, a.line) < std::tie(b.source, b.target, b.type, b.file, b.line);
}

/// Same edge for collapsing: one entry per (source, target, type, file) keeps the lowest line.
/// The file stays part of the key so that replacing one file's rows never loses another's edge.
bool sameEdge(const EdgeRow& a, const EdgeRow& b)
{
    return a.source == b.source && a.target == b.target && a.type == b.type && a.file == b.file;
}

bool adjacentEqual(const Adjacent& a, const Adjacent& b)
{
    return a.node == b.node && a.type == b.type && a.line == b.line && a.file == b.file;
}

} // namespace

QString toString(Direction direction)
{
    switch (direction) {
    case Direction::Outgoing:
        return QStringLiteral("outgoing");
    case Direction::Incoming:
        return QStringLiteral("incoming");
    case Direction::Both:
        return QStringLiteral("both");
    }
    Q_UNREACHABLE();
}

// EdgeTypeSet -----------------------------------------------------------------------------------

EdgeTypeSet EdgeTypeSet::all()
{
    EdgeTypeSet set;
    for (EdgeType type : allEdgeTypes())
        set = set.with(type);
    return set;
}

EdgeTypeSet EdgeTypeSet::allButContains()
{
    return all().without(EdgeType::Contains);
}

EdgeTypeSet EdgeTypeSet::of(std::initializer_list<EdgeType> types)
{
    EdgeTypeSet set;
    for (EdgeType type : types)
        set = set.with(type);
    return set;
}

Result<EdgeTypeSet> EdgeTypeSet::parse(const QStringList& names)
{
    EdgeTypeSet set;
    for (const QString& item : names) {
        for (QStringView name : QStringView(item).split(u',', Qt::SkipEmptyParts)) {
            name = name.trimmed();
            if (name.isEmpty())
                continue;
            if (std::optional<EdgeType> type = edgeTypeFromString(name)) {
                set = set.with(*type);
                continue;
            }
            QString message = QStringLiteral("Unknown edge type '%1'.").arg(name);
            QString closest;
            int best = 3; // suggest only near misses
            for (EdgeType type : allEdgeTypes()) {
                const QString candidate = toString(type);
                const int distance = editDistance(name.toString().toLower(), candidate);
                if (distance < best) {
                    best = distance;
                    closest = candidate;
                }
            }
            if (!closest.isEmpty())
                message += QStringLiteral(" Did you mean '%1'?").arg(closest);
            message += QStringLiteral(" Valid types: %1").arg(all().names().join(QStringLiteral(", ")));
            return Error {QStringLiteral("usage"), message};
        }
    }
    if (set.isEmpty()) {
        return Error {QStringLiteral("usage"),
            QStringLiteral("No edge type given. Valid types: %1").arg(all().names().join(QStringLiteral(", ")))};
    }
    return set;
}

QStringList EdgeTypeSet::names() const
{
    QStringList names;
    for (EdgeType type : allEdgeTypes()) {
        if (contains(type))
            names.append(toString(type));
    }
    return names;
}

// Graph -----------------------------------------------------------------------------------------

Graph::Graph() = default;
Graph::~Graph() = default;

NodeIndex Graph::indexOf(QStringView id) const
{
    const NodeIndex index = GraphBuilder::lowerBound(*this, id);
    return index < nodeCount() && this->id(index) == id ? index : kNoNode;
}

const QString& Graph::filePath(NodeIndex node) const
{
    static const QString s_none;
    const std::int32_t file = m_nodeFiles[size_t(node)];
    return file < 0 ? s_none : m_files[size_t(file)];
}

std::span<const Adjacent> Graph::outgoing(NodeIndex node) const
{
    if (node < 0 || node >= nodeCount())
        return {};
    const auto begin = size_t(m_outOffsets[size_t(node)]);
    const auto end = size_t(m_outOffsets[size_t(node) + 1]);
    return std::span<const Adjacent>(m_out).subspan(begin, end - begin);
}

std::span<const Adjacent> Graph::incoming(NodeIndex node) const
{
    if (node < 0 || node >= nodeCount())
        return {};
    const auto begin = size_t(m_inOffsets[size_t(node)]);
    const auto end = size_t(m_inOffsets[size_t(node) + 1]);
    return std::span<const Adjacent>(m_in).subspan(begin, end - begin);
}

int Graph::degree(NodeIndex node, Direction direction, EdgeTypeSet types) const
{
    const auto count = [types](std::span<const Adjacent> list) {
        return int(
            std::count_if(list.begin(), list.end(), [types](const Adjacent& a) { return types.contains(a.type); }));
    };
    int total = 0;
    if (direction != Direction::Incoming)
        total += count(outgoing(node));
    if (direction != Direction::Outgoing)
        total += count(incoming(node));
    return total;
}

std::optional<EdgeType> Graph::edgeBetween(NodeIndex from, NodeIndex to, EdgeTypeSet types) const
{
    const std::span<const Adjacent> list = outgoing(from);
    // Sorted by (node, type): the first match has the lowest type.
    auto it = std::lower_bound(
        list.begin(), list.end(), to, [](const Adjacent& a, NodeIndex node) { return a.node < node; });
    for (; it != list.end() && it->node == to; ++it) {
        if (types.contains(it->type))
            return it->type;
    }
    return std::nullopt;
}

bool Graph::sameContent(const Graph& other) const
{
    const auto sameDangling = [](std::vector<DanglingEdge> a, std::vector<DanglingEdge> b) {
        const auto key = [](const DanglingEdge& e) { return std::tie(e.sourceId, e.targetId, e.type, e.file, e.line); };
        const auto less = [&key](const DanglingEdge& x, const DanglingEdge& y) { return key(x) < key(y); };
        std::sort(a.begin(), a.end(), less);
        std::sort(b.begin(), b.end(), less);
        return std::equal(a.begin(), a.end(), b.begin(), b.end(),
            [&key](const DanglingEdge& x, const DanglingEdge& y) { return key(x) == key(y); });
    };
    const auto sameText = [this, &other] {
        for (NodeIndex n = 0; n < nodeCount(); ++n) {
            const NodeText& a = text(n);
            const NodeText& b = other.text(n);
            if (a.id != b.id || a.kind != b.kind || a.name != b.name || a.qualifiedName != b.qualifiedName)
                return false;
        }
        return true;
    };
    return m_revision == other.m_revision && m_types == other.m_types && sameText() && m_nodeFiles == other.m_nodeFiles
        && m_lineStarts == other.m_lineStarts && m_files == other.m_files && m_outOffsets == other.m_outOffsets
        && m_inOffsets == other.m_inOffsets
        && std::equal(m_out.begin(), m_out.end(), other.m_out.begin(), other.m_out.end(), adjacentEqual)
        && std::equal(m_in.begin(), m_in.end(), other.m_in.begin(), other.m_in.end(), adjacentEqual)
        && sameDangling(m_dangling, other.m_dangling);
}

std::shared_ptr<const Graph> Graph::fromRows(const QList<Node>& nodes, const QList<Edge>& edges, qint64 revision)
{
    std::vector<QString> files;
    for (const Node& node : nodes) {
        if (!node.filePath.isEmpty())
            files.push_back(node.filePath);
    }
    for (const Edge& edge : edges) {
        if (!edge.filePath.isEmpty())
            files.push_back(edge.filePath);
    }
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    const auto fileIndex = [&files](const QString& path) -> std::int32_t {
        if (path.isEmpty())
            return -1;
        return std::int32_t(std::lower_bound(files.begin(), files.end(), path) - files.begin());
    };

    std::vector<NodeRow> rows;
    rows.reserve(size_t(nodes.size()));
    for (const Node& node : nodes) {
        rows.push_back(NodeRow {
            node.id, node.type, node.kind, node.name, node.qualifiedName, fileIndex(node.filePath), node.lineStart});
    }
    GraphBuilder::sortById(rows);
    // Duplicate ids: the last row wins, as an upsert would.
    std::vector<NodeRow> unique;
    unique.reserve(rows.size());
    for (NodeRow& row : rows) {
        if (!unique.empty() && unique.back().id == row.id)
            unique.back() = std::move(row);
        else
            unique.push_back(std::move(row));
    }
    const auto indexIn = [&unique](const QString& id) -> NodeIndex {
        const auto it = std::lower_bound(
            unique.begin(), unique.end(), id, [](const NodeRow& row, const QString& key) { return row.id < key; });
        return it != unique.end() && it->id == id ? NodeIndex(it - unique.begin()) : kNoNode;
    };

    std::vector<EdgeRow> resolved;
    std::vector<IdEdgeRow> dangling;
    resolved.reserve(size_t(edges.size()));
    for (const Edge& edge : edges) {
        const NodeIndex source = indexIn(edge.sourceId);
        const NodeIndex target = indexIn(edge.targetId);
        if (source == kNoNode || target == kNoNode)
            dangling.push_back(
                IdEdgeRow {edge.sourceId, edge.targetId, edge.type, fileIndex(edge.filePath), edge.line});
        else
            resolved.push_back(EdgeRow {source, target, edge.type, fileIndex(edge.filePath), edge.line});
    }
    return GraphBuilder::build(revision, std::move(files), std::move(unique), std::move(resolved), std::move(dangling));
}

// GraphBuilder ----------------------------------------------------------------------------------

void GraphBuilder::sortById(std::vector<NodeRow>& nodes)
{
    std::sort(nodes.begin(), nodes.end(), [](const NodeRow& a, const NodeRow& b) { return a.id < b.id; });
}

Graph::DanglingEdge GraphBuilder::dangling(IdEdgeRow&& edge)
{
    return Graph::DanglingEdge {std::move(edge.sourceId), std::move(edge.targetId), edge.type, edge.line, edge.file};
}

std::shared_ptr<Graph> GraphBuilder::build(qint64 revision, std::vector<QString> files,
    std::vector<NodeRow> sortedNodes, std::vector<EdgeRow> edges, std::vector<IdEdgeRow> dangling)
{
    auto graph = std::make_shared<Graph>();
    graph->m_revision = revision;
    graph->m_files = std::move(files);
    setNodes(*graph, std::move(sortedNodes));
    setEdges(*graph, std::move(edges), false);
    graph->m_dangling.reserve(dangling.size());
    for (IdEdgeRow& edge : dangling)
        graph->m_dangling.push_back(GraphBuilder::dangling(std::move(edge)));
    return graph;
}

NodeIndex GraphBuilder::lowerBound(const Graph& graph, QStringView id)
{
    NodeIndex low = 0;
    NodeIndex count = graph.nodeCount();
    while (count > 0) {
        const NodeIndex half = count / 2;
        if (graph.id(low + half) < id) {
            low += half + 1;
            count -= half + 1;
        } else {
            count = half;
        }
    }
    return low;
}

void GraphBuilder::appendNode(Graph& graph, NodeRow&& row, std::vector<std::shared_ptr<Graph::TextChunk>>& chunks)
{
    const auto chunk = size_t(row.file < 0 ? std::int32_t(graph.m_files.size()) : row.file);
    if (!chunks[chunk])
        chunks[chunk] = std::make_shared<Graph::TextChunk>();
    graph.m_text.push_back(Graph::TextRef {std::int32_t(chunk), std::int32_t(chunks[chunk]->size())});
    chunks[chunk]->push_back(
        Graph::NodeText {std::move(row.id), std::move(row.kind), std::move(row.name), std::move(row.qualifiedName)});
    graph.m_types.push_back(row.type);
    graph.m_nodeFiles.push_back(row.file);
    graph.m_lineStarts.push_back(row.line);
}

void GraphBuilder::setNodes(Graph& graph, std::vector<NodeRow>&& sortedNodes)
{
    const size_t count = sortedNodes.size();
    graph.m_types.reserve(count);
    graph.m_text.reserve(count);
    graph.m_nodeFiles.reserve(count);
    graph.m_lineStarts.reserve(count);
    std::vector<std::shared_ptr<Graph::TextChunk>> chunks(graph.m_files.size() + 1);
    for (NodeRow& row : sortedNodes)
        appendNode(graph, std::move(row), chunks);
    graph.m_chunks.assign(chunks.begin(), chunks.end());
}

void GraphBuilder::setEdges(Graph& graph, std::vector<EdgeRow>&& edges, bool sorted)
{
    if (!sorted)
        std::sort(edges.begin(), edges.end(), edgeRowLess);
    edges.erase(std::unique(edges.begin(), edges.end(), sameEdge), edges.end());

    const size_t nodeCount = graph.m_types.size();
    graph.m_outOffsets.assign(nodeCount + 1, 0);
    graph.m_inOffsets.assign(nodeCount + 1, 0);
    for (const EdgeRow& edge : edges) {
        ++graph.m_outOffsets[size_t(edge.source) + 1];
        ++graph.m_inOffsets[size_t(edge.target) + 1];
    }
    std::partial_sum(graph.m_outOffsets.begin(), graph.m_outOffsets.end(), graph.m_outOffsets.begin());
    std::partial_sum(graph.m_inOffsets.begin(), graph.m_inOffsets.end(), graph.m_inOffsets.begin());

    // Edges are sorted by (source, target, type, file, line): appending in that order lays out each
    // out-list sorted by (target, type, …) and, as a counting sort by target, each in-list sorted
    // by (source, type, …).
    graph.m_out.resize(edges.size());
    graph.m_in.resize(edges.size());
    std::vector<std::int32_t> inFill(graph.m_inOffsets.begin(), graph.m_inOffsets.end() - 1);
    for (size_t i = 0; i < edges.size(); ++i) {
        const EdgeRow& edge = edges[i];
        graph.m_out[i] = Adjacent {edge.target, edge.type, edge.line, edge.file};
        graph.m_in[size_t(inFill[size_t(edge.target)]++)] = Adjacent {edge.source, edge.type, edge.line, edge.file};
    }
}

std::shared_ptr<Graph> GraphBuilder::update(const Graph& previous, GraphDelta delta)
{
    auto graph = std::make_shared<Graph>();
    graph->m_revision = delta.revision;

    // Files: old index → new index (-1 when gone); old files whose rows are replaced.
    const std::vector<QString>& oldFiles = previous.m_files;
    std::vector<std::int32_t> fileMap(oldFiles.size(), -1);
    std::vector<bool> fileReplaced(oldFiles.size(), false);
    {
        size_t n = 0;
        size_t r = 0;
        for (size_t o = 0; o < oldFiles.size(); ++o) {
            while (n < delta.files.size() && delta.files[n] < oldFiles[o])
                ++n;
            if (n < delta.files.size() && delta.files[n] == oldFiles[o])
                fileMap[o] = std::int32_t(n);
            while (r < delta.replacedFiles.size() && delta.replacedFiles[r] < oldFiles[o])
                ++r;
            fileReplaced[o]
                = (r < delta.replacedFiles.size() && delta.replacedFiles[r] == oldFiles[o]) || fileMap[o] < 0;
        }
    }
    // Rows of no file (externals) are always reloaded whole.
    const auto replaced = [&fileReplaced](std::int32_t file) { return file < 0 || fileReplaced[size_t(file)]; };

    // Nodes: merge the kept old nodes (sorted) with the new rows (sorted); indexes stay in id order,
    // so the old → new index map is monotonic and the kept edges stay sorted after remapping. The
    // strings of kept nodes stay where they are: their file's chunk moves over as one pointer.
    GraphBuilder::sortById(delta.nodes);
    graph->m_files = std::move(delta.files);
    const NodeIndex oldCount = previous.nodeCount();
    std::vector<NodeIndex> nodeMap(size_t(oldCount), kNoNode);
    std::vector<std::shared_ptr<Graph::TextChunk>> fresh(graph->m_files.size() + 1);
    graph->m_chunks.assign(graph->m_files.size() + 1, nullptr);
    for (size_t o = 0; o < oldFiles.size(); ++o) {
        if (!fileReplaced[o])
            graph->m_chunks[size_t(fileMap[o])] = previous.m_chunks[o];
    }
    {
        const size_t capacity = size_t(oldCount) + delta.nodes.size();
        graph->m_types.reserve(capacity);
        graph->m_text.reserve(capacity);
        graph->m_nodeFiles.reserve(capacity);
        graph->m_lineStarts.reserve(capacity);
        // Where each new row goes among the old ids: one binary search per new row (they are few),
        // rather than a string comparison per old node.
        std::vector<NodeIndex> insertAt(delta.nodes.size());
        for (size_t d = 0; d < delta.nodes.size(); ++d)
            insertAt[d] = lowerBound(previous, delta.nodes[d].id);
        size_t d = 0;
        for (NodeIndex o = 0; o < oldCount; ++o) {
            bool superseded = false; // a fresh row of the same id wins, as in the database
            while (d < delta.nodes.size() && insertAt[d] <= o) {
                superseded = superseded || (insertAt[d] == o && delta.nodes[d].id == previous.id(o));
                appendNode(*graph, std::move(delta.nodes[d++]), fresh);
            }
            const std::int32_t file = previous.m_nodeFiles[size_t(o)];
            if (superseded || replaced(file))
                continue;
            nodeMap[size_t(o)] = NodeIndex(graph->m_types.size());
            const Graph::TextRef ref = previous.m_text[size_t(o)];
            graph->m_text.push_back(Graph::TextRef {fileMap[size_t(ref.chunk)], ref.offset});
            graph->m_types.push_back(previous.m_types[size_t(o)]);
            graph->m_nodeFiles.push_back(fileMap[size_t(file)]);
            graph->m_lineStarts.push_back(previous.m_lineStarts[size_t(o)]);
        }
        while (d < delta.nodes.size())
            appendNode(*graph, std::move(delta.nodes[d++]), fresh);
    }
    for (size_t c = 0; c < fresh.size(); ++c) {
        if (fresh[c])
            graph->m_chunks[c] = std::move(fresh[c]);
    }

    // Edges: the kept ones, remapped (still sorted); then the ones to resolve by id (new rows and
    // old dangling ones), sorted and merged in.
    std::vector<EdgeRow> edges;
    edges.reserve(previous.m_out.size() + delta.edges.size());
    std::vector<IdEdgeRow> unresolved;
    for (NodeIndex source = 0; source < oldCount; ++source) {
        for (const Adjacent& a : previous.outgoing(source)) {
            if (a.file >= 0 && fileReplaced[size_t(a.file)])
                continue;
            const std::int32_t file = a.file < 0 ? -1 : fileMap[size_t(a.file)];
            const NodeIndex newSource = nodeMap[size_t(source)];
            const NodeIndex newTarget = nodeMap[size_t(a.node)];
            if (newSource == kNoNode || newTarget == kNoNode)
                unresolved.push_back(IdEdgeRow {previous.id(source), previous.id(a.node), a.type, file, a.line});
            else
                edges.push_back(EdgeRow {newSource, newTarget, a.type, file, a.line});
        }
    }
    const size_t keptCount = edges.size();
    for (const Graph::DanglingEdge& e : previous.m_dangling) {
        if (e.file >= 0 && fileReplaced[size_t(e.file)])
            continue;
        unresolved.push_back(
            IdEdgeRow {e.sourceId, e.targetId, e.type, e.file < 0 ? -1 : fileMap[size_t(e.file)], e.line});
    }
    for (IdEdgeRow& e : delta.edges)
        unresolved.push_back(std::move(e));
    for (IdEdgeRow& e : unresolved) {
        const NodeIndex source = graph->indexOf(e.sourceId);
        const NodeIndex target = graph->indexOf(e.targetId);
        if (source == kNoNode || target == kNoNode)
            graph->m_dangling.push_back(dangling(std::move(e)));
        else
            edges.push_back(EdgeRow {source, target, e.type, e.file, e.line});
    }
    std::sort(edges.begin() + std::ptrdiff_t(keptCount), edges.end(), edgeRowLess);
    std::inplace_merge(edges.begin(), edges.begin() + std::ptrdiff_t(keptCount), edges.end(), edgeRowLess);
    setEdges(*graph, std::move(edges), true);
    return graph;
}

} // namespace mu::graph
