#include "server/security.h"

namespace mu::server::security {

bool tokenEquals(const QByteArray& presented, const QByteArray& expected)
{
    if (expected.isEmpty())
        return false;
    unsigned difference = presented.size() == expected.size() ? 0U : 1U;
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const auto have = static_cast<unsigned char>(i < presented.size() ? presented.at(i) : 0);
        difference |= have ^ static_cast<unsigned char>(expected.at(i));
    }
    return difference == 0;
}

bool hostAllowed(const QByteArray& host, quint16 port)
{
    const QByteArray suffix = ':' + QByteArray::number(port);
    if (!host.endsWith(suffix))
        return false;
    const QByteArray name = host.first(host.size() - suffix.size());
    return name == "127.0.0.1" || name.compare("localhost", Qt::CaseInsensitive) == 0;
}

bool originAllowed(const QByteArray& origin, bool hasOrigin, const SecurityOptions& options)
{
    if (!hasOrigin)
        return true;
    return options.allowedOrigins.contains(QString::fromUtf8(origin));
}

QByteArray bearerToken(const QByteArray& authorization)
{
    const QByteArray value = authorization.trimmed();
    if (value.size() < 7 || value.first(7).compare("bearer ", Qt::CaseInsensitive) != 0)
        return {};
    return value.mid(7).trimmed();
}

std::optional<HttpResponse> checkHostAndOrigin(
    const QHash<QByteArray, QByteArray>& headers, quint16 port, const SecurityOptions& options)
{
    if (!hostAllowed(headers.value("host"), port))
        return HttpResponse::error(
            403, "forbidden_host", QStringLiteral("Host must be 127.0.0.1:%1 or localhost:%1").arg(port));
    const auto origin = headers.constFind("origin");
    if (!originAllowed(origin == headers.cend() ? QByteArray() : *origin, origin != headers.cend(), options))
        return HttpResponse::error(403, "forbidden_origin", "this Origin is not allowed");
    return std::nullopt;
}

std::optional<HttpResponse> checkBearer(const QHash<QByteArray, QByteArray>& headers, const SecurityOptions& options)
{
    if (!options.requireAuth)
        return std::nullopt;
    if (tokenEquals(bearerToken(headers.value("authorization")), options.token))
        return std::nullopt;
    HttpResponse response = HttpResponse::error(401, "unauthorized", "missing or wrong bearer token");
    response.headers.append(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("Bearer")));
    return response;
}

} // namespace mu::server::security
