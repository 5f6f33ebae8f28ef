#include "query/queryengine.h"

#include "graph/graph.h"
#include "model/nodeid.h"
#include "query/parser.h"
#include "query/planner.h"
#include "store/database.h"
#include "store/noderesolver.h"
#include "store/storereader.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

namespace mu::query {

namespace {

/// Longest text a MATCHES regex is run on: together with PCRE2's own match limit (which makes a
/// runaway backtracking match fail instead of spinning), it bounds the time of one match.
constexpr qsizetype kMaxRegexSubject = 64 * 1024;
/// Rows an ANALYZE returns at most.
constexpr int kAnalysisLimit = kMaxLimit;
/// SQLite virtual-machine steps between deadline checks.
constexpr int kProgressSteps = 4096;

QueryError timeoutError(std::chrono::milliseconds timeout)
{
    return QueryError {QStringLiteral("timeout"),
        QStringLiteral("Query timed out after %1 ms. Narrow it with WHERE or LIMIT, or allow more time (--timeout).")
            .arg(timeout.count()),
        -1, {}};
}

QJsonValue jsonCell(const QVariant& value, bool json)
{
    if (value.isNull())
        return QJsonValue::Null;
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::ULongLong:
        return value.toLongLong();
    case QMetaType::Double:
        return value.toDouble();
    default:
        break;
    }
    const QString text = value.toString();
    if (json) {
        // A JSON scalar cannot be a document on its own: wrap it in an array to parse it.
        const QJsonDocument document = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + ']');
        if (document.isArray())
            return document.array().at(0);
    }
    return text;
}

QJsonValue nullable(const QString& text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

QString typeNames(graph::EdgeTypeSet types)
{
    return u'{' + types.names().join(QStringLiteral(", ")) + u'}';
}

struct RelationSpec {
    graph::Direction direction;
    graph::EdgeTypeSet types;
    int defaultDepth;
};

RelationSpec relationSpec(Relation relation)
{
    using graph::Direction;
    using graph::EdgeTypeSet;
    switch (relation) {
    case Relation::Dependencies:
        return {Direction::Outgoing, EdgeTypeSet::allButContains(), 1};
    case Relation::Dependents:
        return {Direction::Incoming, EdgeTypeSet::allButContains(), 1};
    case Relation::Callers:
        return {Direction::Incoming, EdgeTypeSet::of({EdgeType::Calls}), 1};
    case Relation::Callees:
        return {Direction::Outgoing, EdgeTypeSet::of({EdgeType::Calls}), 1};
    case Relation::Inheritance:
        return {Direction::Outgoing, EdgeTypeSet::of({EdgeType::Inherits}), kMaxDepth};
    case Relation::Implementations:
        return {Direction::Incoming, EdgeTypeSet::of({EdgeType::Inherits}), kMaxDepth};
    case Relation::Children:
        return {Direction::Outgoing, EdgeTypeSet::of({EdgeType::Contains}), 1};
    case Relation::Parents:
        return {Direction::Incoming, EdgeTypeSet::of({EdgeType::Contains}), kMaxDepth};
    case Relation::Impact:
        return {Direction::Incoming, EdgeTypeSet::allButContains(), kMaxDepth};
    case Relation::Ancestors:
        return {Direction::Outgoing, EdgeTypeSet::allButContains(), kMaxDepth};
    case Relation::Imports:
        return {Direction::Outgoing, EdgeTypeSet::of({EdgeType::Imports}), 1};
    case Relation::Importers:
        return {Direction::Incoming, EdgeTypeSet::of({EdgeType::Imports}), 1};
    }
    Q_UNREACHABLE();
}

/// A planned statement: what `.explain` prints and the work that produces the rows.
struct Prepared {
    QString plan;
    std::function<Outcome<ResultSet>()> execute;
};

} // namespace

struct QueryEngine::Private {
    QString dbPath;
    QString connectionName;
    QSqlDatabase db;
    std::unique_ptr<store::StoreReader> reader;
    std::shared_ptr<graph::GraphCache> graphs;
    QDeadlineTimer deadline {QDeadlineTimer::Forever};
    std::chrono::milliseconds timeout {0};
    std::map<QString, std::unique_ptr<QSqlQuery>> statements;
    QString text; ///< the query being run, for positions in errors

    ~Private()
    {
        statements.clear();
        db = QSqlDatabase();
        store::closeDatabase(connectionName);
    }

    static int progress(void* self) { return static_cast<Private*>(self)->deadline.hasExpired() ? 1 : 0; }
    static void regexp(sqlite3_context* context, int argc, sqlite3_value** argv);

    QueryError positioned(const QString& code, qsizetype offset, const QString& what, const QString& hint = {}) const
    {
        QString message = QStringLiteral("%1 at %2.").arg(what, lineColumn(text, offset));
        if (!hint.isEmpty())
            message += u' ' + hint;
        return QueryError {code, message, offset, {}};
    }

    Outcome<qint64> revision() const
    {
        auto value = reader->revision();
        if (!value)
            return QueryError {value.error().code, value.error().message, -1, {}};
        return *value;
    }

    Outcome<ResolvedNode> resolve(const NodeRef& ref)
    {
        store::NodeResolver resolver(*reader);
        auto node = resolver.resolve(ref.text);
        if (node)
            return ResolvedNode {node->id, node->type, node->name, node->docstring, node->filePath};
        if (node.error().code == u"ambiguous") {
            QueryError error = positioned(QStringLiteral("ambiguous"), ref.offset,
                QStringLiteral("'%1' matches several nodes").arg(ref.text), QStringLiteral("Use one of these ids:"));
            for (const Node& candidate : resolver.candidates()) {
                error.candidates.append(candidate.id);
                error.message += u' ' + candidate.id;
            }
            return error;
        }
        if (node.error().code == u"not_found" || node.error().code == u"usage") {
            return positioned(QStringLiteral("not_found"), ref.offset,
                QStringLiteral("No node matches '%1'").arg(ref.text),
                QStringLiteral("Look for it with: SELECT id FROM nodes WHERE name ~ '%1'").arg(ref.text));
        }
        return QueryError {node.error().code, node.error().message, ref.offset, {}};
    }

    Outcome<std::shared_ptr<const graph::Graph>> graph()
    {
        if (!graphs)
            graphs = std::make_shared<graph::GraphCache>(dbPath);
        auto snapshot = graphs->refresh();
        if (!snapshot)
            return QueryError {QStringLiteral("graph"), snapshot.error().message, -1, {}};
        // Loading the first snapshot of a large project is the slow part of a graph statement;
        // the operations after it are bounded by depth and limits.
        if (deadline.hasExpired())
            return timeoutError(timeout);
        return *snapshot;
    }

    /// The node's index in `graph`; an error when the snapshot does not have it (the index changed
    /// between resolving and loading).
    Outcome<graph::NodeIndex> indexIn(const graph::Graph& graph, const QString& id) const
    {
        const graph::NodeIndex index = graph.indexOf(id);
        if (index == graph::kNoNode)
            return QueryError {QStringLiteral("graph"),
                QStringLiteral("%1 is not in the graph snapshot (revision %2): the project is being re-indexed; retry")
                    .arg(id)
                    .arg(graph.revision()),
                -1, {}};
        return index;
    }

    Outcome<ResultSet> runSql(const SqlPlan& plan)
    {
        auto& slot = statements[plan.sql];
        if (!slot) {
            // A handful of distinct statements per session; the cache only spares re-preparing.
            if (statements.size() > 64) {
                statements.clear();
                return runSql(plan);
            }
            slot = std::make_unique<QSqlQuery>(db);
            slot->setForwardOnly(true);
            if (!slot->prepare(plan.sql)) {
                const QString message = slot->lastError().text();
                statements.erase(plan.sql);
                return QueryError {QStringLiteral("sql"), QStringLiteral("cannot prepare query: ") + message, -1, {}};
            }
        }
        QSqlQuery& q = *slot;
        for (qsizetype i = 0; i < plan.parameters.size(); ++i)
            q.bindValue(int(i), plan.parameters[i]);
        ResultSet result;
        result.columns = plan.columns;
        const qsizetype columns = plan.columns.size();
        const auto failed = [&]() -> QueryError {
            const QSqlError error = q.lastError();
            q.finish();
            if (deadline.hasExpired() || error.nativeErrorCode() == QString::number(SQLITE_INTERRUPT))
                return timeoutError(timeout);
            return QueryError {QStringLiteral("sql"), error.databaseText(), -1, {}};
        };
        if (!q.exec())
            return failed();
        while (q.next()) {
            if (plan.probesTruncation && result.rows.size() == plan.limit) {
                result.truncated = true;
                break;
            }
            QJsonArray row;
            for (qsizetype c = 0; c < columns; ++c)
                row.append(jsonCell(q.value(int(c)), plan.jsonColumns.value(c)));
            result.rows.append(row);
        }
        if (q.lastError().isValid())
            return failed();
        q.finish();
        return result;
    }

    /// The ids of a closure of `id`, `id` first (see Closure); an error past kMaxClosure nodes.
    Outcome<QStringList> closureOf(Closure closure, const QString& id)
    {
        QStringList ids = {id};
        QSet<QString> seen = {id};
        QStringList frontier = ids;
        while (!frontier.isEmpty()) {
            auto rows = runSql(closureStepPlan(closure, frontier));
            if (!rows)
                return rows.error();
            frontier.clear();
            for (const QJsonArray& row : std::as_const(rows->rows)) {
                const QString next = row.at(0).toString();
                if (!seen.contains(next)) {
                    seen.insert(next);
                    frontier.append(next);
                }
            }
            ids += frontier;
            if (ids.size() > kMaxClosure)
                return QueryError {QStringLiteral("invalid"),
                    QStringLiteral("%1 %2 more than %3 nodes; name a narrower node")
                        .arg(id,
                            closure == Closure::Contained ? QStringLiteral("contains")
                                                          : QStringLiteral("is inherited by"))
                        .arg(kMaxClosure),
                    -1, {}};
        }
        return ids;
    }

    QJsonArray nodeCells(const graph::Graph& g, graph::NodeIndex node) const
    {
        return {g.id(node), toString(g.type(node)), g.name(node), nullable(g.filePath(node)), g.lineStart(node)};
    }

    Outcome<Prepared> prepare(const Query& query, const QueryOptions& options);
    Outcome<Prepared> prepareRelation(const ShowRelationStatement& show);
    Outcome<Prepared> prepareFind(const FindStatement& find, const QueryOptions& options);
    Outcome<Prepared> prepareCycles(const FindCyclesStatement& cycles);
    Outcome<Prepared> preparePath(const PathStatement& path);
    Outcome<Prepared> prepareAnalyze(const AnalyzeStatement& analyze);
    Outcome<ResultSet> coupling(const std::optional<ResolvedNode>& scope, bool cohesion);
};

/// REGEXP(pattern, text) for MATCHES: the compiled pattern is cached per statement (SQLite
/// auxdata), the subject capped at kMaxRegexSubject, the deadline checked per call.
void QueryEngine::Private::regexp(sqlite3_context* context, int argc, sqlite3_value** argv)
{
    // A long scan of regex matches is where the deadline matters most: check it on every row.
    if (static_cast<Private*>(sqlite3_user_data(context))->deadline.hasExpired()) {
        sqlite3_result_error(context, "interrupted: the query timed out", -1);
        return;
    }
    if (argc != 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    auto* regex = static_cast<QRegularExpression*>(sqlite3_get_auxdata(context, 0));
    if (!regex) {
        const auto* pattern = static_cast<const char16_t*>(sqlite3_value_text16(argv[0]));
        const int patternBytes = sqlite3_value_bytes16(argv[0]);
        auto compiled = std::make_unique<QRegularExpression>(
            QString(reinterpret_cast<const QChar*>(pattern), patternBytes / 2), QRegularExpression::DontCaptureOption);
        if (!compiled->isValid()) {
            sqlite3_result_error(context, "invalid regular expression", -1);
            return;
        }
        regex = compiled.get();
        sqlite3_set_auxdata(
            context, 0, compiled.release(), [](void* p) { delete static_cast<QRegularExpression*>(p); });
    }
    const auto* subject = static_cast<const char16_t*>(sqlite3_value_text16(argv[1]));
    const qsizetype length = std::min<qsizetype>(sqlite3_value_bytes16(argv[1]) / 2, kMaxRegexSubject);
    const QStringView text(subject, length);
    sqlite3_result_int(context, regex->match(text).hasMatch() ? 1 : 0);
}

Outcome<std::unique_ptr<QueryEngine>> QueryEngine::open(
    const QString& dbPath, Options options, std::shared_ptr<graph::GraphCache> graphs)
{
    auto d = std::make_unique<Private>();
    d->dbPath = dbPath;
    d->graphs = std::move(graphs);
    auto reader = store::StoreReader::open(dbPath);
    if (!reader)
        return QueryError {reader.error().code, reader.error().message, -1, {}};
    d->reader = std::move(*reader);
    d->connectionName = store::threadConnectionName(QStringLiteral("query"));
    auto db = store::openDatabase(dbPath, store::OpenMode::ReadOnly, d->connectionName);
    if (!db)
        return QueryError {db.error().code, db.error().message, -1, {}};
    d->db = *db;
    const QVariant handle = d->db.driver()->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return QueryError {QStringLiteral("sql"), QStringLiteral("the SQL driver is not SQLite"), -1, {}};
    sqlite3* raw = *static_cast<sqlite3* const*>(handle.constData());
    const int rc = sqlite3_create_function_v2(
        raw, "regexp", 2, SQLITE_UTF16 | SQLITE_DETERMINISTIC, d.get(), &Private::regexp, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return QueryError {QStringLiteral("sql"),
            QStringLiteral("cannot register REGEXP: ") + QString::fromUtf8(sqlite3_errstr(rc)), -1, {}};
    sqlite3_progress_handler(raw, kProgressSteps, &Private::progress, d.get());
    return std::unique_ptr<QueryEngine>(new QueryEngine(std::move(d), options));
}

QueryEngine::QueryEngine(std::unique_ptr<Private> p, Options options) : d(std::move(p)), m_options(options)
{ }

QueryEngine::~QueryEngine() = default;

Outcome<ResultSet> QueryEngine::run(const QString& muql)
{
    QElapsedTimer timer;
    timer.start();
    auto query = parse(muql);
    if (!query)
        return query.error();
    auto result = run(*query);
    if (result)
        result->executionTimeMs = double(timer.nsecsElapsed()) / 1e6;
    return result;
}

Outcome<ResultSet> QueryEngine::run(const Query& query)
{
    QElapsedTimer timer;
    timer.start();
    d->text = query.text;
    d->timeout = m_options.timeout;
    d->deadline = QDeadlineTimer(m_options.timeout);
    auto prepared = d->prepare(query, m_options);
    if (!prepared) {
        d->deadline = QDeadlineTimer(QDeadlineTimer::Forever);
        return prepared.error();
    }
    auto result = prepared->execute();
    d->deadline = QDeadlineTimer(QDeadlineTimer::Forever);
    if (!result)
        return result.error();
    result->executionTimeMs = double(timer.nsecsElapsed()) / 1e6;
    return result;
}

Outcome<QString> QueryEngine::explain(const QString& muql)
{
    auto query = parse(muql);
    if (!query)
        return query.error();
    d->text = query->text;
    auto prepared = d->prepare(*query, m_options);
    if (!prepared)
        return prepared.error();
    return prepared->plan;
}

Outcome<Prepared> QueryEngine::Private::prepare(const Query& query, const QueryOptions& options)
{
    const Statement& statement = query.statement;
    const auto sqlStatement = [this](const SqlPlan& plan) {
        return Prepared {QStringLiteral("sql: ") + plan.explain(), [this, plan]() -> Outcome<ResultSet> {
                             auto result = runSql(plan);
                             if (!result)
                                 return result;
                             auto rev = revision();
                             if (!rev)
                                 return rev.error();
                             result->revision = *rev;
                             return result;
                         }};
    };
    if (const auto* select = std::get_if<SelectStatement>(&statement))
        return sqlStatement(planSelect(*select, options.defaultSelectLimit));
    if (std::holds_alternative<ShowTablesStatement>(statement)
        || std::holds_alternative<DescribeStatement>(statement)) {
        ResultSet result;
        if (const auto* describe = std::get_if<DescribeStatement>(&statement)) {
            const TableInfo& table = tableInfo(describe->table);
            result.columns = {QStringLiteral("column"), QStringLiteral("type"), QStringLiteral("description")};
            for (const ColumnInfo& column : table.columns)
                result.rows.append(QJsonArray {column.name, column.type, column.description});
        } else {
            result.columns = {QStringLiteral("table"), QStringLiteral("short"), QStringLiteral("description")};
            for (const TableInfo& table : tables())
                result.rows.append(QJsonArray {table.name, nullable(table.shortName), table.description});
        }
        return Prepared {
            QStringLiteral("catalog: the fixed table and column list\n"), [this, result]() -> Outcome<ResultSet> {
                ResultSet copy = result;
                auto rev = revision();
                if (!rev)
                    return rev.error();
                copy.revision = *rev;
                return copy;
            }};
    }
    if (const auto* show = std::get_if<ShowRelationStatement>(&statement))
        return prepareRelation(*show);
    if (const auto* find = std::get_if<FindStatement>(&statement)) {
        if (find->filter == FindFilter::SimilarTo)
            return prepareFind(*find, options);
        QStringList ids;
        if (find->filter != FindFilter::WithDecorator && find->filter != FindFilter::Matching) {
            auto resolved = resolve(find->node);
            if (!resolved)
                return resolved.error();
            switch (find->filter) {
            case FindFilter::Calling:
            case FindFilter::CalledBy: {
                auto closure = closureOf(Closure::Contained, resolved->id);
                if (!closure)
                    return closure.error();
                ids = *closure;
                break;
            }
            case FindFilter::Inheriting:
            case FindFilter::Implementing: {
                auto closure = closureOf(Closure::Inheriting, resolved->id);
                if (!closure)
                    return closure.error();
                ids = *closure;
                ids.removeAll(resolved->id);
                break;
            }
            default:
                ids = {moduleOf(*resolved)};
                break;
            }
        }
        return sqlStatement(planFind(*find, ids, options.defaultFindLimit));
    }
    if (const auto* cycles = std::get_if<FindCyclesStatement>(&statement))
        return prepareCycles(*cycles);
    if (const auto* path = std::get_if<PathStatement>(&statement))
        return preparePath(*path);
    const auto& analyze = std::get<AnalyzeStatement>(statement);
    if (analyze.analysis == Analysis::Complexity || analyze.analysis == Analysis::Hotspots
        || analyze.analysis == Analysis::Unused) {
        std::optional<QStringList> scope;
        if (analyze.scope) {
            auto resolved = resolve(*analyze.scope);
            if (!resolved)
                return resolved.error();
            auto closure = closureOf(Closure::Contained, resolved->id);
            if (!closure)
                return closure.error();
            scope = *closure;
        }
        return sqlStatement(planAnalysis(analyze.analysis, scope, kAnalysisLimit));
    }
    return prepareAnalyze(analyze);
}

Outcome<Prepared> QueryEngine::Private::prepareRelation(const ShowRelationStatement& show)
{
    auto resolved = resolve(show.node);
    if (!resolved)
        return resolved.error();
    RelationSpec spec = relationSpec(show.relation);
    QString startId = resolved->id;
    if (show.relation == Relation::Imports || show.relation == Relation::Importers)
        startId = moduleOf(*resolved);
    const int depth = show.depth.value_or(spec.defaultDepth);
    const QString plan = QStringLiteral("graph: breadth-first from %1, %2 edges of %3, depth ≤ %4, at most %5 nodes\n")
                             .arg(startId, graph::toString(spec.direction), typeNames(spec.types))
                             .arg(depth)
                             .arg(kMaxLimit);
    return Prepared {plan, [this, spec, startId, depth]() -> Outcome<ResultSet> {
                         auto g = graph();
                         if (!g)
                             return g.error();
                         const graph::Graph& snapshot = **g;
                         auto start = indexIn(snapshot, startId);
                         if (!start)
                             return start.error();
                         graph::TraversalOptions options;
                         options.direction = spec.direction;
                         options.edgeTypes = spec.types;
                         options.maxDepth = depth;
                         options.limit = kMaxLimit;
                         const graph::Traversal traversal = graph::reach(snapshot, *start, options);
                         ResultSet result;
                         result.columns = {QStringLiteral("id"), QStringLiteral("type"), QStringLiteral("name"),
                             QStringLiteral("file_path"), QStringLiteral("line_start"), QStringLiteral("depth"),
                             QStringLiteral("edge_type"), QStringLiteral("via")};
                         for (const graph::Reached& reached : traversal.nodes) {
                             QJsonArray row = nodeCells(snapshot, reached.node);
                             row.append(reached.depth);
                             row.append(toString(reached.edgeType));
                             row.append(snapshot.id(reached.via));
                             result.rows.append(row);
                         }
                         result.truncated = traversal.truncated;
                         result.revision = snapshot.revision();
                         result.tree = {ResultSet::Tree::Shape::Parented, 0, 6, 7, startId};
                         return result;
                     }};
}

Outcome<Prepared> QueryEngine::Private::prepareFind(const FindStatement& find, const QueryOptions& options)
{
    auto resolved = resolve(find.node);
    if (!resolved)
        return resolved.error();
    const ResolvedNode node = *resolved;
    const int limit = find.limit.value_or(options.defaultFindLimit);
    const bool explicitLimit = find.limit.has_value();
    const FindSubject subject = find.subject;
    const NodeType type = subject == FindSubject::Classes ? NodeType::Class
        : subject == FindSubject::Modules                 ? NodeType::Module
                                                          : NodeType::Function;
    const QString words = node.name + u' ' + node.docstring;
    const QString plan = QStringLiteral("fts: BM25 search of nodes_fts for the words of %1's name and docstring "
                                        "(%2), type %3, %1 left out, at most %4\n")
                             .arg(node.id, words.trimmed(), toString(type))
                             .arg(limit);
    return Prepared {plan, [this, node, words, type, subject, limit, explicitLimit]() -> Outcome<ResultSet> {
                         // Methods are a subset of functions: ask for more, keep the methods.
                         const int wanted = subject == FindSubject::Methods ? limit * 4 + 1 : limit + 2;
                         auto hits = reader->search(words, type, wanted);
                         if (!hits)
                             return QueryError {hits.error().code, hits.error().message, -1, {}};
                         ResultSet result;
                         result.columns = {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("kind"),
                             QStringLiteral("file_path"), QStringLiteral("line_start")};
                         for (const store::SearchHit& hit : std::as_const(*hits)) {
                             const Node& n = hit.node;
                             if (n.id == node.id)
                                 continue;
                             if (subject == FindSubject::Methods && n.kind != u"method" && n.kind != u"constructor"
                                 && n.kind != u"property")
                                 continue;
                             if (result.rows.size() == limit) {
                                 result.truncated = !explicitLimit;
                                 break;
                             }
                             result.rows.append(QJsonArray {n.id, n.name, n.kind, nullable(n.filePath), n.lineStart});
                         }
                         auto rev = revision();
                         if (!rev)
                             return rev.error();
                         result.revision = *rev;
                         return result;
                     }};
}

namespace {

ResultSet cycleRows(const graph::Graph& g, const QList<QList<graph::NodeIndex>>& components)
{
    ResultSet result;
    result.columns = {QStringLiteral("cycle"), QStringLiteral("size"), QStringLiteral("nodes")};
    int number = 0;
    for (const QList<graph::NodeIndex>& component : components) {
        QJsonArray ids;
        for (graph::NodeIndex node : component)
            ids.append(g.id(node));
        result.rows.append(QJsonArray {++number, component.size(), ids});
    }
    result.revision = g.revision();
    result.tree.root = QStringLiteral("cycles");
    return result;
}

} // namespace

Outcome<Prepared> QueryEngine::Private::prepareCycles(const FindCyclesStatement& statement)
{
    graph::EdgeTypeSet types;
    for (EdgeType type : statement.edgeTypes)
        types = types.with(type);
    if (types.isEmpty())
        types = graph::EdgeTypeSet::allButContains();
    const QString plan
        = QStringLiteral("graph: strongly connected components (size > 1) over %1 edges, largest first\n")
              .arg(typeNames(types));
    return Prepared {plan, [this, types]() -> Outcome<ResultSet> {
                         auto g = graph();
                         if (!g)
                             return g.error();
                         const graph::Cycles found = graph::cycles(**g, types, kMaxLimit);
                         ResultSet result = cycleRows(**g, found.components);
                         result.truncated = found.truncated;
                         return result;
                     }};
}

Outcome<Prepared> QueryEngine::Private::preparePath(const PathStatement& path)
{
    auto from = resolve(path.from);
    if (!from)
        return from.error();
    auto to = resolve(path.to);
    if (!to)
        return to.error();
    graph::PathOptions options;
    if (path.via)
        options.edgeTypes = graph::EdgeTypeSet::of({*path.via});
    options.maxDepth = path.maxDepth.value_or(kMaxDepth);
    const QString fromId = from->id;
    const QString toId = to->id;
    const QString plan
        = QStringLiteral("graph: shortest path from %1 to %2 along outgoing edges of %3, at most %4 hops\n")
              .arg(fromId, toId, typeNames(options.edgeTypes))
              .arg(options.maxDepth);
    return Prepared {plan, [this, options, fromId, toId]() -> Outcome<ResultSet> {
                         auto g = graph();
                         if (!g)
                             return g.error();
                         const graph::Graph& snapshot = **g;
                         auto a = indexIn(snapshot, fromId);
                         if (!a)
                             return a.error();
                         auto b = indexIn(snapshot, toId);
                         if (!b)
                             return b.error();
                         ResultSet result;
                         result.columns = {QStringLiteral("step"), QStringLiteral("id"), QStringLiteral("edge_type"),
                             QStringLiteral("type"), QStringLiteral("name"), QStringLiteral("file_path"),
                             QStringLiteral("line_start")};
                         const auto found = graph::shortestPath(snapshot, *a, *b, options);
                         if (found) {
                             int step = 0;
                             for (const graph::Hop& hop : *found) {
                                 result.rows.append(QJsonArray {step++, snapshot.id(hop.node),
                                     hop.edgeType ? QJsonValue(toString(*hop.edgeType)) : QJsonValue(QJsonValue::Null),
                                     toString(snapshot.type(hop.node)), snapshot.name(hop.node),
                                     nullable(snapshot.filePath(hop.node)), snapshot.lineStart(hop.node)});
                             }
                         }
                         result.revision = snapshot.revision();
                         result.tree = {ResultSet::Tree::Shape::Chain, 1, 2, -1, {}};
                         return result;
                     }};
}

Outcome<Prepared> QueryEngine::Private::prepareAnalyze(const AnalyzeStatement& analyze)
{
    std::optional<ResolvedNode> scope;
    if (analyze.scope) {
        auto resolved = resolve(*analyze.scope);
        if (!resolved)
            return resolved.error();
        scope = *resolved;
    }
    const QString scopeText = scope ? QStringLiteral(", limited to %1").arg(moduleOf(*scope)) : QString();
    switch (analyze.analysis) {
    case Analysis::Coupling:
    case Analysis::Cohesion: {
        const bool cohesion = analyze.analysis == Analysis::Cohesion;
        const QString plan = cohesion
            ? QStringLiteral("graph: per module, edges (all types but contains) inside the file vs crossing it%1\n")
                  .arg(scopeText)
            : QStringLiteral("graph: per module, distinct project files with edges in (Ca) and out (Ce), all types but "
                             "contains%1\n")
                  .arg(scopeText);
        return Prepared {plan, [this, scope, cohesion]() { return coupling(scope, cohesion); }};
    }
    case Analysis::Circular: {
        const QString plan
            = QStringLiteral("graph: strongly connected components (size > 1) of modules over {imports}%1\n")
                  .arg(scopeText);
        return Prepared {plan, [this, scope]() -> Outcome<ResultSet> {
                             auto g = graph();
                             if (!g)
                                 return g.error();
                             const graph::Graph& snapshot = **g;
                             const graph::Cycles found
                                 = graph::cycles(snapshot, graph::EdgeTypeSet::of({EdgeType::Imports}), kAnalysisLimit);
                             QList<QList<graph::NodeIndex>> kept;
                             const graph::NodeIndex module
                                 = scope ? snapshot.indexOf(moduleOf(*scope)) : graph::kNoNode;
                             for (const QList<graph::NodeIndex>& component : found.components) {
                                 if (!scope || component.contains(module))
                                     kept.append(component);
                             }
                             ResultSet result = cycleRows(snapshot, kept);
                             result.truncated = found.truncated;
                             return result;
                         }};
    }
    case Analysis::Impact: {
        const ResolvedNode node = *scope;
        const QString plan
            = QStringLiteral("graph: everything with a path to %1 over incoming edges of %2, depth ≤ %3, "
                             "grouped by file\n")
                  .arg(node.id, typeNames(graph::EdgeTypeSet::allButContains()))
                  .arg(kMaxDepth);
        return Prepared {plan, [this, node]() -> Outcome<ResultSet> {
                             auto g = graph();
                             if (!g)
                                 return g.error();
                             const graph::Graph& snapshot = **g;
                             auto start = indexIn(snapshot, node.id);
                             if (!start)
                                 return start.error();
                             const graph::Traversal traversal = graph::impact(snapshot, *start);
                             struct FileImpact {
                                 int nodes = 0;
                                 int nearest = 0;
                             };
                             std::map<QString, FileImpact> files;
                             for (const graph::Reached& reached : traversal.nodes) {
                                 const QString& path = snapshot.filePath(reached.node);
                                 if (path.isEmpty())
                                     continue;
                                 FileImpact& impact = files[path];
                                 impact.nearest
                                     = impact.nodes == 0 ? reached.depth : std::min(impact.nearest, reached.depth);
                                 ++impact.nodes;
                             }
                             std::vector<std::pair<QString, FileImpact>> rows(files.begin(), files.end());
                             std::stable_sort(rows.begin(), rows.end(),
                                 [](const auto& a, const auto& b) { return a.second.nearest < b.second.nearest; });
                             ResultSet result;
                             result.columns = {
                                 QStringLiteral("file_path"), QStringLiteral("nodes"), QStringLiteral("nearest_depth")};
                             for (const auto& [path, impact] : rows)
                                 result.rows.append(QJsonArray {path, impact.nodes, impact.nearest});
                             result.truncated = traversal.truncated;
                             result.revision = snapshot.revision();
                             return result;
                         }};
    }
    case Analysis::Complexity:
    case Analysis::Hotspots:
    case Analysis::Unused:
        break;
    }
    Q_UNREACHABLE();
}

Outcome<ResultSet> QueryEngine::Private::coupling(const std::optional<ResolvedNode>& scope, bool cohesion)
{
    auto g = graph();
    if (!g)
        return g.error();
    const graph::Graph& snapshot = **g;
    const auto fileCount = std::int32_t(snapshot.files().size());
    std::int32_t onlyFile = -1;
    if (scope) {
        const graph::NodeIndex module = snapshot.indexOf(moduleOf(*scope));
        onlyFile = module == graph::kNoNode ? -2 : snapshot.fileOf(module);
    }
    // Per file: the other files it has edges into (Ce) and that have edges into it (Ca), or its
    // inside and crossing edge counts. One pass over the outgoing adjacency lists.
    const auto fileSlots = size_t(fileCount);
    std::vector<std::vector<std::int32_t>> efferent(fileSlots);
    std::vector<std::vector<std::int32_t>> afferent(fileSlots);
    std::vector<int> inside(fileSlots);
    std::vector<int> crossing(fileSlots);
    for (graph::NodeIndex node = 0; node < snapshot.nodeCount(); ++node) {
        if ((node & 1023) == 0 && deadline.hasExpired())
            return timeoutError(timeout);
        const std::int32_t from = snapshot.fileOf(node);
        for (const graph::Adjacent& edge : snapshot.outgoing(node)) {
            if (edge.type == EdgeType::Contains)
                continue;
            const std::int32_t to = snapshot.fileOf(edge.node);
            if (cohesion) {
                if (from >= 0 && from == to) {
                    ++inside[size_t(from)];
                } else {
                    if (from >= 0)
                        ++crossing[size_t(from)];
                    if (to >= 0)
                        ++crossing[size_t(to)];
                }
            } else if (from >= 0 && to >= 0 && from != to) {
                efferent[size_t(from)].push_back(to);
                afferent[size_t(to)].push_back(from);
            }
        }
    }
    ResultSet result;
    struct Row {
        std::int32_t file;
        double key;
        QJsonArray cells;
    };
    std::vector<Row> rows;
    const auto distinct = [](std::vector<std::int32_t>& files) {
        std::sort(files.begin(), files.end());
        return int(std::unique(files.begin(), files.end()) - files.begin());
    };
    for (std::int32_t file = 0; file < fileCount; ++file) {
        if (onlyFile != -1 && file != onlyFile)
            continue;
        const QString& path = snapshot.files()[size_t(file)];
        const QString module = nodeid::module(path);
        if (cohesion) {
            const int total = inside[size_t(file)] + crossing[size_t(file)];
            if (total == 0)
                continue;
            const double ratio = double(inside[size_t(file)]) / double(total);
            rows.push_back({file, ratio,
                {module, path, inside[size_t(file)], crossing[size_t(file)], std::round(ratio * 1000.0) / 1000.0}});
        } else {
            const int ca = distinct(afferent[size_t(file)]);
            const int ce = distinct(efferent[size_t(file)]);
            if (ca + ce == 0)
                continue;
            const double instability = double(ce) / double(ca + ce);
            rows.push_back({file, -double(ca + ce), {module, path, ca, ce, std::round(instability * 1000.0) / 1000.0}});
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.key < b.key; });
    result.columns = cohesion
        ? QStringList {QStringLiteral("module"), QStringLiteral("file_path"), QStringLiteral("internal"),
            QStringLiteral("crossing"), QStringLiteral("cohesion")}
        : QStringList {QStringLiteral("module"), QStringLiteral("file_path"), QStringLiteral("afferent"),
            QStringLiteral("efferent"), QStringLiteral("instability")};
    for (const Row& row : rows) {
        if (result.rows.size() == kAnalysisLimit) {
            result.truncated = true;
            break;
        }
        result.rows.append(row.cells);
    }
    result.revision = snapshot.revision();
    return result;
}

} // namespace mu::query
