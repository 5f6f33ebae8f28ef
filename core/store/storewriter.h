#pragma once

#include "model/fileindex.h"
#include "model/result.h"
#include "store/filerecord.h"

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

namespace mu::store {

/// The only writer of a project's graph. Every call is one transaction: after a crash each
/// file is wholly old or wholly new. Each successful call that changed anything bumps the
/// graph revision by one.
/// Thread: owns a connection bound to the thread that called open(); use it only there (the
/// index layer gives it a thread of its own).
/// Errors: SQL failures come back as Error{"sql", "<statement name>: <driver message>"} and roll
/// the transaction back.
class StoreWriter {
public:
    struct Commit {
        qint64 revision = 0;
        QList<NodeChange> changes;
    };

    static Result<std::unique_ptr<StoreWriter>> open(const QString& dbPath);
    ~StoreWriter();
    StoreWriter(const StoreWriter&) = delete;
    StoreWriter& operator=(const StoreWriter&) = delete;

    /// Replaces each file's nodes, `contains` edges and references, upserts its files row
    /// (linked = false) and deletes its old outgoing edges of every type. FTS follows.
    Result<Commit> replaceFiles(const QList<FileIndex>& files);
    /// Deletes the files' rows, nodes, outgoing edges and references.
    Result<Commit> removeFiles(const QStringList& paths);
    /// Updates size/mtime of files whose content hash did not change. Does not bump the revision.
    Status stampFiles(const QList<FileStamp>& stamps);
    /// Replaces the non-`contains` edges of each file, marks it linked, upserts the externals and
    /// deletes externals no edge points to any more.
    Result<Commit> replaceLinks(const QList<FileLinks>& links);

    Status setMetadata(const QString& key, const QString& value);
    qint64 revision() const { return m_revision; }
    /// Runs a WAL checkpoint (TRUNCATE) and PRAGMA optimize; call when a burst of work ends.
    Status checkpoint();

    /// Test hook: called on the writer's thread inside every mutating transaction, after all
    /// writes and right before COMMIT (so tests can observe an open write transaction).
    void setBeforeCommitHookForTest(std::function<void()> hook);

private:
    struct Statements;
    explicit StoreWriter(QString connectionName);
    /// Ends the transaction of a mutating call: with a new revision when the graph changed,
    /// without one when it did not; rolls back and returns the error when the commit fails.
    Result<Commit> finishTransaction(Commit result, bool changed);
    QString m_connectionName;
    qint64 m_revision = 0;
    std::unique_ptr<Statements> m_statements;
};

} // namespace mu::store
