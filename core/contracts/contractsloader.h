#pragma once

#include "contracts/contract.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace mu::contracts {

/// One problem in a contracts file, where it is (1-based line and column; 0 when the whole file
/// is at fault, e.g. it cannot be read) and, when there is one, what the user probably meant.
struct ConfigError {
    int line = 0;
    int column = 0;
    QString message;
    QString hint;

    /// "path:line:column: message", then "  hint: …" on a second line when there is a hint.
    QString toString(const QString& path) const;
};

/// A contracts file read and checked: `file` is meaningful only when `errors` is empty.
struct LoadResult {
    ContractsFile file;
    QList<ConfigError> errors; ///< in file order

    bool ok() const { return errors.isEmpty(); }
};

/// Reads `.mu/contracts.yml` (SPEC §7) with yaml-cpp and validates all of it, collecting every
/// problem rather than stopping at the first: YAML syntax, unknown keys and rule types (with
/// "did you mean"), missing keys, wrong value types, bad severities, expectations, globs,
/// regular expressions and MUQL (parsed here, so a typo in a query is reported before anything
/// runs).
///
/// The format, key by key:
///   version: "1.0"                                    optional; 1 and 1.0 are the versions known
///   settings:                                         optional
///     fail_on_warning: false                          failed warnings fail the verdict too
///     exclude_tests: true                             test files (see isTestPath) are invisible
///     exclude_patterns: ["**/generated/**"]           so are files matching these globs
///   contracts:                                        required; a list of
///     - name: "…"                                     required, unique
///       description: "…"                              optional
///       severity: error                               error (default) | warning | info
///       rule: {type: …, …}                            required; see contract.h for each type:
///             analyze: analysis (circular|complexity|coupling|hotspots|unused), threshold
///             dependency: from, to (globs), except (list of globs)
///             query: muql
///             pattern: node_type, path, name_pattern, decorator, base
///       expect: empty                                 empty (default) | not_empty | {max: N}
///                                                     | {min: N} | {count: N}
/// Thread: pure functions, any thread.
LoadResult loadContracts(const QString& path);
LoadResult parseContracts(const QByteArray& yaml, const QString& path);

/// The commented starter file `mu contracts init` writes: one contract of every rule type,
/// valid as it stands.
QByteArray starterContracts();

} // namespace mu::contracts
