#pragma once

#include "model/result.h"

#include <QString>
#include <QStringList>

namespace mu::store {
class StoreReader;
}

/// Renderings of the graph for people and tools: MU text (SPEC §4) and the graph exports (SPEC §6).
/// `export` is a C++ keyword, hence `exports`.
namespace mu::exports {

struct MuTextOptions {
    bool lineRanges = true;      // ":L12-80"
    bool docstrings = true;      // quoted first docstring line
    int complexityThreshold = 1; // "::complexity=N" when N >= threshold; 0 = never annotate
    bool header = true;          // the "# MU v1 · source: ..." first line
    QString source;              // project name shown in the header
    qint64 revision = 0;
};

/// Which nodes to render. A module or class in `nodeIds` renders with all its members when
/// `expandContainers` is true, else only its own line(s) plus the members that are themselves in
/// nodeIds. Enclosing module/class header lines are always emitted for a member even when the
/// container is not selected (so a method appears inside "!module a.b" / "$Class").
struct MuSelection {
    QStringList nodeIds;
    bool expandContainers = true;
};

/// Renders MU text. Deterministic: modules by dotted path, members in line order.
/// Thread: any thread with its own StoreReader. Errors: store errors; unknown ids are skipped.
Result<QString> renderMuText(
    const store::StoreReader& reader, const MuSelection& selection, const MuTextOptions& options);

/// The lines one node contributes on its own (no header, no container lines), indented for its
/// depth — the context packer uses it to estimate cost before rendering the final document.
/// Thread: any thread with its own StoreReader. Errors: store errors; Error{"not_found"} for an
/// unknown id.
Result<QString> renderMuTextEntity(
    const store::StoreReader& reader, const QString& nodeId, const MuTextOptions& options);

/// Dotted module path of a file per SPEC §4 (strip src/, lib/, extension; "__init__" / "index" /
/// "mod" collapse to the package).
QString moduleDottedPath(const QString& filePath);

} // namespace mu::exports
