// Token counting speed (core/context/tokenizer.h): 1 MiB of real source (Python stdlib files,
// concatenated in path order), both encodings, median of several runs, next to js-tiktoken
// (Node) on the same bytes. Target: <= 50 ms per MiB.
//
//   mu_bench_tokenizer [--runs N] [--source DIR] [--no-node]
#include "context/tokenizer.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

using namespace mu::context;

namespace {

constexpr qsizetype kTextBytes = 1 << 20;

QByteArray corpus(const QString& root)
{
    QStringList files;
    QDirIterator it(root, {QStringLiteral("*.py")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (!path.contains(QLatin1String("-packages/")))
            files << path;
    }
    files.sort();
    QByteArray text;
    for (const QString& path : files) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            text += file.readAll();
        if (text.size() >= kTextBytes)
            break;
    }
    text.truncate(kTextBytes);
    // Cut at a code point boundary.
    while (!text.isEmpty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80)
        text.chop(1);
    if (!text.isEmpty() && static_cast<unsigned char>(text.back()) >= 0xC0)
        text.chop(1);
    return text;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

double threadCpuMs()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) * 1e3 + double(now.tv_nsec) / 1e6;
}

/// Median wall-clock and CPU milliseconds of `runs` calls: on a shared machine the CPU time is the
/// figure that does not depend on the neighbours.
struct Timing {
    double wallMs;
    double cpuMs;
};

template<typename F> Timing medianMs(int runs, F&& run)
{
    std::vector<double> wall;
    std::vector<double> cpu;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        const double cpuStart = threadCpuMs();
        timer.start();
        run();
        wall.push_back(double(timer.nsecsElapsed()) / 1e6);
        cpu.push_back(threadCpuMs() - cpuStart);
    }
    return {median(wall), median(cpu)};
}

/// {encoding: {count, ms}} from js-tiktoken encoding the file `runs` times (median), or empty.
QJsonObject nodeTimes(const QString& textPath, int runs)
{
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString modules = QStringLiteral(MU_SOURCE_DIR "/third_party/tiktoken/node_modules");
    if (node.isEmpty() || !QFile::exists(modules + QStringLiteral("/js-tiktoken/dist/lite.js")))
        return {};
    static const char* const kScript = R"js(
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [modules, textPath, runs] = process.argv.slice(1);
const dist = modules + '/js-tiktoken/dist';
const { Tiktoken } = await import(pathToFileURL(dist + '/lite.js').href);
const text = readFileSync(textPath, 'utf8');
const out = {};
for (const name of ['cl100k_base', 'o200k_base']) {
    const ranks = (await import(pathToFileURL(`${dist}/ranks/${name}.js`).href)).default;
    const encoder = new Tiktoken(ranks);
    const times = [];
    let count = 0;
    for (let i = 0; i < Number(runs); ++i) {
        const start = process.hrtime.bigint();
        count = encoder.encode(text, [], []).length;
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b); // wall clock, like the mu figure the ratio divides
    out[name] = { count, ms: times[Math.floor(times.length / 2)] };
}
console.log(JSON.stringify(out));
)js";
    QProcess process;
    process.start(node,
        {QStringLiteral("--input-type=module"), QStringLiteral("-e"), QString::fromUtf8(kScript), modules, textPath,
            QString::number(runs)});
    if (!process.waitForFinished(600000))
        return {};
    return QJsonDocument::fromJson(process.readAllStandardOutput()).object();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int runs = 9;
    QString source = QStringLiteral("/usr/lib/python3.11");
    bool withNode = true;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--runs") && i + 1 < args.size())
            runs = std::max(1, args[++i].toInt());
        else if (args[i] == QLatin1String("--source") && i + 1 < args.size())
            source = args[++i];
        else if (args[i] == QLatin1String("--no-node"))
            withNode = false;
    }

    const QByteArray text = corpus(source);
    if (text.size() < kTextBytes / 2) {
        std::fprintf(stderr, "not enough .py source under %s\n", qPrintable(source));
        return 1;
    }
    const QString asQString = QString::fromUtf8(text);
    const std::string_view bytes(text.constData(), std::size_t(text.size()));
    std::printf("text: %lld bytes of %s (*.py, path order), %d runs, median\n", static_cast<long long>(text.size()),
        qPrintable(source), runs);

    QJsonObject node;
    QTemporaryDir dir;
    if (withNode) {
        const QString textPath = dir.filePath(QStringLiteral("text.py"));
        QFile file(textPath);
        if (file.open(QIODevice::WriteOnly)) {
            file.write(text);
            file.close();
            node = nodeTimes(textPath, std::max(3, runs / 3));
        }
        if (node.isEmpty())
            std::printf("js-tiktoken: not available (node or third_party/tiktoken missing)\n");
    }

    int status = 0;
    for (const Encoding encoding : {Encoding::Cl100kBase, Encoding::O200kBase}) {
        QElapsedTimer loadTimer;
        loadTimer.start();
        auto loaded = Tokenizer::load(encoding);
        if (!loaded) {
            std::fprintf(stderr, "%s\n", qPrintable(loaded.error().message));
            return 1;
        }
        const double loadMs = double(loadTimer.nsecsElapsed()) / 1e6;
        const auto& tokenizer = *loaded;
        const int tokens = tokenizer->count(bytes); // warm-up
        const Timing utf8 = medianMs(runs, [&] { (void)tokenizer->count(bytes); });
        const Timing utf16 = medianMs(runs, [&] { (void)tokenizer->count(asQString); });
        std::printf("%s: load %.1f ms; %d tokens; count(utf8) %.2f ms (cpu %.2f ms); count(QString) %.2f ms "
                    "(cpu %.2f ms)\n",
            qPrintable(encodingName(encoding)), loadMs, tokens, utf8.wallMs, utf8.cpuMs, utf16.wallMs, utf16.cpuMs);
        const double utf8Ms = utf8.wallMs;
        const QJsonObject reference = node.value(encodingName(encoding)).toObject();
        if (!reference.isEmpty()) {
            const int nodeTokens = reference.value(QStringLiteral("count")).toInt();
            const double nodeMs = reference.value(QStringLiteral("ms")).toDouble();
            std::printf("  js-tiktoken: %d tokens, %.1f ms; mu is %.1fx faster%s\n", nodeTokens, nodeMs,
                nodeMs / std::max(utf8Ms, 1e-3), nodeTokens == tokens ? "" : "  COUNTS DIFFER");
            if (nodeTokens != tokens)
                status = 2;
        }
    }
    return status;
}
