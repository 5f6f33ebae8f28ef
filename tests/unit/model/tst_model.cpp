// Value types of core/model: ids, module names, and the per-file reference encoding.
#include "model/nodeid.h"
#include "model/reference.h"

#include <QJsonArray>
#include <QTest>

using namespace mu;

class TestModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ids();
    void moduleQualifiedName_data();
    void moduleQualifiedName();
    void referencesRoundTrip();
    void corruptReferencesAreRejected();
};

void TestModel::ids()
{
    QCOMPARE(nodeid::module(u"src/a.py"), QStringLiteral("mod:src/a.py"));
    QCOMPARE(nodeid::cls(u"src/a.py", u"Outer.Inner"), QStringLiteral("cls:src/a.py:Outer.Inner"));
    QCOMPARE(nodeid::function(u"src/a.py", u"C.m"), QStringLiteral("fn:src/a.py:C.m"));
    QCOMPARE(nodeid::withOverload(QStringLiteral("fn:a.ts:f"), 1), QStringLiteral("fn:a.ts:f"));
    QCOMPARE(nodeid::withOverload(QStringLiteral("fn:a.ts:f"), 3), QStringLiteral("fn:a.ts:f~3"));
    QCOMPARE(nodeid::filePathOf(u"fn:src/a.py:C.m"), QStringLiteral("src/a.py"));
    QCOMPARE(nodeid::filePathOf(u"mod:src/a.py"), QStringLiteral("src/a.py"));
    QCOMPARE(nodeid::filePathOf(u"ext:numpy"), QString());
}

void TestModel::moduleQualifiedName_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("expected");
    QTest::newRow("src layout") << "src/auth/service.py"
                                << "auth.service";
    QTest::newRow("package") << "pkg/__init__.py"
                             << "pkg";
    QTest::newRow("lib layout") << "lib/util.js"
                                << "util";
    QTest::newRow("index") << "web/components/index.tsx"
                           << "web.components";
    QTest::newRow("declaration file") << "types/node.d.ts"
                                      << "types.node";
    QTest::newRow("top level") << "setup.py"
                               << "setup";
}

void TestModel::moduleQualifiedName()
{
    QFETCH(QString, path);
    QFETCH(QString, expected);
    QCOMPARE(nodeid::moduleQualifiedName(path), expected);
}

void TestModel::referencesRoundTrip()
{
    Reference import;
    import.kind = Reference::Kind::Import;
    import.sourceId = QStringLiteral("mod:a.py");
    import.target = QStringLiteral("pkg.mod");
    import.line = 3;
    import.details = {{QStringLiteral("level"), 2},
        { QStringLiteral("names"),
            QJsonArray {
                QJsonObject {
                    { QStringLiteral("name"),
                        QStringLiteral("x") }
                }
            } }};
    Reference call;
    call.kind = Reference::Kind::Call;
    call.sourceId = QStringLiteral("fn:a.py:C.m");
    call.target = QStringLiteral("save");
    call.receiver = QStringLiteral("user");
    call.receiverType = QStringLiteral("User");
    call.line = 10;
    call.column = 8;
    const QList<Reference> references = {import, call, Reference {}};
    const auto decoded = decodeReferences(encodeReferences(references));
    QVERIFY(decoded);
    QCOMPARE(*decoded, references);
    QCOMPARE(decodeReferences(encodeReferences({}))->size(), 0);
}

void TestModel::corruptReferencesAreRejected()
{
    QByteArray data = encodeReferences(
        {Reference {Reference::Kind::Use, QStringLiteral("fn:a.py:f"), QStringLiteral("User"), {}, {}, 1, 2, {}}});
    QVERIFY(!decodeReferences(data.left(data.size() / 2)));
    QVERIFY(!decodeReferences(QByteArray("\x07garbage", 8)));
    QVERIFY(!decodeReferences(QByteArray()));
}

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
