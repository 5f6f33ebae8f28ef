#include "context/ranking.h"

#include "store/storereader.h"

#include <QHash>
#include <QLoggingCategory>

#include <algorithm>
#include <cmath>
#include <map>

namespace mu::context {

Q_LOGGING_CATEGORY(lcContext, "mu.context", QtWarningMsg)

namespace {

// How much one match of each sort is worth before the entity's confidence scales it. A name the
// user spelled exactly beats a case-insensitive one, which beats a full-text hit.
constexpr double kExactName = 1.0;
constexpr double kCaseInsensitiveName = 0.8;
constexpr double kQualifiedExact = 1.2;
constexpr double kQualifiedSuffix = 1.0;
constexpr double kQualifiedPartial = 0.4;
constexpr double kFileExact = 1.0;
constexpr double kFileSuffix = 0.9;
constexpr double kFtsTop = 0.6;
/// A plain English word that happens to be a name ("walk", "value", "delay") is weaker evidence
/// than the words of the question meeting in one node, which the FTS coverage rewards.
constexpr double kPlainWordName = 0.5;
/// An FTS hit's weight grows by this much for each further question word found in the node's
/// name, qualified name, path or docstring.
constexpr double kCoverageBonus = 0.6;
/// Seeds in one file lend each other this share of their weight: several of the question's
/// words landing in one file is evidence for each of them.
constexpr double kSameFileShare = 0.5;
constexpr int kMaxFtsTerms = 10;
constexpr int kMaxNameMatches = 60;
/// A name shared by many nodes (`name`, `run`, `__init__`) says little about each of them.
constexpr double kAmbiguityExponent = 0.5;
/// Neighbours of a non-seed node beyond this many are not walked into (hubs: a module with
/// hundreds of members, a utility called from everywhere); their own score still counts.
constexpr int kHubDegree = 400;

bool identifierKind(EntityKind kind)
{
    return kind == EntityKind::CamelCase || kind == EntityKind::SnakeCase || kind == EntityKind::Constant
        || kind == EntityKind::Word || kind == EntityKind::Quoted;
}

class SeedSet {
public:
    SeedSet(const graph::Graph& graph, std::span<const std::uint8_t> testFlags, TestPolicy tests)
        : m_graph(graph), m_testFlags(testFlags), m_tests(tests)
    { }

    bool usable(graph::NodeIndex node) const
    {
        if (node == graph::kNoNode || m_graph.type(node) == NodeType::External)
            return false;
        return !(m_tests == TestPolicy::Exclude && m_testFlags[size_t(node)] != 0);
    }

    void add(graph::NodeIndex node, double weight)
    {
        if (usable(node) && weight > 0)
            m_weights[node] += weight;
    }

    /// Adds to each seed a share of the other seeds' weight in its file.
    void shareWithinFiles()
    {
        std::map<std::int32_t, double> perFile;
        // A module seed (the user named the file) lends nothing: it would lift every member of
        // the file above the file itself.
        const auto donates = [&](graph::NodeIndex node) { return m_graph.type(node) != NodeType::Module; };
        for (const auto& [node, weight] : m_weights) {
            if (donates(node))
                perFile[m_graph.fileOf(node)] += weight;
        }
        for (auto& [node, weight] : m_weights) {
            const double others = perFile[m_graph.fileOf(node)] - (donates(node) ? weight : 0.0);
            weight += kSameFileShare * std::min(others, weight * 4);
        }
    }

    QList<Seed> sorted() const
    {
        QList<Seed> seeds;
        seeds.reserve(qsizetype(m_weights.size()));
        for (const auto& [node, weight] : m_weights)
            seeds.append(Seed {node, weight});
        std::stable_sort(seeds.begin(), seeds.end(), [](const Seed& a, const Seed& b) { return a.weight > b.weight; });
        return seeds;
    }

private:
    const graph::Graph& m_graph;
    std::span<const std::uint8_t> m_testFlags;
    TestPolicy m_tests;
    std::map<graph::NodeIndex, double> m_weights; // ordered: deterministic iteration
};

/// Name matches of one identifier: exact spelling first, then any case.
Status seedByName(const store::StoreReader& reader, const graph::Graph& graph, const Entity& entity, SeedSet& seeds)
{
    auto nodes = reader.nodesNamed(entity.text, Qt::CaseInsensitive);
    if (!nodes)
        return nodes.error();
    QList<std::pair<graph::NodeIndex, double>> matches;
    for (const Node& node : std::as_const(*nodes)) {
        const graph::NodeIndex index = graph.indexOf(node.id);
        if (!seeds.usable(index))
            continue;
        // A Word is lowered, so its exact match is the lower-case name.
        matches.append({index, node.name == entity.text ? kExactName : kCaseInsensitiveName});
        if (entity.kind == EntityKind::Word)
            matches.last().second *= kPlainWordName;
        if (matches.size() >= kMaxNameMatches)
            break;
    }
    const double spread = std::pow(double(std::max<qsizetype>(1, matches.size())), kAmbiguityExponent);
    for (const auto& [index, weight] : std::as_const(matches))
        seeds.add(index, entity.confidence * weight / spread);
    return {};
}

/// A dotted name: nodes named like its last part whose qualified name ends with it (or shares
/// its other parts, when the user abbreviated the path).
Status seedByQualifiedName(
    const store::StoreReader& reader, const graph::Graph& graph, const Entity& entity, SeedSet& seeds)
{
    const QStringList parts = entity.text.split(u'.', Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return {};
    auto nodes = reader.nodesNamed(parts.constLast(), Qt::CaseInsensitive);
    if (!nodes)
        return nodes.error();
    const QString dottedSuffix = u'.' + entity.text;
    QList<std::pair<graph::NodeIndex, double>> matches;
    for (const Node& node : std::as_const(*nodes)) {
        const graph::NodeIndex index = graph.indexOf(node.id);
        if (!seeds.usable(index))
            continue;
        double weight = 0;
        if (node.qualifiedName == entity.text)
            weight = kQualifiedExact;
        else if (node.qualifiedName.endsWith(dottedSuffix))
            weight = kQualifiedSuffix;
        else if (node.qualifiedName.compare(entity.text, Qt::CaseInsensitive) == 0
            || node.qualifiedName.endsWith(dottedSuffix, Qt::CaseInsensitive))
            weight = kQualifiedSuffix * 0.8;
        else {
            // json.dumps where dumps lives in json/__init__.py is caught above; os.path.join
            // (really posixpath.join) is not: count the parts found in the path or qualified name.
            int found = 0;
            for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
                if (node.qualifiedName.contains(parts[i], Qt::CaseInsensitive)
                    || node.filePath.contains(parts[i], Qt::CaseInsensitive))
                    ++found;
            }
            if (found > 0)
                weight = kQualifiedPartial * double(found) / double(parts.size() - 1);
        }
        if (weight > 0)
            matches.append({index, weight});
        if (matches.size() >= kMaxNameMatches)
            break;
    }
    const double spread = std::pow(double(std::max<qsizetype>(1, matches.size())), kAmbiguityExponent);
    for (const auto& [index, weight] : std::as_const(matches))
        seeds.add(index, entity.confidence * weight / spread);
    return {};
}

/// A file name: the module node of each file with that path or path suffix.
void seedByFile(const graph::Graph& graph, const Entity& entity, SeedSet& seeds)
{
    QString path = entity.text;
    while (path.startsWith(QStringLiteral("./")))
        path.remove(0, 2);
    const QString suffix = u'/' + path;
    QList<std::pair<graph::NodeIndex, double>> matches;
    for (const QString& file : graph.files()) {
        double weight = 0;
        if (file == path)
            weight = kFileExact;
        else if (file.endsWith(suffix))
            weight = kFileSuffix;
        else if (file.compare(path, Qt::CaseInsensitive) == 0 || file.endsWith(suffix, Qt::CaseInsensitive))
            weight = kFileSuffix * 0.8;
        if (weight > 0) {
            const graph::NodeIndex module = graph.indexOf(QString(QStringLiteral("mod:") + file));
            if (seeds.usable(module))
                matches.append({module, weight});
        }
    }
    const double spread = std::pow(double(std::max<qsizetype>(1, matches.size())), kAmbiguityExponent);
    for (const auto& [index, weight] : std::as_const(matches))
        seeds.add(index, entity.confidence * weight / spread);
}

/// The words handed to FTS: identifiers as written (the store splits them on case and
/// underscores), file names without their extension, plain words by their stem (matched as a
/// prefix, so "decoding" finds decode, decoder, JSONDecodeError). Most confident first.
QString ftsText(const QList<Entity>& entities)
{
    QList<const Entity*> ordered;
    for (const Entity& entity : entities)
        ordered.append(&entity);
    std::stable_sort(
        ordered.begin(), ordered.end(), [](const Entity* a, const Entity* b) { return a->confidence > b->confidence; });
    QStringList terms;
    for (const Entity* entity : std::as_const(ordered)) {
        if (terms.size() >= kMaxFtsTerms)
            break;
        switch (entity->kind) {
        case EntityKind::FileName: {
            QString path = entity->text;
            const qsizetype dot = path.lastIndexOf(u'.');
            if (dot > path.lastIndexOf(u'/'))
                path.truncate(dot);
            terms.append(path);
            break;
        }
        case EntityKind::Word:
            terms.append(stem(entity->text));
            break;
        default:
            terms.append(entity->text);
            break;
        }
    }
    return terms.join(u' ');
}

/// What coverage() looks for: each entity once, lower-cased, plain words by their stem.
QStringList coverageTerms(const QList<Entity>& entities)
{
    QStringList terms;
    for (const Entity& entity : entities) {
        QString term = entity.kind == EntityKind::Word ? stem(entity.text) : entity.text.toLower();
        if (entity.kind == EntityKind::FileName) {
            const qsizetype dot = term.lastIndexOf(u'.');
            if (dot > term.lastIndexOf(u'/'))
                term.truncate(dot);
        }
        if (term.size() >= 2 && !terms.contains(term))
            terms.append(term);
    }
    return terms;
}

/// How many of `terms` the node's name, qualified name, path and docstring hold (as substrings,
/// so "iso" is found in fromisoformat and "discover" in discovery).
int coverage(const Node& node, const QStringList& terms)
{
    const QString haystack = (node.qualifiedName + u' ' + node.filePath + u' ' + node.docstring).toLower();
    int found = 0;
    for (const QString& term : terms) {
        if (haystack.contains(term))
            ++found;
    }
    return found;
}

} // namespace

std::vector<std::uint8_t> testNodeFlags(const graph::Graph& graph)
{
    const std::vector<QString>& files = graph.files();
    std::vector<std::uint8_t> fileFlags(files.size());
    for (size_t i = 0; i < files.size(); ++i)
        fileFlags[i] = isTestPath(files[i]) ? 1 : 0;
    std::vector<std::uint8_t> flags(size_t(graph.nodeCount()), 0);
    for (graph::NodeIndex node = 0; node < graph.nodeCount(); ++node) {
        const std::int32_t file = graph.fileOf(node);
        if (file >= 0 && size_t(file) < fileFlags.size())
            flags[size_t(node)] = fileFlags[size_t(file)];
    }
    return flags;
}

double edgeWeight(EdgeType type, bool forwards)
{
    // Forwards: what a node depends on explains it. Backwards: its users; fewer of them matter,
    // except a member's container (contains is symmetric: the class explains the method and the
    // method is part of the class).
    switch (type) {
    case EdgeType::Contains:
        return 1.0;
    case EdgeType::Calls:
        return forwards ? 0.8 : 0.45;
    case EdgeType::Inherits:
        return forwards ? 0.6 : 0.35;
    case EdgeType::Imports:
        return forwards ? 0.4 : 0.2;
    case EdgeType::Uses:
        return forwards ? 0.3 : 0.2;
    }
    return 0;
}

Result<QList<Seed>> findSeeds(const store::StoreReader& reader, const graph::Graph& graph,
    const QList<Entity>& entities, std::span<const std::uint8_t> testFlags, const SeedOptions& options)
{
    SeedSet seeds(graph, testFlags, options.tests);
    for (const Entity& entity : entities) {
        if (entity.kind == EntityKind::FileName) {
            seedByFile(graph, entity, seeds);
            continue;
        }
        if (entity.kind == EntityKind::Dotted || (entity.kind == EntityKind::Quoted && entity.text.contains(u'.'))) {
            if (Status status = seedByQualifiedName(reader, graph, entity, seeds); !status)
                return status.error();
            continue;
        }
        if (identifierKind(entity.kind) && !entity.text.contains(u' ')) {
            if (Status status = seedByName(reader, graph, entity, seeds); !status)
                return status.error();
        }
    }

    const QString text = ftsText(entities);
    if (!text.isEmpty()) {
        auto hits = reader.search(text, std::nullopt, options.ftsLimit);
        if (!hits)
            return hits.error();
        // BM25 weighs a name hit on one word above a docstring holding most of the question: rescore
        // every hit by how many of the question's words it holds, then keep the best.
        const QStringList words = coverageTerms(entities);
        QList<std::pair<graph::NodeIndex, double>> kept;
        QList<std::pair<double, qsizetype>> order;
        QList<graph::NodeIndex> usableHits;
        for (const store::SearchHit& hit : std::as_const(*hits)) {
            const graph::NodeIndex index = graph.indexOf(hit.node.id);
            if (!seeds.usable(index))
                continue;
            const int covered = coverage(hit.node, words);
            const double score = hit.score * (1.0 + kCoverageBonus * double(std::max(0, covered - 1)));
            order.append({score, usableHits.size()});
            usableHits.append(index);
        }
        std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        for (const auto& [score, at] : std::as_const(order)) {
            kept.append({usableHits[at], score});
            if (kept.size() >= options.ftsSeeds)
                break;
        }
        if (!kept.isEmpty()) {
            const double best = kept.constFirst().second;
            const double worst = kept.constLast().second;
            const double range = best - worst;
            for (qsizetype i = 0; i < kept.size(); ++i) {
                // BM25 spreads are narrow when one common word matches everything: weigh by both the
                // score's place in the range and the rank, so the head of the list leads.
                const double relative = range > 0 ? (kept[i].second - worst) / range : 1.0;
                const double weight = kFtsTop * (0.3 + 0.7 * relative) / (1.0 + double(i) / 10.0);
                seeds.add(kept[i].first, weight);
            }
        }
        qCDebug(lcContext) << "fts" << text << hits->size() << "hits," << kept.size() << "kept";
    }
    // When the question names a file, every member of it hits by path: adding those up would bury
    // the file's own module under its biggest class.
    // ("key/value" reads as a path too, but without an extension it names no file.)
    const bool namesFile = std::any_of(entities.begin(), entities.end(), [](const Entity& entity) {
        return entity.kind == EntityKind::FileName && entity.text.lastIndexOf(u'.') > entity.text.lastIndexOf(u'/');
    });
    if (!namesFile)
        seeds.shareWithinFiles();
    return seeds.sorted();
}

QList<Seed> withDependents(
    const graph::Graph& graph, const QList<Seed>& seeds, std::span<const std::uint8_t> testFlags, TestPolicy tests)
{
    if (seeds.isEmpty())
        return seeds;
    SeedSet result(graph, testFlags, tests);
    for (const Seed& seed : seeds)
        result.add(seed.node, seed.weight);
    const double best = seeds.constFirst().weight;
    int targets = 0;
    for (const Seed& seed : seeds) {
        if (targets >= kMaxImpactTargets || seed.weight < 0.5 * best)
            break;
        ++targets;
        QList<graph::NodeIndex> dependents;
        for (const graph::Adjacent& adjacent : graph.incoming(seed.node)) {
            if (adjacent.type != EdgeType::Calls && adjacent.type != EdgeType::Uses
                && adjacent.type != EdgeType::Inherits)
                continue;
            if (adjacent.node == seed.node || !result.usable(adjacent.node) || dependents.contains(adjacent.node))
                continue;
            dependents.append(adjacent.node);
            if (dependents.size() >= kMaxDependentsPerTarget)
                break;
        }
        // Each dependent gets a good share of its target's weight, less when there are many.
        const double each = seed.weight * 0.8 / std::sqrt(double(std::max<qsizetype>(1, dependents.size())));
        for (graph::NodeIndex dependent : std::as_const(dependents))
            result.add(dependent, std::min(each, seed.weight * 0.6));
    }
    return result.sorted();
}

QList<Ranked> rankNodes(const graph::Graph& graph, std::span<const Seed> seeds, std::span<const std::uint8_t> testFlags,
    const RankOptions& options)
{
    const auto walkable = [&](graph::NodeIndex node) {
        if (graph.type(node) == NodeType::External)
            return false;
        return !(options.tests == TestPolicy::Exclude && testFlags[size_t(node)] != 0);
    };

    // The neighbourhood: breadth-first from the seeds, strongest seeds first.
    std::vector<std::int32_t> local(size_t(graph.nodeCount()), -1);
    std::vector<graph::NodeIndex> nodes;
    std::vector<int> depthOf;
    const size_t maxNodes = size_t(std::max(1, options.maxNodes));
    for (const Seed& seed : seeds) {
        if (seed.node < 0 || seed.node >= graph.nodeCount() || local[size_t(seed.node)] >= 0 || !walkable(seed.node))
            continue;
        if (nodes.size() >= maxNodes)
            break;
        local[size_t(seed.node)] = std::int32_t(nodes.size());
        nodes.push_back(seed.node);
        depthOf.push_back(0);
    }
    if (nodes.empty())
        return {};
    for (size_t head = 0; head < nodes.size() && nodes.size() < maxNodes; ++head) {
        const graph::NodeIndex node = nodes[head];
        if (depthOf[head] >= options.depth)
            continue;
        const auto out = graph.outgoing(node);
        const auto in = graph.incoming(node);
        if (depthOf[head] > 0 && qsizetype(out.size() + in.size()) > kHubDegree)
            continue;
        for (const auto list : {out, in}) {
            for (const graph::Adjacent& adjacent : list) {
                if (nodes.size() >= maxNodes)
                    break;
                if (local[size_t(adjacent.node)] >= 0 || !walkable(adjacent.node))
                    continue;
                local[size_t(adjacent.node)] = std::int32_t(nodes.size());
                nodes.push_back(adjacent.node);
                depthOf.push_back(depthOf[head] + 1);
            }
        }
    }

    // Weighted transitions inside the neighbourhood (CSR), each row normalised to 1.
    const size_t n = nodes.size();
    std::vector<std::int32_t> offsets(n + 1, 0);
    std::vector<std::int32_t> targets;
    std::vector<double> probabilities;
    std::vector<double> weightedDegree(n, 0);
    for (size_t u = 0; u < n; ++u) {
        const size_t rowStart = targets.size();
        double total = 0;
        const auto addRow = [&](std::span<const graph::Adjacent> list, bool forwards) {
            for (const graph::Adjacent& adjacent : list) {
                const std::int32_t v = local[size_t(adjacent.node)];
                if (v < 0 || size_t(v) == u)
                    continue;
                double weight = edgeWeight(adjacent.type, forwards);
                if (options.dependents && !forwards
                    && (adjacent.type == EdgeType::Calls || adjacent.type == EdgeType::Uses
                        || adjacent.type == EdgeType::Inherits))
                    weight = edgeWeight(adjacent.type, true) * 1.25;
                targets.push_back(v);
                probabilities.push_back(weight);
                total += weight;
            }
        };
        addRow(graph.outgoing(nodes[u]), true);
        addRow(graph.incoming(nodes[u]), false);
        for (size_t i = rowStart; i < targets.size(); ++i)
            probabilities[i] /= total;
        weightedDegree[u] = total;
        offsets[u + 1] = std::int32_t(targets.size());
    }

    std::vector<double> restart(n, 0);
    double seedTotal = 0;
    for (const Seed& seed : seeds) {
        if (seed.node >= 0 && seed.node < graph.nodeCount() && local[size_t(seed.node)] >= 0 && seed.weight > 0) {
            restart[size_t(local[size_t(seed.node)])] += seed.weight;
            seedTotal += seed.weight;
        }
    }
    if (seedTotal <= 0)
        return {};
    for (double& value : restart)
        value /= seedTotal;

    const double alpha = std::clamp(options.restart, 0.01, 0.99);
    std::vector<double> rank = restart;
    std::vector<double> next(n);
    for (int iteration = 0; iteration < options.iterations; ++iteration) {
        double dangling = 0;
        std::fill(next.begin(), next.end(), 0.0);
        for (size_t u = 0; u < n; ++u) {
            const std::int32_t begin = offsets[u];
            const std::int32_t end = offsets[u + 1];
            if (begin == end) {
                dangling += rank[u];
                continue;
            }
            const double mass = (1.0 - alpha) * rank[u];
            for (std::int32_t e = begin; e < end; ++e)
                next[size_t(targets[size_t(e)])] += mass * probabilities[size_t(e)];
        }
        // Mass that cannot move (a node with no neighbour in the neighbourhood) goes back to the
        // seeds, as a restart.
        const double back = alpha + (1.0 - alpha) * dangling;
        double delta = 0;
        for (size_t u = 0; u < n; ++u) {
            next[u] += back * restart[u];
            delta += std::abs(next[u] - rank[u]);
        }
        rank.swap(next);
        if (delta < 1e-9)
            break;
    }

    QList<Ranked> ranked;
    ranked.reserve(qsizetype(n));
    for (size_t u = 0; u < n; ++u) {
        double score = rank[u];
        if (options.degreeExponent > 0)
            score /= std::pow(1.0 + weightedDegree[u], options.degreeExponent);
        if (options.tests == TestPolicy::Demote && testFlags[size_t(nodes[u])] != 0)
            score *= options.testFactor;
        if (score > 0)
            ranked.append(Ranked {nodes[u], score});
    }
    std::sort(ranked.begin(), ranked.end(),
        [](const Ranked& a, const Ranked& b) { return a.score != b.score ? a.score > b.score : a.node < b.node; });
    return ranked;
}

} // namespace mu::context
