// Smart context end to end on a real graph: the fixture project beside this file
// (tests/unit/context/project: a small shop with auth, cart, payments, storage and tests/) indexed
// into a temporary directory. The right nodes come first, the budget holds for every size counted
// with the real tokenizer, answers are deterministic, test code stays out unless asked for, and
// bad requests fail cleanly.
#include "context/contextengine.h"
#include "context/entities.h"
#include "context/ranking.h"
#include "context/tokenizer.h"
#include "graph/graph.h"
#include "index/indexer.h"
#include "store/storereader.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace mu;
using namespace mu::context;

class TestContextEngine : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rightNodesFirst_data();
    void rightNodesFirst();
    void membersComeWithTheirHeaders();
    void budgetNeverExceeded_data();
    void budgetNeverExceeded();
    void tinyBudgets();
    void deterministic();
    void testsExcludedByDefault();
    void testsDemotedWhenIncluded();
    void testsRankedWhenAsked();
    void emptyMatch_data();
    void emptyMatch();
    void badRequests();
    void hostileQuestions();
    void json();
    void pageRankFollowsEdges();
    void impactQuestionsReachCallers();
    void dependentsSeedCallers();

private:
    Result<ContextResult> ask(const QString& question, int maxTokens = 4000, bool excludeTests = true,
        Encoding encoding = Encoding::Cl100kBase) const;
    static int position(const ContextResult& result, const QString& id);

    QTemporaryDir m_dir;
    std::unique_ptr<store::StoreReader> m_reader;
    std::shared_ptr<const graph::Graph> m_graph;
    std::unique_ptr<ContextEngine> m_engine;
};

void TestContextEngine::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString from = QStringLiteral(MU_SOURCE_DIR "/tests/unit/context/project");
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = m_dir.filePath(QDir(from).relativeFilePath(source));
        QDir().mkpath(QFileInfo(target).path());
        QVERIFY(QFile::copy(source, target));
    }
    index::IndexOptions options;
    options.jobs = 2;
    auto report = index::Indexer(m_dir.path(), options).run();
    QVERIFY2(report.ok(), report.ok() ? "" : qPrintable(report.error().message));

    auto reader = store::StoreReader::open(index::mubasePath(m_dir.path()));
    QVERIFY(reader.ok());
    m_reader = std::move(*reader);
    auto graph = graph::Graph::load(index::mubasePath(m_dir.path()));
    QVERIFY(graph.ok());
    m_graph = *graph;
    QVERIFY(m_graph->nodeCount() > 40);
    m_engine = std::make_unique<ContextEngine>(*m_reader, m_graph);

    auto tokenizer = Tokenizer::load(Encoding::Cl100kBase);
    QVERIFY2(tokenizer.ok(), tokenizer.ok() ? "" : qPrintable(tokenizer.error().message));
}

Result<ContextResult> TestContextEngine::ask(
    const QString& question, int maxTokens, bool excludeTests, Encoding encoding) const
{
    ContextRequest request;
    request.question = question;
    request.maxTokens = maxTokens;
    request.excludeTests = excludeTests;
    request.encoding = encoding;
    request.text.source = QStringLiteral("shop");
    return m_engine->answer(request);
}

int TestContextEngine::position(const ContextResult& result, const QString& id)
{
    for (qsizetype i = 0; i < result.nodes.size(); ++i) {
        if (result.nodes[i].id == id)
            return int(i);
    }
    return -1;
}

void TestContextEngine::rightNodesFirst_data()
{
    QTest::addColumn<QString>("question");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<int>("within");

    QTest::newRow("method by word") << "How does login work?"
                                    << "fn:shop/auth/service.py:AuthService.login" << 3;
    QTest::newRow("function by prose") << "How are discounts applied to prices?"
                                       << "fn:shop/cart/pricing.py:apply_discount" << 3;
    QTest::newRow("dotted method") << "What does PaymentGateway.refund do?"
                                   << "fn:shop/payments/gateway.py:PaymentGateway.refund" << 1;
    QTest::newRow("class by name") << "Explain the ShoppingCart"
                                   << "cls:shop/cart/cart.py:ShoppingCart" << 1;
    QTest::newRow("file") << "What is in shop/storage/db.py?"
                          << "mod:shop/storage/db.py" << 1;
    QTest::newRow("snake name") << "when does check_password fail"
                                << "fn:shop/auth/service.py:check_password" << 1;
    QTest::newRow("prose to method") << "how is the shopping cart total computed"
                                     << "fn:shop/cart/cart.py:ShoppingCart.total" << 3;
    QTest::newRow("docstring words") << "where are session tokens signed"
                                     << "fn:shop/auth/tokens.py:make_token" << 4;
    QTest::newRow("quoted") << "who calls `execute`"
                            << "fn:shop/storage/db.py:Database.execute" << 1;
    QTest::newRow("graph neighbour") << "How does login work?"
                                     << "fn:shop/auth/tokens.py:make_token" << 12;
}

void TestContextEngine::rightNodesFirst()
{
    QFETCH(QString, question);
    QFETCH(QString, expected);
    QFETCH(int, within);
    auto result = ask(question);
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
    const int at = position(*result, expected);
    if (at < 0 || at >= within) {
        QStringList ids;
        for (const ScoredNode& node : std::as_const(result->nodes))
            ids.append(node.id + u' ' + QString::number(node.score));
        qWarning("nodes:\n%s", qPrintable(ids.join(u'\n')));
    }
    QVERIFY2(at >= 0 && at < within, qPrintable(QStringLiteral("%1 at %2").arg(expected).arg(at)));
    QVERIFY(result->note.isEmpty());
    QVERIFY(result->muText.startsWith(QStringLiteral("# MU v1")));
    // Every node listed is rendered: its name appears in the text.
    for (const ScoredNode& node : std::as_const(result->nodes)) {
        const QString name = m_graph->name(m_graph->indexOf(node.id));
        QVERIFY2(result->muText.contains(name), qPrintable(node.id));
    }
    // Best first, scores relative to the best.
    QCOMPARE(result->nodes.first().score, 1.0);
}

void TestContextEngine::membersComeWithTheirHeaders()
{
    auto result = ask(QStringLiteral("What does PaymentGateway.refund do?"), 80);
    QVERIFY(result.ok());
    QVERIFY2(position(*result, QStringLiteral("fn:shop/payments/gateway.py:PaymentGateway.refund")) == 0,
        qPrintable(result->muText));
    // The method sits under its class and module, even with a budget this small.
    const qsizetype module = result->muText.indexOf(QStringLiteral("!module shop.payments.gateway"));
    const qsizetype cls = result->muText.indexOf(QStringLiteral("$PaymentGateway"));
    const qsizetype method = result->muText.indexOf(QStringLiteral("refund("));
    QVERIFY2(module >= 0 && cls > module && method > cls, qPrintable(result->muText));
    QVERIFY(position(*result, QStringLiteral("cls:shop/payments/gateway.py:PaymentGateway")) >= 0);
}

void TestContextEngine::budgetNeverExceeded_data()
{
    QTest::addColumn<Encoding>("encoding");
    QTest::newRow("cl100k_base") << Encoding::Cl100kBase;
    QTest::newRow("o200k_base") << Encoding::O200kBase;
}

void TestContextEngine::budgetNeverExceeded()
{
    QFETCH(Encoding, encoding);
    auto tokenizer = Tokenizer::load(encoding);
    QVERIFY(tokenizer.ok());
    const QStringList questions {QStringLiteral("How does login work?"),
        QStringLiteral("How are discounts applied to prices and taxes?"), QStringLiteral("database"),
        QStringLiteral("payments refunds invoices carts users sessions tokens")};
    for (const QString& question : questions) {
        int previous = -1;
        for (int budget = 50; budget <= 4000; budget += budget < 300 ? 7 : 97) {
            auto result = ask(question, budget, true, encoding);
            QVERIFY(result.ok());
            const int exact = (*tokenizer)->count(QStringView(result->muText));
            QCOMPARE(result->tokenCount, exact);
            QVERIFY2(exact <= budget,
                qPrintable(QStringLiteral("%1 tokens for %2: %3").arg(exact).arg(budget).arg(question)));
            // A bigger budget never shows less (greedy packing by score is monotone in the budget
            // up to estimation slack: allow a line's worth).
            QVERIFY2(exact + 30 >= previous,
                qPrintable(QStringLiteral("%1 after %2 at %3").arg(exact).arg(previous).arg(budget)));
            previous = std::max(previous, exact);
        }
    }
}

void TestContextEngine::tinyBudgets()
{
    for (int budget : {1, 2, 5, 10, 20, 30, 40}) {
        auto result = ask(QStringLiteral("How does login work?"), budget);
        QVERIFY(result.ok());
        QVERIFY(result->tokenCount <= budget);
        if (result->nodes.isEmpty())
            QVERIFY(result->note.contains(QStringLiteral("too small")));
    }
}

void TestContextEngine::deterministic()
{
    const QStringList questions {QStringLiteral("How does login work?"), QStringLiteral("cart total with tax"),
        QStringLiteral("Database connections")};
    // A second engine over its own reader and its own snapshot of the same database.
    auto reader = store::StoreReader::open(index::mubasePath(m_dir.path()));
    QVERIFY(reader.ok());
    auto graph = graph::Graph::load(index::mubasePath(m_dir.path()));
    QVERIFY(graph.ok());
    const ContextEngine other(**reader, *graph);
    for (const QString& question : questions) {
        for (int budget : {100, 700, 4000}) {
            ContextRequest request;
            request.question = question;
            request.maxTokens = budget;
            auto first = m_engine->answer(request);
            auto second = m_engine->answer(request);
            auto third = other.answer(request);
            QVERIFY(first.ok() && second.ok() && third.ok());
            const QByteArray a = QJsonDocument(toJson(*first)).toJson();
            QCOMPARE(QJsonDocument(toJson(*second)).toJson(), a);
            QCOMPARE(QJsonDocument(toJson(*third)).toJson(), a);
        }
    }
}

void TestContextEngine::testsExcludedByDefault()
{
    for (const QString& question : {QStringLiteral("How does login work?"), QStringLiteral("cart total discount")}) {
        auto result = ask(question);
        QVERIFY(result.ok());
        QVERIFY(!result->nodes.isEmpty());
        for (const ScoredNode& node : std::as_const(result->nodes))
            QVERIFY2(!isTestPath(m_graph->filePath(m_graph->indexOf(node.id))), qPrintable(node.id));
        QVERIFY(!result->muText.contains(QStringLiteral("test_")));
    }
}

void TestContextEngine::testsDemotedWhenIncluded()
{
    auto result = ask(QStringLiteral("How does login work?"), 4000, false);
    QVERIFY(result.ok());
    const int source = position(*result, QStringLiteral("fn:shop/auth/service.py:AuthService.login"));
    QVERIFY(source >= 0);
    int firstTest = -1;
    for (qsizetype i = 0; i < result->nodes.size(); ++i) {
        if (isTestPath(m_graph->filePath(m_graph->indexOf(result->nodes[i].id)))) {
            firstTest = int(i);
            break;
        }
    }
    // Test code may be shown (there is room), but below the source it tests.
    QVERIFY2(firstTest < 0 || firstTest > source, qPrintable(QString::number(firstTest)));
}

void TestContextEngine::testsRankedWhenAsked()
{
    auto result = ask(QStringLiteral("Where are the tests for login?"));
    QVERIFY(result.ok());
    bool sawTest = false;
    for (const ScoredNode& node : std::as_const(result->nodes))
        sawTest = sawTest || isTestPath(m_graph->filePath(m_graph->indexOf(node.id)));
    QVERIFY(sawTest);
    QVERIFY(position(*result, QStringLiteral("fn:tests/test_auth.py:TestAuthService.test_login_opens_session")) >= 0);
}

void TestContextEngine::emptyMatch_data()
{
    QTest::addColumn<QString>("question");
    QTest::addColumn<QString>("note");
    QTest::newRow("stop words") << "How does this work?"
                                << "no match";
    QTest::newRow("unknown words") << "zzqx frobnicator"
                                   << "no match for 'zzqx', 'frobnicator'";
    QTest::newRow("unknown identifier") << "where is QuuxBlorpManager"
                                        << "no match for";
    QTest::newRow("only tests match, tests excluded") << "roundtrip"
                                                      << "no match";
}

void TestContextEngine::emptyMatch()
{
    QFETCH(QString, question);
    QFETCH(QString, note);
    auto result = ask(question);
    QVERIFY(result.ok());
    QVERIFY2(result->note.startsWith(note), qPrintable(result->note));
    QVERIFY(result->nodes.isEmpty());
    QVERIFY(result->muText.isEmpty());
    QCOMPARE(result->tokenCount, 0);
    QCOMPARE(result->revision, m_graph->revision());
    QVERIFY(toJson(*result).contains(QStringLiteral("note")));
}

void TestContextEngine::badRequests()
{
    auto empty = ask(QStringLiteral("   "));
    QVERIFY(!empty.ok());
    QCOMPARE(empty.error().code, QStringLiteral("usage"));
    for (int budget : {0, -5, kMaxTokens + 1}) {
        auto bad = ask(QStringLiteral("login"), budget);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, QStringLiteral("usage"));
    }
    // An engine without a snapshot answers "no match", not a crash.
    const ContextEngine bare(*m_reader, nullptr);
    ContextRequest request;
    request.question = QStringLiteral("login");
    auto result = bare.answer(request);
    QVERIFY(result.ok());
    QVERIFY(result->nodes.isEmpty());
    QVERIFY(!result->note.isEmpty());
}

void TestContextEngine::hostileQuestions()
{
    QString huge;
    for (int i = 0; i < 5000; ++i)
        huge += QStringLiteral("login cart_total \"Database\" shop/auth/service.py json.dumps ");
    const QStringList questions {huge, QString(50000, u'"'), QStringLiteral("' OR 1=1 --; DROP TABLE nodes"),
        QStringLiteral("NEAR(a b) AND * OR \"x\"*"), QString::fromUtf8("\xF0\x9F\x98\x80 logïn caf\u00e9"),
        QString(QChar(0xD800)) + QStringLiteral("login")};
    for (const QString& question : questions) {
        auto result = ask(question, 500);
        QVERIFY(result.ok());
        QVERIFY(result->tokenCount <= 500);
    }
    // The store is intact.
    auto again = ask(QStringLiteral("How does login work?"));
    QVERIFY(again.ok());
    QVERIFY(position(*again, QStringLiteral("fn:shop/auth/service.py:AuthService.login")) >= 0);
}

void TestContextEngine::json()
{
    auto result = ask(QStringLiteral("How does login work?"), 800);
    QVERIFY(result.ok());
    const QJsonObject object = toJson(*result);
    QCOMPARE(object.value(QStringLiteral("mu_text")).toString(), result->muText);
    QCOMPARE(object.value(QStringLiteral("token_count")).toInt(), result->tokenCount);
    QCOMPARE(object.value(QStringLiteral("revision")).toInteger(), m_graph->revision());
    QVERIFY(object.value(QStringLiteral("revision")).toInteger() > 0);
    QVERIFY(!object.contains(QStringLiteral("note")));
    QCOMPARE(object.value(QStringLiteral("entities")).toArray(), QJsonArray {QStringLiteral("login")});
    const QJsonArray nodes = object.value(QStringLiteral("nodes")).toArray();
    QCOMPARE(nodes.size(), result->nodes.size());
    double previous = 2;
    bool inHeaders = false;
    for (const QJsonValue& value : nodes) {
        const QJsonObject node = value.toObject();
        QCOMPARE(node.keys(), (QStringList {QStringLiteral("id"), QStringLiteral("score")}));
        QVERIFY(m_graph->indexOf(node.value(QStringLiteral("id")).toString()) != graph::kNoNode);
        const double score = node.value(QStringLiteral("score")).toDouble();
        QVERIFY(score >= 0 && score <= 1);
        // Selected nodes by descending score, then header-only containers (their own order).
        if (score > previous)
            inHeaders = true;
        if (!inHeaders)
            previous = score;
    }
}

void TestContextEngine::pageRankFollowsEdges()
{
    // a → b (calls) → c (calls); d alone. From a, b outranks c; d is never reached.
    QList<Node> nodes;
    for (const char* name : {"a", "b", "c", "d"}) {
        Node node;
        node.id = QStringLiteral("fn:x.py:") + QLatin1String(name);
        node.type = NodeType::Function;
        node.name = QLatin1String(name);
        node.filePath = QStringLiteral("x.py");
        nodes.append(node);
    }
    const QList<Edge> edges {{nodes[0].id, nodes[1].id, EdgeType::Calls, QStringLiteral("x.py"), 1, {}},
        {nodes[1].id, nodes[2].id, EdgeType::Calls, QStringLiteral("x.py"), 2, {}}};
    const auto graph = graph::Graph::fromRows(nodes, edges, 1);
    const std::vector<std::uint8_t> flags = testNodeFlags(*graph);
    const Seed seed {graph->indexOf(nodes[0].id), 1.0};
    const QList<Ranked> ranked = rankNodes(*graph, std::span(&seed, 1), flags, RankOptions {});
    QCOMPARE(ranked.size(), 3);
    QCOMPARE(graph->id(ranked[0].node), nodes[0].id);
    QCOMPARE(graph->id(ranked[1].node), nodes[1].id);
    QCOMPARE(graph->id(ranked[2].node), nodes[2].id);
    // Without degree damping the scores are a probability distribution.
    RankOptions raw;
    raw.degreeExponent = 0;
    double total = 0;
    for (const Ranked& node : rankNodes(*graph, std::span(&seed, 1), flags, raw))
        total += node.score;
    QVERIFY(qAbs(total - 1.0) < 1e-6);
    // Edge weights: contains > calls > inherits > imports > uses, forwards.
    QVERIFY(edgeWeight(EdgeType::Contains, true) > edgeWeight(EdgeType::Calls, true));
    QVERIFY(edgeWeight(EdgeType::Calls, true) > edgeWeight(EdgeType::Inherits, true));
    QVERIFY(edgeWeight(EdgeType::Inherits, true) > edgeWeight(EdgeType::Imports, true));
    QVERIFY(edgeWeight(EdgeType::Imports, true) > edgeWeight(EdgeType::Uses, true));
}

void TestContextEngine::impactQuestionsReachCallers()
{
    // check_password's caller is AuthService.login: an impact question shows it near the top,
    // and the walk words ("breaks", "change") are not looked up as names.
    const auto result = ask(QStringLiteral("What breaks if I change check_password?"), 4000);
    QVERIFY(result.ok());
    QCOMPARE(result->nodes.first().id, QStringLiteral("fn:shop/auth/service.py:check_password"));
    const int caller = position(*result, QStringLiteral("fn:shop/auth/service.py:AuthService.login"));
    QVERIFY2(caller > 0 && caller < 4, qPrintable(QString::number(caller)));
}

void TestContextEngine::dependentsSeedCallers()
{
    // a and b call t; c calls a; u (weak seed) is called by d. Only the strong seed's direct
    // callers join, weaker than their target; c (two hops) and d (a weak seed's caller) do not.
    QList<Node> nodes;
    for (const char* name : {"t", "a", "b", "c", "u", "d"}) {
        Node node;
        node.id = QStringLiteral("fn:x.py:") + QLatin1String(name);
        node.type = NodeType::Function;
        node.name = QLatin1String(name);
        node.filePath = QStringLiteral("x.py");
        nodes.append(node);
    }
    const auto calls = [&](int from, int to) {
        return Edge {nodes[from].id, nodes[to].id, EdgeType::Calls, QStringLiteral("x.py"), from + 1, {}};
    };
    const QList<Edge> edges {calls(1, 0), calls(2, 0), calls(3, 1), calls(5, 4)};
    const auto graph = graph::Graph::fromRows(nodes, edges, 1);
    const std::vector<std::uint8_t> flags = testNodeFlags(*graph);
    const auto index = [&](int i) { return graph->indexOf(nodes[i].id); };
    const QList<Seed> seeds {{index(0), 1.0}, {index(4), 0.2}};
    const QList<Seed> expanded = withDependents(*graph, seeds, flags, TestPolicy::Exclude);
    QStringList ids;
    for (const Seed& seed : expanded)
        ids.append(graph->id(seed.node));
    QCOMPARE(ids.size(), 4);
    QCOMPARE(ids.first(), nodes[0].id);
    QVERIFY(ids.contains(nodes[1].id) && ids.contains(nodes[2].id) && ids.contains(nodes[4].id));
    QVERIFY(expanded[1].weight < expanded[0].weight);
    QVERIFY(withDependents(*graph, {}, flags, TestPolicy::Exclude).isEmpty());
    // With dependents on, a caller outranks the same node reached only as a callee.
    RankOptions dependents;
    dependents.dependents = true;
    const Seed target {index(0), 1.0};
    const QList<Ranked> ranked = rankNodes(*graph, std::span(&target, 1), flags, dependents);
    QVERIFY(ranked.size() >= 3);
    QCOMPARE(graph->id(ranked[0].node), nodes[0].id);
}

QTEST_GUILESS_MAIN(TestContextEngine)
#include "tst_contextengine.moc"
