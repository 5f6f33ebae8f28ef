#pragma once

#include "model/graphtypes.h"
#include "model/result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

/// The graph layer: an immutable in-memory adjacency snapshot of one graph revision, and the
/// operations on it (SPEC §2 deps/usedby/impact/ancestors/cycles/path/why, SPEC §3 SHOW, FIND
/// CYCLES, PATH, ANALYZE circular/impact).
///
/// Direction vocabulary, used everywhere below: an edge `A -type-> B` means "A depends on B"
/// (A imports, calls, inherits from, uses or contains B). Outgoing edges lead to what a node
/// depends on (upstream, ancestors); incoming edges lead to what depends on it (downstream,
/// dependents, impact).
namespace mu::graph {

/// Dense index of a node inside one Graph snapshot. Indexes are ordered like the node ids
/// (sorting indexes sorts by id) and are only meaningful within the snapshot that produced them.
using NodeIndex = std::int32_t;
inline constexpr NodeIndex kNoNode = -1;

/// Deepest traversal any operation performs (SPEC §3: DEPTH ≤ 20).
inline constexpr int kMaxDepth = 20;
/// Default cap on the nodes one traversal returns; callers may lower or raise it.
inline constexpr int kDefaultResultLimit = 10000;

/// Which way a traversal follows edges. Outgoing: towards what a node depends on; Incoming:
/// towards its dependents; Both: either way.
enum class Direction {
    Outgoing,
    Incoming,
    Both
};
QString toString(Direction direction); ///< "outgoing" | "incoming" | "both"

/// A set of edge types, as a bitmask. Value type; cheap to copy.
class EdgeTypeSet {
public:
    constexpr EdgeTypeSet() = default;
    static EdgeTypeSet all();
    /// Every type but `contains`: what "depends on" means for deps/usedby/impact/ancestors.
    static EdgeTypeSet allButContains();
    static EdgeTypeSet of(std::initializer_list<EdgeType> types);
    /// Parses names such as {"imports", "calls"} (case-insensitive, surrounding blanks ignored).
    /// Error{"usage", "Unknown edge type 'x'. Valid types: contains, imports, inherits, calls, uses"}.
    static Result<EdgeTypeSet> parse(const QStringList& names);

    bool contains(EdgeType type) const { return (m_bits & bit(type)) != 0; }
    bool isEmpty() const { return m_bits == 0; }
    EdgeTypeSet with(EdgeType type) const { return EdgeTypeSet(std::uint8_t(m_bits | bit(type))); }
    EdgeTypeSet without(EdgeType type) const { return EdgeTypeSet(std::uint8_t(m_bits & ~bit(type))); }
    /// The member types in EdgeType order, e.g. {"imports", "calls"}.
    QStringList names() const;
    std::uint8_t bits() const { return m_bits; }

    friend bool operator==(EdgeTypeSet, EdgeTypeSet) = default;

private:
    constexpr explicit EdgeTypeSet(std::uint8_t bits) : m_bits(bits) { }
    static constexpr std::uint8_t bit(EdgeType type) { return std::uint8_t(1U << unsigned(type)); }
    std::uint8_t m_bits = 0;
};

/// One entry of an adjacency list: the node at the other end of an edge, the edge's type, the
/// line it was found on (0 when unknown) and the file that owns it (an index into Graph::files();
/// -1 only in fromRows() graphs, for an edge given without a file).
struct Adjacent {
    NodeIndex node = kNoNode;
    EdgeType type = EdgeType::Contains;
    std::int32_t line = 0;
    std::int32_t file = -1;
};

/// An immutable snapshot of the whole graph at one revision: nodes with the fields traversals
/// and their printing need (id, type, kind, name, qualified name, file, first line), and CSR
/// adjacency lists out and in. Adjacency lists are sorted by (neighbour index, edge type), so
/// every walk over them is deterministic; parallel edges of one type from one file collapse to
/// one entry (the lowest line).
/// Edges whose source or target is not a node of the snapshot are not in the adjacency lists
/// (kept aside only so that an incremental update can resolve them later, as a full load would).
/// Thread: immutable after construction; every const member may be called from any thread at
/// once. Share it as std::shared_ptr<const Graph> (see GraphCache).
class Graph {
public:
    Graph();
    ~Graph();
    Graph(const Graph&) = delete;
    Graph& operator=(const Graph&) = delete;

    /// Builds a snapshot from in-memory rows (tests, fixtures, other layers' derived graphs).
    /// files() becomes the non-empty file paths of the nodes and edges. Only id, type, kind, name,
    /// qualifiedName, filePath and lineStart of a Node are kept.
    static std::shared_ptr<const Graph> fromRows(const QList<Node>& nodes, const QList<Edge>& edges, qint64 revision);

    /// Loads the whole graph of the database at `dbPath` (read-only, in one read transaction, on a
    /// connection private to this call and to the calling thread). Edge rows of a path missing from
    /// the `files` table are stale and skipped.
    /// Errors: Error{"not_found"} when the database is missing, Error{"sql", …} on SQL failure.
    static Result<std::shared_ptr<const Graph>> load(const QString& dbPath);

    /// A snapshot of the database's current revision, built from `previous` plus the rows of the
    /// files whose `files.revision` is newer than previous.revision() or that were removed (and the
    /// external nodes, which belong to no file). Returns `previous` itself when the revision did not
    /// move, and falls back to a full load when most files changed. The result equals load().
    /// Errors: as load().
    static Result<std::shared_ptr<const Graph>> update(
        const std::shared_ptr<const Graph>& previous, const QString& dbPath);

    /// The graph revision (metadata 'revision') the snapshot was read at.
    qint64 revision() const { return m_revision; }

    // Nodes --------------------------------------------------------------------------------------
    NodeIndex nodeCount() const { return NodeIndex(m_types.size()); }
    /// The node with this exact id, or kNoNode. O(log n).
    NodeIndex indexOf(QStringView id) const;
    const QString& id(NodeIndex node) const { return text(node).id; }
    NodeType type(NodeIndex node) const { return m_types[size_t(node)]; }
    const QString& kind(NodeIndex node) const { return text(node).kind; }
    const QString& name(NodeIndex node) const { return text(node).name; }
    const QString& qualifiedName(NodeIndex node) const { return text(node).qualifiedName; }
    /// Index into files(), or -1 for externals.
    std::int32_t fileOf(NodeIndex node) const { return m_nodeFiles[size_t(node)]; }
    /// The node's file path; empty for externals.
    const QString& filePath(NodeIndex node) const;
    int lineStart(NodeIndex node) const { return m_lineStarts[size_t(node)]; }

    /// The project's file paths (the `files` table), sorted.
    const std::vector<QString>& files() const { return m_files; }

    // Edges --------------------------------------------------------------------------------------
    /// Edges in the adjacency lists (after collapsing parallel ones).
    qsizetype edgeCount() const { return qsizetype(m_out.size()); }
    /// What `node` depends on: its outgoing edges, Adjacent::node being the target.
    std::span<const Adjacent> outgoing(NodeIndex node) const;
    /// What depends on `node`: its incoming edges, Adjacent::node being the source.
    std::span<const Adjacent> incoming(NodeIndex node) const;
    /// Number of edges of the given types at `node` in `direction` (Both counts both lists).
    int degree(NodeIndex node, Direction direction, EdgeTypeSet types) const;
    /// The edge type `from → to` has among `types` (the lowest in EdgeType order), if any.
    std::optional<EdgeType> edgeBetween(NodeIndex from, NodeIndex to, EdgeTypeSet types) const;

    /// Same nodes (every field kept), same adjacency, same revision: what tests compare an
    /// incremental update against a full load with.
    bool sameContent(const Graph& other) const;

private:
    friend class GraphBuilder;

    /// A node's strings. They live in one chunk per file, shared by every snapshot in which the
    /// file did not change: an update copies a pointer per file instead of touching every string
    /// (whose reference counts sit in as many separate cache lines).
    struct NodeText {
        QString id;
        QString kind; // interned: a handful of distinct values
        QString name;
        QString qualifiedName;
    };
    using TextChunk = std::vector<NodeText>;
    struct TextRef {
        std::int32_t chunk = 0; ///< index into m_chunks: the node's file, or files().size() for none
        std::int32_t offset = 0;
    };
    const NodeText& text(NodeIndex node) const
    {
        const TextRef ref = m_text[size_t(node)];
        return (*m_chunks[size_t(ref.chunk)])[size_t(ref.offset)];
    }

    qint64 m_revision = 0;
    std::vector<NodeType> m_types; // per node, in id order
    std::vector<TextRef> m_text;
    std::vector<std::shared_ptr<const TextChunk>> m_chunks; // files().size() + 1; null when empty
    std::vector<std::int32_t> m_nodeFiles;
    std::vector<std::int32_t> m_lineStarts;
    std::vector<QString> m_files;           // sorted
    std::vector<std::int32_t> m_outOffsets; // nodeCount() + 1 entries
    std::vector<Adjacent> m_out;
    std::vector<std::int32_t> m_inOffsets;
    std::vector<Adjacent> m_in;
    /// Edges with an endpoint that is not a node (rare): kept by id so a later update can resolve
    /// them exactly as a full load would.
    struct DanglingEdge {
        QString sourceId;
        QString targetId;
        EdgeType type = EdgeType::Contains;
        std::int32_t line = 0;
        std::int32_t file = -1;
    };
    std::vector<DanglingEdge> m_dangling;
};

// Operations ------------------------------------------------------------------------------------
// All operations are iterative (no recursion, whatever the depth or size), bounded by their
// options, and deterministic: equal inputs give equal outputs in equal order.
// Thread: pure functions of an immutable Graph; call from any thread.

/// One node found by a traversal: how far it is from the start (1 = direct neighbour), the type of
/// the edge that first reached it and the node it was reached from (on a shortest route; when
/// several routes of equal length exist, the one through the lowest-index predecessor).
struct Reached {
    NodeIndex node = kNoNode;
    int depth = 0;
    EdgeType edgeType = EdgeType::Contains;
    NodeIndex via = kNoNode;
    /// For Direction::Both: whether the reaching edge was followed forwards (Outgoing) or
    /// backwards (Incoming). Otherwise the traversal's direction.
    Direction direction = Direction::Outgoing;
};

struct TraversalOptions {
    Direction direction = Direction::Incoming;
    EdgeTypeSet edgeTypes = EdgeTypeSet::allButContains();
    int maxDepth = kMaxDepth; ///< clamped to [1, kMaxDepth]
    int limit = kDefaultResultLimit;
};

struct Traversal {
    /// Sorted by (depth, node index ≡ id). The start nodes are never included.
    QList<Reached> nodes;
    /// True when the limit cut the result (more nodes were reachable within maxDepth).
    bool truncated = false;
};

/// Breadth-first search from `starts` along `options.direction` over edges of
/// `options.edgeTypes`, up to `options.maxDepth` hops. Invalid start indexes are ignored.
/// Serves SHOW dependencies/dependents/callers/callees/inheritance/implementations/children/
/// parents/imports/importers (callers = Incoming {calls}, inheritance = Outgoing {inherits},
/// implementations = Incoming {inherits}, children = Outgoing {contains}, parents = Incoming
/// {contains}, imports = Outgoing {imports}, importers = Incoming {imports}).
Traversal reach(const Graph& graph, std::span<const NodeIndex> starts, const TraversalOptions& options);
Traversal reach(const Graph& graph, NodeIndex start, const TraversalOptions& options);

/// Everything downstream of `node` that may break when it changes: every node with a path to it
/// over edges of `edgeTypes` (its dependents, their dependents, … up to `maxDepth`), i.e. reach()
/// over incoming edges. Default types exclude `contains`: a module is not broken because one of
/// its functions changed, its importers and that function's callers are.
Traversal impact(const Graph& graph, NodeIndex node, EdgeTypeSet edgeTypes = EdgeTypeSet::allButContains(),
    int maxDepth = kMaxDepth, int limit = kDefaultResultLimit);

/// Everything `node` depends on, transitively: reach() over outgoing edges.
Traversal ancestors(const Graph& graph, NodeIndex node, EdgeTypeSet edgeTypes = EdgeTypeSet::allButContains(),
    int maxDepth = kMaxDepth, int limit = kDefaultResultLimit);

/// One edge at a node, seen from that node (for deps/usedby and GET /nodes/{id}/neighbors).
struct Neighbour {
    NodeIndex node = kNoNode;
    EdgeType edgeType = EdgeType::Contains;
    Direction direction = Direction::Outgoing; ///< Outgoing: node is a dependency; Incoming: a dependent
    std::int32_t line = 0;
};

/// The depth-1 edges of `node` in `direction` with a type in `edgeTypes`, one entry per edge,
/// sorted by (direction Outgoing first, edge type, neighbour index). deps = Outgoing, usedby =
/// Incoming, both with allButContains() unless `contains` is asked for.
QList<Neighbour> neighbours(
    const Graph& graph, NodeIndex node, Direction direction, EdgeTypeSet edgeTypes = EdgeTypeSet::allButContains());

/// Strongly connected components with more than one node of the subgraph of `edgeTypes` edges
/// (Tarjan, iterative). Each component is sorted by node index (≡ id); components are sorted by
/// size, largest first, then by their first node. A node with an edge to itself is not a cycle
/// here (size 1). `limit` caps the number of components returned (the largest are kept).
struct Cycles {
    QList<QList<NodeIndex>> components;
    qsizetype totalNodes = 0; ///< nodes over all returned components
    bool truncated = false;
};
Cycles cycles(
    const Graph& graph, EdgeTypeSet edgeTypes = EdgeTypeSet::allButContains(), int limit = kDefaultResultLimit);

/// One step of a path: the node, and the type of the edge that led to it from the previous step
/// (none for the first step). Edges are followed forwards (source → target) unless the
/// PathOptions direction says otherwise; Hop::direction tells which way for Direction::Both.
struct Hop {
    NodeIndex node = kNoNode;
    std::optional<EdgeType> edgeType;
    Direction direction = Direction::Outgoing;
    std::int32_t line = 0; ///< line of the edge that led here (0 for the first step or unknown)
};
using Path = QList<Hop>;

struct PathOptions {
    EdgeTypeSet edgeTypes = EdgeTypeSet::all(); ///< PATH … VIA t → {t}
    int maxDepth = kMaxDepth;                   ///< most edges on a path, clamped to [1, kMaxDepth]
    Direction direction = Direction::Outgoing;
};

/// A shortest path from → to (BFS), or nullopt when none exists within maxDepth. When several
/// shortest paths exist, the lexicographically smallest sequence of node indexes is returned.
/// from == to gives the one-step path. Invalid indexes give nullopt.
std::optional<Path> shortestPath(const Graph& graph, NodeIndex from, NodeIndex to, const PathOptions& options = {});

/// Every shortest path from → to (all of the minimal length), in lexicographic order of their
/// node index sequences, at most `maxPaths` of them. Empty when none exists.
QList<Path> allShortestPaths(
    const Graph& graph, NodeIndex from, NodeIndex to, int maxPaths, const PathOptions& options = {});

// Snapshot cache -------------------------------------------------------------------------------

/// Holds the current snapshot of one project's graph and replaces it when the database has a newer
/// revision: readers take a std::shared_ptr<const Graph> and keep using it however long they need,
/// while a refresh swaps in the next snapshot (incrementally built, see Graph::update()).
/// Thread: every member may be called from any thread. current() never blocks on a refresh;
/// refresh() calls are serialised (each opens its own read-only connection on its calling thread).
/// Errors: refresh() returns load errors; the previous snapshot stays current.
class GraphCache {
public:
    explicit GraphCache(QString dbPath);

    /// The last loaded snapshot; null before the first successful refresh().
    std::shared_ptr<const Graph> current() const;
    /// Brings the snapshot to the database's current revision (a no-op when it already is) and
    /// returns it.
    Result<std::shared_ptr<const Graph>> refresh();

    const QString& dbPath() const { return m_dbPath; }

private:
    const QString m_dbPath;
    mutable std::mutex m_currentMutex; // guards m_current (held only to copy or swap the pointer)
    std::shared_ptr<const Graph> m_current;
    std::mutex m_refreshMutex; // one refresh at a time
};

} // namespace mu::graph
