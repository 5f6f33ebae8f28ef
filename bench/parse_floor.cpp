// The floor of a tree-sitter indexer: parse the files `mu index` would index, with the same
// grammars and thread count, and do nothing else. bench/index_bench.sh compares `mu index`
// against it in the same run.
#include "index/scanner.h"
#include "parse/fileparser.h"
#include "parse/languageregistry.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QThreadPool>

#include <tree_sitter/api.h>

#include <atomic>
#include <cstdio>

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() < 2) {
        std::fprintf(stderr,
            "usage: mu_bench_parse DIR [JOBS] [--extract]\n"
            "  --extract: also run MU's extractors (FileParser), still without storing\n");
        return 2;
    }
    const QString root = args[1];
    const int jobs = args.size() > 2 ? args[2].toInt() : QThread::idealThreadCount();
    const bool extract = args.contains(QStringLiteral("--extract"));

    QElapsedTimer timer;
    timer.start();
    auto scan = mu::index::Scanner(root).scan();
    if (!scan) {
        std::fprintf(stderr, "%s\n", qPrintable(scan.error().message));
        return 1;
    }
    std::atomic<qint64> bytes {0};
    std::atomic<qint64> lines {0};
    QThreadPool pool;
    pool.setMaxThreadCount(jobs);
    for (const mu::index::ScannedFile& file : std::as_const(scan->files)) {
        pool.start([&, path = file.path] {
            thread_local const struct Parser {
                TSParser* handle = ts_parser_new();
                ~Parser() { ts_parser_delete(handle); }
            } parser;
            const mu::parse::Language* language = mu::parse::LanguageRegistry::builtin().forPath(path);
            QFile f(root + u'/' + path);
            if (!language || !f.open(QIODevice::ReadOnly))
                return;
            const QByteArray content = f.readAll();
            if (content.size() > mu::parse::ParseOptions().maxFileBytes)
                return; // mu index skips these too (size cap)
            if (extract) {
                const mu::FileIndex index = mu::parse::FileParser::forCurrentThread().parse(path, content, *language);
                bytes += content.size();
                lines += content.count('\n');
                return;
            }
            ts_parser_set_language(parser.handle, language->grammar());
            TSTree* tree
                = ts_parser_parse_string(parser.handle, nullptr, content.constData(), uint32_t(content.size()));
            ts_tree_delete(tree);
            bytes += content.size();
            lines += content.count('\n');
        });
    }
    pool.waitForDone();
    std::printf("{\"files\": %lld, \"bytes\": %lld, \"lines\": %lld, \"seconds\": %.3f}\n",
        static_cast<long long>(scan->files.size()), static_cast<long long>(bytes.load()),
        static_cast<long long>(lines.load()), double(timer.nsecsElapsed()) / 1e9);
    return 0;
}
