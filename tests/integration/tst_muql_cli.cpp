// `mu query` / `mu q` through the real executable: formats, errors and exit codes (SPEC §2), the
// interactive shell fed through standard input, its history file.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;
    QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
};

} // namespace

class TestMuqlCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void json();
    void table();
    void csvAndTree();
    void explain();
    void queryErrors();
    void usageErrors();
    void projectOption();
    void shell();

private:
    Run mu(const QStringList& arguments, const QByteArray& input = {}, const QString& workingDir = {});

    QTemporaryDir m_project;
    QTemporaryDir m_home;
};

Run TestMuqlCli::mu(const QStringList& arguments, const QByteArray& input, const QString& workingDir)
{
    QProcess process;
    process.setProgram(QStringLiteral(MU_EXECUTABLE));
    process.setArguments(arguments);
    process.setWorkingDirectory(workingDir.isEmpty() ? m_project.path() : workingDir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NO_COLOR"), QStringLiteral("1"));
    env.insert(QStringLiteral("MU_HOME"), m_home.path());
    process.setProcessEnvironment(env);
    process.start();
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(120000))
        qFatal("mu %s did not finish", qPrintable(arguments.join(u' ')));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
        QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

void TestMuqlCli::initTestCase()
{
    QVERIFY(m_project.isValid() && m_home.isValid());
    const QString from = QStringLiteral(MU_SOURCE_DIR "/tests/unit/query/project");
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = m_project.filePath(QDir(from).relativeFilePath(source));
        QDir().mkpath(QFileInfo(target).path());
        QVERIFY(QFile::copy(source, target));
    }
    const Run index = mu({QStringLiteral("index"), m_project.path()});
    QCOMPARE(index.exitCode, 0);
}

void TestMuqlCli::json()
{
    for (const QStringList& flags : {QStringList {QStringLiteral("-f"), QStringLiteral("json")},
             QStringList {QStringLiteral("--json")}, QStringList {QStringLiteral("--format=JSON")}}) {
        const Run run = mu(QStringList {QStringLiteral("q")} + flags
            + QStringList {QStringLiteral("SELECT name, complexity FROM fn WHERE complexity > 1 ORDER BY name")});
        QCOMPARE(run.exitCode, 0);
        const QJsonObject result = run.json();
        QCOMPARE(
            result.value(u"columns").toArray(), QJsonArray({QStringLiteral("name"), QStringLiteral("complexity")}));
        QCOMPARE(result.value(u"rows").toArray(),
            QJsonArray({QJsonArray {QStringLiteral("classify"), 12}, QJsonArray {QStringLiteral("scale"), 2}}));
        QCOMPARE(result.value(u"row_count").toInt(), 2);
        QVERIFY(result.value(u"revision").toInteger() > 0);
        QVERIFY(result.contains(u"execution_time_ms"));
    }
    // `query` and `q` are one command; the words of the query may come as separate arguments.
    const Run words = mu(
        {QStringLiteral("query"), QStringLiteral("--json"), QStringLiteral("callers"), QStringLiteral("classify")});
    QCOMPARE(words.exitCode, 0);
    QCOMPARE(words.json().value(u"row_count").toInt(), 2);
}

void TestMuqlCli::table()
{
    const Run run = mu({QStringLiteral("q"), QStringLiteral("fn c>1 sort c-")});
    QCOMPARE(run.exitCode, 0);
    const QStringList lines = run.out.split(u'\n');
    QCOMPARE(lines.mid(0, 4),
        QStringList({QStringLiteral("id                           name      file_path        line_start  complexity"),
            QStringLiteral("---------------------------  --------  ---------------  ----------  ----------"),
            QStringLiteral("fn:pkg/geometry.py:classify  classify  pkg/geometry.py          10          12"),
            QStringLiteral("fn:pkg/geometry.py:scale     scale     pkg/geometry.py           5           2")}));
    QVERIFY2(QRegularExpression(QStringLiteral("^2 rows \\(\\d+\\.\\d ms\\)$")).match(lines.value(4)).hasMatch(),
        qPrintable(run.out));
    // Not a terminal: nothing is cut, with or without --no-truncate.
    const Run wide = mu({QStringLiteral("q"), QStringLiteral("--no-truncate"),
        QStringLiteral("SELECT docstring FROM nodes WHERE docstring ~ 'geometry'")});
    QCOMPARE(wide.exitCode, 0);
    QVERIFY(wide.out.contains(QStringLiteral("Geometry helpers: scaling and classification of sizes.")));
}

void TestMuqlCli::csvAndTree()
{
    const Run csv = mu({QStringLiteral("q"), QStringLiteral("-f"), QStringLiteral("csv"),
        QStringLiteral("SELECT name, docstring FROM fn WHERE complexity > 1 ORDER BY name")});
    QCOMPARE(csv.exitCode, 0);
    QCOMPARE(csv.out,
        QStringLiteral(
            "name,docstring\r\nclassify,Classify a size into a band.\r\nscale,Scale a size for display.\r\n"));
    const Run tree = mu({QStringLiteral("q"), QStringLiteral("-f"), QStringLiteral("tree"),
        QStringLiteral("SHOW callers OF classify DEPTH 2")});
    QCOMPARE(tree.exitCode, 0);
    QVERIFY2(tree.out.startsWith(QStringLiteral("fn:pkg/geometry.py:classify\n"
                                                "├── fn:pkg/cli.py:run  (calls)\n"
                                                "│   ├── fn:pkg/cli.py:main  (calls)\n"
                                                "│   └── fn:pkg/cli.py:test_run  (calls)\n"
                                                "└── fn:pkg/geometry.py:scale  (calls)\n"
                                                "    ├── fn:pkg/shapes.py:Circle.area  (calls)\n"
                                                "    └── fn:pkg/shapes.py:Square.area  (calls)\n")),
        qPrintable(tree.out));
}

void TestMuqlCli::explain()
{
    const Run run = mu({QStringLiteral("q"), QStringLiteral("--explain"), QStringLiteral("fn n~'x' 5")});
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.out,
        QStringLiteral(
            "sql: SELECT id AS c0, name AS c1, file_path AS c2, line_start AS c3, complexity AS c4 FROM nodes "
            "WHERE type = 'function' AND instr(lower(name), lower(?)) > 0 ORDER BY id LIMIT ?\n  ?1 = 'x'\n  ?2 = "
            "5\n"));
}

void TestMuqlCli::queryErrors()
{
    const Run syntax = mu({QStringLiteral("q"), QStringLiteral("SELECT * FORM functions")});
    QCOMPARE(syntax.exitCode, 1);
    QCOMPARE(syntax.out, QString());
    QCOMPARE(syntax.err,
        QStringLiteral("mu: Unexpected token 'FORM' at 1:10. Did you mean FROM?\n"
                       "  SELECT * FORM functions\n"
                       "           ^\n"));
    const Run json = mu({QStringLiteral("q"), QStringLiteral("--json"), QStringLiteral("SELECT * FORM functions")});
    QCOMPARE(json.exitCode, 1);
    const QJsonObject error = json.json().value(u"error").toObject();
    QCOMPARE(error.value(u"message").toString(), QStringLiteral("Unexpected token 'FORM' at 1:10. Did you mean FROM?"));
    QCOMPARE(error.value(u"position").toInt(), 9);

    const Run ambiguous = mu({QStringLiteral("q"), QStringLiteral("callers area")});
    QCOMPARE(ambiguous.exitCode, 1);
    QVERIFY2(ambiguous.err.startsWith(QStringLiteral("mu: 'area' matches several nodes at 1:9. Use one of these ids: "
                                                     "fn:pkg/shapes.py:Circle.area")),
        qPrintable(ambiguous.err));
    const Run unknown
        = mu({QStringLiteral("q"), QStringLiteral("-f"), QStringLiteral("json"), QStringLiteral("SELECT nme FROM fn")});
    QCOMPARE(unknown.exitCode, 1);
    QCOMPARE(unknown.json().value(u"error").toObject().value(u"code").toString(), QStringLiteral("unknown_column"));
}

void TestMuqlCli::usageErrors()
{
    QCOMPARE(mu({QStringLiteral("q")}).exitCode, 2);
    QCOMPARE(
        mu({QStringLiteral("q"), QStringLiteral("-f"), QStringLiteral("xml"), QStringLiteral("SHOW TABLES")}).exitCode,
        2);
    QCOMPARE(
        mu({QStringLiteral("q"), QStringLiteral("--timeout"), QStringLiteral("soon"), QStringLiteral("SHOW TABLES")})
            .exitCode,
        2);
    const Run help = mu({QStringLiteral("query"), QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains(QStringLiteral("Usage: mu query")));
    QVERIFY(help.out.contains(QStringLiteral("--no-truncate")));
    QTemporaryDir empty;
    const Run notIndexed = mu({QStringLiteral("q"), QStringLiteral("SHOW TABLES")}, {}, empty.path());
    QCOMPARE(notIndexed.exitCode, 1);
    QVERIFY(notIndexed.err.contains(QStringLiteral("hint: run 'mu index'")));
}

void TestMuqlCli::projectOption()
{
    QTemporaryDir elsewhere;
    const Run run = mu({QStringLiteral("q"), QStringLiteral("-C"), m_project.path(), QStringLiteral("--json"),
                           QStringLiteral("SELECT COUNT(*) FROM files")},
        {}, elsewhere.path());
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(run.json().value(u"rows").toArray(), QJsonArray({QJsonArray {4}}));
}

void TestMuqlCli::shell()
{
    const QByteArray script = "-- a comment line\n"
                              ".format csv\n"
                              "SELECT name FROM fn WHERE complexity > 1 ORDER BY name\n"
                              "\n"
                              ".explain callers classify\n"
                              "SELECT * FORM functions\n"
                              ".format yaml\n"
                              ".help\n"
                              ".exit\n"
                              "SELECT 'never run'\n";
    const Run run = mu({QStringLiteral("q"), QStringLiteral("-i")}, script);
    QCOMPARE(run.exitCode, 1); // one query failed
    QVERIFY2(run.out.startsWith(QStringLiteral(
                 "name\r\nclassify\r\nscale\r\n"
                 "graph: breadth-first from fn:pkg/geometry.py:classify, incoming edges of {calls}, depth ≤ 1, at most "
                 "10000 nodes\n"
                 "MUQL shell. Type a query on one line, or a command:\n")),
        qPrintable(run.out));
    QVERIFY(run.out.contains(QStringLiteral(".format FMT         output format: table, json, csv or tree (now: csv)")));
    QCOMPARE(run.err,
        QStringLiteral("mu: Unexpected token 'FORM' at 1:10. Did you mean FROM?\n"
                       "  SELECT * FORM functions\n"
                       "           ^\n"
                       "mu: unknown format 'yaml'; use table, json, csv or tree\n"));
    // History: every line entered, in $MU_HOME/muql_history, kept across sessions.
    QFile history(m_home.filePath(QStringLiteral("muql_history")));
    QVERIFY(history.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(history.readAll());
    QCOMPARE(text,
        QStringLiteral(
            ".format csv\nSELECT name FROM fn WHERE complexity > 1 ORDER BY name\n.explain callers classify\n"
            "SELECT * FORM functions\n.format yaml\n.help\n.exit\n"));
    history.close();
    const Run again = mu({QStringLiteral("q"), QStringLiteral("-i")}, ".history\n");
    QCOMPARE(again.exitCode, 0);
    QVERIFY(again.out.startsWith(text));
}

QTEST_GUILESS_MAIN(TestMuqlCli)
#include "tst_muql_cli.moc"
