// Shared by the daemon integration tests: a real `mu daemon run` process on a temporary project
// with a temporary MU_HOME, and real HTTP and WebSocket clients talking to it.
#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <functional>
#include <memory>

namespace mu::test {

inline constexpr int kDaemonTimeoutMs = 120000;

struct HttpAnswer {
    int status = 0;
    QByteArray body;
    QByteArray contentType;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

inline QProcessEnvironment cliEnvironment(const QString& home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MU_HOME"), home);
    env.insert(QStringLiteral("NO_COLOR"), QStringLiteral("1"));
    return env;
}

/// Runs `mu ARGS` to completion.
inline CliRun runMu(const QString& home, const QStringList& arguments)
{
    QProcess process;
    process.setProcessEnvironment(cliEnvironment(home));
    process.start(QStringLiteral(MU_EXECUTABLE), arguments);
    process.closeWriteChannel();
    if (!process.waitForFinished(kDaemonTimeoutMs))
        qFatal("mu %s did not finish", qPrintable(arguments.join(u' ')));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
        process.readAllStandardError()};
}

inline bool writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    return file.write(content) == content.size();
}

/// One `mu daemon run` process.
class DaemonProcess {
public:
    DaemonProcess(QString project, QString home) : m_project(std::move(project)), m_home(std::move(home)) { }
    ~DaemonProcess() { kill(); }

    /// Starts the daemon and waits until it announces its port. Extra arguments go to `daemon run`.
    bool start(const QStringList& extra = {})
    {
        m_process = std::make_unique<QProcess>();
        m_process->setProcessEnvironment(cliEnvironment(m_home));
        m_process->start(QStringLiteral(MU_EXECUTABLE),
            QStringList {QStringLiteral("daemon"), QStringLiteral("run"), m_project, QStringLiteral("--port"),
                QStringLiteral("0")}
                + extra);
        if (!m_process->waitForStarted(kDaemonTimeoutMs))
            return false;
        static const QRegularExpression announce(QStringLiteral("on http://127\\.0\\.0\\.1:(\\d+)"));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < kDaemonTimeoutMs) {
            if (m_process->state() != QProcess::Running)
                return false;
            m_process->waitForReadyRead(200);
            m_stderr += m_process->readAllStandardError();
            const QRegularExpressionMatch match = announce.match(QString::fromUtf8(m_stderr));
            if (match.hasMatch()) {
                m_port = quint16(match.captured(1).toUInt());
                m_token = readToken();
                return m_port != 0;
            }
        }
        return false;
    }

    /// Waits for the process to exit (after a shutdown request or a signal); its exit code.
    int waitForExit(int timeoutMs = kDaemonTimeoutMs)
    {
        if (!m_process)
            return -1;
        if (!m_process->waitForFinished(timeoutMs))
            return -1;
        m_stderr += m_process->readAllStandardError();
        return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
    }

    void terminate()
    {
        if (m_process && m_process->state() == QProcess::Running)
            m_process->terminate();
    }
    void kill()
    {
        if (m_process && m_process->state() == QProcess::Running) {
            m_process->kill();
            m_process->waitForFinished(10000);
        }
    }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    quint16 port() const { return m_port; }
    const QByteArray& token() const { return m_token; }
    QByteArray log()
    {
        if (m_process)
            m_stderr += m_process->readAllStandardError();
        return m_stderr;
    }

    HttpAnswer get(const QString& pathAndQuery, const QList<QPair<QByteArray, QByteArray>>& headers = {})
    {
        return request("GET", pathAndQuery, {}, headers);
    }
    HttpAnswer post(
        const QString& path, const QJsonObject& body, const QList<QPair<QByteArray, QByteArray>>& headers = {})
    {
        return request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
    }
    /// A request with the token unless `headers` sets Authorization itself.
    HttpAnswer request(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body,
        const QList<QPair<QByteArray, QByteArray>>& headers = {})
    {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery)));
        request.setTransferTimeout(kDaemonTimeoutMs);
        bool authorization = false;
        for (const auto& [name, value] : headers) {
            request.setRawHeader(name, value);
            authorization = authorization || name.compare("authorization", Qt::CaseInsensitive) == 0;
        }
        if (!authorization && !m_token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + m_token);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply* reply = m_network.sendCustomRequest(request, method, body);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        HttpAnswer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        answer.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
        reply->deleteLater();
        return answer;
    }

    /// Rows of a MUQL query answered by the daemon.
    QJsonArray queryRows(const QString& muql)
    {
        return post(QStringLiteral("/query"), {{QStringLiteral("muql"), muql}})
            .json()
            .value(QStringLiteral("rows"))
            .toArray();
    }

private:
    QByteArray readToken() const
    {
        QFile file(QDir(m_home).filePath(QStringLiteral("daemons.json")));
        if (!file.open(QIODevice::ReadOnly))
            return {};
        const QJsonArray daemons
            = QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("daemons")).toArray();
        for (const QJsonValue& entry : daemons) {
            if (entry.toObject().value(QStringLiteral("port")).toInt() == m_port)
                return entry.toObject().value(QStringLiteral("token")).toString().toUtf8();
        }
        return {};
    }

    QString m_project;
    QString m_home;
    std::unique_ptr<QProcess> m_process;
    QByteArray m_stderr;
    quint16 m_port = 0;
    QByteArray m_token;
    QNetworkAccessManager m_network;
};

/// Compact JSON rows, one per line: what two graphs are compared by.
inline QString rowsText(const QJsonArray& rows)
{
    QStringList lines;
    for (const QJsonValue& row : rows)
        lines.append(QString::fromUtf8(QJsonDocument(row.toArray()).toJson(QJsonDocument::Compact)));
    return lines.join(u'\n');
}

inline const QStringList& graphQueries()
{
    static const QStringList queries {
        QStringLiteral("SELECT id, type, kind, name, qualified_name, file_path, line_start, line_end, signature FROM "
                       "nodes LIMIT 10000"),
        QStringLiteral("SELECT source_id, target_id, type, line FROM edges LIMIT 10000"),
        // The rows above stop at 10000; the counts cover the rest.
        QStringLiteral("SELECT type, COUNT(*) FROM nodes GROUP BY type"),
        QStringLiteral("SELECT type, COUNT(*) FROM edges GROUP BY type")};
    return queries;
}

/// Checks that the daemon's graph equals a fresh `mu index` of a copy of `projectDir` (its `.mu/`
/// left out), once the daemon is quiet: watching (no storm), nothing pending in the watcher or the
/// writer, and as many files as the fresh index — events of a burst may still be unread when the
/// first /status answers, so quiet alone is not enough.
inline void verifyConverged(DaemonProcess& daemon, const QString& projectDir, const QString& home)
{
    QTemporaryDir fresh;
    QVERIFY(fresh.isValid());
    QDirIterator it(projectDir, QDir::Files | QDir::NoDotAndDotDot | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString rel = QDir(projectDir).relativeFilePath(file);
        if (rel.startsWith(u".mu/"))
            continue;
        QFile source(file);
        QVERIFY(source.open(QIODevice::ReadOnly));
        QVERIFY(writeFile(fresh.filePath(rel), source.readAll()));
    }
    const CliRun indexed = runMu(home, {QStringLiteral("index"), QStringLiteral("--json"), fresh.path()});
    QCOMPARE(indexed.exitCode, 0);
    const int files = indexed.json().value(QStringLiteral("scanned")).toInt();

    QElapsedTimer timer;
    timer.start();
    while (true) {
        const QJsonObject status = daemon.get(QStringLiteral("/status")).json();
        const QJsonObject watcher = status.value(QStringLiteral("watcher")).toObject();
        if (status.value(QStringLiteral("status")).toString() == u"ready"
            && watcher.value(QStringLiteral("state")).toString() == u"watching"
            && watcher.value(QStringLiteral("pending")).toInt() == 0
            && status.value(QStringLiteral("stats")).toObject().value(QStringLiteral("files")).toInt() == files)
            break;
        QVERIFY2(timer.elapsed() < kDaemonTimeoutMs,
            qPrintable(QStringLiteral("the daemon never converged: %1")
                           .arg(QString::fromUtf8(QJsonDocument(status).toJson(QJsonDocument::Compact)))));
        QTest::qWait(100);
    }
    for (const QString& muql : graphQueries()) {
        const CliRun expected = runMu(home,
            {QStringLiteral("q"), muql, QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("-C"),
                fresh.path()});
        QCOMPARE(expected.exitCode, 0);
        const QJsonArray expectedRows = expected.json().value(QStringLiteral("rows")).toArray();
        QVERIFY(!expectedRows.isEmpty());
        QCOMPARE(rowsText(daemon.queryRows(muql)), rowsText(expectedRows));
    }
}

/// A /live WebSocket client that keeps every message it receives.
class LiveClient : public QObject {
public:
    bool open(quint16 port, const QByteArray& token)
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, this,
            [this](const QString& text) { m_messages.append(QJsonDocument::fromJson(text.toUtf8()).object()); });
        QSignalSpy connected(&m_socket, &QWebSocket::connected);
        m_socket.open(
            QUrl(QStringLiteral("ws://127.0.0.1:%1/live?token=%2").arg(port).arg(QString::fromLatin1(token))));
        if (!connected.wait(kDaemonTimeoutMs))
            return false;
        return waitFor(
            [](const QJsonObject& message) { return message.value(QStringLiteral("type")).toString() == u"hello"; });
    }
    void send(const QJsonObject& message)
    {
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }
    /// Waits until a message satisfying `predicate` arrived (already or within the timeout).
    bool waitFor(const std::function<bool(const QJsonObject&)>& predicate, int timeoutMs = kDaemonTimeoutMs)
    {
        QElapsedTimer timer;
        timer.start();
        while (true) {
            for (qsizetype i = m_scanned; i < m_messages.size(); ++i) {
                if (predicate(m_messages[i])) {
                    m_scanned = 0;
                    return true;
                }
            }
            if (timer.elapsed() > timeoutMs)
                return false;
            QTest::qWait(20);
        }
    }
    /// Waits for a graph_update with an event of `eventType` for `nodeId`.
    bool waitForEvent(const QString& eventType, const QString& nodeId, int timeoutMs = kDaemonTimeoutMs)
    {
        return waitFor(
            [&](const QJsonObject& message) {
                if (message.value(QStringLiteral("type")).toString() != u"graph_update")
                    return false;
                for (const QJsonValue& event : message.value(QStringLiteral("events")).toArray()) {
                    const QJsonObject object = event.toObject();
                    if (object.value(QStringLiteral("event_type")) == eventType
                        && object.value(QStringLiteral("node_id")) == nodeId)
                        return true;
                }
                return false;
            },
            timeoutMs);
    }
    QList<QJsonObject>& messages() { return m_messages; }
    QWebSocket& socket() { return m_socket; }

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_messages;
    qsizetype m_scanned = 0;
};

} // namespace mu::test
