#include "index/ignorerules.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <vector>

namespace mu::index {

namespace {

// SPEC §11. Hidden directories are the extra ".*/".
constexpr const char* kDefaultPatterns[] = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv",
    "env", "dist", "build", "target", "out", "bin", "obj", ".mu", ".idea", ".vscode", "*.min.js", "*.bundle.js", ".*/"};

enum PatternFlag : quint8 {
    kNegative = 1,  // "!pattern"
    kMustBeDir = 2, // "pattern/"
    kBasename = 4,  // no '/' besides a trailing one: matched against the last path component
    kEndsWith = 8,  // kBasename and "*literal"
};

struct Pattern {
    QString text;         // without '!', the trailing '/' and (for path patterns) a leading '/'
    qsizetype prefix = 0; // length of the leading part free of glob specials
    quint8 flags = 0;
};

enum class Verdict {
    None,
    Excluded,
    Included
};

// ---- git's wildmatch (wildmatch.c), ported to QStringView --------------------------------------

enum WildResult {
    kMatch = 0,
    kNoMatch = 1,
    kAbortAll = -1,
    kAbortToStarStar = -2
};

bool isGlobSpecial(char16_t c)
{
    return c == u'*' || c == u'?' || c == u'[' || c == u'\\';
}

char16_t at(QStringView s, qsizetype i)
{
    return i < s.size() ? s[i].unicode() : u'\0';
}

bool matchesClass(QStringView name, char16_t c, bool* valid)
{
    const QChar ch(c);
    *valid = true;
    if (name == u"alnum")
        return ch.isLetterOrNumber();
    if (name == u"alpha")
        return ch.isLetter();
    if (name == u"blank")
        return c == u' ' || c == u'\t';
    if (name == u"cntrl")
        return c < 0x20 || c == 0x7f;
    if (name == u"digit")
        return c >= u'0' && c <= u'9';
    if (name == u"graph")
        return c > 0x20 && c < 0x7f;
    if (name == u"lower")
        return ch.isLower();
    if (name == u"print")
        return c >= 0x20 && c < 0x7f;
    if (name == u"punct")
        return ch.isPunct() || ch.isSymbol();
    if (name == u"space")
        return ch.isSpace();
    if (name == u"upper")
        return ch.isUpper();
    if (name == u"xdigit")
        return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
    *valid = false;
    return false;
}

// Recursion depth is bounded by the number of '*' in the pattern.
int doWild(QStringView pat, qsizetype p, QStringView text, qsizetype t, bool pathname)
{
    for (; p < pat.size(); ++p, ++t) {
        char16_t pch = pat[p].unicode();
        char16_t tch = at(text, t);
        if (tch == u'\0' && pch != u'*')
            return kAbortAll;
        switch (pch) {
        case u'\\':
            // Literal match with the next character; a trailing '\' matches nothing.
            pch = at(pat, ++p);
            [[fallthrough]];
        default:
            if (tch != pch)
                return kNoMatch;
            continue;
        case u'?':
            if (pathname && tch == u'/')
                return kNoMatch;
            continue;
        case u'*': {
            bool matchSlash = false;
            if (at(pat, ++p) == u'*') {
                const qsizetype prevP = p - 2;
                while (at(pat, ++p) == u'*') { }
                const char16_t next = at(pat, p);
                if ((prevP < 0 || pat[prevP] == u'/')
                    && (next == u'\0' || next == u'/' || (next == u'\\' && at(pat, p + 1) == u'/'))) {
                    // "**/" may match no directory at all: try the rest right here first.
                    if (next == u'/' && doWild(pat, p + 1, text, t, pathname) == kMatch)
                        return kMatch;
                    matchSlash = true;
                } else {
                    matchSlash = !pathname;
                }
            } else {
                matchSlash = !pathname;
            }
            if (p >= pat.size()) {
                // Trailing "**" matches everything; a trailing '*' only up to the next '/'.
                if (!matchSlash && text.sliced(t).contains(u'/'))
                    return kNoMatch;
                return kMatch;
            }
            if (!matchSlash && pat[p] == u'/') {
                // One '*' followed by '/' matches exactly one directory name.
                const qsizetype slash = text.indexOf(u'/', t);
                if (slash < 0)
                    return kNoMatch;
                t = slash;
                break; // the loop increment consumes the '/' on both sides
            }
            while (true) {
                if (tch == u'\0')
                    break;
                if (!isGlobSpecial(pat[p].unicode())) {
                    // Skip quickly to the next occurrence of the literal that follows the '*'.
                    pch = pat[p].unicode();
                    while ((tch = at(text, t)) != u'\0' && (matchSlash || tch != u'/')) {
                        if (tch == pch)
                            break;
                        ++t;
                    }
                    if (tch != pch)
                        return kNoMatch;
                }
                const int matched = doWild(pat, p, text, t, pathname);
                if (matched != kNoMatch) {
                    if (!matchSlash || matched != kAbortToStarStar)
                        return matched;
                } else if (!matchSlash && tch == u'/') {
                    return kAbortToStarStar;
                }
                tch = at(text, ++t);
            }
            return kAbortAll;
        }
        case u'[': {
            pch = at(pat, ++p);
            if (pch == u'^')
                pch = u'!';
            const bool negated = pch == u'!';
            if (negated)
                pch = at(pat, ++p);
            char16_t prev = 0;
            bool matched = false;
            do {
                if (pch == u'\0')
                    return kAbortAll;
                if (pch == u'\\') {
                    pch = at(pat, ++p);
                    if (pch == u'\0')
                        return kAbortAll;
                    if (tch == pch)
                        matched = true;
                } else if (pch == u'-' && prev != 0 && at(pat, p + 1) != u'\0' && at(pat, p + 1) != u']') {
                    pch = at(pat, ++p);
                    if (pch == u'\\') {
                        pch = at(pat, ++p);
                        if (pch == u'\0')
                            return kAbortAll;
                    }
                    if (tch <= pch && tch >= prev)
                        matched = true;
                    pch = 0; // so that prev becomes 0: "a-c-e" is a range and a literal
                } else if (pch == u'[' && at(pat, p + 1) == u':') {
                    p += 2;
                    const qsizetype start = p;
                    while ((pch = at(pat, p)) != u'\0' && pch != u']')
                        ++p;
                    if (pch == u'\0')
                        return kAbortAll;
                    const qsizetype len = p - start - 1;
                    if (len < 0 || pat[p - 1] != u':') {
                        // Not "[:class:]": treat the '[' as a literal member of the set.
                        p = start - 2;
                        pch = u'[';
                        if (tch == pch)
                            matched = true;
                        continue;
                    }
                    bool valid = false;
                    if (matchesClass(pat.sliced(start, len), tch, &valid))
                        matched = true;
                    if (!valid)
                        return kAbortAll;
                    pch = 0;
                } else if (tch == pch) {
                    matched = true;
                }
            } while (prev = pch, (pch = at(pat, ++p)) != u']');
            if (matched == negated || (pathname && tch == u'/'))
                return kNoMatch;
            continue;
        }
        }
    }
    return t < text.size() ? kNoMatch : kMatch;
}

bool wildmatch(QStringView pattern, QStringView text, bool pathname)
{
    return doWild(pattern, 0, text, 0, pathname) == kMatch;
}

// ---- pattern lists ---------------------------------------------------------------------------

qsizetype simpleLength(QStringView s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (isGlobSpecial(s[i].unicode()))
            return i;
    }
    return s.size();
}

// git's trim_trailing_spaces(): unescaped trailing spaces go, "\ " keeps its space.
QStringView trimTrailingSpaces(QStringView line)
{
    qsizetype lastSpace = -1;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const char16_t c = line[i].unicode();
        if (c == u' ') {
            if (lastSpace < 0)
                lastSpace = i;
        } else if (c == u'\\') {
            if (++i >= line.size())
                return line;
            lastSpace = -1;
        } else {
            lastSpace = -1;
        }
    }
    return lastSpace >= 0 ? line.first(lastSpace) : line;
}

std::optional<Pattern> compileLine(QStringView line)
{
    if (line.endsWith(u'\r'))
        line.chop(1);
    if (line.isEmpty() || line.front() == u'#')
        return std::nullopt;
    line = trimTrailingSpaces(line);
    Pattern pattern;
    if (line.startsWith(u'!')) {
        pattern.flags |= kNegative;
        line = line.sliced(1);
    }
    if (line.endsWith(u'/')) {
        pattern.flags |= kMustBeDir;
        line.chop(1);
    }
    if (!line.contains(u'/'))
        pattern.flags |= kBasename;
    else if (line.startsWith(u'/'))
        line = line.sliced(1);
    if (line.isEmpty())
        return std::nullopt;
    pattern.text = line.toString();
    pattern.prefix = simpleLength(pattern.text);
    if ((pattern.flags & kBasename) && pattern.text.front() == u'*'
        && simpleLength(QStringView(pattern.text).sliced(1)) == pattern.text.size() - 1)
        pattern.flags |= kEndsWith;
    return pattern;
}

struct PatternList {
    QString base; // directory the patterns are relative to: "" for the root, "a/b" below it
    std::vector<Pattern> patterns;

    void addLines(QStringView text)
    {
        if (text.startsWith(QChar(0xfeff)))
            text = text.sliced(1);
        for (QStringView line : text.tokenize(u'\n')) {
            if (std::optional<Pattern> pattern = compileLine(line))
                patterns.push_back(std::move(*pattern));
        }
    }

    // git's match_pathname(): `path` relative to the root, the pattern relative to `base`.
    bool matchPathname(const Pattern& pattern, QStringView path) const
    {
        QStringView name = path;
        if (!base.isEmpty()) {
            if (path.size() < base.size() + 1 || path[base.size()] != u'/' || !path.startsWith(base))
                return false;
            name = path.sliced(base.size() + 1);
        }
        QStringView text = pattern.text;
        if (pattern.prefix > 0) {
            if (pattern.prefix > name.size() || name.first(pattern.prefix) != text.first(pattern.prefix))
                return false;
            text = text.sliced(pattern.prefix);
            name = name.sliced(pattern.prefix);
            if (text.isEmpty())
                return name.isEmpty();
        }
        return wildmatch(text, name, true);
    }

    static bool matchBasename(const Pattern& pattern, QStringView basename)
    {
        if (pattern.prefix == pattern.text.size())
            return basename == pattern.text;
        if (pattern.flags & kEndsWith)
            return basename.endsWith(QStringView(pattern.text).sliced(1));
        return wildmatch(pattern.text, basename, false);
    }

    // The last matching pattern decides (git's last_matching_pattern_from_list()).
    Verdict match(QStringView path, QStringView basename, bool isDir) const
    {
        for (auto it = patterns.rbegin(); it != patterns.rend(); ++it) {
            const Pattern& pattern = *it;
            if ((pattern.flags & kMustBeDir) && !isDir)
                continue;
            const bool hit
                = (pattern.flags & kBasename) ? matchBasename(pattern, basename) : matchPathname(pattern, path);
            if (hit)
                return (pattern.flags & kNegative) ? Verdict::Included : Verdict::Excluded;
        }
        return Verdict::None;
    }
};

QString joinPath(const QString& root, QStringView rel)
{
    if (rel.isEmpty())
        return root;
    if (root.endsWith(u'/'))
        return root + rel;
    return root + u'/' + rel;
}

// The git directory of the work tree at `root`: ".git" itself, or where a ".git" file points
// (submodules, worktrees). Worktrees keep info/exclude in the common directory.
QString gitDirFor(const QString& root)
{
    const QString dotGit = joinPath(root, u".git");
    const QFileInfo info(dotGit);
    if (info.isDir())
        return dotGit;
    if (!info.isFile())
        return {};
    QFile file(dotGit);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString line = QString::fromUtf8(file.readLine()).trimmed();
    if (!line.startsWith(QLatin1String("gitdir:")))
        return {};
    QString gitDir = line.sliced(7).trimmed();
    if (QDir::isRelativePath(gitDir))
        gitDir = QDir(root).filePath(gitDir);
    QFile commonDir(gitDir + QStringLiteral("/commondir"));
    if (commonDir.open(QIODevice::ReadOnly)) {
        const QString common = QString::fromUtf8(commonDir.readLine()).trimmed();
        if (!common.isEmpty())
            return QDir::isRelativePath(common) ? QDir(gitDir).filePath(common) : common;
    }
    return gitDir;
}

void loadConfig(const QString& root, PatternList* list, QStringList* warnings)
{
    const QString path = joinPath(root, u".mu/config.json");
    QFile file(path);
    if (!file.exists())
        return;
    if (!file.open(QIODevice::ReadOnly)) {
        warnings->append(QStringLiteral(".mu/config.json: cannot read (%1); its ignore patterns are not used")
                             .arg(file.errorString()));
        return;
    }
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        const QString why = error.error != QJsonParseError::NoError
            ? QStringLiteral("malformed JSON at offset %1: %2").arg(error.offset).arg(error.errorString())
            : QStringLiteral("not a JSON object");
        warnings->append(QStringLiteral(".mu/config.json: %1; its ignore patterns are not used").arg(why));
        return;
    }
    const QJsonValue ignore = document.object().value(QLatin1String("ignore"));
    if (ignore.isUndefined() || ignore.isNull())
        return;
    if (!ignore.isArray()) {
        warnings->append(QStringLiteral(".mu/config.json: \"ignore\" must be an array of patterns; ignored"));
        return;
    }
    const QJsonArray array = ignore.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue value = array.at(i);
        if (!value.isString()) {
            warnings->append(QStringLiteral(".mu/config.json: \"ignore\"[%1] is not a string; skipped").arg(i));
            continue;
        }
        list->addLines(value.toString());
    }
}

} // namespace

struct IgnoreRules::Shared {
    PatternList config;
    PatternList defaults;
    PatternList exclude;
    bool useGitignore = true;
};

struct IgnoreRules::Level {
    std::shared_ptr<const Level> parent;
    PatternList list;
};

bool IgnoreRules::Scope::isIgnored(QStringView relPath, bool isDir) const
{
    if (!m_shared)
        return false;
    const QStringView basename = relPath.sliced(relPath.lastIndexOf(u'/') + 1);
    if (isDir && (basename == u".git" || basename == u".mu"))
        return true;
    if (const Verdict verdict = m_shared->config.match(relPath, basename, isDir); verdict != Verdict::None)
        return verdict == Verdict::Excluded;
    if (m_shared->defaults.match(relPath, basename, isDir) == Verdict::Excluded)
        return true;
    for (const Level* level = m_level.get(); level; level = level->parent.get()) {
        if (const Verdict verdict = level->list.match(relPath, basename, isDir); verdict != Verdict::None)
            return verdict == Verdict::Excluded;
    }
    return m_shared->exclude.match(relPath, basename, isDir) == Verdict::Excluded;
}

IgnoreRules::Scope IgnoreRules::Scope::enterDirectory(QStringView relDir, QByteArrayView gitignore) const
{
    if (!m_shared || !m_shared->useGitignore || gitignore.isEmpty())
        return *this;
    auto level = std::make_shared<Level>();
    level->list.base = relDir.toString();
    level->list.addLines(QString::fromUtf8(gitignore));
    if (level->list.patterns.empty())
        return *this;
    level->parent = m_level;
    Scope scope;
    scope.m_shared = m_shared;
    scope.m_level = std::move(level);
    return scope;
}

IgnoreRules IgnoreRules::load(const QString& root, const IgnoreOptions& options)
{
    IgnoreRules rules;
    rules.m_root = root;
    auto shared = std::make_shared<Shared>();
    shared->useGitignore = options.useGitignore;
    if (options.useConfig)
        loadConfig(root, &shared->config, &rules.m_warnings);
    for (const QString& line : options.extraPatterns)
        shared->config.addLines(line);
    if (options.useDefaults) {
        for (const char* line : kDefaultPatterns)
            shared->defaults.addLines(QString::fromLatin1(line));
    }
    QByteArray rootGitignore;
    if (options.useGitignore) {
        if (const QString gitDir = gitDirFor(root); !gitDir.isEmpty())
            shared->exclude.addLines(
                QString::fromUtf8(readIgnoreFile(gitDir + QStringLiteral("/info/exclude"), &rules.m_warnings)));
        rootGitignore = readIgnoreFile(joinPath(root, u".gitignore"), &rules.m_warnings);
    }
    Scope base;
    base.m_shared = std::move(shared);
    if (!rootGitignore.isEmpty()) {
        auto level = std::make_shared<Level>();
        level->list.addLines(QString::fromUtf8(rootGitignore));
        base.m_level = std::move(level);
    }
    rules.m_rootScope = std::move(base);
    return rules;
}

std::optional<IgnoreRules::Scope> IgnoreRules::scopeFor(QStringView relDir) const
{
    while (relDir.endsWith(u'/'))
        relDir.chop(1);
    Scope scope = m_rootScope;
    if (relDir.isEmpty())
        return scope;
    qsizetype end = 0;
    while (end >= 0) {
        end = relDir.indexOf(u'/', end + 1);
        const QStringView dir = end < 0 ? relDir : relDir.first(end);
        if (scope.isIgnored(dir, true))
            return std::nullopt;
        if (m_rootScope.m_shared && m_rootScope.m_shared->useGitignore)
            scope = scope.enterDirectory(dir, readIgnoreFile(joinPath(m_root, dir) + QStringLiteral("/.gitignore")));
    }
    return scope;
}

bool IgnoreRules::isIgnored(QStringView relPath, bool isDir) const
{
    if (relPath.endsWith(u'/')) {
        isDir = true;
        while (relPath.endsWith(u'/'))
            relPath.chop(1);
    }
    if (relPath.isEmpty())
        return false;
    const qsizetype slash = relPath.lastIndexOf(u'/');
    const std::optional<Scope> parent = scopeFor(slash < 0 ? QStringView() : relPath.first(slash));
    return !parent || parent->isIgnored(relPath, isDir);
}

QByteArray IgnoreRules::readIgnoreFile(const QString& path, QStringList* warnings)
{
    // Regular files only: opening a FIFO named .gitignore would block.
    const QFileInfo info(path);
    if (!info.isFile())
        return {};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (warnings)
            warnings->append(QStringLiteral("%1: cannot read (%2)").arg(path, file.errorString()));
        return {};
    }
    return file.readAll();
}

} // namespace mu::index
