#pragma once

#include "query/ast.h"

#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>

namespace mu::query {

/// One parameterised SQL statement and how to read its rows. The SQL text is built only from the
/// catalog's whitelisted names and fixed fragments; every user value (literals, property keys,
/// node ids, patterns) is a bound parameter.
struct SqlPlan {
    QString sql;
    QVariantList parameters;
    QStringList columns;           ///< result column names
    QList<bool> jsonColumns;       ///< cells holding JSON text (properties paths) to decode
    int limit = 0;                 ///< rows to return
    bool probesTruncation = false; ///< the SQL asks for limit + 1 rows to tell whether the cap cut

    /// The SQL, then its parameters one per line ("?1 = 'fn:a.py:f'"): what `.explain` shows.
    QString explain() const;
};

/// SQL for a SELECT. Without LIMIT, `defaultLimit` rows at most (and truncation is probed).
/// Thread: pure function, any thread.
SqlPlan planSelect(const SelectStatement& select, int defaultLimit);

/// The node a FIND, ANALYZE FOR or SHOW statement was asked about, once resolved.
struct ResolvedNode {
    QString id;
    NodeType type = NodeType::Function;
    QString name;
    QString docstring;
    QString filePath;
};

/// Node sets computed before the statement that uses them, one breadth-first level per query
/// (closureStepPlan()), and bound as values. A recursive CTE would say it in one statement, but
/// SQLite 3.40 plans its recursive step with a Bloom filter built by scanning every edge: 25 ms on
/// the Python stdlib, where the index lookups of a level take well under 1 ms.
enum class Closure {
    Contained, ///< a node and everything it contains, transitively
    Inheriting ///< a class and every class inheriting it, transitively
};
/// Most nodes a closure may hold (a SQL statement binds at most 32766 values).
inline constexpr int kMaxClosure = 10000;
/// SQL for one level of a closure: the nodes `frontier` contains (Contained) or that inherit one of
/// them (Inheriting). Rows: id.
SqlPlan closureStepPlan(Closure closure, const QStringList& frontier);

/// SQL for the FIND filters that follow edges or match names: CALLING, CALLED BY, IMPORTING,
/// IMPORTED BY, INHERITING, IMPLEMENTING, WITH DECORATOR, MATCHING (SIMILAR TO is a full-text
/// search, see QueryEngine). `ids` are the nodes the filter is about: the Contained closure of r
/// for CALLING/CALLED BY, r's module for IMPORTING/IMPORTED BY, the Inheriting closure of r
/// without r for INHERITING/IMPLEMENTING; unused by WITH DECORATOR and MATCHING.
///  - CALLING r: functions with a `calls` edge to r or to anything r contains (a class's methods,
///    a module's functions).
///  - CALLED BY r: the functions r (or anything it contains) calls.
///  - IMPORTING r / IMPORTED BY r: modules importing r's module / imported by it (externals are
///    importable too).
///  - INHERITING r: classes inheriting r, directly or through other classes.
///  - IMPLEMENTING r: the same, keeping only concrete classes (not interfaces, traits or
///    protocols): the implementations of r.
///  - WITH DECORATOR 's': nodes with a decorator (annotation, attribute) named s, written with
///    or without '@' and arguments: 'property' matches @property, 'app.route' matches
///    @app.route("/x"); a dotted name also matches its last part.
///  - MATCHING 're': nodes whose name matches the regular expression (case-insensitive).
/// Methods are functions of kind method, constructor or property. Rows: id, name, kind,
/// file_path, line_start, ordered by id; FIND's LIMIT, else `defaultLimit` (probing truncation).
SqlPlan planFind(const FindStatement& find, const QStringList& ids, int defaultLimit);

/// Analyses answered by SQL (ANALYZE complexity, hotspots, unused); see QueryEngine for their
/// definitions. `scope` (a Contained closure) limits them to a node and what it contains.
SqlPlan planAnalysis(Analysis analysis, const std::optional<QStringList>& scope, int limit);

/// The module a node belongs to (imports connect modules): itself for modules and externals.
QString moduleOf(const ResolvedNode& node);

/// The complexity above which ANALYZE complexity and hotspots report a function: McCabe's and
/// the SEI's "simple" band ends at 10.
inline constexpr int kComplexityThreshold = 10;

} // namespace mu::query
