#pragma once

#include "model/result.h"
#include "server/http.h"

#include <QObject>

#include <functional>
#include <memory>

namespace mu::server {

class LiveHub;
struct ServerContext;

/// MU's HTTP/1.1 server on 127.0.0.1, with the WebSocket `/live` hub on the same port (SPEC §8).
///
/// Every request passes, in order: framing limits (header block, Content-Length, request timeout)
/// → Host (403 forbidden_host) → Origin (403 forbidden_origin) → route lookup → bearer token
/// (401 unauthorized, except public routes; unknown paths need the token too, so they cannot be
/// probed) → 404 not_found / 405 method_not_allowed (with Allow) → the handler. Answers never
/// carry CORS headers. Requests are answered in order on each keep-alive connection.
///
/// Why not QHttpServer: Qt 6.4's server has no limits and buffers whole bodies, so the limits
/// need an HTTP parser in front of it anyway; two parsers that could disagree about framing are
/// how request smuggling happens. This class parses once, strictly (no chunked bodies: 411), and
/// hands /live upgrades to a QWebSocketServer. No Qt HTTP server type leaks through this header.
///
/// Thread: create and use on one thread with an event loop. Handlers marked Execution::Pool run on
/// the server's QThreadPool and must be thread-safe; Inline handlers run on the server's thread.
/// metricsText() and connectionCount() may be called from any thread.
/// Errors: listen() returns "port_in_use" when the port is taken, "listen" otherwise; a handler
/// that throws answers 500 "internal".
class HttpServer : public QObject {
    Q_OBJECT
public:
    using Handler = std::function<HttpResponse(const HttpRequest&)>;

    HttpServer(ServerLimits limits, SecurityOptions security, QObject* parent = nullptr);
    ~HttpServer() override;

    /// Pattern: literal segments and {name} placeholders; {name*} matches one or more segments
    /// (slashes included), e.g. "/nodes/{id*}/neighbors" matches "/nodes/fn:src/a.py:f/neighbors".
    /// The route with the most literal segments wins. A malformed pattern is a programming error:
    /// it is logged and the route is not added.
    void route(const QByteArray& method, const QString& pattern, Handler handler, Execution execution = Execution::Pool,
        bool isPublic = false);

    /// Listens on 127.0.0.1 (only); 0 = any free port. Returns the port.
    Result<quint16> listen(quint16 port);
    quint16 port() const;
    /// Stops listening and closes every connection and WebSocket client.
    void close();

    /// Adds "revision" to JSON error answers that have none. Called on the server's thread.
    void setRevisionProvider(std::function<qint64()> provider);

    LiveHub& live();

    /// Prometheus text for the transport: mu_http_requests_total{code},
    /// mu_http_request_duration_seconds (histogram), mu_http_connections, mu_ws_clients,
    /// mu_ws_dropped_total.
    QByteArray metricsText() const;
    /// Open HTTP connections (WebSocket clients are counted by live().clientCount()).
    int connectionCount() const;

private:
    void acceptConnection(qintptr socketDescriptor);

    std::unique_ptr<ServerContext> m_context;
};

} // namespace mu::server
