#include "context/contextengine.h"

#include "context/entities.h"
#include "context/ranking.h"
#include "store/storereader.h"

#include <QHash>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QSet>

#include <algorithm>
#include <cmath>

namespace mu::context {

Q_DECLARE_LOGGING_CATEGORY(lcContext)

namespace {

/// Ranked nodes the packer considers; far more than a 4000-token budget holds.
constexpr int kMaxCandidates = 600;
/// Candidates in a row that do not fit before the packer stops looking.
constexpr int kMaxMisses = 60;
/// Levels of containers above a member (Outer.Inner.method: three).
constexpr int kMaxNesting = 16;
/// Rounds of "drop the weakest, count again" before falling back to halving the selection.
constexpr int kMaxTrimRounds = 64;
/// Room left after the first exact count worth a second packing round.
constexpr int kMinFillTokens = 40;

double rounded(double value)
{
    return std::round(value * 1e6) / 1e6;
}

/// The chain of containers above `node`, innermost first (method → class → module).
QList<graph::NodeIndex> containersOf(const graph::Graph& graph, graph::NodeIndex node)
{
    QList<graph::NodeIndex> chain;
    graph::NodeIndex current = node;
    for (int level = 0; level < kMaxNesting; ++level) {
        graph::NodeIndex parent = graph::kNoNode;
        for (const graph::Adjacent& adjacent : graph.incoming(current)) {
            if (adjacent.type == EdgeType::Contains && graph.type(adjacent.node) != NodeType::External) {
                parent = adjacent.node;
                break;
            }
        }
        if (parent == graph::kNoNode || chain.contains(parent) || parent == node)
            break;
        chain.append(parent);
        current = parent;
    }
    return chain;
}

QStringList jsonStrings(const QJsonValue& value)
{
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue& item : array)
        list.append(item.toString());
    return list;
}

/// Token costs of nodes as MU text, estimated from one row per node (rendering a node exactly
/// loads its whole file, far too slow for hundreds of candidates). The estimate rebuilds the
/// lines mutext.cpp writes — sigil, name, parameters, bases, annotations, docstring, metadata —
/// so it is close; the exact count of the final document decides.
class Estimator {
public:
    struct Cost {
        bool exists = false; ///< false when the node is gone from the store
        int full = 0;        ///< all its lines
        int header = 0;      ///< its first line: what it costs as a header above a member
    };

    Estimator(const store::StoreReader& reader, const Tokenizer& tokenizer, const exports::MuTextOptions& options,
        const graph::Graph& graph)
        : m_reader(reader), m_tokenizer(tokenizer), m_options(options), m_graph(graph)
    { }

    Result<Cost> of(graph::NodeIndex node, int depth)
    {
        const auto found = m_costs.constFind(node);
        if (found != m_costs.cend())
            return *found;
        auto row = m_reader.node(m_graph.id(node));
        if (!row)
            return row.error();
        Cost cost;
        if (*row) {
            const QString indent(2 * depth, u' ');
            const QString first = indent + entityLine(**row) + u'\n';
            QString rest;
            if (m_options.docstrings && !(*row)->docstring.isEmpty()) {
                const QString doc = (*row)->docstring.section(u'\n', 0, 0).trimmed();
                if (!doc.isEmpty())
                    rest += indent + QStringLiteral("  \"") + doc + QStringLiteral("\"\n");
            }
            const QString meta = metadata(**row, node);
            if (!meta.isEmpty())
                rest += indent + QStringLiteral("  ") + meta + u'\n';
            cost.exists = true;
            cost.header = m_tokenizer.count(QStringView(first));
            cost.full = cost.header + (rest.isEmpty() ? 0 : m_tokenizer.count(QStringView(rest)));
        }
        m_costs.insert(node, cost);
        return cost;
    }

private:
    QString entityLine(const Node& row) const
    {
        QString line;
        if (row.type == NodeType::Module)
            return QStringLiteral("!module ") + exports::moduleDottedPath(row.filePath);
        if (row.type == NodeType::Class) {
            line = u'$';
            if (!row.kind.isEmpty() && row.kind != QLatin1String("class"))
                line += row.kind + u' ';
            line += row.name;
            const QStringList bases = jsonStrings(row.properties.value(QLatin1String("bases")));
            if (!bases.isEmpty())
                line += QStringLiteral(" < ") + bases.join(QStringLiteral(", "));
        } else {
            line = u'#';
            if (row.properties.value(QLatin1String("is_async")).toBool())
                line += QStringLiteral("async ");
            line += row.name;
            QStringList parameters;
            const QJsonArray array = row.properties.value(QLatin1String("parameters")).toArray();
            for (const QJsonValue& value : array) {
                const QJsonObject parameter = value.toObject();
                const QString name = parameter.value(QLatin1String("name")).toString();
                if (name == QLatin1String("self") || name == QLatin1String("cls") || name == QLatin1String("this"))
                    continue;
                QString text = name;
                const QString type = parameter.value(QLatin1String("type")).toString();
                if (!type.isEmpty())
                    text += QStringLiteral(": ") + type;
                const QString defaultValue = parameter.value(QLatin1String("default")).toString();
                if (!defaultValue.isEmpty())
                    text += QStringLiteral(" = ") + defaultValue;
                parameters.append(text);
            }
            line += u'(' + parameters.join(QStringLiteral(", ")) + u')';
            const QString returnType = row.properties.value(QLatin1String("return_type")).toString();
            if (!returnType.isEmpty())
                line += QStringLiteral(" -> ") + returnType;
        }
        if (m_options.lineRanges && row.lineStart > 0)
            line += QStringLiteral("  :L%1-%2").arg(row.lineStart).arg(std::max(row.lineStart, row.lineEnd));
        if (row.type == NodeType::Function && m_options.complexityThreshold > 0
            && row.complexity >= m_options.complexityThreshold)
            line += QStringLiteral("  ::complexity=%1").arg(row.complexity);
        return line;
    }

    QString metadata(const Node& row, graph::NodeIndex node) const
    {
        QStringList meta;
        if (row.type == NodeType::Module) {
            QStringList imports;
            QStringList externals;
            for (const graph::Adjacent& adjacent : m_graph.outgoing(node)) {
                if (adjacent.type != EdgeType::Imports)
                    continue;
                if (m_graph.type(adjacent.node) == NodeType::External)
                    externals.append(m_graph.name(adjacent.node));
                else
                    imports.append(m_graph.qualifiedName(adjacent.node));
            }
            if (!imports.isEmpty())
                meta.append(QStringLiteral("@imports [") + imports.join(QStringLiteral(", ")) + u']');
            if (!externals.isEmpty())
                meta.append(QStringLiteral("@ext [") + externals.join(QStringLiteral(", ")) + u']');
        } else {
            const QStringList decorators = jsonStrings(row.properties.value(QLatin1String("decorators")));
            if (!decorators.isEmpty())
                meta.append(QStringLiteral("@decorators [") + decorators.join(QStringLiteral(", ")) + u']');
            if (row.type == NodeType::Class) {
                const QStringList attributes = jsonStrings(row.properties.value(QLatin1String("attributes")));
                if (!attributes.isEmpty())
                    meta.append(QStringLiteral("@attrs [") + attributes.join(QStringLiteral(", ")) + u']');
            }
        }
        return meta.join(QStringLiteral("   "));
    }

    const store::StoreReader& m_reader;
    const Tokenizer& m_tokenizer;
    const exports::MuTextOptions& m_options;
    const graph::Graph& m_graph;
    QHash<graph::NodeIndex, Cost> m_costs;
};

QString noMatchNote(const QList<Entity>& entities)
{
    if (entities.isEmpty())
        return QStringLiteral("no match: the question names nothing to look for (only common words)");
    QStringList names;
    for (const Entity& entity : entities)
        names.append(u'\'' + entity.text + u'\'');
    return QStringLiteral("no match for %1").arg(names.join(QStringLiteral(", ")));
}

} // namespace

struct ContextEngine::Cache {
    std::vector<std::uint8_t> testFlags;
};

ContextEngine::ContextEngine(const store::StoreReader& reader, std::shared_ptr<const graph::Graph> graph)
    : m_reader(reader), m_graph(std::move(graph)), m_cache(std::make_unique<Cache>())
{
    if (!m_graph)
        m_graph = graph::Graph::fromRows({}, {}, 0);
    m_cache->testFlags = testNodeFlags(*m_graph);
}

ContextEngine::~ContextEngine() = default;

Result<ContextResult> ContextEngine::answer(const ContextRequest& request) const
{
    const QString question = request.question.trimmed();
    if (question.isEmpty())
        return Error {QStringLiteral("usage"), QStringLiteral("the question is empty")};
    if (request.maxTokens < kMinTokens || request.maxTokens > kMaxTokens) {
        return Error {QStringLiteral("usage"),
            QStringLiteral("max tokens must be between %1 and %2, not %3")
                .arg(kMinTokens)
                .arg(kMaxTokens)
                .arg(request.maxTokens)};
    }
    auto tokenizer = Tokenizer::load(request.encoding);
    if (!tokenizer)
        return tokenizer.error();
    const Tokenizer& counter = **tokenizer;
    const graph::Graph& graph = *m_graph;

    ContextResult result;
    result.revision = graph.revision();
    const QList<Entity> entities = extractEntities(question);
    for (const Entity& entity : entities)
        result.entities.append(entity.text);

    const TestPolicy tests = mentionsTests(question) ? TestPolicy::Neutral
        : request.excludeTests                       ? TestPolicy::Exclude
                                                     : TestPolicy::Demote;
    // An impact question's own words ("affected", "change") say how to walk, not what to find.
    const bool impact = asksForDependents(question);
    QList<Entity> lookFor;
    for (const Entity& entity : entities) {
        if (!(impact && entity.kind == EntityKind::Word && isImpactWord(entity.text)))
            lookFor.append(entity);
    }
    SeedOptions seedOptions;
    seedOptions.tests = tests;
    auto seeds = findSeeds(m_reader, graph, lookFor, m_cache->testFlags, seedOptions);
    if (!seeds)
        return seeds.error();
    if (impact)
        *seeds = withDependents(graph, *seeds, m_cache->testFlags, tests);
    if (seeds->isEmpty()) {
        result.note = noMatchNote(entities);
        return result;
    }
    RankOptions rankOptions;
    rankOptions.tests = tests;
    rankOptions.dependents = impact;
    const QList<Ranked> ranked = rankNodes(graph, *seeds, m_cache->testFlags, rankOptions);
    if (ranked.isEmpty()) {
        result.note = noMatchNote(entities);
        return result;
    }
    const double best = ranked.constFirst().score;
    QHash<graph::NodeIndex, double> scoreOf;
    for (const Ranked& node : ranked)
        scoreOf.insert(node.node, node.score);

    exports::MuTextOptions options = request.text;
    options.revision = graph.revision();
    const int budget = request.maxTokens;

    // Greedy packing by score on estimated costs, then the exact count of the whole document
    // decides: trim the weakest until it fits, and fill once more when estimates left room.
    Estimator estimator(m_reader, counter, options, graph);
    int headerCost = 0;
    if (options.header) {
        auto headerText = exports::renderMuText(m_reader, exports::MuSelection {{}, false}, options);
        if (!headerText)
            return headerText.error();
        headerCost = counter.count(QStringView(*headerText));
    }

    QList<graph::NodeIndex> selected;     // in score order
    QSet<graph::NodeIndex> selectedSet;   // the same
    QSet<graph::NodeIndex> shownAsHeader; // containers shown only by their first line
    QSet<std::int32_t> files;             // distinct files shown
    QHash<graph::NodeIndex, int> paidFor; // what each selected node added to the estimate
    QSet<graph::NodeIndex> rejected;      // did not fit once: not tried again
    int used = headerCost;
    const qsizetype candidateCount = std::min<qsizetype>(ranked.size(), kMaxCandidates);
    // `scale` corrects estimates by what the exact count showed (estimated × scale ≈ exact).
    const auto pack = [&](int limit, double scale) -> Status {
        int misses = 0;
        for (qsizetype i = 0; i < candidateCount && misses < kMaxMisses; ++i) {
            const graph::NodeIndex node = ranked[i].node;
            if (selectedSet.contains(node) || rejected.contains(node))
                continue;
            const std::int32_t file = graph.fileOf(node);
            // At the file cap, members of the files already shown still fill the budget: a
            // node of another file is skipped, not counted as a miss.
            if (!files.contains(file) && files.size() >= kMaxFiles)
                continue;
            const QList<graph::NodeIndex> chain = containersOf(graph, node);
            auto own = estimator.of(node, int(chain.size()));
            if (!own)
                return own.error();
            if (!own->exists) {
                rejected.insert(node);
                continue;
            }
            int cost = shownAsHeader.contains(node) ? own->full - own->header : own->full;
            QList<graph::NodeIndex> newHeaders;
            for (qsizetype level = 0; level < chain.size(); ++level) {
                const graph::NodeIndex container = chain[level];
                if (selectedSet.contains(container) || shownAsHeader.contains(container))
                    continue;
                auto header = estimator.of(container, int(chain.size() - level - 1));
                if (!header)
                    return header.error();
                cost += header->header;
                newHeaders.append(container);
            }
            const int scaled = int(std::ceil(double(cost) * scale));
            if (used + scaled > limit) {
                rejected.insert(node);
                ++misses;
                continue;
            }
            misses = 0;
            used += scaled;
            selected.append(node);
            selectedSet.insert(node);
            shownAsHeader.remove(node);
            for (graph::NodeIndex container : std::as_const(newHeaders))
                shownAsHeader.insert(container);
            files.insert(file);
            paidFor.insert(node, scaled);
        }
        return {};
    };
    const auto render = [&](const QList<graph::NodeIndex>& nodes) -> Result<QString> {
        exports::MuSelection selection;
        selection.expandContainers = false;
        for (graph::NodeIndex node : nodes)
            selection.nodeIds.append(graph.id(node));
        return exports::renderMuText(m_reader, selection, options);
    };
    /// Renders and counts; drops the weakest nodes until the document fits (or nothing is left).
    const auto fit = [&](QString& text, int& tokens) -> Status {
        for (int round = 0;; ++round) {
            auto rendered = render(selected);
            if (!rendered)
                return rendered.error();
            text = *rendered;
            tokens = counter.count(QStringView(text));
            if (tokens <= budget)
                return {};
            if (selected.isEmpty()) {
                text.clear(); // not even the header fits
                tokens = 0;
                return {};
            }
            if (round >= kMaxTrimRounds) {
                selected.resize(selected.size() / 2);
            } else {
                int over = tokens - budget;
                while (over > 0 && !selected.isEmpty()) {
                    over -= std::max(1, paidFor.value(selected.constLast()));
                    selected.removeLast();
                }
            }
            selectedSet = QSet<graph::NodeIndex>(selected.cbegin(), selected.cend());
        }
    };

    if (Status status = pack(budget, 1.0); !status)
        return status.error();
    const int estimated = used;
    QString text;
    int tokens = 0;
    if (Status status = fit(text, tokens); !status)
        return status.error();
    // Estimates off by more than a few percent left room: one more round, with costs scaled by
    // what the exact count showed, then fit again.
    const qsizetype firstSelection = selected.size();
    if (tokens > 0 && budget - tokens > std::max(kMinFillTokens, budget / 20) && firstSelection > 0
        && selected.size() == qsizetype(paidFor.size())) {
        const double scale = std::max(1.0, double(tokens) / double(std::max(1, estimated)));
        rejected.clear();
        used = tokens;
        files.clear();
        for (graph::NodeIndex node : std::as_const(selected))
            files.insert(graph.fileOf(node));
        if (Status status = pack(budget, scale); !status)
            return status.error();
        if (selected.size() > firstSelection) {
            if (Status status = fit(text, tokens); !status)
                return status.error();
        }
    }
    if (selected.isEmpty() && tokens == 0) {
        result.note = QStringLiteral("the budget of %1 tokens is too small for any node").arg(budget);
        return result;
    }

    // Shown nodes: the selection, then the containers whose header line it pulled in.
    QSet<graph::NodeIndex> headers;
    for (graph::NodeIndex node : std::as_const(selected)) {
        for (graph::NodeIndex container : containersOf(graph, node)) {
            if (!selectedSet.contains(container))
                headers.insert(container);
        }
    }
    QList<Ranked> shown;
    for (graph::NodeIndex node : std::as_const(selected))
        shown.append(Ranked {node, scoreOf.value(node)});
    QList<Ranked> headerNodes;
    for (graph::NodeIndex node : std::as_const(headers))
        headerNodes.append(Ranked {node, scoreOf.value(node)});
    const auto byScore
        = [](const Ranked& a, const Ranked& b) { return a.score != b.score ? a.score > b.score : a.node < b.node; };
    std::sort(shown.begin(), shown.end(), byScore);
    std::sort(headerNodes.begin(), headerNodes.end(), byScore);
    shown.append(headerNodes);
    for (const Ranked& node : std::as_const(shown))
        result.nodes.append(ScoredNode {graph.id(node.node), best > 0 ? rounded(node.score / best) : 0.0});

    result.muText = text;
    result.tokenCount = tokens;
    if (selected.isEmpty())
        result.note = QStringLiteral("the budget of %1 tokens is too small for any node").arg(budget);
    qCDebug(lcContext) << "context:" << entities.size() << "entities," << seeds->size() << "seeds," << ranked.size()
                       << "ranked," << selected.size() << "selected," << tokens << "tokens";
    return result;
}

QJsonObject toJson(const ContextResult& result)
{
    QJsonArray nodes;
    for (const ScoredNode& node : result.nodes)
        nodes.append(QJsonObject {{QStringLiteral("id"), node.id}, {QStringLiteral("score"), node.score}});
    QJsonObject object {
        {QStringLiteral("mu_text"), result.muText},
        {QStringLiteral("token_count"), result.tokenCount},
        {QStringLiteral("nodes"), nodes},
        {QStringLiteral("revision"), result.revision},
        {QStringLiteral("entities"), QJsonArray::fromStringList(result.entities)},
    };
    if (!result.note.isEmpty())
        object.insert(QStringLiteral("note"), result.note);
    return object;
}

} // namespace mu::context
