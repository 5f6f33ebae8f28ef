#include "contracts/contractsloader.h"

#include "contracts/glob.h"
#include "query/parser.h"
#include "query/queryerror.h"

#include <QFile>
#include <QHash>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

namespace mu::contracts {

QString ConfigError::toString(const QString& path) const
{
    QString text = line > 0 ? QStringLiteral("%1:%2:%3: %4").arg(path).arg(line).arg(column).arg(message)
                            : QStringLiteral("%1: %2").arg(path, message);
    if (!hint.isEmpty())
        text += QStringLiteral("\n  hint: ") + hint;
    return text;
}

namespace {

const QStringList kTopKeys = {QStringLiteral("version"), QStringLiteral("settings"), QStringLiteral("contracts")};
const QStringList kSettingsKeys
    = {QStringLiteral("fail_on_warning"), QStringLiteral("exclude_tests"), QStringLiteral("exclude_patterns")};
const QStringList kContractKeys = {QStringLiteral("name"), QStringLiteral("description"), QStringLiteral("severity"),
    QStringLiteral("rule"), QStringLiteral("expect")};
const QStringList kExpectWords = {QStringLiteral("empty"), QStringLiteral("not_empty")};
const QStringList kExpectKeys = {QStringLiteral("max"), QStringLiteral("min"), QStringLiteral("count")};
const QStringList kSeverities = {QStringLiteral("error"), QStringLiteral("warning"), QStringLiteral("info")};
/// node_type of a pattern rule: the node types that live in files, and every kind of them (SPEC §1).
const QStringList kPatternNodeTypes
    = {QStringLiteral("module"), QStringLiteral("class"), QStringLiteral("function"), QStringLiteral("struct"),
        QStringLiteral("interface"), QStringLiteral("enum"), QStringLiteral("trait"), QStringLiteral("record"),
        QStringLiteral("union"), QStringLiteral("namespace"), QStringLiteral("method"), QStringLiteral("constructor"),
        QStringLiteral("property"), QStringLiteral("lambda"), QStringLiteral("package"), QStringLiteral("header")};

QStringList ruleKeys(const QString& type)
{
    if (type == u"analyze")
        return {QStringLiteral("type"), QStringLiteral("analysis"), QStringLiteral("threshold")};
    if (type == u"dependency")
        return {QStringLiteral("type"), QStringLiteral("from"), QStringLiteral("to"), QStringLiteral("except")};
    if (type == u"query")
        return {QStringLiteral("type"), QStringLiteral("muql")};
    return {QStringLiteral("type"), QStringLiteral("node_type"), QStringLiteral("path"), QStringLiteral("name_pattern"),
        QStringLiteral("decorator"), QStringLiteral("base")};
}

/// "did you mean 'x'? (one of a, b, c)" or just the list when nothing is close.
QString suggestion(const QString& word, const QStringList& candidates)
{
    const QString close = query::closestMatch(word, candidates);
    const QString list = QStringLiteral("one of ") + candidates.join(QStringLiteral(", "));
    return close.isEmpty() ? list : QStringLiteral("did you mean '%1'? (%2)").arg(close, list);
}

SourcePosition positionOf(const YAML::Node& node)
{
    const YAML::Mark mark = node.Mark();
    if (mark.is_null())
        return {};
    return {mark.line + 1, mark.column + 1};
}

QString scalarText(const YAML::Node& node)
{
    return QString::fromStdString(node.Scalar());
}

/// What a node is, for "expected X, found Y" messages.
QString describe(const YAML::Node& node)
{
    if (node.IsNull())
        return QStringLiteral("nothing");
    if (node.IsSequence())
        return QStringLiteral("a list");
    if (node.IsMap())
        return QStringLiteral("a mapping");
    return u'\'' + scalarText(node) + u'\'';
}

struct Entry {
    QString key;
    YAML::Node keyNode;
    YAML::Node value;
};

/// Collects problems while walking the document. Every check that fails records an error at the
/// offending node and returns nullopt, so the walk goes on and reports everything at once.
class Checker {
public:
    QList<ConfigError> errors;

    void error(const YAML::Node& at, const QString& message, const QString& hint = {})
    {
        const SourcePosition position = positionOf(at);
        errors.append({position.line, position.column, message, hint});
    }

    /// The entries of a mapping, with unknown and repeated keys reported (and left out).
    std::optional<QList<Entry>> mapping(const YAML::Node& node, const QString& what, const QStringList& known)
    {
        if (!node.IsMap()) {
            error(node, QStringLiteral("%1 must be a mapping (key: value lines), not %2").arg(what, describe(node)));
            return std::nullopt;
        }
        QList<Entry> entries;
        QHash<QString, int> seen;
        for (auto it = node.begin(); it != node.end(); ++it) {
            const QString key = it->first.IsScalar() ? scalarText(it->first) : QString();
            if (!known.contains(key)) {
                error(it->first, QStringLiteral("unknown key '%1' in %2").arg(key, what), suggestion(key, known));
                continue;
            }
            if (seen.contains(key)) {
                error(it->first,
                    QStringLiteral("'%1' appears twice in %2 (first at line %3)").arg(key, what).arg(seen[key]));
                continue;
            }
            seen.insert(key, positionOf(it->first).line);
            entries.append({key, it->first, it->second});
        }
        return entries;
    }

    std::optional<QString> string(const Entry& entry, bool allowEmpty = false)
    {
        if (!entry.value.IsScalar()) {
            error(entry.value, QStringLiteral("'%1' must be a string, not %2").arg(entry.key, describe(entry.value)));
            return std::nullopt;
        }
        const QString value = scalarText(entry.value);
        if (value.trimmed().isEmpty() && !allowEmpty) {
            error(entry.value, QStringLiteral("'%1' must not be empty").arg(entry.key));
            return std::nullopt;
        }
        return value;
    }

    std::optional<bool> boolean(const Entry& entry)
    {
        bool value = false;
        if (!entry.value.IsScalar() || !YAML::convert<bool>::decode(entry.value, value)) {
            error(entry.value,
                QStringLiteral("'%1' must be true or false, not %2").arg(entry.key, describe(entry.value)));
            return std::nullopt;
        }
        return value;
    }

    std::optional<int> count(const YAML::Node& value, const QString& key)
    {
        bool ok = false;
        const int number = value.IsScalar() ? scalarText(value).toInt(&ok) : 0;
        if (!ok || number < 0) {
            error(value, QStringLiteral("'%1' must be a whole number ≥ 0, not %2").arg(key, describe(value)));
            return std::nullopt;
        }
        return number;
    }

    std::optional<QString> glob(const Entry& entry, const YAML::Node& value)
    {
        Entry single {entry.key, entry.keyNode, value};
        auto pattern = string(single);
        if (!pattern)
            return std::nullopt;
        if (auto problem = Glob::check(*pattern)) {
            error(value, QStringLiteral("bad glob '%1' in '%2': %3").arg(*pattern, entry.key, *problem),
                QStringLiteral("globs match project-relative paths: '*' within a directory, '**' across "
                               "directories, as in 'src/ui/**'"));
            return std::nullopt;
        }
        return pattern;
    }

    std::optional<QStringList> globList(const Entry& entry)
    {
        if (entry.value.IsNull())
            return QStringList();
        if (!entry.value.IsSequence()) {
            error(entry.value,
                QStringLiteral("'%1' must be a list of globs, not %2").arg(entry.key, describe(entry.value)),
                QStringLiteral("%1: [\"%2\"]")
                    .arg(entry.key, entry.value.IsScalar() ? scalarText(entry.value) : QStringLiteral("src/**")));
            return std::nullopt;
        }
        QStringList patterns;
        bool ok = true;
        for (const YAML::Node& item : entry.value) {
            if (auto pattern = glob(entry, item))
                patterns.append(*pattern);
            else
                ok = false;
        }
        return ok ? std::optional(patterns) : std::nullopt;
    }

    const Entry* entry(const QList<Entry>& entries, const QString& key)
    {
        for (const Entry& e : entries) {
            if (e.key == key)
                return &e;
        }
        return nullptr;
    }

    void settings(const YAML::Node& node, Settings& out)
    {
        auto entries = mapping(node, QStringLiteral("settings"), kSettingsKeys);
        if (!entries)
            return;
        for (const Entry& e : *entries) {
            if (e.key == u"fail_on_warning") {
                if (auto value = boolean(e))
                    out.failOnWarning = *value;
            } else if (e.key == u"exclude_tests") {
                if (auto value = boolean(e))
                    out.excludeTests = *value;
            } else if (auto patterns = globList(e)) {
                out.excludePatterns = *patterns;
            }
        }
    }

    std::optional<Expectation> expectation(const YAML::Node& node)
    {
        const QString forms = QStringLiteral("empty, not_empty, {max: N}, {min: N} or {count: N}");
        if (node.IsScalar()) {
            const QString word = scalarText(node);
            if (word == u"empty")
                return Expectation {Expectation::Kind::Empty, 0};
            if (word == u"not_empty")
                return Expectation {Expectation::Kind::NotEmpty, 0};
            error(node, QStringLiteral("expect must be %1, not '%2'").arg(forms, word), suggestion(word, kExpectWords));
            return std::nullopt;
        }
        if (!node.IsMap() || node.size() != 1) {
            error(node, QStringLiteral("expect must be %1, not %2").arg(forms, describe(node)),
                node.IsMap() ? QStringLiteral("give exactly one of max, min, count") : QString());
            return std::nullopt;
        }
        auto entries = mapping(node, QStringLiteral("expect"), kExpectKeys);
        if (!entries || entries->isEmpty())
            return std::nullopt;
        const Entry& e = entries->first();
        auto number = count(e.value, e.key);
        if (!number)
            return std::nullopt;
        const auto kind = e.key == u"max" ? Expectation::Kind::Max
            : e.key == u"min"             ? Expectation::Kind::Min
                                          : Expectation::Kind::Count;
        return Expectation {kind, *number};
    }

    std::optional<Rule> analyzeRule(const QList<Entry>& entries, const YAML::Node& ruleNode)
    {
        const Entry* analysis = entry(entries, QStringLiteral("analysis"));
        if (!analysis) {
            error(ruleNode, QStringLiteral("the analyze rule needs 'analysis'"),
                QStringLiteral("one of ") + analysisNames().join(QStringLiteral(", ")));
            return std::nullopt;
        }
        auto name = string(*analysis);
        if (!name)
            return std::nullopt;
        const qsizetype index = analysisNames().indexOf(*name);
        if (index < 0) {
            error(analysis->value, QStringLiteral("unknown analysis '%1'").arg(*name),
                suggestion(*name, analysisNames()));
            return std::nullopt;
        }
        AnalyzeRule rule;
        rule.analysis = AnalyzeRule::Analysis(index);
        if (const Entry* threshold = entry(entries, QStringLiteral("threshold"))) {
            if (rule.analysis == AnalyzeRule::Analysis::Circular || rule.analysis == AnalyzeRule::Analysis::Unused) {
                error(threshold->keyNode, QStringLiteral("the %1 analysis takes no threshold").arg(*name),
                    QStringLiteral("threshold applies to complexity, coupling and hotspots"));
                return std::nullopt;
            }
            auto value = count(threshold->value, QStringLiteral("threshold"));
            if (!value)
                return std::nullopt;
            if (rule.analysis == AnalyzeRule::Analysis::Complexity && *value < 10) {
                error(threshold->value,
                    QStringLiteral("the complexity analysis reports functions over 10; threshold %1 is below it")
                        .arg(*value),
                    QStringLiteral("for a lower bound use a query rule: \"SELECT id FROM functions WHERE complexity > "
                                   "%1\"")
                        .arg(*value));
                return std::nullopt;
            }
            rule.threshold = *value;
        }
        return rule;
    }

    std::optional<Rule> dependencyRule(const QList<Entry>& entries, const YAML::Node& ruleNode)
    {
        DependencyRule rule;
        bool ok = true;
        for (const QString& key : {QStringLiteral("from"), QStringLiteral("to")}) {
            const Entry* e = entry(entries, key);
            if (!e) {
                error(ruleNode, QStringLiteral("the dependency rule needs '%1' (a glob on file paths)").arg(key),
                    QStringLiteral("{type: dependency, from: \"src/ui/**\", to: \"src/storage/**\"}"));
                ok = false;
                continue;
            }
            if (auto pattern = glob(*e, e->value))
                (key == u"from" ? rule.from : rule.to) = *pattern;
            else
                ok = false;
        }
        if (const Entry* e = entry(entries, QStringLiteral("except"))) {
            if (auto patterns = globList(*e))
                rule.except = *patterns;
            else
                ok = false;
        }
        return ok ? std::optional<Rule>(rule) : std::nullopt;
    }

    std::optional<Rule> queryRule(const QList<Entry>& entries, const YAML::Node& ruleNode)
    {
        const Entry* e = entry(entries, QStringLiteral("muql"));
        if (!e) {
            error(ruleNode, QStringLiteral("the query rule needs 'muql'"),
                QStringLiteral("muql: \"SELECT id FROM functions WHERE complexity > 15\""));
            return std::nullopt;
        }
        auto muql = string(*e);
        if (!muql)
            return std::nullopt;
        auto parsed = query::parse(*muql);
        if (!parsed) {
            error(e->value, QStringLiteral("bad MUQL in 'muql': %1").arg(parsed.error().message),
                QStringLiteral("try the query with `mu q` first"));
            return std::nullopt;
        }
        return QueryRule {*muql};
    }

    std::optional<Rule> patternRule(const QList<Entry>& entries, const YAML::Node& ruleNode)
    {
        PatternRule rule;
        bool ok = true;
        const Entry* nodeType = entry(entries, QStringLiteral("node_type"));
        if (!nodeType) {
            error(ruleNode, QStringLiteral("the pattern rule needs 'node_type'"),
                QStringLiteral("module, class, function, or a kind such as method or interface"));
            ok = false;
        } else if (auto type = string(*nodeType)) {
            if (kPatternNodeTypes.contains(*type)) {
                rule.nodeType = *type;
            } else {
                error(nodeType->value, QStringLiteral("unknown node_type '%1'").arg(*type),
                    suggestion(*type, kPatternNodeTypes));
                ok = false;
            }
        } else {
            ok = false;
        }
        if (const Entry* e = entry(entries, QStringLiteral("path"))) {
            if (auto pattern = glob(*e, e->value))
                rule.path = *pattern;
            else
                ok = false;
        }
        if (const Entry* e = entry(entries, QStringLiteral("name_pattern"))) {
            if (auto pattern = string(*e)) {
                const QRegularExpression regex(*pattern);
                if (regex.isValid()) {
                    rule.namePattern = *pattern;
                } else {
                    error(e->value,
                        QStringLiteral("bad regular expression in 'name_pattern': %1 at offset %2")
                            .arg(regex.errorString())
                            .arg(regex.patternErrorOffset()));
                    ok = false;
                }
            } else {
                ok = false;
            }
        }
        for (const QString& key : {QStringLiteral("decorator"), QStringLiteral("base")}) {
            if (const Entry* e = entry(entries, key)) {
                if (auto value = string(*e))
                    (key == u"decorator" ? rule.decorator : rule.base) = value->trimmed().remove(u'@');
                else
                    ok = false;
            }
        }
        if (ok && rule.namePattern.isEmpty() && rule.decorator.isEmpty() && rule.base.isEmpty()) {
            error(ruleNode, QStringLiteral("the pattern rule requires nothing"),
                QStringLiteral("give at least one of name_pattern, decorator, base"));
            ok = false;
        }
        return ok ? std::optional<Rule>(rule) : std::nullopt;
    }

    std::optional<Rule> rule(const YAML::Node& node, SourcePosition& position)
    {
        if (!node.IsMap()) {
            error(node,
                QStringLiteral("'rule' must be a mapping such as {type: analyze, analysis: circular}, not %1")
                    .arg(describe(node)));
            return std::nullopt;
        }
        position = positionOf(node);
        // The keys a rule may have depend on its type: read the type first.
        QString type;
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (it->first.IsScalar() && it->first.Scalar() == "type") {
                if (!it->second.IsScalar() || it->second.IsNull()) {
                    error(it->second, QStringLiteral("'type' must be a string, not %1").arg(describe(it->second)));
                    return std::nullopt;
                }
                type = scalarText(it->second);
                if (!ruleTypeNames().contains(type)) {
                    error(it->second, QStringLiteral("unknown rule type '%1'").arg(type),
                        suggestion(type, ruleTypeNames()));
                    return std::nullopt;
                }
            }
        }
        if (type.isEmpty()) {
            error(node, QStringLiteral("the rule needs 'type'"),
                QStringLiteral("one of ") + ruleTypeNames().join(QStringLiteral(", ")));
            return std::nullopt;
        }
        auto entries = mapping(node, QStringLiteral("a %1 rule").arg(type), ruleKeys(type));
        if (!entries)
            return std::nullopt;
        // Errors found while running the rule point at its main value.
        for (const QString& key : {QStringLiteral("muql"), QStringLiteral("analysis"), QStringLiteral("from")}) {
            if (const Entry* e = entry(*entries, key))
                position = positionOf(e->value);
        }
        if (type == u"analyze")
            return analyzeRule(*entries, node);
        if (type == u"dependency")
            return dependencyRule(*entries, node);
        if (type == u"query")
            return queryRule(*entries, node);
        return patternRule(*entries, node);
    }

    std::optional<Contract> contract(const YAML::Node& node, QHash<QString, int>& names)
    {
        auto entries = mapping(node, QStringLiteral("a contract"), kContractKeys);
        if (!entries)
            return std::nullopt;
        Contract contract;
        contract.position = positionOf(node);
        bool ok = true;
        if (const Entry* e = entry(*entries, QStringLiteral("name"))) {
            if (auto name = string(*e)) {
                contract.name = name->trimmed();
                if (names.contains(contract.name)) {
                    error(e->value,
                        QStringLiteral("duplicate contract name '%1' (first at line %2)")
                            .arg(contract.name)
                            .arg(names.value(contract.name)));
                    ok = false;
                }
                names.insert(contract.name, positionOf(e->value).line);
            } else {
                ok = false;
            }
        } else {
            error(node, QStringLiteral("the contract needs a 'name'"));
            ok = false;
        }
        if (const Entry* e = entry(*entries, QStringLiteral("description"))) {
            if (auto description = string(*e, true))
                contract.description = description->trimmed();
            else
                ok = false;
        }
        if (const Entry* e = entry(*entries, QStringLiteral("severity"))) {
            const QString word = e->value.IsScalar() ? scalarText(e->value) : QString();
            if (auto severity = severityFromString(word)) {
                contract.severity = *severity;
            } else {
                error(e->value,
                    QStringLiteral("severity must be error, warning or info, not %1").arg(describe(e->value)),
                    suggestion(word, kSeverities));
                ok = false;
            }
        }
        if (const Entry* e = entry(*entries, QStringLiteral("rule"))) {
            if (auto rule = this->rule(e->value, contract.rulePosition))
                contract.rule = *rule;
            else
                ok = false;
        } else {
            error(node,
                QStringLiteral("the contract%1 needs a 'rule'")
                    .arg(contract.name.isEmpty() ? QString() : QStringLiteral(" '%1'").arg(contract.name)),
                QStringLiteral("rule: {type: analyze, analysis: circular}"));
            ok = false;
        }
        if (const Entry* e = entry(*entries, QStringLiteral("expect"))) {
            if (auto expect = expectation(e->value))
                contract.expect = *expect;
            else
                ok = false;
        }
        return ok ? std::optional(contract) : std::nullopt;
    }

    void document(const YAML::Node& root, ContractsFile& file)
    {
        if (root.IsNull()) {
            errors.append({0, 0, QStringLiteral("the file is empty"),
                QStringLiteral("`mu contracts init` writes a commented starter file")});
            return;
        }
        auto entries = mapping(root, QStringLiteral("the contracts file"), kTopKeys);
        if (!entries)
            return;
        if (const Entry* e = entry(*entries, QStringLiteral("version"))) {
            const QString version = e->value.IsScalar() ? scalarText(e->value) : QString();
            if (version == u"1" || version == u"1.0") {
                file.version = QStringLiteral("1.0");
            } else {
                error(e->value, QStringLiteral("unknown version %1").arg(describe(e->value)),
                    QStringLiteral("this mu reads version \"1.0\""));
            }
        }
        if (const Entry* e = entry(*entries, QStringLiteral("settings")))
            settings(e->value, file.settings);
        const Entry* list = entry(*entries, QStringLiteral("contracts"));
        if (!list) {
            error(root, QStringLiteral("the file needs a 'contracts' list"),
                QStringLiteral("`mu contracts init` writes an example"));
            return;
        }
        if (list->value.IsNull())
            return; // "contracts:" with nothing yet: valid, verifies nothing
        if (!list->value.IsSequence()) {
            error(list->value,
                QStringLiteral("'contracts' must be a list (lines starting with '- '), not %1")
                    .arg(describe(list->value)));
            return;
        }
        QHash<QString, int> names;
        for (const YAML::Node& item : list->value) {
            if (auto contract = this->contract(item, names))
                file.contracts.append(*contract);
        }
    }
};

} // namespace

LoadResult parseContracts(const QByteArray& yaml, const QString& path)
{
    LoadResult result;
    result.file.path = path;
    Checker checker;
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        checker.document(root, result.file);
    } catch (const YAML::Exception& e) {
        // Syntax errors (ParserException) and anything yaml-cpp rejects while we read the nodes.
        const int line = e.mark.is_null() ? 0 : e.mark.line + 1;
        const int column = e.mark.is_null() ? 0 : e.mark.column + 1;
        checker.errors.append({line, column, QStringLiteral("YAML: %1").arg(QString::fromStdString(e.msg)), {}});
    }
    std::stable_sort(checker.errors.begin(), checker.errors.end(), [](const ConfigError& a, const ConfigError& b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    result.errors = checker.errors;
    return result;
}

LoadResult loadContracts(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        LoadResult result;
        result.file.path = path;
        result.errors.append({0, 0, QStringLiteral("cannot read the contracts file: %1").arg(file.errorString()),
            file.exists() ? QString() : QStringLiteral("`mu contracts init` writes a commented starter file")});
        return result;
    }
    return parseContracts(file.readAll(), path);
}

QByteArray starterContracts()
{
    return R"yaml(# Architecture contracts for this project, checked by `mu contracts verify` against the graph
# that `mu index` built. Exit code 0: every contract holds; 5: a contract failed; 1: this file has
# a mistake (reported with its line). Paths are relative to the project root; globs use '*' within
# a directory and '**' across directories.
version: "1.0"

settings:
  fail_on_warning: false      # true: a failed warning fails the run like an error
  exclude_tests: true         # test files (tests/, test_*.py, *_test.go, *.spec.ts…) are not checked
  exclude_patterns:           # nor are files matching these globs
    - "**/generated/**"

contracts:
  # analyze: one of MU's analyses — circular (import cycles), complexity (functions over
  # `threshold`, at least 10), coupling (modules whose afferent + efferent coupling is over
  # `threshold`, default 10), hotspots (complex functions many others call; score over
  # `threshold`, default 0), unused (functions and classes nothing references).
  - name: "No import cycles"
    description: "Modules form a hierarchy, so each can be understood and tested on its own."
    severity: error             # error | warning | info
    rule: {type: analyze, analysis: circular}
    expect: empty               # empty (default) | not_empty | {max: N} | {min: N} | {count: N}

  - name: "Functions stay readable"
    severity: warning
    rule: {type: analyze, analysis: complexity, threshold: 20}

  # dependency: no import, call, use or inheritance from a file matching `from` to one matching
  # `to`; files matching `except` are exempt.
  - name: "UI never reaches into storage"
    severity: error
    rule:
      type: dependency
      from: "src/ui/**"
      to: "src/storage/**"
      except: []

  # query: any MUQL (try it with `mu q` first); the result rows are what `expect` judges.
  - name: "Handlers are small"
    severity: warning
    rule:
      type: query
      muql: "SELECT id FROM functions WHERE file_path LIKE 'src/handlers/%' AND complexity > 15"
    expect: empty

  # pattern: every node of `node_type` (module, class, function, or a kind such as method or
  # interface) in files matching `path` must match `name_pattern` (a regular expression for the
  # whole name), carry `decorator`, and/or derive from `base`.
  - name: "Services end in Service"
    severity: info
    rule:
      type: pattern
      node_type: class
      path: "src/services/**"
      name_pattern: ".*Service$"
)yaml";
}

} // namespace mu::contracts
