#pragma once

#include "parse/extractor.h"

namespace mu::parse {

/// JavaScript (with JSX), TypeScript and TSX: classes, interfaces, enums, type aliases,
/// functions, methods, arrow functions bound to names, exports/re-exports, imports (incl.
/// require and import()), call sites and type references. See SPEC §1.
class EcmaScriptExtractor final : public Extractor {
public:
    enum class Dialect {
        JavaScript,
        TypeScript,
        Tsx
    };
    explicit EcmaScriptExtractor(Dialect dialect) : m_dialect(dialect) { }
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;

private:
    Dialect m_dialect;
};

} // namespace mu::parse
