#include "query/planner.h"

#include "model/nodeid.h"

#include <QRegularExpression>

#include <algorithm>

namespace mu::query {

namespace {

/// A JSON path for SQLite's json functions: each key quoted. Keys come from the lexer's word
/// characters (letters, digits, '_'), so no quote can occur in them; the path is still bound as a
/// parameter, never spliced.
QString jsonPath(const QStringList& keys)
{
    QString path = QStringLiteral("$");
    for (const QString& key : keys)
        path += QStringLiteral(".\"") + key + u'"';
    return path;
}

QVariant bindable(const QVariant& value)
{
    if (value.typeId() == QMetaType::Bool)
        return value.toBool() ? 1 : 0;
    return value;
}

/// Appends SQL text and its parameters in order, so that every '?' meets its value.
class SqlWriter {
public:
    explicit SqlWriter(SqlPlan& plan) : m_plan(plan) { }

    void text(const QString& sql) { m_plan.sql += sql; }
    void parameter(const QVariant& value)
    {
        m_plan.sql += u'?';
        m_plan.parameters.append(bindable(value));
    }

    /// A column as an SQL value: the column itself, or json_extract() of a properties path.
    void column(const ColumnRef& column)
    {
        if (column.propertyPath.isEmpty()) {
            text(column.name); // a catalog name (the parser rejected anything else)
            return;
        }
        text(QStringLiteral("json_extract(properties, "));
        parameter(jsonPath(column.propertyPath));
        text(QStringLiteral(")"));
    }

    void operand(const Operand& operand)
    {
        if (operand.aliasOf >= 0) {
            text(QStringLiteral("c%1").arg(operand.aliasOf));
            return;
        }
        if (operand.aggregate == Aggregate::None) {
            column(operand.column);
            return;
        }
        text(toString(operand.aggregate).toUpper() + u'(');
        if (operand.star) {
            text(QStringLiteral("*"));
        } else {
            if (operand.distinct)
                text(QStringLiteral("DISTINCT "));
            column(operand.column);
        }
        text(QStringLiteral(")"));
    }

    void condition(const Condition& condition)
    {
        switch (condition.kind) {
        case Condition::Kind::And:
        case Condition::Kind::Or:
            text(QStringLiteral("("));
            for (size_t i = 0; i < condition.children.size(); ++i) {
                if (i > 0)
                    text(condition.kind == Condition::Kind::And ? QStringLiteral(" AND ") : QStringLiteral(" OR "));
                this->condition(condition.children[i]);
            }
            text(QStringLiteral(")"));
            return;
        case Condition::Kind::Not:
            text(QStringLiteral("NOT "));
            this->condition(condition.children.front());
            return;
        case Condition::Kind::Compare:
            if (condition.op == u"~") { // case-insensitive substring
                text(QStringLiteral("instr(lower("));
                operand(condition.left);
                text(QStringLiteral("), lower("));
                parameter(condition.values.front().value);
                text(QStringLiteral(")) > 0"));
                return;
            }
            operand(condition.left);
            text(u' ' + condition.op + u' ');
            parameter(condition.values.front().value);
            return;
        case Condition::Kind::In:
            operand(condition.left);
            text(condition.negated ? QStringLiteral(" NOT IN (") : QStringLiteral(" IN ("));
            for (qsizetype i = 0; i < condition.values.size(); ++i) {
                if (i > 0)
                    text(QStringLiteral(", "));
                parameter(condition.values[i].value);
            }
            text(QStringLiteral(")"));
            return;
        case Condition::Kind::Contains:
            if (condition.negated)
                text(QStringLiteral("NOT "));
            if (condition.left.aggregate == Aggregate::None && condition.left.aliasOf < 0
                && !condition.left.column.propertyPath.isEmpty()) {
                // A property may be a list (decorators, bases): true when an element, or the
                // value itself, contains the text.
                text(QStringLiteral("EXISTS (SELECT 1 FROM json_each(properties, "));
                parameter(jsonPath(condition.left.column.propertyPath));
                text(QStringLiteral(") WHERE instr(value, "));
                parameter(condition.values.front().value);
                text(QStringLiteral(") > 0)"));
                return;
            }
            text(QStringLiteral("coalesce(instr("));
            operand(condition.left);
            text(QStringLiteral(", "));
            parameter(condition.values.front().value);
            text(QStringLiteral("), 0) > 0"));
            return;
        case Condition::Kind::Like:
            operand(condition.left);
            text(condition.negated ? QStringLiteral(" NOT LIKE ") : QStringLiteral(" LIKE "));
            parameter(condition.values.front().value);
            return;
        case Condition::Kind::Matches:
            operand(condition.left);
            text(condition.negated ? QStringLiteral(" NOT REGEXP ") : QStringLiteral(" REGEXP "));
            parameter(condition.values.front().value);
            return;
        case Condition::Kind::IsNull:
            operand(condition.left);
            text(condition.negated ? QStringLiteral(" IS NOT NULL") : QStringLiteral(" IS NULL"));
            return;
        }
    }

private:
    SqlPlan& m_plan;
};

QString quoted(const QVariant& value)
{
    if (value.typeId() == QMetaType::QString)
        return u'\'' + value.toString().replace(u'\'', QStringLiteral("''")) + u'\'';
    return value.toString();
}

QString subjectCondition(FindSubject subject)
{
    switch (subject) {
    case FindSubject::Functions:
        return QStringLiteral("n.type = 'function'");
    case FindSubject::Methods:
        return QStringLiteral("n.type = 'function' AND n.kind IN ('method', 'constructor', 'property')");
    case FindSubject::Classes:
        return QStringLiteral("n.type = 'class'");
    case FindSubject::Modules:
        return QStringLiteral("n.type = 'module'");
    }
    Q_UNREACHABLE();
}

/// Matches a decorator as written in the source ("@app.route('/x')", "Override", "#[derive(Debug)]"
/// all reduce to a dotted name and optional arguments) against the name the user gave.
QString decoratorPattern(const QString& name)
{
    QString bare = name.trimmed();
    while (bare.startsWith(u'@') || bare.startsWith(u'#') || bare.startsWith(u'['))
        bare.remove(0, 1);
    return QStringLiteral("^[@#\\[]*(?:[\\w.:]*[.:])?") + QRegularExpression::escape(bare)
        + QStringLiteral("\\s*(?:\\(.*)?\\]?$");
}

const QStringList kFindColumns = {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("kind"),
    QStringLiteral("file_path"), QStringLiteral("line_start")};
const QString kFindSelect = QStringLiteral("SELECT DISTINCT n.id, n.name, n.kind, n.file_path, n.line_start ");

/// "(?, ?, …)" for `ids`, bound in order.
QString inList(SqlPlan& plan, const QStringList& ids)
{
    QStringList marks;
    for (const QString& id : ids) {
        marks.append(QStringLiteral("?"));
        plan.parameters.append(id);
    }
    return u'(' + marks.join(QStringLiteral(", ")) + u')';
}

/// Appends ORDER BY and LIMIT. A default cap probes one row further, to tell the user it cut;
/// an explicit LIMIT is what was asked for.
void finish(SqlPlan& plan, const QStringList& columns, const QString& orderBy, int limit, bool probe)
{
    plan.columns = columns;
    plan.jsonColumns = QList<bool>(columns.size(), false);
    plan.sql += orderBy + QStringLiteral(" LIMIT ?");
    plan.limit = limit;
    plan.probesTruncation = probe;
    plan.parameters.append(probe ? limit + 1 : limit);
}

} // namespace

QString moduleOf(const ResolvedNode& node)
{
    if (node.type == NodeType::Module || node.type == NodeType::External || node.filePath.isEmpty())
        return node.id;
    return nodeid::module(node.filePath);
}

QString SqlPlan::explain() const
{
    QString text = sql + u'\n';
    for (qsizetype i = 0; i < parameters.size(); ++i)
        text += QStringLiteral("  ?%1 = %2\n").arg(i + 1).arg(quoted(parameters[i]));
    return text;
}

namespace {

/// The columns that identify a row of a table, the tie-break that makes a query's order total.
/// Not rowid: rowids follow the order files finished parsing in, which differs from run to run.
QStringList naturalKey(const TableInfo& table)
{
    if (table.sqlTable == u"files")
        return {QStringLiteral("path")};
    if (table.sqlTable == u"edges")
        return {
            QStringLiteral("source_id"), QStringLiteral("target_id"), QStringLiteral("type"), QStringLiteral("line")};
    return {QStringLiteral("id")};
}

} // namespace

SqlPlan planSelect(const SelectStatement& select, int defaultLimit)
{
    SqlPlan plan;
    SqlWriter out(plan);
    const TableInfo& table = tableInfo(select.table);
    out.text(select.distinct ? QStringLiteral("SELECT DISTINCT ") : QStringLiteral("SELECT "));
    if (select.star) {
        plan.columns = table.starColumns;
        out.text(table.starColumns.join(QStringLiteral(", ")));
        plan.jsonColumns = QList<bool>(plan.columns.size(), false);
    } else {
        for (qsizetype i = 0; i < select.fields.size(); ++i) {
            const SelectField& field = select.fields[i];
            if (i > 0)
                out.text(QStringLiteral(", "));
            const Operand& operand = field.operand;
            const bool property = operand.aggregate == Aggregate::None && !operand.column.propertyPath.isEmpty();
            if (property) {
                // `->` keeps the JSON type (lists stay lists); decoded when rows are read.
                out.text(QStringLiteral("properties -> "));
                out.parameter(jsonPath(operand.column.propertyPath));
            } else {
                out.operand(operand);
            }
            // Result aliases are generated (c0, c1, …): the user's alias is only a label.
            out.text(QStringLiteral(" AS c%1").arg(i));
            plan.columns.append(field.alias.isEmpty() ? operand.label() : field.alias);
            plan.jsonColumns.append(property);
        }
    }
    out.text(QStringLiteral(" FROM ") + table.sqlTable);
    if (!table.nodeType.isEmpty())
        out.text(QStringLiteral(" WHERE type = '%1'").arg(table.nodeType)); // catalog constant
    if (select.where) {
        out.text(table.nodeType.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND "));
        out.condition(*select.where);
    }
    if (!select.groupBy.isEmpty()) {
        out.text(QStringLiteral(" GROUP BY "));
        for (qsizetype i = 0; i < select.groupBy.size(); ++i) {
            if (i > 0)
                out.text(QStringLiteral(", "));
            out.operand(select.groupBy[i]);
        }
    }
    if (select.having) {
        out.text(QStringLiteral(" HAVING "));
        out.condition(*select.having);
    }
    // Rows come out in one order even where the query leaves it open (no ORDER BY, or ties): left
    // to SQLite, it would follow whichever index the planner picks. Plain rows break ties by
    // their table's natural key, groups by their keys.
    const bool aggregated = !select.groupBy.isEmpty()
        || std::any_of(select.fields.cbegin(), select.fields.cend(),
            [](const SelectField& field) { return field.operand.aggregate != Aggregate::None; });
    const bool rowOrder = !aggregated && !select.distinct;
    const bool groupOrder = !select.groupBy.isEmpty();
    if (!select.orderBy.isEmpty() || rowOrder || groupOrder) {
        out.text(QStringLiteral(" ORDER BY "));
        for (qsizetype i = 0; i < select.orderBy.size(); ++i) {
            if (i > 0)
                out.text(QStringLiteral(", "));
            out.operand(select.orderBy[i].operand);
            if (select.orderBy[i].descending)
                out.text(QStringLiteral(" DESC"));
        }
        if (rowOrder) {
            bool first = select.orderBy.isEmpty();
            for (const QString& key : naturalKey(table)) {
                const bool ordered = std::any_of(select.orderBy.cbegin(), select.orderBy.cend(),
                    [&](const OrderItem& item) { return item.operand.label() == key; });
                if (ordered)
                    continue;
                out.text(first ? key : QStringLiteral(", ") + key); // catalog constants
                first = false;
            }
        } else if (groupOrder) {
            bool first = select.orderBy.isEmpty();
            for (const Operand& key : select.groupBy) {
                const bool ordered = std::any_of(select.orderBy.cbegin(), select.orderBy.cend(),
                    [&](const OrderItem& item) { return item.operand.label() == key.label(); });
                if (ordered)
                    continue;
                out.text(first ? QString() : QStringLiteral(", "));
                out.operand(key);
                first = false;
            }
        }
    }
    out.text(QStringLiteral(" LIMIT "));
    plan.limit = select.limit.value_or(defaultLimit);
    plan.probesTruncation = !select.limit;
    out.parameter(plan.probesTruncation ? plan.limit + 1 : plan.limit);
    return plan;
}

SqlPlan closureStepPlan(Closure closure, const QStringList& frontier)
{
    SqlPlan plan;
    plan.sql = closure == Closure::Contained ? QStringLiteral("SELECT target_id FROM edges WHERE source_id IN ")
                                             : QStringLiteral("SELECT source_id FROM edges WHERE target_id IN ");
    plan.sql += inList(plan, frontier) + QStringLiteral(" AND type = ?");
    plan.parameters.append(closure == Closure::Contained ? QStringLiteral("contains") : QStringLiteral("inherits"));
    plan.columns = {QStringLiteral("id")};
    plan.jsonColumns = {false};
    plan.limit = kMaxClosure + 1;
    return plan;
}

SqlPlan planFind(const FindStatement& find, const QStringList& ids, int defaultLimit)
{
    SqlPlan plan;
    const QString subject = subjectCondition(find.subject);
    switch (find.filter) {
    case FindFilter::Calling:
        plan.sql
            = kFindSelect + QStringLiteral("FROM edges e JOIN nodes n ON n.id = e.source_id WHERE e.target_id IN ");
        plan.sql += inList(plan, ids) + QStringLiteral(" AND e.type = 'calls' AND ") + subject;
        break;
    case FindFilter::CalledBy:
        plan.sql
            = kFindSelect + QStringLiteral("FROM edges e JOIN nodes n ON n.id = e.target_id WHERE e.source_id IN ");
        plan.sql += inList(plan, ids) + QStringLiteral(" AND e.type = 'calls' AND ") + subject;
        break;
    case FindFilter::Importing:
        plan.sql = kFindSelect
            + QStringLiteral("FROM edges e JOIN nodes n ON n.id = e.source_id WHERE e.type = 'imports' "
                             "AND e.target_id = ? AND ")
            + subject;
        plan.parameters = {ids.value(0)};
        break;
    case FindFilter::ImportedBy:
        plan.sql = kFindSelect
            + QStringLiteral("FROM edges e JOIN nodes n ON n.id = e.target_id WHERE e.type = 'imports' "
                             "AND e.source_id = ? AND ")
            + subject;
        plan.parameters = {ids.value(0)};
        break;
    case FindFilter::Inheriting:
    case FindFilter::Implementing:
        plan.sql = kFindSelect + QStringLiteral("FROM nodes n WHERE n.id IN ");
        plan.sql += inList(plan, ids) + QStringLiteral(" AND ") + subject;
        if (find.filter == FindFilter::Implementing)
            plan.sql += QStringLiteral(" AND n.kind NOT IN ('interface', 'trait', 'protocol')");
        break;
    case FindFilter::WithDecorator:
        plan.sql = kFindSelect
            + QStringLiteral("FROM nodes n WHERE EXISTS (SELECT 1 FROM json_each(n.properties, '$.decorators') d "
                             "WHERE d.value REGEXP ?) AND ")
            + subject;
        plan.parameters = {decoratorPattern(find.pattern)};
        break;
    case FindFilter::Matching:
        plan.sql = kFindSelect + QStringLiteral("FROM nodes n WHERE n.name REGEXP ? AND ") + subject;
        plan.parameters = {QString(QStringLiteral("(?i)") + find.pattern)};
        break;
    case FindFilter::SimilarTo:
        Q_UNREACHABLE(); // a full-text search, not SQL over the graph (QueryEngine)
    }
    finish(plan, kFindColumns, QStringLiteral(" ORDER BY n.id"), find.limit.value_or(defaultLimit), !find.limit);
    return plan;
}

SqlPlan planAnalysis(Analysis analysis, const std::optional<QStringList>& scope, int limit)
{
    SqlPlan plan;
    // The scope's ids follow the threshold in the SQL text, so they are bound after it.
    SqlPlan scopeIds;
    const QString inScope = scope ? QStringLiteral(" AND n.id IN ") + inList(scopeIds, *scope) : QString();
    switch (analysis) {
    case Analysis::Complexity:
        plan.sql += QStringLiteral("SELECT n.id, n.name, n.file_path, n.line_start, n.complexity, "
                                   "CASE WHEN n.complexity > 50 THEN 'very high' WHEN n.complexity > 20 THEN 'high' "
                                   "ELSE 'moderate' END FROM nodes n WHERE n.type = 'function' AND n.complexity > ?")
            + inScope;
        plan.parameters.append(kComplexityThreshold);
        plan.parameters += scopeIds.parameters;
        finish(plan,
            {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("file_path"), QStringLiteral("line_start"),
                QStringLiteral("complexity"), QStringLiteral("risk")},
            QStringLiteral(" ORDER BY n.complexity DESC, n.id"), limit, true);
        break;
    case Analysis::Hotspots:
        plan.sql += QStringLiteral("SELECT n.id, n.name, n.file_path, n.line_start, n.complexity, "
                                   "COUNT(DISTINCT e.source_id) AS fan_in, n.complexity * COUNT(DISTINCT e.source_id) "
                                   "AS score FROM nodes n JOIN edges e ON e.target_id = n.id AND e.type = 'calls' "
                                   "WHERE n.type = 'function' AND n.complexity > ?")
            + inScope + QStringLiteral(" GROUP BY n.id HAVING fan_in >= 2");
        plan.parameters.append(kComplexityThreshold);
        plan.parameters += scopeIds.parameters;
        finish(plan,
            {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("file_path"), QStringLiteral("line_start"),
                QStringLiteral("complexity"), QStringLiteral("fan_in"), QStringLiteral("score")},
            QStringLiteral(" ORDER BY score DESC, n.id"), limit, true);
        break;
    case Analysis::Unused:
        plan.sql
            += QStringLiteral("SELECT n.id, n.type, n.kind, n.name, n.file_path, n.line_start FROM nodes n "
                              "WHERE n.type IN ('function', 'class')"
                              " AND NOT EXISTS (SELECT 1 FROM edges e WHERE e.target_id = n.id"
                              " AND e.type IN ('calls', 'uses', 'inherits', 'imports'))"
                              // entry points and framework hooks: called from outside the graph
                              " AND n.name NOT IN ('main', 'init', 'setUp', 'tearDown', 'setUpClass', 'tearDownClass',"
                              " 'setUpModule', 'tearDownModule')"
                              " AND n.name NOT LIKE 'test%' AND NOT (n.name LIKE '\\_\\_%\\_\\_' ESCAPE '\\')"
                              " AND n.kind NOT IN ('constructor', 'property', 'lambda')"
                              // decorated or annotated: registered with a framework; exported: public API
                              " AND json_extract(n.properties, '$.decorators') IS NULL"
                              " AND coalesce(json_extract(n.properties, '$.is_exported'), 0) = 0"
                              // tests are run by a runner, not called
                              " AND n.file_path NOT LIKE 'test%' AND n.file_path NOT LIKE '%/test%'"
                              " AND n.file_path NOT LIKE '%\\_test.%' ESCAPE '\\' AND n.file_path NOT LIKE '%.test.%'"
                              " AND n.file_path NOT LIKE '%.spec.%'"
                              // a method of a class with a base may override it and be called through it
                              " AND NOT EXISTS (SELECT 1 FROM edges c JOIN edges b ON b.source_id = c.source_id"
                              " AND b.type = 'inherits' WHERE c.target_id = n.id AND c.type = 'contains')")
            + inScope;
        plan.parameters += scopeIds.parameters;
        finish(plan,
            {QStringLiteral("id"), QStringLiteral("type"), QStringLiteral("kind"), QStringLiteral("name"),
                QStringLiteral("file_path"), QStringLiteral("line_start")},
            QStringLiteral(" ORDER BY n.file_path, n.line_start, n.id"), limit, true);
        break;
    case Analysis::Coupling:
    case Analysis::Cohesion:
    case Analysis::Circular:
    case Analysis::Impact:
        Q_UNREACHABLE(); // graph analyses (QueryEngine)
    }
    return plan;
}

} // namespace mu::query
