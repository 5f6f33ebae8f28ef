#include "resolve/symboltable.h"

#include "model/nodeid.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace mu::resolve {

QString localNameOf(const QString& id)
{
    // Ids are "<prefix>:<path>:<local name>[~N]"; the local name never holds ':'.
    const qsizetype colon = id.lastIndexOf(u':');
    QString name = colon < 0 ? id : id.sliced(colon + 1);
    // Only a trailing "~<digits>" is the overload suffix: C++ destructors ("A.~A") and
    // `operator~` hold a '~' of their own.
    const qsizetype tilde = name.lastIndexOf(u'~');
    if (tilde > 0 && tilde + 1 < name.size()) {
        const QStringView digits = QStringView(name).sliced(tilde + 1);
        if (std::all_of(digits.begin(), digits.end(), [](QChar c) { return c.isDigit(); }))
            name.truncate(tilde);
    }
    return name;
}

QString linkageName(const QString& qualifiedName, const QString& path)
{
    const QString modulePrefix = nodeid::moduleQualifiedName(path) + u'.';
    return qualifiedName.startsWith(modulePrefix) ? qualifiedName.sliced(modulePrefix.size()) : qualifiedName;
}

LanguageFamily languageFamilyOf(QStringView path)
{
    const qsizetype dot = path.lastIndexOf(u'.');
    if (dot < 0)
        return LanguageFamily::Other;
    const QStringView extension = path.sliced(dot + 1);
    const auto is = [&](std::initializer_list<const char16_t*> extensions) {
        for (const char16_t* candidate : extensions) {
            if (extension.compare(QStringView(candidate), Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    };
    if (is({u"py", u"pyw"}))
        return LanguageFamily::Python;
    if (is({u"js", u"jsx", u"mjs", u"cjs", u"ts", u"tsx", u"mts", u"cts"}))
        return LanguageFamily::EcmaScript;
    if (is({u"go"}))
        return LanguageFamily::Go;
    if (is({u"rs"}))
        return LanguageFamily::Rust;
    if (is({u"java"}))
        return LanguageFamily::Java;
    if (is({u"cs"}))
        return LanguageFamily::CSharp;
    if (is({u"c", u"h", u"cpp", u"cc", u"cxx", u"c++", u"hpp", u"hh", u"hxx", u"h++", u"ipp", u"tpp", u"inl"}))
        return LanguageFamily::CFamily;
    return LanguageFamily::Other;
}

ModuleSymbols ModuleSymbols::from(const QString& path, const QList<Node>& nodes, const QList<Reference>& references)
{
    ModuleSymbols symbols;
    symbols.path = path;
    symbols.family = languageFamilyOf(path);
    const bool namespaced = symbols.family == LanguageFamily::Java || symbols.family == LanguageFamily::CSharp
        || symbols.family == LanguageFamily::CFamily;
    QString moduleName;
    for (const Node& node : nodes) {
        if (node.type == NodeType::Module) {
            symbols.moduleId = node.id;
            symbols.package = node.properties.value(u"package").toString();
            moduleName = node.qualifiedName;
            for (const QJsonValue& value : node.properties.value(u"exports").toArray()) {
                const QJsonObject entry = value.toObject();
                const QString name = entry.value(u"name").toString();
                QString local = entry.value(u"local").toString();
                if (entry.value(u"default").toBool()) {
                    if (local.isEmpty())
                        local = name;
                    symbols.exportAliases.insert(QStringLiteral("default"), local);
                } else if (!local.isEmpty() && local != name) {
                    symbols.exportAliases.insert(name, local);
                }
            }
            continue;
        }
        if (node.type != NodeType::Class && node.type != NodeType::Function)
            continue;
        const QString local = localNameOf(node.id);
        if (!symbols.definitions.contains(local))
            symbols.definitions.insert(local, {node.id, node.type, node.qualifiedName});
        // "Acme.Core.Widget.Draw" with local name "Widget.Draw" lives in namespace "Acme.Core".
        // Languages without namespaces qualify by the module's dotted path instead: not a namespace.
        if (namespaced && node.qualifiedName.size() > local.size() + 1 && node.qualifiedName.endsWith(local)
            && node.qualifiedName[node.qualifiedName.size() - local.size() - 1] == u'.') {
            const QString ns = node.qualifiedName.first(node.qualifiedName.size() - local.size() - 1);
            if (ns != moduleName && !symbols.namespaces.contains(ns))
                symbols.namespaces.append(ns);
        }
    }
    for (const Reference& reference : references) {
        if (reference.kind == Reference::Kind::Import)
            symbols.imports.append(reference);
        else if (reference.kind == Reference::Kind::Inherit)
            symbols.bases[reference.sourceId].append(reference.target);
    }
    return symbols;
}

QByteArray ModuleSymbols::interfaceDigest() const
{
    QCryptographicHash hash(QCryptographicHash::Sha1);
    const auto add = [&hash](QStringView text) {
        hash.addData(QByteArrayView(reinterpret_cast<const char*>(text.data()), text.size() * 2));
        hash.addData(QByteArrayView("\0\0", 2));
    };
    QStringList names = definitions.keys();
    names.sort();
    for (const QString& name : std::as_const(names)) {
        const Definition& definition = definitions[name];
        add(name);
        add(definition.id);
        add(toString(definition.type));
        add(definition.qualifiedName);
    }
    add(u"|package");
    add(package);
    add(u"|imports");
    for (const Reference& ref : imports) {
        add(ref.target);
        add(QString::fromUtf8(QJsonDocument(ref.details).toJson(QJsonDocument::Compact)));
    }
    add(u"|bases");
    QStringList classes = bases.keys();
    classes.sort();
    for (const QString& cls : std::as_const(classes)) {
        add(cls);
        for (const QString& base : bases[cls])
            add(base);
    }
    add(u"|exports");
    QStringList exported = exportAliases.keys();
    exported.sort();
    for (const QString& name : std::as_const(exported)) {
        add(name);
        add(exportAliases[name]);
    }
    return hash.result();
}

void SymbolTable::insert(ModuleSymbols symbols)
{
    QString path = symbols.path;
    // A file without a module node (skipped, failed) is not a module anything can resolve to.
    m_modules.insert(
        path, symbols.moduleId.isEmpty() ? nullptr : std::make_shared<const ModuleSymbols>(std::move(symbols)));
}

const QList<GlobalFunction>& SymbolTable::globalFunctions(const QString& qualifiedName)
{
    if (!m_globals) {
        QHash<QString, QList<GlobalFunction>> globals;
        if (m_globalsLoader) {
            for (GlobalFunction& function : m_globalsLoader())
                globals[function.qualifiedName].append(std::move(function));
        }
        m_globals = std::move(globals);
    }
    static const QList<GlobalFunction> none;
    const auto it = m_globals->constFind(qualifiedName);
    return it == m_globals->constEnd() ? none : *it;
}

const ModuleSymbols* SymbolTable::module(const QString& path)
{
    auto it = m_modules.constFind(path);
    if (it == m_modules.constEnd()) {
        std::optional<ModuleSymbols> loaded = m_loader ? m_loader(path) : std::nullopt;
        it = m_modules.insert(path, loaded ? std::make_shared<const ModuleSymbols>(std::move(*loaded)) : nullptr);
    }
    return it->get();
}

} // namespace mu::resolve
