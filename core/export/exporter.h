#pragma once

#include "export/mutext.h"
#include "graph/graph.h"
#include "model/graphtypes.h"
#include "model/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>
#include <vector>

namespace mu::store {
class StoreReader;
}

namespace mu::exports {

/// The export formats of SPEC §6.
enum class ExportFormat {
    Json,
    Mu,
    Mermaid,      ///< flowchart
    MermaidClass, ///< classDiagram
    D2,
    Dot,
    Cytoscape,
    GraphMl
};

/// "json", "mu", "mermaid", "mermaid-class", "d2", "dot", "cytoscape", "graphml".
QString toString(ExportFormat format);
/// Parses a format name (case-insensitive; "graphviz" = dot, "classdiagram" = mermaid-class).
std::optional<ExportFormat> exportFormatFromString(QStringView text);
QList<ExportFormat> allExportFormats();
/// The Content-Type the daemon answers with, e.g. "application/json", "text/vnd.graphviz".
QString mimeType(ExportFormat format);
/// The usual file extension, without the dot ("json", "mu", "mmd", "d2", "dot", "graphml").
QString fileExtension(ExportFormat format);

/// Which nodes to export. Empty nodeIds = the whole graph. depth > 0 adds every node within that
/// many edges of a listed node (either direction, every edge type). Then only `types` are kept
/// (empty = all), then at most maxNodes (0 = no cap): the listed nodes first, then the nearest,
/// then the most connected. An edge is exported only when both its ends are.
struct ExportFilter {
    QStringList nodeIds;
    int depth = 0;
    QList<NodeType> types;
    int maxNodes = 0;
};

struct ExportOptions {
    ExportFormat format = ExportFormat::Json;
    ExportFilter filter;
    /// Layout direction of the diagram formats: "LR", "TB" (or "TD"), "RL", "BT".
    QString direction = QStringLiteral("LR");
    /// Project name for the json and MU headers.
    QString source;
    /// MU text options (format Mu); source and revision are filled from the above and the graph.
    MuTextOptions mu;
};

/// The nodes and edges a filter keeps, as indexes of one graph snapshot.
struct ExportSelection {
    std::vector<graph::NodeIndex> nodes; ///< sorted (≡ by id)
    bool truncated = false;              ///< maxNodes dropped some nodes
};

/// Applies `filter` to `graph`.
/// Errors: Error{"not_found"} for a node id the graph does not have; Error{"usage"} for a
/// negative depth or maxNodes.
Result<ExportSelection> selectNodes(const graph::Graph& graph, const ExportFilter& filter);

/// Renders the graph (nodes filtered by options.filter) in options.format. Node details that the
/// snapshot does not hold (signatures, docstrings, properties) come from `reader`, which must
/// read the same database.
/// Thread: any thread with its own StoreReader; the Graph may be shared.
/// Errors: selectNodes() errors; Error{"usage"} for an unknown direction; store errors.
Result<QByteArray> exportGraph(
    const store::StoreReader& reader, const graph::Graph& graph, const ExportOptions& options);

} // namespace mu::exports
