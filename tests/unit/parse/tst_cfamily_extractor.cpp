// Data-driven tests of the C and C++ extractor: every source file under tests/fixtures/c (parsed as
// C) and tests/fixtures/cpp (parsed as C++, headers included) is parsed and its FileIndex, rendered
// as text, must equal the sibling .expected file (same base name) line for line.
//
// The expectation format is described in extractortest.h.
//
// MU_UPDATE_EXPECTED=1 rewrites the .expected files from the current output (review the diff!).
// MU_C_CORPUS=<dir> / MU_CPP_CORPUS=<dir> run corpusSmoke over a real code base (Linux kernel/,
// /usr/include/x86_64-linux-gnu/qt6).

#include "extractortest.h"
#include "model/fileindex.h"
#include "model/graphtypes.h"
#include "parse/cfamily/cfamilyextractor.h"
#include "parse/fileparser.h"
#include "parse/languageregistry.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QtTest>

#include <algorithm>
#include <thread>
#include <vector>

using namespace mu;
using namespace mu::testing;
using namespace mu::parse;

namespace {

const QStringList kSourcePatterns
    = {QStringLiteral("*.c"), QStringLiteral("*.h"), QStringLiteral("*.cpp"), QStringLiteral("*.cc"),
        QStringLiteral("*.hpp"), QStringLiteral("*.hh"), QStringLiteral("*.hxx"), QStringLiteral("*.cxx")};

/// "c" for files under the C fixtures, "cpp" otherwise: the fixture's folder makes the C-or-C++
/// decision for `.h` files, as the indexer's project-level decision would.
const Language& languageFor(QStringView relPath)
{
    const Language* language
        = LanguageRegistry::builtin().byId(relPath.startsWith(u"c/") ? QStringView(u"c") : QStringView(u"cpp"));
    Q_ASSERT(language);
    return *language;
}

FileIndex parseAs(const QString& relPath, const QByteArray& bytes, QStringView languageId)
{
    const Language* language = LanguageRegistry::builtin().byId(languageId);
    Q_ASSERT(language);
    FileParser parser;
    return parser.parse(relPath, bytes, *language);
}

const Node* findNamed(const FileIndex& index, const QString& name)
{
    const auto found
        = std::find_if(index.nodes.begin(), index.nodes.end(), [&](const Node& node) { return node.name == name; });
    return found == index.nodes.end() ? nullptr : &*found;
}

const Reference* findReference(const FileIndex& index, Reference::Kind kind, const QString& target)
{
    for (const Reference& ref : index.references) {
        if (ref.kind == kind && ref.target == target)
            return &ref;
    }
    return nullptr;
}

} // namespace

class TestCFamilyExtractor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data();
    void fixtures();
    void destructorAndOperatorIds();
    void outOfLineDefinitions();
    void headerModuleKind();
    void projectFixture();
    void annotationMacrosAreBlanked();
    void annotationMacrosByShape();
    void splitConditionals();
    void qtHeaderShapes();
    void deepNestingDoesNotOverflow();
    void longMethodChainsStayLinear();
    void sharedAcrossThreads();
    void corpusSmoke_data();
    void corpusSmoke();
};

void TestCFamilyExtractor::fixtures_data()
{
    QTest::addColumn<QString>("relPath");
    QStringList paths;
    const QDir root(QStringLiteral(MU_FIXTURES_DIR));
    for (const QString& dialect : {QStringLiteral("c"), QStringLiteral("cpp")}) {
        QDirIterator it(root.filePath(dialect), kSourcePatterns, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext())
            paths << root.relativeFilePath(it.next());
    }
    paths.sort();
    QVERIFY2(!paths.isEmpty(), "no fixtures found");
    for (const QString& path : paths)
        QTest::newRow(qPrintable(path)) << path;
}

void TestCFamilyExtractor::fixtures()
{
    QFETCH(QString, relPath);
    // Ids carry the path inside the dialect folder, as they would inside a project.
    verifyFixture(QStringLiteral(MU_FIXTURES_DIR "/") + relPath.section(u'/', 0, 0), relPath.section(u'/', 1),
        languageFor(relPath).id);
}

void TestCFamilyExtractor::destructorAndOperatorIds()
{
    const FileIndex index = parseAs(QStringLiteral("a.hpp"),
        "struct A {\n  ~A();\n  A& operator=(const A&);\n  bool operator==(const A&) const;\n"
        "  bool operator==(int) const;\n  operator bool() const;\n  void operator()(int);\n"
        "  void* operator new(unsigned long);\n};\n",
        u"cpp");
    QCOMPARE(toString(index.status), QStringLiteral("ok"));
    const Node* destructor = findNode(index, QStringLiteral("fn:a.hpp:A.~A"));
    QVERIFY(destructor);
    QCOMPARE(destructor->kind, QStringLiteral("method"));
    QCOMPARE(destructor->name, QStringLiteral("~A"));
    QVERIFY(destructor->properties.value(u"is_destructor").toBool());
    QVERIFY(findNode(index, QStringLiteral("fn:a.hpp:A.operator=")));
    QVERIFY(findNode(index, QStringLiteral("fn:a.hpp:A.operator==")));
    QVERIFY(findNode(index, QStringLiteral("fn:a.hpp:A.operator==~2")));
    QVERIFY(findNode(index, QStringLiteral("fn:a.hpp:A.operator bool")));
    QVERIFY(findNode(index, QStringLiteral("fn:a.hpp:A.operator()")));
    QVERIFY(findNode(index, QStringLiteral("fn:a.hpp:A.operator new")));
}

void TestCFamilyExtractor::outOfLineDefinitions()
{
    // In the class's own file: contained by the class. Elsewhere: module + MemberOf.
    const FileIndex same = parseAs(QStringLiteral("w.cpp"),
        "namespace ui { class W { void f(); struct In { void g(); }; }; }\n"
        "void ui::W::f() {}\nnamespace ui { void W::In::g() {} }\n",
        u"cpp");
    const Node* f = findNode(same, QStringLiteral("fn:w.cpp:W.f~2"));
    QVERIFY(f);
    QCOMPARE(f->qualifiedName, QStringLiteral("ui.W.f"));
    QVERIFY(!f->properties.contains(u"declaration"));
    QCOMPARE(f->properties.value(u"access").toString(), QStringLiteral("private"));
    QVERIFY(same.edges.contains(
        Edge {QStringLiteral("cls:w.cpp:W"), f->id, EdgeType::Contains, QStringLiteral("w.cpp"), 2, {}}));
    QVERIFY(findNode(same, QStringLiteral("fn:w.cpp:W.In.g~2")));
    QVERIFY(!findReference(same, Reference::Kind::MemberOf, QStringLiteral("W")));

    const FileIndex other = parseAs(QStringLiteral("x.cpp"),
        "#include \"w.h\"\nnamespace ui {\nW::W() : m(1) {}\nvoid W::In::g() {}\n}\nint A::B::h() const { return 0; "
        "}\n",
        u"cpp");
    const Node* constructor = findNode(other, QStringLiteral("fn:x.cpp:W.W"));
    QVERIFY(constructor);
    QCOMPARE(constructor->kind, QStringLiteral("constructor"));
    QCOMPARE(constructor->qualifiedName, QStringLiteral("ui.W.W"));
    const Reference* memberOf = findReference(other, Reference::Kind::MemberOf, QStringLiteral("W"));
    QVERIFY(memberOf);
    QCOMPARE(memberOf->sourceId, constructor->id);
    QVERIFY(findNode(other, QStringLiteral("fn:x.cpp:W.In.g")));
    QVERIFY(findReference(other, Reference::Kind::MemberOf, QStringLiteral("W.In")));
    const Node* h = findNode(other, QStringLiteral("fn:x.cpp:A.B.h"));
    QVERIFY(h);
    QCOMPARE(h->kind, QStringLiteral("method"));
    QVERIFY(findReference(other, Reference::Kind::MemberOf, QStringLiteral("A.B")));
    QCOMPARE(other.namespaces, QStringList {QStringLiteral("ui")});
}

void TestCFamilyExtractor::headerModuleKind()
{
    for (const QString& path : {QStringLiteral("a.h"), QStringLiteral("b.hpp"), QStringLiteral("c.hh"),
             QStringLiteral("d.hxx"), QStringLiteral("e.inl"), QStringLiteral("f.tpp")}) {
        const FileIndex index = parseAs(path, "int x;\n", path.endsWith(u".h") ? u"c" : u"cpp");
        QCOMPARE(index.nodes.first().kind, QStringLiteral("header"));
    }
    QCOMPARE(parseAs(QStringLiteral("a.c"), "int x;\n", u"c").nodes.first().kind, QStringLiteral("module"));
    QCOMPARE(parseAs(QStringLiteral("a.cpp"), "int x;\n", u"cpp").nodes.first().kind, QStringLiteral("module"));
}

void TestCFamilyExtractor::projectFixture()
{
    // tests/fixtures/projects/cpp_app: what the resolver links across files rests on these.
    const QString root = QStringLiteral(MU_FIXTURES_DIR "/projects/cpp_app/");
    const FileIndex header = parseAs(
        QStringLiteral("include/geo/shape.h"), readFile(root + QStringLiteral("include/geo/shape.h")), u"cpp");
    QCOMPARE(header.namespaces, QStringList {QStringLiteral("geo")});
    const Node* declared = findNode(header, QStringLiteral("fn:include/geo/shape.h:Circle.scale"));
    QVERIFY(declared);
    QCOMPARE(declared->qualifiedName, QStringLiteral("geo.Circle.scale"));
    QVERIFY(declared->properties.value(u"declaration").toBool());

    const FileIndex shape
        = parseAs(QStringLiteral("src/shape.cpp"), readFile(root + QStringLiteral("src/shape.cpp")), u"cpp");
    const Node* scale = findNode(shape, QStringLiteral("fn:src/shape.cpp:Circle.scale"));
    QVERIFY(scale);
    QCOMPARE(scale->qualifiedName, QStringLiteral("geo.Circle.scale"));
    const Reference* owner = findReference(shape, Reference::Kind::MemberOf, QStringLiteral("Circle"));
    QVERIFY(owner);
    QVERIFY(findReference(shape, Reference::Kind::Import, QStringLiteral("geo/shape.h")));
    QCOMPARE(shape.namespaces, QStringList {QStringLiteral("geo")});

    const FileIndex main
        = parseAs(QStringLiteral("src/main.cpp"), readFile(root + QStringLiteral("src/main.cpp")), u"cpp");
    const Reference* call = findReference(main, Reference::Kind::Call, QStringLiteral("scale"));
    QVERIFY(call);
    QCOMPARE(call->receiver, QStringLiteral("circle"));
    QCOMPARE(call->receiverType, QStringLiteral("geo.Circle"));
    const Reference* rename = findReference(main, Reference::Kind::Call, QStringLiteral("rename"));
    QVERIFY(rename);
    QCOMPARE(rename->receiverType, QStringLiteral("geo.Circle"));
    const Reference* constructed = findReference(main, Reference::Kind::Call, QStringLiteral("Circle"));
    QVERIFY(constructed);
    QCOMPARE(constructed->receiver, QStringLiteral("geo"));
    QVERIFY(constructed->details.value(u"new").toBool());
    QVERIFY(findReference(main, Reference::Kind::Call, QStringLiteral("safeArea")));
}

void TestCFamilyExtractor::annotationMacrosAreBlanked()
{
    const QByteArray source = "#define Q_OBJECT x\n"
                              "class Q_CORE_EXPORT A { Q_OBJECT\n"
                              "  Q_PROPERTY(int x READ x NOTIFY xChanged)\n"
                              "Q_SIGNALS:\n"
                              "  void s(); // Q_OBJECT stays in comments\n"
                              "  const char* t = \"Q_OBJECT\";\n"
                              "};\n";
    const QByteArray blanked = CFamilyExtractor::prepareSource(source, CFamilyExtractor::Dialect::Cpp);
    QCOMPARE(blanked.size(), source.size());
    QCOMPARE(blanked.count('\n'), source.count('\n'));
    const QList<QByteArray> lines = blanked.split('\n');
    QCOMPARE(lines[0], QByteArray("#define Q_OBJECT x"));
    QCOMPARE(lines[1], QByteArray("class               A {         "));
    QCOMPARE(lines[2].trimmed(), QByteArray());
    QCOMPARE(lines[3], QByteArray("public   :"));
    QCOMPARE(lines[4], QByteArray("  void s(); // Q_OBJECT stays in comments"));
    QCOMPARE(lines[5], QByteArray("  const char* t = \"Q_OBJECT\";"));
    // Nothing to do: the very same bytes come back, not a copy.
    const QByteArray plain = "int main() { return 0; }\n";
    QVERIFY(CFamilyExtractor::prepareSource(plain, CFamilyExtractor::Dialect::C).isSharedWith(plain));
    // An expression macro keeps its arguments' parentheses balanced: nothing is blanked.
    const QByteArray condition = "if (Q_UNLIKELY(x)) f();\n";
    QVERIFY(CFamilyExtractor::prepareSource(condition, CFamilyExtractor::Dialect::Cpp).isSharedWith(condition));
}

void TestCFamilyExtractor::annotationMacrosByShape()
{
    const auto prepared
        = [](const QByteArray& text) { return CFamilyExtractor::prepareSource(text, CFamilyExtractor::Dialect::Cpp); };
    // Any ALL_CAPS word between the class key and a class name that a body or bases follow.
    QCOMPARE(prepared("class QDESIGNER_SDK_EXPORT Form : public QWidget {};"),
        QByteArray("class                      Form : public QWidget {};"));
    QCOMPARE(prepared("struct MY_ALIGN(8) MYLIB_DEPRECATED P { int x; };"),
        QByteArray("struct                              P { int x; };"));
    QCOMPARE(
        prepared("enum class ABI_TAG Color : int { Red };"), QByteArray("enum class         Color : int { Red };"));
    // `struct FOO bar;` declares a variable of type `struct FOO`: left alone.
    QCOMPARE(prepared("struct FOO bar;"), QByteArray("struct FOO bar;"));
    QCOMPARE(prepared("class FOO final {};"), QByteArray("class FOO final {};"));
    // Export-shaped words in front of a type or name; not when they are a call or stand alone.
    QCOMPARE(prepared("static QHELP_EXPORT void *f();"), QByteArray("static              void *f();"));
    QCOMPARE(
        prepared("GL_APICALL void GL_APIENTRY glClear(int);"), QByteArray("           void             glClear(int);"));
    QCOMPARE(prepared("PNG_EXPORT(1, void, f, ());"), QByteArray("PNG_EXPORT(1, void, f, ());"));
    QCOMPARE(prepared("int x = MY_EXPORT;"), QByteArray("int x = MY_EXPORT;"));
    // ALL_CAPS after a parameter list is a specifier macro; after an attribute it is a name.
    QCOMPARE(prepared("void lock() QT_MUTEX_LOCK_NOEXCEPT;"), QByteArray("void lock()                       ;"));
    QCOMPARE(prepared("typedef struct { int a; } __attribute__((packed)) INFO_T;"),
        QByteArray("typedef struct { int a; } __attribute__((packed)) INFO_T;"));

    const FileIndex index = parseAs(QStringLiteral("form.h"),
        "class QDESIGNER_SDK_EXPORT Form : public QWidget\n{\npublic:\n"
        "    QDESIGNER_SDK_EXPORT virtual QWidget *mainContainer() const = 0;\n};\n",
        u"cpp");
    QVERIFY2(index.status == ParseStatus::Ok, qPrintable(index.error));
    const Node* form = findNamed(index, QStringLiteral("Form"));
    QVERIFY(form);
    QCOMPARE(form->signature, QStringLiteral("class QDESIGNER_SDK_EXPORT Form : public QWidget"));
    QVERIFY(findNamed(index, QStringLiteral("mainContainer")));
}

void TestCFamilyExtractor::splitConditionals()
{
    const auto prepared
        = [](const QByteArray& text, CFamilyExtractor::Dialect dialect = CFamilyExtractor::Dialect::Cpp) {
              return CFamilyExtractor::prepareSource(text, dialect);
          };
    // Two class heads, one body: the first branch stands, the directives and the rest go.
    QCOMPARE(prepared("#if V7\nclass View\n#else\nclass Str\n#endif\n{ };\n"),
        QByteArray("      \nclass View\n     \n         \n      \n{ };\n"));
    // A return type split in two.
    QCOMPARE(prepared("#if A\n  int\n#elif B\n  long\n#else\n  short\n#endif\n  f();\n"),
        QByteArray("     \n  int\n       \n      \n     \n       \n      \n  f();\n"));
    // A base clause inside a conditional without #else: its content joins the head.
    QCOMPARE(prepared("class A\n#ifdef X\n  : public B\n#endif\n{ };\n"),
        QByteArray("class A\n        \n  : public B\n      \n{ };\n"));
    // Whole branches are the grammar's business, and every branch is indexed.
    const QByteArray whole = "#if X\nvoid f();\n#else\nvoid g() {}\n#endif\n#ifdef Y\nREGISTER_TYPE(T)\n#endif\n";
    QVERIFY(prepared(whole).isSharedWith(whole));
    // A branch that continues an `if` statement is not whole either.
    QCOMPARE(prepared("void f() {\n  if (a) g();\n#ifdef X\n  else h();\n#endif\n}\n"),
        QByteArray("void f() {\n  if (a) g();\n        \n  else h();\n      \n}\n"));
    // Known conditions: `#if 0` keeps its #else, `__cplusplus` follows the dialect.
    QCOMPARE(prepared("#if 0\nclass A\n#else\nclass B\n#endif\n{};\n"),
        QByteArray("     \n       \n     \nclass B\n      \n{};\n"));
    QCOMPARE(prepared("#ifdef __cplusplus\nextern \"C\" {\n#endif\nint f(void);\n", CFamilyExtractor::Dialect::C),
        QByteArray("                  \n            \n      \nint f(void);\n"));
    QCOMPARE(prepared("#ifdef __cplusplus\nextern \"C\" {\n#endif\n"),
        QByteArray("                  \nextern \"C\" {\n      \n"));

    const FileIndex index = parseAs(QStringLiteral("l1.h"),
        "#if QT_VERSION >= 0x070000\nclass QLatin1StringView\n#else\nclass QLatin1String\n#endif\n{\npublic:\n"
        "    int size() const;\n};\n",
        u"cpp");
    QVERIFY2(index.status == ParseStatus::Ok, qPrintable(index.error));
    QVERIFY(findNamed(index, QStringLiteral("QLatin1StringView")));
    QVERIFY(findNamed(index, QStringLiteral("size")));
}

void TestCFamilyExtractor::qtHeaderShapes()
{
    // The shape of every Qt header: namespace macros, an export macro, Q_OBJECT, signal sections.
    const FileIndex index = parseAs(QStringLiteral("qobj.h"),
        "QT_BEGIN_NAMESPACE\n"
        "class Q_CORE_EXPORT QThing : public QObject\n{\n    Q_OBJECT\n"
        "    Q_PROPERTY(QString name READ name)\npublic:\n"
        "    Q_INVOKABLE explicit QThing(QObject *parent = nullptr);\n"
        "    QString name() const;\nQ_SIGNALS:\n    void changed();\npublic Q_SLOTS:\n    void reset();\n"
        "private:\n    Q_DISABLE_COPY(QThing)\n    int m_x;\n};\nQT_END_NAMESPACE\n",
        u"cpp");
    const Node* thing = findNode(index, QStringLiteral("cls:qobj.h:QThing"));
    QVERIFY(thing);
    QCOMPARE(thing->signature, QStringLiteral("class Q_CORE_EXPORT QThing : public QObject"));
    QCOMPARE(thing->properties.value(u"attributes").toArray(), QJsonArray {QStringLiteral("m_x")});
    for (const char* method : {"QThing", "name", "changed", "reset"}) {
        const Node* node = findNode(index, QStringLiteral("fn:qobj.h:QThing.") + QLatin1String(method));
        QVERIFY2(node, method);
        QCOMPARE(node->properties.value(u"access").toString(), QStringLiteral("public"));
    }
    QVERIFY(findReference(index, Reference::Kind::Inherit, QStringLiteral("QObject")));
}

void TestCFamilyExtractor::deepNestingDoesNotOverflow()
{
    constexpr int kDepth = 100000;
    const auto count = [](const FileIndex& index, const char* target) {
        return std::count_if(index.references.cbegin(), index.references.cend(), [&](const Reference& ref) {
            return ref.kind == Reference::Kind::Call && ref.target == QLatin1String(target);
        });
    };

    QByteArray blocks = "int f() {\n";
    for (int i = 0; i < kDepth; ++i)
        blocks += "if (a) { ";
    blocks += "g();" + QByteArray(kDepth, '}') + "\n}\n";
    const FileIndex ifs = parseAs(QStringLiteral("ifs.cpp"), blocks, u"cpp");
    const Node* f = findNode(ifs, QStringLiteral("fn:ifs.cpp:f"));
    QVERIFY(f);
    QCOMPARE(f->complexity, kDepth + 1);
    QCOMPARE(count(ifs, "g"), 1);

    QByteArray calls = "void f() { g(";
    for (int i = 0; i < kDepth; ++i)
        calls += "g(";
    calls += QByteArray(kDepth + 1, ')') + "; int x = " + QByteArray(kDepth, '(') + "1" + QByteArray(kDepth, ')')
        + "; }\n";
    QCOMPARE(count(parseAs(QStringLiteral("calls.c"), calls, u"c"), "g"), kDepth + 1);

    const QByteArray pointer = "void h(int " + QByteArray(kDepth, '*') + "p) {}\n";
    QVERIFY(findNode(parseAs(QStringLiteral("p.cpp"), pointer, u"cpp"), QStringLiteral("fn:p.cpp:h")));

    QByteArray nested;
    for (int i = 0; i < kDepth; ++i)
        nested += "namespace n {";
    nested += "struct S { void k() {} };" + QByteArray(kDepth, '}') + "\n";
    const FileIndex namespaces = parseAs(QStringLiteral("ns.cpp"), nested, u"cpp");
    QCOMPARE(namespaces.namespaces.size(), 1);
    QVERIFY(findNode(namespaces, QStringLiteral("fn:ns.cpp:S.k")));

    // Nested classes: their local names grow with depth, so a depth real code never reaches.
    constexpr int kClassDepth = 2000;
    QByteArray classes;
    for (int i = 0; i < kClassDepth; ++i)
        classes += "struct S {";
    classes += "void k() {}";
    for (int i = 0; i < kClassDepth; ++i)
        classes += "};";
    QCOMPARE(parseAs(QStringLiteral("cls.cpp"), classes + "\n", u"cpp").nodes.size(), kClassDepth + 2);
}

void TestCFamilyExtractor::longMethodChainsStayLinear()
{
    constexpr int kLength = 20000;
    QByteArray source = "void f() { q = Builder()";
    for (int i = 0; i < kLength; ++i)
        source += ".where(x)";
    source += "; }\n";
    const FileIndex index = parseAs(QStringLiteral("chain.cpp"), source, u"cpp");
    qsizetype total = 0;
    for (const Reference& ref : index.references)
        total += ref.receiver.size();
    QCOMPARE(index.references.size(), kLength + 1);
    QVERIFY2(total < qsizetype(kLength) * 250, qPrintable(QString::number(total)));
    const FileIndex small = parseAs(QStringLiteral("c.cpp"), "void f() { Builder().where(x)->order(y); }\n", u"cpp");
    QCOMPARE(small.references.size(), 3);
    QCOMPARE(findReference(small, Reference::Kind::Call, QStringLiteral("order"))->receiver,
        QStringLiteral("Builder().where()"));
}

void TestCFamilyExtractor::sharedAcrossThreads()
{
    const QString relPath = QStringLiteral("cpp/shapes.cpp");
    verifySameOnEveryThread(relPath, readFile(QStringLiteral(MU_FIXTURES_DIR "/") + relPath), u"cpp");
}

void TestCFamilyExtractor::corpusSmoke_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("variable");
    QTest::newRow("c") << QStringLiteral("c") << QStringLiteral("MU_C_CORPUS");
    QTest::newRow("cpp") << QStringLiteral("cpp") << QStringLiteral("MU_CPP_CORPUS");
}

void TestCFamilyExtractor::corpusSmoke()
{
    QFETCH(QString, language);
    QFETCH(QString, variable);
    const QString root = qEnvironmentVariable(qPrintable(variable));
    if (root.isEmpty())
        QSKIP(qPrintable(
            QStringLiteral("set %1 to a directory of sources (Linux kernel/, the Qt 6 headers)").arg(variable)));
    qint64 files = 0;
    qint64 partial = 0;
    qint64 classes = 0;
    qint64 functions = 0;
    qint64 declarations = 0;
    qint64 references = 0;
    QElapsedTimer timer;
    timer.start();
    FileParser parser;
    const Language* lang = LanguageRegistry::builtin().byId(language);
    QVERIFY(lang);
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relPath = QDir(root).relativeFilePath(path);
        // Qt's headers have no extension (QObject, QtCore); language ids decide, not suffixes.
        const Language* byPath = LanguageRegistry::builtin().forPath(relPath);
        if (byPath && byPath->id != u"c" && byPath->id != u"cpp")
            continue;
        if (!byPath && language == u"c")
            continue;
        const FileIndex index = parser.parse(relPath, readFile(path), *lang);
        ++files;
        if (index.status == ParseStatus::Partial)
            ++partial;
        for (const Node& node : index.nodes) {
            if (node.type == NodeType::Class)
                ++classes;
            else if (node.type == NodeType::Function && node.properties.value(u"declaration").toBool())
                ++declarations;
            else if (node.type == NodeType::Function)
                ++functions;
        }
        references += index.references.size();
    }
    qInfo("%lld files (%lld partial) in %lld ms: %lld classes, %lld functions, %lld declared-only methods, "
          "%lld references",
        files, partial, timer.elapsed(), classes, functions, declarations, references);
    QVERIFY(files > 0);
}

QTEST_GUILESS_MAIN(TestCFamilyExtractor)
#include "tst_cfamily_extractor.moc"
