#include "model/graphtypes.h"

#include "model/fileindex.h"
#include "model/reference.h"

namespace mu {

QString toString(NodeType type)
{
    switch (type) {
    case NodeType::Module:
        return QStringLiteral("module");
    case NodeType::Class:
        return QStringLiteral("class");
    case NodeType::Function:
        return QStringLiteral("function");
    case NodeType::External:
        return QStringLiteral("external");
    }
    Q_UNREACHABLE();
}

QString toString(EdgeType type)
{
    switch (type) {
    case EdgeType::Contains:
        return QStringLiteral("contains");
    case EdgeType::Imports:
        return QStringLiteral("imports");
    case EdgeType::Inherits:
        return QStringLiteral("inherits");
    case EdgeType::Calls:
        return QStringLiteral("calls");
    case EdgeType::Uses:
        return QStringLiteral("uses");
    }
    Q_UNREACHABLE();
}

QList<NodeType> allNodeTypes()
{
    return {NodeType::Module, NodeType::Class, NodeType::Function, NodeType::External};
}

QList<EdgeType> allEdgeTypes()
{
    return {EdgeType::Contains, EdgeType::Imports, EdgeType::Inherits, EdgeType::Calls, EdgeType::Uses};
}

std::optional<NodeType> nodeTypeFromString(QStringView text)
{
    for (NodeType type : allNodeTypes()) {
        if (text.compare(toString(type), Qt::CaseInsensitive) == 0)
            return type;
    }
    return std::nullopt;
}

std::optional<EdgeType> edgeTypeFromString(QStringView text)
{
    for (EdgeType type : allEdgeTypes()) {
        if (text.compare(toString(type), Qt::CaseInsensitive) == 0)
            return type;
    }
    return std::nullopt;
}

QString toString(Reference::Kind kind)
{
    switch (kind) {
    case Reference::Kind::Import:
        return QStringLiteral("import");
    case Reference::Kind::Call:
        return QStringLiteral("call");
    case Reference::Kind::Inherit:
        return QStringLiteral("inherit");
    case Reference::Kind::Use:
        return QStringLiteral("use");
    }
    Q_UNREACHABLE();
}

Reference::Kind referenceKindFromString(QStringView text, bool* ok)
{
    using K = Reference::Kind;
    for (K kind : {K::Import, K::Call, K::Inherit, K::Use}) {
        if (text == toString(kind)) {
            if (ok)
                *ok = true;
            return kind;
        }
    }
    if (ok)
        *ok = false;
    return K::Call;
}

QString toString(ParseStatus status)
{
    switch (status) {
    case ParseStatus::Ok:
        return QStringLiteral("ok");
    case ParseStatus::Partial:
        return QStringLiteral("partial");
    case ParseStatus::Skipped:
        return QStringLiteral("skipped");
    case ParseStatus::Failed:
        return QStringLiteral("failed");
    }
    Q_UNREACHABLE();
}

ParseStatus parseStatusFromString(QStringView text)
{
    for (ParseStatus s : {ParseStatus::Ok, ParseStatus::Partial, ParseStatus::Skipped, ParseStatus::Failed}) {
        if (text == toString(s))
            return s;
    }
    return ParseStatus::Failed;
}

} // namespace mu
