#include "context/pretokenizer.h"

#include <QChar>
#include <QString>

#include <algorithm>
#include <array>
#include <cstring>
#include <span>

namespace mu::context {

namespace {

using namespace charclass;

constexpr std::size_t kNone = std::string_view::npos;

bool isJsSpace(char32_t c)
{
    // ECMAScript WhiteSpace + LineTerminator: not U+0085, not U+180E (no longer Zs).
    switch (c) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF:
        return true;
    default:
        return c >= 0x2000 && c <= 0x200A;
    }
}

std::uint8_t flagsOfCategory(QChar::Category category)
{
    switch (category) {
    case QChar::Letter_Uppercase:
    case QChar::Letter_Titlecase:
        return kLetter | kUpper;
    case QChar::Letter_Lowercase:
        return kLetter | kLower;
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
        return kLetter | kUpper | kLower;
    case QChar::Mark_NonSpacing:
    case QChar::Mark_SpacingCombining:
    case QChar::Mark_Enclosing:
        return kUpper | kLower;
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other:
        return kNumber;
    default:
        return 0;
    }
}

std::uint8_t computeClass(char32_t c)
{
    if (isJsSpace(c))
        return kSpace;
    const auto overrides = unicodeOverrides();
    auto it = std::upper_bound(overrides.begin(), overrides.end(), c,
        [](char32_t value, const UnicodeOverride& o) { return value < o.first; });
    if (it != overrides.begin() && c <= std::prev(it)->last)
        return std::prev(it)->flags;
    return flagsOfCategory(QChar::category(c));
}

const std::array<std::uint8_t, 0x10000>& bmpClasses()
{
    static const auto table = [] {
        std::array<std::uint8_t, 0x10000> t {};
        for (char32_t c = 0; c < 0x10000; ++c)
            t[c] = computeClass(c);
        return t;
    }();
    return table;
}

/// The input and the primitives the matchers share; positions are byte offsets at code point
/// starts (the input is well-formed UTF-8).
class Text {
public:
    explicit Text(std::string_view text)
        : m_bytes(reinterpret_cast<const unsigned char*>(text.data())), m_size(text.size()), m_bmp(bmpClasses().data())
    { }

    std::size_t size() const { return m_size; }
    unsigned char byte(std::size_t at) const { return m_bytes[at]; }
    bool isCrLf(std::size_t at) const { return m_bytes[at] == '\r' || m_bytes[at] == '\n'; }

    std::uint8_t classAt(std::size_t at, std::size_t& length) const
    {
        const unsigned char b = m_bytes[at];
        if (b < 0x80) {
            length = 1;
            return m_bmp[b];
        }
        char32_t c;
        if (b < 0xE0) {
            length = 2;
            c = (char32_t(b & 0x1F) << 6) | (m_bytes[at + 1] & 0x3F);
        } else if (b < 0xF0) {
            length = 3;
            c = (char32_t(b & 0x0F) << 12) | (char32_t(m_bytes[at + 1] & 0x3F) << 6) | (m_bytes[at + 2] & 0x3F);
        } else {
            length = 4;
            c = (char32_t(b & 0x07) << 18) | (char32_t(m_bytes[at + 1] & 0x3F) << 12)
                | (char32_t(m_bytes[at + 2] & 0x3F) << 6) | (m_bytes[at + 3] & 0x3F);
            return computeClass(c);
        }
        return m_bmp[c];
    }

    std::uint8_t classAt(std::size_t at) const
    {
        std::size_t length;
        return classAt(at, length);
    }

    std::size_t previous(std::size_t at) const
    {
        do {
            --at;
        } while (at > 0 && (m_bytes[at] & 0xC0) == 0x80);
        return at;
    }

    /// End of the run of code points having any of `flags`.
    std::size_t runOf(std::size_t at, std::uint8_t flags) const
    {
        std::size_t length;
        while (at < m_size && (classAt(at, length) & flags))
            at += length;
        return at;
    }

    /// End of the run of code points having none of `flags`.
    std::size_t runOfNone(std::size_t at, std::uint8_t flags) const
    {
        std::size_t length;
        while (at < m_size && !(classAt(at, length) & flags))
            at += length;
        return at;
    }

    /// ('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|…|'m|'M|'ll|…|'d|'D) at `at`: its end, or kNone.
    std::size_t contraction(std::size_t at) const
    {
        if (at + 1 >= m_size || m_bytes[at] != '\'')
            return kNone;
        // Or-ing 0x20 folds ASCII case; no other byte folds onto these letters.
        const unsigned char c1 = m_bytes[at + 1] | 0x20;
        if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd')
            return at + 2;
        if (at + 2 < m_size) {
            const unsigned char c2 = m_bytes[at + 2] | 0x20;
            if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l'))
                return at + 3;
        }
        return kNone;
    }

    std::size_t withOptionalContraction(std::size_t at) const
    {
        const std::size_t end = contraction(at);
        return end == kNone ? at : end;
    }

    /// \p{N}{1,3} (the caller checked the first).
    std::size_t digits(std::size_t at) const
    {
        std::size_t length;
        classAt(at, length);
        std::size_t end = at + length;
        for (int i = 1; i < 3 && end < m_size && (classAt(end, length) & kNumber); ++i)
            end += length;
        return end;
    }

    /// ` ?[^\s\p{L}\p{N}]+` followed by a run of `trailing` bytes (ASCII), or kNone.
    std::size_t punctuation(std::size_t at, std::string_view trailing) const
    {
        std::size_t start = at;
        if (m_bytes[start] == ' ')
            ++start;
        // Without the optional space the class would have to match the space: no second try.
        if (start >= m_size || (classAt(start) & (kLetter | kNumber | kSpace)))
            return kNone;
        std::size_t end = runOfNone(start, kLetter | kNumber | kSpace);
        while (end < m_size && trailing.find(char(m_bytes[end])) != std::string_view::npos)
            ++end;
        return end;
    }

    /// \s*[\r\n]+|\s+(?!\S)|\s+ at a blank.
    std::size_t whitespace(std::size_t at) const
    {
        std::size_t end = at;
        std::size_t lastStart = at;
        std::size_t afterLastCrLf = kNone;
        std::size_t length;
        while (end < m_size && (classAt(end, length) & kSpace)) {
            if (isCrLf(end))
                afterLastCrLf = end + 1;
            lastStart = end;
            end += length;
        }
        if (end == at) { // not a blank: unreachable with these patterns, but always make progress
            classAt(at, length);
            return at + length;
        }
        if (afterLastCrLf != kNone) // \s*[\r\n]+ backtracks to the last line break of the run
            return afterLastCrLf;
        if (end == m_size || lastStart == at) // \s+(?!\S) takes it all at the end; else \s+
            return end;
        return lastStart; // \s+(?!\S): the last blank goes with what follows
    }

private:
    const unsigned char* m_bytes;
    std::size_t m_size;
    const std::uint8_t* m_bmp;
};

bool canPrefix(const Text& text, std::size_t at, std::uint8_t cls)
{
    return !(cls & (kLetter | kNumber)) && !text.isCrLf(at); // [^\r\n\p{L}\p{N}]
}

std::size_t matchCl100k(const Text& text, std::size_t at)
{
    if (const std::size_t end = text.contraction(at); end != kNone)
        return end;
    std::size_t length;
    const std::uint8_t cls = text.classAt(at, length);
    // [^\r\n\p{L}\p{N}]?\p{L}+
    if (cls & kLetter)
        return text.runOf(at + length, kLetter);
    if (canPrefix(text, at, cls) && at + length < text.size() && (text.classAt(at + length) & kLetter))
        return text.runOf(at + length, kLetter);
    if (cls & kNumber)
        return text.digits(at);
    if (const std::size_t end = text.punctuation(at, "\r\n"); end != kNone)
        return end;
    return text.whitespace(at);
}

/// [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+ at `start`, with the backtracking of
/// the greedy first run when the second finds nothing after it; kNone when it cannot match.
std::size_t upperThenLower(const Text& text, std::size_t start)
{
    if (start >= text.size())
        return kNone;
    std::size_t at = text.runOf(start, kUpper);
    while (true) {
        if (at < text.size() && (text.classAt(at) & kLower))
            return text.runOf(at, kLower);
        if (at == start)
            return kNone;
        at = text.previous(at);
    }
}

/// [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]* at `start`, or kNone.
std::size_t upperRunThenLower(const Text& text, std::size_t start)
{
    if (start >= text.size())
        return kNone;
    const std::size_t upperEnd = text.runOf(start, kUpper);
    if (upperEnd == start)
        return kNone;
    return text.runOf(upperEnd, kLower);
}

std::size_t matchO200k(const Text& text, std::size_t at)
{
    std::size_t length;
    const std::uint8_t cls = text.classAt(at, length);
    const bool prefix = canPrefix(text, at, cls);
    // Each word alternative first with the optional prefix taken, then without it (a mark can be
    // the prefix or the start of the word).
    for (auto word : {upperThenLower, upperRunThenLower}) {
        if (prefix) {
            if (const std::size_t end = word(text, at + length); end != kNone)
                return text.withOptionalContraction(end);
        }
        if (const std::size_t end = word(text, at); end != kNone)
            return text.withOptionalContraction(end);
    }
    if (cls & kNumber)
        return text.digits(at);
    if (const std::size_t end = text.punctuation(at, "\r\n/"); end != kNone)
        return end;
    return text.whitespace(at);
}

} // namespace

QString piecePatternSource(PiecePattern pattern)
{
    switch (pattern) {
    case PiecePattern::Cl100k:
        return QStringLiteral(
            R"re(('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)|)re"
            R"re([^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re");
    case PiecePattern::O200k:
        return QStringLiteral(R"re([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+)re"
                              R"re(('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|)re"
                              R"re([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*)re"
                              R"re(('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|)re"
                              R"re(\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)re");
    }
    return {};
}

std::uint8_t charClassOf(char32_t codePoint)
{
    if (codePoint < 0x10000)
        return bmpClasses()[codePoint];
    return codePoint <= 0x10FFFF ? computeClass(codePoint) : 0;
}

PreTokenizer::PreTokenizer(PiecePattern pattern, std::string_view utf8) : m_pattern(pattern), m_text(utf8)
{ }

std::string_view PreTokenizer::next()
{
    if (m_pos >= m_text.size())
        return {};
    const Text text(m_text);
    const std::size_t end = m_pattern == PiecePattern::Cl100k ? matchCl100k(text, m_pos) : matchO200k(text, m_pos);
    const std::string_view piece = m_text.substr(m_pos, end - m_pos);
    m_pos = end;
    return piece;
}

std::string utf8FromUtf16(QStringView text)
{
    std::string out;
    out.reserve(std::size_t(text.size()) + std::size_t(text.size()) / 2);
    const char16_t* p = text.utf16();
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        char32_t c = p[i];
        if (c < 0x80) {
            out.push_back(char(c));
            continue;
        }
        if (QChar::isHighSurrogate(c) && i + 1 < n && QChar::isLowSurrogate(p[i + 1])) {
            c = QChar::surrogateToUcs4(char16_t(c), p[i + 1]);
            ++i;
        } else if (QChar::isSurrogate(c)) {
            c = 0xFFFD;
        }
        if (c < 0x800) {
            out.push_back(char(0xC0 | (c >> 6)));
        } else if (c < 0x10000) {
            out.push_back(char(0xE0 | (c >> 12)));
            out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        } else {
            out.push_back(char(0xF0 | (c >> 18)));
            out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
            out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
        }
        out.push_back(char(0x80 | (c & 0x3F)));
    }
    return out;
}

namespace {

/// Length and the bounds of the second byte of a well-formed sequence starting with `lead`
/// (Unicode Table 3-7); length 0 for a byte that cannot start one.
struct SequenceShape {
    int length;
    unsigned char low;
    unsigned char high;
};

SequenceShape shapeOf(unsigned char lead)
{
    if (lead < 0x80)
        return {1, 0, 0};
    if (lead >= 0xC2 && lead <= 0xDF)
        return {2, 0x80, 0xBF};
    if (lead == 0xE0)
        return {3, 0xA0, 0xBF};
    if (lead == 0xED)
        return {3, 0x80, 0x9F};
    if (lead >= 0xE1 && lead <= 0xEF)
        return {3, 0x80, 0xBF};
    if (lead == 0xF0)
        return {4, 0x90, 0xBF};
    if (lead >= 0xF1 && lead <= 0xF3)
        return {4, 0x80, 0xBF};
    if (lead == 0xF4)
        return {4, 0x80, 0x8F};
    return {0, 0, 0};
}

/// Bytes of the valid prefix of the sequence at `at` (== shape length when complete).
std::size_t validPrefix(std::string_view bytes, std::size_t at, const SequenceShape& shape)
{
    std::size_t j = at + 1;
    for (int k = 1; k < shape.length; ++k, ++j) {
        if (j >= bytes.size())
            return j - at;
        const auto b = static_cast<unsigned char>(bytes[j]);
        const unsigned char low = k == 1 ? shape.low : 0x80;
        const unsigned char high = k == 1 ? shape.high : 0xBF;
        if (b < low || b > high)
            return j - at;
    }
    return j - at;
}

} // namespace

bool isWellFormedUtf8(std::string_view bytes)
{
    std::size_t i = 0;
    const std::size_t n = bytes.size();
    while (i < n) {
        // ASCII in blocks of eight: the common case for source code.
        while (i + 8 <= n) {
            std::uint64_t block;
            std::memcpy(&block, bytes.data() + i, 8);
            if (block & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        const SequenceShape shape = shapeOf(static_cast<unsigned char>(bytes[i]));
        if (shape.length == 0)
            return false;
        if (shape.length > 1 && validPrefix(bytes, i, shape) != std::size_t(shape.length))
            return false;
        i += std::size_t(shape.length);
    }
    return true;
}

std::string repairUtf8(std::string_view bytes)
{
    static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(bytes.size() + 16);
    std::size_t i = 0;
    while (i < bytes.size()) {
        const SequenceShape shape = shapeOf(static_cast<unsigned char>(bytes[i]));
        if (shape.length == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        const std::size_t valid = shape.length == 1 ? 1 : validPrefix(bytes, i, shape);
        if (valid == std::size_t(shape.length))
            out.append(bytes.substr(i, valid));
        else
            out += kReplacement; // the maximal subpart; the offending byte starts over
        i += valid;
    }
    return out;
}

} // namespace mu::context
