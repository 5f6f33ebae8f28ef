#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace mu::query {

/// The answer to one query: named columns and rows of JSON cells (strings, numbers, null, or
/// arrays for list-valued cells such as a cycle's members).
/// Value type; any thread.
struct ResultSet {
    /// How the tree format draws the rows (SHOW … OF, PATH, FIND CYCLES are hierarchical).
    struct Tree {
        enum class Shape {
            Flat,     ///< every row under the root; array cells become children
            Parented, ///< `parentColumn` names each row's parent by the value of `idColumn`
            Chain     ///< each row is the child of the previous one (a path)
        };
        Shape shape = Shape::Flat;
        int idColumn = -1;     ///< the cell that labels a row
        int detailColumn = -1; ///< shown after the label in parentheses (the edge type), or -1
        int parentColumn = -1; ///< for Parented
        QString root;          ///< label of the root line (the start node, or a title)
    };

    QStringList columns;
    QList<QJsonArray> rows;
    qint64 revision = 0;
    double executionTimeMs = 0;
    /// More rows matched than the default cap let through (SELECT 1000, FIND 100): an explicit
    /// LIMIT up to 10000 shows more.
    bool truncated = false;
    Tree tree;

    /// SPEC §3: {"columns":[..],"rows":[[..]],"row_count":N,"execution_time_ms":x,"revision":R}.
    QJsonObject toJson() const;
};

} // namespace mu::query
