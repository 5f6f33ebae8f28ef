#include "export/exporter.h"

#include "store/storereader.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMap>
#include <QSet>
#include <QXmlStreamWriter>

#include <algorithm>
#include <cstdio>
#include <limits>

Q_LOGGING_CATEGORY(lcExport, "mu.export", QtInfoMsg)

namespace mu::exports {

namespace {

using graph::Graph;
using graph::NodeIndex;

constexpr auto kJsonFormatVersion = "1.0";

struct ExportEdge {
    NodeIndex source = graph::kNoNode;
    NodeIndex target = graph::kNoNode;
    EdgeType type = EdgeType::Contains;
    int line = 0;
    std::int32_t file = -1; ///< index into Graph::files(), -1 when unknown
};

/// The kept edges, by source then the adjacency order of the snapshot (deterministic).
std::vector<ExportEdge> keptEdges(const Graph& graph, const ExportSelection& selection, const std::vector<bool>& kept)
{
    std::vector<ExportEdge> edges;
    for (NodeIndex node : selection.nodes) {
        for (const graph::Adjacent& adjacent : graph.outgoing(node)) {
            if (kept[size_t(adjacent.node)])
                edges.push_back({node, adjacent.node, adjacent.type, adjacent.line, adjacent.file});
        }
    }
    return edges;
}

std::vector<bool> keptMask(const Graph& graph, const ExportSelection& selection)
{
    std::vector<bool> kept(size_t(graph.nodeCount()), false);
    for (NodeIndex node : selection.nodes)
        kept[size_t(node)] = true;
    return kept;
}

/// Text on one line without control characters: every format here is line-oriented or XML,
/// where a raw newline or NUL in a label would break the syntax.
QString oneLine(const QString& text)
{
    QString result;
    result.reserve(text.size());
    for (const QChar c : text) {
        if (c == u'\n' || c == u'\r' || c == u'\t')
            result += u' ';
        else if (c.category() != QChar::Other_Control && c != QChar(0xFFFE) && c != QChar(0xFFFF))
            result += c;
    }
    return result;
}

/// What a node is called in a diagram: the dotted qualified name (module path for modules), else
/// the name, else the id.
QString label(const Graph& graph, NodeIndex node)
{
    if (graph.type(node) == NodeType::Module && !graph.filePath(node).isEmpty())
        return oneLine(moduleDottedPath(graph.filePath(node)));
    if (!graph.qualifiedName(node).isEmpty())
        return oneLine(graph.qualifiedName(node));
    if (!graph.name(node).isEmpty())
        return oneLine(graph.name(node));
    return oneLine(graph.id(node));
}

// Direction ------------------------------------------------------------------------------------

enum class Direction {
    LR,
    TB,
    RL,
    BT
};

Result<Direction> parseDirection(const QString& text)
{
    const QString upper = text.trimmed().toUpper();
    if (upper.isEmpty() || upper == QLatin1String("LR"))
        return Direction::LR;
    if (upper == QLatin1String("TB") || upper == QLatin1String("TD"))
        return Direction::TB;
    if (upper == QLatin1String("RL"))
        return Direction::RL;
    if (upper == QLatin1String("BT"))
        return Direction::BT;
    return Error {QStringLiteral("usage"), QStringLiteral("Unknown direction '%1'. Valid: LR, TB, RL, BT").arg(text)};
}

QString directionCode(Direction direction)
{
    switch (direction) {
    case Direction::LR:
        return QStringLiteral("LR");
    case Direction::TB:
        return QStringLiteral("TB");
    case Direction::RL:
        return QStringLiteral("RL");
    case Direction::BT:
        return QStringLiteral("BT");
    }
    return QStringLiteral("LR");
}

// JSON -----------------------------------------------------------------------------------------

QJsonObject countsByType(const Graph& graph, const ExportSelection& selection, const std::vector<ExportEdge>& edges)
{
    QMap<QString, qint64> nodes;
    for (NodeIndex node : selection.nodes)
        ++nodes[toString(graph.type(node))];
    QMap<QString, qint64> edgeTypes;
    for (const ExportEdge& edge : edges)
        ++edgeTypes[toString(edge.type)];
    QJsonObject byNode;
    for (auto it = nodes.cbegin(); it != nodes.cend(); ++it)
        byNode.insert(it.key(), it.value());
    QJsonObject byEdge;
    for (auto it = edgeTypes.cbegin(); it != edgeTypes.cend(); ++it)
        byEdge.insert(it.key(), it.value());
    return {
        {QStringLiteral("nodes"), qint64(selection.nodes.size())},
        {QStringLiteral("edges"), qint64(edges.size())},
        {QStringLiteral("nodes_by_type"), byNode},
        {QStringLiteral("edges_by_type"), byEdge},
        {QStringLiteral("truncated"), selection.truncated},
    };
}

/// Full node rows for the kept nodes, by index: one query per file with kept nodes (a file's rows
/// come in one read), one per kept external.
Result<std::vector<std::optional<Node>>> fullNodes(
    const store::StoreReader& reader, const Graph& graph, const ExportSelection& selection)
{
    std::vector<std::optional<Node>> nodes(size_t(graph.nodeCount()));
    QMap<std::int32_t, int> wantedPerFile;
    for (NodeIndex node : selection.nodes) {
        if (graph.fileOf(node) < 0) {
            Result<std::optional<Node>> row = reader.node(graph.id(node));
            if (!row)
                return row.error();
            nodes[size_t(node)] = std::move(*row);
        } else {
            ++wantedPerFile[graph.fileOf(node)];
        }
    }
    for (auto it = wantedPerFile.cbegin(); it != wantedPerFile.cend(); ++it) {
        Result<QList<Node>> rows = reader.nodesInFile(graph.files()[size_t(it.key())]);
        if (!rows)
            return rows.error();
        for (Node& row : *rows) {
            const NodeIndex index = graph.indexOf(row.id);
            if (index != graph::kNoNode)
                nodes[size_t(index)] = std::move(row);
        }
    }
    return nodes;
}

/// Streams JSON text: the whole-graph exports are hundreds of thousands of objects, which
/// QJsonDocument builds and copies several times over (about 10x slower on the stdlib graph).
class JsonWriter {
public:
    explicit JsonWriter(QByteArray& out) : m_out(out) { }

    void string(QStringView text)
    {
        m_out += '"';
        const QByteArray utf8 = text.toUtf8();
        qsizetype runStart = 0;
        for (qsizetype i = 0; i < utf8.size(); ++i) {
            const auto c = static_cast<unsigned char>(utf8[i]);
            if (c >= 0x20 && c != '"' && c != '\\')
                continue;
            m_out.append(utf8.constData() + runStart, i - runStart);
            runStart = i + 1;
            switch (c) {
            case '"':
                m_out += "\\\"";
                break;
            case '\\':
                m_out += "\\\\";
                break;
            case '\n':
                m_out += "\\n";
                break;
            case '\t':
                m_out += "\\t";
                break;
            case '\r':
                m_out += "\\r";
                break;
            default: {
                char escape[8];
                std::snprintf(escape, sizeof escape, "\\u%04x", unsigned(c));
                m_out += escape;
            }
            }
        }
        m_out.append(utf8.constData() + runStart, utf8.size() - runStart);
        m_out += '"';
    }
    void stringOrNull(const QString& text)
    {
        if (text.isEmpty())
            m_out += "null";
        else
            string(text);
    }
    void number(qint64 value) { m_out += QByteArray::number(value); }
    void key(const char* name)
    {
        if (!m_first)
            m_out += ", ";
        m_first = false;
        m_out += '"';
        m_out += name;
        m_out += "\": ";
    }
    void beginObject()
    {
        m_out += '{';
        m_first = true;
    }
    void endObject()
    {
        m_out += '}';
        m_first = false;
    }
    void raw(const QByteArray& text) { m_out += text; }

private:
    QByteArray& m_out;
    bool m_first = true;
};

void writeNode(JsonWriter& json, const Node& node)
{
    json.beginObject();
    json.key("id");
    json.string(node.id);
    json.key("type");
    json.string(toString(node.type));
    json.key("kind");
    json.string(node.kind);
    json.key("name");
    json.string(node.name);
    json.key("qualified_name");
    json.string(node.qualifiedName);
    json.key("file_path");
    json.stringOrNull(node.filePath);
    json.key("line_start");
    json.number(node.lineStart);
    json.key("line_end");
    json.number(node.lineEnd);
    json.key("col_start");
    json.number(node.colStart);
    json.key("col_end");
    json.number(node.colEnd);
    json.key("signature");
    json.stringOrNull(node.signature);
    json.key("docstring");
    json.stringOrNull(node.docstring);
    json.key("complexity");
    json.number(node.complexity);
    json.key("properties");
    json.raw(QJsonDocument(node.properties).toJson(QJsonDocument::Compact));
    json.endObject();
}

/// The node as the snapshot knows it, for a row removed between the snapshot and the read.
Node snapshotNode(const Graph& graph, NodeIndex node)
{
    Node row;
    row.id = graph.id(node);
    row.type = graph.type(node);
    row.kind = graph.kind(node);
    row.name = graph.name(node);
    row.qualifiedName = graph.qualifiedName(node);
    row.filePath = graph.filePath(node);
    row.lineStart = graph.lineStart(node);
    return row;
}

Result<QByteArray> exportJson(const store::StoreReader& reader, const Graph& graph, const ExportSelection& selection,
    const std::vector<ExportEdge>& edges, const ExportOptions& options)
{
    Result<std::vector<std::optional<Node>>> rows = fullNodes(reader, graph, selection);
    if (!rows)
        return rows.error();
    QByteArray out;
    out.reserve(qsizetype(selection.nodes.size()) * 400 + qsizetype(edges.size()) * 150 + 1024);
    JsonWriter json(out);
    out += "{\n  \"version\": \"";
    out += kJsonFormatVersion;
    out += "\",\n  \"generated_at\": ";
    json.string(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    out += ",\n  \"source\": ";
    json.string(options.source);
    out += ",\n  \"revision\": ";
    json.number(graph.revision());
    out += ",\n  \"stats\": ";
    out += QJsonDocument(countsByType(graph, selection, edges)).toJson(QJsonDocument::Compact);
    out += ",\n  \"nodes\": [";
    bool first = true;
    for (NodeIndex node : selection.nodes) {
        out += first ? "\n    " : ",\n    ";
        first = false;
        const std::optional<Node>& row = (*rows)[size_t(node)];
        writeNode(json, row ? *row : snapshotNode(graph, node));
    }
    out += first ? "],\n  \"edges\": [" : "\n  ],\n  \"edges\": [";
    first = true;
    for (const ExportEdge& edge : edges) {
        out += first ? "\n    " : ",\n    ";
        first = false;
        json.beginObject();
        json.key("source_id");
        json.string(graph.id(edge.source));
        json.key("target_id");
        json.string(graph.id(edge.target));
        json.key("type");
        json.string(toString(edge.type));
        json.key("file_path");
        if (edge.file >= 0)
            json.string(graph.files()[size_t(edge.file)]);
        else
            json.raw("null");
        json.key("line");
        json.number(edge.line);
        json.endObject();
    }
    out += first ? "]\n}\n" : "\n  ]\n}\n";
    return out;
}

QByteArray exportCytoscape(const Graph& graph, const ExportSelection& selection, const std::vector<ExportEdge>& edges)
{
    QByteArray out;
    out.reserve(qsizetype(selection.nodes.size()) * 250 + qsizetype(edges.size()) * 150 + 64);
    JsonWriter json(out);
    out += "{\n  \"elements\": {\n    \"nodes\": [";
    bool first = true;
    for (NodeIndex node : selection.nodes) {
        out += first ? "\n      " : ",\n      ";
        first = false;
        out += "{\"data\": ";
        json.beginObject();
        json.key("id");
        json.string(graph.id(node));
        json.key("label");
        json.string(label(graph, node));
        json.key("type");
        json.string(toString(graph.type(node)));
        json.key("kind");
        json.string(graph.kind(node));
        json.key("name");
        json.string(graph.name(node));
        json.key("qualified_name");
        json.string(graph.qualifiedName(node));
        json.key("file_path");
        json.stringOrNull(graph.filePath(node));
        json.key("line_start");
        json.number(graph.lineStart(node));
        json.endObject();
        out += '}';
    }
    out += first ? "],\n    \"edges\": [" : "\n    ],\n    \"edges\": [";
    first = true;
    qint64 id = 0;
    for (const ExportEdge& edge : edges) {
        out += first ? "\n      " : ",\n      ";
        first = false;
        out += "{\"data\": ";
        json.beginObject();
        json.key("id");
        json.string(QStringLiteral("e%1").arg(id++));
        json.key("source");
        json.string(graph.id(edge.source));
        json.key("target");
        json.string(graph.id(edge.target));
        json.key("type");
        json.string(toString(edge.type));
        json.key("line");
        json.number(edge.line);
        json.endObject();
        out += '}';
    }
    out += first ? "]\n  }\n}\n" : "\n    ]\n  }\n}\n";
    return out;
}

// GraphML --------------------------------------------------------------------------------------

QByteArray exportGraphMl(const Graph& graph, const ExportSelection& selection, const std::vector<ExportEdge>& edges)
{
    QByteArray out;
    QXmlStreamWriter xml(&out);
    xml.setAutoFormatting(true);
    xml.setAutoFormattingIndent(2);
    xml.writeStartDocument();
    xml.writeStartElement(QStringLiteral("graphml"));
    xml.writeDefaultNamespace(QStringLiteral("http://graphml.graphdrawing.org/xmlns"));
    struct Key {
        const char* id;
        const char* domain;
        const char* name;
        const char* type;
    };
    static constexpr Key kKeys[] = {
        {"d_type", "node", "type", "string"},
        {"d_kind", "node", "kind", "string"},
        {"d_name", "node", "name", "string"},
        {"d_qualified_name", "node", "qualified_name", "string"},
        {"d_file_path", "node", "file_path", "string"},
        {"d_line_start", "node", "line_start", "int"},
        {"d_label", "node", "label", "string"},
        {"e_type", "edge", "type", "string"},
        {"e_line", "edge", "line", "int"},
    };
    for (const Key& key : kKeys) {
        xml.writeStartElement(QStringLiteral("key"));
        xml.writeAttribute(QStringLiteral("id"), QLatin1String(key.id));
        xml.writeAttribute(QStringLiteral("for"), QLatin1String(key.domain));
        xml.writeAttribute(QStringLiteral("attr.name"), QLatin1String(key.name));
        xml.writeAttribute(QStringLiteral("attr.type"), QLatin1String(key.type));
        xml.writeEndElement();
    }
    xml.writeStartElement(QStringLiteral("graph"));
    xml.writeAttribute(QStringLiteral("id"), QStringLiteral("mu"));
    xml.writeAttribute(QStringLiteral("edgedefault"), QStringLiteral("directed"));
    const auto data = [&xml](const char* key, const QString& value) {
        xml.writeStartElement(QStringLiteral("data"));
        xml.writeAttribute(QStringLiteral("key"), QLatin1String(key));
        xml.writeCharacters(oneLine(value));
        xml.writeEndElement();
    };
    for (NodeIndex node : selection.nodes) {
        xml.writeStartElement(QStringLiteral("node"));
        xml.writeAttribute(QStringLiteral("id"), oneLine(graph.id(node)));
        data("d_type", toString(graph.type(node)));
        data("d_kind", graph.kind(node));
        data("d_name", graph.name(node));
        data("d_qualified_name", graph.qualifiedName(node));
        if (!graph.filePath(node).isEmpty())
            data("d_file_path", graph.filePath(node));
        data("d_line_start", QString::number(graph.lineStart(node)));
        data("d_label", label(graph, node));
        xml.writeEndElement();
    }
    int id = 0;
    for (const ExportEdge& edge : edges) {
        xml.writeStartElement(QStringLiteral("edge"));
        xml.writeAttribute(QStringLiteral("id"), QStringLiteral("e%1").arg(id++));
        xml.writeAttribute(QStringLiteral("source"), oneLine(graph.id(edge.source)));
        xml.writeAttribute(QStringLiteral("target"), oneLine(graph.id(edge.target)));
        data("e_type", toString(edge.type));
        data("e_line", QString::number(edge.line));
        xml.writeEndElement();
    }
    xml.writeEndElement(); // graph
    xml.writeEndElement(); // graphml
    xml.writeEndDocument();
    return out;
}

// DOT ------------------------------------------------------------------------------------------

/// A DOT double-quoted string. Backslashes are doubled so that label escapes (\n, \l, \N …) never
/// fire on identifier text and a trailing backslash cannot swallow the closing quote.
QString dotQuoted(const QString& text)
{
    QString out;
    out.reserve(text.size() + 2);
    out += u'"';
    for (const QChar c : oneLine(text)) {
        if (c == u'"' || c == u'\\')
            out += u'\\';
        out += c;
    }
    out += u'"';
    return out;
}

QByteArray exportDot(
    const Graph& graph, const ExportSelection& selection, const std::vector<ExportEdge>& edges, Direction direction)
{
    QString out;
    out += QStringLiteral("digraph \"mu\" {\n");
    out += QStringLiteral("    graph [rankdir=%1, charset=\"UTF-8\"];\n").arg(directionCode(direction));
    out += QStringLiteral("    node [fontname=\"Helvetica\", fontsize=10];\n");
    out += QStringLiteral("    edge [fontname=\"Helvetica\", fontsize=8];\n");
    for (NodeIndex node : selection.nodes) {
        QString attributes;
        switch (graph.type(node)) {
        case NodeType::Module:
            attributes = QStringLiteral("shape=folder, style=filled, fillcolor=\"#e8f0fe\"");
            break;
        case NodeType::Class:
            attributes = QStringLiteral("shape=box, style=filled, fillcolor=\"#fef7e0\"");
            break;
        case NodeType::Function:
            attributes = QStringLiteral("shape=ellipse");
            break;
        case NodeType::External:
            attributes = QStringLiteral("shape=box, style=dashed");
            break;
        }
        out += QStringLiteral("    %1 [label=%2, tooltip=%1, %3];\n")
                   .arg(dotQuoted(graph.id(node)), dotQuoted(label(graph, node)), attributes);
    }
    for (const ExportEdge& edge : edges) {
        QString style;
        switch (edge.type) {
        case EdgeType::Contains:
            style = QStringLiteral(", style=dotted, arrowhead=odiamond");
            break;
        case EdgeType::Inherits:
            style = QStringLiteral(", arrowhead=empty");
            break;
        case EdgeType::Uses:
            style = QStringLiteral(", style=dashed");
            break;
        case EdgeType::Imports:
        case EdgeType::Calls:
            break;
        }
        out += QStringLiteral("    %1 -> %2 [label=\"%3\"%4];\n")
                   .arg(dotQuoted(graph.id(edge.source)), dotQuoted(graph.id(edge.target)), toString(edge.type), style);
    }
    out += QStringLiteral("}\n");
    return out.toUtf8();
}

// Mermaid --------------------------------------------------------------------------------------

/// Text for a quoted Mermaid label: entity codes for everything Mermaid would read as syntax or
/// HTML (quotes, #, <, >, &, backticks for markdown strings).
QString mermaidText(const QString& text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : oneLine(text)) {
        switch (c.unicode()) {
        case u'"':
        case u'#':
        case u'<':
        case u'>':
        case u'&':
        case u'`':
        case u'\\':
            out += u'#' + QString::number(c.unicode()) + u';';
            break;
        default:
            out += c;
        }
    }
    return out;
}

QString typeClass(NodeType type)
{
    return toString(type);
}

QByteArray exportMermaidFlowchart(
    const Graph& graph, const ExportSelection& selection, const std::vector<ExportEdge>& edges, Direction direction)
{
    QHash<NodeIndex, int> keys;
    QString out = QStringLiteral("flowchart %1\n").arg(directionCode(direction));
    int next = 0;
    for (NodeIndex node : selection.nodes) {
        const int key = next++;
        keys.insert(node, key);
        const QString text = mermaidText(label(graph, node));
        QString shape;
        switch (graph.type(node)) {
        case NodeType::Module:
            shape = QStringLiteral("[\"%1\"]").arg(text);
            break;
        case NodeType::Class:
            shape = QStringLiteral("[[\"%1\"]]").arg(text);
            break;
        case NodeType::Function:
            shape = QStringLiteral("(\"%1\")").arg(text);
            break;
        case NodeType::External:
            shape = QStringLiteral("{{\"%1\"}}").arg(text);
            break;
        }
        out += QStringLiteral("    n%1%2:::%3\n").arg(key).arg(shape, typeClass(graph.type(node)));
    }
    for (const ExportEdge& edge : edges) {
        const QString arrow = edge.type == EdgeType::Contains ? QStringLiteral("-.->") : QStringLiteral("-->");
        out += QStringLiteral("    n%1 %2|%3| n%4\n")
                   .arg(keys.value(edge.source))
                   .arg(arrow, toString(edge.type))
                   .arg(keys.value(edge.target));
    }
    out += QStringLiteral("    classDef module fill:#e8f0fe,stroke:#4a6fa5\n");
    out += QStringLiteral("    classDef class fill:#fef7e0,stroke:#b08800\n");
    out += QStringLiteral("    classDef function fill:#e6f4ea,stroke:#188038\n");
    out += QStringLiteral("    classDef external fill:#f1f3f4,stroke:#80868b,stroke-dasharray:4 2\n");
    return out.toUtf8();
}

/// A classDiagram member or type: generics in Mermaid's ~T~ notation and nothing that would close
/// the class body, start a label or split the line.
QString mermaidMember(const QString& text, bool name = false)
{
    QString out;
    for (const QChar c : oneLine(text)) {
        if (name && c == u'<')
            out += QChar(0x2039); // ‹ : an operator name, not a generic
        else if (name && c == u'>')
            out += QChar(0x203A); // ›
        else if (c == u'<' || c == u'>')
            out += u'~';
        else if (c.isLetterOrNumber() || c == u'_' || c == u'.' || c == u',' || c == u' ' || c == u'~' || c == u'['
            || c == u']' || c == u'*' || c == u'&' || c == u'?' || c == u'$')
            out += c;
    }
    return out.trimmed();
}

Result<QByteArray> exportMermaidClass(const store::StoreReader& reader, const Graph& graph,
    const ExportSelection& selection, const std::vector<bool>& kept, Direction direction)
{
    // Classes, their kept members, and the externals they inherit from or use.
    std::vector<NodeIndex> classes;
    QSet<NodeIndex> shown;
    for (NodeIndex node : selection.nodes) {
        if (graph.type(node) == NodeType::Class) {
            classes.push_back(node);
            shown.insert(node);
        }
    }
    struct Relation {
        NodeIndex from;
        NodeIndex to;
        EdgeType type;
    };
    std::vector<Relation> relations;
    for (NodeIndex node : classes) {
        for (const graph::Adjacent& adjacent : graph.outgoing(node)) {
            if (!kept[size_t(adjacent.node)])
                continue;
            const NodeType targetType = graph.type(adjacent.node);
            const bool classLike = targetType == NodeType::Class || targetType == NodeType::External;
            if (!classLike || adjacent.type == EdgeType::Calls || adjacent.type == EdgeType::Imports)
                continue;
            if (targetType == NodeType::External)
                shown.insert(adjacent.node);
            relations.push_back({node, adjacent.node, adjacent.type});
        }
    }
    std::vector<NodeIndex> ordered(shown.begin(), shown.end());
    std::sort(ordered.begin(), ordered.end());

    // Member details (parameters, return types) live in the store, one read per file.
    QHash<QString, QHash<QString, Node>> rowsByFile;
    const auto row = [&](NodeIndex node) -> Result<std::optional<Node>> {
        const QString& path = graph.filePath(node);
        if (path.isEmpty())
            return std::optional<Node>();
        auto it = rowsByFile.find(path);
        if (it == rowsByFile.end()) {
            Result<QList<Node>> rows = reader.nodesInFile(path);
            if (!rows)
                return rows.error();
            QHash<QString, Node> byId;
            for (Node& each : *rows)
                byId.insert(each.id, std::move(each));
            it = rowsByFile.insert(path, std::move(byId));
        }
        auto found = it->constFind(graph.id(node));
        return found == it->constEnd() ? std::optional<Node>() : std::optional<Node>(*found);
    };

    QHash<NodeIndex, int> keys;
    QString out = QStringLiteral("classDiagram\n    direction %1\n").arg(directionCode(direction));
    int next = 0;
    for (NodeIndex node : ordered) {
        const int key = next++;
        keys.insert(node, key);
        QString body;
        if (graph.type(node) == NodeType::External) {
            body += QStringLiteral("        <<external>>\n");
        } else {
            const QString& kind = graph.kind(node);
            if (!kind.isEmpty() && kind != QLatin1String("class"))
                body += QStringLiteral("        <<%1>>\n").arg(mermaidMember(kind));
            Result<std::optional<Node>> details = row(node);
            if (!details)
                return details.error();
            if (*details) {
                const QJsonArray attributes = (*details)->properties.value(QLatin1String("attributes")).toArray();
                for (const QJsonValue& attribute : attributes) {
                    const QString name = mermaidMember(attribute.toString());
                    if (!name.isEmpty())
                        body += QStringLiteral("        +%1\n").arg(name);
                }
            }
            for (const graph::Adjacent& adjacent : graph.outgoing(node)) {
                if (adjacent.type != EdgeType::Contains || !kept[size_t(adjacent.node)]
                    || graph.type(adjacent.node) != NodeType::Function)
                    continue;
                Result<std::optional<Node>> member = row(adjacent.node);
                if (!member)
                    return member.error();
                QStringList parameters;
                QString returnType;
                if (*member) {
                    const QJsonArray list = (*member)->properties.value(QLatin1String("parameters")).toArray();
                    for (const QJsonValue& value : list) {
                        const QString name = value.toObject().value(QLatin1String("name")).toString();
                        if (name == QLatin1String("self") || name == QLatin1String("cls")
                            || name == QLatin1String("this"))
                            continue;
                        const QString text = mermaidMember(name);
                        if (!text.isEmpty())
                            parameters.append(text);
                    }
                    returnType = mermaidMember((*member)->properties.value(QLatin1String("return_type")).toString());
                }
                QString name = mermaidMember(graph.name(adjacent.node), true);
                if (name.isEmpty())
                    name = QStringLiteral("member");
                body += QStringLiteral("        +%1(%2)%3\n")
                            .arg(name, parameters.join(QStringLiteral(", ")),
                                returnType.isEmpty() ? QString() : u' ' + returnType);
            }
        }
        const QString head = QStringLiteral("    class n%1[\"%2\"]").arg(key).arg(mermaidText(label(graph, node)));
        // An empty body is left out: not every Mermaid version accepts "{ }".
        out += body.isEmpty() ? QString(head + u'\n')
                              : QString(head + QStringLiteral(" {\n") + body + QStringLiteral("    }\n"));
    }
    for (const Relation& relation : relations) {
        const int from = keys.value(relation.from);
        const int to = keys.value(relation.to);
        switch (relation.type) {
        case EdgeType::Inherits:
            out += QStringLiteral("    n%1 <|-- n%2\n").arg(to).arg(from);
            break;
        case EdgeType::Contains:
            out += QStringLiteral("    n%1 *-- n%2 : contains\n").arg(from).arg(to);
            break;
        case EdgeType::Uses:
            out += QStringLiteral("    n%1 ..> n%2 : uses\n").arg(from).arg(to);
            break;
        case EdgeType::Imports:
        case EdgeType::Calls:
            break;
        }
    }
    return out.toUtf8();
}

// D2 -------------------------------------------------------------------------------------------

/// A D2 double-quoted string: backslash escapes for the quote, the backslash and `$` (which would
/// start a ${substitution}).
QString d2Quoted(const QString& text)
{
    QString out;
    out.reserve(text.size() + 2);
    out += u'"';
    for (const QChar c : oneLine(text)) {
        if (c == u'"' || c == u'\\' || c == u'$')
            out += u'\\';
        out += c;
    }
    out += u'"';
    return out;
}

QByteArray exportD2(
    const Graph& graph, const ExportSelection& selection, const std::vector<ExportEdge>& edges, Direction direction)
{
    QString d2Direction;
    switch (direction) {
    case Direction::LR:
        d2Direction = QStringLiteral("right");
        break;
    case Direction::TB:
        d2Direction = QStringLiteral("down");
        break;
    case Direction::RL:
        d2Direction = QStringLiteral("left");
        break;
    case Direction::BT:
        d2Direction = QStringLiteral("up");
        break;
    }
    QString out = QStringLiteral("direction: %1\n").arg(d2Direction);
    QHash<NodeIndex, int> keys;
    int next = 0;
    for (NodeIndex node : selection.nodes) {
        const int key = next++;
        keys.insert(node, key);
        QString shape;
        switch (graph.type(node)) {
        case NodeType::Module:
            shape = QStringLiteral("package");
            break;
        case NodeType::Class:
            shape = QStringLiteral("rectangle");
            break;
        case NodeType::Function:
            shape = QStringLiteral("oval");
            break;
        case NodeType::External:
            shape = QStringLiteral("hexagon");
            break;
        }
        out += QStringLiteral("n%1: %2 {\n  shape: %3\n  tooltip: %4\n}\n")
                   .arg(key)
                   .arg(d2Quoted(label(graph, node)), shape, d2Quoted(graph.id(node)));
    }
    for (const ExportEdge& edge : edges) {
        out += QStringLiteral("n%1 -> n%2: %3\n")
                   .arg(keys.value(edge.source))
                   .arg(keys.value(edge.target))
                   .arg(toString(edge.type));
    }
    return out.toUtf8();
}

} // namespace

QString toString(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Json:
        return QStringLiteral("json");
    case ExportFormat::Mu:
        return QStringLiteral("mu");
    case ExportFormat::Mermaid:
        return QStringLiteral("mermaid");
    case ExportFormat::MermaidClass:
        return QStringLiteral("mermaid-class");
    case ExportFormat::D2:
        return QStringLiteral("d2");
    case ExportFormat::Dot:
        return QStringLiteral("dot");
    case ExportFormat::Cytoscape:
        return QStringLiteral("cytoscape");
    case ExportFormat::GraphMl:
        return QStringLiteral("graphml");
    }
    return {};
}

std::optional<ExportFormat> exportFormatFromString(QStringView text)
{
    const QString lower = text.trimmed().toString().toLower();
    for (ExportFormat format : allExportFormats()) {
        if (lower == toString(format))
            return format;
    }
    if (lower == QLatin1String("graphviz"))
        return ExportFormat::Dot;
    if (lower == QLatin1String("classdiagram") || lower == QLatin1String("mermaid-classdiagram"))
        return ExportFormat::MermaidClass;
    if (lower == QLatin1String("flowchart") || lower == QLatin1String("mermaid-flowchart"))
        return ExportFormat::Mermaid;
    return std::nullopt;
}

QList<ExportFormat> allExportFormats()
{
    return {ExportFormat::Json, ExportFormat::Mu, ExportFormat::Mermaid, ExportFormat::MermaidClass, ExportFormat::D2,
        ExportFormat::Dot, ExportFormat::Cytoscape, ExportFormat::GraphMl};
}

QString mimeType(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Json:
    case ExportFormat::Cytoscape:
        return QStringLiteral("application/json");
    case ExportFormat::Mu:
        return QStringLiteral("text/plain; charset=utf-8");
    case ExportFormat::Mermaid:
    case ExportFormat::MermaidClass:
        return QStringLiteral("text/vnd.mermaid; charset=utf-8");
    case ExportFormat::D2:
        return QStringLiteral("text/vnd.d2; charset=utf-8");
    case ExportFormat::Dot:
        return QStringLiteral("text/vnd.graphviz; charset=utf-8");
    case ExportFormat::GraphMl:
        return QStringLiteral("application/graphml+xml");
    }
    return QStringLiteral("application/octet-stream");
}

QString fileExtension(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Json:
    case ExportFormat::Cytoscape:
        return QStringLiteral("json");
    case ExportFormat::Mu:
        return QStringLiteral("mu");
    case ExportFormat::Mermaid:
    case ExportFormat::MermaidClass:
        return QStringLiteral("mmd");
    case ExportFormat::D2:
        return QStringLiteral("d2");
    case ExportFormat::Dot:
        return QStringLiteral("dot");
    case ExportFormat::GraphMl:
        return QStringLiteral("graphml");
    }
    return {};
}

Result<ExportSelection> selectNodes(const Graph& graph, const ExportFilter& filter)
{
    if (filter.depth < 0)
        return Error {QStringLiteral("usage"), QStringLiteral("depth must not be negative")};
    if (filter.maxNodes < 0)
        return Error {QStringLiteral("usage"), QStringLiteral("max nodes must not be negative")};
    const size_t count = size_t(graph.nodeCount());
    constexpr int kUnreached = std::numeric_limits<int>::max();
    std::vector<int> distance(count, kUnreached);
    std::vector<NodeIndex> candidates;
    if (filter.nodeIds.isEmpty()) {
        std::fill(distance.begin(), distance.end(), 0);
        candidates.reserve(count);
        for (NodeIndex node = 0; node < graph.nodeCount(); ++node)
            candidates.push_back(node);
    } else {
        std::vector<NodeIndex> seeds;
        for (const QString& id : filter.nodeIds) {
            const NodeIndex node = graph.indexOf(id);
            if (node == graph::kNoNode)
                return Error {QStringLiteral("not_found"), QStringLiteral("No node %1").arg(id)};
            if (distance[size_t(node)] != 0) {
                distance[size_t(node)] = 0;
                seeds.push_back(node);
            }
        }
        candidates = seeds;
        if (filter.depth > 0) {
            graph::TraversalOptions options;
            options.direction = graph::Direction::Both;
            options.edgeTypes = graph::EdgeTypeSet::all();
            options.maxDepth = std::min(filter.depth, graph::kMaxDepth);
            options.limit = std::max(1, int(graph.nodeCount()));
            const graph::Traversal reached = graph::reach(graph, seeds, options);
            for (const graph::Reached& each : reached.nodes) {
                if (distance[size_t(each.node)] == kUnreached) {
                    distance[size_t(each.node)] = each.depth;
                    candidates.push_back(each.node);
                }
            }
        }
    }
    if (!filter.types.isEmpty()) {
        std::erase_if(candidates, [&](NodeIndex node) { return !filter.types.contains(graph.type(node)); });
    }
    ExportSelection selection;
    if (filter.maxNodes > 0 && candidates.size() > size_t(filter.maxNodes)) {
        std::vector<int> degree(count, 0);
        for (NodeIndex node : candidates)
            degree[size_t(node)] = graph.degree(node, graph::Direction::Both, graph::EdgeTypeSet::all());
        std::sort(candidates.begin(), candidates.end(), [&](NodeIndex a, NodeIndex b) {
            if (distance[size_t(a)] != distance[size_t(b)])
                return distance[size_t(a)] < distance[size_t(b)];
            if (degree[size_t(a)] != degree[size_t(b)])
                return degree[size_t(a)] > degree[size_t(b)];
            return a < b;
        });
        candidates.resize(size_t(filter.maxNodes));
        selection.truncated = true;
    }
    std::sort(candidates.begin(), candidates.end());
    selection.nodes = std::move(candidates);
    return selection;
}

Result<QByteArray> exportGraph(const store::StoreReader& reader, const Graph& graph, const ExportOptions& options)
{
    Result<Direction> direction = parseDirection(options.direction);
    if (!direction)
        return direction.error();
    Result<ExportSelection> selection = selectNodes(graph, options.filter);
    if (!selection)
        return selection.error();
    qCDebug(lcExport) << "exporting" << selection->nodes.size() << "nodes as" << toString(options.format);
    const std::vector<bool> kept = keptMask(graph, *selection);
    if (options.format == ExportFormat::Mu) {
        MuSelection mu;
        mu.expandContainers = false;
        mu.nodeIds.reserve(qsizetype(selection->nodes.size()));
        for (NodeIndex node : selection->nodes)
            mu.nodeIds.append(graph.id(node));
        MuTextOptions muOptions = options.mu;
        if (muOptions.source.isEmpty())
            muOptions.source = options.source;
        muOptions.revision = graph.revision();
        Result<QString> text = renderMuText(reader, mu, muOptions);
        if (!text)
            return text.error();
        return text->toUtf8();
    }
    if (options.format == ExportFormat::MermaidClass)
        return exportMermaidClass(reader, graph, *selection, kept, *direction);
    const std::vector<ExportEdge> edges = keptEdges(graph, *selection, kept);
    switch (options.format) {
    case ExportFormat::Json:
        return exportJson(reader, graph, *selection, edges, options);
    case ExportFormat::Cytoscape:
        return exportCytoscape(graph, *selection, edges);
    case ExportFormat::GraphMl:
        return exportGraphMl(graph, *selection, edges);
    case ExportFormat::Dot:
        return exportDot(graph, *selection, edges, *direction);
    case ExportFormat::Mermaid:
        return exportMermaidFlowchart(graph, *selection, edges, *direction);
    case ExportFormat::D2:
        return exportD2(graph, *selection, edges, *direction);
    case ExportFormat::Mu:
    case ExportFormat::MermaidClass:
        break;
    }
    return Error {QStringLiteral("usage"), QStringLiteral("Unknown export format")};
}

} // namespace mu::exports
