#pragma once

#include "parse/extractor.h"

namespace mu::parse {

/// Go: the package clause and its doc comment, imports, named types, functions, methods attached to
/// their receiver type, embedded types, call sites and type references. See SPEC §1.
///
/// Choices where the language leaves room:
/// - Every defined type is a class node: `struct` → kind "struct", `interface` → "interface", any
///   other defined type (`type Celsius float64`, `type HandlerFunc func(…)`) → "class", because
///   such types carry methods just like structs do. Aliases (`type A = B`) define no type and are
///   not nodes.
/// - A method whose receiver type is declared at the top level of the same file is contained by
///   that type; otherwise it hangs off the module with a MemberOf reference to the receiver type.
/// - Interface method specifications are method nodes of the interface, properties.declaration=true.
/// - Embedded struct fields and embedded interfaces are Inherit references (pointer and type
///   arguments stripped); type-set elements of constraints (`~int | ~string`) are only Uses.
/// - Complexity: 1 + if, for, each case clause of expression/type switches and selects (default
///   excluded), `&&`, `||`; function literals count toward the enclosing function.
/// - Visibility: "public" for exported (upper-case) names, else "package".
/// Thread: stateless; one instance serves every pool thread.
class GoExtractor final : public Extractor {
public:
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;
};

} // namespace mu::parse
