// mu daemon run: the project's daemon in the foreground (DESIGN.md "Daemon lifecycle").
#include "cli.h"

#include "daemon/daemon.h"
#include "daemon/signalbridge.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <csignal>
#include <cstdio>

namespace mu::cli {

namespace {

/// A positive whole number option, or nullopt with the error printed.
std::optional<int> numberOption(const QCommandLineParser& parser, const QCommandLineOption& option, int min, int max)
{
    bool ok = false;
    const int value = parser.value(option).toInt(&ok);
    if (!ok || value < min || value > max) {
        std::fprintf(
            stderr, "mu daemon run: --%s needs a number from %d to %d\n", qPrintable(option.names().last()), min, max);
        return std::nullopt;
    }
    return value;
}

} // namespace

int runDaemonRun(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("DIR"),
        QStringLiteral("The project (default: the nearest indexed project at or above the working directory, else "
                       "the working directory)."),
        QStringLiteral("[DIR]"));
    const QCommandLineOption port(QStringLiteral("port"),
        QStringLiteral("Listen on this port (0 = any free one); fails when it is taken. Default: 9120, or a free "
                       "port when another daemon has it."),
        QStringLiteral("N"));
    const QCommandLineOption noAuth(
        QStringLiteral("no-auth"), QStringLiteral("Answer requests without a bearer token (trusted setups only)."));
    const QCommandLineOption quiet(QStringLiteral("debounce-ms"),
        QStringLiteral("Quiet time before a changed file is re-indexed (default 50)."), QStringLiteral("MS"),
        QStringLiteral("50"));
    const QCommandLineOption maxDelay(QStringLiteral("max-delay-ms"),
        QStringLiteral("Longest wait for a file that keeps changing (default 500)."), QStringLiteral("MS"),
        QStringLiteral("500"));
    parser.addOptions({port, noAuth, quiet, maxDelay});
    QStringList args = arguments.mid(2);
    args.prepend(QStringLiteral("daemon run"));
    if (int code = parseOrExit(parser, args,
            QStringLiteral("Run the project's daemon in the foreground: keep the graph current while files change "
                           "and serve it over HTTP + WebSocket on 127.0.0.1. Ctrl-C stops it cleanly."));
        code >= 0)
        return code;

    daemon::DaemonOptions options;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return fail({QStringLiteral("usage"), QStringLiteral("daemon run takes one DIR")}, {}, kExitUsage);
    if (!positional.isEmpty()) {
        options.projectRoot = positional.first();
    } else {
        auto found = findProject(QString());
        options.projectRoot = found ? *found : QDir::currentPath();
    }
    if (!QFileInfo(options.projectRoot).isDir())
        return fail({QStringLiteral("not_found"), QStringLiteral("%1 is not a directory").arg(options.projectRoot)});
    if (parser.isSet(port)) {
        const auto value = numberOption(parser, port, 0, 65535);
        if (!value)
            return kExitUsage;
        options.port = quint16(*value);
    }
    const auto quietMs = numberOption(parser, quiet, 0, 60000);
    const auto maxDelayMs = numberOption(parser, maxDelay, 0, 600000);
    if (!quietMs || !maxDelayMs)
        return kExitUsage;
    options.watch.quietMs = *quietMs;
    options.watch.maxDelayMs = qMax(*maxDelayMs, *quietMs);
    options.requireAuth = !parser.isSet(noAuth);

    qSetMessagePattern(QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{if-warning}warning %{endif}%{if-critical}"
                                      "error %{endif}%{category}: %{message}"));
    daemon::Daemon daemon(options);
    // Signals arrive through a self-pipe into the event loop, so shutdown runs as ordinary code.
    daemon::SignalBridge bridge({SIGTERM, SIGINT, SIGHUP});
    QObject::connect(&bridge, &daemon::SignalBridge::received, &daemon, [&daemon](int) { daemon.stop(); });
    QObject::connect(
        &daemon, &daemon::Daemon::stopped, QCoreApplication::instance(), &QCoreApplication::quit, Qt::QueuedConnection);
    if (Status status = daemon.start(); !status)
        return fail(status.error(),
            status.error().code == u"locked" ? QStringLiteral("see 'mu daemon status' or stop it with 'mu daemon stop'")
                                             : QString());
    std::fprintf(stderr, "mu daemon: serving %s on http://127.0.0.1:%u (pid %lld)%s\n",
        qPrintable(daemon.projectRoot()), unsigned(daemon.port()), qint64(QCoreApplication::applicationPid()),
        options.requireAuth ? "; token: mu daemon token" : "; no authentication");
    std::fflush(stderr);
    QCoreApplication::exec();
    return kExitOk;
}

} // namespace mu::cli
