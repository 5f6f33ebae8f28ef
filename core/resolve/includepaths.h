#pragma once

#include "resolve/projectlayout.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace mu::resolve {

/// C and C++ `#include` resolution: `"…"` relative to the including file first, then (for both
/// forms) the include directories named by compile_commands.json (-I, -iquote, -isystem; at the
/// project root or in build/), then the conventional include/ directory and the project root.
/// A `<…>` header found nowhere in the project is external, named by its first path element
/// (<vector> → vector, <QtCore/QString> → QtCore, <linux/fs.h> → linux); a `"…"` header found
/// nowhere resolves to nothing (it is the tree's own: generated, or not indexed).
/// Thread: as ProjectLayout (the compilation database is read lazily; one instance per thread).
class IncludePaths {
public:
    IncludePaths(const QString& root, const QSet<QString>& paths);

    ImportTarget resolve(const QString& fromFile, const QString& header, bool system) const;
    /// The include directories in search order (relative to the root), for tests and `mu status`.
    const QStringList& directories() const;

private:
    void load() const;

    QString m_root;
    const QSet<QString>& m_paths;
    mutable std::optional<QStringList> m_dirs;
};

} // namespace mu::resolve
