#include "contracts/evaluator.h"

#include "contracts/glob.h"
#include "contracts/pathfilter.h"
#include "model/nodeid.h"
#include "query/format.h"
#include "query/queryengine.h"
#include "store/storereader.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>

namespace mu::contracts {

namespace {

/// What one rule found: every finding counted, the first kMaxViolations kept.
struct Findings {
    int count = 0;
    QList<Violation> violations;

    void add(Violation violation)
    {
        ++count;
        if (violations.size() < kMaxViolations)
            violations.append(std::move(violation));
    }
};

/// Column positions of a result set, by name; -1 when absent.
struct Columns {
    explicit Columns(const query::ResultSet& result) : m_columns(result.columns) { }
    int operator[](const QString& name) const { return int(m_columns.indexOf(name)); }

private:
    QStringList m_columns;
};

QString cell(const QJsonArray& row, int column)
{
    return column < 0 ? QString() : query::cellText(row.at(column));
}

/// "name=value, …" of the cells not already shown as the violation's node and place.
QString otherCells(const query::ResultSet& result, const QJsonArray& row, const QList<int>& shown)
{
    QStringList parts;
    for (int i = 0; i < result.columns.size(); ++i) {
        if (!shown.contains(i))
            parts.append(result.columns.at(i) + u'=' + query::cellText(row.at(i)));
    }
    return parts.join(QStringLiteral(", "));
}

/// A decorator as written ("app.route('/x')", "@Override") reduced to its name ("app.route").
QString decoratorName(QString text)
{
    text = text.trimmed();
    if (text.startsWith(u'@'))
        text.remove(0, 1);
    const qsizetype paren = text.indexOf(u'(');
    return (paren < 0 ? text : text.left(paren)).trimmed();
}

/// `name` is `wanted` or ends in `.wanted` (a qualified spelling of the same thing).
bool namesMatch(const QString& name, const QString& wanted)
{
    return name == wanted || name.endsWith(u'.' + wanted) || wanted.endsWith(u'.' + name);
}

/// A base as written in source ("models.Base", "List[int]", "Comparable<T>") reduced to its name.
QString baseName(const QString& text)
{
    static const QRegularExpression arguments(QStringLiteral("[\\[<(].*$"));
    return QString(text).remove(arguments).trimmed();
}

} // namespace

ContractEvaluator::ContractEvaluator(
    std::unique_ptr<query::QueryEngine> engine, std::unique_ptr<store::StoreReader> reader)
    : m_engine(std::move(engine)), m_reader(std::move(reader))
{ }

ContractEvaluator::~ContractEvaluator() = default;

Result<std::unique_ptr<ContractEvaluator>> ContractEvaluator::open(const QString& dbPath)
{
    auto reader = store::StoreReader::open(dbPath);
    if (!reader)
        return reader.error();
    auto engine = query::QueryEngine::open(dbPath);
    if (!engine)
        return engine.error().toError();
    return std::unique_ptr<ContractEvaluator>(new ContractEvaluator(std::move(*engine), std::move(*reader)));
}

namespace {

/// Runs one contract's rule; an Error is a rule the graph cannot answer (reported against the
/// contracts file), never a violation.
class RuleRunner {
public:
    RuleRunner(query::QueryEngine& engine, const store::StoreReader& reader, const PathFilter& filter)
        : m_engine(engine), m_reader(reader), m_filter(filter)
    { }

    Result<Findings> operator()(const AnalyzeRule& rule);
    Result<Findings> operator()(const DependencyRule& rule);
    Result<Findings> operator()(const QueryRule& rule);
    Result<Findings> operator()(const PatternRule& rule);

private:
    Result<query::ResultSet> run(const QString& muql)
    {
        auto result = m_engine.run(muql);
        if (!result)
            return Error {result.error().code, result.error().message};
        return std::move(*result);
    }

    /// The line of the first imports edge from `module` into `cycle`, for locating a cycle.
    int importLineInto(const QString& module, const QSet<QString>& cycle, QString* target) const;
    bool derivesFrom(const Node& node, const QString& base) const;

    query::QueryEngine& m_engine;
    const store::StoreReader& m_reader;
    const PathFilter& m_filter;
};

int RuleRunner::importLineInto(const QString& module, const QSet<QString>& cycle, QString* target) const
{
    auto edges = m_reader.edgesFrom(module);
    if (!edges)
        return 0;
    for (const Edge& edge : std::as_const(*edges)) {
        if (edge.type == EdgeType::Imports && cycle.contains(edge.targetId)) {
            *target = edge.targetId;
            return edge.line;
        }
    }
    return 0;
}

Result<Findings> RuleRunner::operator()(const AnalyzeRule& rule)
{
    auto result = run(QStringLiteral("ANALYZE ") + toString(rule.analysis));
    if (!result)
        return result.error();
    const Columns columns(*result);
    const int threshold = rule.effectiveThreshold();
    Findings findings;
    for (const QJsonArray& row : std::as_const(result->rows)) {
        if (rule.analysis == AnalyzeRule::Analysis::Circular) {
            QStringList members;
            for (const QJsonValue& member : row.at(columns[QStringLiteral("nodes")]).toArray())
                members.append(member.toString());
            if (std::all_of(members.begin(), members.end(),
                    [&](const QString& id) { return m_filter.excluded(nodeid::filePathOf(id)); }))
                continue;
            const QString first = members.value(0);
            QString next;
            const int line = importLineInto(first, QSet<QString>(members.begin(), members.end()), &next);
            findings.add({first, nodeid::filePathOf(first), line,
                QStringLiteral("imports %1: a cycle of %2 modules (%3)")
                    .arg(next)
                    .arg(members.size())
                    .arg(members.join(QStringLiteral(", ")))});
            continue;
        }
        const QString id = cell(row, std::max(columns[QStringLiteral("id")], columns[QStringLiteral("module")]));
        const QString file = cell(row, columns[QStringLiteral("file_path")]);
        if (m_filter.excluded(file))
            continue;
        const int line = cell(row, columns[QStringLiteral("line_start")]).toInt();
        switch (rule.analysis) {
        case AnalyzeRule::Analysis::Complexity: {
            const int complexity = cell(row, columns[QStringLiteral("complexity")]).toInt();
            if (complexity > threshold)
                findings.add({id, file, line,
                    QStringLiteral("complexity %1 (%2), over %3")
                        .arg(complexity)
                        .arg(cell(row, columns[QStringLiteral("risk")]))
                        .arg(threshold)});
            break;
        }
        case AnalyzeRule::Analysis::Hotspots: {
            const int score = cell(row, columns[QStringLiteral("score")]).toInt();
            if (score > threshold)
                findings.add({id, file, line,
                    QStringLiteral("hotspot: complexity %1 × %2 callers = score %3")
                        .arg(cell(row, columns[QStringLiteral("complexity")]),
                            cell(row, columns[QStringLiteral("fan_in")]))
                        .arg(score)});
            break;
        }
        case AnalyzeRule::Analysis::Coupling: {
            const int afferent = cell(row, columns[QStringLiteral("afferent")]).toInt();
            const int efferent = cell(row, columns[QStringLiteral("efferent")]).toInt();
            if (afferent + efferent > threshold)
                findings.add({id, file, 0,
                    QStringLiteral("coupling %1, over %2 (afferent %3, efferent %4, instability %5)")
                        .arg(afferent + efferent)
                        .arg(threshold)
                        .arg(afferent)
                        .arg(efferent)
                        .arg(cell(row, columns[QStringLiteral("instability")]))});
            break;
        }
        case AnalyzeRule::Analysis::Unused:
            findings.add({id, file, line,
                QStringLiteral("unused %1 '%2': nothing calls, uses, inherits or imports it")
                    .arg(cell(row, columns[QStringLiteral("kind")]), cell(row, columns[QStringLiteral("name")]))});
            break;
        case AnalyzeRule::Analysis::Circular:
            break; // handled above
        }
    }
    return findings;
}

Result<Findings> RuleRunner::operator()(const DependencyRule& rule)
{
    const Glob from(rule.from);
    const Glob to(rule.to);
    QList<Glob> except;
    for (const QString& pattern : rule.except)
        except.append(Glob(pattern));
    const auto exempt = [&](const QString& path) {
        return m_filter.excluded(path)
            || std::any_of(except.begin(), except.end(), [&](const Glob& glob) { return glob.matches(path); });
    };

    auto files = m_reader.files();
    if (!files)
        return files.error();
    QList<Edge> offending;
    for (const store::FileRecord& file : std::as_const(*files)) {
        // Edges belong to the file they were found in, which holds their source node.
        if (!from.matches(file.path) || exempt(file.path))
            continue;
        auto edges = m_reader.edgesOfFile(file.path);
        if (!edges)
            return edges.error();
        for (const Edge& edge : std::as_const(*edges)) {
            if (edge.type == EdgeType::Contains)
                continue;
            const QString source = nodeid::filePathOf(edge.sourceId);
            const QString target = nodeid::filePathOf(edge.targetId);
            if (target.isEmpty() || !to.matches(target) || to.matches(source) || exempt(target))
                continue;
            if (!from.matches(source) || exempt(source))
                continue;
            offending.append(edge);
        }
    }
    std::sort(offending.begin(), offending.end(), [](const Edge& a, const Edge& b) {
        return std::tuple(nodeid::filePathOf(a.sourceId), a.line, a.sourceId, a.targetId, int(a.type))
            < std::tuple(nodeid::filePathOf(b.sourceId), b.line, b.sourceId, b.targetId, int(b.type));
    });
    Findings findings;
    for (const Edge& edge : std::as_const(offending))
        findings.add(
            {edge.sourceId, nodeid::filePathOf(edge.sourceId), edge.line, toString(edge.type) + u' ' + edge.targetId});
    return findings;
}

Result<Findings> RuleRunner::operator()(const QueryRule& rule)
{
    auto result = run(rule.muql);
    if (!result)
        return result.error();
    const Columns columns(*result);
    const int idColumn = columns[QStringLiteral("id")];
    const int fileColumn = columns[QStringLiteral("file_path")];
    const int lineColumn = std::max(columns[QStringLiteral("line_start")], columns[QStringLiteral("line")]);
    Findings findings;
    for (const QJsonArray& row : std::as_const(result->rows)) {
        const QString id = cell(row, idColumn);
        QString file = fileColumn >= 0 ? cell(row, fileColumn) : nodeid::filePathOf(id);
        if (m_filter.excluded(file))
            continue;
        int line = cell(row, lineColumn).toInt();
        // Where the query did not select the place, the node knows it (only for those kept).
        if (!id.isEmpty() && lineColumn < 0 && findings.violations.size() < kMaxViolations) {
            if (auto node = m_reader.node(id); node && node->has_value())
                line = (*node)->lineStart;
        }
        findings.add({id, file, line, otherCells(*result, row, {idColumn, fileColumn, lineColumn})});
    }
    return findings;
}

bool RuleRunner::derivesFrom(const Node& node, const QString& base) const
{
    // Breadth-first up the inherits edges, reading each class's bases as written too: a base
    // outside the project has no node, only its name in `bases`.
    QList<Node> queue = {node};
    QSet<QString> seen = {node.id};
    for (qsizetype i = 0; i < queue.size(); ++i) {
        const Node& current = queue.at(i);
        for (const QJsonValue& written : current.properties.value(QStringLiteral("bases")).toArray()) {
            if (namesMatch(baseName(written.toString()), base))
                return true;
        }
        auto edges = m_reader.edgesFrom(current.id);
        if (!edges)
            continue;
        for (const Edge& edge : std::as_const(*edges)) {
            if (edge.type != EdgeType::Inherits || seen.contains(edge.targetId))
                continue;
            seen.insert(edge.targetId);
            auto target = m_reader.node(edge.targetId);
            if (!target || !target->has_value())
                continue;
            if (namesMatch((*target)->name, base) || namesMatch((*target)->qualifiedName, base))
                return true;
            queue.append(**target);
        }
    }
    return false;
}

Result<Findings> RuleRunner::operator()(const PatternRule& rule)
{
    const std::optional<Glob> path = rule.path.isEmpty() ? std::nullopt : std::optional(Glob(rule.path));
    const QRegularExpression name(QRegularExpression::anchoredPattern(rule.namePattern));
    auto files = m_reader.files();
    if (!files)
        return files.error();
    Findings findings;
    for (const store::FileRecord& file : std::as_const(*files)) {
        if ((path && !path->matches(file.path)) || m_filter.excluded(file.path))
            continue;
        auto nodes = m_reader.nodesInFile(file.path);
        if (!nodes)
            return nodes.error();
        for (const Node& node : std::as_const(*nodes)) {
            if (toString(node.type) != rule.nodeType && node.kind != rule.nodeType)
                continue;
            QStringList missing;
            if (!rule.namePattern.isEmpty() && !name.match(node.name).hasMatch())
                missing.append(QStringLiteral("name '%1' does not match '%2'").arg(node.name, rule.namePattern));
            if (!rule.decorator.isEmpty()) {
                const QJsonArray decorators = node.properties.value(QStringLiteral("decorators")).toArray();
                if (std::none_of(decorators.begin(), decorators.end(),
                        [&](const QJsonValue& d) { return namesMatch(decoratorName(d.toString()), rule.decorator); }))
                    missing.append(QStringLiteral("no decorator '%1'").arg(rule.decorator));
            }
            if (!rule.base.isEmpty() && !derivesFrom(node, rule.base))
                missing.append(QStringLiteral("does not derive from '%1'").arg(rule.base));
            if (!missing.isEmpty())
                findings.add({node.id, node.filePath, node.lineStart, missing.join(QStringLiteral("; "))});
        }
    }
    return findings;
}

} // namespace

VerifyResult ContractEvaluator::verify(const ContractsFile& file, Options options)
{
    VerifyResult outcome;
    Report& report = outcome.report;
    report.failOnWarning = file.settings.failOnWarning;
    if (auto revision = m_reader->revision())
        report.revision = *revision;
    const PathFilter filter(file.settings);
    RuleRunner runner(*m_engine, *m_reader, filter);
    bool stopped = false;
    for (const Contract& contract : file.contracts) {
        ContractResult result;
        result.name = contract.name;
        result.description = contract.description;
        result.severity = contract.severity;
        result.ruleType = ruleTypeName(contract.rule);
        result.expect = contract.expect;
        if (stopped) {
            result.status = ContractResult::Status::Skipped;
            report.results.append(result);
            continue;
        }
        auto findings = std::visit(runner, contract.rule);
        if (!findings) {
            outcome.errors.append({contract.rulePosition.line, contract.rulePosition.column,
                QStringLiteral("contract '%1' cannot run: %2").arg(contract.name, findings.error().message),
                QStringLiteral("check the rule with `mu q`")});
            continue;
        }
        result.findings = findings->count;
        if (!contract.expect.holds(findings->count)) {
            result.status = ContractResult::Status::Failed;
            result.message = contract.expect.failure(findings->count);
            result.violations = std::move(findings->violations);
        }
        report.results.append(result);
        stopped = options.failFast && report.isBlocking(result);
    }
    return outcome;
}

} // namespace mu::contracts
