#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <memory>
#include <optional>

namespace mu::index {

/// Which sources of ignore rules apply. Namespace scope (not nested) so it can be a default argument.
struct IgnoreOptions {
    bool useDefaults = true;   ///< SPEC §11 default ignores (node_modules, build, *.min.js, …) and hidden dirs
    bool useGitignore = true;  ///< `.gitignore` at any depth and `.git/info/exclude`
    bool useConfig = true;     ///< the "ignore" array of `<root>/.mu/config.json`
    QStringList extraPatterns; ///< gitignore-style lines relative to the root, after the config's own
};

/// Decides whether a project-relative path ('/'-separated, no leading "./" or '/') is ignored.
///
/// Rules, from the highest priority down; the first source that has a matching pattern decides:
///  1. hard rules: directories named `.git` or `.mu` are always ignored, whatever any pattern says;
///  2. config: `.mu/config.json` "ignore" then IgnoreOptions::extraPatterns (may re-include with `!`);
///  3. defaults: SPEC §11 names and patterns, and every directory whose name starts with '.';
///  4. `.gitignore` files, the deepest directory first (a nested file overrides its parents);
///  5. `.git/info/exclude`.
/// Within one source the last matching line wins, exactly as git does (comments, trailing spaces,
/// `\` escapes, `!`, dir-only `/` suffix, anchoring by a non-trailing '/', `*`, `?`, `[...]`, `**`).
/// A path inside an ignored directory is ignored: nothing re-includes it (git's rule), so
/// isIgnored() checks every ancestor directory. `.gitignore` files above the root are not read.
///
/// Patterns are compiled once; matching is a hand-written port of git's wildmatch on QStringView
/// with literal and `*suffix` fast paths.
///
/// Thread: immutable after load(); an IgnoreRules and its Scopes may be shared by any threads.
/// Errors: never fails; unreadable files and a malformed config become warnings().
class IgnoreRules {
    struct Shared;
    struct Level;

public:
    /// The rules in effect inside one directory: the global sources plus the chain of `.gitignore`
    /// files from the root down to that directory. Cheap to copy (two shared pointers). A scanner
    /// keeps one per directory on its stack instead of re-reading files per path.
    class Scope {
    public:
        Scope() = default; ///< ignores nothing

        /// Whether `relPath`, an entry directly inside this scope's directory, is ignored. The
        /// caller has already established that the directory itself is not ignored.
        bool isIgnored(QStringView relPath, bool isDir) const;

        /// The scope of child directory `relDir` whose `.gitignore` holds `gitignore` (empty when it
        /// has none). Returns *this unchanged when there are no patterns to add.
        Scope enterDirectory(QStringView relDir, QByteArrayView gitignore) const;

    private:
        friend class IgnoreRules;
        std::shared_ptr<const Shared> m_shared;
        std::shared_ptr<const Level> m_level;
    };

    IgnoreRules() = default; ///< ignores nothing

    /// Reads the config, `.git/info/exclude` and the root `.gitignore` of the project at `root`.
    static IgnoreRules load(const QString& root, const IgnoreOptions& options = {});

    const QString& root() const { return m_root; }
    /// Problems met while loading: malformed `.mu/config.json`, unreadable ignore files, …
    const QStringList& warnings() const { return m_warnings; }

    /// Scope of the root directory (root `.gitignore` included).
    Scope rootScope() const { return m_rootScope; }

    /// Scope of directory `relDir` ("" = root), reading each ancestor's `.gitignore` from disk;
    /// nullopt when `relDir` or one of its ancestors is ignored.
    std::optional<Scope> scopeFor(QStringView relDir) const;

    /// Whole-path check for single paths (watch events, incremental updates): reads the
    /// `.gitignore` of each ancestor directory from disk, so it costs one open() per level.
    /// A trailing '/' on `relPath` means a directory.
    bool isIgnored(QStringView relPath, bool isDir) const;

    /// The gitignore text of the file at `path`; empty when it does not exist. Unreadable → empty
    /// and a warning appended to `warnings` (when given).
    static QByteArray readIgnoreFile(const QString& path, QStringList* warnings = nullptr);

private:
    QString m_root;
    QStringList m_warnings;
    Scope m_rootScope;
};

} // namespace mu::index
