#pragma once

#include "resolve/projectlayout.h"
#include "resolve/symboltable.h"
#include "store/filerecord.h"

#include <QHash>
#include <QSet>

namespace mu::resolve {

/// Turns one file's references into cross-file edges (imports, inherits, calls, uses, and the
/// `contains` of members defined away from their type) by the rules of SPEC §1. Precision first:
/// a reference that cannot be resolved with confidence yields no edge (imports outside the
/// project become ext: nodes).
///
/// Besides real modules, linking records pseudo-dependencies in FileLinks::consultedModules so the
/// indexer can re-link exactly the files a change can affect (see dependencyKeys()):
/// "ns:<namespace>" (a Java/C#/C++ namespace was searched), "dir:<directory>" (a Go package was
/// searched) and "cfn:<name>" (a C/C++ function with external linkage was looked up by name).
/// Thread: single-threaded, like the SymbolTable it reads.
class Linker {
public:
    Linker(const ProjectLayout& layout, SymbolTable& symbols);

    store::FileLinks link(const QString& path, const QList<Reference>& references);

    /// The pseudo-dependency keys a module's interface answers for: files that recorded any of
    /// them must be re-linked when that interface changes.
    static QStringList dependencyKeys(const ModuleSymbols& module);

    /// What a name stands for once resolved.
    struct Symbol {
        enum class Kind {
            None,
            Module,
            Package,   ///< Go package directory (path = directory)
            Namespace, ///< Java package / C# or C++ namespace (id = dotted name)
            Class,
            Function,
            External
        };
        Kind kind = Kind::None;
        QString id;   ///< node id (mod:/cls:/fn:), the namespace name or the external name
        QString path; ///< file of the module/class/function; directory of a package
        explicit operator bool() const { return kind != Kind::None; }
    };

private:
    struct Binding {
        ImportTarget target;
        QString importedName; ///< empty: the binding is the module/package/namespace itself
    };
    struct ModuleBindings {
        QHash<QString, Binding> names;
        QList<ImportTarget> stars; ///< `from m import *`, `export * from`, Go dot imports, Java/C# namespace imports
        QHash<QString, Binding> reexportNames; ///< TS `export {a as b} from`
    };
    struct QualifiedDefinition {
        ModuleSymbols::Definition definition;
        QString path;
    };

    /// The symbols of `path` (loading them on first use), recorded as consulted by the file being linked.
    const ModuleSymbols* consult(const QString& path);
    const ModuleBindings& bindingsOf(const ModuleSymbols& module);
    void bindPython(const ModuleSymbols& module, const Reference& ref, ModuleBindings& bindings) const;
    void bindEcma(const ModuleSymbols& module, const Reference& ref, ModuleBindings& bindings) const;
    void bindGo(const ModuleSymbols& module, const Reference& ref, ModuleBindings& bindings);
    void bindRust(const ModuleSymbols& module, const Reference& ref, ModuleBindings& bindings) const;
    void bindNamespaced(const ModuleSymbols& module, const Reference& ref, ModuleBindings& bindings) const;

    Symbol lookup(const QString& path, const QString& name, int depth);
    Symbol lookupFallback(const ModuleSymbols& module, const QString& name, int depth);
    Symbol lookupIn(const ImportTarget& target, const QString& name, int depth);
    Symbol resolveBinding(const Binding& binding, int depth);
    Symbol resolveDotted(const QString& path, const QString& scopeLocal, const QString& dotted, int depth);
    Symbol step(const Symbol& symbol, const QString& name, int depth);
    Symbol member(const Symbol& cls, const QString& name, int depth);
    QList<Symbol> basesOf(const Symbol& cls, int depth);
    Symbol constructorOf(const Symbol& cls);
    Symbol enclosingClass(const ModuleSymbols& module, const QString& sourceLocal);
    Symbol definitionSymbol(const ModuleSymbols& module, const QString& local) const;
    Symbol moduleSymbol(const ImportTarget& target);

    /// Go: a definition of package `dir` by in-file name (non-test files).
    Symbol packageMember(const QString& dir, const QString& local);
    /// Java/C#/C++: the definition whose qualified name is `qualifiedName`, searched through the
    /// namespaces that prefix it ("a.b.C.m" → namespace "a.b", class "C", member "m").
    Symbol resolveQualified(const QString& qualifiedName, int depth);
    Symbol namespaceMember(const QString& ns, const QString& local);
    /// C/C++: headers reachable through #include from `path` (breadth first, bounded).
    const QStringList& includeClosure(const QString& path);
    Symbol globalFunction(const ModuleSymbols& module, const QString& name);
    /// Java/C#/C++: the namespace a class or function is declared in ("" when none).
    QString namespaceOf(const Symbol& definition);
    /// C++: the out-of-line definition of a method found as a declaration in its class.
    Symbol definitionOf(const Symbol& function);

    const ProjectLayout& m_layout;
    SymbolTable& m_symbols;
    QHash<QString, ModuleBindings> m_bindings;
    QHash<QString, QHash<QString, QualifiedDefinition>> m_namespaceIndex; ///< namespace → qualified name → definition
    QHash<QString, QHash<QString, QualifiedDefinition>> m_packageIndex;   ///< Go dir → local name → definition
    QHash<QString, QStringList> m_includeClosures;
    QString m_linking;         ///< the file being linked
    QSet<QString> m_consulted; ///< modules (and pseudo-dependencies) read while linking the current file
};

} // namespace mu::resolve
