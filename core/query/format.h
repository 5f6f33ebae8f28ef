#pragma once

#include "query/resultset.h"

#include <QString>

#include <optional>

namespace mu::query {

/// Output formats of `mu q -f` (SPEC §3).
enum class Format {
    Table,
    Json,
    Csv,
    Tree
};

std::optional<Format> formatFromName(const QString& name);
QString toString(Format format);

struct TableOptions {
    int width = 0;        ///< the terminal's width in columns; 0: unbounded
    bool truncate = true; ///< cut cells so rows fit `width` (`--no-truncate` turns it off)
};

/// Renders a result. Table: aligned columns (numbers right-aligned), a header rule, cells cut
/// with '…' to fit the width, and a footer "N rows (x ms)". Json: the SPEC §3 object, indented.
/// Csv: RFC 4180 (CRLF line ends, fields with a comma, quote or line break quoted, quotes
/// doubled), header first; list cells joined with "; ". Tree: hierarchical results drawn with
/// box characters (see ResultSet::Tree), other results one line per row.
/// Every format but Json ends with a newline; Json too.
/// Thread: pure functions, any thread.
QString format(const ResultSet& result, Format format, const TableOptions& options = {});

/// A cell as plain text: strings as they are, integers without a decimal point, null empty, lists
/// joined with ", ".
QString cellText(const QJsonValue& cell);

} // namespace mu::query
