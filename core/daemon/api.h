#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <functional>
#include <memory>

namespace mu::graph {
class GraphCache;
}
namespace mu::server {
class HttpServer;
}

namespace mu::daemon {

/// What the HTTP routes need from the daemon that serves them. Every callable may be called from
/// any thread (the routes run on the server's worker pool).
struct ApiContext {
    QString projectRoot; ///< canonical
    QString dbPath;
    std::shared_ptr<graph::GraphCache> graphs;
    /// The daemon's part of GET /status: {status, project, mubase, pid, port, uptime_seconds,
    /// revision, stats, watcher, connections}.
    std::function<QJsonObject()> status;
    /// Queues a reconcile of the whole tree; returns a ticket for waitForIndex.
    std::function<qint64(bool force)> requestIndex;
    /// Blocks until the run serving `ticket` ended; false on timeout.
    std::function<bool(qint64 ticket, int timeoutMs)> waitForIndex;
    std::function<void()> requestShutdown;
    /// Everything GET /metrics answers but what the transport adds itself.
    std::function<QByteArray()> metrics;
};

/// Registers SPEC §8's routes on `server`: /health, /status, /nodes/{id}, …/neighbors, …/source,
/// /search, /query, /context, /impact, /ancestors, /cycles, /path, /export, /contracts/verify,
/// /index, /shutdown, /metrics. Every JSON answer carries "revision". Requests may name another
/// project with `cwd` (query parameter or body field): they are answered read-only from the
/// nearest `.mu/mubase` at or above it, or 404.
/// Thread: call on the server's thread before listen(); the handlers run on its pool, each thread
/// with read connections of its own.
void installRoutes(server::HttpServer& server, std::shared_ptr<const ApiContext> context);

} // namespace mu::daemon
