// Graph exports (SPEC §6): every format on indexed fixtures, checked by the formats' own tools
// (Graphviz `dot -Tsvg`, networkx for GraphML and JSON) and, for Mermaid and D2, by golden files;
// filters; hostile identifiers.
#include "exporttest.h"

#include "export/exporter.h"
#include "graph/graph.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

using namespace mu;
using namespace mu::exports;
using namespace mu::testing;

namespace {

struct Loaded {
    IndexedProject project;
    std::shared_ptr<const graph::Graph> graph;
};

Loaded load(const QString& fixture, bool hostilePath = false)
{
    Loaded loaded {hostilePath ? indexFixture(fixture, addHostilePath) : indexFixture(fixture), {}};
    auto graph = graph::Graph::load(loaded.project.dbPath());
    if (!graph)
        qFatal("graph: %s", qPrintable(graph.error().message));
    loaded.graph = *graph;
    return loaded;
}

QByteArray exportOrDie(const Loaded& loaded, const ExportOptions& options)
{
    Result<QByteArray> data = exportGraph(*loaded.project.reader, *loaded.graph, options);
    if (!data)
        qFatal("export: %s", qPrintable(data.error().message));
    return *data;
}

ExportOptions optionsFor(ExportFormat format)
{
    ExportOptions options;
    options.format = format;
    options.source = QStringLiteral("fixture");
    return options;
}

/// Nodes and edges a filter keeps, counted on the snapshot directly.
std::pair<qsizetype, qsizetype> expectedCounts(const graph::Graph& graph, const ExportFilter& filter)
{
    Result<ExportSelection> selection = selectNodes(graph, filter);
    if (!selection)
        qFatal("select: %s", qPrintable(selection.error().message));
    std::vector<bool> kept(size_t(graph.nodeCount()), false);
    for (graph::NodeIndex node : selection->nodes)
        kept[size_t(node)] = true;
    qsizetype edges = 0;
    for (graph::NodeIndex node : selection->nodes) {
        for (const graph::Adjacent& adjacent : graph.outgoing(node))
            edges += kept[size_t(adjacent.node)] ? 1 : 0;
    }
    return {qsizetype(selection->nodes.size()), edges};
}

/// Runs a program with `input` on stdin; returns {exit code, stdout, stderr}.
struct Run {
    int code = -1;
    QByteArray out;
    QByteArray err;
};

Run run(const QString& program, const QStringList& arguments, const QByteArray& input = {})
{
    QProcess process;
    process.start(program, arguments);
    Run result;
    if (!process.waitForStarted(30000))
        return result;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(120000))
        return result;
    result.code = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

/// networkx's view of an export: "nodes edges".
QByteArray networkxCounts(const QByteArray& data, ExportFormat format)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("graph.") + fileExtension(format));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(data);
    file.close();
    const QString script = format == ExportFormat::GraphMl
        ? QStringLiteral("import sys, networkx as nx\n"
                         "g = nx.read_graphml(sys.argv[1])\n"
                         "print(g.number_of_nodes(), g.number_of_edges())\n")
        : QStringLiteral("import sys, json, networkx as nx\n"
                         "d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
                         "g = nx.node_link_graph(d, directed=True, multigraph=True, source='source_id',\n"
                         "                       target='target_id', edges='edges')\n"
                         "print(g.number_of_nodes(), g.number_of_edges())\n");
    const Run result = run(QStringLiteral("python3"), {QStringLiteral("-c"), script, path});
    if (result.code != 0)
        qWarning("networkx failed: %s", result.err.constData());
    return result.out.trimmed();
}

QString fixturePath(const char* name)
{
    return QStringLiteral(MU_FIXTURES_DIR "/") + QLatin1String(name);
}

} // namespace

class TestExporter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void formatNames();
    void everyFormat_data();
    void everyFormat();
    void graphvizAcceptsDot_data();
    void graphvizAcceptsDot();
    void networkxReadsGraphMlAndJson_data();
    void networkxReadsGraphMlAndJson();
    void diagramGoldens_data();
    void diagramGoldens();
    void jsonContent();
    void filters();
    void badInput();
};

void TestExporter::formatNames()
{
    for (ExportFormat format : allExportFormats()) {
        QVERIFY(exportFormatFromString(toString(format)) == format);
        QVERIFY(!mimeType(format).isEmpty());
        QVERIFY(!fileExtension(format).isEmpty());
    }
    QVERIFY(exportFormatFromString(u"GRAPHVIZ") == ExportFormat::Dot);
    QVERIFY(exportFormatFromString(u"Mermaid-Class") == ExportFormat::MermaidClass);
    QVERIFY(!exportFormatFromString(u"svg"));
    QCOMPARE(mimeType(ExportFormat::Json), QStringLiteral("application/json"));
    QCOMPARE(mimeType(ExportFormat::GraphMl), QStringLiteral("application/graphml+xml"));
}

void TestExporter::everyFormat_data()
{
    QTest::addColumn<int>("format");
    for (ExportFormat format : allExportFormats())
        QTest::newRow(qPrintable(toString(format))) << int(format);
}

void TestExporter::everyFormat()
{
    QFETCH(int, format);
    const Loaded loaded = load(exportFixtures() + QStringLiteral("/hostile"), true);
    const QByteArray data = exportOrDie(loaded, optionsFor(ExportFormat(format)));
    QVERIFY(!data.isEmpty());
    QVERIFY(QString::fromUtf8(data).toUtf8() == data); // valid UTF-8
    // Unicode identifiers come through intact (größe is a function: not in a class diagram).
    if (ExportFormat(format) == ExportFormat::MermaidClass)
        QVERIFY(data.contains("quotes.Tricky"));
    else
        QVERIFY(data.contains("gr\xc3\xb6\xc3\x9f"
                              "e"));
    if (ExportFormat(format) == ExportFormat::Cytoscape) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(data, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonObject elements = document.object().value(QLatin1String("elements")).toObject();
        QCOMPARE(elements.value(QLatin1String("nodes")).toArray().size(), qsizetype(loaded.graph->nodeCount()));
        QCOMPARE(elements.value(QLatin1String("edges")).toArray().size(), loaded.graph->edgeCount());
        bool found = false;
        for (const QJsonValue& node : elements.value(QLatin1String("nodes")).toArray()) {
            found = found
                || node.toObject().value(QLatin1String("data")).toObject().value(QLatin1String("id")).toString()
                    == QStringLiteral("mod:odd dir/we\"ird <name> \u00fc.py");
        }
        QVERIFY(found);
    }
    if (ExportFormat(format) == ExportFormat::Mu) {
        // The mu export is MU text of every module, fully expanded.
        QVERIFY(data.startsWith("# MU v1 · source: fixture · modules: 4 ·"));
        QVERIFY(data.contains("!module odd dir.we\"ird <name> ü\n"));
    }
}

void TestExporter::graphvizAcceptsDot_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QString>("direction");
    QTest::addColumn<bool>("hostile");
    QTest::newRow("hostile LR") << exportFixtures() + QStringLiteral("/hostile") << "LR" << true;
    QTest::newRow("hostile TB") << exportFixtures() + QStringLiteral("/hostile") << "TB" << true;
    QTest::newRow("python RL") << fixturePath("python") << "RL" << false;
    QTest::newRow("cpp BT") << fixturePath("cpp") << "BT" << false;
    QTest::newRow("rust") << fixturePath("rust") << "LR" << false;
    QTest::newRow("csharp") << fixturePath("csharp") << "LR" << false;
    QTest::newRow("ecmascript") << fixturePath("ecmascript") << "LR" << false;
}

void TestExporter::graphvizAcceptsDot()
{
    QFETCH(QString, fixture);
    QFETCH(QString, direction);
    QFETCH(bool, hostile);
    if (QStandardPaths::findExecutable(QStringLiteral("dot")).isEmpty())
        QFAIL("Graphviz 'dot' is required by this test");
    const Loaded loaded = load(fixture, hostile);
    ExportOptions options = optionsFor(ExportFormat::Dot);
    options.direction = direction;
    const QByteArray dot = exportOrDie(loaded, options);
    QVERIFY(dot.contains(QByteArray("rankdir=" + direction.toLatin1())));
    const Run result = run(QStringLiteral("dot"), {QStringLiteral("-Tsvg")}, dot);
    QVERIFY2(result.code == 0, result.err.constData());
    QVERIFY2(result.err.isEmpty(), result.err.constData());
    QVERIFY(result.out.contains("<svg"));
    // Graphviz read every node: one <g class="node"> per node, every id intact in the titles.
    QCOMPARE(qsizetype(result.out.count("class=\"node\"")), qsizetype(loaded.graph->nodeCount()));
    QCOMPARE(qsizetype(result.out.count("class=\"edge\"")), loaded.graph->edgeCount());
    if (hostile)
        QVERIFY(result.out.contains("mod:odd dir/we&quot;ird &lt;name&gt; \xc3\xbc.py"));
}

void TestExporter::networkxReadsGraphMlAndJson_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<bool>("hostile");
    QTest::addColumn<QStringList>("nodeIds");
    QTest::addColumn<int>("depth");
    QTest::newRow("hostile") << exportFixtures() + QStringLiteral("/hostile") << true << QStringList() << 0;
    QTest::newRow("python") << fixturePath("python") << false << QStringList() << 0;
    QTest::newRow("go") << fixturePath("go") << false << QStringList() << 0;
    QTest::newRow("java neighbourhood") << fixturePath(
        "java") << false << QStringList {QStringLiteral("cls:com/acme/shop/OrderService.java:OrderService")}
                                        << 1;
}

void TestExporter::networkxReadsGraphMlAndJson()
{
    QFETCH(QString, fixture);
    QFETCH(bool, hostile);
    QFETCH(QStringList, nodeIds);
    QFETCH(int, depth);
    const Loaded loaded = load(fixture, hostile);
    ExportFilter filter;
    filter.nodeIds = nodeIds;
    filter.depth = depth;
    const auto [nodes, edges] = expectedCounts(*loaded.graph, filter);
    QVERIFY(nodes > 0);
    QVERIFY(edges > 0);
    const QByteArray expected = QByteArray::number(nodes) + ' ' + QByteArray::number(edges);
    for (ExportFormat format : {ExportFormat::GraphMl, ExportFormat::Json}) {
        ExportOptions options = optionsFor(format);
        options.filter = filter;
        QCOMPARE(networkxCounts(exportOrDie(loaded, options), format), expected);
    }
}

void TestExporter::diagramGoldens_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("direction");
    QTest::addColumn<QString>("file");
    QTest::newRow("mermaid") << int(ExportFormat::Mermaid) << "LR"
                             << "hostile.mmd";
    QTest::newRow("mermaid TB") << int(ExportFormat::Mermaid) << "TB"
                                << "hostile-tb.mmd";
    QTest::newRow("mermaid-class") << int(ExportFormat::MermaidClass) << "LR"
                                   << "hostile-class.mmd";
    QTest::newRow("d2") << int(ExportFormat::D2) << "LR"
                        << "hostile.d2";
    QTest::newRow("d2 BT") << int(ExportFormat::D2) << "BT"
                           << "hostile-bt.d2";
    QTest::newRow("dot") << int(ExportFormat::Dot) << "LR"
                         << "hostile.dot";
    QTest::newRow("graphml") << int(ExportFormat::GraphMl) << "LR"
                             << "hostile.graphml";
}

void TestExporter::diagramGoldens()
{
    QFETCH(int, format);
    QFETCH(QString, direction);
    QFETCH(QString, file);
    const Loaded loaded = load(exportFixtures() + QStringLiteral("/hostile"), true);
    ExportOptions options = optionsFor(ExportFormat(format));
    options.direction = direction;
    const QString text = QString::fromUtf8(exportOrDie(loaded, options));
    compareText(text, golden(exportFixtures() + QStringLiteral("/diagrams/") + file, text));
}

void TestExporter::jsonContent()
{
    const Loaded loaded = load(exportFixtures() + QStringLiteral("/hostile"), true);
    QJsonParseError error;
    const QJsonObject document
        = QJsonDocument::fromJson(exportOrDie(loaded, optionsFor(ExportFormat::Json)), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(document.value(QLatin1String("version")).toString(), QStringLiteral("1.0"));
    QVERIFY(
        QDateTime::fromString(document.value(QLatin1String("generated_at")).toString(), Qt::ISODateWithMs).isValid());
    QCOMPARE(document.value(QLatin1String("revision")).toInteger(), loaded.graph->revision());
    const QJsonObject stats = document.value(QLatin1String("stats")).toObject();
    const QJsonArray nodes = document.value(QLatin1String("nodes")).toArray();
    const QJsonArray edges = document.value(QLatin1String("edges")).toArray();
    QCOMPARE(stats.value(QLatin1String("nodes")).toInteger(), nodes.size());
    QCOMPARE(stats.value(QLatin1String("edges")).toInteger(), edges.size());
    QCOMPARE(nodes.size(), qsizetype(loaded.graph->nodeCount()));
    QCOMPARE(edges.size(), loaded.graph->edgeCount());
    QCOMPARE(stats.value(QLatin1String("nodes_by_type")).toObject().value(QLatin1String("module")).toInt(), 4);
    // Full node rows: signature, docstring, properties.
    bool sawMethod = false;
    for (const QJsonValue& value : nodes) {
        const QJsonObject node = value.toObject();
        if (node.value(QLatin1String("id")).toString() == QStringLiteral("fn:quotes.py:Tricky.method")) {
            sawMethod = true;
            QCOMPARE(node.value(QLatin1String("signature")).toString(),
                QStringLiteral("def method(self, value: \"List[int]\" = \"a\\\"b\") -> dict[str, \"Tricky\"]"));
            QVERIFY(node.value(QLatin1String("properties")).toObject().contains(QLatin1String("parameters")));
            QVERIFY(node.value(QLatin1String("line_end")).toInt() > node.value(QLatin1String("line_start")).toInt());
        }
    }
    QVERIFY(sawMethod);
    for (const QJsonValue& value : edges) {
        const QJsonObject edge = value.toObject();
        QVERIFY(!edge.value(QLatin1String("source_id")).toString().isEmpty());
        QVERIFY(!edge.value(QLatin1String("target_id")).toString().isEmpty());
        QVERIFY(edge.contains(QLatin1String("file_path")));
    }
}

void TestExporter::filters()
{
    const Loaded loaded = load(fixturePath("python"));
    const graph::Graph& graph = *loaded.graph;
    const auto ids = [&](const ExportFilter& filter) {
        Result<ExportSelection> selection = selectNodes(graph, filter);
        if (!selection)
            qFatal("select: %s", qPrintable(selection.error().message));
        QStringList list;
        for (graph::NodeIndex node : selection->nodes)
            list.append(graph.id(node));
        return list;
    };

    // Listed nodes alone; with depth, their neighbourhood in both directions.
    ExportFilter filter;
    filter.nodeIds = {QStringLiteral("cls:service.py:UserService")};
    QCOMPARE(ids(filter), filter.nodeIds);
    filter.depth = 1;
    const QStringList near = ids(filter);
    QVERIFY(near.contains(QStringLiteral("mod:service.py")));                  // contains it
    QVERIFY(near.contains(QStringLiteral("fn:service.py:UserService.fetch"))); // it contains
    QVERIFY(!near.contains(QStringLiteral("fn:service.py:UserService._lookup.normalize")));
    filter.depth = 2;
    QVERIFY(ids(filter).contains(QStringLiteral("fn:service.py:UserService._lookup.normalize")));

    // Types.
    filter = {};
    filter.types = {NodeType::Module};
    const QStringList modules = ids(filter);
    QVERIFY(!modules.isEmpty());
    for (const QString& id : modules)
        QVERIFY(id.startsWith(QLatin1String("mod:")));

    // Max nodes: the listed nodes come first, then the nearest.
    filter = {};
    filter.nodeIds = {QStringLiteral("fn:service.py:make_service")};
    filter.depth = 3;
    filter.maxNodes = 2;
    Result<ExportSelection> capped = selectNodes(graph, filter);
    QVERIFY(capped);
    QVERIFY(capped->truncated);
    QCOMPARE(capped->nodes.size(), size_t(2));
    QVERIFY(ids(filter).contains(QStringLiteral("fn:service.py:make_service")));
    filter = {};
    filter.maxNodes = 5;
    QCOMPARE(ids(filter).size(), 5);
    filter.maxNodes = 100000;
    Result<ExportSelection> uncapped = selectNodes(graph, filter);
    QVERIFY(uncapped && !uncapped->truncated);

    // An edge is kept only when both ends are: modules only → imports between modules only.
    ExportOptions options = optionsFor(ExportFormat::Json);
    options.filter.types = {NodeType::Module, NodeType::External};
    const QJsonObject document = QJsonDocument::fromJson(exportOrDie(loaded, options)).object();
    const QJsonArray edges = document.value(QLatin1String("edges")).toArray();
    QVERIFY(!edges.isEmpty());
    for (const QJsonValue& edge : edges)
        QCOMPARE(edge.toObject().value(QLatin1String("type")).toString(), QStringLiteral("imports"));
    QCOMPARE(document.value(QLatin1String("stats")).toObject().value(QLatin1String("edges")).toInt(), edges.size());

    // The mu export of a filtered set renders exactly that set.
    options = optionsFor(ExportFormat::Mu);
    options.filter.nodeIds = {QStringLiteral("fn:service.py:UserService.version")};
    options.mu.header = false;
    QCOMPARE(QString::fromUtf8(exportOrDie(loaded, options)),
        QStringLiteral("!module service\n  $UserService < BaseService  :L37-96\n"
                       "    #version() -> str  :L64-66  ::complexity=1\n      @decorators [staticmethod]\n"));
}

void TestExporter::badInput()
{
    const Loaded loaded = load(fixturePath("python"));
    ExportOptions options = optionsFor(ExportFormat::Dot);
    options.filter.nodeIds = {QStringLiteral("fn:nowhere.py:f")};
    Result<QByteArray> unknown = exportGraph(*loaded.project.reader, *loaded.graph, options);
    QVERIFY(!unknown);
    QCOMPARE(unknown.error().code, QStringLiteral("not_found"));

    options = optionsFor(ExportFormat::Mermaid);
    options.direction = QStringLiteral("sideways");
    Result<QByteArray> direction = exportGraph(*loaded.project.reader, *loaded.graph, options);
    QVERIFY(!direction);
    QCOMPARE(direction.error().code, QStringLiteral("usage"));

    options = optionsFor(ExportFormat::Json);
    options.filter.depth = -1;
    QVERIFY(!exportGraph(*loaded.project.reader, *loaded.graph, options));
    options.filter.depth = 0;
    options.filter.maxNodes = -3;
    QVERIFY(!exportGraph(*loaded.project.reader, *loaded.graph, options));

    // Empty selection: still a valid document.
    options = optionsFor(ExportFormat::Dot);
    options.filter.types = {NodeType::Class};
    options.filter.nodeIds = {QStringLiteral("mod:service.py")};
    const QByteArray empty = exportOrDie(loaded, options);
    QVERIFY(empty.startsWith("digraph"));
    QCOMPARE(run(QStringLiteral("dot"), {QStringLiteral("-Tsvg")}, empty).code, 0);
}

QTEST_GUILESS_MAIN(TestExporter)
#include "tst_exporter.moc"
