#include "parse/cfamily/cfamilyextractor.h"

#include "parse/complexity.h"
#include "parse/symbolmap.h"
#include "parse/treewalk.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <utility>
#include <vector>

namespace mu::parse {

namespace {

/// The grammar symbols the extractor looks at (both grammars; C simply lacks the C++ ones).
/// Dispatching on a per-file symbol table instead of comparing ts_node_type() strings keeps the
/// walk cheap on large files.
enum class Sym : quint8 {
    Other,
    Error,
    FunctionDefinition,
    Declaration,
    FieldDeclaration,
    TemplateDeclaration,
    ClassSpecifier,
    StructSpecifier,
    UnionSpecifier,
    EnumSpecifier,
    TypeDefinition,
    NamespaceDefinition,
    NestedNamespaceSpecifier,
    NamespaceIdentifier,
    UsingDeclaration,
    FriendDeclaration,
    PreprocInclude,
    PreprocFunctionDef,
    FieldDeclarationList,
    EnumeratorList,
    Enumerator,
    AccessSpecifier,
    Comment,
    CallExpression,
    NewExpression,
    FieldExpression,
    QualifiedIdentifier,
    Identifier,
    FieldIdentifier,
    TypeIdentifier,
    TemplateType,
    TemplateFunction,
    TemplateMethod,
    DependentName,
    DestructorName,
    OperatorName,
    OperatorCast,
    FunctionDeclarator,
    AbstractFunctionDeclarator,
    PointerDeclarator,
    ReferenceDeclarator,
    ParenthesizedDeclarator,
    AttributedDeclarator,
    ArrayDeclarator,
    InitDeclarator,
    ParameterList,
    ParameterDeclaration,
    OptionalParameterDeclaration,
    VariadicParameterDeclaration,
    VariadicParameter,
    VariadicDeclarator,
    TemplateParameterList,
    TypeParameterDeclaration,
    OptionalTypeParameterDeclaration,
    VariadicTypeParameterDeclaration,
    TemplateTemplateParameterDeclaration,
    TemplateArgumentList,
    TypeDescriptor,
    StorageClassSpecifier,
    TypeQualifier,
    VirtualSpecifier,
    Noexcept,
    ThrowSpecifier,
    BaseClassClause,
    FieldInitializerList,
    DefaultMethodClause,
    DeleteMethodClause,
    TrailingReturnType,
    LambdaExpression,
    This,
    StringLiteral,
    StringContent,
    SystemLibString,
    ParenthesizedExpression,
    PointerExpression,
    CompoundStatement,
    IfStatement,
    ForStatement,
    ForRangeLoop,
    WhileStatement,
    DoStatement,
    CaseStatement,
    CatchClause,
    ConditionalExpression,
    BinaryExpression,
};

using SymName = SymbolName<Sym>;

constexpr SymName kSymbols[] = {
    {"function_definition", Sym::FunctionDefinition},
    {"declaration", Sym::Declaration},
    {"field_declaration", Sym::FieldDeclaration},
    {"template_declaration", Sym::TemplateDeclaration},
    {"class_specifier", Sym::ClassSpecifier},
    {"struct_specifier", Sym::StructSpecifier},
    {"union_specifier", Sym::UnionSpecifier},
    {"enum_specifier", Sym::EnumSpecifier},
    {"type_definition", Sym::TypeDefinition},
    {"namespace_definition", Sym::NamespaceDefinition},
    {"nested_namespace_specifier", Sym::NestedNamespaceSpecifier},
    {"namespace_identifier", Sym::NamespaceIdentifier},
    {"using_declaration", Sym::UsingDeclaration},
    {"friend_declaration", Sym::FriendDeclaration},
    {"preproc_include", Sym::PreprocInclude},
    {"preproc_function_def", Sym::PreprocFunctionDef},
    {"field_declaration_list", Sym::FieldDeclarationList},
    {"enumerator_list", Sym::EnumeratorList},
    {"enumerator", Sym::Enumerator},
    {"access_specifier", Sym::AccessSpecifier},
    {"comment", Sym::Comment},
    {"call_expression", Sym::CallExpression},
    {"new_expression", Sym::NewExpression},
    {"field_expression", Sym::FieldExpression},
    {"qualified_identifier", Sym::QualifiedIdentifier},
    {"identifier", Sym::Identifier},
    {"field_identifier", Sym::FieldIdentifier},
    {"type_identifier", Sym::TypeIdentifier},
    {"template_type", Sym::TemplateType},
    {"template_function", Sym::TemplateFunction},
    {"template_method", Sym::TemplateMethod},
    {"dependent_name", Sym::DependentName},
    {"destructor_name", Sym::DestructorName},
    {"operator_name", Sym::OperatorName},
    {"operator_cast", Sym::OperatorCast},
    {"function_declarator", Sym::FunctionDeclarator},
    {"abstract_function_declarator", Sym::AbstractFunctionDeclarator},
    {"pointer_declarator", Sym::PointerDeclarator},
    {"reference_declarator", Sym::ReferenceDeclarator},
    {"parenthesized_declarator", Sym::ParenthesizedDeclarator},
    {"attributed_declarator", Sym::AttributedDeclarator},
    {"array_declarator", Sym::ArrayDeclarator},
    {"init_declarator", Sym::InitDeclarator},
    {"parameter_list", Sym::ParameterList},
    {"parameter_declaration", Sym::ParameterDeclaration},
    {"optional_parameter_declaration", Sym::OptionalParameterDeclaration},
    {"variadic_parameter_declaration", Sym::VariadicParameterDeclaration},
    {"variadic_parameter", Sym::VariadicParameter},
    {"variadic_declarator", Sym::VariadicDeclarator},
    {"template_parameter_list", Sym::TemplateParameterList},
    {"type_parameter_declaration", Sym::TypeParameterDeclaration},
    {"optional_type_parameter_declaration", Sym::OptionalTypeParameterDeclaration},
    {"variadic_type_parameter_declaration", Sym::VariadicTypeParameterDeclaration},
    {"template_template_parameter_declaration", Sym::TemplateTemplateParameterDeclaration},
    {"template_argument_list", Sym::TemplateArgumentList},
    {"type_descriptor", Sym::TypeDescriptor},
    {"storage_class_specifier", Sym::StorageClassSpecifier},
    {"type_qualifier", Sym::TypeQualifier},
    {"virtual_specifier", Sym::VirtualSpecifier},
    {"noexcept", Sym::Noexcept},
    {"throw_specifier", Sym::ThrowSpecifier},
    {"base_class_clause", Sym::BaseClassClause},
    {"field_initializer_list", Sym::FieldInitializerList},
    {"default_method_clause", Sym::DefaultMethodClause},
    {"delete_method_clause", Sym::DeleteMethodClause},
    {"trailing_return_type", Sym::TrailingReturnType},
    {"lambda_expression", Sym::LambdaExpression},
    {"this", Sym::This},
    {"string_literal", Sym::StringLiteral},
    {"string_content", Sym::StringContent},
    {"system_lib_string", Sym::SystemLibString},
    {"parenthesized_expression", Sym::ParenthesizedExpression},
    {"pointer_expression", Sym::PointerExpression},
    {"compound_statement", Sym::CompoundStatement},
    {"if_statement", Sym::IfStatement},
    {"for_statement", Sym::ForStatement},
    {"for_range_loop", Sym::ForRangeLoop},
    {"while_statement", Sym::WhileStatement},
    {"do_statement", Sym::DoStatement},
    {"case_statement", Sym::CaseStatement},
    {"catch_clause", Sym::CatchClause},
    {"conditional_expression", Sym::ConditionalExpression},
    {"binary_expression", Sym::BinaryExpression},
};

using SymbolTable = SymbolMap<Sym>;

// ---------------------------------------------------------------------------------------------
// Source preparation (CFamilyExtractor::prepareSource)
//
// tree-sitter parses C and C++ without a preprocessor, so two kinds of text derail it: macros
// that expand to nothing or to attributes (`class Q_CORE_EXPORT QString`), and `#if`/`#else`
// groups whose branches are alternative halves of one construct. Both are handled by overwriting
// bytes with spaces (newlines kept), so every offset, line and column of the tree stays valid for
// the original text.

/// Macros that expand to nothing or to attributes and that no naming rule below recognises.
constexpr const char* kBlankWords[] = {
    // Qt
    "QT_BEGIN_NAMESPACE", "QT_END_NAMESPACE", "QT_BEGIN_HEADER", "QT_END_HEADER", "QT_BEGIN_MOC_NAMESPACE",
    "QT_END_MOC_NAMESPACE", "QT_USE_NAMESPACE", "QT_WARNING_PUSH", "QT_WARNING_POP", "Q_OBJECT", "Q_GADGET",
    "Q_NAMESPACE", "Q_INVOKABLE", "Q_SCRIPTABLE", "Q_SLOTS", "slots", "Q_SIGNAL", "Q_SLOT", "Q_REQUIRED_RESULT",
    "Q_ALWAYS_INLINE", "Q_NEVER_INLINE", "Q_NORETURN", "Q_IMPLICIT", "Q_WEAK_OVERLOAD", "Q_CONSTINIT",
    "Q_OUTOFLINE_TEMPLATE", "Q_INLINE_TEMPLATE", "QT_DEPRECATED", "QT_TECH_PREVIEW_API",
    "QT_POST_CXX17_API_IN_EXPORTED_CLASS", "QT_ASCII_CAST_WARN", "Q_NODISCARD_CTOR", "QT6_ONLY",
    // Linux
    "__init", "__exit", "__initdata", "__initconst", "__exitdata", "__ref", "__refdata", "__user", "__kernel",
    "__iomem", "__rcu", "__percpu", "__force", "__must_check", "__always_inline", "noinline", "__noinline", "__cold",
    "__hot", "__weak", "__visible", "__used", "__maybe_unused", "__always_unused", "__noreturn", "__packed",
    "__read_mostly", "__ro_after_init", "__cacheline_aligned", "__cacheline_aligned_in_smp", "____cacheline_aligned",
    "____cacheline_aligned_in_smp", "__randomize_layout", "__latent_entropy", "__sched", "__kprobes", "notrace",
    "noinstr", "asmlinkage", "__attribute_const__", "__pure", "__bitwise", "__nocfi", "__safe", "__private",
    "__deprecated", "__malloc", "__meminit", "__net_init", "__net_exit", "__initdata_or_module", "__lockfunc",
    "__irq_entry", "__no_kcsan", "__no_sanitize_address", "__nostackprotector", "__naked", "__fastpath_inline",
    "__counted_by_ptr"};

/// Macros whose parenthesised argument list goes with them: declarations for moc and attribute
/// macros that take arguments.
constexpr const char* kBlankCalls[] = {
    // Qt
    "Q_PROPERTY", "Q_PRIVATE_PROPERTY", "Q_PRIVATE_SLOT", "Q_ENUM", "Q_ENUMS", "Q_FLAG", "Q_FLAGS", "Q_ENUM_NS",
    "Q_FLAG_NS", "Q_CLASSINFO", "Q_INTERFACES", "Q_PLUGIN_METADATA", "Q_REVISION", "Q_MOC_INCLUDE", "Q_DECLARE_PRIVATE",
    "Q_DECLARE_PRIVATE_D", "Q_DECLARE_PUBLIC", "Q_DISABLE_COPY", "Q_DISABLE_COPY_MOVE", "Q_DISABLE_MOVE",
    "Q_DECLARE_FLAGS", "Q_GADGET_EXPORT", "Q_NAMESPACE_EXPORT", "Q_OBJECT_BINDABLE_PROPERTY",
    "Q_OBJECT_COMPAT_PROPERTY", "QT_DEPRECATED_X", "Q_DECL_DEPRECATED_X", "Q_DECLARE_SHARED",
    "Q_DECLARE_EQUALITY_COMPARABLE", "Q_DECLARE_PARTIALLY_ORDERED", "Q_DECLARE_STRONGLY_ORDERED",
    "Q_DECLARE_WEAKLY_ORDERED", "QT_WARNING_DISABLE_GCC", "QT_WARNING_DISABLE_CLANG", "QT_WARNING_DISABLE_MSVC",
    "QT_WARNING_DISABLE_INTEL", "QT_WARNING_DISABLE_DEPRECATED", "Q_ATTRIBUTE_FORMAT_PRINTF",
    "QT_MOVE_ASSIGNMENT_OPERATOR_IMPL_VIA_PURE_SWAP", "QT_MOVE_ASSIGNMENT_OPERATOR_IMPL_VIA_MOVE_AND_SWAP",
    // declarations at file scope written without a `;`
    "Q_LOGGING_CATEGORY", "Q_DECLARE_LOGGING_CATEGORY", "Q_DECLARE_METATYPE", "Q_DECLARE_TYPEINFO",
    "Q_DECLARE_INTERFACE", "Q_DECLARE_OPERATORS_FOR_FLAGS", "Q_GLOBAL_STATIC", "Q_IMPORT_PLUGIN", "QTEST_MAIN",
    "QTEST_GUILESS_MAIN", "QTEST_APPLESS_MAIN",
    // Linux
    "__printf", "__scanf", "__acquires", "__releases", "__must_hold", "__aligned", "__section", "__alloc_size",
    "__counted_by", "__cond_acquires"};

/// Name endings of export, linkage and calling-convention macros by common convention
/// (`Q_CORE_EXPORT`, `QDESIGNER_SDK_EXPORT`, `SQLITE_API`, `CURL_EXTERN`, `GL_APICALL`, `GL_APIENTRY`,
/// `QT_FASTCALL`, `Q_INLINE_TEMPLATE`, `QCHAR_MAYBE_IMPLICIT`, `QT_POPCOUNT_CONSTEXPR`).
constexpr QByteArrayView kAnnotationSuffixes[] = {"_EXPORT", "_API", "_EXTERN", "_APICALL", "_APIENTRY", "_APIENTRYP",
    "_FASTCALL", "_INLINE", "_TEMPLATE", "_IMPLICIT", "_EXPLICIT", "_CONSTEXPR", "_DEPRECATED"};

bool isWordByte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
        || static_cast<unsigned char>(c) >= 0x80;
}

bool isBlankByte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/// An ALL_CAPS identifier of two or more characters (`Q_CORE_EXPORT`, `QHELP_EXPORT`, `FOO2`):
/// by near-universal convention a macro, never a keyword.
bool isUpperWord(QByteArrayView word)
{
    if (word.size() < 2 || (word[0] >= '0' && word[0] <= '9'))
        return false;
    bool letter = false;
    for (const char c : word) {
        if (c >= 'A' && c <= 'Z')
            letter = true;
        else if (!(c == '_' || (c >= '0' && c <= '9')))
            return false;
    }
    return letter;
}

/// An ALL_CAPS word named like an export, linkage or calling-convention macro.
bool hasAnnotationShape(QByteArrayView word)
{
    if (!isUpperWord(word))
        return false;
    return std::any_of(std::begin(kAnnotationSuffixes), std::end(kAnnotationSuffixes),
        [&](QByteArrayView suffix) { return word.size() > suffix.size() && word.endsWith(suffix); });
}

/// Splits C/C++ source into the tokens source preparation needs: words, punctuation (one byte
/// each), literals and preprocessor directives (a whole logical line). Whitespace, comments and
/// line continuations are skipped. Cheap to copy, which is how callers look ahead.
class Lexer {
public:
    enum class Kind : quint8 {
        End,
        Word,
        Punct,
        Literal,
        Directive
    };
    struct Token {
        Kind kind = Kind::End;
        qsizetype begin = 0;
        qsizetype end = 0;
    };

    explicit Lexer(QByteArrayView source) : m_s(source) { }

    Token next();
    /// The next token without consuming it.
    Token peek() const { return Lexer(*this).next(); }
    /// Consumes a balanced `( … )` whose `(` is the next token; returns the offset after its `)`
    /// (or the end of the source when it is unbalanced).
    qsizetype skipParentheses();
    QByteArrayView view(const Token& token) const { return m_s.sliced(token.begin, token.end - token.begin); }
    bool isPunct(const Token& token, char c) const { return token.kind == Kind::Punct && m_s[token.begin] == c; }

private:
    qsizetype literalEnd(qsizetype quote) const;

    QByteArrayView m_s;
    qsizetype m_i = 0;
    bool m_lineStart = true;
};

Lexer::Token Lexer::next()
{
    const qsizetype n = m_s.size();
    while (m_i < n) {
        const char c = m_s[m_i];
        if (c == '\n') {
            m_lineStart = true;
            ++m_i;
            continue;
        }
        if (isBlankByte(c)) {
            ++m_i;
            continue;
        }
        if (c == '\\' && m_i + 1 < n && (m_s[m_i + 1] == '\n' || m_s[m_i + 1] == '\r')) {
            m_i += 2;
            continue;
        }
        const qsizetype begin = m_i;
        if (c == '#' && m_lineStart) {
            // A directive runs to the end of the line, continuations included.
            while (m_i < n && m_s[m_i] != '\n') {
                if (m_s[m_i] == '\\' && m_i + 1 < n && m_s[m_i + 1] == '\n')
                    ++m_i;
                ++m_i;
            }
            return {Kind::Directive, begin, m_i};
        }
        m_lineStart = false;
        if (c == '/' && m_i + 1 < n && m_s[m_i + 1] == '/') {
            while (m_i < n && m_s[m_i] != '\n')
                ++m_i;
            continue;
        }
        if (c == '/' && m_i + 1 < n && m_s[m_i + 1] == '*') {
            const qsizetype close = m_s.sliced(m_i + 2).indexOf("*/");
            m_i = close < 0 ? n : m_i + 2 + close + 2;
            continue;
        }
        if (c == '"' || c == '\'') {
            m_i = literalEnd(m_i);
            return {Kind::Literal, begin, m_i};
        }
        if (isWordByte(c)) {
            // Digit separators (`1'000`) stay inside a number.
            const bool number = c >= '0' && c <= '9';
            while (m_i < n
                && (isWordByte(m_s[m_i]) || (number && m_s[m_i] == '\'' && m_i + 1 < n && isWordByte(m_s[m_i + 1]))))
                ++m_i;
            return {Kind::Word, begin, m_i};
        }
        ++m_i;
        return {Kind::Punct, begin, m_i};
    }
    return {Kind::End, n, n};
}

qsizetype Lexer::literalEnd(qsizetype quote) const
{
    const qsizetype n = m_s.size();
    if (m_s[quote] == '"' && quote > 0 && m_s[quote - 1] == 'R') {
        // Raw string `R"delim( … )delim"`: no escapes, may span lines.
        const qsizetype open = m_s.sliced(quote).indexOf('(');
        if (open > 0 && open <= 17) {
            const QByteArray close = ')' + m_s.sliced(quote + 1, open - 1).toByteArray() + '"';
            const qsizetype at = m_s.sliced(quote + open).indexOf(close);
            return at < 0 ? n : quote + open + at + close.size();
        }
    }
    const char delimiter = m_s[quote];
    qsizetype i = quote + 1;
    for (; i < n && m_s[i] != delimiter && m_s[i] != '\n'; ++i) {
        if (m_s[i] == '\\')
            ++i;
    }
    return std::min(i + 1, n);
}

qsizetype Lexer::skipParentheses()
{
    int depth = 0;
    for (Token token = next(); token.kind != Kind::End; token = next()) {
        if (isPunct(token, '('))
            ++depth;
        else if (isPunct(token, ')') && --depth <= 0)
            return token.end;
    }
    return m_s.size();
}

/// Overwrites ranges of `bytes` with spaces, newlines kept. `bytes` is detached (copied) on the
/// first write only, so a file that needs nothing stays shared with its caller.
class Blanker {
public:
    explicit Blanker(QByteArray& bytes) : m_bytes(bytes) { }

    void blank(qsizetype from, qsizetype to)
    {
        char* data = writable();
        for (qsizetype i = from; i < std::min(to, m_bytes.size()); ++i) {
            if (data[i] != '\n')
                data[i] = ' ';
        }
    }
    /// Writes `text` at `at`, blanking the rest of [at, to): `Q_SIGNALS` → `public   `.
    void replace(qsizetype at, qsizetype to, QByteArrayView text)
    {
        blank(at, to);
        std::copy(text.begin(), text.end(), writable() + at);
    }

private:
    char* writable()
    {
        if (!m_data)
            m_data = m_bytes.data();
        return m_data;
    }

    QByteArray& m_bytes;
    char* m_data = nullptr;
};

// --- Split conditionals ------------------------------------------------------------------------

/// What the tokens of one branch of an `#if` group add up to.
struct BranchShape {
    int braces = 0;
    int parentheses = 0;
    char last = 0;            ///< last punctuation, or 0 when the last token is a word or literal
    bool accessColon = false; ///< ends with `public:`, `Q_SIGNALS:` …
    bool empty = true;
    bool continuesStatement = false; ///< starts with `else`
    bool statementStart = true;      ///< the next token starts a declaration or statement
    bool macroHead = false;          ///< the last token is an ALL_CAPS word that started a statement
    int macroDepth = -1;             ///< `parentheses` before the `(` of such a word's arguments
    QByteArrayView lastWord;

    /// Whether the branch holds whole declarations or statements: a parser that sees it alone
    /// (or not at all) still sees valid code. A statement-position macro invocation without a
    /// semicolon (`Q_DECLARE_METATYPE(T)`) counts as whole.
    bool whole() const
    {
        return braces == 0 && parentheses == 0 && !continuesStatement
            && (empty || last == ';' || last == '}' || accessColon);
    }
    void add(const Lexer& lexer, const Lexer::Token& token)
    {
        const QByteArrayView text = lexer.view(token);
        if (empty && text == "else")
            continuesStatement = true; // `#ifdef X` / `else if (…) …;` / `#endif` continues an `if`
        empty = false;
        if (token.kind != Lexer::Kind::Punct) {
            macroHead = statementStart && token.kind == Lexer::Kind::Word && isUpperWord(text);
            statementStart = false;
            last = 0;
            accessColon = false;
            lastWord = token.kind == Lexer::Kind::Word ? text : QByteArrayView();
            return;
        }
        const char c = text[0];
        if (c == '(' && macroHead)
            macroDepth = parentheses;
        braces += c == '{' ? 1 : c == '}' ? -1 : 0;
        parentheses += c == '(' ? 1 : c == ')' ? -1 : 0;
        accessColon = c == ':'
            && (lastWord == "public" || lastWord == "protected" || lastWord == "private" || lastWord == "slots"
                || lastWord == "signals" || lastWord == "Q_SLOTS" || lastWord == "Q_SIGNALS");
        last = c;
        if (c == ')' && parentheses == macroDepth) {
            macroDepth = -1;
            last = ';';
        }
        statementStart = last == ';' || last == '{' || last == '}' || accessColon;
        macroHead = false;
        lastWord = {};
    }
    /// Appends a nested group's surviving branch.
    void append(const BranchShape& inner)
    {
        if (inner.empty)
            return;
        continuesStatement = continuesStatement || (empty && inner.continuesStatement);
        braces += inner.braces;
        parentheses += inner.parentheses;
        last = inner.last;
        accessColon = inner.accessColon;
        statementStart = inner.statementStart;
        macroHead = false;
        lastWord = inner.lastWord;
        empty = false;
    }
};

/// The value of a conditional the preprocessor would decide the same way everywhere.
enum class KnownCondition {
    Unknown,
    True,
    False
};

KnownCondition knownCondition(QByteArrayView directive, QByteArrayView condition, CFamilyExtractor::Dialect dialect)
{
    condition = condition.trimmed();
    if (directive == "if" && (condition == "0" || condition == "1"))
        return condition == "1" ? KnownCondition::True : KnownCondition::False;
    // `__cplusplus` is defined exactly when the file is compiled as C++.
    bool defined;
    if ((directive == "ifdef" || directive == "ifndef") && condition == "__cplusplus")
        defined = directive == "ifdef";
    else if (directive == "if"
        && (condition == "defined(__cplusplus)" || condition == "defined __cplusplus" || condition == "__cplusplus"))
        defined = true;
    else
        return KnownCondition::Unknown;
    return defined == (dialect == CFamilyExtractor::Dialect::Cpp) ? KnownCondition::True : KnownCondition::False;
}

/// A directive's keyword (`if`, `else`, `endif` …) and the text after it.
std::pair<QByteArrayView, QByteArrayView> splitDirective(QByteArrayView directive)
{
    qsizetype i = 1; // past '#'
    while (i < directive.size() && isBlankByte(directive[i]))
        ++i;
    const qsizetype begin = i;
    while (i < directive.size() && isWordByte(directive[i]))
        ++i;
    return {directive.sliced(begin, i - begin), directive.sliced(i)};
}

/// `#if` groups whose branches are alternative halves of one construct, as in Qt's
///     #if QT_VERSION >= QT_VERSION_CHECK(7, 0, 0)
///     class QLatin1StringView
///     #else
///     class QLatin1String
///     #endif
///     { … };
/// A parser without a preprocessor sees both heads and one body, which is no C++. When any branch
/// of a group is not whole (BranchShape::whole: unbalanced braces or parentheses, or ending inside
/// a declaration), one branch is kept in place of the group: the one the preprocessor would take
/// when the condition is known (`#if 0`, `__cplusplus`), else the first, which is also the one
/// ctags follows. The directives and the other branches are blanked. Groups of whole branches are
/// left alone: the grammar parses them, and every branch's definitions are indexed.
void blankSplitConditionals(QByteArray& bytes, CFamilyExtractor::Dialect dialect)
{
    struct Branch {
        qsizetype begin = 0; ///< after the directive line that opens it
        qsizetype end = 0;   ///< at the directive that closes it
        BranchShape shape;
    };
    struct Group {
        KnownCondition condition = KnownCondition::Unknown;
        std::vector<std::pair<qsizetype, qsizetype>> directives;
        std::vector<Branch> branches;
    };
    const QByteArray source = bytes; // shared: the blanker detaches `bytes` on its first write
    Blanker out(bytes);
    Lexer lexer(source);
    std::vector<Group> open;
    for (Lexer::Token token = lexer.next(); token.kind != Lexer::Kind::End; token = lexer.next()) {
        if (token.kind != Lexer::Kind::Directive) {
            if (!open.empty())
                open.back().branches.back().shape.add(lexer, token);
            continue;
        }
        const auto [keyword, rest] = splitDirective(lexer.view(token));
        if (keyword == "if" || keyword == "ifdef" || keyword == "ifndef") {
            Group group;
            group.condition = knownCondition(keyword, rest, dialect);
            group.directives.push_back({token.begin, token.end});
            group.branches.push_back({token.end, token.end, {}});
            open.push_back(std::move(group));
        } else if (!open.empty()
            && (keyword == "elif" || keyword == "else" || keyword == "elifdef" || keyword == "elifndef")) {
            Group& group = open.back();
            group.branches.back().end = token.begin;
            group.directives.push_back({token.begin, token.end});
            group.branches.push_back({token.end, token.end, {}});
        } else if (!open.empty() && keyword == "endif") {
            Group group = std::move(open.back());
            open.pop_back();
            group.branches.back().end = token.begin;
            group.directives.push_back({token.begin, token.end});
            const bool split = std::any_of(
                group.branches.begin(), group.branches.end(), [](const Branch& b) { return !b.shape.whole(); });
            // The first branch stands for the group in its parent's shape unless one is chosen.
            std::optional<size_t> kept = 0;
            if (split) {
                if (group.condition == KnownCondition::False)
                    kept = group.branches.size() > 1 ? std::optional<size_t>(1) : std::nullopt;
                for (const auto& [from, to] : group.directives)
                    out.blank(from, to);
                for (size_t i = 0; i < group.branches.size(); ++i) {
                    if (i != kept)
                        out.blank(group.branches[i].begin, group.branches[i].end);
                }
            }
            if (!open.empty() && kept)
                open.back().branches.back().shape.append(group.branches[*kept].shape);
        }
    }
}

// --- Annotation macros -------------------------------------------------------------------------

/// How a word found in code is treated when blanking.
enum class Blank {
    None,
    Word,
    Call,
    Public ///< `Q_SIGNALS`/`signals` expand to `public`
};

Blank blankKind(QByteArrayView word)
{
    static const QSet<QByteArray> words = [] {
        QSet<QByteArray> set;
        for (const char* w : kBlankWords)
            set.insert(QByteArray(w));
        return set;
    }();
    static const QSet<QByteArray> calls = [] {
        QSet<QByteArray> set;
        for (const char* w : kBlankCalls)
            set.insert(QByteArray(w));
        return set;
    }();
    if (word.size() < 5 || (word[0] != 'Q' && word[0] != '_' && word[0] != 'n' && word[0] != 'a' && word[0] != 's'))
        return Blank::None;
    const QByteArray key = word.toByteArray();
    if (key == "Q_SIGNALS" || key == "signals")
        return Blank::Public;
    if (calls.contains(key))
        return Blank::Call;
    if (words.contains(key))
        return Blank::Word;
    // Q_DECL_* attributes and versioned deprecations; their `_X` forms take a message.
    if (key.startsWith("Q_DECL_") || key.startsWith("QT_DEPRECATED_VERSION_"))
        return key.endsWith("_X") || key.contains("_X_") ? Blank::Call : Blank::Word;
    return Blank::None;
}

/// After `class`, `struct`, `union` or `enum [class|struct]` (the lexer is past the keyword):
/// in `class Q_CORE_EXPORT QString {` or `struct QDESIGNER_SDK_EXPORT Foo : Base`, every ALL_CAPS
/// word (with its argument list, if any) between the keyword and the class name can only be an
/// attribute-like macro, as no C++ puts anything else there. The shape is only trusted when a
/// body or base clause follows the name, so `struct FOO bar;` (a variable of type `struct FOO`)
/// is left alone.
void blankClassHeadMacros(Lexer lexer, Blanker& out)
{
    struct Item {
        qsizetype begin;
        qsizetype end;
        bool upper;
    };
    constexpr size_t kMaxItems = 8;
    std::vector<Item> items;
    Lexer::Token token = lexer.next();
    if (token.kind == Lexer::Kind::Word && (lexer.view(token) == "class" || lexer.view(token) == "struct"))
        token = lexer.next(); // `enum class`
    while (token.kind == Lexer::Kind::Word && items.size() < kMaxItems) {
        Item item {token.begin, token.end, isUpperWord(lexer.view(token))};
        if (lexer.isPunct(lexer.peek(), '('))
            item.end = lexer.skipParentheses(); // `Q_DECL_DEPRECATED_X("…")`, `alignas(8)`
        items.push_back(item);
        token = lexer.next();
        // Qualified names (`struct Q_CORE_EXPORT QMetaObject::Data {`) are one item.
        while (lexer.isPunct(token, ':') && lexer.isPunct(lexer.peek(), ':')) {
            lexer.next();
            token = lexer.next();
            if (token.kind != Lexer::Kind::Word)
                return;
            items.back().end = token.end;
            items.back().upper = false;
            token = lexer.next();
        }
    }
    const bool opensClass
        = lexer.isPunct(token, '{') || (lexer.isPunct(token, ':') && !lexer.isPunct(lexer.peek(), ':'));
    if (!opensClass)
        return;
    if (!items.empty() && lexer.view({Lexer::Kind::Word, items.back().begin, items.back().end}) == "final")
        items.pop_back();
    for (size_t i = 0; i + 1 < items.size(); ++i) {
        if (items[i].upper)
            out.blank(items[i].begin, items[i].end);
    }
}

/// Whether the next token, after `f(…) WORD`, shows WORD to be a specifier macro in a function
/// declarator (`void lock() QT_MUTEX_LOCK_NOEXCEPT {`, `int f() Q_DECL_NOTHROW;`): what follows
/// is a body, the end of the declaration, an initializer, a ctor-initializer or a specifier.
bool endsDeclarator(Lexer ahead)
{
    const Lexer::Token token = ahead.next();
    if (token.kind == Lexer::Kind::Word) {
        const QByteArrayView word = ahead.view(token);
        return word == "const" || word == "volatile" || word == "noexcept" || word == "override" || word == "final"
            || word == "throw" || word == "requires" || word == "try" || isUpperWord(word);
    }
    return ahead.isPunct(token, '{') || ahead.isPunct(token, ';') || ahead.isPunct(token, '=')
        || (ahead.isPunct(token, ':') && !ahead.isPunct(ahead.next(), ':'));
}

/// Blanks annotation macros: the listed ones (kBlankWords, kBlankCalls with their arguments,
/// `Q_SIGNALS` → `public`), ALL_CAPS words in class heads (blankClassHeadMacros), and words with
/// an annotation name (hasAnnotationShape) that are followed by another word or a destructor's
/// `~`, as in `static Q_CORE_EXPORT void *allocate(…)` or `QDESIGNER_SDK_EXPORT QWidget *widget()`:
/// a macro in front of a type or a name; and ALL_CAPS words between a parameter list's `)` and
/// what ends a declarator (endsDeclarator). Directives, comments and literals are left alone.
void blankAnnotationMacros(QByteArray& bytes)
{
    const QByteArray source = bytes; // shared: the blanker detaches `bytes` on its first write
    Blanker out(bytes);
    Lexer lexer(source);
    bool afterDeclarator = false; // the previous token closed a parameter list or was blanked after one
    // Per open `(`: whether it belongs to an attribute (`} __attribute__((packed)) NAME_T;`), whose
    // `)` is not the end of a parameter list.
    std::vector<bool> attributeParentheses;
    QByteArrayView previousWord;
    for (Lexer::Token token = lexer.next(); token.kind != Lexer::Kind::End; token = lexer.next()) {
        bool closesParameters = false;
        if (lexer.isPunct(token, '(')) {
            attributeParentheses.push_back((!attributeParentheses.empty() && attributeParentheses.back())
                || previousWord == "__attribute__" || previousWord == "__attribute" || previousWord == "__declspec"
                || previousWord == "alignas" || previousWord == "_Alignas");
        } else if (lexer.isPunct(token, ')') && !attributeParentheses.empty()) {
            closesParameters = !attributeParentheses.back();
            attributeParentheses.pop_back();
        }
        if (lexer.isPunct(token, '=') && !attributeParentheses.empty() && !attributeParentheses.back()) {
            // `const QString& hint = {}`: tree-sitter-cpp 0.23 has no braced default argument, so
            // the default goes (the parameter keeps its type and name).
            Lexer probe = lexer;
            const Lexer::Token open = probe.next();
            const Lexer::Token close = probe.isPunct(open, '{') ? probe.next() : open;
            const Lexer::Token after = probe.peek();
            if (probe.isPunct(close, '}') && (probe.isPunct(after, ',') || probe.isPunct(after, ')'))) {
                out.blank(token.begin, close.end);
                lexer = probe;
            }
        }
        previousWord = token.kind == Lexer::Kind::Word ? lexer.view(token) : QByteArrayView();
        const bool trailing = std::exchange(afterDeclarator, closesParameters);
        if (token.kind != Lexer::Kind::Word)
            continue;
        const QByteArrayView word = lexer.view(token);
        if (word == "class" || word == "struct" || word == "union" || word == "enum") {
            blankClassHeadMacros(lexer, out);
            continue;
        }
        switch (blankKind(word)) {
        case Blank::None:
            if (hasAnnotationShape(word)) {
                const Lexer::Token next = lexer.peek();
                if (next.kind == Lexer::Kind::Word || lexer.isPunct(next, '~'))
                    out.blank(token.begin, token.end);
            } else if (trailing && isUpperWord(word) && endsDeclarator(lexer)) {
                out.blank(token.begin, token.end);
                afterDeclarator = true;
            }
            break;
        case Blank::Word:
            out.blank(token.begin, token.end);
            break;
        case Blank::Public:
            out.replace(token.begin, token.end, "public");
            break;
        case Blank::Call:
            out.blank(token.begin, lexer.isPunct(lexer.peek(), '(') ? lexer.skipParentheses() : token.end);
            break;
        }
    }
}

} // namespace

QByteArray CFamilyExtractor::prepareSource(const QByteArray& utf8, Dialect dialect)
{
    QByteArray prepared = utf8; // shared until a pass writes to it
    blankAnnotationMacros(prepared);
    blankSplitConditionals(prepared, dialect);
    return prepared;
}

namespace {

// ---------------------------------------------------------------------------------------------
// Text helpers

// Receivers longer than this are opaque to the resolver anyway; capping them keeps long method
// chains (builder patterns, generated code) linear instead of quadratic.
constexpr qsizetype kMaxReceiverChars = 200;
constexpr qsizetype kMaxNamespaceDepth = 64;

/// `text` without comments and line continuations, whitespace runs folded to one space.
QString withoutComments(QStringView text)
{
    if (!text.contains(u'/') && !text.contains(u'\\'))
        return text.toString().simplified();
    QString out;
    out.reserve(text.size());
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text[i];
        if (c == u'"' || c == u'\'') {
            const qsizetype start = i;
            for (++i; i < n && text[i] != c && text[i] != u'\n'; ++i) {
                if (text[i] == u'\\')
                    ++i;
            }
            out += text.sliced(start, std::min(i + 1, n) - start);
        } else if (c == u'/' && i + 1 < n && text[i + 1] == u'/') {
            while (i + 1 < n && text[i + 1] != u'\n')
                ++i;
            out += u' ';
        } else if (c == u'/' && i + 1 < n && text[i + 1] == u'*') {
            const qsizetype end = text.sliced(i + 2).indexOf(u"*/");
            i = end < 0 ? n : i + 2 + end + 1;
            out += u' ';
        } else if (c == u'\\' && i + 1 < n && text[i + 1] == u'\n') {
            out += u' ';
            ++i;
        } else {
            out += c;
        }
    }
    return out.simplified();
}

/// `operator ==` → `operator==`; `operator new [ ]` → `operator new[]`: spaces survive only
/// between two word characters.
QString compactOperator(QStringView text)
{
    const QString simple = withoutComments(text);
    QString out;
    for (qsizetype i = 0; i < simple.size(); ++i) {
        if (simple[i] == u' ') {
            const bool wordBefore = !out.isEmpty() && (out.back().isLetterOrNumber() || out.back() == u'_');
            const bool wordAfter = i + 1 < simple.size() && (simple[i + 1].isLetterOrNumber() || simple[i + 1] == u'_');
            if (wordBefore && wordAfter)
                out += u' ';
            continue;
        }
        out += simple[i];
    }
    return out;
}

/// The text of a doc comment without its markers, or nullopt for plain and trailing comments.
std::optional<QString> docCommentText(QStringView comment)
{
    const bool block = comment.startsWith(u"/**") || comment.startsWith(u"/*!");
    const bool line = (comment.startsWith(u"///") && !comment.startsWith(u"////")) || comment.startsWith(u"//!");
    if ((!block && !line) || comment == u"/**/")
        return std::nullopt;
    QStringView body = comment.sliced(3);
    if (body.startsWith(u'<')) // `///<` and `/**<` document the member before them
        return std::nullopt;
    if (block && body.endsWith(u"*/"))
        body.chop(2);
    QStringList lines;
    for (QStringView text : body.split(u'\n')) {
        text = text.trimmed();
        if (block && text.startsWith(u'*'))
            text = text.sliced(1).trimmed();
        lines.append(text.toString());
    }
    return lines.join(u'\n');
}

/// First paragraph of a Doxygen comment: structural commands (`\fn`, `\class`, `@internal`) that
/// open it are dropped, `\brief` keeps its text.
QString doxygenSummary(const QString& text)
{
    QStringList lines = text.split(u'\n');
    while (!lines.isEmpty()) {
        const QString first = lines.first().trimmed();
        if (first.isEmpty()) {
            lines.removeFirst();
            continue;
        }
        if (first.startsWith(u"\\brief") || first.startsWith(u"@brief") || first.startsWith(u"\\short")) {
            lines.first() = first.sliced(first.indexOf(u' ') < 0 ? first.size() : first.indexOf(u' '));
            break;
        }
        if (first.startsWith(u'\\') || first.startsWith(u'@')) {
            lines.removeFirst();
            continue;
        }
        break;
    }
    return firstParagraph(lines.join(u'\n'));
}

bool isHeaderPath(QStringView path)
{
    const qsizetype slash = path.lastIndexOf(u'/');
    const qsizetype dot = path.lastIndexOf(u'.');
    if (dot <= slash + 1)
        return false;
    const QStringView extension = path.sliced(dot + 1);
    for (QStringView candidate : {u"h", u"hpp", u"hh", u"hxx", u"h++", u"inl", u"ipp", u"tpp"}) {
        if (extension.compare(candidate, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QJsonArray toJsonArray(const QStringList& list)
{
    QJsonArray array;
    for (const QString& item : list)
        array.append(item);
    return array;
}

bool isSmartPointer(QStringView dotted)
{
    const qsizetype dot = dotted.lastIndexOf(u'.');
    const QStringView last = dot < 0 ? dotted : dotted.sliced(dot + 1);
    for (QStringView name : {u"unique_ptr", u"shared_ptr", u"QSharedPointer", u"QScopedPointer", u"QPointer",
             u"QSharedDataPointer", u"QExplicitlySharedDataPointer"}) {
        if (last == name)
            return true;
    }
    return false;
}

// ---------------------------------------------------------------------------------------------
// The walk

/// A variable's declared type: the type itself and, for smart pointers, what `->` reaches.
struct VarType {
    QString type;
    QString pointee;
};

/// A name a declarator declares, and how: the function declarator (null for variables), and the
/// pointer/reference marks between the declaration's type and the name ("*", "&").
struct DeclaratorInfo {
    TSNode name {};
    TSNode function {};
    QString marks;
};

/// A function or method's name as the declarator spells it.
struct FunctionName {
    QString name;        ///< "f", "~A", "operator==", "operator bool"
    QStringList scope;   ///< `A::B::f` → {"A", "B"}; empty for unqualified names
    bool global = false; ///< `::f`
    bool destructor = false;
    TSNode at {};
};

class CFamilyWalk {
public:
    CFamilyWalk(TSNode root, const SourceText& source, FileIndex& out, bool cpp)
        : m_root(root)
        , m_source(source)
        , m_out(out)
        , m_builder(out)
        , m_sym(SymbolTable::of(root.tree ? ts_tree_language(root.tree) : nullptr, kSymbols))
        , m_cpp(cpp)
    {
        m_complexity.decisions = [this](TSNode node) { return decisionsOf(node); };
        m_complexity.isNestedScope = [this](TSNode node) {
            switch (m_sym(node)) {
            case Sym::FunctionDefinition:
            case Sym::ClassSpecifier:
            case Sym::StructSpecifier:
            case Sym::UnionSpecifier:
                return true;
            default:
                return false;
            }
        };
    }

    void run();

private:
    enum class ScopeKind {
        Module,
        Namespace,
        Class,
        Function
    };

    /// A namespace, class or function whose body is being walked. A scope becomes active when the
    /// walk reaches its body: names, bases and parameters before it belong to the enclosing scope.
    struct Scope {
        ScopeKind kind = ScopeKind::Module;
        QString id;
        QString localName;
        QString name;
        QString ns;             ///< dotted namespace path, "" at global scope
        bool fileLocal = false; ///< inside an anonymous namespace
        TSNode owner {};
        TSNode body {};
        TSNode initializers {}; ///< a constructor's member initializer list (calls count to it)
        bool active = false;
        int lambdaDepth = 0; ///< lambdas open when the scope became current
        QSet<QString> typeParameters;
        // Classes
        bool isEnum = false;
        QString access;
        QStringList attributes;
        // Functions
        QString classId; ///< the owning class when it is in this file
        QHash<QString, VarType> localTypes;
    };

    /// A template_declaration or friend_declaration around a definition: the range and doc
    /// comment of the definition start at the wrapper.
    struct Wrapper {
        TSNode node;
        TSNode inner;
    };

    bool enter(TSNode node);
    void leave(TSNode node);
    int decisionsOf(TSNode node) const;
    Scope& current();
    int currentIndex() const;
    bool inLambda() { return m_lambdaDepth > current().lambdaDepth; }

    void onComment(TSNode node);
    void onNamespace(TSNode node);
    void onUsing(TSNode node);
    void onInclude(TSNode node);
    void onMacro(TSNode node);
    bool onDeclaration(TSNode node);
    void onFunction(TSNode node, TSNode declarator, bool definition);
    void onClass(TSNode node);
    void onCall(TSNode node);
    void onNew(TSNode node);
    void onVariable(TSNode type, TSNode declarator, TSNode value);
    void finishScope();

    TSNode outerOf(TSNode node, QStringList* typeParameters, QSet<QString>* typeParameterNames) const;
    QString docFor(TSNode outer) const;
    DeclaratorInfo declaratorInfo(TSNode declarator) const;
    std::optional<FunctionName> functionName(TSNode nameNode) const;
    QJsonArray parametersOf(TSNode parameters, QStringList* typeTexts, std::vector<TSNode>* types,
        std::vector<std::pair<QString, TSNode>>* named) const;
    QString returnTypeOf(TSNode node, TSNode functionDeclarator, const DeclaratorInfo& info) const;
    QString signatureOf(TSNode outer, uint32_t endByte) const;
    QStringList segmentsOf(TSNode qualified, TSNode* last) const;
    QString typeName(TSNode type) const;
    VarType varTypeOf(TSNode type, TSNode value) const;
    QString receiverText(TSNode object) const;
    QString receiverTypeOf(TSNode argument, bool arrow) const;
    const VarType* lookupVariable(const QString& name) const;
    /// Use references for every type `type` names, template arguments included, except the
    /// type parameters in view; with `argumentsOnly`, only the template arguments.
    void addUses(const QString& sourceId, TSNode type, const QSet<QString>& typeParameters, bool argumentsOnly = false);
    void addUses(const QString& sourceId, TSNode type) { addUses(sourceId, type, current().typeParameters); }
    bool hasKeyword(TSNode node, const char* keyword) const;
    QString text(TSNode node) const { return ts_node_is_null(node) ? QString() : m_source.text(node); }
    QString clean(TSNode node) const
    {
        return ts_node_is_null(node) ? QString() : withoutComments(m_source.text(node));
    }
    QString qualified(const QString& ns, const QString& localName) const
    {
        return ns.isEmpty() ? localName : ns + u'.' + localName;
    }
    QString add(Node node, const QString& localName, const QString& parentId, const QString& ns);

    Reference reference(Reference::Kind kind, const QString& sourceId, const QString& target, TSNode at) const
    {
        return FileIndexBuilder::referenceAt(kind, sourceId, target, at);
    }

    TSNode m_root;
    const SourceText& m_source;
    FileIndex& m_out;
    FileIndexBuilder m_builder;
    const SymbolTable& m_sym;
    bool m_cpp;
    ComplexityRules m_complexity;
    std::vector<Scope> m_scopes;
    std::vector<Wrapper> m_wrappers;
    std::vector<TSNode> m_typedefs; ///< open type_definition nodes (names anonymous structs)
    int m_lambdaDepth = 0;

    // Doc comments: the comment text waiting for the next syntax, and once that syntax is seen,
    // the start byte it was attached to.
    QString m_pendingDoc;
    uint32_t m_pendingDocEndRow = 0;
    bool m_pendingDocIsLine = false;
    bool m_hasPendingDoc = false;
    uint32_t m_docAnchor = UINT32_MAX;
    QString m_doc;

    QSet<QString> m_knownNamespaces;
    QSet<QString> m_namespacesSeen;
    QHash<QString, QString> m_classByQualified;            ///< "ns.A.B" → class id
    QHash<QString, QString> m_classLocalName;              ///< class id → local name
    QHash<QString, QHash<QString, VarType>> m_classFields; ///< class id → field types
    QHash<QString, QJsonObject> m_memberDeclarations;      ///< "A.f" → properties of its declaration
    QHash<QString, VarType> m_globalTypes;
    QSet<QString> m_usesSeen;
};

void CFamilyWalk::run()
{
    if (isHeaderPath(m_out.path))
        m_builder.module().kind = QStringLiteral("header");

    Scope moduleScope;
    moduleScope.kind = ScopeKind::Module;
    moduleScope.id = m_builder.moduleId();
    moduleScope.owner = m_root;
    moduleScope.active = true;
    m_scopes.push_back(std::move(moduleScope));

    walkTree(
        m_root, [this](TSNode node) { return enter(node); }, [this](TSNode node) { leave(node); });
}

CFamilyWalk::Scope& CFamilyWalk::current()
{
    return m_scopes[static_cast<size_t>(currentIndex())];
}

int CFamilyWalk::currentIndex() const
{
    for (int i = static_cast<int>(m_scopes.size()) - 1; i > 0; --i) {
        if (m_scopes[static_cast<size_t>(i)].active)
            return i;
    }
    return 0;
}

QString CFamilyWalk::add(Node node, const QString& localName, const QString& parentId, const QString& ns)
{
    if (m_cpp) {
        if (node.qualifiedName.isEmpty())
            node.qualifiedName = qualified(ns, localName);
        if (!ns.isEmpty() && !m_namespacesSeen.contains(ns)) {
            m_namespacesSeen.insert(ns);
            m_out.namespaces.append(ns);
        }
    }
    return m_builder.add(std::move(node), localName, parentId);
}

bool CFamilyWalk::enter(TSNode node)
{
    Scope& top = m_scopes.back();
    if (!top.active && (ts_node_eq(node, top.body) || ts_node_eq(node, top.initializers))) {
        top.active = true;
        top.lambdaDepth = m_lambdaDepth;
    }

    const Sym sym = m_sym(node);
    if (sym == Sym::Comment) {
        onComment(node);
        return false;
    }
    if (m_hasPendingDoc) {
        // The first syntax after a doc comment is what it documents, when nothing but a line
        // break separates them.
        if (ts_node_start_point(node).row <= m_pendingDocEndRow + 1) {
            m_docAnchor = ts_node_start_byte(node);
            m_doc = m_pendingDoc;
        }
        m_hasPendingDoc = false;
    }

    switch (sym) {
    case Sym::TemplateDeclaration: {
        TSNode inner = node;
        while (m_sym(inner) == Sym::TemplateDeclaration) {
            TSNode last {};
            forEachNamedChild(inner, [&](TSNode child) {
                if (m_sym(child) != Sym::Comment)
                    last = child;
            });
            inner = last;
        }
        m_wrappers.push_back({node, inner});
        break;
    }
    case Sym::FriendDeclaration: {
        // Friends declare names that live elsewhere; only a friend defined in place is a function.
        TSNode definition {};
        forEachNamedChild(node, [&](TSNode child) {
            if (m_sym(child) == Sym::FunctionDefinition)
                definition = child;
        });
        if (ts_node_is_null(definition))
            return false;
        m_wrappers.push_back({node, definition});
        break;
    }
    case Sym::TypeDefinition:
        m_typedefs.push_back(node);
        break;
    case Sym::FunctionDefinition:
        onFunction(node, field(node, "declarator"), true);
        break;
    case Sym::Declaration:
    case Sym::FieldDeclaration:
        return onDeclaration(node);
    case Sym::ClassSpecifier:
    case Sym::StructSpecifier:
    case Sym::UnionSpecifier:
    case Sym::EnumSpecifier:
        if (!ts_node_is_null(field(node, "body")))
            onClass(node);
        break;
    case Sym::BaseClassClause:
        return false; // read by onClass; its access specifiers are not the class body's
    case Sym::Enumerator:
        if (current().isEnum && !inLambda())
            current().attributes.append(text(field(node, "name")));
        break;
    case Sym::NamespaceDefinition:
        onNamespace(node);
        break;
    case Sym::UsingDeclaration:
        onUsing(node);
        return false;
    case Sym::AccessSpecifier:
        // `Q_SIGNALS` (blanked to `public`) and `public Q_SLOTS` are public sections.
        if (current().kind == ScopeKind::Class) {
            const QByteArrayView word = m_source.view(node);
            current().access = word.startsWith("private") ? QStringLiteral("private")
                : word.startsWith("protected")            ? QStringLiteral("protected")
                                                          : QStringLiteral("public");
        }
        return false;
    case Sym::PreprocInclude:
        onInclude(node);
        return false;
    case Sym::PreprocFunctionDef:
        onMacro(node);
        return false;
    case Sym::CallExpression:
        onCall(node);
        break;
    case Sym::NewExpression:
        onNew(node);
        break;
    case Sym::LambdaExpression:
        ++m_lambdaDepth;
        break;
    case Sym::ForRangeLoop:
        if (current().kind == ScopeKind::Function)
            onVariable(field(node, "type"), field(node, "declarator"), {});
        break;
    case Sym::CatchClause: {
        if (current().kind != ScopeKind::Function)
            break;
        forEachNamedChild(field(node, "parameters"), [&](TSNode parameter) {
            if (m_sym(parameter) == Sym::ParameterDeclaration)
                onVariable(field(parameter, "type"), field(parameter, "declarator"), {});
        });
        break;
    }
    default:
        break;
    }
    return true;
}

void CFamilyWalk::leave(TSNode node)
{
    while (m_scopes.size() > 1 && ts_node_eq(node, m_scopes.back().owner))
        finishScope();
    switch (m_sym(node)) {
    case Sym::TemplateDeclaration:
    case Sym::FriendDeclaration:
        if (!m_wrappers.empty() && ts_node_eq(m_wrappers.back().node, node))
            m_wrappers.pop_back();
        break;
    case Sym::TypeDefinition:
        if (!m_typedefs.empty() && ts_node_eq(m_typedefs.back(), node))
            m_typedefs.pop_back();
        break;
    case Sym::LambdaExpression:
        --m_lambdaDepth;
        break;
    default:
        break;
    }
}

int CFamilyWalk::decisionsOf(TSNode node) const
{
    switch (m_sym(node)) {
    case Sym::IfStatement:
    case Sym::ForStatement:
    case Sym::ForRangeLoop:
    case Sym::WhileStatement:
    case Sym::DoStatement:
    case Sym::CatchClause:
    case Sym::ConditionalExpression:
        return 1;
    case Sym::CaseStatement:
        // `default:` has no value: it is the path taken when no decision matched.
        return ts_node_is_null(field(node, "value")) ? 0 : 1;
    case Sym::BinaryExpression: {
        const QByteArrayView op = m_source.view(field(node, "operator"));
        return op == "&&" || op == "||" || op == "and" || op == "or" ? 1 : 0;
    }
    default:
        return 0;
    }
}

void CFamilyWalk::finishScope()
{
    Scope scope = std::move(m_scopes.back());
    m_scopes.pop_back();
    if (scope.kind != ScopeKind::Class)
        return;
    if (Node* node = m_builder.find(scope.id))
        node->properties.insert(QStringLiteral("attributes"), toJsonArray(scope.attributes));
}

void CFamilyWalk::onComment(TSNode node)
{
    const QString raw = m_source.text(node);
    const std::optional<QString> doc = docCommentText(raw);
    const TSPoint start = ts_node_start_point(node);
    const TSPoint end = ts_node_end_point(node);
    if (!doc) {
        m_hasPendingDoc = false;
        return;
    }
    const bool line = raw.startsWith(u"//");
    // Consecutive `///` lines form one comment.
    if (m_hasPendingDoc && line && m_pendingDocIsLine && start.row == m_pendingDocEndRow + 1)
        m_pendingDoc += u'\n' + *doc;
    else
        m_pendingDoc = *doc;
    m_pendingDocIsLine = line;
    m_pendingDocEndRow = end.row;
    m_hasPendingDoc = true;
}

QString CFamilyWalk::docFor(TSNode outer) const
{
    if (ts_node_start_byte(outer) != m_docAnchor)
        return {};
    return doxygenSummary(m_doc);
}

TSNode CFamilyWalk::outerOf(TSNode node, QStringList* typeParameters, QSet<QString>* typeParameterNames) const
{
    // Wrappers nest outermost first; those whose definition is `node` are consecutive at the end.
    size_t first = m_wrappers.size();
    while (first > 0 && ts_node_eq(m_wrappers[first - 1].inner, node))
        --first;
    for (size_t i = first; i < m_wrappers.size(); ++i) {
        const TSNode parameters = field(m_wrappers[i].node, "parameters");
        if (ts_node_is_null(parameters)) // a friend declaration
            continue;
        forEachNamedChild(parameters, [&](TSNode parameter) {
            if (m_sym(parameter) == Sym::Comment)
                return;
            if (typeParameters)
                typeParameters->append(clean(parameter));
            if (!typeParameterNames)
                return;
            // The declared name: a type_identifier child, or the name/declarator field.
            TSNode name = field(parameter, "name");
            if (ts_node_is_null(name))
                name = field(parameter, "declarator");
            if (ts_node_is_null(name)) {
                forEachNamedChild(parameter, [&](TSNode child) {
                    if (m_sym(child) == Sym::TypeIdentifier)
                        name = child;
                });
            }
            const DeclaratorInfo info = declaratorInfo(name);
            if (!ts_node_is_null(info.name))
                typeParameterNames->insert(text(info.name));
        });
    }
    return first < m_wrappers.size() ? m_wrappers[first].node : node;
}

void CFamilyWalk::onNamespace(TSNode node)
{
    const TSNode nameNode = field(node, "name");
    const TSNode body = field(node, "body");
    const Scope& parent = current();
    Scope scope;
    scope.kind = ScopeKind::Namespace;
    scope.id = parent.id;
    scope.localName = parent.localName;
    scope.ns = parent.ns;
    scope.fileLocal = parent.fileLocal;
    if (ts_node_is_null(nameNode)) {
        scope.fileLocal = true; // anonymous: internal linkage, not part of any name
    } else {
        QStringList parts;
        if (m_sym(nameNode) == Sym::NestedNamespaceSpecifier) {
            walkTree(nameNode, [&](TSNode child) {
                if (m_sym(child) == Sym::NamespaceIdentifier)
                    parts.append(text(child));
                return true;
            });
        } else {
            parts.append(text(nameNode));
        }
        for (const QString& part : std::as_const(parts)) {
            // Deeper nesting than any real code: the name stops growing, so a pathological file
            // stays linear.
            if (scope.ns.count(u'.') >= kMaxNamespaceDepth)
                break;
            scope.ns = qualified(scope.ns, part);
            m_knownNamespaces.insert(scope.ns);
        }
    }
    scope.owner = node;
    scope.body = body;
    m_scopes.push_back(std::move(scope));
}

void CFamilyWalk::onUsing(TSNode node)
{
    // `using namespace a::b;` makes `b`'s members — and `a::b` segments of out-of-line
    // definitions — namespaces rather than classes.
    if (!hasKeyword(node, "namespace"))
        return;
    forEachNamedChild(node, [&](TSNode child) {
        const Sym sym = m_sym(child);
        if (sym == Sym::Identifier || sym == Sym::NamespaceIdentifier)
            m_knownNamespaces.insert(text(child));
        else if (sym == Sym::QualifiedIdentifier)
            m_knownNamespaces.insert(
                withoutComments(text(child)).remove(u' ').replace(QStringLiteral("::"), QStringLiteral(".")));
    });
}

void CFamilyWalk::onInclude(TSNode node)
{
    const TSNode path = field(node, "path");
    Reference ref;
    switch (m_sym(path)) {
    case Sym::StringLiteral: {
        QString target;
        forEachNamedChild(path, [&](TSNode child) {
            if (m_sym(child) == Sym::StringContent)
                target += text(child);
        });
        if (target.isEmpty())
            return;
        ref = reference(Reference::Kind::Import, m_builder.moduleId(), target, node);
        ref.details.insert(QStringLiteral("system"), false);
        break;
    }
    case Sym::SystemLibString: {
        QString target = text(path).trimmed();
        if (target.startsWith(u'<'))
            target.remove(0, 1);
        if (target.endsWith(u'>'))
            target.chop(1);
        if (target.trimmed().isEmpty())
            return;
        ref = reference(Reference::Kind::Import, m_builder.moduleId(), target.trimmed(), node);
        ref.details.insert(QStringLiteral("system"), true);
        break;
    }
    default:
        return; // `#include MACRO`: computed, not a dependency the file states
    }
    m_builder.addReference(std::move(ref));
}

void CFamilyWalk::onMacro(TSNode node)
{
    // Macros are not scoped by namespaces or classes: they belong to the file.
    const QString name = text(field(node, "name"));
    if (name.isEmpty())
        return;
    const TSNode parameters = field(node, "parameters");
    QStringList names;
    QJsonArray params;
    forEachNamedChild(parameters, [&](TSNode child) {
        if (m_sym(child) == Sym::Comment)
            return;
        names.append(text(child));
    });
    // `...` is an anonymous token of preproc_params.
    if (m_source.view(parameters).contains("..."))
        names.append(QStringLiteral("..."));
    for (const QString& parameter : std::as_const(names)) {
        QJsonObject entry;
        const bool variadic = parameter.endsWith(QStringLiteral("..."));
        entry.insert(QStringLiteral("name"), variadic && parameter.size() > 3 ? parameter.chopped(3) : parameter);
        entry.insert(QStringLiteral("type"), QString());
        entry.insert(QStringLiteral("default"), QString());
        entry.insert(QStringLiteral("variadic"), variadic);
        params.append(entry);
    }

    Node fn;
    fn.type = NodeType::Function;
    fn.kind = QStringLiteral("function");
    fn.name = name;
    FileIndexBuilder::setLocation(fn, node);
    // The directive node ends after the newline; the macro ends on its last line.
    const TSNode value = field(node, "value");
    const TSNode last = ts_node_is_null(value) ? parameters : value;
    if (!ts_node_is_null(last)) {
        const TSPoint end = ts_node_end_point(last);
        fn.lineEnd = static_cast<int>(end.row) + 1;
        fn.colEnd = static_cast<int>(end.column);
    }
    fn.signature = QStringLiteral("#define ") + name + u'(' + names.join(QStringLiteral(", ")) + u')';
    fn.docstring = docFor(node);
    fn.complexity = 1;
    fn.properties.insert(QStringLiteral("macro"), true);
    fn.properties.insert(QStringLiteral("parameters"), params);
    fn.properties.insert(QStringLiteral("visibility"), QStringLiteral("public"));
    if (m_cpp)
        fn.qualifiedName = name;
    add(std::move(fn), name, m_builder.moduleId(), QString());
}

bool CFamilyWalk::hasKeyword(TSNode node, const char* keyword) const
{
    bool found = false;
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            const TSNode child = ts_tree_cursor_current_node(&cursor);
            if (!ts_node_is_named(child) && qstrcmp(ts_node_type(child), keyword) == 0)
                found = true;
            else if (m_sym(child) == Sym::StorageClassSpecifier && m_source.view(child) == keyword)
                found = true;
        } while (!found && ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    return found;
}

DeclaratorInfo CFamilyWalk::declaratorInfo(TSNode declarator) const
{
    // Declarators nest inside out (`*(*f(int))[3]`); the innermost function declarator whose
    // own declarator is a name declares a function.
    DeclaratorInfo info;
    TSNode at = declarator;
    QString marks;
    for (int guard = 0; guard < 256 && !ts_node_is_null(at); ++guard) {
        switch (m_sym(at)) {
        case Sym::PointerDeclarator:
            marks += u'*';
            at = field(at, "declarator");
            break;
        case Sym::ReferenceDeclarator: {
            marks += m_source.view(at).startsWith("&&") ? QStringLiteral("&&") : QStringLiteral("&");
            TSNode inner {};
            forEachNamedChild(at, [&](TSNode child) {
                if (ts_node_is_null(inner) && m_sym(child) != Sym::Comment)
                    inner = child;
            });
            at = inner;
            break;
        }
        case Sym::ParenthesizedDeclarator:
        case Sym::AttributedDeclarator:
        case Sym::VariadicDeclarator: {
            TSNode inner {};
            forEachNamedChild(at, [&](TSNode child) {
                const Sym sym = m_sym(child);
                if (ts_node_is_null(inner) && sym != Sym::Comment && sym != Sym::Other)
                    inner = child;
            });
            at = inner;
            break;
        }
        case Sym::ArrayDeclarator:
        case Sym::InitDeclarator:
            at = field(at, "declarator");
            break;
        case Sym::FunctionDeclarator: {
            const TSNode inner = field(at, "declarator");
            switch (m_sym(inner)) {
            case Sym::Identifier:
            case Sym::FieldIdentifier:
            case Sym::TypeIdentifier:
            case Sym::QualifiedIdentifier:
            case Sym::DestructorName:
            case Sym::OperatorName:
            case Sym::TemplateFunction:
            case Sym::OperatorCast:
                info.function = at;
                info.name = inner;
                info.marks = marks;
                return info;
            default:
                // A function returning a function pointer: its marks belong to the inner name.
                marks.clear();
                at = inner;
                break;
            }
            break;
        }
        case Sym::OperatorCast:
            // `operator bool() const;` in a class body: the cast carries its own declarator.
            info.name = at;
            info.function = field(at, "declarator");
            info.marks = marks;
            return info;
        case Sym::Identifier:
        case Sym::FieldIdentifier:
        case Sym::TypeIdentifier:
        case Sym::QualifiedIdentifier:
        case Sym::DestructorName:
        case Sym::OperatorName:
            info.name = at;
            info.marks = marks;
            return info;
        default:
            return info;
        }
    }
    return info;
}

QStringList CFamilyWalk::segmentsOf(TSNode qualified, TSNode* last) const
{
    // `a::b::C::f` is right-nested: (scope a, name (scope b, name (scope C, name f))).
    QStringList segments;
    TSNode at = qualified;
    for (int guard = 0; guard < 1024 && m_sym(at) == Sym::QualifiedIdentifier; ++guard) {
        const TSNode scope = field(at, "scope");
        if (!ts_node_is_null(scope)) {
            const Sym sym = m_sym(scope);
            if (sym == Sym::TemplateType)
                segments.append(text(field(scope, "name")));
            else if (sym == Sym::NamespaceIdentifier || sym == Sym::TypeIdentifier || sym == Sym::Identifier)
                segments.append(text(scope));
            else
                segments.append(compactOperator(text(scope)));
        }
        at = field(at, "name");
    }
    if (last)
        *last = at;
    return segments;
}

std::optional<FunctionName> CFamilyWalk::functionName(TSNode nameNode) const
{
    FunctionName result;
    TSNode at = nameNode;
    if (m_sym(at) == Sym::QualifiedIdentifier) {
        result.global = ts_node_is_null(field(at, "scope"));
        result.scope = segmentsOf(at, &at);
    }
    result.at = at;
    switch (m_sym(at)) {
    case Sym::Identifier:
    case Sym::FieldIdentifier:
    case Sym::TypeIdentifier:
        result.name = text(at);
        break;
    case Sym::TemplateFunction:
        result.name = text(field(at, "name"));
        break;
    case Sym::DestructorName:
        result.name = compactOperator(text(at));
        result.destructor = true;
        break;
    case Sym::OperatorName:
        result.name = compactOperator(text(at));
        break;
    case Sym::OperatorCast: {
        // `operator const char*`: everything between the keyword and the parameter list.
        const TSNode declarator = field(at, "declarator");
        const uint32_t end = ts_node_is_null(declarator) ? ts_node_end_byte(at) : ts_node_start_byte(declarator);
        result.name = compactOperator(m_source.slice(ts_node_start_byte(at), end));
        break;
    }
    default:
        return std::nullopt;
    }
    // Error recovery around unbraced loop macros (`for_each_cpu(i) if (…) …`) can read a
    // statement as a function header; a keyword is never a function's name.
    static const QSet<QString> keywords = {QStringLiteral("if"), QStringLiteral("for"), QStringLiteral("while"),
        QStringLiteral("switch"), QStringLiteral("return"), QStringLiteral("sizeof"), QStringLiteral("do"),
        QStringLiteral("else"), QStringLiteral("case"), QStringLiteral("goto")};
    if (result.name.isEmpty() || keywords.contains(result.name))
        return std::nullopt;
    return result;
}

bool CFamilyWalk::onDeclaration(TSNode node)
{
    const TSNode type = field(node, "type");
    // Every declarator of `int a, *b, f(int);`.
    std::vector<std::pair<TSNode, TSNode>> declarators; // (declarator, default value)
    {
        TSTreeCursor cursor = ts_tree_cursor_new(node);
        if (ts_tree_cursor_goto_first_child(&cursor)) {
            do {
                const char* name = ts_tree_cursor_current_field_name(&cursor);
                if (!name)
                    continue;
                if (qstrcmp(name, "declarator") == 0)
                    declarators.emplace_back(ts_tree_cursor_current_node(&cursor), TSNode {});
                else if (qstrcmp(name, "default_value") == 0 && !declarators.empty())
                    declarators.back().second = ts_tree_cursor_current_node(&cursor);
            } while (ts_tree_cursor_goto_next_sibling(&cursor));
        }
        ts_tree_cursor_delete(&cursor);
    }

    // By index: onFunction pushes scopes, which may move the vector.
    const auto scopeIndex = static_cast<size_t>(currentIndex());
    const ScopeKind kind = m_scopes[scopeIndex].kind;
    const QString scopeId = m_scopes[scopeIndex].id;
    const bool lambda = inLambda();
    for (const auto& [declarator, defaultValue] : declarators) {
        const DeclaratorInfo info = declaratorInfo(declarator);
        if (!ts_node_is_null(info.function)) {
            // Methods declared in a class body are nodes; prototypes elsewhere are not.
            if (kind == ScopeKind::Class && !lambda)
                onFunction(node, declarator, false);
            continue;
        }
        if (ts_node_is_null(info.name))
            continue;
        const TSNode value = m_sym(declarator) == Sym::InitDeclarator ? field(declarator, "value") : defaultValue;
        if (kind == ScopeKind::Class && !lambda) {
            m_scopes[scopeIndex].attributes.append(text(info.name));
            const VarType varType = varTypeOf(type, value);
            if (!varType.type.isEmpty())
                m_classFields[scopeId].insert(text(info.name), varType);
            addUses(scopeId, type);
        } else if (kind == ScopeKind::Function) {
            onVariable(type, declarator, value);
        } else if (!lambda) {
            const VarType varType = varTypeOf(type, value);
            if (!varType.type.isEmpty())
                m_globalTypes.insert(text(info.name), varType);
        }
    }
    return true;
}

void CFamilyWalk::onVariable(TSNode type, TSNode declarator, TSNode value)
{
    Scope& scope = current();
    const DeclaratorInfo info = declaratorInfo(declarator);
    addUses(scope.id, type);
    if (ts_node_is_null(info.name) || !ts_node_is_null(info.function))
        return;
    const VarType varType = varTypeOf(type, value);
    if (!varType.type.isEmpty())
        scope.localTypes.insert(text(info.name), varType);
}

QJsonArray CFamilyWalk::parametersOf(TSNode parameters, QStringList* typeTexts, std::vector<TSNode>* types,
    std::vector<std::pair<QString, TSNode>>* named) const
{
    QJsonArray result;
    std::vector<TSNode> list;
    forEachNamedChild(parameters, [&](TSNode child) {
        if (m_sym(child) != Sym::Comment)
            list.push_back(child);
    });
    for (const TSNode parameter : list) {
        const Sym sym = m_sym(parameter);
        QJsonObject entry;
        if (sym == Sym::VariadicParameter) {
            entry.insert(QStringLiteral("name"), QStringLiteral("..."));
            entry.insert(QStringLiteral("type"), QString());
            entry.insert(QStringLiteral("default"), QString());
            entry.insert(QStringLiteral("variadic"), true);
            result.append(entry);
            continue;
        }
        if (sym != Sym::ParameterDeclaration && sym != Sym::OptionalParameterDeclaration
            && sym != Sym::VariadicParameterDeclaration)
            continue;
        const TSNode type = field(parameter, "type");
        const TSNode declarator = field(parameter, "declarator");
        const TSNode defaultValue = field(parameter, "default_value");
        // `f(void)` declares no parameters.
        if (list.size() == 1 && ts_node_is_null(declarator) && m_source.view(parameter) == "void")
            break;
        const DeclaratorInfo info = declaratorInfo(declarator);
        const uint32_t start = ts_node_start_byte(parameter);
        const uint32_t end = ts_node_is_null(declarator) ? ts_node_end_byte(type) : ts_node_end_byte(declarator);
        QString typeText;
        QString name;
        if (!ts_node_is_null(info.name) && ts_node_is_null(info.function)) {
            name = text(info.name);
            const QString before = withoutComments(m_source.slice(start, ts_node_start_byte(info.name)));
            const QString after = withoutComments(m_source.slice(ts_node_end_byte(info.name), end));
            typeText = QString(before + after).trimmed();
        } else {
            typeText = withoutComments(m_source.slice(start, end));
        }
        const bool variadic = sym == Sym::VariadicParameterDeclaration;
        if (variadic)
            typeText.remove(QStringLiteral("..."));
        entry.insert(QStringLiteral("name"), name);
        entry.insert(QStringLiteral("type"), typeText.simplified());
        entry.insert(QStringLiteral("default"), clean(defaultValue));
        entry.insert(QStringLiteral("variadic"), variadic);
        result.append(entry);
        if (typeTexts)
            typeTexts->append(withoutComments(m_source.text(parameter)));
        if (types)
            types->push_back(type);
        if (named && !name.isEmpty())
            named->emplace_back(name, type);
    }
    return result;
}

QString CFamilyWalk::returnTypeOf(TSNode node, TSNode functionDeclarator, const DeclaratorInfo& info) const
{
    const TSNode trailing = [&] {
        TSNode found {};
        forEachNamedChild(functionDeclarator, [&](TSNode child) {
            if (m_sym(child) == Sym::TrailingReturnType)
                found = child;
        });
        return found;
    }();
    if (!ts_node_is_null(trailing)) {
        QString type = clean(trailing);
        if (type.startsWith(QStringLiteral("->")))
            type = type.sliced(2).trimmed();
        return type;
    }
    const TSNode type = field(node, "type");
    if (ts_node_is_null(type))
        return {};
    // Qualifiers written before the type (`const Foo&`) are part of what the function returns.
    QStringList qualifiers;
    forEachNamedChild(node, [&](TSNode child) {
        if (m_sym(child) == Sym::TypeQualifier && ts_node_start_byte(child) < ts_node_start_byte(type))
            qualifiers.append(text(child));
    });
    // `struct stats { … } f()`: the type is named, not spelled out.
    QString typeText = clean(type);
    if (!ts_node_is_null(field(type, "body"))) {
        const TSNode keyword = ts_node_child(type, 0);
        typeText = text(keyword) + u' ' + text(field(type, "name"));
    }
    const QString result = (qualifiers.isEmpty() ? QString() : qualifiers.join(u' ') + u' ') + typeText;
    return result + info.marks;
}

QString CFamilyWalk::signatureOf(TSNode outer, uint32_t endByte) const
{
    QString signature = withoutComments(m_source.slice(ts_node_start_byte(outer), endByte));
    while (signature.endsWith(u';') || signature.endsWith(u' '))
        signature.chop(1);
    return signature;
}

void CFamilyWalk::onFunction(TSNode node, TSNode declarator, bool definition)
{
    const DeclaratorInfo info = declaratorInfo(declarator);
    if (ts_node_is_null(info.function) && m_sym(info.name) != Sym::OperatorCast)
        return;
    const std::optional<FunctionName> name = functionName(info.name);
    if (!name)
        return;

    const int parentIndex = currentIndex();
    const Scope& parent = m_scopes[static_cast<size_t>(parentIndex)];
    QStringList typeParameters;
    QSet<QString> typeParameterNames = parent.typeParameters;
    const TSNode outer = outerOf(node, &typeParameters, &typeParameterNames);
    const bool isFriend = !ts_node_is_null(outer) && m_sym(outer) == Sym::FriendDeclaration;
    const TSNode body = definition ? field(node, "body") : TSNode {};
    TSNode initializers {};
    bool defaulted = false;
    bool deleted = false;
    forEachNamedChild(node, [&](TSNode child) {
        switch (m_sym(child)) {
        case Sym::FieldInitializerList:
            initializers = child;
            break;
        case Sym::DefaultMethodClause:
            defaulted = true;
            break;
        case Sym::DeleteMethodClause:
            deleted = true;
            break;
        default:
            break;
        }
    });

    // Where the function lives: in the class around it, in a class of this file named by its
    // qualifier, or in a class declared elsewhere (MemberOf).
    QString parentId = parent.id;
    QString parentLocal = parent.kind == ScopeKind::Namespace ? QString() : parent.localName;
    QString ns = parent.ns;
    QString classId;
    QString className;
    QString memberOf;
    bool member = parent.kind == ScopeKind::Class && !isFriend;
    if (member) {
        classId = parent.id;
        className = parent.name;
    }
    if (!name->scope.isEmpty() && parent.kind != ScopeKind::Class) {
        QStringList segments = name->scope;
        // Leading segments naming a known namespace are namespaces, looked up as C++ would:
        // relative to each enclosing namespace, innermost first.
        QStringList bases;
        for (QString base = name->global ? QString() : parent.ns;; base = base.section(u'.', 0, -2)) {
            bases.append(base);
            if (base.isEmpty())
                break;
        }
        for (const QString& base : std::as_const(bases)) {
            qsizetype count = 0;
            QString candidate = base;
            while (count < segments.size() && m_knownNamespaces.contains(qualified(candidate, segments[count]))) {
                candidate = qualified(candidate, segments[count]);
                ++count;
            }
            if (count == 0 && !m_knownNamespaces.contains(segments.first()))
                continue;
            if (count == 0) { // a `using namespace` name or alias
                candidate = segments.first();
                count = 1;
            }
            ns = candidate;
            segments = segments.sliced(count);
            break;
        }
        if (!segments.isEmpty()) {
            const QString classPath = segments.join(u'.');
            for (QString base = ns;; base = base.section(u'.', 0, -2)) {
                const auto it = m_classByQualified.constFind(qualified(base, classPath));
                if (it != m_classByQualified.constEnd()) {
                    classId = *it;
                    break;
                }
                if (base.isEmpty())
                    break;
            }
            className = segments.last();
            member = true;
            if (!classId.isEmpty()) {
                parentId = classId;
                parentLocal = m_classLocalName.value(classId);
            } else {
                parentId = m_builder.moduleId();
                parentLocal = classPath;
                memberOf = name->scope.join(u'.');
            }
        } else {
            parentId = parent.kind == ScopeKind::Function ? parent.id : m_builder.moduleId();
            parentLocal = parent.kind == ScopeKind::Function ? parent.localName : QString();
        }
    }
    const QString localName = parentLocal.isEmpty() ? name->name : parentLocal + u'.' + name->name;
    const bool constructor = member && !name->destructor && name->name == className;

    QStringList parameterTexts;
    std::vector<TSNode> parameterTypes;
    std::vector<std::pair<QString, TSNode>> namedParameters;
    const QJsonArray params
        = parametersOf(field(info.function, "parameters"), &parameterTexts, &parameterTypes, &namedParameters);

    Node fn;
    fn.type = NodeType::Function;
    fn.name = name->name;
    if (constructor)
        fn.kind = QStringLiteral("constructor");
    else if (member)
        fn.kind = QStringLiteral("method");
    else
        fn.kind = QStringLiteral("function");
    FileIndexBuilder::setLocation(fn, outer);
    uint32_t signatureEnd = ts_node_end_byte(node);
    if (!ts_node_is_null(initializers))
        signatureEnd = ts_node_start_byte(initializers);
    else if (!ts_node_is_null(body))
        signatureEnd = ts_node_start_byte(body);
    fn.signature = signatureOf(outer, signatureEnd);
    fn.docstring = docFor(outer);
    if (ts_node_is_null(body)) {
        fn.complexity = 1;
    } else {
        fn.complexity = mccabeComplexity(body, m_complexity);
        if (!ts_node_is_null(initializers))
            fn.complexity += mccabeComplexity(initializers, m_complexity) - 1;
    }

    const bool isStatic = hasKeyword(node, "static");
    bool isVirtual = hasKeyword(node, "virtual");
    bool isOverride = false;
    bool isFinal = false;
    bool isConst = false;
    bool isNoexcept = false;
    forEachNamedChild(info.function, [&](TSNode child) {
        switch (m_sym(child)) {
        case Sym::VirtualSpecifier:
            isOverride = isOverride || m_source.view(child) == "override";
            isFinal = isFinal || m_source.view(child) == "final";
            break;
        case Sym::TypeQualifier:
            isConst = isConst || m_source.view(child) == "const";
            break;
        case Sym::Noexcept:
            isNoexcept = true;
            break;
        default:
            break;
        }
    });
    isVirtual = isVirtual || isOverride || isFinal;
    const TSNode pureValue = field(node, "default_value");
    const bool pure = !definition && !ts_node_is_null(pureValue) && m_source.view(pureValue) == "0";

    fn.properties.insert(QStringLiteral("parameters"), params);
    if (!constructor && !name->destructor && m_sym(info.name) != Sym::OperatorCast
        && m_sym(name->at) != Sym::OperatorCast) {
        const QString returnType = returnTypeOf(node, info.function, info);
        if (!returnType.isEmpty())
            fn.properties.insert(QStringLiteral("return_type"), returnType);
    }
    if (!typeParameters.isEmpty())
        fn.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParameters));
    fn.properties.insert(QStringLiteral("is_static"), isStatic);
    if (m_cpp) {
        fn.properties.insert(QStringLiteral("is_virtual"), isVirtual);
        fn.properties.insert(QStringLiteral("is_const"), isConst);
        fn.properties.insert(QStringLiteral("is_noexcept"), isNoexcept);
        if (isOverride)
            fn.properties.insert(QStringLiteral("is_override"), true);
        if (isFinal)
            fn.properties.insert(QStringLiteral("is_final"), true);
        if (pure)
            fn.properties.insert(QStringLiteral("is_abstract"), true);
        if (name->destructor)
            fn.properties.insert(QStringLiteral("is_destructor"), true);
        if (defaulted)
            fn.properties.insert(QStringLiteral("is_defaulted"), true);
        if (deleted)
            fn.properties.insert(QStringLiteral("is_deleted"), true);
        if (isFriend)
            fn.properties.insert(QStringLiteral("friend"), true);
    }
    if (!definition)
        fn.properties.insert(QStringLiteral("declaration"), true);
    if (parent.kind == ScopeKind::Class && !isFriend) {
        fn.properties.insert(QStringLiteral("access"), parent.access);
        fn.properties.insert(QStringLiteral("visibility"), parent.access);
    } else if (member && !classId.isEmpty()) {
        // Out of line: what the class body said about the method (`static`, `virtual` and the
        // access section are written only there).
        const QJsonObject declared = m_memberDeclarations.value(localName);
        for (const QString& key : {QStringLiteral("access"), QStringLiteral("visibility")}) {
            if (declared.contains(key))
                fn.properties.insert(key, declared.value(key));
        }
        for (const QString& key : {QStringLiteral("is_static"), QStringLiteral("is_virtual")}) {
            if (declared.value(key).toBool())
                fn.properties.insert(key, true);
        }
    } else if (!member) {
        // File-local functions: `static` at file scope, or anything in an anonymous namespace.
        const bool fileLocal = isStatic || parent.fileLocal;
        fn.properties.insert(
            QStringLiteral("visibility"), fileLocal ? QStringLiteral("private") : QStringLiteral("public"));
    }
    if (!definition)
        m_memberDeclarations.insert(localName, fn.properties);

    if (m_cpp)
        fn.qualifiedName = qualified(ns, localName);
    const QString id = add(std::move(fn), localName, parentId, ns);
    if (!memberOf.isEmpty())
        m_builder.addReference(reference(Reference::Kind::MemberOf, id, memberOf, info.name));

    Scope scope;
    scope.kind = ScopeKind::Function;
    scope.id = id;
    scope.localName = localName;
    scope.name = name->name;
    scope.ns = ns;
    scope.fileLocal = parent.fileLocal;
    scope.owner = node;
    scope.body = body;
    scope.initializers = initializers;
    scope.typeParameters = typeParameterNames;
    scope.classId = classId;
    for (const TSNode type : parameterTypes)
        addUses(id, type, typeParameterNames);
    if (!constructor && !name->destructor)
        addUses(id, field(node, "type"), typeParameterNames);
    if (!definition || ts_node_is_null(body))
        return;
    for (const auto& [parameterName, type] : namedParameters) {
        const VarType varType = varTypeOf(type, {});
        if (!varType.type.isEmpty())
            scope.localTypes.insert(parameterName, varType);
    }
    m_scopes.push_back(std::move(scope));
}

void CFamilyWalk::onClass(TSNode node)
{
    const Sym sym = m_sym(node);
    const TSNode nameNode = field(node, "name");
    const TSNode body = field(node, "body");
    const int parentIndex = currentIndex();
    const Scope& parent = m_scopes[static_cast<size_t>(parentIndex)];

    // The typedef naming an anonymous struct, or declaring a named one at the same time.
    TSNode typedefNode {};
    if (!m_typedefs.empty() && ts_node_eq(field(m_typedefs.back(), "type"), node))
        typedefNode = m_typedefs.back();

    QString name;
    QStringList scopeSegments;
    switch (m_sym(nameNode)) {
    case Sym::TypeIdentifier:
        name = text(nameNode);
        break;
    case Sym::TemplateType: // a specialisation: `template<> struct hash<Foo> { … }`
        name = text(field(nameNode, "name"));
        break;
    case Sym::QualifiedIdentifier: {
        TSNode last {};
        scopeSegments = segmentsOf(nameNode, &last);
        name = m_sym(last) == Sym::TemplateType ? text(field(last, "name")) : text(last);
        break;
    }
    default:
        break;
    }
    bool anonymousTypedef = false;
    if (name.isEmpty() && !ts_node_is_null(typedefNode)) {
        TSTreeCursor cursor = ts_tree_cursor_new(typedefNode);
        if (ts_tree_cursor_goto_first_child(&cursor)) {
            do {
                const char* fieldName = ts_tree_cursor_current_field_name(&cursor);
                if (!fieldName || qstrcmp(fieldName, "declarator") != 0)
                    continue;
                const DeclaratorInfo info = declaratorInfo(ts_tree_cursor_current_node(&cursor));
                if (!ts_node_is_null(info.name) && info.marks.isEmpty() && ts_node_is_null(info.function)) {
                    name = text(info.name);
                    break;
                }
            } while (ts_tree_cursor_goto_next_sibling(&cursor));
        }
        ts_tree_cursor_delete(&cursor);
        anonymousTypedef = !name.isEmpty();
    }
    if (name.isEmpty())
        return; // anonymous: its members belong to the enclosing scope

    QStringList typeParameters;
    QSet<QString> typeParameterNames = parent.typeParameters;
    const TSNode outer = anonymousTypedef ? typedefNode : outerOf(node, &typeParameters, &typeParameterNames);

    QString parentId = parent.id;
    QString parentLocal = parent.localName;
    QString ns = parent.ns;
    QString memberOf;
    if (!scopeSegments.isEmpty()) {
        const QString path = scopeSegments.join(u'.');
        const auto it = m_classByQualified.constFind(qualified(ns, path));
        if (it != m_classByQualified.constEnd()) {
            parentId = *it;
            parentLocal = m_classLocalName.value(*it);
        } else if (m_knownNamespaces.contains(qualified(ns, path)) || m_knownNamespaces.contains(path)) {
            ns = m_knownNamespaces.contains(qualified(ns, path)) ? qualified(ns, path) : path;
        } else {
            parentLocal = qualified(parentLocal, path);
            memberOf = path;
        }
    }
    const QString localName = parentLocal.isEmpty() ? name : parentLocal + u'.' + name;

    Node cls;
    cls.type = NodeType::Class;
    switch (sym) {
    case Sym::ClassSpecifier:
        cls.kind = QStringLiteral("class");
        break;
    case Sym::UnionSpecifier:
        cls.kind = QStringLiteral("union");
        break;
    case Sym::EnumSpecifier:
        cls.kind = QStringLiteral("enum");
        break;
    default:
        cls.kind = QStringLiteral("struct");
        break;
    }
    cls.name = name;
    FileIndexBuilder::setLocation(cls, outer);
    if (anonymousTypedef) {
        cls.signature = QStringLiteral("typedef ")
            + withoutComments(m_source.slice(ts_node_start_byte(node), ts_node_start_byte(body)))
            + QStringLiteral(" { … } ") + name;
    } else {
        cls.signature = signatureOf(outer, ts_node_start_byte(body));
    }
    // A doc comment above `typedef struct x {` documents the struct.
    cls.docstring = docFor(ts_node_is_null(typedefNode) ? outer : typedefNode);
    cls.complexity = 0;

    struct Base {
        QString target;
        QString access;
        bool isVirtual = false;
        TSNode at;
    };
    std::vector<Base> bases;
    QStringList baseTexts;
    TSNode baseClause {};
    forEachNamedChild(node, [&](TSNode child) {
        if (m_sym(child) == Sym::BaseClassClause)
            baseClause = child;
    });
    if (!ts_node_is_null(baseClause)) {
        const QString defaultAccess = sym == Sym::ClassSpecifier ? QStringLiteral("private") : QStringLiteral("public");
        QString access;
        bool isVirtual = false;
        TSTreeCursor cursor = ts_tree_cursor_new(baseClause);
        if (ts_tree_cursor_goto_first_child(&cursor)) {
            do {
                const TSNode child = ts_tree_cursor_current_node(&cursor);
                const Sym childSym = m_sym(child);
                if (childSym == Sym::AccessSpecifier) {
                    access = text(child).trimmed();
                } else if (!ts_node_is_named(child)) {
                    if (qstrcmp(ts_node_type(child), "virtual") == 0)
                        isVirtual = true;
                    else if (qstrcmp(ts_node_type(child), ",") == 0) {
                        access.clear();
                        isVirtual = false;
                    }
                } else if (childSym == Sym::TypeIdentifier || childSym == Sym::QualifiedIdentifier
                    || childSym == Sym::TemplateType) {
                    const QString target = typeName(child);
                    baseTexts.append(clean(child));
                    if (!target.isEmpty())
                        bases.push_back({target, access.isEmpty() ? defaultAccess : access, isVirtual, child});
                }
            } while (ts_tree_cursor_goto_next_sibling(&cursor));
        }
        ts_tree_cursor_delete(&cursor);
    }

    if (parent.kind == ScopeKind::Class) {
        cls.properties.insert(QStringLiteral("access"), parent.access);
        cls.properties.insert(QStringLiteral("visibility"), parent.access);
    }
    cls.properties.insert(QStringLiteral("bases"), toJsonArray(baseTexts));
    cls.properties.insert(QStringLiteral("attributes"), QJsonArray());
    if (!typeParameters.isEmpty())
        cls.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParameters));
    if (sym == Sym::EnumSpecifier && (hasKeyword(node, "class") || hasKeyword(node, "struct")))
        cls.properties.insert(QStringLiteral("scoped"), true);

    const QString id = add(std::move(cls), localName, parentId, ns);
    m_classByQualified.insert(qualified(ns, localName), id);
    m_classLocalName.insert(id, localName);
    if (!memberOf.isEmpty())
        m_builder.addReference(reference(Reference::Kind::MemberOf, id, memberOf, nameNode));

    Scope scope;
    scope.kind = ScopeKind::Class;
    scope.id = id;
    scope.localName = localName;
    scope.name = name;
    scope.ns = ns;
    scope.fileLocal = parent.fileLocal;
    scope.owner = node;
    scope.body = body;
    scope.typeParameters = typeParameterNames;
    scope.isEnum = sym == Sym::EnumSpecifier;
    scope.access = sym == Sym::ClassSpecifier ? QStringLiteral("private") : QStringLiteral("public");
    m_scopes.push_back(std::move(scope));

    for (const Base& base : bases) {
        Reference ref = reference(Reference::Kind::Inherit, id, base.target, base.at);
        if (m_cpp) {
            ref.details.insert(QStringLiteral("access"), base.access);
            if (base.isVirtual)
                ref.details.insert(QStringLiteral("virtual"), true);
        }
        m_builder.addReference(std::move(ref));
        // `Base<User>`: the arguments are type references of the class.
        addUses(id, base.at, typeParameterNames, true);
    }
}

QString CFamilyWalk::typeName(TSNode type) const
{
    // Dotted, template arguments dropped: `const ns::Foo<int>&` → "ns.Foo"; empty for built-ins.
    switch (m_sym(type)) {
    case Sym::TypeIdentifier:
    case Sym::Identifier:
    case Sym::NamespaceIdentifier:
        return text(type);
    case Sym::TemplateType:
        return typeName(field(type, "name"));
    case Sym::QualifiedIdentifier: {
        TSNode last {};
        QStringList segments = segmentsOf(type, &last);
        const QString tail = m_sym(last) == Sym::TemplateType ? text(field(last, "name")) : text(last);
        if (tail.isEmpty()
            || (m_sym(last) != Sym::TypeIdentifier && m_sym(last) != Sym::TemplateType
                && m_sym(last) != Sym::Identifier))
            return {};
        segments.append(tail);
        return segments.join(u'.');
    }
    case Sym::StructSpecifier:
    case Sym::UnionSpecifier:
    case Sym::EnumSpecifier:
    case Sym::ClassSpecifier: {
        const TSNode name = field(type, "name");
        return ts_node_is_null(name) ? QString() : typeName(name);
    }
    default:
        return {};
    }
}

VarType CFamilyWalk::varTypeOf(TSNode type, TSNode value) const
{
    VarType result;
    if (ts_node_is_null(type))
        return result;
    result.type = typeName(type);
    TSNode templateType {};
    if (m_sym(type) == Sym::TemplateType) {
        templateType = type;
    } else if (m_sym(type) == Sym::QualifiedIdentifier) {
        TSNode last {};
        segmentsOf(type, &last);
        if (m_sym(last) == Sym::TemplateType)
            templateType = last;
    }
    const auto firstTypeArgument = [&](TSNode arguments) {
        QString found;
        forEachNamedChild(arguments, [&](TSNode argument) {
            if (found.isEmpty() && m_sym(argument) == Sym::TypeDescriptor)
                found = typeName(field(argument, "type"));
        });
        return found;
    };
    if (!ts_node_is_null(templateType) && isSmartPointer(result.type))
        result.pointee = firstTypeArgument(field(templateType, "arguments"));
    if (!result.type.isEmpty() || ts_node_is_null(value))
        return result;
    // `auto x = new T(…)`, `auto p = std::make_unique<T>(…)`.
    if (m_sym(value) == Sym::NewExpression) {
        result.type = typeName(field(value, "type"));
    } else if (m_sym(value) == Sym::CallExpression) {
        TSNode function = field(value, "function");
        if (m_sym(function) == Sym::QualifiedIdentifier)
            segmentsOf(function, &function);
        if (m_sym(function) == Sym::TemplateFunction) {
            const QString callee = text(field(function, "name"));
            if (callee == u"make_unique" || callee == u"make_shared") {
                result.type = QStringLiteral("std.")
                    + (callee == u"make_unique" ? QStringLiteral("unique_ptr") : QStringLiteral("shared_ptr"));
                result.pointee = firstTypeArgument(field(function, "arguments"));
            }
        }
    }
    return result;
}

void CFamilyWalk::addUses(const QString& sourceId, TSNode type, const QSet<QString>& typeParameters, bool argumentsOnly)
{
    if (ts_node_is_null(type))
        return;
    const auto emit = [&](const QString& target, TSNode at) {
        if (argumentsOnly && ts_node_eq(at, type))
            return;
        if (target.isEmpty() || typeParameters.contains(target))
            return;
        const QString key = sourceId + u'\n' + target;
        if (m_usesSeen.contains(key))
            return;
        m_usesSeen.insert(key);
        m_builder.addReference(reference(Reference::Kind::Use, sourceId, target, at));
    };
    // Explicit stack: template arguments nest arbitrarily (`vector<vector<…>>`).
    std::vector<TSNode> stack {type};
    while (!stack.empty()) {
        const TSNode node = stack.back();
        stack.pop_back();
        switch (m_sym(node)) {
        case Sym::TypeIdentifier:
            emit(text(node), node);
            break;
        case Sym::StructSpecifier:
        case Sym::UnionSpecifier:
        case Sym::EnumSpecifier:
        case Sym::ClassSpecifier:
            if (ts_node_is_null(field(node, "body")))
                emit(typeName(node), node);
            break;
        case Sym::TemplateType: {
            emit(typeName(node), node);
            std::vector<TSNode> arguments;
            forEachNamedChild(field(node, "arguments"), [&](TSNode argument) {
                if (m_sym(argument) == Sym::TypeDescriptor)
                    arguments.push_back(field(argument, "type"));
            });
            stack.insert(stack.end(), arguments.rbegin(), arguments.rend());
            break;
        }
        case Sym::QualifiedIdentifier: {
            emit(typeName(node), node);
            // Arguments of every segment: `Outer<A>::Inner<B>` uses A and B.
            std::vector<TSNode> arguments;
            TSNode at = node;
            for (int guard = 0; guard < 1024 && m_sym(at) == Sym::QualifiedIdentifier; ++guard) {
                const TSNode scope = field(at, "scope");
                if (m_sym(scope) == Sym::TemplateType) {
                    forEachNamedChild(field(scope, "arguments"), [&](TSNode argument) {
                        if (m_sym(argument) == Sym::TypeDescriptor)
                            arguments.push_back(field(argument, "type"));
                    });
                }
                at = field(at, "name");
            }
            if (m_sym(at) == Sym::TemplateType) {
                forEachNamedChild(field(at, "arguments"), [&](TSNode argument) {
                    if (m_sym(argument) == Sym::TypeDescriptor)
                        arguments.push_back(field(argument, "type"));
                });
            }
            stack.insert(stack.end(), arguments.rbegin(), arguments.rend());
            break;
        }
        default:
            break; // primitives, auto, decltype(…)
        }
    }
}

const VarType* CFamilyWalk::lookupVariable(const QString& name) const
{
    for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
        if (it->kind == ScopeKind::Function) {
            const auto local = it->localTypes.constFind(name);
            if (local != it->localTypes.constEnd())
                return &*local;
            if (!it->classId.isEmpty()) {
                const auto fields = m_classFields.constFind(it->classId);
                if (fields != m_classFields.constEnd()) {
                    const auto found = fields->constFind(name);
                    if (found != fields->constEnd())
                        return &*found;
                }
            }
            break; // the innermost function decides; enclosing functions' locals are not visible
        }
    }
    const auto global = m_globalTypes.constFind(name);
    return global == m_globalTypes.constEnd() ? nullptr : &*global;
}

QString CFamilyWalk::receiverTypeOf(TSNode argument, bool arrow) const
{
    QString variable;
    if (m_sym(argument) == Sym::Identifier) {
        variable = text(argument);
    } else if (m_sym(argument) == Sym::FieldExpression && m_sym(field(argument, "argument")) == Sym::This) {
        variable = text(field(argument, "field")); // `this->m_x.f()`
    } else {
        return {};
    }
    const VarType* type = lookupVariable(variable);
    if (!type)
        return {};
    return arrow && !type->pointee.isEmpty() ? type->pointee : type->type;
}

QString CFamilyWalk::receiverText(TSNode object) const
{
    // Built from the call outward to the chain's root without recursion; calls in the chain are
    // shown as "name()" without their arguments.
    QStringList parts;
    qsizetype length = 0;
    TSNode at = object;
    bool truncated = false;
    for (;;) {
        const Sym sym = m_sym(at);
        if (sym == Sym::Identifier || sym == Sym::FieldIdentifier || sym == Sym::NamespaceIdentifier
            || sym == Sym::TypeIdentifier) {
            parts.append(text(at));
            break;
        }
        if (sym == Sym::This) {
            parts.append(QStringLiteral("this"));
            break;
        }
        if (sym == Sym::FieldExpression) {
            TSNode member = field(at, "field");
            if (m_sym(member) == Sym::DependentName && ts_node_named_child_count(member) > 0)
                member = ts_node_named_child(member, 0);
            if (m_sym(member) == Sym::TemplateMethod)
                member = field(member, "name");
            parts.append(u'.' + compactOperator(text(member)));
            at = field(at, "argument");
        } else if (sym == Sym::CallExpression) {
            parts.append(QStringLiteral("()"));
            at = field(at, "function");
        } else if (sym == Sym::QualifiedIdentifier) {
            TSNode last {};
            QStringList segments = segmentsOf(at, &last);
            segments.append(m_sym(last) == Sym::TemplateFunction || m_sym(last) == Sym::TemplateType
                    ? text(field(last, "name"))
                    : compactOperator(text(last)));
            parts.append(segments.join(u'.'));
            break;
        } else if (sym == Sym::ParenthesizedExpression || sym == Sym::PointerExpression) {
            // `(*p).f()`, `(a).f()`: the object is what is inside.
            const TSNode inner = sym == Sym::PointerExpression ? field(at, "argument") : ts_node_named_child(at, 0);
            if (ts_node_is_null(inner))
                break;
            at = inner;
            continue;
        } else {
            const uint32_t from = ts_node_start_byte(at);
            const uint32_t to = std::min(ts_node_end_byte(at), from + static_cast<uint32_t>(kMaxReceiverChars));
            parts.append(withoutComments(m_source.slice(from, to)));
            break;
        }
        length += parts.last().size();
        if (length > kMaxReceiverChars) {
            truncated = true;
            break;
        }
    }
    if (truncated)
        parts.append(QStringLiteral("…"));
    std::reverse(parts.begin(), parts.end());
    return parts.join(QString());
}

void CFamilyWalk::onCall(TSNode node)
{
    TSNode function = field(node, "function");
    QString target;
    QString receiver;
    QString receiverType;
    switch (m_sym(function)) {
    case Sym::Identifier:
        target = text(function);
        break;
    case Sym::TemplateFunction: {
        target = text(field(function, "name"));
        // Casts are operators spelled like template calls.
        if (target == u"static_cast" || target == u"dynamic_cast" || target == u"const_cast"
            || target == u"reinterpret_cast")
            return;
        break;
    }
    case Sym::QualifiedIdentifier: {
        TSNode last {};
        const QStringList segments = segmentsOf(function, &last);
        switch (m_sym(last)) {
        case Sym::Identifier:
        case Sym::TypeIdentifier:
            target = text(last);
            break;
        case Sym::TemplateFunction:
        case Sym::TemplateType:
            target = text(field(last, "name"));
            break;
        case Sym::DestructorName:
        case Sym::OperatorName:
            target = compactOperator(text(last));
            break;
        default:
            return;
        }
        receiver = segments.join(u'.');
        break;
    }
    case Sym::FieldExpression: {
        TSNode member = field(function, "field");
        if (m_sym(member) == Sym::DependentName && ts_node_named_child_count(member) > 0)
            member = ts_node_named_child(member, 0);
        if (m_sym(member) == Sym::TemplateMethod)
            member = field(member, "name");
        if (m_sym(member) == Sym::QualifiedIdentifier) { // `obj.Base::f()`
            TSNode last {};
            segmentsOf(member, &last);
            member = last;
        }
        target = compactOperator(text(member));
        const TSNode argument = field(function, "argument");
        receiver = receiverText(argument);
        receiverType = receiverTypeOf(argument, m_source.view(field(function, "operator")) == "->");
        break;
    }
    default:
        return; // `(*fp)(x)`, `f()()`, `table[i](x)`: no name to resolve
    }
    if (target.isEmpty())
        return;
    Reference ref = reference(Reference::Kind::Call, current().id, target, node);
    ref.receiver = receiver;
    ref.receiverType = receiverType;
    m_builder.addReference(std::move(ref));
}

void CFamilyWalk::onNew(TSNode node)
{
    const TSNode type = field(node, "type");
    QString target;
    QString receiver;
    switch (m_sym(type)) {
    case Sym::TypeIdentifier:
        target = text(type);
        break;
    case Sym::TemplateType:
        target = typeName(type);
        break;
    case Sym::QualifiedIdentifier: {
        const QString dotted = typeName(type);
        const qsizetype dot = dotted.lastIndexOf(u'.');
        target = dot < 0 ? dotted : dotted.sliced(dot + 1);
        receiver = dot < 0 ? QString() : dotted.first(dot);
        break;
    }
    default:
        return; // `new int[3]`
    }
    if (target.isEmpty())
        return;
    Reference ref = reference(Reference::Kind::Call, current().id, target, node);
    ref.receiver = receiver;
    ref.details.insert(QStringLiteral("new"), true);
    m_builder.addReference(std::move(ref));
}

} // namespace

void CFamilyExtractor::extract(TSNode root, const SourceText& source, FileIndex& out) const
{
    if (ts_node_is_null(root) || out.nodes.isEmpty())
        return;
    CFamilyWalk walk(root, source, out, m_dialect == Dialect::Cpp);
    walk.run();
}

} // namespace mu::parse
