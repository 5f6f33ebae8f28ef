#include "parse/cfamily/cfamilyextractor.h"

namespace mu::parse {

void CFamilyExtractor::extract(TSNode root, const SourceText& source, FileIndex& out) const
{
    Q_UNUSED(root);
    Q_UNUSED(source);
    Q_UNUSED(out);
    Q_UNUSED(m_dialect);
}

} // namespace mu::parse
