#pragma once

#include "model/result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <utility>
#include <variant>

namespace mu::query {

/// Why a MUQL query failed, where, and what the user may have meant. `position` is the 0-based
/// offset of the offending token in the query text (SPEC §3: `"position":9` for `FORM` in
/// `SELECT * FORM functions`); the message already names it as 1-based line:column.
/// Codes: "syntax" (lexer/parser), "unknown_table", "unknown_column", "invalid" (a well-formed
/// query that cannot run: aggregate in WHERE, limit over the cap…), "not_found" and "ambiguous"
/// (node references), "timeout", "sql" and "graph" (the store failed).
struct QueryError {
    QString code;
    QString message;
    qsizetype position = -1; ///< -1 when the error is not about one place in the text
    QStringList candidates;  ///< for "ambiguous": ids the reference could mean, best first

    /// `{"error":{"message":…,"position":…}}` (plus "code" and "candidates" when known).
    QJsonObject toJson() const;
    Error toError() const { return Error {code, message}; }
};

/// A value or a QueryError: the query layer's Result, whose failures carry a position.
template<typename T> class [[nodiscard]] Outcome {
public:
    Outcome(T value) : m_state(std::move(value)) { }          // NOLINT(google-explicit-constructor)
    Outcome(QueryError error) : m_state(std::move(error)) { } // NOLINT(google-explicit-constructor)

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<T>(m_state); }
    const T& value() const& { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const QueryError& error() const { return std::get<QueryError>(m_state); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, QueryError> m_state;
};

/// The 1-based "line:column" of a 0-based offset in `text` (columns count UTF-16 code units).
QString lineColumn(const QString& text, qsizetype offset);

/// The candidate closest to `word` by case-insensitive edit distance, if close enough to be a
/// plausible typo (distance ≤ 1 for short words, ≤ 2 for words of 5+ characters, ≤ 3 for 9+);
/// empty otherwise. Ties go to the earlier candidate, so callers list the likeliest first.
QString closestMatch(const QString& word, const QStringList& candidates);

} // namespace mu::query
