#include "parse/languageregistry.h"

#include "parse/cfamily/cfamilyextractor.h"
#include "parse/csharp/csharpextractor.h"
#include "parse/ecmascript/ecmascriptextractor.h"
#include "parse/go/goextractor.h"
#include "parse/java/javaextractor.h"
#include "parse/python/pythonextractor.h"
#include "parse/rust/rustextractor.h"

extern "C" {
const TSLanguage* tree_sitter_python();
const TSLanguage* tree_sitter_javascript();
const TSLanguage* tree_sitter_typescript();
const TSLanguage* tree_sitter_tsx();
const TSLanguage* tree_sitter_go();
const TSLanguage* tree_sitter_rust();
const TSLanguage* tree_sitter_java();
const TSLanguage* tree_sitter_c_sharp();
const TSLanguage* tree_sitter_c();
const TSLanguage* tree_sitter_cpp();
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
        {QStringLiteral("go"), QStringLiteral("tree-sitter-go"), &tree_sitter_go, {QStringLiteral(".go")},
            std::make_shared<GoExtractor>()},
        {QStringLiteral("rust"), QStringLiteral("tree-sitter-rust"), &tree_sitter_rust, {QStringLiteral(".rs")},
            std::make_shared<RustExtractor>()},
        {QStringLiteral("java"), QStringLiteral("tree-sitter-java"), &tree_sitter_java, {QStringLiteral(".java")},
            std::make_shared<JavaExtractor>()},
        {QStringLiteral("csharp"), QStringLiteral("tree-sitter-c-sharp"), &tree_sitter_c_sharp, {QStringLiteral(".cs")},
            std::make_shared<CSharpExtractor>()},
        // ".h" is C here; the indexer parses a header as C++ where the code around it is C++
        // (index::HeaderLanguages).
        {QStringLiteral("c"), QStringLiteral("tree-sitter-c"), &tree_sitter_c,
            {QStringLiteral(".c"), QStringLiteral(".h")},
            std::make_shared<CFamilyExtractor>(CFamilyExtractor::Dialect::C),
            [](const QByteArray& utf8) { return CFamilyExtractor::prepareSource(utf8, CFamilyExtractor::Dialect::C); }},
        {QStringLiteral("cpp"), QStringLiteral("tree-sitter-cpp"), &tree_sitter_cpp,
            {QStringLiteral(".cpp"), QStringLiteral(".cc"), QStringLiteral(".cxx"), QStringLiteral(".c++"),
                QStringLiteral(".hpp"), QStringLiteral(".hh"), QStringLiteral(".hxx"), QStringLiteral(".h++"),
                QStringLiteral(".ipp"), QStringLiteral(".tpp"), QStringLiteral(".inl")},
            std::make_shared<CFamilyExtractor>(CFamilyExtractor::Dialect::Cpp),
            [](const QByteArray& utf8) {
                return CFamilyExtractor::prepareSource(utf8, CFamilyExtractor::Dialect::Cpp);
            }},
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
