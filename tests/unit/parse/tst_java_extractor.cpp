// Data-driven tests of the Java extractor: every tests/fixtures/java/**/*.java is parsed and its
// FileIndex, rendered as text, must equal the sibling .expected file line for line.
//
// The expectation format is described in extractortest.h.
//
// MU_UPDATE_EXPECTED=1 rewrites the .expected files from the current output (review the diff!).
// MU_JAVA_CORPUS=/tmp/mu-corpora/jdk/java.base runs corpusSmoke over a real code base.

#include "extractortest.h"
#include "model/fileindex.h"
#include "model/graphtypes.h"
#include "parse/fileparser.h"
#include "parse/languageregistry.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QtTest>

#include <algorithm>
#include <thread>
#include <vector>

using namespace mu;
using namespace mu::testing;
using namespace mu::parse;

namespace {

QString fixturesDir()
{
    return QStringLiteral(MU_FIXTURES_DIR "/java");
}

const Language& java()
{
    const Language* language = LanguageRegistry::builtin().byId(u"java");
    Q_ASSERT(language);
    return *language;
}

FileIndex parseJava(const QString& relPath, const QByteArray& bytes)
{
    FileParser parser;
    return parser.parse(relPath, bytes, java());
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

class TestJavaExtractor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data();
    void fixtures();
    void overloadsGetSuffixes();
    void anonymousClassesAreNumberedPerScope();
    void javadocFirstParagraph();
    void emptyFile();
    void deepNestingDoesNotOverflow();
    void longMethodChainsStayLinear();
    void sharedAcrossThreads();
    void corpusSmoke();
};

void TestJavaExtractor::fixtures_data()
{
    addFixtureRows(fixturesDir(), {QStringLiteral("*.java")});
}

void TestJavaExtractor::fixtures()
{
    QFETCH(QString, relPath);
    verifyFixture(fixturesDir(), relPath, u"java");
}

void TestJavaExtractor::overloadsGetSuffixes()
{
    const FileIndex index = parseJava(QStringLiteral("p/A.java"),
        "package p;\nclass A {\n  A() {}\n  A(int x) { this(); }\n  void f() {}\n  void f(int x) {}\n"
        "  void f(String s) {}\n}\n");
    QVERIFY(findNode(index, QStringLiteral("fn:p/A.java:A.A")));
    QVERIFY(findNode(index, QStringLiteral("fn:p/A.java:A.A~2")));
    QVERIFY(findNode(index, QStringLiteral("fn:p/A.java:A.f")));
    QVERIFY(findNode(index, QStringLiteral("fn:p/A.java:A.f~2")));
    const Node* third = findNode(index, QStringLiteral("fn:p/A.java:A.f~3"));
    QVERIFY(third);
    QCOMPARE(third->qualifiedName, QStringLiteral("p.A.f"));
    QCOMPARE(third->signature, QStringLiteral("void f(String s)"));
    QCOMPARE(findNode(index, QStringLiteral("fn:p/A.java:A.A~2"))->kind, QStringLiteral("constructor"));
    const Reference* self = findReference(index, Reference::Kind::Call, QStringLiteral("A"));
    QVERIFY(self);
    QCOMPARE(self->receiver, QStringLiteral("this"));
    QCOMPARE(self->sourceId, QStringLiteral("fn:p/A.java:A.A~2"));
}

void TestJavaExtractor::anonymousClassesAreNumberedPerScope()
{
    const FileIndex index = parseJava(QStringLiteral("A.java"),
        "class A {\n  Runnable r = new Runnable() { public void run() {} };\n"
        "  void f() { new Thread() { public void run() { new Object() {}; } }; new Runnable() {\n"
        "    public void run() {} }; }\n  void g() { new Runnable() { public void run() {} }; }\n}\n");
    for (const char* id : {"cls:A.java:A.$1", "fn:A.java:A.$1.run", "cls:A.java:A.f.$1", "cls:A.java:A.f.$1.run.$1",
             "cls:A.java:A.f.$2", "fn:A.java:A.f.$2.run", "cls:A.java:A.g.$1"}) {
        QVERIFY2(findNode(index, QString::fromLatin1(id)), id);
    }
    const Node* thread = findNode(index, QStringLiteral("cls:A.java:A.f.$1"));
    QCOMPARE(thread->signature, QStringLiteral("new Thread()"));
    QCOMPARE(thread->properties.value(QStringLiteral("anonymous")).toBool(), true);
    const auto inherits = std::count_if(index.references.cbegin(), index.references.cend(),
        [](const Reference& ref) { return ref.kind == Reference::Kind::Inherit && ref.target == u"Runnable"; });
    QCOMPARE(inherits, 3);
}

void TestJavaExtractor::javadocFirstParagraph()
{
    const FileIndex index = parseJava(QStringLiteral("A.java"),
        "/**\n * Parses the input\n * quickly.\n *\n * More text.\n * @param x ignored\n */\nclass A {\n"
        "  /** Stops at tags.\n   * @return nothing */\n  void f() {}\n"
        "  /**\n   * First.\n   * <p>Second paragraph.\n   */\n  void g() {}\n"
        "  /* not javadoc */\n  void h() {}\n}\n");
    QCOMPARE(findNode(index, QStringLiteral("cls:A.java:A"))->docstring, QStringLiteral("Parses the input quickly."));
    QCOMPARE(findNode(index, QStringLiteral("fn:A.java:A.f"))->docstring, QStringLiteral("Stops at tags."));
    QCOMPARE(findNode(index, QStringLiteral("fn:A.java:A.g"))->docstring, QStringLiteral("First."));
    QCOMPARE(findNode(index, QStringLiteral("fn:A.java:A.h"))->docstring, QString());
}

void TestJavaExtractor::emptyFile()
{
    const FileIndex index = parseJava(QStringLiteral("Empty.java"), QByteArray());
    QCOMPARE(toString(index.status), QStringLiteral("ok"));
    QCOMPARE(index.nodes.size(), 1);
    QVERIFY(index.references.isEmpty());
    QVERIFY(index.namespaces.isEmpty());
}

void TestJavaExtractor::deepNestingDoesNotOverflow()
{
    constexpr int kDepth = 100000;
    QByteArray source = "class Deep {\n  int x = " + QByteArray(kDepth, '(') + "1" + QByteArray(kDepth, ')') + ";\n";
    source += "  void f() { g(";
    for (int i = 0; i < kDepth; ++i)
        source += "h(";
    source += QByteArray(kDepth, ')') + "); }\n";
    source += "  void blocks() " + QByteArray(kDepth, '{') + QByteArray(kDepth, '}') + "\n";
    QByteArray type = "List<";
    for (int i = 1; i < kDepth; ++i)
        type += "List<";
    source += "  void types(" + type + "Item" + QByteArray(kDepth, '>') + " items) {}\n}\n";

    const FileIndex index = parseJava(QStringLiteral("Deep.java"), source);
    QVERIFY(findNode(index, QStringLiteral("fn:Deep.java:Deep.f")));
    QVERIFY(findNode(index, QStringLiteral("fn:Deep.java:Deep.types")));
    const auto calls = std::count_if(index.references.cbegin(), index.references.cend(),
        [](const Reference& ref) { return ref.kind == Reference::Kind::Call && ref.target == u"h"; });
    QCOMPARE(calls, kDepth);
}

void TestJavaExtractor::longMethodChainsStayLinear()
{
    constexpr int kLength = 20000;
    QByteArray source = "class C { void f() { builder()";
    for (int i = 0; i < kLength; ++i)
        source += ".where(x)";
    source += "; } }\n";
    const FileIndex index = parseJava(QStringLiteral("C.java"), source);
    qsizetype total = 0;
    for (const Reference& ref : index.references)
        total += ref.receiver.size();
    QCOMPARE(index.references.size(), kLength + 1);
    QVERIFY2(total < qsizetype(kLength) * 250, qPrintable(QString::number(total)));
    const FileIndex small = parseJava(QStringLiteral("C.java"), "class C { void f() { a.b().c(x).d(); } }\n");
    const Reference* last = findReference(small, Reference::Kind::Call, QStringLiteral("d"));
    QVERIFY(last);
    QCOMPARE(last->receiver, QStringLiteral("a.b().c()"));
}

void TestJavaExtractor::sharedAcrossThreads()
{
    verifySameOnEveryThread(QStringLiteral("OrderService.java"),
        readFile(fixturesDir() + QStringLiteral("/com/acme/shop/OrderService.java")), u"java");
}

void TestJavaExtractor::corpusSmoke()
{
    const QString root = qEnvironmentVariable("MU_JAVA_CORPUS");
    if (root.isEmpty())
        QSKIP("set MU_JAVA_CORPUS to a directory of Java files (e.g. the JDK's java.base sources)");
    qint64 files = 0;
    qint64 partial = 0;
    qint64 functions = 0;
    qint64 classes = 0;
    qint64 references = 0;
    QElapsedTimer timer;
    timer.start();
    FileParser parser;
    QDirIterator it(root, {QStringLiteral("*.java")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const FileIndex index = parser.parse(QDir(root).relativeFilePath(path), readFile(path), java());
        ++files;
        if (index.status == ParseStatus::Partial)
            ++partial;
        for (const Node& node : index.nodes) {
            if (node.type == NodeType::Function)
                ++functions;
            else if (node.type == NodeType::Class)
                ++classes;
        }
        references += index.references.size();
    }
    qInfo("%lld files (%lld partial) in %lld ms: %lld classes, %lld functions, %lld references", files, partial,
        timer.elapsed(), classes, functions, references);
    QVERIFY(files > 0);
}

QTEST_GUILESS_MAIN(TestJavaExtractor)
#include "tst_java_extractor.moc"
