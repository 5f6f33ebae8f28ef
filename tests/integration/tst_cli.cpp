// The real `mu` executable on a real project: exit codes, --json shapes, NODE resolution.
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

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Run mu(const QStringList& arguments, const QString& workingDir = {})
{
    QProcess process;
    process.setProgram(QStringLiteral(MU_EXECUTABLE));
    process.setArguments(arguments);
    if (!workingDir.isEmpty())
        process.setWorkingDirectory(workingDir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NO_COLOR"), QStringLiteral("1"));
    process.setProcessEnvironment(env);
    process.start();
    if (!process.waitForFinished(120000))
        qFatal("mu %s did not finish", qPrintable(arguments.join(u' ')));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
        process.readAllStandardError()};
}

} // namespace

class TestCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void helpEverywhere_data();
    void helpEverywhere();
    void usageErrors();
    void notIndexed();
    void indexAndStatus();
    void showResolvesNodes();
    void readPrintsSource();
    void search();
    void gitignoreOnlyWhenAsked();

private:
    QTemporaryDir m_project;
};

void TestCli::initTestCase()
{
    const QString from = QStringLiteral(MU_FIXTURES_DIR "/projects/python_app");
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = m_project.filePath(QDir(from).relativeFilePath(source));
        QDir().mkpath(QFileInfo(target).path());
        QVERIFY(QFile::copy(source, target));
    }
    // A file with a syntax error and a binary file: recorded, never fatal.
    QFile broken(m_project.filePath(QStringLiteral("src/app/broken.py")));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("def ok():\n    pass\n\ndef broken(:\n    pass\n");
    broken.close();
    QFile binary(m_project.filePath(QStringLiteral("src/app/blob.py")));
    QVERIFY(binary.open(QIODevice::WriteOnly));
    binary.write(QByteArray("\x7f"
                            "ELF\0\0\0\x01",
        8));
    binary.close();
    QFile more(m_project.filePath(QStringLiteral("src/app/more.py")));
    QVERIFY(more.open(QIODevice::WriteOnly));
    more.write("def helper():\n    pass\n");
    more.close();

    const Run run = mu({QStringLiteral("index"), m_project.path(), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject report = run.json();
    QCOMPARE(report.value(u"scanned").toInt(), 11);
    QCOMPARE(report.value(u"errors").toInt(), 1);
    QCOMPARE(report.value(u"skipped").toInt(), 1);
}

void TestCli::helpEverywhere_data()
{
    QTest::addColumn<QString>("command");
    for (const char* command : {"index", "status", "show", "read", "search"})
        QTest::newRow(command) << QString::fromLatin1(command);
}

void TestCli::helpEverywhere()
{
    QFETCH(QString, command);
    const Run run = mu({command, QStringLiteral("--help")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(run.out.contains(QByteArray("Usage: mu " + command.toUtf8())), run.out.constData());
}

void TestCli::usageErrors()
{
    QCOMPARE(mu({}).exitCode, 2);
    const Run unknown = mu({QStringLiteral("frobnicate")});
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY(unknown.err.contains("unknown command 'frobnicate'"));
    QCOMPARE(mu({QStringLiteral("index"), QStringLiteral("--no-such-option")}).exitCode, 2);
    QCOMPARE(mu({QStringLiteral("show")}, m_project.path()).exitCode, 2);
    QCOMPARE(mu({QStringLiteral("search"), QStringLiteral("x"), QStringLiteral("-t"), QStringLiteral("gadget")},
                 m_project.path())
                 .exitCode,
        2);
    QCOMPARE(mu({QStringLiteral("index"), QStringLiteral("--jobs"), QStringLiteral("zero")}).exitCode, 2);
}

void TestCli::notIndexed()
{
    QTemporaryDir empty;
    const Run run = mu({QStringLiteral("status")}, empty.path());
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.err.contains("no MU index"));
    QVERIFY(run.err.contains("hint: run 'mu index'"));
    QCOMPARE(mu({QStringLiteral("index"), empty.filePath(QStringLiteral("missing"))}).exitCode, 1);
}

void TestCli::indexAndStatus()
{
    const Run run
        = mu({QStringLiteral("status"), QStringLiteral("--json")}, m_project.filePath(QStringLiteral("src/app")));
    QCOMPARE(run.exitCode, 0);
    const QJsonObject status = run.json();
    QCOMPARE(status.value(u"project").toString(), QDir(m_project.path()).canonicalPath());
    const QJsonObject stats = status.value(u"stats").toObject();
    QCOMPARE(stats.value(u"files").toInt(), 11);
    QCOMPARE(stats.value(u"languages").toObject().value(u"python").toInt(), 11);
    QVERIFY(stats.value(u"nodes_by_type").toObject().value(u"class").toInt() >= 4);
    QVERIFY(stats.value(u"edges_by_type").toObject().value(u"calls").toInt() >= 8);
    QCOMPARE(stats.value(u"parse_errors").toInt(), 1);
    QCOMPARE(stats.value(u"skipped_files").toInt(), 1);
    QVERIFY(status.value(u"revision").toInt() > 0);
    QCOMPARE(status.value(u"problems").toArray().size(), 2);

    const Run text = mu({QStringLiteral("status"), m_project.path()});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("Files    11"));
    QVERIFY(text.out.contains("1 with parse errors, 1 skipped"));

    // Nothing changed: a second index parses nothing.
    const Run again = mu({QStringLiteral("index"), m_project.path(), QStringLiteral("--json")});
    QCOMPARE(again.json().value(u"parsed").toInt(), 0);
    QCOMPARE(again.json().value(u"unchanged").toInt(), 11);
}

void TestCli::showResolvesNodes()
{
    const QString cwd = m_project.path();
    // Exact id, path, name, qualified suffix: each finds the one node.
    const QList<std::pair<QString, QString>> cases = {
        {QStringLiteral("cls:src/app/models.py:User"), QStringLiteral("cls:src/app/models.py:User")},
        {QStringLiteral("src/app/util.py"), QStringLiteral("mod:src/app/util.py")},
        {QStringLiteral("UserService"), QStringLiteral("cls:src/app/service.py:UserService")},
        {QStringLiteral("userservice"), QStringLiteral("cls:src/app/service.py:UserService")},
        {QStringLiteral("models.User.greet"), QStringLiteral("fn:src/app/models.py:User.greet")},
        {QStringLiteral("greet_a"), QStringLiteral("fn:src/app/service.py:UserService.greet_all")},
    };
    for (const auto& [input, id] : cases) {
        const Run run = mu({QStringLiteral("show"), input, QStringLiteral("--json")}, cwd);
        QVERIFY2(run.exitCode == 0, qPrintable(input + u' ' + QString::fromUtf8(run.err)));
        QCOMPARE(run.json().value(u"id").toString(), id);
    }
    const QJsonObject user = mu({QStringLiteral("show"), QStringLiteral("User"), QStringLiteral("--json")}, cwd).json();
    QCOMPARE(user.value(u"type").toString(), QStringLiteral("class"));
    bool usedBySignature = false;
    for (const QJsonValue& edge : user.value(u"incoming").toArray())
        usedBySignature |= edge.toObject().value(u"type").toString() == u"uses";
    QVERIFY(usedBySignature);

    // Two functions named `helper`: never a silent pick.
    const Run ambiguous = mu({QStringLiteral("show"), QStringLiteral("helper")}, cwd);
    QCOMPARE(ambiguous.exitCode, 1);
    QVERIFY(ambiguous.err.contains("matches 2 nodes"));
    QVERIFY(ambiguous.err.contains("fn:src/app/more.py:helper"));
    QVERIFY(ambiguous.err.contains("fn:src/app/util.py:helper"));

    const Run missing = mu({QStringLiteral("show"), QStringLiteral("NoSuchThing")}, cwd);
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("no node matches 'NoSuchThing'"));
}

void TestCli::readPrintsSource()
{
    const Run run = mu({QStringLiteral("read"), QStringLiteral("User.greet")}, m_project.path());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out, QByteArray("    def greet(self) -> str:\n        return self.format()\n"));
    const QJsonObject json
        = mu({QStringLiteral("read"), QStringLiteral("User.greet"), QStringLiteral("--json")}, m_project.path()).json();
    QCOMPARE(json.value(u"file_path").toString(), QStringLiteral("src/app/models.py"));
    QCOMPARE(json.value(u"line_start").toInt(), 10);
    QCOMPARE(json.value(u"line_end").toInt(), 11);
}

void TestCli::search()
{
    const Run run = mu({QStringLiteral("search"), QStringLiteral("user"), QStringLiteral("--json")}, m_project.path());
    QCOMPARE(run.exitCode, 0);
    const QJsonArray results = run.json().value(u"results").toArray();
    QVERIFY(results.size() >= 2);
    QCOMPARE(results.first().toObject().value(u"name").toString(), QStringLiteral("User"));
    const QJsonArray classes = mu({QStringLiteral("search"), QStringLiteral("user"), QStringLiteral("-t"),
                                      QStringLiteral("class"), QStringLiteral("--json")},
        m_project.path())
                                   .json()
                                   .value(u"results")
                                   .toArray();
    for (const QJsonValue& hit : classes)
        QCOMPARE(hit.toObject().value(u"type").toString(), QStringLiteral("class"));
    // Hostile FTS syntax is plain text.
    QCOMPARE(mu({QStringLiteral("search"), QStringLiteral("\"a\" OR NEAR("), QStringLiteral("-n"), QStringLiteral("5")},
                 m_project.path())
                 .exitCode,
        0);
}

void TestCli::gitignoreOnlyWhenAsked()
{
    QTemporaryDir dir;
    QFile source(dir.filePath(QStringLiteral("a.py")));
    QVERIFY(source.open(QIODevice::WriteOnly));
    source.write("def f():\n    pass\n");
    source.close();
    QCOMPARE(mu({QStringLiteral("index"), dir.path(), QStringLiteral("-q")}).exitCode, 0);
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral(".gitignore"))));

    QFile gitignore(dir.filePath(QStringLiteral(".gitignore")));
    QVERIFY(gitignore.open(QIODevice::WriteOnly));
    gitignore.write("build/"); // no trailing newline
    gitignore.close();
    for (int i = 0; i < 2; ++i) // twice: the entry is added once
        QCOMPARE(
            mu({QStringLiteral("index"), dir.path(), QStringLiteral("--gitignore"), QStringLiteral("-q")}).exitCode, 0);
    QVERIFY(gitignore.open(QIODevice::ReadOnly));
    QCOMPARE(gitignore.readAll(), QByteArray("build/\n.mu/\n"));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
