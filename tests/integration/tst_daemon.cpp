// The real daemon (`mu daemon run`) on a temporary project: every route of SPEC §8 and its
// errors, live events for every kind of file operation (including atomic saves the way vim,
// QSaveFile and `sed -i` do them), subscriptions and resume, multi-project `cwd` routing, and the
// invariant that once quiet the graph equals a fresh index of the same tree.
#include "daemontest.h"

#include <QSaveFile>
#include <QSet>
#include <QStandardPaths>

using namespace mu::test;

namespace {

const QByteArray kModuleA = "from pkg.b import helper, Base\n\n\n"
                            "def run(x):\n    \"\"\"Runs the thing.\"\"\"\n    if x:\n        return helper(x)\n"
                            "    return None\n\n\nclass Child(Base):\n    def go(self):\n        return run(1)\n";
const QByteArray kModuleB = "def helper(x):\n    return x + 1\n\n\nclass Base:\n    \"\"\"The base.\"\"\"\n\n"
                            "    def go(self):\n        return 0\n";

} // namespace

class TestDaemon : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_home;
    QTemporaryDir m_project;
    std::unique_ptr<DaemonProcess> m_daemon;

    QString path(const QString& relPath) const { return m_project.filePath(relPath); }

    void verifyConverged() { mu::test::verifyConverged(*m_daemon, m_project.path(), m_home.path()); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        QVERIFY(m_project.isValid());
        QVERIFY(writeFile(path(QStringLiteral("pkg/__init__.py")), ""));
        QVERIFY(writeFile(path(QStringLiteral("pkg/a.py")), kModuleA));
        QVERIFY(writeFile(path(QStringLiteral("pkg/b.py")), kModuleB));
        QVERIFY(writeFile(path(QStringLiteral("node_modules/dep/index.js")), "export function ignored() {}\n"));
        m_daemon = std::make_unique<DaemonProcess>(m_project.path(), m_home.path());
        QVERIFY2(m_daemon->start(), m_daemon->log().constData());
        QVERIFY(!m_daemon->token().isEmpty());
        // The initial reconcile indexes the tree in the background.
        QTRY_VERIFY_WITH_TIMEOUT(
            m_daemon->get(QStringLiteral("/nodes/fn:pkg/a.py:run")).status == 200, kDaemonTimeoutMs);
    }

    void cleanupTestCase()
    {
        if (!m_daemon)
            return;
        QCOMPARE(m_daemon->post(QStringLiteral("/shutdown"), {}).status, 200);
        const int exitCode = m_daemon->waitForExit();
        if (exitCode != 0)
            qWarning().noquote() << "daemon log:\n" << m_daemon->log();
        QCOMPARE(exitCode, 0);
        // A clean stop leaves no registry entry and no pid file behind.
        QFile registry(QDir(m_home.path()).filePath(QStringLiteral("daemons.json")));
        QVERIFY(registry.open(QIODevice::ReadOnly));
        QVERIFY(
            QJsonDocument::fromJson(registry.readAll()).object().value(QStringLiteral("daemons")).toArray().isEmpty());
        QVERIFY(!QFileInfo::exists(path(QStringLiteral(".mu/daemon.pid"))));
    }

    void healthNeedsNoToken()
    {
        const HttpAnswer health = m_daemon->get(QStringLiteral("/health"), {{"Authorization", "Bearer wrong"}});
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json().value(QStringLiteral("ok")).toBool(), true);
    }

    void everyOtherRouteNeedsTheToken_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("route");
        QTest::addColumn<QByteArray>("authorization");
        for (const auto& [method, route] : {std::pair {QByteArray("GET"), QStringLiteral("/status")},
                 {"GET", QStringLiteral("/nodes/fn:pkg/a.py:run")}, {"POST", QStringLiteral("/query")},
                 {"GET", QStringLiteral("/metrics")}, {"POST", QStringLiteral("/shutdown")},
                 {"GET", QStringLiteral("/no/such/route")}}) {
            QTest::addRow("%s %s none", method.constData(), qPrintable(route)) << method << route << QByteArray();
            QTest::addRow("%s %s wrong", method.constData(), qPrintable(route))
                << method << route << QByteArray("Bearer 0123456789abcdef");
        }
    }
    void everyOtherRouteNeedsTheToken()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, route);
        QFETCH(QByteArray, authorization);
        // An empty Authorization header value is still sent, so the client's token is not added.
        const HttpAnswer answer = m_daemon->request(method, route, {}, {{"Authorization", authorization}});
        QCOMPARE(answer.status, 401);
        QCOMPARE(answer.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
            QStringLiteral("unauthorized"));
    }

    void rejectsForeignHostAndOrigin()
    {
        QCOMPARE(m_daemon->get(QStringLiteral("/status"), {{"Host", "evil.example:80"}}).status, 403);
        QCOMPARE(m_daemon->get(QStringLiteral("/status"), {{"Origin", "http://evil.example"}}).status, 403);
        QCOMPARE(m_daemon
                     ->get(QStringLiteral("/status"),
                         {{"Host", QByteArray("localhost:") + QByteArray::number(m_daemon->port())}})
                     .status,
            200);
    }

    void status()
    {
        const HttpAnswer answer = m_daemon->get(QStringLiteral("/status"));
        QCOMPARE(answer.status, 200);
        const QJsonObject status = answer.json();
        QCOMPARE(status.value(QStringLiteral("project")).toString(), QFileInfo(m_project.path()).canonicalFilePath());
        QCOMPARE(status.value(QStringLiteral("port")).toInt(), int(m_daemon->port()));
        QCOMPARE(status.value(QStringLiteral("pid")).toInteger(), m_daemon->pid());
        QVERIFY(status.value(QStringLiteral("revision")).toInteger() > 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_daemon->get(QStringLiteral("/status"))
                                     .json()
                                     .value(QStringLiteral("stats"))
                                     .toObject()
                                     .value(QStringLiteral("files"))
                                     .toInt()
                == 3,
            kDaemonTimeoutMs);
        QVERIFY(status.value(QStringLiteral("watcher")).toObject().value(QStringLiteral("watched_dirs")).toInt() >= 2);
        QVERIFY(status.contains(QStringLiteral("connections")));
    }

    void nodes()
    {
        HttpAnswer answer = m_daemon->get(QStringLiteral("/nodes/fn:pkg/a.py:run"));
        QCOMPARE(answer.status, 200);
        QJsonObject node = answer.json();
        QCOMPARE(node.value(QStringLiteral("name")).toString(), QStringLiteral("run"));
        QCOMPARE(node.value(QStringLiteral("file_path")).toString(), QStringLiteral("pkg/a.py"));
        QVERIFY(node.value(QStringLiteral("revision")).toInteger() > 0);
        // Percent-encoded ids are the same node.
        QCOMPARE(m_daemon->get(QStringLiteral("/nodes/fn%3Apkg%2Fa.py%3Arun")).status, 200);
        answer = m_daemon->get(QStringLiteral("/nodes/fn:pkg/a.py:nope"));
        QCOMPARE(answer.status, 404);
        QCOMPARE(answer.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
            QStringLiteral("not_found"));
        QVERIFY(answer.json().contains(QStringLiteral("revision")));

        answer = m_daemon->get(QStringLiteral("/nodes/fn:pkg/a.py:run/neighbors?direction=outgoing"));
        QCOMPARE(answer.status, 200);
        QStringList targets;
        for (const QJsonValue& neighbor : answer.json().value(QStringLiteral("neighbors")).toArray())
            targets.append(
                neighbor.toObject().value(QStringLiteral("node")).toObject().value(QStringLiteral("id")).toString());
        QVERIFY2(targets.contains(QStringLiteral("fn:pkg/b.py:helper")), qPrintable(targets.join(u' ')));
        QCOMPARE(m_daemon->get(QStringLiteral("/nodes/fn:pkg/a.py:run/neighbors?direction=sideways")).status, 400);

        answer = m_daemon->get(QStringLiteral("/nodes/fn:pkg/a.py:run/source"));
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.json().value(QStringLiteral("text")).toString().startsWith(QStringLiteral("def run(x):")));
        QCOMPARE(answer.json().value(QStringLiteral("line_start")).toInt(), 4);
    }

    void search()
    {
        HttpAnswer answer = m_daemon->get(QStringLiteral("/search?q=helper&type=function"));
        QCOMPARE(answer.status, 200);
        const QJsonArray results = answer.json().value(QStringLiteral("results")).toArray();
        QVERIFY(!results.isEmpty());
        QCOMPARE(
            results.first().toObject().value(QStringLiteral("id")).toString(), QStringLiteral("fn:pkg/b.py:helper"));
        QCOMPARE(m_daemon->get(QStringLiteral("/search?q=")).status, 400);
        QCOMPARE(m_daemon->get(QStringLiteral("/search?q=x&type=planet")).status, 400);
    }

    void query()
    {
        HttpAnswer answer = m_daemon->post(QStringLiteral("/query"),
            {{QStringLiteral("muql"), QStringLiteral("SELECT name FROM functions WHERE file_path = 'pkg/b.py'")}});
        QCOMPARE(answer.status, 200);
        QCOMPARE(
            rowsText(answer.json().value(QStringLiteral("rows")).toArray()), QStringLiteral("[\"go\"]\n[\"helper\"]"));
        QVERIFY(answer.json().value(QStringLiteral("revision")).toInteger() > 0);

        answer = m_daemon->post(
            QStringLiteral("/query"), {{QStringLiteral("muql"), QStringLiteral("SELECT * FORM functions")}});
        QCOMPARE(answer.status, 422);
        QCOMPARE(answer.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("position")).toInt(), 9);
        // Malformed JSON, a missing field, a wrong method: clear errors, and the daemon keeps serving.
        QCOMPARE(m_daemon->request("POST", QStringLiteral("/query"), "{\"muql\": ").status, 400);
        QCOMPARE(m_daemon->post(QStringLiteral("/query"), {}).status, 400);
        QCOMPARE(m_daemon->get(QStringLiteral("/query")).status, 405);
        QCOMPARE(m_daemon->get(QStringLiteral("/health")).status, 200);
    }

    void graphOperations()
    {
        HttpAnswer answer = m_daemon->post(
            QStringLiteral("/impact"), {{QStringLiteral("node_id"), QStringLiteral("fn:pkg/b.py:helper")}});
        QCOMPARE(answer.status, 200);
        QStringList impacted;
        for (const QJsonValue& node : answer.json().value(QStringLiteral("nodes")).toArray())
            impacted.append(node.toObject().value(QStringLiteral("id")).toString());
        QVERIFY2(impacted.contains(QStringLiteral("fn:pkg/a.py:run")), qPrintable(impacted.join(u' ')));
        QVERIFY2(impacted.contains(QStringLiteral("fn:pkg/a.py:Child.go")), qPrintable(impacted.join(u' ')));

        answer = m_daemon->post(QStringLiteral("/ancestors"), {{QStringLiteral("node_id"), QStringLiteral("run")}});
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.json().value(QStringLiteral("count")).toInt() >= 1);
        QCOMPARE(
            m_daemon->post(QStringLiteral("/impact"), {{QStringLiteral("node_id"), QStringLiteral("no_such_thing")}})
                .status,
            404);
        QCOMPARE(
            m_daemon->post(QStringLiteral("/impact"), {{QStringLiteral("node_id"), QStringLiteral("go")}}).status, 409);
        QCOMPARE(m_daemon
                     ->post(QStringLiteral("/impact"),
                         {{QStringLiteral("node_id"), QStringLiteral("run")},
                             {QStringLiteral("edge_types"), QJsonArray {QStringLiteral("teleports")}}})
                     .status,
            400);

        answer = m_daemon->post(QStringLiteral("/cycles"), {});
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.json().value(QStringLiteral("cycle_count")).toInt(), 0);

        answer = m_daemon->post(QStringLiteral("/path"),
            {{QStringLiteral("from"), QStringLiteral("fn:pkg/a.py:Child.go")},
                {QStringLiteral("to"), QStringLiteral("fn:pkg/b.py:helper")}});
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.json().value(QStringLiteral("path")).toArray().size(), 3);
        answer = m_daemon->post(QStringLiteral("/path"),
            {{QStringLiteral("from"), QStringLiteral("fn:pkg/b.py:helper")},
                {QStringLiteral("to"), QStringLiteral("fn:pkg/a.py:run")},
                {QStringLiteral("via"), QJsonArray {QStringLiteral("calls")}}});
        QCOMPARE(answer.status, 404);
        QCOMPARE(answer.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
            QStringLiteral("no_path"));
    }

    void exportAndContext()
    {
        HttpAnswer answer = m_daemon->get(QStringLiteral("/export?format=dot"));
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.body.contains("digraph"));
        QVERIFY(answer.contentType.startsWith("text/vnd.graphviz"));
        answer = m_daemon->get(QStringLiteral("/export?format=json&types=function"));
        QCOMPARE(answer.status, 200);
        QVERIFY(!answer.json().value(QStringLiteral("nodes")).toArray().isEmpty());
        QCOMPARE(m_daemon->get(QStringLiteral("/export?format=pdf")).status, 400);

        answer = m_daemon->post(QStringLiteral("/context"),
            {{QStringLiteral("question"), QStringLiteral("How does run use the helper?")},
                {QStringLiteral("max_tokens"), 300}});
        QCOMPARE(answer.status, 200);
        const QJsonObject context = answer.json();
        QVERIFY(context.value(QStringLiteral("token_count")).toInt() <= 300);
        QVERIFY(context.value(QStringLiteral("mu_text")).toString().contains(QStringLiteral("run")));
        QVERIFY(context.contains(QStringLiteral("revision")));
        QCOMPARE(m_daemon->post(QStringLiteral("/context"), {{QStringLiteral("question"), QString()}}).status, 400);
    }

    void contracts()
    {
        HttpAnswer answer = m_daemon->post(QStringLiteral("/contracts/verify"), {});
        QCOMPARE(answer.status, 404); // no .mu/contracts.yml yet
        QVERIFY(writeFile(path(QStringLiteral(".mu/contracts.yml")),
            "version: \"1.0\"\ncontracts:\n  - name: \"No cycles\"\n    rule: {type: analyze, analysis: circular}\n"
            "    expect: empty\n"));
        answer = m_daemon->post(QStringLiteral("/contracts/verify"), {});
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.json().value(QStringLiteral("passed")).toBool(), true);
        // Nothing outside the project.
        answer = m_daemon->post(QStringLiteral("/contracts/verify"),
            {{QStringLiteral("contracts_path"), QStringLiteral("../../etc/passwd")}});
        QVERIFY(answer.status == 403 || answer.status == 404);
    }

    void metrics()
    {
        const HttpAnswer answer = m_daemon->get(QStringLiteral("/metrics"));
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.contentType.startsWith("text/plain"));
        for (const char* name : {"mu_files ", "mu_nodes ", "mu_edges ", "mu_revision ",
                 "mu_update_latency_seconds_bucket", "mu_index_queue_depth ", "mu_http_requests_total"})
            QVERIFY2(answer.body.contains(name), name);
    }

    void otherProjectsByCwd()
    {
        QTemporaryDir other;
        QVERIFY(writeFile(other.filePath(QStringLiteral("lib/tools.py")), "def only_here():\n    return 1\n"));
        QCOMPARE(runMu(m_home.path(), {QStringLiteral("index"), other.path()}).exitCode, 0);
        const QString cwd = other.filePath(QStringLiteral("lib"));
        HttpAnswer answer = m_daemon->post(QStringLiteral("/query"),
            {{QStringLiteral("muql"), QStringLiteral("SELECT name FROM functions")}, {QStringLiteral("cwd"), cwd}});
        QCOMPARE(answer.status, 200);
        QCOMPARE(rowsText(answer.json().value(QStringLiteral("rows")).toArray()), QStringLiteral("[\"only_here\"]"));
        answer = m_daemon->get(QStringLiteral("/status?cwd=") + QString::fromUtf8(QUrl::toPercentEncoding(cwd)));
        QCOMPARE(answer.status, 200);
        QCOMPARE(
            answer.json().value(QStringLiteral("project")).toString(), QFileInfo(other.path()).canonicalFilePath());
        answer = m_daemon->get(QStringLiteral("/search?q=x&cwd=/"));
        QCOMPARE(answer.status, 404);
        QVERIFY(answer.json()
                    .value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(u'/'));
        // Other projects are read-only.
        QCOMPARE(m_daemon->post(QStringLiteral("/index"), {{QStringLiteral("cwd"), cwd}}).status, 400);
    }

    void liveEventsForFileOperations()
    {
        LiveClient live;
        QVERIFY(live.open(m_daemon->port(), m_daemon->token()));

        // Create.
        QVERIFY(writeFile(path(QStringLiteral("pkg/c.py")), "def fresh():\n    return 2\n"));
        QVERIFY(live.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:pkg/c.py:fresh")));
        // Modify in place.
        QVERIFY(writeFile(
            path(QStringLiteral("pkg/c.py")), "def fresh():\n    return 2\n\n\ndef second():\n    return 3\n"));
        QVERIFY(live.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:pkg/c.py:second")));
        // Atomic save, the QSaveFile way (write a temporary file, rename it over).
        {
            QSaveFile save(path(QStringLiteral("pkg/c.py")));
            QVERIFY(save.open(QIODevice::WriteOnly));
            save.write("def fresh():\n    return 2\n\n\ndef third():\n    return 4\n");
            QVERIFY(save.commit());
        }
        QVERIFY(live.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:pkg/c.py:third")));
        QVERIFY(live.waitForEvent(QStringLiteral("node_removed"), QStringLiteral("fn:pkg/c.py:second")));
        // The vim way: rename the original to a backup, write a new file, delete the backup.
        QVERIFY(QFile::rename(path(QStringLiteral("pkg/c.py")), path(QStringLiteral("pkg/c.py~"))));
        QVERIFY(writeFile(
            path(QStringLiteral("pkg/c.py")), "def fresh():\n    return 2\n\n\ndef fourth():\n    return 5\n"));
        QVERIFY(QFile::remove(path(QStringLiteral("pkg/c.py~"))));
        QVERIFY(live.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:pkg/c.py:fourth")));
        // And again after the atomic saves: the file's watch was re-armed.
        QVERIFY(writeFile(
            path(QStringLiteral("pkg/c.py")), "def fresh():\n    return 2\n\n\ndef fifth():\n    return 6\n"));
        QVERIFY(live.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:pkg/c.py:fifth")));
        // sed -i (a temporary file renamed over the original), when sed is there.
        if (!QStandardPaths::findExecutable(QStringLiteral("sed")).isEmpty()) {
            QCOMPARE(QProcess::execute(QStringLiteral("sed"),
                         {QStringLiteral("-i"), QStringLiteral("s/fifth/sixth/"), path(QStringLiteral("pkg/c.py"))}),
                0);
            QVERIFY(live.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:pkg/c.py:sixth")));
        }
        // Rename and move between directories.
        QVERIFY(QDir().mkpath(path(QStringLiteral("pkg/sub"))));
        QVERIFY(QFile::rename(path(QStringLiteral("pkg/c.py")), path(QStringLiteral("pkg/sub/moved.py"))));
        QVERIFY(live.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:pkg/sub/moved.py:fresh")));
        QVERIFY(live.waitForEvent(QStringLiteral("node_removed"), QStringLiteral("fn:pkg/c.py:fresh")));
        // A new directory tree with files in it, renamed, then removed.
        QVERIFY(writeFile(path(QStringLiteral("newdir/deep/er/x.py")), "def deep_one():\n    return 1\n"));
        QVERIFY(live.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:newdir/deep/er/x.py:deep_one")));
        QVERIFY(QDir().rename(path(QStringLiteral("newdir")), path(QStringLiteral("renamed"))));
        QVERIFY(live.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:renamed/deep/er/x.py:deep_one")));
        QVERIFY(live.waitForEvent(QStringLiteral("node_removed"), QStringLiteral("fn:newdir/deep/er/x.py:deep_one")));
        QVERIFY(QDir(path(QStringLiteral("renamed"))).removeRecursively());
        QVERIFY(live.waitForEvent(QStringLiteral("node_removed"), QStringLiteral("fn:renamed/deep/er/x.py:deep_one")));
        // Delete.
        QVERIFY(QFile::remove(path(QStringLiteral("pkg/sub/moved.py"))));
        QVERIFY(live.waitForEvent(QStringLiteral("node_removed"), QStringLiteral("fn:pkg/sub/moved.py:fresh")));
        // Ignored directories never produce events or nodes.
        QVERIFY(writeFile(path(QStringLiteral("node_modules/dep/more.js")), "export function alsoIgnored() {}\n"));
        verifyConverged();
        QCOMPARE(m_daemon->get(QStringLiteral("/nodes/fn:node_modules/dep/more.js:alsoIgnored")).status, 404);
    }

    void subscriptionsAndResume()
    {
        LiveClient all;
        LiveClient filtered;
        QVERIFY(all.open(m_daemon->port(), m_daemon->token()));
        QVERIFY(filtered.open(m_daemon->port(), m_daemon->token()));
        filtered.send({{QStringLiteral("type"), QStringLiteral("subscribe")},
            {QStringLiteral("paths"), QJsonArray {QStringLiteral("watched/**")}}});
        filtered.send({{QStringLiteral("type"), QStringLiteral("ping")}});
        QVERIFY(filtered.waitFor(
            [](const QJsonObject& m) { return m.value(QStringLiteral("type")).toString() == u"pong"; }));

        QVERIFY(writeFile(path(QStringLiteral("elsewhere/e.py")), "def outside():\n    return 0\n"));
        QVERIFY(all.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:elsewhere/e.py:outside")));
        QVERIFY(writeFile(path(QStringLiteral("watched/w.py")), "def inside():\n    return 0\n"));
        QVERIFY(filtered.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:watched/w.py:inside")));
        QVERIFY(all.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:watched/w.py:inside")));
        for (const QJsonObject& message : filtered.messages()) {
            for (const QJsonValue& event : message.value(QStringLiteral("events")).toArray())
                QVERIFY(event.toObject()
                            .value(QStringLiteral("file_path"))
                            .toString()
                            .startsWith(QStringLiteral("watched/")));
        }

        // Resume: a new client asking for everything after the first update's predecessor gets it replayed.
        qint64 firstSeq = -1;
        for (const QJsonObject& message : all.messages()) {
            if (message.value(QStringLiteral("type")).toString() == u"graph_update") {
                firstSeq = message.value(QStringLiteral("seq")).toInteger();
                break;
            }
        }
        QVERIFY(firstSeq > 0);
        LiveClient late;
        QVERIFY(late.open(m_daemon->port(), m_daemon->token()));
        late.send({{QStringLiteral("type"), QStringLiteral("resume")}, {QStringLiteral("since_seq"), firstSeq - 1}});
        QVERIFY(late.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:elsewhere/e.py:outside")));
        QVERIFY(late.waitForEvent(QStringLiteral("node_added"), QStringLiteral("fn:watched/w.py:inside")));
        verifyConverged();
    }

    void cliSeesTheDaemon()
    {
        const CliRun status
            = runMu(m_home.path(), {QStringLiteral("status"), QStringLiteral("--json"), m_project.path()});
        QCOMPARE(status.exitCode, 0);
        const QJsonObject daemon = status.json().value(QStringLiteral("daemon")).toObject();
        QCOMPARE(daemon.value(QStringLiteral("running")).toBool(), true);
        QCOMPARE(daemon.value(QStringLiteral("port")).toInt(), int(m_daemon->port()));
        // `mu index` does not write behind the daemon's back: the daemon indexes and it waits.
        const CliRun index
            = runMu(m_home.path(), {QStringLiteral("index"), QStringLiteral("--json"), m_project.path()});
        QCOMPARE(index.exitCode, 0);
        QCOMPARE(index.json().value(QStringLiteral("daemon")).toBool(), true);
    }

    void secondDaemonForTheProjectIsRefused()
    {
        const CliRun second = runMu(m_home.path(),
            {QStringLiteral("daemon"), QStringLiteral("run"), m_project.path(), QStringLiteral("--port"),
                QStringLiteral("0")});
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(second.err.contains("already runs"), second.err.constData());
        QCOMPARE(m_daemon->get(QStringLiteral("/health")).status, 200);
    }

    void indexRequestAndConvergence()
    {
        // Changes the watcher cannot see reliably: many files at once, then an explicit reindex.
        for (int i = 0; i < 40; ++i)
            QVERIFY(writeFile(path(QStringLiteral("bulk/m%1.py").arg(i)),
                QStringLiteral("from pkg.b import helper\n\n\ndef f%1():\n    return helper(%1)\n").arg(i).toUtf8()));
        const HttpAnswer answer = m_daemon->post(QStringLiteral("/index"), {{QStringLiteral("force"), false}});
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.json().value(QStringLiteral("accepted")).toBool(), true);
        verifyConverged();
    }
};

QTEST_GUILESS_MAIN(TestDaemon)
#include "tst_daemon.moc"
