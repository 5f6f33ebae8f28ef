// Smart context, step 1: what a question names (SPEC §5) — quoted text, file names, dotted names,
// CamelCase, snake_case, CONSTANTS and plain words without stop words — plus the helpers the
// ranking relies on (stems, test paths, questions about tests).
#include "context/entities.h"

#include <QTest>

using namespace mu::context;

namespace {

/// "kind:text" per entity, in order: compact to write in a table and readable when it fails.
QString describe(const QList<Entity>& entities)
{
    QStringList parts;
    for (const Entity& entity : entities)
        parts.append(toString(entity.kind) + u':' + entity.text);
    return parts.join(u' ');
}

} // namespace

class TestEntities : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void extract_data();
    void extract();
    void confidencesOrderKinds();
    void hostileInput();
    void stems_data();
    void stems();
    void testPaths_data();
    void testPaths();
    void questionsAboutTests_data();
    void questionsAboutTests();
    void questionsAboutDependents_data();
    void questionsAboutDependents();
};

void TestEntities::extract_data()
{
    QTest::addColumn<QString>("question");
    QTest::addColumn<QString>("expected");

    QTest::newRow("double quoted") << "How does \"AuthService\" work?"
                                   << "quoted:AuthService";
    QTest::newRow("backticks") << "what does `raw_decode` return"
                               << "quoted:raw_decode word:return";
    QTest::newRow("single quoted phrase") << "find 'quoted name' please"
                                          << "quoted:quoted name word:quoted word:name";
    QTest::newRow("apostrophes are not quotes") << "what's the parser's job"
                                                << "word:parser word:job";
    QTest::newRow("typographic quotes") << QString::fromUtf8("explain \u201cScanner\u201d") << "quoted:Scanner";
    QTest::newRow("file name") << "Explain src/auth/service.py"
                               << "file:src/auth/service.py";
    QTest::newRow("bare file name") << "what is in cli.ts and parser-utils.ts?"
                                    << "file:cli.ts file:parser-utils.ts";
    QTest::newRow("relative path") << "look at ./lib/util.js."
                                   << "file:lib/util.js";
    QTest::newRow("dotted") << "What calls json.dumps?"
                            << "dotted:json.dumps";
    QTest::newRow("dotted at sentence end") << "Explain os.path.join."
                                            << "dotted:os.path.join";
    QTest::newRow("scope operator") << "where is std::vector push_back"
                                    << "dotted:std.vector snake:push_back";
    QTest::newRow("camel") << "Where is the ThreadPoolExecutor created"
                           << "camel:ThreadPoolExecutor word:created";
    QTest::newRow("lower camel") << "who calls getValue"
                                 << "camel:getValue";
    QTest::newRow("acronym camel") << "HTTPServer request handling"
                                   << "camel:HTTPServer word:request word:handling";
    QTest::newRow("snake") << "when does check_password fail"
                           << "snake:check_password word:fail";
    QTest::newRow("dunder") << "what runs in __init__"
                            << "word:runs snake:__init__";
    QTest::newRow("constant") << "when is MAX_RETRIES read"
                              << "constant:MAX_RETRIES word:read";
    QTest::newRow("acronym") << "How does the JSON decoder handle errors?"
                             << "constant:JSON word:decoder word:handle word:errors";
    QTest::newRow("capitalised word") << "Where is the Session stored"
                                      << "word:session word:stored";
    QTest::newRow("stop words only") << "How does this work? What is it?"
                                     << "";
    QTest::newRow("numbers and abbreviations") << "version 3.11 e.g. i.e. 42"
                                               << "word:version";
    QTest::newRow("standard numbers kept")
        << "How are ISO 8601 timestamps parsed, RFC 2822 too?"
        << "constant:ISO word:8601 word:timestamps word:parsed constant:RFC word:2822";
    QTest::newRow("hyphenated prose") << "built-in sorting"
                                      << "word:built word:sorting";
    QTest::newRow("duplicates keep the most specific") << "login Login LOGIN and `login`"
                                                       << "quoted:login";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("punctuation only") << "?!... /// ::"
                                      << "";
    QTest::newRow("unterminated quote") << "the \"parser is broken"
                                        << "word:parser word:broken";
}

void TestEntities::extract()
{
    QFETCH(QString, question);
    QFETCH(QString, expected);
    QCOMPARE(describe(extractEntities(question)), expected);
}

void TestEntities::confidencesOrderKinds()
{
    const QList<Entity> entities = extractEntities(u"`Exact` json.dumps Widget parse_args MAX_SIZE HTTP word");
    QCOMPARE(entities.size(), 7);
    QCOMPARE(entities[0].confidence, 1.0);                    // quoted
    QVERIFY(entities[1].confidence > entities[2].confidence); // dotted > capitalised word
    QVERIFY(entities[3].confidence > entities[6].confidence); // snake > word
    QVERIFY(entities[4].confidence > entities[5].confidence); // MAX_SIZE > HTTP
    for (const Entity& entity : entities)
        QVERIFY(entity.confidence > 0 && entity.confidence <= 1.0);
}

void TestEntities::hostileInput()
{
    // Huge, binary-ish and pathological input: bounded output, no crash.
    QString huge;
    for (int i = 0; i < 20000; ++i)
        huge += QStringLiteral("word%1 ").arg(i);
    QCOMPARE(extractEntities(huge).size(), kMaxEntities);

    const QString quotes(5000, u'"');
    QVERIFY(extractEntities(quotes).isEmpty());
    const QString dots(5000, u'.');
    QVERIFY(extractEntities(dots).isEmpty());
    QString control;
    for (int c = 0; c < 0x80; ++c)
        control += QChar(c);
    control += QChar(0xD800); // lone surrogate
    extractEntities(control);
    const QString longIdentifier(100000, u'a');
    const QList<Entity> one = extractEntities(longIdentifier);
    QCOMPARE(one.size(), 1);
    QCOMPARE(one.first().text.size(), kMaxQuestionChars);
}

void TestEntities::stems_data()
{
    QTest::addColumn<QString>("word");
    QTest::addColumn<QString>("expected");
    QTest::newRow("ing") << "decoding"
                         << "decod";
    QTest::newRow("ers") << "parsers"
                         << "pars";
    QTest::newRow("er") << "decoder"
                        << "decod";
    QTest::newRow("ation") << "serialization"
                           << "serializ";
    QTest::newRow("ion") << "connection"
                         << "connect";
    QTest::newRow("plural") << "tokens"
                            << "token";
    QTest::newRow("ss kept") << "process"
                             << "process";
    QTest::newRow("short stem kept whole") << "user"
                                           << "user";
    QTest::newRow("no suffix") << "json"
                               << "json";
    QTest::newRow("ies") << "entries"
                         << "entr";
    QTest::newRow("noun in y to its verb") << "discovery"
                                           << "discover";
    QTest::newRow("y after a vowel kept") << "display"
                                          << "display";
    QTest::newRow("short gerund") << "piping"
                                  << "pip";
    QTest::newRow("short plural") << "urls"
                                  << "url";
    QTest::newRow("us kept") << "status"
                             << "status";
    QTest::newRow("is kept") << "analysis"
                             << "analysis";
}

void TestEntities::stems()
{
    QFETCH(QString, word);
    QFETCH(QString, expected);
    QCOMPARE(stem(word), expected);
}

void TestEntities::testPaths_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("test");
    QTest::newRow("stdlib test package") << "test/test_json/test_decode.py" << true;
    QTest::newRow("tests dir") << "tests/test_auth.py" << true;
    QTest::newRow("test_ file") << "pkg/test_util.py" << true;
    QTest::newRow("go _test") << "net/http/server_test.go" << true;
    QTest::newRow("ts .test.") << "src/app.test.ts" << true;
    QTest::newRow("ts .spec.") << "src/app.spec.tsx" << true;
    QTest::newRow("__tests__") << "src/__tests__/app.js" << true;
    QTest::newRow("java Test") << "src/main/FooTest.java" << true;
    QTest::newRow("cs Tests") << "Foo/BarTests.cs" << true;
    QTest::newRow("idle_test dir") << "idlelib/idle_test/htest.py" << true;
    QTest::newRow("conftest") << "conftest.py" << true;
    QTest::newRow("testdata") << "pkg/testdata/input.go" << true;
    QTest::newRow("unittest is source") << "unittest/case.py" << false;
    QTest::newRow("plain source") << "json/decoder.py" << false;
    QTest::newRow("latest is not a test") << "src/latest.py" << false;
    QTest::newRow("contest is not a test") << "contest.py" << false;
    QTest::newRow("attest") << "src/Attest.java" << false;
    QTest::newRow("empty") << "" << false;
}

void TestEntities::testPaths()
{
    QFETCH(QString, path);
    QFETCH(bool, test);
    QCOMPARE(isTestPath(path), test);
}

void TestEntities::questionsAboutTests_data()
{
    QTest::addColumn<QString>("question");
    QTest::addColumn<bool>("asks");
    QTest::newRow("tests") << "where are the tests for login?" << true;
    QTest::newRow("testing") << "how is testing set up" << true;
    QTest::newRow("test class") << "what does TestAuthService check" << true;
    QTest::newRow("test function") << "why does test_login fail" << true;
    QTest::newRow("pytest") << "pytest fixtures" << true;
    QTest::newRow("latest") << "fetch the latest version" << false;
    QTest::newRow("contest") << "contest results" << false;
    QTest::newRow("module spec is not a test") << "How does importlib find a module spec?" << false;
    QTest::newRow("plain") << "How does login work?" << false;
}

void TestEntities::questionsAboutTests()
{
    QFETCH(QString, question);
    QFETCH(bool, asks);
    QCOMPARE(mentionsTests(question), asks);
}

void TestEntities::questionsAboutDependents_data()
{
    QTest::addColumn<QString>("question");
    QTest::addColumn<bool>("asks");
    QTest::newRow("breaks") << "What breaks if I change the tar header reader?" << true;
    QTest::newRow("affected") << "Which functions would be affected if I changed html.escape?" << true;
    QTest::newRow("what calls") << "What calls reportUnhandledError?" << true;
    QTest::newRow("who calls") << "who calls `execute`" << true;
    QTest::newRow("depends on") << "What depends on mergeInternals?" << true;
    QTest::newRow("callers") << "show the callers of parse" << true;
    QTest::newRow("how is it called") << "How is the parser called?" << false;
    QTest::newRow("how does it work") << "How does the zip reader locate the end record?" << false;
    QTest::newRow("calls in prose") << "How are system calls retried on EINTR?" << false;
    QTest::newRow("empty") << "" << false;
}

void TestEntities::questionsAboutDependents()
{
    QFETCH(QString, question);
    QFETCH(bool, asks);
    QCOMPARE(asksForDependents(question), asks);
    // The walk words are recognised, the subject is not.
    if (asks)
        QVERIFY(!isImpactWord(u"escape") && isImpactWord(u"affected") && isImpactWord(u"change"));
}

QTEST_GUILESS_MAIN(TestEntities)
#include "tst_entities.moc"
