#include "query/catalog.h"

#include <algorithm>

namespace mu::query {

bool TableInfo::hasColumn(const QString& columnName) const
{
    return std::any_of(columns.cbegin(), columns.cend(), [&](const ColumnInfo& c) { return c.name == columnName; });
}

namespace {

QList<ColumnInfo> nodeColumns()
{
    return {
        {QStringLiteral("id"), QStringLiteral("TEXT"),
            QStringLiteral("stable id: mod:path, cls:path:Name, fn:path:name, ext:name")},
        {QStringLiteral("type"), QStringLiteral("TEXT"), QStringLiteral("module, class, function or external")},
        {QStringLiteral("kind"), QStringLiteral("TEXT"),
            QStringLiteral("the language's word: method, struct, interface, …")},
        {QStringLiteral("name"), QStringLiteral("TEXT"), QStringLiteral("short name")},
        {QStringLiteral("qualified_name"), QStringLiteral("TEXT"), QStringLiteral("dotted: pkg.mod.Class.method")},
        {QStringLiteral("file_path"), QStringLiteral("TEXT"),
            QStringLiteral("project-relative path; NULL for externals")},
        {QStringLiteral("line_start"), QStringLiteral("INTEGER"), QStringLiteral("first line, 1-based")},
        {QStringLiteral("line_end"), QStringLiteral("INTEGER"), QStringLiteral("last line, 1-based")},
        {QStringLiteral("complexity"), QStringLiteral("INTEGER"),
            QStringLiteral("McCabe complexity (functions; 0 otherwise)")},
        {QStringLiteral("signature"), QStringLiteral("TEXT"), QStringLiteral("one-line signature")},
        {QStringLiteral("docstring"), QStringLiteral("TEXT"), QStringLiteral("first paragraph of the documentation")},
        {QStringLiteral("properties"), QStringLiteral("JSON"),
            QStringLiteral("language-specific fields; read one with properties.key")},
    };
}

QStringList starOf(const QList<ColumnInfo>& columns)
{
    QStringList names;
    for (const ColumnInfo& column : columns) {
        if (column.name != u"properties")
            names.append(column.name);
    }
    return names;
}

TableInfo nodeTable(Table table, const char* name, const char* shortName, const char* nodeType, const char* description)
{
    const QList<ColumnInfo> columns = nodeColumns();
    return {table, QString::fromLatin1(name), QString::fromLatin1(shortName), QStringLiteral("nodes"),
        QString::fromLatin1(nodeType), QString::fromLatin1(description), columns, starOf(columns)};
}

QList<TableInfo> buildTables()
{
    QList<TableInfo> list = {
        nodeTable(
            Table::Functions, "functions", "fn", "function", "functions, methods, constructors, properties, lambdas"),
        nodeTable(Table::Classes, "classes", "cls", "class",
            "classes, structs, interfaces, enums, traits, records, unions, namespaces"),
        nodeTable(Table::Modules, "modules", "mod", "module", "source files: modules, packages, headers"),
        nodeTable(Table::Externals, "externals", "", "external", "what project code uses from outside the project"),
        nodeTable(Table::Nodes, "nodes", "", "", "every node of the graph"),
    };
    const QList<ColumnInfo> edgeColumns = {
        {QStringLiteral("source_id"), QStringLiteral("TEXT"), QStringLiteral("the node the edge starts at")},
        {QStringLiteral("target_id"), QStringLiteral("TEXT"), QStringLiteral("the node the edge points to")},
        {QStringLiteral("type"), QStringLiteral("TEXT"), QStringLiteral("contains, imports, inherits, calls or uses")},
        {QStringLiteral("file_path"), QStringLiteral("TEXT"), QStringLiteral("the file the edge was found in")},
        {QStringLiteral("line"), QStringLiteral("INTEGER"), QStringLiteral("line of the call, import or reference")},
        {QStringLiteral("properties"), QStringLiteral("JSON"),
            QStringLiteral("edge details; read one with properties.key")},
    };
    list.append({Table::Edges, QStringLiteral("edges"), QString(), QStringLiteral("edges"), QString(),
        QStringLiteral("typed relations between nodes"), edgeColumns, starOf(edgeColumns)});
    const QList<ColumnInfo> fileColumns = {
        {QStringLiteral("path"), QStringLiteral("TEXT"), QStringLiteral("project-relative path")},
        {QStringLiteral("language"), QStringLiteral("TEXT"), QStringLiteral("language the file was parsed as")},
        {QStringLiteral("size"), QStringLiteral("INTEGER"), QStringLiteral("bytes")},
        {QStringLiteral("line_count"), QStringLiteral("INTEGER"), QStringLiteral("lines")},
        {QStringLiteral("parse_status"), QStringLiteral("TEXT"), QStringLiteral("ok, partial, skipped or failed")},
        {QStringLiteral("error"), QStringLiteral("TEXT"), QStringLiteral("why parsing failed or was skipped")},
        {QStringLiteral("encoding"), QStringLiteral("TEXT"), QStringLiteral("utf-8 or latin-1")},
        {QStringLiteral("revision"), QStringLiteral("INTEGER"),
            QStringLiteral("graph revision that last wrote the file")},
    };
    list.append({Table::Files, QStringLiteral("files"), QString(), QStringLiteral("files"), QString(),
        QStringLiteral("indexed source files"), fileColumns, starOf(fileColumns)});
    return list;
}

} // namespace

const QList<TableInfo>& tables()
{
    static const QList<TableInfo> list = buildTables();
    return list;
}

const TableInfo& tableInfo(Table table)
{
    return tables()[qsizetype(table)];
}

std::optional<Table> tableFromName(const QString& name)
{
    for (const TableInfo& info : tables()) {
        if (name.compare(info.name, Qt::CaseInsensitive) == 0
            || (!info.shortName.isEmpty() && name.compare(info.shortName, Qt::CaseInsensitive) == 0))
            return info.table;
    }
    return std::nullopt;
}

QStringList tableNames()
{
    QStringList names;
    for (const TableInfo& info : tables())
        names.append(info.name);
    for (const TableInfo& info : tables()) {
        if (!info.shortName.isEmpty())
            names.append(info.shortName);
    }
    return names;
}

} // namespace mu::query
