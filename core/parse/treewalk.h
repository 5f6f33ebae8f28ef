#pragma once

#include <QByteArrayAlgorithms>

#include <tree_sitter/api.h>

#include <utility>

namespace mu::parse {

/// Pre-order walk over `root` with a TSTreeCursor: no recursion, so any nesting depth is safe.
/// `enter(node)` returns whether to descend into the node's children; `leave(node)` runs after
/// the children of every entered node (also when enter declined to descend).
template<typename Enter, typename Leave> void walkTree(TSNode root, Enter&& enter, Leave&& leave)
{
    if (ts_node_is_null(root))
        return;
    // libtree-sitter 0.20.7 reports a cursor's starting node without its alias (a
    // `type_identifier` field child comes back as `identifier`), so the root is always `root`.
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    int depth = 0;
    const auto current = [&] { return depth == 0 ? root : ts_tree_cursor_current_node(&cursor); };
    for (;;) {
        const TSNode node = current();
        if (enter(node) && ts_tree_cursor_goto_first_child(&cursor)) {
            ++depth;
            continue;
        }
        leave(node);
        bool done = false;
        while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
            if (!ts_tree_cursor_goto_parent(&cursor)) {
                done = true;
                break;
            }
            --depth;
            leave(current());
        }
        if (done)
            break;
    }
    ts_tree_cursor_delete(&cursor);
}

template<typename Enter> void walkTree(TSNode root, Enter&& enter)
{
    walkTree(root, std::forward<Enter>(enter), [](TSNode) {});
}

/// Named children of `node`, iterated with a cursor (ts_node_child is linear per call). A null
/// node (an absent optional field) has none; a cursor must not be made from it.
template<typename Visit> void forEachNamedChild(TSNode node, Visit&& visit)
{
    if (ts_node_is_null(node))
        return;
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            const TSNode child = ts_tree_cursor_current_node(&cursor);
            if (ts_node_is_named(child))
                visit(child);
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
}

/// The child in `field`, or a null node.
inline TSNode field(TSNode node, const char* name)
{
    return ts_node_child_by_field_name(node, name, static_cast<uint32_t>(qstrlen(name)));
}

/// True when the node's grammar type is `type` (ts_node_type returns a static string).
inline bool isType(TSNode node, const char* type)
{
    return !ts_node_is_null(node) && qstrcmp(ts_node_type(node), type) == 0;
}

} // namespace mu::parse
