#pragma once

#include "query/ast.h"
#include "query/queryerror.h"

#include <QString>
#include <QStringList>

namespace mu::query {

/// Parses one MUQL statement (SPEC §3) by recursive descent: keywords case-insensitive, tables
/// and columns checked against the catalog, caps enforced (LIMIT ≤ kMaxLimit, DEPTH ≤ kMaxDepth),
/// terse forms desugared into the statements they abbreviate (`fn c>20 sort c- 10` is a
/// SELECT, `deps r d2` a SHOW dependencies).
/// Thread: pure function, any thread.
/// Errors: QueryError{"syntax"|"unknown_table"|"unknown_column"|"invalid"} positioned at the
/// offending token, its message naming line:column and, for a likely typo, the closest keyword,
/// table or column ("Unexpected token 'FORM' at 1:10. Did you mean FROM?").
Outcome<Query> parse(const QString& text);

inline constexpr int kMaxLimit = 10000;
inline constexpr int kMaxDepth = 20;

/// Words that begin a statement, for the REPL's help and completion.
QStringList statementKeywords();

} // namespace mu::query
