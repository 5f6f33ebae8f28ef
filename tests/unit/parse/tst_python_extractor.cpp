// Data-driven tests of the Python extractor: every tests/fixtures/python/**/*.py is parsed and its
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
// MU_PYTHON_CORPUS=/usr/lib/python3.11 runs corpusSmoke over a real code base.

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
    return QStringLiteral(MU_FIXTURES_DIR "/python");
}

const Language& python()
{
    const Language* language = LanguageRegistry::builtin().byId(u"python");
    Q_ASSERT(language);
    return *language;
}

FileIndex parsePython(const QString& relPath, const QByteArray& bytes)
{
    FileParser parser;
    return parser.parse(relPath, bytes, python());
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

class TestPythonExtractor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data();
    void fixtures();
    void deepNestingDoesNotOverflow();
    void longMethodChainsStayLinear();
    void sharedAcrossThreads();
    void corpusSmoke();
};

void TestPythonExtractor::fixtures_data()
{
    QTest::addColumn<QString>("relPath");
    QStringList paths;
    QDirIterator it(fixturesDir(), {QStringLiteral("*.py")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        paths << QDir(fixturesDir()).relativeFilePath(it.next());
    paths.sort();
    QVERIFY2(!paths.isEmpty(), "no fixtures found");
    for (const QString& path : paths)
        QTest::newRow(qPrintable(path)) << path;
}

void TestPythonExtractor::fixtures()
{
    QFETCH(QString, relPath);
    const QString sourcePath = fixturesDir() + u'/' + relPath;
    const QString expectedPath = sourcePath.chopped(3) + QStringLiteral(".expected");
    const FileIndex index = parsePython(relPath, readFile(sourcePath));
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

void TestPythonExtractor::deepNestingDoesNotOverflow()
{
    constexpr int kDepth = 100000;
    QByteArray source = "x = " + QByteArray(kDepth, '[') + QByteArray(kDepth, ']') + "\n";
    source += "y = " + QByteArray(kDepth, '(') + "1" + QByteArray(kDepth, ')') + "\n";
    QByteArray calls = "z = ";
    for (int i = 0; i < kDepth; ++i)
        calls += "f(";
    calls += QByteArray(kDepth, ')') + "\n";
    source += calls;
    QByteArray chain = "w = a";
    for (int i = 0; i < kDepth; ++i)
        chain += ".b";
    source += chain + ".c()\n";
    QByteArray annotation = "def g(v: ";
    for (int i = 0; i < kDepth; ++i)
        annotation += "list[";
    annotation += "int" + QByteArray(kDepth, ']') + "): pass\n";
    source += annotation;

    const FileIndex index = parsePython(QStringLiteral("deep.py"), source);
    QCOMPARE(toString(index.status), QStringLiteral("ok"));
    QVERIFY(findNode(index, QStringLiteral("fn:deep.py:g")));
    const auto calls_ = std::count_if(index.references.cbegin(), index.references.cend(),
        [](const Reference& ref) { return ref.kind == Reference::Kind::Call && ref.target == u"f"; });
    QCOMPARE(calls_, kDepth);
    const auto deepCall = std::find_if(index.references.cbegin(), index.references.cend(),
        [](const Reference& ref) { return ref.kind == Reference::Kind::Call && ref.target == u"c"; });
    QVERIFY(deepCall != index.references.cend());
    QVERIFY(deepCall->receiver.size() < 300);
    QVERIFY(deepCall->receiver.endsWith(u".b"));
}

void TestPythonExtractor::longMethodChainsStayLinear()
{
    constexpr int kLength = 20000;
    QByteArray source = "q = Builder()";
    for (int i = 0; i < kLength; ++i)
        source += ".where(x)";
    source += "\n";
    const FileIndex index = parsePython(QStringLiteral("chain.py"), source);
    qsizetype total = 0;
    for (const Reference& ref : index.references)
        total += ref.receiver.size();
    QCOMPARE(index.references.size(), kLength + 1);
    QVERIFY2(total < qsizetype(kLength) * 250, qPrintable(QString::number(total)));
    // Short chains are spelled out: the receiver of the second call is "Builder().where()".
    const FileIndex small = parsePython(QStringLiteral("c.py"), "Builder().where(x).order(y)\n");
    QCOMPARE(small.references.size(), 3);
    QCOMPARE(small.references.at(0).receiver, QStringLiteral("Builder().where()"));
}

void TestPythonExtractor::sharedAcrossThreads()
{
    const QByteArray source = readFile(fixturesDir() + QStringLiteral("/service.py"));
    QVERIFY(!source.isEmpty());
    const QStringList reference = render(parsePython(QStringLiteral("service.py"), source));
    std::vector<QStringList> results(4);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < results.size(); ++t) {
        threads.emplace_back([&, t] {
            QStringList last;
            for (int i = 0; i < 20; ++i)
                last = render(FileParser::forCurrentThread().parse(QStringLiteral("service.py"), source, python()));
            results[t] = last;
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    for (const QStringList& result : results)
        QCOMPARE(result, reference);
}

void TestPythonExtractor::corpusSmoke()
{
    const QString root = qEnvironmentVariable("MU_PYTHON_CORPUS");
    if (root.isEmpty())
        QSKIP("set MU_PYTHON_CORPUS to a directory of Python files (e.g. /usr/lib/python3.11)");
    static const QRegularExpression defLine(QStringLiteral(R"(^\s*(async\s+)?def\s+\w+\s*[\[(])"));
    static const QRegularExpression classLine(QStringLiteral(R"(^\s*class\s+\w+\s*[\[(:])"));
    qint64 files = 0;
    qint64 partial = 0;
    qint64 textDefs = 0;
    qint64 textClasses = 0;
    qint64 functions = 0;
    qint64 classes = 0;
    qint64 references = 0;
    QElapsedTimer timer;
    timer.start();
    FileParser parser;
    QDirIterator it(root, {QStringLiteral("*.py")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QByteArray bytes = readFile(path);
        const FileIndex index = parser.parse(QDir(root).relativeFilePath(path), bytes, python());
        ++files;
        if (index.status == ParseStatus::Partial)
            ++partial;
        if (index.status != ParseStatus::Ok && index.status != ParseStatus::Partial)
            continue;
        const QString text = QString::fromUtf8(bytes);
        for (QStringView line : QStringView(text).split(u'\n')) {
            if (defLine.match(line).hasMatch())
                ++textDefs;
            else if (classLine.match(line).hasMatch())
                ++textClasses;
        }
        for (const Node& node : index.nodes) {
            if (node.type == NodeType::Function && node.kind != u"lambda")
                ++functions;
            else if (node.type == NodeType::Class)
                ++classes;
        }
        references += index.references.size();
    }
    qInfo("%lld files (%lld partial) in %lld ms: %lld/%lld def, %lld/%lld class (extracted/grep), %lld references",
        files, partial, timer.elapsed(), functions, textDefs, classes, textClasses, references);
    QVERIFY(files > 0);
    // grep over-counts (defs inside docstrings) and misses nothing that is real code.
    QVERIFY(functions >= textDefs * 98 / 100);
    QVERIFY(classes >= textClasses * 98 / 100);
}

QTEST_GUILESS_MAIN(TestPythonExtractor)
#include "tst_python_extractor.moc"
