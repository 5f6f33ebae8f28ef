#pragma once

#include "contracts/contract.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace mu::contracts {

/// One finding of a failed contract: where (node id and file:line, when the finding has them)
/// and what, in a line.
struct Violation {
    QString nodeId;   ///< empty when the finding is not about one node (a query row without id)
    QString filePath; ///< empty for externals and rows without a file
    int line = 0;     ///< 0 when unknown
    QString message;

    friend bool operator==(const Violation&, const Violation&) = default;
};

struct ContractResult {
    enum class Status {
        Passed,
        Failed,
        Skipped ///< not run: --fail-fast stopped at an earlier failure
    };
    QString name;
    QString description;
    Severity severity = Severity::Error;
    QString ruleType; ///< "analyze" | "dependency" | "query" | "pattern"
    Expectation expect;
    Status status = Status::Passed;
    int findings = 0;            ///< how many the rule found (violations holds the first kMaxViolations)
    QString message;             ///< for a failure: the expectation's complaint ("expected none, found 2")
    QList<Violation> violations; ///< for a failure: what was found (empty when too little was)
};
QString toString(ContractResult::Status status); ///< "passed" | "failed" | "skipped"

/// Most violations kept per contract; `findings` still counts them all.
inline constexpr int kMaxViolations = 1000;

/// The outcome of verifying a contracts file. Value type; any thread.
struct Report {
    QList<ContractResult> results;
    bool failOnWarning = false;
    qint64 revision = 0; ///< of the graph verified

    /// Whether this result decides the verdict: a failed error, or a failed warning under
    /// fail_on_warning.
    bool isBlocking(const ContractResult& result) const;
    /// False when a blocking result exists: `mu contracts verify` exits 5.
    bool passed() const;
    int count(ContractResult::Status status) const;
    int failedWith(Severity severity) const;
};

/// Text for people: a line per contract (`PASSED`/`FAILED`/`SKIPPED`, severity, name), under a
/// failure its message and each violation as `file:line  node  message`, then the totals and the
/// verdict. ANSI colours when `color` (the caller decides: TTY and NO_COLOR).
QString formatText(const Report& report, bool color);

/// JSON, stable shape (additions only, never renames):
/// {
///   "passed": bool,                       // the verdict
///   "revision": R,                        // of the graph verified
///   "fail_on_warning": bool,
///   "summary": {"total": N, "passed": N, "failed": N, "skipped": N,
///               "errors": N, "warnings": N, "infos": N},    // failed contracts per severity
///   "contracts": [{
///     "name": s, "description": s,        // description "" when none
///     "severity": "error"|"warning"|"info",
///     "rule": "analyze"|"dependency"|"query"|"pattern",
///     "expect": "empty"|"not_empty"|"{max: N}"|"{min: N}"|"{count: N}",
///     "status": "passed"|"failed"|"skipped",
///     "blocking": bool,                   // this contract fails the verdict
///     "findings": N,
///     "message": s,                       // "" unless failed
///     "violations": [{"node": s|null, "file": s|null, "line": N|null, "message": s}]
///   }]
/// }
QJsonObject toJson(const Report& report);

/// JUnit XML: one <testsuite name="mu contracts">, a <testcase classname="contracts.<severity>"
/// name="<contract>"> per contract. A blocking failure gets a <failure type="<rule>"
/// message="…"> whose text lists the violations; a failed contract that does not fail the
/// verdict (warning without fail_on_warning, info) passes, with its violations in <system-out>
/// so CI shows them without going red; skipped contracts get <skipped/>.
QByteArray formatJUnit(const Report& report);

} // namespace mu::contracts
