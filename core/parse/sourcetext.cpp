#include "parse/sourcetext.h"

#include <QStringDecoder>
#include <QStringList>

#include <algorithm>

namespace mu::parse {

QByteArrayView SourceText::view(TSNode node) const
{
    const qsizetype size = m_bytes.size();
    const qsizetype from = std::min<qsizetype>(ts_node_start_byte(node), size);
    const qsizetype to = std::clamp<qsizetype>(ts_node_end_byte(node), from, size);
    return QByteArrayView(m_bytes.constData() + from, to - from);
}

QString SourceText::text(TSNode node) const
{
    return slice(ts_node_start_byte(node), ts_node_end_byte(node));
}

QString SourceText::slice(uint32_t startByte, uint32_t endByte) const
{
    const qsizetype size = m_bytes.size();
    const qsizetype from = std::min<qsizetype>(startByte, size);
    const qsizetype to = std::clamp<qsizetype>(endByte, from, size);
    return QString::fromUtf8(m_bytes.constData() + from, to - from);
}

QString SourceText::singleLine(TSNode node) const
{
    return text(node).simplified();
}

DecodedSource decodeSource(const QByteArray& raw)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    // Decoding into a throwaway string is the cheapest validity check Qt offers; the bytes
    // themselves are kept, since the parser reads UTF-8.
    const QString probe = decoder.decode(raw);
    if (!decoder.hasError())
        return {raw, QStringLiteral("utf-8")};
    return {QString::fromLatin1(raw).toUtf8(), QStringLiteral("latin-1")};
}

bool looksBinary(const QByteArray& raw)
{
    return QByteArrayView(raw).first(std::min<qsizetype>(raw.size(), 8192)).contains('\0');
}

QString firstParagraph(QStringView doc)
{
    QStringList lines;
    bool started = false;
    for (QStringView line : doc.split(u'\n')) {
        const QStringView trimmed = line.trimmed();
        if (trimmed.isEmpty()) {
            if (started)
                break;
            continue;
        }
        started = true;
        lines.append(trimmed.toString());
    }
    return lines.join(u' ');
}

} // namespace mu::parse
