#include "resolve/symboltable.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

namespace mu::resolve {

QString localNameOf(const QString& id)
{
    // Ids are "<prefix>:<path>:<local name>[~N]"; the local name never holds ':'.
    const qsizetype colon = id.lastIndexOf(u':');
    QString name = colon < 0 ? id : id.sliced(colon + 1);
    const qsizetype tilde = name.lastIndexOf(u'~');
    if (tilde > 0)
        name.truncate(tilde);
    return name;
}

ModuleSymbols ModuleSymbols::from(const QString& path, const QList<Node>& nodes, const QList<Reference>& references)
{
    ModuleSymbols symbols;
    symbols.path = path;
    symbols.python = path.endsWith(u".py") || path.endsWith(u".pyw");
    for (const Node& node : nodes) {
        if (node.type == NodeType::Module) {
            symbols.moduleId = node.id;
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
            symbols.definitions.insert(local, {node.id, node.type});
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
    }
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
