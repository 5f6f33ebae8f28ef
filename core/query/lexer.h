#pragma once

#include "query/queryerror.h"

#include <QList>
#include <QString>

namespace mu::query {

/// One lexeme of a MUQL query.
struct Token {
    enum class Kind {
        Word,   ///< keyword or identifier, possibly dotted (`properties.is_async`, `app.models.User`)
        String, ///< '…' or "…", unescaped
        Number, ///< 42, 3.5 (never signed: the parser owns unary minus)
        Symbol, ///< = != <> < <= > >= ~ ( ) , * - ;
        End     ///< end of the query
    };
    Kind kind = Kind::End;
    QString text;         ///< Word and Symbol as written; String unescaped; Number its digits
    qsizetype offset = 0; ///< 0-based offset of the first character in the query
    qsizetype length = 0; ///< characters the token spans in the query (with quotes)

    /// A Word equal to `keyword` ignoring case (keywords are case-insensitive, SPEC §3).
    bool isWord(QStringView keyword) const
    {
        return kind == Kind::Word && text.compare(keyword, Qt::CaseInsensitive) == 0;
    }
    bool isSymbol(QStringView symbol) const { return kind == Kind::Symbol && text == symbol; }
};

/// Splits MUQL text into tokens. Whitespace and `--` comments (to the end of the line) separate
/// tokens. Strings take '…' or "…"; a doubled quote or a backslash escapes the quote, `\\`,
/// `\n`, `\t` and `\r` mean what they do in C, and any other backslash is kept as written, so
/// regular expressions read naturally ('\d+' is the regex \d+).
/// The list always ends with one End token whose offset is the text's length.
/// Thread: pure function, any thread.
/// Errors: QueryError{"syntax"} for an unterminated string or a character MUQL does not use,
/// positioned at it, with a hint where one helps (node ids with ':' or '/' must be quoted).
Outcome<QList<Token>> tokenize(const QString& text);

} // namespace mu::query
