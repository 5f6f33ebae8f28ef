#include "model/graphtypes.h"

#include "model/fileindex.h"
#include "model/reference.h"

#include <QDataStream>
#include <QHash>
#include <QIODevice>
#include <QJsonDocument>

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

namespace {

// Format 1: a table of the file's distinct strings (UTF-8; index 0 is the empty string), then
// each reference as fixed-size integers indexing it. Source ids, receivers and targets repeat a
// lot within a file, so this is several times smaller than writing each string per reference.
constexpr quint8 kReferencesFormat = 1;

class StringTable {
public:
    quint32 add(const QString& text)
    {
        if (text.isEmpty())
            return 0;
        const auto it = m_index.constFind(text);
        if (it != m_index.constEnd())
            return *it;
        const auto index = quint32(m_strings.size() + 1);
        m_index.insert(text, index);
        m_strings.append(text.toUtf8());
        return index;
    }
    const QList<QByteArray>& strings() const { return m_strings; }

private:
    QHash<QString, quint32> m_index;
    QList<QByteArray> m_strings;
};

} // namespace

QByteArray encodeReferences(const QList<Reference>& references)
{
    StringTable table;
    struct Row {
        quint8 kind;
        quint32 source, target, receiver, receiverType, details;
        qint32 line, column;
    };
    QList<Row> rows;
    rows.reserve(references.size());
    for (const Reference& ref : references) {
        const QString details = ref.details.isEmpty()
            ? QString()
            : QString::fromUtf8(QJsonDocument(ref.details).toJson(QJsonDocument::Compact));
        rows.append({quint8(ref.kind), table.add(ref.sourceId), table.add(ref.target), table.add(ref.receiver),
            table.add(ref.receiverType), table.add(details), qint32(ref.line), qint32(ref.column)});
    }
    QByteArray data;
    QDataStream out(&data, QIODevice::WriteOnly);
    out.setVersion(QDataStream::Qt_6_4);
    out << kReferencesFormat << quint32(table.strings().size());
    for (const QByteArray& string : table.strings())
        out << string;
    out << quint32(rows.size());
    for (const Row& row : rows) {
        out << row.kind << row.source << row.target << row.receiver << row.receiverType << row.details << row.line
            << row.column;
    }
    return data;
}

std::optional<QList<Reference>> decodeReferences(const QByteArray& data)
{
    QDataStream in(data);
    in.setVersion(QDataStream::Qt_6_4);
    quint8 format = 0;
    quint32 stringCount = 0;
    in >> format >> stringCount;
    if (in.status() != QDataStream::Ok || format != kReferencesFormat || stringCount > quint32(data.size()))
        return std::nullopt;
    QList<QString> strings{QString()};
    strings.reserve(qsizetype(stringCount) + 1);
    for (quint32 i = 0; i < stringCount; ++i) {
        QByteArray utf8;
        in >> utf8;
        strings.append(QString::fromUtf8(utf8));
    }
    quint32 count = 0;
    in >> count;
    if (in.status() != QDataStream::Ok || count > quint32(data.size()))
        return std::nullopt;
    const auto text = [&](quint32 index, bool* ok) -> QString {
        if (index >= quint32(strings.size())) {
            *ok = false;
            return {};
        }
        return strings[index];
    };
    QList<Reference> references;
    references.reserve(count);
    for (quint32 i = 0; i < count; ++i) {
        quint8 kind = 0;
        quint32 source = 0, target = 0, receiver = 0, receiverType = 0, details = 0;
        qint32 line = 0, column = 0;
        in >> kind >> source >> target >> receiver >> receiverType >> details >> line >> column;
        bool ok = in.status() == QDataStream::Ok && kind <= quint8(Reference::Kind::Use);
        Reference ref;
        ref.kind = Reference::Kind(kind);
        ref.sourceId = text(source, &ok);
        ref.target = text(target, &ok);
        ref.receiver = text(receiver, &ok);
        ref.receiverType = text(receiverType, &ok);
        const QString json = text(details, &ok);
        if (!ok)
            return std::nullopt;
        if (!json.isEmpty())
            ref.details = QJsonDocument::fromJson(json.toUtf8()).object();
        ref.line = line;
        ref.column = column;
        references.append(std::move(ref));
    }
    return references;
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
