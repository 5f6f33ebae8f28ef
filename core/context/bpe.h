#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

/// Internals of the token counter (tokenizer.h): the rank table of an encoding and tiktoken's
/// byte-pair merge over one pre-tokenized piece.
namespace mu::context {

/// Byte sequences of one encoding and their ranks (= token ids). Filled once by the loader, then
/// immutable: rank() is safe from any number of threads.
class RankTable {
public:
    /// Adds a token; a later rank for the same bytes replaces an earlier one (as js-tiktoken's
    /// object literal does). Call finish() after the last.
    void add(std::string_view bytes, int rank);
    /// Builds the lookup index. False when a rank is out of range (0 to 2^24-1), a token is empty
    /// or longer than 255 bytes, or a byte value has no token (some input could not be encoded).
    bool finish();

    /// The rank of exactly these bytes, or -1.
    int rank(const char* bytes, std::size_t length) const { return rank(bytes, length, hash(bytes, length)); }
    int rank(std::string_view bytes) const { return rank(bytes.data(), bytes.size()); }
    /// Same, with hash(bytes, length) already computed (callers caching pieces reuse it).
    int rank(const char* bytes, std::size_t length, std::uint64_t hash) const;
    int byteRank(unsigned char byte) const { return m_byteRanks[byte]; }
    int size() const { return int(m_tokens.size()); }

    static std::uint64_t hash(const char* bytes, std::size_t length);

private:
    struct Token {
        std::uint32_t offset;
        std::uint32_t length;
        int rank;
    };
    /// Everything a lookup compares, in one cache line fetch: the first 8 bytes (zero-padded), the
    /// length and the rank; the pool holds the rest of longer tokens.
    struct Slot {
        std::uint64_t head;
        std::uint32_t offset;
        std::uint32_t lengthAndRank; // length << 24 | rank; 0 = empty
    };
    static constexpr std::size_t kMaxTokenLength = 255;
    static constexpr int kMaxRank = (1 << 24) - 1;
    static std::uint64_t headOf(const char* bytes, std::size_t length);

    std::string m_pool;
    std::vector<Token> m_tokens;
    std::vector<Slot> m_slots;
    std::uint64_t m_mask = 0;
    int m_byteRanks[256] = {};
};

/// How bytePairEncode() merges a piece that is not one token.
enum class MergeStrategy {
    Auto,   ///< Linear below kHeapMergeThreshold bytes, Heap from there
    Linear, ///< rescan all pairs after each merge (tiktoken's own loop): fastest on short pieces
    Heap,   ///< priority queue with lazy invalidation: O(n log n) on long ones (a 1 MB run of 'a')
};
inline constexpr std::size_t kHeapMergeThreshold = 128;

/// tiktoken's BPE of one piece: the whole piece when it is a token, else repeatedly merge the
/// adjacent pair with the lowest rank (the leftmost on ties) until no pair has one. Appends the
/// ids to `ids` when given; returns how many tokens the piece is.
int bytePairEncode(const RankTable& ranks, std::string_view piece, std::vector<int>* ids,
    MergeStrategy strategy = MergeStrategy::Auto);

} // namespace mu::context
