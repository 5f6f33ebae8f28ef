#pragma once

#include "parse/extractor.h"

namespace mu::parse {

/// Java: packages, imports, classes/interfaces/enums/records/annotation types, nested, local and
/// anonymous classes, constructors, overloads, annotations, Javadoc, calls and type uses. See SPEC §1.
///
/// Choices the SPEC leaves open:
/// - The package is the module's `properties.package`, the file's only namespace and the prefix of
///   every qualified name (`com.acme.Outer.Inner.run`); ids use the in-file name (`Outer.Inner.run`).
/// - Annotation types are classes of kind "interface" with `properties.annotation = true`; their
///   elements (`int value() default 1;`) are methods.
/// - An anonymous class `new Foo() { … }` is a class named `$N`, numbered from 1 in file order within
///   its enclosing method or class (`Outer.run.$1`): javac's `Outer$1` counts over the whole
///   top-level class, so an edit in one method would renumber the others. It inherits from `Foo`.
/// - An enum constant with a body is a class named after the constant (`Color.RED`) that inherits
///   from its enum; its methods belong to it.
/// - Lambdas are not nodes: their calls and decisions count toward the enclosing method.
/// - Complexity: 1 + if, for, enhanced for, while, do, every `case` label (`case 1, 2 ->` is one
///   label, `default` none), catch, `?:`, `&&`, `||`.
/// - Uses skip primitives, `var`, type variables in scope, and java.lang's String, Object and boxes.
/// - `super(…)`/`this(…)` are calls of the superclass's/own constructor: target = that class's simple
///   name, receiver "super"/"this", details {"constructor": true}.
class JavaExtractor final : public Extractor {
public:
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;
};

} // namespace mu::parse
