#include "parse/languageregistry.h"

#include "parse/ecmascript/ecmascriptextractor.h"
#include "parse/python/pythonextractor.h"

extern "C" {
const TSLanguage* tree_sitter_python();
const TSLanguage* tree_sitter_javascript();
const TSLanguage* tree_sitter_typescript();
const TSLanguage* tree_sitter_tsx();
}

namespace mu::parse {

LanguageRegistry::LanguageRegistry()
{
    using Dialect = EcmaScriptExtractor::Dialect;
    m_languages = {
        {QStringLiteral("python"), QStringLiteral("tree-sitter-python"), &tree_sitter_python,
            {QStringLiteral(".py"), QStringLiteral(".pyw")}, std::make_shared<PythonExtractor>()},
        {QStringLiteral("javascript"), QStringLiteral("tree-sitter-javascript"), &tree_sitter_javascript,
            {QStringLiteral(".js"), QStringLiteral(".jsx"), QStringLiteral(".mjs"), QStringLiteral(".cjs")},
            std::make_shared<EcmaScriptExtractor>(Dialect::JavaScript)},
        {QStringLiteral("typescript"), QStringLiteral("tree-sitter-typescript/typescript"), &tree_sitter_typescript,
            {QStringLiteral(".ts"), QStringLiteral(".mts"), QStringLiteral(".cts")},
            std::make_shared<EcmaScriptExtractor>(Dialect::TypeScript)},
        {QStringLiteral("tsx"), QStringLiteral("tree-sitter-typescript/tsx"), &tree_sitter_tsx,
            {QStringLiteral(".tsx")}, std::make_shared<EcmaScriptExtractor>(Dialect::Tsx)},
    };
}

const LanguageRegistry& LanguageRegistry::builtin()
{
    static const LanguageRegistry registry;
    return registry;
}

const Language* LanguageRegistry::forPath(QStringView path) const
{
    const qsizetype slash = path.lastIndexOf(u'/');
    const qsizetype dot = path.lastIndexOf(u'.');
    if (dot <= slash + 1) // no extension, or a dot-file such as ".eslintrc"
        return nullptr;
    const QStringView extension = path.sliced(dot);
    for (const Language& language : m_languages) {
        for (const QString& candidate : language.extensions) {
            if (extension.compare(candidate, Qt::CaseInsensitive) == 0)
                return &language;
        }
    }
    return nullptr;
}

const Language* LanguageRegistry::byId(QStringView id) const
{
    for (const Language& language : m_languages) {
        if (language.id == id)
            return &language;
    }
    return nullptr;
}

} // namespace mu::parse
