#pragma once

#include "model/fileindex.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace mu::resolve {

/// The module systems resolution distinguishes (a file's language, as far as linking cares).
enum class LanguageFamily {
    Python,
    EcmaScript, ///< JavaScript, TypeScript, TSX
    Go,
    Rust,
    Java,
    CSharp,
    CFamily, ///< C and C++ (headers are shared between them)
    Other,
};
LanguageFamily languageFamilyOf(QStringView path);

/// What resolution needs to know of one module: its definitions by in-file name, its imports,
/// the bases its classes declare and the names it exports. A slim copy of a FileIndex.
struct ModuleSymbols {
    QString path;
    QString moduleId;
    LanguageFamily family = LanguageFamily::Other;
    bool python() const { return family == LanguageFamily::Python; }
    /// Go package clause / Java package ("" elsewhere).
    QString package;
    /// Namespaces the definitions live in (C#, C++; Java's package), derived from qualified names.
    QStringList namespaces;
    struct Definition {
        QString id;
        NodeType type = NodeType::Function;
        QString qualifiedName;
    };
    /// In-file dotted name ("Class", "Class.method", "outer.inner") → first definition.
    QHash<QString, Definition> definitions;
    QList<Reference> imports;
    /// Class id → base expressions as written.
    QHash<QString, QStringList> bases;
    /// Exported name → local name, where they differ ("default" → "App", "b" → "a").
    QHash<QString, QString> exportAliases;

    static ModuleSymbols from(const QString& path, const QList<Node>& nodes, const QList<Reference>& references);

    /// A digest of everything other files can resolve through this module: definitions with
    /// their types and qualified names, the package, imports, bases and export aliases. Edits that keep it (a function body, a
    /// docstring, a line shift) cannot change any other file's edges.
    QByteArray interfaceDigest() const;
};

/// The in-file dotted name of a class or function id: "fn:a/b.py:C.m~2" → "C.m".
QString localNameOf(const QString& id);

/// The name a C/C++ definition is known by across translation units: its qualified name
/// ("geo.Circle.area"), without the module-path prefix that definitions outside any namespace
/// get ("src.shape.Circle.area" → "Circle.area").
QString linkageName(const QString& qualifiedName, const QString& path);

/// A C/C++ function with external linkage, for calls resolved across translation units.
struct GlobalFunction {
    QString id;
    QString path;
    QString qualifiedName; ///< its linkageName(): "f" in C, "ns.f" or "ns.Class.method" in C++
};

/// Every module's symbols, filled up front from this run's parses and on demand from the store,
/// plus the project-wide indexes name-based languages need: namespace → files (Java, C#, C++)
/// and the C/C++ functions with external linkage.
/// Thread: single-threaded (lives on the index/writer thread).
class SymbolTable {
public:
    using Loader = std::function<std::optional<ModuleSymbols>(const QString& path)>;
    using GlobalsLoader = std::function<QList<GlobalFunction>()>;
    explicit SymbolTable(Loader loader, QHash<QString, QStringList> namespaceFiles = {}, GlobalsLoader globals = {})
        : m_loader(std::move(loader)), m_namespaceFiles(std::move(namespaceFiles)), m_globalsLoader(std::move(globals))
    { }

    void insert(ModuleSymbols symbols);
    /// The module of `path`, loading it on first use; nullptr when unknown.
    const ModuleSymbols* module(const QString& path);

    /// The files declaring namespace `name` (sorted); empty when no project file does.
    QStringList namespaceFiles(const QString& name) const { return m_namespaceFiles.value(name); }
    bool hasNamespace(const QString& name) const { return m_namespaceFiles.contains(name); }
    /// C/C++ functions with external linkage whose qualified name is `name` (loaded on first use).
    const QList<GlobalFunction>& globalFunctions(const QString& qualifiedName);

private:
    Loader m_loader;
    QHash<QString, QStringList> m_namespaceFiles;
    GlobalsLoader m_globalsLoader;
    std::optional<QHash<QString, QList<GlobalFunction>>> m_globals;
    // Heap-allocated so pointers handed out stay valid while the table grows.
    QHash<QString, std::shared_ptr<const ModuleSymbols>> m_modules;
};

} // namespace mu::resolve
