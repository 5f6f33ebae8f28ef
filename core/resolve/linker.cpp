#include "resolve/linker.h"

#include "model/nodeid.h"

#include <QJsonArray>
#include <QSet>

namespace mu::resolve {

namespace {

constexpr int kMaxDepth = 12; // re-export chains and base-class hierarchies deeper than this are dropped

Node externalNode(const QString& name)
{
    Node node;
    node.id = nodeid::external(name);
    node.type = NodeType::External;
    node.kind = QStringLiteral("package");
    node.name = name;
    node.qualifiedName = name;
    return node;
}

} // namespace

Linker::Linker(const ProjectLayout& layout, SymbolTable& symbols) : m_layout(layout), m_symbols(symbols)
{ }

const ModuleSymbols* Linker::consult(const QString& path)
{
    m_consulted.insert(path);
    return m_symbols.module(path);
}

Linker::Symbol Linker::definitionSymbol(const ModuleSymbols& module, const QString& local) const
{
    const auto it = module.definitions.constFind(local);
    if (it == module.definitions.constEnd())
        return {};
    return {it->type == NodeType::Class ? Symbol::Kind::Class : Symbol::Kind::Function, it->id, module.path};
}

const Linker::ModuleBindings& Linker::bindingsOf(const ModuleSymbols& module)
{
    const auto cached = m_bindings.constFind(module.path);
    if (cached != m_bindings.constEnd())
        return *cached;

    ModuleBindings bindings;
    for (const Reference& ref : module.imports) {
        const QJsonObject& d = ref.details;
        const bool dynamic = d.value(u"dynamic").toBool();
        if (dynamic)
            continue; // import() and importlib bind nothing by name
        if (module.python) {
            const int level = d.value(u"level").toInt();
            const QJsonArray names = d.value(u"names").toArray();
            if (names.isEmpty() && !d.value(u"star").toBool()) {
                // import a.b.c        → binds a (the top package)
                // import a.b.c as x   → binds x to a.b.c
                const QString alias = d.value(u"alias").toString();
                if (!alias.isEmpty()) {
                    bindings.names.insert(alias, {m_layout.resolvePython(module.path, ref.target, level), {}});
                } else {
                    const QString top = ref.target.section(u'.', 0, 0);
                    bindings.names.insert(top, {m_layout.resolvePython(module.path, top, level), {}});
                }
                continue;
            }
            const ImportTarget from = m_layout.resolvePython(module.path, ref.target, level);
            if (d.value(u"star").toBool()) {
                bindings.stars.append(from);
                continue;
            }
            for (const QJsonValue& value : names) {
                const QJsonObject entry = value.toObject();
                const QString name = entry.value(u"name").toString();
                const QString alias = entry.value(u"alias").toString();
                bindings.names.insert(alias.isEmpty() ? name : alias, {from, name});
            }
            continue;
        }

        const ImportTarget from = m_layout.resolveEcma(module.path, ref.target);
        const bool reexport = d.value(u"reexport").toBool();
        QHash<QString, Binding>& table = reexport ? bindings.reexportNames : bindings.names;
        if (d.value(u"star").toBool() && d.value(u"namespace").toString().isEmpty()) {
            if (reexport)
                bindings.stars.append(from);
            continue;
        }
        const QString ns = d.value(u"namespace").toString();
        if (!ns.isEmpty())
            table.insert(ns, {from, {}});
        const QString alias = d.value(u"alias").toString();
        if (!alias.isEmpty())
            table.insert(alias, {from, {}});
        for (const QJsonValue& value : d.value(u"names").toArray()) {
            const QJsonObject entry = value.toObject();
            const QString name = entry.value(u"name").toString();
            const QString local = entry.value(u"alias").toString();
            table.insert(local.isEmpty() ? name : local, {from, name});
        }
    }
    return *m_bindings.insert(module.path, std::move(bindings));
}

Linker::Symbol Linker::resolveBinding(const Binding& binding, int depth)
{
    switch (binding.target.kind) {
    case ImportTarget::Kind::None:
        return {};
    case ImportTarget::Kind::External:
        return {Symbol::Kind::External, binding.target.path, {}};
    case ImportTarget::Kind::File:
        break;
    }
    const QString& file = binding.target.path;
    if (binding.importedName.isEmpty()) {
        const ModuleSymbols* module = consult(file);
        return module ? Symbol {Symbol::Kind::Module, module->moduleId, file} : Symbol {};
    }
    if (Symbol symbol = lookup(file, binding.importedName, depth + 1))
        return symbol;
    // `from pkg import sub` names a submodule when the package does not define `sub`.
    if (auto sub = m_layout.pythonSubmodule(file, binding.importedName)) {
        if (const ModuleSymbols* module = consult(*sub))
            return {Symbol::Kind::Module, module->moduleId, *sub};
    }
    return {};
}

Linker::Symbol Linker::lookup(const QString& path, const QString& name, int depth)
{
    if (depth > kMaxDepth || name.isEmpty())
        return {};
    const ModuleSymbols* module = consult(path);
    if (!module)
        return {};
    if (Symbol symbol = definitionSymbol(*module, name))
        return symbol;
    const auto alias = module->exportAliases.constFind(name);
    if (alias != module->exportAliases.constEnd() && *alias != name)
        return lookup(path, *alias, depth + 1);

    const ModuleBindings& bindings = bindingsOf(*module);
    // Copies: resolving may load modules and grow m_bindings.
    if (const auto it = bindings.names.constFind(name); it != bindings.names.constEnd()) {
        const Binding binding = *it;
        return resolveBinding(binding, depth);
    }
    if (const auto it = bindings.reexportNames.constFind(name); it != bindings.reexportNames.constEnd()) {
        const Binding binding = *it;
        return resolveBinding(binding, depth);
    }
    const QList<ImportTarget> stars = bindings.stars;
    const bool python = module->python;
    if (!(python && name.startsWith(u'_'))) {
        for (const ImportTarget& star : stars) {
            if (star.kind != ImportTarget::Kind::File)
                continue;
            if (Symbol symbol = lookup(star.path, name, depth + 1))
                return symbol;
        }
    }
    if (python) {
        if (auto sub = m_layout.pythonSubmodule(path, name)) {
            if (const ModuleSymbols* submodule = consult(*sub))
                return {Symbol::Kind::Module, submodule->moduleId, *sub};
        }
    }
    return {};
}

Linker::Symbol Linker::resolveDotted(const QString& path, const QString& scopeLocal, const QString& dotted, int depth)
{
    const QStringList parts = dotted.split(u'.');
    const ModuleSymbols* module = consult(path);
    if (!module || parts.isEmpty() || parts.first().isEmpty())
        return {};

    // The first name: enclosing function scopes (innermost first), then the module.
    Symbol symbol;
    QString scope = scopeLocal;
    while (!scope.isEmpty() && !symbol) {
        const auto def = module->definitions.constFind(scope);
        const bool isFunctionScope = def != module->definitions.constEnd() && def->type == NodeType::Function;
        if (isFunctionScope)
            symbol = definitionSymbol(*module, scope + u'.' + parts.first());
        const qsizetype dot = scope.lastIndexOf(u'.');
        scope = dot < 0 ? QString() : scope.first(dot);
    }
    if (!symbol)
        symbol = lookup(path, parts.first(), depth);

    for (qsizetype i = 1; i < parts.size() && symbol; ++i) {
        switch (symbol.kind) {
        case Symbol::Kind::Module:
            symbol = lookup(symbol.path, parts[i], depth + 1);
            break;
        case Symbol::Kind::Class:
            symbol = member(symbol, parts[i], depth + 1);
            break;
        case Symbol::Kind::External:
            break; // numpy.linalg.norm stays ext:numpy
        case Symbol::Kind::Function:
        case Symbol::Kind::None:
            symbol = {};
            break;
        }
    }
    return symbol;
}

QList<Linker::Symbol> Linker::basesOf(const Symbol& cls, int depth)
{
    QList<Symbol> bases;
    const ModuleSymbols* module = consult(cls.path);
    if (!module || depth > kMaxDepth)
        return bases;
    const QStringList expressions = module->bases.value(cls.id);
    const QString classLocal = localNameOf(cls.id);
    const qsizetype dot = classLocal.lastIndexOf(u'.');
    const QString outerScope = dot < 0 ? QString() : classLocal.first(dot);
    for (const QString& expression : expressions) {
        const Symbol base = resolveDotted(cls.path, outerScope, expression, depth + 1);
        if (base.kind == Symbol::Kind::Class && base.id != cls.id)
            bases.append(base);
    }
    return bases;
}

Linker::Symbol Linker::member(const Symbol& cls, const QString& name, int depth)
{
    if (depth > kMaxDepth || cls.kind != Symbol::Kind::Class)
        return {};
    if (const ModuleSymbols* module = consult(cls.path)) {
        if (Symbol symbol = definitionSymbol(*module, localNameOf(cls.id) + u'.' + name))
            return symbol;
    }
    for (const Symbol& base : basesOf(cls, depth + 1)) {
        if (Symbol symbol = member(base, name, depth + 1))
            return symbol;
    }
    return {};
}

Linker::Symbol Linker::constructorOf(const Symbol& cls)
{
    const ModuleSymbols* module = consult(cls.path);
    if (!module)
        return {};
    return member(cls, module->python ? QStringLiteral("__init__") : QStringLiteral("constructor"), 0);
}

Linker::Symbol Linker::enclosingClass(const ModuleSymbols& module, const QString& sourceLocal)
{
    QString scope = sourceLocal;
    for (;;) {
        const qsizetype dot = scope.lastIndexOf(u'.');
        if (dot < 0)
            return {};
        scope.truncate(dot);
        const Symbol symbol = definitionSymbol(module, scope);
        if (symbol.kind == Symbol::Kind::Class)
            return symbol;
    }
}

store::FileLinks Linker::link(const QString& path, const QList<Reference>& references)
{
    store::FileLinks links;
    links.path = path;
    m_consulted.clear();
    const ModuleSymbols* self = consult(path);
    if (!self)
        return links;

    QHash<QString, qsizetype> edgeIndex; // "type source target" → index in links.edges
    QSet<QString> externals;
    auto addEdge = [&](EdgeType type, const QString& source, const Symbol& target, int line) {
        if (!target || target.id == source)
            return;
        const QString targetId = target.kind == Symbol::Kind::External ? nodeid::external(target.id) : target.id;
        const QString key = toString(type) + u' ' + source + u' ' + targetId;
        if (const auto it = edgeIndex.constFind(key); it != edgeIndex.constEnd()) {
            Edge& edge = links.edges[*it];
            edge.properties[QStringLiteral("count")] = edge.properties.value(u"count").toInt(1) + 1;
            return;
        }
        if (target.kind == Symbol::Kind::External && !externals.contains(target.id)) {
            externals.insert(target.id);
            links.externals.append(externalNode(target.id));
        }
        edgeIndex.insert(key, links.edges.size());
        links.edges.append(Edge {source, targetId, type, path, line, {}});
    };
    auto moduleSymbol = [&](const ImportTarget& target) -> Symbol {
        if (target.kind == ImportTarget::Kind::External)
            return {Symbol::Kind::External, target.path, {}};
        if (target.kind == ImportTarget::Kind::File) {
            if (const ModuleSymbols* m = consult(target.path))
                return {Symbol::Kind::Module, m->moduleId, target.path};
        }
        return {};
    };

    for (const Reference& ref : references) {
        const QString sourceLocal = ref.sourceId == self->moduleId ? QString() : localNameOf(ref.sourceId);
        switch (ref.kind) {
        case Reference::Kind::Import: {
            const QJsonObject& d = ref.details;
            if (!self->python) {
                addEdge(
                    EdgeType::Imports, self->moduleId, moduleSymbol(m_layout.resolveEcma(path, ref.target)), ref.line);
                break;
            }
            const int level = d.value(u"level").toInt();
            const ImportTarget from = m_layout.resolvePython(path, ref.target, level);
            const QJsonArray names = d.value(u"names").toArray();
            bool edgeToFrom = names.isEmpty();
            for (const QJsonValue& value : names) {
                // `from pkg import sub`: the edge goes to the submodule when pkg does not define `sub`.
                const QString name = value.toObject().value(u"name").toString();
                const ModuleSymbols* fromModule = from.kind == ImportTarget::Kind::File ? consult(from.path) : nullptr;
                const bool defined = fromModule && fromModule->definitions.contains(name);
                const auto sub = from.kind == ImportTarget::Kind::File && !defined
                    ? m_layout.pythonSubmodule(from.path, name)
                    : std::nullopt;
                if (sub)
                    addEdge(EdgeType::Imports, self->moduleId, moduleSymbol(ImportTarget::file(*sub)), ref.line);
                else
                    edgeToFrom = true;
            }
            if (edgeToFrom)
                addEdge(EdgeType::Imports, self->moduleId, moduleSymbol(from), ref.line);
            break;
        }
        case Reference::Kind::Inherit: {
            const qsizetype dot = sourceLocal.lastIndexOf(u'.');
            const Symbol base = resolveDotted(path, dot < 0 ? QString() : sourceLocal.first(dot), ref.target, 0);
            if (base.kind == Symbol::Kind::Class || base.kind == Symbol::Kind::External)
                addEdge(EdgeType::Inherits, ref.sourceId, base, ref.line);
            break;
        }
        case Reference::Kind::Use: {
            const Symbol type = resolveDotted(path, sourceLocal, ref.target, 0);
            if (type.kind == Symbol::Kind::Class)
                addEdge(EdgeType::Uses, ref.sourceId, type, ref.line);
            break;
        }
        case Reference::Kind::MemberOf: {
            const Symbol owner = resolveDotted(path, QString(), ref.target, 0);
            if (owner.kind == Symbol::Kind::Class)
                addEdge(EdgeType::Contains, owner.id, Symbol {Symbol::Kind::Function, ref.sourceId, path}, ref.line);
            break;
        }
        case Reference::Kind::Call: {
            if (ref.sourceId == self->moduleId || ref.target.isEmpty())
                break; // calls are function → function; module-level code has no caller node
            const ModuleSymbols::Definition* sourceDef = nullptr;
            if (const auto it = self->definitions.constFind(sourceLocal); it != self->definitions.constEnd())
                sourceDef = &*it;
            if (!sourceDef || sourceDef->type != NodeType::Function)
                break;

            Symbol callee;
            const QString& receiver = ref.receiver;
            if (!ref.receiverType.isEmpty()) {
                const Symbol type = resolveDotted(path, sourceLocal, ref.receiverType, 0);
                callee = member(type, ref.target, 0);
            } else if (receiver.isEmpty()) {
                callee = resolveDotted(path, sourceLocal, ref.target, 0);
            } else if (receiver == u"self" || receiver == u"this" || receiver == u"cls") {
                callee = member(enclosingClass(*self, sourceLocal), ref.target, 0);
            } else if (receiver == u"super") {
                for (const Symbol& base : basesOf(enclosingClass(*self, sourceLocal), 0)) {
                    if ((callee = member(base, ref.target, 0)))
                        break;
                }
            } else if (!receiver.startsWith(u"self.") && !receiver.startsWith(u"this.")) {
                const Symbol owner = resolveDotted(path, sourceLocal, receiver, 0);
                if (owner.kind == Symbol::Kind::Module)
                    callee = lookup(owner.path, ref.target, 0);
                else if (owner.kind == Symbol::Kind::Class)
                    callee = member(owner, ref.target, 0);
            }
            if (callee.kind == Symbol::Kind::Class)
                callee = constructorOf(callee);
            if (callee.kind == Symbol::Kind::Function)
                addEdge(EdgeType::Calls, ref.sourceId, callee, ref.line);
            break;
        }
        }
    }
    m_consulted.remove(path);
    links.consultedModules = QStringList(m_consulted.cbegin(), m_consulted.cend());
    links.consultedModules.sort();
    return links;
}

} // namespace mu::resolve
