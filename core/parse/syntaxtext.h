#pragma once

#include "parse/sourcetext.h"
#include "parse/treewalk.h"

#include <QString>

#include <algorithm>

namespace mu::parse {

/// The source text of `node` up to byte `end`, leaving out every subtree `skip` accepts (comments,
/// attributes) and collapsing whitespace: a declaration's signature as one readable line.
template<typename Skip> QString textWithout(const SourceText& source, TSNode node, uint32_t end, Skip&& skip)
{
    QString text;
    uint32_t position = ts_node_start_byte(node);
    walkTree(node, [&](TSNode child) {
        if (ts_node_start_byte(child) >= end)
            return false;
        if (skip(child)) {
            text += source.slice(position, ts_node_start_byte(child)) + u' ';
            position = ts_node_end_byte(child);
            return false;
        }
        return true;
    });
    text += source.slice(position, std::max(position, end));
    return text.simplified();
}

} // namespace mu::parse
