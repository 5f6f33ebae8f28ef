#include "parse/go/goextractor.h"

namespace mu::parse {

void GoExtractor::extract(TSNode root, const SourceText& source, FileIndex& out) const
{
    Q_UNUSED(root);
    Q_UNUSED(source);
    Q_UNUSED(out);
}

} // namespace mu::parse
