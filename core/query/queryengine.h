#pragma once

#include "query/ast.h"
#include "query/queryerror.h"
#include "query/resultset.h"

#include <QString>

#include <chrono>
#include <memory>

namespace mu::graph {
class GraphCache;
}

namespace mu::query {

/// Caps and the deadline of QueryEngine (SPEC §3).
struct QueryOptions {
    std::chrono::milliseconds timeout {5000};
    int defaultSelectLimit = 1000; ///< rows of a SELECT without LIMIT
    int defaultFindLimit = 100;    ///< rows of a FIND without LIMIT
};

/// Runs MUQL (SPEC §3) against one project's graph: parses, resolves node references (SPEC §2
/// order; an unknown or ambiguous reference is an error, never an empty result), plans
/// (parameterised SQL over the store, or operations on the in-memory graph snapshot) and
/// executes within caps and a deadline.
///
/// Statements and what answers them:
///  - SELECT, FIND (but SIMILAR TO), ANALYZE complexity/hotspots/unused: SQL on a read-only
///    connection of the engine's own, with a REGEXP function (QRegularExpression) registered.
///  - FIND … SIMILAR TO r: the store's FTS5 index, queried with r's name and docstring words
///    (BM25-ranked; r itself left out).
///  - SHOW … OF, FIND CYCLES, PATH, ANALYZE coupling/cohesion/circular/impact: the graph
///    snapshot (graph::GraphCache, refreshed to the database's revision before each statement).
///
/// The analyses, precisely:
///  - complexity: functions whose McCabe complexity is over 10 (the end of the SEI's "simple"
///    band), most complex first, with their risk band (moderate ≤ 20 < high ≤ 50 < very high).
///  - hotspots: functions over that threshold that at least two distinct functions call, ranked
///    by score = complexity × fan-in (distinct callers): complex code many paths depend on.
///  - coupling: per module (file), afferent coupling Ca (how many other project files have an
///    edge into it), efferent coupling Ce (how many other project files it has edges into) and
///    instability Ce / (Ca + Ce), over every edge type but contains; externals are not counted.
///    Sorted by Ca + Ce, highest first; modules with neither are left out.
///  - cohesion: per module, the share of its edges (every type but contains, parallel edges
///    counted once) that stay inside the file: internal / (internal + crossing). Least cohesive
///    first; modules without such edges are left out.
///  - circular: import cycles between modules (strongly connected components of the imports
///    graph with more than one module), largest first.
///  - unused: functions and classes nothing calls, uses, inherits or imports, except what is
///    reached from outside the graph: entry points (main, init, test*, setUp/tearDown…), dunder
///    methods, constructors, properties and lambdas, decorated or exported (JS/TS `export`)
///    nodes, anything in a test file, and methods of classes with a base (they may override a
///    method called through the base).
///  - impact (needs FOR r): the files holding something that may break when r changes
///    (everything with a path to r over every edge type but contains, up to depth 20), with how
///    many of their nodes are affected and the nearest distance; nearest first.
/// FOR r limits complexity, hotspots and unused to r and what it contains, coupling and cohesion
/// to r's module, circular to the cycles through r's module.
///
/// Caps: LIMIT ≤ 10000 (default 1000 for SELECT, 100 for FIND), DEPTH ≤ 20, analyses at most
/// 10000 rows. Timeout: SQL is interrupted through sqlite3_progress_handler when the deadline
/// passes; graph operations are bounded by depth and limits and the deadline is checked between
/// them and inside the analyses' loops.
///
/// Thread: an engine and its connections belong to the thread that opened it. The GraphCache may
/// be shared with other threads and engines (it is thread-safe).
/// Errors: QueryError (see queryerror.h): syntax, unknown_table, unknown_column, invalid,
/// not_found, ambiguous, timeout, sql, graph.
class QueryEngine {
public:
    using Options = QueryOptions;

    /// Opens the database at `dbPath` read-only. `graphs` is shared with whoever else reads the
    /// same project (the daemon); null makes the engine load its own snapshot on first need.
    static Outcome<std::unique_ptr<QueryEngine>> open(
        const QString& dbPath, Options options = {}, std::shared_ptr<graph::GraphCache> graphs = {});
    ~QueryEngine();
    QueryEngine(const QueryEngine&) = delete;
    QueryEngine& operator=(const QueryEngine&) = delete;

    Outcome<ResultSet> run(const QString& muql);
    Outcome<ResultSet> run(const Query& query);

    /// What run() would do, as text: the SQL with its parameters, or the graph operations, after
    /// resolving node references. Runs nothing else.
    Outcome<QString> explain(const QString& muql);

    const Options& options() const { return m_options; }
    void setTimeout(std::chrono::milliseconds timeout) { m_options.timeout = timeout; }

private:
    struct Private;
    explicit QueryEngine(std::unique_ptr<Private> d, Options options);
    std::unique_ptr<Private> d;
    Options m_options;
};

} // namespace mu::query
