#pragma once

#include "daemon/projectlock.h"
#include "model/result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace mu::daemon {

/// One running daemon as the registry records it.
struct DaemonEntry {
    QString projectPath; ///< canonical (canonicalProjectPath)
    qint64 pid = 0;
    /// The process's start time (clock ticks since boot, /proc/<pid>/stat field 22): tells a live
    /// daemon from a new process that reuses its pid. Registry::add() fills it when 0.
    qint64 pidStart = 0;
    quint16 port = 0;
    QString socketPath;
    QString mubasePath;
    QDateTime startedAt;
    QDateTime lastHeartbeat;
    QString version;
    QString token; ///< bearer token; empty when the daemon runs with --no-auth

    /// The registry's JSON for this entry (snake_case keys), with or without the token.
    QJsonObject toJson(bool withToken = true) const;
    static std::optional<DaemonEntry> fromJson(const QJsonObject& object);
};

/// The user's registry of running daemons, `<home>/daemons.json`:
/// `{"version":1,"daemons":[{project_path, pid, pid_start, port, socket, mubase_path, started_at,
/// last_heartbeat, version, token}]}`, mode 0600 (it holds tokens). Every call is one transaction:
/// an exclusive flock on `<home>/daemons.lock`, read, drop stale entries, change, atomic replace
/// (temporary file + rename) when anything changed. An entry is stale when its pid is dead or a zombie, its pid
/// was reused (start time differs), or its project's lock is free or held by another pid; whoever
/// reads removes it.
/// Thread: any thread, any process; calls serialize on the lock file.
/// Errors: Error{"io", …} (home not writable, lock timeout); a corrupt file is moved aside to
/// `daemons.json.corrupt-<timestamp>` with a warning and treated as empty (never an error).
class Registry {
public:
    explicit Registry(QString home = muHome());

    const QString& home() const { return m_home; }
    QString filePath() const;

    /// Live entries only (stale ones are removed and the file rewritten).
    Result<QList<DaemonEntry>> list();
    /// Records `entry`, replacing any entry of the same project.
    Status add(const DaemonEntry& entry);
    /// Removes the entry of `projectPath` if it has `pid` (pid 0: whatever pid).
    Status remove(const QString& projectPath, qint64 pid);
    /// Sets the entry's last_heartbeat to now; Error{"not_found"} when the entry is gone (the
    /// daemon should add() itself again).
    Status heartbeat(const QString& projectPath, qint64 pid);
    Result<std::optional<DaemonEntry>> find(const QString& projectPath);
    Result<std::optional<DaemonEntry>> findByPort(quint16 port);

private:
    QString m_home;
};

/// Whether `pid` runs (not a zombie) and, when `startTime` is not 0, is still the same process.
bool processAlive(qint64 pid, qint64 startTime = 0);
/// /proc/<pid>/stat field 22, or 0 when the process does not exist.
qint64 processStartTime(qint64 pid);

/// The default daemon port (SPEC §8).
constexpr quint16 kDefaultPort = 9120;

/// Picks the port for a new daemon. `requested` (if given, 0 meaning "any free port") must be free,
/// else Error{"port_in_use", "port N is in use by the MU daemon of project X (pid N)" or "… by
/// another program"}. Without a request: 9120, or if it is taken (listening, or recorded by a
/// registered daemon) a free port. Only checks: the daemon then listens and reports its own error
/// if it lost a race.
/// Thread: any thread.
Result<quint16> choosePort(std::optional<quint16> requested, Registry& registry);

} // namespace mu::daemon
