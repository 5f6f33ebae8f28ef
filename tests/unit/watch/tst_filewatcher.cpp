// FileWatcher against real directories and real inotify: every test changes files in a
// QTemporaryDir and waits (generously, never asserting timing) for the union of all reported
// batches to contain what must be there, then checks that nothing else is.

#include "watch/filewatcher.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSaveFile>
#include <QSet>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

using mu::watch::FileWatcher;
using mu::watch::WatchOptions;

namespace {

constexpr int kTimeoutMs = 15000;

WatchOptions fastOptions()
{
    WatchOptions options;
    options.quietMs = 20;
    options.maxDelayMs = 200;
    options.stormEvents = 100000; // storms only where a test asks for them
    options.stormWindowMs = 1000;
    options.stormQuietMs = 150;
    options.idleReconcileMs = 0;
    return options;
}

// Collects everything a watcher says.
class Recorder : public QObject {
public:
    explicit Recorder(FileWatcher* watcher)
    {
        connect(watcher, &FileWatcher::filesChanged, this, [this](const QStringList& paths) {
            batches.append(paths);
            for (const QString& path : paths)
                changed.insert(path);
        });
        connect(watcher, &FileWatcher::reconcileRequested, this,
            [this](const QStringList& dirs) { reconciles.append(dirs); });
        connect(watcher, &FileWatcher::stateChanged, this, [this](FileWatcher::State state) { states.append(state); });
    }

    bool hasAll(const QStringList& paths) const
    {
        for (const QString& path : paths) {
            if (!changed.contains(path))
                return false;
        }
        return true;
    }
    bool reconciled(const QString& dir) const
    {
        for (const QStringList& dirs : reconciles) {
            if (dirs.contains(dir))
                return true;
        }
        return false;
    }
    int batchesWith(const QString& path) const
    {
        int count = 0;
        for (const QStringList& batch : batches)
            count += batch.contains(path) ? 1 : 0;
        return count;
    }
    void clear()
    {
        batches.clear();
        changed.clear();
        reconciles.clear();
        states.clear();
    }

    QList<QStringList> batches;
    QSet<QString> changed;
    QList<QStringList> reconciles;
    QList<FileWatcher::State> states;
};

QSet<QString> setOf(const QStringList& list)
{
    return QSet<QString>(list.cbegin(), list.cend());
}

} // namespace

class TestFileWatcher : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<FileWatcher> m_watcher;
    std::unique_ptr<Recorder> m_recorder;

    QString path(const QString& rel) const { return m_dir->filePath(rel); }

    void write(const QString& rel, const QByteArray& data = "x = 1\n", QIODevice::OpenMode mode = QIODevice::WriteOnly)
    {
        const QString abs = path(rel);
        QDir().mkpath(QFileInfo(abs).absolutePath());
        QFile file(abs);
        QVERIFY2(file.open(mode), qPrintable(abs));
        QCOMPARE(file.write(data), data.size());
    }
    void append(const QString& rel, const QByteArray& data = "y = 2\n") { write(rel, data, QIODevice::Append); }

    void startWatcher(const WatchOptions& options = fastOptions())
    {
        m_watcher = std::make_unique<FileWatcher>(m_dir->path(), options);
        m_recorder = std::make_unique<Recorder>(m_watcher.get());
        m_watcher->start();
        QCOMPARE(m_watcher->state(), FileWatcher::State::Watching);
    }

    // Waits until `paths` were all reported, then lets the debounce drain and returns the union.
    QSet<QString> waitFor(const QStringList& paths)
    {
        bool ok = false;
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(m_recorder->hasAll(paths), kTimeoutMs);
            ok = true;
        }();
        if (!ok)
            qWarning() << "reported so far:" << m_recorder->changed;
        m_watcher->flushNow();
        return m_recorder->changed;
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }
    void cleanup()
    {
        m_recorder.reset();
        m_watcher.reset();
        m_dir.reset();
    }

    void createModifyDelete()
    {
        write(QStringLiteral("a.py"));
        startWatcher();
        QCOMPARE(m_watcher->stats().watchedFiles, 1);

        write(QStringLiteral("b.py"));
        QCOMPARE(waitFor({QStringLiteral("b.py")}), QSet<QString> {QStringLiteral("b.py")});
        QCOMPARE(m_watcher->stats().watchedFiles, 2);

        m_recorder->clear();
        append(QStringLiteral("a.py"));
        QCOMPARE(waitFor({QStringLiteral("a.py")}), QSet<QString> {QStringLiteral("a.py")});

        m_recorder->clear();
        QVERIFY(QFile::remove(path(QStringLiteral("b.py"))));
        QCOMPARE(waitFor({QStringLiteral("b.py")}), QSet<QString> {QStringLiteral("b.py")});
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->stats().watchedFiles, 1, kTimeoutMs);
        for (const QStringList& batch : std::as_const(m_recorder->batches)) {
            QStringList sorted = batch;
            sorted.sort();
            QCOMPARE(batch, sorted);
        }
    }

    void inPlaceEdit()
    {
        write(QStringLiteral("src/deep/m.go"), "package m\n");
        startWatcher();
        // Same size, same inode: only a file watch sees this.
        write(QStringLiteral("src/deep/m.go"), "package n\n", QIODevice::ReadWrite);
        QCOMPARE(waitFor({QStringLiteral("src/deep/m.go")}), QSet<QString> {QStringLiteral("src/deep/m.go")});
    }

    void atomicRenameOver()
    {
        write(QStringLiteral("a.py"));
        write(QStringLiteral("other.py"));
        startWatcher();
        for (int round = 0; round < 3; ++round) {
            m_recorder->clear();
            write(QStringLiteral("a.py.tmp"), "z = 3\n");
            QVERIFY(::rename(QFile::encodeName(path(QStringLiteral("a.py.tmp"))).constData(),
                        QFile::encodeName(path(QStringLiteral("a.py"))).constData())
                == 0);
            QCOMPARE(waitFor({QStringLiteral("a.py")}), QSet<QString> {QStringLiteral("a.py")});
            // The watch is re-armed: an in-place edit after the rename is still seen.
            m_recorder->clear();
            append(QStringLiteral("a.py"));
            QCOMPARE(waitFor({QStringLiteral("a.py")}), QSet<QString> {QStringLiteral("a.py")});
        }
        QCOMPARE(m_watcher->stats().watchedFiles, 2);
    }

    void qsaveFile()
    {
        write(QStringLiteral("lib/w.ts"), "let a = 1;\n");
        startWatcher();
        for (int round = 0; round < 2; ++round) {
            m_recorder->clear();
            QSaveFile file(path(QStringLiteral("lib/w.ts")));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("let b = 2;\n");
            QVERIFY(file.commit());
            QCOMPARE(waitFor({QStringLiteral("lib/w.ts")}), QSet<QString> {QStringLiteral("lib/w.ts")});
        }
        m_recorder->clear();
        append(QStringLiteral("lib/w.ts"), "let c = 3;\n");
        QCOMPARE(waitFor({QStringLiteral("lib/w.ts")}), QSet<QString> {QStringLiteral("lib/w.ts")});
    }

    void sedInPlace()
    {
        const QString sed = QStandardPaths::findExecutable(QStringLiteral("sed"));
        if (sed.isEmpty())
            QSKIP("sed is not installed");
        write(QStringLiteral("s.rs"), "fn a() {}\n");
        startWatcher();
        QCOMPARE(
            QProcess::execute(sed, {QStringLiteral("-i"), QStringLiteral("s/a/b/"), path(QStringLiteral("s.rs"))}), 0);
        QCOMPARE(waitFor({QStringLiteral("s.rs")}), QSet<QString> {QStringLiteral("s.rs")});
        m_recorder->clear();
        append(QStringLiteral("s.rs"), "fn c() {}\n");
        QCOMPARE(waitFor({QStringLiteral("s.rs")}), QSet<QString> {QStringLiteral("s.rs")});
    }

    void newNestedTree()
    {
        startWatcher();
        const QStringList files {QStringLiteral("a/x.py"), QStringLiteral("a/b/y.py"), QStringLiteral("a/b/c/z.py"),
            QStringLiteral("a/b/c/d/e/f/g.java")};
        // Created faster than the watcher can add watches for the new directories.
        for (const QString& file : files)
            write(file);
        QCOMPARE(waitFor(files), setOf(files));
        QCOMPARE(m_watcher->stats().watchedDirs, 7); // root + a, b, c, d, e, f
        QCOMPARE(m_watcher->stats().watchedFiles, 4);

        // The new files are watched themselves.
        m_recorder->clear();
        write(QStringLiteral("a/b/c/d/e/f/g.java"), "class G {}\n", QIODevice::ReadWrite);
        QCOMPARE(waitFor({QStringLiteral("a/b/c/d/e/f/g.java")}), QSet<QString> {QStringLiteral("a/b/c/d/e/f/g.java")});
    }

    void removeDirectory()
    {
        write(QStringLiteral("keep.py"));
        write(QStringLiteral("d/one.py"));
        write(QStringLiteral("d/sub/two.py"));
        write(QStringLiteral("d/sub/notes.txt"));
        startWatcher();
        QCOMPARE(m_watcher->stats().watchedDirs, 3);
        QVERIFY(QDir(path(QStringLiteral("d"))).removeRecursively());
        const QStringList gone {QStringLiteral("d/one.py"), QStringLiteral("d/sub/two.py")};
        QCOMPARE(waitFor(gone), setOf(gone));
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->stats().watchedDirs, 1, kTimeoutMs);
        QCOMPARE(m_watcher->stats().watchedFiles, 1);
    }

    void renameDirectory()
    {
        write(QStringLiteral("old/x.py"));
        write(QStringLiteral("old/s/y.py"));
        startWatcher();
        QVERIFY(QDir(m_dir->path()).rename(QStringLiteral("old"), QStringLiteral("new")));
        const QStringList expected {QStringLiteral("old/x.py"), QStringLiteral("old/s/y.py"),
            QStringLiteral("new/x.py"), QStringLiteral("new/s/y.py")};
        QCOMPARE(waitFor(expected), setOf(expected));

        // Watches follow the new name: an edit is reported under it, not under the old one.
        m_recorder->clear();
        append(QStringLiteral("new/s/y.py"));
        QCOMPARE(waitFor({QStringLiteral("new/s/y.py")}), QSet<QString> {QStringLiteral("new/s/y.py")});
        m_recorder->clear();
        write(QStringLiteral("new/s/fresh.py"));
        QCOMPARE(waitFor({QStringLiteral("new/s/fresh.py")}), QSet<QString> {QStringLiteral("new/s/fresh.py")});
        QCOMPARE(m_watcher->stats().watchedDirs, 3);
        QCOMPARE(m_watcher->stats().watchedFiles, 3);
    }

    void moveFileBetweenDirs()
    {
        write(QStringLiteral("a/m.py"));
        write(QStringLiteral("b/keep.py"));
        startWatcher();
        QVERIFY(QFile::rename(path(QStringLiteral("a/m.py")), path(QStringLiteral("b/m.py"))));
        const QStringList expected {QStringLiteral("a/m.py"), QStringLiteral("b/m.py")};
        QCOMPARE(waitFor(expected), setOf(expected));
        m_recorder->clear();
        append(QStringLiteral("b/m.py"));
        QCOMPARE(waitFor({QStringLiteral("b/m.py")}), QSet<QString> {QStringLiteral("b/m.py")});
    }

    void ignoredAndNonIndexable()
    {
        write(QStringLiteral(".gitignore"), "gen/\n*.generated.py\n");
        write(QStringLiteral("node_modules/pkg/index.js"));
        write(QStringLiteral(".git/HEAD"), "ref: refs/heads/main\n");
        write(QStringLiteral(".mu/graph.py"));
        write(QStringLiteral("gen/out.py"));
        write(QStringLiteral(".hidden/h.py"));
        write(QStringLiteral("src/ok.py"));
        startWatcher();
        QCOMPARE(m_watcher->stats().watchedDirs, 2); // root and src only
        QCOMPARE(m_watcher->stats().watchedFiles, 1);

        // Changes nobody must hear about: ignored places, editor droppings, unknown languages.
        append(QStringLiteral("node_modules/pkg/index.js"));
        write(QStringLiteral("node_modules/pkg/new.js"));
        write(QStringLiteral(".git/objects/ab/cdef"));
        append(QStringLiteral(".mu/graph.py"));
        write(QStringLiteral("gen/new.py"));
        write(QStringLiteral("gen/deeper/more.py"));
        write(QStringLiteral(".hidden/h2.py"));
        write(QStringLiteral(".cache/c.py"));
        write(QStringLiteral("src/x.generated.py"));
        write(QStringLiteral("src/.ok.py.swp"));
        write(QStringLiteral("src/ok.py~"));
        write(QStringLiteral("src/4913"));
        write(QStringLiteral("README.txt"));
        write(QStringLiteral("build/out.py")); // a SPEC default ignore
        write(QStringLiteral("app.min.js"));   // so is this
        QVERIFY(QFile::remove(path(QStringLiteral("src/4913"))));

        // A sentinel written last: once it is reported, everything before it was processed.
        append(QStringLiteral("src/ok.py"));
        QCOMPARE(waitFor({QStringLiteral("src/ok.py")}), QSet<QString> {QStringLiteral("src/ok.py")});
        QCOMPARE(m_watcher->stats().watchedDirs, 2);
        QCOMPARE(m_watcher->stats().watchedFiles, 1);
        QVERIFY(m_recorder->reconciles.isEmpty());
    }

    void gitignoreChangeRequestsReconcile()
    {
        write(QStringLiteral("pkg/gen/out.py"));
        write(QStringLiteral("pkg/a.py"));
        startWatcher();
        QCOMPARE(m_watcher->stats().watchedFiles, 2);
        // A file can leave the indexed set: only a rescan of pkg can say so.
        write(QStringLiteral("pkg/.gitignore"), "gen/\n");
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->reconciled(QStringLiteral("pkg")), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->stats().watchedFiles, 1, kTimeoutMs);
        m_recorder->clear();
        // An in-place edit of the .gitignore is seen too (it is watched as a file).
        write(QStringLiteral("pkg/.gitignore"), "#en/\n", QIODevice::ReadWrite);
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->reconciled(QStringLiteral("pkg")), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->stats().watchedFiles, 2, kTimeoutMs);
        // gen/ is watched again.
        m_recorder->clear();
        append(QStringLiteral("pkg/gen/out.py"));
        QCOMPARE(waitFor({QStringLiteral("pkg/gen/out.py")}), QSet<QString> {QStringLiteral("pkg/gen/out.py")});
    }

    void coalescing()
    {
        write(QStringLiteral("hot.py"));
        startWatcher();
        // Ten writes without returning to the event loop in between.
        for (int i = 0; i < 10; ++i)
            append(QStringLiteral("hot.py"), QByteArray("v = ") + QByteArray::number(i) + '\n');
        QCOMPARE(waitFor({QStringLiteral("hot.py")}), QSet<QString> {QStringLiteral("hot.py")});
        QVERIFY2(m_recorder->batchesWith(QStringLiteral("hot.py")) < 10,
            qPrintable(QString::number(m_recorder->batchesWith(QStringLiteral("hot.py")))));
        for (const QStringList& batch : std::as_const(m_recorder->batches))
            QCOMPARE(batch.size(), setOf(batch).size());
    }

    void storm()
    {
        for (int i = 0; i < 120; ++i)
            write(QStringLiteral("s/f%1.py").arg(i));
        write(QStringLiteral("calm.py"));
        WatchOptions options = fastOptions();
        options.stormEvents = 20;
        startWatcher(options);
        QCOMPARE(m_watcher->stats().watchedFiles, 121);
        for (int i = 0; i < 120; ++i)
            append(QStringLiteral("s/f%1.py").arg(i));
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->states.contains(FileWatcher::State::Storm), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!m_recorder->reconciles.isEmpty(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->state(), FileWatcher::State::Watching, kTimeoutMs);
        QVERIFY2(m_recorder->reconciled(QStringLiteral("s")) || m_recorder->reconciled(QString()),
            qPrintable(m_recorder->reconciles.first().join(u',')));
        QCOMPARE(m_recorder->states.last(), FileWatcher::State::Watching);
        QCOMPARE(m_watcher->stats().storms, 1);
        // Individual reporting resumes.
        m_recorder->clear();
        append(QStringLiteral("calm.py"));
        QCOMPARE(waitFor({QStringLiteral("calm.py")}), QSet<QString> {QStringLiteral("calm.py")});
        QCOMPARE(m_watcher->stats().watchedFiles, 121);
    }

    void gitIndexLockStorm()
    {
        write(QStringLiteral(".git/HEAD"), "ref: refs/heads/main\n");
        write(QStringLiteral("pkg/a.py"));
        startWatcher();
        write(QStringLiteral(".git/index.lock"), "");
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->state(), FileWatcher::State::Storm, kTimeoutMs);
        // What git does meanwhile is not reported file by file...
        write(QStringLiteral("pkg/b.py"));
        append(QStringLiteral("pkg/a.py"));
        // ...and the storm lasts as long as the lock.
        QTest::qWait(400);
        QCOMPARE(m_watcher->state(), FileWatcher::State::Storm);
        QVERIFY(QFile::remove(path(QStringLiteral(".git/index.lock"))));
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->state(), FileWatcher::State::Watching, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->reconciled(QStringLiteral("pkg")), kTimeoutMs);
        QVERIFY(m_recorder->changed.isEmpty());
        // The file created during the storm is watched now.
        QCOMPARE(m_watcher->stats().watchedFiles, 2);
        append(QStringLiteral("pkg/b.py"));
        QCOMPARE(waitFor({QStringLiteral("pkg/b.py")}), QSet<QString> {QStringLiteral("pkg/b.py")});
    }

    void stopSilencesEverything()
    {
        write(QStringLiteral("a.py"));
        startWatcher();
        append(QStringLiteral("a.py")); // pending when stop() runs, or not yet read: either way dropped
        m_watcher->stop();
        QCOMPARE(m_watcher->state(), FileWatcher::State::Stopped);
        const auto stats = m_watcher->stats();
        QCOMPARE(stats.watchedDirs, 0);
        QCOMPARE(stats.watchedFiles, 0);
        QCOMPARE(stats.pendingPaths, 0);
        m_recorder->clear();
        write(QStringLiteral("b.py"));
        append(QStringLiteral("a.py"));
        QVERIFY(QDir().mkpath(path(QStringLiteral("n/m"))));
        write(QStringLiteral(".git/index.lock"), "");
        QTest::qWait(500);
        m_watcher->flushNow();
        QVERIFY(m_recorder->batches.isEmpty());
        QVERIFY(m_recorder->reconciles.isEmpty());
        QVERIFY(m_recorder->states.isEmpty());

        // And it can start again.
        QVERIFY(QFile::remove(path(QStringLiteral(".git/index.lock"))));
        m_watcher->start();
        QCOMPARE(m_watcher->state(), FileWatcher::State::Watching);
        QCOMPARE(m_watcher->stats().watchedFiles, 2);
        append(QStringLiteral("b.py"));
        QCOMPARE(waitFor({QStringLiteral("b.py")}), QSet<QString> {QStringLiteral("b.py")});
    }

    void stopFromSlot()
    {
        write(QStringLiteral("a.py"));
        startWatcher();
        connect(m_watcher.get(), &FileWatcher::filesChanged, m_watcher.get(), [this] { m_watcher->stop(); });
        append(QStringLiteral("a.py"));
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->state(), FileWatcher::State::Stopped, kTimeoutMs);
        const int batches = int(m_recorder->batches.size());
        write(QStringLiteral("b.py"));
        QTest::qWait(300);
        QCOMPARE(int(m_recorder->batches.size()), batches);
    }

    void statsCount()
    {
        write(QStringLiteral("a.py"));
        write(QStringLiteral("x/b.cpp"));
        write(QStringLiteral("x/y/c.h"));
        write(QStringLiteral("x/y/readme.md"));
        write(QStringLiteral("x/node_modules/z.js"));
        FileWatcher watcher(m_dir->path(), fastOptions());
        QCOMPARE(watcher.stats().state, FileWatcher::State::Stopped);
        QCOMPARE(FileWatcher::stateName(FileWatcher::State::Storm), QStringLiteral("storm"));
        QSignalSpy states(&watcher, &FileWatcher::stateChanged);
        watcher.start();
        QCOMPARE(states.size(), 2);
        QCOMPARE(states.at(0).at(0).value<FileWatcher::State>(), FileWatcher::State::Starting);
        QCOMPARE(states.at(1).at(0).value<FileWatcher::State>(), FileWatcher::State::Watching);
        auto stats = watcher.stats();
        QCOMPARE(stats.state, FileWatcher::State::Watching);
        QCOMPARE(stats.watchedDirs, 3);
        QCOMPARE(stats.watchedFiles, 3);
        QCOMPARE(stats.failedWatches, 0);
        QCOMPARE(stats.events, qint64(0));
        QSignalSpy changed(&watcher, &FileWatcher::filesChanged);
        append(QStringLiteral("x/y/c.h"));
        QTRY_VERIFY_WITH_TIMEOUT(watcher.stats().pendingPaths == 1 || !changed.isEmpty(), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), kTimeoutMs);
        QCOMPARE(changed.first().first().toStringList(), QStringList {QStringLiteral("x/y/c.h")});
        stats = watcher.stats();
        QVERIFY(stats.events >= 1);
        QCOMPARE(stats.pendingPaths, 0);
    }

    void flushNowReportsImmediately()
    {
        write(QStringLiteral("a.py"));
        WatchOptions options = fastOptions();
        options.quietMs = 60000; // the debounce alone would hold it for a minute
        options.maxDelayMs = 60000;
        startWatcher(options);
        append(QStringLiteral("a.py"));
        QTRY_COMPARE_WITH_TIMEOUT(m_watcher->stats().pendingPaths, 1, kTimeoutMs);
        QVERIFY(m_recorder->batches.isEmpty());
        m_watcher->flushNow();
        QCOMPARE(m_recorder->batches, QList<QStringList> {{QStringLiteral("a.py")}});
        QCOMPARE(m_watcher->stats().pendingPaths, 0);
    }

    void idleReconcile()
    {
        write(QStringLiteral("a.py"));
        WatchOptions options = fastOptions();
        options.idleReconcileMs = 100;
        startWatcher(options);
        QTRY_VERIFY_WITH_TIMEOUT(m_recorder->reconciled(QString()), kTimeoutMs);
        QCOMPARE(m_watcher->state(), FileWatcher::State::Watching);
    }

    void symlinkedDirectoryNotFollowed()
    {
        QTemporaryDir outside;
        QVERIFY(outside.isValid());
        {
            QFile file(outside.filePath(QStringLiteral("z.py")));
            QVERIFY(file.open(QIODevice::WriteOnly));
        }
        write(QStringLiteral("a.py"));
        QVERIFY(QFile::link(outside.path(), path(QStringLiteral("linked"))));
        QVERIFY(QFile::link(path(QStringLiteral("a.py")), path(QStringLiteral("alias.py"))));
        startWatcher();
        QCOMPARE(m_watcher->stats().watchedDirs, 1);
        QCOMPARE(m_watcher->stats().watchedFiles, 2); // a.py and the symlinked file, as the scanner does
        {
            QFile file(outside.filePath(QStringLiteral("z.py")));
            QVERIFY(file.open(QIODevice::Append));
            file.write("q = 1\n");
        }
        write(QStringLiteral("linked2.py"));
        QCOMPARE(waitFor({QStringLiteral("linked2.py")}), QSet<QString> {QStringLiteral("linked2.py")});
        // One inode under two project paths: both are reported, whichever path Qt names.
        m_recorder->clear();
        append(QStringLiteral("a.py"));
        const QStringList both {QStringLiteral("a.py"), QStringLiteral("alias.py")};
        QCOMPARE(waitFor(both), setOf(both));
    }

    void hostileEntries()
    {
        // FIFOs named like a .gitignore and like a source file must not block the listing.
        write(QStringLiteral("a.py"));
        QCOMPARE(::mkfifo(QFile::encodeName(path(QStringLiteral("pipe.py"))).constData(), 0600), 0);
        QVERIFY(QDir().mkpath(path(QStringLiteral("d"))));
        QCOMPARE(::mkfifo(QFile::encodeName(path(QStringLiteral("d/.gitignore"))).constData(), 0600), 0);
        startWatcher();
        QCOMPARE(m_watcher->stats().watchedFiles, 1);
        QCOMPARE(::mkfifo(QFile::encodeName(path(QStringLiteral("d/later.py"))).constData(), 0600), 0);
        write(QStringLiteral("d/real.py"));
        QCOMPARE(waitFor({QStringLiteral("d/real.py")}), QSet<QString> {QStringLiteral("d/real.py")});
        QVERIFY(!m_recorder->changed.contains(QStringLiteral("d/later.py")));

        // An unreadable directory is skipped like the scanner skips it, not fatal.
        if (::geteuid() != 0) {
            write(QStringLiteral("locked/x.py"));
            QVERIFY(QFile::setPermissions(path(QStringLiteral("locked")), QFileDevice::Permissions {}));
            m_recorder->clear();
            append(QStringLiteral("a.py"));
            QCOMPARE(waitFor({QStringLiteral("a.py")}).contains(QStringLiteral("a.py")), true);
            QFile::setPermissions(path(QStringLiteral("locked")),
                QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        }
    }

    void missingRoot()
    {
        FileWatcher watcher(m_dir->filePath(QStringLiteral("does-not-exist")), fastOptions());
        QSignalSpy states(&watcher, &FileWatcher::stateChanged);
        watcher.start();
        QCOMPARE(watcher.state(), FileWatcher::State::Stopped);
        QVERIFY(!watcher.errorString().isEmpty());
        QCOMPARE(states.size(), 2); // Starting, then Stopped
        watcher.flushNow();
        watcher.stop();
        QCOMPARE(watcher.stats().watchedDirs, 0);
    }
};

QTEST_GUILESS_MAIN(TestFileWatcher)
#include "tst_filewatcher.moc"
