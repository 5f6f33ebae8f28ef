// Data-driven tests of the C# extractor: every tests/fixtures/csharp/**/*.cs is parsed and its
// FileIndex, rendered as text, must equal the sibling .expected file line for line.
//
// The expectation format is described in extractortest.h.
//
// C# has no packaged corpus: the fixtures are a small multi-file code base (namespaces across
// files, partial classes, generics, records) and tests/fixtures/projects/cs_app is a project for
// the resolver's cross-file tests.
//
// MU_UPDATE_EXPECTED=1 rewrites the .expected files from the current output (review the diff!).
// MU_CSHARP_CORPUS=<dir> runs corpusSmoke over a real code base.

#include "extractortest.h"
#include "model/fileindex.h"
#include "model/graphtypes.h"
#include "parse/fileparser.h"
#include "parse/languageregistry.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
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
    return QStringLiteral(MU_FIXTURES_DIR "/csharp");
}

const Language& csharp()
{
    const Language* language = LanguageRegistry::builtin().byId(u"csharp");
    Q_ASSERT(language);
    return *language;
}

FileIndex parseCSharp(const QString& relPath, const QByteArray& bytes)
{
    FileParser parser;
    return parser.parse(relPath, bytes, csharp());
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

class TestCSharpExtractor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data();
    void fixtures();
    void partialClassesMerge();
    void namespacesNest();
    void xmlDocSummary();
    void emptyFile();
    void deepNestingDoesNotOverflow();
    void longMethodChainsStayLinear();
    void sharedAcrossThreads();
    void corpusSmoke();
};

void TestCSharpExtractor::fixtures_data()
{
    addFixtureRows(fixturesDir(), {QStringLiteral("*.cs")});
}

void TestCSharpExtractor::fixtures()
{
    QFETCH(QString, relPath);
    verifyFixture(fixturesDir(), relPath, u"csharp");
}

void TestCSharpExtractor::partialClassesMerge()
{
    const FileIndex index = parseCSharp(QStringLiteral("W.cs"),
        "namespace N {\n"
        "  /// <summary>First part.</summary>\n"
        "  [Serializable] public partial class W : Base { int a; void F() {} }\n"
        "  [Obsolete] partial class W : IDisposable { int b; void F(int x) {} public void Dispose() {} }\n"
        "}\n"
        "namespace M { partial class W { } }\n");
    const Node* w = findNode(index, QStringLiteral("cls:W.cs:W"));
    QVERIFY(w);
    QCOMPARE(w->lineStart, 3);
    QCOMPARE(w->lineEnd, 3);
    QCOMPARE(w->qualifiedName, QStringLiteral("N.W"));
    QCOMPARE(w->docstring, QStringLiteral("First part."));
    QCOMPARE(w->properties.value(QStringLiteral("partial")).toBool(), true);
    QCOMPARE(w->properties.value(QStringLiteral("attributes")).toArray(),
        (QJsonArray {QStringLiteral("a"), QStringLiteral("b")}));
    QCOMPARE(w->properties.value(QStringLiteral("bases")).toArray(),
        (QJsonArray {QStringLiteral("Base"), QStringLiteral("IDisposable")}));
    QCOMPARE(w->properties.value(QStringLiteral("decorators")).toArray(),
        (QJsonArray {QStringLiteral("Serializable"), QStringLiteral("Obsolete")}));
    QVERIFY(findNode(index, QStringLiteral("fn:W.cs:W.F")));
    QVERIFY(findNode(index, QStringLiteral("fn:W.cs:W.F~2")));
    QVERIFY(findNode(index, QStringLiteral("fn:W.cs:W.Dispose")));
    // Another namespace's W is another class.
    const Node* other = findNode(index, QStringLiteral("cls:W.cs:W~2"));
    QVERIFY(other);
    QCOMPARE(other->qualifiedName, QStringLiteral("M.W"));
    int contains = 0;
    for (const Edge& edge : index.edges)
        contains += edge.targetId == u"fn:W.cs:W.F~2" && edge.sourceId == u"cls:W.cs:W" ? 1 : 0;
    QCOMPARE(contains, 1);
}

void TestCSharpExtractor::namespacesNest()
{
    const FileIndex index = parseCSharp(
        QStringLiteral("N.cs"), "namespace A.B { namespace C { class X {} } class Y {} }\nnamespace D { }\n");
    QCOMPARE(index.namespaces, (QStringList {QStringLiteral("A.B"), QStringLiteral("A.B.C"), QStringLiteral("D")}));
    QCOMPARE(findNode(index, QStringLiteral("cls:N.cs:X"))->qualifiedName, QStringLiteral("A.B.C.X"));
    QCOMPARE(findNode(index, QStringLiteral("cls:N.cs:Y"))->qualifiedName, QStringLiteral("A.B.Y"));
    const FileIndex fileScoped
        = parseCSharp(QStringLiteral("F.cs"), "using System;\nnamespace Acme.Core;\nclass Z { void M() {} }\n");
    QCOMPARE(fileScoped.namespaces, QStringList {QStringLiteral("Acme.Core")});
    QCOMPARE(findNode(fileScoped, QStringLiteral("fn:F.cs:Z.M"))->qualifiedName, QStringLiteral("Acme.Core.Z.M"));
}

void TestCSharpExtractor::xmlDocSummary()
{
    const FileIndex index = parseCSharp(QStringLiteral("D.cs"),
        "class D {\n"
        "  /// <summary>\n  /// Gets the <see cref=\"T:Acme.Item\"/> for\n  ///   a <paramref name=\"key\"/> &amp; "
        "more.\n"
        "  /// </summary>\n  /// <param name=\"key\">The key.</param>\n  Item Get(string key) => null;\n"
        "  /// Plain text without tags.\n  void Plain() {}\n"
        "  /// <param name=\"x\">Only a parameter.</param>\n  void NoSummary(int x) {}\n"
        "  // not a doc comment\n  void Line() {}\n}\n");
    QCOMPARE(findNode(index, QStringLiteral("fn:D.cs:D.Get"))->docstring,
        QStringLiteral("Gets the Acme.Item for a key & more."));
    QCOMPARE(findNode(index, QStringLiteral("fn:D.cs:D.Plain"))->docstring, QStringLiteral("Plain text without tags."));
    QCOMPARE(findNode(index, QStringLiteral("fn:D.cs:D.NoSummary"))->docstring, QString());
    QCOMPARE(findNode(index, QStringLiteral("fn:D.cs:D.Line"))->docstring, QString());
}

void TestCSharpExtractor::emptyFile()
{
    const FileIndex index = parseCSharp(QStringLiteral("Empty.cs"), QByteArray());
    QCOMPARE(toString(index.status), QStringLiteral("ok"));
    QCOMPARE(index.nodes.size(), 1);
    QVERIFY(index.references.isEmpty());
    QVERIFY(index.namespaces.isEmpty());
}

void TestCSharpExtractor::deepNestingDoesNotOverflow()
{
    constexpr int kDepth = 100000;
    QByteArray source = "class Deep {\n  int x = " + QByteArray(kDepth, '(') + "1" + QByteArray(kDepth, ')') + ";\n";
    source += "  void F() { G(";
    for (int i = 0; i < kDepth; ++i)
        source += "H(";
    source += QByteArray(kDepth, ')') + "); }\n";
    source += "  void Blocks() " + QByteArray(kDepth, '{') + QByteArray(kDepth, '}') + "\n";
    QByteArray type = "List<";
    for (int i = 1; i < kDepth; ++i)
        type += "List<";
    source += "  void Types(" + type + "Item" + QByteArray(kDepth, '>') + " items) {}\n}\n";

    const FileIndex index = parseCSharp(QStringLiteral("Deep.cs"), source);
    QVERIFY(findNode(index, QStringLiteral("fn:Deep.cs:Deep.F")));
    QVERIFY(findNode(index, QStringLiteral("fn:Deep.cs:Deep.Types")));
    const auto calls = std::count_if(index.references.cbegin(), index.references.cend(),
        [](const Reference& ref) { return ref.kind == Reference::Kind::Call && ref.target == u"H"; });
    QCOMPARE(calls, kDepth);
}

void TestCSharpExtractor::longMethodChainsStayLinear()
{
    constexpr int kLength = 20000;
    QByteArray source = "class C { void F() { Builder()";
    for (int i = 0; i < kLength; ++i)
        source += ".Where(x)";
    source += "; } }\n";
    const FileIndex index = parseCSharp(QStringLiteral("C.cs"), source);
    qsizetype total = 0;
    for (const Reference& ref : index.references)
        total += ref.receiver.size();
    QCOMPARE(index.references.size(), kLength + 1);
    QVERIFY2(total < qsizetype(kLength) * 250, qPrintable(QString::number(total)));
    const FileIndex small = parseCSharp(QStringLiteral("C.cs"), "class C { void F() { a.B().C<int>(x).D(); } }\n");
    const Reference* last = findReference(small, Reference::Kind::Call, QStringLiteral("D"));
    QVERIFY(last);
    QCOMPARE(last->receiver, QStringLiteral("a.B().C()"));
}

void TestCSharpExtractor::sharedAcrossThreads()
{
    verifySameOnEveryThread(QStringLiteral("OrderService.cs"),
        readFile(fixturesDir() + QStringLiteral("/Shop/OrderService.cs")), u"csharp");
}

void TestCSharpExtractor::corpusSmoke()
{
    const QString root = qEnvironmentVariable("MU_CSHARP_CORPUS");
    if (root.isEmpty())
        QSKIP("set MU_CSHARP_CORPUS to a directory of C# files");
    qint64 files = 0;
    qint64 partial = 0;
    qint64 functions = 0;
    qint64 classes = 0;
    qint64 references = 0;
    QElapsedTimer timer;
    timer.start();
    FileParser parser;
    QDirIterator it(root, {QStringLiteral("*.cs")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const FileIndex index = parser.parse(QDir(root).relativeFilePath(path), readFile(path), csharp());
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

QTEST_GUILESS_MAIN(TestCSharpExtractor)
#include "tst_csharp_extractor.moc"
