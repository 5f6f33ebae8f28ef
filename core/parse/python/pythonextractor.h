#pragma once

#include "parse/extractor.h"

namespace mu::parse {

/// Python: classes, functions, methods, decorators, docstrings, parameters, imports (incl.
/// importlib), call sites and type references. See SPEC §1.
class PythonExtractor final : public Extractor {
public:
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;
};

} // namespace mu::parse
