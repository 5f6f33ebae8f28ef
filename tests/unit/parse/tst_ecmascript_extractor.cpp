// Data-driven tests of the JavaScript / TypeScript / TSX extractor: each fixture under
// tests/fixtures/ecmascript/ has a `<fixture>.expected` file listing, one per line, every node,
// contains edge and reference the extractor must produce, in order:
//
//   status <Ok|Partial> [error]
//   node <id> <type>/<kind> name=<name> L<start>-<end> cx=<complexity>
//        | sig <signature> | doc <docstring> | <properties JSON>        (all on one line)
//   edge <type> <source> -> <target> L<line>
//   ref <kind> <source> -> <target> L<line>:<column> [recv=<receiver>] [rtype=<type>] [<details JSON>]
//
// Blank lines and lines starting with '#' are ignored. Run with MU_UPDATE_EXPECTED=1 to rewrite
// the files from the current output (then review every changed line against SPEC §1).

#include "model/fileindex.h"
#include "parse/fileparser.h"
#include "parse/languageregistry.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QtTest>

#include <vector>

using namespace mu;
using namespace mu::parse;

namespace {

QString fixturesDir()
{
    return QStringLiteral(MU_FIXTURES_DIR "/ecmascript");
}

QString compactJson(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QStringList describe(const FileIndex& index)
{
    QStringList lines;
    QString status = QStringLiteral("status ") + toString(index.status);
    if (!index.error.isEmpty())
        status += u' ' + index.error;
    lines.append(status);
    for (const Node& node : index.nodes) {
        lines.append(QStringLiteral("node %1 %2/%3 name=%4 L%5-%6 cx=%7 | sig %8 | doc %9 | %10")
                         .arg(node.id, toString(node.type), node.kind, node.name)
                         .arg(node.lineStart)
                         .arg(node.lineEnd)
                         .arg(node.complexity)
                         .arg(node.signature, node.docstring, compactJson(node.properties)));
    }
    for (const Edge& edge : index.edges) {
        lines.append(QStringLiteral("edge %1 %2 -> %3 L%4")
                         .arg(toString(edge.type), edge.sourceId, edge.targetId)
                         .arg(edge.line));
    }
    for (const Reference& ref : index.references) {
        QString line = QStringLiteral("ref %1 %2 -> %3 L%4:%5")
                           .arg(toString(ref.kind), ref.sourceId, ref.target)
                           .arg(ref.line)
                           .arg(ref.column);
        if (!ref.receiver.isEmpty())
            line += QStringLiteral(" recv=") + ref.receiver;
        if (!ref.receiverType.isEmpty())
            line += QStringLiteral(" rtype=") + ref.receiverType;
        if (!ref.details.isEmpty())
            line += u' ' + compactJson(ref.details);
        lines.append(line);
    }
    return lines;
}

QStringList readExpected(const QString& path, bool* ok)
{
    QFile file(path);
    *ok = file.open(QIODevice::ReadOnly | QIODevice::Text);
    QStringList lines;
    if (!*ok)
        return lines;
    const QString text = QString::fromUtf8(file.readAll());
    for (const QString& line : text.split(u'\n')) {
        if (line.trimmed().isEmpty() || line.startsWith(u'#'))
            continue;
        lines.append(line);
    }
    return lines;
}

/// A line diff (longest common subsequence): "- " lines are expected but missing, "+ " lines are
/// produced but not expected.
QString diff(const QStringList& expected, const QStringList& actual)
{
    const qsizetype n = expected.size();
    const qsizetype m = actual.size();
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j) {
            lcs[i][j] = expected[i] == actual[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
        }
    }
    QStringList out;
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && expected[i] == actual[j]) {
            ++i;
            ++j;
        } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
            out.append(QStringLiteral("+ ") + actual[j++]);
        } else {
            out.append(QStringLiteral("- ") + expected[i++]);
        }
    }
    return out.join(u'\n');
}

FileIndex parseText(const QString& relPath, const QByteArray& bytes, ParseOptions options = {})
{
    const Language* language = LanguageRegistry::builtin().forPath(relPath);
    if (!language)
        qFatal("no language for %s", qPrintable(relPath));
    FileParser parser(options);
    return parser.parse(relPath, bytes, *language);
}

} // namespace

class TestEcmaScriptExtractor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fixtures_data();
    void fixtures();
    void deepNestingDoesNotOverflow_data();
    void deepNestingDoesNotOverflow();
    void emptyFile();
    void truncatedSourcesDoNotCrash_data();
    void truncatedSourcesDoNotCrash();
};

void TestEcmaScriptExtractor::fixtures_data()
{
    QTest::addColumn<QString>("fileName");
    const QDir dir(fixturesDir());
    const QStringList files = dir.entryList(QDir::Files, QDir::Name);
    int rows = 0;
    for (const QString& file : files) {
        if (file.endsWith(QStringLiteral(".expected")))
            continue;
        QTest::newRow(qPrintable(file)) << file;
        ++rows;
    }
    if (rows == 0)
        qFatal("no fixtures in %s", qPrintable(fixturesDir()));
}

void TestEcmaScriptExtractor::fixtures()
{
    QFETCH(QString, fileName);
    QFile source(fixturesDir() + u'/' + fileName);
    QVERIFY2(source.open(QIODevice::ReadOnly), qPrintable(source.fileName()));
    const FileIndex index = parseText(fileName, source.readAll());
    const QStringList actual = describe(index);

    const QString expectedPath = source.fileName() + QStringLiteral(".expected");
    if (qEnvironmentVariableIntValue("MU_UPDATE_EXPECTED") == 1) {
        QFile out(expectedPath);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text));
        out.write("# Expected extraction of " + fileName.toUtf8() + " (format: see tst_ecmascript_extractor.cpp)\n");
        out.write(actual.join(u'\n').toUtf8() + '\n');
        QSKIP("expectations rewritten");
    }
    bool ok = false;
    const QStringList expected = readExpected(expectedPath, &ok);
    QVERIFY2(ok, qPrintable(QStringLiteral("missing %1 (run with MU_UPDATE_EXPECTED=1)").arg(expectedPath)));
    if (expected != actual)
        QFAIL(
            qPrintable(QStringLiteral("%1 differs (- expected, + actual):\n%2").arg(fileName, diff(expected, actual))));
}

void TestEcmaScriptExtractor::deepNestingDoesNotOverflow_data()
{
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("prefix");
    QTest::addColumn<QByteArray>("open");
    QTest::addColumn<QByteArray>("close");
    QTest::addColumn<int>("depth");
    QTest::addColumn<int>("expectedNodes");
    QTest::newRow("brackets.js") << QStringLiteral("deep.js") << QByteArray("const x = ") << QByteArray("[")
                                 << QByteArray("]") << 100000 << 1;
    QTest::newRow("parens.ts") << QStringLiteral("deep.ts") << QByteArray("const x = ") << QByteArray("(")
                               << QByteArray(")") << 100000 << 1;
    QTest::newRow("arrows.ts") << QStringLiteral("deep.ts") << QByteArray("const x = ") << QByteArray("() => f(a ?? ")
                               << QByteArray(")") << 100000 << 2;
    QTest::newRow("generics.tsx") << QStringLiteral("deep.tsx") << QByteArray("let x: ") << QByteArray("Array<")
                                  << QByteArray(">") << 100000 << 1;
    // Named nesting makes ids grow with depth (f.g.g.g…), so it is quadratic in memory by nature.
    QTest::newRow("functions.js") << QStringLiteral("deep.js") << QByteArray("") << QByteArray("function g() { ")
                                  << QByteArray(" }") << 2000 << 2001;
}

void TestEcmaScriptExtractor::deepNestingDoesNotOverflow()
{
    QFETCH(QString, fileName);
    QFETCH(QByteArray, prefix);
    QFETCH(QByteArray, open);
    QFETCH(QByteArray, close);
    QFETCH(int, depth);
    QFETCH(int, expectedNodes);
    QByteArray text = prefix;
    text.reserve(text.size() + depth * (open.size() + close.size()) + 16);
    for (int i = 0; i < depth; ++i)
        text += open;
    text += "1";
    for (int i = 0; i < depth; ++i)
        text += close;
    text += ";\n";
    ParseOptions options;
    options.maxFileBytes = 64 * 1024 * 1024;
    options.timeout = std::chrono::milliseconds(120000);
    const FileIndex index = parseText(fileName, text, options);
    QVERIFY2(index.status == ParseStatus::Ok, qPrintable(index.error));
    QCOMPARE(index.nodes.size(), expectedNodes);
}

void TestEcmaScriptExtractor::emptyFile()
{
    const FileIndex index = parseText(QStringLiteral("empty.ts"), QByteArray());
    QVERIFY(index.status == ParseStatus::Ok);
    QCOMPARE(index.nodes.size(), 1);
    QCOMPARE(index.nodes.first().id, QStringLiteral("mod:empty.ts"));
    QVERIFY(index.references.isEmpty());
}

void TestEcmaScriptExtractor::truncatedSourcesDoNotCrash_data()
{
    fixtures_data();
}

/// Every prefix of every fixture is a syntax error somewhere: error recovery leaves fields empty
/// and wraps declarations in ERROR nodes, which the extractor must take in its stride.
void TestEcmaScriptExtractor::truncatedSourcesDoNotCrash()
{
    QFETCH(QString, fileName);
    QFile source(fixturesDir() + u'/' + fileName);
    QVERIFY(source.open(QIODevice::ReadOnly));
    const QByteArray bytes = source.readAll();
    const Language* language = LanguageRegistry::builtin().forPath(fileName);
    QVERIFY(language);
    FileParser parser;
    qsizetype nodes = 0;
    for (qsizetype length = 0; length <= bytes.size(); ++length) {
        const FileIndex index = parser.parse(fileName, bytes.first(length), *language);
        QVERIFY(!index.nodes.isEmpty());
        for (const Node& node : index.nodes) {
            QVERIFY2(!node.id.sliced(4).contains(u':') || node.id.count(u':') == 2, qPrintable(node.id));
            QVERIFY(node.lineStart <= node.lineEnd);
        }
        nodes += index.nodes.size();
    }
    QVERIFY(nodes > bytes.size() / 100);
}

QTEST_GUILESS_MAIN(TestEcmaScriptExtractor)
#include "tst_ecmascript_extractor.moc"
