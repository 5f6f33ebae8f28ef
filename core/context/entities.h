#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

/// Smart context (SPEC §5): from a question in plain words to the graph nodes that answer it,
/// packed as MU text into a token budget.
namespace mu::context {

/// What a piece of the question looks like, most specific first. The kind decides how the piece
/// is looked up (a file name names a module, a dotted name a qualified name, …) and how much a
/// match on it counts.
enum class EntityKind {
    Quoted,    ///< 'text', "text" or `text`
    FileName,  ///< has a '/' or ends in a source extension: json/decoder.py, cli.ts
    Dotted,    ///< os.path.join, std::vector (`::` becomes '.')
    CamelCase, ///< JSONDecoder, getValue
    SnakeCase, ///< raw_decode, __init__
    Constant,  ///< MAX_SIZE, HTTP
    Word       ///< any other word that is not a stop word
};
QString toString(EntityKind kind); ///< "quoted", "file", "dotted", "camel", "snake", "constant", "word"

/// One thing the question talks about. `text` keeps the question's spelling (a Word is lowered);
/// `confidence` in (0, 1] says how surely it names code rather than being prose.
struct Entity {
    QString text;
    EntityKind kind = EntityKind::Word;
    double confidence = 0;

    friend bool operator==(const Entity&, const Entity&) = default;
};

/// The entities of a question, each text once (case-insensitively; the most specific kind wins),
/// in order of first appearance. Stop words, numbers of fewer than 3 digits and one-letter words
/// are dropped (longer numbers, "ISO 8601", are kept as low-confidence words). Hostile
/// input is fine: the question is cut to its first kMaxQuestionChars characters and at most
/// kMaxEntities entities are returned.
/// Thread: pure function, any thread.
QList<Entity> extractEntities(QStringView question);

inline constexpr int kMaxQuestionChars = 4000;
inline constexpr int kMaxEntities = 32;

/// True for English filler and question words ("how", "does", "the", "work", "code", …), given
/// lower-case.
bool isStopWord(QStringView lowerWord);

/// A crude English stem for matching by prefix: "decoding" → "decod", "parsers" → "parser" →
/// "pars"; the word itself when no suffix applies or the stem would be shorter than 4 letters.
QString stem(QStringView lowerWord);

/// Whether the question asks what depends on something ("what breaks if I change X", "who
/// calls X", "what is affected by X"): then the answer follows callers and users of the nodes
/// it names, not other nodes named alike.
bool asksForDependents(QStringView question);

/// True for the words of such a question ("affected", "change", "breaks", "callers", …), given
/// lower-case: they say how to walk, not what to look for.
bool isImpactWord(QStringView lowerWord);

/// Whether the question asks about tests ("test", "tests", "testing", "unittest", "pytest",
/// "fixture", test_x, TestX, …): then test code is ranked like any other code. Not "spec" or
/// "mock": module specs and unittest.mock are source.
bool mentionsTests(QStringView question);

/// Whether a project-relative path is test code: a directory named test/tests/testing/__tests__/
/// spec/specs or ending in _test/_tests; a file named test_*, *_test.*, *_tests.*, *.test.*,
/// *.spec.*, *Test.java|kt|cs, *Tests.*, conftest.py.
bool isTestPath(QStringView path);

} // namespace mu::context
