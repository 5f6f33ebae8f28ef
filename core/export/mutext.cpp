#include "export/mutext.h"

#include "model/nodeid.h"
#include "store/storereader.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QSet>

#include <algorithm>

namespace mu::exports {

namespace {

constexpr int kIndentWidth = 2;
/// Containment deeper than this is malformed data (a contains cycle); rendering stops there.
constexpr int kMaxNesting = 64;

/// Whitespace-only, single-line text: MU is one line per entity, so a stray newline or control
/// character in a name, type or docstring must not start a new line.
QString oneLine(const QString& text)
{
    QString result;
    result.reserve(text.size());
    bool space = false;
    for (const QChar c : text) {
        if (c.isSpace() || c.category() == QChar::Other_Control) {
            space = !result.isEmpty();
            continue;
        }
        if (space)
            result += u' ';
        space = false;
        result += c;
    }
    return result;
}

QString quoted(const QString& text)
{
    QString escaped;
    escaped.reserve(text.size() + 2);
    escaped += u'"';
    for (const QChar c : text) {
        if (c == u'"' || c == u'\\')
            escaped += u'\\';
        escaped += c;
    }
    escaped += u'"';
    return escaped;
}

QString firstDocLine(const QString& docstring)
{
    const QStringList lines = docstring.split(u'\n');
    for (const QString& line : lines) {
        const QString text = oneLine(line);
        if (!text.isEmpty())
            return text;
    }
    return {};
}

QStringList stringList(const QJsonValue& value)
{
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue& item : array) {
        const QString text = oneLine(item.toString());
        if (!text.isEmpty())
            list.append(text);
    }
    return list;
}

QString bracketList(const QString& tag, const QStringList& items)
{
    return u'@' + tag + QStringLiteral(" [") + items.join(QStringLiteral(", ")) + u']';
}

/// "auth.service.AuthService.login" → the part of an id after "<prefix>:<path>:", without the
/// overload suffix ("~2"); empty for module and external ids.
QString localName(const Node& node)
{
    const qsizetype colon = node.id.indexOf(u':');
    if (colon < 0 || node.filePath.isEmpty())
        return {};
    const QStringView rest = QStringView(node.id).sliced(colon + 1);
    if (!rest.startsWith(node.filePath) || rest.size() <= node.filePath.size() + 1
        || rest[node.filePath.size()] != u':')
        return {};
    QString local = rest.sliced(node.filePath.size() + 1).toString();
    const qsizetype tilde = local.lastIndexOf(u'~');
    if (tilde > 0) {
        bool ok = false;
        local.mid(tilde + 1).toInt(&ok);
        if (ok)
            local.truncate(tilde);
    }
    return local;
}

bool isPythonFile(const QString& path)
{
    return path.endsWith(QLatin1String(".py")) || path.endsWith(QLatin1String(".pyi"));
}

/// Parameter names the reader never needs: the receiver.
bool isReceiver(const QJsonObject& parameter)
{
    const QString name = parameter.value(QLatin1String("name")).toString();
    return name == QLatin1String("self") || name == QLatin1String("cls") || name == QLatin1String("this");
}

QString parameterText(const QJsonObject& parameter, bool python)
{
    QString name = oneLine(parameter.value(QLatin1String("name")).toString());
    QString type = oneLine(parameter.value(QLatin1String("type")).toString());
    const QString defaultValue = oneLine(parameter.value(QLatin1String("default")).toString());
    const QString modifier = oneLine(parameter.value(QLatin1String("modifier")).toString());
    const bool variadic = parameter.value(QLatin1String("variadic")).toBool();
    if (variadic) {
        if (type.endsWith(QLatin1String("...")))
            type.chop(3);
        if (!name.startsWith(QLatin1String("...")) && !name.isEmpty()) {
            if (python)
                name.prepend(
                    parameter.value(QLatin1String("keyword")).toBool() ? QStringLiteral("**") : QStringLiteral("*"));
            else
                name.prepend(QStringLiteral("..."));
        }
    }
    if (parameter.value(QLatin1String("optional")).toBool())
        name += u'?';
    QString text = modifier.isEmpty() ? QString() : modifier + u' ';
    if (name.isEmpty())
        text += type;
    else if (type.isEmpty())
        text += name;
    else
        text += name + QStringLiteral(": ") + type;
    if (!defaultValue.isEmpty())
        text += QStringLiteral(" = ") + defaultValue;
    return text;
}

QString typeParameters(const QJsonObject& properties)
{
    const QStringList list = stringList(properties.value(QLatin1String("type_parameters")));
    return list.isEmpty() ? QString() : u'<' + list.join(QStringLiteral(", ")) + u'>';
}

/// One file's nodes as a containment tree: the module at the root, members under their class or
/// enclosing function (contains edges inside the file), in line order.
struct FileTree {
    QString path;
    QString dotted;
    QList<Node> nodes;
    QHash<QString, int> indexById;
    int module = -1;
    QList<int> parent;          ///< -1 for the module and for roots of a file without a module node
    QList<QList<int>> children; ///< sorted by (line, id)
    QList<int> roots;           ///< children of the module (or top-level nodes without one)
    QStringList imports;        ///< dotted paths of imported project modules, sorted
    QStringList externals;      ///< names of imported externals, sorted
};

Result<FileTree> loadFileTree(const store::StoreReader& reader, const QString& path)
{
    FileTree tree;
    tree.path = path;
    tree.dotted = moduleDottedPath(path);
    Result<QList<Node>> nodes = reader.nodesInFile(path);
    if (!nodes)
        return nodes.error();
    tree.nodes = std::move(*nodes);
    const qsizetype count = tree.nodes.size();
    tree.parent = QList<int>(count, -1);
    tree.children = QList<QList<int>>(count);
    for (int i = 0; i < count; ++i) {
        tree.indexById.insert(tree.nodes[i].id, i);
        if (tree.nodes[i].type == NodeType::Module && tree.module < 0)
            tree.module = i;
    }
    if (count == 0)
        return tree;

    Result<QList<Edge>> edges = reader.edgesOfFile(path);
    if (!edges)
        return edges.error();
    QSet<QString> imports;
    QSet<QString> externals;
    const QString moduleId = tree.module >= 0 ? tree.nodes[tree.module].id : QString();
    for (const Edge& edge : std::as_const(*edges)) {
        if (edge.type == EdgeType::Imports && edge.sourceId == moduleId) {
            if (edge.targetId.startsWith(QLatin1String("ext:")))
                externals.insert(oneLine(edge.targetId.mid(4)));
            else if (edge.targetId.startsWith(QLatin1String("mod:")))
                imports.insert(moduleDottedPath(edge.targetId.mid(4)));
            continue;
        }
        if (edge.type != EdgeType::Contains)
            continue;
        const int source = tree.indexById.value(edge.sourceId, -1);
        const int target = tree.indexById.value(edge.targetId, -1);
        if (source < 0 || target < 0 || source == target || target == tree.module)
            continue;
        // A member may be contained by its module and by its class (out-of-line definitions):
        // the innermost container wins.
        if (tree.parent[target] < 0 || tree.parent[target] == tree.module)
            tree.parent[target] = source;
    }
    tree.imports = QStringList(imports.begin(), imports.end());
    tree.imports.sort();
    tree.externals = QStringList(externals.begin(), externals.end());
    tree.externals.sort();

    for (int i = 0; i < count; ++i) {
        if (i == tree.module || tree.nodes[i].type == NodeType::External)
            continue;
        if (tree.parent[i] < 0)
            tree.parent[i] = tree.module;
    }
    // A contains cycle would hide its nodes from every walk: break it by attaching the node that
    // closes it to the module.
    for (int i = 0; i < count; ++i) {
        int steps = 0;
        for (int at = tree.parent[i]; at >= 0 && at != tree.module; at = tree.parent[at]) {
            if (at == i || ++steps > kMaxNesting) {
                tree.parent[i] = tree.module;
                break;
            }
        }
    }
    const auto byLine = [&tree](int a, int b) {
        const Node& x = tree.nodes[a];
        const Node& y = tree.nodes[b];
        if (x.lineStart != y.lineStart)
            return x.lineStart < y.lineStart;
        return x.id < y.id;
    };
    for (int i = 0; i < count; ++i) {
        if (i == tree.module || tree.nodes[i].type == NodeType::External)
            continue;
        if (tree.parent[i] < 0 || tree.parent[i] == tree.module)
            tree.roots.append(i);
        else
            tree.children[tree.parent[i]].append(i);
    }
    std::sort(tree.roots.begin(), tree.roots.end(), byLine);
    for (QList<int>& list : tree.children)
        std::sort(list.begin(), list.end(), byLine);
    return tree;
}

int depthOf(const FileTree& tree, int index)
{
    if (index == tree.module)
        return 0;
    int depth = 1;
    for (int at = tree.parent[index]; at >= 0 && at != tree.module && depth < kMaxNesting; at = tree.parent[at])
        ++depth;
    return depth;
}

/// The name a member is shown with: relative to the container it is rendered under, so a C++
/// out-of-line definition or a Go method declared away from its type keeps its "Type.member".
QString displayName(const FileTree& tree, int index)
{
    const Node& node = tree.nodes[index];
    const QString local = localName(node);
    const int container = tree.parent[index];
    if (local.isEmpty())
        return oneLine(node.name);
    if (container < 0 || container == tree.module)
        return oneLine(local);
    const QString prefix = localName(tree.nodes[container]);
    if (!prefix.isEmpty() && local.startsWith(prefix + u'.'))
        return oneLine(local.mid(prefix.size() + 1));
    return oneLine(node.name);
}

QString annotations(const Node& node, const MuTextOptions& options)
{
    QString text;
    if (options.lineRanges && node.lineStart > 0)
        text += QStringLiteral("  :L%1-%2").arg(node.lineStart).arg(std::max(node.lineStart, node.lineEnd));
    if (node.type == NodeType::Function && options.complexityThreshold > 0
        && node.complexity >= options.complexityThreshold)
        text += QStringLiteral("  ::complexity=%1").arg(node.complexity);
    return text;
}

QString classLine(const FileTree& tree, int index, const MuTextOptions& options)
{
    const Node& node = tree.nodes[index];
    QString line = QStringLiteral("$");
    if (!node.kind.isEmpty() && node.kind != QLatin1String("class"))
        line += node.kind + u' ';
    line += displayName(tree, index) + typeParameters(node.properties);
    const QStringList bases = stringList(node.properties.value(QLatin1String("bases")));
    if (!bases.isEmpty())
        line += QStringLiteral(" < ") + bases.join(QStringLiteral(", "));
    return line + annotations(node, options);
}

QString functionLine(const FileTree& tree, int index, const MuTextOptions& options)
{
    const Node& node = tree.nodes[index];
    const QJsonObject& properties = node.properties;
    QString line = QStringLiteral("#");
    if (properties.value(QLatin1String("is_async")).toBool())
        line += QStringLiteral("async ");
    line += displayName(tree, index) + typeParameters(properties);
    const QJsonValue parameters = properties.value(QLatin1String("parameters"));
    if (parameters.isArray()) {
        const bool python = isPythonFile(node.filePath);
        QStringList list;
        const QJsonArray array = parameters.toArray();
        for (const QJsonValue& value : array) {
            const QJsonObject parameter = value.toObject();
            if (!isReceiver(parameter))
                list.append(parameterText(parameter, python));
        }
        line += u'(' + list.join(QStringLiteral(", ")) + u')';
    }
    const QString returnType = oneLine(properties.value(QLatin1String("return_type")).toString());
    if (!returnType.isEmpty())
        line += QStringLiteral(" -> ") + returnType;
    return line + annotations(node, options);
}

QString entityLine(const FileTree& tree, int index, const MuTextOptions& options)
{
    const Node& node = tree.nodes[index];
    switch (node.type) {
    case NodeType::Module:
        return QStringLiteral("!module ") + (tree.dotted.isEmpty() ? oneLine(node.name) : tree.dotted);
    case NodeType::Class:
        return classLine(tree, index, options);
    case NodeType::Function:
        return functionLine(tree, index, options);
    case NodeType::External:
        break;
    }
    return {};
}

void appendLine(QString& out, int depth, const QString& text)
{
    out += QString(depth * kIndentWidth, u' ');
    out += text;
    out += u'\n';
}

/// The node's entity line and, when `full`, its docstring and metadata lines.
void appendEntity(QString& out, const FileTree& tree, int index, int depth, bool full, const MuTextOptions& options)
{
    const Node& node = tree.nodes[index];
    appendLine(out, depth, entityLine(tree, index, options));
    if (!full)
        return;
    if (options.docstrings) {
        const QString doc = firstDocLine(node.docstring);
        if (!doc.isEmpty())
            appendLine(out, depth + 1, quoted(doc));
    }
    QStringList meta;
    if (node.type == NodeType::Module) {
        if (!tree.imports.isEmpty())
            meta.append(bracketList(QStringLiteral("imports"), tree.imports));
        if (!tree.externals.isEmpty())
            meta.append(bracketList(QStringLiteral("ext"), tree.externals));
    } else {
        const QStringList decorators = stringList(node.properties.value(QLatin1String("decorators")));
        if (!decorators.isEmpty())
            meta.append(bracketList(QStringLiteral("decorators"), decorators));
        if (node.type == NodeType::Class) {
            const QStringList attributes = stringList(node.properties.value(QLatin1String("attributes")));
            if (!attributes.isEmpty())
                meta.append(bracketList(QStringLiteral("attrs"), attributes));
        }
    }
    if (!meta.isEmpty())
        appendLine(out, depth + 1, meta.join(QStringLiteral("   ")));
}

enum class Mark : quint8 {
    None,
    Header,  ///< rendered as its entity line only, to place a selected member
    Selected ///< rendered with its docstring and metadata
};

struct Counts {
    int modules = 0;
    int classes = 0;
    int functions = 0;
};

void count(Counts& counts, NodeType type)
{
    if (type == NodeType::Module)
        ++counts.modules;
    else if (type == NodeType::Class)
        ++counts.classes;
    else if (type == NodeType::Function)
        ++counts.functions;
}

void renderTree(
    QString& out, const FileTree& tree, const QList<Mark>& marks, const MuTextOptions& options, Counts& counts)
{
    const bool moduleSelected = tree.module >= 0 && marks[tree.module] == Mark::Selected;
    if (tree.module >= 0) {
        appendEntity(out, tree, tree.module, 0, moduleSelected, options);
    } else {
        appendLine(out, 0, QStringLiteral("!module ") + tree.dotted);
    }
    count(counts, NodeType::Module);
    // Iterative depth-first walk: (index, depth) in reverse so that pops come out in line order.
    QList<std::pair<int, int>> stack;
    for (qsizetype i = tree.roots.size() - 1; i >= 0; --i)
        stack.append({tree.roots[i], 1});
    while (!stack.isEmpty()) {
        const auto [index, depth] = stack.takeLast();
        if (marks[index] == Mark::None)
            continue;
        appendEntity(out, tree, index, depth, marks[index] == Mark::Selected, options);
        count(counts, tree.nodes[index].type);
        const QList<int>& children = tree.children[index];
        for (qsizetype i = children.size() - 1; i >= 0; --i)
            stack.append({children[i], depth + 1});
    }
}

bool isContainer(NodeType type)
{
    return type == NodeType::Module || type == NodeType::Class;
}

} // namespace

QString moduleDottedPath(const QString& filePath)
{
    QString dotted = nodeid::moduleQualifiedName(filePath);
    // Rust: "net/mod.rs" is the module "net" (nodeid already collapses __init__ and index).
    if (dotted.endsWith(QLatin1String(".mod")))
        dotted.chop(4);
    return dotted;
}

Result<QString> renderMuText(
    const store::StoreReader& reader, const MuSelection& selection, const MuTextOptions& options)
{
    // Group the selection by file: ids embed their file's path, so no lookup is needed to know
    // which files to load.
    QMap<QString, QStringList> idsByFile;
    for (const QString& id : selection.nodeIds) {
        const QString path = nodeid::filePathOf(id);
        if (!path.isEmpty())
            idsByFile[path].append(id);
    }

    struct Rendered {
        FileTree tree;
        QList<Mark> marks;
    };
    QList<Rendered> files;
    for (auto it = idsByFile.cbegin(); it != idsByFile.cend(); ++it) {
        Result<FileTree> tree = loadFileTree(reader, it.key());
        if (!tree)
            return tree.error();
        if (tree->nodes.isEmpty())
            continue; // unknown file: its ids are skipped
        QList<Mark> marks(tree->nodes.size(), Mark::None);
        QList<int> expand;
        bool any = false;
        for (const QString& id : it.value()) {
            const int index = tree->indexById.value(id, -1);
            if (index < 0 || tree->nodes[index].type == NodeType::External)
                continue;
            marks[index] = Mark::Selected;
            any = true;
            if (selection.expandContainers && isContainer(tree->nodes[index].type))
                expand.append(index);
        }
        if (!any)
            continue;
        // Containers expand to every member below them.
        QList<bool> expanded(tree->nodes.size(), false);
        while (!expand.isEmpty()) {
            const int index = expand.takeLast();
            if (expanded[index])
                continue;
            expanded[index] = true;
            const QList<int>& below = index == tree->module ? tree->roots : tree->children[index];
            for (int child : below) {
                marks[child] = Mark::Selected;
                expand.append(child);
            }
        }
        // Every selected member brings its enclosing lines.
        for (int i = 0; i < marks.size(); ++i) {
            if (marks[i] != Mark::Selected)
                continue;
            for (int at = tree->parent[i]; at >= 0 && marks[at] == Mark::None; at = tree->parent[at])
                marks[at] = Mark::Header;
        }
        files.append({std::move(*tree), std::move(marks)});
    }
    std::sort(files.begin(), files.end(), [](const Rendered& a, const Rendered& b) {
        if (a.tree.dotted != b.tree.dotted)
            return a.tree.dotted < b.tree.dotted;
        return a.tree.path < b.tree.path;
    });

    QString body;
    Counts counts;
    for (const Rendered& file : std::as_const(files))
        renderTree(body, file.tree, file.marks, options, counts);
    if (!options.header)
        return body;
    QString header = QStringLiteral("# MU v1");
    if (!options.source.isEmpty())
        header += QStringLiteral(" · source: ") + oneLine(options.source);
    header += QStringLiteral(" · modules: %1 · classes: %2 · functions: %3 · revision: %4\n")
                  .arg(counts.modules)
                  .arg(counts.classes)
                  .arg(counts.functions)
                  .arg(options.revision);
    return QString(header + body);
}

Result<QString> renderMuTextEntity(
    const store::StoreReader& reader, const QString& nodeId, const MuTextOptions& options)
{
    const QString path = nodeid::filePathOf(nodeId);
    if (path.isEmpty())
        return Error {
            QStringLiteral("not_found"), QStringLiteral("%1 has no MU text (not a project node)").arg(nodeId)};
    Result<FileTree> tree = loadFileTree(reader, path);
    if (!tree)
        return tree.error();
    const int index = tree->indexById.value(nodeId, -1);
    if (index < 0)
        return Error {QStringLiteral("not_found"), QStringLiteral("No node %1").arg(nodeId)};
    QString out;
    appendEntity(out, *tree, index, depthOf(*tree, index), true, options);
    return out;
}

} // namespace mu::exports
