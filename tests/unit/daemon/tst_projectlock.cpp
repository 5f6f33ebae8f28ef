// ProjectLock: one holder per project across processes, released by the kernel on any death.
#include "daemon/projectlock.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

#include <unistd.h>

using namespace mu::daemon;

namespace {

/// Child mode: hold ROOT's lock, say so, and wait to be killed.
int holdLock(const QString& root)
{
    auto lock = ProjectLock::acquire(root);
    if (!lock) {
        std::fprintf(stdout, "failed: %s\n", qPrintable(lock.error().message));
        return 1;
    }
    std::fputs("held\n", stdout);
    std::fflush(stdout);
    for (;;)
        ::pause();
}

/// A child process of this executable that holds `root`'s lock.
class Holder {
public:
    bool start(const QString& root)
    {
        m_process.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--hold-lock"), root});
        return m_process.waitForReadyRead(30000) && m_process.readLine().trimmed() == "held";
    }
    qint64 pid() const { return m_process.processId(); }
    void kill()
    {
        m_process.kill();
        m_process.waitForFinished(30000);
    }
    ~Holder() { kill(); }

private:
    QProcess m_process;
};

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestProjectLock : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void acquireWritesPidAndReleaseRemovesIt();
    void secondAcquireInSameProcessFails();
    void otherProcessHoldsLock();
    void killedHolderReleases();
    void holderPidNeverCreatesFiles();
    void moveKeepsLock();
    void unwritableProject();
    void canonicalPaths();
};

void TestProjectLock::acquireWritesPidAndReleaseRemovesIt()
{
    QTemporaryDir dir;
    const QString pid = QString::number(::getpid());
    {
        auto lock = ProjectLock::acquire(dir.path());
        QVERIFY2(lock.ok(), qPrintable(lock.ok() ? QString() : lock.error().message));
        QVERIFY(lock->isHeld());
        QCOMPARE(readFile(ProjectLock::pidPath(dir.path())).trimmed(), pid.toUtf8());
        QCOMPARE(readFile(ProjectLock::lockPath(dir.path())).trimmed(), pid.toUtf8());
        QCOMPARE(ProjectLock::holderPid(dir.path()), std::optional<qint64>(::getpid()));
    }
    QVERIFY(!QFile::exists(ProjectLock::pidPath(dir.path())));
    QCOMPARE(ProjectLock::holderPid(dir.path()), std::nullopt);
    // Free again: can be taken again.
    auto again = ProjectLock::acquire(dir.path());
    QVERIFY(again.ok());
    again->release();
    QVERIFY(!again->isHeld());
    QCOMPARE(ProjectLock::holderPid(dir.path()), std::nullopt);
}

void TestProjectLock::secondAcquireInSameProcessFails()
{
    // flock locks belong to open file descriptions: a second open in the same process conflicts.
    QTemporaryDir dir;
    auto first = ProjectLock::acquire(dir.path());
    QVERIFY(first.ok());
    auto second = ProjectLock::acquire(dir.path());
    QVERIFY(!second.ok());
    QCOMPARE(second.error().code, QStringLiteral("locked"));
    QVERIFY2(second.error().message.contains(QStringLiteral("held by pid %1").arg(::getpid())),
        qPrintable(second.error().message));
    // The failed attempt left the holder's pid file alone.
    QCOMPARE(readFile(ProjectLock::pidPath(dir.path())).trimmed(), QByteArray::number(::getpid()));
}

void TestProjectLock::otherProcessHoldsLock()
{
    QTemporaryDir dir;
    Holder holder;
    QVERIFY(holder.start(dir.path()));
    QCOMPARE(ProjectLock::holderPid(dir.path()), std::optional<qint64>(holder.pid()));
    auto lock = ProjectLock::acquire(dir.path());
    QVERIFY(!lock.ok());
    QCOMPARE(lock.error().code, QStringLiteral("locked"));
    QVERIFY2(lock.error().message.contains(QStringLiteral("held by pid %1").arg(holder.pid())),
        qPrintable(lock.error().message));
    // Even with the pid file gone, the pid written in the lock file names the holder.
    QVERIFY(QFile::remove(ProjectLock::pidPath(dir.path())));
    QCOMPARE(ProjectLock::holderPid(dir.path()), std::optional<qint64>(holder.pid()));
}

void TestProjectLock::killedHolderReleases()
{
    QTemporaryDir dir;
    Holder holder;
    QVERIFY(holder.start(dir.path()));
    QVERIFY(!ProjectLock::acquire(dir.path()).ok());
    holder.kill(); // SIGKILL: no destructor ran, the kernel released the lock
    QVERIFY(QFile::exists(ProjectLock::pidPath(dir.path())));
    QCOMPARE(ProjectLock::holderPid(dir.path()), std::nullopt);
    auto lock = ProjectLock::acquire(dir.path());
    QVERIFY2(lock.ok(), qPrintable(lock.ok() ? QString() : lock.error().message));
    QCOMPARE(readFile(ProjectLock::pidPath(dir.path())).trimmed(), QByteArray::number(::getpid()));
}

void TestProjectLock::holderPidNeverCreatesFiles()
{
    QTemporaryDir dir;
    QCOMPARE(ProjectLock::holderPid(dir.path()), std::nullopt);
    QCOMPARE(ProjectLock::holderPid(dir.filePath(QStringLiteral("missing/project"))), std::nullopt);
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral(".mu"))));
}

void TestProjectLock::moveKeepsLock()
{
    QTemporaryDir dir;
    auto lock = ProjectLock::acquire(dir.path());
    QVERIFY(lock.ok());
    ProjectLock moved = std::move(*lock);
    QVERIFY(moved.isHeld());
    QVERIFY(!lock->isHeld()); // NOLINT(bugprone-use-after-move): moved-from state is specified
    QVERIFY(!ProjectLock::acquire(dir.path()).ok());
    QTemporaryDir other;
    auto second = ProjectLock::acquire(other.path());
    QVERIFY(second.ok());
    moved = std::move(*second); // releases the first project's lock
    QVERIFY(ProjectLock::acquire(dir.path()).ok());
    QVERIFY(!ProjectLock::acquire(other.path()).ok());
}

void TestProjectLock::unwritableProject()
{
    QTemporaryDir dir;
    // A file where the project's .mu directory should be.
    QFile blocker(dir.filePath(QStringLiteral(".mu")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    auto lock = ProjectLock::acquire(dir.path());
    QVERIFY(!lock.ok());
    QCOMPARE(lock.error().code, QStringLiteral("io"));
}

void TestProjectLock::canonicalPaths()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("real")));
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("real")), dir.filePath(QStringLiteral("link"))));
    const QString real = QDir(dir.filePath(QStringLiteral("real"))).canonicalPath();
    QCOMPARE(canonicalProjectPath(dir.filePath(QStringLiteral("link"))), real);
    QCOMPARE(canonicalProjectPath(dir.filePath(QStringLiteral("real/./"))), real);
    // The same project through a symlink is the same lock.
    auto lock = ProjectLock::acquire(dir.filePath(QStringLiteral("link")));
    QVERIFY(lock.ok());
    QCOMPARE(lock->projectRoot(), real);
    QVERIFY(!ProjectLock::acquire(real).ok());
    QVERIFY(!muHome().isEmpty());
}

int main(int argc, char* argv[])
{
    if (argc == 3 && qstrcmp(argv[1], "--hold-lock") == 0)
        return holdLock(QString::fromLocal8Bit(argv[2]));
    QCoreApplication app(argc, argv);
    TestProjectLock test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_projectlock.moc"
