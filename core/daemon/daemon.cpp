#include "daemon/daemon.h"

#include "daemon/api.h"
#include "daemon/indexworker.h"
#include "daemon/registry.h"
#include "graph/graph.h"
#include "server/httpserver.h"
#include "server/livehub.h"
#include "store/json.h"
#include "store/storewriter.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMetaObject>
#include <QRandomGenerator>
#include <QThread>
#include <QTimer>

#include <unistd.h>

namespace mu::daemon {

Q_LOGGING_CATEGORY(lcDaemon, "mu.daemon", QtInfoMsg)

namespace {

/// Upper bounds (seconds) of the update latency histogram's buckets.
constexpr std::array<double, 10> kLatencyBounds {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

QByteArray newToken()
{
    // 256 bits from the system's CSPRNG, hex: safe in headers, URLs and JSON.
    std::array<quint32, 8> words {};
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    return QByteArray(reinterpret_cast<const char*>(words.data()), qsizetype(sizeof(words))).toHex();
}

QString eventType(store::NodeChange::Kind kind)
{
    switch (kind) {
    case store::NodeChange::Kind::Added:
        return QStringLiteral("node_added");
    case store::NodeChange::Kind::Modified:
        return QStringLiteral("node_modified");
    case store::NodeChange::Kind::Removed:
        return QStringLiteral("node_removed");
    }
    Q_UNREACHABLE();
}

} // namespace

Daemon::Daemon(DaemonOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_root(canonicalProjectPath(m_options.projectRoot))
{
    m_dbPath = index::mubasePath(m_root);
}

Daemon::~Daemon()
{
    stop();
    // The server's pool threads call back into this object (status, metrics): join them before
    // any member they use is destroyed.
    m_server.reset();
}

qint64 Daemon::revision() const
{
    const std::lock_guard lock(m_snapshotMutex);
    return m_snapshot.revision;
}

Status Daemon::start()
{
    if (!QFileInfo(m_root).isDir())
        return Error {QStringLiteral("not_found"), QStringLiteral("%1 is not a directory").arg(m_root)};
    auto acquired = ProjectLock::acquire(m_root);
    if (!acquired)
        return acquired.error(); // "locked" names the project and the pid holding it
    m_lock.emplace(std::move(*acquired));

    // The store exists before anything reads it: a fresh project answers with an empty graph
    // while its first index runs.
    {
        auto writer = store::StoreWriter::open(m_dbPath);
        if (!writer) {
            m_lock.reset();
            return writer.error();
        }
    }
    m_graphs = std::make_shared<graph::GraphCache>(m_dbPath);
    m_registry = std::make_unique<Registry>(m_options.home.isEmpty() ? muHome() : m_options.home);
    m_token = m_options.requireAuth ? newToken() : QByteArray();

    m_server = std::make_unique<server::HttpServer>(
        m_options.limits, server::SecurityOptions {m_token, m_options.requireAuth, {}});
    auto context = std::make_shared<ApiContext>();
    context->projectRoot = m_root;
    context->dbPath = m_dbPath;
    context->graphs = m_graphs;
    context->status = [this] { return statusJson(); };
    context->metrics = [this] { return metricsText(); };
    // Pool threads reach the worker only through these; it outlives the listeners (stop()).
    context->requestIndex = [this](bool force) { return m_worker ? m_worker->requestFull(force) : qint64(0); };
    context->waitForIndex
        = [this](qint64 ticket, int timeoutMs) { return m_worker ? m_worker->waitUntilDone(ticket, timeoutMs) : true; };
    context->requestShutdown = [this] {
        // Answer first: the reply leaves before the listeners close.
        QMetaObject::invokeMethod(
            this, [this] { QTimer::singleShot(50, this, &Daemon::stop); }, Qt::QueuedConnection);
    };
    installRoutes(*m_server, context);
    m_transportMetrics = [server = m_server.get()] { return server->metricsText(); };
    m_server->setRevisionProvider([this] { return revision(); });

    auto port = choosePort(m_options.port, *m_registry);
    Result<quint16> listening = port ? m_server->listen(*port) : Result<quint16>(port.error());
    if (!listening && !m_options.port && listening.error().code == u"port_in_use")
        listening = m_server->listen(0); // lost a race for the default port: any free one will do
    if (!listening) {
        m_server.reset();
        m_lock.reset();
        return listening.error();
    }
    m_port = *listening;

    DaemonEntry entry;
    entry.projectPath = m_root;
    entry.pid = QCoreApplication::applicationPid();
    entry.port = m_port;
    entry.mubasePath = m_dbPath;
    m_startedAt = QDateTime::currentDateTimeUtc();
    entry.startedAt = m_startedAt;
    entry.lastHeartbeat = m_startedAt;
    entry.version = QCoreApplication::applicationVersion();
    entry.token = QString::fromLatin1(m_token);
    if (Status status = m_registry->add(entry); !status) {
        m_server->close();
        m_server.reset();
        m_lock.reset();
        return status;
    }
    m_uptime.start();

    // The writer thread.
    m_workerThread = new QThread(this);
    m_workerThread->setObjectName(QStringLiteral("mu-index"));
    m_worker = new IndexWorker(m_root, m_options.index, m_graphs);
    m_worker->moveToThread(m_workerThread);
    connect(m_workerThread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &IndexWorker::updated, this, &Daemon::onUpdated);
    connect(m_worker, &IndexWorker::statsChanged, this, [this](const store::Stats& stats) {
        const std::lock_guard lock(m_snapshotMutex);
        m_snapshot.stats = store::json::stats(stats);
        m_snapshot.files = stats.files;
        m_snapshot.nodes = stats.nodes;
        m_snapshot.edges = stats.edges;
    });
    connect(m_worker, &IndexWorker::progressed, this,
        [this](int done, int total) { m_server->live().publishProgress(done, total); });
    connect(m_worker, &IndexWorker::failed, this, [this](const QString& message) {
        qCWarning(lcDaemon).noquote() << "indexing failed:" << message;
        const std::lock_guard lock(m_snapshotMutex);
        ++m_snapshot.indexFailures;
    });
    connect(m_worker, &IndexWorker::idle, this, [this] {
        const std::lock_guard lock(m_snapshotMutex);
        if (!m_stopping)
            m_snapshot.state = QStringLiteral("ready");
    });
    m_workerThread->start();

    // Events are only hints; the reconcile queued right after watching starts is what makes the
    // graph match the tree, whatever happened while no daemon ran.
    m_watcher = std::make_unique<watch::FileWatcher>(m_root, m_options.watch);
    connect(m_watcher.get(), &watch::FileWatcher::filesChanged, this, &Daemon::onFilesChanged);
    connect(m_watcher.get(), &watch::FileWatcher::reconcileRequested, this, [this](const QStringList& dirs) {
        if (!m_firstPendingMs)
            m_firstPendingMs = m_uptime.elapsed();
        m_worker->requestDirectories(dirs);
    });
    connect(m_watcher.get(), &watch::FileWatcher::stateChanged, this, &Daemon::refreshSnapshot);
    m_watcher->start();
    {
        const std::lock_guard lock(m_snapshotMutex);
        m_snapshot.state = QStringLiteral("indexing");
    }
    m_worker->requestFull(false);

    m_heartbeat = new QTimer(this);
    m_heartbeat->setInterval(m_options.heartbeatMs);
    connect(m_heartbeat, &QTimer::timeout, this, &Daemon::heartbeat);
    m_heartbeat->start();
    m_snapshotTimer = new QTimer(this);
    m_snapshotTimer->setInterval(1000);
    connect(m_snapshotTimer, &QTimer::timeout, this, &Daemon::refreshSnapshot);
    m_snapshotTimer->start();
    refreshSnapshot();
    m_running = true;
    qCInfo(lcDaemon).noquote() << QStringLiteral("serving %1 on http://127.0.0.1:%2 (pid %3)")
                                      .arg(m_root)
                                      .arg(m_port)
                                      .arg(QCoreApplication::applicationPid());
    return {};
}

void Daemon::stop()
{
    if (!m_running || m_stopping)
        return;
    m_stopping = true;
    {
        const std::lock_guard lock(m_snapshotMutex);
        m_snapshot.state = QStringLiteral("stopping");
    }
    qCInfo(lcDaemon).noquote() << "stopping" << m_root;
    if (m_heartbeat)
        m_heartbeat->stop();
    if (m_snapshotTimer)
        m_snapshotTimer->stop();
    // 1. No new requests or events.
    m_server->close();
    m_watcher->stop();
    // 2. Indexing stops at its next batch; whole files stay committed. Then the WAL is folded in.
    m_worker->cancel();
    QMetaObject::invokeMethod(m_worker, &IndexWorker::finish, Qt::BlockingQueuedConnection);
    m_workerThread->quit();
    m_workerThread->wait();
    m_worker = nullptr;
    // 3. Unregister, then let the next daemon in.
    if (Status status = m_registry->remove(m_root, QCoreApplication::applicationPid()); !status)
        qCWarning(lcDaemon).noquote() << "cannot remove the registry entry:" << status.error().message;
    m_lock.reset();
    m_running = false;
    qCInfo(lcDaemon).noquote() << "stopped" << m_root;
    Q_EMIT stopped();
}

void Daemon::onFilesChanged(const QStringList& paths)
{
    if (!m_firstPendingMs)
        m_firstPendingMs = m_uptime.elapsed();
    {
        const std::lock_guard lock(m_snapshotMutex);
        m_snapshot.state = QStringLiteral("indexing");
    }
    m_worker->requestPaths(paths);
}

void Daemon::onUpdated(const GraphUpdate& update)
{
    if (m_stopping)
        return;
    QList<server::LiveEvent> events;
    events.reserve(update.changes.size());
    for (const store::NodeChange& change : update.changes)
        events.append({eventType(change.kind), change.nodeId, toString(change.nodeType), change.filePath});
    server::LiveHub& live = m_server->live();
    live.setRevision(update.revision);
    if (!events.isEmpty())
        live.publishGraphUpdate(update.revision, events);

    const std::lock_guard lock(m_snapshotMutex);
    m_snapshot.revision = update.revision;
    ++m_snapshot.updates;
    if (m_firstPendingMs && !events.isEmpty()) {
        const double seconds = double(m_uptime.elapsed() - *m_firstPendingMs) / 1000.0;
        for (size_t i = 0; i < kLatencyBounds.size(); ++i) {
            if (seconds <= kLatencyBounds[i])
                ++m_snapshot.latencyBuckets[i];
        }
        m_snapshot.latencySum += seconds;
        ++m_snapshot.latencyCount;
    }
    m_firstPendingMs.reset();
    if (m_worker && m_worker->queueDepth() > 0)
        m_firstPendingMs = m_uptime.elapsed();
}

void Daemon::refreshSnapshot()
{
    if (!m_watcher || !m_server)
        return;
    const watch::FileWatcher::Stats watcher = m_watcher->stats();
    const int clients = m_server->live().clientCount();
    const int queueDepth = m_worker ? m_worker->queueDepth() : 0;
    const std::lock_guard lock(m_snapshotMutex);
    m_snapshot.watcher = watcher;
    m_snapshot.queueDepth = queueDepth;
    m_snapshot.websocketClients = clients;
    m_snapshot.httpConnections = m_server->connectionCount();
}

void Daemon::heartbeat()
{
    const qint64 pid = QCoreApplication::applicationPid();
    Status status = m_registry->heartbeat(m_root, pid);
    if (!status && status.error().code == u"not_found") {
        // Someone removed our entry (a reader that judged it stale, a user): record it again.
        DaemonEntry entry;
        entry.projectPath = m_root;
        entry.pid = pid;
        entry.port = m_port;
        entry.mubasePath = m_dbPath;
        entry.startedAt = m_startedAt;
        entry.lastHeartbeat = QDateTime::currentDateTimeUtc();
        entry.version = QCoreApplication::applicationVersion();
        entry.token = QString::fromLatin1(m_token);
        status = m_registry->add(entry);
    }
    if (!status)
        qCWarning(lcDaemon).noquote() << "heartbeat failed:" << status.error().message;
}

QJsonObject Daemon::statusJson() const
{
    const std::lock_guard lock(m_snapshotMutex);
    const watch::FileWatcher::Stats& watcher = m_snapshot.watcher;
    return {{QStringLiteral("status"), m_snapshot.state}, {QStringLiteral("project"), m_root},
        {QStringLiteral("mubase"), m_dbPath}, {QStringLiteral("pid"), QCoreApplication::applicationPid()},
        {QStringLiteral("port"), m_port}, {QStringLiteral("uptime_seconds"), m_uptime.elapsed() / 1000},
        {QStringLiteral("revision"), m_snapshot.revision}, {QStringLiteral("stats"), m_snapshot.stats},
        {QStringLiteral("watcher"),
            QJsonObject {{QStringLiteral("state"), watch::FileWatcher::stateName(watcher.state)},
                {QStringLiteral("watched_dirs"), watcher.watchedDirs},
                {QStringLiteral("watched_files"), watcher.watchedFiles},
                {QStringLiteral("pending"), watcher.pendingPaths + m_snapshot.queueDepth},
                {QStringLiteral("failed_watches"), watcher.failedWatches}}},
        {QStringLiteral("connections"),
            QJsonObject {{QStringLiteral("websocket"), m_snapshot.websocketClients},
                {QStringLiteral("http"), m_snapshot.httpConnections}, {QStringLiteral("rpc"), 0}}}};
}

QByteArray Daemon::metricsText() const
{
    QByteArray text = m_transportMetrics ? m_transportMetrics() : QByteArray();
    const std::lock_guard lock(m_snapshotMutex);
    const auto gauge = [&text](const char* name, const char* help, qint64 value) {
        text += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " gauge\n" + name + ' '
            + QByteArray::number(value) + '\n';
    };
    gauge("mu_files", "Files in the graph.", m_snapshot.files);
    gauge("mu_nodes", "Nodes in the graph.", m_snapshot.nodes);
    gauge("mu_edges", "Edges in the graph.", m_snapshot.edges);
    gauge("mu_revision", "Graph revision.", m_snapshot.revision);
    gauge("mu_index_queue_depth", "Paths and directories waiting to be indexed.", m_snapshot.queueDepth);
    gauge("mu_watched_directories", "Directories under watch.", m_snapshot.watcher.watchedDirs);
    gauge("mu_uptime_seconds", "Seconds since the daemon started.", m_uptime.elapsed() / 1000);
    text += "# HELP mu_updates_total Graph updates applied.\n# TYPE mu_updates_total counter\nmu_updates_total "
        + QByteArray::number(m_snapshot.updates) + '\n';
    text += "# HELP mu_index_failures_total Index runs that failed.\n# TYPE mu_index_failures_total counter\n"
            "mu_index_failures_total "
        + QByteArray::number(m_snapshot.indexFailures) + '\n';
    text += "# HELP mu_update_latency_seconds From a file change reported to its graph_update.\n"
            "# TYPE mu_update_latency_seconds histogram\n";
    for (size_t i = 0; i < kLatencyBounds.size(); ++i)
        text += "mu_update_latency_seconds_bucket{le=\"" + QByteArray::number(kLatencyBounds[i]) + "\"} "
            + QByteArray::number(m_snapshot.latencyBuckets[i]) + '\n';
    text += "mu_update_latency_seconds_bucket{le=\"+Inf\"} " + QByteArray::number(m_snapshot.latencyCount) + '\n';
    text += "mu_update_latency_seconds_sum " + QByteArray::number(m_snapshot.latencySum) + '\n';
    text += "mu_update_latency_seconds_count " + QByteArray::number(m_snapshot.latencyCount) + '\n';
    return text;
}

} // namespace mu::daemon
