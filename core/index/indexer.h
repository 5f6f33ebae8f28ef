#pragma once

#include "index/scanner.h"
#include "model/result.h"
#include "parse/fileparser.h"
#include "store/filerecord.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

namespace mu::index {

/// Options of one index run.
struct IndexOptions {
    bool force = false; ///< reparse every file, ignoring size/mtime/hash
    int jobs = 0;       ///< parse threads; 0 = one per core
    int maxBatchFiles = 200;
    parse::ParseOptions parse;
    ScanOptions scan;
    /// Updates only part of the tree (watch events, reconciles of some directories): the files
    /// `paths` (stat one by one; gone, ignored or of no known language = removed) and the subtrees
    /// `directories` (rescanned) are compared with the store; every other file the store knows is
    /// taken as unchanged without a stat. Both empty: the whole tree is scanned. Relative paths.
    QStringList paths;
    QStringList directories;
    /// Set (from any thread) to stop the run at its next batch: what is written stays written
    /// (whole files), files left unlinked are linked by the next run. run() then fails with
    /// Error{"cancelled"}.
    std::shared_ptr<std::atomic_bool> cancel;
    /// Test hook: runs on the indexing thread after the scan, before any file is read, so tests
    /// can change the tree mid-run (files that vanish or become unreadable).
    std::function<void()> afterScanForTest;
};

/// What an index run did.
struct IndexReport {
    int scanned = 0;   ///< files found by the scanner
    int unchanged = 0; ///< same size and mtime: cost one stat
    int stamped = 0;   ///< stat changed, content hash did not
    int parsed = 0;    ///< parsed and written
    int removed = 0;   ///< gone from disk, rows deleted
    int linked = 0;    ///< files whose cross-file edges were recomputed
    int errors = 0;    ///< parsed files with syntax errors or failures (recorded per file)
    int skipped = 0;   ///< binary or over the size cap (recorded per file)
    qint64 revision = 0;
    qint64 elapsedMs = 0;
    qint64 scanMs = 0;  ///< scan + classification
    qint64 parseMs = 0; ///< parse on the pool, rows written as results arrive
    qint64 linkMs = 0;  ///< resolve + cross-file edges written
    QStringList warnings;
    QList<store::NodeChange> changes;
};

struct IndexProgress {
    int done = 0;
    int total = 0;
};

/// The project's `.mu/mubase` path.
QString mubasePath(const QString& projectRoot);

/// Brings a project's graph up to date with its files: scan → stat/hash → parse (pool) →
/// write (per-file transactions, batched) → resolve and link the changed files and their
/// dependents. Incremental unless IndexOptions::force.
/// Thread: run() executes on the calling thread, which becomes the store's writer thread for the
/// duration (all SQL runs there); parsing runs on a private QThreadPool. Never call it on the main
/// thread of a process that serves requests.
/// Errors: Error{"not_found"} for a missing root, Error{"sql"} when the store fails. Per-file
/// problems never fail the run: they are recorded in the files table and counted.
class Indexer {
public:
    using ProgressCallback = std::function<void(const IndexProgress&)>;

    Indexer(QString projectRoot, IndexOptions options = {});
    Result<IndexReport> run(const ProgressCallback& progress = {});

private:
    /// The files of the tree as they are now: a scan, or for a partial update the store's
    /// records overlaid with what the named files and directories hold.
    Result<ScanResult> scan(const QHash<QString, store::FileRecord>& known) const;

    QString m_root;
    IndexOptions m_options;
};

} // namespace mu::index
