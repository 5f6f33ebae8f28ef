#pragma once

#include "resolve/projectlayout.h"
#include "resolve/symboltable.h"
#include "store/filerecord.h"

#include <QHash>
#include <QSet>

namespace mu::resolve {

/// Turns one file's references into cross-file edges (imports, inherits, calls, uses) by the
/// rules of SPEC §1. Precision first: a reference that cannot be resolved with confidence
/// yields no edge (imports outside the project become ext: nodes).
/// Thread: single-threaded, like the SymbolTable it reads.
class Linker {
public:
    Linker(const ProjectLayout& layout, SymbolTable& symbols);

    store::FileLinks link(const QString& path, const QList<Reference>& references);

    /// What a name stands for once resolved.
    struct Symbol {
        enum class Kind {
            None,
            Module,
            Class,
            Function,
            External
        };
        Kind kind = Kind::None;
        QString id;   ///< node id (mod:/cls:/fn:) or the external name
        QString path; ///< file of the module/class/function
        explicit operator bool() const { return kind != Kind::None; }
    };

private:
    struct Binding {
        ImportTarget target;
        QString importedName; ///< empty: the binding is the module itself
    };
    struct ModuleBindings {
        QHash<QString, Binding> names;
        QList<ImportTarget> stars;             ///< `from m import *`, `export * from`
        QHash<QString, Binding> reexportNames; ///< TS `export {a as b} from`
    };

    /// The symbols of `path` (loading them on first use), recorded as consulted by the file being linked.
    const ModuleSymbols* consult(const QString& path);
    const ModuleBindings& bindingsOf(const ModuleSymbols& module);
    Symbol lookup(const QString& path, const QString& name, int depth);
    Symbol resolveBinding(const Binding& binding, int depth);
    Symbol resolveDotted(const QString& path, const QString& scopeLocal, const QString& dotted, int depth);
    Symbol member(const Symbol& cls, const QString& name, int depth);
    QList<Symbol> basesOf(const Symbol& cls, int depth);
    Symbol constructorOf(const Symbol& cls);
    Symbol enclosingClass(const ModuleSymbols& module, const QString& sourceLocal);
    Symbol definitionSymbol(const ModuleSymbols& module, const QString& local) const;

    const ProjectLayout& m_layout;
    SymbolTable& m_symbols;
    QHash<QString, ModuleBindings> m_bindings;
    QSet<QString> m_consulted; ///< modules read while linking the current file
};

} // namespace mu::resolve
