#pragma once

#include "server/http.h"

#include <QByteArray>
#include <QHash>

#include <optional>

namespace mu::server {

/// The request checks DESIGN.md "Security" asks for, shared by HTTP requests and WebSocket
/// upgrades. Pure functions of their arguments; thread-safe.
namespace security {

/// Compares in time that depends only on `expected`'s length. An empty `expected` matches nothing.
bool tokenEquals(const QByteArray& presented, const QByteArray& expected);

/// Host must be exactly 127.0.0.1:<port> or localhost:<port> (DNS rebinding defence).
bool hostAllowed(const QByteArray& host, quint16 port);

/// A request without Origin passes; a present one must be in `allowedOrigins` exactly.
bool originAllowed(const QByteArray& origin, bool hasOrigin, const SecurityOptions& options);

/// The bearer token of an "Authorization: Bearer <token>" value, or empty.
QByteArray bearerToken(const QByteArray& authorization);

/// 403 forbidden_host / 403 forbidden_origin, or nothing when Host and Origin pass.
std::optional<HttpResponse> checkHostAndOrigin(
    const QHash<QByteArray, QByteArray>& headers, quint16 port, const SecurityOptions& options);

/// 401 unauthorized (with WWW-Authenticate), or nothing when the bearer token is right or auth is off.
std::optional<HttpResponse> checkBearer(const QHash<QByteArray, QByteArray>& headers, const SecurityOptions& options);

} // namespace security
} // namespace mu::server
