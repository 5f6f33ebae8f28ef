#pragma once

#include <QByteArrayAlgorithms>
#include <QHash>
#include <QMutex>

#include <tree_sitter/api.h>

#include <memory>
#include <span>
#include <vector>

namespace mu::parse {

/// One grammar node type an extractor cares about, by its grammar name.
template<typename Sym> struct SymbolName {
    const char* name;
    Sym sym;
};

/// A grammar's symbol ids mapped to an extractor's own enum, so extractors switch on integers
/// instead of comparing type strings per node. `Sym` must have an `Other` member (every symbol
/// not named) and may have an `Error` member (tree-sitter's ERROR nodes).
/// Built once per grammar and shared: of() is thread-safe and the map is immutable.
template<typename Sym> class SymbolMap {
public:
    static const SymbolMap& of(const TSLanguage* language, std::span<const SymbolName<Sym>> names)
    {
        static QMutex mutex;
        static QHash<const TSLanguage*, std::shared_ptr<const SymbolMap>> maps;
        const QMutexLocker lock(&mutex);
        std::shared_ptr<const SymbolMap>& map = maps[language];
        if (!map)
            map = std::make_shared<const SymbolMap>(language, names);
        return *map;
    }

    SymbolMap(const TSLanguage* language, std::span<const SymbolName<Sym>> names)
    {
        const uint32_t count = language ? ts_language_symbol_count(language) : 0;
        m_table.assign(count, Sym::Other);
        for (uint32_t i = 0; i < count; ++i) {
            const auto symbol = static_cast<TSSymbol>(i);
            if (ts_language_symbol_type(language, symbol) != TSSymbolTypeRegular)
                continue;
            const char* name = ts_language_symbol_name(language, symbol);
            for (const SymbolName<Sym>& entry : names) {
                if (qstrcmp(name, entry.name) == 0) {
                    m_table[i] = entry.sym;
                    break;
                }
            }
        }
    }

    Sym operator()(TSNode node) const
    {
        if (ts_node_is_null(node))
            return Sym::Other;
        const TSSymbol symbol = ts_node_symbol(node);
        if constexpr (requires { Sym::Error; }) {
            if (symbol == static_cast<TSSymbol>(-1)) // ts_builtin_sym_error
                return Sym::Error;
        }
        return symbol < m_table.size() ? m_table[symbol] : Sym::Other;
    }

private:
    std::vector<Sym> m_table;
};

} // namespace mu::parse
