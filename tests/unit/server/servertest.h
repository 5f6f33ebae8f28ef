#pragma once

// Small clients for the server tests. The server runs on the test's thread, so every wait spins
// the event loop (QTest::qWaitFor); nothing here blocks it.

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>

#include <memory>

namespace mu::server::test {

constexpr int kWaitMs = 15000;

struct RawResponse {
    int status = 0;
    QHash<QByteArray, QByteArray> headers; ///< lower-case names
    QByteArray body;
};

/// Parses the first complete response in `buffer` and removes it; false while incomplete.
inline bool takeResponse(QByteArray& buffer, RawResponse& response)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = buffer.first(end).split('\n');
    RawResponse parsed;
    parsed.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            parsed.headers.insert(line.first(colon).toLower(), line.mid(colon + 1).trimmed());
    }
    const qint64 length = parsed.headers.value("content-length").toLongLong();
    if (buffer.size() < end + 4 + length)
        return false;
    parsed.body = buffer.mid(end + 4, length);
    buffer.remove(0, end + 4 + length);
    response = parsed;
    return true;
}

/// A keep-alive client over one raw socket: send bytes, read answers in order.
class RawClient {
public:
    explicit RawClient(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        QObject::connect(&m_socket, &QTcpSocket::readyRead, [this] { m_buffer += m_socket.readAll(); });
    }
    bool waitConnected()
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, kWaitMs);
    }
    void send(const QByteArray& bytes) { m_socket.write(bytes); }
    /// Waits for the next complete answer; status 0 when none came.
    RawResponse next(int timeoutMs = kWaitMs)
    {
        RawResponse response;
        (void)QTest::qWaitFor([&] { return takeResponse(m_buffer, response) || closed(); }, timeoutMs);
        if (response.status == 0)
            takeResponse(m_buffer, response);
        return response;
    }
    bool closed() const { return m_socket.state() == QAbstractSocket::UnconnectedState; }
    bool waitClosed(int timeoutMs = kWaitMs)
    {
        return QTest::qWaitFor([this] { return closed(); }, timeoutMs);
    }
    QTcpSocket& socket() { return m_socket; }
    QByteArray& buffer() { return m_buffer; }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

inline QByteArray request(const QByteArray& method, const QByteArray& target, quint16 port,
    const QByteArray& token = {}, const QByteArray& extraHeaders = {}, const QByteArray& body = {})
{
    QByteArray out = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    if (!token.isEmpty())
        out += "Authorization: Bearer " + token + "\r\n";
    out += extraHeaders;
    if (!body.isEmpty() || method == "POST")
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "\r\n" + body;
    return out;
}

/// One request on a fresh connection.
inline RawResponse roundTrip(quint16 port, const QByteArray& bytes)
{
    RawClient client(port);
    client.send(bytes);
    return client.next();
}

} // namespace mu::server::test
