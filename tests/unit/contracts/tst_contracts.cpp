// Architecture contracts on a real graph: tests/fixtures/contracts/project (an import cycle, a
// layering violation, a complex function two others call, services with and without the
// expected name and base, routed and unrouted handlers, a test file) is indexed into a temporary
// directory and verified against tests/fixtures/contracts/all_rules.yml — every rule type and
// expectation — with exact violations, and the three reports compared with golden files. Every
// configuration error is checked with its line and column.
#include "contracts/contractsloader.h"
#include "contracts/evaluator.h"
#include "contracts/glob.h"
#include "contracts/pathfilter.h"
#include "index/indexer.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mu;
using namespace mu::contracts;

namespace {

const QString kFixtures = QStringLiteral(MU_FIXTURES_DIR "/contracts");

QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return file.readAll();
}

/// A result as "STATUS findings" then one line per violation "file:line node message".
QStringList describe(const ContractResult& result)
{
    QStringList lines = {QStringLiteral("%1 %2").arg(toString(result.status)).arg(result.findings)};
    for (const Violation& v : result.violations)
        lines.append(QStringLiteral("%1:%2 %3 %4").arg(v.filePath).arg(v.line).arg(v.nodeId, v.message));
    return lines;
}

QStringList errorLines(const QList<ConfigError>& errors)
{
    QStringList lines;
    for (const ConfigError& e : errors)
        lines.append(QStringLiteral("%1:%2: %3").arg(e.line).arg(e.column).arg(e.message)
            + (e.hint.isEmpty() ? QString() : QStringLiteral(" | ") + e.hint));
    return lines;
}

} // namespace

class TestContracts : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyRule_data();
    void everyRule();
    void verdict();
    void goldenReports();
    void junitIsValidXml();
    void settingsExclude();
    void failOnWarningAndFailFast();
    void starterFileIsValid();
    void configErrors_data();
    void configErrors();
    void ruleThatCannotRun();
    void globs_data();
    void globs();
    void testPaths_data();
    void testPaths();

private:
    ContractsFile load(const QByteArray& yaml)
    {
        const LoadResult loaded = parseContracts(yaml, QStringLiteral("contracts.yml"));
        if (!loaded.ok())
            qFatal("unexpected errors: %s", qPrintable(errorLines(loaded.errors).join(u'\n')));
        return loaded.file;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<ContractEvaluator> m_evaluator;
    Report m_report;
};

void TestContracts::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString from = kFixtures + QStringLiteral("/project");
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = m_dir.filePath(QDir(from).relativeFilePath(source));
        QDir().mkpath(QFileInfo(target).path());
        QVERIFY(QFile::copy(source, target));
    }
    auto report = index::Indexer(m_dir.path()).run();
    QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
    auto evaluator = ContractEvaluator::open(index::mubasePath(m_dir.path()));
    QVERIFY2(evaluator, qPrintable(evaluator ? QString() : evaluator.error().message));
    m_evaluator = std::move(*evaluator);

    const LoadResult loaded = loadContracts(kFixtures + QStringLiteral("/all_rules.yml"));
    QVERIFY2(loaded.ok(), qPrintable(errorLines(loaded.errors).join(u'\n')));
    const VerifyResult verified = m_evaluator->verify(loaded.file);
    QVERIFY2(verified.ok(), qPrintable(errorLines(verified.errors).join(u'\n')));
    m_report = verified.report;
}

void TestContracts::everyRule_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QStringList>("expected");
    const auto row
        = [](const char* name, QStringList expected) { QTest::newRow(name) << QString::fromUtf8(name) << expected; };
    row("No import cycles",
        {"failed 1",
            "src/core/a.py:1 mod:src/core/a.py imports mod:src/core/b.py: a cycle of 2 modules (mod:src/core/a.py, "
            "mod:src/core/b.py)"});
    row("Nothing over complexity 10",
        {"failed 1", "src/core/logic.py:1 fn:src/core/logic.py:decide complexity 11 (moderate), over 10"});
    row("Nothing over complexity 20", {"passed 0"});
    row("Exactly one hotspot", {"passed 1"});
    row("Loose coupling",
        {"failed 2",
            "src/storage/db.py:0 mod:src/storage/db.py coupling 3, over 2 (afferent 3, efferent 0, instability 0)",
            "src/ui/view.py:0 mod:src/ui/view.py coupling 3, over 2 (afferent 1, efferent 2, instability 0.667)"});
    row("Some unused code is tolerated", {"passed 13"});
    row("UI never reaches into storage",
        {"failed 2", "src/ui/view.py:2 mod:src/ui/view.py imports mod:src/storage/db.py",
            "src/ui/view.py:8 fn:src/ui/view.py:render calls fn:src/storage/db.py:Database.save"});
    row("Storage knows nothing of the UI", {"passed 0"});
    row("Unrouted handlers exist", {"passed 1"});
    row("Three service classes",
        {"failed 4", "src/services/base.py:1 cls:src/services/base.py:BaseService name=BaseService",
            "src/services/users.py:9 cls:src/services/users.py:AccountManager name=AccountManager",
            "src/services/users.py:14 cls:src/services/users.py:AuditService name=AuditService",
            "src/services/users.py:4 cls:src/services/users.py:UserService name=UserService"});
    row("At least two modules", {"passed 15"});
    row("Services end in Service",
        {"failed 1",
            "src/services/users.py:9 cls:src/services/users.py:AccountManager name 'AccountManager' does not match "
            "'.*Service$'"});
    row("Services derive from BaseService",
        {"failed 1",
            "src/services/users.py:14 cls:src/services/users.py:AuditService does not derive from 'BaseService'"});
    row("Handlers are routed",
        {"failed 1", "src/handlers/routes.py:14 fn:src/handlers/routes.py:forgotten no decorator 'route'"});
}

void TestContracts::everyRule()
{
    QFETCH(QString, name);
    QFETCH(QStringList, expected);
    const auto result = std::find_if(
        m_report.results.begin(), m_report.results.end(), [&](const ContractResult& r) { return r.name == name; });
    QVERIFY(result != m_report.results.end());
    const QStringList actual = describe(*result);
    if (actual != expected)
        qWarning("actual:\n%s", qPrintable(actual.join(u'\n')));
    QCOMPARE(actual, expected);
}

void TestContracts::verdict()
{
    QCOMPARE(m_report.results.size(), 14);
    QVERIFY(!m_report.passed());
    QCOMPARE(m_report.count(ContractResult::Status::Passed), 6);
    QCOMPARE(m_report.failedWith(Severity::Error), 4);
    QCOMPARE(m_report.failedWith(Severity::Warning), 3);
    QCOMPARE(m_report.failedWith(Severity::Info), 1);
}

void TestContracts::goldenReports()
{
    QCOMPARE(formatText(m_report, false), QString::fromUtf8(readFile(kFixtures + QStringLiteral("/report.txt"))));
    QCOMPARE(formatJUnit(m_report), readFile(kFixtures + QStringLiteral("/report.xml")));
    const QJsonDocument golden = QJsonDocument::fromJson(readFile(kFixtures + QStringLiteral("/report.json")));
    QCOMPARE(QJsonDocument(toJson(m_report)), golden);
    // Colours on a TTY: the words are still there, wrapped in ANSI codes.
    const QString colored = formatText(m_report, true);
    QVERIFY(colored.contains(QStringLiteral("\x1b[32mPASSED \x1b[0m")));
    QVERIFY(colored.contains(QStringLiteral("\x1b[1;31mFAILED \x1b[0m")));
    QVERIFY(colored.contains(QStringLiteral("\x1b[33mFAILED \x1b[0m"))); // a failure that does not block
}

void TestContracts::junitIsValidXml()
{
    // Names and messages that need escaping, checked by a real XML parser.
    Report report;
    ContractResult result;
    result.name = QStringLiteral("<UI> & \"storage\" 'layers'");
    result.status = ContractResult::Status::Failed;
    result.findings = 1;
    result.message = QStringLiteral("expected none, found 1 <&>");
    result.violations.append(
        {QStringLiteral("fn:a.py:f"), QStringLiteral("a.py"), 3, QStringLiteral("calls fn:b.py:g<T> && \x01 ]]> x")});
    report.results.append(result);
    const QByteArray xml = formatJUnit(report);
    const QString python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (python.isEmpty())
        QSKIP("python3 is not installed");
    QProcess process;
    process.start(python,
        {QStringLiteral("-c"),
            QStringLiteral("import sys, xml.etree.ElementTree as ET; t = ET.fromstring(sys.stdin.buffer."
                           "read()); c = t.find('testcase'); print(c.get('name')); "
                           "print(c.find('failure').get('message')); print(c.find('failure').text, "
                           "end='')")});
    QVERIFY(process.waitForStarted());
    process.write(xml);
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished());
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    QCOMPARE(QString::fromUtf8(process.readAllStandardOutput()),
        QStringLiteral("<UI> & \"storage\" 'layers'\nexpected none, found 1 <&>\n"
                       "a.py:3  fn:a.py:f  calls fn:b.py:g<T> && \uFFFD ]]> x\n"));
}

void TestContracts::settingsExclude()
{
    const QByteArray rule = "  - name: tests stay out of storage\n"
                            "    rule: {type: dependency, from: \"tests/**\", to: \"src/storage/**\"}\n"
                            "  - name: no cycles\n"
                            "    rule: {type: analyze, analysis: circular}\n";
    // Test files are invisible by default …
    Report report = m_evaluator->verify(load("contracts:\n" + rule)).report;
    QCOMPARE(describe(report.results.at(0)), QStringList {"passed 0"});
    // … and checked when asked.
    report = m_evaluator->verify(load("settings: {exclude_tests: false}\ncontracts:\n" + rule)).report;
    QCOMPARE(describe(report.results.at(0)),
        (QStringList {"failed 1", "tests/test_view.py:1 mod:tests/test_view.py imports mod:src/storage/db.py"}));
    // A cycle disappears only when all its modules are excluded.
    report = m_evaluator->verify(load("settings: {exclude_patterns: [\"src/core/a.py\"]}\ncontracts:\n" + rule)).report;
    QCOMPARE(report.results.at(1).findings, 1);
    report = m_evaluator->verify(load("settings: {exclude_patterns: [\"src/core/*.py\"]}\ncontracts:\n" + rule)).report;
    QCOMPARE(report.results.at(1).findings, 0);
}

void TestContracts::failOnWarningAndFailFast()
{
    const QByteArray contracts = "contracts:\n"
                                 "  - {name: complex, severity: warning, rule: {type: analyze, analysis: complexity}}\n"
                                 "  - {name: cycles, rule: {type: analyze, analysis: circular}}\n"
                                 "  - {name: unused, severity: info, rule: {type: analyze, analysis: unused}}\n";
    ContractsFile file = load(contracts);
    Report report = m_evaluator->verify(file).report;
    QVERIFY(!report.isBlocking(report.results.at(0)));
    QVERIFY(report.isBlocking(report.results.at(1)));
    QVERIFY(!report.isBlocking(report.results.at(2))); // info never blocks
    report = m_evaluator->verify(file, {true}).report;
    QCOMPARE(toString(report.results.at(0).status), QStringLiteral("failed"));
    QCOMPARE(toString(report.results.at(1).status), QStringLiteral("failed"));
    QCOMPARE(toString(report.results.at(2).status), QStringLiteral("skipped"));

    file.contracts.removeAt(1);
    report = m_evaluator->verify(file).report;
    QVERIFY(report.passed()); // a failed warning alone passes …
    file.settings.failOnWarning = true;
    report = m_evaluator->verify(file, {true}).report;
    QVERIFY(!report.passed()); // … unless fail_on_warning
    QCOMPARE(toString(report.results.at(1).status), QStringLiteral("skipped"));
}

void TestContracts::starterFileIsValid()
{
    const LoadResult loaded = parseContracts(starterContracts(), QStringLiteral("contracts.yml"));
    QVERIFY2(loaded.ok(), qPrintable(errorLines(loaded.errors).join(u'\n')));
    QStringList types;
    for (const Contract& contract : loaded.file.contracts)
        types.append(ruleTypeName(contract.rule));
    types.removeDuplicates();
    types.sort();
    QCOMPARE(types, (QStringList {"analyze", "dependency", "pattern", "query"}));
    const VerifyResult verified = m_evaluator->verify(loaded.file);
    QVERIFY(verified.ok());
    QCOMPARE(verified.report.results.size(), loaded.file.contracts.size());
}

void TestContracts::configErrors_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QStringList>("expected");
    const auto row = [](const char* name, const char* yaml, QStringList expected) {
        QTest::newRow(name) << QByteArray(yaml) << expected;
    };
    row("syntax", "contracts:\n  - name: x\n   rule: {type: analyze}\n", {"3:4: YAML: end of sequence not found"});
    row("empty file", "", {"0:0: the file is empty | `mu contracts init` writes a commented starter file"});
    row("not a mapping", "- a\n", {"1:1: the contracts file must be a mapping (key: value lines), not a list"});
    row("unknown top key", "contract:\n  - name: x\n",
        {"1:1: unknown key 'contract' in the contracts file | did you mean 'contracts'? (one of version, settings, "
         "contracts)",
            "1:1: the file needs a 'contracts' list | `mu contracts init` writes an example"});
    row("bad version", "version: 2\ncontracts: []\n", {"1:10: unknown version '2' | this mu reads version \"1.0\""});
    row("contracts not a list", "contracts: {name: x}\n",
        {"1:12: 'contracts' must be a list (lines starting with '- '), not a mapping"});
    row("settings types", "settings:\n  fail_on_warning: maybe\n  exclude_patterns: \"**/gen/**\"\ncontracts: []\n",
        {"2:20: 'fail_on_warning' must be true or false, not 'maybe'",
            "3:21: 'exclude_patterns' must be a list of globs, not '**/gen/**' | exclude_patterns: [\"**/gen/**\"]"});
    row("unknown settings key", "settings: {exclude_test: true}\ncontracts: []\n",
        {"1:12: unknown key 'exclude_test' in settings | did you mean 'exclude_tests'? (one of fail_on_warning, "
         "exclude_tests, exclude_patterns)"});
    row("missing name and rule", "contracts:\n  - severity: error\n",
        {"2:5: the contract needs a 'name'",
            "2:5: the contract needs a 'rule' | rule: {type: analyze, analysis: circular}"});
    row("duplicate name",
        "contracts:\n  - {name: a, rule: {type: analyze, analysis: circular}}\n"
        "  - {name: a, rule: {type: analyze, analysis: unused}}\n",
        {"3:12: duplicate contract name 'a' (first at line 2)"});
    row("bad severity", "contracts:\n  - name: a\n    severity: fatal\n    rule: {type: analyze, analysis: circular}\n",
        {"3:15: severity must be error, warning or info, not 'fatal' | one of error, warning, info"});
    row("unknown rule type", "contracts:\n  - name: a\n    rule: {type: dependancy, from: a, to: b}\n",
        {"3:18: unknown rule type 'dependancy' | did you mean 'dependency'? (one of analyze, dependency, query, "
         "pattern)"});
    row("rule without type", "contracts:\n  - name: a\n    rule: {analysis: circular}\n",
        {"3:11: the rule needs 'type' | one of analyze, dependency, query, pattern"});
    row("rule not a mapping", "contracts:\n  - name: a\n    rule: circular\n",
        {"3:11: 'rule' must be a mapping such as {type: analyze, analysis: circular}, not 'circular'"});
    row("unknown analysis", "contracts:\n  - name: a\n    rule: {type: analyze, analysis: circulr}\n",
        {"3:37: unknown analysis 'circulr' | did you mean 'circular'? (one of circular, complexity, coupling, "
         "hotspots, unused)"});
    row("threshold where none applies",
        "contracts:\n  - name: a\n    rule: {type: analyze, analysis: unused, threshold: 3}\n",
        {"3:45: the unused analysis takes no threshold | threshold applies to complexity, coupling and hotspots"});
    row("threshold not a number",
        "contracts:\n  - name: a\n    rule: {type: analyze, analysis: coupling, threshold: ten}\n",
        {"3:58: 'threshold' must be a whole number ≥ 0, not 'ten'"});
    row("complexity threshold below the analysis",
        "contracts:\n  - name: a\n    rule: {type: analyze, analysis: complexity, threshold: 5}\n",
        {"3:60: the complexity analysis reports functions over 10; threshold 5 is below it | for a lower bound use a "
         "query rule: \"SELECT id FROM functions WHERE complexity > 5\""});
    row("unknown rule key", "contracts:\n  - name: a\n    rule: {type: dependency, form: \"a/**\", to: \"b/**\"}\n",
        {"3:11: the dependency rule needs 'from' (a glob on file paths) | {type: dependency, from: \"src/ui/**\", "
         "to: \"src/storage/**\"}",
            "3:30: unknown key 'form' in a dependency rule | did you mean 'from'? (one of type, from, to, except)"});
    row("bad glob", "contracts:\n  - name: a\n    rule: {type: dependency, from: \"src/[ui\", to: \"b/**\"}\n",
        {"3:36: bad glob 'src/[ui' in 'from': unclosed '[' at column 5 | globs match project-relative paths: '*' "
         "within a directory, '**' across directories, as in 'src/ui/**'"});
    row("bad double star", "contracts:\n  - name: a\n    rule: {type: dependency, from: \"src/ui**\", to: \"b\"}\n",
        {"3:36: bad glob 'src/ui**' in 'from': '**' must be a whole path segment (as in 'src/**/x.py') at column 7 | "
         "globs match project-relative paths: '*' within a directory, '**' across directories, as in 'src/ui/**'"});
    row("except not a list", "contracts:\n  - name: a\n    rule: {type: dependency, from: a, to: b, except: c}\n",
        {"3:54: 'except' must be a list of globs, not 'c' | except: [\"c\"]"});
    row("bad muql", "contracts:\n  - name: a\n    rule: {type: query, muql: \"SELECT * FORM functions\"}\n",
        {"3:31: bad MUQL in 'muql': Unexpected token 'FORM' at 1:10. Did you mean FROM? | try the query with `mu q` "
         "first"});
    row("unknown column", "contracts:\n  - name: a\n    rule: {type: query, muql: \"SELECT nme FROM functions\"}\n",
        {"3:31: bad MUQL in 'muql': Unknown column 'nme' in functions at 1:8. Did you mean name? | try the query with "
         "`mu q` "
         "first"});
    row("pattern without requirement", "contracts:\n  - name: a\n    rule: {type: pattern, node_type: class}\n",
        {"3:11: the pattern rule requires nothing | give at least one of name_pattern, decorator, base"});
    row("pattern bad node type and regex",
        "contracts:\n  - name: a\n    rule: {type: pattern, node_type: clas, name_pattern: \"(\"}\n",
        {"3:38: unknown node_type 'clas' | did you mean 'class'? (one of module, class, function, struct, interface, "
         "enum, trait, record, union, namespace, method, constructor, property, lambda, package, header)",
            "3:58: bad regular expression in 'name_pattern': missing closing parenthesis at offset 1"});
    row("bad expect word",
        "contracts:\n  - name: a\n    rule: {type: analyze, analysis: circular}\n    expect: emtpy\n",
        {"4:13: expect must be empty, not_empty, {max: N}, {min: N} or {count: N}, not 'emtpy' | did you mean "
         "'empty'? (one of empty, not_empty)"});
    row("bad expect mapping",
        "contracts:\n  - name: a\n    rule: {type: analyze, analysis: circular}\n    expect: {maxx: 3}\n",
        {"4:14: unknown key 'maxx' in expect | did you mean 'max'? (one of max, min, count)"});
    row("expect with two keys",
        "contracts:\n  - name: a\n    rule: {type: analyze, analysis: circular}\n    expect: {max: 3, min: 1}\n",
        {"4:13: expect must be empty, not_empty, {max: N}, {min: N} or {count: N}, not a mapping | give exactly one "
         "of max, min, count"});
    row("negative count",
        "contracts:\n  - name: a\n    rule: {type: analyze, analysis: circular}\n    expect: {count: -1}\n",
        {"4:21: 'count' must be a whole number ≥ 0, not '-1'"});
    row("several problems at once",
        "contracts:\n  - name: a\n    severity: high\n    rule: {type: analyze, analysis: circular}\n"
        "  - name: b\n    rule: {type: query}\n",
        {"3:15: severity must be error, warning or info, not 'high' | one of error, warning, info",
            "6:11: the query rule needs 'muql' | muql: \"SELECT id FROM functions WHERE complexity > 15\""});
}

void TestContracts::configErrors()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QStringList, expected);
    const LoadResult loaded = parseContracts(yaml, QStringLiteral("contracts.yml"));
    const QStringList actual = errorLines(loaded.errors);
    if (actual != expected)
        qWarning("actual:\n%s", qPrintable(actual.join(u'\n')));
    QCOMPARE(actual, expected);
    QVERIFY(!loaded.ok());
}

void TestContracts::ruleThatCannotRun()
{
    // Well-formed MUQL naming a node the graph does not have: an error at the rule, never a pass.
    const ContractsFile file = load("contracts:\n"
                                    "  - name: callers\n"
                                    "    rule: {type: query, muql: \"SHOW callers OF nowhere_at_all\"}\n");
    const VerifyResult verified = m_evaluator->verify(file);
    QCOMPARE(verified.errors.size(), 1);
    const ConfigError& error = verified.errors.first();
    QCOMPARE(error.line, 3);
    QCOMPARE(error.column, 31);
    QVERIFY2(error.message.startsWith(QStringLiteral("contract 'callers' cannot run: ")), qPrintable(error.message));
    QVERIFY2(error.message.contains(QStringLiteral("nowhere_at_all")), qPrintable(error.message));
}

void TestContracts::globs_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("matches");
    const auto row = [](const char* pattern, const char* path, bool matches) {
        QTest::addRow("%s ~ %s", pattern, path) << QString::fromUtf8(pattern) << QString::fromUtf8(path) << matches;
    };
    row("src/ui/**", "src/ui/view.py", true);
    row("src/ui/**", "src/ui/a/b/c.py", true);
    row("src/ui/**", "src/uix/view.py", false);
    row("src/ui/*", "src/ui/a/b.py", false);
    row("**/test_*.py", "test_a.py", true);
    row("**/test_*.py", "a/b/test_a.py", true);
    row("**/test_*.py", "a/b/atest_a.py", false);
    row("src/**/models.py", "src/models.py", true);
    row("src/**/models.py", "src/a/b/models.py", true);
    row("src/?.py", "src/a.py", true);
    row("src/?.py", "src/ab.py", false);
    row("src/[ab].py", "src/b.py", true);
    row("src/[!ab].py", "src/b.py", false);
    row("a+b(c).py", "a+b(c).py", true); // regex metacharacters are literal
}

void TestContracts::globs()
{
    QFETCH(QString, pattern);
    QFETCH(QString, path);
    QFETCH(bool, matches);
    QVERIFY(!Glob::check(pattern));
    QCOMPARE(Glob(pattern).matches(path), matches);
}

void TestContracts::testPaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("isTest");
    for (const char* path :
        {"tests/test_view.py", "pkg/test_x.py", "pkg/x_test.py", "conftest.py", "store/total_test.go",
            "web/app.test.tsx", "web/app.spec.js", "src/__tests__/a.js", "src/test/java/a/AppTest.java",
            "Lib.Tests/ParserTests.cs", "src/parser_unittest.cc", "tests/unit/tst_graph.cpp", "go/testdata/x.go"})
        QTest::newRow(path) << QString::fromUtf8(path) << true;
    for (const char* path : {"src/app/service.py", "src/contest.py", "store/total.go", "web/testing.ts",
             "src/main/java/a/Tester.java", "src/attest/a.py", "latest/x.py"})
        QTest::newRow(path) << QString::fromUtf8(path) << false;
}

void TestContracts::testPaths()
{
    QFETCH(QString, path);
    QFETCH(bool, isTest);
    QCOMPARE(isTestPath(path), isTest);
}

QTEST_GUILESS_MAIN(TestContracts)
#include "tst_contracts.moc"
