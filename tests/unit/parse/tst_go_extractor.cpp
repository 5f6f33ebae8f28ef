// Data-driven tests of the Go extractor: every tests/fixtures/go/**/*.go is parsed and its
// FileIndex, rendered as text, must equal the sibling .expected file line for line.
//
// Expectation format (one entity per block, fields separated by " | "):
//   status: ok                       or  status: partial | <first error>
//   node <id>
//     <type> | <kind> | <name> | <qualified name> | <line:col-line:col> | complexity <n>
//     signature: <one line>          (only when non-empty)
//     docstring: <first paragraph>   (only when non-empty)
//     properties: <compact JSON, keys sorted>   (only when non-empty)
//   edge <type> <source> -> <target> @<line>
//   ref <kind> <sourceId> -> "<target>" [| receiver <r>] [| type <t>] @<line>:<col> [<details JSON>]
// References are listed in source order (line, column), not in the order they were found.
//
// MU_UPDATE_EXPECTED=1 rewrites the .expected files from the current output (review the diff!).
// MU_GO_CORPUS=/usr/lib/go-1.19/src runs corpusSmoke over a real code base.

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

QString json(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QStringList render(const FileIndex& index)
{
    QStringList lines;
    lines << (index.status == ParseStatus::Ok
            ? QStringLiteral("status: ok")
            : QStringLiteral("status: %1 | %2").arg(toString(index.status).toLower(), index.error));
    for (const Node& node : index.nodes) {
        lines << QStringLiteral("node ") + node.id;
        lines << QStringLiteral("  %1 | %2 | %3 | %4 | %5:%6-%7:%8 | complexity %9")
                     .arg(toString(node.type), node.kind, node.name, node.qualifiedName)
                     .arg(node.lineStart)
                     .arg(node.colStart)
                     .arg(node.lineEnd)
                     .arg(node.colEnd)
                     .arg(node.complexity);
        if (node.filePath != index.path)
            lines << QStringLiteral("  file: ") + node.filePath;
        if (!node.signature.isEmpty())
            lines << QStringLiteral("  signature: ") + node.signature;
        if (!node.docstring.isEmpty())
            lines << QStringLiteral("  docstring: ") + node.docstring;
        if (!node.properties.isEmpty())
            lines << QStringLiteral("  properties: ") + json(node.properties);
    }
    for (const Edge& edge : index.edges) {
        QString line = QStringLiteral("edge %1 %2 -> %3 @%4")
                           .arg(toString(edge.type), edge.sourceId, edge.targetId)
                           .arg(edge.line);
        if (edge.filePath != index.path)
            line += QStringLiteral(" file ") + edge.filePath;
        if (!edge.properties.isEmpty())
            line += u' ' + json(edge.properties);
        lines << line;
    }
    QList<Reference> references = index.references;
    std::stable_sort(references.begin(), references.end(), [](const Reference& a, const Reference& b) {
        if (a.line != b.line)
            return a.line < b.line;
        return a.column < b.column;
    });
    for (const Reference& ref : references) {
        QString line = QStringLiteral("ref %1 %2 -> \"%3\"").arg(toString(ref.kind), ref.sourceId, ref.target);
        if (!ref.receiver.isEmpty())
            line += QStringLiteral(" | receiver ") + ref.receiver;
        if (!ref.receiverType.isEmpty())
            line += QStringLiteral(" | type ") + ref.receiverType;
        line += QStringLiteral(" @%1:%2").arg(ref.line).arg(ref.column);
        if (!ref.details.isEmpty())
            line += u' ' + json(ref.details);
        lines << line;
    }
    return lines;
}

/// A line diff (LCS) of expected against actual, with two lines of context around changes.
QString diff(const QStringList& expected, const QStringList& actual)
{
    const qsizetype n = expected.size();
    const qsizetype m = actual.size();
    std::vector<std::vector<int>> lcs(static_cast<size_t>(n + 1), std::vector<int>(static_cast<size_t>(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j) {
            const auto si = static_cast<size_t>(i);
            const auto sj = static_cast<size_t>(j);
            lcs[si][sj]
                = expected[i] == actual[j] ? lcs[si + 1][sj + 1] + 1 : std::max(lcs[si + 1][sj], lcs[si][sj + 1]);
        }
    }
    struct Line {
        QChar mark;
        QString text;
    };
    std::vector<Line> lines;
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n || j < m) {
        const auto si = static_cast<size_t>(i);
        const auto sj = static_cast<size_t>(j);
        if (i < n && j < m && expected[i] == actual[j]) {
            lines.push_back({u' ', expected[i++]});
            ++j;
        } else if (j < m && (i == n || lcs[si][sj + 1] >= lcs[si + 1][sj])) {
            lines.push_back({u'+', actual[j++]});
        } else {
            lines.push_back({u'-', expected[i++]});
        }
    }
    QString out = QStringLiteral("--- expected\n+++ actual\n");
    const qsizetype count = static_cast<qsizetype>(lines.size());
    for (qsizetype k = 0; k < count; ++k) {
        bool near = false;
        for (qsizetype d = std::max<qsizetype>(0, k - 2); d <= std::min(count - 1, k + 2); ++d)
            near = near || lines[static_cast<size_t>(d)].mark != u' ';
        if (near)
            out += lines[static_cast<size_t>(k)].mark + u' ' + lines[static_cast<size_t>(k)].text + u'\n';
    }
    return out;
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

const Node* findNode(const FileIndex& index, const QString& id)
{
    for (const Node& node : index.nodes) {
        if (node.id == id)
            return &node;
    }
    return nullptr;
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
    QTest::addColumn<QString>("relPath");
    QStringList paths;
    QDirIterator it(fixturesDir(), {QStringLiteral("*.go")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        paths << QDir(fixturesDir()).relativeFilePath(it.next());
    paths.sort();
    QVERIFY2(!paths.isEmpty(), "no fixtures found");
    for (const QString& path : paths)
        QTest::newRow(qPrintable(path)) << path;
}

void TestGoExtractor::fixtures()
{
    QFETCH(QString, relPath);
    const QString sourcePath = fixturesDir() + u'/' + relPath;
    const QString expectedPath = sourcePath.chopped(3) + QStringLiteral(".expected");
    const FileIndex index = parseGo(relPath, readFile(sourcePath));
    const QStringList actual = render(index);

    if (qEnvironmentVariableIntValue("MU_UPDATE_EXPECTED") == 1) {
        QFile file(expectedPath);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write((actual.join(u'\n') + u'\n').toUtf8());
        QSKIP("expectation rewritten; review it before committing");
    }

    const QByteArray expectedBytes = readFile(expectedPath);
    QVERIFY2(!expectedBytes.isEmpty(), qPrintable(QStringLiteral("missing ") + expectedPath));
    QStringList expected = QString::fromUtf8(expectedBytes).split(u'\n');
    while (!expected.isEmpty() && expected.last().isEmpty())
        expected.removeLast();
    if (expected != actual)
        QFAIL(qPrintable(QStringLiteral("%1 differs:\n%2").arg(relPath, diff(expected, actual))));
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
    const QByteArray source = readFile(fixturesDir() + QStringLiteral("/server.go"));
    QVERIFY(!source.isEmpty());
    const QStringList reference = render(parseGo(QStringLiteral("server.go"), source));
    std::vector<QStringList> results(4);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < results.size(); ++t) {
        threads.emplace_back([&, t] {
            QStringList last;
            for (int i = 0; i < 20; ++i)
                last = render(FileParser::forCurrentThread().parse(QStringLiteral("server.go"), source, go()));
            results[t] = last;
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    for (const QStringList& result : results)
        QCOMPARE(result, reference);
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
