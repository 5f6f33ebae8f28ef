#pragma once

#include "parse/extractor.h"

namespace mu::parse {

/// Java: packages, imports, classes/interfaces/enums/records/annotations, nested and anonymous classes, constructors, overloads, annotations, Javadoc. See SPEC §1.
class JavaExtractor final : public Extractor {
public:
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;
};

} // namespace mu::parse
