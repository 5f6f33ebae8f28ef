#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

/// The model of `.mu/contracts.yml` (SPEC §7): plain value types, filled by ContractsLoader and
/// read by ContractEvaluator. Every value here has been validated; the evaluator trusts it.
/// Thread: value types, any thread.
namespace mu::contracts {

/// How much a failed contract matters: error fails the verdict, warning only with
/// settings.fail_on_warning, info never.
enum class Severity {
    Error,
    Warning,
    Info
};
QString toString(Severity severity); ///< "error" | "warning" | "info"
std::optional<Severity> severityFromString(const QString& text);

/// What the number of findings of a rule must be. A rule's findings are its violations when the
/// expectation fails: cycles, offending edges, result rows, non-conforming nodes.
struct Expectation {
    enum class Kind {
        Empty,    ///< no findings (the default)
        NotEmpty, ///< at least one
        Max,      ///< at most `count`
        Min,      ///< at least `count`
        Count     ///< exactly `count`
    };
    Kind kind = Kind::Empty;
    int count = 0;

    bool holds(int findings) const;
    /// As written in YAML: "empty", "not_empty", "{max: 3}".
    QString toString() const;
    /// Why `findings` fails it, in words: "expected none, found 2".
    QString failure(int findings) const;
};

/// `type: analyze`: one of the query engine's ANALYZE statements (see core/query/queryengine.h
/// for what each one computes), its rows being the findings.
struct AnalyzeRule {
    enum class Analysis {
        Circular,   ///< import cycles between modules; no threshold
        Complexity, ///< functions with complexity > threshold (default and minimum 10)
        Coupling,   ///< modules whose afferent + efferent coupling > threshold (default 10)
        Hotspots,   ///< hotspots (complex functions called by ≥ 2 others) with score > threshold (default 0)
        Unused      ///< functions and classes nothing references; no threshold
    };
    Analysis analysis = Analysis::Circular;
    std::optional<int> threshold;

    /// The threshold in force: the given one or the analysis's default.
    int effectiveThreshold() const;
};
QString toString(AnalyzeRule::Analysis analysis);
QStringList analysisNames();

/// `type: dependency`: no imports/calls/uses/inherits edge may lead from a node in a file
/// matching `from` to a node in a file matching `to`; an edge with either end in a file matching
/// one of `except` is allowed.
struct DependencyRule {
    QString from;
    QString to;
    QStringList except;
};

/// `type: query`: any MUQL statement; its result rows are the findings.
struct QueryRule {
    QString muql;
};

/// `type: pattern`: every node of `nodeType` in a file matching `path` must satisfy the
/// requirements given (at least one is): a name matching `namePattern` (a regular expression
/// matched against the whole name), a decorator or annotation named `decorator`, a base class
/// named `base` (directly or through other project classes). Non-conforming nodes are the findings.
struct PatternRule {
    QString nodeType; ///< a node type (module, class, function) or a kind (method, struct, interface…)
    QString path;     ///< glob; empty means every file
    QString namePattern;
    QString decorator;
    QString base;
};

using Rule = std::variant<AnalyzeRule, DependencyRule, QueryRule, PatternRule>;
QString ruleTypeName(const Rule& rule); ///< "analyze" | "dependency" | "query" | "pattern"
QStringList ruleTypeNames();

/// Where something was written in the contracts file (1-based), for messages about it.
struct SourcePosition {
    int line = 0;
    int column = 0;
};

struct Contract {
    QString name;
    QString description;
    Severity severity = Severity::Error;
    Rule rule;
    Expectation expect;
    SourcePosition position;     ///< of the contract's entry in `contracts:`
    SourcePosition rulePosition; ///< of the rule's main value (muql, globs…), for errors found while running it
};

struct Settings {
    bool failOnWarning = false;
    bool excludeTests = true;
    QStringList excludePatterns; ///< globs on project-relative file paths
};

struct ContractsFile {
    QString path; ///< where it was read from, for messages
    QString version = QStringLiteral("1.0");
    Settings settings;
    QList<Contract> contracts;
};

} // namespace mu::contracts
