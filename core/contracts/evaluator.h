#pragma once

#include "contracts/contract.h"
#include "contracts/contractsloader.h"
#include "contracts/report.h"
#include "model/result.h"

#include <QString>

#include <memory>

namespace mu::query {
class QueryEngine;
}
namespace mu::store {
class StoreReader;
}

namespace mu::contracts {

/// The outcome of ContractEvaluator::verify: a report, or the contracts that could not run (a
/// query the graph cannot answer), positioned in the contracts file like loading errors.
struct VerifyResult {
    Report report;
    QList<ConfigError> errors;

    bool ok() const { return errors.isEmpty(); }
};

/// Checks a validated ContractsFile against one project's graph. Each rule yields findings:
///  - analyze: the rows of the query engine's `ANALYZE <analysis>` (see query/queryengine.h),
///    over the threshold for complexity (complexity), coupling (afferent + efferent) and
///    hotspots (score); a cycle is located at its first module's import into the cycle and kept
///    while any of its modules is not excluded.
///  - dependency: every imports/calls/uses/inherits edge whose source node's file matches `from`
///    and whose target node's file matches `to`, neither matching `except`. Edges between two
///    files that both match `to` are the layer using itself and are allowed; externals have no
///    file and never match.
///  - query: the MUQL result rows; rows whose file_path (or id's file) is excluded are dropped.
///    A row's node is its `id` cell, its place `file_path` and `line_start` (looked up by id
///    when the query did not select them).
///  - pattern: nodes of node_type (a type or kind) in files matching `path` that miss a
///    requirement: the name (regular expression, whole name), a decorator whose name (without
///    '@' and arguments) is `decorator` or ends in `.decorator`, a base named `base` among the
///    class's bases, directly or through project classes it inherits from.
/// Excluded files (settings) are invisible to all of them. The expectation judges the number
/// of findings; a failed contract lists them as violations (at most kMaxViolations).
///
/// Thread: bound to the thread that called open() (it owns a QueryEngine and a StoreReader).
/// Errors: open() fails like StoreReader::open / QueryEngine::open; verify() reports a rule the
/// engine rejects as a ConfigError at the rule's position in the contracts file.
class ContractEvaluator {
public:
    struct Options {
        bool failFast = false; ///< stop at the first failure that fails the verdict; the rest are skipped
    };

    static Result<std::unique_ptr<ContractEvaluator>> open(const QString& dbPath);
    ~ContractEvaluator();
    ContractEvaluator(const ContractEvaluator&) = delete;
    ContractEvaluator& operator=(const ContractEvaluator&) = delete;

    VerifyResult verify(const ContractsFile& file, Options options);
    VerifyResult verify(const ContractsFile& file) { return verify(file, Options {}); }

private:
    ContractEvaluator(std::unique_ptr<query::QueryEngine> engine, std::unique_ptr<store::StoreReader> reader);

    std::unique_ptr<query::QueryEngine> m_engine;
    std::unique_ptr<store::StoreReader> m_reader;
};

} // namespace mu::contracts
