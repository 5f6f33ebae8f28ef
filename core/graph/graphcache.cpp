#include "graph/graph.h"

namespace mu::graph {

GraphCache::GraphCache(QString dbPath) : m_dbPath(std::move(dbPath))
{ }

std::shared_ptr<const Graph> GraphCache::current() const
{
    const std::lock_guard lock(m_currentMutex);
    return m_current;
}

Result<std::shared_ptr<const Graph>> GraphCache::refresh()
{
    // Serialised so that two refreshes never build the same revision twice; readers meanwhile keep
    // getting the previous snapshot from current().
    const std::lock_guard refreshing(m_refreshMutex);
    Result<std::shared_ptr<const Graph>> next = Graph::update(current(), m_dbPath);
    if (!next)
        return next;
    const std::lock_guard lock(m_currentMutex);
    m_current = *next;
    return next;
}

} // namespace mu::graph
