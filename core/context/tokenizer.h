#pragma once

#include "model/result.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace mu::context {

class RankTable;

/// The BPE encodings smart context can count with (SPEC §5 step 4).
enum class Encoding {
    Cl100kBase, ///< GPT-4, GPT-3.5
    O200kBase,  ///< GPT-4o, o1, GPT-4.1, GPT-5
};
/// "cl100k_base" | "o200k_base" (exact, lower case); nullopt for anything else.
std::optional<Encoding> encodingFromName(QStringView name);
QString encodingName(Encoding encoding);

/// Exact tiktoken BPE token counts, identical to js-tiktoken's `encode(text, [], []).length`:
/// special tokens such as <|endoftext|> are plain text. The rank tables are not compiled in: they
/// are read at run time from js-tiktoken's rank modules (`<encoding>.js`, e.g.
/// node_modules/js-tiktoken/dist/ranks/cl100k_base.js), looked for in order in
///  1. $MU_TOKENIZER_DIR,
///  2. the js-tiktoken that scripts/install-deps.sh installs in third_party/tiktoken (path fixed at
///     configure time),
///  3. ../share/mu/tokenizer next to the executable (installed packages).
/// Text goes through UTF-8 the way JS TextEncoder does it: a lone surrogate (UTF-16) counts as
/// U+FFFD, and so does each ill-formed sequence of the std::string_view overloads.
///
/// Thread: immutable after load; count()/encode() are safe from any thread concurrently.
/// Errors: only load() fails (see there); counting cannot.
class Tokenizer {
public:
    ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;

    /// Loads (once per process, cached, thread-safe) the rank table. Errors:
    /// Error{"tokenizer_missing", names the files looked for and how to install them
    /// (scripts/install-deps.sh)}; Error{"tokenizer_invalid", the file and what is wrong with it}
    /// (unreadable, malformed, or a split pattern this code does not implement). Failures are not
    /// cached: a later call looks again.
    static Result<std::shared_ptr<const Tokenizer>> load(Encoding encoding);
    /// Reads one rank module (same format), bypassing the search and the cache. Same errors.
    static Result<std::shared_ptr<const Tokenizer>> loadFile(Encoding encoding, const QString& path);
    /// Where load() looks for `<encoding>.js`, in order (directories that may not exist).
    static QStringList searchDirectories();

    int count(QStringView text) const;
    int count(std::string_view utf8) const;
    QList<int> encode(QStringView text) const;
    QList<int> encode(std::string_view utf8) const;
    Encoding encoding() const { return m_encoding; }
    /// The loaded table (bpe.h), for tests and tools that work on single pieces.
    const RankTable& rankTable() const { return *m_ranks; }

private:
    Tokenizer(Encoding encoding, std::unique_ptr<RankTable> ranks);
    int countWellFormed(std::string_view utf8, std::vector<int>* ids) const;

    Encoding m_encoding;
    std::unique_ptr<const RankTable> m_ranks;
};

} // namespace mu::context
