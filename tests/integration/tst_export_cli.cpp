// `mu export` of the real binary on an indexed fixture project: every format to stdout and to a
// file, the filters (--nodes by id and by name, --depth, --types, --max-nodes), --direction, the MU
// text options, and bad input (exit 2 for usage errors, 1 for user errors, nothing written).
#include "pipelinetest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mu;
using namespace mu::testing;

namespace {

constexpr int kTimeoutMs = 120000;

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Run run(const QStringList& arguments, const QString& workingDirectory = {}, const QString& program = {},
    const QByteArray& input = {})
{
    QProcess process;
    process.setProgram(program.isEmpty() ? QStringLiteral(MU_EXECUTABLE) : program);
    process.setArguments(arguments);
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NO_COLOR"), QStringLiteral("1"));
    process.setProcessEnvironment(env);
    process.start();
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(kTimeoutMs))
        qFatal("%s did not finish", qPrintable(arguments.join(u' ')));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
        process.readAllStandardError()};
}

QStringList nodeIds(const QJsonObject& document)
{
    QStringList ids;
    for (const QJsonValue& node : document.value(QLatin1String("nodes")).toArray())
        ids.append(node.toObject().value(QLatin1String("id")).toString());
    return ids;
}

} // namespace

class TestExportCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyFormat_data();
    void everyFormat();
    void defaultJsonAndOutputFile();
    void filters();
    void muOptions();
    void badInput_data();
    void badInput();

private:
    QTemporaryDir m_dir;
};

void TestExportCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    copyTree(QStringLiteral(MU_FIXTURES_DIR "/python"), m_dir.path());
    copyTree(QStringLiteral(MU_FIXTURES_DIR "/export/hostile"), m_dir.path() + QStringLiteral("/hostile"));
    const Run index = run({QStringLiteral("index"), m_dir.path()});
    QVERIFY2(index.exitCode == 0, index.err.constData());
}

void TestExportCli::everyFormat_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QByteArray>("start");
    QTest::newRow("json") << "json" << QByteArray("{");
    QTest::newRow("mu") << "mu" << QByteArray("# MU v1 · source: ");
    QTest::newRow("mermaid") << "mermaid" << QByteArray("flowchart LR\n");
    QTest::newRow("mermaid-class") << "mermaid-class" << QByteArray("classDiagram\n    direction LR\n");
    QTest::newRow("d2") << "d2" << QByteArray("direction: right\n");
    QTest::newRow("dot") << "dot" << QByteArray("digraph \"mu\" {\n");
    QTest::newRow("cytoscape") << "cytoscape" << QByteArray("{");
    QTest::newRow("graphml") << "graphml" << QByteArray("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
}

void TestExportCli::everyFormat()
{
    QFETCH(QString, format);
    QFETCH(QByteArray, start);
    const Run result
        = run({QStringLiteral("export"), QStringLiteral("-f"), format, QStringLiteral("-C"), m_dir.path()});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QVERIFY2(result.out.startsWith(start), result.out.left(200).constData());
    QVERIFY(result.out.size() > 200);
    // Also from a subdirectory of the project, like every command.
    const Run nested
        = run({QStringLiteral("export"), QStringLiteral("--format"), format}, m_dir.path() + QStringLiteral("/pkg"));
    QCOMPARE(nested.exitCode, 0);
    if (format != QLatin1String("json"))
        QCOMPARE(nested.out, result.out);
    if (format == QLatin1String("dot") && !QStandardPaths::findExecutable(QStringLiteral("dot")).isEmpty()) {
        const Run svg = run({QStringLiteral("-Tsvg")}, {}, QStringLiteral("dot"), result.out);
        QVERIFY2(svg.exitCode == 0, svg.err.constData());
    }
}

void TestExportCli::defaultJsonAndOutputFile()
{
    const Run result = run({QStringLiteral("export"), QStringLiteral("-C"), m_dir.path()});
    QCOMPARE(result.exitCode, 0);
    const QJsonObject document = result.json();
    QCOMPARE(document.value(QLatin1String("version")).toString(), QStringLiteral("1.0"));
    const QStringList ids = nodeIds(document);
    QVERIFY(ids.contains(QStringLiteral("cls:service.py:UserService")));
    QVERIFY(ids.contains(QStringLiteral("fn:hostile/quotes.py:größe")));
    QCOMPARE(document.value(QLatin1String("stats")).toObject().value(QLatin1String("nodes")).toInt(), ids.size());

    QTemporaryDir out;
    const QString file = out.filePath(QStringLiteral("graph.graphml"));
    const Run written = run({QStringLiteral("export"), QStringLiteral("-f"), QStringLiteral("graphml"),
        QStringLiteral("-o"), file, QStringLiteral("-C"), m_dir.path()});
    QCOMPARE(written.exitCode, 0);
    QVERIFY(written.out.isEmpty());
    QFile graphml(file);
    QVERIFY(graphml.open(QIODevice::ReadOnly));
    const QByteArray xml = graphml.readAll();
    QVERIFY(xml.contains("<graphml"));
    QCOMPARE(xml.count("<node "), ids.size());
}

void TestExportCli::filters()
{
    // By name (resolved like every NODE) with a neighbourhood.
    Run result = run({QStringLiteral("export"), QStringLiteral("-n"), QStringLiteral("UserService"),
        QStringLiteral("--depth"), QStringLiteral("1"), QStringLiteral("-C"), m_dir.path()});
    QVERIFY2(result.exitCode == 0, result.err.constData());
    QStringList ids = nodeIds(result.json());
    QVERIFY(ids.contains(QStringLiteral("cls:service.py:UserService")));
    QVERIFY(ids.contains(QStringLiteral("mod:service.py")));
    QVERIFY(ids.contains(QStringLiteral("fn:service.py:UserService.fetch")));
    QVERIFY(!ids.contains(QStringLiteral("fn:hostile/quotes.py:helper")));

    // Several nodes, by id and by path, comma-separated; types; max nodes.
    result = run({QStringLiteral("export"), QStringLiteral("--nodes"),
        QStringLiteral("mod:service.py,hostile/quotes.py"), QStringLiteral("--depth"), QStringLiteral("2"),
        QStringLiteral("-t"), QStringLiteral("module,class"), QStringLiteral("-C"), m_dir.path()});
    QCOMPARE(result.exitCode, 0);
    ids = nodeIds(result.json());
    QVERIFY(ids.contains(QStringLiteral("mod:service.py")));
    QVERIFY(ids.contains(QStringLiteral("mod:hostile/quotes.py")));
    QVERIFY(ids.contains(QStringLiteral("cls:hostile/quotes.py:Tricky")));
    for (const QString& id : std::as_const(ids))
        QVERIFY2(id.startsWith(QLatin1String("mod:")) || id.startsWith(QLatin1String("cls:")), qPrintable(id));

    result = run(
        {QStringLiteral("export"), QStringLiteral("-m"), QStringLiteral("3"), QStringLiteral("-C"), m_dir.path()});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(nodeIds(result.json()).size(), 3);
    QVERIFY(result.json().value(QLatin1String("stats")).toObject().value(QLatin1String("truncated")).toBool());

    // Direction reaches the diagram formats.
    result = run({QStringLiteral("export"), QStringLiteral("-f"), QStringLiteral("mermaid"),
        QStringLiteral("--direction"), QStringLiteral("tb"), QStringLiteral("-C"), m_dir.path()});
    QCOMPARE(result.exitCode, 0);
    QVERIFY(result.out.startsWith("flowchart TB\n"));
    result = run({QStringLiteral("export"), QStringLiteral("-f"), QStringLiteral("dot"), QStringLiteral("--direction"),
        QStringLiteral("RL"), QStringLiteral("-C"), m_dir.path()});
    QVERIFY(result.out.contains("rankdir=RL"));
}

void TestExportCli::muOptions()
{
    const QStringList base {QStringLiteral("export"), QStringLiteral("-f"), QStringLiteral("mu"), QStringLiteral("-n"),
        QStringLiteral("fn:service.py:UserService.fetch"), QStringLiteral("-C"), m_dir.path()};
    Run result = run(base);
    QCOMPARE(result.exitCode, 0);
    const QString text = QString::fromUtf8(result.out);
    QVERIFY(text.contains(QStringLiteral(
        "!module service\n  $UserService < BaseService  :L37-96\n    #async fetch(url: str, timeout: float = 1.0, "
        "**options) -> bytes  :L72-81  ::complexity=1\n      \"Fetch raw bytes.\"\n")));
    QVERIFY(text.startsWith(QStringLiteral("# MU v1 · source: %1 · modules: 1 · classes: 1 · functions: 1 · revision: ")
                                .arg(QFileInfo(m_dir.path()).fileName())));

    result = run(base
        + QStringList {QStringLiteral("--no-line-ranges"), QStringLiteral("--no-docstrings"),
            QStringLiteral("--complexity-threshold"), QStringLiteral("0")});
    QCOMPARE(result.exitCode, 0);
    QVERIFY(QString::fromUtf8(result.out)
                .endsWith(QStringLiteral("!module service\n  $UserService < BaseService\n    #async fetch(url: str, "
                                         "timeout: float = 1.0, **options) -> bytes\n")));
}

void TestExportCli::badInput_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("format") << QStringList {QStringLiteral("-f"), QStringLiteral("svg")} << 2
                            << QByteArray("Unknown format 'svg'");
    QTest::newRow("type") << QStringList {QStringLiteral("-t"), QStringLiteral("module,widget")} << 2
                          << QByteArray("Unknown node type 'widget'");
    QTest::newRow("depth") << QStringList {QStringLiteral("-n"), QStringLiteral("UserService"),
        QStringLiteral("--depth"), QStringLiteral("99")}
                           << 2 << QByteArray("--depth");
    QTest::newRow("depth without nodes") << QStringList {QStringLiteral("--depth"), QStringLiteral("2")} << 2
                                         << QByteArray("--depth needs --nodes");
    QTest::newRow("max") << QStringList {QStringLiteral("-m"), QStringLiteral("0")} << 2 << QByteArray("--max-nodes");
    QTest::newRow("direction") << QStringList {QStringLiteral("--direction"), QStringLiteral("up")} << 2
                               << QByteArray("Unknown direction 'up'");
    QTest::newRow("positional") << QStringList {QStringLiteral("extra")} << 2 << QByteArray("no positional");
    QTest::newRow("unknown node") << QStringList {QStringLiteral("-n"), QStringLiteral("NoSuchThingAnywhere")} << 1
                                  << QByteArray("NoSuchThingAnywhere");
    QTest::newRow("ambiguous node") << QStringList {QStringLiteral("-n"), QStringLiteral("size")} << 1
                                    << QByteArray("size");
    QTest::newRow("unwritable output") << QStringList {QStringLiteral("-o"), QStringLiteral("/nonexistent-dir/x.json")}
                                       << 1 << QByteArray("Cannot write /nonexistent-dir/x.json");
}

void TestExportCli::badInput()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QByteArray, message);
    const Run result
        = run(QStringList {QStringLiteral("export")} + arguments + QStringList {QStringLiteral("-C"), m_dir.path()});
    QCOMPARE(result.exitCode, exitCode);
    QVERIFY(result.out.isEmpty());
    QVERIFY2(result.err.contains(message), result.err.constData());

    // Outside any project: a user error naming the problem.
    QTemporaryDir empty;
    const Run outside = run({QStringLiteral("export"), QStringLiteral("-C"), empty.path()});
    QCOMPARE(outside.exitCode, 1);
    QVERIFY(outside.out.isEmpty());
}

QTEST_GUILESS_MAIN(TestExportCli)
#include "tst_export_cli.moc"
