#pragma once

#include "context/tokenizer.h"
#include "export/mutext.h"
#include "graph/graph.h"
#include "model/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace mu::store {
class StoreReader;
}

namespace mu::context {

/// Bounds of ContextRequest::maxTokens.
inline constexpr int kMinTokens = 1;
inline constexpr int kMaxTokens = 200000;
/// Most distinct files one answer shows: a focused context beats a scattering of files.
inline constexpr int kMaxFiles = 15;

struct ContextRequest {
    QString question;
    int maxTokens = 4000;
    /// Leave test code out, unless the question asks about tests (then it ranks like any code).
    /// False keeps it in, ranked below source.
    bool excludeTests = true;
    Encoding encoding = Encoding::Cl100kBase;
    /// Rendering options; `revision` is set from the graph snapshot.
    exports::MuTextOptions text;
};

struct ScoredNode {
    QString id;
    double score = 0; ///< relative to the best node of the answer (1.0), rounded to 6 decimals
};

struct ContextResult {
    QString muText;
    int tokenCount = 0; ///< exact count of muText with the request's encoding, ≤ maxTokens
    /// The nodes muText shows, best first (enclosing headers pulled in for a member included).
    QList<ScoredNode> nodes;
    qint64 revision = 0;
    QStringList entities; ///< what was understood in the question
    QString note;         ///< why the answer is empty or short ("no match …"), else empty
};

/// Answers a question with the graph nodes most relevant to it, as MU text within a token budget
/// (SPEC §5): entities → seeds (names, qualified names, files, FTS5) → personalised PageRank over
/// the graph → greedy packing with enclosing headers → exact BPE count, trimmed until it fits.
/// Deterministic: the same graph and request give the same answer, byte for byte.
/// Thread: one instance per thread (it uses the given reader, bound to its thread); the Graph
/// snapshot is immutable and may be shared by engines on other threads.
/// Errors: Error{"usage"} for a bad request (empty question, budget out of range); store and
/// rendering errors as they come; tokenizer load errors ("io"/"not_found").
class ContextEngine {
public:
    ContextEngine(const store::StoreReader& reader, std::shared_ptr<const graph::Graph> graph);
    ~ContextEngine();
    ContextEngine(const ContextEngine&) = delete;
    ContextEngine& operator=(const ContextEngine&) = delete;

    Result<ContextResult> answer(const ContextRequest& request) const;

private:
    struct Cache;
    const store::StoreReader& m_reader;
    std::shared_ptr<const graph::Graph> m_graph;
    std::unique_ptr<Cache> m_cache;
};

/// {mu_text, token_count, nodes:[{id, score}], revision, entities, note?}: what `mu context
/// --json`, POST /context and the MCP tool answer.
QJsonObject toJson(const ContextResult& result);

} // namespace mu::context
