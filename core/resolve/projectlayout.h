#pragma once

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace mu::resolve {

class GoModules;
class IncludePaths;
class RustCrates;

/// Where an import specifier leads: a project file, a Go package directory, a Java/C#/C++
/// namespace, an external package, or nowhere known.
struct ImportTarget {
    enum class Kind {
        None,
        File,
        Package,   ///< a directory of files forming one package (Go)
        Namespace, ///< a package/namespace spread over the files declaring it (Java, C#, C++)
        External
    };
    Kind kind = Kind::None;
    /// Project-relative file path (File), directory (Package), dotted namespace name (Namespace)
    /// or external name (External).
    QString path;

    static ImportTarget none() { return {}; }
    static ImportTarget file(QString p) { return {Kind::File, std::move(p)}; }
    static ImportTarget package(QString dir) { return {Kind::Package, std::move(dir)}; }
    static ImportTarget ns(QString name) { return {Kind::Namespace, std::move(name)}; }
    static ImportTarget external(QString name) { return {Kind::External, std::move(name)}; }
};

/// The module systems of a project: which file an import names. Python packages and source
/// roots (project root, src/, lib/, a script's own directory), TS/JS relative paths with
/// extension and index probing, tsconfig/jsconfig baseUrl + paths (with extends), and
/// package.json workspaces.
/// Thread: build on one thread; afterwards const methods are safe, except that config files are
/// read lazily (guarded by the caller using one ProjectLayout per thread).
class ProjectLayout {
public:
    /// `root` is the project directory on disk; `paths` every indexed file (relative, '/').
    ProjectLayout(QString root, QSet<QString> paths);
    ~ProjectLayout();
    ProjectLayout(const ProjectLayout&) = delete;
    ProjectLayout& operator=(const ProjectLayout&) = delete;

    const QString& root() const { return m_root; }
    bool hasFile(const QString& path) const { return m_paths.contains(path); }

    /// Python: `import a.b` (level 0) or `from ..a import b` (level 2) in `fromFile`.
    /// Returns the deepest module file the dotted name reaches, an external for names that
    /// start outside the project, or none when a relative import leaves the project.
    ImportTarget resolvePython(const QString& fromFile, const QString& dotted, int level) const;
    /// The module file for a dotted submodule path below the package of `packageFile`
    /// ("pkg/__init__.py" + "sub" → "pkg/sub.py"), if it exists.
    std::optional<QString> pythonSubmodule(const QString& packageFile, const QString& name) const;

    /// TS/JS: the specifier of an import/require/export-from in `fromFile`.
    ImportTarget resolveEcma(const QString& fromFile, const QString& specifier) const;

    /// Go packages (go.mod), Rust crates and modules (Cargo.toml, `mod`), C/C++ includes
    /// (compile_commands.json): each built on first use.
    const GoModules& go() const;
    const RustCrates& rust() const;
    const IncludePaths& includes() const;

private:
    struct TsConfig {
        QString dir;                                  ///< directory the config lives in (relative, "" for root)
        QString baseUrl;                              ///< relative to project root, or empty when unset
        QList<std::pair<QString, QStringList>> paths; ///< pattern → substitutions (relative to root)
    };
    struct Workspace {
        QString name;
        QString dir;
        QStringList entries; ///< candidate entry files relative to root
    };

    std::optional<QString> probeEcmaFile(const QString& base) const;
    std::optional<QString> pythonModuleFile(const QString& dir, const QStringList& parts) const;
    std::shared_ptr<const TsConfig> tsConfigFor(const QString& dir) const;
    std::optional<TsConfig> loadTsConfig(const QString& relPath, int depth) const;
    void loadWorkspaces();

    QString m_root;
    QSet<QString> m_paths;
    QStringList m_pythonRoots;
    QList<Workspace> m_workspaces;
    mutable QHash<QString, std::shared_ptr<const TsConfig>> m_tsConfigByDir;
    mutable std::unique_ptr<GoModules> m_go;
    mutable std::unique_ptr<RustCrates> m_rust;
    mutable std::unique_ptr<IncludePaths> m_includes;
};

/// The directory part of a relative path ("a/b/c.py" → "a/b", "c.py" → "").
QString parentDir(const QString& path);
/// Joins and normalises relative path parts ("a/b" + "../c" → "a/c"); nullopt if it leaves the root.
std::optional<QString> joinPath(const QString& dir, const QString& relative);

} // namespace mu::resolve
