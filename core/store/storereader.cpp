#include "store/storereader.h"

#include "store/database.h"
#include "store/schema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include <map>

namespace mu::store {

namespace {

const QString kNodeColumns = QStringLiteral("n.id, n.type, n.kind, n.name, n.qualified_name, n.file_path, "
                                            "n.line_start, n.line_end, n.col_start, n.col_end, n.signature, "
                                            "n.docstring, n.complexity, n.properties");
const QString kEdgeColumns = QStringLiteral("source_id, target_id, type, file_path, line, properties");
const QString kFileColumns
    = QStringLiteral("path, language, size, mtime_ns, hash, parse_status, error, revision, linked");

/// FTS5 column weights for bm25(): name, qualified_name, file_path, docstring, terms.
constexpr double kWeightName = 10.0;
constexpr double kWeightQualifiedName = 4.0;
constexpr double kWeightFilePath = 1.5;
constexpr double kWeightDocstring = 1.0;
constexpr double kWeightTerms = 5.0;
constexpr int kMaxSearchWords = 16;

QJsonObject jsonObject(const QVariant& value)
{
    if (value.isNull())
        return {};
    return QJsonDocument::fromJson(value.toString().toUtf8()).object();
}

Node nodeFromRow(const QSqlQuery& q)
{
    Node node;
    node.id = q.value(0).toString();
    node.type = nodeTypeFromString(q.value(1).toString()).value_or(NodeType::External);
    node.kind = q.value(2).toString();
    node.name = q.value(3).toString();
    node.qualifiedName = q.value(4).toString();
    node.filePath = q.value(5).toString();
    node.lineStart = q.value(6).toInt();
    node.lineEnd = q.value(7).toInt();
    node.colStart = q.value(8).toInt();
    node.colEnd = q.value(9).toInt();
    node.signature = q.value(10).toString();
    node.docstring = q.value(11).toString();
    node.complexity = q.value(12).toInt();
    node.properties = jsonObject(q.value(13));
    return node;
}

Edge edgeFromRow(const QSqlQuery& q)
{
    Edge edge;
    edge.sourceId = q.value(0).toString();
    edge.targetId = q.value(1).toString();
    edge.type = edgeTypeFromString(q.value(2).toString()).value_or(EdgeType::Uses);
    edge.filePath = q.value(3).toString();
    edge.line = q.value(4).toInt();
    edge.properties = jsonObject(q.value(5));
    return edge;
}

FileRecord fileFromRow(const QSqlQuery& q)
{
    FileRecord file;
    file.path = q.value(0).toString();
    file.language = q.value(1).toString();
    file.size = q.value(2).toLongLong();
    file.mtimeNs = q.value(3).toLongLong();
    file.hash = q.value(4).toString().toLatin1();
    file.status = parseStatusFromString(q.value(5).toString());
    file.error = q.value(6).toString();
    file.revision = q.value(7).toLongLong();
    file.linked = q.value(8).toBool();
    return file;
}

QString escapeLike(const QString& text)
{
    QString escaped;
    escaped.reserve(text.size() + 4);
    for (QChar c : text) {
        if (c == u'\\' || c == u'%' || c == u'_')
            escaped.append(u'\\');
        escaped.append(c);
    }
    return escaped;
}

/// The user's words as an FTS5 query: each word quoted (never FTS syntax), matched exactly and
/// as a prefix so exact words rank higher, joined with OR. Empty when there is no word.
QString ftsQuery(const QString& text)
{
    QStringList words;
    QSet<QString> seen;
    const auto add = [&](const QString& word) {
        if (!word.isEmpty() && !seen.contains(word) && words.size() < kMaxSearchWords) {
            seen.insert(word);
            words.append(word);
        }
    };
    qsizetype start = -1;
    for (qsizetype i = 0; i <= text.size(); ++i) {
        const bool wordChar = i < text.size() && text[i].isLetterOrNumber();
        if (wordChar && start < 0)
            start = i;
        if (!wordChar && start >= 0) {
            const QStringView word = QStringView(text).sliced(start, i - start);
            add(word.toString().toLower());
            const QStringList parts = schema::splitIdentifier(word);
            if (parts.size() > 1) {
                for (const QString& part : parts)
                    add(part);
            }
            start = -1;
        }
    }
    QStringList terms;
    for (const QString& word : std::as_const(words))
        terms.append(u'"' + word + QStringLiteral("\" OR \"") + word + QStringLiteral("\"*"));
    return terms.join(QStringLiteral(" OR "));
}

} // namespace

/// Statements prepared on first use and kept for the reader's lifetime.
struct StoreReader::Statements {
    QSqlDatabase db;
    std::map<QString, std::unique_ptr<QSqlQuery>> queries;

    /// The prepared statement `name` (prepared from `sql` the first time), executed with `values`.
    Result<QSqlQuery*> run(const QString& name, const QString& sql, const QVariantList& values = {})
    {
        auto it = queries.find(name);
        if (it == queries.end()) {
            auto query = std::make_unique<QSqlQuery>(db);
            query->setForwardOnly(true);
            if (!query->prepare(sql)) {
                return Error {QStringLiteral("sql"), name + QStringLiteral(" (prepare): ") + query->lastError().text()};
            }
            it = queries.emplace(name, std::move(query)).first;
        }
        QSqlQuery* query = it->second.get();
        query->finish();
        for (qsizetype i = 0; i < values.size(); ++i)
            query->bindValue(int(i), values[i]);
        if (!query->exec())
            return Error {QStringLiteral("sql"), name + QStringLiteral(": ") + query->lastError().text()};
        return query;
    }

    template<typename T, typename RowFn>
    Result<QList<T>> list(const QString& name, const QString& sql, const QVariantList& values, RowFn fromRow)
    {
        Result<QSqlQuery*> q = run(name, sql, values);
        if (!q)
            return q.error();
        QList<T> rows;
        while ((*q)->next())
            rows.append(fromRow(**q));
        (*q)->finish();
        return rows;
    }

    Result<QList<Node>> nodes(const QString& name, const QString& where, const QVariantList& values)
    {
        return list<Node>(name, QStringLiteral("SELECT ") + kNodeColumns + QStringLiteral(" FROM nodes n ") + where,
            values, nodeFromRow);
    }

    Result<qint64> count(const QString& name, const QString& sql)
    {
        Result<QSqlQuery*> q = run(name, sql);
        if (!q)
            return q.error();
        const qint64 value = (*q)->next() ? (*q)->value(0).toLongLong() : 0;
        (*q)->finish();
        return value;
    }

    Result<QList<std::pair<QString, qint64>>> counts(const QString& name, const QString& sql)
    {
        return list<std::pair<QString, qint64>>(name, sql, {}, [](const QSqlQuery& q) {
            return std::pair<QString, qint64>(q.value(0).toString(), q.value(1).toLongLong());
        });
    }
};

StoreReader::StoreReader(QString connectionName)
    : m_connectionName(std::move(connectionName)), m_statements(std::make_unique<Statements>())
{ }

StoreReader::~StoreReader()
{
    m_statements.reset(); // queries and the QSqlDatabase copy must go before the connection
    closeDatabase(m_connectionName);
}

Result<std::unique_ptr<StoreReader>> StoreReader::open(const QString& dbPath)
{
    std::unique_ptr<StoreReader> reader(new StoreReader(threadConnectionName(QStringLiteral("reader"))));
    Result<QSqlDatabase> db = openDatabase(dbPath, OpenMode::ReadOnly, reader->m_connectionName);
    if (!db)
        return db.error();
    reader->m_statements->db = *db;
    return reader;
}

Result<qint64> StoreReader::revision() const
{
    Result<QString> value = metadata(QStringLiteral("revision"));
    if (!value)
        return value.error();
    return value->toLongLong();
}

Result<QString> StoreReader::metadata(const QString& key) const
{
    Result<QSqlQuery*> q = m_statements->run(
        QStringLiteral("metadata"), QStringLiteral("SELECT value FROM metadata WHERE key = ?"), {key});
    if (!q)
        return q.error();
    const QString value = (*q)->next() ? (*q)->value(0).toString() : QString();
    (*q)->finish();
    return value;
}

Result<Stats> StoreReader::stats() const
{
    Statements& d = *m_statements;
    Stats stats;
    Result<qint64> rev = revision();
    if (!rev)
        return rev.error();
    stats.revision = *rev;
    const std::initializer_list<std::tuple<qint64*, const char*, QString>> counts = {
        {&stats.files, "stats.files", QStringLiteral("SELECT count(*) FROM files")},
        {&stats.nodes, "stats.nodes", QStringLiteral("SELECT count(*) FROM nodes")},
        {&stats.edges, "stats.edges", QStringLiteral("SELECT count(*) FROM edges")},
        {&stats.parseErrors, "stats.parse_errors",
            QStringLiteral("SELECT count(*) FROM files WHERE parse_status IN ('partial', 'failed')")},
        {&stats.skippedFiles, "stats.skipped",
            QStringLiteral("SELECT count(*) FROM files WHERE parse_status = 'skipped'")},
    };
    for (const auto& [target, name, sql] : counts) {
        Result<qint64> value = d.count(QString::fromLatin1(name), sql);
        if (!value)
            return value.error();
        *target = *value;
    }
    const std::initializer_list<std::tuple<QList<std::pair<QString, qint64>>*, const char*, QString>> groups = {
        {&stats.nodesByType, "stats.nodes_by_type",
            QStringLiteral("SELECT type, count(*) FROM nodes GROUP BY type ORDER BY type")},
        {&stats.edgesByType, "stats.edges_by_type",
            QStringLiteral("SELECT type, count(*) FROM edges GROUP BY type ORDER BY type")},
        {&stats.filesByLanguage, "stats.files_by_language",
            QStringLiteral("SELECT language, count(*) FROM files GROUP BY language ORDER BY count(*) DESC, language")},
    };
    for (const auto& [target, name, sql] : groups) {
        auto value = d.counts(QString::fromLatin1(name), sql);
        if (!value)
            return value.error();
        *target = std::move(*value);
    }
    return stats;
}

Result<QList<FileRecord>> StoreReader::files() const
{
    return m_statements->list<FileRecord>(QStringLiteral("files"),
        QStringLiteral("SELECT ") + kFileColumns + QStringLiteral(" FROM files ORDER BY path"), {}, fileFromRow);
}

Result<std::optional<FileRecord>> StoreReader::file(const QString& path) const
{
    auto rows = m_statements->list<FileRecord>(QStringLiteral("file"),
        QStringLiteral("SELECT ") + kFileColumns + QStringLiteral(" FROM files WHERE path = ?"), {path}, fileFromRow);
    if (!rows)
        return rows.error();
    return rows->isEmpty() ? std::optional<FileRecord>() : std::optional<FileRecord>(rows->constFirst());
}

Result<std::optional<Node>> StoreReader::node(const QString& id) const
{
    auto rows = m_statements->nodes(QStringLiteral("node"), QStringLiteral("WHERE n.id = ?"), {id});
    if (!rows)
        return rows.error();
    return rows->isEmpty() ? std::optional<Node>() : std::optional<Node>(rows->constFirst());
}

Result<QList<Node>> StoreReader::nodesInFile(const QString& path) const
{
    return m_statements->nodes(
        QStringLiteral("nodes_in_file"), QStringLiteral("WHERE n.file_path = ? ORDER BY n.rowid"), {path});
}

Result<QList<Node>> StoreReader::nodesNamed(const QString& name, Qt::CaseSensitivity cs) const
{
    // Both forms go through the NOCASE index; the sensitive one filters exactly afterwards.
    if (cs == Qt::CaseInsensitive) {
        return m_statements->nodes(QStringLiteral("nodes_named_nocase"),
            QStringLiteral("WHERE n.name = ? COLLATE NOCASE ORDER BY n.rowid"), {name});
    }
    return m_statements->nodes(QStringLiteral("nodes_named"),
        QStringLiteral("WHERE n.name = ? COLLATE NOCASE AND n.name = ? ORDER BY n.rowid"), {name, name});
}

Result<QList<Node>> StoreReader::nodesByQualifiedSuffix(const QString& suffix, int limit) const
{
    if (suffix.isEmpty())
        return QList<Node>();
    // LIKE ignores ASCII case; the substr() comparison keeps the suffix match case-sensitive.
    const QString dotted = QString(u'.') + suffix;
    return m_statements->nodes(QStringLiteral("nodes_by_qualified_suffix"),
        QStringLiteral("WHERE n.qualified_name = ? OR (n.qualified_name LIKE ? ESCAPE '\\' "
                       "AND substr(n.qualified_name, -length(?)) = ?) "
                       "ORDER BY length(n.qualified_name), n.id LIMIT ?"),
        {suffix, QString(QStringLiteral("%.") + escapeLike(suffix)), dotted, dotted, limit > 0 ? limit : -1});
}

Result<QList<Node>> StoreReader::nodesNameContaining(const QString& text, int limit) const
{
    if (text.isEmpty())
        return QList<Node>();
    return m_statements->nodes(QStringLiteral("nodes_name_containing"),
        QStringLiteral("WHERE n.name LIKE ? ESCAPE '\\' ORDER BY length(n.name), n.id LIMIT ?"),
        {QString(u'%' + escapeLike(text) + u'%'), limit > 0 ? limit : -1});
}

Result<QList<Edge>> StoreReader::edgesFrom(const QString& nodeId) const
{
    return m_statements->list<Edge>(QStringLiteral("edges_from"),
        QStringLiteral("SELECT ") + kEdgeColumns + QStringLiteral(" FROM edges WHERE source_id = ? ORDER BY rowid"),
        {nodeId}, edgeFromRow);
}

Result<QList<Edge>> StoreReader::edgesTo(const QString& nodeId) const
{
    return m_statements->list<Edge>(QStringLiteral("edges_to"),
        QStringLiteral("SELECT ") + kEdgeColumns + QStringLiteral(" FROM edges WHERE target_id = ? ORDER BY rowid"),
        {nodeId}, edgeFromRow);
}

Result<QList<Edge>> StoreReader::edgesOfFile(const QString& path) const
{
    return m_statements->list<Edge>(QStringLiteral("edges_of_file"),
        QStringLiteral("SELECT ") + kEdgeColumns + QStringLiteral(" FROM edges WHERE file_path = ? ORDER BY rowid"),
        {path}, edgeFromRow);
}

Result<QList<Reference>> StoreReader::referencesOfFile(const QString& path) const
{
    Result<QSqlQuery*> q = m_statements->run(
        QStringLiteral("references_of_file"), QStringLiteral("SELECT data FROM refs WHERE file_path = ?"), {path});
    if (!q)
        return q.error();
    QList<Reference> references;
    if ((*q)->next()) {
        auto decoded = decodeReferences((*q)->value(0).toByteArray());
        if (!decoded) {
            (*q)->finish();
            return Error {QStringLiteral("corrupt"), QStringLiteral("unreadable references of %1").arg(path)};
        }
        references = std::move(*decoded);
    }
    (*q)->finish();
    return references;
}

Result<QStringList> StoreReader::filesConsulting(const QStringList& paths) const
{
    if (paths.isEmpty())
        return QStringList();
    const QString sql
        = QStringLiteral("WITH p(path) AS (SELECT value FROM json_each(?)) "
                         "SELECT DISTINCT d.file_path FROM p CROSS JOIN link_deps d ON d.module_path = p.path "
                         "WHERE d.file_path NOT IN (SELECT path FROM p) ORDER BY d.file_path");
    const QString json
        = QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(paths)).toJson(QJsonDocument::Compact));
    return m_statements->list<QString>(
        QStringLiteral("files_consulting"), sql, {json}, [](const QSqlQuery& q) { return q.value(0).toString(); });
}

Result<QHash<QString, QStringList>> StoreReader::namespaceFiles() const
{
    auto rows = m_statements->list<std::pair<QString, QString>>(QStringLiteral("namespace_files"),
        QStringLiteral("SELECT name, file_path FROM namespaces ORDER BY name, file_path"), {}, [](const QSqlQuery& q) {
            return std::pair {q.value(0).toString(), q.value(1).toString()};
        });
    if (!rows)
        return rows.error();
    QHash<QString, QStringList> files;
    for (auto& [name, path] : *rows)
        files[name].append(std::move(path));
    return files;
}

Result<QList<Node>> StoreReader::externalLinkageFunctions() const
{
    // A free function's local name has no '.' (methods are "Class.method", SPEC §1 ids); only
    // free functions can be `static` in the C sense of file-local.
    return m_statements->list<Node>(QStringLiteral("external_linkage_functions"),
        QStringLiteral("SELECT n.id, n.name, n.qualified_name, n.file_path FROM nodes n "
                       "JOIN files f ON f.path = n.file_path "
                       "WHERE f.language IN ('c', 'cpp') AND n.type = 'function' "
                       "AND (instr(substr(n.id, length(n.file_path) + 5), '.') > 0 "
                       "     OR (n.kind = 'function' AND coalesce(json_extract(n.properties, '$.is_static'), 0) = 0)) "
                       "AND coalesce(json_extract(n.properties, '$.macro'), 0) = 0 "
                       "AND coalesce(json_extract(n.properties, '$.declaration'), 0) = 0 "
                       "ORDER BY n.rowid"),
        {}, [](const QSqlQuery& q) {
            Node node;
            node.id = q.value(0).toString();
            node.type = NodeType::Function;
            node.name = q.value(1).toString();
            node.qualifiedName = q.value(2).toString();
            node.filePath = q.value(3).toString();
            return node;
        });
}

Result<QStringList> StoreReader::filesWithEdgesInto(const QStringList& paths) const
{
    if (paths.isEmpty())
        return QStringList();
    // Edges into a file are found through the target nodes and, because ids embed their file
    // (SPEC §1), through id ranges too: that also finds edges whose target node is already gone.
    const QString sql = QStringLiteral(
        "WITH p(path) AS (SELECT value FROM json_each(?)) "
        "SELECT file_path FROM ("
        " SELECT e.file_path FROM p CROSS JOIN nodes n ON n.file_path = p.path CROSS JOIN edges e ON e.target_id = n.id"
        " UNION SELECT e.file_path FROM p CROSS JOIN edges e ON e.target_id = 'mod:' || p.path"
        " UNION SELECT e.file_path FROM p CROSS JOIN edges e"
        "  ON e.target_id > 'cls:' || p.path || ':' AND e.target_id < 'cls:' || p.path || ';'"
        " UNION SELECT e.file_path FROM p CROSS JOIN edges e"
        "  ON e.target_id > 'fn:' || p.path || ':' AND e.target_id < 'fn:' || p.path || ';'"
        ") WHERE file_path NOT IN (SELECT path FROM p) ORDER BY file_path");
    const QString json
        = QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(paths)).toJson(QJsonDocument::Compact));
    return m_statements->list<QString>(
        QStringLiteral("files_with_edges_into"), sql, {json}, [](const QSqlQuery& q) { return q.value(0).toString(); });
}

Result<QList<Node>> StoreReader::symbolNodes(const QString& path) const
{
    // Module properties carry the exports; other nodes' properties are not needed to resolve.
    return m_statements->list<Node>(QStringLiteral("symbol_nodes"),
        QStringLiteral("SELECT id, type, kind, name, qualified_name, file_path, "
                       "CASE WHEN type = 'module' THEN properties END FROM nodes "
                       "WHERE file_path = ? ORDER BY rowid"),
        {path}, [](const QSqlQuery& q) {
            Node node;
            node.id = q.value(0).toString();
            node.type = nodeTypeFromString(q.value(1).toString()).value_or(NodeType::External);
            node.kind = q.value(2).toString();
            node.name = q.value(3).toString();
            node.qualifiedName = q.value(4).toString();
            node.filePath = q.value(5).toString();
            node.properties = jsonObject(q.value(6));
            return node;
        });
}

Result<QList<SearchHit>> StoreReader::search(const QString& text, std::optional<NodeType> type, int limit) const
{
    const QString match = ftsQuery(text);
    if (match.isEmpty())
        return QList<SearchHit>();
    const QString bm25 = QStringLiteral("bm25(nodes_fts, %1, %2, %3, %4, %5)")
                             .arg(kWeightName)
                             .arg(kWeightQualifiedName)
                             .arg(kWeightFilePath)
                             .arg(kWeightDocstring)
                             .arg(kWeightTerms);
    const QString head = QStringLiteral("SELECT ") + kNodeColumns + QStringLiteral(", ") + bm25
        + QStringLiteral(" AS rank_ FROM nodes_fts CROSS JOIN nodes n ON n.rowid = nodes_fts.rowid "
                         "WHERE nodes_fts MATCH ? ");
    const QString tail = QStringLiteral("ORDER BY rank_, n.id LIMIT ?");
    const auto hit = [](const QSqlQuery& q) { return SearchHit {nodeFromRow(q), -q.value(14).toDouble()}; };
    const QVariant rowLimit = limit > 0 ? limit : -1;
    if (type) {
        return m_statements->list<SearchHit>(QStringLiteral("search_typed"),
            head + QStringLiteral("AND n.type = ? ") + tail, {match, toString(*type), rowLimit}, hit);
    }
    return m_statements->list<SearchHit>(QStringLiteral("search"), head + tail, {match, rowLimit}, hit);
}

} // namespace mu::store
