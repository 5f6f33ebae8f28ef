// MUQL on a real graph: the fixture project beside this file (tests/unit/query/project: a package
// with an import cycle, a protocol and its implementation, decorated methods, a complex function
// two others call, and unused code) is indexed into a temporary directory, and every statement
// kind is checked against its exact rows.
#include "index/indexer.h"
#include "query/format.h"
#include "query/queryengine.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace mu;
using namespace mu::query;

namespace {

/// Rows as "a | b | c" lines; lists joined with ';', null as "null". The first line is the header.
QStringList lines(const ResultSet& result)
{
    QStringList out = {result.columns.join(QStringLiteral(" | "))};
    for (const QJsonArray& row : result.rows) {
        QStringList cells;
        for (const QJsonValue& cell : row) {
            if (cell.isNull())
                cells.append(QStringLiteral("null"));
            else if (cell.isArray())
                cells.append(cellText(cell).replace(QStringLiteral(", "), QStringLiteral(";")));
            else
                cells.append(cellText(cell));
        }
        out.append(cells.join(QStringLiteral(" | ")));
    }
    return out;
}

} // namespace

class TestMuqlExecutor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rows_data();
    void rows();
    void nodeErrors();
    void explainShowsParameters();
    void caps();
    void timeout();
    void resultJson();
    void formats();

private:
    Outcome<ResultSet> run(const QString& muql) { return m_engine->run(muql); }

    QTemporaryDir m_dir;
    std::unique_ptr<QueryEngine> m_engine;
};

void TestMuqlExecutor::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString from = QStringLiteral(MU_SOURCE_DIR "/tests/unit/query/project");
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = m_dir.filePath(QDir(from).relativeFilePath(source));
        QDir().mkpath(QFileInfo(target).path());
        QVERIFY(QFile::copy(source, target));
    }
    index::Indexer indexer(m_dir.path());
    auto report = indexer.run();
    QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
    QCOMPARE(report->parsed, 4);
    auto engine = QueryEngine::open(index::mubasePath(m_dir.path()));
    QVERIFY2(engine, qPrintable(engine ? QString() : engine.error().message));
    m_engine = std::move(*engine);
}

void TestMuqlExecutor::rows_data()
{
    QTest::addColumn<QString>("muql");
    QTest::addColumn<QStringList>("expected");
    const auto row = [](const char* muql, std::initializer_list<const char*> expected) {
        QStringList list;
        for (const char* line : expected)
            list.append(QString::fromUtf8(line));
        QTest::newRow(muql) << QString::fromUtf8(muql) << list;
    };
    // SELECT
    row("SELECT name, complexity FROM functions WHERE complexity > 1 ORDER BY complexity DESC",
        {"name | complexity", "classify | 12", "scale | 2"});
    row("SELECT kind, COUNT(*) AS n FROM nodes GROUP BY kind HAVING n >= 2 ORDER BY n DESC, kind",
        {"kind | n", "function | 6", "method | 4", "class | 3", "module | 3", "package | 2"});
    row("SELECT id, properties.decorators FROM functions WHERE properties.decorators IS NOT NULL ORDER BY id",
        {"id | properties.decorators", "fn:pkg/shapes.py:Cube.describe | staticmethod",
            "fn:pkg/shapes.py:Cube.volume | property"});
    row("SELECT id FROM fn WHERE properties.decorators CONTAINS 'prop' ORDER BY id",
        {"id", "fn:pkg/shapes.py:Cube.volume"});
    row("SELECT id FROM functions WHERE name MATCHES '^(main|run)$' ORDER BY id",
        {"id", "fn:pkg/cli.py:main", "fn:pkg/cli.py:run"});
    row("SELECT id FROM functions WHERE name NOT MATCHES '^[a-s]' ORDER BY id",
        {"id", "fn:pkg/cli.py:test_run", "fn:pkg/geometry.py:unused_helper", "fn:pkg/shapes.py:Cube.volume",
            "fn:pkg/shapes.py:Square.__init__"});
    row("SELECT id FROM classes WHERE docstring ~ 'AREA' OR name IN ('Cube') ORDER BY id",
        {"id", "cls:pkg/shapes.py:Cube", "cls:pkg/shapes.py:Shape"});
    row("SELECT id FROM cls WHERE NOT (name LIKE 'c%' OR docstring IS NOT NULL) ORDER BY id",
        {"id", "cls:pkg/shapes.py:Square"});
    row("SELECT id FROM mod WHERE signature IS NULL AND name <> 'cli' ORDER BY line_start, id",
        {"id", "mod:pkg/__init__.py", "mod:pkg/geometry.py", "mod:pkg/shapes.py"});
    row("SELECT source_id, target_id FROM edges WHERE type = 'inherits' ORDER BY source_id",
        {"source_id | target_id", "cls:pkg/shapes.py:Circle | cls:pkg/shapes.py:Shape",
            "cls:pkg/shapes.py:Cube | cls:pkg/shapes.py:Square", "cls:pkg/shapes.py:Shape | ext:typing"});
    row("SELECT path, language FROM files ORDER BY path",
        {"path | language", "pkg/__init__.py | python", "pkg/cli.py | python", "pkg/geometry.py | python",
            "pkg/shapes.py | python"});
    row("SELECT name FROM externals", {"name", "typing"});
    row("SELECT COUNT(*), SUM(complexity), MIN(line_start), MAX(line_end), AVG(complexity) FROM fn WHERE complexity < "
        "3",
        {"count(*) | sum(complexity) | min(line_start) | max(line_end) | avg(complexity)",
            "11 | 12 | 5 | 33 | 1.090909091"});
    row("SELECT COUNT(DISTINCT file_path) AS files FROM functions", {"files", "3"});
    row("SELECT name FROM fn ORDER BY name LIMIT 2", {"name", "__init__", "area"});
    row("fn c>1 sort c-",
        {"id | name | file_path | line_start | complexity",
            "fn:pkg/geometry.py:classify | classify | pkg/geometry.py | 10 | 12",
            "fn:pkg/geometry.py:scale | scale | pkg/geometry.py | 5 | 2"});
    row("cls n~'u' sort n 1",
        {"id | name | file_path | line_start", "cls:pkg/shapes.py:Cube | Cube | pkg/shapes.py | 21"});
    // SHOW TABLES / COLUMNS
    row("SHOW COLUMNS FROM files",
        {"column | type | description", "path | TEXT | project-relative path",
            "language | TEXT | language the file was parsed as", "size | INTEGER | bytes",
            "line_count | INTEGER | lines", "parse_status | TEXT | ok, partial, skipped or failed",
            "error | TEXT | why parsing failed or was skipped", "encoding | TEXT | utf-8 or latin-1",
            "revision | INTEGER | graph revision that last wrote the file"});
    // SHOW … OF: callers/callees follow calls only (SPEC §3 fix).
    row("SHOW callers OF classify",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "fn:pkg/cli.py:run | function | run | pkg/cli.py | 9 | 1 | calls | fn:pkg/geometry.py:classify",
            "fn:pkg/geometry.py:scale | function | scale | pkg/geometry.py | 5 | 1 | calls | "
            "fn:pkg/geometry.py:classify"});
    row("callers classify d3",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "fn:pkg/cli.py:run | function | run | pkg/cli.py | 9 | 1 | calls | fn:pkg/geometry.py:classify",
            "fn:pkg/geometry.py:scale | function | scale | pkg/geometry.py | 5 | 1 | calls | "
            "fn:pkg/geometry.py:classify",
            "fn:pkg/cli.py:main | function | main | pkg/cli.py | 5 | 2 | calls | fn:pkg/cli.py:run",
            "fn:pkg/cli.py:test_run | function | test_run | pkg/cli.py | 13 | 2 | calls | fn:pkg/cli.py:run",
            "fn:pkg/shapes.py:Circle.area | function | area | pkg/shapes.py | 32 | 2 | calls | "
            "fn:pkg/geometry.py:scale",
            "fn:pkg/shapes.py:Square.area | function | area | pkg/shapes.py | 17 | 2 | calls | "
            "fn:pkg/geometry.py:scale",
            "fn:pkg/shapes.py:Cube.volume | function | volume | pkg/shapes.py | 22 | 3 | calls | "
            "fn:pkg/shapes.py:Square.area"});
    row("callees run",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "fn:pkg/geometry.py:classify | function | classify | pkg/geometry.py | 10 | 1 | calls | fn:pkg/cli.py:run",
            "fn:pkg/geometry.py:scale | function | scale | pkg/geometry.py | 5 | 1 | calls | fn:pkg/cli.py:run",
            "fn:pkg/shapes.py:Square.__init__ | function | __init__ | pkg/shapes.py | 14 | 1 | calls | "
            "fn:pkg/cli.py:run"});
    // dependencies/dependents: every type but contains (SPEC §3 fix).
    row("deps 'mod:pkg/cli.py'",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "mod:pkg/geometry.py | module | geometry | pkg/geometry.py | 1 | 1 | imports | mod:pkg/cli.py",
            "mod:pkg/shapes.py | module | shapes | pkg/shapes.py | 1 | 1 | imports | mod:pkg/cli.py"});
    row("rdeps scale",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "fn:pkg/cli.py:run | function | run | pkg/cli.py | 9 | 1 | calls | fn:pkg/geometry.py:scale",
            "fn:pkg/shapes.py:Circle.area | function | area | pkg/shapes.py | 32 | 1 | calls | "
            "fn:pkg/geometry.py:scale",
            "fn:pkg/shapes.py:Square.area | function | area | pkg/shapes.py | 17 | 1 | calls | "
            "fn:pkg/geometry.py:scale"});
    row("SHOW inheritance OF Cube",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "cls:pkg/shapes.py:Square | class | Square | pkg/shapes.py | 13 | 1 | inherits | cls:pkg/shapes.py:Cube"});
    row("SHOW implementations OF Shape",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "cls:pkg/shapes.py:Circle | class | Circle | pkg/shapes.py | 31 | 1 | inherits | cls:pkg/shapes.py:Shape"});
    row("SHOW children OF Square",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "fn:pkg/shapes.py:Square.__init__ | function | __init__ | pkg/shapes.py | 14 | 1 | contains | "
            "cls:pkg/shapes.py:Square",
            "fn:pkg/shapes.py:Square.area | function | area | pkg/shapes.py | 17 | 1 | contains | "
            "cls:pkg/shapes.py:Square"});
    // parents works (SPEC §3 fix): the class, then the module.
    row("SHOW parents OF volume",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "cls:pkg/shapes.py:Cube | class | Cube | pkg/shapes.py | 21 | 1 | contains | fn:pkg/shapes.py:Cube.volume",
            "mod:pkg/shapes.py | module | shapes | pkg/shapes.py | 1 | 2 | contains | cls:pkg/shapes.py:Cube"});
    row("SHOW ancestors OF main DEPTH 2",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "fn:pkg/cli.py:run | function | run | pkg/cli.py | 9 | 1 | calls | fn:pkg/cli.py:main",
            "fn:pkg/geometry.py:classify | function | classify | pkg/geometry.py | 10 | 2 | calls | fn:pkg/cli.py:run",
            "fn:pkg/geometry.py:scale | function | scale | pkg/geometry.py | 5 | 2 | calls | fn:pkg/cli.py:run",
            "fn:pkg/shapes.py:Square.__init__ | function | __init__ | pkg/shapes.py | 14 | 2 | calls | "
            "fn:pkg/cli.py:run"});
    row("impact Circle", {"id | type | name | file_path | line_start | depth | edge_type | via"});
    // imports/importers of a function or class are its module's.
    row("SHOW imports OF run",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "mod:pkg/geometry.py | module | geometry | pkg/geometry.py | 1 | 1 | imports | mod:pkg/cli.py",
            "mod:pkg/shapes.py | module | shapes | pkg/shapes.py | 1 | 1 | imports | mod:pkg/cli.py"});
    row("SHOW importers OF 'pkg/shapes.py'",
        {"id | type | name | file_path | line_start | depth | edge_type | via",
            "mod:pkg/cli.py | module | cli | pkg/cli.py | 1 | 1 | imports | mod:pkg/shapes.py",
            "mod:pkg/geometry.py | module | geometry | pkg/geometry.py | 1 | 1 | imports | mod:pkg/shapes.py"});
    // FIND, every filter.
    row("FIND functions CALLING scale",
        {"id | name | kind | file_path | line_start", "fn:pkg/cli.py:run | run | function | pkg/cli.py | 9",
            "fn:pkg/shapes.py:Circle.area | area | method | pkg/shapes.py | 32",
            "fn:pkg/shapes.py:Square.area | area | method | pkg/shapes.py | 17"});
    row("FIND methods CALLING Square",
        {"id | name | kind | file_path | line_start",
            "fn:pkg/shapes.py:Cube.volume | volume | property | pkg/shapes.py | 22"});
    row("FIND functions CALLED BY run",
        {"id | name | kind | file_path | line_start",
            "fn:pkg/geometry.py:classify | classify | function | pkg/geometry.py | 10",
            "fn:pkg/geometry.py:scale | scale | function | pkg/geometry.py | 5",
            "fn:pkg/shapes.py:Square.__init__ | __init__ | constructor | pkg/shapes.py | 14"});
    row("FIND modules IMPORTING 'mod:pkg/geometry.py'",
        {"id | name | kind | file_path | line_start", "mod:pkg/cli.py | cli | module | pkg/cli.py | 1",
            "mod:pkg/shapes.py | shapes | module | pkg/shapes.py | 1"});
    row("FIND modules IMPORTED BY cli LIMIT 1",
        {"id | name | kind | file_path | line_start", "mod:pkg/geometry.py | geometry | module | pkg/geometry.py | 1"});
    row("FIND classes INHERITING Square",
        {"id | name | kind | file_path | line_start", "cls:pkg/shapes.py:Cube | Cube | class | pkg/shapes.py | 21"});
    row("FIND classes IMPLEMENTING Shape",
        {"id | name | kind | file_path | line_start",
            "cls:pkg/shapes.py:Circle | Circle | class | pkg/shapes.py | 31"});
    row("FIND classes INHERITING typing",
        {"id | name | kind | file_path | line_start", "cls:pkg/shapes.py:Circle | Circle | class | pkg/shapes.py | 31",
            "cls:pkg/shapes.py:Shape | Shape | interface | pkg/shapes.py | 7"});
    row("FIND classes IMPLEMENTING typing",
        {"id | name | kind | file_path | line_start",
            "cls:pkg/shapes.py:Circle | Circle | class | pkg/shapes.py | 31"});
    row("FIND methods WITH DECORATOR '@property'",
        {"id | name | kind | file_path | line_start",
            "fn:pkg/shapes.py:Cube.volume | volume | property | pkg/shapes.py | 22"});
    row("FIND functions WITH DECORATOR 'staticmethod'",
        {"id | name | kind | file_path | line_start",
            "fn:pkg/shapes.py:Cube.describe | describe | method | pkg/shapes.py | 26"});
    row("FIND functions WITH DECORATOR 'static'", {"id | name | kind | file_path | line_start"});
    row("FIND functions MATCHING '^A'",
        {"id | name | kind | file_path | line_start",
            "fn:pkg/shapes.py:Circle.area | area | method | pkg/shapes.py | 32",
            "fn:pkg/shapes.py:Shape.area | area | method | pkg/shapes.py | 10",
            "fn:pkg/shapes.py:Square.area | area | method | pkg/shapes.py | 17"});
    row("FIND functions SIMILAR TO classify LIMIT 1",
        {"id | name | kind | file_path | line_start",
            "fn:pkg/geometry.py:scale | scale | function | pkg/geometry.py | 5"});
    // FIND CYCLES and PATH
    row("FIND CYCLES", {"cycle | size | nodes", "1 | 2 | mod:pkg/geometry.py;mod:pkg/shapes.py"});
    row("FIND CYCLES WHERE edge_type IN ('inherits', 'calls')", {"cycle | size | nodes"});
    row("PATH FROM main TO classify",
        {"step | id | edge_type | type | name | file_path | line_start",
            "0 | fn:pkg/cli.py:main | null | function | main | pkg/cli.py | 5",
            "1 | fn:pkg/cli.py:run | calls | function | run | pkg/cli.py | 9",
            "2 | fn:pkg/geometry.py:classify | calls | function | classify | pkg/geometry.py | 10"});
    row("PATH FROM main TO classify MAX DEPTH 1", {"step | id | edge_type | type | name | file_path | line_start"});
    row("PATH FROM 'mod:pkg/cli.py' TO Square VIA imports",
        {"step | id | edge_type | type | name | file_path | line_start"});
    row("PATH FROM 'mod:pkg/cli.py' TO Square",
        {"step | id | edge_type | type | name | file_path | line_start",
            "0 | mod:pkg/cli.py | null | module | cli | pkg/cli.py | 1",
            "1 | mod:pkg/shapes.py | imports | module | shapes | pkg/shapes.py | 1",
            "2 | cls:pkg/shapes.py:Square | contains | class | Square | pkg/shapes.py | 13"});
    // ANALYZE, every analysis.
    row("ANALYZE complexity",
        {"id | name | file_path | line_start | complexity | risk",
            "fn:pkg/geometry.py:classify | classify | pkg/geometry.py | 10 | 12 | moderate"});
    row("ANALYZE complexity FOR cli", {"id | name | file_path | line_start | complexity | risk"});
    row("ANALYZE hotspots",
        {"id | name | file_path | line_start | complexity | fan_in | score",
            "fn:pkg/geometry.py:classify | classify | pkg/geometry.py | 10 | 12 | 2 | 24"});
    row("ANALYZE coupling",
        {"module | file_path | afferent | efferent | instability",
            "mod:pkg/geometry.py | pkg/geometry.py | 2 | 1 | 0.333",
            "mod:pkg/shapes.py | pkg/shapes.py | 2 | 1 | 0.333", "mod:pkg/cli.py | pkg/cli.py | 0 | 2 | 1"});
    row("ANALYZE coupling FOR run",
        {"module | file_path | afferent | efferent | instability", "mod:pkg/cli.py | pkg/cli.py | 0 | 2 | 1"});
    row("ANALYZE cohesion",
        {"module | file_path | internal | crossing | cohesion", "mod:pkg/geometry.py | pkg/geometry.py | 1 | 8 | 0.111",
            "mod:pkg/shapes.py | pkg/shapes.py | 3 | 9 | 0.25", "mod:pkg/cli.py | pkg/cli.py | 2 | 5 | 0.286"});
    row("ANALYZE circular", {"cycle | size | nodes", "1 | 2 | mod:pkg/geometry.py;mod:pkg/shapes.py"});
    row("ANALYZE circular FOR Square", {"cycle | size | nodes", "1 | 2 | mod:pkg/geometry.py;mod:pkg/shapes.py"});
    row("ANALYZE circular FOR cli", {"cycle | size | nodes"});
    row("ANALYZE unused",
        {"id | type | kind | name | file_path | line_start",
            "fn:pkg/geometry.py:unused_helper | function | function | unused_helper | pkg/geometry.py | 32",
            "cls:pkg/shapes.py:Cube | class | class | Cube | pkg/shapes.py | 21",
            "cls:pkg/shapes.py:Circle | class | class | Circle | pkg/shapes.py | 31"});
    row("ANALYZE unused FOR 'mod:pkg/geometry.py'",
        {"id | type | kind | name | file_path | line_start",
            "fn:pkg/geometry.py:unused_helper | function | function | unused_helper | pkg/geometry.py | 32"});
    row("ANALYZE impact FOR classify",
        {"file_path | nodes | nearest_depth", "pkg/cli.py | 3 | 1", "pkg/geometry.py | 1 | 1",
            "pkg/shapes.py | 3 | 2"});
}

void TestMuqlExecutor::rows()
{
    QFETCH(QString, muql);
    QFETCH(QStringList, expected);
    auto result = run(muql);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().message));
    const QStringList actual = lines(*result);
    if (actual != expected)
        qWarning("actual:\n%s", qPrintable(actual.join(u'\n')));
    QCOMPARE(actual, expected);
    QVERIFY(result->revision > 0);
    QVERIFY(!result->truncated);
}

void TestMuqlExecutor::nodeErrors()
{
    // SPEC §3 fix: an unknown node is an error, never an empty result.
    auto unknown = run(QStringLiteral("SHOW callers OF nothing_like_this"));
    QVERIFY(!unknown);
    QCOMPARE(unknown.error().code, QStringLiteral("not_found"));
    QCOMPARE(unknown.error().message,
        QStringLiteral("No node matches 'nothing_like_this' at 1:17. Look for it with: SELECT id FROM nodes WHERE "
                       "name ~ 'nothing_like_this'"));
    QCOMPARE(unknown.error().position, 16);

    auto ambiguous = run(QStringLiteral("FIND functions CALLING area"));
    QVERIFY(!ambiguous);
    QCOMPARE(ambiguous.error().code, QStringLiteral("ambiguous"));
    QCOMPARE(ambiguous.error().position, 23);
    QCOMPARE(ambiguous.error().candidates,
        QStringList({QStringLiteral("fn:pkg/shapes.py:Circle.area"), QStringLiteral("fn:pkg/shapes.py:Shape.area"),
            QStringLiteral("fn:pkg/shapes.py:Square.area")}));
    QVERIFY(ambiguous.error().message.startsWith(QStringLiteral("'area' matches several nodes at 1:24.")));

    for (const char* muql : {"PATH FROM main TO nowhere_at_all", "ANALYZE impact FOR nowhere_at_all",
             "FIND modules SIMILAR TO nowhere_at_all", "ANALYZE unused FOR nowhere_at_all"}) {
        auto result = run(QString::fromUtf8(muql));
        QVERIFY2(!result, muql);
        QCOMPARE(result.error().code, QStringLiteral("not_found"));
    }
}

void TestMuqlExecutor::explainShowsParameters()
{
    // User text reaches SQL only as bound parameters.
    auto plan = m_engine->explain(QStringLiteral("SELECT id FROM fn WHERE name = 'x''; DROP TABLE nodes; --'"));
    QVERIFY(plan);
    QCOMPARE(*plan,
        QStringLiteral("sql: SELECT id AS c0 FROM nodes WHERE type = 'function' AND name = ? ORDER BY id LIMIT ?\n"
                       "  ?1 = 'x''; DROP TABLE nodes; --'\n  ?2 = 1001\n"));
    auto graphPlan = m_engine->explain(QStringLiteral("callers classify d2"));
    QVERIFY(graphPlan);
    QCOMPARE(*graphPlan,
        QStringLiteral(
            "graph: breadth-first from fn:pkg/geometry.py:classify, incoming edges of {calls}, depth ≤ 2, at "
            "most 10000 nodes\n"));
    auto findPlan = m_engine->explain(QStringLiteral("FIND classes INHERITING Square"));
    QVERIFY(findPlan);
    // The subclasses are found first and bound as values: the SQL names them.
    QVERIFY(findPlan->contains(QStringLiteral("WHERE n.id IN (?) AND n.type = 'class'")));
    QVERIFY(findPlan->contains(QStringLiteral("?1 = 'cls:pkg/shapes.py:Cube'")));
    auto bad = m_engine->explain(QStringLiteral("SHOW callers OF area"));
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, QStringLiteral("ambiguous"));
}

void TestMuqlExecutor::caps()
{
    QueryOptions options;
    options.defaultSelectLimit = 3;
    options.defaultFindLimit = 2;
    auto engine = QueryEngine::open(index::mubasePath(m_dir.path()), options);
    QVERIFY(engine);
    auto select = (*engine)->run(QStringLiteral("SELECT id FROM nodes ORDER BY id"));
    QVERIFY(select);
    QCOMPARE(select->rows.size(), 3);
    QVERIFY(select->truncated);
    auto exact = (*engine)->run(QStringLiteral("SELECT id FROM nodes ORDER BY id LIMIT 5"));
    QVERIFY(exact);
    QCOMPARE(exact->rows.size(), 5);
    QVERIFY(!exact->truncated); // an explicit LIMIT is what was asked for
    auto find = (*engine)->run(QStringLiteral("FIND functions CALLING scale"));
    QVERIFY(find);
    QCOMPARE(find->rows.size(), 2);
    QVERIFY(find->truncated);
}

void TestMuqlExecutor::timeout()
{
    // A deadline that has already passed: deterministic, whatever the machine's speed.
    auto engine = QueryEngine::open(index::mubasePath(m_dir.path()));
    QVERIFY(engine);
    (*engine)->setTimeout(std::chrono::milliseconds(0));
    for (const char* muql : {"SELECT id FROM nodes WHERE name MATCHES 'a'", "FIND CYCLES", "ANALYZE coupling"}) {
        auto result = (*engine)->run(QString::fromUtf8(muql));
        QVERIFY2(!result, muql);
        QCOMPARE(result.error().code, QStringLiteral("timeout"));
        QCOMPARE(result.error().message,
            QStringLiteral(
                "Query timed out after 0 ms. Narrow it with WHERE or LIMIT, or allow more time (--timeout)."));
    }
    // The engine recovers once time allows.
    (*engine)->setTimeout(std::chrono::milliseconds(5000));
    QVERIFY((*engine)->run(QStringLiteral("SELECT id FROM nodes WHERE name MATCHES 'a'")));
}

void TestMuqlExecutor::resultJson()
{
    auto result = run(QStringLiteral("SELECT name, properties.decorators FROM fn WHERE name = 'volume'"));
    QVERIFY(result);
    const QJsonObject json = result->toJson();
    QCOMPARE(json.keys(),
        QStringList({QStringLiteral("columns"), QStringLiteral("execution_time_ms"), QStringLiteral("revision"),
            QStringLiteral("row_count"), QStringLiteral("rows")}));
    QCOMPARE(json.value(u"row_count").toInt(), 1);
    // A list-valued property stays a JSON list.
    QCOMPARE(json.value(u"rows").toArray().at(0).toArray().at(1).toArray(), QJsonArray({QStringLiteral("property")}));
    QVERIFY(json.value(u"revision").toInteger() > 0);
    QVERIFY(json.value(u"execution_time_ms").toDouble() >= 0);
}

void TestMuqlExecutor::formats()
{
    auto result = run(QStringLiteral("SELECT name, complexity, docstring FROM fn WHERE complexity > 1 ORDER BY name"));
    QVERIFY(result);
    result->executionTimeMs = 1.24;
    QCOMPARE(format(*result, Format::Table),
        QStringLiteral("name      complexity  docstring\n"
                       "--------  ----------  ----------------------------\n"
                       "classify          12  Classify a size into a band.\n"
                       "scale              2  Scale a size for display.\n"
                       "2 rows (1.2 ms)\n"));
    // Cut to 30 columns: the widest column gives way first, then the next widest; cut cells end in '…'.
    QCOMPARE(format(*result, Format::Table, {30, true}),
        QStringLiteral("name      complexi…  docstring\n"
                       "--------  ---------  ---------\n"
                       "classify         12  Classify…\n"
                       "scale             2  Scale a …\n"
                       "2 rows (1.2 ms)\n"));
    QCOMPARE(format(*result, Format::Table, {30, false}), format(*result, Format::Table));
    QCOMPARE(format(*result, Format::Csv),
        QStringLiteral(
            "name,complexity,docstring\r\nclassify,12,Classify a size into a band.\r\nscale,2,Scale a size for "
            "display.\r\n"));
    const QJsonObject json = QJsonDocument::fromJson(format(*result, Format::Json).toUtf8()).object();
    QCOMPARE(json.value(u"row_count").toInt(), 2);

    ResultSet quoting;
    quoting.columns = {QStringLiteral("a,b"), QStringLiteral("c")};
    quoting.rows = {QJsonArray {QStringLiteral("say \"hi\""), QJsonArray {QStringLiteral("x"), QStringLiteral("y")}},
        QJsonArray {QStringLiteral("two\nlines"), QJsonValue::Null}};
    QCOMPARE(
        format(quoting, Format::Csv), QStringLiteral("\"a,b\",c\r\n\"say \"\"hi\"\"\",x; y\r\n\"two\nlines\",\r\n"));

    auto tree = run(QStringLiteral("callers classify d3"));
    QVERIFY(tree);
    tree->executionTimeMs = 0.5;
    QCOMPARE(format(*tree, Format::Tree),
        QStringLiteral("fn:pkg/geometry.py:classify\n"
                       "├── fn:pkg/cli.py:run  (calls)\n"
                       "│   ├── fn:pkg/cli.py:main  (calls)\n"
                       "│   └── fn:pkg/cli.py:test_run  (calls)\n"
                       "└── fn:pkg/geometry.py:scale  (calls)\n"
                       "    ├── fn:pkg/shapes.py:Circle.area  (calls)\n"
                       "    └── fn:pkg/shapes.py:Square.area  (calls)\n"
                       "        └── fn:pkg/shapes.py:Cube.volume  (calls)\n"
                       "7 rows (0.5 ms)\n"));
    auto path = run(QStringLiteral("PATH FROM main TO classify"));
    QVERIFY(path);
    path->executionTimeMs = 0.5;
    QCOMPARE(format(*path, Format::Tree),
        QStringLiteral("fn:pkg/cli.py:main\n"
                       "└── fn:pkg/cli.py:run  (calls)\n"
                       "    └── fn:pkg/geometry.py:classify  (calls)\n"
                       "3 rows (0.5 ms)\n"));
    auto cycles = run(QStringLiteral("FIND CYCLES"));
    QVERIFY(cycles);
    cycles->executionTimeMs = 0.5;
    QCOMPARE(format(*cycles, Format::Tree),
        QStringLiteral("cycles\n"
                       "└── 1  2\n"
                       "    ├── mod:pkg/geometry.py\n"
                       "    └── mod:pkg/shapes.py\n"
                       "1 row (0.5 ms)\n"));
}

QTEST_GUILESS_MAIN(TestMuqlExecutor)
#include "tst_muql_executor.moc"
