#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace mu {

/// The four node types of SPEC §1. The finer, language-specific word lives in Node::kind.
enum class NodeType {
    Module,
    Class,
    Function,
    External
};

/// The five edge types of SPEC §1.
enum class EdgeType {
    Contains,
    Imports,
    Inherits,
    Calls,
    Uses
};

QString toString(NodeType type);
QString toString(EdgeType type);
std::optional<NodeType> nodeTypeFromString(QStringView text);
std::optional<EdgeType> edgeTypeFromString(QStringView text);
QList<NodeType> allNodeTypes();
QList<EdgeType> allEdgeTypes();

/// One entity of the graph (SPEC §1). Lines are 1-based; columns are 0-based byte offsets in the
/// line, as tree-sitter reports them.
struct Node {
    QString id;
    NodeType type = NodeType::Module;
    QString kind;
    QString name;
    QString qualifiedName;
    QString filePath; ///< project-relative, '/'-separated; empty for externals
    int lineStart = 0;
    int lineEnd = 0;
    int colStart = 0;
    int colEnd = 0;
    QString signature;
    QString docstring;
    int complexity = 0;
    QJsonObject properties;

    friend bool operator==(const Node&, const Node&) = default;
};

/// A directed, typed relation between two nodes. An edge belongs to the file it was found in
/// (filePath), so replacing a file's rows replaces its outgoing edges.
struct Edge {
    QString sourceId;
    QString targetId;
    EdgeType type = EdgeType::Contains;
    QString filePath;
    int line = 0;
    QJsonObject properties;

    friend bool operator==(const Edge&, const Edge&) = default;
};

} // namespace mu
