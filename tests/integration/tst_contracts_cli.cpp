// `mu contracts init|verify` with the real executable on tests/fixtures/contracts/project: the
// starter file, exit codes 0/1/5, the three formats, --fail-fast, -o and configuration errors
// with their line.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kFixtures = QStringLiteral(MU_FIXTURES_DIR "/contracts");

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run mu(const QStringList& arguments, const QString& workingDir)
{
    QProcess process;
    process.setProgram(QStringLiteral(MU_EXECUTABLE));
    process.setArguments(arguments);
    process.setWorkingDirectory(workingDir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NO_COLOR"), QStringLiteral("1"));
    process.setProcessEnvironment(env);
    process.start();
    if (!process.waitForFinished(120000))
        qFatal("mu %s did not finish", qPrintable(arguments.join(u' ')));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
        process.readAllStandardError()};
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
}

} // namespace

class TestContractsCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void help();
    void initWritesStarterOnce();
    void verifyStarter();
    void formats();
    void passingContracts();
    void failFastAndOutputFile();
    void configurationErrors();
    void usageErrors();

private:
    QString contracts() const { return m_project.filePath(QStringLiteral(".mu/contracts.yml")); }
    Run verify(const QStringList& extra = {})
    {
        return mu(QStringList {QStringLiteral("contracts"), QStringLiteral("verify")} + extra, m_project.path());
    }

    QTemporaryDir m_project;
};

void TestContractsCli::initTestCase()
{
    const QString from = kFixtures + QStringLiteral("/project");
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = m_project.filePath(QDir(from).relativeFilePath(source));
        QDir().mkpath(QFileInfo(target).path());
        QVERIFY(QFile::copy(source, target));
    }
    QCOMPARE(mu({QStringLiteral("index"), m_project.path()}, m_project.path()).exitCode, 0);
}

void TestContractsCli::help()
{
    for (const char* sub : {"init", "verify"}) {
        const Run run
            = mu({QStringLiteral("contracts"), QString::fromLatin1(sub), QStringLiteral("--help")}, m_project.path());
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QByteArray(QByteArray("Usage: mu contracts ") + sub)), run.out.constData());
    }
    const Run verifyHelp
        = mu({QStringLiteral("contracts"), QStringLiteral("verify"), QStringLiteral("--help")}, m_project.path());
    for (const char* option : {"--format", "--fail-fast", "--output", "--project", "Exit codes"})
        QVERIFY2(verifyHelp.out.contains(option), option);
    const Run top = mu({QStringLiteral("contracts"), QStringLiteral("--help")}, m_project.path());
    QCOMPARE(top.exitCode, 0);
    QVERIFY(top.out.contains("init") && top.out.contains("verify"));
}

void TestContractsCli::initWritesStarterOnce()
{
    QVERIFY(!QFileInfo::exists(contracts()));
    Run run = mu({QStringLiteral("contracts"), QStringLiteral("init")}, m_project.path());
    QCOMPARE(run.exitCode, 0);
    const QByteArray starter = readFile(contracts());
    for (const char* type : {"type: analyze", "type: dependency", "type: query", "type: pattern", "# "})
        QVERIFY2(starter.contains(type), type);

    writeFile(contracts(), "# mine\ncontracts: []\n");
    run = mu({QStringLiteral("contracts"), QStringLiteral("init")}, m_project.path());
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("already exists") && run.err.contains("--force"), run.err.constData());
    QCOMPARE(readFile(contracts()), QByteArray("# mine\ncontracts: []\n"));
    run = mu({QStringLiteral("contracts"), QStringLiteral("init"), QStringLiteral("--force"), QStringLiteral("-C"),
                 m_project.path()},
        QDir::tempPath());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(readFile(contracts()), starter);
}

void TestContractsCli::verifyStarter()
{
    // The starter file on this project: the cycle, the layering and the service name fail.
    const Run run = verify();
    QCOMPARE(run.exitCode, 5);
    QVERIFY2(run.out.contains("FAILED   error    No import cycles\n"), run.out.constData());
    QVERIFY(run.out.contains("src/ui/view.py:2  mod:src/ui/view.py  imports mod:src/storage/db.py"));
    QVERIFY(run.out.contains("PASSED   warning  Handlers are small\n"));
    QVERIFY(run.out.endsWith("FAILED\n"));
}

void TestContractsCli::formats()
{
    writeFile(contracts(), readFile(kFixtures + QStringLiteral("/all_rules.yml")));
    Run run = verify();
    QCOMPARE(run.exitCode, 5);
    QCOMPARE(run.out, readFile(kFixtures + QStringLiteral("/report.txt")));
    run = verify({QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(run.exitCode, 5);
    QCOMPARE(QJsonDocument::fromJson(run.out),
        QJsonDocument::fromJson(readFile(kFixtures + QStringLiteral("/report.json"))));
    QCOMPARE(verify({QStringLiteral("--json")}).out, run.out);
    run = verify({QStringLiteral("--format"), QStringLiteral("junit")});
    QCOMPARE(run.exitCode, 5);
    QCOMPARE(run.out, readFile(kFixtures + QStringLiteral("/report.xml")));
}

void TestContractsCli::passingContracts()
{
    // Only non-blocking failures (a warning and an info): exit 0, until fail_on_warning.
    const QByteArray contracts
        = "contracts:\n"
          "  - {name: complex, severity: warning, rule: {type: analyze, analysis: complexity}}\n"
          "  - {name: unused, severity: info, rule: {type: analyze, analysis: unused}}\n"
          "  - {name: layers, rule: {type: dependency, from: \"src/storage/**\", to: \"src/ui/**\"}}\n";
    writeFile(this->contracts(), contracts);
    Run run = verify();
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.endsWith("PASSED (the failures are not blocking: warning or info)\n"), run.out.constData());
    writeFile(this->contracts(), "settings: {fail_on_warning: true}\n" + contracts);
    run = verify({QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 5);
    const QJsonObject json = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(json.value(u"passed").toBool(), false);
    QCOMPARE(json.value(u"contracts").toArray().at(0).toObject().value(u"blocking").toBool(), true);
}

void TestContractsCli::failFastAndOutputFile()
{
    writeFile(contracts(), readFile(kFixtures + QStringLiteral("/all_rules.yml")));
    const QString report = m_project.filePath(QStringLiteral("out/report.xml"));
    QDir().mkpath(QFileInfo(report).path());
    const Run run = verify(
        {QStringLiteral("--fail-fast"), QStringLiteral("-f"), QStringLiteral("junit"), QStringLiteral("-o"), report});
    QCOMPARE(run.exitCode, 5);
    QVERIFY(run.out.isEmpty());
    QVERIFY2(run.err.contains("contracts FAILED; report written to"), run.err.constData());
    const QByteArray xml = readFile(report);
    QVERIFY2(xml.contains("tests=\"14\" failures=\"1\" errors=\"0\" skipped=\"13\""), xml.constData());
}

void TestContractsCli::configurationErrors()
{
    writeFile(contracts(), "contracts:\n  - name: a\n    rule: {type: dependancy, from: a, to: b}\n");
    Run run = verify();
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.out.isEmpty());
    QCOMPARE(run.err,
        QByteArray(".mu/contracts.yml:3:18: unknown rule type 'dependancy'\n"
                   "  hint: did you mean 'dependency'? (one of analyze, dependency, query, pattern)\n"
                   "mu: 1 problem in the contracts file; nothing was verified\n"));
    // A query that parses but names nothing in the graph: also a configuration error, at its line.
    writeFile(
        contracts(), "contracts:\n  - name: a\n    rule: {type: query, muql: \"SHOW callers OF nowhere_at_all\"}\n");
    run = verify();
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.startsWith(".mu/contracts.yml:3:31: contract 'a' cannot run: "), run.err.constData());

    QFile::remove(contracts());
    run = verify();
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("no contracts file at .mu/contracts.yml") && run.err.contains("mu contracts init"),
        run.err.constData());
    QTemporaryDir notIndexed;
    run = mu({QStringLiteral("contracts"), QStringLiteral("verify")}, notIndexed.path());
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.err.contains("run 'mu index'"));
}

void TestContractsCli::usageErrors()
{
    QCOMPARE(mu({QStringLiteral("contracts")}, m_project.path()).exitCode, 2);
    QCOMPARE(mu({QStringLiteral("contracts"), QStringLiteral("check")}, m_project.path()).exitCode, 2);
    const Run run = verify({QStringLiteral("--format"), QStringLiteral("xml")});
    QCOMPARE(run.exitCode, 2);
    QVERIFY(run.err.contains("unknown format 'xml'"));
    QCOMPARE(verify({QStringLiteral("--bogus")}).exitCode, 2);
}

QTEST_GUILESS_MAIN(TestContractsCli)
#include "tst_contracts_cli.moc"
