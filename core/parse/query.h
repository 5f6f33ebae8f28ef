#pragma once

#include "model/result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringDecoder>
#include <QStringList>
#include <QStringView>

#include <tree_sitter/api.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <span>

namespace mu::parse {

struct Language;
class SourceText;
struct QueryData;

/// One query file's text and the name errors report it under (usually its path).
struct QuerySource {
    QString name;
    QByteArray text;
};

/// A `#set!` directive of a pattern: `(#set! key)`, `(#set! key "value")` or `(#set! @capture key "value")`.
/// The views point into the Query and live as long as it does.
struct QueryProperty {
    QByteArrayView key;
    QByteArrayView value; ///< empty when the directive gives no value
    int capture = -1;     ///< capture index for the `@capture` form, else -1
};

/// A tree-sitter query compiled once from one or more `.scm` sources, with its predicates parsed into
/// a compact form that QueryCursor evaluates (libtree-sitter 0.20.7 parses predicates but never
/// evaluates them).
///
/// Predicates and directives:
/// - `#eq? #not-eq? #match? #not-match? #any-of? #not-any-of?` (and the `#any-eq? #any-not-eq?
///   #any-match? #any-not-match?` forms) filter matches. A capture quantified with `*`/`+` may hold
///   several nodes: the plain forms require every node to pass, the `any-` forms at least one; a
///   capture with no node in the match imposes nothing. Capture-vs-capture `#eq?` compares the nodes
///   pairwise and also requires equal counts. `#match?` regexes are PCRE (QRegularExpression with
///   Unicode properties), compiled and JIT-optimised once; `^(a|b|c)$`-style literal alternations
///   become a set lookup, and simple ASCII shapes (`^[A-Z][A-Z_]*$`) run on a small built-in matcher
///   when the text is ASCII, so the common highlight regexes need neither UTF-16 nor PCRE.
/// - `#is?` / `#is-not?` test properties such as `local` that need scope tracking this runner does
///   not do. Every such property is taken as *absent*: `#is-not?` always passes (so builtins like
///   `require` are still highlighted even where a local shadows them) and a pattern with `#is?`
///   never matches (it is disabled at compile time).
/// - `#set!` is stored per pattern and visible on each match (QueryMatch::properties()).
/// - `#strip! @capture "regex"` is honoured by QueryCursor::text(), which removes the regex's matches
///   from the capture's text (tags use it to clean doc comments).
/// - `#select-adjacent! #set-adjacent! #offset!` are accepted and ignored: the capture lists and
///   node ranges are tree-sitter's own.
/// - Any other predicate is a compile error naming it.
///
/// Thread: immutable after creation; a Query is a cheap-to-copy handle to shared data and may be
/// used by any number of threads (each with its own QueryCursor) at once.
/// Errors: the factories return Error{"query", "<file>:<line>:<col>: <what>"} for syntax, node-type,
/// field, capture, structure and predicate errors (line and column are 1-based, the column counts
/// bytes); load() also returns Error{"not_found", …} when the grammar ships no query of that kind
/// and Error{"io", …} when a file cannot be read.
class Query {
public:
    /// A null query (isNull()); assign a compiled one before use.
    Query() = default;

    /// Compiles the sources, concatenated in order (earlier patterns come first, as tree-sitter's
    /// highlighter expects), for `language`.
    static Result<Query> create(const TSLanguage* language, const QList<QuerySource>& sources);
    static Result<Query> create(
        const TSLanguage* language, const QByteArray& text, const QString& name = QStringLiteral("<query>"));

    /// The grammar's shipped query of `kind` ("highlights", "tags", "locals", "injections"),
    /// composed as its package's tree-sitter.json says (typescript highlights = ts + js, …).
    static Result<Query> load(const Language& language, QStringView kind);
    /// The files load() would compile, in order.
    static Result<QStringList> queryFiles(const Language& language, QStringView kind);
    /// Where query packages are looked up: each entry of $MU_QUERIES_DIR (QDir::listSeparator()
    /// separated, same layout as node_modules: <package>/tree-sitter.json, <package>/queries/),
    /// then the build tree's MU_GRAMMARS_DIR. The first root whose copy of the package has a query
    /// of the kind wins, so an override directory may hold just the files it replaces; a package
    /// without tree-sitter.json falls back to queries/<kind>.scm. Files are read on every load():
    /// callers keep the Query.
    static QStringList searchPath();

    bool isNull() const { return !m_d; }
    const TSQuery* handle() const;
    uint32_t patternCount() const;
    uint32_t captureCount() const;
    /// The capture's name without '@', a view into the query.
    QByteArrayView captureName(uint32_t captureIndex) const;
    /// The index of the capture called `name` (without '@'), or -1.
    int captureIndex(QByteArrayView name) const;
    /// The `#set!` properties of a pattern.
    std::span<const QueryProperty> properties(uint32_t patternIndex) const;
    /// The name of the source a pattern comes from.
    QString patternSource(uint32_t patternIndex) const;
    /// True when the pattern has predicates to evaluate per match.
    bool hasPredicates(uint32_t patternIndex) const;

private:
    friend class QueryCursor;
    friend class QueryMatch;
    explicit Query(std::shared_ptr<const QueryData> d) : m_d(std::move(d)) { }
    std::shared_ptr<const QueryData> m_d;
};

/// One captured node. `name` is a view into the Query.
struct QueryCapture {
    TSNode node {};
    uint32_t index = 0;        ///< capture index in the query
    uint32_t patternIndex = 0; ///< the pattern of the match it belongs to
    QByteArrayView name;
};

/// A match whose predicates passed. Valid until the next call on the QueryCursor that produced it.
class QueryMatch {
public:
    uint32_t patternIndex() const { return m_match.pattern_index; }
    uint32_t id() const { return m_match.id; }
    qsizetype captureCount() const { return m_match.capture_count; }
    /// The i-th capture of the match, in the match's order (0 <= i < captureCount()).
    QueryCapture capture(qsizetype i) const;
    /// The first node captured as `captureIndex`, or a null node (ts_node_is_null).
    TSNode node(uint32_t captureIndex) const;
    /// The first node captured under `name` (without '@'), or a null node.
    TSNode node(QByteArrayView name) const;
    std::span<const QueryProperty> properties() const;
    /// The value of the pattern-wide `#set! key value`; `*found` says whether the key was set.
    QByteArrayView property(QByteArrayView key, bool* found = nullptr) const;

private:
    friend class QueryCursor;
    TSQueryMatch m_match {};
    const QueryData* m_d = nullptr;
};

/// The part of the tree a QueryCursor looks at. Both limits apply; the defaults cover everything.
struct QueryRange {
    uint32_t startByte = 0;
    uint32_t endByte = std::numeric_limits<uint32_t>::max();
    TSPoint startPoint {0, 0};
    TSPoint endPoint {std::numeric_limits<uint32_t>::max(), std::numeric_limits<uint32_t>::max()};

    static QueryRange bytes(uint32_t start, uint32_t end)
    {
        QueryRange r;
        r.startByte = start;
        r.endByte = end;
        return r;
    }
    static QueryRange points(TSPoint start, TSPoint end)
    {
        QueryRange r;
        r.startPoint = start;
        r.endPoint = end;
        return r;
    }
};

/// Runs a Query over a tree and yields only the matches whose predicates pass.
/// Reuses its buffers across exec() calls: the hot path allocates nothing per capture (a `#match?`
/// that needs a real regex costs one QRegularExpressionMatch per test).
/// Thread: not thread-safe; use one cursor per thread. The Query is kept alive by the cursor; the
/// tree and the SourceText passed to exec() must outlive the iteration.
/// Errors: none; a match limit that was hit shows in didExceedMatchLimit().
class QueryCursor {
public:
    QueryCursor();
    ~QueryCursor();
    QueryCursor(const QueryCursor&) = delete;
    QueryCursor& operator=(const QueryCursor&) = delete;

    /// Caps the number of in-progress matches (ts_query_cursor_set_match_limit); 0 removes the cap.
    void setMatchLimit(uint32_t limit);
    bool didExceedMatchLimit() const;

    /// Starts running `query` on `node`, whose text is `source`.
    void exec(const Query& query, TSNode node, const SourceText& source, const QueryRange& range = {});
    /// The next passing match, in the order matches finish.
    bool nextMatch(QueryMatch& match);
    /// The next capture of a passing match, in order of position (start byte).
    bool nextCapture(QueryCapture& capture);
    /// As nextCapture(capture), also giving the capture's whole match.
    bool nextCapture(QueryCapture& capture, QueryMatch& match);

    /// The capture's text, with its pattern's `#strip!` regex applied.
    QString text(const QueryCapture& capture) const;

private:
    bool passes(const TSQueryMatch& match);
    bool textMatches(int regex, QByteArrayView text);

    TSQueryCursor* m_cursor;
    std::shared_ptr<const QueryData> m_d;
    const SourceText* m_source = nullptr;
    QString m_scratch; ///< UTF-16 text for regex tests, reused
    QStringDecoder m_decoder {QStringDecoder::Utf8, QStringDecoder::Flag::Stateless};
    uint32_t m_passed[8] = {}; ///< ids of recently passed matches (nextCapture sees a match per capture)
    uint32_t m_passedCount = 0;
};

} // namespace mu::parse
