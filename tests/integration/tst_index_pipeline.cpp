// The whole pipeline on real fixture projects: scan → parse → store → resolve, and the guarantee
// that an incremental index always equals a fresh index of the same tree.
#include "pipelinetest.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace mu;
using namespace mu::testing;

class TestIndexPipeline : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void pythonProjectEdges();
    void typescriptProjectEdges();
    void incrementalEqualsFresh();
    void unchangedCostsOnlyAStat();
    void crashBetweenPhasesIsRepaired();
    void filesChangingMidRun();
    void importOfASkippedFileHasNoTarget();
    void namesReachedThroughBarrels();
};

void TestIndexPipeline::pythonProjectEdges()
{
    QTemporaryDir dir;
    copyTree(QStringLiteral(MU_FIXTURES_DIR "/projects/python_app"), dir.path());
    const index::IndexReport report = indexTree(dir.path());
    QCOMPARE(report.scanned, 8);
    QCOMPARE(report.parsed, 8);
    QCOMPARE(report.errors, 0);

    const QStringList expected = {
        QStringLiteral("calls fn:scripts/tool.py:main -> fn:scripts/helpers.py:do"),
        QStringLiteral("calls fn:src/app/models.py:User.greet -> fn:src/app/models.py:User.format"),
        QStringLiteral("calls fn:src/app/service.py:UserService.create -> fn:src/app/models.py:Base.save"),
        QStringLiteral("calls fn:src/app/service.py:UserService.create -> fn:src/app/models.py:User.__init__"),
        QStringLiteral("calls fn:src/app/service.py:UserService.create -> fn:src/app/util.py:log"),
        QStringLiteral("calls fn:src/app/sub/deep.py:Deep.run -> fn:src/app/models.py:Base.save"),
        QStringLiteral("calls fn:src/app/sub/deep.py:Deep.run -> fn:src/app/util.py:helper"),
        QStringLiteral("calls fn:src/app/util.py:helper -> fn:src/app/util.py:log"),
        QStringLiteral("imports mod:scripts/tool.py -> ext:numpy"),
        QStringLiteral("imports mod:scripts/tool.py -> mod:scripts/helpers.py"),
        QStringLiteral("imports mod:src/app/__init__.py -> mod:src/app/models.py"),
        QStringLiteral("imports mod:src/app/service.py -> ext:json"),
        QStringLiteral("imports mod:src/app/service.py -> mod:src/app/models.py"),
        QStringLiteral("imports mod:src/app/service.py -> mod:src/app/util.py"),
        QStringLiteral("imports mod:src/app/sub/deep.py -> mod:src/app/models.py"),
        QStringLiteral("imports mod:src/app/sub/deep.py -> mod:src/app/util.py"),
        QStringLiteral("inherits cls:src/app/models.py:User -> cls:src/app/models.py:Base"),
        QStringLiteral("inherits cls:src/app/sub/deep.py:Deep -> cls:src/app/models.py:Base"),
        QStringLiteral("uses fn:src/app/service.py:UserService.create -> cls:src/app/models.py:User"),
        QStringLiteral("uses fn:src/app/service.py:UserService.greet_all -> cls:src/app/models.py:User"),
    };
    verifyCrossFileEdges(dir.path(), expected);
}

void TestIndexPipeline::typescriptProjectEdges()
{
    QTemporaryDir dir;
    copyTree(QStringLiteral(MU_FIXTURES_DIR "/projects/ts_app"), dir.path());
    const index::IndexReport report = indexTree(dir.path());
    QCOMPARE(report.parsed, 7);
    QCOMPARE(report.errors, 0);

    const QString core = QStringLiteral("packages/core/src/");
    const QString app = QStringLiteral("packages/app/src/");
    const QStringList expected = {
        QStringLiteral("calls fn:") + app + QStringLiteral("legacy.js:total -> fn:") + core
            + QStringLiteral("math.ts:add"),
        QStringLiteral("calls fn:") + app + QStringLiteral("main.ts:Greeter.greet -> fn:") + core
            + QStringLiteral("logger.ts:Logger.log"),
        QStringLiteral("calls fn:") + app + QStringLiteral("main.ts:run -> fn:") + core
            + QStringLiteral("helpers.ts:helper"),
        QStringLiteral("calls fn:") + app + QStringLiteral("main.ts:run -> fn:") + core
            + QStringLiteral("logger.ts:Logger.log"),
        QStringLiteral("calls fn:") + app + QStringLiteral("main.ts:run -> fn:") + core + QStringLiteral("math.ts:add"),
        QStringLiteral("calls fn:") + app + QStringLiteral("view.tsx:View -> fn:") + app
            + QStringLiteral("main.ts:run"),
        QStringLiteral("imports mod:") + app + QStringLiteral("legacy.js -> mod:") + core + QStringLiteral("math.ts"),
        QStringLiteral("imports mod:") + app + QStringLiteral("main.ts -> ext:react"),
        QStringLiteral("imports mod:") + app + QStringLiteral("main.ts -> mod:") + core + QStringLiteral("helpers.ts"),
        QStringLiteral("imports mod:") + app + QStringLiteral("main.ts -> mod:") + core + QStringLiteral("index.ts"),
        QStringLiteral("imports mod:") + app + QStringLiteral("view.tsx -> mod:") + app + QStringLiteral("main.ts"),
        QStringLiteral("imports mod:") + core + QStringLiteral("index.ts -> mod:") + core + QStringLiteral("logger.ts"),
        QStringLiteral("imports mod:") + core + QStringLiteral("index.ts -> mod:") + core + QStringLiteral("math.ts"),
        QStringLiteral("inherits cls:") + app + QStringLiteral("main.ts:Greeter -> cls:") + core
            + QStringLiteral("logger.ts:Logger"),
        QStringLiteral("uses fn:") + app + QStringLiteral("main.ts:run -> cls:") + core
            + QStringLiteral("logger.ts:Logger"),
    };
    verifyCrossFileEdges(dir.path(), expected);
}

void TestIndexPipeline::incrementalEqualsFresh()
{
    QTemporaryDir dir;
    copyTree(QStringLiteral(MU_FIXTURES_DIR "/projects/python_app"), dir.path());
    indexTree(dir.path());

    // A body-only edit keeps the module's interface: only the file itself is re-linked.
    writeFile(dir.filePath(QStringLiteral("src/app/util.py")),
        "def log(message):\n    print(message)\n    print('again')\n\n\ndef helper():\n    return log('helper')\n");
    index::IndexReport bodyOnly = indexTree(dir.path());
    QCOMPARE(bodyOnly.parsed, 1);
    QCOMPARE(bodyOnly.linked, 1);
    verifyEqualsFreshIndex(dir.path());

    // Rename a function its dependents call: their edges must follow without reparsing them.
    writeFile(dir.filePath(QStringLiteral("src/app/util.py")),
        "def write(message):\n    print(message)\n\n\ndef helper():\n    return write('helper')\n");
    index::IndexReport report = indexTree(dir.path());
    QCOMPARE(report.parsed, 1);
    QVERIFY2(report.linked >= 3, "util.py and its dependents service.py and deep.py are re-linked");
    verifyEqualsFreshIndex(dir.path());
    QVERIFY(!crossFileEdges(dir.path())
                 .contains(QStringLiteral("calls fn:src/app/service.py:UserService.create -> fn:src/app/util.py:log")));

    // Bring the old name back: the dependents' calls resolve again.
    writeFile(dir.filePath(QStringLiteral("src/app/util.py")),
        "def log(message):\n    print(message)\n\n\ndef helper():\n    return log('helper')\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
    QVERIFY(crossFileEdges(dir.path())
                .contains(QStringLiteral("calls fn:src/app/service.py:UserService.create -> fn:src/app/util.py:log")));

    // Delete a module others import: its rows and every edge into it disappear.
    QVERIFY(QFile::remove(dir.filePath(QStringLiteral("src/app/models.py"))));
    report = indexTree(dir.path());
    QCOMPARE(report.removed, 1);
    verifyEqualsFreshIndex(dir.path());

    // Add it back, plus a new module.
    copyTree(QStringLiteral(MU_FIXTURES_DIR "/projects/python_app/src/app"), dir.filePath(QStringLiteral("restore")));
    QVERIFY(QFile::rename(
        dir.filePath(QStringLiteral("restore/models.py")), dir.filePath(QStringLiteral("src/app/models.py"))));
    QDir(dir.filePath(QStringLiteral("restore"))).removeRecursively();
    writeFile(dir.filePath(QStringLiteral("src/app/extra.py")),
        "from .models import User\n\ndef make():\n    return User('x')\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
    QVERIFY(crossFileEdges(dir.path())
                .contains(QStringLiteral("calls fn:src/app/extra.py:make -> fn:src/app/models.py:User.__init__")));
}

void TestIndexPipeline::unchangedCostsOnlyAStat()
{
    QTemporaryDir dir;
    copyTree(QStringLiteral(MU_FIXTURES_DIR "/projects/ts_app"), dir.path());
    const index::IndexReport first = indexTree(dir.path());
    const index::IndexReport second = indexTree(dir.path());
    QCOMPARE(second.scanned, first.scanned);
    QCOMPARE(second.unchanged, second.scanned);
    QCOMPARE(second.parsed, 0);
    QCOMPARE(second.linked, 0);
    QCOMPARE(second.revision, first.revision);

    // Same content, new mtime: hashed, not parsed, revision unchanged.
    QFile file(dir.filePath(QStringLiteral("packages/core/src/math.ts")));
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(QDateTime::currentDateTime().addSecs(60), QFileDevice::FileModificationTime));
    file.close();
    const index::IndexReport third = indexTree(dir.path());
    QCOMPARE(third.stamped, 1);
    QCOMPARE(third.parsed, 0);
    QCOMPARE(third.revision, first.revision);
    const index::IndexReport fourth = indexTree(dir.path());
    QCOMPARE(fourth.unchanged, fourth.scanned);
}

void TestIndexPipeline::crashBetweenPhasesIsRepaired()
{
    // A run that wrote a file's rows but died before linking leaves files.linked = 0; the next
    // run must link it even though nothing changed on disk.
    QTemporaryDir dir;
    copyTree(QStringLiteral(MU_FIXTURES_DIR "/projects/python_app"), dir.path());
    indexTree(dir.path());
    const QStringList before = crossFileEdges(dir.path());
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("crash"));
        db.setDatabaseName(index::mubasePath(dir.path()));
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(
            QStringLiteral("DELETE FROM edges WHERE file_path = 'src/app/service.py' AND type != 'contains'")));
        QVERIFY(query.exec(QStringLiteral("UPDATE files SET linked = 0 WHERE path = 'src/app/service.py'")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("crash"));
    const index::IndexReport report = indexTree(dir.path());
    QCOMPARE(report.linked, 1);
    QCOMPARE(crossFileEdges(dir.path()), before);
}

void TestIndexPipeline::filesChangingMidRun()
{
    // Between the scan and the read, one file vanishes and one becomes unreadable: the run
    // finishes, the vanished file leaves no rows, the unreadable one is recorded with its error.
    QTemporaryDir dir;
    copyTree(QStringLiteral(MU_FIXTURES_DIR "/projects/python_app"), dir.path());
    const QString vanishing = dir.filePath(QStringLiteral("scripts/helpers.py"));
    const QString locked = dir.filePath(QStringLiteral("src/app/util.py"));
    const bool canLock = geteuid() != 0; // root reads anything
    index::IndexOptions options;
    options.jobs = 2;
    options.afterScanForTest = [&] {
        QVERIFY(QFile::remove(vanishing));
        if (canLock)
            QVERIFY(QFile::setPermissions(locked, QFileDevice::Permissions()));
    };
    auto report = index::Indexer(dir.path(), options).run();
    QVERIFY2(report, report ? "" : qPrintable(report.error().message));
    QCOMPARE(report->scanned, 8);
    QCOMPARE(report->removed, 0); // never stored, so nothing to remove
    auto reader = store::StoreReader::open(index::mubasePath(dir.path()));
    QVERIFY(reader);
    auto vanished = (*reader)->file(QStringLiteral("scripts/helpers.py"));
    QVERIFY(vanished);
    QVERIFY(!vanished->has_value());
    auto stats = (*reader)->stats();
    QCOMPARE(stats->files, 7);
    if (canLock) {
        auto record = (*reader)->file(QStringLiteral("src/app/util.py"));
        QVERIFY(record && record->has_value());
        QCOMPARE(toString((*record)->status), QStringLiteral("failed"));
        QVERIFY2((*record)->error.startsWith(QStringLiteral("cannot read")), qPrintable((*record)->error));
        QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    // The next run converges: the tree as it is now.
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
}

void TestIndexPipeline::importOfASkippedFileHasNoTarget()
{
    // A module that exists but has no rows (binary here) resolves to nothing: no edge to "".
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("blob.py")), QByteArray("\0\0\0binary", 9));
    writeFile(dir.filePath(QStringLiteral("user.py")), "import blob\n\ndef f():\n    blob.g()\n");
    const index::IndexReport report = indexTree(dir.path());
    QCOMPARE(report.skipped, 1);
    const QStringList edges = crossFileEdges(dir.path());
    for (const QString& edge : edges)
        QVERIFY2(!edge.endsWith(QStringLiteral("-> ")), qPrintable(edge));
    QVERIFY2(edges.isEmpty(), qPrintable(edges.join(u'\n')));
}

void TestIndexPipeline::namesReachedThroughBarrels()
{
    // A name added to a module and reached only through a package, a barrel file or a star
    // re-export: the files using it have no edge into the module yet, but must be re-linked.
    struct Case {
        const char* fixture;
        QString user;
        QByteArray userSource;
        QString changed;
        QByteArray addition;
        QString edge;
    };
    const QList<Case> cases = {
        {"python_app", QStringLiteral("src/app/cli.py"), "import app\n\n\ndef run():\n    return app.models.make()\n",
            QStringLiteral("src/app/models.py"), "\n\ndef make():\n    return User('made')\n",
            QStringLiteral("calls fn:src/app/cli.py:run -> fn:src/app/models.py:make")},
        {"ts_app", QStringLiteral("packages/app/src/minus.ts"),
            "import { sub } from '@acme/core';\n\nexport function minus(): number {\n  return sub(3, 1);\n}\n",
            QStringLiteral("packages/core/src/math.ts"),
            "\nexport function sub(a: number, b: number): number {\n  return a - b;\n}\n",
            QStringLiteral("calls fn:packages/app/src/minus.ts:minus -> fn:packages/core/src/math.ts:sub")},
    };
    const Case starChain {"python_app", QStringLiteral("scripts/chain_c.py"),
        "import chain_b\n\n\ndef run():\n    return chain_b.fresh()\n", QStringLiteral("scripts/helpers.py"),
        "\n\ndef fresh():\n    return 1\n",
        QStringLiteral("calls fn:scripts/chain_c.py:run -> fn:scripts/helpers.py:fresh")};
    for (const Case& c : cases + QList<Case> {starChain}) {
        QTemporaryDir dir;
        copyTree(QStringLiteral(MU_FIXTURES_DIR "/projects/") + QLatin1String(c.fixture), dir.path());
        writeFile(dir.filePath(c.user), c.userSource);
        if (c.user.endsWith(u"chain_c.py")) // an ordinary module re-exporting everything of another
            writeFile(dir.filePath(QStringLiteral("scripts/chain_b.py")), "from helpers import *\n");
        indexTree(dir.path());
        QVERIFY(!crossFileEdges(dir.path()).contains(c.edge));

        QFile changed(dir.filePath(c.changed));
        QVERIFY(changed.open(QIODevice::ReadOnly));
        const QByteArray content = changed.readAll();
        changed.close();
        writeFile(dir.filePath(c.changed), content + c.addition);
        const index::IndexReport report = indexTree(dir.path());
        QCOMPARE(report.parsed, 1);
        const QStringList edges = crossFileEdges(dir.path());
        QVERIFY2(edges.contains(c.edge), qPrintable(edges.join(u'\n')));
        verifyEqualsFreshIndex(dir.path());
    }
}

QTEST_GUILESS_MAIN(TestIndexPipeline)
#include "tst_index_pipeline.moc"
