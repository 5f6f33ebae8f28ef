#include "server/httpserver.h"
#include "server/livehub.h"
#include "server/router.h"
#include "server/security.h"
#include "servertest.h"

#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>

using namespace mu::server;
using namespace mu::server::test;

namespace {

const QByteArray kToken = "s3cret-token-0123456789";

QJsonObject jsonOf(const RawResponse& response)
{
    return QJsonDocument::fromJson(response.body).object();
}

QString errorCode(const RawResponse& response)
{
    return jsonOf(response).value("error").toObject().value("code").toString();
}

} // namespace

namespace {

std::unique_ptr<HttpServer> makeServer(ServerLimits limits = {}, SecurityOptions security = {})
{
    if (security.token.isEmpty())
        security.token = kToken;
    auto server = std::make_unique<HttpServer>(limits, security);
    auto echoArgs = [](const HttpRequest& request) {
        QJsonObject args;
        for (auto it = request.args.cbegin(); it != request.args.cend(); ++it)
            args.insert(it.key(), it.value());
        return HttpResponse::json(QJsonObject {{"args", args}, {"path", request.path}, {"q", request.queryValue("q")},
            {"thread_is_main", QThread::currentThread() == qApp->thread()}});
    };
    server->route(
        "GET", "/health",
        [](const HttpRequest&) {
            return HttpResponse::json({{"ok", true}});
        },
        Execution::Inline, true);
    server->route("GET", "/nodes/{id*}", echoArgs);
    server->route("GET", "/nodes/{id*}/neighbors", echoArgs);
    server->route("GET", "/items/{name}", echoArgs, Execution::Inline);
    server->route("GET", "/items/special", [](const HttpRequest&) { return HttpResponse::json({{"special", true}}); });
    server->route("POST", "/echo",
        [](const HttpRequest& request) { return HttpResponse::text(request.body, "application/octet-stream"); });
    server->route("POST", "/json", [](const HttpRequest& request) {
        const auto parsed = mu::server::parseJsonBody(request, 8);
        if (!parsed)
            return HttpResponse::error(400, parsed.error().code, parsed.error().message);
        return HttpResponse::json(*parsed);
    });
    server->route("GET", "/throws", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
    const auto port = server->listen(0);
    if (!port)
        qFatal("listen failed: %s", qPrintable(port.error().message));
    return server;
}

} // namespace

class TestHttpServer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void routing_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("argName");
        QTest::addColumn<QString>("argValue");
        QTest::newRow("rest id with colons and slashes") << QByteArray("/nodes/fn:src/a.py:f") << 200 << "id"
                                                         << "fn:src/a.py:f";
        QTest::newRow("rest id then literal") << QByteArray("/nodes/fn:src/a.py:f/neighbors") << 200 << "id"
                                              << "fn:src/a.py:f";
        QTest::newRow("percent-encoded id") << QByteArray("/nodes/fn%3Asrc%2Fa.py%3Af/neighbors") << 200 << "id"
                                            << "fn:src/a.py:f";
        QTest::newRow("encoded space and unicode") << QByteArray("/nodes/cls:a%20b%C3%A9") << 200 << "id"
                                                   << "cls:a bé";
        QTest::newRow("single segment") << QByteArray("/items/x%2Fy") << 200 << "name"
                                        << "x/y";
        QTest::newRow("literal beats placeholder") << QByteArray("/items/special") << 200 << ""
                                                   << "";
        QTest::newRow("query string") << QByteArray("/items/a?q=x%20y") << 200 << "name"
                                      << "a";
        QTest::newRow("unknown path") << QByteArray("/nosuch") << 404 << ""
                                      << "";
        QTest::newRow("rest needs a segment") << QByteArray("/nodes") << 404 << ""
                                              << "";
        QTest::newRow("empty placeholder") << QByteArray("/items/") << 404 << ""
                                           << "";
        QTest::newRow("too many segments") << QByteArray("/items/a/b") << 404 << ""
                                           << "";
    }
    void routing()
    {
        QFETCH(QByteArray, target);
        QFETCH(int, status);
        QFETCH(QString, argName);
        QFETCH(QString, argValue);
        auto server = makeServer();
        const RawResponse response = roundTrip(server->port(), request("GET", target, server->port(), kToken));
        QCOMPARE(response.status, status);
        if (status == 404)
            QCOMPARE(errorCode(response), QStringLiteral("not_found"));
        if (!argName.isEmpty())
            QCOMPARE(jsonOf(response).value("args").toObject().value(argName).toString(), argValue);
        if (target.contains("?q="))
            QCOMPARE(jsonOf(response).value("q").toString(), QStringLiteral("x y"));
        if (target == "/items/special")
            QVERIFY(jsonOf(response).value("special").toBool());
    }

    void wrongMethodIs405WithAllow()
    {
        auto server = makeServer();
        const RawResponse response = roundTrip(server->port(), request("DELETE", "/health", server->port(), kToken));
        QCOMPARE(response.status, 405);
        QCOMPARE(errorCode(response), QStringLiteral("method_not_allowed"));
        QCOMPARE(response.headers.value("allow"), QByteArray("GET"));
    }

    void badPatternsAreRefused()
    {
        Router router;
        const auto handler = [](const HttpRequest&) { return HttpResponse {}; };
        QVERIFY(!router.add("GET", "nodes", handler, Execution::Inline, false).ok());
        QVERIFY(!router.add("GET", "/nodes/{id", handler, Execution::Inline, false).ok());
        QVERIFY(!router.add("GET", "/nodes/{}", handler, Execution::Inline, false).ok());
        QVERIFY(!router.add("GET", "/a/{x}/{x}", handler, Execution::Inline, false).ok());
        QVERIFY(!router.add("GET", "/a/b{x}", handler, Execution::Inline, false).ok());
        QVERIFY(router.add("GET", "/a/{x}/{y*}", handler, Execution::Inline, false).ok());
    }

    void poolHandlersRunOffTheEventLoop()
    {
        auto server = makeServer();
        std::atomic<bool> release {false};
        std::atomic<bool> entered {false};
        server->route("GET", "/slow", [&](const HttpRequest&) {
            entered = true;
            while (!release)
                QThread::msleep(5);
            return HttpResponse::json({{"thread_is_main", QThread::currentThread() == qApp->thread()}});
        });
        RawClient slow(server->port());
        slow.send(request("GET", "/slow", server->port(), kToken));
        QTRY_VERIFY_WITH_TIMEOUT(entered.load(), kWaitMs);
        // While the pool handler blocks, the event loop still answers others.
        const RawResponse health = roundTrip(server->port(), request("GET", "/health", server->port()));
        QCOMPARE(health.status, 200);
        release = true;
        const RawResponse answer = slow.next();
        QCOMPARE(answer.status, 200);
        QCOMPARE(jsonOf(answer).value("thread_is_main").toBool(), false);
        // Inline handlers run on the server's thread.
        const RawResponse inlineAnswer = roundTrip(server->port(), request("GET", "/items/a", server->port(), kToken));
        QCOMPARE(jsonOf(inlineAnswer).value("thread_is_main").toBool(), true);
    }

    void keepAliveAndPipelinedRequestsAnswerInOrder()
    {
        auto server = makeServer();
        RawClient client(server->port());
        client.send(request("GET", "/nodes/first", server->port(), kToken)
            + request("GET", "/items/second", server->port(), kToken)
            + request("POST", "/echo", server->port(), kToken, {}, "third"));
        const RawResponse first = client.next();
        const RawResponse second = client.next();
        const RawResponse third = client.next();
        QCOMPARE(jsonOf(first).value("args").toObject().value("id").toString(), QStringLiteral("first"));
        QCOMPARE(jsonOf(second).value("args").toObject().value("name").toString(), QStringLiteral("second"));
        QCOMPARE(third.body, QByteArray("third"));
        QVERIFY(!client.closed());
        QCOMPARE(server->connectionCount(), 1);
    }

    void connectionCloseIsHonoured()
    {
        auto server = makeServer();
        RawClient client(server->port());
        client.send(request("GET", "/health", server->port(), {}, "Connection: close\r\n"));
        const RawResponse response = client.next();
        QCOMPARE(response.status, 200);
        QCOMPARE(response.headers.value("connection"), QByteArray("close"));
        QVERIFY(client.waitClosed());
        RawClient old(server->port());
        old.send("GET /health HTTP/1.0\r\nHost: 127.0.0.1:" + QByteArray::number(server->port()) + "\r\n\r\n");
        QCOMPARE(old.next().status, 200);
        QVERIFY(old.waitClosed());
    }

    void security_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QStringList>("allowedOrigins");
        const QByteArray auth = "Authorization: Bearer " + kToken + "\r\n";
        // %PORT% is replaced by the server's port.
        QTest::newRow("ok") << QByteArray("GET /nodes/x HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\n" + auth + "\r\n") << 200
                            << "" << QStringList();
        QTest::newRow("localhost ok") << QByteArray("GET /nodes/x HTTP/1.1\r\nHost: localhost:%PORT%\r\n" + auth
            + "\r\n") << 200 << "" << QStringList();
        QTest::newRow("rebinding host") << QByteArray(
            "GET /nodes/x HTTP/1.1\r\nHost: evil.example:%PORT%\r\n" + auth + "\r\n")
                                        << 403 << "forbidden_host" << QStringList();
        QTest::newRow("host without port") << QByteArray("GET /nodes/x HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n")
                                           << 403 << "forbidden_host" << QStringList();
        QTest::newRow("host wrong port") << QByteArray("GET /nodes/x HTTP/1.1\r\nHost: 127.0.0.1:1\r\n" + auth + "\r\n")
                                         << 403 << "forbidden_host" << QStringList();
        QTest::newRow("no host") << QByteArray("GET /nodes/x HTTP/1.1\r\n" + auth + "\r\n") << 403 << "forbidden_host"
                                 << QStringList();
        QTest::newRow("public route, bad host") << QByteArray("GET /health HTTP/1.1\r\nHost: evil.example\r\n\r\n")
                                                << 403 << "forbidden_host" << QStringList();
        QTest::newRow("foreign origin") << QByteArray(
            "GET /nodes/x HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nOrigin: http://evil.example\r\n" + auth + "\r\n")
                                        << 403 << "forbidden_origin" << QStringList();
        QTest::newRow("foreign origin on public route")
            << QByteArray("GET /health HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nOrigin: null\r\n\r\n") << 403
            << "forbidden_origin" << QStringList();
        QTest::newRow("foreign origin on POST") << QByteArray(
            "POST /echo HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nOrigin: http://evil.example\r\nContent-Length: 2\r\n"
            + auth + "\r\nhi") << 403 << "forbidden_origin"
                                                << QStringList();
        QTest::newRow("allowed origin") << QByteArray(
            "GET /nodes/x HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nOrigin: http://127.0.0.1:7000\r\n" + auth + "\r\n")
                                        << 200 << "" << QStringList {"http://127.0.0.1:7000"};
        QTest::newRow("no token") << QByteArray("GET /nodes/x HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\n\r\n") << 401
                                  << "unauthorized" << QStringList();
        QTest::newRow("wrong token") << QByteArray(
            "GET /nodes/x HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nAuthorization: Bearer s3cret-token-0123456788\r\n\r\n")
                                     << 401 << "unauthorized" << QStringList();
        QTest::newRow("token prefix") << QByteArray(
            "GET /nodes/x HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nAuthorization: Bearer s3cret\r\n\r\n")
                                      << 401 << "unauthorized" << QStringList();
        QTest::newRow("token without scheme")
            << QByteArray("GET /nodes/x HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nAuthorization: " + kToken + "\r\n\r\n")
            << 401 << "unauthorized" << QStringList();
        QTest::newRow("unknown path needs token")
            << QByteArray("GET /secret-probe HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\n\r\n") << 401 << "unauthorized"
            << QStringList();
        QTest::newRow("public route without token")
            << QByteArray("GET /health HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\n\r\n") << 200 << "" << QStringList();
    }
    void security()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QStringList, allowedOrigins);
        SecurityOptions options;
        options.allowedOrigins = allowedOrigins;
        auto server = makeServer({}, options);
        bytes.replace("%PORT%", QByteArray::number(server->port()));
        const RawResponse response = roundTrip(server->port(), bytes);
        QCOMPARE(response.status, status);
        if (!code.isEmpty())
            QCOMPARE(errorCode(response), code);
        if (status == 401)
            QCOMPARE(response.headers.value("www-authenticate"), QByteArray("Bearer"));
        for (auto it = response.headers.cbegin(); it != response.headers.cend(); ++it)
            QVERIFY2(!it.key().startsWith("access-control-"), it.key().constData());
    }

    void noAuthMode()
    {
        SecurityOptions options;
        options.requireAuth = false;
        auto server = makeServer({}, options);
        QCOMPARE(roundTrip(server->port(), request("GET", "/nodes/x", server->port())).status, 200);
        // Host and Origin are still checked.
        QCOMPARE(roundTrip(server->port(), "GET /nodes/x HTTP/1.1\r\nHost: evil.example\r\n\r\n").status, 403);
    }

    void tokenComparison()
    {
        QVERIFY(security::tokenEquals("abc", "abc"));
        QVERIFY(!security::tokenEquals("abd", "abc"));
        QVERIFY(!security::tokenEquals("ab", "abc"));
        QVERIFY(!security::tokenEquals("abcd", "abc"));
        QVERIFY(!security::tokenEquals("", ""));
        QVERIFY(!security::tokenEquals("x", ""));
    }

    void bodyTooLargeIs413BeforeTheBody()
    {
        auto server = makeServer();
        const quint16 port = server->port();
        RawClient client(port);
        // Headers only: the answer must come without the server waiting for 10 MB.
        client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\nAuthorization: Bearer "
            + kToken + "\r\nContent-Length: 10485760\r\n\r\n");
        const RawResponse response = client.next();
        QCOMPARE(response.status, 413);
        QCOMPARE(errorCode(response), QStringLiteral("payload_too_large"));
        QVERIFY(client.waitClosed());

        // A real client sending the whole 10 MB gets 413 too, and the server keeps serving.
        QNetworkAccessManager manager;
        QNetworkRequest post(QUrl(QStringLiteral("http://127.0.0.1:%1/echo").arg(port)));
        post.setRawHeader("Authorization", "Bearer " + kToken);
        post.setHeader(QNetworkRequest::ContentTypeHeader, "application/octet-stream");
        std::unique_ptr<QNetworkReply> reply(manager.post(post, QByteArray(10 << 20, 'x')));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), kWaitMs);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 413);

        QCOMPARE(roundTrip(port, request("POST", "/echo", port, kToken, {}, QByteArray(1000, 'y'))).body,
            QByteArray(1000, 'y'));
        QTRY_COMPARE_WITH_TIMEOUT(server->connectionCount(), 0, kWaitMs);
    }

    void expectContinue()
    {
        auto server = makeServer();
        RawClient client(server->port());
        client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(server->port())
            + "\r\nAuthorization: Bearer " + kToken + "\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(client.buffer().startsWith("HTTP/1.1 100 Continue\r\n\r\n"), kWaitMs);
        client.buffer().remove(0, 25);
        client.send("hello");
        const RawResponse response = client.next();
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, QByteArray("hello"));
    }

    void malformedRequests_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        QTest::newRow("garbage") << QByteArray("\x01\x02 hello\r\n\r\n") << 400;
        QTest::newRow("no version") << QByteArray("GET /health\r\nHost: 127.0.0.1:%PORT%\r\n\r\n") << 400;
        QTest::newRow("absolute form") << QByteArray("GET http://evil/ HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\n\r\n")
                                       << 400;
        QTest::newRow("http/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 400;
        QTest::newRow("version") << QByteArray("GET /health HTTP/3.0\r\nHost: 127.0.0.1:%PORT%\r\n\r\n") << 505;
        QTest::newRow("chunked") << QByteArray("POST /echo HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nTransfer-Encoding: "
                                               "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                                 << 411;
        QTest::newRow("two lengths") << QByteArray(
            "POST /echo HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
                                     << 400;
        QTest::newRow("bad length") << QByteArray(
            "POST /echo HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nContent-Length: -1\r\n\r\n")
                                    << 400;
        QTest::newRow("folded header") << QByteArray(
            "GET /health HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nX-A: 1\r\n  2\r\n\r\n")
                                       << 400;
        QTest::newRow("space before colon")
            << QByteArray("GET /health HTTP/1.1\r\nHost : 127.0.0.1:%PORT%\r\n\r\n") << 400;
        QTest::newRow("two hosts") << QByteArray("GET /health HTTP/1.1\r\nHost: 127.0.0.1:%PORT%\r\nHost: evil\r\n\r\n")
                                   << 400;
    }
    void malformedRequests()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        auto server = makeServer();
        bytes.replace("%PORT%", QByteArray::number(server->port()));
        RawClient client(server->port());
        client.send(bytes);
        QCOMPARE(client.next().status, status);
        QVERIFY(client.waitClosed());
        QCOMPARE(roundTrip(server->port(), request("GET", "/health", server->port())).status, 200);
    }

    void headersTooLarge()
    {
        ServerLimits limits;
        limits.maxHeaderBytes = 4096;
        auto server = makeServer(limits);
        RawClient big(server->port());
        big.send(request("GET", "/health", server->port(), {}, "X-Big: " + QByteArray(8000, 'a') + "\r\n"));
        QCOMPARE(big.next().status, 431);
        QVERIFY(big.waitClosed());
        // Without a terminator at all: refused once the limit is passed, not buffered forever.
        RawClient endless(server->port());
        endless.send("GET /health HTTP/1.1\r\nX-Endless: " + QByteArray(20000, 'b'));
        QCOMPARE(endless.next().status, 431);
        QVERIFY(endless.waitClosed());
        QCOMPARE(roundTrip(server->port(), request("GET", "/health", server->port())).status, 200);
    }

    void slowlorisIsCutWhileOthersAreServed()
    {
        ServerLimits limits;
        limits.requestTimeoutMs = 1000;
        auto server = makeServer(limits);
        const quint16 port = server->port();
        RawClient slow(port);
        QVERIFY(slow.waitConnected());
        const QByteArray drip = request("GET", "/nodes/x", port, kToken, "X-Pad: " + QByteArray(200, 'p') + "\r\n");
        qsizetype sent = 0;
        QTimer dripper;
        QObject::connect(&dripper, &QTimer::timeout, [&] {
            if (sent < drip.size() && !slow.closed())
                slow.send(drip.mid(sent++, 1));
        });
        dripper.start(100);
        RawClient good(port);
        int answered = 0;
        while (!slow.closed() && answered < 1000) {
            good.send(request("GET", "/nodes/y", port, kToken));
            QCOMPARE(good.next().status, 200);
            ++answered;
            QTest::qWait(20);
        }
        QVERIFY(slow.closed());
        QVERIFY(sent < drip.size());
        RawResponse cut;
        QVERIFY(takeResponse(slow.buffer(), cut));
        QCOMPARE(cut.status, 408);
        QVERIFY(answered >= 5);
        QVERIFY(!good.closed());
    }

    void silentAndIdleConnectionsAreClosed()
    {
        ServerLimits limits;
        limits.requestTimeoutMs = 500;
        limits.idleTimeoutMs = 500;
        auto server = makeServer(limits);
        RawClient silent(server->port());
        QVERIFY(silent.waitClosed());
        RawClient idle(server->port());
        idle.send(request("GET", "/health", server->port()));
        QCOMPARE(idle.next().status, 200);
        QVERIFY(!idle.closed());
        QVERIFY(idle.waitClosed());
        QTRY_COMPARE_WITH_TIMEOUT(server->connectionCount(), 0, kWaitMs);
    }

    void connectionCap()
    {
        ServerLimits limits;
        limits.maxConnections = 2;
        auto server = makeServer(limits);
        const quint16 port = server->port();
        auto first = std::make_unique<RawClient>(port);
        RawClient second(port);
        QTRY_COMPARE_WITH_TIMEOUT(server->connectionCount(), 2, kWaitMs);
        RawClient third(port);
        const RawResponse refused = third.next();
        QCOMPARE(refused.status, 503);
        QCOMPARE(errorCode(refused), QStringLiteral("too_many_connections"));
        QVERIFY(third.waitClosed());
        QCOMPARE(server->connectionCount(), 2);
        second.send(request("GET", "/health", port));
        QCOMPARE(second.next().status, 200);
        first.reset();
        QTRY_COMPARE_WITH_TIMEOUT(server->connectionCount(), 1, kWaitMs);
        QCOMPARE(roundTrip(port, request("GET", "/health", port)).status, 200);
    }

    void jsonBody_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("object") << QByteArray("{\"a\":[1,{\"b\":\"[[[[\"}]}") << 200 << "";
        QTest::newRow("malformed") << QByteArray("{\"a\": 1,}") << 400 << "offset";
        QTest::newRow("truncated") << QByteArray("{\"a\": [1, 2") << 400 << "offset";
        QTest::newRow("too deep") << (QByteArray(20, '[') + QByteArray(20, ']')) << 400 << "deeper than 8";
        QTest::newRow("deep in object") << QByteArray("{\"a\":[[[[[[[[[1]]]]]]]]]}") << 400 << "deeper than 8";
        QTest::newRow("array") << QByteArray("[1,2]") << 400 << "object";
        QTest::newRow("empty") << QByteArray("") << 400 << "empty";
    }
    void jsonBody()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, messagePart);
        auto server = makeServer();
        const RawResponse response
            = roundTrip(server->port(), request("POST", "/json", server->port(), kToken, {}, body));
        QCOMPARE(response.status, status);
        if (status == 400) {
            QCOMPARE(errorCode(response), QStringLiteral("bad_json"));
            QVERIFY2(jsonOf(response).value("error").toObject().value("message").toString().contains(messagePart),
                response.body.constData());
        }
    }

    void handlerExceptionIs500()
    {
        auto server = makeServer();
        const RawResponse response = roundTrip(server->port(), request("GET", "/throws", server->port(), kToken));
        QCOMPARE(response.status, 500);
        QCOMPARE(errorCode(response), QStringLiteral("internal"));
    }

    void revisionInErrors()
    {
        auto server = makeServer();
        server->setRevisionProvider([] { return qint64(42); });
        const RawResponse missing = roundTrip(server->port(), request("GET", "/nosuch", server->port(), kToken));
        QCOMPARE(missing.status, 404);
        QCOMPARE(jsonOf(missing).value("revision").toInteger(), 42);
        const RawResponse ok = roundTrip(server->port(), request("GET", "/health", server->port()));
        QVERIFY(!jsonOf(ok).contains("revision"));
    }

    void portInUse()
    {
        auto server = makeServer();
        HttpServer second({}, {});
        const auto result = second.listen(server->port());
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, QStringLiteral("port_in_use"));
    }

    void closeStopsServing()
    {
        auto server = makeServer();
        const quint16 port = server->port();
        RawClient idle(port);
        QTRY_COMPARE_WITH_TIMEOUT(server->connectionCount(), 1, kWaitMs);
        server->close();
        QVERIFY(idle.waitClosed());
        RawClient late(port);
        QVERIFY(late.waitClosed());
    }

    void metricsAreValidPrometheusText()
    {
        auto server = makeServer();
        const quint16 port = server->port();
        for (int i = 0; i < 3; ++i)
            QCOMPARE(roundTrip(port, request("GET", "/health", port)).status, 200);
        QCOMPARE(roundTrip(port, request("GET", "/nosuch", port, kToken)).status, 404);
        const QByteArray text = server->metricsText();
        QVERIFY(text.endsWith('\n'));
        static const QRegularExpression help(QStringLiteral("^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$"));
        static const QRegularExpression type(
            QStringLiteral("^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$"));
        static const QRegularExpression sample(
            QStringLiteral("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\"(,[a-zA-Z_][a-zA-Z0-9_]*="
                           "\"[^\"]*\")*\\})? (-?[0-9.e+-]+|\\+Inf|NaN)$"));
        QSet<QString> typed;
        QHash<QString, double> samples;
        for (const QByteArray& line : text.trimmed().split('\n')) {
            const QString l = QString::fromUtf8(line);
            if (l.startsWith(QLatin1String("# HELP"))) {
                QVERIFY2(help.match(l).hasMatch(), line.constData());
            } else if (const auto m = type.match(l); m.hasMatch()) {
                typed.insert(m.captured(1));
            } else {
                const auto s = sample.match(l);
                QVERIFY2(s.hasMatch(), line.constData());
                QString family = s.captured(1);
                for (const char* suffix : {"_bucket", "_sum", "_count"}) {
                    if (family.endsWith(QLatin1String(suffix)) && !typed.contains(family))
                        family.chop(int(qstrlen(suffix)));
                }
                QVERIFY2(typed.contains(family), line.constData());
                samples.insert(s.captured(1) + s.captured(2), s.captured(4).toDouble());
            }
        }
        for (const char* name : {"mu_http_requests_total", "mu_http_request_duration_seconds", "mu_http_connections",
                 "mu_ws_clients", "mu_ws_dropped_total"})
            QVERIFY2(typed.contains(QLatin1String(name)), name);
        QCOMPARE(samples.value(QStringLiteral("mu_http_requests_total{code=\"200\"}")), 3.0);
        QCOMPARE(samples.value(QStringLiteral("mu_http_requests_total{code=\"404\"}")), 1.0);
        QCOMPARE(samples.value(QStringLiteral("mu_http_request_duration_seconds_count")), 4.0);
        QCOMPARE(samples.value(QStringLiteral("mu_http_request_duration_seconds_bucket{le=\"+Inf\"}")), 4.0);
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
