#include "store/noderesolver.h"

#include "model/nodeid.h"
#include "store/storereader.h"

#include <algorithm>

namespace mu::store {

namespace {

int typeRank(NodeType type)
{
    switch (type) {
    case NodeType::Class:
        return 0;
    case NodeType::Module:
        return 1;
    case NodeType::Function:
        return 2;
    case NodeType::External:
        return 3;
    }
    return 4;
}

bool looksLikePath(const QString& text)
{
    if (text.contains(u'/'))
        return true;
    static const QStringList extensions = {QStringLiteral(".py"), QStringLiteral(".pyw"), QStringLiteral(".js"),
        QStringLiteral(".jsx"), QStringLiteral(".mjs"), QStringLiteral(".cjs"), QStringLiteral(".ts"),
        QStringLiteral(".tsx"), QStringLiteral(".mts"), QStringLiteral(".cts")};
    return std::any_of(extensions.cbegin(), extensions.cend(),
        [&](const QString& ext) { return text.endsWith(ext, Qt::CaseInsensitive); });
}

} // namespace

Result<Node> NodeResolver::pick(const QString& text, QList<Node> matches)
{
    if (matches.size() == 1)
        return matches.first();
    std::stable_sort(matches.begin(), matches.end(), [](const Node& a, const Node& b) {
        if (typeRank(a.type) != typeRank(b.type))
            return typeRank(a.type) < typeRank(b.type);
        return a.id < b.id;
    });
    const qsizetype count = matches.size();
    m_candidates = matches.mid(0, 10);
    return Error {QStringLiteral("ambiguous"),
        QStringLiteral("'%1' matches %2 nodes; use one of the ids listed").arg(text).arg(count)};
}

Result<Node> NodeResolver::resolve(const QString& input)
{
    m_candidates.clear();
    const QString text = input.trimmed();
    if (text.isEmpty())
        return Error {QStringLiteral("usage"), QStringLiteral("empty node name")};

    // 1. A full id.
    if (text.startsWith(u"mod:") || text.startsWith(u"cls:") || text.startsWith(u"fn:") || text.startsWith(u"ext:")) {
        auto node = m_reader.node(text);
        if (!node)
            return node.error();
        if (node->has_value())
            return **node;
    }
    // 2. A path: its module.
    if (looksLikePath(text)) {
        QString path = text;
        if (path.startsWith(u"./"))
            path = path.sliced(2);
        auto node = m_reader.node(nodeid::module(path));
        if (!node)
            return node.error();
        if (node->has_value())
            return **node;
    }
    // 3-4. Exact name, then case-insensitive name.
    for (Qt::CaseSensitivity cs : {Qt::CaseSensitive, Qt::CaseInsensitive}) {
        auto named = m_reader.nodesNamed(text, cs);
        if (!named)
            return named.error();
        if (!named->isEmpty())
            return pick(text, std::move(*named));
    }
    // 5. Qualified-name suffix ("service.AuthService.login").
    auto suffix = m_reader.nodesByQualifiedSuffix(text, 50);
    if (!suffix)
        return suffix.error();
    if (!suffix->isEmpty())
        return pick(text, std::move(*suffix));
    // 6. Substring of the name.
    auto containing = m_reader.nodesNameContaining(text, 50);
    if (!containing)
        return containing.error();
    if (!containing->isEmpty())
        return pick(text, std::move(*containing));
    return Error {QStringLiteral("not_found"), QStringLiteral("no node matches '%1'").arg(text)};
}

} // namespace mu::store
