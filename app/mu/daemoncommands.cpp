// mu daemon start | stop | status | list | token: the client side of the project daemons (DESIGN.md
// "Daemon lifecycle"). `mu daemon run`, the daemon itself, is in daemonrun.cpp.
#include "cli.h"

#include "daemon/daemonclient.h"
#include "daemon/projectlock.h"
#include "daemon/registry.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QThread>

#include <csignal>
#include <cstdio>

namespace mu::cli {

namespace {

using daemon::DaemonClient;
using daemon::DaemonEntry;
using daemon::ProjectLock;
using daemon::Registry;

const QCommandLineOption kJsonOption = jsonOption();
const QCommandLineOption kProjectOption = projectOption();
const QCommandLineOption kPortOption(QStringLiteral("port"),
    QStringLiteral("Listen on port N (default 9120, or a free port when another daemon has it)."), QStringLiteral("N"));
const QCommandLineOption kNoAuthOption(
    QStringLiteral("no-auth"), QStringLiteral("Serve without a bearer token (trusted setups only)."));

// How long `stop` gives each step (DESIGN.md: shutdown request, then SIGTERM, then SIGKILL after 5 s).
constexpr int kShutdownGraceMs = 5000;
constexpr int kKillWaitMs = 3000;
constexpr int kStartTimeoutSeconds = 15;
constexpr unsigned long kPollMs = 100;

void out(const QString& line)
{
    std::fputs(qPrintable(line), stdout);
    std::fputc('\n', stdout);
}

int usage(const QString& command, const QString& message)
{
    return fail({QStringLiteral("usage"), message}, QStringLiteral("see 'mu %1 --help'").arg(command), kExitUsage);
}

QString url(const DaemonEntry& entry)
{
    return QStringLiteral("http://127.0.0.1:%1").arg(entry.port);
}

QString duration(qint64 seconds)
{
    if (seconds < 0)
        return QStringLiteral("?");
    if (seconds < 60)
        return QStringLiteral("%1s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1m %2s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    if (seconds < 86400)
        return QStringLiteral("%1h %2m").arg(seconds / 3600).arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1d %2h").arg(seconds / 86400).arg((seconds % 86400) / 3600);
}

qint64 secondsSince(const QDateTime& time)
{
    return time.isValid() ? time.secsTo(QDateTime::currentDateTimeUtc()) : -1;
}

/// The project a daemon command is about: DIR (or -C DIR), else the nearest indexed project, else
/// the working directory (`start` indexes it).
Result<QString> projectRoot(const QCommandLineParser& parser)
{
    QString dir = parser.positionalArguments().value(0);
    if (dir.isEmpty())
        dir = parser.value(kProjectOption);
    if (!dir.isEmpty()) {
        if (!QFileInfo(dir).isDir())
            return Error {QStringLiteral("not_found"), QStringLiteral("%1 is not a directory").arg(dir)};
        return daemon::canonicalProjectPath(dir);
    }
    auto found = findProject({});
    return daemon::canonicalProjectPath(found ? *found : QDir::currentPath());
}

/// --port N: nullopt when absent; a usage error (already printed) sets `error`.
std::optional<quint16> portOption(const QCommandLineParser& parser, const QString& command, int* error)
{
    if (!parser.isSet(kPortOption))
        return std::nullopt;
    bool ok = false;
    const int port = parser.value(kPortOption).toInt(&ok);
    if (!ok || port < 1 || port > 65535) {
        *error = usage(
            command, QStringLiteral("--port takes a number from 1 to 65535, not '%1'").arg(parser.value(kPortOption)));
        return std::nullopt;
    }
    return quint16(port);
}

/// Waits until `root`'s daemon (pid `pid`, or any when 0) is registered and answers /health.
/// nullopt when the deadline passes or the process exits first.
std::optional<DaemonEntry> waitUntilServing(
    Registry& registry, const QString& root, qint64 pid, QDeadlineTimer deadline)
{
    for (;;) {
        auto entry = registry.find(root);
        if (entry && *entry && (pid == 0 || (*entry)->pid == pid)) {
            if (DaemonClient(**entry).get(QStringLiteral("/health"), 2000))
                return **entry;
        }
        if ((pid > 0 && !daemon::processAlive(pid)) || deadline.hasExpired())
            return std::nullopt;
        QThread::msleep(kPollMs);
    }
}

/// The lines the daemon wrote to its log since `offset`, for a failed start.
QString logTail(const QString& path, qint64 offset)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(std::min(offset, file.size())))
        return {};
    QStringList lines = QString::fromUtf8(file.read(64 * 1024)).trimmed().split(u'\n', Qt::SkipEmptyParts);
    constexpr qsizetype kShown = 10;
    if (lines.size() > kShown)
        lines = lines.mid(lines.size() - kShown);
    return lines.join(u'\n');
}

int start(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("DIR"),
        QStringLiteral("Project directory (default: nearest indexed project, else .)."), QStringLiteral("[DIR]"));
    const QCommandLineOption debounce(QStringLiteral("debounce"),
        QStringLiteral("Quiet time before a changed file is reindexed."), QStringLiteral("MS"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
        QStringLiteral("Seconds to wait for the daemon to answer (default %1).").arg(kStartTimeoutSeconds),
        QStringLiteral("S"));
    parser.addOptions({kPortOption, kNoAuthOption, debounce, timeout, kProjectOption});
    if (int code = parseOrExit(parser, arguments, QStringLiteral("Start the project's daemon in the background."));
        code >= 0)
        return code;
    if (parser.positionalArguments().size() > 1)
        return usage(arguments[0], QStringLiteral("start takes one directory"));
    int error = -1;
    const std::optional<quint16> port = portOption(parser, arguments[0], &error);
    if (error >= 0)
        return error;
    int timeoutSeconds = kStartTimeoutSeconds;
    if (parser.isSet(timeout)) {
        bool ok = false;
        timeoutSeconds = parser.value(timeout).toInt(&ok);
        if (!ok || timeoutSeconds < 1)
            return usage(arguments[0], QStringLiteral("--timeout takes a positive number of seconds"));
    }
    auto root = projectRoot(parser);
    if (!root)
        return fail(root.error());

    Registry registry;
    const QDeadlineTimer deadline(qint64(timeoutSeconds) * 1000);
    auto existing = registry.find(*root);
    if (!existing)
        return fail(existing.error());
    std::optional<DaemonEntry> running = *existing;
    if (!running) {
        // Locked but not registered yet: another start is under way; wait for it instead.
        if (const auto holder = ProjectLock::holderPid(*root))
            running = waitUntilServing(registry, *root, *holder, deadline);
    }
    if (running) {
        out(QStringLiteral("already running: %1 on %2 (pid %3)")
                .arg(running->projectPath, url(*running))
                .arg(running->pid));
        return kExitOk;
    }
    if (port) {
        // Checked here too so that the error names the owner without a trip through the log.
        if (auto chosen = daemon::choosePort(port, registry); !chosen)
            return fail(chosen.error(), QStringLiteral("pick another port, or leave --port out to get a free one"));
    }

    if (!QDir().mkpath(*root + QStringLiteral("/.mu")))
        return fail({QStringLiteral("io"), QStringLiteral("cannot create %1/.mu").arg(*root)});
    const QString logPath = *root + QStringLiteral("/.mu/daemon.log");
    const qint64 logOffset = QFileInfo(logPath).size();
    QStringList runArguments = {QStringLiteral("daemon"), QStringLiteral("run"), *root};
    if (port)
        runArguments << QStringLiteral("--port") << QString::number(*port);
    if (parser.isSet(kNoAuthOption))
        runArguments << QStringLiteral("--no-auth");
    if (parser.isSet(debounce))
        runArguments << QStringLiteral("--debounce-ms") << parser.value(debounce);
    QProcess process;
    process.setProgram(QCoreApplication::applicationFilePath());
    process.setArguments(runArguments);
    process.setWorkingDirectory(*root);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(logPath, QIODevice::Append);
    process.setStandardErrorFile(logPath, QIODevice::Append);
    qint64 pid = 0;
    if (!process.startDetached(&pid))
        return fail({QStringLiteral("io"),
            QStringLiteral("cannot start '%1 daemon run': %2").arg(process.program(), process.errorString())});

    if (auto entry = waitUntilServing(registry, *root, pid, deadline)) {
        out(QStringLiteral("started: %1 on %2 (pid %3)").arg(entry->projectPath, url(*entry)).arg(entry->pid));
        return kExitOk;
    }
    if (daemon::processAlive(pid))
        return fail({QStringLiteral("timeout"),
                        QStringLiteral("the daemon (pid %1) did not answer within %2 s").arg(pid).arg(timeoutSeconds)},
            QStringLiteral("it may still be indexing: see 'mu daemon status' and %1").arg(logPath));
    // It exited: maybe because a concurrent start won the lock.
    if (auto other = registry.find(*root); other && *other) {
        out(QStringLiteral("already running: %1 on %2 (pid %3)")
                .arg((*other)->projectPath, url(**other))
                .arg((*other)->pid));
        return kExitOk;
    }
    const QString tail = logTail(logPath, logOffset);
    return fail({QStringLiteral("start_failed"),
                    QStringLiteral("the daemon exited during startup")
                        + (tail.isEmpty() ? QString() : QStringLiteral(":\n") + tail)},
        QStringLiteral("the whole log is %1").arg(logPath));
}

/// One daemon to stop and what happened to it.
struct StopTarget {
    explicit StopTarget(DaemonEntry e, bool isRegistered = true) : entry(std::move(e)), registered(isRegistered) { }
    DaemonEntry entry;
    bool registered = true;
    QString how;
};

bool alive(const StopTarget& target)
{
    return daemon::processAlive(target.entry.pid, target.entry.pidStart);
}

/// Waits until every target has exited or `ms` pass.
void waitForExit(const QList<StopTarget>& targets, int ms)
{
    const QDeadlineTimer deadline(ms);
    while (!deadline.hasExpired()) {
        if (std::none_of(targets.begin(), targets.end(), alive))
            return;
        QThread::msleep(kPollMs / 2);
    }
}

void signalAlive(QList<StopTarget>& targets, int signalNumber, const QString& how)
{
    for (StopTarget& target : targets) {
        // alive() compares the start time too: a pid reused by an unrelated process is left alone.
        if (alive(target) && ::kill(pid_t(target.entry.pid), signalNumber) == 0)
            target.how = how;
    }
}

/// Shutdown request, then SIGTERM, then SIGKILL, each with a grace period; all targets at once.
int stopAll(QList<StopTarget> targets, Registry& registry)
{
    for (StopTarget& target : targets) {
        if (target.registered && DaemonClient(target.entry).post(QStringLiteral("/shutdown"), {}, kShutdownGraceMs))
            target.how = QStringLiteral("on request");
    }
    waitForExit(targets, kShutdownGraceMs);
    signalAlive(targets, SIGTERM, QStringLiteral("with SIGTERM"));
    waitForExit(targets, kShutdownGraceMs);
    signalAlive(targets, SIGKILL, QStringLiteral("with SIGKILL"));
    waitForExit(targets, kKillWaitMs);

    int code = kExitOk;
    for (const StopTarget& target : std::as_const(targets)) {
        const DaemonEntry& entry = target.entry;
        if (alive(target)) {
            code = fail({QStringLiteral("stop_failed"),
                QStringLiteral("the daemon of %1 (pid %2) did not stop").arg(entry.projectPath).arg(entry.pid)});
            continue;
        }
        // A daemon that was killed could not remove its own entry.
        if (Status status = registry.remove(entry.projectPath, entry.pid); !status)
            code = fail(status.error());
        const QString where = entry.port ? QStringLiteral(", port %1").arg(entry.port) : QString();
        out(QStringLiteral("stopped: %1 (pid %2%3)%4")
                .arg(entry.projectPath)
                .arg(entry.pid)
                .arg(where, target.how.isEmpty() ? QString() : u' ' + target.how));
    }
    return code;
}

int stop(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("DIR"),
        QStringLiteral("Project directory (default: nearest indexed project, else .)."), QStringLiteral("[DIR]"));
    const QCommandLineOption all(QStringLiteral("all"), QStringLiteral("Stop every running daemon."));
    parser.addOptions({all, kPortOption, kProjectOption});
    if (int code = parseOrExit(parser, arguments, QStringLiteral("Stop a project's daemon (or all of them)."));
        code >= 0)
        return code;
    if (parser.positionalArguments().size() > 1)
        return usage(arguments[0], QStringLiteral("stop takes one directory"));
    int error = -1;
    const std::optional<quint16> port = portOption(parser, arguments[0], &error);
    if (error >= 0)
        return error;
    const bool hasDir = !parser.positionalArguments().isEmpty() || parser.isSet(kProjectOption);
    if (int(parser.isSet(all)) + int(port.has_value()) + int(hasDir) > 1)
        return usage(arguments[0], QStringLiteral("give one of DIR, --all and --port"));

    Registry registry;
    QList<StopTarget> targets;
    if (parser.isSet(all)) {
        auto entries = registry.list();
        if (!entries)
            return fail(entries.error());
        if (entries->isEmpty()) {
            out(QStringLiteral("no daemons running"));
            return kExitOk;
        }
        for (const DaemonEntry& entry : std::as_const(*entries))
            targets.append(StopTarget(entry));
    } else if (port) {
        auto entry = registry.findByPort(*port);
        if (!entry)
            return fail(entry.error());
        if (!*entry)
            return fail({QStringLiteral("not_running"), QStringLiteral("no MU daemon listens on port %1").arg(*port)},
                QStringLiteral("'mu daemon list' shows the running daemons"));
        targets.append(StopTarget(**entry));
    } else {
        auto root = projectRoot(parser);
        if (!root)
            return fail(root.error());
        auto entry = registry.find(*root);
        if (!entry)
            return fail(entry.error());
        if (*entry) {
            targets.append(StopTarget(**entry));
        } else if (const auto holder = ProjectLock::holderPid(*root); holder && *holder > 0) {
            // Starting, or registered under a registry we cannot see (another MU_HOME): stop it by pid.
            DaemonEntry unregistered;
            unregistered.projectPath = *root;
            unregistered.pid = *holder;
            unregistered.pidStart = daemon::processStartTime(*holder);
            targets.append(StopTarget(unregistered, false));
        } else {
            return fail({QStringLiteral("not_running"), QStringLiteral("no daemon is running for %1").arg(*root)});
        }
    }
    return stopAll(targets, registry);
}

int status(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("DIR"),
        QStringLiteral("Project directory (default: nearest indexed project, else .)."), QStringLiteral("[DIR]"));
    parser.addOptions({kJsonOption, kProjectOption});
    if (int code = parseOrExit(parser, arguments, QStringLiteral("Show what the project's daemon is doing."));
        code >= 0)
        return code;
    if (parser.positionalArguments().size() > 1)
        return usage(arguments[0], QStringLiteral("status takes one directory"));
    auto root = projectRoot(parser);
    if (!root)
        return fail(root.error());
    auto client = DaemonClient::forProject(*root);
    if (!client)
        return fail(client.error());
    if (!*client) {
        if (parser.isSet(kJsonOption))
            printJson({{QStringLiteral("status"), QStringLiteral("not_running")}, {QStringLiteral("project"), *root}});
        else
            out(QStringLiteral("not running: %1").arg(*root));
        return kExitUserError;
    }
    auto answer = (*client)->get(QStringLiteral("/status"), 10000);
    if (!answer)
        return fail(
            answer.error(), QStringLiteral("'mu daemon stop %1' clears a daemon that does not answer").arg(*root));
    if (parser.isSet(kJsonOption)) {
        printJson(*answer);
        return kExitOk;
    }
    const DaemonEntry& entry = (*client)->entry();
    const QJsonObject stats = answer->value(u"stats").toObject();
    const QJsonObject watcher = answer->value(u"watcher").toObject();
    out(bold(QStringLiteral("Daemon   "))
        + QStringLiteral("%1 · pid %2 · %3 · up %4")
              .arg(answer->value(u"status").toString(QStringLiteral("running")))
              .arg(entry.pid)
              .arg(url(entry), duration(answer->value(u"uptime_seconds").toInteger(secondsSince(entry.startedAt)))));
    out(bold(QStringLiteral("Project  ")) + entry.projectPath);
    out(bold(QStringLiteral("Graph    "))
        + QStringLiteral("revision %1 · %2 files · %3 nodes · %4 edges")
              .arg(answer->value(u"revision").toInteger())
              .arg(stats.value(u"files").toInteger())
              .arg(stats.value(u"nodes").toInteger())
              .arg(stats.value(u"edges").toInteger()));
    if (!watcher.isEmpty())
        out(bold(QStringLiteral("Watcher  "))
            + QStringLiteral("%1 · %2 directories · %3 pending")
                  .arg(watcher.value(u"state").toString())
                  .arg(watcher.value(u"watched_dirs").toInteger())
                  .arg(watcher.value(u"pending").toInteger()));
    return kExitOk;
}

int list(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addOptions({kJsonOption});
    if (int code = parseOrExit(parser, arguments, QStringLiteral("List the running daemons of this user.")); code >= 0)
        return code;
    if (!parser.positionalArguments().isEmpty())
        return usage(arguments[0], QStringLiteral("list takes no arguments"));
    Registry registry;
    auto entries = registry.list();
    if (!entries)
        return fail(entries.error());
    if (parser.isSet(kJsonOption)) {
        QJsonArray daemons;
        for (const DaemonEntry& entry : std::as_const(*entries)) {
            QJsonObject object = entry.toJson(false); // tokens only through `mu daemon token`
            object.insert(QStringLiteral("uptime_seconds"), secondsSince(entry.startedAt));
            daemons.append(object);
        }
        printJson({{QStringLiteral("daemons"), daemons}, {QStringLiteral("count"), daemons.size()}});
        return kExitOk;
    }
    if (entries->isEmpty()) {
        out(QStringLiteral("no daemons running"));
        return kExitOk;
    }
    out(bold(QStringLiteral("%1 %2 %3 %4 %5")
                 .arg(QStringLiteral("PID"), -8)
                 .arg(QStringLiteral("PORT"), -6)
                 .arg(QStringLiteral("UPTIME"), -8)
                 .arg(QStringLiteral("HEARTBEAT"), -10)
                 .arg(QStringLiteral("PROJECT"))));
    for (const DaemonEntry& entry : std::as_const(*entries))
        out(QStringLiteral("%1 %2 %3 %4 %5")
                .arg(entry.pid, -8)
                .arg(entry.port, -6)
                .arg(duration(secondsSince(entry.startedAt)), -8)
                .arg(duration(secondsSince(entry.lastHeartbeat)) + QStringLiteral(" ago"), -10)
                .arg(entry.projectPath));
    return kExitOk;
}

int token(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("DIR"),
        QStringLiteral("Project directory (default: nearest indexed project, else .)."), QStringLiteral("[DIR]"));
    parser.addOptions({kProjectOption});
    if (int code
        = parseOrExit(parser, arguments, QStringLiteral("Print the bearer token of the project's daemon (for curl)."));
        code >= 0)
        return code;
    if (parser.positionalArguments().size() > 1)
        return usage(arguments[0], QStringLiteral("token takes one directory"));
    auto root = projectRoot(parser);
    if (!root)
        return fail(root.error());
    Registry registry;
    auto entry = registry.find(*root);
    if (!entry)
        return fail(entry.error());
    if (!*entry)
        return fail({QStringLiteral("not_running"), QStringLiteral("no daemon is running for %1").arg(*root)},
            QStringLiteral("start one with 'mu daemon start %1'").arg(*root));
    if ((*entry)->token.isEmpty()) {
        std::fprintf(stderr, "mu: the daemon of %s runs without authentication (--no-auth)\n", qPrintable(*root));
        return kExitOk;
    }
    out((*entry)->token);
    return kExitOk;
}

void printDaemonUsage(FILE* stream)
{
    std::fputs("Usage: mu daemon <command> [options]\n\n"
               "Project daemons keep the graph live and serve it over HTTP (127.0.0.1).\n\n"
               "Commands:\n"
               "  start [DIR] [--port N] [--no-auth]  start the project's daemon in the background\n"
               "  stop [DIR] | --all | --port N       stop a daemon (request, then SIGTERM, then SIGKILL)\n"
               "  status [DIR] [--json]               what the project's daemon is doing\n"
               "  list [--json]                       the running daemons of this user\n"
               "  token [DIR]                         the daemon's bearer token (for curl)\n"
               "  run [DIR] [--port N] [--no-auth]    run the daemon in this terminal\n\n"
               "Run 'mu daemon <command> --help' for a command's options.\n",
        stream);
}

} // namespace

int runDaemon(const QStringList& arguments)
{
    const QString command = arguments.value(1);
    if (command == u"run")
        return runDaemonRun(arguments);
    if (command == u"--help" || command == u"-h" || command == u"help") {
        printDaemonUsage(stdout);
        return kExitOk;
    }
    using Handler = int (*)(const QStringList&);
    const std::pair<const char*, Handler> table[]
        = {{"start", start}, {"stop", stop}, {"status", status}, {"list", list}, {"token", token}};
    for (const auto& [name, handler] : table) {
        if (command == QLatin1String(name)) {
            // "daemon start" as the command name, so errors and --help say "mu daemon start".
            QStringList rest = arguments.mid(2);
            rest.prepend(QStringLiteral("daemon ") + command);
            return handler(rest);
        }
    }
    if (command.isEmpty())
        std::fputs("mu daemon: a command is needed\n", stderr);
    else
        std::fprintf(stderr, "mu daemon: unknown command '%s'\n", qPrintable(command));
    printDaemonUsage(stderr);
    return kExitUsage;
}

} // namespace mu::cli
