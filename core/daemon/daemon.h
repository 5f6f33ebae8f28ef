#pragma once

#include "daemon/projectlock.h"
#include "index/indexer.h"
#include "model/result.h"
#include "server/http.h"
#include "watch/filewatcher.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

class QThread;
class QTimer;

namespace mu::graph {
class GraphCache;
}
namespace mu::server {
class HttpServer;
}

namespace mu::daemon {

class IndexWorker;
class Registry;
struct GraphUpdate;

struct DaemonOptions {
    QString projectRoot;
    /// nullopt: 9120, or a free port when another daemon has it; a value: exactly that port
    /// (0 = any free one), an error when taken.
    std::optional<quint16> port;
    bool requireAuth = true; ///< false = `--no-auth`
    watch::WatchOptions watch;
    server::ServerLimits limits;
    index::IndexOptions index;
    int heartbeatMs = 10000;
    QString home; ///< the registry's folder; empty = muHome()
};

/// The per-project daemon (DESIGN.md "Daemon lifecycle"): holds the project lock, keeps the graph
/// current from file events (FileWatcher → IndexWorker, reconcile scans at start, after storms and
/// when idle), serves it over HTTP + WebSocket (HttpServer, SPEC §8), and records itself in the
/// user's registry with a heartbeat. The composition root of the daemon layers.
///
/// Start order: lock → store → listen → registry → watcher → reconcile (in the background: the
/// daemon answers at once, every answer naming the revision it reflects). Stop order: listeners →
/// watcher → indexing (cancelled at its next batch; committed files stay committed) → checkpoint →
/// registry entry → lock.
/// Thread: create and use on the main thread (it needs its event loop).
/// Errors: start() fails with "locked" (another daemon runs for the project), "port_in_use",
/// "listen", "io", "sql"; nothing is left behind (lock released, no registry entry).
class Daemon : public QObject {
    Q_OBJECT
public:
    explicit Daemon(DaemonOptions options, QObject* parent = nullptr);
    ~Daemon() override;

    Status start();
    /// Orderly shutdown; emits stopped() once done. Idempotent.
    void stop();

    const QString& projectRoot() const { return m_root; }
    quint16 port() const { return m_port; }
    QByteArray token() const { return m_token; }
    qint64 revision() const;

Q_SIGNALS:
    void stopped();
    /// Every applied update (the events already published), for logs.
    void updated(qint64 revision, int parsed, int removed, qint64 elapsedMs);

private:
    void onUpdated(const GraphUpdate& update);
    void onFilesChanged(const QStringList& paths);
    void refreshSnapshot();
    void heartbeat();
    QJsonObject statusJson() const;
    QByteArray metricsText() const;

    DaemonOptions m_options;
    QString m_root;
    QString m_dbPath;
    QByteArray m_token;
    quint16 m_port = 0;
    QDateTime m_startedAt;
    QElapsedTimer m_uptime;
    bool m_stopping = false;
    bool m_running = false;

    std::optional<ProjectLock> m_lock;
    std::unique_ptr<Registry> m_registry;
    std::shared_ptr<graph::GraphCache> m_graphs;
    std::unique_ptr<server::HttpServer> m_server;
    std::unique_ptr<watch::FileWatcher> m_watcher;
    QThread* m_workerThread = nullptr;
    IndexWorker* m_worker = nullptr; // lives on m_workerThread
    QTimer* m_heartbeat = nullptr;
    QTimer* m_snapshotTimer = nullptr;

    /// What GET /status and /metrics read from the server's pool threads.
    struct Snapshot {
        QString state = QStringLiteral("starting");
        qint64 revision = 0;
        QJsonObject stats;
        qint64 files = 0, nodes = 0, edges = 0;
        watch::FileWatcher::Stats watcher;
        int websocketClients = 0;
        int httpConnections = 0;
        int queueDepth = 0;
        qint64 updates = 0;
        qint64 indexFailures = 0;
        /// Save-to-event latency histogram (seconds): cumulative counts per bucket bound.
        std::array<qint64, 10> latencyBuckets {};
        double latencySum = 0;
        qint64 latencyCount = 0;
    };
    mutable std::mutex m_snapshotMutex;
    Snapshot m_snapshot;
    /// When the oldest change not yet in the graph was reported (for the latency histogram).
    std::optional<qint64> m_firstPendingMs;
    std::function<QByteArray()> m_transportMetrics; // thread-safe (HttpServer::metricsText)
};

} // namespace mu::daemon
