#pragma once

#include "context/entities.h"
#include "graph/graph.h"
#include "model/result.h"

#include <QList>

#include <span>
#include <vector>

namespace mu::store {
class StoreReader;
}

namespace mu::context {

/// How test code takes part in a ranking: left out, kept but worth less, or like any code.
enum class TestPolicy {
    Exclude,
    Demote,
    Neutral
};

/// Per node of a Graph: 1 when the node is test code (its file isTestPath()), else 0; externals 0.
/// Thread: pure function of an immutable Graph.
std::vector<std::uint8_t> testNodeFlags(const graph::Graph& graph);

/// A node the question points at directly, with how strongly (> 0; sums over the entities that
/// matched it).
struct Seed {
    graph::NodeIndex node = graph::kNoNode;
    double weight = 0;
};

struct SeedOptions {
    TestPolicy tests = TestPolicy::Exclude;
    /// FTS hits read per question (tests and externals are dropped after the read).
    int ftsLimit = 400;
    /// FTS hits kept as seeds.
    int ftsSeeds = 40;
};

/// Seeds for the entities: exact and case-insensitive name matches, qualified-name suffix matches
/// of dotted names, module nodes of file names, and FTS5 BM25 hits over names, qualified names,
/// paths, docstrings and split identifiers. A plain-word name hit counts half; FTS hits are
/// rescored by how many of the question's words the node holds; seeds of one file add a share of
/// each other's weight. Sorted by weight (descending), then node index.
/// Externals never seed; test nodes do not under TestPolicy::Exclude.
/// Thread: the reader's thread. Errors: store errors.
Result<QList<Seed>> findSeeds(const store::StoreReader& reader, const graph::Graph& graph,
    const QList<Entity>& entities, std::span<const std::uint8_t> testFlags, const SeedOptions& options);

/// For an impact question: the strongest seeds (those within half of the best, at most
/// kMaxImpactTargets) lend weight to the nodes that call, use or inherit from them, so the answer
/// shows what a change to them breaks rather than other nodes named alike. Sorted like findSeeds.
/// Thread: pure function of an immutable Graph.
QList<Seed> withDependents(
    const graph::Graph& graph, const QList<Seed>& seeds, std::span<const std::uint8_t> testFlags, TestPolicy tests);

inline constexpr int kMaxImpactTargets = 4;
inline constexpr int kMaxDependentsPerTarget = 40;

struct RankOptions {
    TestPolicy tests = TestPolicy::Exclude;
    /// Hops from the seeds the walk may go (the neighbourhood it runs on).
    int depth = 2;
    /// Most nodes in that neighbourhood.
    int maxNodes = 6000;
    /// Probability of jumping back to the seeds at each step.
    double restart = 0.5;
    /// Scores are divided by (1 + weighted degree)^this: a random walk piles up at hubs (a module
    /// or class collects the mass of every member), which says it is central, not that it answers
    /// the question. 0 keeps the raw PageRank; 1 is the fully degree-normalised one.
    double degreeExponent = 0.5;
    int iterations = 40;
    /// What a test node's score is multiplied by under TestPolicy::Demote.
    double testFactor = 0.25;
    /// Impact questions: follow callers, users and subclasses (incoming calls/uses/inherits) as
    /// strongly as dependencies, so the walk reaches what a change breaks.
    bool dependents = false;
};

struct Ranked {
    graph::NodeIndex node = graph::kNoNode;
    double score = 0;
};

/// Personalised PageRank from the seeds over their neighbourhood, edges followed both ways with
/// weights contains > calls > inherits > imports > uses (dependents count less than
/// dependencies), damped by degree (see RankOptions). Externals are not walked. Nodes with a positive score, best first; ties by node
/// index (≡ id), so equal inputs give equal outputs.
/// Thread: pure function of an immutable Graph.
QList<Ranked> rankNodes(const graph::Graph& graph, std::span<const Seed> seeds, std::span<const std::uint8_t> testFlags,
    const RankOptions& options);

/// Weight of following an edge of `type`, forwards (source → target) or backwards.
double edgeWeight(EdgeType type, bool forwards);

} // namespace mu::context
