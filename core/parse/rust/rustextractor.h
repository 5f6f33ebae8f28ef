#pragma once

#include "parse/extractor.h"

namespace mu::parse {

/// Rust: structs, enums, unions and traits, inline modules, functions, impl blocks attached to
/// their type, `impl Trait for T` as inherits, `use` trees, `mod` declarations, macros (defined and
/// invoked), doc comments, attributes, call sites and type references. See SPEC §1.
///
/// Choices where the language leaves room:
/// - Inline `mod m { … }` blocks are class nodes of kind "namespace" and nest the local names of
///   what they hold (`m.S`, `m.S.f`); `mod m;` is an Import {"mod": true} from the enclosing
///   namespace (or the module), carrying {"path": …} when a `#[path]` attribute gives the file.
/// - An impl block is not a node: its functions are methods named `Type.f`. When the type is
///   defined in this file (same namespace path), the type contains them; otherwise they hang off
///   the enclosing namespace or module with a MemberOf reference to the type as written, dotted.
///   Impls of non-nominal types (`impl<T> Tr for T`, `impl Tr for [T]`) have no owner.
/// - Trait methods: a signature without body is a method node with declaration=true; a default
///   method is an ordinary method; both belong to the trait.
/// - `use` declarations become one Import per leaf from the enclosing namespace or module (their
///   paths are relative to it); `pub use` adds {"reexport": true}.
/// - `macro_rules! m` is a function node with properties {"macro": true}; an invocation `m!(…)`
///   is a Call to "m" with details {"macro": true}. Token trees are not parsed, so calls inside
///   macro arguments are not seen.
/// - Complexity: 1 + if / if let, while / while let, for, every match arm, `&&`, `||`; `loop` has
///   no condition and `?` is an early return, neither is a decision. Closures count toward the
///   enclosing function; nested fn items, impls, traits and modules do not.
/// - Visibility: `pub` → "public", `pub(crate)`, `pub(super)`, `pub(in …)` → "internal", none →
///   "private"; trait methods and trait-impl methods are "public" (they are as visible as the
///   trait).
/// Thread: stateless; one instance serves every pool thread.
class RustExtractor final : public Extractor {
public:
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;
};

} // namespace mu::parse
