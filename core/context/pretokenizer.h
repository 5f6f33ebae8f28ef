#pragma once

#include <QString>
#include <QStringView>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

/// Internals of the token counter (tokenizer.h): tiktoken's pre-tokenization, i.e. the split of a
/// text into the pieces BPE then encodes one by one, and the UTF-8 normalisation in front of it.
namespace mu::context {

/// Which of tiktoken's split patterns (the encoding's `pat_str`) PreTokenizer follows. Both are
/// hand-coded below, alternative by alternative, with the backtracking of a JS RegExp ('u' flag).
enum class PiecePattern {
    /// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|
    /// \s*[\r\n]+|\s+(?!\S)|\s+
    Cl100k,
    /// Letters split by case (upper: Lu Lt Lm Lo M, lower: Ll Lm Lo M) with optional trailing
    /// contractions, numbers by three, punctuation runs also taking trailing [\r\n/]*, then the
    /// whitespace alternatives of Cl100k.
    O200k,
};

/// The pattern text each PiecePattern implements, exactly as js-tiktoken ships it: the loader
/// refuses a rank file whose pat_str differs (a newer package with another split).
QString piecePatternSource(PiecePattern pattern);

/// Character classes of the patterns, as JS RegExp with the 'u' flag sees a code point.
namespace charclass {
inline constexpr std::uint8_t kLetter = 1; ///< \p{L}
inline constexpr std::uint8_t kNumber = 2; ///< \p{N}
inline constexpr std::uint8_t kSpace = 4;  ///< JS \s (WhiteSpace and LineTerminator, not U+0085)
inline constexpr std::uint8_t kUpper = 8;  ///< [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
inline constexpr std::uint8_t kLower = 16; ///< [\p{Ll}\p{Lm}\p{Lo}\p{M}]
} // namespace charclass

/// The charclass flags of one code point (any value up to 0x10FFFF; surrogates have none).
/// Qt 6.4 knows Unicode 14; later additions that are letters, numbers or marks come from a table
/// matching the Unicode version of the reference (Node's ICU), see pretokenizer_unicode.cpp.
std::uint8_t charClassOf(char32_t codePoint);

/// Code points whose class under the reference's Unicode differs from QChar's (Qt 6.4 has Unicode
/// 14): sorted, disjoint ranges with their charclass flags (pretokenizer_unicode.cpp).
struct UnicodeOverride {
    char32_t first;
    char32_t last;
    std::uint8_t flags;
};
std::span<const UnicodeOverride> unicodeOverrides();
/// The Unicode version unicodeOverrides() brings QChar up to ("17.0").
QString unicodeOverridesVersion();

/// Splits valid UTF-8 into pieces; each piece is a view into the input. Concatenated, the pieces
/// are the input. Thread: a cursor, one per thread; the input must outlive it.
class PreTokenizer {
public:
    PreTokenizer(PiecePattern pattern, std::string_view utf8);
    /// The next piece, or an empty view when the input is exhausted.
    std::string_view next();

private:
    PiecePattern m_pattern;
    std::string_view m_text;
    std::size_t m_pos = 0;
};

/// Text as tiktoken's TextEncoder sees it: UTF-8, a lone surrogate becoming U+FFFD.
std::string utf8FromUtf16(QStringView text);
/// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).
bool isWellFormedUtf8(std::string_view bytes);
/// Well-formed UTF-8 for any bytes: each maximal ill-formed subpart becomes U+FFFD, as the WHATWG
/// decoder (JS TextDecoder, Buffer.toString) does.
std::string repairUtf8(std::string_view bytes);

} // namespace mu::context
