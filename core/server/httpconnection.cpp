#include "server/httpconnection.h"

#include "server/livehub.h"
#include "server/security.h"

#include <QFutureWatcher>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QtConcurrent/QtConcurrentRun>
#include <QTcpSocket>

#include <sys/socket.h>

#include <exception>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace mu::server {

namespace {

/// After a "Connection: close" answer, how long the peer gets to read it before the socket is
/// aborted, and how much of what it still sends is read and dropped meanwhile (closing a socket
/// with unread input sends RST, which can destroy the answer before the client reads it).
constexpr int kLingerMs = 2000;
constexpr qint64 kMaxDrainBytes = 64LL << 20;

struct Head {
    QByteArray method;
    QByteArray target;
    QByteArray version;
    QHash<QByteArray, QByteArray> headers;
};

struct HeadError {
    int status = 400;
    QString code;
    QString message;
};

bool isToken(const QByteArray& text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 32 || u >= 127 || QByteArrayView("()<>@,;:\\\"/[]?={}").contains(c))
            return false;
    }
    return true;
}

/// Strict on purpose: anything ambiguous about framing or identity is refused, not guessed.
std::optional<HeadError> parseHead(const QByteArray& block, Head& head)
{
    QList<QByteArray> lines = block.split('\n');
    for (QByteArray& line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    const QList<QByteArray> requestLine = lines.value(0).split(' ');
    if (requestLine.size() != 3)
        return HeadError {400, "bad_request", "malformed request line"};
    head.method = requestLine.at(0);
    head.target = requestLine.at(1);
    head.version = requestLine.at(2);
    if (head.method.size() > 16 || !isToken(head.method) || head.method != head.method.toUpper())
        return HeadError {400, "bad_request", "malformed method"};
    if (!head.target.startsWith('/'))
        return HeadError {400, "bad_request", "the request target must be an absolute path"};
    for (const char c : std::as_const(head.target)) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 32 || u == 127)
            return HeadError {400, "bad_request", "control character in the request target"};
    }
    if (head.version != "HTTP/1.1" && head.version != "HTTP/1.0")
        return HeadError {505, "http_version_not_supported", "only HTTP/1.1 and HTTP/1.0"};
    static const QList<QByteArray> kSingle {"host", "content-length", "authorization", "origin", "upgrade"};
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray& line = lines.at(i);
        if (line.isEmpty())
            continue;
        if (line.startsWith(' ') || line.startsWith('\t'))
            return HeadError {400, "bad_request", "folded header lines are not accepted"};
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = colon > 0 ? line.first(colon).toLower() : QByteArray();
        if (!isToken(name))
            return HeadError {400, "bad_request", "malformed header line"};
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (value.contains('\0'))
            return HeadError {400, "bad_request", "NUL in a header value"};
        const auto existing = head.headers.find(name);
        if (existing == head.headers.end()) {
            head.headers.insert(name, value);
        } else if (kSingle.contains(name)) {
            return HeadError {400, "bad_request", QStringLiteral("repeated %1 header").arg(QString::fromLatin1(name))};
        } else {
            *existing += ", " + value;
        }
    }
    return std::nullopt;
}

HttpResponse internalError(const QString& what)
{
    return HttpResponse::error(500, "internal", what);
}

} // namespace

HttpConnection::HttpConnection(ServerContext& context, QTcpSocket* socket, QObject* parent)
    : QObject(parent), m_context(context), m_socket(socket)
{
    m_socket->setParent(this);
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, &HttpConnection::onDeadline);
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::start()
{
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::finish);
    // The first request gets the request timeout from the moment of connecting: a client that
    // connects and says nothing is holding a slot just like a slow one.
    m_deadline.start(m_context.limits.requestTimeoutMs);
    if (m_socket->bytesAvailable() > 0)
        process();
}

void HttpConnection::reject(HttpResponse response)
{
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::finish);
    m_requestClock.start();
    failAndClose(std::move(response));
}

void HttpConnection::shutdown()
{
    m_shutdownRequested = true;
    m_keepAlive = false;
    if (m_state == State::Head && !m_requestStarted)
        beginClose();
    else if (m_state == State::Head || m_state == State::Body)
        failAndClose(HttpResponse::error(503, "shutting_down", "the server is shutting down"));
}

void HttpConnection::onReadyRead()
{
    switch (m_state) {
    case State::Head:
    case State::Body:
        process();
        break;
    case State::Handling:
        // The next request (pipelining) waits in the socket until this one is answered; cap it.
        if (m_socket->bytesAvailable() > m_context.limits.maxHeaderBytes + m_context.limits.maxBodyBytes) {
            m_socket->abort();
            finish();
        }
        break;
    case State::Closing:
        m_drained += m_socket->skip(m_socket->bytesAvailable());
        if (m_drained > kMaxDrainBytes) {
            m_socket->abort();
            finish();
        }
        break;
    case State::Gone:
        break;
    }
}

void HttpConnection::onBytesWritten()
{
    if (m_state == State::Closing && !m_writeShut && m_socket->bytesToWrite() == 0) {
        m_writeShut = true;
        // Half-close: the peer reads the answer and EOF, and we keep draining what it still sends.
        ::shutdown(static_cast<int>(m_socket->socketDescriptor()), SHUT_WR);
    }
}

void HttpConnection::onDeadline()
{
    switch (m_state) {
    case State::Head:
        if (!m_requestStarted) {
            beginClose(); // idle keep-alive connection
            return;
        }
        [[fallthrough]];
    case State::Body:
        failAndClose(HttpResponse::error(408, "request_timeout",
            QStringLiteral("the request was not complete within %1 ms").arg(m_context.limits.requestTimeoutMs)));
        break;
    case State::Closing:
        m_socket->abort();
        finish();
        break;
    case State::Handling:
    case State::Gone:
        break;
    }
}

void HttpConnection::process()
{
    while (m_state == State::Head || m_state == State::Body) {
        const bool progressed = m_state == State::Head ? readHead() : readBody();
        if (!progressed)
            break;
    }
}

bool HttpConnection::readHead()
{
    const ServerLimits& limits = m_context.limits;
    // Tolerate the empty lines some clients send between requests.
    while (m_socket->bytesAvailable() > 0) {
        char c = 0;
        if (!m_socket->peek(&c, 1) || (c != '\r' && c != '\n'))
            break;
        m_socket->skip(1);
    }
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0)
        return false;
    if (!m_requestStarted) {
        m_requestStarted = true;
        m_requestClock.start();
        m_deadline.start(limits.requestTimeoutMs);
    }
    const QByteArray peeked = m_socket->peek(qMin<qint64>(available, qint64(limits.maxHeaderBytes) + 4));
    const qsizetype crlf = peeked.indexOf("\r\n\r\n");
    const qsizetype lf = peeked.indexOf("\n\n");
    qsizetype end = -1;
    qsizetype terminator = 0;
    if (crlf >= 0 && (lf < 0 || crlf < lf)) {
        end = crlf;
        terminator = 4;
    } else if (lf >= 0) {
        end = lf;
        terminator = 2;
    }
    if (end < 0) {
        if (peeked.size() > limits.maxHeaderBytes)
            failAndClose(HttpResponse::error(431, "headers_too_large",
                QStringLiteral("the header block is larger than %1 bytes").arg(limits.maxHeaderBytes)));
        return false;
    }
    const qsizetype headSize = end + terminator;
    if (headSize > limits.maxHeaderBytes) {
        failAndClose(HttpResponse::error(431, "headers_too_large",
            QStringLiteral("the header block is larger than %1 bytes").arg(limits.maxHeaderBytes)));
        return false;
    }
    Head head;
    if (const auto error = parseHead(peeked.first(end), head)) {
        failAndClose(HttpResponse::error(error->status, error->code, error->message));
        return false;
    }

    m_http10 = head.version == "HTTP/1.0";
    const QByteArray connection = head.headers.value("connection").toLower();
    m_keepAlive = !m_shutdownRequested
        && (m_http10 ? connection.contains("keep-alive") : !connection.split(',').contains("close"));

    // Framing first: nothing else is trusted before the request's extent is known.
    if (head.headers.contains("transfer-encoding")) {
        failAndClose(HttpResponse::error(
            411, "length_required", "chunked request bodies are not accepted; send Content-Length"));
        return false;
    }
    qint64 contentLength = 0;
    if (const auto it = head.headers.constFind("content-length"); it != head.headers.cend()) {
        bool ok = !it->isEmpty();
        for (const char c : *it)
            ok = ok && c >= '0' && c <= '9';
        contentLength = ok && it->size() <= 18 ? it->toLongLong() : -1;
        if (contentLength < 0) {
            failAndClose(HttpResponse::error(400, "bad_request", "malformed Content-Length"));
            return false;
        }
    }
    if (contentLength > limits.maxBodyBytes) {
        failAndClose(HttpResponse::error(413, "payload_too_large",
            QStringLiteral("the request body is larger than %1 bytes").arg(limits.maxBodyBytes)));
        return false;
    }

    const qsizetype question = head.target.indexOf('?');
    const QByteArray rawPath = question < 0 ? head.target : head.target.first(question);
    const QByteArray rawQuery = question < 0 ? QByteArray() : head.target.mid(question + 1);

    // An answer refused before the body was read closes the connection (the body is never read).
    auto refuse = [&](HttpResponse response) {
        if (contentLength > 0 || !m_keepAlive) {
            failAndClose(std::move(response));
            return false;
        }
        m_socket->skip(headSize);
        m_request = {};
        respond(std::move(response));
        return m_state == State::Head;
    };

    if (auto denied = security::checkHostAndOrigin(head.headers, m_context.port, m_context.security))
        return refuse(std::move(*denied));

    if (head.method == "GET" && rawPath == "/live" && head.headers.value("upgrade").toLower().contains("websocket")) {
        if (m_context.hub && !m_context.hub->canAdopt()) {
            failAndClose(HttpResponse::error(503, "too_many_clients", "too many /live clients"));
            return false;
        }
        const QUrlQuery query(QString::fromUtf8(rawQuery));
        const QByteArray queryToken = query.queryItemValue("token", QUrl::FullyDecoded).toUtf8();
        const QByteArray& expected = m_context.security.token;
        const bool authenticated = !m_context.security.requireAuth || security::tokenEquals(queryToken, expected)
            || security::tokenEquals(security::bearerToken(head.headers.value("authorization")), expected);
        handOffUpgrade(authenticated);
        return false;
    }

    const QStringList segments = Router::splitPath(rawPath);
    const Router::Match match = m_context.router.match(head.method, segments);
    const bool isPublic = match.kind == Router::Match::Kind::Found && match.route->isPublic;
    if (!isPublic) {
        if (auto denied = security::checkBearer(head.headers, m_context.security))
            return refuse(std::move(*denied));
    }
    if (match.kind == Router::Match::Kind::NotFound)
        return refuse(HttpResponse::error(404, "not_found",
            QStringLiteral("no route for %1").arg(QString::fromUtf8(QByteArray::fromPercentEncoding(rawPath)))));
    if (match.kind == Router::Match::Kind::WrongMethod) {
        HttpResponse response = HttpResponse::error(
            405, "method_not_allowed", QStringLiteral("%1 is not allowed here").arg(QString::fromLatin1(head.method)));
        response.headers.append(qMakePair(QByteArray("Allow"), match.allowedMethods.join(", ")));
        return refuse(std::move(response));
    }

    m_socket->skip(headSize);
    m_request = {};
    m_request.method = head.method;
    m_request.path = QString::fromUtf8(QByteArray::fromPercentEncoding(rawPath));
    m_request.query = QUrlQuery(QString::fromUtf8(rawQuery));
    m_request.headers = std::move(head.headers);
    m_request.args = match.args;
    m_handler = match.route->handler;
    m_execution = match.route->execution;
    m_bodyRemaining = contentLength;
    if (contentLength > 0) {
        m_request.body.reserve(contentLength);
        if (m_request.headers.value("expect").toLower() == "100-continue")
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    m_state = State::Body;
    return true;
}

bool HttpConnection::readBody()
{
    if (m_bodyRemaining > 0) {
        const QByteArray chunk = m_socket->read(m_bodyRemaining);
        m_request.body += chunk;
        m_bodyRemaining -= chunk.size();
        if (m_bodyRemaining > 0)
            return false;
    }
    dispatch();
    return m_state == State::Head;
}

void HttpConnection::dispatch()
{
    m_deadline.stop();
    m_state = State::Handling;
    if (m_execution == Execution::Inline) {
        HttpResponse response;
        try {
            response = m_handler(m_request);
        } catch (const std::exception& e) {
            qCWarning(lcServer) << "handler for" << m_request.path << "threw:" << e.what();
            response = internalError("the handler failed");
        }
        respond(std::move(response));
        return;
    }
    auto* watcher = new QFutureWatcher<HttpResponse>(this);
    connect(watcher, &QFutureWatcher<HttpResponse>::finished, this, [this, watcher] {
        watcher->deleteLater();
        respond(watcher->result());
        process();
    });
    watcher->setFuture(QtConcurrent::run(&m_context.pool, [handler = m_handler, request = m_request] {
        try {
            return handler(request);
        } catch (const std::exception& e) {
            qCWarning(lcServer) << "handler for" << request.path << "threw:" << e.what();
            return internalError("the handler failed");
        } catch (...) {
            return internalError("the handler failed");
        }
    }));
}

void HttpConnection::respond(HttpResponse response)
{
    if (m_state == State::Closing || m_state == State::Gone)
        return;
    const bool close = !m_keepAlive || m_shutdownRequested;
    writeResponse(response, close);
    m_request = {};
    m_handler = {};
    if (close) {
        beginClose();
        return;
    }
    m_state = State::Head;
    startIdle();
}

void HttpConnection::failAndClose(HttpResponse response)
{
    if (m_state == State::Closing || m_state == State::Gone)
        return;
    if (!m_requestClock.isValid())
        m_requestClock.start();
    writeResponse(response, true);
    beginClose();
}

void HttpConnection::writeResponse(HttpResponse& response, bool close)
{
    if (response.status >= 400 && m_context.revisionProvider && response.contentType == "application/json") {
        QJsonObject object = QJsonDocument::fromJson(response.body).object();
        if (object.contains("error") && !object.contains("revision")) {
            object.insert("revision", m_context.revisionProvider());
            response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
        }
    }
    QByteArray out;
    out.reserve(response.body.size() + 256);
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    out += "Content-Type: " + response.contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n";
    for (const auto& [name, value] : std::as_const(response.headers)) {
        const QByteArray lower = name.toLower();
        if (lower == "content-length" || lower == "connection" || lower == "transfer-encoding"
            || lower == "content-type" || !isToken(name) || value.contains('\r') || value.contains('\n'))
            continue;
        out += name + ": " + value + "\r\n";
    }
    if (close)
        out += "Connection: close\r\n";
    else if (m_http10)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    out += response.body;
    m_socket->write(out);
    const double seconds = m_requestClock.isValid() ? double(m_requestClock.nsecsElapsed()) / 1e9 : 0.0;
    m_context.metrics.recordRequest(response.status, seconds);
    m_requestClock.invalidate();
}

void HttpConnection::startIdle()
{
    m_requestStarted = false;
    m_deadline.start(m_context.limits.idleTimeoutMs);
}

void HttpConnection::beginClose()
{
    m_state = State::Closing;
    m_deadline.start(kLingerMs);
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
    if (m_state == State::Closing)
        onBytesWritten();
}

void HttpConnection::finish()
{
    if (m_state == State::Gone)
        return;
    m_state = State::Gone;
    m_deadline.stop();
    m_context.connections.remove(this);
    m_context.metrics.setConnections(int(m_context.connections.size()));
    deleteLater();
}

void HttpConnection::handOffUpgrade(bool authenticated)
{
    m_deadline.stop();
    m_state = State::Gone;
    disconnect(m_socket, nullptr, this, nullptr);
    QTcpSocket* socket = m_socket;
    m_context.connections.remove(this);
    m_context.metrics.setConnections(int(m_context.connections.size()));
    m_context.hub->adopt(socket, authenticated);
    m_socket = nullptr;
    deleteLater();
}

} // namespace mu::server
