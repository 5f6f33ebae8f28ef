// MU text (SPEC §4): golden files per language on the parser fixtures indexed by the whole
// pipeline, the rendering options, node selections, single entities and hostile text.
#include "exporttest.h"

#include "export/mutext.h"

#include <QRegularExpression>

using namespace mu;
using namespace mu::exports;
using namespace mu::testing;

namespace {

QStringList moduleIds(const store::StoreReader& reader)
{
    QStringList ids;
    auto files = reader.files();
    if (!files)
        qFatal("files: %s", qPrintable(files.error().message));
    for (const store::FileRecord& file : std::as_const(*files))
        ids.append(QStringLiteral("mod:") + file.path);
    return ids;
}

QString render(
    const store::StoreReader& reader, const QStringList& ids, const MuTextOptions& options, bool expand = true)
{
    MuSelection selection;
    selection.nodeIds = ids;
    selection.expandContainers = expand;
    Result<QString> text = renderMuText(reader, selection, options);
    if (!text)
        qFatal("render: %s", qPrintable(text.error().message));
    return *text;
}

MuTextOptions fixtureOptions(const QString& source)
{
    MuTextOptions options;
    options.source = source;
    options.revision = 7;
    return options;
}

} // namespace

class TestMuText : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void dottedPath_data();
    void dottedPath();
    void languageGoldens_data();
    void languageGoldens();
    void options();
    void selection();
    void entity();
    void hostileText();
    void emptyAndUnknown();
};

void TestMuText::dottedPath_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("dotted");
    QTest::newRow("python") << "auth/service.py"
                            << "auth.service";
    QTest::newRow("src layout") << "src/auth/service.py"
                                << "auth.service";
    QTest::newRow("lib layout") << "lib/util/strings.rb"
                                << "util.strings";
    QTest::newRow("package init") << "src/auth/__init__.py"
                                  << "auth";
    QTest::newRow("ts index") << "packages/core/index.ts"
                              << "packages.core";
    QTest::newRow("rust mod") << "src/net/mod.rs"
                              << "net";
    QTest::newRow("d.ts") << "types/lib.d.ts"
                          << "types.lib";
    QTest::newRow("header") << "include/geo/shape.h"
                            << "include.geo.shape";
    QTest::newRow("top file") << "main.go"
                              << "main";
    QTest::newRow("unicode") << "größe/maß.py"
                             << "größe.maß";
}

void TestMuText::dottedPath()
{
    QFETCH(QString, path);
    QFETCH(QString, dotted);
    QCOMPARE(moduleDottedPath(path), dotted);
}

void TestMuText::languageGoldens_data()
{
    QTest::addColumn<QString>("language");
    for (const char* language : {"python", "ecmascript", "go", "rust", "java", "csharp", "c", "cpp"})
        QTest::newRow(language) << QString::fromLatin1(language);
}

void TestMuText::languageGoldens()
{
    QFETCH(QString, language);
    const IndexedProject project = indexFixture(QStringLiteral(MU_FIXTURES_DIR "/") + language);
    const QString text = render(*project.reader, moduleIds(*project.reader), fixtureOptions(language));
    compareText(text, golden(exportFixtures() + QStringLiteral("/mutext/") + language + QStringLiteral(".mu"), text));
    // Deterministic: the selection's order does not matter.
    QStringList reversed = moduleIds(*project.reader);
    std::reverse(reversed.begin(), reversed.end());
    QCOMPARE(render(*project.reader, reversed, fixtureOptions(language)), text);
}

void TestMuText::options()
{
    const IndexedProject project = indexFixture(QStringLiteral(MU_FIXTURES_DIR "/python"));
    const QStringList ids {QStringLiteral("mod:service.py")};
    const QString full = render(*project.reader, ids, fixtureOptions(QStringLiteral("py")));
    QVERIFY(full.contains(QStringLiteral("  :L")));
    QVERIFY(full.contains(QStringLiteral("\"Authenticates and caches users.\"")));
    QVERIFY(full.contains(QStringLiteral("::complexity=1")));

    MuTextOptions options = fixtureOptions(QStringLiteral("py"));
    options.lineRanges = false;
    const QString noRanges = render(*project.reader, ids, options);
    QVERIFY(!noRanges.contains(QStringLiteral(":L")));
    QCOMPARE(noRanges.count(u'\n'), full.count(u'\n'));

    options = fixtureOptions(QStringLiteral("py"));
    options.docstrings = false;
    const QString noDocs = render(*project.reader, ids, options);
    QVERIFY(!noDocs.contains(QStringLiteral("Authenticates")));
    static const QRegularExpression docLine(QStringLiteral("^\\s*\""), QRegularExpression::MultilineOption);
    QVERIFY(!noDocs.contains(docLine));
    QVERIFY(full.contains(docLine));

    // Threshold: only functions at or above it are annotated; 0 annotates nothing.
    const IndexedProject complexity = indexFixture(QStringLiteral(MU_FIXTURES_DIR "/python"));
    options = fixtureOptions(QStringLiteral("py"));
    options.complexityThreshold = 3;
    const QString high = render(*complexity.reader, {QStringLiteral("mod:complexity.py")}, options);
    static const QRegularExpression annotation(QStringLiteral("::complexity=(\\d+)"));
    int annotated = 0;
    for (auto it = annotation.globalMatch(high); it.hasNext();) {
        QVERIFY(it.next().captured(1).toInt() >= 3);
        ++annotated;
    }
    QVERIFY(annotated > 0);
    options.complexityThreshold = 0;
    QVERIFY(!render(*complexity.reader, {QStringLiteral("mod:complexity.py")}, options)
                 .contains(QStringLiteral("::complexity")));

    options = fixtureOptions(QStringLiteral("py"));
    options.header = false;
    QVERIFY(render(*project.reader, ids, options).startsWith(QStringLiteral("!module service\n")));
    QVERIFY(full.startsWith(QStringLiteral(
        "# MU v1 · source: py · modules: 1 · classes: 7 · functions: 13 · revision: 7\n!module service\n")));
}

void TestMuText::selection()
{
    const IndexedProject project = indexFixture(QStringLiteral(MU_FIXTURES_DIR "/python"));
    MuTextOptions options = fixtureOptions(QStringLiteral("py"));
    options.header = false;

    // A method alone: its module and class appear as header lines only (no docstring, no attrs).
    QCOMPARE(render(*project.reader, {QStringLiteral("fn:service.py:UserService.fetch")}, options),
        QStringLiteral("!module service\n"
                       "  $UserService < BaseService  :L37-96\n"
                       "    #async fetch(url: str, timeout: float = 1.0, **options) -> bytes  :L72-81  "
                       "::complexity=1\n"
                       "      \"Fetch raw bytes.\"\n"));

    // A class without expansion: its own lines, plus only the members that are selected.
    const QString unexpanded = render(*project.reader,
        {QStringLiteral("cls:service.py:UserService"), QStringLiteral("fn:service.py:UserService.version")}, options,
        false);
    QCOMPARE(unexpanded,
        QStringLiteral("!module service\n"
                       "  $UserService < BaseService  :L37-96\n"
                       "    \"Authenticates and caches users.\"\n"
                       "    @attrs [cache_size, default_store, store, ttl, _cache, __secret]\n"
                       "    #version() -> str  :L64-66  ::complexity=1\n"
                       "      @decorators [staticmethod]\n"));

    // Expanded: every member, nested ones included, in line order.
    const QString expanded = render(*project.reader, {QStringLiteral("cls:service.py:UserService")}, options);
    QVERIFY(expanded.contains(QStringLiteral("      #normalize(value)  :L84-85")));
    QVERIFY(expanded.contains(QStringLiteral("      $Result  :L87-88")));
    QVERIFY(expanded.indexOf(QStringLiteral("#__init__")) < expanded.indexOf(QStringLiteral("#version")));
    QVERIFY(!expanded.contains(QStringLiteral("make_service")));

    // Several files: modules in dotted-path order whatever the selection order.
    const QString two = render(
        *project.reader, {QStringLiteral("fn:service.py:square"), QStringLiteral("mod:calls.py")}, options, false);
    QVERIFY(two.startsWith(QStringLiteral("!module calls\n")));
    QVERIFY(two.contains(QStringLiteral("!module service\n  #square(x)  :L104-104  ::complexity=1\n")));
}

void TestMuText::entity()
{
    const IndexedProject project = indexFixture(QStringLiteral(MU_FIXTURES_DIR "/python"));
    const MuTextOptions options = fixtureOptions(QStringLiteral("py"));
    Result<QString> method
        = renderMuTextEntity(*project.reader, QStringLiteral("fn:service.py:UserService.size"), options);
    QVERIFY(method);
    QCOMPARE(*method,
        QStringLiteral("    #size() -> int  :L55-58  ::complexity=1\n"
                       "      \"Number of cached users.\"\n"
                       "      @decorators [property]\n"));
    Result<QString> nested
        = renderMuTextEntity(*project.reader, QStringLiteral("fn:service.py:UserService._lookup.normalize"), options);
    QVERIFY(nested);
    QCOMPARE(*nested, QStringLiteral("      #normalize(value)  :L84-85  ::complexity=1\n"));
    Result<QString> module = renderMuTextEntity(*project.reader, QStringLiteral("mod:service.py"), options);
    QVERIFY(module);
    QVERIFY(module->startsWith(QStringLiteral("!module service\n  \"User service: loads and caches users.\"\n")));
    QVERIFY(!module->contains(QStringLiteral("$UserService")));

    Result<QString> missing = renderMuTextEntity(*project.reader, QStringLiteral("fn:service.py:nope"), options);
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, QStringLiteral("not_found"));
    Result<QString> external = renderMuTextEntity(*project.reader, QStringLiteral("ext:asyncio"), options);
    QVERIFY(!external);
    QCOMPARE(external.error().code, QStringLiteral("not_found"));
}

void TestMuText::hostileText()
{
    const IndexedProject project = indexFixture(exportFixtures() + QStringLiteral("/hostile"), addHostilePath);
    const QString text = render(*project.reader, moduleIds(*project.reader), fixtureOptions(QStringLiteral("hostile")));
    compareText(text, golden(exportFixtures() + QStringLiteral("/mutext/hostile.mu"), text));
    // One line per entity: every line starts with a sigil, a quote or '#'-header after indentation.
    static const QRegularExpression lineShape(QStringLiteral("^(# MU v1|( {2})*[!$#@\"])"));
    const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
    for (const QString& line : lines)
        QVERIFY2(lineShape.match(line).hasMatch(), qPrintable(line));
}

void TestMuText::emptyAndUnknown()
{
    const IndexedProject project = indexFixture(QStringLiteral(MU_FIXTURES_DIR "/python"));
    MuTextOptions options = fixtureOptions(QStringLiteral("py"));
    QCOMPARE(render(*project.reader, {}, options),
        QStringLiteral("# MU v1 · source: py · modules: 0 · classes: 0 · functions: 0 · revision: 7\n"));
    options.header = false;
    QCOMPARE(render(*project.reader,
                 {QStringLiteral("fn:nowhere.py:f"), QStringLiteral("ext:asyncio"), QStringLiteral("garbage"),
                     QString(), QStringLiteral("fn:service.py:missing")},
                 options),
        QString());
}

QTEST_GUILESS_MAIN(TestMuText)
#include "tst_mutext.moc"
