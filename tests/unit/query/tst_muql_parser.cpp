// The MUQL front end: every construct of SPEC §3 parses to the statement (or SQL) it means, and
// every error names the place (line:column and 0-based position) and, for a typo, the fix.
#include "query/lexer.h"
#include "query/parser.h"
#include "query/planner.h"

#include <QTest>

using namespace mu;
using namespace mu::query;

namespace {

QString refText(const NodeRef& ref)
{
    return u'<' + ref.text + u'>';
}

/// A compact, canonical rendering of the statements that do not compile to SQL.
QString describe(const Statement& statement)
{
    if (std::holds_alternative<ShowTablesStatement>(statement))
        return QStringLiteral("show tables");
    if (const auto* d = std::get_if<DescribeStatement>(&statement))
        return QStringLiteral("describe ") + tableInfo(d->table).name;
    if (const auto* s = std::get_if<ShowRelationStatement>(&statement)) {
        return QStringLiteral("show %1 of %2%3")
            .arg(toString(s->relation), refText(s->node),
                s->depth ? QStringLiteral(" depth %1").arg(*s->depth) : QString());
    }
    if (const auto* f = std::get_if<FindStatement>(&statement)) {
        const QString argument = (f->filter == FindFilter::WithDecorator || f->filter == FindFilter::Matching)
            ? u'\'' + f->pattern + u'\''
            : refText(f->node);
        return QStringLiteral("find %1 %2 %3%4")
            .arg(toString(f->subject), toString(f->filter), argument,
                f->limit ? QStringLiteral(" limit %1").arg(*f->limit) : QString());
    }
    if (const auto* c = std::get_if<FindCyclesStatement>(&statement)) {
        QStringList types;
        for (EdgeType type : c->edgeTypes)
            types.append(toString(type));
        return QStringLiteral("find cycles [%1]").arg(types.join(u','));
    }
    if (const auto* p = std::get_if<PathStatement>(&statement)) {
        return QStringLiteral("path %1 -> %2%3%4")
            .arg(refText(p->from), refText(p->to),
                p->maxDepth ? QStringLiteral(" max %1").arg(*p->maxDepth) : QString(),
                p->via ? QStringLiteral(" via ") + toString(*p->via) : QString());
    }
    if (const auto* a = std::get_if<AnalyzeStatement>(&statement))
        return QStringLiteral("analyze %1%2")
            .arg(toString(a->analysis), a->scope ? u' ' + refText(*a->scope) : QString());
    return QStringLiteral("select");
}

/// SQL and parameters as one line: "SQL | p1 | p2".
QString sqlOf(const SelectStatement& select)
{
    const SqlPlan plan = planSelect(select, 1000);
    QStringList parts = {plan.sql};
    for (const QVariant& value : plan.parameters)
        parts.append(value.toString());
    return parts.join(QStringLiteral(" | "));
}

} // namespace

class TestMuqlParser : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void lexer();
    void statements_data();
    void statements();
    void selects_data();
    void selects();
    void selectLabels();
    void errors_data();
    void errors();
    void errorJson();
};

void TestMuqlParser::lexer()
{
    auto tokens
        = tokenize(QStringLiteral("SELECT properties.is_async, 'it''s' \"a\\\"b\" '\\d+' 3.5 <= != -- gone\n x"));
    QVERIFY(tokens);
    QStringList seen;
    for (const Token& token : std::as_const(*tokens))
        seen.append(QStringLiteral("%1:%2@%3").arg(int(token.kind)).arg(token.text).arg(token.offset));
    QCOMPARE(seen,
        QStringList({QStringLiteral("0:SELECT@0"), QStringLiteral("0:properties.is_async@7"), QStringLiteral("3:,@26"),
            QStringLiteral("1:it's@28"), QStringLiteral("1:a\"b@36"), QStringLiteral("1:\\d+@43"),
            QStringLiteral("2:3.5@49"), QStringLiteral("3:<=@53"), QStringLiteral("3:!=@56"), QStringLiteral("0:x@68"),
            QStringLiteral("4:@69")}));
}

void TestMuqlParser::statements_data()
{
    QTest::addColumn<QString>("muql");
    QTest::addColumn<QString>("expected");
    const auto row = [](const char* muql, const char* expected) {
        QTest::newRow(muql) << QString::fromUtf8(muql) << QString::fromUtf8(expected);
    };
    row("SHOW TABLES", "show tables");
    row("show tables;", "show tables");
    row("SHOW COLUMNS FROM edges", "describe edges");
    row("DESCRIBE fn", "describe functions");
    row("describe CLS", "describe classes");
    for (const char* relation : {"dependencies", "dependents", "callers", "callees", "inheritance", "implementations",
             "children", "parents", "impact", "ancestors", "imports", "importers"}) {
        const QByteArray muql = QByteArray("SHOW ") + relation + " OF x";
        QTest::newRow(muql.constData()) << QString::fromUtf8(muql)
                                        << QStringLiteral("show %1 of <x>").arg(QString::fromUtf8(relation));
    }
    row("SHOW callers OF 'fn:src/a.py:f' DEPTH 3", "show callers of <fn:src/a.py:f> depth 3");
    row("show Dependencies of app.models.User depth 20", "show dependencies of <app.models.User> depth 20");
    row("FIND functions CALLING log", "find functions CALLING <log>");
    row("FIND methods CALLED BY \"cls:a.py:A\" LIMIT 5", "find methods CALLED BY <cls:a.py:A> limit 5");
    row("FIND modules IMPORTING json", "find modules IMPORTING <json>");
    row("FIND modules IMPORTED BY 'src/app/service.py'", "find modules IMPORTED BY <src/app/service.py>");
    row("FIND classes INHERITING Base", "find classes INHERITING <Base>");
    row("FIND classes IMPLEMENTING Shape", "find classes IMPLEMENTING <Shape>");
    row("FIND functions WITH DECORATOR '@property'", "find functions WITH DECORATOR '@property'");
    row("FIND classes WITH DECORATOR 'dataclass' LIMIT 0", "find classes WITH DECORATOR 'dataclass' limit 0");
    row("FIND functions MATCHING '^get_'", "find functions MATCHING '^get_'");
    row("FIND modules SIMILAR TO util", "find modules SIMILAR TO <util>");
    row("FIND CYCLES", "find cycles []");
    row("FIND CYCLES WHERE edge_type = 'imports'", "find cycles [imports]");
    row("FIND CYCLES WHERE edge_type IN ('calls', \"IMPORTS\", 'calls')", "find cycles [calls,imports]");
    row("PATH FROM main TO log", "path <main> -> <log>");
    row("PATH FROM main TO log MAX DEPTH 4 VIA calls", "path <main> -> <log> max 4 via calls");
    row("PATH FROM main TO log VIA imports MAX DEPTH 2", "path <main> -> <log> max 2 via imports");
    for (const char* analysis : {"complexity", "hotspots", "coupling", "cohesion", "circular", "unused"}) {
        const QByteArray muql = QByteArray("ANALYZE ") + analysis;
        QTest::newRow(muql.constData()) << QString::fromUtf8(muql)
                                        << QStringLiteral("analyze ") + QString::fromUtf8(analysis);
    }
    row("ANALYZE impact FOR 'mod:src/app.py'", "analyze impact <mod:src/app.py>");
    row("analyse coupling for app", "analyze coupling <app>");
    row("deps User", "show dependencies of <User>");
    row("deps User d2", "show dependencies of <User> depth 2");
    row("rdeps 'mod:a.py' D3", "show dependents of <mod:a.py> depth 3");
    row("callers log", "show callers of <log>");
    row("callees main d20", "show callees of <main> depth 20");
    row("impact User", "show impact of <User>");
    row("-- a comment\n  SHOW TABLES -- trailing\n", "show tables");
}

void TestMuqlParser::statements()
{
    QFETCH(QString, muql);
    QFETCH(QString, expected);
    auto query = parse(muql);
    QVERIFY2(query, qPrintable(query ? QString() : query.error().message));
    QCOMPARE(describe(query->statement), expected);
}

void TestMuqlParser::selects_data()
{
    QTest::addColumn<QString>("muql");
    QTest::addColumn<QString>("sql");
    const auto row = [](const char* muql, const char* sql) {
        QTest::newRow(muql) << QString::fromUtf8(muql) << QString::fromUtf8(sql);
    };
    row("SELECT * FROM functions",
        "SELECT id, type, kind, name, qualified_name, file_path, line_start, line_end, complexity, signature, "
        "docstring FROM nodes WHERE type = 'function' ORDER BY id LIMIT ? | 1001");
    row("select * from FILES limit 3",
        "SELECT path, language, size, line_count, parse_status, error, encoding, revision FROM files ORDER BY path "
        "LIMIT ? | 3");
    row("SELECT name, complexity AS c FROM fn WHERE complexity > 10 AND name ~ 'parse' ORDER BY c DESC LIMIT 20",
        "SELECT name AS c0, complexity AS c1 FROM nodes WHERE type = 'function' AND (complexity > ? AND "
        "instr(lower(name), lower(?)) > 0) ORDER BY c1 DESC, id LIMIT ? | 10 | parse | 20");
    row("SELECT kind, COUNT(*) AS n, AVG(complexity), MIN(line_start), MAX(line_end), SUM(complexity), "
        "COUNT(DISTINCT file_path) FROM nodes GROUP BY kind HAVING n > 2 AND MAX(complexity) >= 1 ORDER BY n DESC, "
        "kind",
        "SELECT kind AS c0, COUNT(*) AS c1, AVG(complexity) AS c2, MIN(line_start) AS c3, MAX(line_end) AS c4, "
        "SUM(complexity) AS c5, COUNT(DISTINCT file_path) AS c6 FROM nodes GROUP BY kind HAVING (c1 > ? AND "
        "MAX(complexity) >= ?) ORDER BY c1 DESC, kind LIMIT ? | 2 | 1 | 1001");
    row("SELECT DISTINCT file_path FROM cls WHERE NOT (kind IN ('struct', 'enum') OR docstring IS NULL)",
        "SELECT DISTINCT file_path AS c0 FROM nodes WHERE type = 'class' AND NOT (kind IN (?, ?) OR docstring IS NULL) "
        "LIMIT ? | struct | enum | 1001");
    row("SELECT id FROM mod WHERE kind NOT IN ('package') AND docstring IS NOT NULL",
        "SELECT id AS c0 FROM nodes WHERE type = 'module' AND (kind NOT IN (?) AND docstring IS NOT NULL) ORDER BY "
        "id LIMIT ? | package | 1001");
    row("SELECT id, properties.decorators FROM functions WHERE properties.decorators CONTAINS 'property'",
        "SELECT id AS c0, properties -> ? AS c1 FROM nodes WHERE type = 'function' AND EXISTS (SELECT 1 FROM "
        "json_each(properties, ?) WHERE instr(value, ?) > 0) ORDER BY id LIMIT ? | $.\"decorators\" | "
        "$.\"decorators\" | property | 1001");
    row("SELECT id FROM functions WHERE properties.is_async = true AND properties.a.b != 'x'",
        "SELECT id AS c0 FROM nodes WHERE type = 'function' AND (json_extract(properties, ?) = ? AND "
        "json_extract(properties, ?) <> ?) ORDER BY id LIMIT ? | $.\"is_async\" | 1 | $.\"a\".\"b\" | x | 1001");
    row("SELECT id FROM functions WHERE signature CONTAINS 'async' AND name NOT CONTAINS 'x'",
        "SELECT id AS c0 FROM nodes WHERE type = 'function' AND (coalesce(instr(signature, ?), 0) > 0 AND NOT "
        "coalesce(instr(name, ?), 0) > 0) ORDER BY id LIMIT ? | async | x | 1001");
    row("SELECT id FROM functions WHERE name MATCHES '^test_\\d+$' AND file_path LIKE 'src/%' AND name NOT LIKE '_%'",
        "SELECT id AS c0 FROM nodes WHERE type = 'function' AND (name REGEXP ? AND file_path LIKE ? AND name NOT LIKE "
        "?) ORDER BY id LIMIT ? | ^test_\\d+$ | src/% | _% | 1001");
    row("SELECT source_id, line FROM edges WHERE type = \"calls\" AND line >= -1 OR line < 2.5 -- c",
        "SELECT source_id AS c0, line AS c1 FROM edges WHERE ((type = ? AND line >= ?) OR line < ?) ORDER BY "
        "source_id, "
        "target_id, type, line LIMIT ? | calls | -1 | 2.5 | 1001");
    row("SELECT path FROM files WHERE parse_status <> 'ok' ORDER BY size DESC, path ASC LIMIT 0",
        "SELECT path AS c0 FROM files WHERE parse_status <> ? ORDER BY size DESC, path LIMIT ? | ok | 0");
    row("SELECT file_path, COUNT(*) FROM fn GROUP BY file_path ORDER BY COUNT(*) DESC LIMIT 10000",
        "SELECT file_path AS c0, COUNT(*) AS c1 FROM nodes WHERE type = 'function' GROUP BY file_path ORDER BY "
        "COUNT(*) DESC, file_path LIMIT ? | 10000");
    row("SELECT Name AS \"the name\" FROM Functions ORDER BY \"the name\"", "");
    row("fn c>20 sort c- 10",
        "SELECT id AS c0, name AS c1, file_path AS c2, line_start AS c3, complexity AS c4 FROM nodes WHERE type = "
        "'function' AND complexity > ? ORDER BY complexity DESC, id LIMIT ? | 20 | 10");
    row("cls n~'Service' f~'src/' sort n",
        "SELECT id AS c0, name AS c1, file_path AS c2, line_start AS c3 FROM nodes WHERE type = 'class' AND "
        "(instr(lower(name), lower(?)) > 0 AND instr(lower(file_path), lower(?)) > 0) ORDER BY name, id LIMIT ? | "
        "Service | src/ | 1001");
    row("mod",
        "SELECT id AS c0, name AS c1, file_path AS c2, line_start AS c3 FROM nodes WHERE type = 'module' ORDER BY "
        "id LIMIT ? | 1001");
    row("fn k='method' l>=10 5",
        "SELECT id AS c0, name AS c1, file_path AS c2, line_start AS c3, complexity AS c4 FROM nodes WHERE type = "
        "'function' AND (kind = ? AND line_start >= ?) ORDER BY id LIMIT ? | method | 10 | 5");
}

void TestMuqlParser::selects()
{
    QFETCH(QString, muql);
    QFETCH(QString, sql);
    auto query = parse(muql);
    if (sql.isEmpty()) { // aliases are labels: ORDER BY names a column or an unquoted alias
        QVERIFY(!query);
        QCOMPARE(query.error().position, 50);
        return;
    }
    QVERIFY2(query, qPrintable(query ? QString() : query.error().message));
    const auto* select = std::get_if<SelectStatement>(&query->statement);
    QVERIFY(select);
    QCOMPARE(sqlOf(*select), sql);
}

void TestMuqlParser::selectLabels()
{
    auto query = parse(QStringLiteral(
        "SELECT name, properties.decorators, COUNT(*), count(DISTINCT kind), avg(complexity) AS mean FROM fn"));
    QVERIFY(query);
    const SqlPlan plan = planSelect(std::get<SelectStatement>(query->statement), 1000);
    QCOMPARE(plan.columns,
        QStringList({QStringLiteral("name"), QStringLiteral("properties.decorators"), QStringLiteral("count(*)"),
            QStringLiteral("count(distinct kind)"), QStringLiteral("mean")}));
    QCOMPARE(plan.jsonColumns, QList<bool>({false, true, false, false, false}));
}

void TestMuqlParser::errors_data()
{
    QTest::addColumn<QString>("muql");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("position");
    const auto row = [](const char* muql, const char* code, const char* message, int position) {
        QTest::newRow(muql) << QString::fromUtf8(muql) << QString::fromUtf8(code) << QString::fromUtf8(message)
                            << position;
    };
    // SPEC §3's own example.
    row("SELECT * FORM functions", "syntax", "Unexpected token 'FORM' at 1:10. Did you mean FROM?", 9);
    row("SELEC * FROM functions", "syntax", "Unexpected token 'SELEC' at 1:1. Did you mean SELECT?", 0);
    row("", "syntax",
        "Unexpected end of query at 1:1. Expected a statement: SELECT, SHOW, DESCRIBE, FIND, PATH, ANALYZE, or a terse "
        "form (fn, cls, mod, deps, rdeps, callers, callees, impact).",
        0);
    row("frobnicate", "syntax",
        "Unexpected token 'frobnicate' at 1:1. Expected a statement: SELECT, SHOW, DESCRIBE, FIND, PATH, ANALYZE, or a "
        "terse form (fn, cls, mod, deps, rdeps, callers, callees, impact).",
        0);
    row("SELECT * FROM functons", "unknown_table", "Unknown table 'functons' at 1:15. Did you mean functions?", 14);
    row("SELECT * FROM widgets", "unknown_table",
        "Unknown table 'widgets' at 1:15. Tables: functions, classes, modules, externals, nodes, edges, files, fn, "
        "cls, "
        "mod.",
        14);
    row("SELECT * FROM", "syntax",
        "Unexpected end of query at 1:14. Expected a table (functions, classes, modules, externals, nodes, edges, "
        "files, "
        "fn, cls, mod).",
        13);
    row("SELECT complexty FROM functions", "unknown_column",
        "Unknown column 'complexty' in functions at 1:8. Did you mean complexity?", 7);
    row("SELECT size FROM functions WHERE x = 1", "unknown_column",
        "Unknown column 'size' in functions at 1:8. Columns: id, type, kind, name, qualified_name, file_path, "
        "line_start, line_end, complexity, signature, docstring, properties.",
        7);
    row("SELECT *\nFROM fn\nWHERE nme = 1", "unknown_column",
        "Unknown column 'nme' in functions at 3:7. Did you mean name?", 23);
    row("SELECT id FROM fn ORDER BY complexit DESC", "unknown_column",
        "Unknown column 'complexit' in functions at 1:28. Did you mean complexity?", 27);
    row("SELECT kind FROM fn GROUP BY knd", "unknown_column",
        "Unknown column 'knd' in functions at 1:30. Did you mean kind?", 29);
    row("SELECT properties.x FROM files", "unknown_column", "Table files has no properties at 1:8.", 7);
    row("SELECT * FROM fn WHERE name = 'x", "syntax", "Unterminated string starting at 1:31. Close it with '.", 30);
    row("SELECT * FROM fn WHERE name == 'x'", "syntax", "Unexpected token '=' at 1:30. MUQL compares with a single =.",
        29);
    row("SELECT * FROM fn WHERE name = NULL", "syntax",
        "NULL is not a value to compare with at 1:31. Use IS NULL or IS NOT NULL.", 30);
    row("SELECT * FROM fn WHERE name ! 'x'", "syntax", "Unexpected character '!' at 1:29. Did you mean != ?", 28);
    row("SELECT * FROM fn WHERE COUNT(*) > 1", "invalid",
        "Aggregate COUNT(*) is not allowed in WHERE at 1:24. Filter groups with HAVING.", 23);
    row("SELECT kind FROM fn GROUP BY COUNT(*)", "invalid",
        "Aggregate COUNT(*) is not allowed in GROUP BY at 1:30. Filter groups with HAVING.", 29);
    row("SELECT kind FROM fn HAVING kind = 'x'", "invalid",
        "HAVING without GROUP BY at 1:21. Filter rows with WHERE, or group them first: GROUP BY column HAVING …", 20);
    row("SELECT * FROM fn LIMIT 20000", "invalid", "LIMIT 20000 is over the maximum of 10000 at 1:24.", 23);
    row("SELECT * FROM fn LIMIT -1", "syntax", "Unexpected token '-' at 1:24. Expected a whole number after LIMIT.",
        23);
    row("SELECT * FROM fn LIMIT 2.5", "syntax", "Unexpected token '2.5' at 1:24. Expected a whole number after LIMIT.",
        23);
    row("SELECT COUNTT(*) FROM fn", "syntax", "Unknown function 'COUNTT' at 1:8. Did you mean COUNT?", 7);
    row("SELECT lower(name) FROM fn", "syntax",
        "Unknown function 'lower' at 1:8. MUQL has COUNT, AVG, MIN, MAX and SUM.", 7);
    row("SELECT AVG(*) FROM fn", "syntax", "Unexpected token '*' at 1:12. Expected a column name.", 11);
    row("SELECT name FROM fn WHERE name MATCHES '(a'", "syntax",
        "Invalid regular expression '(a' at 1:40. missing closing parenthesis at character 3 of the pattern.", 39);
    row("SELECT name FROM fn WHERE name MATCHES x", "syntax",
        "Unexpected token 'x' at 1:40. Expected a quoted string after MATCHES.", 39);
    row("SELECT name FROM fn WHERE name BETWEEN 1 AND 2", "syntax",
        "Unexpected token 'BETWEEN' at 1:32. Expected a comparison (= != <> < <= > >= ~, IN, CONTAINS, LIKE, MATCHES, "
        "IS NULL).",
        31);
    row("SELECT name FROM fn WHERE name NOT = 'x'", "syntax",
        "Unexpected token '=' at 1:36. Expected IN, CONTAINS, LIKE or MATCHES after NOT.", 35);
    row("SELECT name FROM fn WHERE name LIKE 'a' extra", "syntax",
        "Unexpected token 'extra' at 1:41. Expected the end of the query.", 40);
    row("SELECT name FROM fn WHERE (name = 'a'", "syntax", "Unexpected end of query at 1:38. Expected ')'.", 37);
    row("SELECT name FROM fn WHERE name IS NOTNULL", "syntax", "Unexpected token 'NOTNULL' at 1:35. Expected NULL.",
        34);
    row("SELECT name FROM fn WHERE name IN ()", "syntax",
        "Unexpected token ')' at 1:36. Expected a value: a quoted string, a number, TRUE or FALSE.", 35);
    row("SELECT FROM fn", "syntax", "Unexpected token 'FROM' at 1:8. Expected a column name.", 7);
    row("SELECT name fn", "syntax", "Unexpected token 'fn' at 1:13. Expected FROM.", 12);
    row("SELECT name FROM fn ORDER complexity", "syntax", "Unexpected token 'complexity' at 1:27. Expected BY.", 26);
    row("SELECT name AS FROM fn", "syntax", "Unexpected token 'fn' at 1:21. Expected FROM.", 20);
    row("SHOW callers OF", "syntax",
        "Unexpected end of query at 1:16. Expected a node: an id, path, name or qualified name (quote ids and paths).",
        15);
    row("SHOW caller OF x", "syntax", "Unexpected token 'caller' at 1:6. Did you mean callers?", 5);
    row("SHOW callers x", "syntax", "Unexpected token 'x' at 1:14. Expected OF.", 13);
    row("SHOW callers OF x DEPTH 21", "invalid", "DEPTH 21 is over the maximum of 20 at 1:25.", 24);
    row("SHOW callers OF x DEPTH 0", "invalid", "DEPTH must be at least 1 at 1:25.", 24);
    row("SHOW callers OF fn:src/a.py:f", "syntax",
        "Unexpected character ':' at 1:19. Quote node ids and paths: 'fn:…'.", 18);
    row("SHOW COLUMNS edges", "syntax", "Unexpected token 'edges' at 1:14. Expected FROM.", 13);
    row("FIND classes CALLING x", "invalid",
        "FIND classes CALLING is never true at 1:14. Only functions and methods call: FIND functions CALLING …", 13);
    row("FIND functions IMPORTED BY x", "invalid",
        "FIND functions IMPORTED BY is never true at 1:16. Only modules import: FIND modules IMPORTED BY …", 15);
    row("FIND methods INHERITING x", "invalid",
        "FIND methods INHERITING is never true at 1:14. Only classes inherit: FIND classes INHERITING …", 13);
    row("FIND modules WITH DECORATOR 'x'", "invalid",
        "FIND modules WITH DECORATOR is never true at 1:14. Modules have no decorators: FIND functions WITH DECORATOR "
        "'…'",
        13);
    row("FIND functions CALLD BY x", "syntax", "Unexpected token 'CALLD' at 1:16. Did you mean CALLED?", 15);
    row("FIND functions CALLED x", "syntax", "Unexpected token 'x' at 1:23. Expected BY.", 22);
    row("FIND function CALLING x", "syntax", "Unexpected token 'function' at 1:6. Did you mean functions?", 5);
    row("FIND functions WITH DECORATOR property", "syntax",
        "Unexpected token 'property' at 1:31. Expected a quoted string after WITH DECORATOR.", 30);
    row("FIND functions MATCHING '[a'", "syntax",
        "Invalid regular expression '[a' at 1:25. missing terminating ] for character class at character 3 of the "
        "pattern.",
        24);
    row("FIND functions SIMILAR log", "syntax", "Unexpected token 'log' at 1:24. Expected TO.", 23);
    row("FIND functions CALLING log LIMIT 10001", "invalid", "LIMIT 10001 is over the maximum of 10000 at 1:34.", 33);
    row("FIND CYCLES WHERE edge_type = 'import'", "syntax", "Unknown edge type 'import' at 1:31. Did you mean imports?",
        30);
    row("FIND CYCLES WHERE edge_type = 'friends'", "syntax",
        "Unknown edge type 'friends' at 1:31. Edge types: contains, imports, inherits, calls, uses.", 30);
    row("FIND CYCLES WHERE edgetype = 'imports'", "syntax",
        "Unexpected token 'edgetype' at 1:19. Did you mean edge_type?", 18);
    row("FIND CYCLES WHERE edge_type LIKE 'x'", "syntax",
        "Unexpected token 'LIKE' at 1:29. Expected = or IN after edge_type.", 28);
    row("PATH FROM a TO b VIA call", "syntax", "Unknown edge type 'call' at 1:22. Did you mean calls?", 21);
    row("PATH FROM a b", "syntax", "Unexpected token 'b' at 1:13. Expected TO.", 12);
    row("PATH a TO b", "syntax", "Unexpected token 'a' at 1:6. Expected FROM.", 5);
    row("PATH FROM a TO b MAX 3", "syntax", "Unexpected token '3' at 1:22. Expected DEPTH.", 21);
    row("PATH FROM a TO b MAX DEPTH 50", "invalid", "MAX DEPTH 50 is over the maximum of 20 at 1:28.", 27);
    row("ANALYZE hotspot", "syntax", "Unexpected token 'hotspot' at 1:9. Did you mean hotspots?", 8);
    row("ANALYZE", "syntax",
        "Unexpected end of query at 1:8. Expected complexity, hotspots, coupling, cohesion, circular, unused, impact.",
        7);
    row("ANALYZE impact", "invalid",
        "ANALYZE impact needs a node at 1:1. Name the node whose change to assess: ANALYZE impact FOR "
        "'mod:src/app.py'.",
        0);
    row("ANALYZE unused FOR", "syntax",
        "Unexpected end of query at 1:19. Expected a node: an id, path, name or qualified name (quote ids and paths).",
        18);
    row("fn c>>2", "syntax", "Unexpected token '>' at 1:6. Expected a value: a quoted string, a number, TRUE or FALSE.",
        5);
    row("fn c 2", "syntax", "Unexpected token '2' at 1:6. Expected an operator after c (c>10, n~'parse', f~'src/').",
        5);
    row("fn x>2", "unknown_column",
        "Unknown column 'x' in functions at 1:4. Columns: id, type, kind, name, qualified_name, file_path, line_start, "
        "line_end, complexity, signature, docstring, properties.",
        3);
    row("fn sort", "syntax", "Unexpected end of query at 1:8. Expected a column to sort by (c, n, f or a column name).",
        7);
    row("fn sort c- 20000", "invalid", "LIMIT 20000 is over the maximum of 10000 at 1:12.", 11);
    row("deps x d99", "invalid", "Depth 99 is over the maximum of 20 at 1:8.", 7);
    row("deps x d0", "invalid", "Depth must be at least 1 at 1:8.", 7);
    row("deps x y", "syntax", "Unexpected token 'y' at 1:8. Expected a depth such as d2, or the end of the query.", 7);
    row("callers", "syntax",
        "Unexpected end of query at 1:8. Expected a node: an id, path, name or qualified name (quote ids and paths).",
        7);
    row("SHOW TABLES extra", "syntax", "Unexpected token 'extra' at 1:13. Expected the end of the query.", 12);
}

void TestMuqlParser::errors()
{
    QFETCH(QString, muql);
    QFETCH(QString, code);
    QFETCH(QString, message);
    QFETCH(int, position);
    auto query = parse(muql);
    QVERIFY2(!query, "parsed, but should have failed");
    QCOMPARE(query.error().message, message);
    QCOMPARE(query.error().code, code);
    QCOMPARE(int(query.error().position), position);
}

void TestMuqlParser::errorJson()
{
    auto query = parse(QStringLiteral("SELECT * FORM functions"));
    QVERIFY(!query);
    const QJsonObject error = query.error().toJson().value(u"error").toObject();
    QCOMPARE(error.value(u"message").toString(), QStringLiteral("Unexpected token 'FORM' at 1:10. Did you mean FROM?"));
    QCOMPARE(error.value(u"position").toInt(), 9);
    QCOMPARE(error.value(u"code").toString(), QStringLiteral("syntax"));
}

QTEST_GUILESS_MAIN(TestMuqlParser)
#include "tst_muql_parser.moc"
