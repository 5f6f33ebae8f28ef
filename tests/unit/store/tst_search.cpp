#include "storetestutil.h"

#include "store/storereader.h"
#include "store/storewriter.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace mu;
using namespace mu::store;
using namespace mu::storetest;

namespace {

QStringList hitIds(const QList<SearchHit>& hits)
{
    QStringList ids;
    for (const SearchHit& hit : hits)
        ids.append(hit.node.id);
    return ids;
}

const QString kPath = QStringLiteral("src/auth/service.py");

QString fn(const QString& name)
{
    return nodeid::function(kPath, name);
}

} // namespace

class TestSearch : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString path = m_dir.filePath(QStringLiteral(".mu/mubase"));
        auto writer = StoreWriter::open(path);
        QVERIFY(writer);
        m_writer = std::move(*writer);

        FileIndex file = makeFile(kPath,
            {QStringLiteral("auth_service"), QStringLiteral("login"), QStringLiteral("helper"),
                QStringLiteral("unrelated")});
        file.nodes[3].docstring = QStringLiteral("Calls login, then login again if the first login failed.");
        const QString moduleName = nodeid::moduleQualifiedName(kPath);
        Node cls = makeNode(NodeType::Class, nodeid::cls(kPath, QStringLiteral("AuthService")),
            QStringLiteral("AuthService"), moduleName + QStringLiteral(".AuthService"), kPath, 50);
        cls.docstring = QStringLiteral("Authenticates users.");
        file.nodes.append(cls);
        QVERIFY(m_writer->replaceFiles({file, makeFile(QStringLiteral("other/loginForm.py"), {})}));

        auto reader = StoreReader::open(path);
        QVERIFY(reader);
        m_reader = std::move(*reader);
    }

    void exactNameBeatsDocstringMention()
    {
        auto hits = m_reader->search(QStringLiteral("login"), std::nullopt, 10);
        QVERIFY2(hits, qPrintable(hits ? QString() : hits.error().message));
        QVERIFY(hits->size() >= 2);
        QCOMPARE(hits->constFirst().node.id, fn(QStringLiteral("login")));
        QVERIFY(hitIds(*hits).contains(fn(QStringLiteral("helper"))));
        QVERIFY(hitIds(*hits).indexOf(fn(QStringLiteral("helper"))) > 0);
        // Scores are -bm25: positive and descending.
        for (qsizetype i = 0; i < hits->size(); ++i) {
            QVERIFY(hits->at(i).score > 0);
            if (i > 0)
                QVERIFY(hits->at(i - 1).score >= hits->at(i).score);
        }
    }

    void camelAndSnakeCaseSplit()
    {
        auto hits = m_reader->search(QStringLiteral("auth"), std::nullopt, 10);
        QVERIFY(hits);
        const QStringList ids = hitIds(*hits);
        QVERIFY2(ids.contains(nodeid::cls(kPath, QStringLiteral("AuthService"))), qPrintable(ids.join(u' ')));
        QVERIFY2(ids.contains(fn(QStringLiteral("auth_service"))), qPrintable(ids.join(u' ')));

        hits = m_reader->search(QStringLiteral("service"), std::nullopt, 10);
        QVERIFY(hits);
        QVERIFY(hitIds(*hits).contains(nodeid::cls(kPath, QStringLiteral("AuthService"))));
        QVERIFY(hitIds(*hits).contains(fn(QStringLiteral("auth_service"))));

        // The user's own compound words are split too, and the exact compound ranks first.
        hits = m_reader->search(QStringLiteral("AuthService"), std::nullopt, 10);
        QVERIFY(hits);
        QCOMPARE(hits->constFirst().node.id, nodeid::cls(kPath, QStringLiteral("AuthService")));
        QVERIFY(hitIds(*hits).contains(fn(QStringLiteral("auth_service"))));

        // File names are searchable, camelCase included.
        hits = m_reader->search(QStringLiteral("form"), NodeType::Module, 10);
        QVERIFY(hits);
        QCOMPARE(hitIds(*hits), QStringList {nodeid::module(QStringLiteral("other/loginForm.py"))});
    }

    void typeFilter()
    {
        auto hits = m_reader->search(QStringLiteral("auth"), NodeType::Class, 10);
        QVERIFY(hits);
        QCOMPARE(hitIds(*hits), QStringList {nodeid::cls(kPath, QStringLiteral("AuthService"))});
        hits = m_reader->search(QStringLiteral("auth"), NodeType::External, 10);
        QVERIFY(hits);
        QVERIFY(hits->isEmpty());
        hits = m_reader->search(QStringLiteral("auth"), NodeType::Function, 10);
        QVERIFY(hits);
        for (const SearchHit& hit : *hits)
            QCOMPARE(toString(hit.node.type), toString(NodeType::Function));
    }

    void limit()
    {
        auto hits = m_reader->search(QStringLiteral("auth login helper"), std::nullopt, 2);
        QVERIFY(hits);
        QCOMPARE(hits->size(), 2);
    }

    void hostileInputDoesNotError_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("near") << QStringLiteral("\"a\" OR NEAR(");
        QTest::newRow("star") << QStringLiteral("*");
        QTest::newRow("quote") << QStringLiteral("\"");
        QTest::newRow("not") << QStringLiteral("NOT");
        QTest::newRow("and") << QStringLiteral("login AND");
        QTest::newRow("caret") << QStringLiteral("^login");
        QTest::newRow("column filter") << QStringLiteral("name:login");
        QTest::newRow("braces") << QStringLiteral("{name docstring}: login");
        QTest::newRow("minus") << QStringLiteral("-login");
        QTest::newRow("parens") << QStringLiteral("((()))");
        QTest::newRow("sql") << QStringLiteral("'; DROP TABLE nodes; --");
        QTest::newRow("empty") << QString();
        QTest::newRow("unicode") << QStringLiteral("naïve 日本語 ✓");
        QTest::newRow("long") << QStringLiteral("word ").repeated(500);
    }

    void hostileInputDoesNotError()
    {
        QFETCH(QString, text);
        auto hits = m_reader->search(text, std::nullopt, 10);
        QVERIFY2(hits, qPrintable(hits ? QString() : hits.error().message));
        QVERIFY(m_reader->nodesInFile(kPath)->size() == 6); // nothing was dropped
    }

    void operatorsAreWords()
    {
        // "NEAR" and "OR" are searched as words, not operators: `login OR x` still finds login.
        auto hits = m_reader->search(QStringLiteral("\"login\" OR NEAR("), std::nullopt, 10);
        QVERIFY(hits);
        QCOMPARE(hits->constFirst().node.id, fn(QStringLiteral("login")));
        QVERIFY(m_reader->search(QStringLiteral("*"), std::nullopt, 10)->isEmpty());
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<StoreWriter> m_writer;
    std::unique_ptr<StoreReader> m_reader;
};

QTEST_GUILESS_MAIN(TestSearch)
#include "tst_search.moc"
