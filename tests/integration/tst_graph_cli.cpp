// The graph commands of the real `mu` binary (deps, usedby, impact, ancestors, cycles, path, why)
// on an indexed project with real cycles, cross-checked against networkx (graph_oracle.py reads
// the same database independently): SCC membership, shortest-path lengths and counts, the edges
// of every returned path, impact and ancestor sets.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QStandardPaths>
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

Run run(const QString& program, const QStringList& arguments, const QByteArray& input = {})
{
    QProcess process;
    process.setProgram(program);
    process.setArguments(arguments);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NO_COLOR"), QStringLiteral("1"));
    process.setProcessEnvironment(env);
    process.start();
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(kTimeoutMs))
        qFatal("%s %s did not finish", qPrintable(program), qPrintable(arguments.join(u' ')));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
        process.readAllStandardError()};
}

void writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
}

/// A deterministic pseudo-random sequence (the same project and pairs on every run).
class Lcg {
public:
    explicit Lcg(quint32 seed) : m_state(seed) { }
    int below(int n)
    {
        m_state = m_state * 1664525U + 1013904223U;
        return int((m_state >> 8) % quint32(n));
    }

private:
    quint32 m_state;
};

QStringList strings(const QJsonArray& array)
{
    QStringList out;
    for (const QJsonValue& value : array)
        out.append(value.toString());
    return out;
}

QJsonArray jsonStrings(const QStringList& list)
{
    return QJsonArray::fromStringList(list);
}

/// Components as sorted lists of sorted ids: membership, whatever order either side lists them in.
QList<QStringList> components(const QJsonArray& array)
{
    QList<QStringList> out;
    for (const QJsonValue& component : array) {
        QStringList ids = strings(component.toArray());
        ids.sort();
        out.append(ids);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

class TestGraphCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void helpAndUsageErrors();
    void nodeResolutionErrors();
    void depsAndUsedBy();
    void cyclesMatchNetworkx();
    void pathLengthsMatchNetworkx();
    void allShortestPathsMatchNetworkx();
    void impactAndAncestorsMatchNetworkx();
    void whyTriesBothDirections();
    void textOutputReadsWell();

private:
    Run mu(QStringList arguments) const
    {
        arguments << QStringLiteral("-C") << m_project.path();
        return run(QStringLiteral(MU_EXECUTABLE), arguments);
    }
    QJsonObject oracle(QJsonObject request) const
    {
        request.insert(QStringLiteral("db"), m_project.filePath(QStringLiteral(".mu/mubase")));
        const Run answer = run(m_python, {QStringLiteral(MU_SOURCE_DIR "/tests/integration/graph_oracle.py")},
            QJsonDocument(request).toJson(QJsonDocument::Compact));
        if (answer.exitCode != 0)
            qFatal("graph_oracle.py failed: %s", answer.err.constData());
        return answer.json();
    }

    QTemporaryDir m_project;
    QString m_python;
    QStringList m_nodes;     ///< every node id (from the oracle)
    QStringList m_generated; ///< the generated package's node ids, where the paths are
};

void TestGraphCli::initTestCase()
{
    m_python = QStandardPaths::findExecutable(QStringLiteral("python3"));
    if (m_python.isEmpty() || run(m_python, {QStringLiteral("-c"), QStringLiteral("import networkx")}).exitCode != 0) {
        QFAIL("python3 with networkx is required (apt-get install python3-networkx; scripts/install-deps.sh)");
    }
    QVERIFY(m_project.isValid());
    const QString from = QStringLiteral(MU_FIXTURES_DIR "/projects/python_app");
    QDirIterator it(from, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString target = m_project.filePath(QDir(from).relativeFilePath(source));
        QDir().mkpath(QFileInfo(target).path());
        QVERIFY(QFile::copy(source, target));
    }
    // A hand-written cycle: modules a → b → c → a, and ping ↔ pong calling each other across files.
    writeFile(m_project.filePath(QStringLiteral("cyc/__init__.py")), "");
    writeFile(m_project.filePath(QStringLiteral("cyc/a.py")),
        "from . import b\n\n\ndef ping(n):\n    return b.pong(n - 1)\n");
    writeFile(m_project.filePath(QStringLiteral("cyc/b.py")),
        "from . import c\nfrom . import a\n\n\ndef pong(n):\n    return a.ping(n)\n");
    writeFile(
        m_project.filePath(QStringLiteral("cyc/c.py")), "from . import a\n\n\ndef tail():\n    return a.ping(1)\n");
    // A generated package: 24 modules importing two or three others at random, with functions calling
    // functions of the modules they import; enough for several import and call cycles and many paths.
    constexpr int kModules = 24;
    constexpr int kFunctions = 3;
    Lcg lcg(20240611);
    writeFile(m_project.filePath(QStringLiteral("gen/__init__.py")), "");
    for (int m = 0; m < kModules; ++m) {
        QList<int> imports;
        const int count = 2 + lcg.below(2);
        while (imports.size() < count) {
            const int other = lcg.below(kModules);
            if (other != m && !imports.contains(other))
                imports.append(other);
        }
        QByteArray text;
        for (int other : std::as_const(imports))
            text += "from . import m" + QByteArray::number(other) + '\n';
        for (int f = 0; f < kFunctions; ++f) {
            text += "\n\ndef f" + QByteArray::number(f) + "():\n";
            const int other = imports[lcg.below(int(imports.size()))];
            text += "    m" + QByteArray::number(other) + ".f" + QByteArray::number(lcg.below(kFunctions)) + "()\n";
            if (f > 0)
                text += "    f" + QByteArray::number(lcg.below(f)) + "()\n";
        }
        writeFile(m_project.filePath(QStringLiteral("gen/m%1.py").arg(m)), text);
    }

    const Run index = run(QStringLiteral(MU_EXECUTABLE), {QStringLiteral("index"), m_project.path()});
    QVERIFY2(index.exitCode == 0, index.err.constData());

    QJsonObject request;
    request.insert(QStringLiteral("nodes"), true);
    m_nodes = strings(oracle(request).value(u"nodes").toArray());
    for (const QString& id : std::as_const(m_nodes)) {
        if (id.contains(u"gen/") || id.contains(u"cyc/"))
            m_generated.append(id);
    }
    QVERIFY(m_generated.size() > kModules * kFunctions);
}

void TestGraphCli::helpAndUsageErrors()
{
    for (const char* command : {"deps", "usedby", "impact", "ancestors", "cycles", "path", "why"}) {
        const Run help = run(QStringLiteral(MU_EXECUTABLE), {QString::fromLatin1(command), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.startsWith(QByteArray("Usage: mu ").append(command)), help.out.constData());
        QVERIFY(help.out.contains("--json"));
    }
    QCOMPARE(mu({QStringLiteral("deps")}).exitCode, 2);
    QCOMPARE(mu({QStringLiteral("path"), QStringLiteral("a")}).exitCode, 2);
    QCOMPARE(mu({QStringLiteral("cycles"), QStringLiteral("extra")}).exitCode, 2);
    Run bad = mu(
        {QStringLiteral("impact"), QStringLiteral("mod:cyc/a.py"), QStringLiteral("--depth"), QStringLiteral("21")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("--depth takes a number from 1 to 20, not '21'"), bad.err.constData());
    bad = mu({QStringLiteral("cycles"), QStringLiteral("--edge-types"), QStringLiteral("import")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("Unknown edge type 'import'. Did you mean 'imports'?"), bad.err.constData());
    bad = mu({QStringLiteral("path"), QStringLiteral("mod:cyc/a.py"), QStringLiteral("mod:cyc/b.py"),
        QStringLiteral("--max"), QStringLiteral("3")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.err.contains("--max applies to --all"));
    // Not indexed: exit 1 with the hint to index.
    QTemporaryDir empty;
    const Run none = run(QStringLiteral(MU_EXECUTABLE), {QStringLiteral("cycles"), QStringLiteral("-C"), empty.path()});
    QCOMPARE(none.exitCode, 1);
    QVERIFY(none.err.contains("hint: run 'mu index'"));
}

void TestGraphCli::nodeResolutionErrors()
{
    Run missing = mu({QStringLiteral("deps"), QStringLiteral("no_such_thing_anywhere")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.contains("no_such_thing_anywhere"), missing.err.constData());
    // f0 is defined in every generated module: ambiguous, with candidates, never a silent pick.
    Run ambiguous = mu({QStringLiteral("impact"), QStringLiteral("f0")});
    QCOMPARE(ambiguous.exitCode, 1);
    QVERIFY2(ambiguous.err.contains("fn:gen/m0.py:f0"), ambiguous.err.constData());
    QVERIFY(ambiguous.out.isEmpty());
    // A path names its module.
    const Run byPath = mu({QStringLiteral("deps"), QStringLiteral("cyc/a.py"), QStringLiteral("--json")});
    QCOMPARE(byPath.exitCode, 0);
    QCOMPARE(byPath.json().value(u"node_id").toString(), QStringLiteral("mod:cyc/a.py"));
}

void TestGraphCli::depsAndUsedBy()
{
    Run deps = mu({QStringLiteral("deps"), QStringLiteral("mod:cyc/b.py"), QStringLiteral("--json")});
    QCOMPARE(deps.exitCode, 0);
    QJsonObject object = deps.json();
    QVERIFY(object.value(u"revision").toInteger() > 0);
    QCOMPARE(object.value(u"direction").toString(), QStringLiteral("outgoing"));
    QStringList seen;
    for (const QJsonValue& n : object.value(u"neighbors").toArray()) {
        const QJsonObject neighbour = n.toObject();
        seen.append(neighbour.value(u"edge_type").toString() + u' '
            + neighbour.value(u"node").toObject().value(u"id").toString());
    }
    QCOMPARE(seen, (QStringList {QStringLiteral("imports mod:cyc/a.py"), QStringLiteral("imports mod:cyc/c.py")}));
    // With contains, b's function is listed too.
    deps = mu({QStringLiteral("deps"), QStringLiteral("mod:cyc/b.py"), QStringLiteral("--include-contains"),
        QStringLiteral("--json")});
    QCOMPARE(deps.json().value(u"count").toInt(), 3);

    const Run usedBy = mu({QStringLiteral("usedby"), QStringLiteral("fn:cyc/a.py:ping"), QStringLiteral("--json")});
    QCOMPARE(usedBy.exitCode, 0);
    seen.clear();
    for (const QJsonValue& n : usedBy.json().value(u"neighbors").toArray())
        seen.append(n.toObject().value(u"node").toObject().value(u"id").toString());
    QCOMPARE(seen, (QStringList {QStringLiteral("fn:cyc/b.py:pong"), QStringLiteral("fn:cyc/c.py:tail")}));
}

void TestGraphCli::cyclesMatchNetworkx()
{
    const QList<QStringList> typeSets {{QStringLiteral("imports")}, {QStringLiteral("calls")},
        {QStringLiteral("imports"), QStringLiteral("inherits"), QStringLiteral("calls"), QStringLiteral("uses")},
        {QStringLiteral("contains"), QStringLiteral("imports"), QStringLiteral("inherits"), QStringLiteral("calls"),
            QStringLiteral("uses")}};
    QJsonArray sets;
    for (const QStringList& types : typeSets)
        sets.append(jsonStrings(types));
    const QJsonArray expected = oracle(QJsonObject {{QStringLiteral("scc"), sets}}).value(u"scc").toArray();
    for (qsizetype i = 0; i < typeSets.size(); ++i) {
        const Run cycles = mu({QStringLiteral("cycles"), QStringLiteral("--json"), QStringLiteral("--edge-types"),
            typeSets[i].join(u',')});
        QCOMPARE(cycles.exitCode, 0);
        const QJsonObject object = cycles.json();
        const QList<QStringList> actual = components(object.value(u"cycles").toArray());
        QCOMPARE(actual, components(expected.at(i).toArray()));
        QCOMPARE(object.value(u"cycle_count").toInt(), actual.size());
        qsizetype total = 0;
        for (const QStringList& component : actual)
            total += component.size();
        QCOMPARE(object.value(u"total_nodes_in_cycles").toInt(), total);
        QCOMPARE(strings(object.value(u"edge_types").toArray()), typeSets[i]);
    }
    // The hand-written cycles are there, and the default is every type but contains.
    const QList<QStringList> imports = components(expected.at(0).toArray());
    QVERIFY(imports.contains(
        QStringList {QStringLiteral("mod:cyc/a.py"), QStringLiteral("mod:cyc/b.py"), QStringLiteral("mod:cyc/c.py")}));
    QVERIFY(components(expected.at(1).toArray())
                .contains(QStringList {QStringLiteral("fn:cyc/a.py:ping"), QStringLiteral("fn:cyc/b.py:pong")}));
    const Run defaults = mu({QStringLiteral("cycles"), QStringLiteral("--json")});
    QCOMPARE(components(defaults.json().value(u"cycles").toArray()), components(expected.at(2).toArray()));
    // Components come largest first.
    const QJsonArray ordered = defaults.json().value(u"cycles").toArray();
    for (qsizetype i = 1; i < ordered.size(); ++i)
        QVERIFY(ordered.at(i - 1).toArray().size() >= ordered.at(i).toArray().size());
}

void TestGraphCli::pathLengthsMatchNetworkx()
{
    struct Query {
        QString from;
        QString to;
        QStringList types;
        QStringList args;
        int depth;
        Run result;
    };
    QList<Query> queries;
    Lcg lcg(7);
    const QStringList all {QStringLiteral("contains"), QStringLiteral("imports"), QStringLiteral("inherits"),
        QStringLiteral("calls"), QStringLiteral("uses")};
    const auto add = [&](const QStringList& types, const QStringList& via, int count, int depth) {
        for (int i = 0; i < count; ++i) {
            const QString from = m_generated[lcg.below(int(m_generated.size()))];
            // Every fourth target anywhere in the project: paths that do not exist are answers too.
            const QStringList& pool = i % 4 == 3 ? m_nodes : m_generated;
            const QString to = pool[lcg.below(int(pool.size()))];
            QStringList args {QStringLiteral("path"), from, to, QStringLiteral("--json")};
            if (!via.isEmpty())
                args << QStringLiteral("--via") << via.join(u',');
            if (depth != 20)
                args << QStringLiteral("--depth") << QString::number(depth);
            queries.append(Query {from, to, types, args, depth, {}});
        }
    };
    add(all, {}, 50, 20);
    add({QStringLiteral("calls")}, {QStringLiteral("calls")}, 30, 20);
    add({QStringLiteral("imports")}, {QStringLiteral("imports")}, 30, 20);
    add({QStringLiteral("imports"), QStringLiteral("calls")}, {QStringLiteral("imports"), QStringLiteral("calls")}, 20,
        3);

    QJsonArray lengths;
    QJsonArray validPaths;
    int found = 0;
    for (Query& q : queries) {
        q.result = mu(q.args);
        lengths.append(QJsonObject {{QStringLiteral("from"), q.from}, {QStringLiteral("to"), q.to},
            {QStringLiteral("types"), jsonStrings(q.types)}, {QStringLiteral("max_depth"), q.depth}});
        QJsonArray hops;
        const QJsonArray path = q.result.json().value(u"path").toArray();
        for (qsizetype i = 1; i < path.size(); ++i) {
            hops.append(QJsonArray {path.at(i - 1).toObject().value(u"node").toObject().value(u"id"),
                path.at(i).toObject().value(u"edge_type"),
                path.at(i).toObject().value(u"node").toObject().value(u"id")});
        }
        validPaths.append(
            QJsonObject {{QStringLiteral("types"), jsonStrings(q.types)}, {QStringLiteral("hops"), hops}});
    }
    const QJsonObject expected
        = oracle(QJsonObject {{QStringLiteral("lengths"), lengths}, {QStringLiteral("valid_paths"), validPaths}});
    const QJsonArray expectedLengths = expected.value(u"lengths").toArray();
    const QJsonArray valid = expected.value(u"valid_paths").toArray();
    for (qsizetype i = 0; i < queries.size(); ++i) {
        const Query& q = queries[i];
        const QByteArray what = q.args.join(u' ').toUtf8();
        if (expectedLengths.at(i).isNull()) {
            QVERIFY2(q.result.exitCode == 1, what.constData());
            QCOMPARE(q.result.json().value(u"error").toObject().value(u"code").toString(), QStringLiteral("not_found"));
            continue;
        }
        ++found;
        QVERIFY2(q.result.exitCode == 0, QByteArray(what + ": " + q.result.err).constData());
        const QJsonObject object = q.result.json();
        QVERIFY2(object.value(u"length").toInt() == expectedLengths.at(i).toInt(), what.constData());
        QCOMPARE(object.value(u"path").toArray().size(), expectedLengths.at(i).toInt() + 1);
        QCOMPARE(object.value(u"from").toString(), q.from);
        QCOMPARE(object.value(u"to").toString(), q.to);
        QVERIFY2(valid.at(i).toBool(), what.constData()); // every hop is an edge of an allowed type
    }
    QVERIFY2(found >= 40, qPrintable(QString::number(found))); // the sample exercises real paths
}

void TestGraphCli::allShortestPathsMatchNetworkx()
{
    Lcg lcg(99);
    const QStringList types {QStringLiteral("imports"), QStringLiteral("calls")};
    QJsonArray counts;
    QList<Run> runs;
    for (int i = 0; i < 25; ++i) {
        const QString from = m_generated[lcg.below(int(m_generated.size()))];
        const QString to = m_generated[lcg.below(int(m_generated.size()))];
        runs.append(mu({QStringLiteral("path"), from, to, QStringLiteral("--via"), types.join(u','),
            QStringLiteral("--all"), QStringLiteral("--max"), QStringLiteral("8"), QStringLiteral("--json")}));
        counts.append(QJsonObject {{QStringLiteral("from"), from}, {QStringLiteral("to"), to},
            {QStringLiteral("types"), jsonStrings(types)}, {QStringLiteral("max"), 8}});
    }
    const QJsonArray expected
        = oracle(QJsonObject {{QStringLiteral("path_counts"), counts}}).value(u"path_counts").toArray();
    int several = 0;
    for (qsizetype i = 0; i < runs.size(); ++i) {
        const QJsonObject object = runs[i].json();
        const int count = expected.at(i).toInt();
        if (count == 0) {
            QCOMPARE(runs[i].exitCode, 1);
            continue;
        }
        QCOMPARE(runs[i].exitCode, 0);
        QCOMPARE(object.value(u"path_count").toInt(), count);
        const QJsonArray paths = object.value(u"paths").toArray();
        QSet<QString> distinct;
        for (const QJsonValue& path : paths) {
            QStringList ids;
            for (const QJsonValue& hop : path.toArray())
                ids.append(hop.toObject().value(u"node").toObject().value(u"id").toString());
            QCOMPARE(ids.size(), object.value(u"length").toInt() + 1); // all of the shortest length
            distinct.insert(ids.join(u' '));
        }
        QCOMPARE(distinct.size(), count);
        several += count > 1 ? 1 : 0;
    }
    QVERIFY(several > 0);
}

void TestGraphCli::impactAndAncestorsMatchNetworkx()
{
    struct Query {
        QString node;
        QString direction;
        QStringList types;
        int depth;
        Run result;
    };
    QList<Query> queries;
    Lcg lcg(3);
    const QList<QStringList> typeSets {
        {QStringLiteral("imports"), QStringLiteral("inherits"), QStringLiteral("calls"), QStringLiteral("uses")},
        {QStringLiteral("calls")}, {QStringLiteral("imports")}, {QStringLiteral("contains"), QStringLiteral("calls")}};
    for (int i = 0; i < 40; ++i) {
        Query q {m_generated[lcg.below(int(m_generated.size()))],
            i % 2 == 0 ? QStringLiteral("incoming") : QStringLiteral("outgoing"), typeSets[(i / 2) % typeSets.size()],
            1 + lcg.below(6), {}};
        QStringList args {q.direction == u"incoming" ? QStringLiteral("impact") : QStringLiteral("ancestors"), q.node,
            QStringLiteral("--json"), QStringLiteral("--depth"), QString::number(q.depth)};
        if (i % 8 != 0) // every eighth with the default types
            args << QStringLiteral("--edge-types") << q.types.join(u',');
        else
            q.types = typeSets[0];
        q.result = mu(args);
        queries.append(q);
    }
    QJsonArray reach;
    for (const Query& q : std::as_const(queries)) {
        reach.append(QJsonObject {{QStringLiteral("node"), q.node}, {QStringLiteral("direction"), q.direction},
            {QStringLiteral("types"), jsonStrings(q.types)}, {QStringLiteral("depth"), q.depth}});
    }
    const QJsonArray expected = oracle(QJsonObject {{QStringLiteral("reach"), reach}}).value(u"reach").toArray();
    int nonEmpty = 0;
    for (qsizetype i = 0; i < queries.size(); ++i) {
        const Query& q = queries[i];
        QCOMPARE(q.result.exitCode, 0);
        const QJsonObject object = q.result.json();
        QStringList ids;
        int lastDepth = 0;
        for (const QJsonValue& n : object.value(u"nodes").toArray()) {
            const QJsonObject node = n.toObject();
            ids.append(node.value(u"id").toString());
            QVERIFY(node.value(u"depth").toInt() >= lastDepth); // sorted by depth
            QVERIFY(node.value(u"depth").toInt() <= q.depth);
            lastDepth = node.value(u"depth").toInt();
        }
        ids.sort();
        QCOMPARE(ids, strings(expected.at(i).toArray()));
        QCOMPARE(object.value(u"count").toInt(), ids.size());
        QCOMPARE(object.value(u"node_id").toString(), q.node);
        nonEmpty += ids.isEmpty() ? 0 : 1;
    }
    QVERIFY(nonEmpty >= 20);
}

void TestGraphCli::whyTriesBothDirections()
{
    Run why = mu({QStringLiteral("why"), QStringLiteral("fn:cyc/c.py:tail"), QStringLiteral("fn:cyc/b.py:pong"),
        QStringLiteral("--json")});
    QCOMPARE(why.exitCode, 0);
    QCOMPARE(why.json().value(u"direction").toString(), QStringLiteral("forward"));
    QCOMPARE(why.json().value(u"length").toInt(), 2); // tail → ping → pong
    why = mu({QStringLiteral("why"), QStringLiteral("mod:src/app/util.py"), QStringLiteral("mod:src/app/service.py"),
        QStringLiteral("--json")});
    QCOMPARE(why.exitCode, 0);
    QCOMPARE(why.json().value(u"direction").toString(), QStringLiteral("reverse"));
    QCOMPARE(why.json().value(u"from").toString(), QStringLiteral("mod:src/app/service.py"));
    why = mu({QStringLiteral("why"), QStringLiteral("fn:cyc/c.py:tail"), QStringLiteral("mod:src/app/util.py")});
    QCOMPARE(why.exitCode, 1);
    QVERIFY2(why.err.contains("do not depend on each other"), why.err.constData());
}

void TestGraphCli::textOutputReadsWell()
{
    const Run impact = mu({QStringLiteral("impact"), QStringLiteral("fn:cyc/a.py:ping")});
    QCOMPARE(impact.exitCode, 0);
    const QString text = QString::fromUtf8(impact.out);
    QVERIFY2(text.startsWith(u"fn:cyc/a.py:ping  function"), qPrintable(text));
    QVERIFY2(text.contains(u"  ← calls  fn:cyc/b.py:pong  cyc/b.py:5"), qPrintable(text));
    QVERIFY(!text.contains(u"\x1b[")); // no colours off a TTY
    QVERIFY2(text.contains(u"nodes may be affected"), qPrintable(text));

    const Run cycles = mu({QStringLiteral("cycles"), QStringLiteral("--edge-types"), QStringLiteral("calls")});
    QCOMPARE(cycles.exitCode, 0);
    QVERIFY2(cycles.out.contains("fn:cyc/a.py:ping -calls-> fn:cyc/b.py:pong -calls-> fn:cyc/a.py:ping"),
        cycles.out.constData());

    const Run path = mu({QStringLiteral("path"), QStringLiteral("mod:cyc/a.py"), QStringLiteral("mod:cyc/c.py")});
    QCOMPARE(path.exitCode, 0);
    QVERIFY2(path.out.contains("  mod:cyc/a.py  cyc/a.py:1\n    → imports  mod:cyc/b.py  cyc/b.py:1\n"
                               "    → imports  mod:cyc/c.py  cyc/c.py:1\n2 hops"),
        path.out.constData());
}

QTEST_GUILESS_MAIN(TestGraphCli)
#include "tst_graph_cli.moc"
