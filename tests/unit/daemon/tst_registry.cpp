// Registry (~/.mu/daemons.json) and choosePort: transactions across processes, stale entries,
// corrupt files, permissions, ports.
#include "daemon/projectlock.h"
#include "daemon/registry.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <sys/stat.h>
#include <unistd.h>

using namespace mu;
using namespace mu::daemon;

namespace {

constexpr int kWriters = 4;
constexpr int kEntriesPerWriter = 10;

QString projectDir(const QString& base, int i)
{
    return base + QStringLiteral("/project-%1").arg(i);
}

/// Child mode: add COUNT entries for BASE/project-<FIRST..> with PID, one transaction each.
int addEntries(const QStringList& args)
{
    const QString home = args[0];
    const QString base = args[1];
    const int first = args[2].toInt();
    const int count = args[3].toInt();
    const qint64 pid = args[4].toLongLong();
    Registry registry(home);
    for (int i = first; i < first + count; ++i) {
        DaemonEntry entry;
        entry.projectPath = projectDir(base, i);
        entry.pid = pid;
        entry.port = quint16(20000 + i);
        entry.token = QStringLiteral("token-%1").arg(i);
        if (Status status = registry.add(entry); !status) {
            std::fprintf(stderr, "add failed: %s\n", qPrintable(status.error().message));
            return 1;
        }
    }
    return 0;
}

int fileMode(const QString& path)
{
    struct stat info = {};
    return ::stat(QFile::encodeName(path).constData(), &info) == 0 ? int(info.st_mode & 0777) : -1;
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

qint64 deadPid()
{
    QProcess process;
    process.start(QStringLiteral("/bin/true"));
    process.waitForStarted(30000);
    const qint64 pid = process.processId(); // 0 once the process has finished
    process.waitForFinished(30000);
    return pid;
}

} // namespace

class TestRegistry : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init();
    void addFindHeartbeatRemove();
    void addReplacesSameProject();
    void staleEntries_data();
    void staleEntries();
    void corruptFile_data();
    void corruptFile();
    void malformedEntryDropped();
    void permissions();
    void unwritableHome();
    void invalidEntry();
    void concurrentWritersLoseNothing();
    void choosePortDefaultTaken();
    void choosePortExplicit();
    void choosePortExplicitTakenByDaemon();
    void choosePortAny();

private:
    DaemonEntry entryFor(const QString& project, quint16 port = 9999);
    ProjectLock& lockProject(const QString& project);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_home;
    std::vector<ProjectLock> m_locks;
};

void TestRegistry::init()
{
    m_locks.clear();
    m_dir = std::make_unique<QTemporaryDir>();
    m_home = m_dir->filePath(QStringLiteral("home/.mu"));
}

DaemonEntry TestRegistry::entryFor(const QString& project, quint16 port)
{
    DaemonEntry entry;
    entry.projectPath = project;
    entry.pid = ::getpid();
    entry.port = port;
    entry.socketPath = QStringLiteral("/run/user/1000/mu/x.sock");
    entry.mubasePath = project + QStringLiteral("/.mu/mubase");
    entry.version = QStringLiteral("0.1.0");
    entry.token = QStringLiteral("secret-token");
    return entry;
}

ProjectLock& TestRegistry::lockProject(const QString& project)
{
    QDir().mkpath(project);
    auto lock = ProjectLock::acquire(project);
    if (!lock)
        qFatal("cannot lock %s: %s", qPrintable(project), qPrintable(lock.error().message));
    m_locks.push_back(std::move(*lock));
    return m_locks.back();
}

void TestRegistry::addFindHeartbeatRemove()
{
    Registry registry(m_home);
    auto empty = registry.list();
    QVERIFY(empty.ok());
    QVERIFY(empty->isEmpty());

    const QString project = m_dir->filePath(QStringLiteral("a"));
    lockProject(project);
    DaemonEntry entry = entryFor(project, 9123);
    entry.startedAt = QDateTime::currentDateTimeUtc().addSecs(-60);
    entry.lastHeartbeat = entry.startedAt;
    QVERIFY(registry.add(entry).ok());

    auto listed = registry.list();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
    const DaemonEntry& got = listed->first();
    QCOMPARE(got.projectPath, QDir(project).canonicalPath());
    QCOMPARE(got.pid, qint64(::getpid()));
    QCOMPARE(got.pidStart, processStartTime(::getpid()));
    QVERIFY(got.pidStart > 0);
    QCOMPARE(got.port, quint16(9123));
    QCOMPARE(got.socketPath, entry.socketPath);
    QCOMPARE(got.mubasePath, entry.mubasePath);
    QCOMPARE(got.version, entry.version);
    QCOMPARE(got.token, entry.token);
    QCOMPARE(got.startedAt, entry.startedAt);

    // The file has DESIGN.md's snake_case fields.
    QFile file(registry.filePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(root.value(u"version").toInt(), 1);
    const QJsonObject stored = root.value(u"daemons").toArray().first().toObject();
    for (const char* key : {"project_path", "pid", "pid_start", "port", "socket", "mubase_path", "started_at",
             "last_heartbeat", "version", "token"})
        QVERIFY2(stored.contains(QLatin1String(key)), key);

    auto found = registry.find(project + QStringLiteral("/./"));
    QVERIFY(found.ok() && found->has_value());
    QCOMPARE((*found)->port, quint16(9123));
    auto byPort = registry.findByPort(9123);
    QVERIFY(byPort.ok() && byPort->has_value());
    QCOMPARE((*byPort)->projectPath, got.projectPath);
    auto noPort = registry.findByPort(9124);
    QVERIFY(noPort.ok() && !noPort->has_value());
    auto other = registry.find(m_dir->filePath(QStringLiteral("b")));
    QVERIFY(other.ok() && !other->has_value());

    QVERIFY(registry.heartbeat(project, ::getpid()).ok());
    auto beaten = registry.find(project);
    QVERIFY((*beaten)->lastHeartbeat > entry.lastHeartbeat);
    const Status wrongPid = registry.heartbeat(project, ::getpid() + 1);
    QVERIFY(!wrongPid.ok());
    QCOMPARE(wrongPid.error().code, QStringLiteral("not_found"));

    QVERIFY(registry.remove(project, ::getpid() + 1).ok()); // another pid's entry: nothing to do
    QCOMPARE(registry.list()->size(), 1);
    QVERIFY(registry.remove(project, ::getpid()).ok());
    QVERIFY(registry.list()->isEmpty());
}

void TestRegistry::addReplacesSameProject()
{
    Registry registry(m_home);
    const QString a = m_dir->filePath(QStringLiteral("a"));
    const QString b = m_dir->filePath(QStringLiteral("b"));
    lockProject(a);
    lockProject(b);
    QVERIFY(registry.add(entryFor(a, 1001)).ok());
    QVERIFY(registry.add(entryFor(b, 1002)).ok());
    QVERIFY(registry.add(entryFor(a, 1003)).ok());
    auto listed = registry.list();
    QCOMPARE(listed->size(), 2);
    QCOMPARE((*registry.find(a))->port, quint16(1003));
    QCOMPARE((*registry.find(b))->port, quint16(1002));
}

void TestRegistry::staleEntries_data()
{
    QTest::addColumn<QString>("why");
    QTest::newRow("dead pid") << QStringLiteral("dead");
    QTest::newRow("reused pid") << QStringLiteral("reused");
    QTest::newRow("lock free") << QStringLiteral("unlocked");
    QTest::newRow("lock held by another pid") << QStringLiteral("otherholder");
    QTest::newRow("project deleted") << QStringLiteral("deleted");
}

void TestRegistry::staleEntries()
{
    QFETCH(QString, why);
    const QString live = m_dir->filePath(QStringLiteral("live"));
    const QString stale = m_dir->filePath(QStringLiteral("stale"));
    lockProject(live);
    DaemonEntry staleEntry = entryFor(stale, 2002);
    if (why != u"unlocked" && why != u"deleted")
        lockProject(stale);
    if (why == u"deleted")
        staleEntry.projectPath = m_dir->filePath(QStringLiteral("gone/project"));
    if (why == u"dead") {
        staleEntry.pid = deadPid();
        QVERIFY(staleEntry.pid > 0);
    }
    if (why == u"reused")
        staleEntry.pidStart = processStartTime(::getpid()) + 1;
    if (why == u"otherholder") {
        // The lock file names another pid (a newer daemon took over before registering).
        QFile lockFile(ProjectLock::lockPath(stale));
        QVERIFY(lockFile.open(QIODevice::WriteOnly | QIODevice::Truncate));
        lockFile.write("1\n");
    }

    // Written by hand, as a crashed daemon would have left it.
    Registry registry(m_home);
    QVERIFY(registry.add(entryFor(live, 2001)).ok());
    QFile file(registry.filePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    file.close();
    QJsonArray daemons = root.value(u"daemons").toArray();
    daemons.append(staleEntry.toJson());
    root.insert(QStringLiteral("daemons"), daemons);
    writeFile(registry.filePath(), QJsonDocument(root).toJson());

    auto listed = registry.list();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().port, quint16(2001));
    // The reader wrote the cleaned list back.
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(file.readAll()).object().value(u"daemons").toArray().size(), 1);
}

void TestRegistry::corruptFile_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("not json") << QByteArray("{\"daemons\": [ {\"pid\": 12");
    QTest::newRow("array") << QByteArray("[]");
    QTest::newRow("daemons not an array") << QByteArray("{\"version\":1,\"daemons\":5}");
    QTest::newRow("binary") << QByteArray("\x00\xff\xfe garbage", 11);
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("huge") << QByteArray(17 * 1024 * 1024, ' ');
}

void TestRegistry::corruptFile()
{
    QFETCH(QByteArray, content);
    QDir().mkpath(m_home);
    Registry registry(m_home);
    writeFile(registry.filePath(), content);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("daemon registry .* is corrupt")));
    auto listed = registry.list();
    QVERIFY(listed.ok());
    QVERIFY(listed->isEmpty());
    const QStringList aside = QDir(m_home).entryList({QStringLiteral("daemons.json.corrupt-*")});
    QCOMPARE(aside.size(), 1);
    QFile kept(QDir(m_home).filePath(aside.first()));
    QCOMPARE(kept.size(), qint64(content.size()));
    // The registry works again right away.
    const QString project = m_dir->filePath(QStringLiteral("a"));
    lockProject(project);
    QVERIFY(registry.add(entryFor(project)).ok());
    QCOMPARE(registry.list()->size(), 1);
}

void TestRegistry::malformedEntryDropped()
{
    const QString project = m_dir->filePath(QStringLiteral("a"));
    lockProject(project);
    QDir().mkpath(m_home);
    Registry registry(m_home);
    const QJsonArray daemons = {entryFor(QDir(project).canonicalPath()).toJson(),
        QJsonObject {{QStringLiteral("project_path"), project}}, QJsonObject {{QStringLiteral("pid"), 5}},
        QJsonObject {{QStringLiteral("project_path"), project}, {QStringLiteral("pid"), ::getpid()},
            {QStringLiteral("port"), 70000}},
        QStringLiteral("not an object")};
    writeFile(registry.filePath(),
        QJsonDocument(QJsonObject {{QStringLiteral("version"), 1}, {QStringLiteral("daemons"), daemons}}).toJson());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("malformed entry")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("malformed entry")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("malformed entry")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("malformed entry")));
    auto listed = registry.list();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), 1);
    QCOMPARE(listed->first().token, QStringLiteral("secret-token"));
    // Rewritten without them.
    QFile file(registry.filePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(file.readAll()).object().value(u"daemons").toArray().size(), 1);
}

void TestRegistry::permissions()
{
    Registry registry(m_home);
    const QString project = m_dir->filePath(QStringLiteral("a"));
    lockProject(project);
    QVERIFY(registry.add(entryFor(project)).ok());
    QCOMPARE(fileMode(m_home), 0700);
    QCOMPARE(fileMode(registry.filePath()), 0600);
    QCOMPARE(fileMode(m_home + QStringLiteral("/daemons.lock")), 0600);
    // Rewrites keep it owner-only even if someone loosened it.
    QVERIFY(QFile::setPermissions(registry.filePath(),
        QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
    QVERIFY(registry.heartbeat(project, ::getpid()).ok());
    QCOMPARE(fileMode(registry.filePath()), 0600);
}

void TestRegistry::unwritableHome()
{
    // A regular file where the home directory's parent should be.
    writeFile(m_dir->filePath(QStringLiteral("file")), "x");
    Registry registry(m_dir->filePath(QStringLiteral("file/.mu")));
    auto listed = registry.list();
    QVERIFY(!listed.ok());
    QCOMPARE(listed.error().code, QStringLiteral("io"));
    const Status added = registry.add(entryFor(m_dir->path()));
    QVERIFY(!added.ok());
    QCOMPARE(added.error().code, QStringLiteral("io"));
}

void TestRegistry::invalidEntry()
{
    Registry registry(m_home);
    QVERIFY(!registry.add(DaemonEntry {}).ok());
    DaemonEntry noPid = entryFor(m_dir->path());
    noPid.pid = 0;
    QVERIFY(!registry.add(noPid).ok());
}

void TestRegistry::concurrentWritersLoseNothing()
{
    const QString base = m_dir->filePath(QStringLiteral("projects"));
    for (int i = 0; i < kWriters * kEntriesPerWriter; ++i)
        lockProject(projectDir(base, i));
    std::vector<std::unique_ptr<QProcess>> writers;
    for (int w = 0; w < kWriters; ++w) {
        auto process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process->start(QCoreApplication::applicationFilePath(),
            {QStringLiteral("--add-entries"), m_home, base, QString::number(w * kEntriesPerWriter),
                QString::number(kEntriesPerWriter), QString::number(::getpid())});
        writers.push_back(std::move(process));
    }
    for (auto& process : writers) {
        QVERIFY(process->waitForFinished(120000));
        QCOMPARE(process->exitCode(), 0);
    }
    auto listed = Registry(m_home).list();
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), kWriters * kEntriesPerWriter);
    QSet<quint16> ports;
    for (const DaemonEntry& entry : std::as_const(*listed))
        ports.insert(entry.port);
    QCOMPARE(ports.size(), kWriters * kEntriesPerWriter);
}

void TestRegistry::choosePortDefaultTaken()
{
    Registry registry(m_home);
    // Whoever has 9120 (this server, or something else on the machine), it is not handed out.
    QTcpServer occupant;
    occupant.listen(QHostAddress::LocalHost, kDefaultPort);
    // A registered daemon's port is skipped even when nothing listens there (yet).
    const QString project = m_dir->filePath(QStringLiteral("a"));
    lockProject(project);
    QVERIFY(registry.add(entryFor(project, kDefaultPort + 1)).ok());
    auto port = choosePort(std::nullopt, registry);
    QVERIFY2(port.ok(), qPrintable(port.ok() ? QString() : port.error().message));
    QVERIFY(*port != kDefaultPort);
    QVERIFY(*port != kDefaultPort + 1);
    QVERIFY(*port != 0);
    QTcpServer check;
    QVERIFY2(check.listen(QHostAddress::LocalHost, *port), qPrintable(check.errorString()));
}

void TestRegistry::choosePortExplicit()
{
    Registry registry(m_home);
    QTcpServer other;
    QVERIFY(other.listen(QHostAddress::LocalHost, 0));
    auto taken = choosePort(other.serverPort(), registry);
    QVERIFY(!taken.ok());
    QCOMPARE(taken.error().code, QStringLiteral("port_in_use"));
    QVERIFY2(taken.error().message.contains(QStringLiteral("port %1").arg(other.serverPort())),
        qPrintable(taken.error().message));
    QVERIFY2(taken.error().message.contains(QStringLiteral("another program")), qPrintable(taken.error().message));

    const quint16 freePort = other.serverPort();
    other.close();
    auto free = choosePort(freePort, registry);
    QVERIFY2(free.ok(), qPrintable(free.ok() ? QString() : free.error().message));
    QCOMPARE(*free, freePort);
}

void TestRegistry::choosePortExplicitTakenByDaemon()
{
    Registry registry(m_home);
    QTcpServer daemonServer;
    QVERIFY(daemonServer.listen(QHostAddress::LocalHost, 0));
    const QString project = m_dir->filePath(QStringLiteral("owner"));
    lockProject(project);
    QVERIFY(registry.add(entryFor(project, daemonServer.serverPort())).ok());
    auto taken = choosePort(daemonServer.serverPort(), registry);
    QVERIFY(!taken.ok());
    QCOMPARE(taken.error().code, QStringLiteral("port_in_use"));
    const QString expected = QStringLiteral("project %1 (pid %2)").arg(QDir(project).canonicalPath()).arg(::getpid());
    QVERIFY2(taken.error().message.contains(expected), qPrintable(taken.error().message));
}

void TestRegistry::choosePortAny()
{
    Registry registry(m_home);
    auto port = choosePort(quint16(0), registry);
    QVERIFY(port.ok());
    QVERIFY(*port > 0);
}

int main(int argc, char* argv[])
{
    if (argc == 7 && qstrcmp(argv[1], "--add-entries") == 0) {
        QCoreApplication app(argc, argv);
        QStringList args = QCoreApplication::arguments().mid(2);
        return addEntries(args);
    }
    QCoreApplication app(argc, argv);
    TestRegistry test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_registry.moc"
