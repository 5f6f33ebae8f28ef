// Breadth-first operations: reach (impact, ancestors, SHOW …), neighbours, shortest paths.

#include "graph/graph.h"

#include <algorithm>

namespace mu::graph {

namespace {

int clampDepth(int depth)
{
    return std::clamp(depth, 1, kMaxDepth);
}

/// Calls `visit(adjacent, direction)` for each edge of `types` at `node` along `direction`, in
/// ascending neighbour order (for Both, the two lists are merged; on a tie outgoing comes first).
/// Stops early when `visit` returns false.
template<typename Visit>
void forEachEdge(const Graph& graph, NodeIndex node, Direction direction, EdgeTypeSet types, Visit&& visit)
{
    const std::span<const Adjacent> out
        = direction == Direction::Incoming ? std::span<const Adjacent>() : graph.outgoing(node);
    const std::span<const Adjacent> in
        = direction == Direction::Outgoing ? std::span<const Adjacent>() : graph.incoming(node);
    size_t o = 0;
    size_t i = 0;
    while (o < out.size() || i < in.size()) {
        const bool takeOut = i == in.size() || (o < out.size() && out[o].node <= in[i].node);
        const Adjacent& edge = takeOut ? out[o++] : in[i++];
        if (!types.contains(edge.type))
            continue;
        if (!visit(edge, takeOut ? Direction::Outgoing : Direction::Incoming))
            return;
    }
}

/// Breadth-first distances from `start` along `direction`, up to `maxDepth` hops; -1 = unreached.
/// Stops after the level where `stopAt` was reached.
std::vector<int> distances(
    const Graph& graph, NodeIndex start, Direction direction, EdgeTypeSet types, int maxDepth, NodeIndex stopAt)
{
    std::vector<int> distance(size_t(graph.nodeCount()), -1);
    distance[size_t(start)] = 0;
    std::vector<NodeIndex> level {start};
    std::vector<NodeIndex> next;
    for (int depth = 1; depth <= maxDepth && !level.empty() && distance[size_t(stopAt)] < 0; ++depth) {
        next.clear();
        for (NodeIndex node : level) {
            forEachEdge(graph, node, direction, types, [&](const Adjacent& edge, Direction) {
                if (distance[size_t(edge.node)] < 0) {
                    distance[size_t(edge.node)] = depth;
                    next.push_back(edge.node);
                }
                return true;
            });
        }
        std::swap(level, next);
    }
    return distance;
}

Direction reversed(Direction direction)
{
    switch (direction) {
    case Direction::Outgoing:
        return Direction::Incoming;
    case Direction::Incoming:
        return Direction::Outgoing;
    case Direction::Both:
        return Direction::Both;
    }
    Q_UNREACHABLE();
}

/// The shortest-path DAG from → to: onPath[n] is true when n lies on some shortest path.
/// Empty when `to` is unreachable within maxDepth.
struct ShortestDag {
    std::vector<int> distance; ///< from `from`
    std::vector<bool> onPath;
    int length = -1;
};

ShortestDag shortestDag(const Graph& graph, NodeIndex from, NodeIndex to, const PathOptions& options)
{
    ShortestDag dag;
    const int maxDepth = clampDepth(options.maxDepth);
    dag.distance = distances(graph, from, options.direction, options.edgeTypes, maxDepth, to);
    dag.length = dag.distance[size_t(to)];
    if (dag.length < 0)
        return dag;
    // Walk back from `to`: a predecessor one level closer to `from` is on a shortest path.
    dag.onPath.assign(size_t(graph.nodeCount()), false);
    dag.onPath[size_t(to)] = true;
    std::vector<NodeIndex> level {to};
    std::vector<NodeIndex> next;
    for (int depth = dag.length; depth > 0; --depth) {
        next.clear();
        for (NodeIndex node : level) {
            forEachEdge(
                graph, node, reversed(options.direction), options.edgeTypes, [&](const Adjacent& edge, Direction) {
                    if (dag.distance[size_t(edge.node)] == depth - 1 && !dag.onPath[size_t(edge.node)]) {
                        dag.onPath[size_t(edge.node)] = true;
                        next.push_back(edge.node);
                    }
                    return true;
                });
        }
        std::swap(level, next);
    }
    return dag;
}

/// The steps out of `node` that stay on the DAG, in ascending neighbour order; one per neighbour
/// (the first edge, so the lowest type, outgoing before incoming).
QList<Hop> dagSteps(const Graph& graph, const ShortestDag& dag, NodeIndex node, const PathOptions& options)
{
    QList<Hop> steps;
    const int depth = dag.distance[size_t(node)];
    forEachEdge(graph, node, options.direction, options.edgeTypes, [&](const Adjacent& edge, Direction direction) {
        if (dag.onPath[size_t(edge.node)] && dag.distance[size_t(edge.node)] == depth + 1
            && (steps.isEmpty() || steps.constLast().node != edge.node)) {
            steps.append(Hop {edge.node, edge.type, direction, edge.line});
        }
        return true;
    });
    return steps;
}

bool validIndex(const Graph& graph, NodeIndex node)
{
    return node >= 0 && node < graph.nodeCount();
}

} // namespace

Traversal reach(const Graph& graph, std::span<const NodeIndex> starts, const TraversalOptions& options)
{
    Traversal result;
    const int maxDepth = clampDepth(options.maxDepth);
    const int limit = std::max(0, options.limit);
    std::vector<bool> seen(size_t(graph.nodeCount()), false);
    std::vector<NodeIndex> level;
    for (NodeIndex start : starts) {
        if (validIndex(graph, start) && !seen[size_t(start)]) {
            seen[size_t(start)] = true;
            level.push_back(start);
        }
    }
    // Levels are expanded in ascending index order, so a node's first discovery is through its
    // lowest-index predecessor: the same answer whatever order the edges were stored in.
    std::sort(level.begin(), level.end());
    std::vector<Reached> next;
    for (int depth = 1; depth <= maxDepth && !level.empty(); ++depth) {
        next.clear();
        for (NodeIndex node : level) {
            forEachEdge(graph, node, options.direction, options.edgeTypes, [&](const Adjacent& edge, Direction way) {
                if (!seen[size_t(edge.node)]) {
                    seen[size_t(edge.node)] = true;
                    next.push_back(Reached {edge.node, depth, edge.type, node, way});
                }
                return true;
            });
        }
        std::sort(next.begin(), next.end(), [](const Reached& a, const Reached& b) { return a.node < b.node; });
        const qsizetype room = limit - result.nodes.size();
        if (qsizetype(next.size()) > room) {
            result.nodes.append(QList<Reached>(next.begin(), next.begin() + room));
            result.truncated = true;
            return result;
        }
        result.nodes.append(QList<Reached>(next.begin(), next.end()));
        level.clear();
        for (const Reached& reached : next)
            level.push_back(reached.node);
    }
    return result;
}

Traversal reach(const Graph& graph, NodeIndex start, const TraversalOptions& options)
{
    return reach(graph, std::span<const NodeIndex>(&start, 1), options);
}

Traversal impact(const Graph& graph, NodeIndex node, EdgeTypeSet edgeTypes, int maxDepth, int limit)
{
    return reach(graph, node, TraversalOptions {Direction::Incoming, edgeTypes, maxDepth, limit});
}

Traversal ancestors(const Graph& graph, NodeIndex node, EdgeTypeSet edgeTypes, int maxDepth, int limit)
{
    return reach(graph, node, TraversalOptions {Direction::Outgoing, edgeTypes, maxDepth, limit});
}

QList<Neighbour> neighbours(const Graph& graph, NodeIndex node, Direction direction, EdgeTypeSet edgeTypes)
{
    QList<Neighbour> result;
    if (!validIndex(graph, node))
        return result;
    forEachEdge(graph, node, direction, edgeTypes, [&](const Adjacent& edge, Direction way) {
        result.append(Neighbour {edge.node, edge.type, way, edge.line});
        return true;
    });
    std::sort(result.begin(), result.end(), [](const Neighbour& a, const Neighbour& b) {
        return std::tie(a.direction, a.edgeType, a.node, a.line) < std::tie(b.direction, b.edgeType, b.node, b.line);
    });
    // The same relation found in several files: one entry, at its lowest line.
    result.erase(std::unique(result.begin(), result.end(),
                     [](const Neighbour& a, const Neighbour& b) {
                         return a.direction == b.direction && a.edgeType == b.edgeType && a.node == b.node;
                     }),
        result.end());
    return result;
}

std::optional<Path> shortestPath(const Graph& graph, NodeIndex from, NodeIndex to, const PathOptions& options)
{
    QList<Path> paths = allShortestPaths(graph, from, to, 1, options);
    if (paths.isEmpty())
        return std::nullopt;
    return paths.takeFirst();
}

QList<Path> allShortestPaths(const Graph& graph, NodeIndex from, NodeIndex to, int maxPaths, const PathOptions& options)
{
    QList<Path> paths;
    if (!validIndex(graph, from) || !validIndex(graph, to) || maxPaths <= 0)
        return paths;
    if (from == to) {
        paths.append(Path {Hop {from, std::nullopt, options.direction, 0}});
        return paths;
    }
    const ShortestDag dag = shortestDag(graph, from, to, options);
    if (dag.length < 0)
        return paths;
    // Depth-first over the DAG, children in ascending order: paths come out in lexicographic order
    // of their node sequences. Every DAG node leads to `to`, so no branch is a dead end.
    struct Frame {
        QList<Hop> steps;
        qsizetype next = 0;
    };
    Path current {Hop {from, std::nullopt, options.direction, 0}};
    std::vector<Frame> stack;
    stack.push_back(Frame {dagSteps(graph, dag, from, options), 0});
    while (!stack.empty() && paths.size() < maxPaths) {
        Frame& top = stack.back();
        if (top.next == top.steps.size()) {
            stack.pop_back();
            current.removeLast();
            continue;
        }
        const Hop hop = top.steps[top.next++];
        current.append(hop);
        if (hop.node == to) {
            paths.append(current);
            current.removeLast();
            continue;
        }
        stack.push_back(Frame {dagSteps(graph, dag, hop.node, options), 0});
    }
    return paths;
}

} // namespace mu::graph
