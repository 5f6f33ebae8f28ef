#include "resolve/linker.h"

#include "model/nodeid.h"
#include "resolve/gomodules.h"
#include "resolve/includepaths.h"
#include "resolve/rustcrates.h"

#include <QJsonArray>
#include <QSet>

#include <deque>

namespace mu::resolve {

namespace {

constexpr int kMaxDepth = 12;           // re-export chains and base-class hierarchies deeper than this are dropped
constexpr int kMaxIncludeClosure = 512; // headers searched per C/C++ file

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

/// The external name of a Java import: the JDK's top packages by their first element ("java"),
/// reverse-domain libraries by their first two ("org.junit", "com.google").
QString javaExternalName(const QString& dotted)
{
    const QStringList parts = dotted.split(u'.');
    const QString& top = parts.first();
    if (top == u"java" || top == u"javax" || top == u"jdk" || top == u"sun" || parts.size() < 2)
        return top;
    return parts[0] + u'.' + parts[1];
}

QString dotted(QString path)
{
    return path.replace(QStringLiteral("::"), QStringLiteral("."));
}

bool isSelfReceiver(const QString& receiver)
{
    return receiver == u"self" || receiver == u"this" || receiver == u"cls" || receiver == u"Self";
}

bool namespaced(LanguageFamily family)
{
    return family == LanguageFamily::Java || family == LanguageFamily::CSharp || family == LanguageFamily::CFamily;
}

/// "A.B.C" → {"A.B.C", "A.B", "A"}: a C#/C++ declaration sees its namespace and every enclosing one.
QStringList namespaceChain(const QString& ns)
{
    QStringList chain;
    for (QString current = ns; !current.isEmpty();) {
        chain.append(current);
        const qsizetype dot = current.lastIndexOf(u'.');
        current = dot < 0 ? QString() : current.first(dot);
    }
    return chain;
}

} // namespace

Linker::Linker(const ProjectLayout& layout, SymbolTable& symbols) : m_layout(layout), m_symbols(symbols)
{ }

QStringList Linker::dependencyKeys(const ModuleSymbols& module)
{
    QStringList keys;
    switch (module.family) {
    case LanguageFamily::Go:
        keys.append(u"dir:" + parentDir(module.path));
        break;
    case LanguageFamily::Java:
    case LanguageFamily::CSharp:
    case LanguageFamily::CFamily:
        for (const QString& ns : module.namespaces)
            keys.append(u"ns:" + ns);
        if (!module.package.isEmpty() && !module.namespaces.contains(module.package))
            keys.append(u"ns:" + module.package);
        if (module.family == LanguageFamily::CFamily) {
            // Calls reach functions and out-of-line method definitions by name (globalFunction,
            // definitionOf): a file defining one answers for that name.
            for (auto it = module.definitions.constBegin(); it != module.definitions.constEnd(); ++it) {
                if (it->type == NodeType::Function)
                    keys.append(u"cfn:" + it.key().section(u'.', -1));
            }
            keys.removeDuplicates();
        }
        break;
    default:
        break;
    }
    return keys;
}

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

Linker::Symbol Linker::moduleSymbol(const ImportTarget& target)
{
    switch (target.kind) {
    case ImportTarget::Kind::External:
        return {Symbol::Kind::External, target.path, {}};
    case ImportTarget::Kind::File:
        if (const ModuleSymbols* m = consult(target.path))
            return {Symbol::Kind::Module, m->moduleId, target.path};
        return {};
    case ImportTarget::Kind::Package:
        return {Symbol::Kind::Package, target.path, target.path};
    case ImportTarget::Kind::Namespace:
        if (m_symbols.hasNamespace(target.path))
            return {Symbol::Kind::Namespace, target.path, {}};
        return {};
    case ImportTarget::Kind::None:
        break;
    }
    return {};
}

// ---- Bindings: what each import makes visible by name -------------------------------------

void Linker::bindPython(const ModuleSymbols& module, const Reference& ref, ModuleBindings& bindings) const
{
    const QJsonObject& d = ref.details;
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
        return;
    }
    const ImportTarget from = m_layout.resolvePython(module.path, ref.target, level);
    if (d.value(u"star").toBool()) {
        bindings.stars.append(from);
        return;
    }
    for (const QJsonValue& value : names) {
        const QJsonObject entry = value.toObject();
        const QString name = entry.value(u"name").toString();
        const QString alias = entry.value(u"alias").toString();
        bindings.names.insert(alias.isEmpty() ? name : alias, {from, name});
    }
}

void Linker::bindEcma(const ModuleSymbols& module, const Reference& ref, ModuleBindings& bindings) const
{
    const QJsonObject& d = ref.details;
    const ImportTarget from = m_layout.resolveEcma(module.path, ref.target);
    const bool reexport = d.value(u"reexport").toBool();
    QHash<QString, Binding>& table = reexport ? bindings.reexportNames : bindings.names;
    if (d.value(u"star").toBool() && d.value(u"namespace").toString().isEmpty()) {
        if (reexport)
            bindings.stars.append(from);
        return;
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

void Linker::bindGo(const ModuleSymbols& module, const Reference& ref, ModuleBindings& bindings)
{
    const ImportTarget target = m_layout.go().resolve(module.path, ref.target);
    const QString alias = ref.details.value(u"alias").toString();
    if (alias == u"_")
        return; // imported for its side effects only
    if (alias == u".") {
        bindings.stars.append(target);
        return;
    }
    QString name = alias;
    if (name.isEmpty() && target.kind == ImportTarget::Kind::Package) {
        // The package clause names the package, not the directory ("gopkg.in/yaml.v3" → yaml).
        for (const QString& file : m_layout.go().packageFiles(target.path)) {
            if (const ModuleSymbols* member = m_symbols.module(file); member && !member->package.isEmpty()) {
                name = member->package;
                break;
            }
        }
    }
    if (name.isEmpty()) {
        QString last = ref.target.section(u'/', -1);
        // Major-version suffixes are not part of the package name: "github.com/x/y/v2" → y.
        if (last.size() > 1 && last.startsWith(u'v') && last.sliced(1).toInt() > 0)
            last = ref.target.section(u'/', -2, -2);
        name = last;
    }
    bindings.names.insert(name, {target, {}});
}

void Linker::bindRust(const ModuleSymbols& module, const Reference& ref, ModuleBindings& bindings) const
{
    const QJsonObject& d = ref.details;
    if (d.value(u"mod").toBool()) {
        if (auto child = m_layout.rust().childModule(module.path, ref.target))
            bindings.names.insert(ref.target, {ImportTarget::file(*child), {}});
        return;
    }
    const RustCrates::Path resolved = m_layout.rust().resolve(module.path, ref.target);
    if (d.value(u"star").toBool()) {
        if (resolved.item.isEmpty())
            bindings.stars.append(resolved.target);
        return; // globbing an enum's variants or a type's items binds nothing MU models
    }
    QString name = d.value(u"alias").toString();
    if (name.isEmpty())
        name = ref.target.section(QStringLiteral("::"), -1);
    if (name == u"self")
        name = ref.target.section(QStringLiteral("::"), -2, -2);
    if (!name.isEmpty() && name != u"_")
        bindings.names.insert(name, {resolved.target, resolved.item});
}

void Linker::bindNamespaced(const ModuleSymbols& module, const Reference& ref, ModuleBindings& bindings) const
{
    const QJsonObject& d = ref.details;
    if (module.family == LanguageFamily::CFamily) {
        // An include makes the header's declarations visible; includeClosure() follows them.
        return;
    }
    const QString target = dotted(ref.target);
    const QString alias = d.value(u"alias").toString();
    if (!alias.isEmpty()) {
        bindings.names.insert(alias, {ImportTarget::ns(target), {}}); // C# `using X = A.B.C;`
        return;
    }
    // Java `import a.b.*`, `import static a.b.C.*`; C# `using A.B;`, `using static A.B.C;`.
    const bool star = d.value(u"star").toBool() || module.family == LanguageFamily::CSharp;
    if (star) {
        bindings.stars.append(ImportTarget::ns(target));
        return;
    }
    // Java `import a.b.C;` / `import static a.b.C.m;`: the last name, resolved by qualified name.
    bindings.names.insert(target.section(u'.', -1), {ImportTarget::ns(target), {}});
}

const Linker::ModuleBindings& Linker::bindingsOf(const ModuleSymbols& module)
{
    const auto cached = m_bindings.constFind(module.path);
    if (cached != m_bindings.constEnd())
        return *cached;

    ModuleBindings bindings;
    for (const Reference& ref : module.imports) {
        if (ref.details.value(u"dynamic").toBool())
            continue; // import() and importlib bind nothing by name
        switch (module.family) {
        case LanguageFamily::Python:
            bindPython(module, ref, bindings);
            break;
        case LanguageFamily::EcmaScript:
            bindEcma(module, ref, bindings);
            break;
        case LanguageFamily::Go:
            bindGo(module, ref, bindings);
            break;
        case LanguageFamily::Rust:
            bindRust(module, ref, bindings);
            break;
        case LanguageFamily::Java:
        case LanguageFamily::CSharp:
        case LanguageFamily::CFamily:
            bindNamespaced(module, ref, bindings);
            break;
        case LanguageFamily::Other:
            break;
        }
    }
    return *m_bindings.insert(module.path, std::move(bindings));
}

// ---- Name lookup ------------------------------------------------------------------------------

Linker::Symbol Linker::resolveBinding(const Binding& binding, int depth)
{
    switch (binding.target.kind) {
    case ImportTarget::Kind::None:
        return {};
    case ImportTarget::Kind::External:
        return {Symbol::Kind::External, binding.target.path, {}};
    case ImportTarget::Kind::Package:
        return binding.importedName.isEmpty() ? Symbol {Symbol::Kind::Package, binding.target.path, binding.target.path}
                                              : packageMember(binding.target.path, binding.importedName);
    case ImportTarget::Kind::Namespace: {
        const QString qualified
            = binding.importedName.isEmpty() ? binding.target.path : binding.target.path + u'.' + binding.importedName;
        if (Symbol symbol = resolveQualified(qualified, depth + 1))
            return symbol;
        return m_symbols.hasNamespace(qualified) ? Symbol {Symbol::Kind::Namespace, qualified, {}} : Symbol {};
    }
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

Linker::Symbol Linker::lookupIn(const ImportTarget& target, const QString& name, int depth)
{
    switch (target.kind) {
    case ImportTarget::Kind::File:
        return lookup(target.path, name, depth + 1);
    case ImportTarget::Kind::Package:
        return packageMember(target.path, name);
    case ImportTarget::Kind::Namespace:
        return resolveQualified(target.path + u'.' + name, depth + 1);
    case ImportTarget::Kind::None:
    case ImportTarget::Kind::External:
        break;
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
    const bool python = module->python();
    if (!(python && name.startsWith(u'_'))) {
        for (const ImportTarget& star : stars) {
            if (Symbol symbol = lookupIn(star, name, depth))
                return symbol;
        }
    }
    if (python) {
        if (auto sub = m_layout.pythonSubmodule(path, name)) {
            if (const ModuleSymbols* submodule = consult(*sub))
                return {Symbol::Kind::Module, submodule->moduleId, *sub};
        }
        return {};
    }
    return lookupFallback(*module, name, depth);
}

/// What a language makes visible without an import naming it.
Linker::Symbol Linker::lookupFallback(const ModuleSymbols& module, const QString& name, int depth)
{
    switch (module.family) {
    case LanguageFamily::Go: {
        // Every file of a package sees the others' top-level names (through the package's
        // index); test files also see the other test files of their package.
        const QString dir = parentDir(module.path);
        if (Symbol symbol = packageMember(dir, name)) {
            const ModuleSymbols* owner = m_symbols.module(symbol.path);
            if (owner && owner->package == module.package)
                return symbol;
        }
        // Files outside the directory's main package (tests, generators) search file by file.
        const ModuleSymbols* first = m_symbols.module(m_layout.go().packageFiles(dir).value(0));
        if (module.path.endsWith(u"_test.go") || !first || first->package != module.package) {
            for (const QString& sibling : m_layout.go().siblings(module.path)) {
                const ModuleSymbols* other = m_symbols.module(sibling);
                if (other && other->package == module.package) {
                    if (Symbol symbol = definitionSymbol(*other, name)) {
                        m_consulted.insert(sibling);
                        return symbol;
                    }
                }
            }
        }
        return {};
    }
    case LanguageFamily::Rust:
        if (name == u"crate" || name == u"super") { // path roots in expressions: crate::util::f()
            const auto target
                = name == u"crate" ? m_layout.rust().crateRoot(module.path) : m_layout.rust().parentModule(module.path);
            if (const ModuleSymbols* root = target ? consult(*target) : nullptr)
                return {Symbol::Kind::Module, root->moduleId, *target};
            return {};
        }
        if (auto child = m_layout.rust().childModule(module.path, name)) {
            if (const ModuleSymbols* submodule = consult(*child))
                return {Symbol::Kind::Module, submodule->moduleId, *child};
        }
        if (auto crate = m_layout.rust().crateNamed(name)) {
            if (const ModuleSymbols* root = consult(*crate))
                return {Symbol::Kind::Module, root->moduleId, *crate};
        }
        return {};
    case LanguageFamily::Java:
        if (!module.package.isEmpty()) {
            if (Symbol symbol = resolveQualified(module.package + u'.' + name, depth + 1))
                return symbol;
        }
        // Every compilation unit imports java.lang.* implicitly (when the tree holds it: the JDK).
        return resolveQualified(u"java.lang." + name, depth + 1);
    case LanguageFamily::CSharp:
        for (const QString& ns : module.namespaces) {
            for (const QString& scope : namespaceChain(ns)) {
                if (Symbol symbol = resolveQualified(scope + u'.' + name, depth + 1))
                    return symbol;
            }
        }
        if (m_symbols.hasNamespace(name))
            return {Symbol::Kind::Namespace, name, {}};
        return {};
    case LanguageFamily::CFamily: {
        const QStringList headers = includeClosure(module.path); // a copy: lookups may grow the cache
        for (const QString& header : headers) {
            if (const ModuleSymbols* other = consult(header)) {
                if (Symbol symbol = definitionSymbol(*other, name))
                    return symbol;
            }
        }
        for (const QString& ns : module.namespaces) {
            for (const QString& scope : namespaceChain(ns)) {
                if (Symbol symbol = resolveQualified(scope + u'.' + name, depth + 1))
                    return symbol;
            }
        }
        if (Symbol symbol = globalFunction(module, name))
            return symbol;
        if (m_symbols.hasNamespace(name))
            return {Symbol::Kind::Namespace, name, {}};
        return {};
    }
    case LanguageFamily::Python:
    case LanguageFamily::EcmaScript:
    case LanguageFamily::Other:
        break;
    }
    return {};
}

Linker::Symbol Linker::packageMember(const QString& dir, const QString& local)
{
    m_consulted.insert(u"dir:" + dir);
    auto it = m_packageIndex.find(dir);
    if (it == m_packageIndex.end()) {
        // The directory's package is the clause most of its files declare: a stray `package main`
        // generator (built with `//go:build ignore`) is not part of it.
        QList<const ModuleSymbols*> modules;
        QHash<QString, int> clauses;
        for (const QString& file : m_layout.go().packageFiles(dir)) {
            if (const ModuleSymbols* module = m_symbols.module(file)) {
                modules.append(module);
                ++clauses[module->package];
            }
        }
        QString package;
        for (const ModuleSymbols* module : std::as_const(modules)) {
            if (clauses.value(module->package) > clauses.value(package))
                package = module->package;
        }
        QHash<QString, QualifiedDefinition> index;
        for (const ModuleSymbols* module : std::as_const(modules)) {
            if (module->package != package)
                continue;
            for (auto def = module->definitions.constBegin(); def != module->definitions.constEnd(); ++def) {
                if (!index.contains(def.key()))
                    index.insert(def.key(), {*def, module->path});
            }
        }
        it = m_packageIndex.insert(dir, std::move(index));
    }
    const auto found = it->constFind(local);
    if (found == it->constEnd())
        return {};
    m_consulted.insert(found->path);
    return {found->definition.type == NodeType::Class ? Symbol::Kind::Class : Symbol::Kind::Function,
        found->definition.id, found->path};
}

Linker::Symbol Linker::namespaceMember(const QString& ns, const QString& local)
{
    m_consulted.insert(u"ns:" + ns);
    auto it = m_namespaceIndex.find(ns);
    if (it == m_namespaceIndex.end()) {
        QHash<QString, QualifiedDefinition> index;
        const QString prefix = ns + u'.';
        for (const QString& file : m_symbols.namespaceFiles(ns)) {
            const ModuleSymbols* module = m_symbols.module(file);
            if (!module)
                continue;
            for (const ModuleSymbols::Definition& def : module->definitions) {
                if (def.qualifiedName.startsWith(prefix)) {
                    const QString key = def.qualifiedName.sliced(prefix.size());
                    if (!index.contains(key))
                        index.insert(key, {def, file});
                }
            }
        }
        it = m_namespaceIndex.insert(ns, std::move(index));
    }
    const auto found = it->constFind(local);
    if (found == it->constEnd())
        return {};
    m_consulted.insert(found->path);
    return {found->definition.type == NodeType::Class ? Symbol::Kind::Class : Symbol::Kind::Function,
        found->definition.id, found->path};
}

Linker::Symbol Linker::resolveQualified(const QString& qualifiedName, int depth)
{
    if (depth > kMaxDepth)
        return {};
    // The longest namespace prefix first: "a.b.C.m" tries namespace "a.b.C", then "a.b", then "a".
    const QStringList parts = qualifiedName.split(u'.');
    for (qsizetype split = parts.size() - 1; split >= 1; --split) {
        const QString ns = parts.first(split).join(u'.');
        if (!m_symbols.hasNamespace(ns))
            continue;
        // Within the namespace, the longest defined prefix of the rest, then members through bases.
        for (qsizetype end = parts.size(); end > split; --end) {
            Symbol symbol = namespaceMember(ns, parts.sliced(split, end - split).join(u'.'));
            if (!symbol)
                continue;
            for (qsizetype i = end; i < parts.size() && symbol; ++i)
                symbol = symbol.kind == Symbol::Kind::Class ? member(symbol, parts[i], depth + 1) : Symbol {};
            return symbol;
        }
        return {};
    }
    return {};
}

const QStringList& Linker::includeClosure(const QString& path)
{
    if (const auto it = m_includeClosures.constFind(path); it != m_includeClosures.constEnd())
        return *it;
    QStringList closure;
    QSet<QString> seen {path};
    std::deque<QString> queue {path};
    while (!queue.empty() && closure.size() < kMaxIncludeClosure) {
        const QString file = queue.front();
        queue.pop_front();
        const ModuleSymbols* module = m_symbols.module(file);
        if (!module)
            continue;
        for (const Reference& ref : module->imports) {
            const ImportTarget target
                = m_layout.includes().resolve(file, ref.target, ref.details.value(u"system").toBool());
            if (target.kind == ImportTarget::Kind::File && !seen.contains(target.path)) {
                seen.insert(target.path);
                closure.append(target.path);
                queue.push_back(target.path);
            }
        }
    }
    return *m_includeClosures.insert(path, std::move(closure));
}

Linker::Symbol Linker::globalFunction(const ModuleSymbols& module, const QString& name)
{
    // C has one namespace of external names: a call to f() reaches the one non-static
    // definition of f in the project, wherever it is. Two definitions (per-platform variants,
    // several programs in one tree) make it ambiguous: no edge.
    QStringList candidates; // C++: the enclosing namespaces' function first, then the global one
    for (const QString& ns : module.namespaces) {
        for (const QString& scope : namespaceChain(ns))
            candidates.append(scope + u'.' + name);
    }
    candidates.append(name);
    for (const QString& qualified : std::as_const(candidates)) {
        m_consulted.insert(u"cfn:" + qualified.section(u'.', -1));
        const QList<GlobalFunction>& functions = m_symbols.globalFunctions(qualified);
        if (functions.size() == 1) {
            m_consulted.insert(functions.first().path);
            return {Symbol::Kind::Function, functions.first().id, functions.first().path};
        }
        if (functions.size() > 1)
            return {};
    }
    return {};
}

QString Linker::namespaceOf(const Symbol& definition)
{
    const ModuleSymbols* module = consult(definition.path);
    if (!module)
        return {};
    const QString local = localNameOf(definition.id);
    const auto def = module->definitions.constFind(local);
    if (def == module->definitions.constEnd() || !def->qualifiedName.endsWith(u'.' + local))
        return {};
    return def->qualifiedName.first(def->qualifiedName.size() - local.size() - 1);
}

Linker::Symbol Linker::definitionOf(const Symbol& function)
{
    // A C++ method is found through its class in a header, where it is usually only declared; the
    // call really lands on the one out-of-line definition with the same qualified name.
    if (function.kind != Symbol::Kind::Function)
        return function;
    const ModuleSymbols* module = consult(function.path);
    const QString local = localNameOf(function.id);
    if (!module || !local.contains(u'.'))
        return function;
    const auto def = module->definitions.constFind(local);
    if (def == module->definitions.constEnd() || def->qualifiedName.isEmpty())
        return function;
    m_consulted.insert(u"cfn:" + local.section(u'.', -1));
    const QList<GlobalFunction>& definitions
        = m_symbols.globalFunctions(linkageName(def->qualifiedName, function.path));
    if (definitions.size() != 1 || definitions.first().id == function.id)
        return function;
    m_consulted.insert(definitions.first().path);
    return {Symbol::Kind::Function, definitions.first().id, definitions.first().path};
}

Linker::Symbol Linker::step(const Symbol& symbol, const QString& name, int depth)
{
    switch (symbol.kind) {
    case Symbol::Kind::Module:
        return lookup(symbol.path, name, depth + 1);
    case Symbol::Kind::Package:
        return packageMember(symbol.path, name);
    case Symbol::Kind::Namespace: {
        const QString qualified = symbol.id + u'.' + name;
        if (Symbol found = resolveQualified(qualified, depth + 1))
            return found;
        return m_symbols.hasNamespace(qualified) ? Symbol {Symbol::Kind::Namespace, qualified, {}} : Symbol {};
    }
    case Symbol::Kind::Class:
        return member(symbol, name, depth + 1);
    case Symbol::Kind::External:
        return symbol; // numpy.linalg.norm stays ext:numpy
    case Symbol::Kind::Function:
    case Symbol::Kind::None:
        break;
    }
    return {};
}

Linker::Symbol Linker::resolveDotted(
    const QString& path, const QString& scopeLocal, const QString& dottedName, int depth)
{
    const QStringList parts = dotted(dottedName).split(u'.');
    const ModuleSymbols* module = consult(path);
    if (!module || parts.isEmpty() || parts.first().isEmpty())
        return {};

    // The first name: enclosing scopes (innermost first), then the module. Functions see their
    // nested definitions; classes of namespaced languages see their nested types.
    Symbol symbol;
    QString scope = scopeLocal;
    while (!scope.isEmpty() && !symbol) {
        const auto def = module->definitions.constFind(scope);
        const bool isScope = def != module->definitions.constEnd()
            && (def->type == NodeType::Function || namespaced(module->family)
                || module->family == LanguageFamily::Rust);
        if (isScope)
            symbol = definitionSymbol(*module, scope + u'.' + parts.first());
        const qsizetype dot = scope.lastIndexOf(u'.');
        scope = dot < 0 ? QString() : scope.first(dot);
    }
    if (!symbol)
        symbol = lookup(path, parts.first(), depth);
    for (qsizetype i = 1; i < parts.size() && symbol; ++i)
        symbol = step(symbol, parts[i], depth);
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
    const QString classLocal = localNameOf(cls.id);
    if (const ModuleSymbols* module = consult(cls.path)) {
        if (Symbol symbol = definitionSymbol(*module, classLocal + u'.' + name))
            return symbol;
        if (module->family == LanguageFamily::Rust && cls.path != m_linking) {
            // An `impl` block for a type declared elsewhere, in the file being linked.
            if (const ModuleSymbols* current = m_symbols.module(m_linking)) {
                if (Symbol symbol = definitionSymbol(*current, classLocal.section(u'.', -1) + u'.' + name))
                    return symbol;
            }
        }
        if (module->family == LanguageFamily::Go) {
            // Methods may be declared in any file of the type's package.
            if (Symbol symbol = packageMember(parentDir(cls.path), classLocal + u'.' + name))
                return symbol;
        } else if (module->family == LanguageFamily::CSharp) {
            // Partial classes: the other parts live in files of the same namespace.
            const auto def = module->definitions.constFind(classLocal);
            if (def != module->definitions.constEnd()) {
                const QString qualified = def->qualifiedName + u'.' + name;
                const qsizetype cut = def->qualifiedName.size() - classLocal.size() - 1;
                if (cut > 0) {
                    if (Symbol symbol = namespaceMember(qualified.first(cut), qualified.sliced(cut + 1)))
                        return symbol;
                }
            }
        }
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
    switch (module->family) {
    case LanguageFamily::Python:
        return member(cls, QStringLiteral("__init__"), 0);
    case LanguageFamily::EcmaScript:
        return member(cls, QStringLiteral("constructor"), 0);
    case LanguageFamily::Java:
    case LanguageFamily::CSharp:
    case LanguageFamily::CFamily: {
        const QString local = localNameOf(cls.id);
        const Symbol constructor = definitionSymbol(*module, local + u'.' + local.section(u'.', -1));
        return constructor.kind == Symbol::Kind::Function ? constructor : Symbol {};
    }
    case LanguageFamily::Go:
    case LanguageFamily::Rust:
    case LanguageFamily::Other:
        break; // conversions and struct literals are not calls
    }
    return {};
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
        if (symbol.kind == Symbol::Kind::None) {
            // Go methods, Rust impl items and C++ out-of-line definitions name a type declared
            // in another file ("T.m").
            if (Symbol owner = resolveDotted(module.path, QString(), scope, 0); owner.kind == Symbol::Kind::Class)
                return owner;
        }
    }
}

// ---- Linking one file -------------------------------------------------------------------------

store::FileLinks Linker::link(const QString& path, const QList<Reference>& references)
{
    store::FileLinks links;
    links.path = path;
    m_linking = path;
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
    // Imports of packages and namespaces (Go, Java on-demand, C#) name many files at once: the
    // file depends on the ones declaring what it uses, so those become its import edges (noteUse);
    // a Go package none of whose names resolved still gets one edge, to its first file.
    QHash<QString, int> importedPackages; // Go package dir → line of its import
    QSet<QString> usedPackages;
    auto addImport = [&](const ImportTarget& target, int line) {
        switch (target.kind) {
        case ImportTarget::Kind::Package:
            if (!importedPackages.contains(target.path))
                importedPackages.insert(target.path, line);
            m_consulted.insert(u"dir:" + target.path);
            break;
        case ImportTarget::Kind::Namespace:
            break;
        default:
            addEdge(EdgeType::Imports, self->moduleId, moduleSymbol(target), line);
            break;
        }
    };
    const bool importsByUse = self->family == LanguageFamily::Java || self->family == LanguageFamily::CSharp
        || self->family == LanguageFamily::Go;
    auto noteUse = [&](const Symbol& target, int line) {
        if (!importsByUse || (target.kind != Symbol::Kind::Class && target.kind != Symbol::Kind::Function)
            || target.path == path)
            return;
        if (self->family == LanguageFamily::Go) {
            const QString dir = parentDir(target.path);
            if (!importedPackages.contains(dir))
                return; // the file's own package: not an import
            usedPackages.insert(dir);
            line = importedPackages.value(dir);
        } else if (const QString ns = namespaceOf(target); !ns.isEmpty()) {
            // Java's own package and C#'s enclosing namespaces are visible without an import.
            if (self->family == LanguageFamily::Java && ns == self->package)
                return;
            if (self->family == LanguageFamily::CSharp) {
                for (const QString& own : self->namespaces) {
                    if (namespaceChain(own).contains(ns))
                        return;
                }
            }
        }
        addImport(ImportTarget::file(target.path), line);
    };

    for (const Reference& ref : references) {
        const QString sourceLocal = ref.sourceId == self->moduleId ? QString() : localNameOf(ref.sourceId);
        switch (ref.kind) {
        case Reference::Kind::Import: {
            const QJsonObject& d = ref.details;
            switch (self->family) {
            case LanguageFamily::Python: {
                const int level = d.value(u"level").toInt();
                const ImportTarget from = m_layout.resolvePython(path, ref.target, level);
                const QJsonArray names = d.value(u"names").toArray();
                bool edgeToFrom = names.isEmpty();
                for (const QJsonValue& value : names) {
                    // `from pkg import sub`: the edge goes to the submodule when pkg does not define `sub`.
                    const QString name = value.toObject().value(u"name").toString();
                    const ModuleSymbols* fromModule
                        = from.kind == ImportTarget::Kind::File ? consult(from.path) : nullptr;
                    const bool defined = fromModule && fromModule->definitions.contains(name);
                    const auto sub = from.kind == ImportTarget::Kind::File && !defined
                        ? m_layout.pythonSubmodule(from.path, name)
                        : std::nullopt;
                    if (sub)
                        addImport(ImportTarget::file(*sub), ref.line);
                    else
                        edgeToFrom = true;
                }
                if (edgeToFrom)
                    addImport(from, ref.line);
                break;
            }
            case LanguageFamily::EcmaScript:
                addImport(m_layout.resolveEcma(path, ref.target), ref.line);
                break;
            case LanguageFamily::Go:
                addImport(m_layout.go().resolve(path, ref.target), ref.line);
                break;
            case LanguageFamily::Rust:
                if (d.value(u"mod").toBool()) {
                    if (auto child = m_layout.rust().childModule(path, ref.target))
                        addImport(ImportTarget::file(*child), ref.line);
                } else {
                    addImport(m_layout.rust().resolve(path, ref.target).target, ref.line);
                }
                break;
            case LanguageFamily::CFamily:
                addImport(m_layout.includes().resolve(path, ref.target, d.value(u"system").toBool()), ref.line);
                break;
            case LanguageFamily::Java:
            case LanguageFamily::CSharp: {
                const QString target = dotted(ref.target);
                const bool star = d.value(u"star").toBool() || self->family == LanguageFamily::CSharp;
                if (!star || !d.value(u"alias").toString().isEmpty()) {
                    // A single-type (or static member, or alias) import names a definition; a
                    // static import of a field or method names its class's file.
                    Symbol symbol = resolveQualified(target, 0);
                    if (!symbol && d.value(u"static").toBool())
                        symbol = resolveQualified(target.section(u'.', 0, -2), 0);
                    if (symbol.kind == Symbol::Kind::Class || symbol.kind == Symbol::Kind::Function) {
                        addImport(ImportTarget::file(symbol.path), ref.line);
                        break;
                    }
                }
                const QString owner = d.value(u"static").toBool() ? target.section(u'.', 0, -2) : target;
                if (!m_symbols.hasNamespace(target) && !resolveQualified(target, 0) && !resolveQualified(owner, 0)) {
                    // Nothing in the project declares it: a library (or the platform).
                    const QString external
                        = self->family == LanguageFamily::Java ? javaExternalName(target) : target.section(u'.', 0, 0);
                    addEdge(EdgeType::Imports, self->moduleId, Symbol {Symbol::Kind::External, external, {}}, ref.line);
                }
                break;
            }
            case LanguageFamily::Other:
                break;
            }
            break;
        }
        case Reference::Kind::Inherit: {
            const QString subject = ref.details.value(u"subject").toString();
            QString sourceId = ref.sourceId;
            QString scope;
            if (!subject.isEmpty()) {
                // Rust `impl Trait for T` where T is declared elsewhere: T inherits.
                const Symbol owner = resolveDotted(path, QString(), subject, 0);
                if (owner.kind != Symbol::Kind::Class)
                    break;
                sourceId = owner.id;
            } else {
                const qsizetype dot = sourceLocal.lastIndexOf(u'.');
                scope = dot < 0 ? QString() : sourceLocal.first(dot);
            }
            const Symbol base = resolveDotted(path, scope, ref.target, 0);
            if (base.kind == Symbol::Kind::Class || base.kind == Symbol::Kind::External) {
                addEdge(EdgeType::Inherits, sourceId, base, ref.line);
                noteUse(base, ref.line);
            }
            break;
        }
        case Reference::Kind::Use: {
            const Symbol type = resolveDotted(path, sourceLocal, ref.target, 0);
            if (type.kind == Symbol::Kind::Class) {
                addEdge(EdgeType::Uses, ref.sourceId, type, ref.line);
                noteUse(type, ref.line);
            }
            break;
        }
        case Reference::Kind::MemberOf: {
            const Symbol owner = resolveDotted(path, QString(), ref.target, 0);
            if (owner.kind == Symbol::Kind::Class) {
                const qsizetype before = links.edges.size();
                addEdge(EdgeType::Contains, owner.id, Symbol {Symbol::Kind::Function, ref.sourceId, path}, ref.line);
                if (links.edges.size() > before) // marks it as linking's own (store::StoreWriter::replaceLinks)
                    links.edges.last().properties.insert(QStringLiteral("attached"), true);
            }
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
            const QString receiver = dotted(ref.receiver);
            if (!ref.receiverType.isEmpty()) {
                const Symbol type = resolveDotted(path, sourceLocal, ref.receiverType, 0);
                callee = member(type, ref.target, 0);
            } else if (receiver.isEmpty()) {
                // Java, C# and C++ methods call their class's members (inherited ones too)
                // without `this`; those shadow anything imported.
                if (namespaced(self->family))
                    callee = member(enclosingClass(*self, sourceLocal), ref.target, 0);
                if (!callee)
                    callee = resolveDotted(path, sourceLocal, ref.target, 0);
            } else if (isSelfReceiver(receiver)) {
                callee = member(enclosingClass(*self, sourceLocal), ref.target, 0);
            } else if (receiver == u"super" || receiver == u"base") {
                for (const Symbol& base : basesOf(enclosingClass(*self, sourceLocal), 0)) {
                    if ((callee = member(base, ref.target, 0)))
                        break;
                }
            } else if (!receiver.startsWith(u"self.") && !receiver.startsWith(u"this.")) {
                const Symbol owner = resolveDotted(path, sourceLocal, receiver, 0);
                if (owner.kind == Symbol::Kind::Module || owner.kind == Symbol::Kind::Package
                    || owner.kind == Symbol::Kind::Namespace || owner.kind == Symbol::Kind::Class)
                    callee = step(owner, ref.target, 0);
                if (callee.kind == Symbol::Kind::External)
                    callee = {};
            }
            if (callee.kind == Symbol::Kind::Class)
                callee = constructorOf(callee);
            if (self->family == LanguageFamily::CFamily)
                callee = definitionOf(callee);
            if (callee.kind == Symbol::Kind::Function) {
                addEdge(EdgeType::Calls, ref.sourceId, callee, ref.line);
                noteUse(callee, ref.line);
            }
            break;
        }
        }
    }
    for (auto it = importedPackages.constBegin(); it != importedPackages.constEnd(); ++it) {
        if (usedPackages.contains(it.key()))
            continue;
        const QStringList files = m_layout.go().packageFiles(it.key());
        if (!files.isEmpty())
            addEdge(EdgeType::Imports, self->moduleId, moduleSymbol(ImportTarget::file(files.first())), it.value());
    }
    m_consulted.remove(path);
    links.consultedModules = QStringList(m_consulted.cbegin(), m_consulted.cend());
    links.consultedModules.sort();
    return links;
}

} // namespace mu::resolve
