#include "parse/ecmascript/ecmascriptextractor.h"

namespace mu::parse {

void EcmaScriptExtractor::extract(TSNode, const SourceText&, FileIndex&) const { }

} // namespace mu::parse
