#include "resolve/rustcrates.h"

#include <QFile>
#include <QRegularExpression>

namespace mu::resolve {

namespace {

QString joined(const QString& dir, const QString& rest)
{
    return dir.isEmpty() ? rest : dir + u'/' + rest;
}

QString fileName(const QString& path)
{
    return path.sliced(path.lastIndexOf(u'/') + 1);
}

QString stem(const QString& path)
{
    QString name = fileName(path);
    name.chop(3); // ".rs"
    return name;
}

} // namespace

RustCrates::RustCrates(const QString& root, const QSet<QString>& paths) : m_root(root), m_paths(paths)
{ }

std::optional<RustCrates::Crate> RustCrates::readCargo(const QString& dir) const
{
    QFile file(m_root + u'/' + joined(dir, QStringLiteral("Cargo.toml")));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    // Only two keys matter here — [package] name and [lib] path — so a section-aware line scan
    // is enough; a full TOML parser would buy nothing.
    // `[[test]]`, `[[bench]]`, `[[bin]]` are arrays of tables: their `path` keys are not the lib's,
    // so the brackets stay part of the section name.
    static const QRegularExpression section(QStringLiteral(R"re(^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?\s*$)re"));
    static const QRegularExpression keyValue(QStringLiteral(R"re(^\s*(name|path)\s*=\s*"([^"]*)")re"));
    Crate crate;
    crate.dir = dir;
    QString current;
    QString libPath;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine());
        if (const auto m = section.match(line); m.hasMatch()) {
            current = m.captured(1).size() == 2 ? u"[[" + m.captured(2) + u"]]" : m.captured(2);
            continue;
        }
        const auto m = keyValue.match(line);
        if (!m.hasMatch())
            continue;
        if (current == u"package" && m.captured(1) == u"name")
            crate.name = m.captured(2);
        else if (current == u"lib" && m.captured(1) == u"name" && crate.name.isEmpty())
            crate.name = m.captured(2);
        else if (current == u"lib" && m.captured(1) == u"path")
            libPath = m.captured(2);
    }
    crate.name.replace(u'-', u'_');
    for (const QString& candidate : {libPath, QStringLiteral("src/lib.rs")}) {
        if (candidate.isEmpty())
            continue;
        if (auto path = joinPath(dir, candidate); path && m_paths.contains(*path)) {
            crate.lib = *path;
            break;
        }
    }
    return crate;
}

std::shared_ptr<const RustCrates::Crate> RustCrates::crateFor(const QString& dir) const
{
    if (const auto it = m_crateByDir.constFind(dir); it != m_crateByDir.constEnd())
        return *it;
    std::shared_ptr<const Crate> crate;
    if (std::optional<Crate> own = readCargo(dir))
        crate = std::make_shared<const Crate>(std::move(*own));
    else if (!dir.isEmpty())
        crate = crateFor(parentDir(dir));
    m_crateByDir.insert(dir, crate);
    return crate;
}

std::optional<QString> RustCrates::crateRoot(const QString& file) const
{
    const std::shared_ptr<const Crate> crate = crateFor(parentDir(file));
    const QString dir = crate ? crate->dir : QString();
    const QString relative = dir.isEmpty() ? file : file.sliced(dir.size() + 1);
    // Each binary, example, test and bench file is the root of its own crate.
    const QString top = relative.section(u'/', 0, 0);
    if (relative == u"src/main.rs" || relative == u"build.rs")
        return file;
    if (relative.startsWith(u"src/bin/") || top == u"examples" || top == u"tests" || top == u"benches") {
        const QStringList parts = relative.split(u'/');
        if (parts.size() == (top == u"src" ? 3 : 2))
            return file; // src/bin/x.rs, examples/x.rs
        const QString mainFile = joined(dir, parts.mid(0, top == u"src" ? 3 : 2).join(u'/') + u"/main.rs");
        if (m_paths.contains(mainFile))
            return mainFile; // src/bin/x/main.rs and its modules
    }
    if (crate && !crate->lib.isEmpty())
        return crate->lib;
    const QString mainFile = joined(dir, QStringLiteral("src/main.rs"));
    if (m_paths.contains(mainFile))
        return mainFile;
    return std::nullopt;
}

void RustCrates::discoverCrates() const
{
    QHash<QString, QString> roots;
    QSet<QString> seenDirs;
    for (const QString& path : m_paths) {
        if (!path.endsWith(u".rs"))
            continue;
        const QString dir = parentDir(path);
        if (seenDirs.contains(dir))
            continue;
        seenDirs.insert(dir);
        if (const std::shared_ptr<const Crate> crate = crateFor(dir); crate && !crate->lib.isEmpty())
            roots.insert(crate->name, crate->lib);
    }
    m_rootByName = std::move(roots);
}

std::optional<QString> RustCrates::crateNamed(const QString& name) const
{
    if (!m_rootByName)
        discoverCrates();
    QString key = name;
    key.replace(u'-', u'_');
    const auto it = m_rootByName->constFind(key);
    return it == m_rootByName->constEnd() ? std::nullopt : std::optional<QString>(*it);
}

bool RustCrates::isModuleDirOwner(const QString& file) const
{
    // mod.rs, and crate roots, own their directory: their children live beside them.
    const QString name = fileName(file);
    if (name == u"mod.rs")
        return true;
    const auto root = crateRoot(file);
    return root && *root == file;
}

std::optional<QString> RustCrates::childModule(const QString& parent, const QString& name) const
{
    const QString dir = parentDir(parent);
    const QString base = isModuleDirOwner(parent) ? dir : joined(dir, stem(parent));
    for (const QString& candidate : {joined(base, name + u".rs"), joined(base, name + u"/mod.rs")}) {
        if (m_paths.contains(candidate))
            return candidate;
    }
    return std::nullopt;
}

std::optional<QString> RustCrates::parentModule(const QString& file) const
{
    const auto root = crateRoot(file);
    if (!root || *root == file)
        return std::nullopt;
    // The module owning a directory D: D/mod.rs, the crate root in D, or D.rs beside D.
    QString dir = parentDir(file);
    if (fileName(file) == u"mod.rs")
        dir = parentDir(dir);
    if (m_paths.contains(joined(dir, QStringLiteral("mod.rs"))))
        return joined(dir, QStringLiteral("mod.rs"));
    if (parentDir(*root) == dir)
        return *root;
    const QString sibling = dir + u".rs";
    if (m_paths.contains(sibling))
        return sibling;
    return std::nullopt;
}

RustCrates::Path RustCrates::resolve(const QString& fromFile, const QString& path) const
{
    QStringList segments = path.split(QStringLiteral("::"), Qt::SkipEmptyParts);
    if (segments.isEmpty())
        return {};
    std::optional<QString> module;
    const QString first = segments.first();
    if (first == u"crate") {
        module = crateRoot(fromFile);
        segments.removeFirst();
    } else if (first == u"self") {
        module = fromFile;
        segments.removeFirst();
    } else if (first == u"super") {
        module = fromFile;
        while (module && !segments.isEmpty() && segments.first() == u"super") {
            module = parentModule(*module);
            segments.removeFirst();
        }
    } else if (auto child = childModule(fromFile, first)) {
        module = child; // a module declared in this one (2018 paths are relative to it first)
        segments.removeFirst();
    } else if (auto crate = crateNamed(first)) {
        module = crate;
        segments.removeFirst();
    } else {
        return {ImportTarget::external(first), {}};
    }
    if (!module)
        return {};
    while (!segments.isEmpty()) {
        const auto child = childModule(*module, segments.first());
        if (!child)
            break;
        module = child;
        segments.removeFirst();
    }
    return {ImportTarget::file(*module), segments.join(u'.')};
}

} // namespace mu::resolve
