#pragma once

#include "resolve/projectlayout.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace mu::resolve {

/// Go's module system: an import path names a package, which is a directory of .go files. The
/// directory comes from the nearest go.mod (its `module` path, local `replace` directives and
/// `vendor/`), and for the standard library's own tree (`module std`) from the path itself.
/// Thread: as ProjectLayout (go.mod files are read lazily; one instance per thread).
class GoModules {
public:
    GoModules(const QString& root, const QSet<QString>& paths);

    /// The package directory (Kind::Package, relative) an import in `fromFile` names, or an
    /// external named by its module ("github.com/pkg/errors") or, for the standard library, its
    /// first element ("net").
    ImportTarget resolve(const QString& fromFile, const QString& importPath) const;
    /// The package's non-test .go files, sorted; empty when the directory holds none.
    QStringList packageFiles(const QString& dir) const;
    /// The .go files sharing `file`'s directory (test files only with test files), sorted, without `file`.
    QStringList siblings(const QString& file) const;

private:
    struct GoMod {
        QString dir;                                 ///< directory of go.mod, relative ("" for the root)
        QString path;                                ///< the module path it declares
        QList<std::pair<QString, QString>> replaces; ///< module path → local directory (relative)
    };
    std::shared_ptr<const GoMod> moduleFor(const QString& dir) const;
    std::optional<GoMod> readGoMod(const QString& dir) const;
    bool isPackage(const QString& dir) const { return m_filesByDir.contains(dir); }

    QString m_root;
    QHash<QString, QStringList> m_filesByDir;                        ///< directory → its .go files (sorted)
    mutable QHash<QString, std::shared_ptr<const GoMod>> m_modByDir; ///< directory → its nearest go.mod
};

} // namespace mu::resolve
