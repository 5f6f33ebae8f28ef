#include "server/httpserver.h"
#include "server/livehub.h"
#include "servertest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

using namespace mu::server;
using namespace mu::server::test;

namespace {

const QByteArray kToken = "live-token-abcdef";

/// A QWebSocket client that records every message it gets.
class LiveClient {
public:
    explicit LiveClient(const QUrl& url, const QString& origin = {}) : m_socket(origin)
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived,
            [this](const QString& message) { m_messages.append(QJsonDocument::fromJson(message.toUtf8()).object()); });
        m_socket.open(url);
    }
    bool waitConnected()
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, kWaitMs);
    }
    bool waitClosed()
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, kWaitMs);
    }
    void send(const QJsonObject& object)
    {
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)));
    }
    /// The next message of `type` after those already taken (earlier ones of other types are skipped).
    QJsonObject next(const QString& type = {})
    {
        QJsonObject found;
        (void)QTest::qWaitFor(
            [&] {
                while (m_taken < m_messages.size()) {
                    const QJsonObject message = m_messages.at(m_taken++);
                    if (type.isEmpty() || message.value("type").toString() == type) {
                        found = message;
                        return true;
                    }
                }
                return false;
            },
            kWaitMs);
        return found;
    }
    /// Messages not taken yet, after letting the event loop run a little.
    QList<QJsonObject> pending(int settleMs = 200)
    {
        QTest::qWait(settleMs);
        return m_messages.mid(m_taken);
    }
    QWebSocket& socket() { return m_socket; }

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_messages;
    qsizetype m_taken = 0;
};

QList<LiveEvent> events(std::initializer_list<QString> paths)
{
    QList<LiveEvent> list;
    for (const QString& path : paths)
        list.append({"node_modified", QStringLiteral("fn:%1:f").arg(path), "function", path});
    return list;
}

QStringList pathsOf(const QJsonObject& update)
{
    QStringList paths;
    for (const QJsonValue& event : update.value("events").toArray())
        paths.append(event.toObject().value("file_path").toString());
    return paths;
}

} // namespace

namespace {

std::unique_ptr<HttpServer> makeServer(ServerLimits limits = {}, SecurityOptions security = {})
{
    security.token = kToken;
    auto server = std::make_unique<HttpServer>(limits, security);
    if (!server->listen(0))
        qFatal("listen failed");
    server->live().setRevision(7);
    return server;
}
QUrl liveUrl(quint16 port, const QByteArray& token = kToken)
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/live%2")
                    .arg(port)
                    .arg(token.isEmpty() ? QString() : QStringLiteral("?token=") + QString::fromUtf8(token)));
}

} // namespace

class TestLiveHub : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void helloWithQueryToken()
    {
        auto server = makeServer();
        server->live().publishGraphUpdate(8, events({"a.py"}));
        LiveClient client(liveUrl(server->port()));
        const QJsonObject hello = client.next();
        QCOMPARE(hello.value("type").toString(), QStringLiteral("hello"));
        QCOMPARE(hello.value("revision").toInteger(), 8);
        QCOMPARE(hello.value("seq").toInteger(), 1);
        QCOMPARE(server->live().clientCount(), 1);
        QCOMPARE(server->connectionCount(), 0);
    }

    void authMessage()
    {
        auto server = makeServer();
        LiveClient client(liveUrl(server->port(), {}));
        QVERIFY(client.waitConnected());
        QVERIFY(client.pending().isEmpty()); // nothing before auth
        server->live().publishProgress(1, 2);
        client.send({{"type", "auth"}, {"token", QString::fromUtf8(kToken)}});
        QCOMPARE(client.next().value("type").toString(), QStringLiteral("hello"));
        QVERIFY(client.pending().isEmpty()); // the progress sent before auth never reached it
    }

    void rejectedAuth_data()
    {
        QTest::addColumn<QJsonObject>("first");
        QTest::newRow("other message first") << QJsonObject {{"type", "ping"}};
        QTest::newRow("wrong token") << QJsonObject {{"type", "auth"}, {"token", "live-token-abcdeg"}};
        QTest::newRow("token not a string") << QJsonObject {{"type", "auth"}, {"token", 1}};
    }
    void rejectedAuth()
    {
        QFETCH(QJsonObject, first);
        auto server = makeServer();
        LiveClient client(liveUrl(server->port(), "wrong"));
        QVERIFY(client.waitConnected());
        client.send(first);
        QVERIFY(client.waitClosed());
        QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QTRY_COMPARE_WITH_TIMEOUT(server->live().clientCount(), 0, kWaitMs);
    }

    void silenceBeforeAuthIsClosed()
    {
        ServerLimits limits;
        limits.requestTimeoutMs = 300;
        auto server = makeServer(limits);
        LiveClient client(liveUrl(server->port(), {}));
        QVERIFY(client.waitConnected());
        QVERIFY(client.waitClosed());
        QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    }

    void upgradeChecksHostAndOrigin()
    {
        auto server = makeServer();
        const quint16 port = server->port();
        LiveClient foreign(liveUrl(port), QStringLiteral("http://evil.example"));
        // Refused at the handshake with 403 (Qt 6.4's client then reports the status and never connects).
        QTRY_VERIFY_WITH_TIMEOUT(foreign.socket().errorString().contains(QLatin1String("403")), kWaitMs);
        QVERIFY(foreign.pending().isEmpty());
        QCOMPARE(server->live().clientCount(), 0);
        const QByteArray upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        const RawResponse badHost = roundTrip(port,
            "GET /live?token=" + kToken + " HTTP/1.1\r\nHost: evil.example:" + QByteArray::number(port) + "\r\n"
                + upgrade + "\r\n");
        QCOMPARE(badHost.status, 403);
        const RawResponse badOrigin = roundTrip(port,
            "GET /live?token=" + kToken + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                + "\r\nOrigin: http://evil.example\r\n" + upgrade + "\r\n");
        QCOMPARE(badOrigin.status, 403);
        LiveClient allowed(liveUrl(port));
        QCOMPARE(allowed.next().value("type").toString(), QStringLiteral("hello"));
    }

    void pingPongAndBadMessages()
    {
        ServerLimits limits;
        limits.maxWsMessageBytes = 4096;
        limits.maxJsonDepth = 4;
        auto server = makeServer(limits);
        LiveClient client(liveUrl(server->port()));
        QVERIFY(!client.next("hello").isEmpty());
        client.send({{"type", "ping"}});
        QVERIFY(!client.next("pong").isEmpty());
        client.socket().sendTextMessage("{not json");
        QCOMPARE(client.next("error").value("code").toString(), QStringLiteral("bad_json"));
        client.socket().sendTextMessage("[[[[[[[[[[]]]]]]]]]]");
        QVERIFY(client.next("error").value("message").toString().contains("deeper"));
        client.send({{"type", "launch_missiles"}});
        QCOMPARE(client.next("error").value("code").toString(), QStringLiteral("unknown_type"));
        client.send({{"type", "subscribe"}, {"paths", "src/**"}});
        QCOMPARE(client.next("error").value("code").toString(), QStringLiteral("bad_message"));
        client.send({{"type", "resume"}, {"since_seq", "x"}});
        QCOMPARE(client.next("error").value("code").toString(), QStringLiteral("bad_message"));
        client.socket().sendBinaryMessage("\x01\x02");
        QCOMPARE(client.next("error").value("code").toString(), QStringLiteral("bad_message"));
        client.send({{"type", "ping"}});
        QVERIFY(!client.next("pong").isEmpty());
        // Oversized: closed with 1009.
        client.socket().sendTextMessage(QString(8192, QLatin1Char('x')));
        QVERIFY(client.waitClosed());
        QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
    }

    void filters()
    {
        auto server = makeServer();
        LiveHub& hub = server->live();
        LiveClient all(liveUrl(server->port()));
        LiveClient filtered(liveUrl(server->port()));
        QVERIFY(!all.next("hello").isEmpty());
        QVERIFY(!filtered.next("hello").isEmpty());
        filtered.send({{"type", "subscribe"}, {"paths", QJsonArray {"src/auth/**"}}});
        QVERIFY(!filtered.next("subscribed").isEmpty());

        hub.publishGraphUpdate(8, events({"src/auth/login.py", "src/other/x.py", "src/auth/deep/y.py"}));
        hub.publishGraphUpdate(9, events({"src/other/z.py"})); // nothing for the filtered client
        hub.publishGraphUpdate(10, events({"src/auth/z.py"}));

        const QJsonObject first = filtered.next("graph_update");
        QCOMPARE(first.value("seq").toInteger(), 1);
        QCOMPARE(first.value("revision").toInteger(), 8);
        QCOMPARE(pathsOf(first), (QStringList {"src/auth/login.py", "src/auth/deep/y.py"}));
        const QJsonObject second = filtered.next("graph_update");
        QCOMPARE(second.value("seq").toInteger(), 3); // seq 2 was filtered out, yet counted
        QCOMPARE(pathsOf(second), QStringList {"src/auth/z.py"});
        const QJsonObject event = second.value("events").toArray().at(0).toObject();
        QCOMPARE(event.value("event_type").toString(), QStringLiteral("node_modified"));
        QCOMPARE(event.value("node_id").toString(), QStringLiteral("fn:src/auth/z.py:f"));
        QCOMPARE(event.value("node_type").toString(), QStringLiteral("function"));
        for (int seq = 1; seq <= 3; ++seq)
            QCOMPARE(all.next("graph_update").value("seq").toInteger(), seq);

        filtered.send(
            {{"type", "subscribe"}, {"types", QJsonArray {"class"}}, {"node_ids", QJsonArray {"cls:a.py:A"}}});
        QVERIFY(!filtered.next("subscribed").isEmpty());
        hub.publishGraphUpdate(11,
            {{"node_added", "cls:a.py:A", "class", "a.py"}, {"node_added", "cls:a.py:B", "class", "a.py"},
                {"node_removed", "fn:a.py:f", "function", "a.py"}});
        const QJsonObject third = filtered.next("graph_update");
        QCOMPARE(third.value("events").toArray().size(), 1);
        QCOMPARE(
            third.value("events").toArray().at(0).toObject().value("node_id").toString(), QStringLiteral("cls:a.py:A"));

        filtered.send({{"type", "unsubscribe"}});
        QVERIFY(!filtered.next("unsubscribed").isEmpty());
        hub.publishGraphUpdate(12, events({"anything.py"}));
        QCOMPARE(filtered.next("graph_update").value("seq").toInteger(), 5);
        QCOMPARE(hub.sequence(), 5);
    }

    void globs_data()
    {
        QTest::addColumn<QString>("glob");
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("matches");
        QTest::newRow("double star") << "src/auth/**"
                                     << "src/auth/a/b/c.py" << true;
        QTest::newRow("double star, other dir") << "src/auth/**"
                                                << "src/authz/a.py" << false;
        QTest::newRow("single star stays in segment") << "src/*.py"
                                                      << "src/a/b.py" << false;
        QTest::newRow("single star") << "src/*.py"
                                     << "src/b.py" << true;
        QTest::newRow("leading double star") << "**/test_*.py"
                                             << "test_a.py" << true;
        QTest::newRow("leading double star nested") << "**/test_*.py"
                                                    << "x/y/test_a.py" << true;
        QTest::newRow("question mark") << "a?.py"
                                       << "ab.py" << true;
        QTest::newRow("regex chars are literal") << "a+(b).py"
                                                 << "a+(b).py" << true;
        QTest::newRow("dot is literal") << "a.py"
                                        << "axpy" << false;
    }
    void globs()
    {
        QFETCH(QString, glob);
        QFETCH(QString, path);
        QFETCH(bool, matches);
        QCOMPARE(globToRegularExpression(glob).match(path).hasMatch(), matches);
    }

    void resumeReplaysOrResyncs()
    {
        ServerLimits limits;
        limits.wsReplayUpdates = 3;
        auto server = makeServer(limits);
        LiveHub& hub = server->live();
        for (int i = 1; i <= 5; ++i)
            hub.publishGraphUpdate(10 + i, events({QStringLiteral("f%1.py").arg(i)}));
        LiveClient client(liveUrl(server->port()));
        QCOMPARE(client.next("hello").value("seq").toInteger(), 5);
        // Buffered: seqs 3..5.
        client.send({{"type", "resume"}, {"since_seq", 3}});
        QCOMPARE(client.next("graph_update").value("seq").toInteger(), 4);
        QCOMPARE(client.next("graph_update").value("seq").toInteger(), 5);
        client.send({{"type", "resume"}, {"since_seq", 2}});
        QCOMPARE(client.next("graph_update").value("seq").toInteger(), 3);
        QCOMPARE(client.next("graph_update").value("seq").toInteger(), 4);
        QCOMPARE(client.next("graph_update").value("seq").toInteger(), 5);
        client.send({{"type", "resume"}, {"since_seq", 1}}); // seq 2 is gone
        const QJsonObject resync = client.next();
        QCOMPARE(resync.value("type").toString(), QStringLiteral("resync"));
        QCOMPARE(resync.value("revision").toInteger(), 15);
        client.send({{"type", "resume"}, {"since_seq", 99}}); // from the future (another daemon run)
        QCOMPARE(client.next().value("type").toString(), QStringLiteral("resync"));
        client.send({{"type", "resume"}, {"since_seq", 5}}); // up to date: nothing
        client.send({{"type", "ping"}});
        QCOMPARE(client.next().value("type").toString(), QStringLiteral("pong"));

        // Resume honours filters.
        client.send({{"type", "subscribe"}, {"paths", QJsonArray {"f5.py"}}});
        QVERIFY(!client.next("subscribed").isEmpty());
        client.send({{"type", "resume"}, {"since_seq", 2}});
        QCOMPARE(client.next().value("seq").toInteger(), 5);

        hub.publishResync(20);
        QCOMPARE(client.next().value("type").toString(), QStringLiteral("resync"));
        client.send({{"type", "resume"}, {"since_seq", 4}});
        QCOMPARE(client.next().value("type").toString(), QStringLiteral("resync"));
    }

    void progress()
    {
        auto server = makeServer();
        LiveClient client(liveUrl(server->port()));
        QVERIFY(!client.next("hello").isEmpty());
        server->live().publishProgress(3, 10);
        const QJsonObject progress = client.next();
        QCOMPARE(progress.value("type").toString(), QStringLiteral("index_progress"));
        QCOMPARE(progress.value("done").toInt(), 3);
        QCOMPARE(progress.value("total").toInt(), 10);
        QCOMPARE(server->live().sequence(), 0);
    }

    void clientCap()
    {
        ServerLimits limits;
        limits.maxWsClients = 1;
        auto server = makeServer(limits);
        LiveClient first(liveUrl(server->port()));
        QVERIFY(!first.next("hello").isEmpty());
        const RawResponse refused = roundTrip(server->port(),
            "GET /live?token=" + kToken + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(server->port())
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        QCOMPARE(refused.status, 503);
        QCOMPARE(server->live().clientCount(), 1);
    }

    void stalledClientIsDropped()
    {
        ServerLimits limits;
        limits.maxWsSendQueueBytes = 256 * 1024;
        auto server = makeServer(limits);
        const quint16 port = server->port();
        LiveClient good(liveUrl(port));
        QVERIFY(!good.next("hello").isEmpty());

        // A raw client that upgrades, then stops reading.
        QTcpSocket stalled;
        QByteArray received;
        QObject::connect(&stalled, &QTcpSocket::readyRead, [&] {
            if (received.contains("\r\n\r\n"))
                return;
            const QByteArray peeked = stalled.peek(stalled.bytesAvailable());
            const qsizetype end = peeked.indexOf("\r\n\r\n");
            received += stalled.read(end >= 0 ? end + 4 : peeked.size());
        });
        stalled.connectToHost(QHostAddress::LocalHost, port);
        stalled.write("GET /live?token=" + kToken + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(received.contains("\r\n\r\n"), kWaitMs);
        QVERIFY(received.startsWith("HTTP/1.1 101"));
        stalled.setReadBufferSize(1); // Qt stops reading the kernel buffer: the server's queue grows
        QTRY_COMPARE_WITH_TIMEOUT(server->live().clientCount(), 2, kWaitMs);

        const QString bigPath = QString(4000, QLatin1Char('p'));
        QList<LiveEvent> big;
        for (int i = 0; i < 10; ++i)
            big.append({"node_modified", QStringLiteral("fn:%1:%2").arg(bigPath).arg(i), "function", bigPath});
        int published = 0;
        while (server->live().clientCount() == 2 && published < 20000) {
            server->live().publishGraphUpdate(published, big);
            ++published;
            QTest::qWait(1);
        }
        QTRY_COMPARE_WITH_TIMEOUT(server->live().clientCount(), 1, kWaitMs);
        QVERIFY(server->metricsText().contains("mu_ws_dropped_total 1\n"));
        QVERIFY(server->metricsText().contains("mu_ws_clients 1\n"));
        // The reading client got everything, in order.
        QJsonObject last;
        for (int seq = 1; seq <= published; ++seq) {
            last = good.next("graph_update");
            QCOMPARE(last.value("seq").toInteger(), seq);
        }
        QCOMPARE(good.socket().state(), QAbstractSocket::ConnectedState);
    }

    void serverCloseClosesClients()
    {
        auto server = makeServer();
        LiveClient client(liveUrl(server->port()));
        QVERIFY(!client.next("hello").isEmpty());
        server->close();
        QVERIFY(client.waitClosed());
        QCOMPARE(client.socket().closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    }
};

QTEST_GUILESS_MAIN(TestLiveHub)
#include "tst_livehub.moc"
