#include "query/format.h"

#include <QHash>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mu::query {

QJsonObject ResultSet::toJson() const
{
    QJsonArray rowArray;
    for (const QJsonArray& row : rows)
        rowArray.append(row);
    return {{QStringLiteral("columns"), QJsonArray::fromStringList(columns)}, {QStringLiteral("rows"), rowArray},
        {QStringLiteral("row_count"), rows.size()},
        {QStringLiteral("execution_time_ms"), std::round(executionTimeMs * 1000.0) / 1000.0},
        {QStringLiteral("revision"), revision}};
}

std::optional<Format> formatFromName(const QString& name)
{
    for (Format f : {Format::Table, Format::Json, Format::Csv, Format::Tree}) {
        if (name.compare(toString(f), Qt::CaseInsensitive) == 0)
            return f;
    }
    return std::nullopt;
}

QString toString(Format format)
{
    switch (format) {
    case Format::Table:
        return QStringLiteral("table");
    case Format::Json:
        return QStringLiteral("json");
    case Format::Csv:
        return QStringLiteral("csv");
    case Format::Tree:
        return QStringLiteral("tree");
    }
    Q_UNREACHABLE();
}

QString cellText(const QJsonValue& cell)
{
    switch (cell.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return {};
    case QJsonValue::Bool:
        return cell.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double value = cell.toDouble();
        if (std::floor(value) == value && std::abs(value) < 1e15)
            return QString::number(qint64(value));
        return QString::number(value, 'g', 10);
    }
    case QJsonValue::String:
        return cell.toString();
    case QJsonValue::Array: {
        QStringList parts;
        for (const QJsonValue& item : cell.toArray())
            parts.append(cellText(item));
        return parts.join(QStringLiteral(", "));
    }
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(cell.toObject()).toJson(QJsonDocument::Compact));
    }
    return {};
}

namespace {

/// One line of text for a table or tree cell: line breaks and tabs become spaces.
QString oneLine(const QString& text)
{
    QString line = text;
    for (QChar& c : line) {
        if (c == u'\n' || c == u'\r' || c == u'\t')
            c = u' ';
    }
    return line;
}

QString cut(const QString& text, int width)
{
    if (text.size() <= width)
        return text;
    if (width <= 1)
        return text.left(width);
    return text.left(width - 1) + u'…';
}

QString footer(const ResultSet& result)
{
    QString text = QStringLiteral("%1 %2 (%3 ms)")
                       .arg(result.rows.size())
                       .arg(result.rows.size() == 1 ? QStringLiteral("row") : QStringLiteral("rows"))
                       .arg(result.executionTimeMs, 0, 'f', 1);
    if (result.truncated)
        text += QStringLiteral(", limit reached: add LIMIT n (up to 10000) for more");
    return text + u'\n';
}

QString formatTable(const ResultSet& result, const TableOptions& options)
{
    const qsizetype columnCount = result.columns.size();
    const auto columnSlots = size_t(columnCount);
    std::vector<std::vector<QString>> cells(size_t(result.rows.size()));
    std::vector<int> widths(columnSlots);
    std::vector<bool> numeric(columnSlots, true);
    for (qsizetype c = 0; c < columnCount; ++c)
        widths[size_t(c)] = int(result.columns[c].size());
    for (qsizetype r = 0; r < result.rows.size(); ++r) {
        const QJsonArray& row = result.rows[r];
        auto& line = cells[size_t(r)];
        line.resize(columnSlots);
        for (qsizetype c = 0; c < columnCount; ++c) {
            const QJsonValue cell = row.at(c);
            line[size_t(c)] = oneLine(cellText(cell));
            widths[size_t(c)] = std::max(widths[size_t(c)], int(line[size_t(c)].size()));
            if (!cell.isDouble() && !cell.isNull())
                numeric[size_t(c)] = false;
        }
    }
    constexpr int kGap = 2;
    if (options.truncate && options.width > 0 && columnCount > 0) {
        // Narrow the widest column one step at a time, so short columns (ids of numbers, kinds)
        // stay whole and the long ones (paths, signatures, docstrings) share what is left.
        constexpr int kMinWidth = 6;
        const int available = options.width - kGap * int(columnCount - 1);
        int total = std::accumulate(widths.begin(), widths.end(), 0);
        while (total > available) {
            auto widest = std::max_element(widths.begin(), widths.end());
            if (*widest <= kMinWidth)
                break;
            --*widest;
            --total;
        }
    }
    const auto renderLine = [&](const std::vector<QString>& line, bool header) -> QString {
        QString text;
        for (qsizetype c = 0; c < columnCount; ++c) {
            const int width = widths[size_t(c)];
            const QString cell = cut(line[size_t(c)], width);
            const bool last = c == columnCount - 1;
            if (numeric[size_t(c)] && !header)
                text += cell.rightJustified(width);
            else
                text += last ? cell : cell.leftJustified(width);
            if (!last)
                text += QString(kGap, u' ');
        }
        while (text.endsWith(u' '))
            text.chop(1);
        return text + u'\n';
    };
    QString out;
    std::vector<QString> header(result.columns.cbegin(), result.columns.cend());
    out += renderLine(header, true);
    QString rule;
    for (qsizetype c = 0; c < columnCount; ++c) {
        rule += QString(widths[size_t(c)], u'-');
        if (c != columnCount - 1)
            rule += QString(kGap, u' ');
    }
    out += rule + u'\n';
    for (const auto& line : cells)
        out += renderLine(line, false);
    return out + footer(result);
}

QString csvField(const QString& text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n') && !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

QString csvCell(const QJsonValue& cell)
{
    if (!cell.isArray())
        return cellText(cell);
    QStringList parts;
    for (const QJsonValue& item : cell.toArray())
        parts.append(cellText(item));
    return parts.join(QStringLiteral("; "));
}

QString formatCsv(const ResultSet& result)
{
    QString out;
    QStringList header;
    for (const QString& column : result.columns)
        header.append(csvField(column));
    out += header.join(u',') + QStringLiteral("\r\n");
    for (const QJsonArray& row : result.rows) {
        QStringList fields;
        for (qsizetype c = 0; c < result.columns.size(); ++c)
            fields.append(csvField(csvCell(row.at(c))));
        out += fields.join(u',') + QStringLiteral("\r\n");
    }
    return out;
}

QString rowLabel(const ResultSet& result, const QJsonArray& row)
{
    const ResultSet::Tree& tree = result.tree;
    QString label = oneLine(cellText(row.at(tree.idColumn)));
    if (tree.detailColumn >= 0) {
        const QString detail = cellText(row.at(tree.detailColumn));
        if (!detail.isEmpty())
            label += QStringLiteral("  (") + detail + u')';
    }
    return label;
}

/// Appends `children` of one node (row indexes), drawn below `prefix`.
void drawChildren(const ResultSet& result, const QHash<QString, QList<qsizetype>>& childrenOf, const QString& parentId,
    const QString& prefix, QString& out, int depth)
{
    const QList<qsizetype> children = childrenOf.value(parentId);
    for (qsizetype i = 0; i < children.size(); ++i) {
        const bool last = i == children.size() - 1;
        const QJsonArray& row = result.rows[children[i]];
        out += prefix + (last ? QStringLiteral("└── ") : QStringLiteral("├── ")) + rowLabel(result, row) + u'\n';
        // Depth is bounded by the query's DEPTH cap (≤ 20), so recursion stays shallow.
        if (depth < 64) {
            drawChildren(result, childrenOf, cellText(row.at(result.tree.idColumn)),
                prefix + (last ? QStringLiteral("    ") : QStringLiteral("│   ")), out, depth + 1);
        }
    }
}

QString formatTree(const ResultSet& result)
{
    const ResultSet::Tree& tree = result.tree;
    QString out;
    if (tree.shape == ResultSet::Tree::Shape::Parented && tree.idColumn >= 0 && tree.parentColumn >= 0) {
        QHash<QString, QList<qsizetype>> childrenOf;
        for (qsizetype r = 0; r < result.rows.size(); ++r)
            childrenOf[cellText(result.rows[r].at(tree.parentColumn))].append(r);
        out += tree.root + u'\n';
        drawChildren(result, childrenOf, tree.root, QString(), out, 0);
    } else if (tree.shape == ResultSet::Tree::Shape::Chain && tree.idColumn >= 0) {
        QString prefix;
        for (qsizetype r = 0; r < result.rows.size(); ++r) {
            const QString label = rowLabel(result, result.rows[r]);
            out += (r == 0 ? QString() : prefix + QStringLiteral("└── ")) + label + u'\n';
            if (r > 0)
                prefix += QStringLiteral("    ");
        }
    } else {
        if (!tree.root.isEmpty())
            out += tree.root + u'\n';
        for (qsizetype r = 0; r < result.rows.size(); ++r) {
            const QJsonArray& row = result.rows[r];
            const bool lastRow = r == result.rows.size() - 1;
            QStringList parts;
            QJsonArray children;
            for (const QJsonValue& cell : row) {
                if (cell.isArray())
                    children = cell.toArray();
                else if (!cell.isNull())
                    parts.append(oneLine(cellText(cell)));
            }
            out += (lastRow ? QStringLiteral("└── ") : QStringLiteral("├── ")) + parts.join(QStringLiteral("  "))
                + u'\n';
            const QString prefix = lastRow ? QStringLiteral("    ") : QStringLiteral("│   ");
            for (qsizetype c = 0; c < children.size(); ++c) {
                out += prefix + (c == children.size() - 1 ? QStringLiteral("└── ") : QStringLiteral("├── "))
                    + oneLine(cellText(children[c])) + u'\n';
            }
        }
    }
    return out + footer(result);
}

} // namespace

QString format(const ResultSet& result, Format format, const TableOptions& options)
{
    switch (format) {
    case Format::Table:
        return formatTable(result, options);
    case Format::Json:
        return QString::fromUtf8(QJsonDocument(result.toJson()).toJson(QJsonDocument::Indented));
    case Format::Csv:
        return formatCsv(result);
    case Format::Tree:
        return formatTree(result);
    }
    Q_UNREACHABLE();
}

} // namespace mu::query
