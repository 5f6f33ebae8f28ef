#pragma once

#include "model/result.h"

#include <QString>

#include <optional>

namespace mu::daemon {

/// `$MU_HOME`, or `~/.mu`: where the daemon registry lives. Writers create it (mode 0700) on demand.
QString muHome();

/// A project's path as the registry and the lock know it: absolute, symlinks resolved (when the
/// directory exists), no trailing slash.
QString canonicalProjectPath(const QString& path);

/// The right to run the one daemon of a project: an exclusive `flock` on `<root>/.mu/daemon.lock`
/// (released by the kernel on any death, SIGKILL included), plus `<root>/.mu/daemon.pid` for tools
/// that expect a pid file. The pid is written into the lock file too, so holderPid() still works
/// when someone deleted the pid file.
/// Move-only; the destructor removes the pid file (when it is still ours) and releases the lock.
/// Thread: any thread; one object is not for concurrent use. The descriptor is close-on-exec, so
/// children never inherit the lock.
/// Errors: Error{"locked", "... held by pid N"} when another process (or another ProjectLock of this
/// process) holds it; Error{"io", …} when `.mu/` or the files cannot be created.
class ProjectLock {
public:
    static Result<ProjectLock> acquire(const QString& projectRoot);
    /// The pid of the process holding the project's lock, found with a non-blocking shared-lock
    /// probe that never creates files; nullopt when nobody holds it. 0 when it is held but the pid
    /// is not written yet (the holder is between flock and write).
    static std::optional<qint64> holderPid(const QString& projectRoot);

    static QString lockPath(const QString& projectRoot);
    static QString pidPath(const QString& projectRoot);

    ProjectLock(ProjectLock&& other) noexcept;
    ProjectLock& operator=(ProjectLock&& other) noexcept;
    ProjectLock(const ProjectLock&) = delete;
    ProjectLock& operator=(const ProjectLock&) = delete;
    ~ProjectLock();

    const QString& projectRoot() const { return m_root; }
    bool isHeld() const { return m_fd >= 0; }
    /// Removes the pid file and releases the lock now (the destructor does the same).
    void release();

private:
    ProjectLock(QString root, int fd) : m_root(std::move(root)), m_fd(fd) { }

    QString m_root;
    int m_fd = -1;
};

} // namespace mu::daemon
