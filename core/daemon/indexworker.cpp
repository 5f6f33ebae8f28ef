#include "daemon/indexworker.h"

#include "graph/graph.h"
#include "store/storereader.h"
#include "store/storewriter.h"

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QMetaObject>

namespace mu::daemon {

Q_LOGGING_CATEGORY(lcWorker, "mu.daemon.index", QtInfoMsg)

IndexWorker::IndexWorker(QString projectRoot, index::IndexOptions options, std::shared_ptr<graph::GraphCache> graphs)
    : m_root(std::move(projectRoot)), m_options(std::move(options)), m_graphs(std::move(graphs))
{
    qRegisterMetaType<mu::daemon::GraphUpdate>();
    qRegisterMetaType<mu::store::Stats>();
}

IndexWorker::~IndexWorker() = default;

void IndexWorker::requestPaths(const QStringList& relPaths)
{
    {
        const std::lock_guard lock(m_mutex);
        for (const QString& path : relPaths)
            m_pending.paths.insert(path);
    }
    schedule();
}

void IndexWorker::requestDirectories(const QStringList& relDirs)
{
    {
        const std::lock_guard lock(m_mutex);
        for (const QString& dir : relDirs)
            m_pending.directories.insert(dir);
    }
    schedule();
}

qint64 IndexWorker::requestFull(bool force)
{
    qint64 ticket = 0;
    {
        const std::lock_guard lock(m_mutex);
        m_pending.full = true;
        m_pending.force = m_pending.force || force;
        ticket = ++m_requested;
    }
    schedule();
    return ticket;
}

bool IndexWorker::waitUntilDone(qint64 ticket, int timeoutMs) const
{
    std::unique_lock lock(m_mutex);
    return m_done.wait_for(
        lock, std::chrono::milliseconds(timeoutMs), [&] { return m_completed >= ticket || m_cancel->load(); });
}

void IndexWorker::cancel()
{
    m_cancel->store(true);
    const std::lock_guard lock(m_mutex);
    m_done.notify_all();
}

void IndexWorker::finish()
{
    m_reader.reset();
    if (auto writer = store::StoreWriter::open(index::mubasePath(m_root))) {
        if (Status status = (*writer)->checkpoint(); !status)
            qCWarning(lcWorker) << "checkpoint failed:" << status.error().message;
    }
}

int IndexWorker::queueDepth() const
{
    const std::lock_guard lock(m_mutex);
    return int(m_pending.paths.size() + m_pending.directories.size()) + (m_pending.full ? 1 : 0);
}

void IndexWorker::schedule()
{
    {
        const std::lock_guard lock(m_mutex);
        if (m_scheduled)
            return;
        m_scheduled = true;
    }
    QMetaObject::invokeMethod(this, &IndexWorker::drain, Qt::QueuedConnection);
}

void IndexWorker::drain()
{
    while (!m_cancel->load()) {
        Pending work;
        qint64 serves = 0; // the tickets this run serves
        {
            const std::lock_guard lock(m_mutex);
            m_scheduled = false;
            if (m_pending.isEmpty())
                break;
            std::swap(work, m_pending);
            serves = m_requested;
        }
        const auto served = [&] {
            const std::lock_guard lock(m_mutex);
            m_completed = qMax(m_completed, serves);
            m_done.notify_all();
        };
        m_busy = true;
        QElapsedTimer timer;
        timer.start();

        index::IndexOptions options = m_options;
        options.cancel = m_cancel;
        options.force = work.force;
        // The whole tree when asked, or when a directory request covers it; else the named
        // directories and files (a file inside a rescanned directory is covered by the scan).
        if (!work.full && !work.directories.contains(QString())) {
            options.directories = QStringList(work.directories.cbegin(), work.directories.cend());
            options.paths = QStringList(work.paths.cbegin(), work.paths.cend());
            options.directories.sort();
            options.paths.sort();
        }
        const bool reconcile = work.full || !work.directories.isEmpty();
        const auto report = index::Indexer(m_root, options).run([this](const index::IndexProgress& progress) {
            if (progress.total >= 20 && (progress.done % 50 == 0 || progress.done == progress.total))
                Q_EMIT progressed(progress.done, progress.total);
        });
        if (!report) {
            if (report.error().code != u"cancelled") {
                qCWarning(lcWorker) << "index run failed:" << report.error().message;
                Q_EMIT failed(report.error().message);
                // Keep the work for the next request; a permanent failure must not spin.
                const std::lock_guard lock(m_mutex);
                m_pending.paths += work.paths;
                m_pending.directories += work.directories;
                m_pending.full = m_pending.full || work.full;
            }
            m_busy = false;
            served();
            break;
        }

        GraphUpdate update;
        update.revision = report->revision;
        update.changes = report->changes;
        update.parsed = report->parsed;
        update.removed = report->removed;
        update.reconcile = reconcile;
        update.warnings = report->warnings;
        if (auto refreshed = m_graphs->refresh(); !refreshed)
            qCWarning(lcWorker) << "graph refresh failed:" << refreshed.error().message;
        else
            update.revision = (*refreshed)->revision();
        update.elapsedMs = timer.elapsed();
        m_busy = false;
        if (report->parsed + report->removed > 0 || reconcile)
            qCInfo(lcWorker).noquote() << QStringLiteral("revision %1: %2 parsed, %3 removed, %4 unchanged in %5 ms")
                                              .arg(update.revision)
                                              .arg(report->parsed)
                                              .arg(report->removed)
                                              .arg(report->unchanged + report->stamped)
                                              .arg(update.elapsedMs);
        Q_EMIT updated(update);
        served();
        // After the update is out: counting rows takes a while on big graphs.
        if (!m_reader) {
            if (auto reader = store::StoreReader::open(index::mubasePath(m_root)))
                m_reader = std::move(*reader);
        }
        if (m_reader) {
            if (auto stats = m_reader->stats())
                Q_EMIT statsChanged(*stats);
        }
    }
    m_busy = false;
    if (queueDepth() == 0)
        Q_EMIT idle();
}

} // namespace mu::daemon
