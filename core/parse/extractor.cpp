#include "parse/extractor.h"

#include "model/nodeid.h"

namespace mu::parse {

FileIndexBuilder::FileIndexBuilder(FileIndex& out)
    : m_out(out)
    , m_moduleId(out.nodes.isEmpty() ? QString() : out.nodes.first().id)
    , m_moduleName(out.nodes.isEmpty() ? QString() : out.nodes.first().qualifiedName)
{
    Q_ASSERT(!out.nodes.isEmpty() && out.nodes.first().type == NodeType::Module);
}

QString FileIndexBuilder::add(Node node, const QString& localName, const QString& parentId)
{
    const QString baseId
        = node.type == NodeType::Class ? nodeid::cls(m_out.path, localName) : nodeid::function(m_out.path, localName);
    const int ordinal = ++m_idCounts[baseId];
    node.id = nodeid::withOverload(baseId, ordinal);
    node.filePath = m_out.path;
    if (node.qualifiedName.isEmpty()) // namespace languages set their own (`com.acme.Widget.draw`)
        node.qualifiedName = m_moduleName.isEmpty() ? localName : m_moduleName + u'.' + localName;
    m_indexById.insert(node.id, m_out.nodes.size());
    m_out.edges.append(Edge {parentId, node.id, EdgeType::Contains, m_out.path, node.lineStart, {}});
    QString id = node.id;
    m_out.nodes.append(std::move(node));
    return id;
}

void FileIndexBuilder::addReference(Reference reference)
{
    m_out.references.append(std::move(reference));
}

Node* FileIndexBuilder::find(const QString& id)
{
    const auto it = m_indexById.constFind(id);
    return it == m_indexById.constEnd() ? nullptr : &m_out.nodes[*it];
}

void FileIndexBuilder::setLocation(Node& node, TSNode syntax)
{
    const TSPoint start = ts_node_start_point(syntax);
    const TSPoint end = ts_node_end_point(syntax);
    node.lineStart = static_cast<int>(start.row) + 1;
    node.lineEnd = static_cast<int>(end.row) + 1;
    node.colStart = static_cast<int>(start.column);
    node.colEnd = static_cast<int>(end.column);
}

Reference FileIndexBuilder::referenceAt(Reference::Kind kind, const QString& sourceId, const QString& target, TSNode at)
{
    Reference ref;
    ref.kind = kind;
    ref.sourceId = sourceId;
    ref.target = target;
    const TSPoint point = ts_node_start_point(at);
    ref.line = static_cast<int>(point.row) + 1;
    ref.column = static_cast<int>(point.column);
    return ref;
}

} // namespace mu::parse
