// ModuleSymbols: local names from ids, language families, namespaces derived from qualified names.
#include "resolve/symboltable.h"

#include <QTest>

using namespace mu;
using namespace mu::resolve;

class TestSymbolTable : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void localNames_data();
    void localNames();
    void families();
    void namespacesFromQualifiedNames();
};

void TestSymbolTable::localNames_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("local");
    QTest::newRow("function") << "fn:a/b.py:f"
                              << "f";
    QTest::newRow("method overload") << "fn:a/b.py:C.m~2"
                                     << "C.m";
    QTest::newRow("class") << "cls:a/b.ts:Outer.Inner"
                           << "Outer.Inner";
    QTest::newRow("destructor") << "fn:w.h:Widget.~Widget"
                                << "Widget.~Widget";
    QTest::newRow("destructor overload") << "fn:w.h:Widget.~Widget~2"
                                         << "Widget.~Widget";
    QTest::newRow("operator~") << "fn:v.h:Bits.operator~"
                               << "Bits.operator~";
    QTest::newRow("operator~ overload") << "fn:v.h:Bits.operator~~3"
                                        << "Bits.operator~";
}

void TestSymbolTable::localNames()
{
    QFETCH(QString, id);
    QFETCH(QString, local);
    QCOMPARE(localNameOf(id), local);
}

void TestSymbolTable::families()
{
    QCOMPARE(languageFamilyOf(u"a/b.py"), LanguageFamily::Python);
    QCOMPARE(languageFamilyOf(u"a/b.d.ts"), LanguageFamily::EcmaScript);
    QCOMPARE(languageFamilyOf(u"x.go"), LanguageFamily::Go);
    QCOMPARE(languageFamilyOf(u"src/lib.rs"), LanguageFamily::Rust);
    QCOMPARE(languageFamilyOf(u"A.java"), LanguageFamily::Java);
    QCOMPARE(languageFamilyOf(u"A.cs"), LanguageFamily::CSharp);
    QCOMPARE(languageFamilyOf(u"a.H"), LanguageFamily::CFamily);
    QCOMPARE(languageFamilyOf(u"a.hpp"), LanguageFamily::CFamily);
    QCOMPARE(languageFamilyOf(u"Makefile"), LanguageFamily::Other);
}

void TestSymbolTable::namespacesFromQualifiedNames()
{
    auto node = [](const char* id, NodeType type, const char* qualified) {
        Node n;
        n.id = QString::fromUtf8(id);
        n.type = type;
        n.qualifiedName = QString::fromUtf8(qualified);
        return n;
    };
    // C#: the namespace is what precedes the local name in the qualified name.
    const ModuleSymbols cs = ModuleSymbols::from(QStringLiteral("src/W.cs"),
        {node("mod:src/W.cs", NodeType::Module, "src.W"),
            node("cls:src/W.cs:Widget", NodeType::Class, "Acme.Ui.Widget"),
            node("fn:src/W.cs:Widget.Draw", NodeType::Function, "Acme.Ui.Widget.Draw"),
            node("cls:src/W.cs:Helper", NodeType::Class, "Acme.Util.Helper")},
        {});
    QCOMPARE(cs.namespaces, (QStringList {"Acme.Ui", "Acme.Util"}));
    QCOMPARE(cs.definitions.value(QStringLiteral("Widget.Draw")).qualifiedName, QStringLiteral("Acme.Ui.Widget.Draw"));
    // C: qualified by the module's dotted path, which is not a namespace.
    const ModuleSymbols c = ModuleSymbols::from(QStringLiteral("src/list.c"),
        {node("mod:src/list.c", NodeType::Module, "list"), node("fn:src/list.c:push", NodeType::Function, "list.push")},
        {});
    QVERIFY(c.namespaces.isEmpty());
    // Python never has namespaces, whatever its qualified names look like.
    const ModuleSymbols py = ModuleSymbols::from(QStringLiteral("a/b.py"),
        {node("mod:a/b.py", NodeType::Module, "a.b"), node("fn:a/b.py:f", NodeType::Function, "x.y.f")}, {});
    QVERIFY(py.namespaces.isEmpty());
}

QTEST_GUILESS_MAIN(TestSymbolTable)
#include "tst_symboltable.moc"
