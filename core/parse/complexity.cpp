#include "parse/complexity.h"

#include "parse/treewalk.h"

namespace mu::parse {

int mccabeComplexity(TSNode body, const ComplexityRules& rules)
{
    int complexity = 1;
    bool atRoot = true;
    walkTree(body, [&](TSNode node) {
        if (!atRoot && rules.isNestedScope(node))
            return false;
        atRoot = false;
        complexity += rules.decisions(node);
        return true;
    });
    return complexity;
}

} // namespace mu::parse
