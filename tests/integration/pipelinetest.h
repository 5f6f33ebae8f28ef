#pragma once
// Helpers shared by the pipeline tests: fixture copies, edits with a visible stat change, the graph
// as sorted text, and the check that an incremental index equals a fresh index of the same tree.
#include "index/indexer.h"
#include "model/nodeid.h"
#include "store/storereader.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace mu::testing {

/// Copies a fixture project into `target`.
inline void copyTree(const QString& from, const QString& target)
{
    QDirIterator it(from, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString destination = target + u'/' + QDir(from).relativeFilePath(source);
        QDir().mkpath(QFileInfo(destination).path());
        QVERIFY(QFile::copy(source, destination));
    }
}

inline void writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
    file.close();
    // Filesystems with coarse timestamps: make sure the edit is visible as a stat change.
    QVERIFY(file.open(QIODevice::ReadWrite));
    file.setFileTime(QDateTime::currentDateTime().addSecs(5), QFileDevice::FileModificationTime);
}

/// Cross-file edges as "type source -> target" lines, sorted.
inline QStringList crossFileEdges(const QString& root)
{
    auto reader = store::StoreReader::open(index::mubasePath(root));
    if (!reader)
        qFatal("cannot open store: %s", qPrintable(reader.error().message));
    QStringList lines;
    auto files = (*reader)->files();
    for (const store::FileRecord& file : std::as_const(*files)) {
        auto edges = (*reader)->edgesOfFile(file.path);
        for (const Edge& edge : std::as_const(*edges)) {
            // `contains` edges count when they cross files: members attached to a type declared
            // elsewhere (Go methods, C++ out-of-line definitions, Rust impl blocks).
            if (edge.type != EdgeType::Contains
                || nodeid::filePathOf(edge.sourceId) != nodeid::filePathOf(edge.targetId))
                lines.append(toString(edge.type) + u' ' + edge.sourceId + QStringLiteral(" -> ") + edge.targetId);
        }
    }
    lines.sort();
    return lines;
}

/// Compares the cross-file edges with the expected list, printing the actual one on mismatch.
inline void verifyCrossFileEdges(const QString& root, const QStringList& expected)
{
    const QStringList actual = crossFileEdges(root);
    if (actual != expected)
        qWarning("actual edges:\n%s", qPrintable(actual.join(u'\n')));
    QCOMPARE(actual, expected);
}

/// Everything the graph says, as sorted text: nodes with their fields, edges, externals.
inline QStringList graphDump(const QString& root)
{
    auto reader = store::StoreReader::open(index::mubasePath(root));
    if (!reader)
        qFatal("cannot open store: %s", qPrintable(reader.error().message));
    QStringList lines;
    auto files = (*reader)->files();
    for (const store::FileRecord& file : std::as_const(*files)) {
        lines.append(
            QStringLiteral("file %1 %2 %3 %4").arg(file.path, file.language, toString(file.status)).arg(file.size));
        auto nodes = (*reader)->nodesInFile(file.path);
        for (const Node& n : std::as_const(*nodes)) {
            lines.append(QStringLiteral("node %1 %2 %3 %4-%5 c%6 %7")
                             .arg(n.id, n.kind, n.qualifiedName)
                             .arg(n.lineStart)
                             .arg(n.lineEnd)
                             .arg(n.complexity)
                             .arg(n.signature));
        }
        auto edges = (*reader)->edgesOfFile(file.path);
        for (const Edge& e : std::as_const(*edges))
            lines.append(
                QStringLiteral("edge %1 %2 -> %3 @%4").arg(toString(e.type), e.sourceId, e.targetId).arg(e.line));
    }
    auto stats = (*reader)->stats();
    lines.append(QStringLiteral("totals nodes=%1 edges=%2").arg(stats->nodes).arg(stats->edges));
    lines.sort();
    return lines;
}

inline index::IndexReport indexTree(const QString& root, bool force = false)
{
    index::IndexOptions options;
    options.force = force;
    options.jobs = 2;
    auto report = index::Indexer(root, options).run();
    if (!report)
        qFatal("index failed: %s", qPrintable(report.error().message));
    return *report;
}

/// Copies `root` (without .mu) elsewhere, indexes it fresh and compares the graphs.
inline void verifyEqualsFreshIndex(const QString& root)
{
    QTemporaryDir fresh;
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString rel = QDir(root).relativeFilePath(source);
        if (rel.startsWith(u".mu/"))
            continue;
        QDir().mkpath(QFileInfo(fresh.filePath(rel)).path());
        QVERIFY(QFile::copy(source, fresh.filePath(rel)));
    }
    indexTree(fresh.path(), true);
    const QStringList incremental = graphDump(root);
    const QStringList expected = graphDump(fresh.path());
    if (incremental != expected) {
        for (const QString& line : expected) {
            if (!incremental.contains(line))
                qWarning("missing: %s", qPrintable(line));
        }
        for (const QString& line : incremental) {
            if (!expected.contains(line))
                qWarning("extra:   %s", qPrintable(line));
        }
    }
    QCOMPARE(incremental, expected);
}

} // namespace mu::testing
