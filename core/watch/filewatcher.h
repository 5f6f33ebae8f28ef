#pragma once

#include "index/scanner.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMultiHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <deque>
#include <memory>

class QFileSystemWatcher;

/// The watch layer: turns QFileSystemWatcher (inotify) signals into debounced, coalesced lists of
/// project files that may have changed, and asks for reconcile scans where events cannot be trusted
/// (DESIGN.md "Incremental updates", PLATFORM.md "QFileSystemWatcher on Linux").
namespace mu::watch {

struct WatchOptions {
    int quietMs = 50;             ///< per-path debounce: a path is reported once it has been quiet this long...
    int maxDelayMs = 500;         ///< ...or at the latest this long after its first event (continuous writers)
    int stormEvents = 2000;       ///< more raw events than this within stormWindowMs => storm; <= 0: never
    int stormWindowMs = 1000;     ///< sliding window for stormEvents
    int stormQuietMs = 300;       ///< a storm ends when no event arrived for this long -> reconcileRequested(dirs)
    int idleReconcileMs = 300000; ///< periodic reconcile when idle; 0 = never
    /// More distinct directories than this at the end of a storm (or in one batch of failed watches)
    /// collapse into one whole-tree reconcile ("").
    int maxReconcileDirs = 64;
    index::ScanOptions scan; ///< ignore rules, symlinks, depth: the same as the indexer's
};

/// Watches a project tree and reports, debounced and coalesced, which files may have changed.
///
/// What is watched is exactly what index::Scanner would visit: every directory the scanner enters
/// (ignore rules, `.mu/`, hidden directories, maxDepth, symlinks as configured) and every indexable
/// file in them, plus each watched directory's `.gitignore`, `<root>/.git` (for `index.lock`) and
/// `<root>/.mu/config.json` so that changed ignore rules are noticed. A changed `.gitignore` or
/// config re-syncs the affected subtree and asks for a reconcile of it, because files may have left
/// the indexed set, which a "changed" report cannot express.
///
/// Thread: create, use and destroy on one thread with an event loop (the daemon's main thread);
/// signals are emitted on that thread. start() itself emits stateChanged (Starting, Watching) and,
/// when watches failed during the walk, reconcileRequested.
/// Errors: never fails loudly. A missing root leaves the watcher Stopped with errorString() set;
/// watches that cannot be added (inotify limits) are counted in Stats::failedWatches and turned into
/// reconcileRequested for the directory that cannot be trusted; problems are logged to "mu.watch".
class FileWatcher : public QObject {
    Q_OBJECT

public:
    enum class State {
        Stopped,
        Starting,
        Watching,
        Storm
    };
    Q_ENUM(State)
    struct Stats {
        State state = State::Stopped;
        int watchedDirs = 0;   ///< directories with a live watch
        int watchedFiles = 0;  ///< indexable files known (each with a watch unless it failed)
        int pendingPaths = 0;  ///< changed paths waiting for their debounce
        qint64 events = 0;     ///< raw watcher signals received since start()
        int failedWatches = 0; ///< addPath failures since start() (limits)
        int storms = 0;        ///< storms entered since start()
        qint64 reconciles = 0; ///< reconcileRequested emissions since start()
    };

    explicit FileWatcher(QString projectRoot, WatchOptions options = {}, QObject* parent = nullptr);
    ~FileWatcher() override;

    const QString& projectRoot() const { return m_root; }
    const WatchOptions& options() const { return m_options; }

    /// Walks the tree, watches every directory and every indexable file; then state Watching.
    /// Restarts from scratch when already running.
    void start();
    /// Drops every watch and pending path; no signal after it returns.
    void stop();
    Stats stats() const;
    State state() const { return m_state; }
    /// Why the last start() left the watcher Stopped; empty otherwise.
    const QString& errorString() const { return m_error; }
    static QString stateName(State state);
    /// Test/daemon hook: report pending paths now instead of waiting for the debounce.
    void flushNow();

Q_SIGNALS:
    /// Relative ('/'-separated, as the indexer's ScannedFile::path) files that were created, modified, deleted or
    /// renamed; sorted, deduplicated. The consumer stats them. Never contains ignored or non-indexable files,
    /// and never a directory.
    void filesChanged(const QStringList& relPaths);
    /// Events cannot be trusted for these relative directories ("" = the whole tree): a storm ended, a watch could not
    /// be added (inotify limit), ignore rules changed, or the periodic idle timer fired. The consumer rescans them.
    void reconcileRequested(const QStringList& relDirs);
    void stateChanged(mu::watch::FileWatcher::State state);

private:
    struct DirState;
    struct Listing;
    struct SyncItem;

    void onFileChanged(const QString& absPath);
    void onDirectoryChanged(const QString& absPath);
    void onDebounceTimeout();
    void onStormQuiet();
    void onIdleTimeout();

    QString absPath(const QString& relPath) const;
    QString relPath(const QString& absPath) const;
    bool countEvent(const QString& relDir);
    void enterStorm(const QString& why);
    void setState(State state);

    Listing listDirectory(const QString& relDir, const index::IgnoreRules::Scope& parentScope, int depth) const;
    void syncOne(const SyncItem& item, std::deque<SyncItem>& queue);
    void syncDir(const QString& relDir, bool deep, bool report);
    void dropSubtree(const QString& relDir, bool report);
    void watchDirectory(const QString& relDir);
    void watchFiles(const QString& relDir, const QStringList& names);
    void unwatchFiles(const QString& relDir, const QStringList& names);
    void noteFailedWatch(const QString& absPath, const QString& untrustedRelDir);
    void flushFailedWatches();
    void reloadRules();
    void watchSpecialFiles();

    void markChanged(const QString& relPath);
    void scheduleDebounce(qint64 deadline);
    void emitPaths(QStringList paths);
    void requestReconcile(QStringList relDirs);
    void restartIdleTimer();

    QString m_root;
    WatchOptions m_options;
    QString m_error;
    State m_state = State::Stopped;
    int m_inWatcherSignal = 0; ///< > 0 while a QFileSystemWatcher signal is being handled
    quint64 m_generation = 0;  ///< bumped by stop(): a slot that emitted checks it before continuing

    std::unique_ptr<QFileSystemWatcher> m_watcher;
    index::IgnoreRules m_rules;
    QHash<QString, DirState> m_dirs;        ///< relDir -> what we know about it
    QHash<QString, QString> m_dirKeys;      ///< "dev:ino" -> relDir, only when following symlinks
    QMultiHash<quint64, QString> m_byInode; ///< inode -> relPaths of the watched files

    struct Pending {
        qint64 first = 0;
        qint64 last = 0;
    };
    QHash<QString, Pending> m_pending;
    QElapsedTimer m_clock;
    QTimer m_debounceTimer;
    qint64 m_debounceDeadline = -1;

    std::deque<qint64> m_recentEvents; ///< timestamps inside the storm window
    qsizetype m_burstEvents = 0;       ///< events handled since the event loop last ran its timers
    QTimer m_burstTimer;
    QSet<QString> m_stormDirs;
    bool m_stormAll = false;
    QTimer m_stormTimer;
    QTimer m_idleTimer;

    QSet<QString> m_untrustedDirs; ///< failed watches / changed rules, collected during one operation
    qint64 m_events = 0;
    int m_failedWatches = 0;
    int m_storms = 0;
    qint64 m_reconciles = 0;
    int m_watchedDirs = 0;
    int m_watchedFiles = 0;
};

} // namespace mu::watch
