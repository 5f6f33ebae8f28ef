#pragma once

#include "resolve/projectlayout.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace mu::resolve {

/// Rust's module system over files: crates from Cargo.toml (package name, `[lib] path`, the
/// src/lib.rs / src/main.rs / src/bin conventions, workspace members found beside each other), and
/// the module tree of a crate, where `mod foo;` in a/b.rs is a/b/foo.rs or a/b/foo/mod.rs.
/// Thread: as ProjectLayout (Cargo.toml files are read lazily; one instance per thread).
class RustCrates {
public:
    RustCrates(const QString& root, const QSet<QString>& paths);

    /// The root module file of the crate `file` belongs to (src/lib.rs, src/main.rs, a bin).
    std::optional<QString> crateRoot(const QString& file) const;
    /// The root module of the project's crate named `name` ('-' and '_' alike), if any.
    std::optional<QString> crateNamed(const QString& name) const;
    /// The file of module `name` declared in module file `parent` (`mod name;`).
    std::optional<QString> childModule(const QString& parent, const QString& name) const;
    /// The module file that declares `file` as its child; nullopt for crate roots.
    std::optional<QString> parentModule(const QString& file) const;

    /// A `use` path ("crate::a::b::C", "super::x", "serde::Serialize") from `fromFile`: the module
    /// file it reaches and the item path left inside it ("C", "" for the module itself), or an
    /// external crate.
    struct Path {
        ImportTarget target;
        QString item; ///< dotted in-file name ("Outer.Inner"), empty for the module itself
    };
    Path resolve(const QString& fromFile, const QString& path) const;

private:
    struct Crate {
        QString dir;  ///< directory of Cargo.toml, relative
        QString name; ///< package name with '-' → '_'
        QString lib;  ///< library root file (relative), empty when none
    };
    std::shared_ptr<const Crate> crateFor(const QString& dir) const;
    std::optional<Crate> readCargo(const QString& dir) const;
    bool isModuleDirOwner(const QString& file) const;
    void discoverCrates() const;

    QString m_root;
    const QSet<QString>& m_paths;
    mutable QHash<QString, std::shared_ptr<const Crate>> m_crateByDir;
    mutable std::optional<QHash<QString, QString>> m_rootByName; ///< crate name → root file
};

} // namespace mu::resolve
