#pragma once

#include "server/http.h"
#include "server/router.h"
#include "server/transportmetrics.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <functional>

class QTcpServer;
class QTcpSocket;

namespace mu::server {

class HttpConnection;
class LiveHub;

/// What HttpServer's connections share. Internal to the server layer.
/// Thread: the server's thread, but for `pool` and `metrics` (thread-safe).
struct ServerContext {
    ServerLimits limits;
    SecurityOptions security;
    Router router;
    QThreadPool pool;
    TransportMetrics metrics;
    std::function<qint64()> revisionProvider;
    quint16 port = 0;
    QTcpServer* listener = nullptr; ///< child of the HttpServer
    LiveHub* hub = nullptr;         ///< child of the HttpServer
    QSet<HttpConnection*> connections;
};

/// One accepted HTTP/1.1 connection: parses requests itself (strictly, within the limits), checks
/// Host/Origin/token, runs the handler inline or on the pool, writes the answers in order, times
/// out slow and idle clients, and hands /live upgrades to the LiveHub.
/// Thread: the server's thread. Deletes itself (deleteLater) once its socket is gone.
class HttpConnection : public QObject {
public:
    /// Takes ownership of `socket` (already connected).
    HttpConnection(ServerContext& context, QTcpSocket* socket, QObject* parent);
    ~HttpConnection() override;

    void start();
    /// Answers `response` without reading a request and closes (used over the connection cap).
    void reject(HttpResponse response);
    /// Server shutdown: idle connections close now, a request being read gets 503, a request being
    /// handled gets its answer and then the connection closes.
    void shutdown();

private:
    enum class State {
        Head,
        Body,
        Handling,
        Closing,
        Gone
    };

    void onReadyRead();
    void onBytesWritten();
    void onDeadline();
    void process();
    bool readHead();
    bool readBody();
    void dispatch();
    /// Writes the answer to the current request; closes when the request asked for it.
    void respond(HttpResponse response);
    /// Writes `response` with "Connection: close" and closes without reading further requests.
    void failAndClose(HttpResponse response);
    void beginClose();
    void finish();
    void writeResponse(HttpResponse& response, bool close);
    void startIdle();
    void handOffUpgrade(bool authenticated);

    ServerContext& m_context;
    QTcpSocket* m_socket;
    State m_state = State::Head;
    QTimer m_deadline;
    bool m_requestStarted = false;
    bool m_keepAlive = true;
    bool m_http10 = false;
    bool m_shutdownRequested = false;
    bool m_writeShut = false;
    QElapsedTimer m_requestClock;
    HttpRequest m_request;
    Router::Handler m_handler;
    Execution m_execution = Execution::Inline;
    qint64 m_bodyRemaining = 0;
    qint64 m_drained = 0;
};

} // namespace mu::server
