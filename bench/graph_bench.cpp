// The graph layer on a real index (docs/BENCHMARKS.md, "Graph layer"): full snapshot load,
// incremental update after one file changes (the file edited and re-indexed in-process, then
// Graph::update() timed alone), impact at depth 3 and 5, cycles, shortest paths.
// Usage: mu_bench_graph PROJECT_DIR [RUNS]   (PROJECT_DIR indexed with `mu index` first; one of its
// .py files is edited and restored)
#include "graph/graph.h"
#include "index/indexer.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>

using namespace mu;
using namespace mu::graph;

namespace {

/// Wall and CPU milliseconds of each run of `work`. CPU time (this thread's) is reported next to
/// wall time because the benchmark machine may be shared: wall time then includes waiting for a core.
struct Samples {
    std::vector<double> wall;
    std::vector<double> cpu;
};

double threadCpuMs()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

Samples time(int runs, const std::function<void(int)>& work)
{
    Samples samples;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        const double cpuStart = threadCpuMs();
        timer.start();
        work(i);
        samples.wall.push_back(double(timer.nsecsElapsed()) / 1e6);
        samples.cpu.push_back(threadCpuMs() - cpuStart);
    }
    return samples;
}

double percentile(std::vector<double> samples, double p)
{
    std::sort(samples.begin(), samples.end());
    const auto index = size_t(std::min(double(samples.size() - 1), p / 100.0 * double(samples.size())));
    return samples[index];
}

void report(const char* what, const Samples& samples, const QString& note = {})
{
    std::printf("| %-48s | %4zu | %8.3f | %8.3f | %8.3f | %8.3f | %s |\n", what, samples.wall.size(),
        percentile(samples.wall, 50), percentile(samples.wall, 99), percentile(samples.cpu, 50),
        percentile(samples.cpu, 99), qPrintable(note));
}

[[noreturn]] void die(const QString& message)
{
    std::fprintf(stderr, "mu_bench_graph: %s\n", qPrintable(message));
    std::exit(1);
}

std::shared_ptr<const Graph> loadOrDie(const QString& db)
{
    Result<std::shared_ptr<const Graph>> graph = Graph::load(db);
    if (!graph)
        die(graph.error().message);
    return *graph;
}

void reindex(const QString& root)
{
    index::IndexOptions options;
    options.jobs = 1;
    Result<index::IndexReport> report = index::Indexer(root, options).run();
    if (!report)
        die(report.error().message);
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: mu_bench_graph PROJECT_DIR [RUNS]\n");
        return 2;
    }
    const QString root = QDir(args[1]).absolutePath();
    const int runs = args.size() > 2 ? args[2].toInt() : 100;
    const QString db = index::mubasePath(root);

    std::shared_ptr<const Graph> graph;
    const Samples full = time(10, [&](int) { graph = loadOrDie(db); });
    std::printf("graph: %d nodes, %lld edges, %zu files, revision %lld\n\n", graph->nodeCount(),
        static_cast<long long>(graph->edgeCount()), graph->files().size(), static_cast<long long>(graph->revision()));
    std::printf("| %-48s | %4s | %8s | %8s | %8s | %8s | %s |\n", "operation", "runs", "wall p50", "wall p99",
        "cpu p50", "cpu p99", "note");
    std::printf("|%s|------|----------|----------|----------|----------|------|\n", QByteArray(50, '-').constData());
    report("snapshot: full load", full);

    // One file changes: a module in the middle of the import graph gets a new function calling
    // into another module; each round alternates between the edited and the original content.
    const QString edited = QDir(root).filePath(QStringLiteral("json/encoder.py"));
    QFile file(edited);
    if (!file.open(QIODevice::ReadOnly))
        die(QStringLiteral("cannot read %1").arg(edited));
    const QByteArray original = file.readAll();
    file.close();
    Samples updates;
    for (int round = 0; round < 20; ++round) {
        QByteArray content = original;
        if (round % 2 == 0) {
            content += "\n\ndef _bench_added_" + QByteArray::number(round)
                + "():\n    return JSONEncoder().encode(py_encode_basestring('x'))\n";
        }
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
            die(QStringLiteral("cannot write %1").arg(edited));
        file.close();
        reindex(root);
        std::shared_ptr<const Graph> next;
        const Samples one = time(1, [&](int) {
            Result<std::shared_ptr<const Graph>> updated = Graph::update(graph, db);
            if (!updated)
                die(updated.error().message);
            next = *updated;
        });
        if (next->revision() == graph->revision())
            die(QStringLiteral("the edit did not produce a new revision"));
        updates.wall.push_back(one.wall[0]);
        updates.cpu.push_back(one.cpu[0]);
        graph = next;
    }
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(original) != original.size())
        die(QStringLiteral("cannot restore %1").arg(edited));
    file.close();
    reindex(root);
    const std::shared_ptr<const Graph> reloaded = loadOrDie(db);
    if (!Graph::update(graph, db).value()->sameContent(*reloaded))
        die(QStringLiteral("the updated snapshot differs from a full load"));
    graph = reloaded;
    report("snapshot: update after one file changed", updates, QStringLiteral("json/encoder.py edited, re-indexed"));

    // Impact: the node with the most dependents (the worst case), and nodes spread over the graph.
    const EdgeTypeSet depends = EdgeTypeSet::allButContains();
    NodeIndex hub = 0;
    for (NodeIndex n = 0; n < graph->nodeCount(); ++n) {
        if (graph->degree(n, Direction::Incoming, depends) > graph->degree(hub, Direction::Incoming, depends))
            hub = n;
    }
    const auto spread = [&graph](int i) { return NodeIndex((qint64(i) * 7919) % graph->nodeCount()); };
    impact(*graph, hub, depends, 5); // warm the caches once
    for (int depth : {3, 5}) {
        qsizetype size = 0;
        Samples samples = time(runs, [&](int) { size = impact(*graph, hub, depends, depth).nodes.size(); });
        report(qPrintable(QStringLiteral("impact depth %1, most-depended-on node").arg(depth)), samples,
            QStringLiteral("%1 (%2 direct dependents): %3 nodes (default cap)")
                .arg(graph->id(hub))
                .arg(graph->degree(hub, Direction::Incoming, depends))
                .arg(size));
        samples = time(runs, [&](int) { size = impact(*graph, hub, depends, depth, INT_MAX).nodes.size(); });
        report(qPrintable(QStringLiteral("impact depth %1, most-depended-on node, no cap").arg(depth)), samples,
            QStringLiteral("%1 nodes").arg(size));
        qsizetype total = 0;
        samples = time(runs, [&](int i) { total += impact(*graph, spread(i), depends, depth).nodes.size(); });
        report(qPrintable(QStringLiteral("impact depth %1, %2 nodes spread over the graph").arg(depth).arg(runs)),
            samples, QStringLiteral("%1 nodes on average").arg(double(total) / runs, 0, 'f', 1));
    }
    qsizetype ancestorsTotal = 0;
    const Samples ancestorTimes
        = time(runs, [&](int i) { ancestorsTotal += ancestors(*graph, spread(i), depends, 5).nodes.size(); });
    report("ancestors depth 5, nodes spread over the graph", ancestorTimes,
        QStringLiteral("%1 nodes on average").arg(double(ancestorsTotal) / runs, 0, 'f', 1));

    Cycles found;
    Samples samples = time(runs, [&](int) { found = cycles(*graph, EdgeTypeSet::of({EdgeType::Imports})); });
    report("cycles over imports", samples,
        QStringLiteral("%1 cycles, %2 nodes").arg(found.components.size()).arg(found.totalNodes));
    samples = time(runs, [&](int) { found = cycles(*graph); });
    report("cycles over every type but contains", samples,
        QStringLiteral("%1 cycles, %2 nodes").arg(found.components.size()).arg(found.totalNodes));

    // Paths between modules, the PATH query's usual shape.
    std::vector<NodeIndex> modules;
    for (NodeIndex n = 0; n < graph->nodeCount(); ++n) {
        if (graph->type(n) == NodeType::Module)
            modules.push_back(n);
    }
    const auto modulePair = [&modules](int i) {
        return std::pair {
            modules[size_t(i) * 7919 % modules.size()], modules[(size_t(i) * 104729 + 17) % modules.size()]};
    };
    int connected = 0;
    qsizetype hops = 0;
    samples = time(runs, [&](int i) {
        const auto [from, to] = modulePair(i);
        if (const std::optional<Path> path = shortestPath(*graph, from, to)) {
            ++connected;
            hops += path->size() - 1;
        }
    });
    report("shortest path module → module (every type)", samples,
        QStringLiteral("%1 of %2 pairs connected, %3 hops on average")
            .arg(connected)
            .arg(runs)
            .arg(connected ? double(hops) / connected : 0.0, 0, 'f', 1));
    qsizetype paths = 0;
    samples = time(runs, [&](int i) {
        const auto [from, to] = modulePair(i);
        paths += allShortestPaths(*graph, from, to, 10, {EdgeTypeSet::of({EdgeType::Imports})}).size();
    });
    report("all shortest paths (max 10), imports only", samples, QStringLiteral("%1 paths found").arg(paths));
    return 0;
}
