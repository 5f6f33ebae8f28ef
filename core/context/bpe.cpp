#include "context/bpe.h"

#include <array>
#include <climits>
#include <cstring>
#include <queue>

namespace mu::context {

std::uint64_t RankTable::hash(const char* bytes, std::size_t length)
{
    std::uint64_t h = (length + 1) * 0x9E3779B97F4A7C15ULL;
    std::size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        std::uint64_t v;
        std::memcpy(&v, bytes + i, 8);
        h = (h ^ v) * 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    if (i < length) {
        std::uint64_t v = 0;
        std::memcpy(&v, bytes + i, length - i);
        h = (h ^ v) * 0x94D049BB133111EBULL;
        h ^= h >> 29;
    }
    h *= 0xD6E8FEB86659FD93ULL;
    h ^= h >> 32;
    return h;
}

void RankTable::add(std::string_view bytes, int rank)
{
    m_tokens.push_back({std::uint32_t(m_pool.size()), std::uint32_t(bytes.size()), rank});
    m_pool.append(bytes);
}

std::uint64_t RankTable::headOf(const char* bytes, std::size_t length)
{
    std::uint64_t head = 0;
    std::memcpy(&head, bytes, length < 8 ? length : 8);
    return head;
}

bool RankTable::finish()
{
    std::size_t capacity = 16;
    while (capacity < m_tokens.size() * 2)
        capacity *= 2;
    m_slots.assign(capacity, Slot {0, 0, 0});
    m_mask = capacity - 1;
    for (const Token& token : m_tokens) {
        if (token.rank < 0 || token.rank > kMaxRank || token.length == 0 || token.length > kMaxTokenLength)
            return false;
        const char* bytes = m_pool.data() + token.offset;
        const Slot entry {headOf(bytes, token.length), token.offset, (token.length << 24) | std::uint32_t(token.rank)};
        for (std::uint64_t i = hash(bytes, token.length) & m_mask;; i = (i + 1) & m_mask) {
            Slot& slot = m_slots[i];
            if (slot.lengthAndRank == 0) {
                slot = entry;
                break;
            }
            if (slot.head == entry.head && (slot.lengthAndRank >> 24) == token.length
                && (token.length <= 8
                    || std::memcmp(m_pool.data() + slot.offset + 8, bytes + 8, token.length - 8) == 0)) {
                slot = entry; // a later rank for the same bytes wins
                break;
            }
        }
    }
    for (int b = 0; b < 256; ++b) {
        const char c = char(b);
        m_byteRanks[b] = rank(&c, 1);
        if (m_byteRanks[b] < 0)
            return false;
    }
    return true;
}

int RankTable::rank(const char* bytes, std::size_t length, std::uint64_t hash) const
{
    if (m_slots.empty() || length == 0 || length > kMaxTokenLength)
        return -1;
    const std::uint64_t head = headOf(bytes, length);
    for (std::uint64_t i = hash & m_mask;; i = (i + 1) & m_mask) {
        const Slot& slot = m_slots[i];
        if (slot.lengthAndRank == 0)
            return -1;
        if (slot.head == head && (slot.lengthAndRank >> 24) == length
            && (length <= 8 || std::memcmp(m_pool.data() + slot.offset + 8, bytes + 8, length - 8) == 0))
            return int(slot.lengthAndRank & 0xFFFFFF);
    }
}

namespace {

constexpr int kNoRank = INT_MAX;

int rankOrNone(const RankTable& ranks, std::string_view piece, std::size_t from, std::size_t to)
{
    const int r = ranks.rank(piece.data() + from, to - from);
    return r < 0 ? kNoRank : r;
}

/// tiktoken's loop: `starts[k]` is where part k begins; `pairRanks[k]` the rank of parts k and k+1
/// together.
int mergeLinear(const RankTable& ranks, std::string_view piece, std::vector<int>* ids)
{
    const std::size_t n = piece.size();
    std::array<std::uint32_t, kHeapMergeThreshold + 1> startsBuffer;
    std::array<int, kHeapMergeThreshold + 1> ranksBuffer;
    std::vector<std::uint32_t> startsHeap;
    std::vector<int> ranksHeap;
    std::uint32_t* starts = startsBuffer.data();
    int* pairRanks = ranksBuffer.data();
    if (n + 1 > startsBuffer.size()) {
        startsHeap.resize(n + 1);
        ranksHeap.resize(n + 1);
        starts = startsHeap.data();
        pairRanks = ranksHeap.data();
    }
    for (std::size_t i = 0; i <= n; ++i)
        starts[i] = std::uint32_t(i);
    for (std::size_t i = 0; i + 1 < n; ++i)
        pairRanks[i] = rankOrNone(ranks, piece, i, i + 2);
    pairRanks[n - 1] = kNoRank;
    pairRanks[n] = kNoRank;
    std::size_t parts = n + 1; // boundaries, the last being the end

    // The rank of parts i and i+1 merged, given that parts i+1 and i+2 are about to become one.
    auto rankAfterMerge
        = [&](std::size_t i) { return i + 3 < parts ? rankOrNone(ranks, piece, starts[i], starts[i + 3]) : kNoRank; };
    while (true) {
        int best = kNoRank;
        std::size_t at = 0;
        for (std::size_t i = 0; i + 1 < parts; ++i) {
            if (pairRanks[i] < best) {
                best = pairRanks[i];
                at = i;
            }
        }
        if (best == kNoRank)
            break;
        if (at > 0)
            pairRanks[at - 1] = rankAfterMerge(at - 1);
        pairRanks[at] = rankAfterMerge(at);
        std::memmove(starts + at + 1, starts + at + 2, (parts - at - 2) * sizeof(std::uint32_t));
        std::memmove(pairRanks + at + 1, pairRanks + at + 2, (parts - at - 2) * sizeof(int));
        --parts;
    }
    if (ids) {
        for (std::size_t i = 0; i + 1 < parts; ++i)
            ids->push_back(ranks.rank(piece.data() + starts[i], starts[i + 1] - starts[i]));
    }
    return int(parts - 1);
}

/// Same merges, chosen from a min-heap of (rank, left start): entries whose parts changed since
/// they were pushed are skipped when popped.
int mergeHeap(const RankTable& ranks, std::string_view piece, std::vector<int>* ids)
{
    const auto n = std::uint32_t(piece.size());
    // Parts are named by their first byte; next[p] is where the following part starts (n: none).
    std::vector<std::uint32_t> next(n);
    std::vector<std::uint32_t> prev(n);
    std::vector<bool> alive(n, true);
    for (std::uint32_t i = 0; i < n; ++i) {
        next[i] = i + 1;
        prev[i] = i == 0 ? 0 : i - 1;
    }
    struct Candidate {
        int rank;
        std::uint32_t left;
        std::uint32_t right;
        std::uint32_t end;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
    auto push = [&](std::uint32_t left) {
        const std::uint32_t right = next[left];
        if (right >= n)
            return;
        const std::uint32_t end = next[right];
        const int r = ranks.rank(piece.data() + left, end - left);
        if (r >= 0)
            queue.push({r, left, right, end});
    };
    for (std::uint32_t i = 0; i + 1 < n; ++i)
        push(i);
    int parts = int(n);
    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        if (!alive[c.left] || next[c.left] != c.right || next[c.right] != c.end)
            continue;
        alive[c.right] = false;
        next[c.left] = c.end;
        if (c.end < n)
            prev[c.end] = c.left;
        --parts;
        if (c.left > 0)
            push(prev[c.left]);
        push(c.left);
    }
    if (ids) {
        for (std::uint32_t p = 0; p < n; p = next[p])
            ids->push_back(ranks.rank(piece.data() + p, next[p] - p));
    }
    return parts;
}

} // namespace

int bytePairEncode(const RankTable& ranks, std::string_view piece, std::vector<int>* ids, MergeStrategy strategy)
{
    if (piece.empty())
        return 0;
    if (piece.size() == 1) {
        if (ids)
            ids->push_back(ranks.byteRank(static_cast<unsigned char>(piece[0])));
        return 1;
    }
    if (const int whole = ranks.rank(piece); whole >= 0) {
        if (ids)
            ids->push_back(whole);
        return 1;
    }
    if (strategy == MergeStrategy::Heap || (strategy == MergeStrategy::Auto && piece.size() >= kHeapMergeThreshold))
        return mergeHeap(ranks, piece, ids);
    return mergeLinear(ranks, piece, ids);
}

} // namespace mu::context
