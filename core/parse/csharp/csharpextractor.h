#pragma once

#include "parse/extractor.h"

namespace mu::parse {

/// C#: namespaces, usings, classes/structs/interfaces/records/enums, partial classes, properties, constructors, attributes, XML docs. See SPEC §1.
class CSharpExtractor final : public Extractor {
public:
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;
};

} // namespace mu::parse
