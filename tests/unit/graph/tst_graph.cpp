// The graph layer: traversals, cycles and paths on a hand-made graph with known answers, and
// snapshots loaded from (and incrementally updated against) a real index of a fixture project.
#include "../../integration/pipelinetest.h"

#include "graph/graph.h"
#include "graph/graphjson.h"
#include "store/storereader.h"

#include <QJsonArray>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace mu;
using namespace mu::graph;
using namespace mu::testing;

namespace {

Node makeNode(const QString& id, NodeType type, const QString& name, const QString& file, int line = 1)
{
    Node node;
    node.id = id;
    node.type = type;
    node.kind = toString(type);
    node.name = name;
    node.qualifiedName = name;
    node.filePath = file;
    node.lineStart = line;
    return node;
}

Edge makeEdge(const QString& source, const QString& target, EdgeType type, int line = 0)
{
    Edge edge;
    edge.sourceId = source;
    edge.targetId = target;
    edge.type = type;
    edge.filePath = nodeid::filePathOf(source);
    edge.line = line;
    return edge;
}

/// The hand-made graph every traversal test runs on:
///   imports: a → b → c → a (a cycle of three), d → e → d (a cycle of two), d → a, a → ext:os
///   calls:   f → g → h, f → h, h → h (recursion: not a cycle), x → y1 → z, x → y2 → z
///   inherits: C → B → A       uses: f → C       contains: each module → its functions/classes
std::shared_ptr<const Graph> fixtureGraph()
{
    QList<Node> nodes;
    for (const char* m : {"a", "b", "c", "d", "e"}) {
        const QString file = QString::fromLatin1(m) + QStringLiteral(".py");
        nodes.append(makeNode(nodeid::module(file), NodeType::Module, QString::fromLatin1(m), file));
    }
    nodes.append(makeNode(QStringLiteral("ext:os"), NodeType::External, QStringLiteral("os"), QString()));
    nodes.append(
        makeNode(QStringLiteral("fn:a.py:f"), NodeType::Function, QStringLiteral("f"), QStringLiteral("a.py"), 3));
    nodes.append(
        makeNode(QStringLiteral("fn:b.py:g"), NodeType::Function, QStringLiteral("g"), QStringLiteral("b.py"), 4));
    nodes.append(
        makeNode(QStringLiteral("fn:c.py:h"), NodeType::Function, QStringLiteral("h"), QStringLiteral("c.py"), 5));
    nodes.append(
        makeNode(QStringLiteral("cls:a.py:A"), NodeType::Class, QStringLiteral("A"), QStringLiteral("a.py"), 10));
    nodes.append(
        makeNode(QStringLiteral("cls:b.py:B"), NodeType::Class, QStringLiteral("B"), QStringLiteral("b.py"), 10));
    nodes.append(
        makeNode(QStringLiteral("cls:c.py:C"), NodeType::Class, QStringLiteral("C"), QStringLiteral("c.py"), 10));
    for (const char* f : {"x", "y1", "y2", "z"}) {
        nodes.append(makeNode(QStringLiteral("fn:e.py:") + QString::fromLatin1(f), NodeType::Function,
            QString::fromLatin1(f), QStringLiteral("e.py")));
    }

    const auto imports = EdgeType::Imports;
    const auto calls = EdgeType::Calls;
    QList<Edge> edges {
        makeEdge(QStringLiteral("mod:a.py"), QStringLiteral("mod:b.py"), imports, 1),
        makeEdge(QStringLiteral("mod:b.py"), QStringLiteral("mod:c.py"), imports, 1),
        makeEdge(QStringLiteral("mod:c.py"), QStringLiteral("mod:a.py"), imports, 1),
        makeEdge(QStringLiteral("mod:d.py"), QStringLiteral("mod:e.py"), imports, 1),
        makeEdge(QStringLiteral("mod:e.py"), QStringLiteral("mod:d.py"), imports, 1),
        makeEdge(QStringLiteral("mod:d.py"), QStringLiteral("mod:a.py"), imports, 2),
        makeEdge(QStringLiteral("mod:a.py"), QStringLiteral("ext:os"), imports, 2),
        makeEdge(QStringLiteral("fn:a.py:f"), QStringLiteral("fn:b.py:g"), calls, 4),
        makeEdge(QStringLiteral("fn:a.py:f"), QStringLiteral("fn:b.py:g"), calls, 7), // same call twice
        makeEdge(QStringLiteral("fn:b.py:g"), QStringLiteral("fn:c.py:h"), calls, 5),
        makeEdge(QStringLiteral("fn:a.py:f"), QStringLiteral("fn:c.py:h"), calls, 5),
        makeEdge(QStringLiteral("fn:c.py:h"), QStringLiteral("fn:c.py:h"), calls, 6),
        makeEdge(QStringLiteral("fn:e.py:x"), QStringLiteral("fn:e.py:y2"), calls),
        makeEdge(QStringLiteral("fn:e.py:x"), QStringLiteral("fn:e.py:y1"), calls),
        makeEdge(QStringLiteral("fn:e.py:y1"), QStringLiteral("fn:e.py:z"), calls),
        makeEdge(QStringLiteral("fn:e.py:y2"), QStringLiteral("fn:e.py:z"), calls),
        makeEdge(QStringLiteral("cls:c.py:C"), QStringLiteral("cls:b.py:B"), EdgeType::Inherits),
        makeEdge(QStringLiteral("cls:b.py:B"), QStringLiteral("cls:a.py:A"), EdgeType::Inherits),
        makeEdge(QStringLiteral("fn:a.py:f"), QStringLiteral("cls:c.py:C"), EdgeType::Uses),
        makeEdge(QStringLiteral("fn:a.py:f"), QStringLiteral("fn:gone.py:missing"), calls), // dangling
    };
    for (const Node& node : std::as_const(nodes)) {
        if (node.type != NodeType::Module && node.type != NodeType::External)
            edges.append(makeEdge(nodeid::module(node.filePath), node.id, EdgeType::Contains));
    }
    return Graph::fromRows(nodes, edges, 7);
}

/// "id@depth" for each reached node, in result order.
QStringList reached(const Graph& graph, const Traversal& traversal)
{
    QStringList out;
    for (const Reached& r : traversal.nodes)
        out.append(graph.id(r.node) + u'@' + QString::number(r.depth));
    return out;
}

/// "a -type-> b -type-> c" for a path.
QString describe(const Graph& graph, const Path& path)
{
    QString text;
    for (const Hop& hop : path) {
        if (hop.edgeType)
            text += QStringLiteral(" -%1-> ").arg(toString(*hop.edgeType));
        text += graph.id(hop.node);
    }
    return text;
}

QStringList ids(const Graph& graph, const QList<NodeIndex>& nodes)
{
    QStringList out;
    for (NodeIndex n : nodes)
        out.append(graph.id(n));
    return out;
}

/// Every node and edge of an indexed project, through StoreReader (an independent read path).
std::shared_ptr<const Graph> graphFromReader(const QString& root)
{
    auto reader = store::StoreReader::open(index::mubasePath(root));
    if (!reader)
        qFatal("cannot open store: %s", qPrintable(reader.error().message));
    QList<Node> nodes;
    QList<Edge> edges;
    QSet<QString> externals;
    const QList<store::FileRecord> files = *(*reader)->files();
    for (const store::FileRecord& file : files) {
        nodes.append(*(*reader)->nodesInFile(file.path));
        const QList<Edge> fileEdges = *(*reader)->edgesOfFile(file.path);
        for (const Edge& edge : fileEdges) {
            edges.append(edge);
            if (edge.targetId.startsWith(u"ext:"))
                externals.insert(edge.targetId);
        }
    }
    for (const QString& id : std::as_const(externals)) {
        if (std::optional<Node> node = *(*reader)->node(id))
            nodes.append(*node);
    }
    return Graph::fromRows(nodes, edges, *(*reader)->revision());
}

std::shared_ptr<const Graph> load(const QString& root)
{
    Result<std::shared_ptr<const Graph>> graph = Graph::load(index::mubasePath(root));
    if (!graph)
        qFatal("load failed: %s", qPrintable(graph.error().message));
    return *graph;
}

} // namespace

class TestGraph : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void nodesAreIndexedInIdOrder()
    {
        const auto graph = fixtureGraph();
        QCOMPARE(graph->revision(), 7);
        QCOMPARE(graph->nodeCount(), 16);
        for (NodeIndex i = 1; i < graph->nodeCount(); ++i)
            QVERIFY(graph->id(i - 1) < graph->id(i));
        const NodeIndex f = graph->indexOf(u"fn:a.py:f");
        QVERIFY(f != kNoNode);
        QCOMPARE(graph->name(f), QStringLiteral("f"));
        QCOMPARE(graph->filePath(f), QStringLiteral("a.py"));
        QCOMPARE(graph->lineStart(f), 3);
        QVERIFY(graph->type(f) == NodeType::Function);
        QCOMPARE(graph->filePath(graph->indexOf(u"ext:os")), QString());
        QCOMPARE(graph->indexOf(u"fn:a.py:nope"), kNoNode);
        QCOMPARE(graph->files(),
            (std::vector<QString> {QStringLiteral("a.py"), QStringLiteral("b.py"), QStringLiteral("c.py"),
                QStringLiteral("d.py"), QStringLiteral("e.py")}));
    }

    void parallelEdgesCollapseAndDanglingEdgesAreLeftOut()
    {
        const auto graph = fixtureGraph();
        const NodeIndex f = graph->indexOf(u"fn:a.py:f");
        const std::span<const Adjacent> out = graph->outgoing(f);
        QStringList targets;
        for (const Adjacent& a : out)
            targets.append(toString(a.type) + u' ' + graph->id(a.node) + u'@' + QString::number(a.line));
        // Sorted by target index (≡ id); f → g twice collapses to the lowest line; the edge into
        // fn:gone.py:missing has no node to land on.
        QCOMPARE(targets,
            (QStringList {QStringLiteral("uses cls:c.py:C@0"), QStringLiteral("calls fn:b.py:g@4"),
                QStringLiteral("calls fn:c.py:h@5")}));
        QCOMPARE(graph->degree(f, Direction::Incoming, EdgeTypeSet::all()), 1); // contains from a.py
        QCOMPARE(graph->degree(f, Direction::Both, EdgeTypeSet::of({EdgeType::Calls})), 2);
        QVERIFY(graph->edgeBetween(f, graph->indexOf(u"fn:c.py:h"), EdgeTypeSet::all()) == EdgeType::Calls);
        QVERIFY(graph->edgeBetween(graph->indexOf(u"fn:c.py:h"), f, EdgeTypeSet::all()) == std::nullopt);
    }

    void impactFollowsDependentsWithDepthAndTypes()
    {
        const auto graph = fixtureGraph();
        const NodeIndex c = graph->indexOf(u"mod:c.py");
        const EdgeTypeSet imports = EdgeTypeSet::of({EdgeType::Imports});
        // Who imports c, transitively: b, then a, then c itself is the start (never listed), d.
        QCOMPARE(reached(*graph, impact(*graph, c, imports)),
            (QStringList {QStringLiteral("mod:b.py@1"), QStringLiteral("mod:a.py@2"), QStringLiteral("mod:d.py@3"),
                QStringLiteral("mod:e.py@4")}));
        QCOMPARE(reached(*graph, impact(*graph, c, imports, 2)),
            (QStringList {QStringLiteral("mod:b.py@1"), QStringLiteral("mod:a.py@2")}));
        const Traversal t = impact(*graph, c, imports, 2);
        QCOMPARE(graph->id(t.nodes[1].via), QStringLiteral("mod:b.py"));
        QVERIFY(t.nodes[1].edgeType == EdgeType::Imports);
        QVERIFY(!t.truncated);

        // h's impact over the default types: its callers, and through `uses` nothing (h is no class).
        const NodeIndex h = graph->indexOf(u"fn:c.py:h");
        QCOMPARE(reached(*graph, impact(*graph, h)),
            (QStringList {QStringLiteral("fn:a.py:f@1"), QStringLiteral("fn:b.py:g@1")}));
        // With contains, the module holding h is downstream too, and its importers after it.
        QCOMPARE(reached(*graph, impact(*graph, h, EdgeTypeSet::all(), 2)),
            (QStringList {QStringLiteral("fn:a.py:f@1"), QStringLiteral("fn:b.py:g@1"), QStringLiteral("mod:c.py@1"),
                QStringLiteral("mod:a.py@2"), QStringLiteral("mod:b.py@2")}));
        // C's impact: f uses it (uses edge), then f's callers (none).
        const Traversal cls = impact(*graph, graph->indexOf(u"cls:a.py:A"));
        QCOMPARE(reached(*graph, cls),
            (QStringList {
                QStringLiteral("cls:b.py:B@1"), QStringLiteral("cls:c.py:C@2"), QStringLiteral("fn:a.py:f@3")}));
        QVERIFY(cls.nodes[2].edgeType == EdgeType::Uses);
    }

    void ancestorsFollowDependencies()
    {
        const auto graph = fixtureGraph();
        const NodeIndex d = graph->indexOf(u"mod:d.py");
        QCOMPARE(reached(*graph, ancestors(*graph, d)),
            (QStringList {QStringLiteral("mod:a.py@1"), QStringLiteral("mod:e.py@1"), QStringLiteral("ext:os@2"),
                QStringLiteral("mod:b.py@2"), QStringLiteral("mod:c.py@3")}));
        QCOMPARE(reached(*graph, ancestors(*graph, d, EdgeTypeSet::allButContains(), 1)),
            (QStringList {QStringLiteral("mod:a.py@1"), QStringLiteral("mod:e.py@1")}));
        // Depth is clamped to [1, kMaxDepth]: 0 behaves as 1.
        QCOMPARE(ancestors(*graph, d, EdgeTypeSet::allButContains(), 0).nodes.size(), 2);
        // Inheritance (SHOW inheritance): bases, transitively.
        TraversalOptions bases {Direction::Outgoing, EdgeTypeSet::of({EdgeType::Inherits}), kMaxDepth, 100};
        QCOMPARE(reached(*graph, reach(*graph, graph->indexOf(u"cls:c.py:C"), bases)),
            (QStringList {QStringLiteral("cls:b.py:B@1"), QStringLiteral("cls:a.py:A@2")}));
    }

    void resultLimitTruncatesDeterministically()
    {
        const auto graph = fixtureGraph();
        const Traversal t = ancestors(*graph, graph->indexOf(u"mod:d.py"), EdgeTypeSet::allButContains(), kMaxDepth, 3);
        QVERIFY(t.truncated);
        QCOMPARE(reached(*graph, t),
            (QStringList {QStringLiteral("mod:a.py@1"), QStringLiteral("mod:e.py@1"), QStringLiteral("ext:os@2")}));
    }

    void reachFromSeveralStartsAndBothWays()
    {
        const auto graph = fixtureGraph();
        const std::vector<NodeIndex> starts {graph->indexOf(u"fn:e.py:y1"), graph->indexOf(u"fn:e.py:y2"), kNoNode};
        const Traversal t = reach(*graph, starts,
            TraversalOptions {Direction::Both, EdgeTypeSet::of({EdgeType::Calls}), 1, kDefaultResultLimit});
        QCOMPARE(reached(*graph, t), (QStringList {QStringLiteral("fn:e.py:x@1"), QStringLiteral("fn:e.py:z@1")}));
        QVERIFY(t.nodes[0].direction == Direction::Incoming);
        QVERIFY(t.nodes[1].direction == Direction::Outgoing);
        QCOMPARE(graph->id(t.nodes[1].via), QStringLiteral("fn:e.py:y1")); // the lower-index predecessor
    }

    void neighboursAreDepthOneAndSkipContainsUnlessAsked()
    {
        const auto graph = fixtureGraph();
        const NodeIndex a = graph->indexOf(u"mod:a.py");
        const auto describeAll = [&graph](const QList<Neighbour>& list) {
            QStringList out;
            for (const Neighbour& n : list)
                out.append(toString(n.direction) + u' ' + toString(n.edgeType) + u' ' + graph->id(n.node));
            return out;
        };
        QCOMPARE(describeAll(neighbours(*graph, a, Direction::Outgoing)),
            (QStringList {QStringLiteral("outgoing imports ext:os"), QStringLiteral("outgoing imports mod:b.py")}));
        QCOMPARE(describeAll(neighbours(*graph, a, Direction::Outgoing, EdgeTypeSet::all())),
            (QStringList {QStringLiteral("outgoing contains cls:a.py:A"), QStringLiteral("outgoing contains fn:a.py:f"),
                QStringLiteral("outgoing imports ext:os"), QStringLiteral("outgoing imports mod:b.py")}));
        QCOMPARE(describeAll(neighbours(*graph, a, Direction::Both)),
            (QStringList {QStringLiteral("outgoing imports ext:os"), QStringLiteral("outgoing imports mod:b.py"),
                QStringLiteral("incoming imports mod:c.py"), QStringLiteral("incoming imports mod:d.py")}));
        const QList<Neighbour> calls
            = neighbours(*graph, graph->indexOf(u"fn:a.py:f"), Direction::Outgoing, EdgeTypeSet::of({EdgeType::Calls}));
        QCOMPARE(calls.size(), 2);
        QCOMPARE(calls[0].line, 4);
    }

    void cyclesAreComponentsLargerThanOne()
    {
        const auto graph = fixtureGraph();
        const Cycles importCycles = cycles(*graph, EdgeTypeSet::of({EdgeType::Imports}));
        QCOMPARE(importCycles.components.size(), 2);
        QCOMPARE(ids(*graph, importCycles.components[0]),
            (QStringList {QStringLiteral("mod:a.py"), QStringLiteral("mod:b.py"), QStringLiteral("mod:c.py")}));
        QCOMPARE(ids(*graph, importCycles.components[1]),
            (QStringList {QStringLiteral("mod:d.py"), QStringLiteral("mod:e.py")}));
        QCOMPARE(importCycles.totalNodes, 5);
        // h calls itself: a loop, not a cycle of size > 1.
        QVERIFY(cycles(*graph, EdgeTypeSet::of({EdgeType::Calls})).components.isEmpty());
        const Cycles capped = cycles(*graph, EdgeTypeSet::of({EdgeType::Imports}), 1);
        QVERIFY(capped.truncated);
        QCOMPARE(capped.components.size(), 1);
        QCOMPARE(capped.totalNodes, 3);
    }

    void shortestPathsCarryEdgeTypes()
    {
        const auto graph = fixtureGraph();
        const NodeIndex d = graph->indexOf(u"mod:d.py");
        const NodeIndex c = graph->indexOf(u"mod:c.py");
        std::optional<Path> path = shortestPath(*graph, d, c);
        QVERIFY(path);
        QCOMPARE(describe(*graph, *path),
            QStringLiteral("mod:d.py -imports-> mod:a.py -imports-> mod:b.py -imports-> mod:c.py"));
        QVERIFY(!shortestPath(*graph, d, c, PathOptions {EdgeTypeSet::all(), 2, Direction::Outgoing}));
        QVERIFY(
            !shortestPath(*graph, c, graph->indexOf(u"mod:d.py"), PathOptions {EdgeTypeSet::of({EdgeType::Calls})}));

        // f reaches h directly by a call; VIA uses it goes f → C only.
        const NodeIndex f = graph->indexOf(u"fn:a.py:f");
        const NodeIndex h = graph->indexOf(u"fn:c.py:h");
        path = shortestPath(*graph, f, h, PathOptions {EdgeTypeSet::of({EdgeType::Calls})});
        QCOMPARE(describe(*graph, *path), QStringLiteral("fn:a.py:f -calls-> fn:c.py:h"));
        QCOMPARE(path->at(1).line, 5);
        QVERIFY(!shortestPath(*graph, f, h, PathOptions {EdgeTypeSet::of({EdgeType::Uses})}));
        // A module reaches a function of another module through contains, then calls.
        path = shortestPath(*graph, graph->indexOf(u"mod:a.py"), graph->indexOf(u"fn:b.py:g"));
        QCOMPARE(describe(*graph, *path), QStringLiteral("mod:a.py -contains-> fn:a.py:f -calls-> fn:b.py:g"));
        // Backwards: who leads to f.
        path = shortestPath(
            *graph, f, graph->indexOf(u"mod:a.py"), PathOptions {EdgeTypeSet::all(), kMaxDepth, Direction::Incoming});
        QCOMPARE(describe(*graph, *path), QStringLiteral("fn:a.py:f -contains-> mod:a.py"));
        QVERIFY(path->at(1).direction == Direction::Incoming);
        // A node to itself is the one-step path.
        QCOMPARE(shortestPath(*graph, f, f)->size(), 1);
        QVERIFY(!shortestPath(*graph, f, kNoNode));
    }

    void allShortestPathsInLexicographicOrder()
    {
        const auto graph = fixtureGraph();
        const NodeIndex x = graph->indexOf(u"fn:e.py:x");
        const NodeIndex z = graph->indexOf(u"fn:e.py:z");
        const QList<Path> paths = allShortestPaths(*graph, x, z, 10);
        QCOMPARE(paths.size(), 2);
        QCOMPARE(describe(*graph, paths[0]), QStringLiteral("fn:e.py:x -calls-> fn:e.py:y1 -calls-> fn:e.py:z"));
        QCOMPARE(describe(*graph, paths[1]), QStringLiteral("fn:e.py:x -calls-> fn:e.py:y2 -calls-> fn:e.py:z"));
        QCOMPARE(allShortestPaths(*graph, x, z, 1).size(), 1);
        QCOMPARE(describe(*graph, *shortestPath(*graph, x, z)), describe(*graph, paths[0]));
        // Only paths of the minimal length: f → h directly, not f → g → h.
        QCOMPARE(allShortestPaths(*graph, graph->indexOf(u"fn:a.py:f"), graph->indexOf(u"fn:c.py:h"), 10).size(), 1);
        QVERIFY(allShortestPaths(*graph, z, x, 10).isEmpty());
    }

    void deepGraphsNeedNoRecursion()
    {
        // One ring of 200000 nodes: a single strongly connected component, a 20-hop BFS and a path
        // search, all without recursion (a recursive Tarjan would overflow the stack here).
        constexpr int kCount = 200000;
        QList<Node> nodes;
        QList<Edge> edges;
        const auto idOf = [](int i) { return QStringLiteral("fn:ring.py:f%1").arg(i, 6, 10, QLatin1Char('0')); };
        for (int i = 0; i < kCount; ++i) {
            nodes.append(makeNode(idOf(i), NodeType::Function, idOf(i), QStringLiteral("ring.py")));
            edges.append(makeEdge(idOf(i), idOf((i + 1) % kCount), EdgeType::Calls));
        }
        const auto graph = Graph::fromRows(nodes, edges, 1);
        const Cycles ring = cycles(*graph);
        QCOMPARE(ring.components.size(), 1);
        QCOMPARE(ring.components[0].size(), kCount);
        QCOMPARE(impact(*graph, 0).nodes.size(), kMaxDepth);
        QCOMPARE(impact(*graph, 0, EdgeTypeSet::allButContains(), 500).nodes.size(), kMaxDepth);
        QCOMPARE(shortestPath(*graph, 0, 5)->size(), 6);
        QVERIFY(!shortestPath(*graph, 0, 500));
    }

    void edgeTypeNamesParseWithHints()
    {
        Result<EdgeTypeSet> parsed = EdgeTypeSet::parse({QStringLiteral("imports, CALLS"), QStringLiteral("uses")});
        QVERIFY(parsed);
        QCOMPARE(parsed->names(),
            (QStringList {QStringLiteral("imports"), QStringLiteral("calls"), QStringLiteral("uses")}));
        parsed = EdgeTypeSet::parse({QStringLiteral("imports,cals")});
        QVERIFY(!parsed);
        QCOMPARE(parsed.error().code, QStringLiteral("usage"));
        QCOMPARE(parsed.error().message,
            QStringLiteral("Unknown edge type 'cals'. Did you mean 'calls'? Valid types: contains, imports, inherits, "
                           "calls, uses"));
        parsed = EdgeTypeSet::parse({QStringLiteral("frobnicates")});
        QVERIFY(!parsed.error().message.contains(u"Did you mean"));
        QVERIFY(!EdgeTypeSet::parse({QStringLiteral(" , ")}));
        QCOMPARE(EdgeTypeSet::allButContains().names(),
            (QStringList {QStringLiteral("imports"), QStringLiteral("inherits"), QStringLiteral("calls"),
                QStringLiteral("uses")}));
    }

    void jsonShapes()
    {
        const auto graph = fixtureGraph();
        const NodeIndex c = graph->indexOf(u"mod:c.py");
        const EdgeTypeSet imports = EdgeTypeSet::of({EdgeType::Imports});
        const QJsonObject object
            = json::traversal(*graph, c, impact(*graph, c, imports, 1), Direction::Incoming, imports, 1);
        QCOMPARE(object.value(u"node_id").toString(), QStringLiteral("mod:c.py"));
        QCOMPARE(object.value(u"count").toInt(), 1);
        QCOMPARE(object.value(u"revision").toInteger(), 7);
        const QJsonObject first = object.value(u"nodes").toArray().at(0).toObject();
        QCOMPARE(first.value(u"id").toString(), QStringLiteral("mod:b.py"));
        QCOMPARE(first.value(u"depth").toInt(), 1);
        QCOMPARE(first.value(u"edge_type").toString(), QStringLiteral("imports"));
        QCOMPARE(first.value(u"via").toString(), QStringLiteral("mod:c.py"));
        QCOMPARE(first.value(u"file_path").toString(), QStringLiteral("b.py"));
        QVERIFY(json::node(*graph, graph->indexOf(u"ext:os")).value(u"file_path").isNull());

        const QJsonObject cyc = json::cycles(*graph, cycles(*graph, imports), imports);
        QCOMPARE(cyc.value(u"cycle_count").toInt(), 2);
        QCOMPARE(cyc.value(u"total_nodes_in_cycles").toInt(), 5);
        QCOMPARE(cyc.value(u"cycles").toArray().at(1).toArray(),
            (QJsonArray {QStringLiteral("mod:d.py"), QStringLiteral("mod:e.py")}));

        const NodeIndex x = graph->indexOf(u"fn:e.py:x");
        const NodeIndex z = graph->indexOf(u"fn:e.py:z");
        const QJsonObject paths = json::paths(*graph, x, z, allShortestPaths(*graph, x, z, 5), true);
        QCOMPARE(paths.value(u"length").toInt(), 2);
        QCOMPARE(paths.value(u"path_count").toInt(), 2);
        const QJsonArray hops = paths.value(u"path").toArray();
        QVERIFY(hops.at(0).toObject().value(u"edge_type").isNull());
        QCOMPARE(hops.at(1).toObject().value(u"edge_type").toString(), QStringLiteral("calls"));
        QCOMPARE(hops.at(2).toObject().value(u"node").toObject().value(u"id").toString(), QStringLiteral("fn:e.py:z"));
    }

    // Snapshots of a real index ------------------------------------------------------------------

    void loadEqualsTheStoreRows()
    {
        QTemporaryDir dir;
        copyTree(QStringLiteral(MU_FIXTURES_DIR "/projects/python_app"), dir.path());
        indexTree(dir.path());
        const auto loaded = load(dir.path());
        const auto expected = graphFromReader(dir.path());
        QVERIFY(loaded->nodeCount() > 10);
        QVERIFY(loaded->edgeCount() > 10);
        QVERIFY(loaded->sameContent(*expected));
        // A spot check of what the fixture says: User inherits Base; create() calls User.
        const NodeIndex user = loaded->indexOf(u"cls:src/app/models.py:User");
        QVERIFY(user != kNoNode);
        QVERIFY(loaded->edgeBetween(user, loaded->indexOf(u"cls:src/app/models.py:Base"), EdgeTypeSet::all())
            == EdgeType::Inherits);
    }

    void missingDatabaseIsNotFound()
    {
        QTemporaryDir dir;
        Result<std::shared_ptr<const Graph>> graph = Graph::load(dir.filePath(QStringLiteral("nothing/mubase")));
        QVERIFY(!graph);
        QCOMPARE(graph.error().code, QStringLiteral("not_found"));
    }

    void incrementalUpdateEqualsFullLoad()
    {
        QTemporaryDir dir;
        copyTree(QStringLiteral(MU_FIXTURES_DIR "/projects/python_app"), dir.path());
        indexTree(dir.path());
        const QString db = index::mubasePath(dir.path());
        std::shared_ptr<const Graph> snapshot = load(dir.path());

        // Nothing changed: the same snapshot comes back.
        Result<std::shared_ptr<const Graph>> same = Graph::update(snapshot, db);
        QVERIFY(same);
        QCOMPARE(same->get(), snapshot.get());

        const auto step = [&](const char* what) {
            indexTree(dir.path());
            Result<std::shared_ptr<const Graph>> updated = Graph::update(snapshot, db);
            QVERIFY2(updated, what);
            QVERIFY2((*updated)->revision() > snapshot->revision(), what);
            const auto full = load(dir.path());
            QVERIFY2((*updated)->sameContent(*full), what);
            QVERIFY2(!snapshot->sameContent(*full), what); // the comparison sees the change
            snapshot = *updated;
        };
        // Edit: a new function calling into another module, a new external import, a removed call.
        writeFile(dir.filePath(QStringLiteral("src/app/util.py")),
            "import os\nfrom .models import User\n\n\ndef log(message):\n    print(message)\n\n\n"
            "def make():\n    return User('x')\n");
        step("edit util.py");
        QVERIFY(snapshot->indexOf(u"fn:src/app/util.py:make") != kNoNode);
        QVERIFY(snapshot->indexOf(u"fn:src/app/util.py:helper") == kNoNode);
        QVERIFY(snapshot->indexOf(u"ext:os") != kNoNode);
        // A new file importing an existing one, creating an import cycle.
        writeFile(
            dir.filePath(QStringLiteral("src/app/extra.py")), "from . import service\n\n\ndef run():\n    return 1\n");
        writeFile(dir.filePath(QStringLiteral("src/app/util.py")),
            "from . import extra\n\n\ndef log(message):\n    print(message)\n");
        step("add extra.py");
        QVERIFY(!cycles(*snapshot, EdgeTypeSet::of({EdgeType::Imports})).components.isEmpty());
        // A removed file: edges into it from other files disappear (or are re-linked away).
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("src/app/models.py"))));
        step("remove models.py");
        QCOMPARE(snapshot->indexOf(u"cls:src/app/models.py:User"), kNoNode);
        QVERIFY(std::find(snapshot->files().begin(), snapshot->files().end(), QStringLiteral("src/app/models.py"))
            == snapshot->files().end());
    }

    void cacheSwapsSnapshotsOnNewRevisions()
    {
        QTemporaryDir dir;
        copyTree(QStringLiteral(MU_FIXTURES_DIR "/projects/python_app"), dir.path());
        indexTree(dir.path());
        GraphCache cache(index::mubasePath(dir.path()));
        QVERIFY(!cache.current());
        Result<std::shared_ptr<const Graph>> first = cache.refresh();
        QVERIFY(first);
        QCOMPARE(cache.current().get(), first->get());
        QCOMPARE(cache.refresh()->get(), first->get()); // unchanged revision: no new snapshot

        const std::shared_ptr<const Graph> held = cache.current(); // a reader keeps its snapshot
        writeFile(dir.filePath(QStringLiteral("scripts/tool.py")), "def tool():\n    return 2\n");
        indexTree(dir.path());
        Result<std::shared_ptr<const Graph>> second = cache.refresh();
        QVERIFY(second);
        QVERIFY(second->get() != held.get());
        QVERIFY((*second)->revision() > held->revision());
        QCOMPARE(cache.current().get(), second->get());
        QVERIFY(held->nodeCount() > 0); // still valid

        GraphCache missing(dir.filePath(QStringLiteral("none/mubase")));
        QVERIFY(!missing.refresh());
        QVERIFY(!missing.current());
    }
};

QTEST_GUILESS_MAIN(TestGraph)
#include "tst_graph.moc"
