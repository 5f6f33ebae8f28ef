// MUQL benchmark (issue 4): 20 typical queries on an indexed project (the Python stdlib), each run
// RUNS times in-process (one QueryEngine, warm graph snapshot and statement cache) and through the
// CLI (`mu q -f json`, a fresh process per run: start, open, load the graph when needed, answer).
// Prints a Markdown table of p50/p99 wall and CPU times for docs/BENCHMARKS.md: the machines here
// are shared and loaded, so CPU time (this thread's, or the child process's user + system) is the
// steadier figure.
// Usage: mu_bench_query PROJECT [--runs N] [--cli-runs N] [--mu PATH]
#include "index/indexer.h"
#include "query/queryengine.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>

#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace {

struct BenchQuery {
    const char* label;
    const char* muql;
};

// Node references are ids, so every run answers the same question (and never an ambiguity).
const BenchQuery kQueries[] = {
    {"SELECT filter + ORDER BY",
        "SELECT name, file_path, complexity FROM functions WHERE complexity > 20 ORDER BY "
        "complexity DESC LIMIT 50"},
    {"SELECT COUNT(*)", "SELECT COUNT(*) FROM functions"},
    {"GROUP BY kind", "SELECT kind, COUNT(*) AS n FROM nodes GROUP BY kind ORDER BY n DESC"},
    {"name ~ substring", "SELECT id FROM functions WHERE name ~ 'parse' ORDER BY id LIMIT 100"},
    {"LIKE on path", "SELECT id, name FROM classes WHERE file_path LIKE 'json/%' ORDER BY name"},
    {"MATCHES regex", "SELECT id FROM functions WHERE name MATCHES '^test_.*json' LIMIT 100"},
    {"GROUP BY + HAVING",
        "SELECT file_path, AVG(complexity) AS avg_c FROM functions GROUP BY file_path HAVING avg_c > 5 "
        "ORDER BY avg_c DESC LIMIT 20"},
    {"properties CONTAINS", "SELECT id FROM functions WHERE properties.decorators CONTAINS 'property' LIMIT 100"},
    {"terse fn", "fn c>30 sort c- 10"},
    {"FIND CALLING", "FIND functions CALLING 'fn:json/__init__.py:dumps'"},
    {"FIND CALLED BY", "FIND functions CALLED BY 'fn:json/__init__.py:dumps'"},
    {"FIND IMPORTING", "FIND modules IMPORTING 'mod:json/__init__.py'"},
    {"FIND INHERITING", "FIND classes INHERITING 'cls:unittest/case.py:TestCase'"},
    {"SHOW callers DEPTH 2", "SHOW callers OF 'fn:json/__init__.py:dumps' DEPTH 2"},
    {"SHOW impact DEPTH 3", "SHOW impact OF 'mod:json/__init__.py' DEPTH 3"},
    {"SHOW impact DEPTH 5", "SHOW impact OF 'fn:json/__init__.py:dumps' DEPTH 5"},
    {"SHOW dependencies DEPTH 3", "SHOW dependencies OF 'mod:json/__init__.py' DEPTH 3"},
    {"PATH", "PATH FROM 'mod:json/tool.py' TO 'mod:json/scanner.py'"},
    {"FIND CYCLES imports", "FIND CYCLES WHERE edge_type = 'imports'"},
    {"ANALYZE hotspots", "ANALYZE hotspots"},
};

struct Percentiles {
    double p50 = 0;
    double p99 = 0;
};

Percentiles percentiles(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    const auto at = [&](double q) {
        // Nearest rank: with 100 samples, p99 is the 99th smallest.
        const size_t rank = size_t(std::max(1.0, std::ceil(q * double(samples.size()))));
        return samples[std::min(rank, samples.size()) - 1];
    };
    return {at(0.50), at(0.99)};
}

double threadCpuMs()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

/// User + system time of every waited-for child so far.
double childrenCpuMs()
{
    rusage usage {};
    getrusage(RUSAGE_CHILDREN, &usage);
    const auto ms = [](const timeval& t) { return double(t.tv_sec) * 1e3 + double(t.tv_usec) / 1e3; };
    return ms(usage.ru_utime) + ms(usage.ru_stime);
}

QString cells(const std::vector<double>& wall, const std::vector<double>& cpu, int decimals)
{
    if (wall.empty())
        return QStringLiteral("– | – | – | –");
    const Percentiles w = percentiles(wall);
    const Percentiles c = percentiles(cpu);
    return QStringLiteral("%1 | %2 | %3 | %4")
        .arg(w.p50, 0, 'f', decimals)
        .arg(w.p99, 0, 'f', decimals)
        .arg(c.p50, 0, 'f', decimals)
        .arg(c.p99, 0, 'f', decimals);
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QStringList args = QCoreApplication::arguments().mid(1);
    int runs = 100;
    int cliRuns = 100;
    QString mu = QStringLiteral(MU_EXECUTABLE);
    QString project;
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == u"--runs" && i + 1 < args.size())
            runs = args[++i].toInt();
        else if (args[i] == u"--cli-runs" && i + 1 < args.size())
            cliRuns = args[++i].toInt();
        else if (args[i] == u"--mu" && i + 1 < args.size())
            mu = args[++i];
        else
            project = args[i];
    }
    if (project.isEmpty() || runs < 1 || cliRuns < 0) {
        std::fprintf(stderr, "usage: mu_bench_query PROJECT [--runs N] [--cli-runs N] [--mu PATH]\n");
        return 2;
    }
    QElapsedTimer openTimer;
    openTimer.start();
    auto engine = mu::query::QueryEngine::open(mu::index::mubasePath(project));
    if (!engine) {
        std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(project), qPrintable(engine.error().message));
        return 1;
    }
    // The first graph statement loads the snapshot; time it once, apart from the queries.
    auto first = (*engine)->run(QStringLiteral("SHOW callers OF 'fn:json/__init__.py:dumps'"));
    if (!first) {
        std::fprintf(stderr, "warm-up failed: %s\n", qPrintable(first.error().message));
        return 1;
    }
    std::printf("open + first graph load: %.1f ms\n\n", double(openTimer.nsecsElapsed()) / 1e6);
    std::printf("| # | query | rows | in-process wall p50 ms | p99 | CPU p50 | p99 | CLI wall p50 ms | p99 | CPU p50 | "
                "p99 |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    int number = 0;
    bool failed = false;
    for (const BenchQuery& query : kQueries) {
        const QString muql = QString::fromUtf8(query.muql);
        auto warm = (*engine)->run(muql);
        if (!warm) {
            std::fprintf(stderr, "%s: %s\n", query.muql, qPrintable(warm.error().message));
            failed = true;
            continue;
        }
        std::vector<double> wall;
        std::vector<double> cpu;
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer timer;
            timer.start();
            const double cpuStart = threadCpuMs();
            auto result = (*engine)->run(muql);
            cpu.push_back(threadCpuMs() - cpuStart);
            wall.push_back(double(timer.nsecsElapsed()) / 1e6);
            if (!result)
                failed = true;
        }
        std::vector<double> cliWall;
        std::vector<double> cliCpu;
        for (int i = 0; i < cliRuns; ++i) {
            QProcess process;
            QElapsedTimer timer;
            const double cpuStart = childrenCpuMs();
            timer.start();
            process.start(mu,
                {QStringLiteral("q"), QStringLiteral("-f"), QStringLiteral("json"), QStringLiteral("-C"), project,
                    muql});
            process.waitForFinished(60000);
            cliWall.push_back(double(timer.nsecsElapsed()) / 1e6);
            cliCpu.push_back(childrenCpuMs() - cpuStart);
            if (process.exitCode() != 0)
                failed = true;
        }
        std::printf("| %d | %s: `%s` | %lld | %s | %s |\n", ++number, query.label, query.muql,
            static_cast<long long>(warm->rows.size()), qPrintable(cells(wall, cpu, 2)),
            qPrintable(cells(cliWall, cliCpu, 1)));
        std::fflush(stdout);
    }
    return failed ? 1 : 0;
}
