#pragma once

#include "parse/extractor.h"

namespace mu::parse {

/// Go: packages, structs/interfaces, functions, methods attached to their receiver type, embedded types, imports, calls. See SPEC §1.
class GoExtractor final : public Extractor {
public:
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;
};

} // namespace mu::parse
