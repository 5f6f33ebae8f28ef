#include "model/graphtypes.h"

#include "model/fileindex.h"
#include "model/reference.h"

#include <QHash>
#include <QJsonDocument>
#include <QtEndian>

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
    case Reference::Kind::MemberOf:
        return QStringLiteral("member_of");
    }
    Q_UNREACHABLE();
}

Reference::Kind referenceKindFromString(QStringView text, bool* ok)
{
    using K = Reference::Kind;
    for (K kind : {K::Import, K::Call, K::Inherit, K::Use, K::MemberOf}) {
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

namespace {

void putU32(QByteArray& out, quint32 value)
{
    const quint32 le = qToLittleEndian(value);
    out.append(reinterpret_cast<const char*>(&le), sizeof le);
}

/// Reads the encoding back without copies; every read is bounds-checked.
class Reader {
public:
    explicit Reader(const QByteArray& data) : m_p(data.constData()), m_end(data.constData() + data.size()) { }
    bool ok() const { return m_ok; }
    quint32 u32()
    {
        if (m_end - m_p < 4) {
            m_ok = false;
            return 0;
        }
        const quint32 value = qFromLittleEndian<quint32>(m_p);
        m_p += 4;
        return value;
    }
    quint8 u8()
    {
        if (m_p >= m_end) {
            m_ok = false;
            return 0;
        }
        return quint8(*m_p++);
    }
    QString utf8(quint32 size)
    {
        if (quint64(m_end - m_p) < size) {
            m_ok = false;
            return {};
        }
        QString text = QString::fromUtf8(m_p, qsizetype(size));
        m_p += size;
        return text;
    }

private:
    const char* m_p;
    const char* m_end;
    bool m_ok = true;
};

} // namespace

QByteArray encodeReferences(const QList<Reference>& references)
{
    StringTable table;
    QByteArray rows;
    rows.reserve(references.size() * 29);
    for (const Reference& ref : references) {
        const QString details = ref.details.isEmpty()
            ? QString()
            : QString::fromUtf8(QJsonDocument(ref.details).toJson(QJsonDocument::Compact));
        rows.append(char(ref.kind));
        for (const QString* text : {&ref.sourceId, &ref.target, &ref.receiver, &ref.receiverType, &details})
            putU32(rows, table.add(*text));
        putU32(rows, quint32(ref.line));
        putU32(rows, quint32(ref.column));
    }
    QByteArray data;
    data.append(char(kReferencesFormat));
    putU32(data, quint32(table.strings().size()));
    for (const QByteArray& string : table.strings()) {
        putU32(data, quint32(string.size()));
        data.append(string);
    }
    putU32(data, quint32(references.size()));
    data.append(rows);
    return data;
}

std::optional<QList<Reference>> decodeReferences(const QByteArray& data)
{
    Reader in(data);
    if (in.u8() != kReferencesFormat)
        return std::nullopt;
    const quint32 stringCount = in.u32();
    if (!in.ok() || stringCount > quint32(data.size()))
        return std::nullopt;
    QList<QString> strings {QString()};
    strings.reserve(qsizetype(stringCount) + 1);
    for (quint32 i = 0; i < stringCount && in.ok(); ++i)
        strings.append(in.utf8(in.u32()));
    const quint32 count = in.u32();
    if (!in.ok() || count > quint32(data.size()))
        return std::nullopt;
    const auto text = [&](quint32 index, bool& ok) -> QString {
        if (index >= quint32(strings.size())) {
            ok = false;
            return {};
        }
        return strings[index];
    };
    QList<Reference> references;
    references.reserve(count);
    for (quint32 i = 0; i < count; ++i) {
        const quint8 kind = in.u8();
        bool ok = kind <= quint8(Reference::Kind::MemberOf);
        Reference ref;
        ref.kind = Reference::Kind(kind);
        ref.sourceId = text(in.u32(), ok);
        ref.target = text(in.u32(), ok);
        ref.receiver = text(in.u32(), ok);
        ref.receiverType = text(in.u32(), ok);
        const QString json = text(in.u32(), ok);
        ref.line = qint32(in.u32());
        ref.column = qint32(in.u32());
        if (!ok || !in.ok())
            return std::nullopt;
        if (!json.isEmpty())
            ref.details = QJsonDocument::fromJson(json.toUtf8()).object();
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
