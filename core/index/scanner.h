#pragma once

#include "index/ignorerules.h"
#include "model/result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace mu::index {

/// One file MU should index.
struct ScannedFile {
    QString path;       ///< relative to the project root, '/'-separated
    qint64 size = 0;    ///< bytes (of the target, for a symlinked file)
    qint64 mtimeNs = 0; ///< modification time, nanoseconds since the epoch (st_mtim)

    friend bool operator==(const ScannedFile&, const ScannedFile&) = default;
};

struct ScanResult {
    QList<ScannedFile> files; ///< sorted by path (QString order), no duplicates
    QStringList warnings;     ///< unreadable directories, vanished files, symlink loops, bad config, …
    int ignoredCount = 0;     ///< files and directories excluded by ignore rules (a directory counts once;
                              ///< files of unknown language are not counted)
};

/// Namespace scope (not nested in Scanner) so it can be a default argument.
struct ScanOptions {
    /// Descend into symlinked directories. Off by default (like ripgrep); when on, every directory is
    /// visited once by (st_dev, st_ino): a loop or a second path to the same directory is skipped
    /// with a warning, and real paths win over symlinked ones.
    bool followSymlinks = false;
    /// How many directory levels below the root to descend into; -1 = unlimited, 0 = root files only.
    int maxDepth = -1;
    IgnoreOptions ignore; ///< ignore sources and extra patterns
};

/// Walks a project root and lists every file MU should index: regular files (or symlinks to
/// regular files, indexed under the link's path with the target's stat) whose language is known
/// to parse::LanguageRegistry::builtin() and that IgnoreRules do not exclude. Never enters `.mu/`.
/// Iterative (explicit stack), POSIX readdir/fstatat; a directory's `.gitignore` is read once.
///
/// Thread: a plain value; use one instance from one thread at a time (distinct instances may run
/// concurrently). statFile() is stateless and safe from any thread.
/// Errors: scan() fails only when the root is missing or not a directory ("not_found") or cannot
/// be opened ("io"). Anything that goes wrong below the root (unreadable or vanished directories,
/// files removed between readdir and stat, dangling symlinks, loops) is skipped with a warning.
class Scanner {
public:
    explicit Scanner(QString root, ScanOptions options = {});

    const QString& root() const { return m_root; }
    const ScanOptions& options() const { return m_options; }

    Result<ScanResult> scan() const;
    /// Walks only the subtrees `relDirs` ("" = the whole tree), with the rules that apply there
    /// (ancestors' `.gitignore` files included). Ignored, missing and `.mu/` directories are
    /// skipped, so their files are simply absent from the result. Empty `relDirs` = scan().
    Result<ScanResult> scan(const QStringList& relDirs) const;

    /// Stats one file (following a symlink) without walking or applying ignore/language rules;
    /// for incremental updates. Errors: "invalid_path" (empty, absolute, or with a "." / ".."
    /// component), "not_found" (missing, dangling symlink, or a parent is not a directory),
    /// "not_a_file" (a directory or special file), "io" (anything else, e.g. permission denied).
    static Result<ScannedFile> statFile(const QString& root, const QString& relPath);

private:
    QString m_root;
    ScanOptions m_options;
};

} // namespace mu::index
