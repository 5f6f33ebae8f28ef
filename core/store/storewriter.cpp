#include "store/storewriter.h"

#include "store/database.h"
#include "store/schema.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringEncoder>

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace mu::store {

namespace {

/// NULL for an empty text, so SQL users can test `IS NULL`; reads come back as empty strings.
QVariant textOrNull(const QString& text)
{
    return text.isEmpty() ? QVariant() : QVariant(text);
}

/// Non-null text for NOT NULL columns.
QVariant text(const QString& value)
{
    return value.isNull() ? QVariant(QStringLiteral("")) : QVariant(value);
}

void appendJson(QString& out, const QJsonValue& value);

void appendJsonString(QString& out, QStringView text)
{
    out += u'"';
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'"':
            out += u"\\\"";
            break;
        case u'\\':
            out += u"\\\\";
            break;
        case u'\n':
            out += u"\\n";
            break;
        case u'\r':
            out += u"\\r";
            break;
        case u'\t':
            out += u"\\t";
            break;
        default:
            if (c.unicode() < 0x20) {
                static constexpr char16_t kHex[] = u"0123456789abcdef";
                const char16_t escape[] = {u'\\', u'u', u'0', u'0', kHex[c.unicode() >> 4], kHex[c.unicode() & 0xf]};
                out += QStringView(escape, 6);
            } else {
                out += c;
            }
        }
    }
    out += u'"';
}

void appendJson(QString& out, const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        out += value.toBool() ? u"true" : u"false";
        break;
    case QJsonValue::Double: {
        const double number = value.toDouble();
        if (std::trunc(number) == number && std::abs(number) < 9007199254740992.0)
            out += QString::number(qint64(number));
        else
            out += QString::number(number, 'g', QLocale::FloatingPointShortest);
        break;
    }
    case QJsonValue::String:
        appendJsonString(out, value.toString());
        break;
    case QJsonValue::Array: {
        out += u'[';
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            if (i > 0)
                out += u',';
            appendJson(out, array.at(i));
        }
        out += u']';
        break;
    }
    case QJsonValue::Object: {
        out += u'{';
        const QJsonObject object = value.toObject();
        bool first = true;
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (!first)
                out += u',';
            first = false;
            appendJsonString(out, it.key());
            out += u':';
            appendJson(out, it.value());
        }
        out += u'}';
        break;
    }
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out += u"null";
        break;
    }
}

/// Compact JSON as TEXT (SQLite's JSON functions reject BLOBs), NULL when empty. Written
/// directly: QJsonDocument::toJson allocated several times per value and was the writer's
/// largest allocation site.
QString jsonText(const QJsonObject& object)
{
    if (object.isEmpty())
        return {};
    QString out;
    out.reserve(64);
    appendJson(out, object);
    return out;
}

/// A digest of every stored field of a node but its id and file, to tell Modified from unchanged.
size_t nodeDigest(QStringView type, QStringView kind, QStringView name, QStringView qualifiedName, int lineStart,
    int lineEnd, int colStart, int colEnd, QStringView signature, QStringView docstring, int complexity,
    QStringView properties)
{
    return qHashMulti(0, type, kind, name, qualifiedName, lineStart, lineEnd, colStart, colEnd, signature, docstring,
        complexity, properties);
}

size_t nodeDigest(const Node& node, const QString& properties)
{
    return nodeDigest(toString(node.type), node.kind, node.name, node.qualifiedName, node.lineStart, node.lineEnd,
        node.colStart, node.colEnd, node.signature, node.docstring, node.complexity, properties);
}

size_t edgeDigest(QStringView source, QStringView target, QStringView type, int line, QStringView properties)
{
    return qHashMulti(0, source, target, type, line, properties);
}

/// SQL function mu_search_terms(name, qualified_name, file_path): the FTS `terms` column, so the
/// FTS rows of a whole batch are written by one INSERT … SELECT (FTS5 flushes its pending data at
/// every statement savepoint; row-by-row inserts would write one tiny segment per node).
void searchTermsFunction(sqlite3_context* context, int argc, sqlite3_value** argv)
{
    const auto view = [argv](int i) {
        const void* data = sqlite3_value_text16(argv[i]);
        const int bytes = sqlite3_value_bytes16(argv[i]);
        return data ? QStringView(static_cast<const char16_t*>(data), bytes / 2) : QStringView();
    };
    if (argc != 3) {
        sqlite3_result_error(context, "mu_search_terms takes 3 arguments", -1);
        return;
    }
    const QString terms = schema::searchTerms(view(0), view(1), view(2));
    if (terms.isEmpty())
        sqlite3_result_null(context);
    else
        sqlite3_result_text16(context, terms.utf16(), int(terms.size() * 2), SQLITE_TRANSIENT);
}

Status registerFunctions(sqlite3* sqlite)
{
    const int rc = sqlite3_create_function_v2(sqlite, "mu_search_terms", 3, SQLITE_UTF16 | SQLITE_DETERMINISTIC,
        nullptr, searchTermsFunction, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        return Error {
            QStringLiteral("sql"), QStringLiteral("register_functions: ") + QString::fromUtf8(sqlite3_errstr(rc))};
    }
    return {};
}

sqlite3* sqliteHandle(const QSqlDatabase& db)
{
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(handle.constData());
}

/// A statement on the writer's connection driven through the SQLite API. Used for the per-row
/// inserts only: QSqlQuery::bindValue builds a placeholder string and a hash entry for every
/// value, which costs more than SQLite's own work on a 14-column row.
/// Bound texts are SQLITE_STATIC: they must outlive step().
class RawStatement {
public:
    RawStatement() = default;
    ~RawStatement() { sqlite3_finalize(m_stmt); }
    RawStatement(const RawStatement&) = delete;
    RawStatement& operator=(const RawStatement&) = delete;

    Status prepare(sqlite3* db, const QString& name, const QString& sql)
    {
        m_db = db;
        m_name = name;
        const QByteArray utf8 = sql.toUtf8();
        if (sqlite3_prepare_v3(db, utf8.constData(), int(utf8.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr)
            != SQLITE_OK) {
            return error(QStringLiteral(" (prepare)"));
        }
        return {};
    }

    /// Binds NULL for an empty text unless `notNull`. The text is encoded to UTF-8 (the database's
    /// encoding) into a buffer kept per column, so a row costs no allocation once the buffers
    /// have grown; binding UTF-16 made SQLite allocate and convert every value.
    void bindText(int column, QStringView text, bool notNull = false)
    {
        if (text.isEmpty() && !notNull) {
            sqlite3_bind_null(m_stmt, column);
            return;
        }
        if (qsizetype(m_buffers.size()) < column)
            m_buffers.resize(column);
        QByteArray& buffer = m_buffers[column - 1];
        const qsizetype capacity = text.size() * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
        if (buffer.size() < capacity)
            buffer.resize(capacity);
        char* end = m_encoder.appendToBuffer(buffer.data(), text);
        sqlite3_bind_text(m_stmt, column, buffer.constData(), int(end - buffer.constData()), SQLITE_STATIC);
    }
    void bindInt(int column, qint64 value) { sqlite3_bind_int64(m_stmt, column, value); }
    /// The bytes must outlive step().
    void bindBlob(int column, const QByteArray& data)
    {
        sqlite3_bind_blob(m_stmt, column, data.constData(), int(data.size()), SQLITE_STATIC);
    }

    Status step()
    {
        const int rc = sqlite3_step(m_stmt);
        Status status = rc == SQLITE_DONE || rc == SQLITE_ROW ? Status() : error(QString());
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
        return status;
    }

    qint64 lastInsertRowid() const { return sqlite3_last_insert_rowid(m_db); }

private:
    Error error(const QString& what) const
    {
        return Error {
            QStringLiteral("sql"), m_name + what + QStringLiteral(": ") + QString::fromUtf8(sqlite3_errmsg(m_db))};
    }

    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    QString m_name;
    std::vector<QByteArray> m_buffers;
    QStringEncoder m_encoder {QStringEncoder::Utf8, QStringEncoder::Flag::Stateless};
};

struct OldNode {
    size_t digest = 0;
    NodeType type = NodeType::Module;
};

} // namespace

/// Every statement the writer runs, prepared once on the writer's connection.
struct StoreWriter::Statements {
    struct Statement {
        QString name;
        QSqlQuery query;
    };

    QSqlDatabase db;
    std::function<void()> beforeCommit;

    Statement begin, commit, rollback;
    Statement selectFileNodes, deleteFileFts, deleteFileEdges, deleteFileRefs, deleteFileNodes, upsertFile, deleteFile;
    Statement insertFts, insertFilesFts;
    RawStatement insertNode, insertEdge, insertRef;
    Statement selectFileLinks, deleteFileLinks, selectFileLinked, markLinked, markLinkedAt;
    Statement deleteFileLinkDeps, insertLinkDep, deleteFileNamespaces, insertNamespace;
    Statement selectNode, updateExternal, deleteFtsRow, selectOrphans, deleteNodeRow;
    Statement stampFile, setMetadata;

    QList<Statement*> all()
    {
        return {&begin, &commit, &rollback, &selectFileNodes, &deleteFileFts, &deleteFileEdges, &deleteFileRefs,
            &deleteFileNodes, &upsertFile, &deleteFile, &insertFts, &insertFilesFts, &selectFileLinks, &deleteFileLinks,
            &selectFileLinked, &markLinked, &markLinkedAt, &selectNode, &updateExternal, &deleteFtsRow, &selectOrphans,
            &deleteNodeRow, &stampFile, &setMetadata, &deleteFileLinkDeps, &insertLinkDep, &deleteFileNamespaces,
            &insertNamespace};
    }

    Status prepare(Statement& statement, const QString& name, const QString& sql)
    {
        statement.name = name;
        statement.query = QSqlQuery(db);
        statement.query.setForwardOnly(true);
        if (!statement.query.prepare(sql))
            return Error {
                QStringLiteral("sql"), name + QStringLiteral(" (prepare): ") + statement.query.lastError().text()};
        return {};
    }

    Status prepareAll();

    static Status run(Statement& statement)
    {
        if (!statement.query.exec()) {
            return Error {
                QStringLiteral("sql"), statement.name + QStringLiteral(": ") + statement.query.lastError().text()};
        }
        return {};
    }

    Status beginTransaction() { return run(begin); }

    Status commitTransaction()
    {
        if (beforeCommit)
            beforeCommit();
        return run(commit);
    }

    void rollbackTransaction()
    {
        for (Statement* statement : all())
            statement->query.finish();
        if (Status s = run(rollback); !s)
            qCWarning(lcStore) << s.error().message;
    }

    Status writeRevision(qint64 revision)
    {
        setMetadata.query.bindValue(0, QStringLiteral("revision"));
        setMetadata.query.bindValue(1, QString::number(revision));
        return run(setMetadata);
    }

    /// Reads the nodes a file owns now (in file order) with their digests.
    Status readFileNodes(const QString& path, QList<QString>& order, QHash<QString, OldNode>& nodes)
    {
        QSqlQuery& q = selectFileNodes.query;
        q.bindValue(0, path);
        if (Status s = run(selectFileNodes); !s)
            return s;
        while (q.next()) {
            const QString id = q.value(0).toString();
            const QString type = q.value(1).toString();
            OldNode old;
            old.type = nodeTypeFromString(type).value_or(NodeType::Module);
            old.digest = nodeDigest(type, q.value(2).toString(), q.value(3).toString(), q.value(4).toString(),
                q.value(5).toInt(), q.value(6).toInt(), q.value(7).toInt(), q.value(8).toInt(), q.value(9).toString(),
                q.value(10).toString(), q.value(11).toInt(), q.value(12).toString());
            order.append(id);
            nodes.insert(id, old);
        }
        q.finish();
        return {};
    }

    /// Replaces the modules a file's linking consulted (link_deps).
    Status replaceLinkDeps(const FileLinks& file)
    {
        deleteFileLinkDeps.query.bindValue(0, file.path);
        if (Status s = run(deleteFileLinkDeps); !s)
            return s;
        for (const QString& module : file.consultedModules) {
            insertLinkDep.query.bindValue(0, module);
            insertLinkDep.query.bindValue(1, file.path);
            if (Status s = run(insertLinkDep); !s)
                return s;
        }
        return {};
    }

    /// Deletes every row a file owns except its `files` row.
    Status deleteFileRows(const QString& path)
    {
        for (Statement* statement : {&deleteFileFts, &deleteFileEdges, &deleteFileRefs, &deleteFileLinkDeps,
                 &deleteFileNamespaces, &deleteFileNodes}) {
            statement->query.bindValue(0, path);
            if (Status s = run(*statement); !s)
                return s;
        }
        return {};
    }

    /// Inserts a node; its FTS row is left to the caller (insertFtsRow or insertFilesFts).
    Status insertNodeRow(const Node& node, const QString& filePath, const QString& properties)
    {
        RawStatement& q = insertNode;
        q.bindText(1, node.id, true);
        q.bindText(2, toString(node.type), true);
        q.bindText(3, node.kind, true);
        q.bindText(4, node.name, true);
        q.bindText(5, node.qualifiedName);
        q.bindText(6, filePath);
        q.bindInt(7, node.lineStart);
        q.bindInt(8, node.lineEnd);
        q.bindInt(9, node.colStart);
        q.bindInt(10, node.colEnd);
        q.bindText(11, node.signature);
        q.bindText(12, node.docstring);
        q.bindInt(13, node.complexity);
        q.bindText(14, properties);
        return q.step();
    }

    /// Inserts the FTS rows of every node of `paths` in one statement.
    Status insertFtsOfFiles(const QStringList& paths)
    {
        insertFilesFts.query.bindValue(
            0, QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(paths)).toJson(QJsonDocument::Compact)));
        return run(insertFilesFts);
    }

    Status insertFtsRow(const QVariant& rowid, const Node& node, const QString& filePath)
    {
        QSqlQuery& f = insertFts.query;
        f.bindValue(0, rowid);
        f.bindValue(1, textOrNull(node.name));
        f.bindValue(2, textOrNull(node.qualifiedName));
        f.bindValue(3, textOrNull(filePath));
        f.bindValue(4, textOrNull(node.docstring));
        f.bindValue(5, textOrNull(schema::searchTerms(node.name, node.qualifiedName, filePath)));
        return run(insertFts);
    }

    Status insertEdgeRow(const Edge& edge, const QString& filePath)
    {
        const QString type = toString(edge.type);
        const QString properties = jsonText(edge.properties);
        RawStatement& q = insertEdge;
        q.bindText(1, edge.sourceId, true);
        q.bindText(2, edge.targetId, true);
        q.bindText(3, type, true);
        q.bindText(4, filePath, true);
        q.bindInt(5, edge.line);
        q.bindText(6, properties);
        return q.step();
    }

    Status insertReferences(const QList<Reference>& references, const QString& filePath)
    {
        if (references.isEmpty())
            return {};
        const QByteArray data = encodeReferences(references);
        RawStatement& q = insertRef;
        q.bindText(1, filePath, true);
        q.bindBlob(2, data);
        return q.step();
    }

    /// Deletes external nodes no edge points to any more.
    Status collectOrphans(QList<NodeChange>& changes)
    {
        QList<std::pair<qint64, QString>> orphans;
        if (Status s = run(selectOrphans); !s)
            return s;
        while (selectOrphans.query.next())
            orphans.append({selectOrphans.query.value(0).toLongLong(), selectOrphans.query.value(1).toString()});
        selectOrphans.query.finish();
        for (const auto& [rowid, id] : std::as_const(orphans)) {
            for (Statement* statement : {&deleteFtsRow, &deleteNodeRow}) {
                statement->query.bindValue(0, rowid);
                if (Status s = run(*statement); !s)
                    return s;
            }
            changes.append(NodeChange {NodeChange::Kind::Removed, id, NodeType::External, QString()});
        }
        return {};
    }

    /// Inserts or refreshes an external node; records Added/Modified.
    Status upsertExternal(const Node& node, QList<NodeChange>& changes)
    {
        const QString properties = jsonText(node.properties);
        QSqlQuery& q = selectNode.query;
        q.bindValue(0, node.id);
        if (Status s = run(selectNode); !s)
            return s;
        if (!q.next()) {
            q.finish();
            if (Status s = insertNodeRow(node, QString(), properties); !s)
                return s;
            if (Status s = insertFtsRow(insertNode.lastInsertRowid(), node, QString()); !s)
                return s;
            changes.append(NodeChange {NodeChange::Kind::Added, node.id, node.type, QString()});
            return {};
        }
        const qint64 rowid = q.value(0).toLongLong();
        const QString type = q.value(1).toString();
        const bool isExternal = q.value(13).isNull(); // file_path
        const size_t digest = nodeDigest(type, q.value(2).toString(), q.value(3).toString(), q.value(4).toString(),
            q.value(5).toInt(), q.value(6).toInt(), q.value(7).toInt(), q.value(8).toInt(), q.value(9).toString(),
            q.value(10).toString(), q.value(11).toInt(), q.value(12).toString());
        q.finish();
        if (!isExternal || digest == nodeDigest(node, properties))
            return {};
        QSqlQuery& u = updateExternal.query;
        u.bindValue(0, toString(node.type));
        u.bindValue(1, text(node.kind));
        u.bindValue(2, text(node.name));
        u.bindValue(3, textOrNull(node.qualifiedName));
        u.bindValue(4, node.lineStart);
        u.bindValue(5, node.lineEnd);
        u.bindValue(6, node.colStart);
        u.bindValue(7, node.colEnd);
        u.bindValue(8, textOrNull(node.signature));
        u.bindValue(9, textOrNull(node.docstring));
        u.bindValue(10, node.complexity);
        u.bindValue(11, textOrNull(properties));
        u.bindValue(12, rowid);
        if (Status s = run(updateExternal); !s)
            return s;
        deleteFtsRow.query.bindValue(0, rowid);
        if (Status s = run(deleteFtsRow); !s)
            return s;
        if (Status s = insertFtsRow(rowid, node, QString()); !s)
            return s;
        changes.append(NodeChange {NodeChange::Kind::Modified, node.id, node.type, QString()});
        return {};
    }
};

Status StoreWriter::Statements::prepareAll()
{
    sqlite3* sqlite = sqliteHandle(db);
    if (!sqlite)
        return Error {QStringLiteral("sql"), QStringLiteral("prepare: not an SQLite connection")};
    if (Status s = registerFunctions(sqlite); !s)
        return s;
    const QString nodeColumns = QStringLiteral("type, kind, name, qualified_name, line_start, line_end, col_start, "
                                               "col_end, signature, docstring, complexity, properties");
    // The edges linking owns: every cross-file edge, and the `contains` edges that attach members
    // to a type declared in another file (marked {"attached": true} by resolve::Linker). All other
    // contains edges are the file's own, written with its nodes.
    const QString linkedEdges
        = QStringLiteral("(type != 'contains' OR json_extract(properties, '$.attached') IS NOT NULL)");
    const std::initializer_list<std::tuple<Statement*, const char*, QString>> statements = {
        {&begin, "begin", QStringLiteral("BEGIN IMMEDIATE")},
        {&commit, "commit", QStringLiteral("COMMIT")},
        {&rollback, "rollback", QStringLiteral("ROLLBACK")},
        {&selectFileNodes, "select_file_nodes",
            QStringLiteral("SELECT id, ") + nodeColumns
                + QStringLiteral(" FROM nodes WHERE file_path = ? ORDER BY rowid")},
        {&deleteFileFts, "delete_file_fts",
            QStringLiteral("DELETE FROM nodes_fts WHERE rowid IN (SELECT rowid FROM nodes WHERE file_path = ?)")},
        {&deleteFileEdges, "delete_file_edges", QStringLiteral("DELETE FROM edges WHERE file_path = ?")},
        {&deleteFileRefs, "delete_file_refs", QStringLiteral("DELETE FROM refs WHERE file_path = ?")},
        {&deleteFileNodes, "delete_file_nodes", QStringLiteral("DELETE FROM nodes WHERE file_path = ?")},
        {&upsertFile, "upsert_file",
            QStringLiteral("INSERT INTO files(path, language, size, mtime_ns, hash, parse_status, error, encoding, "
                           "line_count, revision, linked) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0) "
                           "ON CONFLICT(path) DO UPDATE SET language = excluded.language, size = excluded.size, "
                           "mtime_ns = excluded.mtime_ns, hash = excluded.hash, parse_status = excluded.parse_status, "
                           "error = excluded.error, encoding = excluded.encoding, line_count = excluded.line_count, "
                           "revision = excluded.revision, linked = 0")},
        {&deleteFile, "delete_file", QStringLiteral("DELETE FROM files WHERE path = ?")},
        {&insertFts, "insert_fts",
            QStringLiteral("INSERT INTO nodes_fts(rowid, name, qualified_name, file_path, docstring, terms) "
                           "VALUES(?, ?, ?, ?, ?, ?)")},
        {&insertFilesFts, "insert_files_fts",
            QStringLiteral("INSERT INTO nodes_fts(rowid, name, qualified_name, file_path, docstring, terms) "
                           "SELECT rowid, name, qualified_name, file_path, docstring, "
                           "mu_search_terms(name, qualified_name, file_path) FROM nodes "
                           "WHERE file_path IN (SELECT value FROM json_each(?))")},
        {&selectFileLinks, "select_file_links",
            QStringLiteral("SELECT source_id, target_id, type, line, properties FROM edges "
                           "WHERE file_path = ? AND ")
                + linkedEdges},
        {&deleteFileLinks, "delete_file_links",
            QStringLiteral("DELETE FROM edges WHERE file_path = ? AND ") + linkedEdges},
        {&selectFileLinked, "select_file_linked", QStringLiteral("SELECT linked FROM files WHERE path = ?")},
        {&deleteFileLinkDeps, "delete_file_link_deps", QStringLiteral("DELETE FROM link_deps WHERE file_path = ?")},
        {&insertLinkDep, "insert_link_dep",
            QStringLiteral("INSERT OR IGNORE INTO link_deps(module_path, file_path) VALUES(?, ?)")},
        {&deleteFileNamespaces, "delete_file_namespaces", QStringLiteral("DELETE FROM namespaces WHERE file_path = ?")},
        {&insertNamespace, "insert_namespace",
            QStringLiteral("INSERT OR IGNORE INTO namespaces(name, file_path) VALUES(?, ?)")},
        {&markLinked, "mark_linked", QStringLiteral("UPDATE files SET linked = 1 WHERE path = ?")},
        {&markLinkedAt, "mark_linked_at", QStringLiteral("UPDATE files SET linked = 1, revision = ? WHERE path = ?")},
        {&selectNode, "select_node",
            QStringLiteral("SELECT rowid, ") + nodeColumns + QStringLiteral(", file_path FROM nodes WHERE id = ?")},
        {&updateExternal, "update_external",
            QStringLiteral("UPDATE nodes SET type = ?, kind = ?, name = ?, qualified_name = ?, line_start = ?, "
                           "line_end = ?, col_start = ?, col_end = ?, signature = ?, docstring = ?, complexity = ?, "
                           "properties = ? WHERE rowid = ?")},
        {&deleteFtsRow, "delete_fts_row", QStringLiteral("DELETE FROM nodes_fts WHERE rowid = ?")},
        {&selectOrphans, "select_orphan_externals",
            QStringLiteral("SELECT rowid, id FROM nodes WHERE file_path IS NULL AND type = 'external' "
                           "AND NOT EXISTS (SELECT 1 FROM edges WHERE edges.target_id = nodes.id) ORDER BY rowid")},
        {&deleteNodeRow, "delete_node_row", QStringLiteral("DELETE FROM nodes WHERE rowid = ?")},
        {&stampFile, "stamp_file", QStringLiteral("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?")},
        {&setMetadata, "set_metadata",
            QStringLiteral("INSERT INTO metadata(key, value) VALUES(?, ?) "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value")},
    };
    for (const auto& [statement, name, sql] : statements) {
        if (Status s = prepare(*statement, QString::fromLatin1(name), sql); !s)
            return s;
    }
    const std::initializer_list<std::tuple<RawStatement*, const char*, QString>> raw = {
        {&insertNode, "insert_node",
            QStringLiteral("INSERT INTO nodes(id, type, kind, name, qualified_name, file_path, line_start, line_end, "
                           "col_start, col_end, signature, docstring, complexity, properties) "
                           "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")},
        {&insertEdge, "insert_edge",
            QStringLiteral("INSERT INTO edges(source_id, target_id, type, file_path, line, properties) "
                           "VALUES(?, ?, ?, ?, ?, ?)")},
        {&insertRef, "insert_ref", QStringLiteral("INSERT INTO refs(file_path, data) VALUES(?, ?)")},
    };
    for (const auto& [statement, name, sql] : raw) {
        if (Status s = statement->prepare(sqlite, QString::fromLatin1(name), sql); !s)
            return s;
    }
    return {};
}

StoreWriter::StoreWriter(QString connectionName)
    : m_connectionName(std::move(connectionName)), m_statements(std::make_unique<Statements>())
{ }

StoreWriter::~StoreWriter()
{
    m_statements.reset(); // queries and the QSqlDatabase copy must go before the connection
    markWriterClosed(m_connectionName);
    closeDatabase(m_connectionName);
}

Result<std::unique_ptr<StoreWriter>> StoreWriter::open(const QString& dbPath)
{
    std::unique_ptr<StoreWriter> writer(new StoreWriter(threadConnectionName(QStringLiteral("writer"))));
    Result<QSqlDatabase> db = openDatabase(dbPath, OpenMode::ReadWrite, writer->m_connectionName);
    if (!db)
        return db.error();
    Statements& d = *writer->m_statements;
    d.db = *db;
    {
        QSqlQuery pragma(d.db);
        if (!pragma.exec(QStringLiteral("PRAGMA cache_size = -32768")))
            qCWarning(lcStore) << "cache_size:" << pragma.lastError().text();
    }
    if (Status s = d.prepareAll(); !s)
        return s.error();
    QSqlQuery query(d.db);
    if (!query.exec(QStringLiteral("SELECT value FROM metadata WHERE key = 'revision'"))) {
        return Error {QStringLiteral("sql"), QStringLiteral("read_revision: ") + query.lastError().text()};
    }
    if (query.next())
        writer->m_revision = query.value(0).toLongLong();
    return writer;
}

void StoreWriter::setBeforeCommitHookForTest(std::function<void()> hook)
{
    m_statements->beforeCommit = std::move(hook);
}

Result<StoreWriter::Commit> StoreWriter::finishTransaction(Commit result, bool changed)
{
    Statements& d = *m_statements;
    const qint64 revision = m_revision + 1;
    Status s = changed ? d.writeRevision(revision) : Status();
    if (s)
        s = d.commitTransaction();
    if (!s) {
        d.rollbackTransaction();
        return s.error();
    }
    if (changed) {
        m_revision = revision;
        result.revision = revision;
    }
    return result;
}

Result<StoreWriter::Commit> StoreWriter::replaceFiles(const QList<FileIndex>& files)
{
    Commit result {m_revision, {}};
    if (files.isEmpty())
        return result;
    Statements& d = *m_statements;
    const qint64 revision = m_revision + 1;
    if (Status s = d.beginTransaction(); !s)
        return s.error();
    const auto fail = [&d](const Error& error) -> Result<Commit> {
        d.rollbackTransaction();
        return error;
    };

    QList<QString> oldOrder;
    QHash<QString, OldNode> oldNodes;
    QStringList paths;
    paths.reserve(files.size());
    for (const FileIndex& file : files) {
        paths.append(file.path);
        oldOrder.clear();
        oldNodes.clear();
        if (Status s = d.readFileNodes(file.path, oldOrder, oldNodes); !s)
            return fail(s.error());
        if (Status s = d.deleteFileRows(file.path); !s)
            return fail(s.error());

        QSqlQuery& f = d.upsertFile.query;
        f.bindValue(0, file.path);
        f.bindValue(1, text(file.language));
        f.bindValue(2, file.size);
        f.bindValue(3, file.mtimeNs);
        f.bindValue(4, file.hash.isEmpty() ? QVariant() : QVariant(QString::fromLatin1(file.hash)));
        f.bindValue(5, toString(file.status));
        f.bindValue(6, textOrNull(file.error));
        f.bindValue(7, file.encoding.isEmpty() ? QStringLiteral("utf-8") : file.encoding);
        f.bindValue(8, file.lineCount);
        f.bindValue(9, revision);
        if (Status s = Statements::run(d.upsertFile); !s)
            return fail(s.error());

        for (const Node& node : file.nodes) {
            const QString properties = jsonText(node.properties);
            if (Status s = d.insertNodeRow(node, file.path, properties); !s)
                return fail(s.error());
            const auto old = oldNodes.constFind(node.id);
            if (old == oldNodes.cend()) {
                result.changes.append(NodeChange {NodeChange::Kind::Added, node.id, node.type, file.path});
            } else {
                if (old->digest != nodeDigest(node, properties))
                    result.changes.append(NodeChange {NodeChange::Kind::Modified, node.id, node.type, file.path});
                oldNodes.erase(old);
            }
        }
        for (const QString& id : std::as_const(oldOrder)) {
            const auto old = oldNodes.constFind(id);
            if (old != oldNodes.cend())
                result.changes.append(NodeChange {NodeChange::Kind::Removed, id, old->type, file.path});
        }
        for (const Edge& edge : file.edges) {
            if (Status s = d.insertEdgeRow(edge, file.path); !s)
                return fail(s.error());
        }
        if (Status s = d.insertReferences(file.references, file.path); !s)
            return fail(s.error());
        for (const QString& name : file.namespaces) {
            d.insertNamespace.query.bindValue(0, name);
            d.insertNamespace.query.bindValue(1, file.path);
            if (Status s = Statements::run(d.insertNamespace); !s)
                return fail(s.error());
        }
    }
    if (Status s = d.insertFtsOfFiles(paths); !s)
        return fail(s.error());
    return finishTransaction(std::move(result), true);
}

Result<StoreWriter::Commit> StoreWriter::removeFiles(const QStringList& paths)
{
    Commit result {m_revision, {}};
    if (paths.isEmpty())
        return result;
    Statements& d = *m_statements;
    if (Status s = d.beginTransaction(); !s)
        return s.error();
    const auto fail = [&d](const Error& error) -> Result<Commit> {
        d.rollbackTransaction();
        return error;
    };

    bool changed = false;
    QList<QString> oldOrder;
    QHash<QString, OldNode> oldNodes;
    for (const QString& path : paths) {
        oldOrder.clear();
        oldNodes.clear();
        if (Status s = d.readFileNodes(path, oldOrder, oldNodes); !s)
            return fail(s.error());
        if (Status s = d.deleteFileRows(path); !s)
            return fail(s.error());
        d.deleteFile.query.bindValue(0, path);
        if (Status s = Statements::run(d.deleteFile); !s)
            return fail(s.error());
        changed = changed || d.deleteFile.query.numRowsAffected() > 0 || !oldOrder.isEmpty();
        for (const QString& id : std::as_const(oldOrder))
            result.changes.append(NodeChange {NodeChange::Kind::Removed, id, oldNodes.value(id).type, path});
    }
    if (changed) {
        // The removed files' imports may have been the last edges into some externals.
        if (Status s = d.collectOrphans(result.changes); !s)
            return fail(s.error());
    }
    return finishTransaction(std::move(result), changed);
}

Status StoreWriter::stampFiles(const QList<FileStamp>& stamps)
{
    if (stamps.isEmpty())
        return {};
    Statements& d = *m_statements;
    if (Status s = d.beginTransaction(); !s)
        return s;
    QSqlQuery& q = d.stampFile.query;
    for (const FileStamp& stamp : stamps) {
        q.bindValue(0, stamp.size);
        q.bindValue(1, stamp.mtimeNs);
        q.bindValue(2, stamp.path);
        if (Status s = Statements::run(d.stampFile); !s) {
            d.rollbackTransaction();
            return s;
        }
    }
    if (Status s = d.commitTransaction(); !s) {
        d.rollbackTransaction();
        return s;
    }
    return {};
}

Result<StoreWriter::Commit> StoreWriter::replaceLinks(const QList<FileLinks>& links)
{
    Commit result {m_revision, {}};
    if (links.isEmpty())
        return result;
    Statements& d = *m_statements;
    const qint64 revision = m_revision + 1;
    if (Status s = d.beginTransaction(); !s)
        return s.error();
    const auto fail = [&d](const Error& error) -> Result<Commit> {
        d.rollbackTransaction();
        return error;
    };

    bool changed = false;
    QList<size_t> oldDigests;
    QList<size_t> newDigests;
    QList<QString> newProperties;
    for (const FileLinks& file : links) {
        QSqlQuery& linked = d.selectFileLinked.query;
        linked.bindValue(0, file.path);
        if (Status s = Statements::run(d.selectFileLinked); !s)
            return fail(s.error());
        if (!linked.next()) {
            // Removed between resolution and now: its edges would belong to no file.
            linked.finish();
            qCDebug(lcStore) << "replaceLinks: no file row for" << file.path << "- skipped";
            continue;
        }
        const bool wasLinked = linked.value(0).toBool();
        linked.finish();
        if (Status s = d.replaceLinkDeps(file); !s)
            return fail(s.error());

        oldDigests.clear();
        QSqlQuery& old = d.selectFileLinks.query;
        old.bindValue(0, file.path);
        if (Status s = Statements::run(d.selectFileLinks); !s)
            return fail(s.error());
        while (old.next()) {
            oldDigests.append(edgeDigest(old.value(0).toString(), old.value(1).toString(), old.value(2).toString(),
                old.value(3).toInt(), old.value(4).toString()));
        }
        old.finish();
        newDigests.clear();
        newProperties.clear();
        for (const Edge& edge : file.edges) {
            newProperties.append(jsonText(edge.properties));
            newDigests.append(
                edgeDigest(edge.sourceId, edge.targetId, toString(edge.type), edge.line, newProperties.constLast()));
        }
        std::sort(oldDigests.begin(), oldDigests.end());
        std::sort(newDigests.begin(), newDigests.end());

        // Externals first: an edge may point at one that is new.
        for (const Node& external : file.externals) {
            if (Status s = d.upsertExternal(external, result.changes); !s)
                return fail(s.error());
        }
        // std::equal, not QList::operator==: Qt 6.4 passes null to memcmp for empty lists (UBSan).
        if (std::equal(oldDigests.cbegin(), oldDigests.cend(), newDigests.cbegin(), newDigests.cend())) {
            if (!wasLinked) {
                d.markLinked.query.bindValue(0, file.path);
                if (Status s = Statements::run(d.markLinked); !s)
                    return fail(s.error());
            }
            continue;
        }
        changed = true;
        d.deleteFileLinks.query.bindValue(0, file.path);
        if (Status s = Statements::run(d.deleteFileLinks); !s)
            return fail(s.error());
        for (const Edge& edge : file.edges) {
            // A file's own contains edges belong to replaceFiles; linking only attaches members
            // to types declared elsewhere (marked, so re-linking replaces exactly those).
            if (edge.type == EdgeType::Contains && !edge.properties.value(u"attached").toBool())
                continue;
            if (Status s = d.insertEdgeRow(edge, file.path); !s)
                return fail(s.error());
        }
        d.markLinkedAt.query.bindValue(0, revision);
        d.markLinkedAt.query.bindValue(1, file.path);
        if (Status s = Statements::run(d.markLinkedAt); !s)
            return fail(s.error());
    }
    if (Status s = d.collectOrphans(result.changes); !s)
        return fail(s.error());
    // Unchanged links still commit: the files' linked flags may have moved.
    const bool graphChanged = changed || !result.changes.isEmpty();
    return finishTransaction(std::move(result), graphChanged);
}

Status StoreWriter::setMetadata(const QString& key, const QString& value)
{
    Statements& d = *m_statements;
    d.setMetadata.query.bindValue(0, key);
    d.setMetadata.query.bindValue(1, value);
    return Statements::run(d.setMetadata);
}

Status StoreWriter::checkpoint()
{
    QSqlQuery query(m_statements->db);
    for (const QString& sql : {QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"), QStringLiteral("PRAGMA optimize")}) {
        if (!query.exec(sql))
            return Error {QStringLiteral("sql"), sql + QStringLiteral(": ") + query.lastError().text()};
        query.finish();
    }
    return {};
}

} // namespace mu::store
