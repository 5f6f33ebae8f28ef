#include "parse/go/goextractor.h"

#include "model/nodeid.h"
#include "parse/complexity.h"
#include "parse/symbolmap.h"
#include "parse/syntaxtext.h"
#include "parse/treewalk.h"

#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <vector>

namespace mu::parse {

namespace {

/// The grammar symbols the extractor looks at. Dispatching on a per-file symbol table instead of
/// comparing ts_node_type() strings keeps the walk cheap on large files.
enum class Sym : quint8 {
    Other,
    SourceFile,
    PackageClause,
    PackageIdentifier,
    ImportDeclaration,
    ImportSpec,
    InterpretedStringLiteral,
    RawStringLiteral,
    TypeDeclaration,
    TypeSpec,
    TypeAlias,
    TypeIdentifier,
    QualifiedType,
    GenericType,
    TypeArguments,
    PointerType,
    StructType,
    InterfaceType,
    FieldDeclaration,
    FieldIdentifier,
    MethodElem,
    TypeElem,
    FunctionDeclaration,
    MethodDeclaration,
    FuncLiteral,
    ParameterList,
    ParameterDeclaration,
    VariadicParameterDeclaration,
    TypeParameterList,
    TypeParameterDeclaration,
    Identifier,
    CallExpression,
    SelectorExpression,
    ParenthesizedExpression,
    IndexExpression,
    TypeInstantiationExpression,
    CompositeLiteral,
    UnaryExpression,
    ShortVarDeclaration,
    VarSpec,
    ConstSpec,
    RangeClause,
    TypeSwitchStatement,
    Comment,
    IfStatement,
    ForStatement,
    ExpressionCase,
    TypeCase,
    CommunicationCase,
    BinaryExpression,
};

using SymName = SymbolName<Sym>;

constexpr SymName kSymbols[] = {
    {"source_file", Sym::SourceFile},
    {"package_clause", Sym::PackageClause},
    {"package_identifier", Sym::PackageIdentifier},
    {"import_declaration", Sym::ImportDeclaration},
    {"import_spec", Sym::ImportSpec},
    {"interpreted_string_literal", Sym::InterpretedStringLiteral},
    {"raw_string_literal", Sym::RawStringLiteral},
    {"type_declaration", Sym::TypeDeclaration},
    {"type_spec", Sym::TypeSpec},
    {"type_alias", Sym::TypeAlias},
    {"type_identifier", Sym::TypeIdentifier},
    {"qualified_type", Sym::QualifiedType},
    {"generic_type", Sym::GenericType},
    {"type_arguments", Sym::TypeArguments},
    {"pointer_type", Sym::PointerType},
    {"struct_type", Sym::StructType},
    {"interface_type", Sym::InterfaceType},
    {"field_declaration", Sym::FieldDeclaration},
    {"field_identifier", Sym::FieldIdentifier},
    {"method_elem", Sym::MethodElem},
    {"type_elem", Sym::TypeElem},
    {"function_declaration", Sym::FunctionDeclaration},
    {"method_declaration", Sym::MethodDeclaration},
    {"func_literal", Sym::FuncLiteral},
    {"parameter_list", Sym::ParameterList},
    {"parameter_declaration", Sym::ParameterDeclaration},
    {"variadic_parameter_declaration", Sym::VariadicParameterDeclaration},
    {"type_parameter_list", Sym::TypeParameterList},
    {"type_parameter_declaration", Sym::TypeParameterDeclaration},
    {"identifier", Sym::Identifier},
    {"call_expression", Sym::CallExpression},
    {"selector_expression", Sym::SelectorExpression},
    {"parenthesized_expression", Sym::ParenthesizedExpression},
    {"index_expression", Sym::IndexExpression},
    {"type_instantiation_expression", Sym::TypeInstantiationExpression},
    {"composite_literal", Sym::CompositeLiteral},
    {"unary_expression", Sym::UnaryExpression},
    {"short_var_declaration", Sym::ShortVarDeclaration},
    {"var_spec", Sym::VarSpec},
    {"const_spec", Sym::ConstSpec},
    {"range_clause", Sym::RangeClause},
    {"type_switch_statement", Sym::TypeSwitchStatement},
    {"comment", Sym::Comment},
    {"if_statement", Sym::IfStatement},
    {"for_statement", Sym::ForStatement},
    {"expression_case", Sym::ExpressionCase},
    {"type_case", Sym::TypeCase},
    {"communication_case", Sym::CommunicationCase},
    {"binary_expression", Sym::BinaryExpression},
};

using SymbolTable = SymbolMap<Sym>;

// Error recovery leaves fields empty and tree-sitter dereferences a null node in most calls, so
// these accept one.
TSNode fieldOf(TSNode node, const char* name)
{
    return ts_node_is_null(node) ? TSNode {} : field(node, name);
}

template<typename Visit> void eachNamedChild(TSNode node, Visit&& visit)
{
    if (!ts_node_is_null(node))
        forEachNamedChild(node, std::forward<Visit>(visit));
}

/// walkTree, except that the root is visited as the node given: a cursor started on an aliased
/// node (`type_identifier` is an aliased `identifier`) reports it un-aliased (tree-sitter 0.20.7).
template<typename Enter> void walkFrom(TSNode root, Enter&& enter)
{
    walkTree(root, [&](TSNode node) { return enter(ts_node_eq(node, root) ? root : node); });
}

// Receivers longer than this are opaque to the resolver anyway; capping them keeps long method
// chains (builders, generated code) linear instead of quadratic.
constexpr qsizetype kMaxReceiverChars = 200;

/// Go's predeclared types: conversions to them are not calls and references to them are not Uses.
bool isPredeclaredType(QStringView name)
{
    static const QSet<QString> kTypes = {QStringLiteral("any"), QStringLiteral("bool"), QStringLiteral("byte"),
        QStringLiteral("comparable"), QStringLiteral("complex64"), QStringLiteral("complex128"),
        QStringLiteral("error"), QStringLiteral("float32"), QStringLiteral("float64"), QStringLiteral("int"),
        QStringLiteral("int8"), QStringLiteral("int16"), QStringLiteral("int32"), QStringLiteral("int64"),
        QStringLiteral("rune"), QStringLiteral("string"), QStringLiteral("uint"), QStringLiteral("uint8"),
        QStringLiteral("uint16"), QStringLiteral("uint32"), QStringLiteral("uint64"), QStringLiteral("uintptr")};
    return kTypes.contains(name.toString());
}

bool isExported(QStringView name)
{
    return !name.isEmpty() && name.front().isUpper();
}

QString visibilityOf(QStringView name)
{
    return isExported(name) ? QStringLiteral("public") : QStringLiteral("package");
}

QJsonArray toJsonArray(const QStringList& list)
{
    QJsonArray array;
    for (const QString& item : list)
        array.append(item);
    return array;
}

/// The text of a doc comment group the way go/doc reads it: markers stripped, directives
/// (`//go:generate`, `//line …`, `//export …`) dropped.
QString commentText(const QStringList& comments)
{
    static const QRegularExpression directive(QStringLiteral(R"(^//(line |extern |export |[a-z0-9]+:[a-z0-9]))"));
    QStringList lines;
    for (const QString& comment : comments) {
        if (comment.startsWith(u"//")) {
            if (directive.match(comment).hasMatch())
                continue;
            QStringView line = QStringView(comment).sliced(2);
            if (line.startsWith(u' '))
                line = line.sliced(1);
            lines.append(line.toString());
        } else if (comment.startsWith(u"/*")) {
            lines.append(comment.sliced(2, std::max<qsizetype>(0, comment.size() - 4)));
        }
    }
    return lines.join(u'\n');
}

/// One walk over a file's tree. Holds the per-file state; the extractor itself keeps none.
class GoWalk {
public:
    GoWalk(TSNode root, const SourceText& source, FileIndex& out)
        : m_root(root)
        , m_source(source)
        , m_out(out)
        , m_builder(out)
        , m_sym(SymbolTable::of(ts_tree_language(root.tree), kSymbols))
    {
        m_complexity.decisions = [this](TSNode node) { return decisionsOf(node); };
        // Go has no nested named functions; function literals count toward the enclosing one.
        m_complexity.isNestedScope = [](TSNode) { return false; };
    }

    void run();

private:
    /// A declaration whose inside is being walked: the module, a function or method, or a type
    /// (while its fields and method specs are read).
    struct Scope {
        QString id;
        QString localName;
        TSNode owner {};
        /// Declared types of variables: receiver, parameters, `var x T`, `x := &T{}`.
        QHash<QString, QString> localTypes;
        /// Type parameter names, which are not type references.
        QSet<QString> typeParameters;
    };

    bool enter(TSNode node);
    void leave(TSNode node);
    int decisionsOf(TSNode node) const;

    void onComment(TSNode node);
    void onPackage(TSNode node);
    void onImportSpec(TSNode node);
    void onTypeSpec(TSNode node);
    void onStructFields(TSNode structType, const QString& classId, QStringList& attributes, QStringList& bases);
    void onInterfaceElements(TSNode interfaceType, const QString& classId, const QString& localName,
        const QString& qualifiedPrefix, QStringList& bases);
    void onFunction(TSNode node);
    void onFuncLiteral(TSNode node);
    void onCall(TSNode node);
    void onShortVar(TSNode node);
    void onVarSpec(TSNode node);

    QString docFor(TSNode node) const;
    QString qualified(const QString& localName) const;
    Scope& current() { return m_scopes.back(); }
    /// Declares a variable of unknown type in the current scope (it hides outer ones).
    void forget(const QString& name) { current().localTypes.insert(name, QString()); }
    QString localType(const QString& name) const;
    bool isTypeParameter(const QString& name) const;

    QJsonArray parametersOf(TSNode list, Scope* declareIn) const;
    QStringList typeParametersOf(TSNode list, QSet<QString>* names) const;
    QString namedType(TSNode type) const;
    QString valueType(TSNode value) const;
    QString baseTypeName(TSNode type) const;
    QString receiverText(TSNode operand) const;
    QString signature(TSNode node, TSNode stop) const;
    QString clean(TSNode node) const;
    QString text(TSNode node) const { return ts_node_is_null(node) ? QString() : m_source.text(node); }
    QString capped(TSNode node) const;
    void addUses(const QString& sourceId, TSNode type);
    void addUse(const QString& sourceId, const QString& target, TSNode at);

    Reference reference(Reference::Kind kind, const QString& sourceId, const QString& target, TSNode at) const
    {
        return FileIndexBuilder::referenceAt(kind, sourceId, target, at);
    }

    TSNode m_root;
    const SourceText& m_source;
    FileIndex& m_out;
    FileIndexBuilder m_builder;
    const SymbolTable& m_sym;
    ComplexityRules m_complexity;
    std::vector<Scope> m_scopes;
    QString m_package;
    /// Names of the types declared at the top level of this file: methods on them are contained
    /// by them, wherever in the file the method is.
    QSet<QString> m_fileTypes;
    QSet<QString> m_usesSeen;
    /// The run of whole-line comments directly above the node being entered (Go doc comments).
    QStringList m_docRun;
    int m_docRunEndRow = -2;
};

void GoWalk::run()
{
    eachNamedChild(m_root, [&](TSNode child) {
        if (m_sym(child) != Sym::TypeDeclaration)
            return;
        eachNamedChild(child, [&](TSNode spec) {
            if (m_sym(spec) == Sym::TypeSpec)
                m_fileTypes.insert(text(fieldOf(spec, "name")));
        });
    });

    Scope moduleScope;
    moduleScope.id = m_builder.moduleId();
    moduleScope.owner = m_root;
    m_scopes.push_back(std::move(moduleScope));
    walkTree(
        m_root, [this](TSNode node) { return enter(node); }, [this](TSNode node) { leave(node); });
}

bool GoWalk::enter(TSNode node)
{
    switch (m_sym(node)) {
    case Sym::Comment:
        onComment(node);
        return false;
    case Sym::PackageClause:
        onPackage(node);
        return false;
    case Sym::ImportSpec:
        onImportSpec(node);
        return false;
    case Sym::TypeSpec:
        onTypeSpec(node);
        return false;
    case Sym::TypeAlias:
        addUses(current().id, fieldOf(node, "type"));
        return false;
    case Sym::FunctionDeclaration:
    case Sym::MethodDeclaration:
        onFunction(node);
        break;
    case Sym::FuncLiteral:
        onFuncLiteral(node);
        break;
    case Sym::CallExpression:
        onCall(node);
        break;
    case Sym::CompositeLiteral:
        addUses(current().id, fieldOf(node, "type"));
        break;
    case Sym::ShortVarDeclaration:
        onShortVar(node);
        break;
    case Sym::VarSpec:
    case Sym::ConstSpec:
        onVarSpec(node);
        break;
    case Sym::RangeClause:
        walkFrom(fieldOf(node, "left"), [&](TSNode target) {
            if (m_sym(target) == Sym::Identifier)
                forget(text(target));
            return true;
        });
        break;
    case Sym::TypeSwitchStatement:
        walkFrom(fieldOf(node, "alias"), [&](TSNode target) {
            if (m_sym(target) == Sym::Identifier)
                forget(text(target));
            return true;
        });
        break;
    default:
        break;
    }
    return true;
}

void GoWalk::leave(TSNode node)
{
    if (m_scopes.size() > 1 && ts_node_eq(node, m_scopes.back().owner))
        m_scopes.pop_back();
}

int GoWalk::decisionsOf(TSNode node) const
{
    switch (m_sym(node)) {
    case Sym::IfStatement:
    case Sym::ForStatement:
    case Sym::ExpressionCase:
    case Sym::TypeCase:
    case Sym::CommunicationCase:
        return 1;
    case Sym::BinaryExpression: {
        const TSNode op = fieldOf(node, "operator");
        if (ts_node_is_null(op))
            return 0;
        const char* type = ts_node_type(op);
        return qstrcmp(type, "&&") == 0 || qstrcmp(type, "||") == 0 ? 1 : 0;
    }
    default:
        return 0;
    }
}

void GoWalk::onComment(TSNode node)
{
    // A doc comment is a run of comments, each on lines of its own, ending on the line right
    // above the declaration. A comment after code on its line ends any run.
    const uint32_t start = ts_node_start_byte(node);
    const QByteArray& bytes = m_source.bytes();
    uint32_t at = start;
    while (at > 0 && (bytes.at(at - 1) == ' ' || bytes.at(at - 1) == '\t'))
        --at;
    const bool ownsLine = at == 0 || bytes.at(at - 1) == '\n' || bytes.at(at - 1) == '\r';
    const int startRow = static_cast<int>(ts_node_start_point(node).row);
    if (!ownsLine) {
        m_docRun.clear();
        m_docRunEndRow = -2;
        return;
    }
    if (startRow != m_docRunEndRow + 1)
        m_docRun.clear();
    m_docRun.append(text(node));
    m_docRunEndRow = static_cast<int>(ts_node_end_point(node).row);
}

QString GoWalk::docFor(TSNode node) const
{
    if (m_docRun.isEmpty() || m_docRunEndRow + 1 != static_cast<int>(ts_node_start_point(node).row))
        return {};
    return firstParagraph(commentText(m_docRun));
}

QString GoWalk::qualified(const QString& localName) const
{
    // Without a package clause (a broken file) the builder's module-path name is the best there is.
    return m_package.isEmpty() ? QString() : m_package + u'.' + localName;
}

QString GoWalk::localType(const QString& name) const
{
    // Innermost first: a shadowing declaration of unknown type is recorded as "" and hides the
    // outer one. Only enclosing scopes are on the stack, so other functions' locals are not seen.
    for (auto it = m_scopes.crbegin(); it != m_scopes.crend(); ++it) {
        const auto found = it->localTypes.constFind(name);
        if (found != it->localTypes.constEnd())
            return *found;
    }
    return {};
}

bool GoWalk::isTypeParameter(const QString& name) const
{
    return std::any_of(
        m_scopes.cbegin(), m_scopes.cend(), [&](const Scope& scope) { return scope.typeParameters.contains(name); });
}

void GoWalk::onPackage(TSNode node)
{
    eachNamedChild(node, [&](TSNode child) {
        if (m_sym(child) == Sym::PackageIdentifier)
            m_package = text(child);
    });
    Node& module = m_builder.module();
    if (!m_package.isEmpty())
        module.properties.insert(QStringLiteral("package"), m_package);
    module.docstring = docFor(node);
}

void GoWalk::onImportSpec(TSNode node)
{
    const TSNode path = fieldOf(node, "path");
    QString target = text(path);
    if (target.size() < 2)
        return;
    target = target.sliced(1, target.size() - 2); // "…" or `…`
    Reference ref = reference(Reference::Kind::Import, m_builder.moduleId(), target, node);
    const TSNode name = fieldOf(node, "name");
    if (!ts_node_is_null(name))
        ref.details.insert(QStringLiteral("alias"), text(name));
    m_builder.addReference(std::move(ref));
}

void GoWalk::onTypeSpec(TSNode node)
{
    const TSNode nameNode = fieldOf(node, "name");
    const TSNode type = fieldOf(node, "type");
    const QString name = text(nameNode);
    if (name.isEmpty())
        return;
    const Scope& parent = current();
    const QString parentId = parent.id;
    const QString localName = parent.localName.isEmpty() ? name : parent.localName + u'.' + name;
    // `type T struct{…}` spans its keyword; a spec inside `type ( … )` spans itself.
    const TSNode declaration = ts_node_parent(node);
    const bool single = m_sym(declaration) == Sym::TypeDeclaration && ts_node_child_count(declaration) > 1
        && ts_node_eq(ts_node_child(declaration, 1), node);
    const TSNode extent = single ? declaration : node;

    Scope scope;
    scope.localName = localName;
    scope.owner = node;
    const TSNode typeParameters = fieldOf(node, "type_parameters");
    const QStringList typeParams = typeParametersOf(typeParameters, &scope.typeParameters);

    Node cls;
    cls.type = NodeType::Class;
    cls.name = name;
    cls.qualifiedName = qualified(localName);
    const Sym typeSym = m_sym(type);
    if (typeSym == Sym::StructType) {
        cls.kind = QStringLiteral("struct");
        cls.signature = QStringLiteral("type ") + signature(node, type) + QStringLiteral(" struct");
    } else if (typeSym == Sym::InterfaceType) {
        cls.kind = QStringLiteral("interface");
        cls.signature = QStringLiteral("type ") + signature(node, type) + QStringLiteral(" interface");
    } else {
        cls.kind = QStringLiteral("class");
        cls.signature = QStringLiteral("type ") + clean(node);
    }
    FileIndexBuilder::setLocation(cls, extent);
    cls.docstring = docFor(node);
    cls.properties.insert(QStringLiteral("visibility"), visibilityOf(name));
    if (!typeParams.isEmpty())
        cls.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParams));
    const QString id = m_builder.add(std::move(cls), localName, parentId);
    scope.id = id;
    m_scopes.push_back(std::move(scope));

    addUses(id, typeParameters);
    QStringList attributes;
    QStringList bases;
    if (typeSym == Sym::StructType)
        onStructFields(type, id, attributes, bases);
    else if (typeSym == Sym::InterfaceType)
        onInterfaceElements(type, id, localName, qualified(localName), bases);
    else
        addUses(id, type);
    if (Node* added = m_builder.find(id)) {
        if (typeSym == Sym::StructType)
            added->properties.insert(QStringLiteral("attributes"), toJsonArray(attributes));
        if (!bases.isEmpty())
            added->properties.insert(QStringLiteral("bases"), toJsonArray(bases));
    }
}

void GoWalk::onStructFields(TSNode structType, const QString& classId, QStringList& attributes, QStringList& bases)
{
    eachNamedChild(structType, [&](TSNode list) {
        eachNamedChild(list, [&](TSNode declaration) {
            if (m_sym(declaration) != Sym::FieldDeclaration)
                return;
            const TSNode type = fieldOf(declaration, "type");
            bool named = false;
            TSTreeCursor cursor = ts_tree_cursor_new(declaration);
            if (ts_tree_cursor_goto_first_child(&cursor)) {
                do {
                    const char* fieldName = ts_tree_cursor_current_field_name(&cursor);
                    if (fieldName && qstrcmp(fieldName, "name") == 0) {
                        named = true;
                        attributes.append(text(ts_tree_cursor_current_node(&cursor)));
                    }
                } while (ts_tree_cursor_goto_next_sibling(&cursor));
            }
            ts_tree_cursor_delete(&cursor);
            if (named) {
                addUses(classId, type);
                return;
            }
            // An embedded field: named after its type, and its methods are promoted.
            const QString base = baseTypeName(type);
            if (base.isEmpty())
                return;
            const qsizetype dot = base.lastIndexOf(u'.');
            attributes.append(dot < 0 ? base : base.sliced(dot + 1));
            const uint32_t start = ts_node_start_byte(declaration);
            bases.append(m_source.slice(start, ts_node_end_byte(type)).simplified());
            m_builder.addReference(reference(Reference::Kind::Inherit, classId, base, type));
            if (m_sym(type) == Sym::GenericType)
                addUses(classId, fieldOf(type, "type_arguments"));
        });
    });
}

void GoWalk::onInterfaceElements(TSNode interfaceType, const QString& classId, const QString& localName,
    const QString& qualifiedPrefix, QStringList& bases)
{
    eachNamedChild(interfaceType, [&](TSNode element) {
        const Sym sym = m_sym(element);
        if (sym == Sym::Comment) {
            onComment(element); // method specs have doc comments too
            return;
        }
        if (sym == Sym::TypeElem) {
            // A lone named type is an embedded interface; unions and `~T` terms are type sets.
            std::vector<TSNode> terms;
            eachNamedChild(element, [&](TSNode term) {
                if (m_sym(term) != Sym::Comment)
                    terms.push_back(term);
            });
            const Sym termSym = terms.size() == 1 ? m_sym(terms.front()) : Sym::Other;
            const QString base
                = termSym == Sym::TypeIdentifier || termSym == Sym::QualifiedType || termSym == Sym::GenericType
                ? baseTypeName(terms.front())
                : QString();
            if (base.isEmpty() || isPredeclaredType(base)) {
                addUses(classId, element);
                return;
            }
            bases.append(clean(terms.front()));
            m_builder.addReference(reference(Reference::Kind::Inherit, classId, base, terms.front()));
            if (termSym == Sym::GenericType)
                addUses(classId, fieldOf(terms.front(), "type_arguments"));
            return;
        }
        if (sym != Sym::MethodElem)
            return;
        const QString name = text(fieldOf(element, "name"));
        if (name.isEmpty())
            return;
        const TSNode parameters = fieldOf(element, "parameters");
        const TSNode result = fieldOf(element, "result");
        Node fn;
        fn.type = NodeType::Function;
        fn.kind = QStringLiteral("method");
        fn.name = name;
        fn.qualifiedName = qualifiedPrefix.isEmpty() ? QString() : qualifiedPrefix + u'.' + name;
        FileIndexBuilder::setLocation(fn, element);
        fn.signature = clean(element);
        fn.docstring = docFor(element);
        fn.complexity = 1;
        fn.properties.insert(QStringLiteral("parameters"), parametersOf(parameters, nullptr));
        if (!ts_node_is_null(result))
            fn.properties.insert(QStringLiteral("return_type"), clean(result));
        fn.properties.insert(QStringLiteral("declaration"), true);
        fn.properties.insert(QStringLiteral("visibility"), visibilityOf(name));
        const QString id = m_builder.add(std::move(fn), localName + u'.' + name, classId);
        addUses(id, parameters);
        addUses(id, result);
    });
}

void GoWalk::onFunction(TSNode node)
{
    const bool isMethod = m_sym(node) == Sym::MethodDeclaration;
    const QString name = text(fieldOf(node, "name"));
    const TSNode receiverList = isMethod ? fieldOf(node, "receiver") : TSNode {};
    const TSNode typeParameters = fieldOf(node, "type_parameters");
    const TSNode parameters = fieldOf(node, "parameters");
    const TSNode result = fieldOf(node, "result");
    const TSNode body = fieldOf(node, "body");

    Scope scope;
    scope.owner = node;
    const QStringList typeParams = typeParametersOf(typeParameters, &scope.typeParameters);

    // The receiver `(s *Server[T])`: its variable, its base type, and the type parameters it names.
    QString receiverName;
    QString receiverType;
    QString receiverText;
    TSNode receiverTypeNode {};
    eachNamedChild(receiverList, [&](TSNode declaration) {
        if (m_sym(declaration) != Sym::ParameterDeclaration || !ts_node_is_null(receiverTypeNode))
            return;
        receiverTypeNode = fieldOf(declaration, "type");
        receiverName = text(fieldOf(declaration, "name"));
    });
    if (!ts_node_is_null(receiverTypeNode)) {
        receiverType = baseTypeName(receiverTypeNode);
        receiverText = clean(receiverTypeNode);
        walkFrom(receiverTypeNode, [&](TSNode part) {
            if (m_sym(part) == Sym::TypeArguments) {
                walkFrom(part, [&](TSNode argument) {
                    if (m_sym(argument) == Sym::TypeIdentifier)
                        scope.typeParameters.insert(text(argument));
                    return true;
                });
                return false;
            }
            return true;
        });
        if (!receiverName.isEmpty() && receiverName != u"_" && !receiverType.isEmpty())
            scope.localTypes.insert(receiverName, receiverType);
    }
    if (name.isEmpty() || (isMethod && receiverType.isEmpty())) {
        // Error recovery without a name or receiver type: the body's calls belong to the scope
        // around it.
        scope.id = current().id;
        scope.localName = current().localName;
        m_scopes.push_back(std::move(scope));
        return;
    }

    QString parentId = m_builder.moduleId();
    QString localName = name;
    bool memberElsewhere = false;
    if (isMethod) {
        localName = receiverType + u'.' + name;
        if (m_fileTypes.contains(receiverType))
            parentId = nodeid::withOverload(nodeid::cls(m_out.path, receiverType), 1);
        else
            memberElsewhere = true;
    }

    Node fn;
    fn.type = NodeType::Function;
    fn.kind = isMethod ? QStringLiteral("method") : QStringLiteral("function");
    fn.name = name;
    fn.qualifiedName = qualified(localName);
    FileIndexBuilder::setLocation(fn, node);
    fn.signature = signature(node, body);
    fn.docstring = docFor(node);
    fn.complexity = ts_node_is_null(body) ? 1 : mccabeComplexity(body, m_complexity);
    fn.properties.insert(QStringLiteral("parameters"), parametersOf(parameters, &scope));
    if (!ts_node_is_null(result))
        fn.properties.insert(QStringLiteral("return_type"), clean(result));
    if (!typeParams.isEmpty())
        fn.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParams));
    if (isMethod)
        fn.properties.insert(QStringLiteral("receiver"), receiverText);
    if (ts_node_is_null(body))
        fn.properties.insert(QStringLiteral("declaration"), true); // implemented in assembly
    fn.properties.insert(QStringLiteral("visibility"), visibilityOf(name));
    const QString id = m_builder.add(std::move(fn), localName, parentId);
    scope.id = id;
    scope.localName = localName;
    m_scopes.push_back(std::move(scope));

    if (memberElsewhere)
        m_builder.addReference(reference(Reference::Kind::MemberOf, id, receiverType, receiverTypeNode));
    addUses(id, typeParameters);
    addUses(id, parameters);
    addUses(id, result);
}

void GoWalk::onFuncLiteral(TSNode node)
{
    // Not a node: its parameters are locals and its types uses of the enclosing function.
    Scope scope;
    scope.id = current().id;
    scope.localName = current().localName;
    scope.owner = node;
    const TSNode parameters = fieldOf(node, "parameters");
    parametersOf(parameters, &scope);
    m_scopes.push_back(std::move(scope));
    addUses(current().id, parameters);
    addUses(current().id, fieldOf(node, "result"));
}

void GoWalk::onCall(TSNode node)
{
    TSNode function = fieldOf(node, "function");
    // `(f)(x)`, `F[int](x)`: the callee is inside.
    for (;;) {
        const Sym sym = m_sym(function);
        if (sym == Sym::ParenthesizedExpression && ts_node_named_child_count(function) == 1)
            function = ts_node_named_child(function, 0);
        else if (sym == Sym::IndexExpression)
            function = fieldOf(function, "operand");
        else if (sym == Sym::TypeInstantiationExpression)
            function = fieldOf(function, "type");
        else
            break;
    }
    QString target;
    QString receiver;
    TSNode nameNode {};
    const Sym sym = m_sym(function);
    if (sym == Sym::Identifier || sym == Sym::TypeIdentifier) {
        nameNode = function;
        target = text(function);
    } else if (sym == Sym::SelectorExpression) {
        nameNode = fieldOf(function, "field");
        target = text(nameNode);
        receiver = receiverText(fieldOf(function, "operand"));
    }
    if (target.isEmpty())
        return;
    if (receiver.isEmpty() && isPredeclaredType(target) && localType(target).isEmpty())
        return; // `int64(x)` converts; it calls nothing

    Scope& scope = current();
    addUses(scope.id, fieldOf(node, "type_arguments"));
    if (receiver.isEmpty() && (target == u"new" || target == u"make")) {
        // `new(T)`, `make([]T, n)`: the first argument is a type.
        const TSNode arguments = fieldOf(node, "arguments");
        const TSNode first = ts_node_is_null(arguments) || ts_node_named_child_count(arguments) == 0
            ? TSNode {}
            : ts_node_named_child(arguments, 0);
        if (m_sym(first) == Sym::Identifier) {
            const QString type = text(first);
            if (!isPredeclaredType(type) && !isTypeParameter(type))
                addUse(scope.id, type, first);
        } else {
            addUses(scope.id, first);
        }
    }
    Reference ref = reference(Reference::Kind::Call, scope.id, target, nameNode);
    ref.receiver = receiver;
    if (!receiver.isEmpty() && !receiver.contains(u'.') && !receiver.contains(u'('))
        ref.receiverType = localType(receiver);
    m_builder.addReference(std::move(ref));
}

void GoWalk::onShortVar(TSNode node)
{
    std::vector<TSNode> names;
    std::vector<TSNode> values;
    eachNamedChild(fieldOf(node, "left"), [&](TSNode child) { names.push_back(child); });
    eachNamedChild(fieldOf(node, "right"), [&](TSNode child) { values.push_back(child); });
    Scope& scope = current();
    for (size_t i = 0; i < names.size(); ++i) {
        if (m_sym(names[i]) != Sym::Identifier)
            continue;
        const QString type = names.size() == values.size() ? valueType(values[i]) : QString();
        scope.localTypes.insert(text(names[i]), type);
    }
}

void GoWalk::onVarSpec(TSNode node)
{
    const TSNode type = fieldOf(node, "type");
    Scope& scope = current();
    addUses(scope.id, type);
    std::vector<TSNode> names;
    std::vector<TSNode> values;
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            const char* fieldName = ts_tree_cursor_current_field_name(&cursor);
            if (fieldName && qstrcmp(fieldName, "name") == 0
                && m_sym(ts_tree_cursor_current_node(&cursor)) == Sym::Identifier)
                names.push_back(ts_tree_cursor_current_node(&cursor));
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    eachNamedChild(fieldOf(node, "value"), [&](TSNode child) { values.push_back(child); });
    const QString declared = namedType(type);
    for (size_t i = 0; i < names.size(); ++i) {
        QString known = declared;
        if (ts_node_is_null(type) && names.size() == values.size())
            known = valueType(values[i]);
        scope.localTypes.insert(text(names[i]), known);
    }
}

QJsonArray GoWalk::parametersOf(TSNode list, Scope* declareIn) const
{
    QJsonArray result;
    eachNamedChild(list, [&](TSNode declaration) {
        const Sym sym = m_sym(declaration);
        if (sym != Sym::ParameterDeclaration && sym != Sym::VariadicParameterDeclaration)
            return;
        const TSNode type = fieldOf(declaration, "type");
        const QString typeText = clean(type);
        const bool variadic = sym == Sym::VariadicParameterDeclaration;
        const QString known = variadic ? QString() : namedType(type);
        QStringList names;
        TSTreeCursor cursor = ts_tree_cursor_new(declaration);
        if (ts_tree_cursor_goto_first_child(&cursor)) {
            do {
                const char* fieldName = ts_tree_cursor_current_field_name(&cursor);
                if (fieldName && qstrcmp(fieldName, "name") == 0)
                    names.append(text(ts_tree_cursor_current_node(&cursor)));
            } while (ts_tree_cursor_goto_next_sibling(&cursor));
        }
        ts_tree_cursor_delete(&cursor);
        if (names.isEmpty())
            names.append(QString()); // `func(int, string)`: types only
        for (const QString& name : std::as_const(names)) {
            QJsonObject parameter {{QStringLiteral("name"), name}, {QStringLiteral("type"), typeText}};
            if (variadic)
                parameter.insert(QStringLiteral("variadic"), true);
            result.append(parameter);
            if (declareIn && !name.isEmpty())
                declareIn->localTypes.insert(name, known);
        }
    });
    return result;
}

QStringList GoWalk::typeParametersOf(TSNode list, QSet<QString>* names) const
{
    QStringList result;
    eachNamedChild(list, [&](TSNode declaration) {
        if (m_sym(declaration) != Sym::TypeParameterDeclaration)
            return;
        const QString constraint = clean(fieldOf(declaration, "type"));
        eachNamedChild(declaration, [&](TSNode child) {
            if (m_sym(child) != Sym::Identifier)
                return;
            const QString name = text(child);
            names->insert(name);
            result.append(constraint.isEmpty() ? name : name + u' ' + constraint);
        });
    });
    return result;
}

QString GoWalk::namedType(TSNode type) const
{
    // The type a variable of this declared type has, when it names one: `T`, `*T`, `pkg.T`, `T[U]`.
    TSNode at = type;
    while (m_sym(at) == Sym::PointerType && ts_node_named_child_count(at) == 1)
        at = ts_node_named_child(at, 0);
    const Sym sym = m_sym(at);
    if (sym != Sym::TypeIdentifier && sym != Sym::QualifiedType && sym != Sym::GenericType)
        return {};
    return baseTypeName(at);
}

QString GoWalk::valueType(TSNode value) const
{
    // `T{…}`, `&T{…}`, `new(T)`: the value's type is written right there.
    TSNode at = value;
    if (m_sym(at) == Sym::UnaryExpression && ts_node_named_child_count(at) == 1)
        at = fieldOf(at, "operand");
    if (m_sym(at) == Sym::CompositeLiteral)
        return namedType(fieldOf(at, "type"));
    if (m_sym(at) == Sym::CallExpression) {
        const TSNode function = fieldOf(at, "function");
        const TSNode arguments = fieldOf(at, "arguments");
        if (m_sym(function) != Sym::Identifier || text(function) != u"new" || ts_node_is_null(arguments)
            || ts_node_named_child_count(arguments) != 1)
            return {};
        const TSNode argument = ts_node_named_child(arguments, 0);
        if (m_sym(argument) == Sym::Identifier) {
            const QString name = text(argument);
            return isPredeclaredType(name) || isTypeParameter(name) ? QString() : name;
        }
        return namedType(argument);
    }
    return {};
}

QString GoWalk::baseTypeName(TSNode type) const
{
    // `*pkg.Base[T]` → "pkg.Base"; empty for anything that does not name a type.
    TSNode at = type;
    for (;;) {
        switch (m_sym(at)) {
        case Sym::PointerType:
            if (ts_node_named_child_count(at) != 1)
                return {};
            at = ts_node_named_child(at, 0);
            break;
        case Sym::GenericType:
            at = fieldOf(at, "type");
            break;
        case Sym::TypeIdentifier: {
            const QString name = text(at);
            return isPredeclaredType(name) || isTypeParameter(name) ? QString() : name;
        }
        case Sym::QualifiedType:
            return text(fieldOf(at, "package")) + u'.' + text(fieldOf(at, "name"));
        default:
            return {};
        }
    }
}

QString GoWalk::receiverText(TSNode operand) const
{
    // Built from the call outward to the chain's root without recursion; calls in the chain are
    // shown as "name()" without their arguments.
    QStringList parts;
    qsizetype length = 0;
    TSNode at = operand;
    for (;;) {
        const Sym sym = m_sym(at);
        if (sym == Sym::Identifier) {
            parts.append(text(at));
            break;
        }
        if (sym == Sym::SelectorExpression) {
            parts.append(u'.' + text(fieldOf(at, "field")));
            at = fieldOf(at, "operand");
        } else if (sym == Sym::CallExpression) {
            parts.append(QStringLiteral("()"));
            at = fieldOf(at, "function");
        } else {
            parts.append(capped(at));
            break;
        }
        length += parts.last().size();
        if (length > kMaxReceiverChars) {
            parts.append(QStringLiteral("…"));
            break;
        }
    }
    std::reverse(parts.begin(), parts.end());
    return parts.join(QString());
}

QString GoWalk::signature(TSNode node, TSNode stop) const
{
    // The declaration's text up to `stop` (its body or type), comments dropped.
    const uint32_t end = ts_node_is_null(stop) ? ts_node_end_byte(node) : ts_node_start_byte(stop);
    return textWithout(m_source, node, end, [this](TSNode child) { return m_sym(child) == Sym::Comment; });
}

QString GoWalk::clean(TSNode node) const
{
    if (ts_node_is_null(node))
        return {};
    const QByteArrayView view = m_source.view(node);
    if (!view.contains("//") && !view.contains("/*"))
        return QString::fromUtf8(view).simplified();
    return signature(node, TSNode {});
}

QString GoWalk::capped(TSNode node) const
{
    const uint32_t from = ts_node_start_byte(node);
    const uint32_t to = std::min(ts_node_end_byte(node), from + static_cast<uint32_t>(kMaxReceiverChars));
    return m_source.slice(from, to).simplified();
}

void GoWalk::addUse(const QString& sourceId, const QString& target, TSNode at)
{
    if (target.isEmpty())
        return;
    const QString key = sourceId + u'\n' + target;
    if (m_usesSeen.contains(key))
        return;
    m_usesSeen.insert(key);
    m_builder.addReference(reference(Reference::Kind::Use, sourceId, target, at));
}

void GoWalk::addUses(const QString& sourceId, TSNode type)
{
    // Every named type a type expression mentions, type arguments included; parameter names,
    // field names and array lengths are not type names and are passed over.
    if (ts_node_is_null(type))
        return;
    walkFrom(type, [&](TSNode node) {
        switch (m_sym(node)) {
        case Sym::TypeIdentifier: {
            const QString name = text(node);
            if (!isPredeclaredType(name) && !isTypeParameter(name))
                addUse(sourceId, name, node);
            return false;
        }
        case Sym::QualifiedType:
            addUse(sourceId, baseTypeName(node), node);
            return false;
        case Sym::Comment:
        case Sym::CallExpression:
        case Sym::FuncLiteral:
            return false;
        default:
            return true;
        }
    });
}

} // namespace

void GoExtractor::extract(TSNode root, const SourceText& source, FileIndex& out) const
{
    if (ts_node_is_null(root) || out.nodes.isEmpty())
        return;
    GoWalk walk(root, source, out);
    walk.run();
}

} // namespace mu::parse
