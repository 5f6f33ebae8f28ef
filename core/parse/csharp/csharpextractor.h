#pragma once

#include "parse/extractor.h"

namespace mu::parse {

/// C#: namespaces (block and file-scoped), usings, classes/structs/interfaces/records/enums/
/// delegates, partial classes, methods, local functions, constructors, destructors, operators,
/// properties, indexers, events, attributes, XML doc comments, calls and type uses. See SPEC §1.
///
/// Choices the SPEC leaves open:
/// - Namespaces are not nodes: every namespace a file opens (nested ones joined, "A.B.C") is in
///   FileIndex::namespaces and prefixes qualified names (`A.B.C.Widget.Draw`); ids use the in-file
///   name (`Widget.Draw`).
/// - Partial declarations of one type in one file are one node: the first declaration gives its
///   range, signature and docstring; members, bases, attributes and decorators of every part are
///   merged into it (`properties.partial = true`).
/// - `record struct` is kind "record" with `properties.struct = true`. A delegate is a class (the CLR
///   makes it one) with `properties.delegate = true`.
/// - Properties, indexers (named `this`) and events with accessor bodies are kind "property";
///   field-like events are class attributes, as fields are.
/// - Destructors are methods named `~Name` with `is_destructor`; operators are methods named
///   `operator+`, conversions `operator int` with `properties.conversion` "implicit"/"explicit".
/// - Local functions are function nodes nested in their method; lambdas and anonymous methods are
///   not nodes: their calls and decisions count toward the enclosing member.
/// - Complexity: 1 + if, for, foreach, while, do, every `case` label, switch expression arms but the
///   discard `_`, catch, `?:`, `&&`, `||`, `??`, `??=`, `?.`/`?[]`.
/// - The doc comment is the `<summary>` of the `///` lines above a declaration, tags stripped
///   (`<see cref="X"/>` reads as X) and whitespace collapsed; without a summary, untagged text.
/// - Uses skip predefined types, `var`/`dynamic`, type parameters in scope and System's
///   String/Object.
/// - `: base(…)`/`: this(…)` are calls of the first base's/own constructor, receiver "super"/"this",
///   details {"constructor": true}.
class CSharpExtractor final : public Extractor {
public:
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;
};

} // namespace mu::parse
