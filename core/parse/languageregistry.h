#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringView>

#include <memory>

struct TSLanguage;

namespace mu::parse {

class Extractor;

/// A language MU understands: its grammar, the file extensions that select it, and its extractor.
struct Language {
    QString id;          ///< "python", "javascript", "typescript", "tsx"
    QString grammarName; ///< npm package folder, for locating queries
    const TSLanguage* (*grammar)() = nullptr;
    QList<QString> extensions; ///< lower-case, with the dot: ".py"
    std::shared_ptr<const Extractor> extractor;
    /// Optional pre-parse step: the bytes the parser should see for a file's UTF-8 text, with
    /// the same length and line structure so that tree positions stay valid for the original
    /// (the extractor reads names and signatures from the original). Returns its argument,
    /// shared and not copied, when nothing applies. Null for languages that parse files as they are.
    QByteArray (*prepareSource)(const QByteArray& utf8) = nullptr;
};

/// Maps file names to languages. Immutable after construction; safe to use from any thread.
class LanguageRegistry {
public:
    /// The registry of every built-in language.
    static const LanguageRegistry& builtin();

    const Language* forPath(QStringView path) const;
    const Language* byId(QStringView id) const;
    const QList<Language>& languages() const { return m_languages; }

private:
    LanguageRegistry();
    QList<Language> m_languages;
};

} // namespace mu::parse
