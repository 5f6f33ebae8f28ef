#pragma once

#include "index/indexer.h"
#include "store/filerecord.h"

#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace mu::graph {
class GraphCache;
}
namespace mu::store {
class StoreReader;
}

namespace mu::daemon {

/// What one update of the graph changed, as the daemon publishes it.
struct GraphUpdate {
    qint64 revision = 0;
    QList<store::NodeChange> changes;
    int parsed = 0;         ///< files parsed (added or changed)
    int removed = 0;        ///< files removed
    qint64 elapsedMs = 0;   ///< the index run, graph refresh included
    bool reconcile = false; ///< a scan of the tree (or part of it), not named files
    QStringList warnings;
};

/// The daemon's only writer: applies requested changes (files, rescans of directories, the whole
/// tree) to the project's store with mu::index::Indexer, then refreshes the graph snapshot.
/// Requests made while a run is busy are merged and applied together by the next run, so a burst
/// of saves costs one run, not one per save.
///
/// Thread: lives on a thread of its own (moveToThread); request*() and queueDepth() may be called
/// from any thread; signals are emitted from the worker's thread (connect queued).
/// Errors: a failed run emits failed() and keeps its requests pending for the next one.
class IndexWorker : public QObject {
    Q_OBJECT
public:
    IndexWorker(QString projectRoot, index::IndexOptions options, std::shared_ptr<graph::GraphCache> graphs);
    ~IndexWorker() override;

    void requestPaths(const QStringList& relPaths);
    void requestDirectories(const QStringList& relDirs); ///< "" = the whole tree
    /// Returns a ticket for waitUntilDone().
    qint64 requestFull(bool force);
    /// Blocks until the run that serves request `ticket` ended (or the worker was cancelled);
    /// false on timeout. For callers off the worker's thread (HTTP pool threads, tests).
    bool waitUntilDone(qint64 ticket, int timeoutMs) const;
    /// Stops the run in progress at its next batch (what is written stays written: files left
    /// unlinked are linked by the next run) and refuses new work.
    void cancel();
    /// Runs on the worker's thread (call it blocking-queued after cancel()): closes the worker's
    /// connection and folds the WAL into the database, so a clean stop leaves one file behind.
    void finish();
    /// Paths and directories waiting for the next run.
    int queueDepth() const;
    bool isBusy() const { return m_busy.load(); }

Q_SIGNALS:
    void updated(const mu::daemon::GraphUpdate& update);
    /// The database's counts after an update (emitted after updated(), counting takes a while).
    void statsChanged(const mu::store::Stats& stats);
    void progressed(int done, int total);
    void failed(const QString& message);
    /// Nothing is pending or running any more.
    void idle();

private:
    void schedule();
    void drain();

    struct Pending {
        QSet<QString> paths;
        QSet<QString> directories;
        bool full = false;
        bool force = false;
        bool isEmpty() const { return paths.isEmpty() && directories.isEmpty() && !full; }
    };

    const QString m_root;
    const index::IndexOptions m_options;
    const std::shared_ptr<graph::GraphCache> m_graphs;
    mutable std::mutex m_mutex; // guards m_pending, m_scheduled and the tickets
    mutable std::condition_variable m_done;
    Pending m_pending;
    bool m_scheduled = false;
    qint64 m_requested = 0; // tickets handed out
    qint64 m_completed = 0; // every ticket up to this one is served
    std::atomic_bool m_busy = false;
    std::shared_ptr<std::atomic_bool> m_cancel = std::make_shared<std::atomic_bool>(false);
    std::unique_ptr<store::StoreReader> m_reader; // the worker thread's, for stats
};

} // namespace mu::daemon

Q_DECLARE_METATYPE(mu::daemon::GraphUpdate)
Q_DECLARE_METATYPE(mu::store::Stats)
