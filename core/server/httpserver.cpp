#include "server/httpserver.h"

#include "server/httpconnection.h"
#include "server/livehub.h"

#include <QLoggingCategory>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

Q_LOGGING_CATEGORY(lcServer, "mu.server", QtWarningMsg)

namespace mu::server {

namespace {

/// Accepts sockets itself so every connection goes through HttpConnection from its first byte.
class Listener : public QTcpServer {
public:
    Listener(std::function<void(qintptr)> onIncoming, QObject* parent)
        : QTcpServer(parent), m_onIncoming(std::move(onIncoming))
    { }

protected:
    void incomingConnection(qintptr socketDescriptor) override { m_onIncoming(socketDescriptor); }

private:
    std::function<void(qintptr)> m_onIncoming;
};

} // namespace

HttpServer::HttpServer(ServerLimits limits, SecurityOptions security, QObject* parent)
    : QObject(parent), m_context(std::make_unique<ServerContext>())
{
    m_context->limits = limits;
    m_context->security = std::move(security);
    m_context->pool.setMaxThreadCount(limits.workerThreads > 0 ? limits.workerThreads : QThread::idealThreadCount());
    m_context->hub = new LiveHub(m_context->limits, m_context->security, m_context->metrics, this);
}

HttpServer::~HttpServer()
{
    close();
    const auto connections = m_context->connections;
    for (HttpConnection* connection : connections)
        delete connection;
    m_context->connections.clear();
    // Handlers still running hold copies of their requests; wait so none outlives what it uses.
    m_context->pool.waitForDone();
}

void HttpServer::route(
    const QByteArray& method, const QString& pattern, Handler handler, Execution execution, bool isPublic)
{
    const Status added = m_context->router.add(method, pattern, std::move(handler), execution, isPublic);
    if (!added)
        qCCritical(lcServer) << "route not added:" << added.error().message;
}

Result<quint16> HttpServer::listen(quint16 port)
{
    if (m_context->listener && m_context->listener->isListening())
        return Error {"listen", QStringLiteral("already listening on port %1").arg(m_context->port)};
    delete m_context->listener;
    auto* listener = new Listener([this](qintptr descriptor) { acceptConnection(descriptor); }, this);
    m_context->listener = listener;
    if (!listener->listen(QHostAddress::LocalHost, port)) {
        const bool inUse = listener->serverError() == QAbstractSocket::AddressInUseError;
        const QString message = inUse
            ? QStringLiteral("port %1 on 127.0.0.1 is in use").arg(port)
            : QStringLiteral("cannot listen on 127.0.0.1:%1: %2").arg(port).arg(listener->errorString());
        delete listener;
        m_context->listener = nullptr;
        return Error {inUse ? QStringLiteral("port_in_use") : QStringLiteral("listen"), message};
    }
    m_context->port = listener->serverPort();
    return m_context->port;
}

quint16 HttpServer::port() const
{
    return m_context->port;
}

void HttpServer::close()
{
    if (m_context->listener)
        m_context->listener->close();
    const auto connections = m_context->connections;
    for (HttpConnection* connection : connections)
        connection->shutdown();
    m_context->hub->closeAll();
}

void HttpServer::setRevisionProvider(std::function<qint64()> provider)
{
    m_context->revisionProvider = std::move(provider);
}

LiveHub& HttpServer::live()
{
    return *m_context->hub;
}

QByteArray HttpServer::metricsText() const
{
    return m_context->metrics.text();
}

int HttpServer::connectionCount() const
{
    return m_context->metrics.connections();
}

void HttpServer::acceptConnection(qintptr socketDescriptor)
{
    auto* socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        qCWarning(lcServer) << "cannot adopt an accepted socket:" << socket->errorString();
        delete socket;
        return;
    }
    auto* connection = new HttpConnection(*m_context, socket, this);
    if (m_context->connections.size() >= m_context->limits.maxConnections) {
        // Not counted: it answers 503 and closes within the linger time.
        connection->reject(HttpResponse::error(503, "too_many_connections",
            QStringLiteral("the server has %1 open connections").arg(m_context->limits.maxConnections)));
        return;
    }
    m_context->connections.insert(connection);
    m_context->metrics.setConnections(int(m_context->connections.size()));
    connection->start();
}

} // namespace mu::server
