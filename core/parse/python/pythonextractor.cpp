#include "parse/python/pythonextractor.h"

namespace mu::parse {

void PythonExtractor::extract(TSNode, const SourceText&, FileIndex&) const { }

} // namespace mu::parse
