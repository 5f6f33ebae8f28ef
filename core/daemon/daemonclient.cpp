#include "daemon/daemonclient.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QJsonDocument>
#include <QTcpSocket>

namespace mu::daemon {

namespace {

constexpr qsizetype kMaxHeaderBytes = 64 * 1024;

/// One response read off a blocking socket within a deadline.
class ResponseReader {
public:
    ResponseReader(QTcpSocket& socket, QDeadlineTimer deadline) : m_socket(socket), m_deadline(deadline) { }

    Result<DaemonClient::Response> read(bool headRequest)
    {
        qsizetype headerEnd;
        while ((headerEnd = m_buffer.indexOf("\r\n\r\n")) < 0) {
            if (m_buffer.size() > kMaxHeaderBytes)
                return Error {QStringLiteral("protocol"), QStringLiteral("the daemon's response headers are too long")};
            if (Status status = fill(); !status)
                return status.error();
        }
        const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
        m_buffer.remove(0, headerEnd + 4);
        const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
        bool ok = false;
        DaemonClient::Response response;
        response.status = statusLine.value(1).toInt(&ok);
        if (!statusLine.value(0).startsWith("HTTP/1.") || !ok || response.status < 100 || response.status > 599)
            return Error {QStringLiteral("protocol"), QStringLiteral("not an HTTP response from the daemon")};
        qint64 contentLength = -1;
        bool chunked = false;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray& line = lines[i];
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-length") {
                contentLength = value.toLongLong(&ok);
                if (!ok || contentLength < 0 || contentLength > DaemonClient::kMaxResponseBytes)
                    return Error {QStringLiteral("protocol"), QStringLiteral("bad Content-Length from the daemon")};
            } else if (name == "transfer-encoding") {
                chunked = value.toLower().contains("chunked");
            } else if (name == "content-type") {
                response.contentType = value;
            }
        }
        if (headRequest || response.status == 204 || response.status == 304 || response.status < 200)
            return response;
        Result<QByteArray> body = chunked ? readChunked()
            : contentLength >= 0          ? readExactly(contentLength)
                                          : readToEnd();
        if (!body)
            return body.error();
        response.body = std::move(*body);
        return response;
    }

private:
    /// Reads more bytes into the buffer; an error at the deadline or at the end of the stream.
    Status fill()
    {
        if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(int(m_deadline.remainingTime()))) {
            if (m_socket.state() != QAbstractSocket::ConnectedState
                || m_socket.error() == QAbstractSocket::RemoteHostClosedError)
                return Error {QStringLiteral("protocol"), QStringLiteral("the daemon closed the connection early")};
            return Error {QStringLiteral("timeout"), QStringLiteral("the daemon did not answer in time")};
        }
        m_buffer.append(m_socket.readAll());
        return {};
    }

    Result<QByteArray> readExactly(qint64 length)
    {
        while (m_buffer.size() < length) {
            if (Status status = fill(); !status)
                return status.error();
        }
        return m_buffer.left(qsizetype(length));
    }

    Result<QByteArray> readLine()
    {
        qsizetype end;
        while ((end = m_buffer.indexOf("\r\n")) < 0) {
            if (m_buffer.size() > kMaxHeaderBytes)
                return Error {QStringLiteral("protocol"), QStringLiteral("a chunk header from the daemon is too long")};
            if (Status status = fill(); !status)
                return status.error();
        }
        QByteArray line = m_buffer.left(end);
        m_buffer.remove(0, end + 2);
        return line;
    }

    Result<QByteArray> readChunked()
    {
        QByteArray body;
        for (;;) {
            auto sizeLine = readLine();
            if (!sizeLine)
                return sizeLine.error();
            bool ok = false;
            const qint64 size = sizeLine->split(';').value(0).trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0 || body.size() + size > DaemonClient::kMaxResponseBytes)
                return Error {QStringLiteral("protocol"), QStringLiteral("a bad chunk from the daemon")};
            if (size == 0)
                return body; // trailers, if any, are not needed
            auto chunk = readExactly(size + 2);
            if (!chunk)
                return chunk.error();
            body.append(chunk->left(qsizetype(size)));
            m_buffer.remove(0, qsizetype(size) + 2);
        }
    }

    Result<QByteArray> readToEnd()
    {
        while (m_socket.state() == QAbstractSocket::ConnectedState || m_socket.bytesAvailable() > 0) {
            if (m_buffer.size() > DaemonClient::kMaxResponseBytes)
                return Error {QStringLiteral("protocol"), QStringLiteral("the daemon's answer is too large")};
            if (m_socket.bytesAvailable() == 0 && !m_socket.waitForReadyRead(int(m_deadline.remainingTime()))) {
                if (m_socket.state() == QAbstractSocket::ConnectedState && m_deadline.hasExpired())
                    return Error {QStringLiteral("timeout"), QStringLiteral("the daemon did not answer in time")};
                break;
            }
            m_buffer.append(m_socket.readAll());
        }
        return m_buffer;
    }

    QTcpSocket& m_socket;
    QDeadlineTimer m_deadline;
    QByteArray m_buffer;
};

} // namespace

Result<std::optional<DaemonClient>> DaemonClient::forProject(const QString& projectRoot, Registry registry)
{
    auto entry = registry.find(projectRoot);
    if (!entry)
        return entry.error();
    if (!*entry)
        return std::optional<DaemonClient>();
    return std::optional<DaemonClient>(DaemonClient(**entry));
}

DaemonClient::DaemonClient(DaemonEntry entry) : m_entry(std::move(entry))
{ }

QString DaemonClient::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_entry.port);
}

Result<DaemonClient::Response> DaemonClient::request(
    const QByteArray& method, const QString& pathAndQuery, const QByteArray& body, int timeoutMs) const
{
    const QDeadlineTimer deadline(timeoutMs);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_entry.port);
    if (!socket.waitForConnected(int(deadline.remainingTime()))) {
        if (deadline.hasExpired())
            return Error {
                QStringLiteral("timeout"), QStringLiteral("timed out connecting to the daemon at %1").arg(baseUrl())};
        return Error {QStringLiteral("unreachable"),
            QStringLiteral("cannot reach the daemon at %1: %2").arg(baseUrl(), socket.errorString())};
    }
    QByteArray path = pathAndQuery.toUtf8();
    if (!path.startsWith('/'))
        path.prepend('/');
    QByteArray head = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_entry.port)
        + "\r\nAccept: application/json\r\nConnection: close\r\n";
    if (!m_entry.token.isEmpty())
        head += "Authorization: Bearer " + m_entry.token.toUtf8() + "\r\n";
    if (!body.isEmpty() || method == "POST" || method == "PUT")
        head += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    head += "\r\n";
    socket.write(head);
    socket.write(body);
    while (socket.bytesToWrite() > 0) {
        if (!socket.waitForBytesWritten(int(deadline.remainingTime())))
            return Error {deadline.hasExpired() ? QStringLiteral("timeout") : QStringLiteral("unreachable"),
                QStringLiteral("cannot send the request to %1: %2").arg(baseUrl(), socket.errorString())};
    }
    ResponseReader reader(socket, deadline);
    auto response = reader.read(method == "HEAD");
    socket.abort();
    return response;
}

Result<QJsonObject> DaemonClient::jsonAnswer(Result<Response> response) const
{
    if (!response)
        return response.error();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(response->body, &parseError);
    if (response->status >= 200 && response->status < 300) {
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            return Error {QStringLiteral("protocol"), QStringLiteral("the daemon's answer is not a JSON object")};
        return document.object();
    }
    const QJsonObject error = document.object().value(u"error").toObject();
    const QString code = error.value(u"code").toString();
    if (!code.isEmpty())
        return Error {code, error.value(u"message").toString(code)};
    return Error {QStringLiteral("http_%1").arg(response->status),
        QStringLiteral("the daemon answered HTTP %1: %2")
            .arg(response->status)
            .arg(QString::fromUtf8(response->body.left(200)).simplified())};
}

Result<QJsonObject> DaemonClient::get(const QString& pathAndQuery, int timeoutMs) const
{
    return jsonAnswer(request("GET", pathAndQuery, {}, timeoutMs));
}

Result<QJsonObject> DaemonClient::post(const QString& path, const QJsonObject& body, int timeoutMs) const
{
    return jsonAnswer(request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), timeoutMs));
}

Result<QByteArray> DaemonClient::getRaw(const QString& pathAndQuery, int timeoutMs) const
{
    auto response = request("GET", pathAndQuery, {}, timeoutMs);
    if (!response)
        return response.error();
    if (response->status >= 200 && response->status < 300)
        return std::move(response->body);
    auto error = jsonAnswer(std::move(response));
    return error.error();
}

} // namespace mu::daemon
