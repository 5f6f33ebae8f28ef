#include "store/json.h"

#include <QJsonArray>

namespace mu::store::json {

namespace {

QJsonObject counts(const QList<std::pair<QString, qint64>>& pairs)
{
    QJsonObject object;
    for (const auto& [key, count] : pairs)
        object.insert(key, count);
    return object;
}

} // namespace

QJsonObject node(const Node& node)
{
    QJsonObject object {
        {QStringLiteral("id"), node.id},
        {QStringLiteral("type"), toString(node.type)},
        {QStringLiteral("kind"), node.kind},
        {QStringLiteral("name"), node.name},
        {QStringLiteral("qualified_name"), node.qualifiedName},
        {QStringLiteral("file_path"), node.filePath.isEmpty() ? QJsonValue() : QJsonValue(node.filePath)},
        {QStringLiteral("line_start"), node.lineStart},
        {QStringLiteral("line_end"), node.lineEnd},
        {QStringLiteral("col_start"), node.colStart},
        {QStringLiteral("col_end"), node.colEnd},
        {QStringLiteral("signature"), node.signature.isEmpty() ? QJsonValue() : QJsonValue(node.signature)},
        {QStringLiteral("docstring"), node.docstring.isEmpty() ? QJsonValue() : QJsonValue(node.docstring)},
        {QStringLiteral("complexity"), node.complexity},
        {QStringLiteral("properties"), node.properties},
    };
    return object;
}

QJsonObject edge(const Edge& edge)
{
    return {
        {QStringLiteral("source_id"), edge.sourceId},
        {QStringLiteral("target_id"), edge.targetId},
        {QStringLiteral("type"), toString(edge.type)},
        {QStringLiteral("file_path"), edge.filePath},
        {QStringLiteral("line"), edge.line},
        {QStringLiteral("properties"), edge.properties},
    };
}

QJsonObject stats(const Stats& stats)
{
    return {
        {QStringLiteral("files"), stats.files},
        {QStringLiteral("nodes"), stats.nodes},
        {QStringLiteral("edges"), stats.edges},
        {QStringLiteral("nodes_by_type"), counts(stats.nodesByType)},
        {QStringLiteral("edges_by_type"), counts(stats.edgesByType)},
        {QStringLiteral("languages"), counts(stats.filesByLanguage)},
        {QStringLiteral("parse_errors"), stats.parseErrors},
        {QStringLiteral("skipped_files"), stats.skippedFiles},
    };
}

QJsonObject file(const FileRecord& file)
{
    return {
        {QStringLiteral("path"), file.path},
        {QStringLiteral("language"), file.language},
        {QStringLiteral("size"), file.size},
        {QStringLiteral("parse_status"), toString(file.status)},
        {QStringLiteral("error"), file.error.isEmpty() ? QJsonValue() : QJsonValue(file.error)},
        {QStringLiteral("revision"), file.revision},
    };
}

} // namespace mu::store::json
