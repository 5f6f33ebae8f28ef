#include "resolve/gomodules.h"

#include <QFile>
#include <QRegularExpression>

#include <algorithm>

namespace mu::resolve {

namespace {

bool isTestFile(const QString& path)
{
    return path.endsWith(u"_test.go");
}

/// Third-party packages are named by their module root, "host/owner/repo" for the common
/// hosts; standard-library packages (no dot in the first element) by their first element.
QString externalName(const QString& importPath)
{
    const QStringList parts = importPath.split(u'/');
    if (!parts.first().contains(u'.'))
        return parts.first();
    return parts.mid(0, 3).join(u'/');
}

/// `path` when it equals `prefix` or lies below it: the remainder ("" or "sub/pkg"); else nullopt.
std::optional<QString> below(const QString& path, const QString& prefix)
{
    if (path == prefix)
        return QString();
    if (path.startsWith(prefix) && path.size() > prefix.size() && path[prefix.size()] == u'/')
        return path.sliced(prefix.size() + 1);
    return std::nullopt;
}

QString joined(const QString& dir, const QString& rest)
{
    if (dir.isEmpty())
        return rest;
    return rest.isEmpty() ? dir : dir + u'/' + rest;
}

} // namespace

GoModules::GoModules(const QString& root, const QSet<QString>& paths) : m_root(root)
{
    for (const QString& path : paths) {
        if (path.endsWith(u".go"))
            m_filesByDir[parentDir(path)].append(path);
    }
    for (QStringList& files : m_filesByDir)
        files.sort();
}

std::optional<GoModules::GoMod> GoModules::readGoMod(const QString& dir) const
{
    QFile file(m_root + u'/' + joined(dir, QStringLiteral("go.mod")));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    GoMod mod;
    mod.dir = dir;
    // go.mod is line-oriented: `module x`, and `replace a [v] => ./dir` alone or in a ( … ) block.
    static const QRegularExpression moduleLine(QStringLiteral(R"re(^\s*module\s+"?([^\s"]+)"?)re"));
    static const QRegularExpression replaceLine(
        QStringLiteral(R"re(^\s*(?:replace\s+)?"?([^\s"=]+)"?(?:\s+\S+)?\s*=>\s*"?(\.{1,2}/[^\s"]*|\.{1,2})"?)re"));
    bool inReplaceBlock = false;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).section(QStringLiteral("//"), 0, 0);
        if (const auto m = moduleLine.match(line); m.hasMatch()) {
            mod.path = m.captured(1);
            continue;
        }
        const QString trimmed = line.trimmed();
        if (trimmed.startsWith(u"replace") && trimmed.endsWith(u'(')) {
            inReplaceBlock = true;
            continue;
        }
        if (inReplaceBlock && trimmed == u")") {
            inReplaceBlock = false;
            continue;
        }
        if (inReplaceBlock || trimmed.startsWith(u"replace")) {
            if (const auto m = replaceLine.match(line); m.hasMatch()) {
                if (auto local = joinPath(dir, m.captured(2)))
                    mod.replaces.append({m.captured(1), *local});
            }
        }
    }
    if (mod.path.isEmpty())
        return std::nullopt;
    return mod;
}

std::shared_ptr<const GoModules::GoMod> GoModules::moduleFor(const QString& dir) const
{
    if (const auto it = m_modByDir.constFind(dir); it != m_modByDir.constEnd())
        return *it;
    std::shared_ptr<const GoMod> mod;
    if (std::optional<GoMod> own = readGoMod(dir))
        mod = std::make_shared<const GoMod>(std::move(*own));
    else if (!dir.isEmpty())
        mod = moduleFor(parentDir(dir));
    m_modByDir.insert(dir, mod);
    return mod;
}

ImportTarget GoModules::resolve(const QString& fromFile, const QString& importPath) const
{
    if (importPath.isEmpty())
        return ImportTarget::none();
    const QString fromDir = parentDir(fromFile);
    if (importPath.startsWith(u"./") || importPath.startsWith(u"../")) { // GOPATH-era relative imports
        const auto dir = joinPath(fromDir, importPath);
        return dir && isPackage(*dir) ? ImportTarget::package(*dir) : ImportTarget::none();
    }
    if (const std::shared_ptr<const GoMod> mod = moduleFor(fromDir)) {
        // Vendored copies win, as they do for the go tool.
        for (QString dir = fromDir;; dir = parentDir(dir)) {
            const QString vendored = joined(joined(dir, QStringLiteral("vendor")), importPath);
            if (isPackage(vendored))
                return ImportTarget::package(vendored);
            if (dir == mod->dir || dir.isEmpty())
                break;
        }
        if (const auto rest = below(importPath, mod->path)) {
            const QString dir = joined(mod->dir, *rest);
            if (isPackage(dir))
                return ImportTarget::package(dir);
        }
        for (const auto& [modulePath, localDir] : mod->replaces) {
            if (const auto rest = below(importPath, modulePath)) {
                const QString dir = joined(localDir, *rest);
                if (isPackage(dir))
                    return ImportTarget::package(dir);
            }
        }
        // The Go source tree declares `module std` in src/ and `module cmd` in src/cmd/: standard
        // library import paths are directories of src/, from either module.
        if ((mod->path == u"std" || mod->path == u"cmd") && !importPath.section(u'/', 0, 0).contains(u'.')) {
            const QString src = mod->path == u"cmd" ? parentDir(mod->dir) : mod->dir;
            const QString dir = joined(src, importPath);
            if (isPackage(dir))
                return ImportTarget::package(dir);
        }
    }
    return ImportTarget::external(externalName(importPath));
}

QStringList GoModules::packageFiles(const QString& dir) const
{
    QStringList files = m_filesByDir.value(dir);
    files.removeIf(isTestFile);
    return files;
}

QStringList GoModules::siblings(const QString& file) const
{
    QStringList files = m_filesByDir.value(parentDir(file));
    const bool test = isTestFile(file);
    files.removeIf([&](const QString& path) { return path == file || (!test && isTestFile(path)); });
    return files;
}

} // namespace mu::resolve
