#pragma once

#include "parse/extractor.h"

namespace mu::parse {

/// Rust: mod/use trees, structs/enums/traits/unions, impl blocks attached to their type, impl Trait for T as inherits, macros as calls. See SPEC §1.
class RustExtractor final : public Extractor {
public:
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;
};

} // namespace mu::parse
