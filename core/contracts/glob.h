#pragma once

#include <QRegularExpression>
#include <QString>

#include <optional>

namespace mu::contracts {

/// A glob on project-relative, '/'-separated file paths, as in .gitignore and most build tools:
/// `*` matches within one path segment, `?` one character of a segment, `[abc]`/`[a-z]`/`[!x]` a
/// character class, and `**` any number of whole segments (zero included), so `src/**` matches
/// everything under src/ and `**/test_*.py` matches test_a.py at any depth, the root included.
/// A pattern matches the whole path.
/// Thread: immutable after construction; match() may be called from any thread.
class Glob {
public:
    /// Error text when `pattern` is not a valid glob ("unclosed '[' at column 5"), else nullopt.
    static std::optional<QString> check(const QString& pattern);
    /// `pattern` must have passed check().
    explicit Glob(const QString& pattern);

    bool matches(const QString& path) const;
    const QString& pattern() const { return m_pattern; }

private:
    QString m_pattern;
    QRegularExpression m_regex;
};

} // namespace mu::contracts
