// Watch layer figures: how long FileWatcher::start() takes to walk and watch a tree, the latency
// from a write to its filesChanged report (default debounce), and how a storm resolves.
//
//   mu_bench_watch [--dirs N] [--files-per-dir N] [--edits N] [<existing project root>]
//
// Without a root, a synthetic tree of dirs × files .py files is generated in a temporary directory.

#include "watch/filewatcher.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using mu::watch::FileWatcher;

namespace {

bool appendTo(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::Append))
        return false;
    return file.write("x = 1\n") == 6;
}

// Runs the event loop until `done` holds or `timeoutMs` passes; false on timeout.
template<typename Predicate> bool spinUntil(Predicate done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
    }
    return true;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1, size_t(p * double(values.size() - 1) + 0.5));
    return values[index];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int dirs = 500;
    int filesPerDir = 20;
    int edits = 50;
    QString root;
    const QStringList args = app.arguments();
    for (int i = 1; i < args.size(); ++i) {
        if (args[i] == u"--dirs" && i + 1 < args.size())
            dirs = args[++i].toInt();
        else if (args[i] == u"--files-per-dir" && i + 1 < args.size())
            filesPerDir = args[++i].toInt();
        else if (args[i] == u"--edits" && i + 1 < args.size())
            edits = args[++i].toInt();
        else
            root = args[i];
    }

    QTemporaryDir temp;
    QStringList editable;
    if (root.isEmpty()) {
        root = temp.path();
        for (int d = 0; d < dirs; ++d) {
            const QString dir = QStringLiteral("%1/pkg%2/sub%3").arg(root).arg(d % 25).arg(d);
            QDir().mkpath(dir);
            for (int f = 0; f < filesPerDir; ++f) {
                const QString path = QStringLiteral("%1/m%2.py").arg(dir).arg(f);
                if (!appendTo(path)) {
                    std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
                    return 1;
                }
                if (f == 0)
                    editable.append(path);
            }
        }
    }

    mu::watch::WatchOptions options;
    options.idleReconcileMs = 0;
    FileWatcher watcher(root, options);
    QElapsedTimer timer;
    timer.start();
    watcher.start();
    const double startMs = double(timer.nsecsElapsed()) / 1e6;
    const auto stats = watcher.stats();
    std::printf("start: %.1f ms for %d directories, %d files (%d failed watches)\n", startMs, stats.watchedDirs,
        stats.watchedFiles, stats.failedWatches);
    if (watcher.state() != FileWatcher::State::Watching)
        return 1;

    if (!editable.isEmpty()) {
        QString seen;
        QObject::connect(&watcher, &FileWatcher::filesChanged, [&](const QStringList& paths) {
            if (!paths.isEmpty())
                seen = paths.constLast();
        });
        std::vector<double> latencies;
        for (int i = 0; i < edits; ++i) {
            const QString& path = editable.at(i % editable.size());
            const QString rel = QDir(root).relativeFilePath(path);
            seen.clear();
            timer.restart();
            appendTo(path);
            if (!spinUntil([&] { return seen == rel; }, 10000)) {
                std::fprintf(stderr, "edit %d not reported\n", i);
                return 1;
            }
            latencies.push_back(double(timer.nsecsElapsed()) / 1e6);
        }
        std::printf("write -> filesChanged (quietMs=%d): median %.1f ms, p95 %.1f ms over %d edits\n", options.quietMs,
            percentile(latencies, 0.5), percentile(latencies, 0.95), edits);

        // Storm: touch every file at once.
        bool reconciled = false;
        QObject::connect(&watcher, &FileWatcher::reconcileRequested, [&] { reconciled = true; });
        timer.restart();
        int touched = 0;
        for (int d = 0; d < dirs; ++d) {
            for (int f = 0; f < filesPerDir; ++f)
                touched
                    += appendTo(QStringLiteral("%1/pkg%2/sub%3/m%4.py").arg(root).arg(d % 25).arg(d).arg(f)) ? 1 : 0;
        }
        const double writeMs = double(timer.nsecsElapsed()) / 1e6;
        if (!spinUntil([&] { return reconciled && watcher.state() == FileWatcher::State::Watching; }, 60000)) {
            std::fprintf(
                stderr, "storm did not resolve (state %s)\n", qPrintable(FileWatcher::stateName(watcher.state())));
            return 1;
        }
        std::printf(
            "storm: %d files touched in %.1f ms; reconcile requested %.1f ms after the first write (%lld events, "
            "%d storms)\n",
            touched, writeMs, double(timer.nsecsElapsed()) / 1e6, static_cast<long long>(watcher.stats().events),
            watcher.stats().storms);
    }

    timer.restart();
    watcher.stop();
    std::printf("stop: %.1f ms\n", double(timer.nsecsElapsed()) / 1e6);
    return 0;
}
