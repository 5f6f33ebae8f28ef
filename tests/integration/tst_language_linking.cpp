// Cross-file resolution in the module systems of Go, Rust, Java, C# and C/C++, on fixture projects
// indexed by the whole pipeline, with exact edges; and, for each, edits after which the
// incremental graph must equal a fresh index of the same tree.
#include "pipelinetest.h"

#include <QTemporaryDir>
#include <QTest>

using namespace mu;
using namespace mu::testing;

namespace {

QString fixture(const char* name)
{
    return QStringLiteral(MU_FIXTURES_DIR "/projects/") + QLatin1String(name);
}

/// "calls a -> b" lines with both ids under `prefix`-relative paths, sorted.
QStringList edges(std::initializer_list<const char*> lines)
{
    QStringList list;
    for (const char* line : lines)
        list.append(QString::fromUtf8(line));
    list.sort();
    return list;
}

} // namespace

class TestLanguageLinking : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void goPackages();
    void goIncremental();
    void rustCrates();
    void rustIncremental();
    void javaPackages();
    void javaIncremental();
    void csharpNamespaces();
    void csharpIncremental();
    void cppWithPython();
    void cppIncremental();
};

void TestLanguageLinking::goPackages()
{
    QTemporaryDir dir;
    copyTree(fixture("go_app"), dir.path());
    const index::IndexReport report = indexTree(dir.path());
    QCOMPARE(report.errors, 0);
    verifyCrossFileEdges(dir.path(),
        edges({
            // main.go: the files of each imported package that it uses (aliased, replaced,
            // vendored), and externals.
            "imports mod:main.go -> mod:catalog/item.go",
            "imports mod:main.go -> mod:store/store.go",
            "imports mod:main.go -> mod:tools/fmtx/fmtx.go",
            "imports mod:main.go -> mod:vendor/github.com/acme/log/log.go",
            "imports mod:main.go -> ext:fmt",
            "imports mod:main.go -> ext:github.com/pkg/errors",
            "calls fn:main.go:main -> fn:store/store.go:NewStore",
            "calls fn:main.go:main -> fn:run.go:run",
            "calls fn:run.go:run -> fn:run.go:helper",
            "calls fn:main.go:main -> fn:tools/fmtx/fmtx.go:Pretty",
            "calls fn:main.go:main -> fn:vendor/github.com/acme/log/log.go:Info",
            "uses fn:main.go:main -> cls:catalog/item.go:Item",
            // run.go: a method declared in another file of the receiver's package.
            "imports mod:run.go -> mod:store/store.go",
            "imports mod:run.go -> mod:store/total.go",
            "imports mod:run.go -> mod:tools/fmtx/fmtx.go", // a blank import: its package's first file
            "calls fn:run.go:run -> fn:store/total.go:Store.Total",
            "uses fn:run.go:run -> cls:store/store.go:Store",
            "uses fn:store/store.go:NewStore -> cls:store/store.go:Store",
            // store: embedding is inheritance; methods attach to their type across files.
            "imports mod:store/store.go -> mod:catalog/item.go",
            "imports mod:store/total.go -> mod:catalog/item.go",
            "inherits cls:store/store.go:Store -> cls:catalog/item.go:Base",
            "uses cls:store/store.go:Store -> cls:catalog/item.go:Item",
            "uses fn:store/store.go:Store.Add -> cls:catalog/item.go:Item",
            "calls fn:store/store.go:Store.Add -> fn:store/total.go:Store.validate",
            "contains cls:store/store.go:Store -> fn:store/total.go:Store.Total",
            "contains cls:store/store.go:Store -> fn:store/total.go:Store.validate",
            "uses fn:store/total.go:Store.validate -> cls:catalog/item.go:Item",
            "calls fn:store/total.go:Store.validate -> fn:catalog/item.go:Item.Valid",
            // A test file of the package sees the package's names.
            "imports mod:catalog/item_test.go -> ext:testing",
            "uses fn:catalog/item_test.go:TestValid -> cls:catalog/item.go:Item",
        }));
}

void TestLanguageLinking::goIncremental()
{
    QTemporaryDir dir;
    copyTree(fixture("go_app"), dir.path());
    indexTree(dir.path());
    // A method moves to a new file of the package: callers and the type's `contains` follow.
    writeFile(dir.filePath(QStringLiteral("store/total.go")),
        "package store\n\nimport \"example.com/shop/catalog\"\n\n"
        "func (s *Store) validate(item catalog.Item) bool {\n\treturn item.Valid()\n}\n");
    writeFile(dir.filePath(QStringLiteral("store/count.go")),
        "package store\n\nfunc (s *Store) Total() int {\n\treturn len(s.items)\n}\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
    // A function appears in an existing file of a package that a lookup failed in before.
    writeFile(dir.filePath(QStringLiteral("run.go")),
        "package main\n\nimport \"example.com/shop/store\"\n\n"
        "func run(s *store.Store) int {\n\thelper()\n\tstore.Reset(s)\n\treturn s.Total()\n}\n\nfunc helper() {}\n");
    indexTree(dir.path());
    writeFile(dir.filePath(QStringLiteral("store/count.go")),
        "package store\n\nfunc (s *Store) Total() int {\n\treturn len(s.items)\n}\n\nfunc Reset(s *Store) {}\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
    QVERIFY(crossFileEdges(dir.path()).contains(QStringLiteral("calls fn:run.go:run -> fn:store/count.go:Reset")));
}

void TestLanguageLinking::rustCrates()
{
    QTemporaryDir dir;
    copyTree(fixture("rust_app"), dir.path());
    const index::IndexReport report = indexTree(dir.path());
    QCOMPARE(report.errors, 0);
    verifyCrossFileEdges(dir.path(),
        edges({
            // The crate root declares its modules and re-exports an item.
            "imports mod:core/src/lib.rs -> mod:core/src/model.rs",
            "imports mod:core/src/lib.rs -> mod:core/src/util/mod.rs",
            "imports mod:core/src/util/mod.rs -> mod:core/src/util/text.rs",
            "imports mod:core/src/util/text.rs -> mod:core/src/util/mod.rs",
            "calls fn:core/src/util/text.rs:shout -> fn:core/src/util/mod.rs:non_empty",
            "calls fn:core/src/model.rs:Item.valid -> fn:core/src/util/mod.rs:non_empty",
            // Another crate of the workspace, by its package name ('-' → '_').
            "imports mod:app/src/main.rs -> mod:app/src/report.rs",
            "imports mod:app/src/main.rs -> mod:core/src/lib.rs",
            "imports mod:app/src/main.rs -> mod:core/src/model.rs",
            "imports mod:app/src/main.rs -> mod:core/src/util/text.rs",
            "imports mod:app/src/main.rs -> ext:serde",
            "calls fn:app/src/main.rs:main -> fn:core/src/model.rs:Item.new",
            "calls fn:app/src/main.rs:main -> fn:app/src/report.rs:print",
            "calls fn:app/src/main.rs:main -> fn:core/src/util/text.rs:shout",
            // `impl Trait for T` away from T: T inherits the trait and contains the methods.
            "imports mod:app/src/report.rs -> mod:core/src/model.rs",
            "inherits cls:core/src/model.rs:Item -> cls:core/src/model.rs:Describe",
            "contains cls:core/src/model.rs:Item -> fn:app/src/report.rs:Item.describe",
            "uses fn:app/src/report.rs:print -> cls:core/src/model.rs:Item",
            "uses fn:core/src/model.rs:Item.new -> cls:core/src/model.rs:Item",
            "calls fn:app/src/report.rs:print -> fn:app/src/report.rs:Item.describe",
        }));
}

void TestLanguageLinking::rustIncremental()
{
    QTemporaryDir dir;
    copyTree(fixture("rust_app"), dir.path());
    indexTree(dir.path());
    // The re-export moves: `use shop_core::Item` now reaches it through a new module.
    writeFile(dir.filePath(QStringLiteral("core/src/lib.rs")),
        "pub mod model;\npub mod util;\npub mod prelude;\n\npub use prelude::Item;\n");
    writeFile(dir.filePath(QStringLiteral("core/src/prelude.rs")), "pub use crate::model::Item;\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
    writeFile(dir.filePath(QStringLiteral("core/src/util/mod.rs")),
        "pub mod text;\n\npub fn non_empty(s: &str) -> bool {\n    s.len() > 0\n}\n\npub fn blank() -> bool { true "
        "}\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
}

void TestLanguageLinking::javaPackages()
{
    QTemporaryDir dir;
    copyTree(fixture("java_app"), dir.path());
    const index::IndexReport report = indexTree(dir.path());
    QCOMPARE(report.errors, 0);
    const QString root = QStringLiteral("src/main/java/com/acme/shop/");
    QStringList expected = edges({
        // Single-type and static imports name files; on-demand imports become edges to the files
        // used; the file's own package needs no import (Cart, Sized).
        "imports mod:@App.java -> mod:@model/Item.java",
        "imports mod:@App.java -> mod:@util/Strings.java",
        "imports mod:@App.java -> ext:java",
        "calls fn:@App.java:App.main -> fn:@model/Item.java:Item.Item",
        "calls fn:@App.java:App.main -> fn:@Cart.java:Cart.add",
        "calls fn:@App.java:App.main -> fn:@util/Strings.java:Strings.shout",
        "calls fn:@App.java:App.main -> fn:@model/Item.java:Item.getName",
        "uses fn:@App.java:App.main -> cls:@model/Item.java:Item",
        "uses fn:@App.java:App.main -> cls:@Cart.java:Cart",
        // Same-package and on-demand imports, inherited members called without `this`.
        "imports mod:@Cart.java -> mod:@model/BaseCart.java",
        "imports mod:@Cart.java -> mod:@model/Item.java",
        "imports mod:@Cart.java -> ext:java",
        "inherits cls:@Cart.java:Cart -> cls:@model/BaseCart.java:BaseCart",
        "inherits cls:@Cart.java:Cart -> cls:@Sized.java:Sized",
        "uses cls:@Cart.java:Cart -> cls:@model/Item.java:Item",
        "uses fn:@Cart.java:Cart.add -> cls:@model/Item.java:Item",
        "calls fn:@Cart.java:Cart.add -> fn:@model/BaseCart.java:BaseCart.check",
    });
    expected.replaceInStrings(QStringLiteral("@"), root);
    expected.sort();
    verifyCrossFileEdges(dir.path(), expected);
}

void TestLanguageLinking::javaIncremental()
{
    QTemporaryDir dir;
    copyTree(fixture("java_app"), dir.path());
    indexTree(dir.path());
    const QString root = dir.filePath(QStringLiteral("src/main/java/com/acme/shop/"));
    // A class gains the method a same-package caller could not find before.
    writeFile(root + QStringLiteral("Cart.java"),
        "package com.acme.shop;\n\nimport com.acme.shop.model.*;\n\npublic class Cart extends BaseCart {\n"
        "    public void add(Item item) { check(); audit(); }\n}\n");
    indexTree(dir.path());
    writeFile(root + QStringLiteral("model/BaseCart.java"),
        "package com.acme.shop.model;\n\npublic abstract class BaseCart {\n    protected void check() {}\n"
        "    protected void audit() {}\n}\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
    // A file moves to another package.
    writeFile(root + QStringLiteral("Sized.java"), "package com.acme.shop.model;\n\npublic interface Sized {}\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
}

void TestLanguageLinking::csharpNamespaces()
{
    QTemporaryDir dir;
    copyTree(fixture("cs_app"), dir.path());
    const index::IndexReport report = indexTree(dir.path());
    QCOMPARE(report.errors, 0);
    // Partial classes find members in their other parts (Report → Lookup); `base(…)` and
    // `base.M()` reach the base class; a using alias names its type (Store → MemoryStore);
    // namespace usings become import edges to the files whose types are used; the enclosing
    // namespaces are visible without one.
    QStringList expected = edges({
        "calls fn:@A/CustomerService.Reports.cs:CustomerService.Report -> "
        "fn:@A/CustomerService.cs:CustomerService.Lookup",
        "calls fn:@A/CustomerService.Reports.cs:CustomerService.Report -> fn:@C/Customer.cs:Customer.Describe",
        "calls fn:@A/CustomerService.cs:CustomerService.Lookup -> fn:@C/Storage/MemoryStore.cs:MemoryStore.Find",
        "calls fn:@A/CustomerService.cs:CustomerService.Register -> fn:@C/Customer.cs:Customer.Customer",
        "calls fn:@A/CustomerService.cs:CustomerService.Register -> fn:@C/Storage/MemoryStore.cs:MemoryStore.Put",
        "calls fn:@A/Program.cs:Program.Main -> fn:@A/CustomerService.Reports.cs:CustomerService.Report",
        "calls fn:@A/Program.cs:Program.Main -> fn:@A/CustomerService.cs:CustomerService.Register",
        "calls fn:@C/Customer.cs:Customer.Customer -> fn:@C/Entity.cs:Entity.Entity",
        "calls fn:@C/Customer.cs:Customer.Describe -> fn:@C/Entity.cs:Entity.Describe",
        "imports mod:@A/CustomerService.cs -> mod:@C/Storage/MemoryStore.cs",
        "imports mod:@A/Program.cs -> mod:@A/CustomerService.Reports.cs",
        "imports mod:@A/Program.cs -> mod:@A/CustomerService.cs",
        "imports mod:@C/Customer.cs -> mod:@C/Entity.cs",
        "imports mod:@C/Storage/MemoryStore.cs -> ext:System",
        "inherits cls:@C/Customer.cs:Customer -> cls:@C/Entity.cs:Entity",
        "inherits cls:@C/Storage/MemoryStore.cs:MemoryStore -> cls:@C/Entity.cs:IStore",
        "uses cls:@A/CustomerService.cs:CustomerService -> cls:@C/Storage/MemoryStore.cs:MemoryStore",
        "uses cls:@C/Entity.cs:IStore -> cls:@C/Entity.cs:Entity",
        "uses cls:@C/Storage/MemoryStore.cs:MemoryStore -> cls:@C/Entity.cs:Entity",
        "uses fn:@A/CustomerService.Reports.cs:CustomerService.Report -> cls:@C/Customer.cs:Customer",
        "uses fn:@A/CustomerService.cs:CustomerService.Lookup -> cls:@C/Customer.cs:Customer",
        "uses fn:@A/CustomerService.cs:CustomerService.Register -> cls:@C/Customer.cs:Customer",
    });
    expected.replaceInStrings(QStringLiteral("@A/"), QStringLiteral("src/App/"));
    expected.replaceInStrings(QStringLiteral("@C/"), QStringLiteral("src/Core/"));
    expected.sort();
    verifyCrossFileEdges(dir.path(), expected);
}

void TestLanguageLinking::csharpIncremental()
{
    QTemporaryDir dir;
    copyTree(fixture("cs_app"), dir.path());
    indexTree(dir.path());
    // A member moves between the parts of a partial class.
    writeFile(dir.filePath(QStringLiteral("src/App/CustomerService.cs")),
        "using Store = A.B.C.MemoryStore<A.B.Customer>;\n\nnamespace A.B\n{\n"
        "    public partial class CustomerService\n    {\n        private readonly Store _store = new Store();\n"
        "    }\n}\n");
    writeFile(dir.filePath(QStringLiteral("src/App/CustomerService.Reports.cs")),
        "namespace A.B\n{\n    public partial class CustomerService\n    {\n"
        "        public Customer Register(int id, string name) { return new Customer(id, name); }\n"
        "        public Customer? Lookup(int id) => null;\n"
        "        public string Report(int id) { return Lookup(id)?.Describe() ?? \"\"; }\n    }\n}\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
    // A class moves to another namespace: its users in the old one lose it.
    writeFile(dir.filePath(QStringLiteral("src/Core/Customer.cs")),
        "using A.B.C;\n\nnamespace A.B.C\n{\n    public class Customer : Entity\n    {\n"
        "        public Customer(int id, string name) : base(id) { }\n    }\n}\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
}

void TestLanguageLinking::cppWithPython()
{
    QTemporaryDir dir;
    copyTree(fixture("cpp_app"), dir.path());
    const index::IndexReport report = indexTree(dir.path());
    QCOMPARE(report.errors, 0);
    // Includes resolve beside the file and through compile_commands.json's -I; calls found
    // through a class declared in a header land on the out-of-line definition; the definitions
    // attach to their class; the Python script in the same tree is indexed as well.
    verifyCrossFileEdges(dir.path(),
        edges({
            "calls fn:scripts/report.py:main -> fn:scripts/report.py:parse_line",
            "calls fn:src/main.cpp:main -> fn:src/shape.cpp:Circle.Circle",
            "calls fn:src/main.cpp:main -> fn:src/shape.cpp:Circle.area",
            "calls fn:src/main.cpp:main -> fn:src/shape.cpp:Circle.scale",
            "calls fn:src/main.cpp:main -> fn:src/shape.cpp:Shape.rename",
            "calls fn:src/main.cpp:main -> fn:src/util.h:safeArea",
            "calls fn:src/util.h:safeArea -> fn:include/geo/shape.h:Shape.area",
            "contains cls:include/geo/shape.h:Circle -> fn:src/shape.cpp:Circle.Circle",
            "contains cls:include/geo/shape.h:Circle -> fn:src/shape.cpp:Circle.area",
            "contains cls:include/geo/shape.h:Circle -> fn:src/shape.cpp:Circle.scale",
            "contains cls:include/geo/shape.h:Shape -> fn:src/shape.cpp:Shape.Shape",
            "contains cls:include/geo/shape.h:Shape -> fn:src/shape.cpp:Shape.name",
            "contains cls:include/geo/shape.h:Shape -> fn:src/shape.cpp:Shape.rename",
            "contains cls:include/geo/shape.h:Shape -> fn:src/shape.cpp:Shape.~Shape",
            "imports mod:include/geo/shape.h -> ext:string",
            "imports mod:scripts/report.py -> ext:sys",
            "imports mod:src/main.cpp -> ext:iostream",
            "imports mod:src/main.cpp -> ext:vector",
            "imports mod:src/main.cpp -> mod:include/geo/shape.h",
            "imports mod:src/main.cpp -> mod:src/util.h",
            "imports mod:src/shape.cpp -> ext:utility",
            "imports mod:src/shape.cpp -> mod:include/geo/shape.h",
            "imports mod:src/util.h -> mod:include/geo/shape.h",
            "inherits cls:include/geo/shape.h:Circle -> cls:include/geo/shape.h:Shape",
            "uses fn:src/main.cpp:main -> cls:include/geo/shape.h:Circle",
            "uses fn:src/main.cpp:main -> cls:include/geo/shape.h:Shape",
            "uses fn:src/util.h:safeArea -> cls:include/geo/shape.h:Shape",
        }));
}

void TestLanguageLinking::cppIncremental()
{
    QTemporaryDir dir;
    copyTree(fixture("cpp_app"), dir.path());
    indexTree(dir.path());
    // A definition moves to a new translation unit; a free function appears that a call in
    // another file could not find before.
    writeFile(dir.filePath(QStringLiteral("src/circle.cpp")),
        "#include \"geo/shape.h\"\n\nnamespace geo {\n\nvoid Circle::scale(double factor)\n{\n"
        "    m_radius *= factor;\n}\n\n} // namespace geo\n");
    writeFile(dir.filePath(QStringLiteral("src/shape.cpp")),
        "#include \"geo/shape.h\"\n\nnamespace geo {\n\nShape::Shape(std::string name) : m_name(name) {}\n\n"
        "double Circle::area() const\n{\n    return 3.0 * m_radius * m_radius;\n}\n\n} // namespace geo\n");
    writeFile(dir.filePath(QStringLiteral("src/util.h")),
        "#pragma once\n\n#include \"geo/shape.h\"\n\ninline double safeArea(const geo::Shape* shape)\n{\n"
        "    return shape ? shape->area() : fallback();\n}\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
    writeFile(dir.filePath(QStringLiteral("src/fallback.c")), "double fallback(void) { return 0.0; }\n");
    indexTree(dir.path());
    writeFile(dir.filePath(QStringLiteral("src/fallback.c")),
        "double fallback(void) { return 0.0; }\n\nint unused(void) { return 1; }\n");
    indexTree(dir.path());
    verifyEqualsFreshIndex(dir.path());
    QVERIFY(crossFileEdges(dir.path())
                .contains(QStringLiteral("calls fn:src/util.h:safeArea -> fn:src/fallback.c:fallback")));
}

QTEST_GUILESS_MAIN(TestLanguageLinking)
#include "tst_language_linking.moc"
