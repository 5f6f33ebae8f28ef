#include "contracts/pathfilter.h"

#include <QRegularExpression>

namespace mu::contracts {

bool isTestPath(const QString& path)
{
    static const QRegularExpression directory(
        QStringLiteral("(?:^|/)(?:tests?|__tests__|spec|testdata)/|(?:^|/)src/test/"));
    static const QRegularExpression file(
        QStringLiteral("^(?:test_.*\\.py|.*_test\\.py|conftest\\.py" // Python (pytest)
                       "|.*_test\\.go"                               // Go
                       "|.*\\.(?:test|spec)\\.[cm]?[jt]sx?"          // JavaScript, TypeScript
                       "|.*(?:Tests?|IT)\\.(?:java|kt|cs)"           // Java, Kotlin, C#
                       "|.*_(?:unit)?test\\.(?:c|cc|cpp|cxx)|(?:test|tst)_.*\\.(?:c|cc|cpp|cxx)" // C, C++
                       ")$"));
    if (directory.match(path).hasMatch())
        return true;
    const QString name = path.section(u'/', -1);
    return file.match(name).hasMatch();
}

PathFilter::PathFilter(const Settings& settings) : m_excludeTests(settings.excludeTests)
{
    for (const QString& pattern : settings.excludePatterns)
        m_patterns.append(Glob(pattern));
}

bool PathFilter::excluded(const QString& path) const
{
    if (path.isEmpty())
        return false;
    if (m_excludeTests && isTestPath(path))
        return true;
    for (const Glob& glob : m_patterns) {
        if (glob.matches(path))
            return true;
    }
    return false;
}

} // namespace mu::contracts
