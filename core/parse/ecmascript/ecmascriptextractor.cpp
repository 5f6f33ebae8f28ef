#include "parse/ecmascript/ecmascriptextractor.h"

#include <optional>

#include "parse/complexity.h"
#include "parse/treewalk.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QStringList>

#include <vector>

namespace mu::parse {

namespace {

// ---------------------------------------------------------------------------------------------
// Small syntax helpers. Error recovery leaves fields empty, and tree-sitter dereferences a null
// node in most calls, so every helper here accepts one.

TSNode fieldOf(TSNode node, const char* name)
{
    return ts_node_is_null(node) ? TSNode {} : field(node, name);
}

uint32_t namedChildCount(TSNode node)
{
    return ts_node_is_null(node) ? 0 : ts_node_named_child_count(node);
}

template<typename Visit> void eachNamedChild(TSNode node, Visit&& visit)
{
    if (!ts_node_is_null(node))
        forEachNamedChild(node, std::forward<Visit>(visit));
}

QString nodeText(const SourceText& source, TSNode node)
{
    return ts_node_is_null(node) ? QString() : source.text(node);
}

QString nodeLine(const SourceText& source, TSNode node)
{
    return ts_node_is_null(node) ? QString() : source.singleLine(node);
}

bool isAnyOf(TSNode node, std::initializer_list<const char*> types)
{
    if (ts_node_is_null(node))
        return false;
    const char* type = ts_node_type(node);
    for (const char* candidate : types) {
        if (qstrcmp(type, candidate) == 0)
            return true;
    }
    return false;
}

bool sameNode(TSNode a, TSNode b)
{
    return !ts_node_is_null(a) && !ts_node_is_null(b) && ts_node_eq(a, b);
}

/// True when `node` has an anonymous child token spelled `token` (e.g. "static", "async", "*").
/// Only tokens before the child in field `stopField` are considered, so a method named `get`
/// is not mistaken for a getter.
bool hasToken(TSNode node, const char* token, const char* stopField = nullptr)
{
    bool found = false;
    if (ts_node_is_null(node))
        return false;
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            if (stopField) {
                const char* fieldName = ts_tree_cursor_current_field_name(&cursor);
                if (fieldName && qstrcmp(fieldName, stopField) == 0)
                    break;
            }
            const TSNode child = ts_tree_cursor_current_node(&cursor);
            if (!ts_node_is_named(child) && qstrcmp(ts_node_type(child), token) == 0) {
                found = true;
                break;
            }
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    return found;
}

/// First named child of the given type, or a null node.
TSNode childOfType(TSNode node, const char* type)
{
    TSNode found {};
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            const TSNode child = ts_tree_cursor_current_node(&cursor);
            if (isType(child, type)) {
                found = child;
                break;
            }
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    return found;
}

TSNode firstNamedChild(TSNode node)
{
    return namedChildCount(node) > 0 ? ts_node_named_child(node, 0) : TSNode {};
}

int lineOf(TSNode node)
{
    return static_cast<int>(ts_node_start_point(node).row) + 1;
}

int columnOf(TSNode node)
{
    return static_cast<int>(ts_node_start_point(node).column);
}

QString stripTrailing(QString text, QStringView chars)
{
    while (!text.isEmpty() && (chars.contains(text.back()) || text.back().isSpace()))
        text.chop(1);
    return text;
}

/// A string literal's content without its quotes (escapes are kept as written).
QString stringContent(const SourceText& source, TSNode string)
{
    const QString text = nodeText(source, string);
    if (text.size() >= 2)
        return text.sliced(1, text.size() - 2);
    return QString();
}

/// The text of a JSDoc block: leading '*' stripped, the first paragraph, stopping at the first
/// block tag. In `moduleMode`, @file/@fileoverview/@overview introduce the description and
/// @module lines (which carry a name, not prose) are dropped.
QString jsDocText(QStringView comment, bool moduleMode)
{
    if (!comment.startsWith(u"/**") || comment.startsWith(u"/**/"))
        return QString();
    QStringView body = comment.sliced(3);
    if (body.endsWith(u"*/"))
        body.chop(2);
    QStringList kept;
    for (QStringView line : body.split(u'\n')) {
        QStringView trimmed = line.trimmed();
        while (trimmed.startsWith(u'*'))
            trimmed = trimmed.sliced(1);
        trimmed = trimmed.trimmed();
        if (trimmed.startsWith(u'@')) {
            if (!moduleMode)
                break;
            const qsizetype space = trimmed.indexOf(u' ');
            const QStringView tag = space < 0 ? trimmed : trimmed.first(space);
            if (tag == u"@file" || tag == u"@fileoverview" || tag == u"@overview") {
                trimmed = space < 0 ? QStringView() : trimmed.sliced(space + 1).trimmed();
            } else if (tag == u"@module") {
                continue;
            } else {
                break;
            }
        }
        kept.append(trimmed.toString());
    }
    return firstParagraph(kept.join(u'\n'));
}

bool isFileComment(QStringView comment)
{
    return comment.startsWith(u"/**")
        && (comment.contains(u"@file") || comment.contains(u"@overview") || comment.contains(u"@module"));
}

/// The type name a receiver of this declared type resolves through: "Foo", "ns.Foo", the generic's
/// name for "Foo<T>"; empty for anything else (unions, arrays, literals, …).
QString typeNameOf(const SourceText& source, TSNode type)
{
    if (isType(type, "type_annotation"))
        type = firstNamedChild(type);
    if (isAnyOf(type, {"type_identifier", "nested_type_identifier"}))
        return nodeLine(source, type);
    if (isType(type, "generic_type"))
        return nodeLine(source, fieldOf(type, "name"));
    return QString();
}

/// "Foo" / "ns.Foo" for a dotted name expression; empty for calls and other expressions.
bool isDottedName(TSNode node)
{
    while (isType(node, "member_expression")) {
        if (!isType(fieldOf(node, "property"), "property_identifier"))
            return false;
        node = fieldOf(node, "object");
    }
    return isAnyOf(node, {"identifier", "this", "super"});
}

QString constructorName(const SourceText& source, TSNode newExpression)
{
    const TSNode ctor = fieldOf(newExpression, "constructor");
    return isDottedName(ctor) ? nodeLine(source, ctor) : QString();
}

/// A property/method name as a plain string: quotes removed from string keys.
QString memberName(const SourceText& source, TSNode name)
{
    if (ts_node_is_null(name))
        return QString();
    if (isType(name, "string"))
        return stringContent(source, name);
    return nodeLine(source, name);
}

/// One line from a declaration written over several: whitespace runs become one space, except
/// that a line break right inside ( [ < … ) ] > leaves none, and a trailing comma before the
/// closing bracket goes: "f(\n  a,\n  b,\n)" reads "f(a, b)".
QString foldSignature(QStringView raw)
{
    QString out;
    out.reserve(raw.size());
    const qsizetype size = raw.size();
    qsizetype i = 0;
    while (i < size) {
        if (!raw[i].isSpace()) {
            out += raw[i++];
            continue;
        }
        bool newline = false;
        qsizetype j = i;
        while (j < size && raw[j].isSpace()) {
            newline = newline || raw[j] == u'\n';
            ++j;
        }
        i = j;
        if (out.isEmpty() || j == size)
            continue;
        if (newline && QStringView(u")]>").contains(raw[j])) {
            if (out.endsWith(u','))
                out.chop(1);
        } else if (!(newline && QStringView(u"([<").contains(out.back()))) {
            out += u' ';
        }
    }
    return out;
}

const ComplexityRules& complexityRules()
{
    static const ComplexityRules rules {
        [](TSNode node) -> int {
            if (isAnyOf(node,
                    {"if_statement", "for_statement", "for_in_statement", "while_statement", "do_statement",
                        "switch_case", "catch_clause", "ternary_expression"}))
                return 1;
            if (isType(node, "binary_expression"))
                return isAnyOf(fieldOf(node, "operator"), {"&&", "||", "??"}) ? 1 : 0;
            if (isType(node, "augmented_assignment_expression"))
                return isAnyOf(fieldOf(node, "operator"), {"&&=", "||=", "?\?="}) ? 1 : 0;
            return 0;
        },
        [](TSNode node) {
            return isAnyOf(node,
                {"function_declaration", "generator_function_declaration", "class_declaration",
                    "abstract_class_declaration", "class", "method_definition"});
        },
    };
    return rules;
}

// ---------------------------------------------------------------------------------------------
// The walk

/// One syntax node on the path from the root to the node being visited.
struct Frame {
    TSNode node {};
    TSNode docComment {};                  ///< comment sibling right before (decorators skipped)
    std::vector<TSNode> decorators;        ///< decorator siblings right before (TS class members)
    TSNode lastComment {};                 ///< as a parent: the comment child seen last
    std::vector<TSNode> pendingDecorators; ///< as a parent: decorator children not yet claimed
};

/// A node of the graph (or an anonymous function) whose body is being walked.
struct Scope {
    enum class Kind {
        Module,
        Namespace,
        Class,
        Function,
        Anonymous
    };
    Kind kind = Kind::Module;
    Kind owner = Kind::Module; ///< kind of the node that owns references made here
    TSNode syntax {};
    QString id;                       ///< node that owns references made here
    QString prefix;                   ///< local name prefix for nodes declared here ("", "Cls.")
    QHash<QString, QString> varTypes; ///< locals and parameters → type name ("" = unknown)
    QSet<QString> typeParams;
    QHash<QString, QString> fieldTypes; ///< classes: this.<field> → type name
};

/// Where a declaration sits: the syntax node that names it and the outermost wrapper
/// (export/declare/statement) used for its location, docstring and signature.
struct Placement {
    qsizetype declIndex = 0;  ///< index in the frame stack of the declaration itself
    qsizetype outerIndex = 0; ///< index of the outermost wrapper (== declIndex when none)
};

class Walker {
public:
    Walker(const SourceText& source, FileIndex& out, EcmaScriptExtractor::Dialect dialect)
        : m_source(source), m_builder(out), m_dialect(dialect)
    { }

    void run(TSNode root);

private:
    bool enter(TSNode node);
    void leave(TSNode node);

    TSNode nodeAt(qsizetype index) const
    {
        return index >= 0 && index < static_cast<qsizetype>(m_frames.size()) ? m_frames[index].node : TSNode {};
    }
    qsizetype current() const { return static_cast<qsizetype>(m_frames.size()) - 1; }
    TSNode parentNode() const { return nodeAt(current() - 1); }
    Scope& scope() { return m_scopes.back(); }

    // Declarations
    qsizetype climbWrappers(qsizetype index, bool statementToo) const;
    void placeNode(Node& node, const Placement& placement) const;
    QString docstringFor(const Placement& placement) const;
    QJsonArray decoratorsFor(const Placement& placement) const;
    uint32_t signatureStart(const Placement& placement) const;
    QString signatureText(uint32_t start, uint32_t end) const;
    QString addNode(Node node, const QString& simpleName, Scope::Kind scopeKind, TSNode scopeSyntax);
    void pushAnonymous(TSNode syntax);
    void claimDecorators(const Placement& placement);
    void recordDecoratorCalls(TSNode decorator);
    QJsonArray typeParameters(TSNode declaration);

    bool isClassMember(qsizetype bodyIndex) const;
    void visitClass(TSNode node);
    /// The start shared by named type declarations (interface, enum, type alias, namespace):
    /// placement, name, body, and a class node with location, signature and docstring. nullopt
    /// for an unnamed one or one inside a class body, which only opens an anonymous scope.
    struct TypeDeclaration {
        Placement placement;
        TSNode nameNode;
        TSNode body;
        Node node;
    };
    std::optional<TypeDeclaration> beginTypeDeclaration(TSNode node, const char* kind, bool climbAmbient);
    /// The properties named type declarations share: type parameters, and whether it is exported.
    QJsonObject declarationProperties(TSNode node, const TypeDeclaration& declaration);
    void visitInterface(TSNode node);
    void visitEnum(TSNode node);
    void visitTypeAlias(TSNode node);
    void visitNamespace(TSNode node);
    void visitFunctionDeclaration(TSNode node);
    void visitMethod(TSNode node);
    void visitFunctionValue(TSNode node);
    void addFunction(TSNode function, const QString& name, const QString& kind, const Placement& placement,
        uint32_t signatureFrom, QJsonObject properties);
    void scanClassBody(TSNode body, Scope& classScope, QJsonArray& attributes);
    void addHeritage(TSNode declaration, const QString& classId, QJsonObject& properties);
    QJsonArray parameters(TSNode function, Scope* scopeToFill);

    // References
    void visitImport(TSNode node);
    void visitExport(TSNode node);
    void visitRequire(TSNode call, TSNode specifier);
    void visitCall(TSNode node);
    void recordCall(TSNode node);
    void visitNew(TSNode node);
    void visitJsxElement(TSNode node);
    void visitCommonJsExport(TSNode assignment);
    void visitTypeReference(TSNode node);
    void visitVariable(TSNode declarator);
    void addCall(TSNode at, const QString& target, TSNode object, QJsonObject details = {});
    QString receiverText(TSNode object) const;
    QString receiverType(TSNode object) const;
    bool isTypeParameter(const QString& name) const;

    void addExport(QJsonObject entry);
    void finishModule(TSNode root);

    const SourceText& m_source;
    FileIndexBuilder m_builder;
    EcmaScriptExtractor::Dialect m_dialect;
    std::vector<Frame> m_frames;
    std::vector<Scope> m_scopes;
    QSet<QString> m_usesSeen; ///< "sourceId\ntarget" of Use references already recorded
    QJsonArray m_exports;
    QHash<QString, QStringList> m_topLevelIds; ///< simple name → ids of nodes directly in the module
};

void Walker::run(TSNode root)
{
    Scope module;
    module.kind = Scope::Kind::Module;
    module.syntax = root;
    module.id = m_builder.moduleId();
    m_scopes.push_back(std::move(module));
    walkTree(
        root, [this](TSNode node) { return enter(node); }, [this](TSNode node) { leave(node); });
    finishModule(root);
}

bool Walker::enter(TSNode node)
{
    Frame frame;
    frame.node = node;
    const char* type = ts_node_type(node);
    if (!m_frames.empty()) {
        Frame& parent = m_frames.back();
        if (qstrcmp(type, "comment") == 0) {
            parent.lastComment = node;
        } else if (qstrcmp(type, "decorator") == 0) {
            parent.pendingDecorators.push_back(node);
        } else {
            frame.docComment = parent.lastComment;
            frame.decorators.swap(parent.pendingDecorators);
            parent.lastComment = TSNode {};
        }
    }
    m_frames.push_back(std::move(frame));

    if (!ts_node_is_named(node))
        return false;
    switch (type[0]) {
    case 'a':
        if (qstrcmp(type, "arrow_function") == 0) {
            visitFunctionValue(node);
        } else if (qstrcmp(type, "abstract_class_declaration") == 0) {
            visitClass(node);
        } else if (qstrcmp(type, "abstract_method_signature") == 0) {
            visitMethod(node);
        } else if (qstrcmp(type, "assignment_expression") == 0) {
            visitCommonJsExport(node);
        }
        break;
    case 'd':
        if (qstrcmp(type, "decorator") == 0) {
            // Decorators of classes and methods belong to the node they decorate: claimed when it
            // is created. Others (fields, parameters) run in the scope that holds them.
            if (!isAnyOf(parentNode(),
                    {"export_statement", "class_body", "class_declaration", "abstract_class_declaration", "class",
                        "method_definition"}))
                recordDecoratorCalls(node);
            return false;
        }
        break;
    case 'c':
        if (qstrcmp(type, "call_expression") == 0) {
            visitCall(node);
        } else if (qstrcmp(type, "class_declaration") == 0 || qstrcmp(type, "class") == 0) {
            visitClass(node);
        } else if (qstrcmp(type, "comment") == 0) {
            return false;
        }
        break;
    case 'e':
        if (qstrcmp(type, "export_statement") == 0) {
            visitExport(node);
        } else if (qstrcmp(type, "enum_declaration") == 0) {
            visitEnum(node);
        }
        break;
    case 'f':
        if (qstrcmp(type, "function_declaration") == 0 || qstrcmp(type, "function_signature") == 0) {
            visitFunctionDeclaration(node);
        } else if (qstrcmp(type, "function_expression") == 0) {
            visitFunctionValue(node);
        }
        break;
    case 'g':
        if (qstrcmp(type, "generator_function_declaration") == 0) {
            visitFunctionDeclaration(node);
        } else if (qstrcmp(type, "generator_function") == 0) {
            visitFunctionValue(node);
        }
        break;
    case 'i':
        if (qstrcmp(type, "import_statement") == 0) {
            visitImport(node);
            return false;
        } else if (qstrcmp(type, "interface_declaration") == 0) {
            visitInterface(node);
        } else if (qstrcmp(type, "internal_module") == 0) {
            visitNamespace(node);
        } else if (qstrcmp(type, "infer_type") == 0) {
            const TSNode name = firstNamedChild(node);
            if (isType(name, "type_identifier"))
                scope().typeParams.insert(nodeText(m_source, name));
        }
        break;
    case 'j':
        if (qstrcmp(type, "jsx_opening_element") == 0 || qstrcmp(type, "jsx_self_closing_element") == 0)
            visitJsxElement(node);
        break;
    case 'm':
        if (qstrcmp(type, "method_definition") == 0 || qstrcmp(type, "method_signature") == 0) {
            visitMethod(node);
        } else if (qstrcmp(type, "module") == 0) {
            visitNamespace(node);
        } else if (qstrcmp(type, "mapped_type_clause") == 0) {
            const TSNode name = fieldOf(node, "name");
            if (!ts_node_is_null(name))
                scope().typeParams.insert(nodeText(m_source, name));
        }
        break;
    case 'n':
        if (qstrcmp(type, "new_expression") == 0) {
            visitNew(node);
        } else if (qstrcmp(type, "nested_type_identifier") == 0) {
            visitTypeReference(node);
            return false;
        }
        break;
    case 's':
        if (qstrcmp(type, "string") == 0)
            return false;
        break;
    case 't':
        if (qstrcmp(type, "type_identifier") == 0) {
            visitTypeReference(node);
            return false;
        } else if (qstrcmp(type, "type_alias_declaration") == 0) {
            visitTypeAlias(node);
        } else if (qstrcmp(type, "type_parameter") == 0) {
            const TSNode name = fieldOf(node, "name");
            if (!ts_node_is_null(name))
                scope().typeParams.insert(nodeText(m_source, name));
        }
        break;
    case 'v':
        if (qstrcmp(type, "variable_declarator") == 0)
            visitVariable(node);
        break;
    default:
        break;
    }
    return true;
}

void Walker::leave(TSNode node)
{
    if (m_scopes.size() > 1 && ts_node_eq(m_scopes.back().syntax, node))
        m_scopes.pop_back();
    m_frames.pop_back();
}

// ---------------------------------------------------------------------------------------------
// Declarations

/// Climbs from a declaration to the wrappers that belong to it: `export`, `declare`, and (for
/// bound functions) the variable statement when it declares only this name.
qsizetype Walker::climbWrappers(qsizetype index, bool statementToo) const
{
    for (;;) {
        const TSNode parent = nodeAt(index - 1);
        if (isAnyOf(parent, {"export_statement", "ambient_declaration"})
            || (statementToo && isType(parent, "expression_statement"))) {
            --index;
            continue;
        }
        return index;
    }
}

void Walker::placeNode(Node& node, const Placement& placement) const
{
    const Frame& outer = m_frames[placement.outerIndex];
    FileIndexBuilder::setLocation(node, outer.node);
    if (!outer.decorators.empty()) {
        const TSPoint start = ts_node_start_point(outer.decorators.front());
        node.lineStart = static_cast<int>(start.row) + 1;
        node.colStart = static_cast<int>(start.column);
    }
}

QString Walker::docstringFor(const Placement& placement) const
{
    const Frame& outer = m_frames[placement.outerIndex];
    if (ts_node_is_null(outer.docComment))
        return QString();
    const TSNode first = outer.decorators.empty() ? outer.node : outer.decorators.front();
    // "Directly before": no blank line between the comment and the declaration.
    if (ts_node_end_point(outer.docComment).row + 1 < ts_node_start_point(first).row)
        return QString();
    const QString comment = nodeText(m_source, outer.docComment);
    if (isFileComment(comment))
        return QString();
    return jsDocText(comment, false);
}

QJsonArray Walker::decoratorsFor(const Placement& placement) const
{
    QJsonArray decorators;
    auto add = [&](TSNode decorator) {
        QString text = nodeLine(m_source, decorator);
        if (text.startsWith(u'@'))
            text.remove(0, 1);
        decorators.append(text);
    };
    for (const TSNode decorator : m_frames[placement.outerIndex].decorators)
        add(decorator);
    // Decorators that are children of the wrappers or of the declaration itself.
    for (qsizetype i = placement.outerIndex; i <= placement.declIndex; ++i) {
        eachNamedChild(m_frames[i].node, [&](TSNode child) {
            if (isType(child, "decorator"))
                add(child);
        });
    }
    return decorators;
}

/// Where the one-line signature starts: the outer wrapper's first token that is not a decorator.
uint32_t Walker::signatureStart(const Placement& placement) const
{
    const TSNode outer = m_frames[placement.outerIndex].node;
    uint32_t start = ts_node_start_byte(outer);
    TSTreeCursor cursor = ts_tree_cursor_new(outer);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            const TSNode child = ts_tree_cursor_current_node(&cursor);
            if (!isAnyOf(child, {"decorator", "comment"})) {
                start = ts_node_start_byte(child);
                break;
            }
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    return start;
}

QString Walker::signatureText(uint32_t start, uint32_t end) const
{
    return stripTrailing(foldSignature(m_source.slice(start, end)), u";,{");
}

QString Walker::addNode(Node node, const QString& simpleName, Scope::Kind scopeKind, TSNode scopeSyntax)
{
    const Scope& parent = scope();
    node.name = simpleName;
    // Ids keep ':' as their separator (nodeid::filePathOf), so names such as the ambient module
    // "node:fs" are spelled with '_' there; `name` keeps the text as written.
    QString segment = simpleName;
    segment.replace(u':', u'_');
    const QString localName = parent.prefix + segment;
    const QString id = m_builder.add(std::move(node), localName, parent.id);
    if (parent.kind == Scope::Kind::Module)
        m_topLevelIds[simpleName].append(id);
    Scope child;
    child.kind = scopeKind;
    child.owner = scopeKind;
    child.syntax = scopeSyntax;
    child.id = id;
    child.prefix = localName + u'.';
    m_scopes.push_back(std::move(child));
    return id;
}

/// A function that is not a node of its own: references inside belong to the enclosing node, but
/// its parameters and type parameters shadow outer names.
void Walker::pushAnonymous(TSNode syntax)
{
    Scope child;
    child.kind = Scope::Kind::Anonymous;
    child.owner = scope().owner;
    child.syntax = syntax;
    child.id = scope().id;
    child.prefix = scope().prefix;
    m_scopes.push_back(std::move(child));
    parameters(syntax, &m_scopes.back());
    for (const TSNode decorator : m_frames.back().decorators)
        recordDecoratorCalls(decorator);
    if (isAnyOf(syntax, {"class_declaration", "abstract_class_declaration", "class", "method_definition"})) {
        eachNamedChild(syntax, [&](TSNode member) {
            if (isType(member, "decorator"))
                recordDecoratorCalls(member);
        });
    }
}

/// Calls made by the decorators of a node just created (its scope is innermost). Fields'
/// decorators were already seen by the walk.
void Walker::claimDecorators(const Placement& placement)
{
    for (const TSNode decorator : m_frames[placement.outerIndex].decorators)
        recordDecoratorCalls(decorator);
    for (qsizetype i = placement.outerIndex; i <= placement.declIndex; ++i) {
        if (isType(m_frames[i].node, "public_field_definition"))
            continue;
        eachNamedChild(m_frames[i].node, [&](TSNode child) {
            if (isType(child, "decorator"))
                recordDecoratorCalls(child);
        });
    }
}

/// `@dec` calls dec with the decorated target; `@dec(args)` calls dec and then the result.
void Walker::recordDecoratorCalls(TSNode decorator)
{
    const TSNode expression = firstNamedChild(decorator);
    if (isType(expression, "identifier")) {
        addCall(expression, nodeText(m_source, expression), TSNode {});
    } else if (isType(expression, "member_expression")) {
        const TSNode property = fieldOf(expression, "property");
        if (isType(property, "property_identifier"))
            addCall(property, nodeText(m_source, property), fieldOf(expression, "object"));
    }
    walkTree(decorator, [&](TSNode node) {
        if (isType(node, "call_expression"))
            recordCall(node);
        else if (isType(node, "new_expression"))
            visitNew(node);
        return !isAnyOf(node, {"arrow_function", "function_expression", "class"});
    });
}

QJsonArray Walker::typeParameters(TSNode declaration)
{
    QJsonArray list;
    const TSNode params = fieldOf(declaration, "type_parameters");
    if (ts_node_is_null(params))
        return list;
    eachNamedChild(params, [&](TSNode param) {
        if (isType(param, "type_parameter"))
            list.append(nodeLine(m_source, param));
    });
    return list;
}

/// True when the frame at `bodyIndex` is the body of the class-like node whose scope is innermost.
bool Walker::isClassMember(qsizetype bodyIndex) const
{
    const Scope& top = m_scopes.back();
    return top.kind == Scope::Kind::Class && isAnyOf(nodeAt(bodyIndex), {"class_body", "interface_body"})
        && sameNode(top.syntax, nodeAt(bodyIndex - 1));
}

void Walker::visitClass(TSNode node)
{
    const qsizetype index = current();
    const TSNode parent = parentNode();
    TSNode nameNode = fieldOf(node, "name");
    QString name = ts_node_is_null(nameNode) ? QString() : nodeText(m_source, nameNode);
    Placement placement {index, index};
    bool exported = false;
    bool defaultExport = false;

    if (isType(node, "class")) {
        // A class expression is a node only when bound to a name.
        if (isType(parent, "variable_declarator") && sameNode(fieldOf(parent, "value"), node)
            && isType(fieldOf(parent, "name"), "identifier")) {
            name = nodeText(m_source, fieldOf(parent, "name"));
            const TSNode statement = nodeAt(index - 2);
            const bool single = namedChildCount(statement) == 1;
            placement.outerIndex = single ? climbWrappers(index - 2, false) : index - 1;
        } else if (isType(parent, "export_statement") && sameNode(fieldOf(parent, "value"), node)) {
            defaultExport = true;
            if (name.isEmpty())
                name = QStringLiteral("default");
            placement.outerIndex = index - 1;
        } else if (isType(parent, "assignment_expression") && sameNode(fieldOf(parent, "right"), node)
            && scope().owner == Scope::Kind::Module) {
            const TSNode left = fieldOf(parent, "left");
            const QString target = nodeLine(m_source, left);
            if (target == u"module.exports") {
                defaultExport = true;
                if (name.isEmpty())
                    name = QStringLiteral("default");
            } else if (target.startsWith(u"exports.") || target.startsWith(u"module.exports.")) {
                name = nodeText(m_source, fieldOf(left, "property"));
            } else {
                name.clear();
            }
            exported = !name.isEmpty();
            placement.outerIndex = climbWrappers(index - 1, true);
        } else if (isType(parent, "public_field_definition") && sameNode(fieldOf(parent, "value"), node)
            && isClassMember(index - 2)) {
            name = memberName(m_source, fieldOf(parent, "name"));
            placement.outerIndex = index - 1;
        } else if (!isType(parent, "expression_statement")) {
            // A named class expression as a statement is how an unterminated `class X {` is
            // recovered; anywhere else the name is only visible inside the class.
            name.clear();
        }
    } else {
        placement.outerIndex = climbWrappers(index, false);
    }
    if (name.isEmpty()) {
        pushAnonymous(node);
        return;
    }
    for (qsizetype i = placement.outerIndex; i < placement.declIndex; ++i) {
        if (isType(nodeAt(i), "export_statement")) {
            exported = true;
            defaultExport = defaultExport || hasToken(nodeAt(i), "default");
        }
    }

    Node classNode;
    classNode.type = NodeType::Class;
    classNode.kind = QStringLiteral("class");
    placeNode(classNode, placement);
    const TSNode body = fieldOf(node, "body");
    const uint32_t end = ts_node_is_null(body) ? ts_node_end_byte(node) : ts_node_start_byte(body);
    classNode.signature = signatureText(signatureStart(placement), end);
    classNode.docstring = docstringFor(placement);

    QJsonObject properties;
    const QJsonArray decorators = decoratorsFor(placement);
    if (!decorators.isEmpty())
        properties.insert(QStringLiteral("decorators"), decorators);
    const QJsonArray typeParams = typeParameters(node);
    if (!typeParams.isEmpty())
        properties.insert(QStringLiteral("type_parameters"), typeParams);
    if (isType(node, "abstract_class_declaration"))
        properties.insert(QStringLiteral("is_abstract"), true);
    if (exported)
        properties.insert(QStringLiteral("is_exported"), true);
    if (defaultExport)
        properties.insert(QStringLiteral("is_default_export"), true);
    classNode.properties = properties;

    const QString id = addNode(std::move(classNode), name, Scope::Kind::Class, node);
    claimDecorators(placement);
    QJsonObject finalProperties = m_builder.find(id)->properties;
    addHeritage(node, id, finalProperties);
    QJsonArray attributes;
    if (!ts_node_is_null(body))
        scanClassBody(body, scope(), attributes);
    if (!attributes.isEmpty())
        finalProperties.insert(QStringLiteral("attributes"), attributes);
    m_builder.find(id)->properties = finalProperties;
}

void Walker::addHeritage(TSNode declaration, const QString& classId, QJsonObject& properties)
{
    QJsonArray bases;
    QJsonArray implements;
    auto inherit = [&](TSNode target, bool implementsClause) {
        TSNode nameNode = target;
        if (isType(target, "generic_type"))
            nameNode = fieldOf(target, "name");
        const bool named = isAnyOf(nameNode, {"type_identifier", "nested_type_identifier"}) || isDottedName(nameNode);
        const QString text = nodeLine(m_source, named ? nameNode : target);
        (implementsClause ? implements : bases).append(text);
        if (!named)
            return;
        Reference ref;
        ref.kind = Reference::Kind::Inherit;
        ref.sourceId = classId;
        ref.target = text;
        ref.line = lineOf(nameNode);
        ref.column = columnOf(nameNode);
        if (implementsClause)
            ref.details.insert(QStringLiteral("implements"), true);
        m_builder.addReference(std::move(ref));
    };

    eachNamedChild(declaration, [&](TSNode child) {
        if (isType(child, "class_heritage")) {
            eachNamedChild(child, [&](TSNode clause) {
                if (isType(clause, "extends_clause")) {
                    eachNamedChild(clause, [&](TSNode value) {
                        if (!isAnyOf(value, {"type_arguments", "comment"}))
                            inherit(value, false);
                    });
                } else if (isType(clause, "implements_clause")) {
                    eachNamedChild(clause, [&](TSNode type) {
                        if (!isType(type, "comment"))
                            inherit(type, true);
                    });
                } else if (!isType(clause, "comment")) {
                    inherit(clause, false); // JavaScript: `extends <expression>`
                }
            });
        } else if (isType(child, "extends_type_clause")) {
            eachNamedChild(child, [&](TSNode type) {
                if (!isType(type, "comment"))
                    inherit(type, false);
            });
        }
    });
    if (!bases.isEmpty())
        properties.insert(QStringLiteral("bases"), bases);
    if (!implements.isEmpty())
        properties.insert(QStringLiteral("implements"), implements);
}

/// Attributes in declaration order, and what `this.<field>` holds for receiver types.
void Walker::scanClassBody(TSNode body, Scope& classScope, QJsonArray& attributes)
{
    eachNamedChild(body, [&](TSNode member) {
        if (isType(member, "public_field_definition") || isType(member, "property_signature")) {
            const QString name = memberName(m_source, fieldOf(member, "name"));
            const TSNode value = fieldOf(member, "value");
            if (name.isEmpty() || isAnyOf(value, {"arrow_function", "function_expression", "generator_function"}))
                return;
            attributes.append(name);
            QString type = typeNameOf(m_source, fieldOf(member, "type"));
            if (type.isEmpty() && isType(value, "new_expression"))
                type = constructorName(m_source, value);
            if (!type.isEmpty())
                classScope.fieldTypes.insert(name, type);
            return;
        }
        if (!isType(member, "method_definition") || nodeText(m_source, fieldOf(member, "name")) != u"constructor")
            return;
        const TSNode params = fieldOf(member, "parameters");
        eachNamedChild(params, [&](TSNode param) {
            if (!isAnyOf(param, {"required_parameter", "optional_parameter"}))
                return;
            const bool property = !ts_node_is_null(childOfType(param, "accessibility_modifier"))
                || hasToken(param, "readonly") || hasToken(param, "override");
            const TSNode pattern = fieldOf(param, "pattern");
            if (!property || !isType(pattern, "identifier"))
                return;
            const QString name = nodeText(m_source, pattern);
            attributes.append(name);
            const QString type = typeNameOf(m_source, fieldOf(param, "type"));
            if (!type.isEmpty())
                classScope.fieldTypes.insert(name, type);
        });
        // `this.x = new Foo()` in the constructor; declared types win.
        const TSNode ctorBody = fieldOf(member, "body");
        walkTree(ctorBody, [&](TSNode node) {
            if (isAnyOf(node,
                    {"function_expression", "function_declaration", "generator_function",
                        "generator_function_declaration", "class", "class_declaration"}))
                return false;
            if (!isType(node, "assignment_expression"))
                return true;
            const TSNode left = fieldOf(node, "left");
            const TSNode right = fieldOf(node, "right");
            if (isType(left, "member_expression") && isType(fieldOf(left, "object"), "this")
                && isType(right, "new_expression")) {
                const QString name = nodeText(m_source, fieldOf(left, "property"));
                const QString type = constructorName(m_source, right);
                if (!type.isEmpty() && !classScope.fieldTypes.contains(name))
                    classScope.fieldTypes.insert(name, type);
            }
            return true;
        });
    });
}

std::optional<Walker::TypeDeclaration> Walker::beginTypeDeclaration(TSNode node, const char* kind, bool climbAmbient)
{
    const qsizetype index = current();
    const TSNode nameNode = fieldOf(node, "name");
    if (ts_node_is_null(nameNode) || scope().kind == Scope::Kind::Class) {
        pushAnonymous(node);
        return std::nullopt;
    }
    TypeDeclaration declaration {{index, climbWrappers(index, climbAmbient)}, nameNode, fieldOf(node, "body"), {}};
    Node& type = declaration.node;
    type.type = NodeType::Class;
    type.kind = QString::fromLatin1(kind);
    placeNode(type, declaration.placement);
    type.signature = signatureText(signatureStart(declaration.placement),
        ts_node_is_null(declaration.body) ? ts_node_end_byte(node) : ts_node_start_byte(declaration.body));
    type.docstring = docstringFor(declaration.placement);
    return declaration;
}

QJsonObject Walker::declarationProperties(TSNode node, const TypeDeclaration& declaration)
{
    QJsonObject properties;
    const QJsonArray typeParams = typeParameters(node);
    if (!typeParams.isEmpty())
        properties.insert(QStringLiteral("type_parameters"), typeParams);
    if (isType(nodeAt(declaration.placement.declIndex - 1), "export_statement"))
        properties.insert(QStringLiteral("is_exported"), true);
    return properties;
}

void Walker::visitInterface(TSNode node)
{
    auto declaration = beginTypeDeclaration(node, "interface", false);
    if (!declaration)
        return;
    QJsonObject properties = declarationProperties(node, *declaration);
    const QString id
        = addNode(std::move(declaration->node), nodeText(m_source, declaration->nameNode), Scope::Kind::Class, node);
    addHeritage(node, id, properties);
    QJsonArray attributes;
    if (!ts_node_is_null(declaration->body))
        scanClassBody(declaration->body, scope(), attributes);
    if (!attributes.isEmpty())
        properties.insert(QStringLiteral("attributes"), attributes);
    m_builder.find(id)->properties = properties;
}

void Walker::visitEnum(TSNode node)
{
    auto declaration = beginTypeDeclaration(node, "enum", false);
    if (!declaration)
        return;
    QJsonArray members;
    eachNamedChild(declaration->body, [&](TSNode member) {
        if (isType(member, "enum_assignment"))
            members.append(memberName(m_source, fieldOf(member, "name")));
        else if (isAnyOf(member, {"property_identifier", "string", "number"}))
            members.append(memberName(m_source, member));
    });
    QJsonObject properties = declarationProperties(node, *declaration);
    properties.insert(QStringLiteral("members"), members);
    if (hasToken(node, "const"))
        properties.insert(QStringLiteral("is_const"), true);
    declaration->node.properties = properties;
    addNode(std::move(declaration->node), nodeText(m_source, declaration->nameNode), Scope::Kind::Class, node);
}

void Walker::visitTypeAlias(TSNode node)
{
    auto declaration = beginTypeDeclaration(node, "type", false);
    if (!declaration)
        return;
    QJsonObject properties = declarationProperties(node, *declaration);
    declaration->node.properties = properties;
    addNode(std::move(declaration->node), nodeText(m_source, declaration->nameNode), Scope::Kind::Class, node);
}

void Walker::visitNamespace(TSNode node)
{
    auto declaration = beginTypeDeclaration(node, "namespace", true);
    if (!declaration)
        return;
    const TSNode nameNode = declaration->nameNode;
    const QString name = isType(nameNode, "string") ? stringContent(m_source, nameNode) : nodeLine(m_source, nameNode);
    QJsonObject properties;
    for (qsizetype i = declaration->placement.outerIndex; i < declaration->placement.declIndex; ++i) {
        if (isType(nodeAt(i), "export_statement"))
            properties.insert(QStringLiteral("is_exported"), true);
        if (isType(nodeAt(i), "ambient_declaration"))
            properties.insert(QStringLiteral("is_ambient"), true);
    }
    declaration->node.properties = properties;
    addNode(std::move(declaration->node), name, Scope::Kind::Namespace, node);
}

void Walker::visitFunctionDeclaration(TSNode node)
{
    const qsizetype index = current();
    const TSNode nameNode = fieldOf(node, "name");
    if (ts_node_is_null(nameNode) || scope().kind == Scope::Kind::Class) {
        pushAnonymous(node);
        return;
    }
    const Placement placement {index, climbWrappers(index, false)};
    QJsonObject properties;
    for (qsizetype i = placement.outerIndex; i < index; ++i) {
        if (isType(nodeAt(i), "export_statement")) {
            properties.insert(QStringLiteral("is_exported"), true);
            if (hasToken(nodeAt(i), "default"))
                properties.insert(QStringLiteral("is_default_export"), true);
        }
    }
    addFunction(node, nodeText(m_source, nameNode), QStringLiteral("function"), placement, signatureStart(placement),
        properties);
}

void Walker::visitMethod(TSNode node)
{
    const qsizetype index = current();
    if (!isClassMember(index - 1)) {
        pushAnonymous(node);
        return;
    }
    const TSNode nameNode = fieldOf(node, "name");
    const QString name = memberName(m_source, nameNode);
    if (name.isEmpty()) {
        pushAnonymous(node);
        return;
    }
    QJsonObject properties;
    QString kind = QStringLiteral("method");
    if (name == u"constructor" && !isType(nameNode, "string")) {
        kind = QStringLiteral("constructor");
    } else if (hasToken(node, "get", "name")) {
        kind = QStringLiteral("property");
        properties.insert(QStringLiteral("is_getter"), true);
    } else if (hasToken(node, "set", "name")) {
        kind = QStringLiteral("property");
        properties.insert(QStringLiteral("is_setter"), true);
    }
    if (hasToken(node, "static", "name"))
        properties.insert(QStringLiteral("is_static"), true);
    if (isType(node, "abstract_method_signature") || hasToken(node, "abstract", "name"))
        properties.insert(QStringLiteral("is_abstract"), true);
    const TSNode modifier = childOfType(node, "accessibility_modifier");
    if (!ts_node_is_null(modifier))
        properties.insert(QStringLiteral("visibility"), nodeText(m_source, modifier));
    else if (isType(nameNode, "private_property_identifier"))
        properties.insert(QStringLiteral("visibility"), QStringLiteral("private"));
    const Placement placement {index, index};
    addFunction(node, name, kind, placement, signatureStart(placement), properties);
}

/// Arrow functions, function expressions and class-field functions: a node when bound to a name
/// at module or namespace level (or to a class field), otherwise part of the enclosing function.
void Walker::visitFunctionValue(TSNode node)
{
    const qsizetype index = current();
    const TSNode parent = parentNode();
    // Module level includes module-level wrappers such as `(function () { … })()` and callbacks
    // of top-level calls, where function declarations are nodes too.
    const Scope::Kind owner = scope().owner;
    const bool moduleLevel = owner == Scope::Kind::Module || owner == Scope::Kind::Namespace;
    QJsonObject properties;
    QString name;
    QString kind = QStringLiteral("function");
    Placement placement {index, index};
    uint32_t signatureFrom = 0;

    if (moduleLevel && isType(parent, "variable_declarator") && sameNode(fieldOf(parent, "value"), node)
        && isType(fieldOf(parent, "name"), "identifier")) {
        name = nodeText(m_source, fieldOf(parent, "name"));
        const TSNode statement = nodeAt(index - 2);
        if (namedChildCount(statement) == 1) {
            placement.outerIndex = climbWrappers(index - 2, false);
            signatureFrom = signatureStart(placement);
        } else {
            placement.outerIndex = index - 1;
            signatureFrom = ts_node_start_byte(parent);
        }
        for (qsizetype i = placement.outerIndex; i < index; ++i) {
            if (isType(nodeAt(i), "export_statement"))
                properties.insert(QStringLiteral("is_exported"), true);
        }
    } else if (moduleLevel && isType(parent, "export_statement") && sameNode(fieldOf(parent, "value"), node)) {
        const TSNode ownName = fieldOf(node, "name");
        name = ts_node_is_null(ownName) ? QStringLiteral("default") : nodeText(m_source, ownName);
        placement.outerIndex = index - 1;
        signatureFrom = signatureStart(placement);
        properties.insert(QStringLiteral("is_exported"), true);
        properties.insert(QStringLiteral("is_default_export"), true);
    } else if (owner == Scope::Kind::Module && isType(parent, "assignment_expression")
        && sameNode(fieldOf(parent, "right"), node)) {
        const TSNode left = fieldOf(parent, "left");
        const QString target = nodeLine(m_source, left);
        if (target == u"module.exports") {
            const TSNode ownName = fieldOf(node, "name");
            name = ts_node_is_null(ownName) ? QStringLiteral("default") : nodeText(m_source, ownName);
            properties.insert(QStringLiteral("is_default_export"), true);
        } else if (isType(left, "member_expression")
            && (target.startsWith(u"exports.") || target.startsWith(u"module.exports."))
            && target.count(u'.') == (target.startsWith(u"exports.") ? 1 : 2)) {
            name = nodeText(m_source, fieldOf(left, "property"));
        }
        if (!name.isEmpty())
            properties.insert(QStringLiteral("is_exported"), true);
        placement.outerIndex = climbWrappers(index - 1, true);
        signatureFrom = signatureStart(placement);
    } else if (isType(parent, "public_field_definition") && sameNode(fieldOf(parent, "value"), node)
        && isClassMember(index - 2)) {
        const TSNode nameNode = fieldOf(parent, "name");
        name = memberName(m_source, nameNode);
        kind = QStringLiteral("method");
        placement.outerIndex = index - 1;
        signatureFrom = signatureStart(placement);
        if (hasToken(parent, "static", "name"))
            properties.insert(QStringLiteral("is_static"), true);
        const TSNode modifier = childOfType(parent, "accessibility_modifier");
        if (!ts_node_is_null(modifier))
            properties.insert(QStringLiteral("visibility"), nodeText(m_source, modifier));
        else if (isType(nameNode, "private_property_identifier"))
            properties.insert(QStringLiteral("visibility"), QStringLiteral("private"));
    }
    if (name.isEmpty()) {
        pushAnonymous(node);
        return;
    }
    addFunction(node, name, kind, placement, signatureFrom, properties);
}

void Walker::addFunction(TSNode function, const QString& name, const QString& kind, const Placement& placement,
    uint32_t signatureFrom, QJsonObject properties)
{
    Node fn;
    fn.type = NodeType::Function;
    fn.kind = kind;
    placeNode(fn, placement);
    const TSNode body = fieldOf(function, "body");
    fn.signature
        = signatureText(signatureFrom, ts_node_is_null(body) ? ts_node_end_byte(function) : ts_node_start_byte(body));
    fn.docstring = docstringFor(placement);
    fn.complexity = ts_node_is_null(body) ? 0 : mccabeComplexity(body, complexityRules());

    const char* type = ts_node_type(function);
    if (hasToken(function, "async", "parameters"))
        properties.insert(QStringLiteral("is_async"), true);
    if (qstrcmp(type, "generator_function_declaration") == 0 || qstrcmp(type, "generator_function") == 0
        || hasToken(function, "*", "name"))
        properties.insert(QStringLiteral("is_generator"), true);
    const QJsonArray decorators = decoratorsFor(placement);
    if (!decorators.isEmpty())
        properties.insert(QStringLiteral("decorators"), decorators);
    const QJsonArray typeParams = typeParameters(function);
    if (!typeParams.isEmpty())
        properties.insert(QStringLiteral("type_parameters"), typeParams);
    const TSNode returnType = fieldOf(function, "return_type");
    if (!ts_node_is_null(returnType)) {
        QString text = nodeLine(m_source, returnType);
        if (text.startsWith(u':'))
            text = text.sliced(1).trimmed();
        properties.insert(QStringLiteral("return_type"), text);
    }
    fn.properties = properties;

    // Parameters are read into the new scope so the body can resolve receiver types.
    addNode(std::move(fn), name, Scope::Kind::Function, function);
    claimDecorators(placement);
    const QJsonArray params = parameters(function, &scope());
    Node* added = m_builder.find(scope().id);
    added->properties.insert(QStringLiteral("parameters"), params);
}

QJsonArray Walker::parameters(TSNode function, Scope* scopeToFill)
{
    QJsonArray list;
    TSNode params = fieldOf(function, "parameters");
    if (ts_node_is_null(params)) {
        const TSNode single = fieldOf(function, "parameter"); // `x => …`
        if (!ts_node_is_null(single)) {
            QJsonObject param {{QStringLiteral("name"), nodeText(m_source, single)},
                {QStringLiteral("variadic"), false}, {QStringLiteral("optional"), false}};
            list.append(param);
            if (scopeToFill)
                scopeToFill->varTypes.insert(nodeText(m_source, single), QString());
        }
        return list;
    }
    eachNamedChild(params, [&](TSNode param) {
        TSNode pattern = param;
        TSNode type {};
        TSNode value {};
        bool optional = false;
        if (isAnyOf(param, {"required_parameter", "optional_parameter"})) {
            pattern = fieldOf(param, "pattern");
            type = fieldOf(param, "type");
            value = fieldOf(param, "value");
            optional = isType(param, "optional_parameter");
        } else if (isType(param, "assignment_pattern")) {
            pattern = fieldOf(param, "left");
            value = fieldOf(param, "right");
        } else if (isAnyOf(param, {"comment", "decorator"})) {
            return;
        }
        if (ts_node_is_null(pattern) || isType(pattern, "this"))
            return;
        bool variadic = false;
        if (isType(pattern, "rest_pattern")) {
            variadic = true;
            const TSNode inner = firstNamedChild(pattern);
            if (!ts_node_is_null(inner))
                pattern = inner;
        }
        const QString name = nodeLine(m_source, pattern);
        QJsonObject entry {{QStringLiteral("name"), name}};
        if (!ts_node_is_null(type)) {
            QString text = nodeLine(m_source, type);
            if (text.startsWith(u':'))
                text = text.sliced(1).trimmed();
            entry.insert(QStringLiteral("type"), text);
        }
        if (!ts_node_is_null(value))
            entry.insert(QStringLiteral("default"), nodeLine(m_source, value));
        entry.insert(QStringLiteral("variadic"), variadic);
        entry.insert(QStringLiteral("optional"), optional);
        list.append(entry);
        if (scopeToFill && isType(pattern, "identifier"))
            scopeToFill->varTypes.insert(name, variadic ? QString() : typeNameOf(m_source, type));
    });
    return list;
}

// ---------------------------------------------------------------------------------------------
// References

void Walker::visitImport(TSNode node)
{
    Reference ref;
    ref.kind = Reference::Kind::Import;
    ref.sourceId = m_builder.moduleId();
    ref.line = lineOf(node);
    ref.column = columnOf(node);
    QJsonArray names;
    bool allTypeOnly = true;
    bool anySpecifier = false;
    const bool typeOnly = hasToken(node, "type");
    TSNode source = fieldOf(node, "source");

    eachNamedChild(node, [&](TSNode child) {
        if (isType(child, "import_require_clause")) {
            source = fieldOf(child, "source");
            ref.details.insert(QStringLiteral("require"), true);
            const TSNode alias = childOfType(child, "identifier");
            if (!ts_node_is_null(alias))
                ref.details.insert(QStringLiteral("alias"), nodeText(m_source, alias));
            return;
        }
        if (!isType(child, "import_clause"))
            return;
        eachNamedChild(child, [&](TSNode part) {
            if (isType(part, "identifier")) {
                names.append(QJsonObject {{QStringLiteral("name"), QStringLiteral("default")},
                    {QStringLiteral("alias"), nodeText(m_source, part)}});
                allTypeOnly = false;
                anySpecifier = true;
            } else if (isType(part, "namespace_import")) {
                const TSNode alias = childOfType(part, "identifier");
                if (!ts_node_is_null(alias))
                    ref.details.insert(QStringLiteral("namespace"), nodeText(m_source, alias));
                allTypeOnly = false;
                anySpecifier = true;
            } else if (isType(part, "named_imports")) {
                eachNamedChild(part, [&](TSNode specifier) {
                    if (!isType(specifier, "import_specifier"))
                        return;
                    anySpecifier = true;
                    const TSNode name = fieldOf(specifier, "name");
                    const TSNode alias = fieldOf(specifier, "alias");
                    QJsonObject entry {{QStringLiteral("name"), memberName(m_source, name)}};
                    if (!ts_node_is_null(alias))
                        entry.insert(QStringLiteral("alias"), nodeText(m_source, alias));
                    if (hasToken(specifier, "type"))
                        entry.insert(QStringLiteral("type_only"), true);
                    else
                        allTypeOnly = false;
                    names.append(entry);
                });
            }
        });
    });
    if (ts_node_is_null(source))
        return; // `import x = ns.y` aliases a namespace, not a module
    ref.target = stringContent(m_source, source);
    if (!names.isEmpty())
        ref.details.insert(QStringLiteral("names"), names);
    if (typeOnly || (anySpecifier && allTypeOnly))
        ref.details.insert(QStringLiteral("type_only"), true);
    m_builder.addReference(std::move(ref));
}

void Walker::visitExport(TSNode node)
{
    const bool topLevel = isType(parentNode(), "program");
    const TSNode source = fieldOf(node, "source");
    const bool typeOnly = hasToken(node, "type");
    const QString from = ts_node_is_null(source) ? QString() : stringContent(m_source, source);

    if (!ts_node_is_null(source)) {
        Reference ref;
        ref.kind = Reference::Kind::Import;
        ref.sourceId = m_builder.moduleId();
        ref.target = from;
        ref.line = lineOf(node);
        ref.column = columnOf(node);
        ref.details.insert(QStringLiteral("reexport"), true);
        if (typeOnly)
            ref.details.insert(QStringLiteral("type_only"), true);
        QJsonArray names;
        eachNamedChild(node, [&](TSNode child) {
            if (isType(child, "namespace_export")) {
                const TSNode alias = firstNamedChild(child);
                const QString ns = memberName(m_source, alias);
                ref.details.insert(QStringLiteral("namespace"), ns);
                if (topLevel)
                    addExport(QJsonObject {{QStringLiteral("name"), ns}, {QStringLiteral("from"), from}});
            } else if (isType(child, "export_clause")) {
                eachNamedChild(child, [&](TSNode specifier) {
                    if (!isType(specifier, "export_specifier"))
                        return;
                    const QString name = memberName(m_source, fieldOf(specifier, "name"));
                    const TSNode aliasNode = fieldOf(specifier, "alias");
                    const QString alias = ts_node_is_null(aliasNode) ? QString() : memberName(m_source, aliasNode);
                    const bool specifierTypeOnly = typeOnly || hasToken(specifier, "type");
                    QJsonObject entry {{QStringLiteral("name"), name}};
                    if (!alias.isEmpty())
                        entry.insert(QStringLiteral("alias"), alias);
                    if (hasToken(specifier, "type"))
                        entry.insert(QStringLiteral("type_only"), true);
                    names.append(entry);
                    if (topLevel) {
                        QJsonObject exported {{QStringLiteral("name"), alias.isEmpty() ? name : alias}};
                        if (!alias.isEmpty())
                            exported.insert(QStringLiteral("local"), name);
                        exported.insert(QStringLiteral("from"), from);
                        if (specifierTypeOnly)
                            exported.insert(QStringLiteral("type_only"), true);
                        addExport(exported);
                    }
                });
            }
        });
        if (!names.isEmpty())
            ref.details.insert(QStringLiteral("names"), names);
        else if (!ref.details.contains(QStringLiteral("namespace")))
            ref.details.insert(QStringLiteral("star"), true);
        m_builder.addReference(std::move(ref));
        return;
    }
    if (!topLevel)
        return;

    const bool isDefault = hasToken(node, "default");
    const TSNode declaration = fieldOf(node, "declaration");
    const TSNode value = fieldOf(node, "value");
    const TSNode clause = childOfType(node, "export_clause");
    if (!ts_node_is_null(clause)) {
        eachNamedChild(clause, [&](TSNode specifier) {
            if (!isType(specifier, "export_specifier"))
                return;
            const QString name = memberName(m_source, fieldOf(specifier, "name"));
            const TSNode aliasNode = fieldOf(specifier, "alias");
            const QString alias = ts_node_is_null(aliasNode) ? QString() : memberName(m_source, aliasNode);
            QJsonObject entry {{QStringLiteral("name"), alias.isEmpty() ? name : alias}};
            if (!alias.isEmpty())
                entry.insert(QStringLiteral("local"), name);
            if (alias == u"default")
                entry.insert(QStringLiteral("default"), true);
            if (typeOnly || hasToken(specifier, "type"))
                entry.insert(QStringLiteral("type_only"), true);
            addExport(entry);
        });
        return;
    }
    if (!ts_node_is_null(declaration)) {
        TSNode decl = declaration;
        while (isType(decl, "ambient_declaration")) {
            TSNode inner {};
            eachNamedChild(decl, [&](TSNode child) {
                if (ts_node_is_null(inner) && !isType(child, "comment"))
                    inner = child;
            });
            decl = inner;
        }
        if (ts_node_is_null(decl))
            return;
        QStringList names;
        if (isAnyOf(decl, {"lexical_declaration", "variable_declaration"})) {
            eachNamedChild(decl, [&](TSNode declarator) {
                const TSNode name = fieldOf(declarator, "name");
                if (isType(name, "identifier"))
                    names.append(nodeText(m_source, name));
            });
        } else if (isType(decl, "import_alias")) {
            const TSNode name = childOfType(decl, "identifier");
            if (!ts_node_is_null(name))
                names.append(nodeText(m_source, name));
        } else {
            const TSNode name = fieldOf(decl, "name");
            if (isType(name, "nested_identifier"))
                names.append(nodeText(m_source, name).section(u'.', 0, 0).trimmed());
            else if (!ts_node_is_null(name))
                names.append(memberName(m_source, name));
        }
        const bool typeDeclaration = isAnyOf(decl, {"interface_declaration", "type_alias_declaration"});
        for (const QString& name : std::as_const(names)) {
            QJsonObject entry;
            if (isDefault) {
                entry.insert(QStringLiteral("name"), QStringLiteral("default"));
                entry.insert(QStringLiteral("local"), name);
                entry.insert(QStringLiteral("default"), true);
            } else {
                entry.insert(QStringLiteral("name"), name);
            }
            if (typeDeclaration)
                entry.insert(QStringLiteral("type_only"), true);
            addExport(entry);
        }
        return;
    }
    // `export default <expression>` and TypeScript's `export = <expression>`.
    TSNode expression = value;
    if (ts_node_is_null(expression) && hasToken(node, "=")) {
        eachNamedChild(node, [&](TSNode child) {
            if (ts_node_is_null(expression) && !isAnyOf(child, {"comment", "decorator"}))
                expression = child;
        });
    }
    if (!isDefault && ts_node_is_null(expression))
        return; // `export as namespace X`
    QJsonObject entry {{QStringLiteral("name"), QStringLiteral("default")}};
    if (isType(expression, "identifier")) {
        entry.insert(QStringLiteral("local"), nodeText(m_source, expression));
    } else if (isAnyOf(expression, {"function_expression", "class", "generator_function"})) {
        const TSNode name = fieldOf(expression, "name");
        if (!ts_node_is_null(name))
            entry.insert(QStringLiteral("local"), nodeText(m_source, name));
    }
    entry.insert(QStringLiteral("default"), true);
    addExport(entry);
}

void Walker::visitCommonJsExport(TSNode assignment)
{
    if (scope().owner != Scope::Kind::Module)
        return;
    const TSNode left = fieldOf(assignment, "left");
    const TSNode right = fieldOf(assignment, "right");
    if (!isType(left, "member_expression") || !isDottedName(left))
        return;
    const QString target = nodeLine(m_source, left);
    auto localOf = [&](TSNode value) {
        if (isType(value, "identifier"))
            return nodeText(m_source, value);
        if (isAnyOf(value, {"function_expression", "class", "generator_function"})) {
            const TSNode name = fieldOf(value, "name");
            if (!ts_node_is_null(name))
                return nodeText(m_source, name);
        }
        return QString();
    };
    if (target == u"module.exports") {
        if (isType(right, "object")) {
            eachNamedChild(right, [&](TSNode member) {
                if (isType(member, "shorthand_property_identifier")) {
                    addExport(QJsonObject {{QStringLiteral("name"), nodeText(m_source, member)}});
                } else if (isType(member, "pair")) {
                    const QString name = memberName(m_source, fieldOf(member, "key"));
                    const QString local = localOf(fieldOf(member, "value"));
                    QJsonObject entry {{QStringLiteral("name"), name}};
                    if (!local.isEmpty() && local != name)
                        entry.insert(QStringLiteral("local"), local);
                    addExport(entry);
                } else if (isType(member, "method_definition")) {
                    addExport(QJsonObject {{QStringLiteral("name"), memberName(m_source, fieldOf(member, "name"))}});
                }
            });
            return;
        }
        QJsonObject entry {{QStringLiteral("name"), QStringLiteral("default")}};
        const QString local = localOf(right);
        if (!local.isEmpty())
            entry.insert(QStringLiteral("local"), local);
        entry.insert(QStringLiteral("default"), true);
        addExport(entry);
        return;
    }
    const bool viaExports = target.startsWith(u"exports.") && target.count(u'.') == 1;
    const bool viaModule = target.startsWith(u"module.exports.") && target.count(u'.') == 2;
    if (!viaExports && !viaModule)
        return;
    const QString name = nodeText(m_source, fieldOf(left, "property"));
    QJsonObject entry {{QStringLiteral("name"), name}};
    const QString local = localOf(right);
    if (!local.isEmpty() && local != name)
        entry.insert(QStringLiteral("local"), local);
    addExport(entry);
}

void Walker::visitRequire(TSNode call, TSNode specifier)
{
    Reference ref;
    ref.kind = Reference::Kind::Import;
    ref.sourceId = m_builder.moduleId();
    ref.target = stringContent(m_source, specifier);
    ref.line = lineOf(call);
    ref.column = columnOf(call);
    ref.details.insert(QStringLiteral("require"), true);
    const qsizetype index = current();
    TSNode parent = nodeAt(index - 1);
    QString member;
    if (isType(parent, "member_expression") && sameNode(fieldOf(parent, "object"), call)
        && isType(fieldOf(parent, "property"), "property_identifier")) {
        member = nodeText(m_source, fieldOf(parent, "property"));
        if (!isType(nodeAt(index - 2), "variable_declarator"))
            parent = TSNode {};
        else
            parent = nodeAt(index - 2);
    }
    if (isType(parent, "variable_declarator")) {
        const TSNode name = fieldOf(parent, "name");
        if (!member.isEmpty()) {
            QJsonObject entry {{QStringLiteral("name"), member}};
            if (isType(name, "identifier") && nodeText(m_source, name) != member)
                entry.insert(QStringLiteral("alias"), nodeText(m_source, name));
            ref.details.insert(QStringLiteral("names"), QJsonArray {entry});
        } else if (isType(name, "identifier")) {
            ref.details.insert(QStringLiteral("alias"), nodeText(m_source, name));
        } else if (isType(name, "object_pattern")) {
            QJsonArray names;
            eachNamedChild(name, [&](TSNode part) {
                if (isType(part, "shorthand_property_identifier_pattern")) {
                    names.append(QJsonObject {{QStringLiteral("name"), nodeText(m_source, part)}});
                } else if (isType(part, "object_assignment_pattern")) {
                    names.append(QJsonObject {{QStringLiteral("name"), nodeText(m_source, fieldOf(part, "left"))}});
                } else if (isType(part, "pair_pattern")) {
                    QJsonObject entry {{QStringLiteral("name"), memberName(m_source, fieldOf(part, "key"))}};
                    const TSNode value = fieldOf(part, "value");
                    if (isType(value, "identifier"))
                        entry.insert(QStringLiteral("alias"), nodeText(m_source, value));
                    names.append(entry);
                }
            });
            if (!names.isEmpty())
                ref.details.insert(QStringLiteral("names"), names);
        }
    }
    m_builder.addReference(std::move(ref));
}

void Walker::visitCall(TSNode node)
{
    const TSNode function = fieldOf(node, "function");
    const TSNode args = fieldOf(node, "arguments");
    const TSNode firstArg = isType(args, "arguments") ? firstNamedChild(args) : TSNode {};
    if (isType(function, "import")) {
        if (isType(firstArg, "string")) {
            Reference ref;
            ref.kind = Reference::Kind::Import;
            ref.sourceId = m_builder.moduleId();
            ref.target = stringContent(m_source, firstArg);
            ref.line = lineOf(node);
            ref.column = columnOf(node);
            ref.details.insert(QStringLiteral("dynamic"), true);
            m_builder.addReference(std::move(ref));
        }
        return;
    }
    if (isType(function, "identifier") && nodeText(m_source, function) == u"require") {
        // A computed require() names no module and calls nothing the graph knows.
        if (isType(firstArg, "string") && namedChildCount(args) == 1)
            visitRequire(node, firstArg);
        return;
    }
    recordCall(node);
}

/// A call's target and receiver: f(), a.b.c(), this.m(), super.m(), super().
void Walker::recordCall(TSNode node)
{
    const TSNode function = fieldOf(node, "function");
    if (isType(function, "identifier")) {
        addCall(function, nodeText(m_source, function), TSNode {});
    } else if (isType(function, "super")) {
        addCall(function, QStringLiteral("constructor"), function);
    } else if (isType(function, "member_expression")) {
        const TSNode property = fieldOf(function, "property");
        if (isAnyOf(property, {"property_identifier", "private_property_identifier"}))
            addCall(property, nodeText(m_source, property), fieldOf(function, "object"));
    }
}

void Walker::visitNew(TSNode node)
{
    const TSNode ctor = fieldOf(node, "constructor");
    const QJsonObject details {{QStringLiteral("new"), true}};
    if (isType(ctor, "identifier")) {
        addCall(ctor, nodeText(m_source, ctor), TSNode {}, details);
    } else if (isType(ctor, "member_expression")) {
        const TSNode property = fieldOf(ctor, "property");
        if (isType(property, "property_identifier"))
            addCall(property, nodeText(m_source, property), fieldOf(ctor, "object"), details);
    }
}

/// `<Button …>` renders a component: recorded as a call so React trees show up as call graphs.
/// Lower-case names are intrinsic elements (div, span) and are skipped.
void Walker::visitJsxElement(TSNode node)
{
    if (m_dialect == EcmaScriptExtractor::Dialect::TypeScript)
        return; // .ts files have no JSX; `<T>x` is a type assertion there
    const TSNode name = fieldOf(node, "name");
    const QJsonObject details {{QStringLiteral("jsx"), true}};
    if (isType(name, "identifier")) {
        const QString text = nodeText(m_source, name);
        if (!text.isEmpty() && text.front().isUpper())
            addCall(name, text, TSNode {}, details);
    } else if (isAnyOf(name, {"member_expression", "nested_identifier"})) {
        const TSNode property = fieldOf(name, "property");
        if (!ts_node_is_null(property))
            addCall(property, nodeText(m_source, property), fieldOf(name, "object"), details);
    }
}

void Walker::addCall(TSNode at, const QString& target, TSNode object, QJsonObject details)
{
    Reference ref;
    ref.kind = Reference::Kind::Call;
    ref.sourceId = scope().id;
    ref.target = target;
    ref.line = lineOf(at);
    ref.column = columnOf(at);
    if (!ts_node_is_null(object)) {
        ref.receiver = receiverText(object);
        ref.receiverType = receiverType(object);
    }
    ref.details = std::move(details);
    m_builder.addReference(std::move(ref));
}

QString Walker::receiverText(TSNode object) const
{
    QString text = nodeLine(m_source, object);
    text.replace(QStringLiteral("?."), QStringLiteral("."));
    constexpr qsizetype kMaxReceiver = 80;
    if (text.size() > kMaxReceiver)
        text = text.first(kMaxReceiver - 3) + QStringLiteral("...");
    return text;
}

QString Walker::receiverType(TSNode object) const
{
    if (isType(object, "non_null_expression"))
        object = firstNamedChild(object);
    if (isType(object, "identifier")) {
        const QString name = nodeText(m_source, object);
        for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
            if (it->kind == Scope::Kind::Class)
                continue;
            const auto found = it->varTypes.constFind(name);
            if (found != it->varTypes.constEnd())
                return *found;
        }
        return QString();
    }
    if (isType(object, "member_expression") && isType(fieldOf(object, "object"), "this")) {
        const QString name = nodeText(m_source, fieldOf(object, "property"));
        for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
            if (it->kind == Scope::Kind::Class)
                return it->fieldTypes.value(name);
        }
        return QString();
    }
    if (isType(object, "new_expression"))
        return constructorName(m_source, object);
    if (isType(object, "parenthesized_expression"))
        return receiverType(firstNamedChild(object));
    return QString();
}

bool Walker::isTypeParameter(const QString& name) const
{
    for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
        if (it->typeParams.contains(name))
            return true;
    }
    return false;
}

void Walker::visitTypeReference(TSNode node)
{
    const qsizetype index = current();
    const TSNode parent = nodeAt(index - 1);
    // Heritage targets are Inherit references; declared names are no references at all.
    if (isAnyOf(parent, {"implements_clause", "extends_type_clause"}))
        return;
    if (isAnyOf(parent,
            {"class_declaration", "abstract_class_declaration", "class", "interface_declaration",
                "type_alias_declaration", "type_parameter", "mapped_type_clause"})
        && sameNode(fieldOf(parent, "name"), node))
        return;
    if (isType(parent, "infer_type") && sameNode(firstNamedChild(parent), node))
        return;
    if (isType(parent, "generic_type") && sameNode(fieldOf(parent, "name"), node)
        && isAnyOf(nodeAt(index - 2), {"implements_clause", "extends_type_clause"}))
        return;
    const QString target = nodeLine(m_source, node);
    if (target.isEmpty() || isTypeParameter(target))
        return;
    const QString& sourceId = scope().id;
    const QString key = sourceId + u'\n' + target;
    if (m_usesSeen.contains(key))
        return;
    m_usesSeen.insert(key);
    Reference ref;
    ref.kind = Reference::Kind::Use;
    ref.sourceId = sourceId;
    ref.target = target;
    ref.line = lineOf(node);
    ref.column = columnOf(node);
    m_builder.addReference(std::move(ref));
}

void Walker::visitVariable(TSNode declarator)
{
    const TSNode name = fieldOf(declarator, "name");
    if (!isType(name, "identifier"))
        return;
    Scope& target = scope();
    if (target.kind == Scope::Kind::Class)
        return;
    QString type = typeNameOf(m_source, fieldOf(declarator, "type"));
    const TSNode value = fieldOf(declarator, "value");
    if (type.isEmpty() && isType(value, "new_expression"))
        type = constructorName(m_source, value);
    target.varTypes.insert(nodeText(m_source, name), type);
}

void Walker::addExport(QJsonObject entry)
{
    // Overload signatures export one name several times.
    if (!m_exports.contains(entry))
        m_exports.append(entry);
}

void Walker::finishModule(TSNode root)
{
    Node& module = m_builder.module();
    // Module docstring: the first leading /** … */ that says it documents the file.
    TSTreeCursor cursor = ts_tree_cursor_new(root);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            const TSNode child = ts_tree_cursor_current_node(&cursor);
            if (isType(child, "hash_bang_line"))
                continue;
            if (!isType(child, "comment"))
                break;
            const QString comment = nodeText(m_source, child);
            if (isFileComment(comment)) {
                module.docstring = jsDocText(comment, true);
                break;
            }
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);

    if (m_exports.isEmpty())
        return;
    QJsonObject properties = module.properties;
    properties.insert(QStringLiteral("exports"), m_exports);
    module.properties = properties;

    // `function f() {}; export {f}` and `module.exports = f` export declarations made elsewhere.
    for (const QJsonValue& value : std::as_const(m_exports)) {
        const QJsonObject entry = value.toObject();
        if (entry.contains(QStringLiteral("from")))
            continue;
        const QString local
            = entry.value(QStringLiteral("local")).toString(entry.value(QStringLiteral("name")).toString());
        const bool isDefault = entry.value(QStringLiteral("default")).toBool();
        for (const QString& id : m_topLevelIds.value(local)) {
            Node* node = m_builder.find(id);
            if (!node)
                continue;
            QJsonObject nodeProperties = node->properties;
            nodeProperties.insert(QStringLiteral("is_exported"), true);
            if (isDefault)
                nodeProperties.insert(QStringLiteral("is_default_export"), true);
            node->properties = nodeProperties;
        }
    }
}

} // namespace

void EcmaScriptExtractor::extract(TSNode root, const SourceText& source, FileIndex& out) const
{
    Walker walker(source, out, m_dialect);
    walker.run(root);
}

} // namespace mu::parse
