#pragma once

#include "model/graphtypes.h"
#include "model/reference.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace mu {

/// How a file's parse went. A file that fails is recorded with its error; it never aborts a batch.
enum class ParseStatus {
    Ok,
    Partial, ///< syntax errors: the partial tree was indexed, the first error is recorded
    Skipped, ///< not parsed on purpose (binary, over the size cap); see error for why
    Failed,  ///< could not be read or parsed (vanished, unreadable, parser timeout)
};
QString toString(ParseStatus status);
ParseStatus parseStatusFromString(QStringView text);

/// Everything the parse layer learned about one file: a pure value, produced on a pool thread.
struct FileIndex {
    QString path; ///< project-relative, '/'-separated
    QString language;
    qint64 size = 0;
    qint64 mtimeNs = 0;
    QByteArray hash; ///< hex content digest
    ParseStatus status = ParseStatus::Ok;
    QString error;
    QString encoding = QStringLiteral("utf-8"); ///< "utf-8" or "latin-1" (decoded losslessly)
    int lineCount = 0;
    QList<Node> nodes; ///< the module node first, then classes and functions in file order
    QList<Edge> edges; ///< intra-file `contains` edges
    QList<Reference> references;
    /// Packages/namespaces this file declares definitions in, dotted ("com.acme.util", "Acme.Core",
    /// "llvm.detail"): Java packages, C# and C++ namespaces. Resolution finds a namespace's files
    /// through them. Empty for languages whose modules are files or directories.
    QStringList namespaces;
};

} // namespace mu
