#include "resolve/projectlayout.h"

#include "resolve/gomodules.h"
#include "resolve/includepaths.h"
#include "resolve/rustcrates.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

namespace mu::resolve {

Q_LOGGING_CATEGORY(lcResolve, "mu.resolve", QtWarningMsg)

namespace {

const QStringList kEcmaExtensions = {QStringLiteral(".ts"), QStringLiteral(".tsx"), QStringLiteral(".d.ts"),
    QStringLiteral(".js"), QStringLiteral(".jsx"), QStringLiteral(".mjs"), QStringLiteral(".cjs"),
    QStringLiteral(".mts"), QStringLiteral(".cts")};

/// tsconfig.json and jsconfig.json allow comments and trailing commas; QJsonDocument does not.
QByteArray stripJsonComments(const QByteArray& in)
{
    QByteArray out;
    out.reserve(in.size());
    bool inString = false;
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (inString) {
            out += c;
            if (c == '\\' && i + 1 < in.size())
                out += in[++i];
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
            out += c;
        } else if (c == '/' && i + 1 < in.size() && in[i + 1] == '/') {
            while (i < in.size() && in[i] != '\n')
                ++i;
            out += '\n';
        } else if (c == '/' && i + 1 < in.size() && in[i + 1] == '*') {
            i += 2;
            while (i + 1 < in.size() && !(in[i] == '*' && in[i + 1] == '/'))
                ++i;
            ++i;
        } else if (c == ',') {
            // Drop a trailing comma: the next non-space character closes the container.
            qsizetype j = i + 1;
            while (j < in.size() && QChar::isSpace(static_cast<uchar>(in[j])))
                ++j;
            if (j >= in.size() || (in[j] != '}' && in[j] != ']'))
                out += c;
        } else {
            out += c;
        }
    }
    return out;
}

std::optional<QJsonObject> readJsonObject(const QString& file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    QJsonParseError error {};
    const QJsonDocument doc = QJsonDocument::fromJson(stripJsonComments(f.readAll()), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        qCWarning(lcResolve) << "ignoring malformed" << file << ":" << error.errorString();
        return std::nullopt;
    }
    return doc.object();
}

/// The package an external specifier names: "@scope/pkg/x" → "@scope/pkg", "lodash/fp" → "lodash",
/// "node:fs" → "fs".
QString ecmaPackageName(QString specifier)
{
    if (specifier.startsWith(u"node:"))
        specifier = specifier.sliced(5);
    const QStringList parts = specifier.split(u'/');
    if (specifier.startsWith(u'@') && parts.size() >= 2)
        return parts[0] + u'/' + parts[1];
    return parts.value(0);
}

} // namespace

QString parentDir(const QString& path)
{
    const qsizetype slash = path.lastIndexOf(u'/');
    return slash < 0 ? QString() : path.first(slash);
}

std::optional<QString> joinPath(const QString& dir, const QString& relative)
{
    QStringList parts = dir.isEmpty() ? QStringList() : dir.split(u'/');
    for (const QString& part : relative.split(u'/')) {
        if (part.isEmpty() || part == u".")
            continue;
        if (part == u"..") {
            if (parts.isEmpty())
                return std::nullopt;
            parts.removeLast();
        } else {
            parts.append(part);
        }
    }
    return parts.join(u'/');
}

ProjectLayout::ProjectLayout(QString root, QSet<QString> paths) : m_root(std::move(root)), m_paths(std::move(paths))
{
    // Python source roots: the project root, then the conventional src/ and lib/ layouts.
    m_pythonRoots = {QString()};
    for (const QString& candidate : {QStringLiteral("src"), QStringLiteral("lib")}) {
        if (QDir(m_root + u'/' + candidate).exists())
            m_pythonRoots.append(candidate);
    }
    loadWorkspaces();
}

std::optional<QString> ProjectLayout::pythonModuleFile(const QString& dir, const QStringList& parts) const
{
    QString base = dir;
    for (const QString& part : parts)
        base = base.isEmpty() ? part : base + u'/' + part;
    if (base.isEmpty())
        return std::nullopt;
    for (const QString& candidate : {QString(base + u".py"), QString(base + u"/__init__.py")}) {
        if (m_paths.contains(candidate))
            return candidate;
    }
    return std::nullopt;
}

ImportTarget ProjectLayout::resolvePython(const QString& fromFile, const QString& dotted, int level) const
{
    const QStringList parts = dotted.isEmpty() ? QStringList() : dotted.split(u'.');
    if (level > 0) {
        // Relative: level 1 is the importing file's package, each further dot one package up.
        QString dir = parentDir(fromFile);
        for (int i = 1; i < level; ++i) {
            if (dir.isEmpty())
                return ImportTarget::none();
            dir = parentDir(dir);
        }
        if (parts.isEmpty()) {
            const QString init = dir.isEmpty() ? QStringLiteral("__init__.py") : dir + QStringLiteral("/__init__.py");
            return m_paths.contains(init) ? ImportTarget::file(init) : ImportTarget::none();
        }
        // The deepest module the dotted path reaches.
        for (qsizetype n = parts.size(); n > 0; --n) {
            if (auto file = pythonModuleFile(dir, parts.first(n)))
                return ImportTarget::file(*file);
        }
        return ImportTarget::none();
    }
    if (parts.isEmpty())
        return ImportTarget::none();

    QStringList roots = m_pythonRoots;
    // A script's own directory is on sys.path when it is not inside a package.
    const QString ownDir = parentDir(fromFile);
    const QString ownInit = ownDir.isEmpty() ? QStringLiteral("__init__.py") : ownDir + QStringLiteral("/__init__.py");
    if (!ownDir.isEmpty() && !m_paths.contains(ownInit) && !roots.contains(ownDir))
        roots.append(ownDir);
    for (const QString& root : std::as_const(roots)) {
        if (!pythonModuleFile(root, parts.first(1)))
            continue;
        for (qsizetype n = parts.size(); n > 0; --n) {
            if (auto file = pythonModuleFile(root, parts.first(n)))
                return ImportTarget::file(*file);
        }
    }
    return ImportTarget::external(parts.first());
}

std::optional<QString> ProjectLayout::pythonSubmodule(const QString& packageFile, const QString& name) const
{
    if (!packageFile.endsWith(u"__init__.py"))
        return std::nullopt;
    return pythonModuleFile(parentDir(packageFile), name.split(u'.'));
}

std::optional<QString> ProjectLayout::probeEcmaFile(const QString& base) const
{
    if (m_paths.contains(base))
        return base;
    // TypeScript's ESM convention: "./a.js" names the source "./a.ts".
    for (const QString& jsExt :
        {QStringLiteral(".js"), QStringLiteral(".jsx"), QStringLiteral(".mjs"), QStringLiteral(".cjs")}) {
        if (base.endsWith(jsExt)) {
            const QString stem = base.chopped(jsExt.size());
            for (const QString& tsExt : {QStringLiteral(".ts"), QStringLiteral(".tsx"), QStringLiteral(".d.ts"),
                     QStringLiteral(".mts"), QStringLiteral(".cts")}) {
                if (m_paths.contains(stem + tsExt))
                    return stem + tsExt;
            }
        }
    }
    for (const QString& ext : kEcmaExtensions) {
        if (m_paths.contains(base + ext))
            return base + ext;
    }
    const QString prefix = base.isEmpty() ? QStringLiteral("index") : base + QStringLiteral("/index");
    for (const QString& ext : kEcmaExtensions) {
        if (m_paths.contains(prefix + ext))
            return prefix + ext;
    }
    return std::nullopt;
}

ImportTarget ProjectLayout::resolveEcma(const QString& fromFile, const QString& specifier) const
{
    if (specifier.isEmpty())
        return ImportTarget::none();
    if (specifier.startsWith(u"./") || specifier.startsWith(u"../") || specifier == u"." || specifier == u"..") {
        const auto joined = joinPath(parentDir(fromFile), specifier);
        if (!joined)
            return ImportTarget::none();
        if (auto file = probeEcmaFile(*joined))
            return ImportTarget::file(*file);
        return ImportTarget::none();
    }
    if (specifier.startsWith(u'/'))
        return ImportTarget::none();

    if (const auto config = tsConfigFor(parentDir(fromFile))) {
        for (const auto& [pattern, substitutions] : config->paths) {
            QString captured;
            bool matched = false;
            const qsizetype star = pattern.indexOf(u'*');
            if (star < 0) {
                matched = pattern == specifier;
            } else {
                const QString head = pattern.first(star);
                const QString tail = pattern.sliced(star + 1);
                if (specifier.size() >= head.size() + tail.size() && specifier.startsWith(head)
                    && specifier.endsWith(tail)) {
                    matched = true;
                    captured = specifier.sliced(head.size(), specifier.size() - head.size() - tail.size());
                }
            }
            if (!matched)
                continue;
            for (QString substitution : substitutions) {
                substitution.replace(u'*', captured);
                if (auto joined = joinPath(QString(), substitution)) {
                    if (auto file = probeEcmaFile(*joined))
                        return ImportTarget::file(*file);
                }
            }
        }
        if (!config->baseUrl.isNull()) {
            if (auto joined = joinPath(config->baseUrl, specifier)) {
                if (auto file = probeEcmaFile(*joined))
                    return ImportTarget::file(*file);
            }
        }
    }

    const QString package = ecmaPackageName(specifier);
    for (const Workspace& workspace : m_workspaces) {
        if (workspace.name != package)
            continue;
        const QString sub = specifier.sliced(package.size());
        if (sub.isEmpty()) {
            for (const QString& entry : workspace.entries) {
                if (auto file = probeEcmaFile(entry))
                    return ImportTarget::file(*file);
            }
        } else if (auto joined = joinPath(workspace.dir, sub)) {
            if (auto file = probeEcmaFile(*joined))
                return ImportTarget::file(*file);
            if (auto srcJoined = joinPath(workspace.dir + QStringLiteral("/src"), sub)) {
                if (auto file = probeEcmaFile(*srcJoined))
                    return ImportTarget::file(*file);
            }
        }
        return ImportTarget::none();
    }
    return ImportTarget::external(package);
}

std::shared_ptr<const ProjectLayout::TsConfig> ProjectLayout::tsConfigFor(const QString& dir) const
{
    // The nearest tsconfig.json / jsconfig.json at or above `dir`, cached per directory.
    const auto cached = m_tsConfigByDir.constFind(dir);
    if (cached != m_tsConfigByDir.constEnd())
        return *cached;
    std::shared_ptr<const TsConfig> config;
    bool ownConfig = false;
    for (const QString& name : {QStringLiteral("tsconfig.json"), QStringLiteral("jsconfig.json")}) {
        const QString rel = dir.isEmpty() ? name : dir + u'/' + name;
        if (QFile::exists(m_root + u'/' + rel)) {
            ownConfig = true;
            if (auto loaded = loadTsConfig(rel, 0))
                config = std::make_shared<const TsConfig>(std::move(*loaded));
            break;
        }
    }
    if (!ownConfig && !dir.isEmpty())
        config = tsConfigFor(parentDir(dir)); // recursion bounded by the path's depth
    m_tsConfigByDir.insert(dir, config);
    return config;
}

std::optional<ProjectLayout::TsConfig> ProjectLayout::loadTsConfig(const QString& relPath, int depth) const
{
    if (depth > 8) // an `extends` cycle
        return std::nullopt;
    const auto json = readJsonObject(m_root + u'/' + relPath);
    if (!json)
        return std::nullopt;
    TsConfig config;
    config.dir = parentDir(relPath);
    config.baseUrl = QString(); // null: unset

    // `extends` first: this file's options override the base's.
    const QString extends = json->value(u"extends").toString();
    if (!extends.isEmpty() && (extends.startsWith(u"./") || extends.startsWith(u"../"))) {
        QString target = extends.endsWith(u".json") ? extends : extends + QStringLiteral(".json");
        if (auto joined = joinPath(config.dir, target)) {
            if (auto base = loadTsConfig(*joined, depth + 1)) {
                config.baseUrl = base->baseUrl;
                config.paths = base->paths;
            }
        }
    }
    const QJsonObject options = json->value(u"compilerOptions").toObject();
    // Paths in a config are relative to the config that states them.
    if (options.contains(u"baseUrl")) {
        if (auto joined = joinPath(config.dir, options.value(u"baseUrl").toString()))
            config.baseUrl = *joined;
    }
    if (options.contains(u"paths")) {
        config.paths.clear();
        const QString pathsBase = config.baseUrl.isNull() ? config.dir : config.baseUrl;
        const QJsonObject paths = options.value(u"paths").toObject();
        for (auto it = paths.begin(); it != paths.end(); ++it) {
            QStringList substitutions;
            for (const QJsonValue& value : it.value().toArray()) {
                if (auto joined = joinPath(pathsBase, value.toString()))
                    substitutions.append(*joined);
            }
            config.paths.append({it.key(), substitutions});
        }
    }
    return config;
}

void ProjectLayout::loadWorkspaces()
{
    const auto rootPackage = readJsonObject(m_root + QStringLiteral("/package.json"));
    if (!rootPackage)
        return;
    QStringList patterns;
    const QJsonValue workspaces = rootPackage->value(u"workspaces");
    const QJsonArray list
        = workspaces.isArray() ? workspaces.toArray() : workspaces.toObject().value(u"packages").toArray();
    for (const QJsonValue& v : list)
        patterns.append(v.toString());

    QStringList dirs;
    for (const QString& pattern : std::as_const(patterns)) {
        if (pattern.endsWith(u"/*")) {
            const QString parent = pattern.chopped(2);
            const QDir dir(m_root + u'/' + parent);
            for (const QString& child : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name))
                dirs.append(parent + u'/' + child);
        } else if (!pattern.contains(u'*')) {
            dirs.append(pattern);
        }
    }
    for (const QString& dir : std::as_const(dirs)) {
        const auto package = readJsonObject(m_root + u'/' + dir + QStringLiteral("/package.json"));
        if (!package || package->value(u"name").toString().isEmpty())
            continue;
        Workspace workspace;
        workspace.name = package->value(u"name").toString();
        workspace.dir = dir;
        for (const char* key : {"source", "types", "typings", "module", "main"}) {
            const QString entry = package->value(QLatin1String(key)).toString();
            if (!entry.isEmpty()) {
                if (auto joined = joinPath(dir, entry))
                    workspace.entries.append(*joined);
            }
        }
        workspace.entries.append(dir + QStringLiteral("/src/index"));
        workspace.entries.append(dir + QStringLiteral("/index"));
        // A built entry (dist/index.js) stands for its source when only the source is indexed.
        for (const QString& entry : QStringList(workspace.entries)) {
            if (entry.contains(u"/dist/") || entry.contains(u"/lib/") || entry.contains(u"/build/")) {
                QString source = entry;
                source.replace(QStringLiteral("/dist/"), QStringLiteral("/src/"));
                source.replace(QStringLiteral("/lib/"), QStringLiteral("/src/"));
                source.replace(QStringLiteral("/build/"), QStringLiteral("/src/"));
                for (const QString& ext : {QStringLiteral(".js"), QStringLiteral(".d.ts"), QStringLiteral(".mjs")}) {
                    if (source.endsWith(ext)) {
                        source.chop(ext.size());
                        break;
                    }
                }
                workspace.entries.append(source);
            }
        }
        m_workspaces.append(workspace);
    }
}

ProjectLayout::~ProjectLayout() = default;

const GoModules& ProjectLayout::go() const
{
    if (!m_go)
        m_go = std::make_unique<GoModules>(m_root, m_paths);
    return *m_go;
}

const RustCrates& ProjectLayout::rust() const
{
    if (!m_rust)
        m_rust = std::make_unique<RustCrates>(m_root, m_paths);
    return *m_rust;
}

const IncludePaths& ProjectLayout::includes() const
{
    if (!m_includes)
        m_includes = std::make_unique<IncludePaths>(m_root, m_paths);
    return *m_includes;
}

} // namespace mu::resolve
