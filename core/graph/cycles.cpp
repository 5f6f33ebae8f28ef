// Cycles: strongly connected components (Tarjan), iterative so that a long chain of imports or
// calls cannot exhaust the stack.

#include "graph/graph.h"

#include <algorithm>

namespace mu::graph {

Cycles cycles(const Graph& graph, EdgeTypeSet edgeTypes, int limit)
{
    const auto count = size_t(graph.nodeCount());
    constexpr std::int32_t kUnvisited = -1;
    std::vector<std::int32_t> order(count, kUnvisited); // discovery order
    std::vector<std::int32_t> low(count, 0);
    std::vector<bool> onStack(count, false);
    std::vector<NodeIndex> stack; // Tarjan's stack of the open components

    // The explicit call stack: a node and how far through its out-list the search has got.
    struct Frame {
        NodeIndex node;
        size_t edge;
    };
    std::vector<Frame> calls;
    std::int32_t counter = 0;
    QList<QList<NodeIndex>> components;

    for (NodeIndex root = 0; root < NodeIndex(count); ++root) {
        if (order[size_t(root)] != kUnvisited)
            continue;
        order[size_t(root)] = low[size_t(root)] = counter++;
        stack.push_back(root);
        onStack[size_t(root)] = true;
        calls.push_back(Frame {root, 0});
        while (!calls.empty()) {
            Frame& frame = calls.back();
            const NodeIndex node = frame.node;
            const std::span<const Adjacent> out = graph.outgoing(node);
            bool descended = false;
            while (frame.edge < out.size()) {
                const Adjacent& edge = out[frame.edge++];
                if (!edgeTypes.contains(edge.type))
                    continue;
                const auto next = size_t(edge.node);
                if (order[next] == kUnvisited) {
                    order[next] = low[next] = counter++;
                    stack.push_back(edge.node);
                    onStack[next] = true;
                    calls.push_back(Frame {edge.node, 0}); // invalidates `frame`
                    descended = true;
                    break;
                }
                if (onStack[next])
                    low[size_t(node)] = std::min(low[size_t(node)], order[next]);
            }
            if (descended)
                continue;
            // All edges done: close the component if `node` is its root, then return to the caller.
            if (low[size_t(node)] == order[size_t(node)]) {
                QList<NodeIndex> component;
                NodeIndex member = kNoNode;
                do {
                    member = stack.back();
                    stack.pop_back();
                    onStack[size_t(member)] = false;
                    component.append(member);
                } while (member != node);
                if (component.size() > 1) {
                    std::sort(component.begin(), component.end());
                    components.append(std::move(component));
                }
            }
            calls.pop_back();
            if (!calls.empty()) {
                const NodeIndex caller = calls.back().node;
                low[size_t(caller)] = std::min(low[size_t(caller)], low[size_t(node)]);
            }
        }
    }

    std::sort(components.begin(), components.end(), [](const QList<NodeIndex>& a, const QList<NodeIndex>& b) {
        return a.size() != b.size() ? a.size() > b.size() : a.constFirst() < b.constFirst();
    });
    Cycles result;
    if (components.size() > std::max(0, limit)) {
        components.resize(std::max(0, limit));
        result.truncated = true;
    }
    for (const QList<NodeIndex>& component : components)
        result.totalNodes += component.size();
    result.components = std::move(components);
    return result;
}

} // namespace mu::graph
