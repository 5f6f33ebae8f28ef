// Data-driven tests of the Go extractor: every tests/fixtures/go/**/*.go is parsed and its
// FileIndex, rendered as text, must equal the sibling .expected file line for line.
//
// The expectation format is described in extractortest.h.
//
// MU_UPDATE_EXPECTED=1 rewrites the .expected files from the current output (review the diff!).
// MU_GO_CORPUS=/usr/lib/go-1.19/src runs corpusSmoke over a real code base.

#include "extractortest.h"
#include "model/fileindex.h"
#include "model/graphtypes.h"
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

QString fixturesDir()
{
    return QStringLiteral(MU_FIXTURES_DIR "/go");
}

const Language& go()
{
    const Language* language = LanguageRegistry::builtin().byId(u"go");
    Q_ASSERT(language);
    return *language;
}

FileIndex parseGo(const QString& relPath, const QByteArray& bytes)
{
    FileParser parser;
    return parser.parse(relPath, bytes, go());
}

} // namespace

class TestGoExtractor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data();
    void fixtures();
    void methodsAttachToTheirReceiverType();
    void emptyAndBrokenFiles();
    void deepNestingDoesNotOverflow();
    void longMethodChainsStayLinear();
    void sharedAcrossThreads();
    void corpusSmoke();
};

void TestGoExtractor::fixtures_data()
{
    addFixtureRows(fixturesDir(), {QStringLiteral("*.go")});
}

void TestGoExtractor::fixtures()
{
    QFETCH(QString, relPath);
    verifyFixture(fixturesDir(), relPath, u"go");
}

void TestGoExtractor::methodsAttachToTheirReceiverType()
{
    // The method comes before its type in the file: still contained by it.
    const FileIndex index = parseGo(QStringLiteral("srv/a.go"),
        "package srv\n"
        "func (s *Server[T]) Start() {}\n"
        "type Server[T any] struct{}\n"
        "func (c Client) Get() {}\n");
    const Node* start = findNode(index, QStringLiteral("fn:srv/a.go:Server.Start"));
    QVERIFY(start);
    QCOMPARE(start->qualifiedName, QStringLiteral("srv.Server.Start"));
    const auto contains = [&](const QString& from, const QString& to) {
        return std::any_of(index.edges.cbegin(), index.edges.cend(), [&](const Edge& edge) {
            return edge.type == EdgeType::Contains && edge.sourceId == from && edge.targetId == to;
        });
    };
    QVERIFY(contains(QStringLiteral("cls:srv/a.go:Server"), QStringLiteral("fn:srv/a.go:Server.Start")));
    // Client lives in another file of the package: the module holds the method, MemberOf says whose.
    QVERIFY(contains(QStringLiteral("mod:srv/a.go"), QStringLiteral("fn:srv/a.go:Client.Get")));
    const auto memberOf = std::find_if(index.references.cbegin(), index.references.cend(),
        [](const Reference& ref) { return ref.kind == Reference::Kind::MemberOf; });
    QVERIFY(memberOf != index.references.cend());
    QCOMPARE(memberOf->sourceId, QStringLiteral("fn:srv/a.go:Client.Get"));
    QCOMPARE(memberOf->target, QStringLiteral("Client"));
    QCOMPARE(std::count_if(index.references.cbegin(), index.references.cend(),
                 [](const Reference& ref) { return ref.kind == Reference::Kind::MemberOf; }),
        1);
}

void TestGoExtractor::emptyAndBrokenFiles()
{
    const FileIndex empty = parseGo(QStringLiteral("empty.go"), QByteArray());
    QCOMPARE(toString(empty.status), QStringLiteral("ok"));
    QCOMPARE(empty.nodes.size(), 1);
    QVERIFY(empty.references.isEmpty());

    // A function cut off mid-body: the file is partial, what came before is indexed.
    const FileIndex broken = parseGo(QStringLiteral("broken.go"),
        "package p\n"
        "type T struct{ A int }\n"
        "func (t *T) Run() {\n"
        "    helper(t.A\n");
    QCOMPARE(toString(broken.status), QStringLiteral("partial"));
    QVERIFY(findNode(broken, QStringLiteral("cls:broken.go:T")));
    QVERIFY(findNode(broken, QStringLiteral("fn:broken.go:T.Run")));
}

void TestGoExtractor::deepNestingDoesNotOverflow()
{
    constexpr int kDepth = 100000;
    QByteArray source = "package deep\nfunc g() {\n";
    source += QByteArray(kDepth, '{') + QByteArray(kDepth, '}') + "\n";
    source += "x := " + QByteArray(kDepth, '(') + "1" + QByteArray(kDepth, ')') + "\n";
    QByteArray calls = "f(";
    for (int i = 1; i < kDepth; ++i)
        calls += "f(";
    source += calls + QByteArray(kDepth, ')') + "\n";
    QByteArray chain = "a";
    for (int i = 0; i < kDepth; ++i)
        chain += ".b";
    source += chain + ".c()\n}\n";
    QByteArray type = "var v ";
    for (int i = 0; i < kDepth; ++i)
        type += "[]";
    source += type + "T\n";

    const FileIndex index = parseGo(QStringLiteral("deep.go"), source);
    QCOMPARE(toString(index.status), QStringLiteral("ok"));
    QVERIFY(findNode(index, QStringLiteral("fn:deep.go:g")));
    const auto calls_ = std::count_if(index.references.cbegin(), index.references.cend(),
        [](const Reference& ref) { return ref.kind == Reference::Kind::Call && ref.target == u"f"; });
    QCOMPARE(calls_, kDepth);
    const auto deepCall = std::find_if(index.references.cbegin(), index.references.cend(),
        [](const Reference& ref) { return ref.kind == Reference::Kind::Call && ref.target == u"c"; });
    QVERIFY(deepCall != index.references.cend());
    QVERIFY(deepCall->receiver.size() < 300);
    QVERIFY(std::any_of(index.references.cbegin(), index.references.cend(),
        [](const Reference& ref) { return ref.kind == Reference::Kind::Use && ref.target == u"T"; }));
}

void TestGoExtractor::longMethodChainsStayLinear()
{
    constexpr int kLength = 20000;
    QByteArray source = "package q\nvar q = NewBuilder()";
    for (int i = 0; i < kLength; ++i)
        source += ".Where(x)";
    source += "\n";
    const FileIndex index = parseGo(QStringLiteral("chain.go"), source);
    qsizetype total = 0;
    for (const Reference& ref : index.references)
        total += ref.receiver.size();
    QCOMPARE(index.references.size(), kLength + 1);
    QVERIFY2(total < qsizetype(kLength) * 250, qPrintable(QString::number(total)));
}

void TestGoExtractor::sharedAcrossThreads()
{
    verifySameOnEveryThread(QStringLiteral("server.go"), readFile(fixturesDir() + QStringLiteral("/server.go")), u"go");
}

void TestGoExtractor::corpusSmoke()
{
    const QString root = qEnvironmentVariable("MU_GO_CORPUS");
    if (root.isEmpty())
        QSKIP("set MU_GO_CORPUS to a directory of Go files (e.g. /usr/lib/go-1.19/src)");
    static const QRegularExpression funcLine(QStringLiteral(R"(^func\s*(\([^)]*\)\s*)?\w+\s*[\[(])"));
    qint64 files = 0;
    qint64 partial = 0;
    qint64 textFuncs = 0;
    qint64 functions = 0;
    qint64 classes = 0;
    qint64 references = 0;
    QElapsedTimer timer;
    timer.start();
    FileParser parser;
    QDirIterator it(root, {QStringLiteral("*.go")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QByteArray bytes = readFile(path);
        const FileIndex index = parser.parse(QDir(root).relativeFilePath(path), bytes, go());
        ++files;
        if (index.status == ParseStatus::Partial)
            ++partial;
        if (index.status != ParseStatus::Ok && index.status != ParseStatus::Partial)
            continue;
        const QString text = QString::fromUtf8(bytes);
        for (QStringView line : QStringView(text).split(u'\n')) {
            if (funcLine.match(line).hasMatch())
                ++textFuncs;
        }
        for (const Node& node : index.nodes) {
            // Interface method specs are not `func` lines.
            const bool spec = node.kind == u"method" && !node.properties.contains(u"receiver");
            if (node.type == NodeType::Function && !spec)
                ++functions;
            else if (node.type == NodeType::Class)
                ++classes;
        }
        references += index.references.size();
    }
    qInfo("%lld files (%lld partial) in %lld ms: %lld/%lld func (extracted/grep), %lld types, %lld references", files,
        partial, timer.elapsed(), functions, textFuncs, classes, references);
    QVERIFY(files > 0);
    // grep over-counts (funcs inside raw strings and comments) and misses nothing that is real code.
    QVERIFY(functions >= textFuncs * 98 / 100);
}

QTEST_GUILESS_MAIN(TestGoExtractor)
#include "tst_go_extractor.moc"
