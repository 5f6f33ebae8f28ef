// `mu daemon start|stop|status|list|token` against real `mu daemon run` processes, with a
// temporary MU_HOME: lifecycle, double start, two projects, stop --all / --port, stale registry
// entries, port conflicts, signals, and stop's escalation to SIGKILL.
#include "daemon/daemonclient.h"
#include "daemon/projectlock.h"
#include "daemon/registry.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace mu;
using namespace mu::daemon;

namespace {

constexpr int kWaitMs = 60000;

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    QByteArray all() const { return out + err; }
};

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

void copyFixture(const QString& to)
{
    const QString from = QStringLiteral(MU_FIXTURES_DIR "/projects/python_app");
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = to + u'/' + QDir(from).relativeFilePath(source);
        QDir().mkpath(QFileInfo(target).path());
        QFile::copy(source, target);
    }
}

/// The pid in "started: … (pid N)" / "already running: … (pid N)".
qint64 pidIn(const QByteArray& text)
{
    const auto match = QRegularExpression(QStringLiteral("\\(pid (\\d+)\\)")).match(QString::fromUtf8(text));
    return match.hasMatch() ? match.captured(1).toLongLong() : 0;
}

} // namespace

class TestDaemonCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();
    void usageErrors();
    void nothingRunning();
    void startStatusListTokenStop();
    void doubleStart();
    void twoProjectsAndStopAll();
    void stopByPort();
    void staleEntryCleanedByList();
    void explicitPortTaken();
    void runExitsCleanlyOnSignals_data();
    void runExitsCleanlyOnSignals();
    void stopEscalatesToSigkill();

private:
    Run mu(const QStringList& arguments) const;
    QProcessEnvironment environment() const;
    Registry registry() const { return Registry(m_home.path()); }
    QString projectA() const { return QDir(m_projects.filePath(QStringLiteral("alpha"))).canonicalPath(); }
    QString projectB() const { return QDir(m_projects.filePath(QStringLiteral("beta"))).canonicalPath(); }

    QTemporaryDir m_home;
    QTemporaryDir m_projects;
};

QProcessEnvironment TestDaemonCli::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("MU_HOME"), m_home.path());
    env.insert(QStringLiteral("NO_COLOR"), QStringLiteral("1"));
    return env;
}

Run TestDaemonCli::mu(const QStringList& arguments) const
{
    QProcess process;
    process.setProgram(QStringLiteral(MU_EXECUTABLE));
    process.setArguments(arguments);
    process.setWorkingDirectory(m_projects.path());
    process.setProcessEnvironment(environment());
    process.start();
    if (!process.waitForFinished(120000))
        qFatal("mu %s did not finish", qPrintable(arguments.join(u' ')));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
        process.readAllStandardError()};
}

void TestDaemonCli::initTestCase()
{
    QVERIFY(m_home.isValid() && m_projects.isValid());
    for (const QString& name : {QStringLiteral("alpha"), QStringLiteral("beta")}) {
        copyFixture(m_projects.filePath(name));
        QCOMPARE(mu({QStringLiteral("index"), m_projects.filePath(name), QStringLiteral("--quiet")}).exitCode, 0);
    }
}

void TestDaemonCli::cleanup()
{
    // No daemon outlives the test that started it.
    mu({QStringLiteral("daemon"), QStringLiteral("stop"), QStringLiteral("--all")});
}

void TestDaemonCli::cleanupTestCase()
{
    cleanup();
}

void TestDaemonCli::usageErrors()
{
    QCOMPARE(mu({QStringLiteral("daemon")}).exitCode, 2);
    const Run unknown = mu({QStringLiteral("daemon"), QStringLiteral("frobnicate")});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains("unknown command 'frobnicate'"));
    QCOMPARE(mu({QStringLiteral("daemon"), QStringLiteral("--help")}).exitCode, 0);
    for (const char* command : {"start", "stop", "status", "list", "token"}) {
        const Run help = mu({QStringLiteral("daemon"), QLatin1String(command), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.contains(QByteArray("Usage: mu daemon " + QByteArray(command))), help.out.constData());
    }
    QCOMPARE(mu({QStringLiteral("daemon"), QStringLiteral("stop"), QStringLiteral("--all"), QStringLiteral("--port"),
                    QStringLiteral("9120")})
                 .exitCode,
        2);
    QCOMPARE(mu({QStringLiteral("daemon"), QStringLiteral("start"), projectA(), QStringLiteral("--port"),
                    QStringLiteral("http")})
                 .exitCode,
        2);
    QCOMPARE(mu({QStringLiteral("daemon"), QStringLiteral("start"), projectA(), QStringLiteral("--port"),
                    QStringLiteral("70000")})
                 .exitCode,
        2);
    const Run notDir
        = mu({QStringLiteral("daemon"), QStringLiteral("status"), m_projects.filePath(QStringLiteral("nope"))});
    QCOMPARE(notDir.exitCode, 1);
    QVERIFY(notDir.err.contains("is not a directory"));
}

void TestDaemonCli::nothingRunning()
{
    const Run status = mu({QStringLiteral("daemon"), QStringLiteral("status"), projectA()});
    QCOMPARE(status.exitCode, 1);
    QVERIFY(status.out.contains("not running"));
    const Run statusJson
        = mu({QStringLiteral("daemon"), QStringLiteral("status"), projectA(), QStringLiteral("--json")});
    QCOMPARE(statusJson.exitCode, 1);
    QCOMPARE(statusJson.json().value(u"status").toString(), QStringLiteral("not_running"));
    QCOMPARE(mu({QStringLiteral("daemon"), QStringLiteral("stop"), projectA()}).exitCode, 1);
    QCOMPARE(mu({QStringLiteral("daemon"), QStringLiteral("token"), projectA()}).exitCode, 1);
    QCOMPARE(
        mu({QStringLiteral("daemon"), QStringLiteral("stop"), QStringLiteral("--port"), QString::number(freePort())})
            .exitCode,
        1);
    const Run stopAll = mu({QStringLiteral("daemon"), QStringLiteral("stop"), QStringLiteral("--all")});
    QCOMPARE(stopAll.exitCode, 0);
    QVERIFY(stopAll.out.contains("no daemons running"));
    const Run list = mu({QStringLiteral("daemon"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    QCOMPARE(list.json().value(u"daemons").toArray().size(), 0);
}

void TestDaemonCli::startStatusListTokenStop()
{
    const quint16 port = freePort();
    const Run start = mu({QStringLiteral("daemon"), QStringLiteral("start"), projectA(), QStringLiteral("--port"),
        QString::number(port)});
    QVERIFY2(start.exitCode == 0, start.all().constData());
    const QByteArray expected = "started: " + projectA().toUtf8() + " on http://127.0.0.1:" + QByteArray::number(port);
    QVERIFY2(start.out.startsWith(expected), start.out.constData());
    const qint64 pid = pidIn(start.out);
    QVERIFY(processAlive(pid));
    QCOMPARE(ProjectLock::holderPid(projectA()), std::optional<qint64>(pid));

    const Run status = mu({QStringLiteral("daemon"), QStringLiteral("status"), projectA(), QStringLiteral("--json")});
    QVERIFY2(status.exitCode == 0, status.all().constData());
    QVERIFY(status.json().contains(u"revision"));
    const Run statusText = mu({QStringLiteral("daemon"), QStringLiteral("status"), projectA()});
    QCOMPARE(statusText.exitCode, 0);
    QVERIFY2(statusText.out.contains(QByteArray("pid " + QByteArray::number(pid))), statusText.out.constData());

    const Run list = mu({QStringLiteral("daemon"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    const QJsonArray daemons = list.json().value(u"daemons").toArray();
    QCOMPARE(daemons.size(), 1);
    const QJsonObject listed = daemons.first().toObject();
    QCOMPARE(listed.value(u"project_path").toString(), projectA());
    QCOMPARE(listed.value(u"pid").toInteger(), pid);
    QCOMPARE(listed.value(u"port").toInt(), int(port));
    QVERIFY(!listed.contains(u"token")); // tokens only through `mu daemon token`
    const Run listText = mu({QStringLiteral("daemon"), QStringLiteral("list")});
    QVERIFY(listText.out.contains(projectA().toUtf8()));

    // The token works, and the daemon insists on it.
    const Run token = mu({QStringLiteral("daemon"), QStringLiteral("token"), projectA()});
    QCOMPARE(token.exitCode, 0);
    const QString secret = QString::fromUtf8(token.out.trimmed());
    QVERIFY(secret.size() >= 16);
    DaemonEntry entry;
    entry.projectPath = projectA();
    entry.pid = pid;
    entry.port = port;
    entry.token = secret;
    QVERIFY(DaemonClient(entry).get(QStringLiteral("/status")).ok());
    entry.token = QStringLiteral("wrong");
    auto refused = DaemonClient(entry).get(QStringLiteral("/status"));
    QVERIFY(!refused.ok());
    entry.token.clear();
    QVERIFY(DaemonClient(entry).get(QStringLiteral("/health")).ok());

    const Run stop = mu({QStringLiteral("daemon"), QStringLiteral("stop"), projectA()});
    QVERIFY2(stop.exitCode == 0, stop.all().constData());
    QVERIFY2(stop.out.contains(QByteArray("stopped: " + projectA().toUtf8())), stop.out.constData());
    QVERIFY(stop.out.contains("on request")); // a clean shutdown, no signal needed
    QVERIFY(!processAlive(pid));
    QCOMPARE(ProjectLock::holderPid(projectA()), std::nullopt);
    QVERIFY(registry().list()->isEmpty());
    QCOMPARE(mu({QStringLiteral("daemon"), QStringLiteral("status"), projectA()}).exitCode, 1);
}

void TestDaemonCli::doubleStart()
{
    const Run first = mu({QStringLiteral("daemon"), QStringLiteral("start"), projectA()});
    QVERIFY2(first.exitCode == 0, first.all().constData());
    const qint64 pid = pidIn(first.out);
    QVERIFY(pid > 0);
    const Run second = mu({QStringLiteral("daemon"), QStringLiteral("start"), projectA()});
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(second.out.startsWith(QByteArray("already running: " + projectA().toUtf8())), second.out.constData());
    QCOMPARE(pidIn(second.out), pid);
    // Running the daemon by hand on a locked project fails clearly.
    const Run run = mu({QStringLiteral("daemon"), QStringLiteral("run"), projectA(), QStringLiteral("--port"),
        QString::number(freePort())});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("already running") || run.err.contains("already runs"), run.err.constData());
    QVERIFY(run.err.contains(QByteArray::number(pid)));
    QCOMPARE(registry().list()->size(), 1);
    QVERIFY(processAlive(pid));
}

void TestDaemonCli::twoProjectsAndStopAll()
{
    const Run a = mu({QStringLiteral("daemon"), QStringLiteral("start"), projectA()});
    const Run b = mu({QStringLiteral("daemon"), QStringLiteral("start"), projectB()});
    QVERIFY2(a.exitCode == 0 && b.exitCode == 0, QByteArray(a.all() + b.all()).constData());
    auto entries = registry().list();
    QVERIFY(entries.ok());
    QCOMPARE(entries->size(), 2);
    QVERIFY(entries->at(0).port != entries->at(1).port);
    QVERIFY(entries->at(0).token != entries->at(1).token);
    for (const DaemonEntry& entry : std::as_const(*entries))
        QVERIFY(DaemonClient(entry).get(QStringLiteral("/status")).ok());

    const Run stop = mu({QStringLiteral("daemon"), QStringLiteral("stop"), QStringLiteral("--all")});
    QVERIFY2(stop.exitCode == 0, stop.all().constData());
    QVERIFY(stop.out.contains(QByteArray("stopped: " + projectA().toUtf8())));
    QVERIFY(stop.out.contains(QByteArray("stopped: " + projectB().toUtf8())));
    QVERIFY(!processAlive(pidIn(a.out)));
    QVERIFY(!processAlive(pidIn(b.out)));
    QVERIFY(registry().list()->isEmpty());
    const Run again = mu({QStringLiteral("daemon"), QStringLiteral("stop"), QStringLiteral("--all")});
    QCOMPARE(again.exitCode, 0);
    QVERIFY(again.out.contains("no daemons running"));
}

void TestDaemonCli::stopByPort()
{
    const quint16 port = freePort();
    const Run start = mu({QStringLiteral("daemon"), QStringLiteral("start"), projectB(), QStringLiteral("--port"),
        QString::number(port)});
    QVERIFY2(start.exitCode == 0, start.all().constData());
    const Run stop
        = mu({QStringLiteral("daemon"), QStringLiteral("stop"), QStringLiteral("--port"), QString::number(port)});
    QVERIFY2(stop.exitCode == 0, stop.all().constData());
    QVERIFY(stop.out.contains(QByteArray("stopped: " + projectB().toUtf8())));
    QVERIFY(!processAlive(pidIn(start.out)));
}

void TestDaemonCli::staleEntryCleanedByList()
{
    // A daemon that died without cleaning up: its pid is gone and its lock is free.
    QProcess gone;
    gone.start(QStringLiteral("/bin/true"));
    QVERIFY(gone.waitForStarted(kWaitMs));
    DaemonEntry stale;
    stale.projectPath = projectA();
    stale.pid = gone.processId(); // read before it finishes: 0 afterwards
    QVERIFY(gone.waitForFinished(kWaitMs));
    QVERIFY(stale.pid > 0);
    stale.port = 9120;
    stale.token = QStringLiteral("old");
    const QJsonObject root {{QStringLiteral("version"), 1}, {QStringLiteral("daemons"), QJsonArray {stale.toJson()}}};
    QFile file(registry().filePath());
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(QJsonDocument(root).toJson());
    file.close();

    const Run list = mu({QStringLiteral("daemon"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    QCOMPARE(list.json().value(u"daemons").toArray().size(), 0);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains("\"old\""));
    file.close();
    // And a stale entry does not make `start` believe the project runs.
    const Run start = mu({QStringLiteral("daemon"), QStringLiteral("start"), projectA()});
    QVERIFY2(start.exitCode == 0 && start.out.startsWith("started: "), start.all().constData());
}

void TestDaemonCli::explicitPortTaken()
{
    QTcpServer other;
    QVERIFY(other.listen(QHostAddress::LocalHost, 0));
    const Run byProgram = mu({QStringLiteral("daemon"), QStringLiteral("start"), projectA(), QStringLiteral("--port"),
        QString::number(other.serverPort())});
    QCOMPARE(byProgram.exitCode, 1);
    QVERIFY2(byProgram.err.contains(
                 QByteArray("port " + QByteArray::number(other.serverPort()) + " is in use by another program")),
        byProgram.err.constData());
    QVERIFY(registry().list()->isEmpty());

    const quint16 port = freePort();
    const Run a = mu({QStringLiteral("daemon"), QStringLiteral("start"), projectA(), QStringLiteral("--port"),
        QString::number(port)});
    QVERIFY2(a.exitCode == 0, a.all().constData());
    const Run b = mu({QStringLiteral("daemon"), QStringLiteral("start"), projectB(), QStringLiteral("--port"),
        QString::number(port)});
    QCOMPARE(b.exitCode, 1);
    const QByteArray owner = "project " + projectA().toUtf8() + " (pid " + QByteArray::number(pidIn(a.out)) + ")";
    QVERIFY2(b.err.contains(owner), b.err.constData());
    // The daemon itself refuses too, naming the owner.
    const Run run = mu(
        {QStringLiteral("daemon"), QStringLiteral("run"), projectB(), QStringLiteral("--port"), QString::number(port)});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains(owner), run.err.constData());
    QCOMPARE(ProjectLock::holderPid(projectB()), std::nullopt);
}

void TestDaemonCli::runExitsCleanlyOnSignals_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << SIGTERM;
    QTest::newRow("SIGINT") << SIGINT;
}

void TestDaemonCli::runExitsCleanlyOnSignals()
{
    QFETCH(int, signalNumber);
    QProcess daemon;
    daemon.setProgram(QStringLiteral(MU_EXECUTABLE));
    daemon.setArguments({QStringLiteral("daemon"), QStringLiteral("run"), projectA(), QStringLiteral("--port"),
        QString::number(freePort())});
    daemon.setProcessEnvironment(environment());
    daemon.start();
    QVERIFY(daemon.waitForStarted(kWaitMs));
    std::optional<DaemonEntry> entry;
    QTRY_VERIFY_WITH_TIMEOUT((entry = registry().find(projectA()).value()).has_value()
            && DaemonClient(*entry).get(QStringLiteral("/health"), 2000).ok(),
        kWaitMs);
    QCOMPARE(entry->pid, daemon.processId());
    QCOMPARE(ProjectLock::holderPid(projectA()), std::optional<qint64>(daemon.processId()));
    QVERIFY(QFile::exists(ProjectLock::pidPath(projectA())));

    QCOMPARE(::kill(pid_t(daemon.processId()), signalNumber), 0);
    QVERIFY(daemon.waitForFinished(kWaitMs));
    QCOMPARE(daemon.exitStatus(), QProcess::NormalExit);
    QVERIFY2(daemon.exitCode() == 0, daemon.readAllStandardError().constData());
    QVERIFY(registry().list()->isEmpty());
    QCOMPARE(ProjectLock::holderPid(projectA()), std::nullopt);
    QVERIFY(!QFile::exists(ProjectLock::pidPath(projectA())));
}

void TestDaemonCli::stopEscalatesToSigkill()
{
    const Run start = mu({QStringLiteral("daemon"), QStringLiteral("start"), projectB()});
    QVERIFY2(start.exitCode == 0, start.all().constData());
    const qint64 pid = pidIn(start.out);
    // A stopped process answers nothing and keeps SIGTERM pending: only SIGKILL ends it.
    QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
    const Run stop = mu({QStringLiteral("daemon"), QStringLiteral("stop"), projectB()});
    QVERIFY2(stop.exitCode == 0, stop.all().constData());
    QVERIFY2(stop.out.contains("with SIGKILL"), stop.out.constData());
    QVERIFY(!processAlive(pid));
    QVERIFY(registry().list()->isEmpty()); // removed for the daemon that could not
    QCOMPARE(ProjectLock::holderPid(projectB()), std::nullopt);
}

QTEST_GUILESS_MAIN(TestDaemonCli)

#include "tst_daemon_cli.moc"
