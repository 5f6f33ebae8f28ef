// Smart context benchmark (issue: smart context): ~30 user-style questions about the Python stdlib
// answered in-process by one ContextEngine (warm graph snapshot, statement cache and tokenizer),
// RUNS times each, end to end (entities, seeds, ranking, packing, rendering, exact count). Prints
// p50/p99 wall and thread-CPU times (the machines here are shared: CPU time is the steadier
// figure), the one-off costs (graph load, tokenizer load, first answer), and per question the
// tokens used and the top nodes, to eyeball quality.
// Usage: mu_bench_context PROJECT [--runs N] [--budget N] [--encoding cl100k_base|o200k_base] [--quiet]
//   PROJECT is indexed first when it has no .mu/mubase (e.g. a copy of /usr/lib/python3.11).
#include "context/contextengine.h"
#include "context/tokenizer.h"
#include "graph/graph.h"
#include "index/indexer.h"
#include "store/storereader.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QSet>

#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace {

const char* const kQuestions[] = {
    "How does json decoding work?",
    "How does json.dumps serialize objects?",
    "Where is the HTTP request parsed in http.server?",
    "How does ThreadPoolExecutor schedule work items?",
    "How does asyncio run the event loop?",
    "How are regular expressions compiled in re?",
    "How does logging format records with a Formatter?",
    "How does argparse parse command line arguments?",
    "How does subprocess.Popen start a child process?",
    "How does pathlib join paths?",
    "How does shutil copy a directory tree?",
    "How does the csv reader handle quoting?",
    "How does urllib.parse split a URL?",
    "What does functools.lru_cache do?",
    "How does collections.OrderedDict move_to_end work?",
    "How are email messages parsed?",
    "How does zipfile read the central directory?",
    "How does tarfile extract members safely?",
    "How does unittest discover tests?",
    "How does the pickle Pickler save objects?",
    "How does smtplib send mail?",
    "How does the sqlite3 dump work?",
    "How does dataclasses generate __init__?",
    "How does typing handle generic aliases?",
    "How does importlib find a module spec?",
    "What does textwrap.dedent do?",
    "How does difflib compute a unified diff?",
    "How does the tokenize module tokenize source code?",
    "How does ssl wrap a socket?",
    "How does configparser read ini files?",
    "How does heapq push and pop items?",
    "Where is datetime.strftime implemented?",
};

struct Percentiles {
    double p50 = 0;
    double p99 = 0;
};

Percentiles percentiles(std::vector<double> samples)
{
    if (samples.empty())
        return {};
    std::sort(samples.begin(), samples.end());
    const auto at = [&](double q) {
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

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: mu_bench_context PROJECT [--runs N] [--budget N] [--encoding NAME] [--quiet]\n");
        return 2;
    }
    const QString project = QFileInfo(args.at(1)).absoluteFilePath();
    int runs = 10;
    int budget = 4000;
    bool quiet = false;
    mu::context::Encoding encoding = mu::context::Encoding::Cl100kBase;
    for (qsizetype i = 2; i < args.size(); ++i) {
        if (args[i] == u"--runs" && i + 1 < args.size())
            runs = std::max(1, args[++i].toInt());
        else if (args[i] == u"--budget" && i + 1 < args.size())
            budget = std::max(1, args[++i].toInt());
        else if (args[i] == u"--encoding" && i + 1 < args.size())
            encoding = mu::context::encodingFromName(args[++i]).value_or(encoding);
        else if (args[i] == u"--quiet")
            quiet = true;
    }

    const QString db = mu::index::mubasePath(project);
    if (!QFileInfo::exists(db)) {
        std::fprintf(stderr, "indexing %s ...\n", qPrintable(project));
        mu::index::IndexOptions options;
        options.jobs = 2;
        auto report = mu::index::Indexer(project, options).run();
        if (!report) {
            std::fprintf(stderr, "index failed: %s\n", qPrintable(report.error().message));
            return 1;
        }
    }

    QElapsedTimer timer;
    timer.start();
    auto graph = mu::graph::Graph::load(db);
    if (!graph) {
        std::fprintf(stderr, "graph: %s\n", qPrintable(graph.error().message));
        return 1;
    }
    const double graphMs = double(timer.nsecsElapsed()) / 1e6;
    auto reader = mu::store::StoreReader::open(db);
    if (!reader) {
        std::fprintf(stderr, "store: %s\n", qPrintable(reader.error().message));
        return 1;
    }
    timer.restart();
    auto tokenizer = mu::context::Tokenizer::load(encoding);
    if (!tokenizer) {
        std::fprintf(stderr, "tokenizer: %s\n", qPrintable(tokenizer.error().message));
        return 1;
    }
    const double tokenizerMs = double(timer.nsecsElapsed()) / 1e6;
    timer.restart();
    const mu::context::ContextEngine engine(**reader, *graph);
    const double engineMs = double(timer.nsecsElapsed()) / 1e6;

    std::printf("project %s: %d nodes, %lld edges, revision %lld\n", qPrintable(project), (*graph)->nodeCount(),
        static_cast<long long>((*graph)->edgeCount()), static_cast<long long>((*graph)->revision()));
    std::printf(
        "one-off: graph load %.1f ms, tokenizer load %.1f ms, engine %.1f ms\n", graphMs, tokenizerMs, engineMs);

    std::vector<double> wall;
    std::vector<double> cpu;
    double firstMs = -1;
    for (const char* question : kQuestions) {
        mu::context::ContextRequest request;
        request.question = QString::fromUtf8(question);
        request.maxTokens = budget;
        request.encoding = encoding;
        request.text.source = QFileInfo(project).fileName();
        mu::context::ContextResult last;
        for (int run = 0; run <= runs; ++run) {
            QElapsedTimer clock;
            clock.start();
            const double cpuStart = threadCpuMs();
            auto result = engine.answer(request);
            const double cpuMs = threadCpuMs() - cpuStart;
            const double wallMs = double(clock.nsecsElapsed()) / 1e6;
            if (!result) {
                std::fprintf(stderr, "%s: %s\n", question, qPrintable(result.error().message));
                return 1;
            }
            if (firstMs < 0)
                firstMs = wallMs;
            if (run > 0) { // run 0 warms this question's pages and statements
                wall.push_back(wallMs);
                cpu.push_back(cpuMs);
            }
            if (result->tokenCount > budget) {
                std::fprintf(stderr, "OVER BUDGET: %s: %d > %d\n", question, result->tokenCount, budget);
                return 1;
            }
            last = std::move(*result);
        }
        if (!quiet) {
            QStringList top;
            for (qsizetype i = 0; i < std::min<qsizetype>(5, last.nodes.size()); ++i)
                top.append(last.nodes[i].id);
            QSet<QString> files;
            for (const mu::context::ScoredNode& node : std::as_const(last.nodes))
                files.insert(node.id.section(u':', 1, 1));
            std::printf("- %s\n    %d tokens, %lld nodes, %lld files%s%s\n    top: %s\n", question, last.tokenCount,
                static_cast<long long>(last.nodes.size()), static_cast<long long>(files.size()),
                last.note.isEmpty() ? "" : ", note: ", qPrintable(last.note),
                qPrintable(top.join(QStringLiteral(", "))));
        }
    }
    const Percentiles w = percentiles(wall);
    const Percentiles c = percentiles(cpu);
    std::printf("\n| questions | runs each | budget | first answer | p50 wall | p99 wall | p50 CPU | p99 CPU |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    std::printf("| %zu | %d | %d | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n", std::size(kQuestions), runs,
        budget, firstMs, w.p50, w.p99, c.p50, c.p99);
    return 0;
}
