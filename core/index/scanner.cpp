#include "index/scanner.h"

#include "parse/languageregistry.h"

#include <QFile>
#include <QHash>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mu::index {

namespace {

qint64 mtimeNsOf(const struct stat& st)
{
    return qint64(st.st_mtim.tv_sec) * 1'000'000'000 + qint64(st.st_mtim.tv_nsec);
}

QString errnoText(int error)
{
    return qt_error_string(error);
}

QString shown(const QString& relPath)
{
    return relPath.isEmpty() ? QStringLiteral(".") : relPath;
}

QString childPath(const QString& relDir, const QString& name)
{
    return relDir.isEmpty() ? name : relDir + u'/' + name;
}

bool isDotOrDotDot(const char* name)
{
    return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

bool hasHighBit(const char* name)
{
    for (; *name; ++name) {
        if (static_cast<unsigned char>(*name) >= 0x80)
            return true;
    }
    return false;
}

// Reads a whole small file relative to a directory fd; nullopt when it cannot be read.
// O_NONBLOCK + S_ISREG so that a FIFO named .gitignore cannot hang the scan.
std::optional<QByteArray> readAt(int dirFd, const char* name, int* error)
{
    const int fd = ::openat(dirFd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        *error = errno;
        return std::nullopt;
    }
    struct stat st { };
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        *error = 0;
        return QByteArray();
    }
    QByteArray data;
    char buffer[16384];
    while (true) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            *error = errno;
            ::close(fd);
            return std::nullopt;
        }
        if (n == 0)
            break;
        data.append(buffer, n);
    }
    ::close(fd);
    return data;
}

using DirKey = std::pair<quint64, quint64>; // (st_dev, st_ino)

struct DirKeyHash {
    size_t operator()(const DirKey& key) const noexcept { return qHashMulti(0, key.first, key.second); }
};

// A directory waiting to be read.
struct PendingDir {
    QString relDir;                 // "" for the root
    QByteArray absPath;             // encoded, ready for open()
    int depth = 0;                  // root = 0
    IgnoreRules::Scope parentScope; // rules of the parent; this directory's .gitignore is added on entry
    bool isRoot = false;
    bool viaSymlink = false; // reached through a symlinked directory (follow mode)
};

class Walk {
public:
    Walk(const QString& root, const ScanOptions& options, ScanResult* result)
        : m_root(root), m_options(options), m_result(result), m_registry(parse::LanguageRegistry::builtin())
    { }

    /// Walks the whole tree, or only the subtrees `relDirs` ("" = the root) when given.
    Status run(const IgnoreRules& rules, const QStringList& relDirs = {})
    {
        if (relDirs.isEmpty())
            m_stack.push_back({QString(), QFile::encodeName(m_root), 0, rules.rootScope(), true, false});
        for (const QString& relDir : relDirs) {
            if (relDir.isEmpty()) {
                m_stack.push_back({QString(), QFile::encodeName(m_root), 0, rules.rootScope(), true, false});
                continue;
            }
            if (relDir == u".mu" || relDir.startsWith(u".mu/"))
                continue;
            // The directory's own .gitignore is read on entry, so start from its parent's scope;
            // an ignored directory (or one below an ignored one) is not walked at all.
            const qsizetype slash = relDir.lastIndexOf(u'/');
            const QString parent = slash < 0 ? QString() : relDir.left(slash);
            const std::optional<IgnoreRules::Scope> scope = rules.scopeFor(parent);
            if (!scope || scope->isIgnored(relDir, true))
                continue;
            struct stat st { };
            const QByteArray absPath = QFile::encodeName(m_root + u'/' + relDir);
            if (::stat(absPath.constData(), &st) != 0 || !S_ISDIR(st.st_mode))
                continue; // gone since the caller saw it: its files are absent from the result
            const int depth = int(relDir.count(u'/')) + 1;
            if (m_options.maxDepth >= 0 && depth > m_options.maxDepth)
                continue;
            m_stack.push_back({relDir, absPath, depth, *scope, false, false});
        }
        while (!m_stack.empty() || !m_deferred.empty()) {
            if (m_stack.empty()) {
                // Symlinked directories go last, in path order, so real paths win and the outcome
                // does not depend on readdir order.
                std::sort(m_deferred.begin(), m_deferred.end(),
                    [](const PendingDir& a, const PendingDir& b) { return a.relDir > b.relDir; });
                m_stack.swap(m_deferred);
            }
            PendingDir dir = std::move(m_stack.back());
            m_stack.pop_back();
            if (Status status = readDirectory(dir); !status)
                return status;
        }
        return {};
    }

private:
    void warn(const QString& message) { m_result->warnings.append(message); }

    Status readDirectory(const PendingDir& dir)
    {
        int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
        if (!dir.isRoot && !dir.viaSymlink)
            flags |= O_NOFOLLOW; // it was a real directory at readdir time; do not follow a swap
        const int fd = ::open(dir.absPath.constData(), flags);
        if (fd < 0) {
            const int error = errno;
            if (dir.isRoot)
                return Error {QStringLiteral("io"),
                    QStringLiteral("cannot read project root %1: %2").arg(m_root, errnoText(error))};
            warn(QStringLiteral("%1: cannot read directory (%2); skipped").arg(dir.relDir, errnoText(error)));
            return {};
        }
        if (m_options.followSymlinks) {
            struct stat st { };
            if (::fstat(fd, &st) == 0) {
                const DirKey key {quint64(st.st_dev), quint64(st.st_ino)};
                const auto [it, inserted] = m_visited.try_emplace(key, dir.relDir);
                if (!inserted) {
                    const QString& first = it->second;
                    if (first.isEmpty() || dir.relDir.startsWith(first + u'/'))
                        warn(QStringLiteral("%1: symbolic link loop (points back to %2); not followed")
                                 .arg(dir.relDir, shown(first)));
                    else
                        warn(QStringLiteral("%1: same directory as %2; skipped").arg(dir.relDir, first));
                    ::close(fd);
                    return {};
                }
            }
        }
        DIR* stream = ::fdopendir(fd);
        if (!stream) {
            const int error = errno;
            ::close(fd);
            warn(QStringLiteral("%1: cannot read directory (%2); skipped").arg(shown(dir.relDir), errnoText(error)));
            return {};
        }

        IgnoreRules::Scope scope = dir.parentScope;
        if (!dir.isRoot && m_options.ignore.useGitignore) {
            int error = 0;
            if (std::optional<QByteArray> text = readAt(fd, ".gitignore", &error))
                scope = scope.enterDirectory(dir.relDir, *text);
            else if (error != ENOENT)
                warn(QStringLiteral("%1/.gitignore: cannot read (%2)").arg(dir.relDir, errnoText(error)));
        }

        while (true) {
            errno = 0;
            const dirent* entry = ::readdir(stream);
            if (!entry) {
                if (errno != 0)
                    warn(QStringLiteral("%1: error while reading directory (%2); listing may be incomplete")
                             .arg(shown(dir.relDir), errnoText(errno)));
                break;
            }
            if (!isDotOrDotDot(entry->d_name))
                visitEntry(dir, scope, fd, entry->d_name, entry->d_type);
        }
        ::closedir(stream); // closes fd
        return {};
    }

    void visitEntry(
        const PendingDir& dir, const IgnoreRules::Scope& scope, int fd, const char* cname, unsigned char type)
    {
        const QString name = QFile::decodeName(cname);
        if (hasHighBit(cname) && QFile::encodeName(name) != QByteArrayView(cname)) {
            warn(QStringLiteral("%1: file name is not valid in the system encoding; skipped")
                     .arg(childPath(dir.relDir, name)));
            return;
        }
        struct stat st { };
        bool haveStat = false;
        if (type == DT_UNKNOWN) { // some file systems do not fill d_type
            if (::fstatat(fd, cname, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                warnVanished(dir, name, errno);
                return;
            }
            haveStat = true;
            type = S_ISDIR(st.st_mode) ? DT_DIR
                : S_ISREG(st.st_mode)  ? DT_REG
                : S_ISLNK(st.st_mode)  ? DT_LNK
                                       : DT_UNKNOWN;
        }

        switch (type) {
        case DT_DIR:
            visitDirectory(dir, scope, name, cname, false);
            return;
        case DT_REG: {
            if (!m_registry.forPath(name))
                return;
            const QString relPath = childPath(dir.relDir, name);
            if (scope.isIgnored(relPath, false)) {
                ++m_result->ignoredCount;
                return;
            }
            if (!haveStat && ::fstatat(fd, cname, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                warnVanished(dir, name, errno);
                return;
            }
            if (S_ISREG(st.st_mode)) // replaced by something else since readdir: not a file now
                addFile(relPath, st);
            return;
        }
        case DT_LNK: {
            const bool known = m_registry.forPath(name) != nullptr;
            if (!known && !m_options.followSymlinks)
                return; // could only be a directory, which is not followed
            if (::fstatat(fd, cname, &st, 0) != 0) {
                const int error = errno;
                if (known)
                    warn(QStringLiteral("%1: %2 (dangling or looping symbolic link); skipped")
                             .arg(childPath(dir.relDir, name), errnoText(error)));
                return;
            }
            if (S_ISDIR(st.st_mode)) {
                if (m_options.followSymlinks)
                    visitDirectory(dir, scope, name, cname, true);
                return;
            }
            if (!known || !S_ISREG(st.st_mode))
                return;
            const QString relPath = childPath(dir.relDir, name);
            // git sees the link itself, never a directory: match it as a file.
            if (scope.isIgnored(relPath, false)) {
                ++m_result->ignoredCount;
                return;
            }
            addFile(relPath, st);
            return;
        }
        default:
            return; // FIFOs, sockets, devices
        }
    }

    void visitDirectory(
        const PendingDir& dir, const IgnoreRules::Scope& scope, const QString& name, const char* cname, bool symlink)
    {
        if (m_options.maxDepth >= 0 && dir.depth + 1 > m_options.maxDepth)
            return;
        QString relPath = childPath(dir.relDir, name);
        if ((dir.isRoot && name == u".mu") || scope.isIgnored(relPath, true)) {
            ++m_result->ignoredCount;
            return;
        }
        QByteArray absPath = dir.absPath;
        if (!absPath.endsWith('/'))
            absPath += '/';
        absPath += cname;
        PendingDir child {
            std::move(relPath), std::move(absPath), dir.depth + 1, scope, false, symlink || dir.viaSymlink};
        if (symlink)
            m_deferred.push_back(std::move(child));
        else
            m_stack.push_back(std::move(child));
    }

    void warnVanished(const PendingDir& dir, const QString& name, int error)
    {
        warn(QStringLiteral("%1: %2 (removed during the scan?); skipped")
                 .arg(childPath(dir.relDir, name), errnoText(error)));
    }

    void addFile(const QString& relPath, const struct stat& st)
    {
        m_result->files.append(ScannedFile {relPath, qint64(st.st_size), mtimeNsOf(st)});
    }

    const QString& m_root;
    const ScanOptions& m_options;
    ScanResult* m_result;
    const parse::LanguageRegistry& m_registry;
    std::vector<PendingDir> m_stack;
    std::vector<PendingDir> m_deferred;
    std::unordered_map<DirKey, QString, DirKeyHash> m_visited;
};

bool isValidRelPath(QStringView relPath)
{
    if (relPath.isEmpty() || relPath.startsWith(u'/'))
        return false;
    for (QStringView part : relPath.tokenize(u'/')) {
        if (part.isEmpty() || part == u"." || part == u"..")
            return false;
    }
    return true;
}

} // namespace

Scanner::Scanner(QString root, ScanOptions options) : m_root(std::move(root)), m_options(std::move(options))
{
    while (m_root.size() > 1 && m_root.endsWith(u'/'))
        m_root.chop(1);
}

Result<ScanResult> Scanner::scan() const
{
    return scan(QStringList());
}

Result<ScanResult> Scanner::scan(const QStringList& relDirs) const
{
    struct stat st { };
    if (m_root.isEmpty() || ::stat(QFile::encodeName(m_root).constData(), &st) != 0 || !S_ISDIR(st.st_mode))
        return Error {QStringLiteral("not_found"), QStringLiteral("project root %1 is not a directory").arg(m_root)};

    const IgnoreRules rules = IgnoreRules::load(m_root, m_options.ignore);
    ScanResult result;
    result.warnings = rules.warnings();
    Walk walk(m_root, m_options, &result);
    if (Status status = walk.run(rules, relDirs); !status)
        return status.error();
    std::sort(result.files.begin(), result.files.end(),
        [](const ScannedFile& a, const ScannedFile& b) { return a.path < b.path; });
    // Nested subtrees given together are walked twice.
    result.files.erase(std::unique(result.files.begin(), result.files.end(),
                           [](const ScannedFile& a, const ScannedFile& b) { return a.path == b.path; }),
        result.files.end());
    return result;
}

Result<ScannedFile> Scanner::statFile(const QString& root, const QString& relPath)
{
    if (!isValidRelPath(relPath))
        return Error {QStringLiteral("invalid_path"), QStringLiteral("not a project-relative path: %1").arg(relPath)};
    const QString absPath = root.endsWith(u'/') ? QString(root + relPath) : QString(root + u'/' + relPath);
    struct stat st { };
    if (::stat(QFile::encodeName(absPath).constData(), &st) != 0) {
        const int error = errno;
        if (error == ENOENT || error == ENOTDIR || error == ELOOP)
            return Error {QStringLiteral("not_found"), QStringLiteral("%1: %2").arg(relPath, errnoText(error))};
        return Error {QStringLiteral("io"), QStringLiteral("%1: %2").arg(relPath, errnoText(error))};
    }
    if (!S_ISREG(st.st_mode))
        return Error {QStringLiteral("not_a_file"), QStringLiteral("%1 is not a regular file").arg(relPath)};
    return ScannedFile {relPath, qint64(st.st_size), mtimeNsOf(st)};
}

} // namespace mu::index
