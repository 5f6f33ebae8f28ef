// libFuzzer target for the MUQL front end: lexer, parser (with its catalog binding and "did you
// mean" hints) and the SQL planner, on arbitrary bytes. Built only with -DMU_BUILD_FUZZERS=ON in a
// clang build (see docs/BENCHMARKS.md); the normal build replays the seed corpus through the same
// entry point (fuzz_replay.cpp, CTest "muql_fuzz_corpus").
#include "query/parser.h"
#include "query/planner.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <variant>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // Queries are typed by people: cap the input so the fuzzer explores grammar, not memcpy.
    if (size > 4096)
        return 0;
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    auto query = mu::query::parse(text);
    if (!query) {
        const mu::query::QueryError& error = query.error();
        // Errors must point inside the text (or nowhere) and render their position.
        if (error.position > text.size() || error.message.isEmpty())
            __builtin_trap();
        (void)mu::query::lineColumn(text, error.position);
        return 0;
    }
    if (const auto* select = std::get_if<mu::query::SelectStatement>(&query->statement)) {
        const mu::query::SqlPlan plan = mu::query::planSelect(*select, 1000);
        // Every placeholder meets exactly one bound value.
        if (plan.sql.count(u'?') != plan.parameters.size())
            __builtin_trap();
    }
    return 0;
}
