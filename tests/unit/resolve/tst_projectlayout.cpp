// Import specifiers → files, for the module systems of Python, TS/JS, Go, Rust and C/C++.
#include "resolve/gomodules.h"
#include "resolve/includepaths.h"
#include "resolve/projectlayout.h"
#include "resolve/rustcrates.h"

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
    void go_data();
    void go();
    void goPackageFiles();
    void rust_data();
    void rust();
    void rustModuleTree();
    void includes_data();
    void includes();
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

void TestProjectLayout::go_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("importPath");
    QTest::addColumn<QString>("expected");
    QTest::newRow("own module") << "cmd/app/main.go"
                                << "example.com/shop/store"
                                << "package:store";
    QTest::newRow("module root package") << "cmd/app/main.go"
                                         << "example.com/shop"
                                         << "package:";
    QTest::newRow("replace to a local dir") << "cmd/app/main.go"
                                            << "example.com/tools/fmtx"
                                            << "package:third/tools/fmtx";
    QTest::newRow("vendored") << "cmd/app/main.go"
                              << "github.com/acme/log"
                              << "package:vendor/github.com/acme/log";
    QTest::newRow("nested module wins") << "nested/x/x.go"
                                        << "example.com/nested/y"
                                        << "package:nested/y";
    QTest::newRow("nested module does not see the outer module's path") << "nested/x/x.go"
                                                                        << "example.com/shop/store"
                                                                        << "ext:example.com/shop/store";
    QTest::newRow("standard library") << "cmd/app/main.go"
                                      << "net/http"
                                      << "ext:net";
    QTest::newRow("third party by module root") << "cmd/app/main.go"
                                                << "github.com/pkg/errors/sub"
                                                << "ext:github.com/pkg/errors";
    QTest::newRow("missing package of the module") << "cmd/app/main.go"
                                                   << "example.com/shop/nothing"
                                                   << "ext:example.com/shop/nothing";
    QTest::newRow("std tree") << "goroot/src/net/http/server.go"
                              << "net/url"
                              << "package:goroot/src/net/url";
    QTest::newRow("std from the cmd module") << "goroot/src/cmd/go/main.go"
                                             << "net/url"
                                             << "package:goroot/src/net/url";
}

void TestProjectLayout::go()
{
    QFETCH(QString, from);
    QFETCH(QString, importPath);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QStringList files
        = {QStringLiteral("root.go"), QStringLiteral("cmd/app/main.go"), QStringLiteral("store/store.go"),
            QStringLiteral("third/tools/fmtx/fmtx.go"), QStringLiteral("vendor/github.com/acme/log/log.go"),
            QStringLiteral("nested/x/x.go"), QStringLiteral("nested/y/y.go"),
            QStringLiteral("goroot/src/net/http/server.go"), QStringLiteral("goroot/src/net/url/url.go")};
    for (const QString& f : files)
        write(dir, f);
    write(dir, QStringLiteral("go.mod"),
        "// the shop\nmodule example.com/shop\n\nrequire github.com/pkg/errors v0.9.1\n\n"
        "replace (\n\texample.com/tools v1.0.0 => ./third/tools\n)\n");
    write(dir, QStringLiteral("nested/go.mod"), "module \"example.com/nested\"\n");
    write(dir, QStringLiteral("goroot/src/go.mod"), "module std\n");
    write(dir, QStringLiteral("goroot/src/cmd/go.mod"), "module cmd\n");
    const ProjectLayout layout(dir.path(), QSet<QString>(files.cbegin(), files.cend()));
    QCOMPARE(describe(layout.go().resolve(from, importPath)), expected);
}

void TestProjectLayout::goPackageFiles()
{
    QTemporaryDir dir;
    const QStringList files = {QStringLiteral("p/b.go"), QStringLiteral("p/a.go"), QStringLiteral("p/a_test.go"),
        QStringLiteral("p/sub/c.go")};
    const ProjectLayout layout(dir.path(), QSet<QString>(files.cbegin(), files.cend()));
    QCOMPARE(layout.go().packageFiles(QStringLiteral("p")), (QStringList {"p/a.go", "p/b.go"}));
    // A package file sees the other package files; a test file sees the tests too.
    QCOMPARE(layout.go().siblings(QStringLiteral("p/a.go")), QStringList {"p/b.go"});
    QCOMPARE(layout.go().siblings(QStringLiteral("p/a_test.go")), (QStringList {"p/a.go", "p/b.go"}));
    QVERIFY(layout.go().packageFiles(QStringLiteral("nothing")).isEmpty());
}

void TestProjectLayout::rust_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    QTest::newRow("crate module") << "core/src/model.rs"
                                  << "crate::util::text"
                                  << "file:core/src/util/text.rs";
    QTest::newRow("crate item") << "core/src/model.rs"
                                << "crate::util::non_empty"
                                << "file:core/src/util/mod.rs#non_empty";
    QTest::newRow("super") << "core/src/util/text.rs"
                           << "super::non_empty"
                           << "file:core/src/util/mod.rs#non_empty";
    QTest::newRow("super super") << "core/src/util/text.rs"
                                 << "super::super::model::Item"
                                 << "file:core/src/model.rs#Item";
    QTest::newRow("self") << "core/src/util/mod.rs"
                          << "self::text::shout"
                          << "file:core/src/util/text.rs#shout";
    QTest::newRow("workspace crate by package name") << "app/src/main.rs"
                                                     << "shop_core::model::Item"
                                                     << "file:core/src/model.rs#Item";
    QTest::newRow("re-exported item stays in the root") << "app/src/main.rs"
                                                        << "shop_core::Item"
                                                        << "file:core/src/lib.rs#Item";
    QTest::newRow("child module of a binary") << "app/src/main.rs"
                                              << "report::print"
                                              << "file:app/src/report.rs#print";
    QTest::newRow("nested item path") << "app/src/main.rs"
                                      << "report::Outer::Inner"
                                      << "file:app/src/report.rs#Outer.Inner";
    QTest::newRow("external crate") << "app/src/main.rs"
                                    << "serde::Serialize"
                                    << "ext:serde";
    QTest::newRow("std") << "core/src/lib.rs"
                         << "std::collections::HashMap"
                         << "ext:std";
}

void TestProjectLayout::rust()
{
    QFETCH(QString, from);
    QFETCH(QString, path);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QStringList files = {QStringLiteral("core/src/lib.rs"), QStringLiteral("core/src/model.rs"),
        QStringLiteral("core/src/util/mod.rs"), QStringLiteral("core/src/util/text.rs"),
        QStringLiteral("app/src/main.rs"), QStringLiteral("app/src/report.rs")};
    for (const QString& f : files)
        write(dir, f);
    write(dir, QStringLiteral("Cargo.toml"), "[workspace]\nmembers = [\"core\", \"app\"]\n");
    write(dir, QStringLiteral("core/Cargo.toml"), "[package]\nname = \"shop-core\"\nversion = \"1.0.0\"\n");
    write(dir, QStringLiteral("app/Cargo.toml"),
        "[package]\nname = \"app\"\n\n[dependencies]\nshop-core = { path = \"../core\" }\n");
    const ProjectLayout layout(dir.path(), QSet<QString>(files.cbegin(), files.cend()));
    const RustCrates::Path resolved = layout.rust().resolve(from, path);
    QString actual = describe(resolved.target);
    if (!resolved.item.isEmpty())
        actual += u'#' + resolved.item;
    QCOMPARE(actual, expected);
}

void TestProjectLayout::rustModuleTree()
{
    QTemporaryDir dir;
    const QStringList files = {QStringLiteral("src/lib.rs"), QStringLiteral("src/a.rs"), QStringLiteral("src/a/b.rs"),
        QStringLiteral("src/c/mod.rs"), QStringLiteral("src/c/d.rs"), QStringLiteral("src/bin/tool.rs"),
        QStringLiteral("src/main.rs"), QStringLiteral("tests/it.rs")};
    for (const QString& f : files)
        write(dir, f);
    // A [[bench]] table's `path` is not the library's.
    write(dir, QStringLiteral("Cargo.toml"),
        "[package]\nname = \"x\"\n[lib]\npath = \"src/lib.rs\"\n\n[[bench]]\nname = \"b\"\npath = \"src/a.rs\"\n");
    const ProjectLayout layout(dir.path(), QSet<QString>(files.cbegin(), files.cend()));
    const RustCrates& rust = layout.rust();
    QCOMPARE(rust.childModule(QStringLiteral("src/lib.rs"), QStringLiteral("a")), QStringLiteral("src/a.rs"));
    QCOMPARE(rust.childModule(QStringLiteral("src/a.rs"), QStringLiteral("b")), QStringLiteral("src/a/b.rs"));
    QCOMPARE(rust.childModule(QStringLiteral("src/lib.rs"), QStringLiteral("c")), QStringLiteral("src/c/mod.rs"));
    QCOMPARE(rust.childModule(QStringLiteral("src/c/mod.rs"), QStringLiteral("d")), QStringLiteral("src/c/d.rs"));
    QCOMPARE(rust.childModule(QStringLiteral("src/lib.rs"), QStringLiteral("zz")), std::nullopt);
    QCOMPARE(rust.parentModule(QStringLiteral("src/a/b.rs")), QStringLiteral("src/a.rs"));
    QCOMPARE(rust.parentModule(QStringLiteral("src/c/d.rs")), QStringLiteral("src/c/mod.rs"));
    QCOMPARE(rust.parentModule(QStringLiteral("src/c/mod.rs")), QStringLiteral("src/lib.rs"));
    QCOMPARE(rust.parentModule(QStringLiteral("src/lib.rs")), std::nullopt);
    QCOMPARE(rust.crateRoot(QStringLiteral("src/a/b.rs")), QStringLiteral("src/lib.rs"));
    QCOMPARE(rust.crateRoot(QStringLiteral("src/bin/tool.rs")), QStringLiteral("src/bin/tool.rs"));
    QCOMPARE(rust.crateRoot(QStringLiteral("src/main.rs")), QStringLiteral("src/main.rs"));
    QCOMPARE(rust.crateRoot(QStringLiteral("tests/it.rs")), QStringLiteral("tests/it.rs"));
    QCOMPARE(rust.crateNamed(QStringLiteral("x")), QStringLiteral("src/lib.rs"));
}

void TestProjectLayout::includes_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("header");
    QTest::addColumn<bool>("system");
    QTest::addColumn<QString>("expected");
    QTest::newRow("quoted, beside the file") << "src/net/socket.c"
                                             << "socket.h" << false << "file:src/net/socket.h";
    QTest::newRow("quoted, relative path") << "src/net/socket.c"
                                           << "../util/log.h" << false << "file:src/util/log.h";
    QTest::newRow("quoted, through -I") << "src/net/socket.c"
                                        << "api/types.h" << false << "file:public/api/types.h";
    QTest::newRow("angle, through -isystem") << "src/net/socket.c"
                                             << "gen/version.h" << true << "file:out/gen/version.h";
    QTest::newRow("angle, not beside the file") << "src/net/socket.c"
                                                << "socket.h" << true << "ext:socket";
    QTest::newRow("conventional include dir") << "src/net/socket.c"
                                              << "proj/config.h" << true << "file:include/proj/config.h";
    QTest::newRow("system header") << "src/net/socket.c"
                                   << "stdio.h" << true << "ext:stdio";
    QTest::newRow("library header by its directory") << "src/net/socket.c"
                                                     << "QtCore/QString" << true << "ext:QtCore";
    QTest::newRow("quoted, not in the tree: generated or not indexed") << "src/net/socket.c"
                                                                       << "generated/config.h" << false << "none";
    QTest::newRow("outside the project") << "src/net/socket.c"
                                         << "../../../etc/passwd" << false << "none";
}

void TestProjectLayout::includes()
{
    QFETCH(QString, from);
    QFETCH(QString, header);
    QFETCH(bool, system);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QStringList files = {QStringLiteral("src/net/socket.c"), QStringLiteral("src/net/socket.h"),
        QStringLiteral("src/util/log.h"), QStringLiteral("public/api/types.h"), QStringLiteral("out/gen/version.h"),
        QStringLiteral("include/proj/config.h")};
    for (const QString& f : files)
        write(dir, f);
    // Relative "directory" entries, both argument styles, and a directory outside the project.
    write(dir, QStringLiteral("build/compile_commands.json"),
        "[{\"directory\": \"build\", \"file\": \"../src/net/socket.c\", "
        "\"command\": \"cc -I../public -isystem /usr/include/x\\ y -c ../src/net/socket.c\"},"
        " {\"directory\": \".\", \"file\": \"src/a.c\", \"arguments\": [\"cc\", \"-isystem\", \"out\"]}]");
    const ProjectLayout layout(dir.path(), QSet<QString>(files.cbegin(), files.cend()));
    QCOMPARE(describe(layout.includes().resolve(from, header, system)), expected);
    QCOMPARE(layout.includes().directories(), (QStringList {"public", "out", "include", ""}));
}

QTEST_GUILESS_MAIN(TestProjectLayout)
#include "tst_projectlayout.moc"
