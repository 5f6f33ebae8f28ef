#include "watch/filewatcher.h"

#include "parse/languageregistry.h"

#include <QFile>
#include <QFileSystemWatcher>
#include <QLoggingCategory>
#include <QScopeGuard>

#include <algorithm>
#include <cerrno>
#include <utility>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcWatch, "mu.watch", QtWarningMsg)

namespace mu::watch {

namespace {

// Failed watches are usually the inotify limit: one line per failure would flood the log.
constexpr int kLoggedFailures = 10;

QString parentOf(const QString& relPath)
{
    const qsizetype slash = relPath.lastIndexOf(u'/');
    return slash < 0 ? QString() : relPath.left(slash);
}

QString childOf(const QString& relDir, const QString& name)
{
    return relDir.isEmpty() ? name : relDir + u'/' + name;
}

QString baseName(const QString& relPath)
{
    return relPath.mid(relPath.lastIndexOf(u'/') + 1);
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

bool pathExists(const QString& absPath, bool* isDir = nullptr)
{
    struct stat st { };
    if (::stat(QFile::encodeName(absPath).constData(), &st) != 0)
        return false;
    if (isDir)
        *isDir = S_ISDIR(st.st_mode);
    return true;
}

// The `.gitignore` of an open directory; empty when missing or not a regular file (a FIFO named
// .gitignore must not block us: O_NONBLOCK + S_ISREG, as the scanner does).
QByteArray readGitignoreAt(int dirFd)
{
    const int fd = ::openat(dirFd, ".gitignore", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return {};
    QByteArray data;
    struct stat st { };
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        char buffer[16384];
        while (true) {
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            data.append(buffer, n);
        }
    }
    ::close(fd);
    return data;
}

// Removes directories covered by another one in the list ("" covers everything).
QStringList minimizeDirs(QStringList dirs)
{
    dirs.sort();
    dirs.removeDuplicates();
    if (dirs.contains(QString()))
        return {QString()};
    const QSet<QString> all(dirs.cbegin(), dirs.cend());
    QStringList result;
    for (const QString& dir : std::as_const(dirs)) {
        bool covered = false;
        for (QString up = parentOf(dir); !up.isEmpty() && !covered; up = parentOf(up))
            covered = all.contains(up);
        if (!covered)
            result.append(dir);
    }
    return result;
}

} // namespace

/// What one readdir pass found in a directory, already filtered like the scanner filters.
struct FileWatcher::Listing {
    bool ok = false;
    index::IgnoreRules::Scope scope; ///< rules in effect inside the directory
    QByteArray gitignore;
    bool hasGitignore = false;
    QString key;                   ///< "dev:ino" of the directory, only when following symlinks
    QHash<QString, quint64> files; ///< indexable, not ignored: name -> inode
    QHash<QString, quint64> dirs;  ///< enterable subdirectories: name -> inode
};

/// What we know about one watched directory.
struct FileWatcher::DirState {
    index::IgnoreRules::Scope scope;
    QByteArray gitignore;
    bool gitignoreWatched = false;
    bool watched = false;
    int depth = 0;
    QString key;
    QHash<QString, quint64> files;
    QHash<QString, quint64> dirs;
};

struct FileWatcher::SyncItem {
    QString relDir;
    bool deep = false;   ///< also re-sync known subdirectories
    bool report = false; ///< report added/removed/replaced files
};

FileWatcher::FileWatcher(QString projectRoot, WatchOptions options, QObject* parent)
    : QObject(parent), m_root(std::move(projectRoot)), m_options(std::move(options))
{
    while (m_root.size() > 1 && m_root.endsWith(u'/'))
        m_root.chop(1);
    m_debounceTimer.setSingleShot(true);
    m_stormTimer.setSingleShot(true);
    m_idleTimer.setSingleShot(true);
    m_burstTimer.setSingleShot(true);
    connect(&m_burstTimer, &QTimer::timeout, this, [this] { m_burstEvents = 0; });
    connect(&m_debounceTimer, &QTimer::timeout, this, &FileWatcher::onDebounceTimeout);
    connect(&m_stormTimer, &QTimer::timeout, this, &FileWatcher::onStormQuiet);
    connect(&m_idleTimer, &QTimer::timeout, this, &FileWatcher::onIdleTimeout);
    m_clock.start();
}

FileWatcher::~FileWatcher()
{
    const QSignalBlocker blocker(this);
    stop();
}

QString FileWatcher::stateName(State state)
{
    switch (state) {
    case State::Stopped:
        return QStringLiteral("stopped");
    case State::Starting:
        return QStringLiteral("starting");
    case State::Watching:
        return QStringLiteral("watching");
    case State::Storm:
        return QStringLiteral("storm");
    }
    return QStringLiteral("unknown");
}

FileWatcher::Stats FileWatcher::stats() const
{
    Stats stats;
    stats.state = m_state;
    stats.watchedDirs = m_watchedDirs;
    stats.watchedFiles = m_watchedFiles;
    stats.pendingPaths = int(m_pending.size());
    stats.events = m_events;
    stats.failedWatches = m_failedWatches;
    stats.storms = m_storms;
    stats.reconciles = m_reconciles;
    return stats;
}

void FileWatcher::start()
{
    if (m_state != State::Stopped)
        stop();
    m_error.clear();
    m_events = 0;
    m_failedWatches = 0;
    m_storms = 0;
    m_reconciles = 0;
    const quint64 generation = m_generation;
    setState(State::Starting);
    if (generation != m_generation)
        return;

    bool isDir = false;
    if (m_root.isEmpty() || !pathExists(m_root, &isDir) || !isDir) {
        m_error = QStringLiteral("project root %1 is not a directory").arg(m_root);
        qCWarning(lcWatch).noquote() << m_error;
        setState(State::Stopped);
        return;
    }

    m_watcher = std::make_unique<QFileSystemWatcher>();
    connect(m_watcher.get(), &QFileSystemWatcher::fileChanged, this, &FileWatcher::onFileChanged);
    connect(m_watcher.get(), &QFileSystemWatcher::directoryChanged, this, &FileWatcher::onDirectoryChanged);
    reloadRules();
    watchSpecialFiles();

    QElapsedTimer timer;
    timer.start();
    syncDir(QString(), true, false);
    if (generation != m_generation)
        return;
    qCInfo(lcWatch).noquote() << QStringLiteral("watching %1: %2 directories, %3 files (%4 failed) in %5 ms")
                                     .arg(m_root)
                                     .arg(m_watchedDirs)
                                     .arg(m_watchedFiles)
                                     .arg(m_failedWatches)
                                     .arg(timer.elapsed());
    setState(State::Watching);
    if (generation != m_generation)
        return;
    restartIdleTimer();
    flushFailedWatches();
}

void FileWatcher::stop()
{
    ++m_generation;
    m_debounceTimer.stop();
    m_stormTimer.stop();
    m_idleTimer.stop();
    if (m_watcher) {
        // Closing the inotify instance drops every watch at once. Not while it is delivering a
        // signal to us (a consumer may call stop() from a slot we triggered): it goes later then.
        m_watcher->disconnect(this);
        if (m_inWatcherSignal > 0)
            m_watcher.release()->deleteLater();
        else
            m_watcher.reset();
    }
    m_dirs.clear();
    m_dirKeys.clear();
    m_byInode.clear();
    m_pending.clear();
    m_recentEvents.clear();
    m_burstTimer.stop();
    m_burstEvents = 0;
    m_stormDirs.clear();
    m_stormAll = false;
    m_untrustedDirs.clear();
    m_watchedDirs = 0;
    m_watchedFiles = 0;
    m_debounceDeadline = -1;
    if (m_state != State::Stopped) {
        m_state = State::Stopped;
        Q_EMIT stateChanged(m_state);
    }
}

void FileWatcher::flushNow()
{
    if (m_pending.isEmpty())
        return;
    QStringList paths = m_pending.keys();
    m_pending.clear();
    m_debounceTimer.stop();
    m_debounceDeadline = -1;
    emitPaths(std::move(paths));
}

void FileWatcher::setState(State state)
{
    if (m_state == state)
        return;
    qCDebug(lcWatch).noquote() << "state" << stateName(m_state) << "->" << stateName(state);
    m_state = state;
    Q_EMIT stateChanged(state);
}

QString FileWatcher::absPath(const QString& relPath) const
{
    if (relPath.isEmpty())
        return m_root;
    if (m_root.endsWith(u'/'))
        return m_root + relPath;
    return m_root + u'/' + relPath;
}

QString FileWatcher::relPath(const QString& absPath) const
{
    if (absPath == m_root)
        return QStringLiteral(""); // empty, not null: the root
    const qsizetype prefix = m_root.endsWith(u'/') ? m_root.size() : m_root.size() + 1;
    if (absPath.size() <= prefix || !absPath.startsWith(m_root) || absPath.at(prefix - 1) != u'/')
        return QString(); // null: not ours
    return absPath.mid(prefix);
}

void FileWatcher::reloadRules()
{
    m_rules = index::IgnoreRules::load(m_root, m_options.scan.ignore);
    for (const QString& warning : m_rules.warnings())
        qCWarning(lcWatch).noquote() << warning;
}

void FileWatcher::watchSpecialFiles()
{
    // `.git` only for index.lock (a git operation in progress) and `.mu/config.json` for ignore
    // rules: neither directory is entered, so their other contents never reach us.
    bool isDir = false;
    const QString git = absPath(QStringLiteral(".git"));
    if (pathExists(git, &isDir) && isDir && !m_watcher->addPath(git))
        qCWarning(lcWatch).noquote() << "cannot watch" << git;
    const QString config = absPath(QStringLiteral(".mu/config.json"));
    if (m_options.scan.ignore.useConfig && pathExists(config) && !m_watcher->addPath(config))
        qCWarning(lcWatch).noquote() << "cannot watch" << config;
}

// ---------------------------------------------------------------------------------------------
// Listing and syncing

FileWatcher::Listing FileWatcher::listDirectory(
    const QString& relDir, const index::IgnoreRules::Scope& parentScope, int depth) const
{
    Listing listing;
    const bool isRoot = relDir.isEmpty();
    const bool follow = m_options.scan.followSymlinks;
    int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    if (!isRoot && !follow)
        flags |= O_NOFOLLOW; // a directory swapped for a symlink is not entered, as in the scanner
    const int fd = ::open(QFile::encodeName(absPath(relDir)).constData(), flags);
    if (fd < 0)
        return listing;
    if (follow) {
        struct stat st { };
        if (::fstat(fd, &st) == 0)
            listing.key = QStringLiteral("%1:%2").arg(quint64(st.st_dev)).arg(quint64(st.st_ino));
    }
    DIR* stream = ::fdopendir(fd);
    if (!stream) {
        ::close(fd);
        return listing;
    }
    if (m_options.scan.ignore.useGitignore) {
        listing.gitignore = readGitignoreAt(fd);
        listing.hasGitignore = ::faccessat(fd, ".gitignore", F_OK, AT_SYMLINK_NOFOLLOW) == 0;
    }
    listing.scope = isRoot ? m_rules.rootScope() : parentScope.enterDirectory(relDir, listing.gitignore);
    const index::IgnoreRules::Scope& scope = listing.scope;
    const parse::LanguageRegistry& registry = parse::LanguageRegistry::builtin();
    const int maxDepth = m_options.scan.maxDepth;
    const bool mayDescend = maxDepth < 0 || depth + 1 <= maxDepth;

    auto acceptDir = [&](const QString& name, quint64 inode) {
        if (!mayDescend)
            return;
        const QString rel = childOf(relDir, name);
        if ((isRoot && name == u".mu") || scope.isIgnored(rel, true))
            return;
        listing.dirs.insert(name, inode);
    };

    while (const dirent* entry = ::readdir(stream)) {
        const char* cname = entry->d_name;
        if (isDotOrDotDot(cname))
            continue;
        const QString name = QFile::decodeName(cname);
        if (hasHighBit(cname) && QFile::encodeName(name) != QByteArrayView(cname))
            continue; // the scanner skips names that do not round-trip
        unsigned char type = entry->d_type;
        struct stat st { };
        if (type == DT_UNKNOWN) {
            if (::fstatat(fd, cname, &st, AT_SYMLINK_NOFOLLOW) != 0)
                continue;
            type = S_ISDIR(st.st_mode) ? DT_DIR
                : S_ISREG(st.st_mode)  ? DT_REG
                : S_ISLNK(st.st_mode)  ? DT_LNK
                                       : DT_UNKNOWN;
        }
        switch (type) {
        case DT_DIR:
            acceptDir(name, quint64(entry->d_ino));
            break;
        case DT_REG:
            if (registry.forPath(name) && !scope.isIgnored(childOf(relDir, name), false))
                listing.files.insert(name, quint64(entry->d_ino));
            break;
        case DT_LNK: {
            const bool known = registry.forPath(name) != nullptr;
            if (!known && !follow)
                break;
            if (::fstatat(fd, cname, &st, 0) != 0)
                break; // dangling
            if (S_ISDIR(st.st_mode)) {
                if (follow)
                    acceptDir(name, quint64(st.st_ino));
            } else if (known && S_ISREG(st.st_mode) && !scope.isIgnored(childOf(relDir, name), false)) {
                // The watch follows the link to its target: the target's inode is what changes
                // on an atomic save of the target.
                listing.files.insert(name, quint64(st.st_ino));
            }
            break;
        }
        default:
            break;
        }
    }
    ::closedir(stream);
    listing.ok = true;
    return listing;
}

void FileWatcher::syncDir(const QString& relDir, bool deep, bool report)
{
    if (!m_watcher)
        return;
    QString start = relDir;
    // A directory we do not know yet: sync its nearest known ancestor, which discovers it.
    while (!start.isEmpty() && !m_dirs.contains(start))
        start = parentOf(start);
    std::deque<SyncItem> queue;
    queue.push_back({start, deep, report});
    while (!queue.empty()) {
        const SyncItem item = std::move(queue.front());
        queue.pop_front();
        syncOne(item, queue);
    }
    flushFailedWatches();
}

void FileWatcher::syncOne(const SyncItem& item, std::deque<SyncItem>& queue)
{
    const QString& rel = item.relDir;
    const bool isRoot = rel.isEmpty();
    index::IgnoreRules::Scope parentScope;
    int depth = 0;
    if (!isRoot) {
        const auto parent = m_dirs.constFind(parentOf(rel));
        // The parent was dropped, or no longer lists this directory (now ignored, replaced): its
        // own sync decided, so there is nothing left to do here.
        if (parent == m_dirs.constEnd() || !parent->dirs.contains(baseName(rel))) {
            dropSubtree(rel, item.report);
            return;
        }
        parentScope = parent->scope;
        depth = parent->depth + 1;
    }

    const auto existing = m_dirs.constFind(rel);
    const bool isNew = existing == m_dirs.constEnd();
    DirState state = isNew ? DirState {} : *existing;
    state.depth = depth;
    const QString abs = absPath(rel);
    if (isNew) {
        // Watch first, then list: a file created in between is then either listed or signalled.
        state.watched = m_watcher->addPath(abs);
        if (state.watched)
            ++m_watchedDirs;
        else
            noteFailedWatch(abs, parentOf(rel));
    }

    Listing listing = listDirectory(rel, parentScope, depth);
    bool deep = item.deep;
    bool report = item.report;
    if (listing.ok && !isNew && listing.gitignore != state.gitignore) {
        // Rules changed below here: files may have left the indexed set, which "changed" cannot
        // say. Re-sync the subtree silently and let a reconcile sort it out.
        qCInfo(lcWatch).noquote() << "ignore rules changed in" << (isRoot ? QStringLiteral(".") : rel);
        if (isRoot) {
            reloadRules();
            listing = listDirectory(rel, parentScope, depth);
        }
        deep = true;
        report = false;
        m_untrustedDirs.insert(rel); // flushed as a reconcile request at the end of the sync
    }
    if (listing.ok && m_options.scan.followSymlinks && isNew && !listing.key.isEmpty()) {
        const QString owner = m_dirKeys.value(listing.key);
        if (!owner.isNull() && owner != rel && m_dirs.contains(owner)) {
            qCDebug(lcWatch).noquote() << rel << "is the same directory as" << owner << "; not watched twice";
            listing.ok = false;
        }
    }
    if (!listing.ok) {
        if (isNew) {
            if (state.watched) {
                m_watcher->removePath(abs);
                --m_watchedDirs;
            }
            if (!isRoot) {
                auto parent = m_dirs.find(parentOf(rel));
                if (parent != m_dirs.end())
                    parent->dirs.remove(baseName(rel));
            }
            return;
        }
        dropSubtree(rel, report);
        if (!isRoot) {
            auto parent = m_dirs.find(parentOf(rel));
            if (parent != m_dirs.end())
                parent->dirs.remove(baseName(rel));
        }
        return;
    }

    // Files.
    QStringList added;
    QStringList removed;
    QStringList replaced;
    for (auto it = listing.files.cbegin(); it != listing.files.cend(); ++it) {
        const auto old = state.files.constFind(it.key());
        if (old == state.files.cend())
            added.append(it.key());
        else if (old.value() != it.value())
            replaced.append(it.key()); // renamed over (atomic save): the old watch is gone
    }
    for (auto it = state.files.cbegin(); it != state.files.cend(); ++it) {
        if (!listing.files.contains(it.key()))
            removed.append(it.key());
    }
    m_watchedFiles += int(added.size()) - int(removed.size());
    for (const QString& name : std::as_const(removed))
        m_byInode.remove(state.files.value(name), childOf(rel, name));
    for (const QString& name : std::as_const(replaced))
        m_byInode.remove(state.files.value(name), childOf(rel, name));
    for (const QString& name : std::as_const(added))
        m_byInode.insert(listing.files.value(name), childOf(rel, name));
    for (const QString& name : std::as_const(replaced))
        m_byInode.insert(listing.files.value(name), childOf(rel, name));
    unwatchFiles(rel, removed + replaced);
    watchFiles(rel, added + replaced);
    if (report) {
        for (const QStringList* names : {&added, &removed, &replaced}) {
            for (const QString& name : *names)
                markChanged(childOf(rel, name));
        }
    }

    // Subdirectories.
    QList<QString> newDirs;
    for (auto it = state.dirs.cbegin(); it != state.dirs.cend(); ++it) {
        const auto now = listing.dirs.constFind(it.key());
        if (now == listing.dirs.cend() || now.value() != it.value())
            dropSubtree(childOf(rel, it.key()), report);
    }
    for (auto it = listing.dirs.cbegin(); it != listing.dirs.cend(); ++it) {
        const auto old = state.dirs.constFind(it.key());
        // A new directory may already hold files created before its watch existed: report them all.
        if (old == state.dirs.cend() || old.value() != it.value())
            queue.push_back({childOf(rel, it.key()), true, report});
        else if (deep)
            queue.push_back({childOf(rel, it.key()), true, report});
    }

    // Its .gitignore, whose in-place edits a directory watch would not see.
    const QString gitignorePath = abs + QStringLiteral("/.gitignore");
    if (listing.hasGitignore && (!state.gitignoreWatched || listing.gitignore != state.gitignore)) {
        // An atomic save of it dropped the old watch.
        if (!m_watcher->files().contains(gitignorePath))
            state.gitignoreWatched = m_watcher->addPath(gitignorePath);
    } else if (!listing.hasGitignore && state.gitignoreWatched) {
        m_watcher->removePath(gitignorePath);
        state.gitignoreWatched = false;
    }

    state.scope = listing.scope;
    state.gitignore = std::move(listing.gitignore);
    state.files = std::move(listing.files);
    state.dirs = std::move(listing.dirs);
    if (!listing.key.isEmpty()) {
        state.key = listing.key;
        m_dirKeys.insert(listing.key, rel);
    }
    m_dirs.insert(rel, std::move(state));
}

void FileWatcher::dropSubtree(const QString& relDir, bool report)
{
    QStringList unwatch;
    QStringList stack {relDir};
    while (!stack.isEmpty()) {
        const QString dir = stack.takeLast();
        const auto it = m_dirs.constFind(dir);
        if (it == m_dirs.constEnd())
            continue;
        const DirState state = *it;
        m_dirs.erase(it);
        for (auto file = state.files.cbegin(); file != state.files.cend(); ++file) {
            const QString rel = childOf(dir, file.key());
            m_byInode.remove(file.value(), rel);
            unwatch.append(absPath(rel));
            if (report)
                markChanged(rel);
        }
        m_watchedFiles -= int(state.files.size());
        if (state.watched) {
            unwatch.append(absPath(dir));
            --m_watchedDirs;
        }
        if (state.gitignoreWatched)
            unwatch.append(absPath(dir) + QStringLiteral("/.gitignore"));
        if (!state.key.isEmpty() && m_dirKeys.value(state.key) == dir)
            m_dirKeys.remove(state.key);
        for (auto sub = state.dirs.cbegin(); sub != state.dirs.cend(); ++sub)
            stack.append(childOf(dir, sub.key()));
    }
    // Some of these watches are already gone (deleted, moved): removePaths just reports them back.
    if (!unwatch.isEmpty() && m_watcher)
        m_watcher->removePaths(unwatch);
}

void FileWatcher::watchFiles(const QString& relDir, const QStringList& names)
{
    if (names.isEmpty())
        return;
    QStringList paths;
    paths.reserve(names.size());
    for (const QString& name : names)
        paths.append(absPath(childOf(relDir, name)));
    const QStringList failed = m_watcher->addPaths(paths);
    for (const QString& path : failed)
        noteFailedWatch(path, relDir);
}

void FileWatcher::unwatchFiles(const QString& relDir, const QStringList& names)
{
    if (names.isEmpty())
        return;
    QStringList paths;
    paths.reserve(names.size());
    for (const QString& name : names)
        paths.append(absPath(childOf(relDir, name)));
    m_watcher->removePaths(paths);
}

void FileWatcher::noteFailedWatch(const QString& absPath, const QString& untrustedRelDir)
{
    // addPath also "fails" for a vanished path (a parent event follows) and for one that is
    // already watched; only the rest is a real failure (inotify limits).
    if (!pathExists(absPath) || m_watcher->files().contains(absPath) || m_watcher->directories().contains(absPath))
        return;
    ++m_failedWatches;
    if (m_failedWatches <= kLoggedFailures)
        qCWarning(lcWatch).noquote() << "cannot watch" << absPath
                                     << "(inotify limit? see /proc/sys/fs/inotify/max_user_watches); "
                                        "changes there are found by reconcile scans";
    m_untrustedDirs.insert(untrustedRelDir);
}

void FileWatcher::flushFailedWatches()
{
    if (m_untrustedDirs.isEmpty() || m_state == State::Starting || m_state == State::Stopped)
        return;
    QStringList dirs(m_untrustedDirs.cbegin(), m_untrustedDirs.cend());
    m_untrustedDirs.clear();
    requestReconcile(std::move(dirs));
}

// ---------------------------------------------------------------------------------------------
// Events

bool FileWatcher::countEvent(const QString& relDir)
{
    ++m_events;
    restartIdleTimer();
    const qint64 now = m_clock.elapsed();
    if (m_state == State::Storm) {
        m_stormDirs.insert(relDir);
        m_stormTimer.start(m_options.stormQuietMs);
        return true;
    }
    m_recentEvents.push_back(now);
    while (!m_recentEvents.empty() && m_recentEvents.front() < now - m_options.stormWindowMs)
        m_recentEvents.pop_front();
    // Timestamps are taken when we process an event, not when it happened: with a large tree each
    // signal costs Qt a linear scan, so a backlog can drain slower than the window. Everything
    // delivered before the event loop gets back to its timers arrived together, so count that too.
    ++m_burstEvents;
    if (!m_burstTimer.isActive())
        m_burstTimer.start(0);
    const qsizetype count = std::max<qsizetype>(qsizetype(m_recentEvents.size()), m_burstEvents);
    if (m_options.stormEvents > 0 && count > m_options.stormEvents) {
        enterStorm(QStringLiteral("%1 events within %2 ms").arg(count).arg(m_options.stormWindowMs));
        m_stormDirs.insert(relDir);
        return true;
    }
    return false;
}

void FileWatcher::enterStorm(const QString& why)
{
    if (m_state == State::Storm) {
        m_stormTimer.start(m_options.stormQuietMs);
        return;
    }
    ++m_storms;
    qCInfo(lcWatch).noquote() << "event storm:" << why << "- collecting directories until quiet";
    // Paths waiting for their debounce are folded into the reconcile of their directories.
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it)
        m_stormDirs.insert(parentOf(it.key()));
    m_pending.clear();
    m_debounceTimer.stop();
    m_debounceDeadline = -1;
    m_recentEvents.clear();
    m_stormTimer.start(m_options.stormQuietMs);
    setState(State::Storm);
}

void FileWatcher::onStormQuiet()
{
    if (m_state != State::Storm)
        return;
    const quint64 generation = m_generation;
    if (pathExists(absPath(QStringLiteral(".git/index.lock")))) {
        m_stormTimer.start(m_options.stormQuietMs); // git is still at work
        return;
    }
    QStringList dirs(m_stormDirs.cbegin(), m_stormDirs.cend());
    m_stormDirs.clear();
    const bool all = m_stormAll || dirs.size() > m_options.maxReconcileDirs;
    m_stormAll = false;
    // Bring listings and watches up to date first (new directories, files renamed over, watches
    // dropped), silently: the consumer rescans these directories anyway.
    if (all) {
        syncDir(QString(), true, false);
        dirs = {QString()};
    } else {
        dirs.sort(); // parents first
        for (const QString& dir : std::as_const(dirs))
            syncDir(dir, false, false);
        // A directory that is gone is rescanned through the nearest one that still exists.
        for (QString& dir : dirs) {
            while (!dir.isEmpty() && !m_dirs.contains(dir))
                dir = parentOf(dir);
        }
    }
    if (generation != m_generation)
        return;
    qCInfo(lcWatch).noquote() << "storm over; reconciling" << dirs.size() << "directories";
    setState(State::Watching);
    if (generation != m_generation)
        return;
    if (!dirs.isEmpty())
        requestReconcile(std::move(dirs));
}

void FileWatcher::onFileChanged(const QString& abs)
{
    ++m_inWatcherSignal;
    const auto guard = qScopeGuard([this] { --m_inWatcherSignal; });
    const quint64 generation = m_generation;
    const QString rel = relPath(abs);
    if (rel.isEmpty() || !m_watcher)
        return;
    const QString dir = parentOf(rel);
    const QString name = baseName(rel);
    if (rel == u".mu/config.json") {
        ++m_events;
        if (pathExists(abs) && !m_watcher->files().contains(abs))
            m_watcher->addPath(abs);
        qCInfo(lcWatch) << "ignore configuration changed; resyncing the tree";
        reloadRules();
        syncDir(QString(), true, false);
        if (generation == m_generation)
            requestReconcile({QString()});
        return;
    }
    if (countEvent(dir))
        return;
    if (name == u".gitignore") {
        if (pathExists(abs) && !m_watcher->files().contains(abs))
            m_watcher->addPath(abs);
        syncDir(dir, false, true); // notices the new content, re-syncs and asks for a reconcile
        return;
    }
    const auto state = m_dirs.constFind(dir);
    if (state == m_dirs.constEnd() || !state->files.contains(name))
        return; // a late signal for a path we stopped tracking
    markChanged(rel);
    // Hard links and symlinks to one file share a watch, which Qt reports under one of the paths.
    const quint64 inode = state->files.value(name);
    for (auto it = m_byInode.constFind(inode); it != m_byInode.cend() && it.key() == inode; ++it) {
        if (it.value() != rel)
            markChanged(it.value());
    }
    // An atomic save (rename over) drops the watch silently: re-arm it while the path exists.
    if (pathExists(abs) && !m_watcher->files().contains(abs)) {
        if (!m_watcher->addPath(abs)) {
            noteFailedWatch(abs, dir);
            flushFailedWatches();
        }
    }
}

void FileWatcher::onDirectoryChanged(const QString& abs)
{
    ++m_inWatcherSignal;
    const auto guard = qScopeGuard([this] { --m_inWatcherSignal; });
    const QString rel = relPath(abs);
    if (rel.isNull() || !m_watcher)
        return;
    if (rel == u".git") {
        ++m_events;
        if (m_state == State::Storm)
            m_stormTimer.start(m_options.stormQuietMs);
        else if (pathExists(absPath(QStringLiteral(".git/index.lock"))))
            enterStorm(QStringLiteral(".git/index.lock present"));
        else if (!pathExists(abs))
            m_watcher->removePath(abs);
        return;
    }
    if (countEvent(rel))
        return;
    bool isDir = false;
    if (!pathExists(abs, &isDir) || !isDir) {
        if (rel.isEmpty()) {
            qCWarning(lcWatch).noquote() << "project root" << m_root << "vanished";
            return;
        }
        syncDir(parentOf(rel), false, true); // it was removed or renamed: the parent's diff says which
        return;
    }
    const auto state = m_dirs.constFind(rel);
    if (state != m_dirs.constEnd() && state->watched && !m_watcher->directories().contains(abs)) {
        // Moved away and back, or replaced: the watch went with the old inode. Events in between
        // were lost, so re-sync everything below and report it.
        m_watcher->addPath(abs);
        syncDir(rel, true, true);
        return;
    }
    syncDir(rel, false, true);
}

// ---------------------------------------------------------------------------------------------
// Debounce and output

void FileWatcher::markChanged(const QString& relPath)
{
    const qint64 now = m_clock.elapsed();
    auto it = m_pending.find(relPath);
    if (it == m_pending.end())
        it = m_pending.insert(relPath, Pending {now, now});
    else
        it->last = now;
    scheduleDebounce(std::min(it->last + m_options.quietMs, it->first + m_options.maxDelayMs));
}

void FileWatcher::scheduleDebounce(qint64 deadline)
{
    // A path's deadline only moves later, so the timer may fire early (then it re-arms) but never late.
    if (m_debounceTimer.isActive() && m_debounceDeadline <= deadline)
        return;
    m_debounceDeadline = deadline;
    m_debounceTimer.start(int(std::max<qint64>(0, deadline - m_clock.elapsed())));
}

void FileWatcher::onDebounceTimeout()
{
    m_debounceDeadline = -1;
    const qint64 now = m_clock.elapsed();
    QStringList due;
    qint64 next = -1;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        const qint64 deadline = std::min(it->last + m_options.quietMs, it->first + m_options.maxDelayMs);
        if (deadline <= now) {
            due.append(it.key());
            it = m_pending.erase(it);
        } else {
            next = next < 0 ? deadline : std::min(next, deadline);
            ++it;
        }
    }
    if (next >= 0)
        scheduleDebounce(next);
    if (!due.isEmpty())
        emitPaths(std::move(due));
}

void FileWatcher::emitPaths(QStringList paths)
{
    paths.sort();
    paths.removeDuplicates();
    qCDebug(lcWatch) << "changed:" << paths;
    Q_EMIT filesChanged(paths);
}

void FileWatcher::requestReconcile(QStringList relDirs)
{
    relDirs = minimizeDirs(std::move(relDirs));
    if (relDirs.size() > m_options.maxReconcileDirs)
        relDirs = QStringList {QString()};
    ++m_reconciles;
    qCInfo(lcWatch) << "reconcile requested:" << relDirs;
    Q_EMIT reconcileRequested(relDirs);
}

void FileWatcher::restartIdleTimer()
{
    if (m_options.idleReconcileMs > 0 && m_state != State::Stopped)
        m_idleTimer.start(m_options.idleReconcileMs);
}

void FileWatcher::onIdleTimeout()
{
    if (m_state != State::Watching || !m_pending.isEmpty()) {
        restartIdleTimer();
        return;
    }
    qCDebug(lcWatch) << "idle: periodic reconcile";
    syncDir(QString(), true, false);
    if (m_state != State::Watching)
        return;
    requestReconcile({QString()});
    restartIdleTimer();
}

} // namespace mu::watch
