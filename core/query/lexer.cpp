#include "query/lexer.h"

namespace mu::query {

namespace {

bool isWordStart(QChar c)
{
    return c.isLetter() || c == u'_';
}

bool isWordPart(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

QueryError syntaxError(const QString& text, qsizetype offset, const QString& what, const QString& hint = {})
{
    QString message = QStringLiteral("%1 at %2.").arg(what, lineColumn(text, offset));
    if (!hint.isEmpty())
        message += u' ' + hint;
    return QueryError {QStringLiteral("syntax"), message, offset, {}};
}

/// Reads the string literal opening at `start`; `end` receives the offset past its closing quote.
Outcome<QString> readString(const QString& text, qsizetype start, qsizetype& end)
{
    const QChar quote = text[start];
    QString value;
    for (qsizetype i = start + 1; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c == quote) {
            if (i + 1 < text.size() && text[i + 1] == quote) { // SQL style: 'it''s'
                value += quote;
                ++i;
                continue;
            }
            end = i + 1;
            return value;
        }
        if (c == u'\\' && i + 1 < text.size()) {
            const QChar next = text[i + 1];
            if (next == quote || next == u'\\' || next == u'\'' || next == u'"') {
                value += next;
                ++i;
                continue;
            }
            if (next == u'n' || next == u't' || next == u'r') {
                value += next == u'n' ? u'\n' : next == u't' ? u'\t' : u'\r';
                ++i;
                continue;
            }
        }
        value += c;
    }
    return syntaxError(
        text, start, QStringLiteral("Unterminated string starting"), QStringLiteral("Close it with %1.").arg(quote));
}

} // namespace

Outcome<QList<Token>> tokenize(const QString& text)
{
    QList<Token> tokens;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        const QChar c = text[i];
        if (c.isSpace()) {
            ++i;
            continue;
        }
        if (c == u'-' && i + 1 < n && text[i + 1] == u'-') {
            while (i < n && text[i] != u'\n')
                ++i;
            continue;
        }
        const qsizetype start = i;
        if (isWordStart(c)) {
            // A dot joins words into one path (properties.key, app.models.User) only when a word
            // follows it directly.
            while (i < n && (isWordPart(text[i]) || (text[i] == u'.' && i + 1 < n && isWordStart(text[i + 1]))))
                ++i;
            tokens.append({Token::Kind::Word, text.sliced(start, i - start), start, i - start});
            continue;
        }
        if (c.isDigit()) {
            while (i < n && text[i].isDigit())
                ++i;
            if (i + 1 < n && text[i] == u'.' && text[i + 1].isDigit()) {
                ++i;
                while (i < n && text[i].isDigit())
                    ++i;
            }
            tokens.append({Token::Kind::Number, text.sliced(start, i - start), start, i - start});
            continue;
        }
        if (c == u'\'' || c == u'"') {
            qsizetype end = start;
            auto value = readString(text, start, end);
            if (!value)
                return value.error();
            tokens.append({Token::Kind::String, *value, start, end - start});
            i = end;
            continue;
        }
        static const QStringList kTwoCharacterSymbols
            = {QStringLiteral("!="), QStringLiteral("<>"), QStringLiteral("<="), QStringLiteral(">=")};
        const QString pair = text.mid(i, 2);
        if (kTwoCharacterSymbols.contains(pair)) {
            tokens.append({Token::Kind::Symbol, pair, start, 2});
            i += 2;
            continue;
        }
        if (QStringView(u"=<>~(),*-;").contains(c)) {
            tokens.append({Token::Kind::Symbol, QString(c), start, 1});
            ++i;
            continue;
        }
        QString hint;
        if ((c == u':' || c == u'/') && !tokens.isEmpty() && tokens.last().kind == Token::Kind::Word
            && tokens.last().offset + tokens.last().length == start) {
            hint = QStringLiteral("Quote node ids and paths: '%1%2…'.").arg(tokens.last().text, c);
        } else if (c == u'!') {
            hint = QStringLiteral("Did you mean != ?");
        }
        return syntaxError(text, start, QStringLiteral("Unexpected character '%1'").arg(c), hint);
    }
    tokens.append({Token::Kind::End, QString(), n, 0});
    return tokens;
}

} // namespace mu::query
