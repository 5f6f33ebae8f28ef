// FileParser on hostile input: every case ends with a recorded status, never a crash.
#include "parse/fileparser.h"
#include "parse/languageregistry.h"

#include <QTest>

using namespace mu;
using namespace mu::parse;

namespace {

const Language& language(const char* id)
{
    const Language* l = LanguageRegistry::builtin().byId(QString::fromLatin1(id));
    Q_ASSERT(l);
    return *l;
}

const Node* findNode(const FileIndex& index, const QString& name)
{
    for (const Node& node : index.nodes) {
        if (node.name == name)
            return &node;
    }
    return nullptr;
}

} // namespace

class TestFileParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void syntaxErrorKeepsThePartialTree();
    void binaryFilesAreSkipped();
    void latin1IsDecodedLosslessly();
    void emptyAndCrlfFiles();
    void sizeCapSkipsHugeFiles();
    void parserTimeoutIsRecorded();
    void deepNestingDoesNotOverflow_data();
    void deepNestingDoesNotOverflow();
    void hashFollowsContent();
};

void TestFileParser::syntaxErrorKeepsThePartialTree()
{
    FileParser parser;
    const FileIndex index = parser.parse(QStringLiteral("a.py"),
        "def before():\n    return 1\n\ndef broken(:\n    pass\n\nclass After:\n    def m(self):\n        pass\n",
        language("python"));
    QCOMPARE(toString(index.status), toString(ParseStatus::Partial));
    QVERIFY2(index.error.contains(QStringLiteral("syntax error")) || index.error.contains(QStringLiteral("missing")),
        qPrintable(index.error));
    QVERIFY2(index.error.startsWith(QStringLiteral("4:")), qPrintable(index.error)); // line of the error
    QVERIFY(findNode(index, QStringLiteral("before")));
    QVERIFY(findNode(index, QStringLiteral("After")));

    const FileIndex ts = parser.parse(QStringLiteral("a.ts"),
        "export function ok(): number { return 1; }\nfunction bad( { \nclass Later {}\n", language("typescript"));
    QCOMPARE(toString(ts.status), toString(ParseStatus::Partial));
    QVERIFY(findNode(ts, QStringLiteral("ok")));
}

void TestFileParser::binaryFilesAreSkipped()
{
    FileParser parser;
    QByteArray bytes("\x7f"
                     "ELF",
        4);
    bytes.append(QByteArray(100, '\0'));
    bytes.append("def not_code(): pass\n");
    const FileIndex index = parser.parse(QStringLiteral("lib.py"), bytes, language("python"));
    QCOMPARE(toString(index.status), toString(ParseStatus::Skipped));
    QCOMPARE(index.error, QStringLiteral("binary file"));
    QVERIFY(index.nodes.isEmpty());
    QCOMPARE(index.size, bytes.size());
    QVERIFY(!index.hash.isEmpty());
}

void TestFileParser::latin1IsDecodedLosslessly()
{
    FileParser parser;
    // "caf\xe9" is Latin-1 for "café": invalid as UTF-8.
    const QByteArray bytes = "# -*- coding: latin-1 -*-\ndef caf\xe9():\n    \"\"\"Cr\xe8me br\xfbl\xe9"
                             "e.\"\"\"\n    return '\xa9'\n";
    const FileIndex index = parser.parse(QStringLiteral("menu.py"), bytes, language("python"));
    QCOMPARE(index.encoding, QStringLiteral("latin-1"));
    QVERIFY(index.status == ParseStatus::Ok || index.status == ParseStatus::Partial);
    const Node* function = findNode(index, QStringLiteral("café"));
    QVERIFY2(function, "the Latin-1 name is decoded, not replaced");
    QCOMPARE(function->docstring, QStringLiteral("Crème brûlée."));
    QCOMPARE(QString(function->docstring).toLatin1(),
        QByteArray("Cr\xe8me br\xfbl\xe9"
                   "e."));

    const FileIndex utf8 = parser.parse(QStringLiteral("ok.py"), "def caf\xc3\xa9(): pass\n", language("python"));
    QCOMPARE(utf8.encoding, QStringLiteral("utf-8"));
    QVERIFY(findNode(utf8, QStringLiteral("café")));
}

void TestFileParser::emptyAndCrlfFiles()
{
    FileParser parser;
    const FileIndex empty = parser.parse(QStringLiteral("pkg/__init__.py"), {}, language("python"));
    QCOMPARE(toString(empty.status), toString(ParseStatus::Ok));
    QCOMPARE(empty.nodes.size(), 1);
    QCOMPARE(empty.nodes.first().id, QStringLiteral("mod:pkg/__init__.py"));
    QCOMPARE(empty.lineCount, 0);

    const FileIndex crlf = parser.parse(
        QStringLiteral("w.js"), "// x\r\n\r\nfunction f() {\r\n  return 1;\r\n}\r\n", language("javascript"));
    QCOMPARE(crlf.lineCount, 5);
    const Node* f = findNode(crlf, QStringLiteral("f"));
    QVERIFY(f);
    QCOMPARE(f->lineStart, 3);
    QCOMPARE(f->lineEnd, 5);
}

void TestFileParser::sizeCapSkipsHugeFiles()
{
    // A 5 MB single-line minified file: over the default 2 MiB cap, skipped with a note.
    QByteArray minified;
    minified.reserve(5 * 1024 * 1024 + 64);
    for (int i = 0; minified.size() < 5 * 1024 * 1024; ++i)
        minified += "function f" + QByteArray::number(i) + "(a,b){return a&&b?a+b:a||b}var v" + QByteArray::number(i)
            + "=f" + QByteArray::number(i) + "(1,2);";
    FileParser parser;
    const FileIndex index = parser.parse(QStringLiteral("dist/app.js"), minified, language("javascript"));
    QCOMPARE(toString(index.status), toString(ParseStatus::Skipped));
    QVERIFY2(index.error.contains(QStringLiteral("size cap")), qPrintable(index.error));
    QCOMPARE(index.size, minified.size());

    // With the cap raised it is parsed in full: one line, thousands of functions.
    ParseOptions options;
    options.maxFileBytes = 8 * 1024 * 1024;
    options.timeout = std::chrono::minutes(10);
    FileParser large(options);
    const FileIndex parsed = large.parse(QStringLiteral("dist/app.js"), minified, language("javascript"));
    QCOMPARE(toString(parsed.status), toString(ParseStatus::Ok));
    QCOMPARE(parsed.lineCount, 1);
    QVERIFY(parsed.nodes.size() > 10000);
}

void TestFileParser::parserTimeoutIsRecorded()
{
    // The timeout bounds the work on pathological files. A 1 ms budget against a parse that takes
    // hundreds of milliseconds anywhere: the outcome does not depend on the machine's speed.
    QByteArray big;
    for (int i = 0; big.size() < 4 * 1024 * 1024; ++i)
        big += "x" + QByteArray::number(i) + " = [" + QByteArray::number(i) + ", (1, 2), {'k': v}]\n";
    ParseOptions options;
    options.maxFileBytes = 8 * 1024 * 1024;
    options.timeout = std::chrono::milliseconds(1);
    FileParser parser(options);
    const FileIndex index = parser.parse(QStringLiteral("gen.py"), big, language("python"));
    QCOMPARE(toString(index.status), toString(ParseStatus::Failed));
    QVERIFY2(index.error.contains(QStringLiteral("timed out")), qPrintable(index.error));
    // The same parser works again afterwards (it was reset).
    parser.setOptions(ParseOptions());
    const FileIndex next = parser.parse(QStringLiteral("b.py"), "def g(): pass\n", language("python"));
    QCOMPARE(toString(next.status), toString(ParseStatus::Ok));
    QVERIFY(findNode(next, QStringLiteral("g")));
}

void TestFileParser::deepNestingDoesNotOverflow_data()
{
    constexpr int kDepth = 100000;
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("source");
    QTest::newRow("python brackets") << "deep.py"
                                     << "def f():\n    return " + QByteArray(kDepth, '[') + QByteArray(kDepth, ']')
            + "\n";
    QTest::newRow("python calls") << "calls.py"
                                  << "def f():\n    return " + QByteArray(kDepth, 'g').replace("g", "g(")
            + QByteArray(kDepth, ')') + "\n";
    QTest::newRow("javascript parens") << "deep.js"
                                       << "function f() { return " + QByteArray(kDepth, '(') + "1"
            + QByteArray(kDepth, ')') + "; }\n";
    QTest::newRow("typescript arrows") << "deep.ts"
                                       << "const f = " + QByteArray(kDepth / 4, 'x').replace("x", "() => ") + "1;\n";
    QTest::newRow("tsx elements") << "deep.tsx"
                                  << "export const V = () => " + QByteArray(kDepth / 10, 'x').replace("x", "<a>")
            + QByteArray(kDepth / 10, 'x').replace("x", "</a>") + ";\n";
}

void TestFileParser::deepNestingDoesNotOverflow()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, source);
    FileParser parser(ParseOptions {8 * 1024 * 1024, std::chrono::minutes(10)});
    const FileIndex index = parser.parse(path, source, *LanguageRegistry::builtin().forPath(path));
    QVERIFY2(index.status == ParseStatus::Ok || index.status == ParseStatus::Partial, qPrintable(index.error));
    QVERIFY(!index.nodes.isEmpty());
    QCOMPARE(toString(index.nodes.first().type), toString(NodeType::Module));
}

void TestFileParser::hashFollowsContent()
{
    FileParser parser;
    const FileIndex a = parser.parse(QStringLiteral("a.py"), "x = 1\n", language("python"));
    const FileIndex b = parser.parse(QStringLiteral("b.py"), "x = 1\n", language("python"));
    const FileIndex c = parser.parse(QStringLiteral("a.py"), "x = 2\n", language("python"));
    QCOMPARE(a.hash, b.hash);
    QVERIFY(a.hash != c.hash);
    QCOMPARE(a.hash, contentHash("x = 1\n"));
}

QTEST_GUILESS_MAIN(TestFileParser)
#include "tst_fileparser.moc"
