#pragma once

#include "model/fileindex.h"
#include "parse/sourcetext.h"

#include <QHash>
#include <QString>

#include <tree_sitter/api.h>

namespace mu::parse {

/// Turns one language's syntax tree into nodes, contains edges and unresolved references.
/// Implementations are stateless: one instance serves every pool thread at once.
/// Contract: never recurse on tree depth (a 100k-deep file must not blow the stack); walk with an
/// explicit stack or a TSTreeCursor.
class Extractor {
public:
    virtual ~Extractor() = default;
    /// `out` already holds the module node (nodes[0]); the extractor may amend its kind,
    /// docstring and properties, and appends everything else through a FileIndexBuilder.
    virtual void extract(TSNode root, const SourceText& source, FileIndex& out) const = 0;
};

/// Appends nodes to a FileIndex with SPEC §1 ids: assigns overload suffixes (~2, ~3, …) in file
/// order, fills the dotted qualified name, and adds the parent's `contains` edge.
class FileIndexBuilder {
public:
    explicit FileIndexBuilder(FileIndex& out);

    const QString& moduleId() const { return m_moduleId; }
    /// Dotted module name, e.g. "auth.service" (see nodeid::moduleQualifiedName).
    const QString& moduleName() const { return m_moduleName; }
    Node& module() { return m_out.nodes.first(); }

    /// Adds a class-like or function-like node. `node.name` is the simple name; `localName` is the
    /// in-file dotted path ("Outer.Inner", "Class.method") used for the id. The qualified name is
    /// the module's dotted name + localName unless the extractor already set one (languages whose
    /// names live in packages or namespaces: "com.acme.Widget"). Returns the final id.
    QString add(Node node, const QString& localName, const QString& parentId);
    void addReference(Reference reference);

    /// The node most recently added under `id`, for amending after children were seen.
    Node* find(const QString& id);

    static void setLocation(Node& node, TSNode syntax);
    /// A reference of `kind` from `sourceId` to `target`, located at the start of `at`.
    static Reference referenceAt(Reference::Kind kind, const QString& sourceId, const QString& target, TSNode at);

private:
    FileIndex& m_out;
    QString m_moduleId;
    QString m_moduleName;
    QHash<QString, int> m_idCounts;
    QHash<QString, qsizetype> m_indexById;
};

} // namespace mu::parse
