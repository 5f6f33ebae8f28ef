#include "context/entities.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <array>

namespace mu::context {

namespace {

// English filler plus the words people wrap a code question in ("how does the X code work"):
// they match thousands of identifiers (work, handle, get…) and never pick out the answer.
const QSet<QString>& stopWords()
{
    static const QSet<QString> words = [] {
        static constexpr std::array kWords {"a", "about", "above", "after", "again", "against", "all", "also", "am",
            "an", "and", "any", "anything", "are", "aren", "around", "as", "at", "be", "because", "been", "before",
            "being", "below", "between", "both", "but", "by", "can", "cannot", "could", "couldn", "did", "didn", "do",
            "does", "doesn", "doing", "don", "done", "down", "during", "each", "either", "else", "etc", "every", "few",
            "for", "from", "further", "get", "gets", "getting", "go", "goes", "going", "got", "had", "hadn", "has",
            "hasn", "have", "haven", "having", "he", "her", "here", "hers", "him", "his", "how", "however", "i", "if",
            "in", "into", "is", "isn", "it", "its", "itself", "just", "let", "lets", "like", "ll", "may", "me", "might",
            "more", "most", "much", "must", "my", "need", "needs", "no", "nor", "not", "now", "of", "off", "often",
            "on", "once", "one", "only", "onto", "or", "other", "our", "ours", "out", "over", "own", "please", "re",
            "really", "s", "same", "shall", "she", "should", "shouldn", "so", "some", "something", "such", "t", "than",
            "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "thing", "things", "this",
            "those", "through", "to", "too", "under", "until", "up", "upon", "us", "ve", "very", "via", "want", "was",
            "wasn", "way", "ways", "we", "were", "weren", "what", "whats", "when", "where", "whether", "which", "while",
            "who", "whom", "whose", "why", "will", "with", "within", "without", "won", "would", "wouldn", "you", "your",
            "yours",
            // Question filler about code.
            "code", "codebase", "class", "classes", "function", "functions", "method", "methods", "module", "modules",
            "file", "files", "implement", "implemented", "implementing", "implementation", "implementations",
            "implements", "work", "works", "working", "worked", "happen", "happens", "happening", "explain", "show",
            "shows", "tell", "find", "located", "location", "defined", "define", "definition", "used", "use", "uses",
            "using", "usage", "logic", "responsible", "part", "place", "places", "project", "repo", "repository",
            "called", "calls", "call", "calling", "does", "make", "makes", "made", "exactly", "actually", "currently",
            "able", "possible", "happen", "supposed", "mean", "means", "given", "look", "looks", "see", "kind", "kinds",
            "type", "types", "thing", "stuff", "lib", "library"};
        QSet<QString> set;
        for (const char* word : kWords)
            set.insert(QString::fromLatin1(word));
        return set;
    }();
    return words;
}

const QSet<QString>& testWords()
{
    static const QSet<QString> words {QStringLiteral("test"), QStringLiteral("tests"), QStringLiteral("testing"),
        QStringLiteral("tested"), QStringLiteral("unittest"), QStringLiteral("unittests"), QStringLiteral("pytest"),
        QStringLiteral("fixture"), QStringLiteral("fixtures"), QStringLiteral("testcase"), QStringLiteral("testcases"),
        QStringLiteral("conftest")};
    return words;
}

// Words that ask what depends on something: "what breaks if I change X", "who is affected".
const QSet<QString>& impactWords()
{
    static const QSet<QString> words {QStringLiteral("affected"), QStringLiteral("affect"), QStringLiteral("affects"),
        QStringLiteral("impact"), QStringLiteral("impacted"), QStringLiteral("breaks"), QStringLiteral("break"),
        QStringLiteral("broken"), QStringLiteral("change"), QStringLiteral("changed"), QStringLiteral("changing"),
        QStringLiteral("modify"), QStringLiteral("modified"), QStringLiteral("callers"), QStringLiteral("caller"),
        QStringLiteral("dependents"), QStringLiteral("dependent"), QStringLiteral("depends"), QStringLiteral("depend"),
        QStringLiteral("rely"), QStringLiteral("relies")};
    return words;
}

// Extensions of the languages MU indexes, plus the usual configuration files people name.
const QSet<QString>& sourceExtensions()
{
    static const QSet<QString> extensions {QStringLiteral("py"), QStringLiteral("pyi"), QStringLiteral("ts"),
        QStringLiteral("tsx"), QStringLiteral("js"), QStringLiteral("jsx"), QStringLiteral("mjs"),
        QStringLiteral("cjs"), QStringLiteral("mts"), QStringLiteral("cts"), QStringLiteral("go"), QStringLiteral("rs"),
        QStringLiteral("java"), QStringLiteral("kt"), QStringLiteral("cs"), QStringLiteral("c"), QStringLiteral("h"),
        QStringLiteral("cc"), QStringLiteral("cpp"), QStringLiteral("cxx"), QStringLiteral("hpp"), QStringLiteral("hh"),
        QStringLiteral("hxx"), QStringLiteral("json"), QStringLiteral("toml"), QStringLiteral("yml"),
        QStringLiteral("yaml")};
    return extensions;
}

bool isIdentifierChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_';
}

bool isQuoteOpen(QChar c)
{
    return c == u'"' || c == u'`' || c == u'\'' || c == QChar(0x201C) || c == QChar(0x2018);
}

QChar closingQuote(QChar open)
{
    if (open == QChar(0x201C))
        return QChar(0x201D);
    if (open == QChar(0x2018))
        return QChar(0x2019);
    return open;
}

class Collector {
public:
    void add(QString text, EntityKind kind, double confidence)
    {
        if (text.isEmpty())
            return;
        const QString key = text.toLower();
        const auto found = m_positions.constFind(key);
        if (found != m_positions.cend()) {
            Entity& existing = m_entities[*found];
            if (confidence > existing.confidence || (confidence == existing.confidence && kind < existing.kind))
                existing = Entity {std::move(text), kind, confidence};
            return;
        }
        if (m_entities.size() >= kMaxEntities)
            return;
        m_positions.insert(key, int(m_entities.size()));
        m_entities.append(Entity {std::move(text), kind, confidence});
    }
    QList<Entity> take() { return std::move(m_entities); }

private:
    QList<Entity> m_entities;
    QHash<QString, int> m_positions;
};

bool hasLower(QStringView text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) { return c.isLower(); });
}
bool hasUpper(QStringView text)
{
    return std::any_of(text.begin(), text.end(), [](QChar c) { return c.isUpper(); });
}
bool allDigits(QStringView text)
{
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.isDigit(); });
}

/// One identifier (letters, digits, underscores): its kind, or nothing for prose.
void classifyIdentifier(QStringView word, bool sentenceStart, Collector& out)
{
    if (word.size() < 2)
        return;
    if (allDigits(word)) {
        // Standard and protocol numbers ("ISO 8601", "RFC 2822") appear in docstrings; short
        // numbers (versions, counts) match everything.
        if (word.size() >= 3 && word.size() <= 6)
            out.add(word.toString(), EntityKind::Word, 0.4);
        return;
    }
    if (std::all_of(word.begin(), word.end(), [](QChar c) { return c == u'_'; }))
        return;
    const bool lower = hasLower(word);
    const bool upper = hasUpper(word);
    if (word.contains(u'_')) {
        if (upper && !lower)
            out.add(word.toString(), EntityKind::Constant, 0.9);
        else
            out.add(word.toString(), EntityKind::SnakeCase, 0.85);
        return;
    }
    if (upper && !lower) {
        // Acronyms (JSON, HTTP) read like constants; they name modules as often as constants.
        if (!stopWords().contains(word.toString().toLower()))
            out.add(word.toString(), EntityKind::Constant, 0.6);
        return;
    }
    const bool innerUpper = std::any_of(word.begin() + 1, word.end(), [](QChar c) { return c.isUpper(); });
    if (innerUpper && lower) {
        out.add(word.toString(), EntityKind::CamelCase, 0.85);
        return;
    }
    const QString lowered = word.toString().toLower();
    if (stopWords().contains(lowered) || allDigits(QStringView(lowered).sliced(1)))
        return;
    // A capital in mid-sentence (the Path class) more likely names a type than one opening it.
    const bool capitalised = word.front().isUpper();
    out.add(lowered, EntityKind::Word, capitalised && !sentenceStart ? 0.6 : 0.5);
}

/// A token of identifier characters, dots, slashes, hyphens and `::`.
void classifyToken(QString token, bool sentenceStart, Collector& out)
{
    token.replace(QStringLiteral("::"), QStringLiteral("."));
    // Trim what cannot start or end a name: "./util.ts" → "util.ts", "dumps." → "dumps".
    qsizetype from = 0;
    qsizetype to = token.size();
    while (from < to && !isIdentifierChar(token[from]))
        ++from;
    while (to > from && !isIdentifierChar(token[to - 1]))
        --to;
    token = token.sliced(from, to - from);
    if (token.isEmpty())
        return;

    const qsizetype lastDot = token.lastIndexOf(u'.');
    const bool hasSlash = token.contains(u'/') || token.contains(u'\\');
    const bool sourceExtension = lastDot > 0 && sourceExtensions().contains(token.sliced(lastDot + 1).toLower());
    if (hasSlash || sourceExtension) {
        QString path = token;
        path.replace(u'\\', u'/');
        out.add(path, EntityKind::FileName, 0.95);
        return;
    }
    const QStringList hyphenParts = token.split(u'-', Qt::SkipEmptyParts);
    if (hyphenParts.size() > 1) {
        for (const QString& part : hyphenParts)
            classifyToken(part, false, out);
        return;
    }
    if (lastDot > 0) {
        const QStringList parts = token.split(u'.', Qt::SkipEmptyParts);
        // A dotted name is made of identifiers, one of them longer than a letter: not "e.g",
        // "3.11" or "i.e".
        const bool identifiers = std::all_of(parts.begin(), parts.end(),
            [](const QString& part) { return !part.front().isDigit() && !allDigits(part); });
        const bool substantial
            = std::any_of(parts.begin(), parts.end(), [](const QString& part) { return part.size() > 1; });
        if (parts.size() > 1 && identifiers && substantial) {
            out.add(parts.join(u'.'), EntityKind::Dotted, 0.9);
            return;
        }
        for (const QString& part : parts)
            classifyIdentifier(part, false, out);
        return;
    }
    classifyIdentifier(token, sentenceStart, out);
}

} // namespace

QString toString(EntityKind kind)
{
    switch (kind) {
    case EntityKind::Quoted:
        return QStringLiteral("quoted");
    case EntityKind::FileName:
        return QStringLiteral("file");
    case EntityKind::Dotted:
        return QStringLiteral("dotted");
    case EntityKind::CamelCase:
        return QStringLiteral("camel");
    case EntityKind::SnakeCase:
        return QStringLiteral("snake");
    case EntityKind::Constant:
        return QStringLiteral("constant");
    case EntityKind::Word:
        return QStringLiteral("word");
    }
    return {};
}

bool isStopWord(QStringView lowerWord)
{
    return stopWords().contains(lowerWord.toString());
}

QString stem(QStringView lowerWord)
{
    struct Rule {
        QStringView suffix;
        qsizetype keep; // characters of the suffix kept
    };
    static constexpr std::array kRules {Rule {u"ations", 0}, Rule {u"ation", 0}, Rule {u"ings", 0}, Rule {u"ing", 0},
        Rule {u"ions", 0}, Rule {u"ion", 0}, Rule {u"ers", 0}, Rule {u"er", 0}, Rule {u"ies", 0}, Rule {u"ied", 0},
        Rule {u"ed", 0}, Rule {u"es", 0}, Rule {u"ly", 0}, Rule {u"s", 0}};
    constexpr qsizetype kMinStem = 4;
    // A plural or a gerund keeps a 3-letter stem: "urls" → "url", "keys" → "key".
    constexpr qsizetype kMinPluralStem = 3;
    for (const Rule& rule : kRules) {
        if (!lowerWord.endsWith(rule.suffix))
            continue;
        if (rule.suffix == u"s"
            && (lowerWord.endsWith(u"ss") || lowerWord.endsWith(u"us") || lowerWord.endsWith(u"is")))
            break;
        const qsizetype length = lowerWord.size() - rule.suffix.size() + rule.keep;
        // "piping" → "pip", "timing" → "tim": a short verb that lost its "e" still prefixes its
        // names (pipe, timer).
        const bool short3 = rule.suffix == u"s" || rule.suffix == u"ing";
        if (length >= (short3 ? kMinPluralStem : kMinStem))
            return lowerWord.first(length).toString();
        break;
    }
    // "discovery" → "discover", "delivery" → "deliver": the noun's stem is the verb, a prefix of
    // both. Not after a vowel ("key", "array") and not "ly" (handled above).
    if (lowerWord.size() >= 6 && lowerWord.endsWith(u'y')) {
        const QChar before = lowerWord[lowerWord.size() - 2];
        if (!QStringView(u"aeiouyl").contains(before))
            return lowerWord.first(lowerWord.size() - 1).toString();
    }
    return lowerWord.toString();
}

QList<Entity> extractEntities(QStringView question)
{
    if (question.size() > kMaxQuestionChars)
        question = question.first(kMaxQuestionChars);
    Collector out;

    // Quoted text first: whatever the user quoted is the most deliberate name in the question.
    for (qsizetype i = 0; i < question.size(); ++i) {
        const QChar open = question[i];
        if (!isQuoteOpen(open))
            continue;
        // An apostrophe inside a word ("what's") opens nothing.
        if ((open == u'\'') && i > 0 && question[i - 1].isLetterOrNumber())
            continue;
        const QChar close = closingQuote(open);
        qsizetype end = i + 1;
        while (end < question.size() && question[end] != close && question[end] != u'\n')
            ++end;
        if (end >= question.size() || question[end] != close)
            continue;
        if (open == u'\'' && end + 1 < question.size() && question[end + 1].isLetterOrNumber())
            continue;
        const QString inner = question.sliced(i + 1, end - i - 1).trimmed().toString();
        if (!inner.isEmpty() && inner.size() <= 200) {
            const bool single = !inner.contains(u' ');
            out.add(inner, EntityKind::Quoted, single ? 1.0 : 0.7);
        }
        i = end;
    }

    // Then every token of the question (quoted ones included, for their parts and kinds).
    bool sentenceStart = true;
    qsizetype i = 0;
    while (i < question.size()) {
        const QChar c = question[i];
        const bool tokenStart = isIdentifierChar(c) || c == u'.' || c == u'/' || c == u'\\';
        if (!tokenStart) {
            if (c == u'?' || c == u'!' || c == u'\n')
                sentenceStart = true;
            ++i;
            continue;
        }
        qsizetype end = i;
        while (end < question.size()) {
            const QChar d = question[end];
            if (isIdentifierChar(d) || d == u'.' || d == u'/' || d == u'\\' || d == u'-') {
                ++end;
            } else if (d == u':' && end + 1 < question.size() && question[end + 1] == u':') {
                end += 2;
            } else {
                break;
            }
        }
        QString token = question.sliced(i, end - i).toString();
        const bool endsSentence = token.endsWith(u'.') && !(end < question.size() && question[end].isLetterOrNumber());
        classifyToken(token, sentenceStart, out);
        sentenceStart = endsSentence;
        i = end;
    }
    return out.take();
}

bool asksForDependents(QStringView question)
{
    if (question.size() > kMaxQuestionChars)
        question = question.first(kMaxQuestionChars);
    QStringList words;
    qsizetype i = 0;
    while (i < question.size()) {
        if (!isIdentifierChar(question[i])) {
            ++i;
            continue;
        }
        qsizetype end = i;
        while (end < question.size() && isIdentifierChar(question[end]))
            ++end;
        words.append(question.sliced(i, end - i).toString().toLower());
        i = end;
    }
    for (qsizetype w = 0; w < words.size(); ++w) {
        if (impactWords().contains(words[w]))
            return true;
        // "who calls X", "what calls X", "which functions call X": not "how is X called".
        const bool callWord = words[w] == u"calls" || words[w] == u"call" || words[w] == u"uses" || words[w] == u"use"
            || words[w] == u"depends" || words[w] == u"depend" || words[w] == u"breaks";
        if (callWord && w > 0) {
            const QString& previous = words[w - 1];
            if (previous == u"who" || previous == u"what" || previous == u"which" || previous == u"functions"
                || previous == u"methods" || previous == u"code" || previous == u"else")
                return true;
        }
    }
    return false;
}

bool isImpactWord(QStringView lowerWord)
{
    return impactWords().contains(lowerWord.toString());
}

bool mentionsTests(QStringView question)
{
    if (question.size() > kMaxQuestionChars)
        question = question.first(kMaxQuestionChars);
    qsizetype i = 0;
    while (i < question.size()) {
        if (!isIdentifierChar(question[i])) {
            ++i;
            continue;
        }
        qsizetype end = i;
        while (end < question.size() && isIdentifierChar(question[end]))
            ++end;
        const QStringView word = question.sliced(i, end - i);
        const QString lower = word.toString().toLower();
        if (testWords().contains(lower) || lower.startsWith(u"test_") || lower.endsWith(u"_test")
            || lower.endsWith(u"_tests"))
            return true;
        // TestDecode, JsonTests: CamelCase names of test classes.
        if (word.size() > 4 && word.startsWith(u"Test") && word[4].isUpper())
            return true;
        if (word.size() > 5 && (word.endsWith(u"Test") || word.endsWith(u"Tests")) && hasLower(word))
            return true;
        i = end;
    }
    return false;
}

bool isTestPath(QStringView path)
{
    const qsizetype slash = path.lastIndexOf(u'/');
    const QStringView fileName = slash >= 0 ? path.sliced(slash + 1) : path;
    if (slash > 0) {
        for (const QStringView dir : path.first(slash).split(u'/')) {
            const QString lower = dir.toString().toLower();
            if (lower == u"test" || lower == u"tests" || lower == u"__tests__" || lower == u"spec" || lower == u"specs"
                || lower == u"testdata" || lower == u"__mocks__" || lower == u"e2e" || lower.endsWith(u"_test")
                || lower.endsWith(u"_tests") || lower.startsWith(u"test_"))
                return true;
        }
    }
    const QString lowerName = fileName.toString().toLower();
    if (lowerName.startsWith(u"test_") || lowerName == u"conftest.py" || lowerName.contains(u".test.")
        || lowerName.contains(u".spec.") || lowerName.contains(u"_test.") || lowerName.contains(u"_tests.")
        || lowerName.startsWith(u"tests."))
        return true;
    const qsizetype dot = fileName.indexOf(u'.');
    const QStringView base = dot >= 0 ? fileName.first(dot) : fileName;
    return base.size() > 4 && (base.endsWith(u"Test") || base.endsWith(u"Tests")) && hasLower(base);
}

} // namespace mu::context
