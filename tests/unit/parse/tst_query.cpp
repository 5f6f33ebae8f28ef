#include "parse/languageregistry.h"
#include "parse/query.h"
#include "parse/sourcetext.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <tree_sitter/api.h>

#include <memory>
#include <thread>

using mu::Result;
using namespace mu::parse;

namespace {

struct TreeDeleter {
    void operator()(TSTree* tree) const { ts_tree_delete(tree); }
};
using Tree = std::unique_ptr<TSTree, TreeDeleter>;

const Language& language(QStringView id)
{
    const Language* found = LanguageRegistry::builtin().byId(id);
    Q_ASSERT(found);
    return *found;
}

Tree parse(const Language& lang, const QByteArray& source)
{
    TSParser* parser = ts_parser_new();
    ts_parser_set_language(parser, lang.grammar());
    TSTree* tree = ts_parser_parse_string(parser, nullptr, source.constData(), uint32_t(source.size()));
    ts_parser_delete(parser);
    return Tree(tree);
}

QByteArray fixture(const QString& name)
{
    QFile file(QStringLiteral(MU_FIXTURES_DIR "/query/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return file.readAll();
}

// Compiles `query` for the language and returns, match by match, the text of `capture`.
QStringList matchTexts(QStringView lang, const QByteArray& source, const QByteArray& query, QByteArrayView capture)
{
    const Language& l = language(lang);
    Result<Query> compiled = Query::create(l.grammar(), query);
    if (!compiled) {
        qWarning() << compiled.error().message;
        return {QStringLiteral("<error>")};
    }
    const Tree tree = parse(l, source);
    const SourceText text(source);
    QueryCursor cursor;
    cursor.exec(*compiled, ts_tree_root_node(tree.get()), text);
    QStringList out;
    QueryMatch match;
    while (cursor.nextMatch(match)) {
        const TSNode node = match.node(capture);
        if (!ts_node_is_null(node))
            out.append(text.text(node));
    }
    return out;
}

// Names captured as @name in matches that also capture `kind`, without predicate evaluation
// (raw 0.20.7 behaviour) or with it.
QStringList tagNames(const Query& query, const QByteArray& source, QByteArrayView kind, bool evaluate)
{
    const Tree tree = parse(language(u"javascript"), source);
    const SourceText text(source);
    const int kindIndex = query.captureIndex(kind);
    const int nameIndex = query.captureIndex("name");
    QStringList out;
    if (evaluate) {
        QueryCursor cursor;
        cursor.exec(query, ts_tree_root_node(tree.get()), text);
        QueryMatch match;
        while (cursor.nextMatch(match)) {
            if (!ts_node_is_null(match.node(uint32_t(kindIndex))))
                out.append(text.text(match.node(uint32_t(nameIndex))));
        }
        return out;
    }
    TSQueryCursor* cursor = ts_query_cursor_new();
    ts_query_cursor_exec(cursor, query.handle(), ts_tree_root_node(tree.get()));
    TSQueryMatch match;
    while (ts_query_cursor_next_match(cursor, &match)) {
        bool hasKind = false;
        TSNode name {};
        for (uint16_t i = 0; i < match.capture_count; ++i) {
            if (int(match.captures[i].index) == kindIndex)
                hasKind = true;
            if (int(match.captures[i].index) == nameIndex)
                name = match.captures[i].node;
        }
        if (hasKind && !ts_node_is_null(name))
            out.append(text.text(name));
    }
    ts_query_cursor_delete(cursor);
    return out;
}

} // namespace

class TestQuery : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void predicates_data();
    void predicates();
    void regexAgreesWithPcre_data();
    void regexAgreesWithPcre();
    void quantifiedCaptures();
    void javascriptTags();
    void setProperties();
    void stripDirective();
    void compileErrors_data();
    void compileErrors();
    void composition();
    void shippedQueries_data();
    void shippedQueries();
    void captureOrder();
    void ranges();
    void matchLimit();
    void queriesDirOverride();
    void sharedAcrossThreads();
};

void TestQuery::predicates_data()
{
    QTest::addColumn<QString>("lang");
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QStringList>("expected");

    const QByteArray py = "alpha = 1\nBeta = alpha\nGAMMA = delta\nx = x\n";
    QTest::newRow("eq string") << "python" << py << QByteArray(R"(((identifier) @c (#eq? @c "alpha")))")
                               << QStringList {"alpha", "alpha"};
    QTest::newRow("not-eq string") << "python" << py << QByteArray(R"(((identifier) @c (#not-eq? @c "alpha")))")
                                   << QStringList {"Beta", "GAMMA", "delta", "x", "x"};
    QTest::newRow("eq capture") << "python" << py
                                << QByteArray("((assignment left: (identifier) @c right: (identifier) @r)"
                                              " (#eq? @c @r))")
                                << QStringList {"x"};
    QTest::newRow("not-eq capture") << "python" << py
                                    << QByteArray("((assignment left: (identifier) @c right: (identifier) @r)"
                                                  " (#not-eq? @c @r))")
                                    << QStringList {"Beta", "GAMMA"};
    QTest::newRow("match") << "python" << py << QByteArray(R"(((identifier) @c (#match? @c "^[A-Z]")))")
                           << QStringList {"Beta", "GAMMA"};
    QTest::newRow("match unicode class") << "python" << py
                                         << QByteArray(R"(((identifier) @c (#match? @c "^\\p{Lu}[\\p{Lu}_]*$")))")
                                         << QStringList {"GAMMA"};
    QTest::newRow("not-match") << "python" << py << QByteArray(R"(((identifier) @c (#not-match? @c "^[A-Z]")))")
                               << QStringList {"alpha", "alpha", "delta", "x", "x"};
    QTest::newRow("match literal alternation")
        << "python" << py << QByteArray(R"(((identifier) @c (#match? @c "^(delta|x)$")))")
        << QStringList {"delta", "x", "x"};
    QTest::newRow("not-match literal alternation")
        << "python" << py << QByteArray(R"(((identifier) @c (#not-match? @c "^(?:delta|x|alpha)$")))")
        << QStringList {"Beta", "GAMMA"};
    QTest::newRow("match substring") << "python" << py << QByteArray(R"(((identifier) @c (#match? @c "lt")))")
                                     << QStringList {"delta"};
    QTest::newRow("any-of") << "python" << py << QByteArray(R"(((identifier) @c (#any-of? @c "Beta" "delta" "nope")))")
                            << QStringList {"Beta", "delta"};
    QTest::newRow("not-any-of") << "python" << py
                                << QByteArray(R"(((identifier) @c (#not-any-of? @c "alpha" "x" "Beta")))")
                                << QStringList {"GAMMA", "delta"};
    QTest::newRow("is-not local passes") << "python" << py << QByteArray(R"(((identifier) @c (#is-not? local)))")
                                         << QStringList {"alpha", "Beta", "alpha", "GAMMA", "delta", "x", "x"};
    QTest::newRow("is local never") << "python" << py << QByteArray(R"(((identifier) @c (#is? local)) ((integer) @c))")
                                    << QStringList {"1"};
    QTest::newRow("several predicates") << "python" << py << QByteArray(R"(((identifier) @c (#match? @c "^[A-Za-z]+$")
                                                         (#not-eq? @c "alpha") (#not-any-of? @c "x")
                                                         (#match? @c "a$")))")
                                        << QStringList {"Beta", "delta"};
    QTest::newRow("directives ignored") << "javascript" << QByteArray("let a = b;\n")
                                        << QByteArray(R"(((identifier) @c (#offset! @c 0 1 0 -1)
                                                         (#set-adjacent! @c @c) (#select-adjacent! @c @c)))")
                                        << QStringList {"a", "b"};
    QTest::newRow("typescript") << "typescript" << QByteArray("let a: Foo = b as Bar;\n")
                                << QByteArray(R"(((type_identifier) @c (#eq? @c "Bar")))") << QStringList {"Bar"};
    QTest::newRow("tsx") << "tsx" << QByteArray("const x = <div><Foo /></div>;\n")
                         << QByteArray(R"(((identifier) @c (#match? @c "^[A-Z]")))") << QStringList {"Foo"};
}

void TestQuery::predicates()
{
    QFETCH(QString, lang);
    QFETCH(QByteArray, source);
    QFETCH(QByteArray, query);
    QFETCH(QStringList, expected);
    QCOMPARE(matchTexts(lang, source, query, "c"), expected);
}

void TestQuery::regexAgreesWithPcre_data()
{
    QTest::addColumn<QByteArray>("regex");
    // Shapes from the shipped queries (served by the built-in ASCII matcher) and ones that need PCRE.
    for (const char* regex :
        {"^[A-Z]", "^[A-Z][A-Z_]*$", "^[A-Z_][A-Z\\d_]+$", "^[a-z][^.]*$", "_", "a.b", "^_+", "x?y$", "\\d", "[^a-z]",
            "^[\\w]+$", "^.$", "[-_]", "ab*c", "^[]a]", "b+c$", "\\.", "^\\p{Lu}", "(?i)^abc", "^(ab|x)+$", "r{2}"}) {
        QTest::newRow(regex) << QByteArray(regex);
    }
}

void TestQuery::regexAgreesWithPcre()
{
    QFETCH(QByteArray, regex);
    const QByteArray source = "HTTP_OK = a1 + abc + ac + abbbc + ABC + x_y + _private + __dunder__ + gr\xc3\xb6\xc3\x9f"
                              "e + \xc3\x84rger + X + y + xy + A1B + \xc3\xa9"
                              "a + z9 + axb + Abc + xyz + abab + "
                              "barr + bc\n";
    // The query syntax unescapes \\ to \ before the regex sees it.
    const QByteArray query = "((identifier) @c (#match? @c \"" + QByteArray(regex).replace("\\", "\\\\") + "\"))";
    const QStringList matched = matchTexts(u"python", source, query, "c");
    QVERIFY(!matched.contains(u"<error>"_qs));

    const QStringList all = matchTexts(u"python", source, "(identifier) @c", "c");
    QCOMPARE(all.size(), 23); // no parse errors: every name is there
    QVERIFY(all.contains(u"größe"_qs));
    const QRegularExpression pcre(QString::fromUtf8(regex), QRegularExpression::UseUnicodePropertiesOption);
    QVERIFY(pcre.isValid());
    QStringList expected;
    for (const QString& name : all) {
        if (pcre.match(name).hasMatch())
            expected.append(name);
    }
    QCOMPARE(matched, expected);
}

void TestQuery::quantifiedCaptures()
{
    const QByteArray js = "// a\n// b\nfunction f() {}\n// a\nfunction g() {}\n";
    const auto names = [&](const char* predicate) {
        const QByteArray query = "((comment)+ @doc . (function_declaration name: (identifier) @name) ("
            + QByteArray(predicate) + " @doc \"// a\"))";
        return matchTexts(u"javascript", js, query, "name");
    };
    // The plain forms need every comment of the run to pass, the any- forms one.
    QCOMPARE(names("#eq?"), QStringList {u"g"_qs});
    QCOMPARE(names("#any-eq?"), (QStringList {u"f"_qs, u"g"_qs}));
    QCOMPARE(names("#not-eq?"), QStringList {});
    QCOMPARE(names("#any-not-eq?"), QStringList {u"f"_qs});
}

void TestQuery::javascriptTags()
{
    Result<Query> tags = Query::load(language(u"javascript"), u"tags");
    QVERIFY2(tags.ok(), tags.ok() ? "" : qPrintable(tags.error().message));
    const QByteArray js = "const fs = require('fs');\n"
                          "class Shape {\n"
                          "  constructor(n) { this.n = n; }\n"
                          "  area() { return compute(this.n); }\n"
                          "}\n";

    // Raw tree-sitter 0.20.7 ignores #not-eq? and #not-match?: it over-reports.
    const QStringList rawMethods = tagNames(*tags, js, "definition.method", false);
    const QStringList rawCalls = tagNames(*tags, js, "reference.call", false);
    QVERIFY2(rawMethods.contains(u"constructor"_qs), qPrintable(rawMethods.join(u',')));
    QVERIFY2(rawCalls.contains(u"require"_qs), qPrintable(rawCalls.join(u',')));

    const QStringList methods = tagNames(*tags, js, "definition.method", true);
    const QStringList calls = tagNames(*tags, js, "reference.call", true);
    QCOMPARE(methods, QStringList {u"area"_qs});
    QVERIFY2(!calls.contains(u"require"_qs), qPrintable(calls.join(u',')));
    QVERIFY2(calls.contains(u"compute"_qs), qPrintable(calls.join(u',')));
    QCOMPARE(tagNames(*tags, js, "definition.class", true), QStringList {u"Shape"_qs});
}

void TestQuery::setProperties()
{
    const Language& py = language(u"python");
    Result<Query> query = Query::create(
        py.grammar(), QByteArray(R"(((identifier) @x (#set! kind "variable") (#set! @x role "name") (#set! flag))
                      ((integer) @n))"));
    QVERIFY2(query.ok(), query.ok() ? "" : qPrintable(query.error().message));
    QCOMPARE(query->patternCount(), 2u);
    QCOMPARE(query->properties(0).size(), size_t(3));
    QCOMPARE(query->properties(1).size(), size_t(0));
    QVERIFY(!query->hasPredicates(0)); // directives only

    const QByteArray source = "a = 1\n";
    const Tree tree = parse(py, source);
    const SourceText text(source);
    QueryCursor cursor;
    cursor.exec(*query, ts_tree_root_node(tree.get()), text);
    QueryMatch match;
    int identifiers = 0;
    int integers = 0;
    while (cursor.nextMatch(match)) {
        bool found = false;
        if (match.patternIndex() == 0) {
            ++identifiers;
            QCOMPARE(match.property("kind", &found), QByteArrayView("variable"));
            QVERIFY(found);
            QVERIFY(match.property("flag", &found).isEmpty());
            QVERIFY(found);
            match.property("role", &found); // capture-scoped, not pattern-wide
            QVERIFY(!found);
            const std::span<const QueryProperty> properties = match.properties();
            QCOMPARE(properties[1].capture, query->captureIndex("x"));
            QCOMPARE(properties[1].key, QByteArrayView("role"));
            QCOMPARE(properties[1].value, QByteArrayView("name"));
            QCOMPARE(match.capture(0).name, QByteArrayView("x"));
        } else {
            ++integers;
            QVERIFY(match.properties().empty());
            match.property("kind", &found);
            QVERIFY(!found);
        }
    }
    QCOMPARE(identifiers, 1);
    QCOMPARE(integers, 1);

    // A shipped query's #set!: javascript's injections name the regex language.
    const Language& js = language(u"javascript");
    Result<Query> injections = Query::load(js, u"injections");
    QVERIFY2(injections.ok(), injections.ok() ? "" : qPrintable(injections.error().message));
    const QByteArray jsSource = "let r = /ab+c/;\n";
    const Tree jsTree = parse(js, jsSource);
    const SourceText jsText(jsSource);
    cursor.exec(*injections, ts_tree_root_node(jsTree.get()), jsText);
    QStringList languages;
    while (cursor.nextMatch(match))
        languages.append(QString::fromUtf8(match.property("injection.language")));
    QCOMPARE(languages, QStringList {u"regex"_qs});
}

void TestQuery::stripDirective()
{
    Result<Query> tags = Query::load(language(u"javascript"), u"tags");
    QVERIFY(tags.ok());
    // A method: 0.20.7 drops the `(comment)* @doc .` capture of top-level functions when the
    // whole tags query runs (it keeps it for a query of that pattern alone).
    const QByteArray js = "class A {\n  /** Makes things. */\n  make() {}\n  // Area.\n  area() {}\n}\n";
    const Tree tree = parse(language(u"javascript"), js);
    const SourceText text(js);
    QueryCursor cursor;
    cursor.exec(*tags, ts_tree_root_node(tree.get()), text);
    QueryCapture capture;
    QStringList docs;
    while (cursor.nextCapture(capture)) {
        if (capture.name == "doc")
            docs.append(cursor.text(capture));
    }
    // tags.scm's `^[\\s\\*/]+|^[\\s\\*/]$` strips the leading markers only, as tree-sitter tags does.
    QCOMPARE(docs, (QStringList {u"Makes things. */"_qs, u"Area."_qs}));
}

void TestQuery::compileErrors_data()
{
    QTest::addColumn<QByteArray>("second");
    QTest::addColumn<QString>("message");
    QTest::newRow("syntax") << QByteArray("(identifier) @a\n  (call\n") << "b.scm:3:1: syntax error at end of input";
    QTest::newRow("syntax inside") << QByteArray("(identifier) @a\n(call ]\n") << "b.scm:2:7: syntax error near ']'";
    QTest::newRow("node type") << QByteArray("\n  (no_such_node) @a\n")
                               << "b.scm:2:4: invalid node type 'no_such_node'";
    QTest::newRow("field") << QByteArray("(call nonsense: (identifier))\n") << "b.scm:1:7: invalid field 'nonsense'";
    QTest::newRow("capture") << QByteArray("((identifier) @a (#eq? @b \"x\"))\n") << "b.scm:1:25: invalid capture 'b'";
    QTest::newRow("unknown predicate") << QByteArray("(integer)\n((identifier) @a\n (#frobnicate? @a \"x\"))\n")
                                       << "b.scm:3:3: unknown predicate #frobnicate?";
    QTest::newRow("bad regex") << QByteArray("((identifier) @a (#match? @a \"(\"))")
                               << "b.scm:1:19: invalid regex in #match?: missing closing parenthesis";
    QTest::newRow("eq arity") << QByteArray("((identifier) @a (#eq? @a))")
                              << "b.scm:1:19: #eq? expects a capture and a string or capture";
    QTest::newRow("any-of arity") << QByteArray("((identifier) @a (#any-of? \"x\" @a))")
                                  << "b.scm:1:19: #any-of? expects a capture and one or more strings";
    QTest::newRow("set arity") << QByteArray("((identifier) @a (#set!))")
                               << "b.scm:1:19: #set! expects an optional capture, a key and an optional value";
}

void TestQuery::compileErrors()
{
    QFETCH(QByteArray, second);
    QFETCH(QString, message);
    const QList<QuerySource> sources {
        {u"a.scm"_qs, QByteArray("; fine\n(identifier) @id\n")},
        {u"b.scm"_qs, second},
    };
    Result<Query> query = Query::create(language(u"python").grammar(), sources);
    QVERIFY(!query.ok());
    QCOMPARE(query.error().code, u"query"_qs);
    QCOMPARE(query.error().message, message);
}

void TestQuery::composition()
{
    const QString root = QStringLiteral(MU_GRAMMARS_DIR);
    const auto files = [&](QStringView lang, QStringView kind) {
        Result<QStringList> found = Query::queryFiles(language(lang), kind);
        if (!found)
            return QStringList {found.error().message};
        QStringList relative;
        for (const QString& file : found.value())
            relative.append(QDir(root).relativeFilePath(file));
        return relative;
    };
    QCOMPARE(files(u"python", u"highlights"), QStringList {"tree-sitter-python/queries/highlights.scm"});
    QCOMPARE(files(u"javascript", u"tags"), QStringList {"tree-sitter-javascript/queries/tags.scm"});
    QCOMPARE(files(u"javascript", u"highlights"),
        (QStringList {"tree-sitter-javascript/queries/highlights.scm",
            "tree-sitter-javascript/queries/highlights-jsx.scm",
            "tree-sitter-javascript/queries/highlights-params.scm"}));
    QCOMPARE(files(u"typescript", u"highlights"),
        (QStringList {
            "tree-sitter-typescript/queries/highlights.scm", "tree-sitter-javascript/queries/highlights.scm"}));
    QCOMPARE(files(u"typescript", u"tags"),
        (QStringList {"tree-sitter-typescript/queries/tags.scm", "tree-sitter-javascript/queries/tags.scm"}));
    QCOMPARE(files(u"tsx", u"highlights"),
        (QStringList {"tree-sitter-typescript/queries/highlights.scm",
            "tree-sitter-javascript/queries/highlights-jsx.scm", "tree-sitter-javascript/queries/highlights.scm"}));
    QCOMPARE(files(u"tsx", u"locals"), QStringList {"tree-sitter-javascript/queries/locals.scm"});
    QCOMPARE(files(u"typescript", u"locals"),
        (QStringList {"tree-sitter-typescript/queries/locals.scm", "tree-sitter-javascript/queries/locals.scm"}));

    Result<Query> missing = Query::load(language(u"python"), u"locals");
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code, u"not_found"_qs);
}

void TestQuery::shippedQueries_data()
{
    QTest::addColumn<QString>("lang");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("sample");
    const QList<std::pair<QString, QString>> languages {
        {"python", "sample.py"}, {"javascript", "sample.js"}, {"typescript", "sample.ts"}, {"tsx", "sample.tsx"}};
    for (const auto& [lang, sample] : languages) {
        for (const QString& kind : {u"highlights"_qs, u"tags"_qs}) {
            QTest::addRow("%s %s", qPrintable(lang), qPrintable(kind)) << lang << kind << sample;
        }
    }
    QTest::newRow("javascript locals") << "javascript"
                                       << "locals"
                                       << "sample.js";
    QTest::newRow("typescript locals") << "typescript"
                                       << "locals"
                                       << "sample.ts";
    QTest::newRow("tsx locals") << "tsx"
                                << "locals"
                                << "sample.tsx";
}

void TestQuery::shippedQueries()
{
    QFETCH(QString, lang);
    QFETCH(QString, kind);
    QFETCH(QString, sample);
    const Language& l = language(lang);
    Result<Query> query = Query::load(l, kind);
    QVERIFY2(query.ok(), query.ok() ? "" : qPrintable(query.error().message));
    QVERIFY(query->patternCount() > 0);

    const QByteArray source = fixture(sample);
    const Tree tree = parse(l, source);
    QVERIFY(!ts_node_has_error(ts_tree_root_node(tree.get())));
    const SourceText text(source);
    QueryCursor cursor;
    cursor.exec(*query, ts_tree_root_node(tree.get()), text);
    int matches = 0;
    QueryMatch match;
    while (cursor.nextMatch(match)) {
        QVERIFY(match.patternIndex() < query->patternCount());
        for (qsizetype i = 0; i < match.captureCount(); ++i)
            QVERIFY(!match.capture(i).name.isEmpty());
        ++matches;
    }
    QVERIFY(matches > 0);
    QVERIFY(!cursor.didExceedMatchLimit());

    cursor.exec(*query, ts_tree_root_node(tree.get()), text);
    int captures = 0;
    QueryCapture capture;
    while (cursor.nextCapture(capture))
        ++captures;
    QVERIFY(captures >= matches);

    if (kind == u"highlights") {
        // The runner must drop what raw tree-sitter reports for predicates that do not hold.
        TSQueryCursor* raw = ts_query_cursor_new();
        ts_query_cursor_exec(raw, query->handle(), ts_tree_root_node(tree.get()));
        TSQueryMatch rawMatch;
        int rawMatches = 0;
        while (ts_query_cursor_next_match(raw, &rawMatch))
            ++rawMatches;
        ts_query_cursor_delete(raw);
        QVERIFY2(rawMatches > matches, qPrintable(QStringLiteral("%1 vs %2").arg(rawMatches).arg(matches)));
    }
}

void TestQuery::captureOrder()
{
    const Language& l = language(u"typescript");
    Result<Query> query = Query::load(l, u"highlights");
    QVERIFY(query.ok());
    const QByteArray source = fixture(u"sample.ts"_qs);
    const Tree tree = parse(l, source);
    const SourceText text(source);
    QueryCursor cursor;
    cursor.exec(*query, ts_tree_root_node(tree.get()), text);
    QueryCapture capture;
    QueryMatch match;
    uint32_t last = 0;
    int count = 0;
    bool sawConstructorType = false;
    while (cursor.nextCapture(capture, match)) {
        const uint32_t start = ts_node_start_byte(capture.node);
        QVERIFY2(start >= last, qPrintable(QStringLiteral("capture at %1 after %2").arg(start).arg(last)));
        last = start;
        QCOMPARE(match.patternIndex(), capture.patternIndex);
        QCOMPARE(capture.name, query->captureName(capture.index));
        // `#match? @type "^[A-Z]"` holds for Shape, never for a lower-case name.
        if (capture.name == "type" && text.text(capture.node) == u"Shape")
            sawConstructorType = true;
        if (capture.name == "constructor")
            QVERIFY(text.text(capture.node).at(0).isUpper());
        ++count;
    }
    QVERIFY(count > 50);
    QVERIFY(sawConstructorType);
}

void TestQuery::ranges()
{
    const Language& py = language(u"python");
    const QByteArray source = "a = 1\nb = 2\nc = 3\n";
    Result<Query> query = Query::create(py.grammar(), QByteArray("(identifier) @id"));
    QVERIFY(query.ok());
    const Tree tree = parse(py, source);
    const SourceText text(source);
    QueryCursor cursor;
    const auto names = [&](const QueryRange& range) {
        cursor.exec(*query, ts_tree_root_node(tree.get()), text, range);
        QStringList out;
        QueryCapture capture;
        while (cursor.nextCapture(capture))
            out.append(text.text(capture.node));
        return out;
    };
    QCOMPARE(names(QueryRange::bytes(6, 11)), QStringList {u"b"_qs});
    QCOMPARE(names(QueryRange::points({2, 0}, {3, 0})), QStringList {u"c"_qs});
    QCOMPARE(names({}), (QStringList {"a", "b", "c"})); // the range does not stick to the cursor
}

void TestQuery::matchLimit()
{
    const Language& js = language(u"javascript");
    Result<Query> query = Query::load(js, u"highlights");
    QVERIFY(query.ok());
    const QByteArray source = fixture(u"sample.js"_qs);
    const Tree tree = parse(js, source);
    const SourceText text(source);
    QueryCursor cursor;
    cursor.setMatchLimit(1);
    cursor.exec(*query, ts_tree_root_node(tree.get()), text);
    QueryCapture capture;
    int limited = 0;
    while (cursor.nextCapture(capture))
        ++limited;
    QVERIFY(cursor.didExceedMatchLimit());

    cursor.setMatchLimit(0);
    cursor.exec(*query, ts_tree_root_node(tree.get()), text);
    int all = 0;
    while (cursor.nextCapture(capture))
        ++all;
    QVERIFY(!cursor.didExceedMatchLimit());
    QVERIFY(all > limited);
}

void TestQuery::queriesDirOverride()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QDir(dir.path()).mkpath(u"tree-sitter-python/queries"_qs));
    QFile file(dir.path() + u"/tree-sitter-python/queries/tags.scm"_qs);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("((identifier) @name (#eq? @name \"b\")) @reference.custom\n");
    file.close();

    qputenv("MU_QUERIES_DIR", dir.path().toUtf8());
    Result<Query> custom = Query::load(language(u"python"), u"tags");
    Result<Query> highlights = Query::load(language(u"python"), u"highlights"); // falls through to the build tree
    qunsetenv("MU_QUERIES_DIR");
    QVERIFY2(custom.ok(), custom.ok() ? "" : qPrintable(custom.error().message));
    QVERIFY(highlights.ok());
    QCOMPARE(custom->patternCount(), 1u);
    QVERIFY(custom->patternSource(0).startsWith(dir.path()));
    QVERIFY(custom->captureIndex("reference.custom") >= 0);
    QVERIFY(Query::load(language(u"python"), u"tags")->patternCount() > 1);
}

void TestQuery::sharedAcrossThreads()
{
    const Language& js = language(u"javascript");
    Result<Query> loaded = Query::load(js, u"highlights");
    QVERIFY(loaded.ok());
    const Query query = *loaded;
    const QByteArray source = fixture(u"sample.js"_qs);
    const auto count = [&] {
        const Tree tree = parse(js, source);
        const SourceText text(source);
        QueryCursor cursor;
        int n = 0;
        for (int round = 0; round < 20; ++round) {
            cursor.exec(query, ts_tree_root_node(tree.get()), text);
            QueryCapture capture;
            while (cursor.nextCapture(capture))
                ++n;
        }
        return n;
    };
    const int expected = count();
    int results[2] = {};
    std::thread a([&] { results[0] = count(); });
    std::thread b([&] { results[1] = count(); });
    a.join();
    b.join();
    QCOMPARE(results[0], expected);
    QCOMPARE(results[1], expected);
}

QTEST_GUILESS_MAIN(TestQuery)
#include "tst_query.moc"
