#include "parse/query.h"

#include "parse/languageregistry.h"
#include "parse/sourcetext.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>
#include <bitset>
#include <cctype>
#include <optional>
#include <string_view>
#include <vector>

#ifndef MU_GRAMMARS_DIR
#define MU_GRAMMARS_DIR ""
#endif

namespace mu::parse {

// A backtracking matcher for the regexes highlight queries actually use (`^[A-Z]`,
// `^[A-Z_][A-Z\d_]+$`, `^[a-z][^.]*$`): anchors, literals, `.`, escapes `\d \w \s`, ASCII
// classes and the greedy quantifiers `* + ?`. It runs on ASCII text only, where it agrees with
// PCRE; anything else falls back to QRegularExpression, which needs UTF-16 and a match object.
class AsciiRegex {
public:
    static std::optional<AsciiRegex> compile(std::string_view re)
    {
        AsciiRegex out;
        size_t i = 0;
        if (i < re.size() && re[i] == '^') {
            out.m_anchoredStart = true;
            ++i;
        }
        if (re.size() > i && re.back() == '$' && (re.size() < 2 || re[re.size() - 2] != '\\')) {
            out.m_anchoredEnd = true;
            re.remove_suffix(1);
        }
        while (i < re.size()) {
            Atom atom;
            const char c = re[i];
            if (c == '[') {
                if (!parseClass(re, i, atom.set))
                    return std::nullopt;
            } else if (c == '\\') {
                if (i + 1 >= re.size() || !escape(re[i + 1], atom.set, false))
                    return std::nullopt;
                i += 2;
            } else if (c == '.') {
                atom.set.set();
                atom.set.reset('\n');
                ++i;
            } else if (std::string_view("()|{}^$*+?]").find(c) != std::string_view::npos || !printable(c)) {
                return std::nullopt;
            } else {
                atom.set.set(size_t(uint8_t(c)));
                ++i;
            }
            if (i < re.size() && (re[i] == '*' || re[i] == '+' || re[i] == '?')) {
                atom.min = re[i] == '+' ? 1 : 0;
                atom.max = re[i] == '?' ? 1 : kUnbounded;
                ++i;
                if (i < re.size() && (re[i] == '*' || re[i] == '+' || re[i] == '?' || re[i] == '{'))
                    return std::nullopt; // lazy, possessive or nested quantifiers
            } else if (i < re.size() && re[i] == '{') {
                return std::nullopt;
            }
            out.m_atoms.push_back(atom);
        }
        return out;
    }

    /// Whether the regex matches somewhere in `text`; std::nullopt when the text is not plain ASCII
    /// (or long enough that backtracking could hurt).
    std::optional<bool> matches(QByteArrayView text) const
    {
        if (text.size() > 1024)
            return std::nullopt;
        for (const char c : text) {
            if (uint8_t(c) >= 0x80)
                return std::nullopt;
        }
        const size_t n = size_t(text.size());
        const size_t lastStart = m_anchoredStart ? 0 : n;
        for (size_t start = 0; start <= lastStart; ++start) {
            if (matchAt(0, text.data(), start, n))
                return true;
        }
        return false;
    }

private:
    static constexpr uint32_t kUnbounded = std::numeric_limits<uint32_t>::max();
    struct Atom {
        std::bitset<128> set;
        uint32_t min = 1;
        uint32_t max = 1;
    };

    static bool printable(char c) { return c >= 0x20 && c < 0x7f; }

    static bool escape(char c, std::bitset<128>& set, bool inClass)
    {
        switch (c) {
        case 'd':
            for (char d = '0'; d <= '9'; ++d)
                set.set(size_t(d));
            return true;
        case 'w':
            for (size_t x = 0; x < 128; ++x) {
                if (std::isalnum(int(x)) || x == '_')
                    set.set(x);
            }
            return true;
        case 's':
            for (const char w : {' ', '\t', '\n', '\v', '\f', '\r'})
                set.set(size_t(w));
            return true;
        default:
            // Only punctuation escapes stand for themselves; letters and digits are classes,
            // back-references or code points this matcher does not know.
            if (!printable(c) || std::isalnum(uint8_t(c)) || (inClass && c == ' '))
                return false;
            set.set(size_t(uint8_t(c)));
            return true;
        }
    }

    static bool parseClass(std::string_view re, size_t& i, std::bitset<128>& set)
    {
        ++i; // '['
        bool negate = false;
        if (i < re.size() && re[i] == '^') {
            negate = true;
            ++i;
        }
        bool first = true;
        while (i < re.size() && (re[i] != ']' || first)) {
            first = false;
            char from = re[i];
            if (from == '[' && i + 1 < re.size() && (re[i + 1] == ':' || re[i + 1] == '=' || re[i + 1] == '.'))
                return false; // POSIX classes
            if (from == '\\') {
                if (i + 1 >= re.size())
                    return false;
                const char e = re[i + 1];
                i += 2;
                if (e == 'd' || e == 'w' || e == 's') {
                    escape(e, set, true);
                    continue;
                }
                if (!escape(e, set, true))
                    return false;
                from = e;
            } else {
                if (!printable(from))
                    return false;
                ++i;
            }
            if (i + 1 < re.size() && re[i] == '-' && re[i + 1] != ']') {
                char to = re[i + 1];
                if (to == '\\' || to == '[' || !printable(to) || to < from)
                    return false;
                for (int x = from; x <= to; ++x)
                    set.set(size_t(x));
                i += 2;
            } else {
                set.set(size_t(uint8_t(from)));
            }
        }
        if (i >= re.size())
            return false;
        ++i; // ']'
        if (negate)
            set.flip();
        return true;
    }

    bool matchAt(size_t atom, const char* text, size_t pos, size_t n) const
    {
        if (atom == m_atoms.size()) // PCRE's `$` also matches before a final newline
            return !m_anchoredEnd || pos == n || (pos + 1 == n && text[pos] == '\n');
        const Atom& a = m_atoms[atom];
        size_t count = 0;
        while (count < a.max && pos + count < n && a.set.test(size_t(uint8_t(text[pos + count]))))
            ++count;
        if (count < a.min)
            return false;
        for (size_t take = count + 1; take-- > a.min;) {
            if (matchAt(atom + 1, text, pos + take, n))
                return true;
        }
        return false;
    }

    std::vector<Atom> m_atoms;
    bool m_anchoredStart = false;
    bool m_anchoredEnd = false;
};

// The compiled form. Everything is laid out in flat arrays indexed per pattern so evaluating a
// match touches no allocator.
struct QueryData {
    enum class Op : uint8_t {
        EqString,  ///< capture text == literals[first]
        EqCapture, ///< capture text == other capture's text, pairwise
        Match,     ///< regexes[regex] matches capture text
        AnyOf,     ///< capture text is one of the sorted literals[first, first+count)
    };
    struct Predicate {
        Op op = Op::EqString;
        bool positive = true;
        bool matchAll = true;       ///< every node of the capture must pass (else: any node)
        bool dollarNewline = false; ///< AnyOf made from a `^(…)$` regex: PCRE's `$` also accepts a final '\n'
        uint32_t capture = 0;
        uint32_t other = 0;
        uint32_t first = 0;
        uint32_t count = 0;
        int regex = -1;
    };
    struct Strip {
        uint32_t capture = 0;
        int regex = -1;
    };
    struct Pattern {
        uint32_t firstPredicate = 0, predicateCount = 0;
        uint32_t firstProperty = 0, propertyCount = 0;
        uint32_t firstStrip = 0, stripCount = 0;
    };
    struct Span {
        QString name;
        uint32_t start = 0;
        uint32_t end = 0; ///< exclusive, before the '\n' that separates sources
    };

    QueryData() = default;
    QueryData(const QueryData&) = delete;
    QueryData& operator=(const QueryData&) = delete;
    ~QueryData()
    {
        if (query)
            ts_query_delete(query);
    }

    TSQuery* query = nullptr;
    std::vector<Span> spans;
    std::vector<Pattern> patterns;
    std::vector<Predicate> predicates;
    std::vector<std::string_view> literals; ///< views into the TSQuery's string table
    struct Regex {
        QRegularExpression pcre;
        std::optional<AsciiRegex> ascii;
    };
    std::vector<Regex> regexes;
    std::vector<QueryProperty> properties;
    std::vector<Strip> strips;
    std::vector<QByteArrayView> captureNames;
};

namespace {

Error queryError(const QString& message)
{
    return Error {QStringLiteral("query"), message};
}

// "<file>:<line>:<col>" for a byte offset into the concatenated sources.
QString locate(const QueryData& d, const QByteArray& text, uint32_t offset)
{
    const QueryData::Span* span = &d.spans.back();
    for (const QueryData::Span& candidate : d.spans) {
        if (offset <= candidate.end) {
            span = &candidate;
            break;
        }
    }
    offset = std::clamp(offset, span->start, span->end);
    const QByteArrayView before(text.constData() + span->start, offset - span->start);
    const qsizetype line = before.count('\n') + 1;
    const qsizetype lineStart = before.lastIndexOf('\n') + 1;
    const qsizetype column = before.size() - lineStart + 1;
    return span->name % u':' % QString::number(line) % u':' % QString::number(column);
}

// The name-like token at offset, for "invalid node type 'foo'".
QString tokenAt(const QByteArray& text, uint32_t offset)
{
    qsizetype end = offset;
    while (end < text.size()) {
        const char c = text.at(end);
        const bool nameChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
            || c == '-' || c == '.' || c == '@';
        if (!nameChar)
            break;
        ++end;
    }
    if (end == offset) // an anonymous node such as "foo": show up to the closing quote
        end = std::min<qsizetype>(text.indexOf('"', offset + 1) + 1, offset + 40);
    return QString::fromUtf8(text.constData() + offset, std::max<qsizetype>(end - offset, 0));
}

QString describe(TSQueryError type, const QByteArray& text, uint32_t offset)
{
    switch (type) {
    case TSQueryErrorSyntax: {
        const qsizetype lineEnd = text.indexOf('\n', offset);
        const qsizetype to = std::min<qsizetype>(lineEnd < 0 ? text.size() : lineEnd, offset + 40);
        const QString near = QString::fromUtf8(text.constData() + offset, std::max<qsizetype>(to - offset, 0));
        return near.isEmpty() ? QStringLiteral("syntax error at end of input")
                              : QStringLiteral("syntax error near '%1'").arg(near);
    }
    case TSQueryErrorNodeType:
        return QStringLiteral("invalid node type '%1'").arg(tokenAt(text, offset));
    case TSQueryErrorField:
        return QStringLiteral("invalid field '%1'").arg(tokenAt(text, offset));
    case TSQueryErrorCapture:
        return QStringLiteral("invalid capture '%1'").arg(tokenAt(text, offset));
    case TSQueryErrorStructure:
        return QStringLiteral("impossible pattern structure");
    case TSQueryErrorLanguage:
        return QStringLiteral("incompatible language version");
    case TSQueryErrorNone:
        break;
    }
    return QStringLiteral("unknown query error");
}

// `^(a|b|c)$`, `^a$`, `^(?:a|b)$` with plain-word alternatives: returns the words.
bool literalAlternation(std::string_view re, std::vector<std::string_view>& words)
{
    if (re.size() < 3 || re.front() != '^' || re.back() != '$')
        return false;
    re = re.substr(1, re.size() - 2);
    if (re.starts_with("(?:") && re.ends_with(')'))
        re = re.substr(3, re.size() - 4);
    else if (re.starts_with('(') && re.ends_with(')'))
        re = re.substr(1, re.size() - 2);
    words.clear();
    size_t start = 0;
    for (size_t i = 0; i <= re.size(); ++i) {
        if (i == re.size() || re[i] == '|') {
            if (i == start)
                return false;
            words.push_back(re.substr(start, i - start));
            start = i + 1;
            continue;
        }
        const char c = re[i];
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        if (!plain)
            return false;
    }
    return !words.empty();
}

class PredicateParser {
public:
    PredicateParser(QueryData& d, const QByteArray& text) : m_d(d), m_text(text) { }

    Status parsePattern(uint32_t pattern)
    {
        QueryData::Pattern info;
        info.firstPredicate = uint32_t(m_d.predicates.size());
        info.firstProperty = uint32_t(m_d.properties.size());
        info.firstStrip = uint32_t(m_d.strips.size());
        uint32_t stepCount = 0;
        const TSQueryPredicateStep* steps = ts_query_predicates_for_pattern(m_d.query, pattern, &stepCount);
        m_pattern = pattern;
        uint32_t begin = 0;
        for (uint32_t i = 0; i < stepCount; ++i) {
            if (steps[i].type != TSQueryPredicateStepTypeDone)
                continue;
            if (Status status = parsePredicate(std::span(steps + begin, i - begin)); !status.ok())
                return status;
            begin = i + 1;
        }
        info.predicateCount = uint32_t(m_d.predicates.size()) - info.firstPredicate;
        info.propertyCount = uint32_t(m_d.properties.size()) - info.firstProperty;
        info.stripCount = uint32_t(m_d.strips.size()) - info.firstStrip;
        m_d.patterns.push_back(info);
        return {};
    }

private:
    std::string_view string(const TSQueryPredicateStep& step) const
    {
        uint32_t length = 0;
        const char* value = ts_query_string_value_for_id(m_d.query, step.value_id, &length);
        return {value, length};
    }

    Error error(const QString& what) const
    {
        // Point at the predicate itself when it can be found after the pattern's start.
        const uint32_t patternStart = ts_query_start_byte_for_pattern(m_d.query, m_pattern);
        QByteArray needle("#");
        needle.append(m_name.data(), qsizetype(m_name.size()));
        qsizetype at = m_name.empty() ? -1 : m_text.indexOf(needle, qsizetype(patternStart));
        if (at < 0)
            at = patternStart;
        return queryError(locate(m_d, m_text, uint32_t(at)) % u": " % what);
    }

    QString name() const { return u'#' % QString::fromUtf8(m_name.data(), qsizetype(m_name.size())); }

    Error arity(const char* expected) const { return error(name() % u" expects " % QLatin1String(expected)); }

    Status compileRegex(std::string_view pattern, int& index)
    {
        QRegularExpression re(QString::fromUtf8(pattern.data(), qsizetype(pattern.size())),
            QRegularExpression::UseUnicodePropertiesOption);
        if (!re.isValid())
            return error(u"invalid regex in " % name() % u": " % re.errorString());
        re.optimize();
        index = int(m_d.regexes.size());
        m_d.regexes.push_back(QueryData::Regex {std::move(re), AsciiRegex::compile(pattern)});
        return {};
    }

    Status parsePredicate(std::span<const TSQueryPredicateStep> steps)
    {
        if (steps.empty() || steps[0].type != TSQueryPredicateStepTypeString) {
            m_name = {};
            return error(QStringLiteral("predicate without a name"));
        }
        m_name = string(steps[0]);
        const auto args = steps.subspan(1);
        const auto isCapture
            = [&](size_t i) { return i < args.size() && args[i].type == TSQueryPredicateStepTypeCapture; };
        const auto isString
            = [&](size_t i) { return i < args.size() && args[i].type == TSQueryPredicateStepTypeString; };

        std::string_view op = m_name;
        const bool any = op.starts_with("any-") && op != "any-of?";
        if (any)
            op.remove_prefix(4);
        const bool negated = op.starts_with("not-");
        if (negated)
            op.remove_prefix(4);

        QueryData::Predicate p;
        p.positive = !negated;
        p.matchAll = !any;
        if (op == "eq?") {
            if (args.size() != 2 || !isCapture(0))
                return arity("a capture and a string or capture");
            p.capture = args[0].value_id;
            if (isCapture(1)) {
                p.op = QueryData::Op::EqCapture;
                p.other = args[1].value_id;
            } else {
                p.op = QueryData::Op::EqString;
                p.first = uint32_t(m_d.literals.size());
                p.count = 1;
                m_d.literals.push_back(string(args[1]));
            }
            m_d.predicates.push_back(p);
            return {};
        }
        if (op == "match?") {
            if (args.size() != 2 || !isCapture(0) || !isString(1))
                return arity("a capture and a regex string");
            p.capture = args[0].value_id;
            const std::string_view pattern = string(args[1]);
            std::vector<std::string_view> words;
            if (literalAlternation(pattern, words)) {
                std::sort(words.begin(), words.end());
                p.op = QueryData::Op::AnyOf;
                p.dollarNewline = true;
                p.first = uint32_t(m_d.literals.size());
                p.count = uint32_t(words.size());
                m_d.literals.insert(m_d.literals.end(), words.begin(), words.end());
            } else {
                p.op = QueryData::Op::Match;
                if (Status status = compileRegex(pattern, p.regex); !status.ok())
                    return status;
            }
            m_d.predicates.push_back(p);
            return {};
        }
        if (m_name == "any-of?" || m_name == "not-any-of?") {
            if (args.size() < 2 || !isCapture(0))
                return arity("a capture and one or more strings");
            p.op = QueryData::Op::AnyOf;
            p.matchAll = true;
            p.capture = args[0].value_id;
            p.first = uint32_t(m_d.literals.size());
            for (size_t i = 1; i < args.size(); ++i) {
                if (!isString(i))
                    return arity("a capture and one or more strings");
                m_d.literals.push_back(string(args[i]));
            }
            p.count = uint32_t(m_d.literals.size()) - p.first;
            std::sort(m_d.literals.begin() + p.first, m_d.literals.end());
            m_d.predicates.push_back(p);
            return {};
        }
        if (m_name == "is?" || m_name == "is-not?") {
            // `(#is? [@capture] property [value])`. No property is known here (no scope tracking), so
            // each is absent: #is-not? holds, #is? never does.
            const size_t first = isCapture(0) ? 1 : 0;
            const size_t rest = args.size() - first;
            if (rest < 1 || rest > 2 || !isString(first) || (rest == 2 && !isString(first + 1)))
                return arity("a property name and an optional value");
            if (m_name == "is?")
                ts_query_disable_pattern(m_d.query, m_pattern);
            return {};
        }
        if (m_name == "set!") {
            const size_t first = isCapture(0) ? 1 : 0;
            if (args.size() <= first || args.size() > first + 2 || !isString(first)
                || (args.size() == first + 2 && !isString(first + 1)))
                return arity("an optional capture, a key and an optional value");
            QueryProperty property;
            property.capture = first == 1 ? int(args[0].value_id) : -1;
            const std::string_view key = string(args[first]);
            property.key = QByteArrayView(key.data(), qsizetype(key.size()));
            if (args.size() == first + 2) {
                const std::string_view value = string(args[first + 1]);
                property.value = QByteArrayView(value.data(), qsizetype(value.size()));
            }
            m_d.properties.push_back(property);
            return {};
        }
        if (m_name == "strip!") {
            if (args.size() != 2 || !isCapture(0) || !isString(1))
                return arity("a capture and a regex string");
            QueryData::Strip strip;
            strip.capture = args[0].value_id;
            if (Status status = compileRegex(string(args[1]), strip.regex); !status.ok())
                return status;
            m_d.strips.push_back(strip);
            return {};
        }
        if (m_name == "select-adjacent!") {
            if (args.size() != 2 || !isCapture(0) || !isCapture(1))
                return arity("two captures");
            return {};
        }
        if (m_name == "set-adjacent!" || m_name == "offset!")
            return {};
        return error(u"unknown predicate " % name());
    }

    QueryData& m_d;
    const QByteArray& m_text;
    uint32_t m_pattern = 0;
    std::string_view m_name;
};

// Locates a package's folder on the search path.
QString packageDir(const QString& package)
{
    for (const QString& root : Query::searchPath()) {
        const QString dir = root % u'/' % package;
        if (QFileInfo(dir).isDir())
            return dir;
    }
    return {};
}

QStringList jsonPaths(const QJsonValue& value)
{
    QStringList paths;
    if (value.isString())
        paths.append(value.toString());
    for (const QJsonValue& entry : value.toArray())
        paths.append(entry.toString());
    paths.removeAll(QString());
    return paths;
}

} // namespace

// ---------------------------------------------------------------------------------------------- Query

Result<Query> Query::create(const TSLanguage* language, const QByteArray& text, const QString& name)
{
    return create(language, QList<QuerySource> {QuerySource {name, text}});
}

Result<Query> Query::create(const TSLanguage* language, const QList<QuerySource>& sources)
{
    if (!language)
        return queryError(QStringLiteral("no language"));
    if (sources.isEmpty())
        return queryError(QStringLiteral("no query sources"));
    auto d = std::make_shared<QueryData>();
    QByteArray text;
    for (const QuerySource& source : sources) {
        QueryData::Span span;
        span.name = source.name;
        span.start = uint32_t(text.size());
        text += source.text;
        span.end = uint32_t(text.size());
        text += '\n';
        d->spans.push_back(std::move(span));
    }
    if (text.size() >= std::numeric_limits<int32_t>::max())
        return queryError(QStringLiteral("query sources too large"));

    uint32_t errorOffset = 0;
    TSQueryError errorType = TSQueryErrorNone;
    d->query = ts_query_new(language, text.constData(), uint32_t(text.size()), &errorOffset, &errorType);
    if (!d->query)
        return queryError(locate(*d, text, errorOffset) % u": " % describe(errorType, text, errorOffset));

    const uint32_t captures = ts_query_capture_count(d->query);
    d->captureNames.reserve(captures);
    for (uint32_t i = 0; i < captures; ++i) {
        uint32_t length = 0;
        const char* name = ts_query_capture_name_for_id(d->query, i, &length);
        d->captureNames.emplace_back(name, qsizetype(length));
    }

    PredicateParser parser(*d, text);
    const uint32_t patterns = ts_query_pattern_count(d->query);
    d->patterns.reserve(patterns);
    for (uint32_t i = 0; i < patterns; ++i) {
        if (Status status = parser.parsePattern(i); !status.ok())
            return status.error();
    }
    return Query(std::shared_ptr<const QueryData>(std::move(d)));
}

QStringList Query::searchPath()
{
    QStringList roots;
    const QString env = qEnvironmentVariable("MU_QUERIES_DIR");
    for (const QString& entry : env.split(QDir::listSeparator(), Qt::SkipEmptyParts))
        roots.append(QDir::cleanPath(entry));
    const QString builtIn = QStringLiteral(MU_GRAMMARS_DIR);
    if (!builtIn.isEmpty())
        roots.append(QDir::cleanPath(builtIn));
    return roots;
}

namespace {

// The files of `kind` for the language in one package folder, as its tree-sitter.json composes them.
Result<QStringList> queryFilesIn(const QString& dir, const Language& language, const QString& subdir, QStringView kind)
{
    QStringList relative;
    QFile manifest(dir % u"/tree-sitter.json");
    if (manifest.open(QIODevice::ReadOnly)) {
        QJsonParseError parseError;
        const QJsonDocument json = QJsonDocument::fromJson(manifest.readAll(), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return Error {
                QStringLiteral("io"), QStringLiteral("%1: %2").arg(manifest.fileName(), parseError.errorString())};
        // The grammar entry named like the language, else the one whose path is our folder.
        const QJsonArray grammars = json.object().value(u"grammars").toArray();
        QJsonObject chosen;
        for (const QJsonValue& grammar : grammars) {
            if (grammar.toObject().value(u"name").toString() == language.id) {
                chosen = grammar.toObject();
                break;
            }
        }
        for (qsizetype i = 0; chosen.isEmpty() && i < grammars.size(); ++i) {
            const QJsonObject grammar = grammars.at(i).toObject();
            if (QDir::cleanPath(grammar.value(u"path").toString(QStringLiteral("."))) == subdir)
                chosen = grammar;
        }
        relative = jsonPaths(chosen.value(kind));
    }
    // No manifest (a trimmed install) or no entry for this kind: the conventional file.
    if (relative.isEmpty() && QFileInfo::exists(dir % u"/queries/" % kind % u".scm"))
        relative.append(u"queries/" % kind % u".scm");
    if (relative.isEmpty())
        return Error {
            QStringLiteral("not_found"), QStringLiteral("%1 has no %2 query").arg(language.id, kind.toString())};

    QStringList files;
    for (const QString& path : std::as_const(relative)) {
        QString file = QDir::cleanPath(dir % u'/' % path);
        // npm hoists a package's own node_modules/ next to it: node_modules/tree-sitter-javascript/…
        // is found beside the package on the search path.
        if (!QFileInfo::exists(file) && path.startsWith(u"node_modules/")) {
            const QString hoisted = path.sliced(qsizetype(sizeof("node_modules/")) - 1);
            const qsizetype packageEnd = hoisted.indexOf(u'/');
            const QString other = packageEnd < 0 ? QString() : packageDir(hoisted.first(packageEnd));
            if (!other.isEmpty())
                file = QDir::cleanPath(other % u'/' % hoisted.sliced(packageEnd + 1));
        }
        if (!QFileInfo::exists(file))
            return Error {QStringLiteral("not_found"), QStringLiteral("query file %1 not found").arg(file)};
        files.append(file);
    }
    return files;
}

} // namespace

Result<QStringList> Query::queryFiles(const Language& language, QStringView kind)
{
    // grammarName is "<package>" or "<package>/<grammar folder>" (tree-sitter-typescript/tsx).
    const qsizetype slash = language.grammarName.indexOf(u'/');
    const QString package = slash < 0 ? language.grammarName : language.grammarName.first(slash);
    const QString subdir = slash < 0 ? QStringLiteral(".") : language.grammarName.sliced(slash + 1);
    const QStringList roots = searchPath();
    std::optional<Error> notFound;
    // The first root whose copy of the package has this kind of query wins, so an override
    // directory may hold only the files it replaces.
    for (const QString& root : roots) {
        const QString dir = root % u'/' % package;
        if (!QFileInfo(dir).isDir())
            continue;
        Result<QStringList> files = queryFilesIn(dir, language, subdir, kind);
        if (files.ok() || files.error().code != u"not_found")
            return files;
        if (!notFound)
            notFound = files.error();
    }
    if (notFound)
        return *notFound;
    return Error {QStringLiteral("not_found"),
        QStringLiteral("grammar package %1 not found in %2").arg(package, roots.join(u", "))};
}

Result<Query> Query::load(const Language& language, QStringView kind)
{
    if (!language.grammar)
        return queryError(QStringLiteral("language %1 has no grammar").arg(language.id));
    Result<QStringList> files = queryFiles(language, kind);
    if (!files)
        return files.error();
    QList<QuerySource> sources;
    for (const QString& path : files.value()) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return Error {QStringLiteral("io"), QStringLiteral("%1: %2").arg(path, file.errorString())};
        sources.append(QuerySource {path, file.readAll()});
    }
    return create(language.grammar(), sources);
}

const TSQuery* Query::handle() const
{
    return m_d ? m_d->query : nullptr;
}

uint32_t Query::patternCount() const
{
    return m_d ? uint32_t(m_d->patterns.size()) : 0;
}

uint32_t Query::captureCount() const
{
    return m_d ? uint32_t(m_d->captureNames.size()) : 0;
}

QByteArrayView Query::captureName(uint32_t captureIndex) const
{
    if (!m_d || captureIndex >= m_d->captureNames.size())
        return {};
    return m_d->captureNames[captureIndex];
}

int Query::captureIndex(QByteArrayView name) const
{
    if (!m_d)
        return -1;
    for (size_t i = 0; i < m_d->captureNames.size(); ++i) {
        if (m_d->captureNames[i] == name)
            return int(i);
    }
    return -1;
}

std::span<const QueryProperty> Query::properties(uint32_t patternIndex) const
{
    if (!m_d || patternIndex >= m_d->patterns.size())
        return {};
    const QueryData::Pattern& pattern = m_d->patterns[patternIndex];
    return std::span(m_d->properties).subspan(pattern.firstProperty, pattern.propertyCount);
}

QString Query::patternSource(uint32_t patternIndex) const
{
    if (!m_d || patternIndex >= m_d->patterns.size())
        return {};
    const uint32_t start = ts_query_start_byte_for_pattern(m_d->query, patternIndex);
    for (const QueryData::Span& span : m_d->spans) {
        if (start <= span.end)
            return span.name;
    }
    return {};
}

bool Query::hasPredicates(uint32_t patternIndex) const
{
    return m_d && patternIndex < m_d->patterns.size() && m_d->patterns[patternIndex].predicateCount > 0;
}

// ----------------------------------------------------------------------------------------- QueryMatch

QueryCapture QueryMatch::capture(qsizetype i) const
{
    const TSQueryCapture& c = m_match.captures[i];
    return QueryCapture {c.node, c.index, m_match.pattern_index, m_d->captureNames[c.index]};
}

TSNode QueryMatch::node(uint32_t captureIndex) const
{
    for (uint16_t i = 0; i < m_match.capture_count; ++i) {
        if (m_match.captures[i].index == captureIndex)
            return m_match.captures[i].node;
    }
    return TSNode {};
}

TSNode QueryMatch::node(QByteArrayView name) const
{
    for (uint16_t i = 0; i < m_match.capture_count; ++i) {
        if (m_d->captureNames[m_match.captures[i].index] == name)
            return m_match.captures[i].node;
    }
    return TSNode {};
}

std::span<const QueryProperty> QueryMatch::properties() const
{
    if (!m_d)
        return {};
    const QueryData::Pattern& pattern = m_d->patterns[m_match.pattern_index];
    return std::span(m_d->properties).subspan(pattern.firstProperty, pattern.propertyCount);
}

QByteArrayView QueryMatch::property(QByteArrayView key, bool* found) const
{
    for (const QueryProperty& property : properties()) {
        if (property.capture < 0 && property.key == key) {
            if (found)
                *found = true;
            return property.value;
        }
    }
    if (found)
        *found = false;
    return {};
}

// ---------------------------------------------------------------------------------------- QueryCursor

QueryCursor::QueryCursor() : m_cursor(ts_query_cursor_new())
{ }

QueryCursor::~QueryCursor()
{
    ts_query_cursor_delete(m_cursor);
}

void QueryCursor::setMatchLimit(uint32_t limit)
{
    ts_query_cursor_set_match_limit(m_cursor, limit == 0 ? std::numeric_limits<uint32_t>::max() : limit);
}

bool QueryCursor::didExceedMatchLimit() const
{
    return ts_query_cursor_did_exceed_match_limit(m_cursor);
}

void QueryCursor::exec(const Query& query, TSNode node, const SourceText& source, const QueryRange& range)
{
    Q_ASSERT(!query.isNull());
    m_d = query.m_d;
    m_source = &source;
    m_passedCount = 0;
    // 0.20.7 keeps the range across exec() calls: set it every time.
    ts_query_cursor_set_byte_range(m_cursor, range.startByte, range.endByte);
    ts_query_cursor_set_point_range(m_cursor, range.startPoint, range.endPoint);
    ts_query_cursor_exec(m_cursor, m_d->query, node);
}

bool QueryCursor::nextMatch(QueryMatch& match)
{
    if (!m_d)
        return false;
    TSQueryMatch raw;
    while (ts_query_cursor_next_match(m_cursor, &raw)) {
        if (passes(raw)) {
            match.m_match = raw;
            match.m_d = m_d.get();
            return true;
        }
    }
    return false;
}

bool QueryCursor::nextCapture(QueryCapture& capture)
{
    QueryMatch match;
    return nextCapture(capture, match);
}

bool QueryCursor::nextCapture(QueryCapture& capture, QueryMatch& match)
{
    if (!m_d)
        return false;
    constexpr uint32_t kCacheSize = sizeof(m_passed) / sizeof(m_passed[0]);
    TSQueryMatch raw;
    uint32_t index = 0;
    while (ts_query_cursor_next_capture(m_cursor, &raw, &index)) {
        bool ok = m_d->patterns[raw.pattern_index].predicateCount == 0;
        // A match comes back once per capture: remember the recent ones that passed.
        for (uint32_t i = 0; !ok && i < std::min(m_passedCount, kCacheSize); ++i)
            ok = m_passed[i] == raw.id;
        if (!ok) {
            if (!passes(raw)) {
                ts_query_cursor_remove_match(m_cursor, raw.id);
                continue;
            }
            m_passed[m_passedCount % kCacheSize] = raw.id;
            ++m_passedCount;
        }
        match.m_match = raw;
        match.m_d = m_d.get();
        capture = match.capture(index);
        return true;
    }
    return false;
}

QString QueryCursor::text(const QueryCapture& capture) const
{
    if (!m_source)
        return {};
    QString text = m_source->text(capture.node);
    if (!m_d || capture.patternIndex >= m_d->patterns.size())
        return text;
    const QueryData::Pattern& pattern = m_d->patterns[capture.patternIndex];
    for (uint32_t i = pattern.firstStrip; i < pattern.firstStrip + pattern.stripCount; ++i) {
        if (m_d->strips[i].capture == capture.index)
            text.remove(m_d->regexes[size_t(m_d->strips[i].regex)].pcre);
    }
    return text;
}

bool QueryCursor::textMatches(int regex, QByteArrayView text)
{
    const QueryData::Regex& re = m_d->regexes[size_t(regex)];
    if (re.ascii) {
        if (const std::optional<bool> matched = re.ascii->matches(text))
            return *matched;
    }
    // Decode into a buffer that keeps its capacity, so a warm cursor does not allocate for it.
    m_scratch.resize(m_decoder.requiredSpace(text.size()));
    QChar* begin = m_scratch.data();
    const QChar* end = m_decoder.appendToBuffer(begin, text);
    const QStringView subject(begin, end - begin);
    return re.pcre.match(subject).hasMatch();
}

bool QueryCursor::passes(const TSQueryMatch& match)
{
    using Op = QueryData::Op;
    const QueryData& d = *m_d;
    const QueryData::Pattern& pattern = d.patterns[match.pattern_index];
    const std::span<const TSQueryCapture> captures(match.captures, match.capture_count);
    for (uint32_t pi = pattern.firstPredicate; pi < pattern.firstPredicate + pattern.predicateCount; ++pi) {
        const QueryData::Predicate& p = d.predicates[pi];
        if (p.op == Op::EqCapture) {
            // Pairwise over the nodes of both captures, as tree-sitter's bindings do.
            size_t a = 0;
            size_t b = 0;
            bool satisfied = p.matchAll;
            for (;;) {
                while (a < captures.size() && captures[a].index != p.capture)
                    ++a;
                while (b < captures.size() && captures[b].index != p.other)
                    ++b;
                if (a == captures.size() || b == captures.size()) {
                    if (p.matchAll && (a != captures.size() || b != captures.size()))
                        satisfied = false;
                    break;
                }
                const bool ok = (m_source->view(captures[a].node) == m_source->view(captures[b].node)) == p.positive;
                if (p.matchAll && !ok) {
                    satisfied = false;
                    break;
                }
                if (!p.matchAll && ok) {
                    satisfied = true;
                    break;
                }
                ++a;
                ++b;
            }
            if (!satisfied)
                return false;
            continue;
        }

        bool seen = false;
        bool satisfied = p.matchAll;
        for (const TSQueryCapture& capture : captures) {
            if (capture.index != p.capture)
                continue;
            seen = true;
            QByteArrayView text = m_source->view(capture.node);
            bool hit = false;
            switch (p.op) {
            case Op::EqString:
                hit = text == QByteArrayView(d.literals[p.first].data(), qsizetype(d.literals[p.first].size()));
                break;
            case Op::AnyOf: {
                const auto first = d.literals.begin() + p.first;
                const std::string_view key(text.data(), size_t(text.size()));
                hit = std::binary_search(first, first + p.count, key);
                if (!hit && p.dollarNewline && key.ends_with('\n'))
                    hit = std::binary_search(first, first + p.count, key.substr(0, key.size() - 1));
                break;
            }
            case Op::Match:
                hit = textMatches(p.regex, text);
                break;
            case Op::EqCapture:
                break;
            }
            const bool ok = hit == p.positive;
            if (p.matchAll && !ok) {
                satisfied = false;
                break;
            }
            if (!p.matchAll && ok) {
                satisfied = true;
                break;
            }
        }
        if (!satisfied && seen)
            return false;
    }
    return true;
}

} // namespace mu::parse
