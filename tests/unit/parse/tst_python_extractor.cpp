// Data-driven tests of the Python extractor: every tests/fixtures/python/**/*.py is parsed and its
// FileIndex, rendered as text, must equal the sibling .expected file line for line.
//
// The expectation format is described in extractortest.h.
//
// MU_UPDATE_EXPECTED=1 rewrites the .expected files from the current output (review the diff!).
// MU_PYTHON_CORPUS=/usr/lib/python3.11 runs corpusSmoke over a real code base.

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
    addFixtureRows(fixturesDir(), {QStringLiteral("*.py")});
}

void TestPythonExtractor::fixtures()
{
    QFETCH(QString, relPath);
    verifyFixture(fixturesDir(), relPath, u"python");
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
    verifySameOnEveryThread(
        QStringLiteral("service.py"), readFile(fixturesDir() + QStringLiteral("/service.py")), u"python");
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
