// Accuracy of MU's definitions against an independent oracle, Universal Ctags (docs/ACCURACY.md).
//
// Default (CI) mode: a fixed, sorted subset of the CPython 3.11 standard library (every .py under a
// fixed list of packages) is parsed by MU and by ctags; per file, MU's classes and functions are
// matched with ctags' tags by (name, category, line), and recall and precision per category must be
// at least kMinScore.
//
// Measurement mode (report only, no thresholds): MU_ACCURACY_DIR=<dir> and
// MU_ACCURACY_LANGUAGE=python|typescript|javascript run the same comparison over every file of that
// language under <dir>; it produces the full-corpus figures of docs/ACCURACY.md.
//
// Matching rules (each justified in docs/ACCURACY.md):
// - Category: MU NodeType::Class is "class-like", NodeType::Function is "function-like" (all MU
//   kinds, including "lambda"); ctags kinds map to a category per language (kindCategory()).
// - A ctags tag matches an unmatched MU definition of the same name and category whose line range
//   [lineStart, lineEnd] contains the tag's line (MU's range starts at the first decorator, ctags'
//   line is the `def`/`class` line). Among several candidates the innermost (latest start) wins.
// - Exclusions, applied to one side only and counted separately: see excludedCtagsTag().
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
#include <QStandardPaths>
#include <QTest>

#include <algorithm>
#include <optional>
#include <vector>

using namespace mu;

namespace {

constexpr double kMinScore = 0.98;
const QString kStdlib = QStringLiteral("/usr/lib/python3.11");

/// The CI subset: every .py under these stdlib packages (216 files in Debian's python3.11).
const QStringList kSubsetPackages {
    QStringLiteral("asyncio"),
    QStringLiteral("collections"),
    QStringLiteral("concurrent"),
    QStringLiteral("email"),
    QStringLiteral("html"),
    QStringLiteral("http"),
    QStringLiteral("importlib"),
    QStringLiteral("json"),
    QStringLiteral("logging"),
    QStringLiteral("multiprocessing"),
    QStringLiteral("sqlite3"),
    QStringLiteral("unittest"),
    QStringLiteral("urllib"),
    QStringLiteral("wsgiref"),
    QStringLiteral("xml"),
    QStringLiteral("xmlrpc"),
};

enum class Category {
    ClassLike,
    FunctionLike,
    Other
};

QString categoryName(Category category)
{
    return category == Category::ClassLike ? QStringLiteral("class-like") : QStringLiteral("function-like");
}

struct LanguageSetup {
    QString muLanguage;    ///< mu::parse language id
    QString ctagsLanguage; ///< ctags --languages value
    QString ctagsKinds;    ///< ctags --kinds-<lang> letters
    QStringList extensions;
};

std::optional<LanguageSetup> setupFor(const QString& language)
{
    // Python: c class, f function, m member (a function defined directly in a class body).
    if (language == u"python")
        return LanguageSetup {
            QStringLiteral("python"), QStringLiteral("Python"), QStringLiteral("cfm"), {QStringLiteral(".py")}};
    // TypeScript: c class, i interface, g enum, a alias, n namespace; f function, m method,
    // G generator.
    if (language == u"typescript")
        return LanguageSetup {QStringLiteral("typescript"), QStringLiteral("TypeScript"), QStringLiteral("cigafmnG"),
            {QStringLiteral(".ts")}};
    // JavaScript: c class; f function, m method, g generator, G getter, S setter.
    if (language == u"javascript")
        return LanguageSetup {QStringLiteral("javascript"), QStringLiteral("JavaScript"), QStringLiteral("cfmgGS"),
            {QStringLiteral(".js"), QStringLiteral(".mjs"), QStringLiteral(".cjs")}};
    return std::nullopt;
}

Category kindCategory(const QString& ctagsLanguage, const QString& kind)
{
    static const QHash<QString, QHash<QString, Category>> map {
        {QStringLiteral("Python"),
            {{QStringLiteral("class"), Category::ClassLike}, {QStringLiteral("function"), Category::FunctionLike},
                {QStringLiteral("member"), Category::FunctionLike}}},
        {QStringLiteral("TypeScript"),
            {{QStringLiteral("class"), Category::ClassLike}, {QStringLiteral("interface"), Category::ClassLike},
                {QStringLiteral("enum"), Category::ClassLike}, {QStringLiteral("alias"), Category::ClassLike},
                {QStringLiteral("namespace"), Category::ClassLike},
                {QStringLiteral("function"), Category::FunctionLike},
                {QStringLiteral("method"), Category::FunctionLike},
                {QStringLiteral("generator"), Category::FunctionLike}}},
        {QStringLiteral("JavaScript"),
            {{QStringLiteral("class"), Category::ClassLike}, {QStringLiteral("function"), Category::FunctionLike},
                {QStringLiteral("method"), Category::FunctionLike},
                {QStringLiteral("generator"), Category::FunctionLike},
                {QStringLiteral("getter"), Category::FunctionLike},
                {QStringLiteral("setter"), Category::FunctionLike}}},
    };
    return map.value(ctagsLanguage).value(kind, Category::Other);
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

/// ctags tags that MU leaves out by design; they are counted as excluded, not as misses.
/// Returns the reason, or an empty string.
QString excludedCtagsTag(const QString& ctagsLanguage, const QJsonObject& tag)
{
    if (ctagsLanguage != u"Python")
        return {};
    // MU names a `name = lambda …` only at module and class level (pythonextractor.cpp,
    // onAssignment: a lambda assigned inside a function is a local value, not an API entity, and
    // its body counts toward the enclosing function's complexity). ctags tags it at every level.
    // A scope of kind function/member means the assignment is inside a function. Tuple targets
    // (`f1, f2 = lambda: 1, lambda: 2`) are the same case: ctags tags each name.
    static const QRegularExpression lambdaAssignment(
        QStringLiteral(R"(^/\^\s*[\w.]+(\s*,\s*[\w.]+)*\s*(:[^=]*)?=\s*lambda\b)"));
    const QString scopeKind = tag.value(QStringLiteral("scopeKind")).toString();
    if ((scopeKind == u"function" || scopeKind == u"member")
        && lambdaAssignment.match(tag.value(QStringLiteral("pattern")).toString()).hasMatch())
        return QStringLiteral("lambda assigned inside a function");
    return {};
}

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

} // namespace

class TestAccuracy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void definitionsMatchCtags();
};

void TestAccuracy::definitionsMatchCtags()
{
    const QString envDir = qEnvironmentVariable("MU_ACCURACY_DIR");
    const bool measuring = !envDir.isEmpty();
    const QString languageName
        = measuring ? qEnvironmentVariable("MU_ACCURACY_LANGUAGE", QStringLiteral("python")) : QStringLiteral("python");
    const std::optional<LanguageSetup> setup = setupFor(languageName);
    if (!setup)
        QFAIL(qPrintable(
            QStringLiteral("MU_ACCURACY_LANGUAGE must be python, typescript or javascript, not ") + languageName));

    const QString ctags = QStandardPaths::findExecutable(QStringLiteral("ctags"));
    if (ctags.isEmpty())
        QSKIP("Universal Ctags is not installed (scripts/install-deps.sh installs universal-ctags)");

    // The file list: sorted, so the subset and the output are deterministic.
    QStringList files;
    auto collect = [&](const QString& root) {
        QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            const QString lower = file.toLower();
            if (std::any_of(setup->extensions.cbegin(), setup->extensions.cend(),
                    [&](const QString& ext) { return lower.endsWith(ext); }))
                files.append(file);
        }
    };
    if (measuring) {
        if (!QFileInfo(envDir).isDir())
            QFAIL(qPrintable(QStringLiteral("MU_ACCURACY_DIR is not a directory: ") + envDir));
        collect(envDir);
    } else {
        if (!QFileInfo(kStdlib + QStringLiteral("/json/__init__.py")).isFile())
            QSKIP("the CPython 3.11 standard library is not at /usr/lib/python3.11 (scripts/install-deps.sh)");
        for (const QString& package : kSubsetPackages)
            collect(kStdlib + u'/' + package);
    }
    std::sort(files.begin(), files.end());
    if (!measuring)
        QVERIFY2(files.size() >= 200, qPrintable(QStringLiteral("only %1 files in the subset").arg(files.size())));

    // One ctags process for every file, names on stdin (-L -), output in input order.
    QProcess process;
    process.setProgram(ctags);
    process.setArguments({QStringLiteral("--output-format=json"), QStringLiteral("--fields=+nKse"),
        QStringLiteral("--sort=no"), QStringLiteral("--languages=") + setup->ctagsLanguage,
        QStringLiteral("--kinds-%1=%2").arg(setup->ctagsLanguage, setup->ctagsKinds), QStringLiteral("-f"),
        QStringLiteral("-"), QStringLiteral("-L"), QStringLiteral("-")});
    process.start();
    QVERIFY2(process.waitForStarted(), qPrintable(process.errorString()));
    process.write(files.join(u'\n').toUtf8() + '\n');
    process.closeWriteChannel();
    QVERIFY2(process.waitForFinished(300000), "ctags did not finish");
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 0);

    QHash<QString, FileDefs> byFile;
    Report report;
    const QList<QByteArray> lines = process.readAllStandardOutput().split('\n');
    for (const QByteArray& line : lines) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonObject tag = QJsonDocument::fromJson(line).object();
        if (tag.value(QStringLiteral("_type")).toString() != u"tag")
            continue;
        const QString kind = tag.value(QStringLiteral("kind")).toString();
        const Category category = kindCategory(setup->ctagsLanguage, kind);
        if (category == Category::Other)
            continue;
        const QString reason = excludedCtagsTag(setup->ctagsLanguage, tag);
        if (!reason.isEmpty()) {
            report.excluded[QStringLiteral("ctags: ") + reason]++;
            continue;
        }
        Def def;
        def.name = tag.value(QStringLiteral("name")).toString();
        def.category = category;
        def.kind = kind;
        def.line = tag.value(QStringLiteral("line")).toInt();
        def.lineEnd = tag.value(QStringLiteral("end")).toInt(def.line);
        def.detail = tag.value(QStringLiteral("pattern")).toString();
        byFile[tag.value(QStringLiteral("path")).toString()].ctags.push_back(def);
    }

    const parse::LanguageRegistry& registry = parse::LanguageRegistry::builtin();
    parse::FileParser parser;
    for (const QString& path : files) {
        const parse::Language* language = registry.forPath(path);
        QFile file(path);
        if (!language || language->id != setup->muLanguage || !file.open(QIODevice::ReadOnly)) {
            report.skippedFiles++;
            byFile.remove(path);
            continue;
        }
        const QString relPath = QDir(measuring ? envDir : kStdlib).relativeFilePath(path);
        const FileIndex index = parser.parse(relPath, file.readAll(), *language);
        if (index.status == ParseStatus::Skipped || index.status == ParseStatus::Failed) {
            qInfo("skipped %s: %s", qPrintable(relPath), qPrintable(index.error));
            report.skippedFiles++;
            byFile.remove(path);
            continue;
        }
        if (index.status == ParseStatus::Partial)
            report.partialFiles++;
        FileDefs& defs = byFile[path];
        for (const Node& node : index.nodes) {
            if (node.type != NodeType::Class && node.type != NodeType::Function)
                continue;
            Def def;
            def.name = node.name;
            def.category = node.type == NodeType::Class ? Category::ClassLike : Category::FunctionLike;
            def.kind = node.kind;
            def.line = node.lineStart;
            def.lineEnd = node.lineEnd;
            def.detail = node.signature.section(u'\n', 0, 0);
            defs.mu.push_back(def);
        }
        report.files++;
        compareFile(relPath, defs, report);
    }

    qInfo("MU vs ctags, %s: %d files compared, %d skipped, %d with syntax errors", qPrintable(languageName),
        report.files, report.skippedFiles, report.partialFiles);
    auto print = [](const char* what, const QMap<QString, Score>& scores) {
        for (auto it = scores.cbegin(); it != scores.cend(); ++it)
            qInfo("  %-9s %-14s %7lld / %7lld = %.4f", what, qPrintable(it.key()), it.value().matched, it.value().total,
                it.value().ratio());
    };
    print("recall", report.recallByCategory);
    print("precision", report.precisionByCategory);
    print("recall", report.recallByKind);
    print("precision", report.precisionByKind);
    for (auto it = report.excluded.cbegin(); it != report.excluded.cend(); ++it)
        qInfo("  excluded  %s: %d", qPrintable(it.key()), it.value());
    const qsizetype shown = measuring ? 200 : 20;
    qInfo("ctags definitions MU lacks (%lld, first %lld):", qint64(report.missing.size()), qint64(shown));
    for (const QString& line : report.missing.mid(0, shown))
        qInfo("  %s", qPrintable(line));
    qInfo("MU definitions ctags lacks (%lld, first %lld):", qint64(report.spurious.size()), qint64(shown));
    for (const QString& line : report.spurious.mid(0, shown))
        qInfo("  %s", qPrintable(line));

    if (measuring)
        return;
    QVERIFY(report.files >= 200);
    for (const Category category : {Category::ClassLike, Category::FunctionLike}) {
        const QString name = categoryName(category);
        const Score recall = report.recallByCategory.value(name);
        const Score precision = report.precisionByCategory.value(name);
        QVERIFY2(recall.total > 0 && precision.total > 0, qPrintable(name));
        QVERIFY2(recall.ratio() >= kMinScore,
            qPrintable(QStringLiteral("%1 recall %2 < %3").arg(name).arg(recall.ratio()).arg(kMinScore)));
        QVERIFY2(precision.ratio() >= kMinScore,
            qPrintable(QStringLiteral("%1 precision %2 < %3").arg(name).arg(precision.ratio()).arg(kMinScore)));
    }
}

QTEST_GUILESS_MAIN(TestAccuracy)
#include "tst_accuracy.moc"
