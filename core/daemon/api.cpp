#include "daemon/api.h"

#include "context/contextengine.h"
#include "contracts/contractsloader.h"
#include "contracts/evaluator.h"
#include "contracts/report.h"
#include "export/exporter.h"
#include "graph/graph.h"
#include "graph/graphjson.h"
#include "query/queryengine.h"
#include "server/http.h"
#include "server/httpserver.h"
#include "store/json.h"
#include "store/noderesolver.h"
#include "store/storereader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <mutex>
#include <vector>

namespace mu::daemon {

namespace {

using server::HttpRequest;
using server::HttpResponse;

/// Longest a POST /index {"wait": true} blocks its pool thread.
constexpr int kIndexWaitMs = 30 * 60 * 1000;

/// The project a request is about: the daemon's own, or (with `cwd`) another indexed project,
/// read-only.
struct Project {
    QString root;
    QString dbPath;
    std::shared_ptr<graph::GraphCache> graphs;
    bool own = true;
};

/// Read connections of one pool thread, per database: QtSql connections belong to the thread
/// that opened them, so each worker keeps its own, closed when the thread ends.
struct Connections {
    QHash<QString, std::shared_ptr<store::StoreReader>> readers;
    QHash<QString, std::shared_ptr<query::QueryEngine>> engines;
};
class ThreadConnections {
public:
    ~ThreadConnections()
    {
        if (QCoreApplication::instance()) {
            delete m_connections;
            return;
        }
        // A pool thread ending after main() returned: QtSql's connection registry may already be
        // destroyed, and closing would touch it. The process is exiting; keep them reachable.
        static std::mutex s_mutex;
        static auto* s_kept = new std::vector<Connections*>();
        const std::lock_guard lock(s_mutex);
        s_kept->push_back(m_connections);
    }
    Connections* operator->() { return m_connections; }

private:
    Connections* m_connections = new Connections();
};
thread_local ThreadConnections t_connections;

/// A request's failure, already shaped as the HTTP answer.
struct Failure {
    HttpResponse response;
};
template<typename T> using Answer = std::variant<T, Failure>;

HttpResponse errorResponse(int status, const QString& code, const QString& message, qint64 revision)
{
    QJsonObject error {{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    return HttpResponse::json({{QStringLiteral("error"), error}, {QStringLiteral("revision"), revision}}, status);
}

/// The HTTP status of an engine error code.
int statusOf(const QString& code)
{
    if (code == u"not_found" || code == u"no_path")
        return 404;
    if (code == u"ambiguous")
        return 409;
    if (code == u"usage" || code == u"bad_request" || code == u"bad_json")
        return 400;
    if (code == u"syntax" || code == u"unknown_table" || code == u"unknown_column" || code == u"invalid"
        || code == u"config")
        return 422;
    if (code == u"timeout")
        return 503;
    return 500;
}

class Api {
public:
    explicit Api(std::shared_ptr<const ApiContext> context) : m_context(std::move(context)) { }

    /// The routes share the Api: it lives as long as the server keeps any of them.
    static void install(const std::shared_ptr<const Api>& api, server::HttpServer& server)
    {
        using server::Execution;
        server.route(
            "GET", QStringLiteral("/health"),
            [](const HttpRequest&) {
                return HttpResponse::json({{QStringLiteral("ok"), true}});
            },
            Execution::Inline, true);
        const auto pool = [&](const QByteArray& method, const QString& pattern, auto member) {
            server.route(
                method, pattern, [api, member](const HttpRequest& request) { return (api.get()->*member)(request); });
        };
        pool("GET", QStringLiteral("/status"), &Api::status);
        pool("GET", QStringLiteral("/nodes/{id*}"), &Api::node);
        pool("GET", QStringLiteral("/nodes/{id*}/neighbors"), &Api::neighbors);
        pool("GET", QStringLiteral("/nodes/{id*}/source"), &Api::source);
        pool("GET", QStringLiteral("/search"), &Api::search);
        pool("POST", QStringLiteral("/query"), &Api::query);
        pool("POST", QStringLiteral("/context"), &Api::context);
        pool("POST", QStringLiteral("/impact"), &Api::impact);
        pool("POST", QStringLiteral("/ancestors"), &Api::ancestors);
        pool("POST", QStringLiteral("/cycles"), &Api::cycles);
        pool("POST", QStringLiteral("/path"), &Api::path);
        pool("GET", QStringLiteral("/export"), &Api::exportGraph);
        pool("POST", QStringLiteral("/contracts/verify"), &Api::verifyContracts);
        pool("POST", QStringLiteral("/index"), &Api::index);
        pool("POST", QStringLiteral("/shutdown"), &Api::shutdown);
        pool("GET", QStringLiteral("/metrics"), &Api::metrics);
    }

private:
    // Plumbing ---------------------------------------------------------------------------------

    qint64 ownRevision() const
    {
        const auto graph = m_context->graphs->current();
        return graph ? graph->revision() : 0;
    }

    Failure fail(int status, const QString& code, const QString& message) const
    {
        return {errorResponse(status, code, message, ownRevision())};
    }
    Failure fail(const Error& error) const { return fail(statusOf(error.code), error.code, error.message); }

    /// The request's JSON body; an empty body is an empty object.
    Answer<QJsonObject> body(const HttpRequest& request) const
    {
        if (request.body.trimmed().isEmpty())
            return QJsonObject();
        auto parsed = server::parseJsonBody(request);
        if (!parsed)
            return fail(400, QStringLiteral("bad_json"), parsed.error().message);
        return *parsed;
    }

    /// The project of a request: `cwd` from the query or the body, else the daemon's own.
    Answer<Project> project(const HttpRequest& request, const QJsonObject& body = {}) const
    {
        QString cwd = request.queryValue(QStringLiteral("cwd"));
        if (cwd.isEmpty())
            cwd = body.value(QStringLiteral("cwd")).toString();
        if (cwd.isEmpty())
            return Project {m_context->projectRoot, m_context->dbPath, m_context->graphs, true};
        if (QDir::isRelativePath(cwd))
            return fail(
                400, QStringLiteral("bad_request"), QStringLiteral("cwd must be an absolute path: %1").arg(cwd));
        QDir dir(QDir::cleanPath(cwd));
        while (true) {
            const QString candidate = dir.filePath(QStringLiteral(".mu/mubase"));
            if (QFileInfo(candidate).isFile()) {
                const QString root = QFileInfo(dir.absolutePath()).canonicalFilePath();
                if (root == m_context->projectRoot)
                    return Project {m_context->projectRoot, m_context->dbPath, m_context->graphs, true};
                return Project {root, candidate, foreignGraphs(candidate), false};
            }
            if (!dir.cdUp())
                break;
        }
        return fail(404, QStringLiteral("not_found"),
            QStringLiteral("no MU project (.mu/mubase) at or above %1").arg(QDir::cleanPath(cwd)));
    }

    std::shared_ptr<graph::GraphCache> foreignGraphs(const QString& dbPath) const
    {
        const std::lock_guard lock(m_foreignMutex);
        auto& cache = m_foreign[dbPath];
        if (!cache)
            cache = std::make_shared<graph::GraphCache>(dbPath);
        return cache;
    }

    Answer<store::StoreReader*> reader(const Project& project) const
    {
        auto& slot = t_connections->readers[project.dbPath];
        if (!slot) {
            auto opened = store::StoreReader::open(project.dbPath);
            if (!opened)
                return fail(opened.error());
            slot = std::move(*opened);
        }
        return slot.get();
    }

    /// The project's graph snapshot; another project's is brought up to date first (the daemon's
    /// own is refreshed by its writer after every commit).
    Answer<std::shared_ptr<const graph::Graph>> graph(const Project& project) const
    {
        auto current = project.graphs->current();
        if (!current || !project.own) {
            auto refreshed = project.graphs->refresh();
            if (!refreshed)
                return fail(refreshed.error());
            current = *refreshed;
        }
        return current;
    }

    /// A node of the request resolved as SPEC §2 says (exact id first), as an index of `graph`.
    Answer<graph::NodeIndex> resolve(const Project& project, const graph::Graph& graph, const QString& text) const
    {
        if (text.isEmpty())
            return fail(400, QStringLiteral("bad_request"), QStringLiteral("a node id is required"));
        if (const graph::NodeIndex exact = graph.indexOf(text); exact != graph::kNoNode)
            return exact;
        auto store = reader(project);
        if (auto* failure = std::get_if<Failure>(&store))
            return *failure;
        store::NodeResolver resolver(*std::get<store::StoreReader*>(store));
        auto node = resolver.resolve(text);
        if (!node) {
            QJsonObject error {
                {QStringLiteral("code"), node.error().code}, {QStringLiteral("message"), node.error().message}};
            if (!resolver.candidates().isEmpty()) {
                QJsonArray candidates;
                for (const Node& candidate : resolver.candidates())
                    candidates.append(candidate.id);
                error.insert(QStringLiteral("candidates"), candidates);
            }
            return Failure {
                HttpResponse::json({{QStringLiteral("error"), error}, {QStringLiteral("revision"), graph.revision()}},
                    statusOf(node.error().code))};
        }
        const graph::NodeIndex index = graph.indexOf(node->id);
        if (index == graph::kNoNode)
            return fail(404, QStringLiteral("not_found"), QStringLiteral("node %1 is not in the graph").arg(node->id));
        return index;
    }

    Answer<graph::EdgeTypeSet> edgeTypes(const QJsonValue& value, graph::EdgeTypeSet fallback) const
    {
        if (value.isUndefined() || value.isNull())
            return fallback;
        QStringList names;
        if (value.isString()) {
            names = value.toString().split(u',', Qt::SkipEmptyParts);
        } else if (value.isArray()) {
            for (const QJsonValue& name : value.toArray())
                names.append(name.toString());
        } else {
            return fail(400, QStringLiteral("bad_request"), QStringLiteral("edge_types must be a list of edge types"));
        }
        auto types = graph::EdgeTypeSet::parse(names);
        if (!types)
            return fail(400, QStringLiteral("bad_request"), types.error().message);
        return *types;
    }

    Answer<int> integer(const QJsonValue& value, int fallback, int min, int max, const QString& name) const
    {
        if (value.isUndefined() || value.isNull())
            return fallback;
        const double number = value.isString() ? value.toString().toDouble() : value.toDouble(-1e300);
        if (number != double(qint64(number)) || number < min || number > max)
            return fail(400, QStringLiteral("bad_request"),
                QStringLiteral("%1 must be a whole number from %2 to %3").arg(name).arg(min).arg(max));
        return int(number);
    }

    static qint64 revisionOf(const store::StoreReader& store)
    {
        const auto revision = store.revision();
        return revision ? *revision : 0;
    }

    static HttpResponse withRevision(QJsonObject object, qint64 revision)
    {
        if (!object.contains(QStringLiteral("revision")))
            object.insert(QStringLiteral("revision"), revision);
        return HttpResponse::json(object);
    }

// Unwraps an Answer<T> into `name`, or returns its failure from the handler.
#define MU_TRY(name, expression)                                                                                       \
    auto name##Answer = (expression);                                                                                  \
    if (auto* name##Failure = std::get_if<Failure>(&name##Answer))                                                     \
        return name##Failure->response;                                                                                \
    auto name = std::move(std::get<0>(name##Answer))

    // Routes -----------------------------------------------------------------------------------

    HttpResponse status(const HttpRequest& request) const
    {
        MU_TRY(target, project(request));
        if (target.own)
            return withRevision(m_context->status(), ownRevision());
        MU_TRY(store, reader(target));
        auto stats = store->stats();
        if (!stats)
            return fail(stats.error()).response;
        return HttpResponse::json(
            {{QStringLiteral("status"), QStringLiteral("ok")}, {QStringLiteral("project"), target.root},
                {QStringLiteral("mubase"), target.dbPath}, {QStringLiteral("revision"), stats->revision},
                {QStringLiteral("stats"), store::json::stats(*stats)}, {QStringLiteral("read_only"), true}});
    }

    HttpResponse node(const HttpRequest& request) const
    {
        MU_TRY(target, project(request));
        MU_TRY(store, reader(target));
        auto node = store->node(request.arg(QStringLiteral("id")));
        if (!node)
            return fail(node.error()).response;
        const qint64 revision = revisionOf(*store);
        if (!*node)
            return errorResponse(404, QStringLiteral("not_found"),
                QStringLiteral("no node with id '%1'").arg(request.arg(QStringLiteral("id"))), revision);
        QJsonObject object = store::json::node(**node);
        object.insert(QStringLiteral("revision"), revision);
        return HttpResponse::json(object);
    }

    HttpResponse neighbors(const HttpRequest& request) const
    {
        MU_TRY(target, project(request));
        MU_TRY(snapshot, graph(target));
        const QString id = request.arg(QStringLiteral("id"));
        const graph::NodeIndex index = snapshot->indexOf(id);
        if (index == graph::kNoNode)
            return errorResponse(
                404, QStringLiteral("not_found"), QStringLiteral("no node with id '%1'").arg(id), snapshot->revision());
        const QString directionText = request.queryValue(QStringLiteral("direction"));
        graph::Direction direction = graph::Direction::Both;
        if (directionText == u"outgoing")
            direction = graph::Direction::Outgoing;
        else if (directionText == u"incoming")
            direction = graph::Direction::Incoming;
        else if (!directionText.isEmpty() && directionText != u"both")
            return fail(400, QStringLiteral("bad_request"),
                QStringLiteral("direction must be both, outgoing or incoming, not '%1'").arg(directionText))
                .response;
        const QString typeText = request.queryValue(QStringLiteral("edge_type"));
        MU_TRY(types, edgeTypes(typeText.isEmpty() ? QJsonValue() : QJsonValue(typeText), graph::EdgeTypeSet::all()));
        const auto list = graph::neighbours(*snapshot, index, direction, types);
        return HttpResponse::json(graph::json::neighbours(*snapshot, index, direction, types, list));
    }

    HttpResponse source(const HttpRequest& request) const
    {
        MU_TRY(target, project(request));
        MU_TRY(store, reader(target));
        const qint64 revision = revisionOf(*store);
        auto node = store->node(request.arg(QStringLiteral("id")));
        if (!node)
            return fail(node.error()).response;
        if (!*node)
            return errorResponse(404, QStringLiteral("not_found"),
                QStringLiteral("no node with id '%1'").arg(request.arg(QStringLiteral("id"))), revision);
        if ((*node)->filePath.isEmpty())
            return errorResponse(404, QStringLiteral("not_found"),
                QStringLiteral("%1 is external: it has no source in the project").arg((*node)->id), revision);
        // The path comes from the store, but a file is only ever read inside the project.
        const QString root = QDir(target.root).canonicalPath();
        const QString path = QFileInfo(QDir(root).filePath((*node)->filePath)).canonicalFilePath();
        if (path.isEmpty() || !path.startsWith(root + u'/'))
            return errorResponse(404, QStringLiteral("not_found"),
                QStringLiteral("%1 is not readable in the project").arg((*node)->filePath), revision);
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return errorResponse(404, QStringLiteral("not_found"),
                QStringLiteral("cannot read %1: %2").arg((*node)->filePath, file.errorString()), revision);
        const int first = qMax(1, (*node)->lineStart);
        const int last = qMax(first, (*node)->lineEnd);
        QByteArray text;
        for (int line = 1; line <= last && !file.atEnd(); ++line) {
            const QByteArray bytes = file.readLine();
            if (line >= first)
                text += bytes;
        }
        return HttpResponse::json(
            {{QStringLiteral("node_id"), (*node)->id}, {QStringLiteral("file_path"), (*node)->filePath},
                {QStringLiteral("line_start"), first}, {QStringLiteral("line_end"), last},
                {QStringLiteral("text"), QString::fromUtf8(text)}, {QStringLiteral("revision"), revision}});
    }

    HttpResponse search(const HttpRequest& request) const
    {
        MU_TRY(target, project(request));
        MU_TRY(store, reader(target));
        const QString text = request.queryValue(QStringLiteral("q"));
        if (text.trimmed().isEmpty())
            return fail(400, QStringLiteral("bad_request"), QStringLiteral("search needs q=TEXT")).response;
        std::optional<NodeType> type;
        if (const QString typeText = request.queryValue(QStringLiteral("type")); !typeText.isEmpty()) {
            type = nodeTypeFromString(typeText);
            if (!type)
                return fail(400, QStringLiteral("bad_request"),
                    QStringLiteral("unknown node type '%1' (module, class, function or external)").arg(typeText))
                    .response;
        }
        const QString limitText = request.queryValue(QStringLiteral("limit"));
        MU_TRY(limit,
            integer(limitText.isEmpty() ? QJsonValue() : QJsonValue(limitText), 20, 1, 1000, QStringLiteral("limit")));
        auto hits = store->search(text, type, limit);
        if (!hits)
            return fail(hits.error()).response;
        QJsonArray results;
        for (const store::SearchHit& hit : std::as_const(*hits)) {
            QJsonObject object = store::json::node(hit.node);
            object.insert(QStringLiteral("score"), hit.score);
            results.append(object);
        }
        return HttpResponse::json({{QStringLiteral("query"), text}, {QStringLiteral("results"), results},
            {QStringLiteral("count"), results.size()}, {QStringLiteral("revision"), revisionOf(*store)}});
    }

    HttpResponse query(const HttpRequest& request) const
    {
        MU_TRY(json, body(request));
        MU_TRY(target, project(request, json));
        const QString muql = json.value(QStringLiteral("muql")).toString();
        if (muql.trimmed().isEmpty())
            return fail(400, QStringLiteral("bad_request"), QStringLiteral("the body needs {\"muql\": \"…\"}"))
                .response;
        auto& engine = t_connections->engines[target.dbPath];
        if (!engine) {
            auto opened = query::QueryEngine::open(target.dbPath, {}, target.graphs);
            if (!opened)
                return queryError(opened.error());
            engine = std::move(opened.value());
        }
        auto result = engine->run(muql);
        if (!result)
            return queryError(result.error());
        return withRevision(result.value().toJson(), ownRevision());
    }

    HttpResponse queryError(const query::QueryError& error) const
    {
        QJsonObject object = error.toJson();
        object.insert(QStringLiteral("revision"), ownRevision());
        return HttpResponse::json(object, statusOf(error.code));
    }

    HttpResponse context(const HttpRequest& request) const
    {
        MU_TRY(json, body(request));
        MU_TRY(target, project(request, json));
        context::ContextRequest ask;
        ask.question = json.value(QStringLiteral("question")).toString();
        if (ask.question.trimmed().isEmpty())
            return fail(400, QStringLiteral("bad_request"), QStringLiteral("the body needs {\"question\": \"…\"}"))
                .response;
        MU_TRY(budget,
            integer(json.value(QStringLiteral("max_tokens")), 4000, context::kMinTokens, context::kMaxTokens,
                QStringLiteral("max_tokens")));
        ask.maxTokens = budget;
        if (const QJsonValue exclude = json.value(QStringLiteral("exclude_tests")); exclude.isBool())
            ask.excludeTests = exclude.toBool();
        if (const QString encoding = json.value(QStringLiteral("encoding")).toString(); !encoding.isEmpty()) {
            const auto parsed = context::encodingFromName(encoding);
            if (!parsed)
                return fail(400, QStringLiteral("bad_request"),
                    QStringLiteral("unknown encoding '%1' (cl100k_base or o200k_base)").arg(encoding))
                    .response;
            ask.encoding = *parsed;
        }
        ask.text.source = QFileInfo(target.root).fileName();
        MU_TRY(store, reader(target));
        MU_TRY(snapshot, graph(target));
        const context::ContextEngine engine(*store, snapshot);
        auto answer = engine.answer(ask);
        if (!answer)
            return fail(answer.error()).response;
        return HttpResponse::json(context::toJson(*answer));
    }

    HttpResponse traverse(const HttpRequest& request, bool downstream) const
    {
        MU_TRY(json, body(request));
        MU_TRY(target, project(request, json));
        MU_TRY(snapshot, graph(target));
        MU_TRY(start, resolve(target, *snapshot, json.value(QStringLiteral("node_id")).toString()));
        MU_TRY(types, edgeTypes(json.value(QStringLiteral("edge_types")), graph::EdgeTypeSet::allButContains()));
        MU_TRY(depth,
            integer(
                json.value(QStringLiteral("depth")), graph::kMaxDepth, 1, graph::kMaxDepth, QStringLiteral("depth")));
        MU_TRY(limit,
            integer(
                json.value(QStringLiteral("limit")), graph::kDefaultResultLimit, 1, 100000, QStringLiteral("limit")));
        const graph::Traversal found = downstream ? graph::impact(*snapshot, start, types, depth, limit)
                                                  : graph::ancestors(*snapshot, start, types, depth, limit);
        return HttpResponse::json(graph::json::traversal(*snapshot, start, found,
            downstream ? graph::Direction::Incoming : graph::Direction::Outgoing, types, depth));
    }
    HttpResponse impact(const HttpRequest& request) const
    {
        return traverse(request, true);
    }
    HttpResponse ancestors(const HttpRequest& request) const
    {
        return traverse(request, false);
    }

    HttpResponse cycles(const HttpRequest& request) const
    {
        MU_TRY(json, body(request));
        MU_TRY(target, project(request, json));
        MU_TRY(snapshot, graph(target));
        MU_TRY(types, edgeTypes(json.value(QStringLiteral("edge_types")), graph::EdgeTypeSet::allButContains()));
        return HttpResponse::json(graph::json::cycles(*snapshot, graph::cycles(*snapshot, types), types));
    }

    HttpResponse path(const HttpRequest& request) const
    {
        MU_TRY(json, body(request));
        MU_TRY(target, project(request, json));
        MU_TRY(snapshot, graph(target));
        MU_TRY(from, resolve(target, *snapshot, json.value(QStringLiteral("from")).toString()));
        MU_TRY(to, resolve(target, *snapshot, json.value(QStringLiteral("to")).toString()));
        graph::PathOptions options;
        MU_TRY(via, edgeTypes(json.value(QStringLiteral("via")), graph::EdgeTypeSet::all()));
        options.edgeTypes = via;
        MU_TRY(depth,
            integer(json.value(QStringLiteral("max_depth")), graph::kMaxDepth, 1, graph::kMaxDepth,
                QStringLiteral("max_depth")));
        options.maxDepth = depth;
        const bool all = json.value(QStringLiteral("all")).toBool(false);
        MU_TRY(most, integer(json.value(QStringLiteral("max")), 10, 1, 1000, QStringLiteral("max")));
        QList<graph::Path> paths;
        if (all) {
            paths = graph::allShortestPaths(*snapshot, from, to, most, options);
        } else if (auto shortest = graph::shortestPath(*snapshot, from, to, options)) {
            paths.append(*shortest);
        }
        if (paths.isEmpty())
            return errorResponse(404, QStringLiteral("no_path"),
                QStringLiteral("no path from %1 to %2 within %3 edges")
                    .arg(snapshot->id(from), snapshot->id(to))
                    .arg(depth),
                snapshot->revision());
        return HttpResponse::json(graph::json::paths(*snapshot, from, to, paths, all));
    }

    HttpResponse exportGraph(const HttpRequest& request) const
    {
        MU_TRY(target, project(request));
        exports::ExportOptions options;
        const QString formatText = request.queryValue(QStringLiteral("format"));
        const auto format = exports::exportFormatFromString(formatText.isEmpty() ? QStringLiteral("json") : formatText);
        if (!format) {
            QStringList names;
            for (exports::ExportFormat known : exports::allExportFormats())
                names.append(exports::toString(known));
            return fail(400, QStringLiteral("bad_request"),
                QStringLiteral("unknown format '%1' (%2)").arg(formatText, names.join(QStringLiteral(", "))))
                .response;
        }
        options.format = *format;
        options.filter.nodeIds = request.queryValue(QStringLiteral("nodes")).split(u',', Qt::SkipEmptyParts);
        for (const QString& name : request.queryValue(QStringLiteral("types")).split(u',', Qt::SkipEmptyParts)) {
            const auto type = nodeTypeFromString(name.trimmed());
            if (!type)
                return fail(400, QStringLiteral("bad_request"), QStringLiteral("unknown node type '%1'").arg(name))
                    .response;
            options.filter.types.append(*type);
        }
        const QString depthText = request.queryValue(QStringLiteral("depth"));
        MU_TRY(depth,
            integer(depthText.isEmpty() ? QJsonValue() : QJsonValue(depthText), 0, 0, graph::kMaxDepth,
                QStringLiteral("depth")));
        options.filter.depth = depth;
        const QString maxText = request.queryValue(QStringLiteral("max_nodes"));
        MU_TRY(maxNodes,
            integer(
                maxText.isEmpty() ? QJsonValue() : QJsonValue(maxText), 0, 0, 10000000, QStringLiteral("max_nodes")));
        options.filter.maxNodes = maxNodes;
        if (const QString direction = request.queryValue(QStringLiteral("direction")); !direction.isEmpty())
            options.direction = direction;
        options.source = QFileInfo(target.root).fileName();
        MU_TRY(store, reader(target));
        MU_TRY(snapshot, graph(target));
        auto text = exports::exportGraph(*store, *snapshot, options);
        if (!text)
            return fail(text.error()).response;
        return HttpResponse::text(*text, exports::mimeType(options.format).toUtf8());
    }

    HttpResponse verifyContracts(const HttpRequest& request) const
    {
        MU_TRY(json, body(request));
        if (!json.value(QStringLiteral("cwd")).isUndefined() || !request.queryValue(QStringLiteral("cwd")).isEmpty())
            return fail(400, QStringLiteral("bad_request"),
                QStringLiteral("contracts are verified for the daemon's own project only"))
                .response;
        const QString root = m_context->projectRoot;
        QString path = json.value(QStringLiteral("contracts_path")).toString();
        path = path.isEmpty() ? QDir(root).filePath(QStringLiteral(".mu/contracts.yml"))
                              : QDir::cleanPath(QDir(root).filePath(path));
        // Nothing read from a request reaches a path outside the project.
        const QString canonical = QFileInfo(path).canonicalFilePath();
        if (canonical.isEmpty())
            return fail(404, QStringLiteral("not_found"), QStringLiteral("no contracts file at %1").arg(path)).response;
        if (!canonical.startsWith(root + u'/'))
            return fail(
                403, QStringLiteral("forbidden"), QStringLiteral("the contracts file must be inside the project"))
                .response;
        const contracts::LoadResult loaded = contracts::loadContracts(canonical);
        if (!loaded.ok())
            return configErrors(canonical, loaded.errors);
        auto evaluator = contracts::ContractEvaluator::open(m_context->dbPath);
        if (!evaluator)
            return fail(evaluator.error()).response;
        const contracts::VerifyResult verified = (*evaluator)->verify(loaded.file);
        if (!verified.ok())
            return configErrors(canonical, verified.errors);
        return withRevision(contracts::toJson(verified.report), ownRevision());
    }

    HttpResponse configErrors(const QString& path, const QList<contracts::ConfigError>& errors) const
    {
        QJsonArray list;
        for (const contracts::ConfigError& error : errors)
            list.append(QJsonObject {{QStringLiteral("line"), error.line}, {QStringLiteral("column"), error.column},
                {QStringLiteral("message"), error.message}, {QStringLiteral("hint"), error.hint}});
        QJsonObject error {{QStringLiteral("code"), QStringLiteral("config")},
            {QStringLiteral("message"), errors.first().toString(path)}, {QStringLiteral("errors"), list}};
        return HttpResponse::json({{QStringLiteral("error"), error}, {QStringLiteral("revision"), ownRevision()}}, 422);
    }

    HttpResponse index(const HttpRequest& request) const
    {
        MU_TRY(json, body(request));
        if (!json.value(QStringLiteral("cwd")).isUndefined() || !request.queryValue(QStringLiteral("cwd")).isEmpty())
            return fail(400, QStringLiteral("bad_request"), QStringLiteral("other projects are read-only")).response;
        const qint64 ticket = m_context->requestIndex(json.value(QStringLiteral("force")).toBool(false));
        // {"wait": true}: answer once the run is over (the CLI's `mu index` while a daemon runs).
        if (json.value(QStringLiteral("wait")).toBool(false)) {
            if (!m_context->waitForIndex(ticket, kIndexWaitMs))
                return fail(503, QStringLiteral("timeout"), QStringLiteral("indexing is still running")).response;
            return HttpResponse::json({{QStringLiteral("accepted"), true}, {QStringLiteral("done"), true},
                {QStringLiteral("revision"), ownRevision()}});
        }
        return HttpResponse::json({{QStringLiteral("accepted"), true}, {QStringLiteral("revision"), ownRevision()}});
    }

    HttpResponse shutdown(const HttpRequest&) const
    {
        m_context->requestShutdown();
        return HttpResponse::json({{QStringLiteral("ok"), true}, {QStringLiteral("revision"), ownRevision()}});
    }

    HttpResponse metrics(const HttpRequest&) const
    {
        return HttpResponse::text(m_context->metrics(), "text/plain; version=0.0.4; charset=utf-8");
    }

#undef MU_TRY

    const std::shared_ptr<const ApiContext> m_context;
    mutable std::mutex m_foreignMutex;
    mutable QHash<QString, std::shared_ptr<graph::GraphCache>> m_foreign;
};

} // namespace

void installRoutes(server::HttpServer& server, std::shared_ptr<const ApiContext> context)
{
    Api::install(std::make_shared<const Api>(std::move(context)), server);
}

} // namespace mu::daemon
