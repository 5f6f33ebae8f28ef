#include "storetestutil.h"

#include "store/storereader.h"
#include "store/storewriter.h"

#include <QSemaphore>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>

using namespace mu;
using namespace mu::store;
using namespace mu::storetest;

namespace {

constexpr int kWaitMs = 30000;

/// What a reader saw in one read.
struct Snapshot {
    bool ok = false;
    QString error;
    qint64 revision = -1;
    qsizetype nodesOfB = -1;
};

/// A thread with its own StoreReader that performs one read each time it is asked to.
class ReaderThread : public QThread {
public:
    explicit ReaderThread(QString dbPath) : m_dbPath(std::move(dbPath)) { }

    /// Asks for one read and waits for it; false if the reader did not answer in time.
    bool read(Snapshot& out)
    {
        m_request.release();
        if (!m_answered.tryAcquire(1, kWaitMs))
            return false;
        out = m_snapshot;
        return true;
    }

    void stop()
    {
        m_stop = true;
        m_request.release();
        wait();
    }

protected:
    void run() override
    {
        auto reader = StoreReader::open(m_dbPath);
        while (true) {
            m_request.acquire();
            if (m_stop)
                return;
            Snapshot snapshot;
            if (!reader) {
                snapshot.error = reader.error().message;
            } else {
                auto revision = (*reader)->revision();
                auto nodes = (*reader)->nodesInFile(QStringLiteral("b.py"));
                snapshot.ok = revision.ok() && nodes.ok();
                if (snapshot.ok) {
                    snapshot.revision = *revision;
                    snapshot.nodesOfB = nodes->size();
                } else {
                    snapshot.error = revision.ok() ? nodes.error().message : revision.error().message;
                }
            }
            m_snapshot = snapshot;
            m_answered.release();
        }
    }

private:
    QString m_dbPath;
    QSemaphore m_request;
    QSemaphore m_answered;
    Snapshot m_snapshot; // handed over through the semaphores
    std::atomic<bool> m_stop = false;
};

} // namespace

class TestConcurrency : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readerIsNotBlockedByOpenWriteTransaction()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral(".mu/mubase"));
        auto writer = StoreWriter::open(path);
        QVERIFY(writer);
        QVERIFY((*writer)->replaceFiles({makeFile(QStringLiteral("a.py"), {QStringLiteral("f")})}));
        QCOMPARE((*writer)->revision(), 1);

        ReaderThread reader(path);
        reader.start();
        Snapshot before;
        QVERIFY(reader.read(before));
        QVERIFY2(before.ok, qPrintable(before.error));
        QCOMPARE(before.revision, 1);
        QCOMPARE(before.nodesOfB, 0);

        // Read from the other thread while the writer's transaction is open: every row of b.py
        // and the new revision are written, but not committed.
        bool readDuringWrite = false;
        Snapshot during;
        (*writer)->setBeforeCommitHookForTest([&] { readDuringWrite = reader.read(during); });
        QStringList names;
        for (int i = 0; i < 500; ++i)
            names.append(QStringLiteral("fn%1").arg(i));
        auto commit = (*writer)->replaceFiles({makeFile(QStringLiteral("b.py"), names)});
        (*writer)->setBeforeCommitHookForTest({});
        QVERIFY2(commit, qPrintable(commit ? QString() : commit.error().message));
        QCOMPARE(commit->revision, 2);

        QVERIFY2(readDuringWrite, "the reader did not answer while the write transaction was open");
        QVERIFY2(during.ok, qPrintable(during.error));
        QCOMPARE(during.revision, 1); // the last committed revision
        QCOMPARE(during.nodesOfB, 0);
        // A blocked reader would have failed with SQLITE_BUSY after its 5 s busy timeout, well
        // before the hook gives up waiting (kWaitMs).

        Snapshot after;
        QVERIFY(reader.read(after));
        QVERIFY2(after.ok, qPrintable(after.error));
        QCOMPARE(after.revision, 2);
        QCOMPARE(after.nodesOfB, names.size() + 1);
        reader.stop();
    }

    void failedWriteIsInvisibleToReaders()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral(".mu/mubase"));
        auto writer = StoreWriter::open(path);
        QVERIFY(writer);
        QVERIFY((*writer)->replaceFiles({makeFile(QStringLiteral("b.py"), {QStringLiteral("f")})}));

        ReaderThread reader(path);
        reader.start();
        FileIndex broken = makeFile(QStringLiteral("b.py"), {QStringLiteral("g"), QStringLiteral("h")});
        broken.nodes.append(broken.nodes.constLast());
        QVERIFY(!(*writer)->replaceFiles({broken}));
        Snapshot snapshot;
        QVERIFY(reader.read(snapshot));
        QVERIFY2(snapshot.ok, qPrintable(snapshot.error));
        QCOMPARE(snapshot.revision, 1);
        QCOMPARE(snapshot.nodesOfB, 2);
        reader.stop();
    }

    void readersOnOneThreadHaveTheirOwnConnections()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral(".mu/mubase"));
        {
            auto writer = StoreWriter::open(path);
            QVERIFY(writer);
            QVERIFY((*writer)->replaceFiles({makeFile(QStringLiteral("b.py"), {QStringLiteral("f")})}));
        }
        // The writer is gone (and with it the WAL files): read-only opens still work.
        auto first = StoreReader::open(path);
        auto second = StoreReader::open(path);
        QVERIFY(first && second);
        first->reset();
        QCOMPARE(*(*second)->revision(), 1);
        QCOMPARE((*second)->nodesInFile(QStringLiteral("b.py"))->size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestConcurrency)
#include "tst_concurrency.moc"
