#pragma once

#include "model/graphtypes.h"
#include "query/catalog.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>
#include <variant>
#include <vector>

/// The syntax tree of one MUQL statement (SPEC §3), as the parser produces it: names resolved
/// against the catalog, positions kept (0-based offsets into the query text) for errors found
/// later, node references still text (resolved against the store when the query runs).
/// Value types: copy freely, any thread.
namespace mu::query {

/// A column of the FROM table, or a path into its JSON properties (`properties.decorators`).
struct ColumnRef {
    QString name;             ///< catalog column, lower-case ("properties" for a path)
    QStringList propertyPath; ///< keys after "properties."; empty for a plain column
    qsizetype offset = -1;

    /// As users write it: "complexity", "properties.is_async".
    QString label() const { return propertyPath.isEmpty() ? name : name + u'.' + propertyPath.join(u'.'); }
};

enum class Aggregate {
    None,
    Count,
    Avg,
    Min,
    Max,
    Sum
};

/// What a SELECT field, a condition's left side, a GROUP BY or an ORDER BY item names: a column,
/// an aggregate over a column (or COUNT(*)), or the alias of a select field.
struct Operand {
    Aggregate aggregate = Aggregate::None;
    bool distinct = false; ///< COUNT(DISTINCT col)
    bool star = false;     ///< COUNT(*)
    ColumnRef column;
    int aliasOf = -1; ///< index of the select field whose alias this names, or -1
    qsizetype offset = -1;

    /// "complexity", "count(*)", "avg(complexity)", "count(distinct kind)".
    QString label() const;
};

struct Literal {
    QVariant value; ///< qint64, double, QString or bool
    qsizetype offset = -1;
};

struct Condition {
    enum class Kind {
        And,
        Or,
        Not,
        Compare,  ///< left op value; op is = <> < <= > >= ~
        In,       ///< left [NOT] IN (values)
        Contains, ///< substring, or element of a JSON array
        Like,     ///< SQL LIKE pattern (% and _), ASCII case-insensitive
        Matches,  ///< regular expression (QRegularExpression syntax), case-sensitive
        IsNull
    };
    Kind kind = Kind::Compare;
    std::vector<Condition> children; ///< And/Or: two or more; Not: one
    Operand left;
    QString op;
    QList<Literal> values;
    bool negated = false; ///< NOT IN, NOT LIKE, NOT CONTAINS, NOT MATCHES, IS NOT NULL
    qsizetype offset = -1;
};

struct SelectField {
    Operand operand;
    QString alias; ///< empty when none; only ever a result label, never SQL text
};

struct OrderItem {
    Operand operand;
    bool descending = false;
};

struct SelectStatement {
    bool distinct = false;
    bool star = false;
    QList<SelectField> fields; ///< empty when star
    Table table = Table::Nodes;
    std::optional<Condition> where;
    QList<Operand> groupBy;
    std::optional<Condition> having;
    QList<OrderItem> orderBy;
    std::optional<int> limit;
    qsizetype limitOffset = -1;
};

/// A node as the user named it: an id, a path, a name or a qualified name (SPEC §2 NODE).
struct NodeRef {
    QString text;
    qsizetype offset = -1;
};

struct ShowTablesStatement { };

/// SHOW COLUMNS FROM t and DESCRIBE t.
struct DescribeStatement {
    Table table = Table::Nodes;
};

/// What SHOW … OF follows (the terse deps/rdeps/callers/callees/impact are spellings of these).
enum class Relation {
    Dependencies,    ///< outgoing, every type but contains, default depth 1
    Dependents,      ///< incoming, every type but contains, default depth 1
    Callers,         ///< incoming calls only
    Callees,         ///< outgoing calls only
    Inheritance,     ///< outgoing inherits: bases, transitively
    Implementations, ///< incoming inherits: subclasses and implementers, transitively
    Children,        ///< outgoing contains: members
    Parents,         ///< incoming contains: the enclosing class and module
    Impact,          ///< incoming, every type but contains, transitively: what a change may break
    Ancestors,       ///< outgoing, every type but contains, transitively: what the node needs
    Imports,         ///< outgoing imports
    Importers        ///< incoming imports
};

struct ShowRelationStatement {
    Relation relation = Relation::Dependencies;
    NodeRef node;
    std::optional<int> depth;
};

enum class FindSubject {
    Functions,
    Classes,
    Modules,
    Methods
};

enum class FindFilter {
    Calling,
    CalledBy,
    Importing,
    ImportedBy,
    Inheriting,
    Implementing,
    WithDecorator,
    Matching,
    SimilarTo
};

struct FindStatement {
    FindSubject subject = FindSubject::Functions;
    FindFilter filter = FindFilter::Calling;
    NodeRef node;    ///< for the filters that take a node
    QString pattern; ///< WITH DECORATOR and MATCHING
    std::optional<int> limit;
};

struct FindCyclesStatement {
    QList<EdgeType> edgeTypes; ///< empty: the default set (every type but contains)
};

struct PathStatement {
    NodeRef from;
    NodeRef to;
    std::optional<int> maxDepth;
    std::optional<EdgeType> via;
};

enum class Analysis {
    Complexity,
    Hotspots,
    Coupling,
    Cohesion,
    Circular,
    Unused,
    Impact
};

struct AnalyzeStatement {
    Analysis analysis = Analysis::Complexity;
    std::optional<NodeRef> scope; ///< FOR r
};

using Statement = std::variant<SelectStatement, ShowTablesStatement, DescribeStatement, ShowRelationStatement,
    FindStatement, FindCyclesStatement, PathStatement, AnalyzeStatement>;

/// A parsed query: the statement and the text it came from (for positions in later errors).
struct Query {
    QString text;
    Statement statement;
};

QString toString(Relation relation);
QString toString(FindSubject subject);
QString toString(FindFilter filter);
QString toString(Analysis analysis);
QString toString(Aggregate aggregate);

/// Relation and analysis names as MUQL spells them, in grammar order (for hints and tests).
QList<Relation> allRelations();
QList<Analysis> allAnalyses();

} // namespace mu::query
