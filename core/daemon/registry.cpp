#include "daemon/registry.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTcpServer>
#include <QThread>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mu::daemon {

namespace {

Q_LOGGING_CATEGORY(lcRegistry, "mu.daemon", QtWarningMsg)

constexpr int kFormatVersion = 1;
// A registry transaction takes milliseconds; waiting longer means a writer is stuck.
constexpr int kLockTimeoutMs = 30000;
constexpr unsigned long kLockPollMs = 5;
// Far above any real registry (an entry is ~400 bytes): anything bigger is not ours.
constexpr qint64 kMaxFileBytes = 16 * 1024 * 1024;
// Ports tried after 9120 before asking the kernel for any free one: predictable for users.
constexpr int kNearbyPorts = 10;

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

QString isoTime(const QDateTime& time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime parseTime(const QJsonValue& value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

/// The registry's flock, held for one transaction.
class HomeLock {
public:
    ~HomeLock()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Status lock(const QString& home)
    {
        if (!QFileInfo::exists(home)) {
            if (!QDir().mkpath(home))
                return Error {QStringLiteral("io"), QStringLiteral("cannot create %1").arg(home)};
            ::chmod(QFile::encodeName(home).constData(), 0700);
        }
        const QString path = home + QStringLiteral("/daemons.lock");
        m_fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (m_fd < 0)
            return Error {QStringLiteral("io"), QStringLiteral("cannot open %1: %2").arg(path, errnoText())};
        QElapsedTimer waited;
        waited.start();
        while (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK && errno != EINTR)
                return Error {QStringLiteral("io"), QStringLiteral("cannot lock %1: %2").arg(path, errnoText())};
            if (waited.elapsed() > kLockTimeoutMs)
                return Error {QStringLiteral("io"),
                    QStringLiteral("timed out waiting for %1 (another mu process holds it)").arg(path)};
            QThread::msleep(kLockPollMs);
        }
        return {};
    }

private:
    int m_fd = -1;
};

/// The registry's entries; `dropped` tells whether malformed ones were left out (so the file is rewritten).
QList<DaemonEntry> load(const QString& path, bool* dropped)
{
    QFile file(path);
    if (!file.exists())
        return {};
    QString problem;
    QJsonObject root;
    if (!file.open(QIODevice::ReadOnly)) {
        problem = file.errorString();
    } else if (file.size() > kMaxFileBytes) {
        problem = QStringLiteral("%1 bytes is far too big").arg(file.size());
    } else {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
        if (error.error != QJsonParseError::NoError)
            problem = error.errorString() + QStringLiteral(" at offset ") + QString::number(error.offset);
        else if (!document.isObject() || !document.object().value(u"daemons").isArray())
            problem = QStringLiteral("not a {\"version\", \"daemons\": [...]} object");
        else
            root = document.object();
    }
    file.close();
    if (!problem.isEmpty()) {
        // Never fail on a damaged file: keep it for inspection and start over (daemons re-register
        // with their next heartbeat).
        const QString aside = path + QStringLiteral(".corrupt-")
            + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddThhmmsszzz"));
        QFile::rename(path, aside);
        qCWarning(lcRegistry, "daemon registry %s is corrupt (%s); moved it to %s", qPrintable(path),
            qPrintable(problem), qPrintable(aside));
        return {};
    }
    QList<DaemonEntry> entries;
    const QJsonArray daemons = root.value(u"daemons").toArray();
    for (const QJsonValue& value : daemons) {
        if (auto entry = DaemonEntry::fromJson(value.toObject())) {
            entries.append(*entry);
        } else {
            qCWarning(lcRegistry, "dropping a malformed entry of %s", qPrintable(path));
            *dropped = true;
        }
    }
    return entries;
}

Status save(const QString& path, const QList<DaemonEntry>& entries)
{
    QJsonArray daemons;
    for (const DaemonEntry& entry : entries)
        daemons.append(entry.toJson());
    const QByteArray bytes
        = QJsonDocument(QJsonObject {{QStringLiteral("version"), kFormatVersion}, {QStringLiteral("daemons"), daemons}})
              .toJson(QJsonDocument::Indented);
    // Write a temporary file and rename it over the registry: readers see the old or the new file,
    // never half of one. Unlike QSaveFile this skips fsync: after a power loss every daemon is gone
    // and every entry stale anyway, while an fsync per heartbeat costs tens of milliseconds under
    // load, all of it spent holding the lock. A fixed temporary name is safe under the lock.
    const QString temporary = path + QStringLiteral(".tmp");
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return Error {QStringLiteral("io"), QStringLiteral("cannot write %1: %2").arg(temporary, file.errorString())};
    // Tokens live here: owner-only before a single byte is written.
    if (::fchmod(file.handle(), 0600) != 0)
        return Error {QStringLiteral("io"), QStringLiteral("cannot chmod %1: %2").arg(temporary, errnoText())};
    if (file.write(bytes) != bytes.size() || !file.flush())
        return Error {QStringLiteral("io"), QStringLiteral("cannot write %1: %2").arg(temporary, file.errorString())};
    file.close();
    if (::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0)
        return Error {QStringLiteral("io"), QStringLiteral("cannot replace %1: %2").arg(path, errnoText())};
    return {};
}

bool isLive(const DaemonEntry& entry)
{
    if (!processAlive(entry.pid, entry.pidStart))
        return false;
    const std::optional<qint64> holder = ProjectLock::holderPid(entry.projectPath);
    // 0: held, pid not written yet; the entry's daemon may be the holder.
    return holder && (*holder == 0 || *holder == entry.pid);
}

/// Stored paths are canonical (add() makes them so), and so is `wanted`.
bool sameProject(const QString& stored, const QString& wanted)
{
    return stored == wanted;
}

/// One locked read-clean-modify-write. `mutate` returns whether it changed the list.
Result<QList<DaemonEntry>> transact(const QString& home, const std::function<bool(QList<DaemonEntry>&)>& mutate)
{
    HomeLock lock;
    if (Status status = lock.lock(home); !status)
        return status.error();
    const QString path = home + QStringLiteral("/daemons.json");
    const bool existed = QFileInfo::exists(path);
    bool dropped = false;
    QList<DaemonEntry> entries = load(path, &dropped);
    bool changed = dropped || (existed && !QFileInfo::exists(path)); // malformed, or moved aside as corrupt
    const qsizetype before = entries.size();
    entries.removeIf([](const DaemonEntry& entry) { return !isLive(entry); });
    changed = changed || entries.size() != before;
    if (mutate && mutate(entries))
        changed = true;
    if (changed) {
        if (Status status = save(path, entries); !status)
            return status.error();
    }
    return entries;
}

} // namespace

QJsonObject DaemonEntry::toJson(bool withToken) const
{
    QJsonObject object {{QStringLiteral("project_path"), projectPath}, {QStringLiteral("pid"), pid},
        {QStringLiteral("pid_start"), pidStart}, {QStringLiteral("port"), int(port)},
        {QStringLiteral("socket"), socketPath}, {QStringLiteral("mubase_path"), mubasePath},
        {QStringLiteral("started_at"), isoTime(startedAt)}, {QStringLiteral("last_heartbeat"), isoTime(lastHeartbeat)},
        {QStringLiteral("version"), version}};
    if (withToken)
        object.insert(QStringLiteral("token"), token);
    return object;
}

std::optional<DaemonEntry> DaemonEntry::fromJson(const QJsonObject& object)
{
    DaemonEntry entry;
    entry.projectPath = object.value(u"project_path").toString();
    entry.pid = object.value(u"pid").toInteger();
    entry.pidStart = object.value(u"pid_start").toInteger();
    const qint64 port = object.value(u"port").toInteger(-1);
    if (entry.projectPath.isEmpty() || entry.pid <= 0 || port < 0 || port > 65535)
        return std::nullopt;
    entry.port = quint16(port);
    entry.socketPath = object.value(u"socket").toString();
    entry.mubasePath = object.value(u"mubase_path").toString();
    entry.startedAt = parseTime(object.value(u"started_at"));
    entry.lastHeartbeat = parseTime(object.value(u"last_heartbeat"));
    entry.version = object.value(u"version").toString();
    entry.token = object.value(u"token").toString();
    return entry;
}

Registry::Registry(QString home) : m_home(std::move(home))
{ }

QString Registry::filePath() const
{
    return m_home + QStringLiteral("/daemons.json");
}

Result<QList<DaemonEntry>> Registry::list()
{
    return transact(m_home, {});
}

Status Registry::add(const DaemonEntry& entry)
{
    if (entry.projectPath.isEmpty() || entry.pid <= 0)
        return Error {QStringLiteral("invalid"), QStringLiteral("a registry entry needs a project path and a pid")};
    DaemonEntry stored = entry;
    stored.projectPath = canonicalProjectPath(entry.projectPath);
    if (stored.pidStart == 0)
        stored.pidStart = processStartTime(stored.pid);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (!stored.startedAt.isValid())
        stored.startedAt = now;
    if (!stored.lastHeartbeat.isValid())
        stored.lastHeartbeat = now;
    auto result = transact(m_home, [&stored](QList<DaemonEntry>& entries) {
        entries.removeIf([&stored](const DaemonEntry& e) { return sameProject(e.projectPath, stored.projectPath); });
        entries.append(stored);
        return true;
    });
    if (!result)
        return result.error();
    return {};
}

Status Registry::remove(const QString& projectPath, qint64 pid)
{
    const QString wanted = canonicalProjectPath(projectPath);
    auto result = transact(m_home, [&](QList<DaemonEntry>& entries) {
        return entries.removeIf([&](const DaemonEntry& e) {
            return sameProject(e.projectPath, wanted) && (pid == 0 || e.pid == pid);
        }) > 0;
    });
    if (!result)
        return result.error();
    return {};
}

Status Registry::heartbeat(const QString& projectPath, qint64 pid)
{
    const QString wanted = canonicalProjectPath(projectPath);
    bool found = false;
    auto result = transact(m_home, [&](QList<DaemonEntry>& entries) {
        for (DaemonEntry& entry : entries) {
            if (sameProject(entry.projectPath, wanted) && entry.pid == pid) {
                entry.lastHeartbeat = QDateTime::currentDateTimeUtc();
                found = true;
            }
        }
        return found;
    });
    if (!result)
        return result.error();
    if (!found)
        return Error {QStringLiteral("not_found"),
            QStringLiteral("the registry has no daemon of %1 with pid %2").arg(wanted).arg(pid)};
    return {};
}

Result<std::optional<DaemonEntry>> Registry::find(const QString& projectPath)
{
    auto entries = list();
    if (!entries)
        return entries.error();
    const QString wanted = canonicalProjectPath(projectPath);
    for (const DaemonEntry& entry : std::as_const(*entries)) {
        if (sameProject(entry.projectPath, wanted))
            return std::optional<DaemonEntry>(entry);
    }
    return std::optional<DaemonEntry>();
}

Result<std::optional<DaemonEntry>> Registry::findByPort(quint16 port)
{
    auto entries = list();
    if (!entries)
        return entries.error();
    for (const DaemonEntry& entry : std::as_const(*entries)) {
        if (entry.port == port)
            return std::optional<DaemonEntry>(entry);
    }
    return std::optional<DaemonEntry>();
}

namespace {

/// What /proc/<pid>/stat says about a process: its state letter and start time (field 22).
/// Raw read(2) into a stack buffer: this runs for every registry entry on every transaction.
struct ProcStat {
    char state = 0;
    qint64 startTime = 0;
};

std::optional<ProcStat> readProcStat(qint64 pid)
{
    char path[48];
    std::snprintf(path, sizeof path, "/proc/%lld/stat", static_cast<long long>(pid));
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    char buffer[1024];
    const ssize_t n = ::read(fd, buffer, sizeof buffer - 1);
    ::close(fd);
    if (n <= 0)
        return std::nullopt;
    const QByteArray line = QByteArray::fromRawData(buffer, n);
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
    const qsizetype close = line.lastIndexOf(')');
    if (close < 0 || close + 2 >= line.size())
        return std::nullopt;
    ProcStat stat;
    stat.state = line.at(close + 2);
    // Field 3 is the state; starttime is field 22, 19 spaces further.
    qsizetype at = close + 2;
    for (int field = 3; field < 22 && at >= 0; ++field)
        at = line.indexOf(' ', at + 1);
    if (at >= 0) {
        const qsizetype end = line.indexOf(' ', at + 1);
        stat.startTime = line.mid(at + 1, end < 0 ? -1 : end - at - 1).toLongLong();
    }
    return stat;
}

} // namespace

qint64 processStartTime(qint64 pid)
{
    if (pid <= 0)
        return 0;
    const auto stat = readProcStat(pid);
    return stat ? stat->startTime : 0;
}

bool processAlive(qint64 pid, qint64 startTime)
{
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max())
        return false;
    if (::kill(pid_t(pid), 0) != 0 && errno != EPERM)
        return false;
    const auto stat = readProcStat(pid);
    if (!stat)
        return !QFileInfo::exists(QStringLiteral("/proc/self")); // no procfs: kill() is all we can know
    // A zombie has exited; its parent just has not reaped it yet.
    if (stat->state == 'Z' || stat->state == 'X')
        return false;
    return startTime == 0 || stat->startTime == startTime;
}

Result<quint16> choosePort(std::optional<quint16> requested, Registry& registry)
{
    auto entries = registry.list();
    if (!entries)
        return entries.error();
    auto ownerOf = [&entries](quint16 port) -> std::optional<DaemonEntry> {
        for (const DaemonEntry& entry : std::as_const(*entries)) {
            if (entry.port == port)
                return entry;
        }
        return std::nullopt;
    };
    auto bindable = [](quint16 port) {
        QTcpServer probe;
        return probe.listen(QHostAddress::LocalHost, port);
    };
    auto anyFreePort = []() -> Result<quint16> {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return Error {QStringLiteral("port_in_use"),
                QStringLiteral("no free port on 127.0.0.1: %1").arg(probe.errorString())};
        return probe.serverPort();
    };

    if (requested) {
        if (*requested == 0)
            return anyFreePort();
        const std::optional<DaemonEntry> owner = ownerOf(*requested);
        if (!owner && bindable(*requested))
            return *requested;
        const QString who = owner
            ? QStringLiteral("the MU daemon of project %1 (pid %2)").arg(owner->projectPath).arg(owner->pid)
            : QStringLiteral("another program");
        return Error {
            QStringLiteral("port_in_use"), QStringLiteral("port %1 is in use by %2").arg(*requested).arg(who)};
    }
    for (int port = kDefaultPort; port <= kDefaultPort + kNearbyPorts; ++port) {
        if (!ownerOf(quint16(port)) && bindable(quint16(port)))
            return quint16(port);
    }
    return anyFreePort();
}

} // namespace mu::daemon
