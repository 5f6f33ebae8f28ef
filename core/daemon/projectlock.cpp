#include "daemon/projectlock.h"

#include <QByteArray>
#include <QDir>
#include <QFileInfo>
#include <QThread>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace mu::daemon {

namespace {

// A holderPid() probe holds a shared lock for a few microseconds; acquire() retries over this
// window so a concurrent `mu daemon list` never makes a starting daemon believe it is locked out.
constexpr int kAcquireAttempts = 10;
constexpr unsigned long kAcquireRetryMs = 20;

QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}

std::optional<qint64> readPid(int fd)
{
    char buffer[32] = {};
    const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    if (n <= 0)
        return std::nullopt;
    bool ok = false;
    const qint64 pid = QByteArray(buffer, n).trimmed().toLongLong(&ok);
    return ok && pid > 0 ? std::optional<qint64>(pid) : std::nullopt;
}

std::optional<qint64> readPidFile(const QString& path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    auto pid = readPid(fd);
    ::close(fd);
    return pid;
}

Status writeAll(int fd, const QByteArray& bytes)
{
    if (::ftruncate(fd, 0) != 0)
        return Error {QStringLiteral("io"), errnoText()};
    qsizetype written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::pwrite(fd, bytes.constData() + written, size_t(bytes.size() - written), written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return Error {QStringLiteral("io"), errnoText()};
        written += n;
    }
    return {};
}

} // namespace

QString muHome()
{
    const QString home = qEnvironmentVariable("MU_HOME");
    if (!home.isEmpty())
        return QDir::cleanPath(QDir(home).absolutePath());
    return QDir::homePath() + QStringLiteral("/.mu");
}

QString canonicalProjectPath(const QString& path)
{
    const QFileInfo info(path);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath()) : canonical;
}

QString ProjectLock::lockPath(const QString& projectRoot)
{
    return projectRoot + QStringLiteral("/.mu/daemon.lock");
}

QString ProjectLock::pidPath(const QString& projectRoot)
{
    return projectRoot + QStringLiteral("/.mu/daemon.pid");
}

Result<ProjectLock> ProjectLock::acquire(const QString& projectRoot)
{
    const QString root = canonicalProjectPath(projectRoot);
    if (!QDir().mkpath(root + QStringLiteral("/.mu")))
        return Error {QStringLiteral("io"), QStringLiteral("cannot create %1/.mu").arg(root)};
    const QByteArray path = QFile::encodeName(lockPath(root));
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return Error {QStringLiteral("io"), QStringLiteral("cannot open %1: %2").arg(lockPath(root), errnoText())};
    for (int attempt = 0;; ++attempt) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0)
            break;
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK || attempt + 1 >= kAcquireAttempts) {
            const bool locked = errno == EWOULDBLOCK;
            const QString reason = errnoText();
            std::optional<qint64> pid = readPid(fd);
            if (!pid)
                pid = readPidFile(pidPath(root));
            ::close(fd);
            if (!locked)
                return Error {QStringLiteral("io"), QStringLiteral("cannot lock %1: %2").arg(lockPath(root), reason)};
            return Error {QStringLiteral("locked"),
                QStringLiteral("a MU daemon already runs for %1 (the project lock is held by pid %2)")
                    .arg(root, pid ? QString::number(*pid) : QStringLiteral("unknown"))};
        }
        QThread::msleep(kAcquireRetryMs);
    }
    const QByteArray pidText = QByteArray::number(qint64(::getpid())) + '\n';
    if (Status status = writeAll(fd, pidText); !status) {
        ::close(fd);
        return Error {
            QStringLiteral("io"), QStringLiteral("cannot write %1: %2").arg(lockPath(root), status.error().message)};
    }
    ProjectLock lock(root, fd);
    QFile pidFile(pidPath(root));
    if (!pidFile.open(QIODevice::WriteOnly | QIODevice::Truncate) || pidFile.write(pidText) != pidText.size())
        return Error {
            QStringLiteral("io"), QStringLiteral("cannot write %1: %2").arg(pidPath(root), pidFile.errorString())};
    return lock;
}

std::optional<qint64> ProjectLock::holderPid(const QString& projectRoot)
{
    const QString root = canonicalProjectPath(projectRoot);
    const int fd = ::open(QFile::encodeName(lockPath(root)).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    int rc;
    do {
        rc = ::flock(fd, LOCK_SH | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc == 0) {
        ::flock(fd, LOCK_UN);
        ::close(fd);
        return std::nullopt;
    }
    std::optional<qint64> pid = readPid(fd);
    ::close(fd);
    if (!pid)
        pid = readPidFile(pidPath(root));
    return pid.value_or(0);
}

ProjectLock::ProjectLock(ProjectLock&& other) noexcept
    : m_root(std::move(other.m_root)), m_fd(std::exchange(other.m_fd, -1))
{ }

ProjectLock& ProjectLock::operator=(ProjectLock&& other) noexcept
{
    if (this != &other) {
        release();
        m_root = std::move(other.m_root);
        m_fd = std::exchange(other.m_fd, -1);
    }
    return *this;
}

ProjectLock::~ProjectLock()
{
    release();
}

void ProjectLock::release()
{
    if (m_fd < 0)
        return;
    // Another process may already own a newer pid file (after our lock was broken by hand): only
    // remove the one that names us.
    if (readPidFile(pidPath(m_root)) == qint64(::getpid()))
        QFile::remove(pidPath(m_root));
    ::close(m_fd);
    m_fd = -1;
}

} // namespace mu::daemon
