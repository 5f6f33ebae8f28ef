#pragma once

#include <tree_sitter/api.h>

#include <functional>

namespace mu::parse {

/// Per-language rules for McCabe complexity (SPEC §1).
struct ComplexityRules {
    /// Decision points this syntax node adds (0 for most nodes; 1 for if/elif/loops/case arms/
    /// catch/ternary/boolean operators/comprehension for and if, …).
    std::function<int(TSNode)> decisions;
    /// True for nodes whose body is its own node (nested named functions, classes): not counted.
    /// Lambdas and arrow functions are not nested scopes: they count toward the enclosing function.
    std::function<bool(TSNode)> isNestedScope;
};

/// 1 + the decision points under `body`, skipping nested scopes. Iterative: any depth is safe.
int mccabeComplexity(TSNode body, const ComplexityRules& rules);

} // namespace mu::parse
