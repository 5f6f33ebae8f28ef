// Accuracy of MU's definitions against an independent oracle, Universal Ctags (docs/ACCURACY.md).
//
// CI mode (ciSubset, one row per language): a fixed, sorted subset of a real corpus (the CPython
// standard library, the Go and Rust standard libraries, OpenJDK's java.base, a Linux subtree, Qt 6
// headers) is parsed by MU and by ctags; per file, MU's classes and functions are matched with
// ctags' tags by (name, category, line), and recall and precision per category must reach the
// row's threshold. A row skips when its corpus is absent, unless MU_REQUIRE_CORPORA is set
// (scripts/test.sh sets it, so CI cannot pass by skipping).
//
// Measurement mode (report only, no thresholds): MU_ACCURACY_DIR=<dir> MU_ACCURACY_LANGUAGE=<id>
// (any id of languageSetups()) runs the same comparison over every file of that language under
// <dir>; it produces the full-corpus figures of docs/ACCURACY.md. MU_ACCURACY_VERBOSE=1 lists the
// first 200 differences of each side (MU_ACCURACY_VERBOSE=<n>: the first n).
//
// Matching rules (each justified in docs/ACCURACY.md):
// - Category: MU NodeType::Class is "class-like", NodeType::Function is "function-like" (all MU
//   kinds, including "lambda"); ctags kinds map to a category per language (LanguageSetup::kinds),
//   refined per tag by classifyTag().
// - A ctags tag matches an unmatched MU definition of the same name and category whose line range
//   [lineStart, lineEnd] contains the tag's line (MU's range starts at the first decorator or
//   attribute, ctags' line is the line of the name). Among several candidates the innermost
//   (latest start) wins. Names are compared without whitespace (normalizedName()).
// - Exclusions, applied to one side only and counted separately: ctags tags by classifyTag(), MU
//   definitions ctags cannot see by nodesCtagsCannotSee().
#include "parse/fileparser.h"
#include "parse/languageregistry.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <vector>

using namespace mu;

namespace {

enum class Category {
    ClassLike,
    FunctionLike,
    Other ///< not compared: not a definition MU models as a node
};

QString categoryName(Category category)
{
    return category == Category::ClassLike ? QStringLiteral("class-like") : QStringLiteral("function-like");
}

/// How one language is compared: which MU language parses it and which ctags kinds are its
/// definitions. The per-kind choices are explained in docs/ACCURACY.md.
struct LanguageSetup {
    QString muLanguage;             ///< mu::parse language id
    QString ctagsLanguage;          ///< ctags --language-force value
    QString ctagsKinds;             ///< ctags --kinds-<lang> letters
    QHash<QString, Category> kinds; ///< ctags kind name → category, before classifyTag()'s rules
    /// Whether ctags tags declarations inside function bodies. Its Go, Java and C# parsers skip
    /// bodies: local types, local and anonymous classes and their methods, local functions are
    /// never tagged, so MU's definitions there are excluded (nodesCtagsCannotSee()) rather than
    /// counted as unconfirmed.
    bool ctagsReadsBodies = true;
};

const std::vector<LanguageSetup>& languageSetups()
{
    constexpr Category C = Category::ClassLike;
    constexpr Category F = Category::FunctionLike;
    auto kinds = [](std::initializer_list<std::pair<const char*, Category>> list) {
        QHash<QString, Category> map;
        for (const auto& [name, category] : list)
            map.insert(QString::fromLatin1(name), category);
        return map;
    };
    static const std::vector<LanguageSetup> setups {
        // c class; f function, m member (a def directly in a class body).
        {QStringLiteral("python"), QStringLiteral("Python"), QStringLiteral("cfm"),
            kinds({{"class", C}, {"function", F}, {"member", F}})},
        // c class, i interface, g enum, a alias, n namespace; f function, m method, G generator.
        {QStringLiteral("typescript"), QStringLiteral("TypeScript"), QStringLiteral("cigafmnG"),
            kinds({{"class", C}, {"interface", C}, {"enum", C}, {"alias", C}, {"namespace", C}, {"function", F},
                {"method", F}, {"generator", F}})},
        // c class; f function, m method, g generator, G getter, S setter.
        {QStringLiteral("javascript"), QStringLiteral("JavaScript"), QStringLiteral("cfmgGS"),
            kinds({{"class", C}, {"function", F}, {"method", F}, {"generator", F}, {"getter", F}, {"setter", F}})},
        // s struct, i interface, t type (any other named type: `type D int`, `type F func()`, and
        // generic structs, which ctags 5.9 does not parse); f func (methods too, scoped by
        // receiver), n methodSpec (a method of an interface). Not compared: a talias (`type A = B`
        // names an existing type), m/M struct members, v/c variables and constants.
        {QStringLiteral("go"), QStringLiteral("Go"), QStringLiteral("sitfn"),
            kinds({{"struct", C}, {"interface", C}, {"type", C}, {"func", F}, {"methodSpec", F}}), false},
        // s struct, g enum, i interface (trait), n module (inline `mod m { }`; see classifyTag);
        // f function, P method, M macro (macro_rules!). Not compared: c implementation (MU attaches
        // an impl's methods to its type instead of making a node), t typedef (a type alias).
        {QStringLiteral("rust"), QStringLiteral("Rust"), QStringLiteral("sgifPMn"),
            kinds({{"struct", C}, {"enum", C}, {"interface", C}, {"module", C}, {"function", F}, {"method", F},
                {"macro", F}})},
        // a annotation, c class, g enum, i interface; m method (constructors too).
        {QStringLiteral("java"), QStringLiteral("Java"), QStringLiteral("acgim"),
            kinds({{"annotation", C}, {"class", C}, {"enum", C}, {"interface", C}, {"method", F}}), false},
        // c class, s struct, i interface, g enum; m method (constructors, destructors, operators),
        // p property. Not compared: n namespace (not a node in MU), E event, f field.
        {QStringLiteral("csharp"), QStringLiteral("C#"), QStringLiteral("csigmp"),
            kinds({{"class", C}, {"struct", C}, {"interface", C}, {"enum", C}, {"method", F}, {"property", F}}), false},
        // s struct, u union, g enum, t typedef (of an anonymous type only); f function, d macro (with
        // parameters only). Prototypes (p) are declarations, not definitions: not requested.
        {QStringLiteral("c"), QStringLiteral("C"), QStringLiteral("sugtfd"),
            kinds({{"struct", C}, {"union", C}, {"enum", C}, {"typedef", C}, {"function", F}, {"macro", F}})},
        // As C, plus c class and p prototype (member prototypes only: MU models methods declared in
        // a class body). Not compared: n namespace (not a node in MU).
        {QStringLiteral("cpp"), QStringLiteral("C++"), QStringLiteral("csugtfpd"),
            kinds({{"class", C}, {"struct", C}, {"union", C}, {"enum", C}, {"typedef", C}, {"function", F},
                {"prototype", F}, {"macro", F}})},
    };
    return setups;
}

const LanguageSetup* setupFor(QStringView language)
{
    for (const LanguageSetup& setup : languageSetups()) {
        if (setup.muLanguage == language)
            return &setup;
    }
    return nullptr;
}

/// The MU language a file of the corpus is parsed with, or null when it is not part of the run.
/// Normally the registry's choice by extension (".h" is C). A C++ run takes ".h" and extensionless
/// files as C++ too: C++ libraries such as Qt ship both (`qstring.h`, `QString`), and the indexer
/// makes the same decision for a header in a C++ project.
const parse::Language* languageFor(const QString& path, const LanguageSetup& setup)
{
    const parse::LanguageRegistry& registry = parse::LanguageRegistry::builtin();
    const parse::Language* language = registry.forPath(path);
    if (language && language->id == setup.muLanguage)
        return language;
    if (setup.muLanguage == u"cpp") {
        const QString fileName = QFileInfo(path).fileName();
        if (!fileName.contains(u'.') || fileName.endsWith(QStringLiteral(".h"), Qt::CaseInsensitive))
            return registry.byId(setup.muLanguage);
    }
    return nullptr;
}

struct SourceFile {
    QString path;
    const parse::Language* language = nullptr;
};

/// Every file of the setup's language under root, recursively.
void collectFiles(const QString& root, const LanguageSetup& setup, std::vector<SourceFile>& files)
{
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        // The go tool ignores testdata directories: they are not package source, and hold
        // deliberately malformed inputs for the standard library's own tests.
        if (setup.muLanguage == u"go" && path.contains(QStringLiteral("/testdata/")))
            continue;
        if (const parse::Language* language = languageFor(path, setup))
            files.push_back({path, language});
    }
}

/// How one ctags tag takes part in the comparison.
struct Classification {
    Category category = Category::Other;
    QString kind;     ///< label for the per-kind figures
    QString excluded; ///< non-empty: a definition MU leaves out by design; counted, not compared
};

/// Applies the per-language rules to one ctags tag. Each rule is one-sided and documented in
/// docs/ACCURACY.md; tags of category Other are neither compared nor counted.
Classification classifyTag(const LanguageSetup& setup, const QJsonObject& tag)
{
    const QString kind = tag.value(QStringLiteral("kind")).toString();
    Classification result {setup.kinds.value(kind, Category::Other), kind, {}};
    if (result.category == Category::Other)
        return result;
    const QString& language = setup.muLanguage;
    const QString name = tag.value(QStringLiteral("name")).toString();
    const QString scopeKind = tag.value(QStringLiteral("scopeKind")).toString();
    const QString pattern = tag.value(QStringLiteral("pattern")).toString();

    if (language == u"python") {
        // MU names a `name = lambda …` only at module and class level (pythonextractor.cpp,
        // onAssignment: a lambda assigned inside a function is a local value, not an API entity,
        // and its body counts toward the enclosing function's complexity). ctags tags it at every
        // level. A scope of kind function/member means the assignment is inside a function. Tuple
        // targets (`f1, f2 = lambda: 1, lambda: 2`) are the same case: ctags tags each name.
        static const QRegularExpression lambdaAssignment(
            QStringLiteral(R"(^/\^\s*[\w.]+(\s*,\s*[\w.]+)*\s*(:[^=]*)?=\s*lambda\b)"));
        if ((scopeKind == u"function" || scopeKind == u"member") && lambdaAssignment.match(pattern).hasMatch())
            result.excluded = QStringLiteral("lambda assigned inside a function");
    } else if (language == u"go") {
        // `type A = struct{ … }` is an alias of a type literal; ctags tags it by the literal's kind
        // (struct, interface) instead of talias. Aliases are not nodes.
        static const QRegularExpression alias(QStringLiteral(R"(^/\^\s*(type\s+)?\w+\s*=)"));
        if (alias.match(pattern).hasMatch())
            result.excluded = QStringLiteral("type alias");
    } else if (language == u"rust") {
        // `mod foo;` declares that the module's body is another file; MU records it as an import
        // of that file, which is the module. Only an inline `mod foo { … }` is a namespace node.
        static const QRegularExpression moduleDeclaration(QStringLiteral(R"(\bmod\s+\w+\s*;)"));
        if (kind == u"module" && moduleDeclaration.match(pattern).hasMatch())
            result.excluded = QStringLiteral("module declared without a body (mod m;)");
    } else if (language == u"c" || language == u"cpp") {
        // ctags names anonymous structs, unions and enums `__anon` + a hex hash; MU has no name for
        // them and makes no node (a typedef names one; see below). Exactly that form: the kernel
        // has real functions named `__anon_inode_getfile`.
        static const QRegularExpression anonymous(QStringLiteral(R"(^__anon[0-9a-f]+$)"));
        // A macro invocation in statement position, which ctags reads as a function or prototype
        // named after the macro: `Q_DECLARE_FLAGS(Options, Option)`, `Q_DISABLE_COPY(X)` in a
        // class body, `Q_DECLARE_SHARED(QUrl)` at file scope, the kernel's
        // `SYSCALL_DEFINE3(open, …) { … }` (which defines `sys_open`: neither tool knows that
        // name). The shape is exact: ctags found no return type (no `typeref`; a kernel-style
        // definition with its return type on the line before has one), which only a constructor
        // may omit; the tag's line starts with its ALL_CAPS name and `(`; and the scope is not a
        // class of that name (a constructor of an ALL_CAPS class).
        static const QRegularExpression macroName(QStringLiteral(R"(^[A-Z][A-Z0-9_]+$)"));
        const auto isMacroInvocation = [&] {
            if ((kind != u"function" && kind != u"prototype") || tag.contains(QStringLiteral("typeref"))
                || !macroName.match(name).hasMatch())
                return false;
            const QString scope = tag.value(QStringLiteral("scope")).toString();
            if (scope == name || scope.endsWith(QStringLiteral("::") + name))
                return false;
            const QRegularExpression invocation(
                QStringLiteral(R"(^/\^\s*)") + QRegularExpression::escape(name) + QStringLiteral(R"(\s*\()"));
            return invocation.match(pattern).hasMatch();
        };
        if (anonymous.match(name).hasMatch()) {
            result.excluded = QStringLiteral("anonymous (ctags names it __anon…)");
        } else if (isMacroInvocation()) {
            result.excluded = QStringLiteral("macro invocation (no return type; ctags reads a function)");
        } else if (kind == u"typedef") {
            // `typedef struct { … } name_t;` is MU's class node `name_t`; ctags tags the anonymous
            // struct and a typedef whose typeref points at it (`struct:__anon1a2b PACKED` when
            // attributes follow the brace). Any other typedef is an alias.
            static const QRegularExpression ofAnonymousType(
                QStringLiteral(R"(^(struct|union|enum|class):__anon[0-9a-f]+\b)"));
            if (!ofAnonymousType.match(tag.value(QStringLiteral("typeref")).toString()).hasMatch())
                result.category = Category::Other;
        } else if (kind == u"macro") {
            // Only function-like macros (`#define F(x) …`) are function nodes; ctags gives them a
            // signature, object-like macros (`#define N 1`) have none.
            if (!tag.contains(QStringLiteral("signature")))
                result.category = Category::Other;
        } else if (kind == u"prototype") {
            // A method declared in a class body is a node in MU (declaration=true); a free
            // prototype declares a function defined elsewhere and is not.
            if (scopeKind != u"class" && scopeKind != u"struct" && scopeKind != u"union")
                result.excluded = QStringLiteral("free function prototype");
        }
    }
    return result;
}

/// Names are compared without whitespace: ctags writes `operator +`, MU `operator+`.
QString normalizedName(QString name)
{
    name.removeIf([](QChar c) { return c.isSpace(); });
    return name;
}

struct Def {
    QString name;
    Category category = Category::Other;
    QString kind; ///< MU kind or ctags kind, for the per-kind figures
    int line = 0;
    int lineEnd = 0;
    QString detail; ///< ctags pattern or MU signature, for mismatch reports
    bool matched = false;
};

struct FileDefs {
    std::vector<Def> mu;
    std::vector<Def> ctags;
};

struct Score {
    qint64 total = 0;
    qint64 matched = 0;
    double ratio() const { return total == 0 ? 1.0 : double(matched) / double(total); }
};

struct Report {
    int files = 0;
    int skippedFiles = 0;
    int partialFiles = 0;
    QMap<QString, Score> recallByCategory;    ///< over ctags tags
    QMap<QString, Score> precisionByCategory; ///< over MU definitions
    QMap<QString, Score> recallByKind;        ///< ctags kind
    QMap<QString, Score> precisionByKind;     ///< MU kind
    QMap<QString, int> excluded;
    QStringList missing;  ///< ctags tags MU lacks
    QStringList spurious; ///< MU definitions ctags lacks
};

/// Matches one file's definitions and adds to the report.
void compareFile(const QString& path, FileDefs& defs, Report& report)
{
    for (Def& tag : defs.ctags) {
        Def* best = nullptr;
        for (Def& candidate : defs.mu) {
            if (candidate.matched || candidate.category != tag.category || candidate.name != tag.name)
                continue;
            if (tag.line < candidate.line || tag.line > candidate.lineEnd)
                continue;
            if (!best || candidate.line > best->line)
                best = &candidate;
        }
        if (best) {
            best->matched = true;
            tag.matched = true;
        }
    }
    for (const Def& tag : defs.ctags) {
        report.recallByCategory[categoryName(tag.category)].total++;
        report.recallByKind[tag.kind].total++;
        if (tag.matched) {
            report.recallByCategory[categoryName(tag.category)].matched++;
            report.recallByKind[tag.kind].matched++;
        } else {
            report.missing.append(QStringLiteral("%1:%2 %3 %4 (%5)  %6")
                                      .arg(path)
                                      .arg(tag.line)
                                      .arg(tag.kind, tag.name, categoryName(tag.category), tag.detail));
        }
    }
    for (const Def& def : defs.mu) {
        report.precisionByCategory[categoryName(def.category)].total++;
        report.precisionByKind[def.kind].total++;
        if (def.matched) {
            report.precisionByCategory[categoryName(def.category)].matched++;
            report.precisionByKind[def.kind].matched++;
        } else {
            report.spurious.append(QStringLiteral("%1:%2-%3 %4 %5  %6")
                                       .arg(path)
                                       .arg(def.line)
                                       .arg(def.lineEnd)
                                       .arg(def.kind, def.name, def.detail));
        }
    }
}

/// The MU kind for the per-kind figures; C/C++ macros and declared-only methods are kept apart
/// from ordinary functions because they are compared with different ctags kinds.
QString muKindLabel(const Node& node)
{
    if (node.properties.value(QStringLiteral("macro")).toBool())
        return node.kind + QStringLiteral(" (macro)");
    if (node.properties.value(QStringLiteral("declaration")).toBool())
        return node.kind + QStringLiteral(" (declaration)");
    return node.kind;
}

/// Whether a node is an anonymous class body: Java `new T() { … }` (properties.anonymous) or an
/// enum constant's body `A { … }` (properties.enum_constant), an anonymous class by the JLS too.
bool isAnonymousBody(const Node& node)
{
    return node.type == NodeType::Class
        && (node.properties.value(QStringLiteral("anonymous")).toBool()
            || node.properties.value(QStringLiteral("enum_constant")).toBool());
}

/// For a language whose ctags parser skips bodies (LanguageSetup::ctagsReadsBodies): the MU nodes
/// ctags cannot see, with the reason. Those are anonymous class bodies (isAnonymousBody(); ctags
/// tags none, wherever they are) and everything declared, at any depth, inside a function body or
/// an anonymous class body. Containment comes from the file's contains edges.
QHash<QString, QString> nodesCtagsCannotSee(const FileIndex& index)
{
    QHash<QString, QString> parentOf;
    for (const Edge& edge : index.edges) {
        if (edge.type == EdgeType::Contains)
            parentOf.insert(edge.targetId, edge.sourceId);
    }
    QSet<QString> opaque; ///< the nodes whose bodies ctags skips
    for (const Node& node : index.nodes) {
        if (node.type == NodeType::Function || isAnonymousBody(node))
            opaque.insert(node.id);
    }
    QHash<QString, QString> unseen;
    for (const Node& node : index.nodes) {
        if (isAnonymousBody(node)) {
            unseen.insert(node.id, QStringLiteral("anonymous class body"));
            continue;
        }
        // Bounded by the node count, so that a malformed (cyclic) containment cannot hang the test.
        QString parent = parentOf.value(node.id);
        for (qsizetype steps = 0; !parent.isEmpty() && steps < index.nodes.size(); ++steps) {
            if (opaque.contains(parent)) {
                unseen.insert(node.id, QStringLiteral("inside a function or anonymous class body"));
                break;
            }
            parent = parentOf.value(parent);
        }
    }
    return unseen;
}

/// Runs ctags and MU over files (sorted) and compares them; paths in the report are relative to
/// root. Fails the current test on a ctags error.
void compare(const LanguageSetup& setup, const QString& root, const std::vector<SourceFile>& files, Report& report)
{
    const QString ctags = QStandardPaths::findExecutable(QStringLiteral("ctags"));
    QVERIFY(!ctags.isEmpty());

    // One ctags process for every file, names on stdin (-L -), output in input order. The language
    // is forced because the file list is MU's choice (a C++ run includes ".h" and extensionless
    // headers, which ctags' own extension map would give to C++ or to nobody).
    QProcess process;
    process.setProgram(ctags);
    process.setArguments({QStringLiteral("--output-format=json"), QStringLiteral("--fields=+nKseSt"),
        QStringLiteral("--sort=no"), QStringLiteral("--language-force=") + setup.ctagsLanguage,
        QStringLiteral("--kinds-%1=%2").arg(setup.ctagsLanguage, setup.ctagsKinds), QStringLiteral("-f"),
        QStringLiteral("-"), QStringLiteral("-L"), QStringLiteral("-")});
    process.start();
    QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
    QByteArray names;
    for (const SourceFile& file : files)
        names += file.path.toUtf8() + '\n';
    process.write(names);
    process.closeWriteChannel();
    QVERIFY2(process.waitForFinished(600000), "ctags did not finish");
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());

    QHash<QString, FileDefs> byFile;
    const QList<QByteArray> lines = process.readAllStandardOutput().split('\n');
    for (const QByteArray& line : lines) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonObject tag = QJsonDocument::fromJson(line).object();
        if (tag.value(QStringLiteral("_type")).toString() != u"tag")
            continue;
        const Classification classification = classifyTag(setup, tag);
        if (classification.category == Category::Other)
            continue;
        if (!classification.excluded.isEmpty()) {
            report.excluded[QStringLiteral("ctags ") + classification.kind + QStringLiteral(": ")
                + classification.excluded]++;
            continue;
        }
        Def def;
        def.name = normalizedName(tag.value(QStringLiteral("name")).toString());
        // ctags names a C# explicit interface implementation `IDisposable.Dispose`; MU names the
        // member `Dispose` (the interface is part of its signature), as C# itself does.
        if (setup.muLanguage == u"csharp" && classification.category == Category::FunctionLike)
            def.name = def.name.section(u'.', -1);
        def.category = classification.category;
        def.kind = classification.kind;
        def.line = tag.value(QStringLiteral("line")).toInt();
        def.lineEnd = tag.value(QStringLiteral("end")).toInt(def.line);
        def.detail = tag.value(QStringLiteral("pattern")).toString();
        byFile[tag.value(QStringLiteral("path")).toString()].ctags.push_back(def);
    }

    const QDir rootDir(root);
    parse::FileParser parser;
    for (const SourceFile& source : files) {
        QFile file(source.path);
        const QString relPath = rootDir.relativeFilePath(source.path);
        if (!file.open(QIODevice::ReadOnly)) {
            qInfo("skipped %s: %s", qPrintable(relPath), qPrintable(file.errorString()));
            report.skippedFiles++;
            continue;
        }
        const FileIndex index = parser.parse(relPath, file.readAll(), *source.language);
        if (index.status == ParseStatus::Skipped || index.status == ParseStatus::Failed) {
            qInfo("skipped %s: %s", qPrintable(relPath), qPrintable(index.error));
            report.skippedFiles++;
            continue;
        }
        if (index.status == ParseStatus::Partial)
            report.partialFiles++;
        FileDefs& defs = byFile[source.path];
        const QHash<QString, QString> unseen
            = setup.ctagsReadsBodies ? QHash<QString, QString>() : nodesCtagsCannotSee(index);
        for (const Node& node : index.nodes) {
            if (node.type != NodeType::Class && node.type != NodeType::Function)
                continue;
            if (const auto it = unseen.constFind(node.id); it != unseen.cend()) {
                report.excluded[QStringLiteral("MU ") + muKindLabel(node) + QStringLiteral(": ") + *it]++;
                continue;
            }
            Def def;
            def.name = normalizedName(node.name);
            def.category = node.type == NodeType::Class ? Category::ClassLike : Category::FunctionLike;
            def.kind = muKindLabel(node);
            def.line = node.lineStart;
            def.lineEnd = node.lineEnd;
            def.detail = node.signature.section(u'\n', 0, 0);
            defs.mu.push_back(def);
        }
        report.files++;
        compareFile(relPath, defs, report);
    }
}

/// Prints the figures and the first `shown` differences of each side.
void printReport(const QString& title, const Report& report, qsizetype shown)
{
    qInfo("MU vs ctags, %s: %d files compared, %d skipped, %d with syntax errors", qPrintable(title), report.files,
        report.skippedFiles, report.partialFiles);
    auto print = [](const char* what, const char* by, const QMap<QString, Score>& scores) {
        for (auto it = scores.cbegin(); it != scores.cend(); ++it)
            qInfo("  %-9s %-5s %-26s %7lld / %7lld = %.4f", what, by, qPrintable(it.key()), it.value().matched,
                it.value().total, it.value().ratio());
    };
    print("recall", "", report.recallByCategory);
    print("precision", "", report.precisionByCategory);
    print("recall", "ctags", report.recallByKind);
    print("precision", "MU", report.precisionByKind);
    for (auto it = report.excluded.cbegin(); it != report.excluded.cend(); ++it)
        qInfo("  excluded  %s: %d", qPrintable(it.key()), it.value());
    if (shown <= 0)
        return;
    qInfo("ctags definitions MU lacks (%lld, first %lld):", qint64(report.missing.size()), qint64(shown));
    for (const QString& line : report.missing.mid(0, shown))
        qInfo("  %s", qPrintable(line));
    qInfo("MU definitions ctags lacks (%lld, first %lld):", qint64(report.spurious.size()), qint64(shown));
    for (const QString& line : report.spurious.mid(0, shown))
        qInfo("  %s", qPrintable(line));
}

/// How many differences to list: MU_ACCURACY_VERBOSE=1 → 200, =<n> → n, unset → fallback.
qsizetype shownDifferences(qsizetype fallback)
{
    bool isNumber = false;
    const int verbose = qEnvironmentVariableIntValue("MU_ACCURACY_VERBOSE", &isNumber);
    if (!isNumber || verbose <= 0)
        return fallback;
    return verbose == 1 ? 200 : verbose;
}

const QString kCorporaInstall = QStringLiteral("scripts/install-deps.sh --corpora " MU_BINARY_DIR);

/// A CI row: a fixed subset of a real corpus, the threshold it must reach, and how to install it.
struct Subset {
    QString language; ///< a languageSetups() id
    QString root;     ///< the corpus; report paths are relative to it
    QStringList dirs; ///< under root, each taken recursively
    int minFiles = 0; ///< guards against a corpus whose layout changed under the subset
    double minScore = 0.97;
    QString install; ///< how to get the corpus, for the skip message
};

const std::vector<Subset>& ciSubsets()
{
    static const std::vector<Subset> subsets {
        // 216 files in Debian's python3.11. Python keeps its original 0.98: it measures 1.0.
        {QStringLiteral("python"), QStringLiteral("/usr/lib/python3.11"),
            {QStringLiteral("asyncio"), QStringLiteral("collections"), QStringLiteral("concurrent"),
                QStringLiteral("email"), QStringLiteral("html"), QStringLiteral("http"), QStringLiteral("importlib"),
                QStringLiteral("json"), QStringLiteral("logging"), QStringLiteral("multiprocessing"),
                QStringLiteral("sqlite3"), QStringLiteral("unittest"), QStringLiteral("urllib"),
                QStringLiteral("wsgiref"), QStringLiteral("xml"), QStringLiteral("xmlrpc")},
            200, 0.98, QStringLiteral("python3.11 (scripts/install-deps.sh)")},
        // 214 files: encoding/..., go/{ast,parser,printer,token}, net/http/... (Debian installs the
        // sources under /usr/share; /usr/lib/go-1.19/src is a symlink from golang-1.19-go).
        {QStringLiteral("go"), QStringLiteral("/usr/share/go-1.19/src"),
            {QStringLiteral("encoding"), QStringLiteral("go/ast"), QStringLiteral("go/parser"),
                QStringLiteral("go/printer"), QStringLiteral("go/token"), QStringLiteral("net/http")},
            200, 0.97, kCorporaInstall},
        // 171 files: the alloc crate, core's iterators, std's io and sync.
        {QStringLiteral("rust"), QStringLiteral("/usr/lib/rustlib/src/rust/library"),
            {QStringLiteral("alloc/src"), QStringLiteral("core/src/iter"), QStringLiteral("std/src/io"),
                QStringLiteral("std/src/sync")},
            160, 0.97, kCorporaInstall},
        // 183 files of java.base: java.util.{concurrent (with atomic, locks), function, regex, stream}.
        {QStringLiteral("java"), QStringLiteral(MU_BINARY_DIR "/corpora/jdk/java.base"),
            {QStringLiteral("java/util/concurrent"), QStringLiteral("java/util/function"),
                QStringLiteral("java/util/regex"), QStringLiteral("java/util/stream")},
            180, 0.97, kCorporaInstall},
        // 170 files of Linux 6.1: kernel/{sched,time,locking}, fs/{ext2,ext4}.
        {QStringLiteral("c"), QStringLiteral(MU_BINARY_DIR "/corpora/linux"),
            {QStringLiteral("fs/ext2"), QStringLiteral("fs/ext4"), QStringLiteral("kernel/locking"),
                QStringLiteral("kernel/sched"), QStringLiteral("kernel/time")},
            160, 0.97, kCorporaInstall},
        // 233 Qt 6.4 headers (.h and the extensionless forwarding headers, both parsed as C++):
        // QtConcurrent, QtNetwork, QtSql, QtTest, QtXml.
        {QStringLiteral("cpp"), QStringLiteral("/usr/include/x86_64-linux-gnu/qt6"),
            {QStringLiteral("QtConcurrent"), QStringLiteral("QtNetwork"), QStringLiteral("QtSql"),
                QStringLiteral("QtTest"), QStringLiteral("QtXml")},
            220, 0.97, QStringLiteral("qt6-base-dev (scripts/install-deps.sh)")},
        // No C# row: no packaged C# corpus exists (shared/CORPORA.md); the C# extractor is tested
        // exactly on fixtures instead. No TypeScript row: its corpus comes from npm, not offline.
    };
    return subsets;
}

} // namespace

class TestAccuracy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void ciSubset_data();
    void ciSubset();
    void measurement();
};

void TestAccuracy::ciSubset_data()
{
    QTest::addColumn<QString>("language");
    for (const Subset& subset : ciSubsets())
        QTest::newRow(qPrintable(subset.language)) << subset.language;
}

void TestAccuracy::ciSubset()
{
    QFETCH(QString, language);
    if (!qEnvironmentVariableIsEmpty("MU_ACCURACY_DIR"))
        QSKIP("measurement mode (MU_ACCURACY_DIR is set)");
    const auto subset = std::find_if(ciSubsets().cbegin(), ciSubsets().cend(),
        [&](const Subset& candidate) { return candidate.language == language; });
    QVERIFY(subset != ciSubsets().cend());
    const LanguageSetup* setup = setupFor(language);
    QVERIFY(setup);

    // Absent corpora skip a developer's run, but never CI's: scripts/test.sh installs them and sets
    // MU_REQUIRE_CORPORA, so a broken installation fails instead of passing silently.
    const bool required = !qEnvironmentVariableIsEmpty("MU_REQUIRE_CORPORA");
    QStringList absent;
    if (QStandardPaths::findExecutable(QStringLiteral("ctags")).isEmpty())
        absent.append(QStringLiteral("Universal Ctags (universal-ctags)"));
    if (!QFileInfo(subset->root).isDir()) {
        absent.append(subset->root);
    } else {
        for (const QString& dir : subset->dirs) {
            if (!QFileInfo(subset->root + u'/' + dir).isDir())
                absent.append(subset->root + u'/' + dir);
        }
    }
    if (!absent.isEmpty()) {
        const QString message
            = QStringLiteral("corpus absent: %1; install: %2").arg(absent.join(QStringLiteral(", ")), subset->install);
        if (required)
            QFAIL(qPrintable(message + QStringLiteral(" (MU_REQUIRE_CORPORA is set)")));
        QSKIP(qPrintable(message));
    }

    std::vector<SourceFile> files;
    for (const QString& dir : subset->dirs)
        collectFiles(subset->root + u'/' + dir, *setup, files);
    // Sorted, so the subset and the output are deterministic.
    std::sort(files.begin(), files.end(), [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
    QVERIFY2(qsizetype(files.size()) >= subset->minFiles,
        qPrintable(QStringLiteral("only %1 files in the subset").arg(files.size())));

    Report report;
    compare(*setup, subset->root, files, report);
    if (QTest::currentTestFailed())
        return;
    printReport(language, report, shownDifferences(20));

    QVERIFY(report.files >= subset->minFiles);
    for (const Category category : {Category::ClassLike, Category::FunctionLike}) {
        const QString name = categoryName(category);
        const Score recall = report.recallByCategory.value(name);
        const Score precision = report.precisionByCategory.value(name);
        QVERIFY2(recall.total > 0 && precision.total > 0, qPrintable(name));
        QVERIFY2(recall.ratio() >= subset->minScore,
            qPrintable(QStringLiteral("%1 recall %2 < %3").arg(name).arg(recall.ratio()).arg(subset->minScore)));
        QVERIFY2(precision.ratio() >= subset->minScore,
            qPrintable(QStringLiteral("%1 precision %2 < %3").arg(name).arg(precision.ratio()).arg(subset->minScore)));
    }
}

void TestAccuracy::measurement()
{
    const QString dir = qEnvironmentVariable("MU_ACCURACY_DIR");
    if (dir.isEmpty())
        QSKIP("measurement mode: set MU_ACCURACY_DIR=<dir> and MU_ACCURACY_LANGUAGE=<id>");
    const QString languageName = qEnvironmentVariable("MU_ACCURACY_LANGUAGE", QStringLiteral("python"));
    const LanguageSetup* setup = setupFor(languageName);
    if (!setup) {
        QStringList ids;
        for (const LanguageSetup& candidate : languageSetups())
            ids.append(candidate.muLanguage);
        QFAIL(qPrintable(QStringLiteral("MU_ACCURACY_LANGUAGE must be one of %1, not %2")
                             .arg(ids.join(QStringLiteral(", ")), languageName)));
    }
    if (QStandardPaths::findExecutable(QStringLiteral("ctags")).isEmpty())
        QFAIL("Universal Ctags is not installed (scripts/install-deps.sh installs universal-ctags)");
    if (!QFileInfo(dir).isDir())
        QFAIL(qPrintable(QStringLiteral("MU_ACCURACY_DIR is not a directory: ") + dir));

    std::vector<SourceFile> files;
    collectFiles(dir, *setup, files);
    std::sort(files.begin(), files.end(), [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
    Report report;
    compare(*setup, dir, files, report);
    if (QTest::currentTestFailed())
        return;
    printReport(languageName, report, shownDifferences(0));
}

QTEST_GUILESS_MAIN(TestAccuracy)
#include "tst_accuracy.moc"
