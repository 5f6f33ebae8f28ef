#include "query/queryerror.h"

#include <QJsonArray>

#include <algorithm>
#include <vector>

namespace mu::query {

QJsonObject QueryError::toJson() const
{
    QJsonObject error {{QStringLiteral("message"), message}, {QStringLiteral("code"), code}};
    error.insert(QStringLiteral("position"), position >= 0 ? QJsonValue(qint64(position)) : QJsonValue());
    if (!candidates.isEmpty())
        error.insert(QStringLiteral("candidates"), QJsonArray::fromStringList(candidates));
    return {{QStringLiteral("error"), error}};
}

QString lineColumn(const QString& text, qsizetype offset)
{
    int line = 1;
    qsizetype lineStart = 0;
    const qsizetype end = std::clamp<qsizetype>(offset, 0, text.size());
    for (qsizetype i = 0; i < end; ++i) {
        if (text[i] == u'\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return QStringLiteral("%1:%2").arg(line).arg(end - lineStart + 1);
}

namespace {

/// Optimal-string-alignment distance (Levenshtein plus adjacent transpositions, so the typo
/// FORM → FROM costs 1) over lower-cased text. Words here are short keywords and column names,
/// so the full table is cheap.
int editDistance(const QString& a, const QString& b)
{
    const QString x = a.toLower();
    const QString y = b.toLower();
    const size_t width = size_t(y.size()) + 1;
    std::vector<int> d((size_t(x.size()) + 1) * width);
    const auto at = [&](qsizetype i, qsizetype j) -> int& { return d[size_t(i) * width + size_t(j)]; };
    for (qsizetype i = 0; i <= x.size(); ++i)
        at(i, 0) = int(i);
    for (qsizetype j = 0; j <= y.size(); ++j)
        at(0, j) = int(j);
    for (qsizetype i = 1; i <= x.size(); ++i) {
        for (qsizetype j = 1; j <= y.size(); ++j) {
            const int cost = x[i - 1] == y[j - 1] ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1])
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
        }
    }
    return at(x.size(), y.size());
}

} // namespace

QString closestMatch(const QString& word, const QStringList& candidates)
{
    if (word.isEmpty())
        return {};
    const int allowed = word.size() >= 9 ? 3 : word.size() >= 5 ? 2 : 1;
    QString best;
    int bestDistance = allowed + 1;
    for (const QString& candidate : candidates) {
        const int distance = editDistance(word, candidate);
        if (distance < bestDistance) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}

} // namespace mu::query
