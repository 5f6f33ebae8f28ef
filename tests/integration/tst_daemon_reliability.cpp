// The daemon never loses an update: SIGKILL at seeded points of a bulk index leaves an intact
// database that the next daemon brings to the fresh index; a storm of thousands of changed files
// and a daemon stopped (SIGSTOP) while files appear both converge once quiet.
#include "daemontest.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <csignal>

using namespace mu::test;

namespace {

/// Files that import and call each other, so linking has work to do.
void writeProject(const QString& root, int modules, int generation)
{
    for (int i = 0; i < modules; ++i) {
        const int other = (i * 7 + 3) % modules;
        const QByteArray text
            = QStringLiteral("from pkg.m%1 import f%1\n\n\ndef f%2(x):\n    \"\"\"Generation %3.\"\"\"\n"
                             "    if x > %3:\n        return f%1(x - 1)\n    return x\n\n\n"
                             "class C%2:\n    def run(self):\n        return f%2(%3)\n")
                  .arg(other)
                  .arg(i)
                  .arg(generation)
                  .toUtf8();
        QVERIFY(writeFile(QDir(root).filePath(QStringLiteral("pkg/m%1.py").arg(i)), text));
    }
    QVERIFY(writeFile(QDir(root).filePath(QStringLiteral("pkg/__init__.py")), ""));
}

QString integrityOf(const QString& dbPath)
{
    const QString name = QStringLiteral("integrity-%1").arg(quintptr(&dbPath));
    QString result;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(dbPath);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (!db.open())
            return db.lastError().text();
        QSqlQuery query(db);
        if (query.exec(QStringLiteral("PRAGMA integrity_check")) && query.next())
            result = query.value(0).toString();
        else
            result = query.lastError().text();
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

} // namespace

class TestDaemonReliability : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void killDuringBulkIndex_data()
    {
        QTest::addColumn<int>("seed");
        // More seeds in bench runs: MU_RELIABILITY_SEEDS=50.
        const int seeds = qMax(5, qEnvironmentVariableIntValue("MU_RELIABILITY_SEEDS"));
        for (int seed = 1; seed <= seeds; ++seed)
            QTest::addRow("seed %d", seed) << seed;
    }
    void killDuringBulkIndex()
    {
        QFETCH(int, seed);
        QTemporaryDir home;
        QTemporaryDir project;
        writeProject(project.path(), 300, seed);
        {
            DaemonProcess daemon(project.path(), home.path());
            QVERIFY2(daemon.start(), daemon.log().constData());
            // A seeded point of the initial bulk index (parse, write batches, link, refresh).
            QTest::qWait(40 * ((seed * 37) % 23));
            daemon.kill();
        }
        const QString dbPath = QDir(project.path()).filePath(QStringLiteral(".mu/mubase"));
        QCOMPARE(integrityOf(dbPath), QStringLiteral("ok"));
        // Edits while no daemon ran, then a new daemon: the kernel released the lock, the registry
        // entry is stale, and the reconcile at start converges.
        writeProject(project.path(), 310, seed + 100);
        DaemonProcess next(project.path(), home.path());
        QVERIFY2(next.start(), next.log().constData());
        verifyConverged(next, project.path(), home.path());
        QCOMPARE(next.post(QStringLiteral("/shutdown"), {}).status, 200);
        QCOMPARE(next.waitForExit(), 0);
        QCOMPARE(integrityOf(dbPath), QStringLiteral("ok"));
    }

    void stormOfChangedFiles()
    {
        // A `git checkout` between two trees: thousands of files rewritten, added and removed at once.
        QTemporaryDir home;
        QTemporaryDir project;
        writeProject(project.path(), 2500, 1);
        DaemonProcess daemon(project.path(), home.path());
        QVERIFY2(daemon.start(), daemon.log().constData());
        verifyConverged(daemon, project.path(), home.path());
        writeProject(project.path(), 5000, 2);
        for (int i = 0; i < 400; ++i)
            QVERIFY(QFile::remove(QDir(project.path()).filePath(QStringLiteral("pkg/m%1.py").arg(i * 11))));
        verifyConverged(daemon, project.path(), home.path());
        QCOMPARE(daemon.post(QStringLiteral("/shutdown"), {}).status, 200);
        QCOMPARE(daemon.waitForExit(), 0);
    }

    void stoppedDaemonCatchesUp()
    {
        QTemporaryDir home;
        QTemporaryDir project;
        writeProject(project.path(), 50, 1);
        DaemonProcess daemon(project.path(), home.path());
        QVERIFY2(daemon.start(), daemon.log().constData());
        verifyConverged(daemon, project.path(), home.path());
        // Files appear while the daemon cannot read events: the kernel queue overflows and events
        // are lost, which only reconciles repair. (MU_RELIABILITY_FILES=20000 in bench runs.)
        const int files = qMax(3000, qEnvironmentVariableIntValue("MU_RELIABILITY_FILES"));
        QCOMPARE(::kill(pid_t(daemon.pid()), SIGSTOP), 0);
        for (int i = 0; i < files; ++i)
            QVERIFY(writeFile(QDir(project.path()).filePath(QStringLiteral("more/d%1/n%2.py").arg(i / 500).arg(i)),
                QStringLiteral("def g%1():\n    return %1\n").arg(i).toUtf8()));
        QCOMPARE(::kill(pid_t(daemon.pid()), SIGCONT), 0);
        verifyConverged(daemon, project.path(), home.path());
        QCOMPARE(daemon.post(QStringLiteral("/shutdown"), {}).status, 200);
        QCOMPARE(daemon.waitForExit(), 0);
    }
};

QTEST_GUILESS_MAIN(TestDaemonReliability)
#include "tst_daemon_reliability.moc"
