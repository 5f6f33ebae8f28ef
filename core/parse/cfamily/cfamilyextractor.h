#pragma once

#include "parse/extractor.h"

namespace mu::parse {

/// C and C++: functions, structs/unions/enums/typedefs, function-like macros, includes; for C++
/// also namespaces, classes with access, out-of-line methods, templates, operators. See SPEC §1.
class CFamilyExtractor final : public Extractor {
public:
    enum class Dialect {
        C,
        Cpp
    };
    explicit CFamilyExtractor(Dialect dialect) : m_dialect(dialect) { }
    void extract(TSNode root, const SourceText& source, FileIndex& out) const override;

private:
    Dialect m_dialect;
};

} // namespace mu::parse
