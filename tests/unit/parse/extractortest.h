#pragma once
// Shared by the extractor tests: a FileIndex rendered as text (the .expected format), a readable
// line diff, and the data-driven fixture check with MU_UPDATE_EXPECTED=1 to rewrite expectations.
//
// Expectation format (one entity per block, fields separated by " | "):
//   status: ok                       or  status: partial | <first error>
//   node <id>
//     <type> | <kind> | <name> | <qualified name> | <line:col-line:col> | complexity <n>
//     signature: <one line>          (only when non-empty)
//     docstring: <first paragraph>   (only when non-empty)
//     properties: <compact JSON, keys sorted>   (only when non-empty)
//   namespaces: <a, b>                (only when the file declares any)
//   edge <type> <source> -> <target> @<line>
//   ref <kind> <sourceId> -> "<target>" [| receiver <r>] [| type <t>] @<line>:<col> [<details JSON>]
// References are listed in source order (line, column), not in the order they were found.
#include "model/fileindex.h"
#include "model/graphtypes.h"
#include "parse/fileparser.h"
#include "parse/languageregistry.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <thread>
#include <vector>

namespace mu::testing {

inline const parse::Language& language(QStringView id)
{
    const parse::Language* found = parse::LanguageRegistry::builtin().byId(id);
    Q_ASSERT(found);
    return *found;
}

inline QString json(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

inline QStringList render(const FileIndex& index)
{
    QStringList lines;
    lines << (index.status == ParseStatus::Ok
            ? QStringLiteral("status: ok")
            : QStringLiteral("status: %1 | %2").arg(toString(index.status).toLower(), index.error));
    for (const Node& node : index.nodes) {
        lines << QStringLiteral("node ") + node.id;
        lines << QStringLiteral("  %1 | %2 | %3 | %4 | %5:%6-%7:%8 | complexity %9")
                     .arg(toString(node.type), node.kind, node.name, node.qualifiedName)
                     .arg(node.lineStart)
                     .arg(node.colStart)
                     .arg(node.lineEnd)
                     .arg(node.colEnd)
                     .arg(node.complexity);
        if (node.filePath != index.path)
            lines << QStringLiteral("  file: ") + node.filePath;
        if (!node.signature.isEmpty())
            lines << QStringLiteral("  signature: ") + node.signature;
        if (!node.docstring.isEmpty())
            lines << QStringLiteral("  docstring: ") + node.docstring;
        if (!node.properties.isEmpty())
            lines << QStringLiteral("  properties: ") + json(node.properties);
    }
    if (!index.namespaces.isEmpty())
        lines << QStringLiteral("namespaces: ") + index.namespaces.join(QStringLiteral(", "));
    for (const Edge& edge : index.edges) {
        QString line = QStringLiteral("edge %1 %2 -> %3 @%4")
                           .arg(toString(edge.type), edge.sourceId, edge.targetId)
                           .arg(edge.line);
        if (edge.filePath != index.path)
            line += QStringLiteral(" file ") + edge.filePath;
        if (!edge.properties.isEmpty())
            line += u' ' + json(edge.properties);
        lines << line;
    }
    QList<Reference> references = index.references;
    std::stable_sort(references.begin(), references.end(), [](const Reference& a, const Reference& b) {
        if (a.line != b.line)
            return a.line < b.line;
        return a.column < b.column;
    });
    for (const Reference& ref : references) {
        QString line = QStringLiteral("ref %1 %2 -> \"%3\"").arg(toString(ref.kind), ref.sourceId, ref.target);
        if (!ref.receiver.isEmpty())
            line += QStringLiteral(" | receiver ") + ref.receiver;
        if (!ref.receiverType.isEmpty())
            line += QStringLiteral(" | type ") + ref.receiverType;
        line += QStringLiteral(" @%1:%2").arg(ref.line).arg(ref.column);
        if (!ref.details.isEmpty())
            line += u' ' + json(ref.details);
        lines << line;
    }
    return lines;
}

/// A line diff (LCS) of expected against actual, with two lines of context around changes.
inline QString diff(const QStringList& expected, const QStringList& actual)
{
    const qsizetype n = expected.size();
    const qsizetype m = actual.size();
    std::vector<std::vector<int>> lcs(static_cast<size_t>(n + 1), std::vector<int>(static_cast<size_t>(m + 1), 0));
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j) {
            const auto si = static_cast<size_t>(i);
            const auto sj = static_cast<size_t>(j);
            lcs[si][sj]
                = expected[i] == actual[j] ? lcs[si + 1][sj + 1] + 1 : std::max(lcs[si + 1][sj], lcs[si][sj + 1]);
        }
    }
    struct Line {
        QChar mark;
        QString text;
    };
    std::vector<Line> lines;
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n || j < m) {
        const auto si = static_cast<size_t>(i);
        const auto sj = static_cast<size_t>(j);
        if (i < n && j < m && expected[i] == actual[j]) {
            lines.push_back({u' ', expected[i++]});
            ++j;
        } else if (j < m && (i == n || lcs[si][sj + 1] >= lcs[si + 1][sj])) {
            lines.push_back({u'+', actual[j++]});
        } else {
            lines.push_back({u'-', expected[i++]});
        }
    }
    QString out = QStringLiteral("--- expected\n+++ actual\n");
    const qsizetype count = static_cast<qsizetype>(lines.size());
    for (qsizetype k = 0; k < count; ++k) {
        bool near = false;
        for (qsizetype d = std::max<qsizetype>(0, k - 2); d <= std::min(count - 1, k + 2); ++d)
            near = near || lines[static_cast<size_t>(d)].mark != u' ';
        if (near)
            out += lines[static_cast<size_t>(k)].mark + u' ' + lines[static_cast<size_t>(k)].text + u'\n';
    }
    return out;
}

inline QByteArray readFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

inline const Node* findNode(const FileIndex& index, const QString& id)
{
    for (const Node& node : index.nodes) {
        if (node.id == id)
            return &node;
    }
    return nullptr;
}

/// One QTest row per fixture file matching `patterns` under `dir` (relative paths, sorted).
inline void addFixtureRows(const QString& dir, const QStringList& patterns)
{
    QTest::addColumn<QString>("relPath");
    QStringList paths;
    QDirIterator it(dir, patterns, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        paths << QDir(dir).relativeFilePath(it.next());
    paths.sort();
    QVERIFY2(!paths.isEmpty(), "no fixtures found");
    for (const QString& path : paths)
        QTest::newRow(qPrintable(path)) << path;
}

/// Parses `dir/relPath` as `languageId` and compares the rendering with the sibling .expected file
/// (the source's extension replaced). MU_UPDATE_EXPECTED=1 rewrites the file instead (review it!).
inline void verifyFixture(const QString& dir, const QString& relPath, QStringView languageId)
{
    const QString sourcePath = dir + u'/' + relPath;
    const QString expectedPath = sourcePath.left(sourcePath.lastIndexOf(u'.')) + QStringLiteral(".expected");
    parse::FileParser parser;
    const FileIndex index = parser.parse(relPath, readFile(sourcePath), language(languageId));
    const QStringList actual = render(index);

    if (qEnvironmentVariableIntValue("MU_UPDATE_EXPECTED") == 1) {
        QFile file(expectedPath);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write((actual.join(u'\n') + u'\n').toUtf8());
        QSKIP("expectation rewritten; review it before committing");
    }

    const QByteArray expectedBytes = readFile(expectedPath);
    QVERIFY2(!expectedBytes.isEmpty(), qPrintable(QStringLiteral("missing ") + expectedPath));
    QStringList expected = QString::fromUtf8(expectedBytes).split(u'\n');
    while (!expected.isEmpty() && expected.last().isEmpty())
        expected.removeLast();
    if (expected != actual)
        QFAIL(qPrintable(QStringLiteral("%1 differs:\n%2").arg(relPath, diff(expected, actual))));
}

/// Parses `source` as `relPath` on 4 threads, 20 times each: every thread's result must render
/// exactly like a single-threaded parse (extractors are stateless and shared by the pool).
inline void verifySameOnEveryThread(const QString& relPath, const QByteArray& source, QStringView languageId)
{
    QVERIFY(!source.isEmpty());
    const parse::Language& lang = language(languageId);
    const QStringList reference = render(parse::FileParser().parse(relPath, source, lang));
    std::vector<QStringList> results(4);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < results.size(); ++t) {
        threads.emplace_back([&, t] {
            QStringList last;
            for (int i = 0; i < 20; ++i)
                last = render(parse::FileParser::forCurrentThread().parse(relPath, source, lang));
            results[t] = last;
        });
    }
    for (std::thread& thread : threads)
        thread.join();
    for (const QStringList& result : results)
        QCOMPARE(result, reference);
}

} // namespace mu::testing
