#include "contracts/glob.h"

namespace mu::contracts {

namespace {

/// The translation of a glob into an anchored regular expression; `error` set when the glob is
/// malformed (the regex is then meaningless).
QString translate(const QString& pattern, QString* error)
{
    QString regex;
    const qsizetype n = pattern.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = pattern.at(i);
        if (c == u'*') {
            const bool doubleStar = i + 1 < n && pattern.at(i + 1) == u'*';
            if (!doubleStar) {
                regex += QStringLiteral("[^/]*");
                continue;
            }
            const bool segmentStart = i == 0 || pattern.at(i - 1) == u'/';
            const bool segmentEnd = i + 2 == n || pattern.at(i + 2) == u'/';
            if (!segmentStart || !segmentEnd) {
                *error
                    = QStringLiteral("'**' must be a whole path segment (as in 'src/**/x.py') at column %1").arg(i + 1);
                return {};
            }
            if (i + 2 == n) {
                regex += QStringLiteral(".*"); // trailing **: everything below
                i += 1;
            } else {
                regex += QStringLiteral("(?:[^/]*/)*"); // **/: zero or more whole directories
                i += 2;
            }
        } else if (c == u'?') {
            regex += QStringLiteral("[^/]");
        } else if (c == u'[') {
            const qsizetype close = pattern.indexOf(u']', i + 2);
            if (close < 0) {
                *error = QStringLiteral("unclosed '[' at column %1").arg(i + 1);
                return {};
            }
            QString set = pattern.mid(i + 1, close - i - 1);
            if (set.startsWith(u'!'))
                set[0] = u'^';
            if (set.contains(u'/')) {
                *error = QStringLiteral("a character class cannot match '/' (column %1)").arg(i + 1);
                return {};
            }
            set.replace(QStringLiteral("\\"), QStringLiteral("\\\\"));
            regex += u'[' + set + u']';
            i = close;
        } else {
            regex += QRegularExpression::escape(QString(c));
        }
    }
    return regex;
}

} // namespace

std::optional<QString> Glob::check(const QString& pattern)
{
    if (pattern.isEmpty())
        return QStringLiteral("empty pattern");
    if (pattern.startsWith(u'/'))
        return QStringLiteral("paths are relative to the project root; drop the leading '/'");
    QString error;
    const QString regex = translate(pattern, &error);
    if (!error.isEmpty())
        return error;
    if (!QRegularExpression(QRegularExpression::anchoredPattern(regex)).isValid())
        return QStringLiteral("not a valid pattern");
    return std::nullopt;
}

Glob::Glob(const QString& pattern) : m_pattern(pattern)
{
    QString error;
    m_regex = QRegularExpression(QRegularExpression::anchoredPattern(translate(pattern, &error)));
    Q_ASSERT(error.isEmpty());
}

bool Glob::matches(const QString& path) const
{
    return m_regex.match(path).hasMatch();
}

} // namespace mu::contracts
