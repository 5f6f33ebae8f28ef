#include "server/router.h"

#include <QSet>

namespace mu::server {

namespace {

/// Backtracking over segments; patterns are short, and {x*} placeholders are few.
bool matchFrom(const QList<Router::Route::Segment>& pattern, qsizetype p, const QStringList& segments, qsizetype s,
    QHash<QString, QString>& args)
{
    if (p == pattern.size())
        return s == segments.size();
    const auto& segment = pattern.at(p);
    if (segment.isRest) {
        // One or more segments; try the shortest first so a literal suffix ("/neighbors") can match.
        for (qsizetype end = s + 1; end <= segments.size(); ++end) {
            if (matchFrom(pattern, p + 1, segments, end, args)) {
                args.insert(segment.text, segments.mid(s, end - s).join(QLatin1Char('/')));
                return true;
            }
        }
        return false;
    }
    if (s == segments.size())
        return false;
    if (segment.isPlaceholder) {
        if (segments.at(s).isEmpty())
            return false;
        if (!matchFrom(pattern, p + 1, segments, s + 1, args))
            return false;
        args.insert(segment.text, segments.at(s));
        return true;
    }
    return segment.text == segments.at(s) && matchFrom(pattern, p + 1, segments, s + 1, args);
}

bool better(const Router::Route& candidate, const Router::Route* best)
{
    if (!best)
        return true;
    if (candidate.literalCount != best->literalCount)
        return candidate.literalCount > best->literalCount;
    return candidate.restCount < best->restCount;
}

} // namespace

Status Router::add(
    const QByteArray& method, const QString& pattern, Handler handler, Execution execution, bool isPublic)
{
    if (!pattern.startsWith(QLatin1Char('/')))
        return Error {"bad_pattern", QStringLiteral("route pattern must start with '/': %1").arg(pattern)};
    Route route;
    route.method = method.toUpper();
    route.pattern = pattern;
    route.handler = std::move(handler);
    route.execution = execution;
    route.isPublic = isPublic;
    QSet<QString> names;
    const QStringList parts = pattern.mid(1).split(QLatin1Char('/'));
    for (const QString& part : parts) {
        Route::Segment segment;
        if (part.startsWith(QLatin1Char('{'))) {
            if (!part.endsWith(QLatin1Char('}')))
                return Error {"bad_pattern", QStringLiteral("unclosed placeholder in %1").arg(pattern)};
            QString name = part.mid(1, part.size() - 2);
            segment.isPlaceholder = true;
            if (name.endsWith(QLatin1Char('*'))) {
                segment.isRest = true;
                name.chop(1);
                ++route.restCount;
            }
            if (name.isEmpty() || names.contains(name))
                return Error {"bad_pattern", QStringLiteral("empty or repeated placeholder in %1").arg(pattern)};
            names.insert(name);
            segment.text = name;
        } else {
            if (part.contains(QLatin1Char('{')) || part.contains(QLatin1Char('}')))
                return Error {"bad_pattern", QStringLiteral("placeholders must fill a whole segment: %1").arg(pattern)};
            segment.text = part;
            ++route.literalCount;
        }
        route.segments.append(segment);
    }
    m_routes.append(std::move(route));
    return {};
}

Router::Match Router::match(const QByteArray& method, const QStringList& segments) const
{
    Match result;
    const Route* best = nullptr;
    QHash<QString, QString> bestArgs;
    for (const Route& route : m_routes) {
        QHash<QString, QString> args;
        if (!matchFrom(route.segments, 0, segments, 0, args))
            continue;
        if (route.method != method) {
            if (!result.allowedMethods.contains(route.method))
                result.allowedMethods.append(route.method);
            continue;
        }
        if (better(route, best)) {
            best = &route;
            bestArgs = std::move(args);
        }
    }
    if (best) {
        result.kind = Match::Kind::Found;
        result.route = best;
        result.args = std::move(bestArgs);
        result.allowedMethods.clear();
    } else if (!result.allowedMethods.isEmpty()) {
        result.kind = Match::Kind::WrongMethod;
    }
    return result;
}

QStringList Router::splitPath(const QByteArray& rawPath)
{
    QStringList segments;
    const QList<QByteArray> parts = rawPath.mid(rawPath.startsWith('/') ? 1 : 0).split('/');
    segments.reserve(parts.size());
    for (const QByteArray& part : parts)
        segments.append(QString::fromUtf8(QByteArray::fromPercentEncoding(part)));
    return segments;
}

} // namespace mu::server
