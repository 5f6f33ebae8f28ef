#pragma once

#include "model/fileindex.h"
#include "model/result.h"
#include "store/filerecord.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace mu::store {

/// Read-only view of a project's graph on a connection of its own (WAL: never blocks the writer,
/// sees the last commit).
/// Thread: bound to the thread that called open().
/// Errors: Error{"sql", …} on SQL failure; Error{"not_found", …} when the database file is missing.
class StoreReader {
public:
    static Result<std::unique_ptr<StoreReader>> open(const QString& dbPath);
    ~StoreReader();
    StoreReader(const StoreReader&) = delete;
    StoreReader& operator=(const StoreReader&) = delete;

    Result<qint64> revision() const;
    Result<Stats> stats() const;
    Result<QString> metadata(const QString& key) const;

    Result<QList<FileRecord>> files() const;
    Result<std::optional<FileRecord>> file(const QString& path) const;

    Result<std::optional<Node>> node(const QString& id) const;
    Result<QList<Node>> nodesInFile(const QString& path) const;
    /// Nodes whose name equals `name` (case-insensitively when asked), any type.
    Result<QList<Node>> nodesNamed(const QString& name, Qt::CaseSensitivity cs = Qt::CaseSensitive) const;
    /// Nodes whose qualified name ends with `suffix` (on a dot boundary) or whose name contains
    /// `text`; used for NODE resolution. At most `limit` rows.
    Result<QList<Node>> nodesByQualifiedSuffix(const QString& suffix, int limit) const;
    Result<QList<Node>> nodesNameContaining(const QString& text, int limit) const;

    Result<QList<Edge>> edgesFrom(const QString& nodeId) const;
    Result<QList<Edge>> edgesTo(const QString& nodeId) const;
    Result<QList<Edge>> edgesOfFile(const QString& path) const;
    Result<QList<Reference>> referencesOfFile(const QString& path) const;
    /// Files that own an edge pointing at a node of one of `paths` (the dependents to re-link).
    Result<QStringList> filesWithEdgesInto(const QStringList& paths) const;
    /// Files whose last linking consulted the symbols of one of `paths` (excluding `paths`).
    Result<QStringList> filesConsulting(const QStringList& paths) const;
    /// Every declared package/namespace → the files declaring it (sorted), for Java/C#/C++ lookup.
    Result<QHash<QString, QStringList>> namespaceFiles() const;
    /// C and C++ function definitions with external linkage: free functions that are not
    /// `static`, and methods (out-of-line definitions included); not macros, not declarations.
    /// id, name, qualified_name and file_path filled.
    Result<QList<Node>> externalLinkageFunctions() const;
    /// The nodes of one file with only what resolution needs (id, type, kind, name,
    /// qualified_name, file_path; properties of the module node only), in file order.
    Result<QList<Node>> symbolNodes(const QString& path) const;

    /// FTS5 search over names, qualified names, paths and docstrings, BM25-ranked. `text` is
    /// plain user text (tokenised and quoted here, never passed through as FTS syntax).
    Result<QList<SearchHit>> search(const QString& text, std::optional<NodeType> type, int limit) const;

private:
    struct Statements;
    explicit StoreReader(QString connectionName);
    QString m_connectionName;
    std::unique_ptr<Statements> m_statements;
};

} // namespace mu::store
