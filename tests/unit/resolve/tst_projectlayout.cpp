// Import specifiers → files, for Python and TS/JS module systems.
#include "resolve/projectlayout.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace mu::resolve;

namespace {

void write(const QTemporaryDir& dir, const QString& rel, const QByteArray& content = {})
{
    QDir().mkpath(QFileInfo(dir.filePath(rel)).path());
    QFile file(dir.filePath(rel));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(content);
}

QString describe(const ImportTarget& target)
{
    switch (target.kind) {
    case ImportTarget::Kind::None:
        return QStringLiteral("none");
    case ImportTarget::Kind::File:
        return QStringLiteral("file:") + target.path;
    case ImportTarget::Kind::Package:
        return QStringLiteral("package:") + target.path;
    case ImportTarget::Kind::Namespace:
        return QStringLiteral("namespace:") + target.path;
    case ImportTarget::Kind::External:
        return QStringLiteral("ext:") + target.path;
    }
    return {};
}

} // namespace

class TestProjectLayout : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void python_data();
    void python();
    void ecma_data();
    void ecma();
};

void TestProjectLayout::python_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("dotted");
    QTest::addColumn<int>("level");
    QTest::addColumn<QString>("expected");
    QTest::newRow("absolute module") << "pkg/a.py"
                                     << "pkg.b" << 0 << "file:pkg/b.py";
    QTest::newRow("absolute package") << "pkg/a.py"
                                      << "pkg" << 0 << "file:pkg/__init__.py";
    QTest::newRow("deepest reachable") << "pkg/a.py"
                                       << "pkg.b.Thing" << 0 << "file:pkg/b.py";
    QTest::newRow("src layout") << "tests/test_x.py"
                                << "lib2.core" << 0 << "file:src/lib2/core.py";
    QTest::newRow("external") << "pkg/a.py"
                              << "numpy.linalg" << 0 << "ext:numpy";
    QTest::newRow("relative sibling") << "pkg/sub/c.py"
                                      << "d" << 1 << "file:pkg/sub/d.py";
    QTest::newRow("relative parent") << "pkg/sub/c.py"
                                     << "b" << 2 << "file:pkg/b.py";
    QTest::newRow("relative package itself") << "pkg/sub/c.py"
                                             << "" << 1 << "file:pkg/sub/__init__.py";
    QTest::newRow("relative leaves the project") << "pkg/a.py"
                                                 << "x" << 3 << "none";
    QTest::newRow("relative missing") << "pkg/a.py"
                                      << "missing" << 1 << "none";
    QTest::newRow("script sibling") << "scripts/run.py"
                                    << "helpers" << 0 << "file:scripts/helpers.py";
    QTest::newRow("package files do not see siblings as top level") << "pkg/a.py"
                                                                    << "b" << 0 << "ext:b";
}

void TestProjectLayout::python()
{
    QFETCH(QString, from);
    QFETCH(QString, dotted);
    QFETCH(int, level);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QStringList files = {QStringLiteral("pkg/__init__.py"), QStringLiteral("pkg/a.py"),
        QStringLiteral("pkg/b.py"), QStringLiteral("pkg/sub/__init__.py"), QStringLiteral("pkg/sub/c.py"),
        QStringLiteral("pkg/sub/d.py"), QStringLiteral("src/lib2/__init__.py"), QStringLiteral("src/lib2/core.py"),
        QStringLiteral("tests/test_x.py"), QStringLiteral("scripts/run.py"), QStringLiteral("scripts/helpers.py")};
    for (const QString& f : files)
        write(dir, f);
    const ProjectLayout layout(dir.path(), QSet<QString>(files.cbegin(), files.cend()));
    QCOMPARE(describe(layout.resolvePython(from, dotted, level)), expected);
}

void TestProjectLayout::ecma_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("specifier");
    QTest::addColumn<QString>("expected");
    QTest::newRow("relative with extension probing") << "web/src/a.ts"
                                                     << "./b"
                                                     << "file:web/src/b.tsx";
    QTest::newRow("index probing") << "web/src/a.ts"
                                   << "./lib"
                                   << "file:web/src/lib/index.ts";
    QTest::newRow(".js names the .ts source") << "web/src/a.ts"
                                              << "./c.js"
                                              << "file:web/src/c.ts";
    QTest::newRow("declaration file") << "web/src/a.ts"
                                      << "./types"
                                      << "file:web/src/types.d.ts";
    QTest::newRow("parent dir") << "web/src/lib/index.ts"
                                << "../b"
                                << "file:web/src/b.tsx";
    QTest::newRow("paths through extends") << "web/src/a.ts"
                                           << "@shared/util"
                                           << "file:shared/util.ts";
    QTest::newRow("baseUrl") << "web/src/a.ts"
                             << "src/c"
                             << "file:web/src/c.ts";
    QTest::newRow("workspace package") << "web/src/a.ts"
                                       << "@acme/kit"
                                       << "file:packages/kit/src/index.ts";
    QTest::newRow("workspace subpath") << "web/src/a.ts"
                                       << "@acme/kit/button"
                                       << "file:packages/kit/src/button.ts";
    QTest::newRow("scoped external") << "web/src/a.ts"
                                     << "@types/node/fs"
                                     << "ext:@types/node";
    QTest::newRow("node builtin") << "web/src/a.ts"
                                  << "node:fs"
                                  << "ext:fs";
    QTest::newRow("bare external") << "web/src/a.ts"
                                   << "lodash/fp"
                                   << "ext:lodash";
    QTest::newRow("relative missing") << "web/src/a.ts"
                                      << "./nothing"
                                      << "none";
    QTest::newRow("relative leaves the project") << "web/a.ts"
                                                 << "../../x"
                                                 << "none";
}

void TestProjectLayout::ecma()
{
    QFETCH(QString, from);
    QFETCH(QString, specifier);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QStringList files = {QStringLiteral("web/src/a.ts"), QStringLiteral("web/src/b.tsx"),
        QStringLiteral("web/src/c.ts"), QStringLiteral("web/src/types.d.ts"), QStringLiteral("web/src/lib/index.ts"),
        QStringLiteral("web/a.ts"), QStringLiteral("shared/util.ts"), QStringLiteral("packages/kit/src/index.ts"),
        QStringLiteral("packages/kit/src/button.ts")};
    for (const QString& f : files)
        write(dir, f);
    write(dir, QStringLiteral("tsconfig.base.json"),
        "{ /* shared */ \"compilerOptions\": { \"paths\": { \"@shared/*\": [\"shared/*\"] } } }");
    write(dir, QStringLiteral("web/tsconfig.json"),
        "{\n  // the web app\n  \"extends\": \"../tsconfig.base.json\",\n  \"compilerOptions\": { \"baseUrl\": \".\", "
        "},\n}");
    write(dir, QStringLiteral("package.json"), "{\"workspaces\": [\"packages/*\"]}");
    write(dir, QStringLiteral("packages/kit/package.json"), "{\"name\": \"@acme/kit\", \"main\": \"dist/index.js\"}");
    const ProjectLayout layout(dir.path(), QSet<QString>(files.cbegin(), files.cend()));
    QCOMPARE(describe(layout.resolveEcma(from, specifier)), expected);
}

QTEST_GUILESS_MAIN(TestProjectLayout)
#include "tst_projectlayout.moc"
