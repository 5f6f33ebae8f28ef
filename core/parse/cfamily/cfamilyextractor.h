#pragma once

#include "parse/extractor.h"

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

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
///   the kernel's `__init`, `__user`, …) derail tree-sitter. When a file has syntax errors and
///   contains such macros, the file is parsed again with them blanked out (offsets unchanged),
///   and the better tree is used; node text still comes from the original source.
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

    /// `source` with the known annotation macros (and their argument lists where they take one)
    /// replaced by spaces, newlines kept, so every byte offset, line and column stays valid;
    /// nullopt when there is nothing to blank. Preprocessor directives, comments and string
    /// literals are left alone.
    static std::optional<QByteArray> blankAnnotationMacros(QByteArrayView source);

private:
    Dialect m_dialect;
};

} // namespace mu::parse
