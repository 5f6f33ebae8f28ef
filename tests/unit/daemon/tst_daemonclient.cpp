// DaemonClient against a real socket: a tiny HTTP server on 127.0.0.1 answering canned bytes, so
// the client's framing, auth header and error mapping are checked byte for byte.
#include "daemon/daemonclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace mu;
using namespace mu::daemon;

namespace {

/// Serves one connection per answer in `answers`, recording each raw request.
/// An empty answer means "accept, read, never answer" (for timeouts).
class CannedServer : public QThread {
public:
    explicit CannedServer(QList<QByteArray> answers) : m_answers(std::move(answers))
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        m_port = m_server.serverPort();
        m_server.moveToThread(this);
    }
    ~CannedServer() override
    {
        requestInterruption();
        wait();
    }
    quint16 port() const { return m_port; }
    QList<QByteArray> requests() const
    {
        QMutexLocker locker(&m_mutex);
        return m_requests;
    }

protected:
    void run() override
    {
        for (const QByteArray& answer : std::as_const(m_answers)) {
            while (!m_server.waitForNewConnection(50)) {
                if (isInterruptionRequested())
                    return;
            }
            std::unique_ptr<QTcpSocket> socket(m_server.nextPendingConnection());
            QByteArray request;
            while (!request.contains("\r\n\r\n") && socket->waitForReadyRead(5000))
                request += socket->readAll();
            const qsizetype headerEnd = request.indexOf("\r\n\r\n");
            qsizetype length = 0;
            for (const QByteArray& line : request.left(headerEnd).split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            while (request.size() < headerEnd + 4 + length && socket->waitForReadyRead(5000))
                request += socket->readAll();
            {
                QMutexLocker locker(&m_mutex);
                m_requests.append(request);
            }
            if (answer.isEmpty()) {
                while (!isInterruptionRequested() && socket->state() == QAbstractSocket::ConnectedState)
                    socket->waitForDisconnected(50);
                continue;
            }
            socket->write(answer);
            socket->waitForBytesWritten(5000);
            // Like QHttpServer, keep the connection open: the client must frame by itself.
            socket->waitForDisconnected(2000);
        }
    }

private:
    QTcpServer m_server;
    quint16 m_port = 0;
    QList<QByteArray> m_answers;
    mutable QMutex m_mutex;
    QList<QByteArray> m_requests;
};

QByteArray response(const QByteArray& status, const QByteArray& body, const QByteArray& type = "application/json")
{
    return "HTTP/1.1 " + status + "\r\nContent-Type: " + type + "\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\n\r\n" + body;
}

DaemonEntry entryOn(quint16 port, const QString& token = QStringLiteral("tok123"))
{
    DaemonEntry entry;
    entry.projectPath = QStringLiteral("/tmp/p");
    entry.pid = 1;
    entry.port = port;
    entry.token = token;
    return entry;
}

} // namespace

class TestDaemonClient : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void getSendsHostAndToken();
    void postSendsJsonBody();
    void noTokenNoAuthorization();
    void chunkedBody();
    void errorBodies_data();
    void errorBodies();
    void getRawKeepsBytes();
    void timeout();
    void unreachable();
    void forProjectWithoutDaemon();
};

void TestDaemonClient::getSendsHostAndToken()
{
    CannedServer server({response("200 OK", R"({"ok":true,"revision":4})")});
    server.start();
    const DaemonClient client(entryOn(server.port()));
    auto answer = client.get(QStringLiteral("/status?cwd=%2Ftmp"));
    QVERIFY2(answer.ok(), qPrintable(answer.ok() ? QString() : answer.error().message));
    QCOMPARE(answer->value(u"revision").toInt(), 4);
    const QByteArray request = server.requests().value(0);
    QVERIFY2(request.startsWith("GET /status?cwd=%2Ftmp HTTP/1.1\r\n"), request.constData());
    QVERIFY(request.contains(QByteArray("\r\nHost: 127.0.0.1:" + QByteArray::number(server.port()) + "\r\n")));
    QVERIFY(request.contains("\r\nAuthorization: Bearer tok123\r\n"));
    QCOMPARE(client.baseUrl(), QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
}

void TestDaemonClient::postSendsJsonBody()
{
    CannedServer server({response("200 OK", R"({"accepted":true})")});
    server.start();
    auto answer = DaemonClient(entryOn(server.port()))
                      .post(QStringLiteral("/index"), QJsonObject {{QStringLiteral("force"), true}});
    QVERIFY(answer.ok());
    QVERIFY(answer->value(u"accepted").toBool());
    const QByteArray request = server.requests().value(0);
    QVERIFY(request.startsWith("POST /index HTTP/1.1\r\n"));
    QVERIFY(request.contains("Content-Type: application/json\r\n"));
    QVERIFY(request.endsWith("\r\n\r\n{\"force\":true}"));
}

void TestDaemonClient::noTokenNoAuthorization()
{
    CannedServer server({response("200 OK", R"({"ok":true})")});
    server.start();
    QVERIFY(DaemonClient(entryOn(server.port(), {})).get(QStringLiteral("health")).ok());
    const QByteArray request = server.requests().value(0);
    QVERIFY(request.startsWith("GET /health HTTP/1.1"));
    QVERIFY(!request.contains("Authorization"));
}

void TestDaemonClient::chunkedBody()
{
    const QByteArray chunked = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                               "5\r\n{\"a\":\r\nA;ext=1\r\n[1,2,3,4]}\r\n0\r\n\r\n";
    CannedServer server({chunked});
    server.start();
    auto answer = DaemonClient(entryOn(server.port())).get(QStringLiteral("/x"));
    QVERIFY2(answer.ok(), qPrintable(answer.ok() ? QString() : answer.error().message));
    QCOMPARE(answer->value(u"a").toArray().size(), 4);
}

void TestDaemonClient::errorBodies_data()
{
    QTest::addColumn<QByteArray>("raw");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::newRow("json error") << response("404 Not Found", R"({"error":{"code":"not_found","message":"no node x"}})")
                                << "not_found"
                                << "no node x";
    QTest::newRow("unauthorized") << response(
        "401 Unauthorized", R"({"error":{"code":"unauthorized","message":"token"}})")
                                  << "unauthorized"
                                  << "token";
    QTest::newRow("plain 500") << response("500 Internal Server Error", "boom", "text/plain") << "http_500"
                               << "HTTP 500: boom";
    QTest::newRow("200 not json") << response("200 OK", "[1,2]") << "protocol"
                                  << "not a JSON object";
    QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH\r\n\r\n") << "protocol"
                              << "not an HTTP response";
    QTest::newRow("bad length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n") << "protocol"
                                << "Content-Length";
    QTest::newRow("huge length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999\r\n\r\n")
                                 << "protocol"
                                 << "Content-Length";
    QTest::newRow("bad chunk") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                               << "protocol"
                               << "chunk";
    QTest::newRow("endless headers") << QByteArray("HTTP/1.1 200 OK\r\n" + QByteArray(100 * 1024, 'h')) << "protocol"
                                     << "too long";
}

void TestDaemonClient::errorBodies()
{
    QFETCH(QByteArray, raw);
    QFETCH(QString, code);
    QFETCH(QString, message);
    CannedServer server({raw});
    server.start();
    auto answer = DaemonClient(entryOn(server.port())).get(QStringLiteral("/x"), 10000);
    QVERIFY(!answer.ok());
    QCOMPARE(answer.error().code, code);
    QVERIFY2(answer.error().message.contains(message), qPrintable(answer.error().message));
}

void TestDaemonClient::getRawKeepsBytes()
{
    const QByteArray dot = "digraph G {\n  a -> b;\n}\n";
    CannedServer server({response("200 OK", dot, "text/vnd.graphviz"),
        response("422 Unprocessable Entity", R"({"error":{"code":"bad_format","message":"no such format"}})")});
    server.start();
    const DaemonClient client(entryOn(server.port()));
    auto raw = client.getRaw(QStringLiteral("/export?format=dot"));
    QVERIFY(raw.ok());
    QCOMPARE(*raw, dot);
    auto failed = client.getRaw(QStringLiteral("/export?format=nope"));
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, QStringLiteral("bad_format"));
}

void TestDaemonClient::timeout()
{
    CannedServer server({QByteArray()});
    server.start();
    auto answer = DaemonClient(entryOn(server.port())).get(QStringLiteral("/slow"), 300);
    QVERIFY(!answer.ok());
    QCOMPARE(answer.error().code, QStringLiteral("timeout"));
}

void TestDaemonClient::unreachable()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    auto answer = DaemonClient(entryOn(port)).get(QStringLiteral("/health"), 5000);
    QVERIFY(!answer.ok());
    QCOMPARE(answer.error().code, QStringLiteral("unreachable"));
    QVERIFY(answer.error().message.contains(QStringLiteral("127.0.0.1:%1").arg(port)));
}

void TestDaemonClient::forProjectWithoutDaemon()
{
    QTemporaryDir home;
    auto client = DaemonClient::forProject(home.path(), Registry(home.filePath(QStringLiteral(".mu"))));
    QVERIFY(client.ok());
    QVERIFY(!client->has_value());
}

QTEST_GUILESS_MAIN(TestDaemonClient)

#include "tst_daemonclient.moc"
