#pragma once

#include "model/fileindex.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace mu::store {

/// One row of the `files` table: what the index knew about a file when it last changed.
struct FileRecord {
    QString path;
    QString language;
    qint64 size = 0;
    qint64 mtimeNs = 0;
    QByteArray hash;
    ParseStatus status = ParseStatus::Ok;
    QString error;
    qint64 revision = 0; ///< graph revision in which the file's rows last changed
    bool linked = false; ///< false while the file's cross-file edges await (re-)linking
};

/// A file whose content is unchanged but whose stat data moved (touch, checkout).
struct FileStamp {
    QString path;
    qint64 size = 0;
    qint64 mtimeNs = 0;
};

/// The cross-file edges of one file, computed by the resolve layer from its references.
/// Replaces every non-`contains` edge the file owns.
struct FileLinks {
    QString path;
    QList<Edge> edges;
    QList<Node> externals;        ///< ext: nodes the edges point to (upserted; unreferenced ones are collected)
    QStringList consultedModules; ///< files whose symbols resolving this file read (see link_deps)
};

/// What a commit did to one node, for live events.
struct NodeChange {
    enum class Kind {
        Added,
        Modified,
        Removed
    };
    Kind kind = Kind::Added;
    QString nodeId;
    NodeType nodeType = NodeType::Module;
    QString filePath;
};

/// Graph statistics for `mu status` and GET /status.
struct Stats {
    qint64 revision = 0;
    qint64 files = 0;
    qint64 nodes = 0;
    qint64 edges = 0;
    QList<std::pair<QString, qint64>> nodesByType;
    QList<std::pair<QString, qint64>> edgesByType;
    QList<std::pair<QString, qint64>> filesByLanguage;
    qint64 parseErrors = 0;  ///< files with status partial or failed
    qint64 skippedFiles = 0; ///< files with status skipped
};

/// A ranked full-text search hit.
struct SearchHit {
    Node node;
    double score = 0; ///< higher is better
};

} // namespace mu::store
