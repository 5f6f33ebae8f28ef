#pragma once

#include "model/fileindex.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace mu::resolve {

/// What resolution needs to know of one module: its definitions by in-file name, its imports,
/// the bases its classes declare and the names it exports. A slim copy of a FileIndex.
struct ModuleSymbols {
    QString path;
    QString moduleId;
    bool python = false;
    struct Definition {
        QString id;
        NodeType type = NodeType::Function;
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
    /// their types, imports, bases and export aliases. Edits that keep it (a function body, a
    /// docstring, a line shift) cannot change any other file's edges.
    QByteArray interfaceDigest() const;
};

/// The in-file dotted name of a class or function id: "fn:a/b.py:C.m~2" → "C.m".
QString localNameOf(const QString& id);

/// Every module's symbols, filled up front from this run's parses and on demand from the store.
/// Thread: single-threaded (lives on the index/writer thread).
class SymbolTable {
public:
    using Loader = std::function<std::optional<ModuleSymbols>(const QString& path)>;
    explicit SymbolTable(Loader loader) : m_loader(std::move(loader)) { }

    void insert(ModuleSymbols symbols);
    /// The module of `path`, loading it on first use; nullptr when unknown.
    const ModuleSymbols* module(const QString& path);

private:
    Loader m_loader;
    // Heap-allocated so pointers handed out stay valid while the table grows.
    QHash<QString, std::shared_ptr<const ModuleSymbols>> m_modules;
};

} // namespace mu::resolve
