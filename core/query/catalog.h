#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace mu::query {

/// The tables MUQL can SELECT from (SPEC §3). Node tables are views of `nodes` by type.
enum class Table {
    Functions,
    Classes,
    Modules,
    Externals,
    Nodes,
    Edges,
    Files
};

struct ColumnInfo {
    QString name; ///< MUQL and SQL name (the only identifiers that ever reach SQL text)
    QString type; ///< "TEXT", "INTEGER" or "JSON"
    QString description;
};

struct TableInfo {
    Table table;
    QString name;      ///< as users write it: "functions"
    QString shortName; ///< "fn", "cls", "mod", or empty
    QString sqlTable;  ///< "nodes", "edges" or "files"
    QString nodeType;  ///< the nodes.type a node table shows ("function"); empty for nodes/edges/files
    QString description;
    QList<ColumnInfo> columns;
    QStringList starColumns; ///< what SELECT * shows: every column but the raw properties JSON

    bool hasColumn(const QString& name) const;
    /// Whether `properties.key` paths apply (node tables and edges).
    bool hasProperties() const { return hasColumn(QStringLiteral("properties")); }
};

/// The fixed whitelist of tables and columns. Planner SQL names only what is listed here; user
/// text reaches SQL as bound parameters only.
/// Thread: immutable after first use; any thread.
const QList<TableInfo>& tables();
const TableInfo& tableInfo(Table table);
/// A table by its name or short name, case-insensitively.
std::optional<Table> tableFromName(const QString& name);
/// Every table name and short name, for "did you mean" hints.
QStringList tableNames();

} // namespace mu::query
