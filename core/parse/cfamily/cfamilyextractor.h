#pragma once

#include "parse/extractor.h"

#include <QByteArray>

namespace mu::parse {

/// C and C++ (SPEC §1): functions, structs/unions/enums (typedef'd anonymous ones named by the
/// typedef), function-like macros (kind "function", {"macro": true}), `#include`s, Doxygen doc
/// comments; for C++ also namespaces (qualified names and FileIndex::namespaces), classes with
/// access specifiers, declared-only methods (declaration=true), out-of-line `A::f` definitions
/// (attached to A when A is in the file, else MemberOf "A"), templates, constructors/destructors,
/// operators and inheritance lists.
///
/// Choices where the languages leave room:
/// - Free function prototypes are not nodes; methods declared in a class body are.
/// - Complexity: 1 + if, for, range for, while, do, case (not default), catch, `?:`, `&&`, `||`.
///   Lambdas count toward the enclosing function; local classes are scopes of their own.
/// - Destructors are "method" nodes named "~A" (is_destructor); operators are named as written
///   without spaces ("operator==", "operator new", "operator bool").
/// - Out-of-line `a::b::C::f`: leading segments that name a namespace this file declares (or
///   opens with `using namespace`) are namespaces; the rest is the owning class path.
/// - Annotation macros the grammar cannot know (Qt's `Q_OBJECT`, `Q_CORE_EXPORT`, `Q_SIGNALS:`,
///   the kernel's `__init`, `__user`, …) and `#if`/`#else` groups that split one construct
///   derail tree-sitter: prepareSource() blanks them before the parse (Language::prepareSource);
///   node text still comes from the original source.
///
/// Thread: stateless; one instance serves every pool thread.
class CFamilyExtractor final : public Extractor {
public:
    enum class Dialect {
        C,
        Cpp
    };
    explicit CFamilyExtractor(Dialect dialect) : m_dialect(dialect) { }
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;

    /// The bytes tree-sitter parses for `utf8`: `utf8` with the preprocessor text a parser
    /// without a preprocessor cannot read replaced by spaces (newlines kept, so every byte
    /// offset, line and column stays valid for the original). `utf8` itself, shared and not
    /// copied, when nothing applies. Two rules, in this order:
    /// 1. Annotation macros: a fixed list of Qt and Linux macros that expand to nothing, to
    ///    attributes or to moc declarations (with their argument lists where they take one;
    ///    `Q_SIGNALS:` becomes `public:`); any ALL_CAPS word between `class`/`struct`/`union`/
    ///    `enum` and a class name that a body or base clause follows; and words named like export,
    ///    linkage or calling-convention macros (`*_EXPORT`, `*_API`, `*_EXTERN`, `*_APICALL`, `*_APIENTRY`,
    ///    `*_FASTCALL`, `*_INLINE`, `*_TEMPLATE`, `*_IMPLICIT`, `*_EXPLICIT`, `*_CONSTEXPR`,
    ///    `*_DEPRECATED`) in front of another word or `~`; and ALL_CAPS words between a parameter
    ///    list's `)` and a body, `;`, `=`, `:` or specifier (`void lock() QT_MUTEX_LOCK_NOEXCEPT {`).
    ///    Directives, comments and literals are kept.
    /// 2. Split conditionals: an `#if` group any of whose branches is not whole (unbalanced braces
    ///    or parentheses, or ending inside a declaration) is replaced by one branch: the one the
    ///    preprocessor takes when the condition is known (`#if 0`, `__cplusplus` by dialect),
    ///    else the first, as ctags does. Groups of whole branches are left to the grammar.
    static QByteArray prepareSource(const QByteArray& utf8, Dialect dialect);

private:
    Dialect m_dialect;
};

} // namespace mu::parse
