#pragma once

#include <QByteArray>
#include <QString>

#include <tree_sitter/api.h>

#include <utility>

namespace mu::parse {

/// The UTF-8 bytes a tree was parsed from, with helpers to read nodes back as text.
/// Thread: a value; safe to share read-only.
class SourceText {
public:
    explicit SourceText(QByteArray utf8) : m_bytes(std::move(utf8)) { }

    const QByteArray& bytes() const { return m_bytes; }
    QByteArrayView view(TSNode node) const;
    QString text(TSNode node) const;
    /// The node's text with runs of whitespace (including newlines) folded to one space.
    QString singleLine(TSNode node) const;
    /// Text between two byte offsets, clamped to the buffer.
    QString slice(uint32_t startByte, uint32_t endByte) const;

private:
    QByteArray m_bytes;
};

/// Decoding of raw file bytes into the UTF-8 a parser reads. Invalid UTF-8 is taken as Latin-1,
/// which maps every byte to one code point, so nothing is lost.
struct DecodedSource {
    QByteArray utf8;
    QString encoding; ///< "utf-8" or "latin-1"
};
DecodedSource decodeSource(const QByteArray& raw);

/// True when the bytes look binary (a NUL byte in the first 8 KiB), as git decides.
bool looksBinary(const QByteArray& raw);

/// The first paragraph of a docstring or doc comment, lines joined with single spaces.
QString firstParagraph(QStringView doc);

} // namespace mu::parse
