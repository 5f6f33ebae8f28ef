// Graph::load() and Graph::update(): reading a snapshot out of `.mu/mubase`.
//
// Rows are read through the SQLite API on a read-only connection of our own: a full load reads
// every node and edge (about 70k and 165k for the Python standard library), and QSqlQuery's
// per-value QVariant boxing costs more than SQLite itself at that volume.

#include "graph/graph.h"
#include "graph/graphbuilder.h"

#include "store/database.h"

#include <QSqlDatabase>
#include <QSqlDriver>

#include <sqlite3.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mu::graph {

namespace {

/// Beyond this share of changed files a full load is cheaper than patching the previous snapshot.
constexpr double kFullLoadShare = 0.25;
/// …but a few files always go through update(), however small the project.
constexpr size_t kAlwaysIncremental = 32;

sqlite3* sqliteHandle(const QSqlDatabase& db)
{
    const QVariant handle = db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3* const*>(handle.constData());
}

/// A read statement driven through the SQLite API. Texts read from it are valid until the next
/// step.
class Statement {
public:
    Statement(sqlite3* db, const char* name) : m_db(db), m_name(name) { }
    ~Statement() { sqlite3_finalize(m_stmt); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Status prepare(const char* sql)
    {
        if (sqlite3_prepare_v2(m_db, sql, -1, &m_stmt, nullptr) != SQLITE_OK)
            return error();
        return {};
    }
    /// Binds UTF-8 text; the bytes must outlive the statement's use.
    void bind(int column, const std::string& utf8)
    {
        sqlite3_reset(m_stmt);
        sqlite3_bind_text(m_stmt, column, utf8.data(), int(utf8.size()), SQLITE_STATIC);
    }
    /// True on a row; false at the end or on an error (then status() tells).
    bool next()
    {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW)
            return true;
        if (rc != SQLITE_DONE)
            m_status = error();
        return false;
    }
    const Status& status() const { return m_status; }

    bool isNull(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }
    std::string_view text(int column) const
    {
        const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
        return data ? std::string_view(data, size_t(sqlite3_column_bytes(m_stmt, column))) : std::string_view();
    }
    QString string(int column) const
    {
        const std::string_view bytes = text(column);
        return QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
    }
    std::int32_t int32(int column) const { return std::int32_t(sqlite3_column_int(m_stmt, column)); }
    qint64 int64(int column) const { return sqlite3_column_int64(m_stmt, column); }

private:
    Error error() const
    {
        return Error {QStringLiteral("sql"),
            QStringLiteral("graph.%1: %2").arg(QLatin1String(m_name), QString::fromUtf8(sqlite3_errmsg(m_db)))};
    }

    sqlite3* m_db;
    const char* m_name;
    sqlite3_stmt* m_stmt = nullptr;
    Status m_status;
};

std::optional<NodeType> nodeType(std::string_view text)
{
    if (text == "function")
        return NodeType::Function;
    if (text == "class")
        return NodeType::Class;
    if (text == "module")
        return NodeType::Module;
    if (text == "external")
        return NodeType::External;
    return std::nullopt;
}

std::optional<EdgeType> edgeType(std::string_view text)
{
    if (text == "calls")
        return EdgeType::Calls;
    if (text == "contains")
        return EdgeType::Contains;
    if (text == "imports")
        return EdgeType::Imports;
    if (text == "inherits")
        return EdgeType::Inherits;
    if (text == "uses")
        return EdgeType::Uses;
    return std::nullopt;
}

/// The project's files in snapshot order, with their UTF-8 spelling for lookups by column bytes.
struct FileTable {
    std::vector<QString> paths; ///< sorted (QString order)
    std::vector<std::string> utf8;
    std::vector<qint64> revisions;
    std::unordered_map<std::string_view, std::int32_t> index;

    /// The index of a path read from a column; -1 when not a file. Rows come grouped by file, so
    /// the previous answer is tried first.
    std::int32_t find(std::string_view path)
    {
        if (m_lastIndex >= 0 && path == utf8[size_t(m_lastIndex)])
            return m_lastIndex;
        const auto it = index.find(path);
        m_lastIndex = it == index.end() ? -1 : it->second;
        return m_lastIndex;
    }

private:
    std::int32_t m_lastIndex = -1;
};

/// Interns node kinds: a handful of distinct words shared by every node.
class KindTable {
public:
    const QString& intern(std::string_view text)
    {
        auto it = m_kinds.find(std::string(text));
        if (it == m_kinds.end())
            it = m_kinds.emplace(std::string(text), QString::fromUtf8(text.data(), qsizetype(text.size()))).first;
        return it->second;
    }

private:
    std::unordered_map<std::string, QString> m_kinds;
};

/// One read transaction on a private read-only connection; closes everything on destruction.
class Session {
public:
    static Result<std::unique_ptr<Session>> open(const QString& dbPath)
    {
        const QString name = store::threadConnectionName(QStringLiteral("graph"));
        Result<QSqlDatabase> db = store::openDatabase(dbPath, store::OpenMode::ReadOnly, name);
        if (!db)
            return db.error();
        std::unique_ptr<Session> session(new Session(name, sqliteHandle(*db)));
        if (!session->m_db)
            return Error {QStringLiteral("sql"), QStringLiteral("graph.open: the Qt SQLite driver exposes no handle")};
        if (sqlite3_exec(session->m_db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
            return Error {QStringLiteral("sql"),
                QStringLiteral("graph.begin: ") + QString::fromUtf8(sqlite3_errmsg(session->m_db))};
        }
        return session;
    }
    ~Session()
    {
        if (m_db)
            sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
        store::closeDatabase(m_connectionName);
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    sqlite3* db() const { return m_db; }

    Result<qint64> revision() const
    {
        Statement query(m_db, "revision");
        if (Status s = query.prepare("SELECT value FROM metadata WHERE key = 'revision'"); !s)
            return s.error();
        qint64 revision = 0;
        if (query.next())
            revision = QByteArray::fromRawData(query.text(0).data(), qsizetype(query.text(0).size())).toLongLong();
        if (!query.status())
            return query.status().error();
        return revision;
    }

    Result<FileTable> files() const
    {
        Statement query(m_db, "files");
        if (Status s = query.prepare("SELECT path, revision FROM files"); !s)
            return s.error();
        struct Row {
            QString path;
            std::string utf8;
            qint64 revision;
        };
        std::vector<Row> rows;
        while (query.next())
            rows.push_back(Row {query.string(0), std::string(query.text(0)), query.int64(1)});
        if (!query.status())
            return query.status().error();
        std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.path < b.path; });
        FileTable table;
        table.paths.reserve(rows.size());
        table.utf8.reserve(rows.size());
        table.revisions.reserve(rows.size());
        for (Row& row : rows) {
            table.paths.push_back(std::move(row.path));
            table.utf8.push_back(std::move(row.utf8));
            table.revisions.push_back(row.revision);
        }
        // Keys view into table.utf8, which no longer grows.
        for (size_t i = 0; i < table.utf8.size(); ++i)
            table.index.emplace(table.utf8[i], std::int32_t(i));
        return table;
    }

private:
    Session(QString connectionName, sqlite3* db) : m_connectionName(std::move(connectionName)), m_db(db) { }
    QString m_connectionName;
    sqlite3* m_db;
};

constexpr const char* kNodeColumns = "SELECT id, type, kind, name, qualified_name, file_path, line_start FROM nodes";

/// Reads one node row; `file` is the row's file index (already looked up by the caller).
NodeRow nodeRow(const Statement& query, std::int32_t file, KindTable& kinds)
{
    return NodeRow {query.string(0), nodeType(query.text(1)).value_or(NodeType::External), kinds.intern(query.text(2)),
        query.string(3), query.string(4), file, query.int32(6)};
}

Result<std::shared_ptr<const Graph>> fullLoad(Session& session, qint64 revision, FileTable files)
{
    KindTable kinds;
    // Nodes, with their UTF-8 ids kept for resolving edge endpoints without decoding them.
    std::vector<NodeRow> rows;
    std::vector<std::string> utf8Ids;
    {
        Statement query(session.db(), "nodes");
        if (Status s = query.prepare(kNodeColumns); !s)
            return s.error();
        while (query.next()) {
            std::int32_t file = -1;
            if (!query.isNull(5)) {
                file = files.find(query.text(5));
                if (file < 0)
                    continue; // a row of a file that is gone: stale
            }
            rows.push_back(nodeRow(query, file, kinds));
            utf8Ids.emplace_back(query.text(0));
        }
        if (!query.status())
            return query.status().error();
    }
    std::vector<std::int32_t> order(rows.size());
    for (size_t i = 0; i < order.size(); ++i)
        order[i] = std::int32_t(i);
    std::sort(order.begin(), order.end(),
        [&rows](std::int32_t a, std::int32_t b) { return rows[size_t(a)].id < rows[size_t(b)].id; });
    std::vector<NodeRow> sorted;
    sorted.reserve(rows.size());
    std::unordered_map<std::string_view, NodeIndex> indexById;
    indexById.reserve(rows.size());
    for (std::int32_t i : order) {
        // `id` is UNIQUE in the schema; a duplicate can only come from a corrupt file: keep one.
        if (!sorted.empty() && sorted.back().id == rows[size_t(i)].id)
            continue;
        indexById.emplace(utf8Ids[size_t(i)], NodeIndex(sorted.size()));
        sorted.push_back(std::move(rows[size_t(i)]));
    }
    rows = {};

    std::vector<EdgeRow> edges;
    std::vector<IdEdgeRow> dangling;
    {
        Statement query(session.db(), "edges");
        if (Status s = query.prepare("SELECT source_id, target_id, type, file_path, line FROM edges"); !s)
            return s.error();
        while (query.next()) {
            const std::int32_t file = files.find(query.text(3));
            const std::optional<EdgeType> type = edgeType(query.text(2));
            if (file < 0 || !type)
                continue; // stale row of a removed file, or a type this MU does not know
            const auto source = indexById.find(query.text(0));
            const auto target = indexById.find(query.text(1));
            if (source == indexById.end() || target == indexById.end())
                dangling.push_back(IdEdgeRow {query.string(0), query.string(1), *type, file, query.int32(4)});
            else
                edges.push_back(EdgeRow {source->second, target->second, *type, file, query.int32(4)});
        }
        if (!query.status())
            return query.status().error();
    }
    indexById = {};
    return std::shared_ptr<const Graph>(GraphBuilder::build(
        revision, std::move(files.paths), std::move(sorted), std::move(edges), std::move(dangling)));
}

} // namespace

Result<std::shared_ptr<const Graph>> Graph::load(const QString& dbPath)
{
    Result<std::unique_ptr<Session>> session = Session::open(dbPath);
    if (!session)
        return session.error();
    Result<qint64> revision = (*session)->revision();
    if (!revision)
        return revision.error();
    Result<FileTable> files = (*session)->files();
    if (!files)
        return files.error();
    return fullLoad(**session, *revision, std::move(*files));
}

Result<std::shared_ptr<const Graph>> Graph::update(const std::shared_ptr<const Graph>& previous, const QString& dbPath)
{
    if (!previous)
        return load(dbPath);
    Result<std::unique_ptr<Session>> opened = Session::open(dbPath);
    if (!opened)
        return opened.error();
    Session& session = **opened;
    Result<qint64> revision = session.revision();
    if (!revision)
        return revision.error();
    if (*revision == previous->revision())
        return previous;
    Result<FileTable> files = session.files();
    if (!files)
        return files.error();
    // A lower revision means another database (rebuilt, replaced): nothing of previous applies.
    if (*revision < previous->revision())
        return fullLoad(session, *revision, std::move(*files));

    GraphDelta delta;
    delta.revision = *revision;
    std::vector<std::int32_t> changed; // indexes into files
    for (size_t i = 0; i < files->paths.size(); ++i) {
        if (files->revisions[i] > previous->revision()) {
            changed.push_back(std::int32_t(i));
            delta.replacedFiles.push_back(files->paths[i]);
        }
    }
    for (const QString& path : previous->files()) {
        if (!std::binary_search(files->paths.begin(), files->paths.end(), path))
            delta.replacedFiles.push_back(path);
    }
    if (delta.replacedFiles.size() > kAlwaysIncremental
        && double(delta.replacedFiles.size()) > kFullLoadShare * double(files->paths.size())) {
        return fullLoad(session, *revision, std::move(*files));
    }
    std::sort(delta.replacedFiles.begin(), delta.replacedFiles.end());

    KindTable kinds;
    {
        Statement fileNodes(session.db(), "file_nodes");
        Statement externals(session.db(), "external_nodes");
        Statement fileEdges(session.db(), "file_edges");
        for (Status s : {fileNodes.prepare((std::string(kNodeColumns) + " WHERE file_path = ?1").c_str()),
                 externals.prepare((std::string(kNodeColumns) + " WHERE file_path IS NULL").c_str()),
                 fileEdges.prepare("SELECT source_id, target_id, type, line FROM edges WHERE file_path = ?1")}) {
            if (!s)
                return s.error();
        }
        for (std::int32_t file : changed) {
            fileNodes.bind(1, files->utf8[size_t(file)]);
            while (fileNodes.next())
                delta.nodes.push_back(nodeRow(fileNodes, file, kinds));
            if (!fileNodes.status())
                return fileNodes.status().error();
            fileEdges.bind(1, files->utf8[size_t(file)]);
            while (fileEdges.next()) {
                if (const std::optional<EdgeType> type = edgeType(fileEdges.text(2))) {
                    delta.edges.push_back(
                        IdEdgeRow {fileEdges.string(0), fileEdges.string(1), *type, file, fileEdges.int32(3)});
                }
            }
            if (!fileEdges.status())
                return fileEdges.status().error();
        }
        while (externals.next())
            delta.nodes.push_back(nodeRow(externals, -1, kinds));
        if (!externals.status())
            return externals.status().error();
    }
    delta.files = std::move(files->paths);
    return std::shared_ptr<const Graph>(GraphBuilder::update(*previous, std::move(delta)));
}

} // namespace mu::graph
