// Exports of a whole real graph (target: the Python stdlib to json in <= 2 s). Times, per format,
// the in-process export from an already loaded snapshot, and the end-to-end command (`mu export`:
// open, load the snapshot, export, write the file) when MU_EXECUTABLE is known.
// Usage: mu_bench_export PROJECT_DIR [RUNS]   (PROJECT_DIR indexed with `mu index` first)
// The script bench/export_bench.sh prepares the stdlib copy and runs this in a release build.
#include "export/exporter.h"
#include "graph/graph.h"
#include "index/indexer.h"
#include "store/storereader.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>

using namespace mu;

namespace {

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

Samples time(int runs, const std::function<void()>& work)
{
    Samples samples;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        const double cpuStart = threadCpuMs();
        timer.start();
        work();
        samples.wall.push_back(double(timer.nsecsElapsed()) / 1e6);
        samples.cpu.push_back(threadCpuMs() - cpuStart);
    }
    return samples;
}

double median(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

double maximum(const std::vector<double>& samples)
{
    return *std::max_element(samples.begin(), samples.end());
}

[[noreturn]] void die(const QString& message)
{
    std::fprintf(stderr, "mu_bench_export: %s\n", qPrintable(message));
    std::exit(1);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2)
        die(QStringLiteral("usage: mu_bench_export PROJECT_DIR [RUNS]"));
    const QString root = QDir(args[1]).absolutePath();
    const int runs = args.size() > 2 ? std::max(1, args[2].toInt()) : 5;
    const QString db = index::mubasePath(root);

    auto reader = store::StoreReader::open(db);
    if (!reader)
        die(reader.error().message);
    std::shared_ptr<const graph::Graph> graph;
    const Samples load = time(runs, [&] {
        auto loaded = graph::Graph::load(db);
        if (!loaded)
            die(loaded.error().message);
        graph = *loaded;
    });
    std::printf("graph: %d nodes, %lld edges\n", int(graph->nodeCount()), static_cast<long long>(graph->edgeCount()));
    std::printf("| %-34s | %4s | %10s | %10s | %10s | %10s |\n", "operation", "runs", "wall p50 ms", "wall max ms",
        "cpu p50 ms", "bytes");
    std::printf("| %-34s | %4d | %10.1f | %10.1f | %10.1f | %10s |\n", "snapshot load", runs, median(load.wall),
        maximum(load.wall), median(load.cpu), "-");
    for (exports::ExportFormat format : exports::allExportFormats()) {
        exports::ExportOptions options;
        options.format = format;
        options.source = QDir(root).dirName();
        qsizetype bytes = 0;
        const Samples samples = time(runs, [&] {
            Result<QByteArray> data = exports::exportGraph(**reader, *graph, options);
            if (!data)
                die(data.error().message);
            bytes = data->size();
        });
        std::printf("| %-34s | %4d | %10.1f | %10.1f | %10.1f | %10lld |\n",
            qPrintable(QStringLiteral("export ") + exports::toString(format)), runs, median(samples.wall),
            maximum(samples.wall), median(samples.cpu), static_cast<long long>(bytes));
    }
#ifdef MU_EXECUTABLE
    // End to end, as a user runs it: process start, store open, snapshot load, export, file write.
    QTemporaryDir out;
    const Samples command = time(runs, [&] {
        QProcess process;
        process.start(QStringLiteral(MU_EXECUTABLE),
            {QStringLiteral("export"), QStringLiteral("-f"), QStringLiteral("json"), QStringLiteral("-o"),
                out.filePath(QStringLiteral("graph.json")), QStringLiteral("-C"), root});
        if (!process.waitForFinished(600000) || process.exitCode() != 0)
            die(QStringLiteral("mu export failed: ") + QString::fromUtf8(process.readAllStandardError()));
    });
    std::printf("| %-34s | %4d | %10.1f | %10.1f | %10s | %10s |\n", "mu export -f json -o FILE (process)", runs,
        median(command.wall), maximum(command.wall), "-", "-");
#endif
    return 0;
}
