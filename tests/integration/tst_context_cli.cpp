// `mu context` through the real binary on the smart-context fixture project
// (tests/unit/context/project) indexed with `mu index`: the JSON shape POST /context shares, the MU
// text output, the budget, test inclusion, and usage errors.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int kTimeoutMs = 120000;

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Run run(const QStringList& arguments, const QString& workingDirectory = {})
{
    QProcess process;
    process.setProgram(QStringLiteral(MU_EXECUTABLE));
    process.setArguments(arguments);
    if (!workingDirectory.isEmpty())
        process.setWorkingDirectory(workingDirectory);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NO_COLOR"), QStringLiteral("1"));
    process.setProcessEnvironment(env);
    process.start();
    process.closeWriteChannel();
    if (!process.waitForFinished(kTimeoutMs))
        qFatal("mu %s did not finish", qPrintable(arguments.join(u' ')));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
        process.readAllStandardError()};
}

} // namespace

class TestContextCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void jsonShape();
    void muText();
    void budget();
    void includeTests();
    void noMatch();
    void usageErrors_data();
    void usageErrors();
    void noProject();

private:
    QTemporaryDir m_dir;
    QString m_project;
};

void TestContextCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_project = m_dir.filePath(QStringLiteral("shop-project"));
    const QString from = QStringLiteral(MU_SOURCE_DIR "/tests/unit/context/project");
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = m_project + u'/' + QDir(from).relativeFilePath(source);
        QDir().mkpath(QFileInfo(target).path());
        QVERIFY(QFile::copy(source, target));
    }
    const Run index = run({QStringLiteral("index"), m_project, QStringLiteral("--quiet")});
    QVERIFY2(index.exitCode == 0, index.err.constData());
}

void TestContextCli::jsonShape()
{
    const Run r = run({QStringLiteral("context"), QStringLiteral("How does login work?"), QStringLiteral("--json"),
        QStringLiteral("-C"), m_project});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject json = r.json();
    for (const char* key : {"mu_text", "token_count", "nodes", "revision", "entities"})
        QVERIFY2(json.contains(QLatin1String(key)), key);
    QVERIFY(!json.contains(QStringLiteral("note")));
    QVERIFY(json.value(QStringLiteral("revision")).toInteger() > 0);
    const int tokens = json.value(QStringLiteral("token_count")).toInt();
    QVERIFY(tokens > 0 && tokens <= 4000);
    const QJsonArray nodes = json.value(QStringLiteral("nodes")).toArray();
    QVERIFY(!nodes.isEmpty());
    QCOMPARE(nodes.first().toObject().value(QStringLiteral("score")).toDouble(), 1.0);
    QStringList ids;
    for (const QJsonValue& node : nodes) {
        QVERIFY(node.toObject().value(QStringLiteral("id")).isString());
        QVERIFY(node.toObject().value(QStringLiteral("score")).isDouble());
        ids.append(node.toObject().value(QStringLiteral("id")).toString());
    }
    QVERIFY(ids.mid(0, 3).contains(QStringLiteral("fn:shop/auth/service.py:AuthService.login")));
    const QString text = json.value(QStringLiteral("mu_text")).toString();
    QVERIFY(text.startsWith(QStringLiteral("# MU v1 · source: shop-project")));
    QVERIFY(text.contains(QStringLiteral("login(")));
    QCOMPARE(json.value(QStringLiteral("entities")).toArray(), QJsonArray {QStringLiteral("login")});

    // -f json is the same answer.
    const Run f = run({QStringLiteral("context"), QStringLiteral("How does login work?"), QStringLiteral("-f"),
        QStringLiteral("json"), QStringLiteral("-C"), m_project});
    QCOMPARE(f.exitCode, 0);
    QCOMPARE(f.json(), json);
}

void TestContextCli::muText()
{
    // From inside the project (no -C), several words as the question.
    const Run r = run({QStringLiteral("context"), QStringLiteral("apply_discount"), QStringLiteral("prices")},
        m_project + QStringLiteral("/shop/cart"));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.startsWith("# MU v1"));
    QVERIFY(r.out.contains("!module shop.cart.pricing"));
    QVERIFY(r.out.contains("apply_discount("));
    QVERIFY(r.out.endsWith('\n'));
}

void TestContextCli::budget()
{
    for (const QString& budget : {QStringLiteral("60"), QStringLiteral("200"), QStringLiteral("1000")}) {
        for (const QString& encoding : {QStringLiteral("cl100k_base"), QStringLiteral("o200k_base")}) {
            const Run r = run(
                {QStringLiteral("context"), QStringLiteral("cart total discount tax"), QStringLiteral("-t"), budget,
                    QStringLiteral("--encoding"), encoding, QStringLiteral("--json"), QStringLiteral("-C"), m_project});
            QVERIFY2(r.exitCode == 0, r.err.constData());
            QVERIFY(r.json().value(QStringLiteral("token_count")).toInt() <= budget.toInt());
        }
    }
}

void TestContextCli::includeTests()
{
    const auto hasTestNode = [](const QJsonObject& json) {
        for (const QJsonValue& node : json.value(QStringLiteral("nodes")).toArray()) {
            if (node.toObject().value(QStringLiteral("id")).toString().contains(QStringLiteral("tests/")))
                return true;
        }
        return false;
    };
    const QStringList base {QStringLiteral("context"), QStringLiteral("login session"), QStringLiteral("--json"),
        QStringLiteral("-C"), m_project};
    const Run excluded = run(base);
    QCOMPARE(excluded.exitCode, 0);
    QVERIFY(!hasTestNode(excluded.json()));
    const Run included = run(base + QStringList {QStringLiteral("--include-tests")});
    QCOMPARE(included.exitCode, 0);
    QVERIFY(hasTestNode(included.json()));
}

void TestContextCli::noMatch()
{
    const Run json = run({QStringLiteral("context"), QStringLiteral("zzqx frobnicator"), QStringLiteral("--json"),
        QStringLiteral("-C"), m_project});
    QCOMPARE(json.exitCode, 0);
    QVERIFY(json.json().value(QStringLiteral("note")).toString().startsWith(QStringLiteral("no match")));
    QCOMPARE(json.json().value(QStringLiteral("nodes")).toArray().size(), 0);
    const Run text = run({QStringLiteral("context"), QStringLiteral("zzqx"), QStringLiteral("-C"), m_project});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.isEmpty());
    QVERIFY(text.err.contains("no match"));
}

void TestContextCli::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("message");
    QTest::newRow("no question") << QStringList {} << QByteArray("QUESTION");
    QTest::newRow("blank question") << QStringList {QStringLiteral("  ")} << QByteArray("QUESTION");
    QTest::newRow("zero budget") << QStringList {QStringLiteral("login"), QStringLiteral("-t"), QStringLiteral("0")}
                                 << QByteArray("--max-tokens");
    QTest::newRow("bad budget") << QStringList {QStringLiteral("login"), QStringLiteral("--max-tokens"),
        QStringLiteral("lots")} << QByteArray("--max-tokens");
    QTest::newRow("huge budget") << QStringList {QStringLiteral("login"), QStringLiteral("-t"),
        QStringLiteral("99999999999")}
                                 << QByteArray("--max-tokens");
    QTest::newRow("bad encoding") << QStringList {QStringLiteral("login"), QStringLiteral("--encoding"),
        QStringLiteral("gpt2")} << QByteArray("--encoding");
    QTest::newRow("bad format") << QStringList {QStringLiteral("login"), QStringLiteral("-f"), QStringLiteral("xml")}
                                << QByteArray("--format");
    QTest::newRow("contradiction") << QStringList {QStringLiteral("login"), QStringLiteral("--include-tests"),
        QStringLiteral("--exclude-tests")}
                                   << QByteArray("contradict");
    QTest::newRow("unknown option") << QStringList {QStringLiteral("login"), QStringLiteral("--bogus")}
                                    << QByteArray("bogus");
}

void TestContextCli::usageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, message);
    const Run r
        = run(QStringList {QStringLiteral("context")} + arguments + QStringList {QStringLiteral("-C"), m_project});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(message), r.err.constData());
    QVERIFY(r.out.isEmpty());
}

void TestContextCli::noProject()
{
    QTemporaryDir empty;
    const Run r = run({QStringLiteral("context"), QStringLiteral("login"), QStringLiteral("-C"), empty.path()});
    QCOMPARE(r.exitCode, 1);
    QVERIFY(!r.err.isEmpty());
}

QTEST_GUILESS_MAIN(TestContextCli)
#include "tst_context_cli.moc"
