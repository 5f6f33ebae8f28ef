#include "index/ignorerules.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using mu::index::IgnoreOptions;
using mu::index::IgnoreRules;

namespace {

void writeFile(const QString& root, const QString& relPath, const QByteArray& content)
{
    const QString path = root + u'/' + relPath;
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    QCOMPARE(file.write(content), content.size());
}

// Entries are "path|content"; the content is written as UTF-8.
void writeFiles(const QString& root, const QStringList& files)
{
    for (const QString& entry : files) {
        const qsizetype bar = entry.indexOf(u'|');
        QVERIFY(bar > 0);
        writeFile(root, entry.first(bar), entry.sliced(bar + 1).toUtf8());
    }
}

// Makes `relPath` exist (a directory when it ends with '/'), so git sees its real type.
void materialise(const QString& root, const QString& relPath)
{
    if (relPath.endsWith(u'/'))
        QVERIFY(QDir(root).mkpath(relPath));
    else if (!QFileInfo::exists(root + u'/' + relPath))
        writeFile(root, relPath, "x");
}

IgnoreOptions gitOnly()
{
    IgnoreOptions options;
    options.useDefaults = false;
    options.useConfig = false;
    return options;
}

// Checks a path the way a scanner does: one Scope per directory level.
bool ignoredViaScopes(const IgnoreRules& rules, const QString& root, QString relPath)
{
    bool isDir = false;
    if (relPath.endsWith(u'/')) {
        relPath.chop(1);
        isDir = true;
    }
    IgnoreRules::Scope scope = rules.rootScope();
    const QStringList parts = relPath.split(u'/');
    QString dir;
    for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
        dir = dir.isEmpty() ? parts[i] : dir + u'/' + parts[i];
        if (scope.isIgnored(dir, true))
            return true;
        scope = scope.enterDirectory(dir, IgnoreRules::readIgnoreFile(root + u'/' + dir + u"/.gitignore"));
    }
    return scope.isIgnored(relPath, isDir);
}

} // namespace

class TestIgnoreRules : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void gitignore_data();
    void gitignore();
    void defaults_data();
    void defaults();
    void malformedConfig();
    void badConfigEntries();
    void extraPatterns();
    void disabledSources();
    void gitFilePointsToGitDir();
    void scopeFor();
    void emptyRulesIgnoreNothing();

private:
    QString m_git;
};

void TestIgnoreRules::initTestCase()
{
    m_git = QStandardPaths::findExecutable(QStringLiteral("git"));
    if (m_git.isEmpty())
        qInfo("git not found: gitignore cases are not cross-checked against git check-ignore");
}

void TestIgnoreRules::gitignore_data()
{
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("ignored");

    const auto row = [](const char* name, const QStringList& files, const char* path, bool ignored) {
        QTest::newRow(name) << files << QString::fromUtf8(path) << ignored;
    };
    const auto gi = [](const char* text) { return QStringList {u".gitignore|"_s + QString::fromUtf8(text)}; };

    row("comment", gi("#foo.py"), "#foo.py", false);
    row("escaped hash", gi("\\#foo.py"), "#foo.py", true);
    row("blank lines", gi("\n\nfoo.py\n\n"), "foo.py", true);
    row("trailing spaces trimmed", gi("foo.py   "), "foo.py", true);
    row("escaped trailing space kept", gi("foo\\ "), "foo ", true);
    row("escaped trailing space not stripped", gi("foo\\ "), "foo", false);
    row("negation re-includes", gi("*.py\n!keep.py"), "keep.py", false);
    row("negation others stay", gi("*.py\n!keep.py"), "other.py", true);
    row("last match wins", gi("!keep.py\n*.py"), "keep.py", true);
    row("escaped bang", gi("\\!bang.py"), "!bang.py", true);
    row("dir-only matches dir", gi("logs/"), "logs/", true);
    row("dir-only skips file", gi("logs/"), "logs", false);
    row("dir-only excludes contents", gi("logs/"), "a/logs/x.py", true);
    row("dir-only nested file named like it", gi("cache/"), "a/cache", false);
    row("unanchored any depth", gi("tmp.py"), "a/b/tmp.py", true);
    row("leading slash anchors", gi("/tmp.py"), "tmp.py", true);
    row("leading slash anchors not below", gi("/tmp.py"), "a/tmp.py", false);
    row("middle slash anchors", gi("doc/frotz.py"), "doc/frotz.py", true);
    row("middle slash anchors not below", gi("doc/frotz.py"), "a/doc/frotz.py", false);
    row("anchored dir-only", gi("/out2/"), "out2/x.py", true);
    row("anchored dir-only not below", gi("/out2/"), "a/out2/x.py", false);
    row("literal dir prefix", gi("src/gen"), "src/gen/x.py", true);
    row("literal dir prefix not longer name", gi("src/gen"), "src/generated/x.py", false);
    row("star", gi("*.py"), "a/b/c.py", true);
    row("star anchored", gi("/*.py"), "a/c.py", false);
    row("star stays in segment", gi("doc/*.txt"), "doc/server/arch.txt", false);
    row("star in segment", gi("doc/*.txt"), "doc/notes.txt", true);
    row("star one directory", gi("a/*/c.py"), "a/b/c.py", true);
    row("star one directory only", gi("a/*/c.py"), "a/b/x/c.py", false);
    row("question", gi("fo?.py"), "foo.py", true);
    row("question needs a char", gi("fo?.py"), "fo.py", false);
    row("question not slash", gi("a?b.py"), "a/b.py", false);
    row("bracket set", gi("[abc].py"), "b.py", true);
    row("bracket set miss", gi("[abc].py"), "d.py", false);
    row("bracket negated bang", gi("[!abc].py"), "d.py", true);
    row("bracket negated bang miss", gi("[!abc].py"), "a.py", false);
    row("bracket negated caret", gi("[^abc].py"), "d.py", true);
    row("bracket range", gi("file[0-9].py"), "file7.py", true);
    row("bracket range miss", gi("file[0-9].py"), "filex.py", false);
    row("bracket class", gi("[[:digit:]]x.py"), "3x.py", true);
    row("bracket class miss", gi("[[:digit:]]x.py"), "ax.py", false);
    row("bracket close first", gi("[]]x.py"), "]x.py", true);
    row("leading starstar root", gi("**/foo.py"), "foo.py", true);
    row("leading starstar deep", gi("**/foo.py"), "a/b/foo.py", true);
    row("leading starstar with dir", gi("**/foo/bar.py"), "x/y/foo/bar.py", true);
    row("leading starstar with dir at root", gi("**/foo/bar.py"), "foo/bar.py", true);
    row("trailing starstar contents", gi("abc/**"), "abc/x/y.py", true);
    row("trailing starstar not the dir", gi("abc/**"), "abc/", false);
    row("middle starstar zero dirs", gi("a/**/b.py"), "a/b.py", true);
    row("middle starstar one dir", gi("a/**/b.py"), "a/x/b.py", true);
    row("middle starstar many dirs", gi("a/**/b.py"), "a/x/y/b.py", true);
    row("middle starstar anchored", gi("a/**/b.py"), "x/a/b.py", false);
    row("starstar alone", gi("**"), "x/y.py", true);
    row("starstar glued (git quirk)", gi("a**/b.py"), "ax/b.py", true);
    row("escaped star", gi("\\*.py"), "*.py", true);
    row("escaped star literal only", gi("\\*.py"), "x.py", false);
    row("escaped question", gi("\\?.py"), "?.py", true);
    row("escaped question literal only", gi("\\?.py"), "a.py", false);
    row("crlf first", gi("a.py\r\nb.py\r\n"), "a.py", true);
    row("crlf last", gi("a.py\r\nb.py\r\n"), "b.py", true);
    row("utf8 bom",
        gi("\xEF\xBB\xBF"
           "bom.py"),
        "bom.py", true);
    row("non-ascii", gi("\xC3\xBC*.py"),
        "\xC3\xBC"
        "ber.py",
        true);
    row("nested anchored", {u"sub/.gitignore|/x.py"_s}, "sub/x.py", true);
    row("nested anchored not at root", {u"sub/.gitignore|/x.py"_s}, "x.py", false);
    row("nested anchored not deeper", {u"sub/.gitignore|/x.py"_s}, "sub/y/x.py", false);
    row("nested unanchored deeper", {u"sub/.gitignore|x.py"_s}, "sub/y/x.py", true);
    row("nested unanchored not outside", {u"sub/.gitignore|x.py"_s}, "x.py", false);
    row("nested middle slash", {u"sub/.gitignore|y/x.py"_s}, "sub/y/x.py", true);
    row("nested middle slash not at root", {u"sub/.gitignore|y/x.py"_s}, "y/x.py", false);
    const QStringList overrideNeg {u".gitignore|*.py"_s, u"sub/.gitignore|!keep.py"_s};
    row("nested negation overrides parent", overrideNeg, "sub/keep.py", false);
    row("nested negation others", overrideNeg, "sub/other.py", true);
    row("nested negation not above", overrideNeg, "keep.py", true);
    const QStringList overridePos {u".gitignore|*.log\n!important.log"_s, u"sub/.gitignore|important.log"_s};
    row("nested pattern overrides parent negation", overridePos, "sub/important.log", true);
    row("parent negation still above", overridePos, "important.log", false);
    row("excluded parent cannot re-include", gi("build2/\n!build2/keep.py"), "build2/keep.py", true);
    row("excluded parent nested negation", {u".gitignore|gen/"_s, u"gen/.gitignore|!*"_s}, "gen/x.py", true);
    row("dir contents with negation", gi("dir/*\n!dir/keep.py"), "dir/keep.py", false);
    row("dir contents others", gi("dir/*\n!dir/keep.py"), "dir/other.py", true);
    row("whitelist keeps py", gi("*\n!*/\n!*.py"), "a/b.py", false);
    row("whitelist drops others", gi("*\n!*/\n!*.py"), "a/b.txt", true);
    row("info exclude", {u".git/info/exclude|secret.py"_s}, "secret.py", true);
    row("gitignore overrides info exclude", {u".git/info/exclude|*.py"_s, u".gitignore|!keep.py"_s}, "keep.py", false);
}

void TestIgnoreRules::gitignore()
{
    QFETCH(QStringList, files);
    QFETCH(QString, path);
    QFETCH(bool, ignored);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString root = dir.path();
    if (!m_git.isEmpty()) {
        QProcess init;
        init.setWorkingDirectory(root);
        init.start(m_git, {QStringLiteral("init"), QStringLiteral("-q")});
        QVERIFY(init.waitForFinished());
        QCOMPARE(init.exitCode(), 0);
    }
    writeFiles(root, files);
    materialise(root, path);

    const IgnoreRules rules = IgnoreRules::load(root, gitOnly());
    QVERIFY2(rules.warnings().isEmpty(), qPrintable(rules.warnings().join(u'\n')));
    QCOMPARE(rules.isIgnored(path, false), ignored); // the trailing '/' marks directories
    QCOMPARE(ignoredViaScopes(rules, root, path), ignored);

    if (m_git.isEmpty())
        return;
    // The reference: git itself, isolated from the user's global and system excludes.
    QProcess git;
    git.setWorkingDirectory(root);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), root);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), root);
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    git.setProcessEnvironment(env);
    QString gitPath = path;
    if (gitPath.endsWith(u'/'))
        gitPath.chop(1);
    git.start(m_git, {QStringLiteral("check-ignore"), QStringLiteral("-q"), QStringLiteral("--no-index"), gitPath});
    QVERIFY(git.waitForFinished());
    QVERIFY2(git.exitCode() == 0 || git.exitCode() == 1, git.readAllStandardError().constData());
    QCOMPARE(git.exitCode() == 0, ignored);
}

void TestIgnoreRules::defaults_data()
{
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("ignored");

    const auto row = [](const char* path, bool ignored, const QStringList& files = {}) {
        QTest::newRow(path) << files << QString::fromUtf8(path) << ignored;
    };
    for (const char* name : {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", "env", "dist",
             "build", "target", "out", "bin", "obj", ".mu", ".idea", ".vscode"}) {
        QTest::addRow("%s/x.py", name) << QStringList() << QString::fromUtf8(name) + u"/x.py" << true;
        QTest::addRow("deep %s/x.py", name) << QStringList() << u"a/b/"_s + QString::fromUtf8(name) + u"/x.py" << true;
    }
    row("node_modules/", true);
    row("a.min.js", true);
    row("lib/a.bundle.js", true);
    row("a.js", false);
    row("lib/min.js", false);
    row("build.py", false);
    row("src/buildtools/x.py", false);
    row(".hidden/x.py", true);
    row("a/.cache/x.py", true);
    row(".eslintrc.js", false); // hidden files are kept, only hidden directories are skipped
    QTest::newRow("gitignore cannot re-include node_modules")
        << QStringList {u".gitignore|!node_modules/\n!node_modules/x.js"_s} << u"node_modules/x.js"_s << true;
    QTest::newRow("gitignore cannot re-include min.js")
        << QStringList {u".gitignore|!*.min.js"_s} << u"a.min.js"_s << true;
    QTest::newRow("config pattern dir") << QStringList {u".mu/config.json|{\"ignore\": [\"generated/\"]}"_s}
                                        << u"generated/a.py"_s << true;
    QTest::newRow("config pattern glob") << QStringList {u".mu/config.json|{\"ignore\": [\"*.gen.py\"]}"_s}
                                         << u"src/a.gen.py"_s << true;
    QTest::newRow("config pattern miss") << QStringList {u".mu/config.json|{\"ignore\": [\"*.gen.py\"]}"_s}
                                         << u"src/a.py"_s << false;
    QTest::newRow("config re-includes default")
        << QStringList {u".mu/config.json|{\"ignore\": [\"!build/\"]}"_s} << u"build/x.py"_s << false;
    QTest::newRow("config re-includes hidden dir")
        << QStringList {u".mu/config.json|{\"ignore\": [\"!.github/\"]}"_s} << u".github/x.py"_s << false;
    QTest::newRow("config cannot re-include .mu")
        << QStringList {u".mu/config.json|{\"ignore\": [\"!.mu/\"]}"_s} << u".mu/x.py"_s << true;
    QTest::newRow("config cannot re-include .git")
        << QStringList {u".mu/config.json|{\"ignore\": [\"!.git/\"]}"_s} << u"a/.git/x.py"_s << true;
    QTest::newRow("config re-includes gitignored")
        << QStringList {u".gitignore|*.py"_s, u".mu/config.json|{\"ignore\": [\"!keep.py\"]}"_s} << u"keep.py"_s
        << false;
    QTest::newRow("config last match wins")
        << QStringList {u".mu/config.json|{\"ignore\": [\"!keep.py\", \"*.py\"]}"_s} << u"keep.py"_s << true;
}

void TestIgnoreRules::defaults()
{
    QFETCH(QStringList, files);
    QFETCH(QString, path);
    QFETCH(bool, ignored);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    writeFiles(dir.path(), files);
    const IgnoreRules rules = IgnoreRules::load(dir.path());
    QVERIFY2(rules.warnings().isEmpty(), qPrintable(rules.warnings().join(u'\n')));
    QCOMPARE(rules.isIgnored(path, false), ignored);
    QCOMPARE(ignoredViaScopes(rules, dir.path(), path), ignored);
}

void TestIgnoreRules::malformedConfig()
{
    QTemporaryDir dir;
    writeFile(dir.path(), u".mu/config.json"_s, "{\"ignore\": [\"gen/\", ");
    const IgnoreRules rules = IgnoreRules::load(dir.path());
    QCOMPARE(rules.warnings().size(), 1);
    QVERIFY(rules.warnings().first().contains(u"config.json"));
    QVERIFY(rules.warnings().first().contains(u"malformed"));
    QVERIFY(rules.isIgnored(u"node_modules/a.js", false)); // defaults still apply
    QVERIFY(!rules.isIgnored(u"gen/a.py", false));

    writeFile(dir.path(), u".mu/config.json"_s, "[\"gen/\"]");
    const IgnoreRules notObject = IgnoreRules::load(dir.path());
    QCOMPARE(notObject.warnings().size(), 1);
    QVERIFY(!notObject.isIgnored(u"gen/a.py", false));
}

void TestIgnoreRules::badConfigEntries()
{
    QTemporaryDir dir;
    writeFile(dir.path(), u".mu/config.json"_s, "{\"ignore\": \"gen/\"}");
    const IgnoreRules notArray = IgnoreRules::load(dir.path());
    QCOMPARE(notArray.warnings().size(), 1);
    QVERIFY(notArray.warnings().first().contains(u"array"));

    writeFile(dir.path(), u".mu/config.json"_s, "{\"ignore\": [42, \"gen/\"], \"languages\": [\"python\"]}");
    const IgnoreRules mixed = IgnoreRules::load(dir.path());
    QCOMPARE(mixed.warnings().size(), 1);
    QVERIFY(mixed.isIgnored(u"gen/a.py", false));

    writeFile(dir.path(), u".mu/config.json"_s, "{\"languages\": [\"python\"]}");
    QVERIFY(IgnoreRules::load(dir.path()).warnings().isEmpty());
}

void TestIgnoreRules::extraPatterns()
{
    QTemporaryDir dir;
    writeFile(dir.path(), u".mu/config.json"_s, "{\"ignore\": [\"*.gen.py\"]}");
    IgnoreOptions options;
    options.extraPatterns = {u"fixtures/"_s, u"!keep.gen.py"_s};
    const IgnoreRules rules = IgnoreRules::load(dir.path(), options);
    QVERIFY(rules.isIgnored(u"tests/fixtures/a.py", false));
    QVERIFY(rules.isIgnored(u"a.gen.py", false));
    QVERIFY(!rules.isIgnored(u"keep.gen.py", false)); // extra patterns come after the config's
}

void TestIgnoreRules::disabledSources()
{
    QTemporaryDir dir;
    writeFile(dir.path(), u".gitignore"_s, "*.py\n");
    writeFile(dir.path(), u".mu/config.json"_s, "{\"ignore\": [\"*.js\"]}");
    IgnoreOptions none;
    none.useDefaults = false;
    none.useGitignore = false;
    none.useConfig = false;
    const IgnoreRules rules = IgnoreRules::load(dir.path(), none);
    QVERIFY(!rules.isIgnored(u"node_modules/a.js", false));
    QVERIFY(!rules.isIgnored(u".hidden/a.py", false));
    QVERIFY(!rules.isIgnored(u"a.py", false));
    QVERIFY(!rules.isIgnored(u"a.js", false));
    QVERIFY(rules.isIgnored(u".mu/a.py", false)); // hard rule
    QVERIFY(rules.isIgnored(u".git/", false));    // hard rule
    const IgnoreRules::Scope scope = rules.rootScope().enterDirectory(u"sub", "*.py\n");
    QVERIFY(!scope.isIgnored(u"sub/a.py", false)); // .gitignore content is dropped when disabled
}

void TestIgnoreRules::gitFilePointsToGitDir()
{
    QTemporaryDir dir;
    writeFile(dir.path(), u"modules/sub/info/exclude"_s, "secret.py\n");
    writeFile(dir.path(), u"work/.git"_s, "gitdir: ../modules/sub\n");
    const IgnoreRules rules = IgnoreRules::load(dir.path() + u"/work"_s, gitOnly());
    QVERIFY(rules.isIgnored(u"secret.py", false));
    QVERIFY(!rules.isIgnored(u"public.py", false));
}

void TestIgnoreRules::scopeFor()
{
    QTemporaryDir dir;
    writeFile(dir.path(), u".gitignore"_s, "gen/\n");
    writeFile(dir.path(), u"src/.gitignore"_s, "*.tmp.py\n");
    writeFile(dir.path(), u"src/deep/.gitignore"_s, "!keep.tmp.py\n");
    const IgnoreRules rules = IgnoreRules::load(dir.path());
    QVERIFY(rules.scopeFor(u"").has_value());
    QVERIFY(!rules.scopeFor(u"gen").has_value());
    QVERIFY(!rules.scopeFor(u"src/gen/x").has_value());
    QVERIFY(!rules.scopeFor(u"node_modules/pkg").has_value());
    const std::optional<IgnoreRules::Scope> deep = rules.scopeFor(u"src/deep/");
    QVERIFY(deep.has_value());
    QVERIFY(!deep->isIgnored(u"src/deep/keep.tmp.py", false));
    QVERIFY(deep->isIgnored(u"src/deep/other.tmp.py", false));
    QVERIFY(rules.isIgnored(u"src/other.tmp.py", false));
    QVERIFY(rules.isIgnored(u"gen/", false));
    QVERIFY(rules.isIgnored(u"gen", true));
    QVERIFY(!rules.isIgnored(u"gen", false));
}

void TestIgnoreRules::emptyRulesIgnoreNothing()
{
    const IgnoreRules rules;
    QVERIFY(!rules.isIgnored(u"node_modules/a.js", false));
    QVERIFY(!IgnoreRules::Scope().isIgnored(u".git", true));
    QVERIFY(!rules.isIgnored(u"", true));
}

QTEST_GUILESS_MAIN(TestIgnoreRules)
#include "tst_ignorerules.moc"
