#include "parse/java/javaextractor.h"

#include "parse/complexity.h"
#include "parse/symbolmap.h"
#include "parse/treewalk.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <utility>
#include <vector>

namespace mu::parse {

namespace {

/// The grammar symbols the extractor looks at, dispatched through a per-file table rather than
/// by comparing ts_node_type() strings on every node.
enum class Sym : quint8 {
    Other,
    Error,
    Program,
    PackageDeclaration,
    ImportDeclaration,
    Asterisk,
    Identifier,
    ScopedIdentifier,
    ClassDeclaration,
    InterfaceDeclaration,
    EnumDeclaration,
    RecordDeclaration,
    AnnotationTypeDeclaration,
    ClassBody,
    EnumConstant,
    MethodDeclaration,
    ConstructorDeclaration,
    CompactConstructorDeclaration,
    AnnotationTypeElementDeclaration,
    FieldDeclaration,
    ConstantDeclaration,
    LocalVariableDeclaration,
    VariableDeclarator,
    FormalParameter,
    SpreadParameter,
    ReceiverParameter,
    Modifiers,
    Annotation,
    MarkerAnnotation,
    TypeParameter,
    TypeIdentifier,
    ScopedTypeIdentifier,
    GenericType,
    TypeArguments,
    ArrayType,
    AnnotatedType,
    Wildcard,
    TypeList,
    TypeBound,
    Superclass,
    SuperInterfaces,
    ExtendsInterfaces,
    Throws,
    ObjectCreationExpression,
    MethodInvocation,
    ExplicitConstructorInvocation,
    FieldAccess,
    This,
    Super,
    EnhancedForStatement,
    CatchFormalParameter,
    CatchType,
    LineComment,
    BlockComment,
    IfStatement,
    ForStatement,
    WhileStatement,
    DoStatement,
    CatchClause,
    TernaryExpression,
    BinaryExpression,
    SwitchLabel,
};

using SymName = SymbolName<Sym>;

constexpr SymName kSymbols[] = {
    {"program", Sym::Program},
    {"package_declaration", Sym::PackageDeclaration},
    {"import_declaration", Sym::ImportDeclaration},
    {"asterisk", Sym::Asterisk},
    {"identifier", Sym::Identifier},
    {"scoped_identifier", Sym::ScopedIdentifier},
    {"class_declaration", Sym::ClassDeclaration},
    {"interface_declaration", Sym::InterfaceDeclaration},
    {"enum_declaration", Sym::EnumDeclaration},
    {"record_declaration", Sym::RecordDeclaration},
    {"annotation_type_declaration", Sym::AnnotationTypeDeclaration},
    {"class_body", Sym::ClassBody},
    {"enum_constant", Sym::EnumConstant},
    {"method_declaration", Sym::MethodDeclaration},
    {"constructor_declaration", Sym::ConstructorDeclaration},
    {"compact_constructor_declaration", Sym::CompactConstructorDeclaration},
    {"annotation_type_element_declaration", Sym::AnnotationTypeElementDeclaration},
    {"field_declaration", Sym::FieldDeclaration},
    {"constant_declaration", Sym::ConstantDeclaration},
    {"local_variable_declaration", Sym::LocalVariableDeclaration},
    {"variable_declarator", Sym::VariableDeclarator},
    {"formal_parameter", Sym::FormalParameter},
    {"spread_parameter", Sym::SpreadParameter},
    {"receiver_parameter", Sym::ReceiverParameter},
    {"modifiers", Sym::Modifiers},
    {"annotation", Sym::Annotation},
    {"marker_annotation", Sym::MarkerAnnotation},
    {"type_parameter", Sym::TypeParameter},
    {"type_identifier", Sym::TypeIdentifier},
    {"scoped_type_identifier", Sym::ScopedTypeIdentifier},
    {"generic_type", Sym::GenericType},
    {"type_arguments", Sym::TypeArguments},
    {"array_type", Sym::ArrayType},
    {"annotated_type", Sym::AnnotatedType},
    {"wildcard", Sym::Wildcard},
    {"type_list", Sym::TypeList},
    {"type_bound", Sym::TypeBound},
    {"superclass", Sym::Superclass},
    {"super_interfaces", Sym::SuperInterfaces},
    {"extends_interfaces", Sym::ExtendsInterfaces},
    {"throws", Sym::Throws},
    {"object_creation_expression", Sym::ObjectCreationExpression},
    {"method_invocation", Sym::MethodInvocation},
    {"explicit_constructor_invocation", Sym::ExplicitConstructorInvocation},
    {"field_access", Sym::FieldAccess},
    {"this", Sym::This},
    {"super", Sym::Super},
    {"enhanced_for_statement", Sym::EnhancedForStatement},
    {"catch_formal_parameter", Sym::CatchFormalParameter},
    {"catch_type", Sym::CatchType},
    {"line_comment", Sym::LineComment},
    {"block_comment", Sym::BlockComment},
    {"if_statement", Sym::IfStatement},
    {"for_statement", Sym::ForStatement},
    {"while_statement", Sym::WhileStatement},
    {"do_statement", Sym::DoStatement},
    {"catch_clause", Sym::CatchClause},
    {"ternary_expression", Sym::TernaryExpression},
    {"binary_expression", Sym::BinaryExpression},
    {"switch_label", Sym::SwitchLabel},
};

using SymbolTable = SymbolMap<Sym>;

// Receivers longer than this are opaque to the resolver anyway; capping them keeps long method
// chains (builders, streams) linear instead of quadratic.
constexpr qsizetype kMaxReceiverChars = 200;

bool isTypeDeclaration(Sym sym)
{
    return sym == Sym::ClassDeclaration || sym == Sym::InterfaceDeclaration || sym == Sym::EnumDeclaration
        || sym == Sym::RecordDeclaration || sym == Sym::AnnotationTypeDeclaration;
}

bool isMethodLike(Sym sym)
{
    return sym == Sym::MethodDeclaration || sym == Sym::ConstructorDeclaration
        || sym == Sym::CompactConstructorDeclaration || sym == Sym::AnnotationTypeElementDeclaration;
}

bool isComment(Sym sym)
{
    return sym == Sym::LineComment || sym == Sym::BlockComment;
}

bool isAnnotation(Sym sym)
{
    return sym == Sym::Annotation || sym == Sym::MarkerAnnotation;
}

/// java.lang types every file sees: references to them say nothing about a project's structure.
bool isBuiltinType(QStringView name)
{
    static const QSet<QString> kBuiltins
        = {QStringLiteral("var"), QStringLiteral("String"), QStringLiteral("Object"), QStringLiteral("Integer"),
            QStringLiteral("Long"), QStringLiteral("Short"), QStringLiteral("Byte"), QStringLiteral("Character"),
            QStringLiteral("Boolean"), QStringLiteral("Double"), QStringLiteral("Float"), QStringLiteral("Void")};
    return kBuiltins.contains(name.toString());
}

QStringView lastComponent(QStringView dotted)
{
    const qsizetype dot = dotted.lastIndexOf(u'.');
    return dot < 0 ? dotted : dotted.sliced(dot + 1);
}

/// Named children of a node that may be null (error recovery leaves fields empty).
template<typename Visit> void children(TSNode node, Visit&& visit)
{
    if (!ts_node_is_null(node))
        forEachNamedChild(node, std::forward<Visit>(visit));
}

QJsonArray toJsonArray(const QStringList& list)
{
    QJsonArray array;
    for (const QString& item : list)
        array.append(item);
    return array;
}

/// The first paragraph of a Javadoc comment (`/** … */`) or of `///` lines: comment markers and
/// `*` margins stripped, ending at a blank line, a block tag (`@param`) or an HTML `<p>`.
QString javadocParagraph(QStringView raw)
{
    QStringView body = raw;
    if (body.startsWith(u"/**"))
        body = body.sliced(3);
    if (body.endsWith(u"*/"))
        body.chop(2);
    QStringList lines;
    for (QStringView line : body.split(u'\n')) {
        line = line.trimmed();
        if (line.startsWith(u"///"))
            line = line.sliced(3).trimmed();
        else if (line.startsWith(u'*'))
            line = line.sliced(1).trimmed();
        if (line.isEmpty()) {
            if (!lines.isEmpty())
                break;
            continue;
        }
        if (line.startsWith(u'@'))
            break;
        if (line.startsWith(u"<p>", Qt::CaseInsensitive)) {
            if (!lines.isEmpty())
                break;
            line = line.sliced(3).trimmed();
            if (line.isEmpty())
                continue;
        }
        lines.append(line.toString());
    }
    return lines.join(u' ').simplified();
}

/// One walk over a file's tree. Holds the per-file state; the extractor itself keeps none.
class JavaWalk {
public:
    JavaWalk(TSNode root, const SourceText& source, FileIndex& out)
        : m_root(root)
        , m_source(source)
        , m_out(out)
        , m_builder(out)
        , m_sym(SymbolTable::of(root.tree ? ts_tree_language(root.tree) : nullptr, kSymbols))
    {
        m_complexity.decisions = [this](TSNode node) { return decisionsOf(node); };
        m_complexity.isNestedScope = [this](TSNode node) {
            const Sym sym = m_sym(node);
            return isTypeDeclaration(sym) || isMethodLike(sym) || sym == Sym::ClassBody;
        };
    }

    void run();

private:
    enum class ScopeKind {
        Module,
        Class,
        Function
    };

    /// A definition whose body is being walked. It becomes the current scope when the walk reaches
    /// its body: annotations and parameters before it belong to the enclosing scope.
    struct Scope {
        ScopeKind kind = ScopeKind::Module;
        QString id;
        QString localName;
        TSNode owner {};
        TSNode body {};
        bool active = false;
        bool isInterface = false;              ///< members are public (and abstract without a body) by default
        bool isEnum = false;                   ///< constructors are private by default
        QJsonArray recordComponents;           ///< records: the parameters of a compact constructor
        QString className;                     ///< classes: simple name, the target of `this(…)`
        QString superclass;                    ///< classes: the extended class, the target of `super(…)`
        QStringList attributes;                ///< classes: fields, record components, enum constants
        QHash<QString, QString> variableTypes; ///< fields (classes), parameters and locals (functions)
        QSet<QString> typeParameters;
        int anonymousCount = 0;
    };

    bool enter(TSNode node);
    void leave(TSNode node);
    int decisionsOf(TSNode node) const;
    Scope& current();
    int currentIndex() const;
    QString qualified(const QString& localName) const;
    QString childLocalName(const QString& name) const;

    void onPackage(TSNode node);
    void onImport(TSNode node);
    void onType(TSNode node);
    void onEnumConstant(TSNode node);
    void onObjectCreation(TSNode node);
    void onMethod(TSNode node);
    void onField(TSNode node);
    void onLocal(TSNode type, TSNode declarators);
    void onCall(TSNode node);
    void onConstructorCall(TSNode node);
    void pushClassScope(const QString& id, const QString& localName, TSNode owner, TSNode body);
    void finishScope();

    QJsonArray parametersOf(TSNode parameters, std::vector<std::pair<QString, TSNode>>* types) const;
    QStringList modifierWords(TSNode declaration) const;
    QStringList decoratorsOf(TSNode declaration) const;
    QStringList typeParametersOf(TSNode typeParameters, QSet<QString>* names) const;
    QString docstringOf(TSNode declaration) const;
    QString header(TSNode declaration, TSNode stop) const;
    QString clean(TSNode node) const;
    QString typeName(TSNode type) const;
    QString dottedName(TSNode node) const;
    QString receiverText(TSNode object) const;
    QString visibilityOf(const QStringList& modifiers, bool inInterface) const;
    QString lookupType(const QString& name) const;
    QString fieldType(const QString& name) const;
    bool isTypeParameter(const QString& name) const;
    void addUses(const QString& sourceId, TSNode type);
    void pushTypeArguments(TSNode type, std::vector<TSNode>& stack) const;
    void addAnnotationUses(const QString& sourceId, TSNode declaration);
    void addInherit(const QString& sourceId, TSNode type, QStringList* bases);

    /// Error recovery leaves fields empty, and most tree-sitter calls dereference a null node.
    QString text(TSNode node) const { return ts_node_is_null(node) ? QString() : m_source.text(node); }

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
    QSet<QString> m_usesSeen;
};

void JavaWalk::run()
{
    Scope moduleScope;
    moduleScope.kind = ScopeKind::Module;
    moduleScope.id = m_builder.moduleId();
    moduleScope.owner = m_root;
    moduleScope.active = true;
    m_scopes.push_back(std::move(moduleScope));

    walkTree(
        m_root, [this](TSNode node) { return enter(node); }, [this](TSNode node) { leave(node); });
}

JavaWalk::Scope& JavaWalk::current()
{
    return m_scopes[static_cast<size_t>(currentIndex())];
}

int JavaWalk::currentIndex() const
{
    for (int i = static_cast<int>(m_scopes.size()) - 1; i > 0; --i) {
        if (m_scopes[static_cast<size_t>(i)].active)
            return i;
    }
    return 0;
}

QString JavaWalk::qualified(const QString& localName) const
{
    return m_package.isEmpty() ? localName : m_package + u'.' + localName;
}

QString JavaWalk::childLocalName(const QString& name) const
{
    const QString& parent = m_scopes[static_cast<size_t>(currentIndex())].localName;
    return parent.isEmpty() ? name : parent + u'.' + name;
}

bool JavaWalk::enter(TSNode node)
{
    Scope& top = m_scopes.back();
    if (!top.active && !ts_node_is_null(top.body) && ts_node_eq(node, top.body))
        top.active = true;

    const Sym sym = m_sym(node);
    switch (sym) {
    case Sym::PackageDeclaration:
        onPackage(node);
        return false;
    case Sym::ImportDeclaration:
        onImport(node);
        return false;
    case Sym::ClassDeclaration:
    case Sym::InterfaceDeclaration:
    case Sym::EnumDeclaration:
    case Sym::RecordDeclaration:
    case Sym::AnnotationTypeDeclaration:
        onType(node);
        break;
    case Sym::EnumConstant:
        onEnumConstant(node);
        break;
    case Sym::ObjectCreationExpression:
        onObjectCreation(node);
        break;
    case Sym::MethodDeclaration:
    case Sym::ConstructorDeclaration:
    case Sym::CompactConstructorDeclaration:
    case Sym::AnnotationTypeElementDeclaration:
        onMethod(node);
        break;
    case Sym::FieldDeclaration:
    case Sym::ConstantDeclaration:
        onField(node);
        break;
    case Sym::LocalVariableDeclaration:
        onLocal(field(node, "type"), node);
        break;
    case Sym::EnhancedForStatement:
        onLocal(field(node, "type"), node);
        break;
    case Sym::CatchFormalParameter: {
        const Scope& scope = current();
        children(node, [&](TSNode child) {
            if (m_sym(child) == Sym::CatchType)
                children(child, [&](TSNode type) { addUses(scope.id, type); });
        });
        break;
    }
    case Sym::MethodInvocation:
        onCall(node);
        break;
    case Sym::ExplicitConstructorInvocation:
        onConstructorCall(node);
        break;
    case Sym::LineComment:
    case Sym::BlockComment:
        return false;
    default:
        break;
    }
    return true;
}

void JavaWalk::leave(TSNode node)
{
    while (m_scopes.size() > 1 && ts_node_eq(node, m_scopes.back().owner))
        finishScope();
}

int JavaWalk::decisionsOf(TSNode node) const
{
    switch (m_sym(node)) {
    case Sym::IfStatement:
    case Sym::ForStatement:
    case Sym::EnhancedForStatement:
    case Sym::WhileStatement:
    case Sym::DoStatement:
    case Sym::CatchClause:
    case Sym::TernaryExpression:
        return 1;
    case Sym::SwitchLabel:
        return ts_node_child_count(node) > 0 && qstrcmp(ts_node_type(ts_node_child(node, 0)), "default") == 0 ? 0 : 1;
    case Sym::BinaryExpression: {
        const char* op = ts_node_type(field(node, "operator"));
        return qstrcmp(op, "&&") == 0 || qstrcmp(op, "||") == 0 ? 1 : 0;
    }
    default:
        return 0;
    }
}

void JavaWalk::finishScope()
{
    Scope scope = std::move(m_scopes.back());
    m_scopes.pop_back();
    if (scope.kind != ScopeKind::Class)
        return;
    if (Node* node = m_builder.find(scope.id))
        node->properties.insert(QStringLiteral("attributes"), toJsonArray(scope.attributes));
}

void JavaWalk::onPackage(TSNode node)
{
    children(node, [&](TSNode child) {
        const Sym sym = m_sym(child);
        if (sym == Sym::Identifier || sym == Sym::ScopedIdentifier)
            m_package = dottedName(child);
    });
    if (m_package.isEmpty())
        return;
    Node& module = m_builder.module();
    module.properties.insert(QStringLiteral("package"), m_package);
    // package-info.java documents the package above its declaration.
    module.docstring = docstringOf(node);
    if (!m_out.namespaces.contains(m_package))
        m_out.namespaces.append(m_package);
}

void JavaWalk::onImport(TSNode node)
{
    TSNode name {};
    bool star = false;
    bool isStatic = false;
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            const TSNode child = ts_tree_cursor_current_node(&cursor);
            const Sym sym = m_sym(child);
            if (sym == Sym::Identifier || sym == Sym::ScopedIdentifier)
                name = child;
            else if (sym == Sym::Asterisk)
                star = true;
            else if (!ts_node_is_named(child) && qstrcmp(ts_node_type(child), "static") == 0)
                isStatic = true;
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    const QString target = dottedName(name);
    if (target.isEmpty())
        return;
    Reference ref = reference(Reference::Kind::Import, m_builder.moduleId(), target, name);
    if (star)
        ref.details.insert(QStringLiteral("star"), true);
    if (isStatic)
        ref.details.insert(QStringLiteral("static"), true);
    m_builder.addReference(std::move(ref));
}

void JavaWalk::pushClassScope(const QString& id, const QString& localName, TSNode owner, TSNode body)
{
    Scope scope;
    scope.kind = ScopeKind::Class;
    scope.id = id;
    scope.localName = localName;
    scope.owner = owner;
    scope.body = body;
    m_scopes.push_back(std::move(scope));
}

void JavaWalk::onType(TSNode node)
{
    const Sym sym = m_sym(node);
    const QString name = text(field(node, "name"));
    if (name.isEmpty())
        return;
    const int parentIndex = currentIndex();
    const Scope& parent = m_scopes[static_cast<size_t>(parentIndex)];
    const QString parentId = parent.id;
    const bool nested = parent.kind == ScopeKind::Class;
    const bool parentIsInterface = parent.isInterface;
    const QString localName = childLocalName(name);
    const TSNode body = field(node, "body");

    Node cls;
    cls.type = NodeType::Class;
    cls.name = name;
    switch (sym) {
    case Sym::InterfaceDeclaration:
    case Sym::AnnotationTypeDeclaration:
        cls.kind = QStringLiteral("interface");
        break;
    case Sym::EnumDeclaration:
        cls.kind = QStringLiteral("enum");
        break;
    case Sym::RecordDeclaration:
        cls.kind = QStringLiteral("record");
        break;
    default:
        cls.kind = QStringLiteral("class");
        break;
    }
    cls.qualifiedName = qualified(localName);
    FileIndexBuilder::setLocation(cls, node);
    cls.signature = header(node, body);
    cls.docstring = docstringOf(node);

    const QStringList modifiers = modifierWords(node);
    QSet<QString> typeParameterNames;
    const QStringList typeParameters = typeParametersOf(field(node, "type_parameters"), &typeParameterNames);
    const QStringList decorators = decoratorsOf(node);
    cls.properties.insert(QStringLiteral("visibility"), visibilityOf(modifiers, parentIsInterface));
    // Member interfaces, enums, records and annotation types are implicitly static.
    cls.properties.insert(QStringLiteral("is_static"),
        modifiers.contains(QStringLiteral("static")) || (nested && sym != Sym::ClassDeclaration));
    cls.properties.insert(QStringLiteral("is_abstract"),
        modifiers.contains(QStringLiteral("abstract")) || sym == Sym::InterfaceDeclaration);
    if (sym == Sym::AnnotationTypeDeclaration)
        cls.properties.insert(QStringLiteral("annotation"), true);
    if (!decorators.isEmpty())
        cls.properties.insert(QStringLiteral("decorators"), toJsonArray(decorators));
    if (!typeParameters.isEmpty())
        cls.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParameters));

    const QString id = m_builder.add(std::move(cls), localName, parentId);
    pushClassScope(id, localName, node, body);
    Scope& scope = m_scopes.back();
    scope.isInterface = sym == Sym::InterfaceDeclaration || sym == Sym::AnnotationTypeDeclaration;
    scope.isEnum = sym == Sym::EnumDeclaration;
    scope.className = name;
    scope.typeParameters = typeParameterNames;

    QStringList bases;
    const TSNode superclass = field(node, "superclass");
    children(superclass, [&](TSNode type) {
        if (!isComment(m_sym(type))) {
            addInherit(id, type, &bases);
            m_scopes.back().superclass = lastComponent(typeName(type)).toString();
        }
    });
    children(node, [&](TSNode child) {
        const Sym childSym = m_sym(child);
        if (childSym != Sym::SuperInterfaces && childSym != Sym::ExtendsInterfaces)
            return;
        children(child, [&](TSNode list) {
            if (m_sym(list) == Sym::TypeList)
                children(list, [&](TSNode type) {
                    if (!isComment(m_sym(type)))
                        addInherit(id, type, &bases);
                });
        });
    });
    if (Node* added = m_builder.find(id))
        added->properties.insert(QStringLiteral("bases"), toJsonArray(bases));
    addAnnotationUses(id, node);

    if (sym == Sym::RecordDeclaration) {
        std::vector<std::pair<QString, TSNode>> components;
        m_scopes.back().recordComponents = parametersOf(field(node, "parameters"), &components);
        for (const auto& [component, type] : components) {
            m_scopes.back().attributes.append(component);
            m_scopes.back().variableTypes.insert(component, typeName(type));
            addUses(id, type);
        }
    }
}

void JavaWalk::onEnumConstant(TSNode node)
{
    Scope& enumScope = current();
    const QString name = text(field(node, "name"));
    if (name.isEmpty() || enumScope.kind != ScopeKind::Class)
        return;
    enumScope.attributes.append(name);
    const TSNode body = field(node, "body");
    if (ts_node_is_null(body))
        return;

    const QString enumLocalName = enumScope.localName;
    const QString localName = childLocalName(name);
    Node cls;
    cls.type = NodeType::Class;
    cls.kind = QStringLiteral("class");
    cls.name = name;
    cls.qualifiedName = qualified(localName);
    FileIndexBuilder::setLocation(cls, node);
    cls.signature = header(node, body);
    cls.docstring = docstringOf(node);
    cls.properties.insert(QStringLiteral("enum_constant"), true);
    cls.properties.insert(QStringLiteral("bases"), QJsonArray {enumLocalName});
    const QStringList decorators = decoratorsOf(node);
    if (!decorators.isEmpty())
        cls.properties.insert(QStringLiteral("decorators"), toJsonArray(decorators));
    const QString id = m_builder.add(std::move(cls), localName, enumScope.id);
    m_builder.addReference(reference(Reference::Kind::Inherit, id, enumLocalName, field(node, "name")));
    pushClassScope(id, localName, node, body);
    m_scopes.back().className = name;
    m_scopes.back().superclass = lastComponent(enumLocalName).toString();
}

void JavaWalk::onObjectCreation(TSNode node)
{
    const int scopeIndex = currentIndex();
    const QString scopeId = m_scopes[static_cast<size_t>(scopeIndex)].id;
    const TSNode type = field(node, "type");
    const QString constructed = typeName(type);
    if (!constructed.isEmpty()) {
        const qsizetype dot = constructed.lastIndexOf(u'.');
        Reference ref = reference(Reference::Kind::Call, scopeId, constructed.sliced(dot + 1), type);
        if (dot > 0)
            ref.receiver = constructed.first(dot);
        ref.details.insert(QStringLiteral("new"), true);
        m_builder.addReference(std::move(ref));
    }

    TSNode body {};
    children(node, [&](TSNode child) {
        if (m_sym(child) == Sym::ClassBody)
            body = child;
    });
    if (ts_node_is_null(body))
        return;
    Scope& enclosing = m_scopes[static_cast<size_t>(scopeIndex)];
    const QString name = u'$' + QString::number(++enclosing.anonymousCount);
    const QString localName = enclosing.localName.isEmpty() ? name : enclosing.localName + u'.' + name;
    Node cls;
    cls.type = NodeType::Class;
    cls.kind = QStringLiteral("class");
    cls.name = name;
    cls.qualifiedName = qualified(localName);
    FileIndexBuilder::setLocation(cls, node);
    cls.signature = header(node, body);
    cls.properties.insert(QStringLiteral("anonymous"), true);
    cls.properties.insert(QStringLiteral("bases"), constructed.isEmpty() ? QJsonArray() : QJsonArray {clean(type)});
    const QString id = m_builder.add(std::move(cls), localName, scopeId);
    if (!constructed.isEmpty())
        m_builder.addReference(reference(Reference::Kind::Inherit, id, constructed, type));
    pushClassScope(id, localName, node, body);
    m_scopes.back().className = name;
    m_scopes.back().superclass = lastComponent(constructed).toString();
}

void JavaWalk::onMethod(TSNode node)
{
    const Sym sym = m_sym(node);
    const int parentIndex = currentIndex();
    const Scope& parent = m_scopes[static_cast<size_t>(parentIndex)];
    const bool isConstructor = sym == Sym::ConstructorDeclaration || sym == Sym::CompactConstructorDeclaration;
    // A constructor is named after its class, whatever error recovery made of its name.
    const QString name = isConstructor && !parent.className.isEmpty() ? parent.className : text(field(node, "name"));
    if (name.isEmpty())
        return;
    const QString parentId = parent.id;
    const bool inInterface = parent.isInterface;
    const bool inEnum = parent.isEnum;
    const QJsonArray recordComponents = parent.recordComponents;
    const QString localName = childLocalName(name);
    const TSNode body = field(node, "body");
    const TSNode returnType = field(node, "type");
    const TSNode parameters = field(node, "parameters");

    Node fn;
    fn.type = NodeType::Function;
    fn.name = name;
    fn.kind = isConstructor               ? QStringLiteral("constructor")
        : parent.kind == ScopeKind::Class ? QStringLiteral("method")
                                          : QStringLiteral("function");
    fn.qualifiedName = qualified(localName);
    FileIndexBuilder::setLocation(fn, node);
    QString signature = header(node, body);
    if (signature.endsWith(u';'))
        signature = signature.chopped(1).trimmed();
    fn.signature = signature;
    fn.docstring = docstringOf(node);
    fn.complexity = ts_node_is_null(body) ? 1 : mccabeComplexity(body, m_complexity);

    std::vector<std::pair<QString, TSNode>> parameterTypes;
    const QStringList modifiers = modifierWords(node);
    QSet<QString> typeParameterNames;
    const QStringList typeParameters = typeParametersOf(field(node, "type_parameters"), &typeParameterNames);
    const QStringList decorators = decoratorsOf(node);
    QStringList throws;
    std::vector<TSNode> thrownTypes;
    children(node, [&](TSNode child) {
        if (m_sym(child) == Sym::Throws)
            children(child, [&](TSNode type) {
                if (!isComment(m_sym(type))) {
                    throws.append(clean(type));
                    thrownTypes.push_back(type);
                }
            });
    });

    // A compact constructor takes the record's components without restating them.
    fn.properties.insert(QStringLiteral("parameters"),
        sym == Sym::CompactConstructorDeclaration ? recordComponents : parametersOf(parameters, &parameterTypes));
    if (!ts_node_is_null(returnType))
        fn.properties.insert(QStringLiteral("return_type"), clean(returnType));
    const bool isStatic = modifiers.contains(QStringLiteral("static"));
    QString visibility = visibilityOf(modifiers, inInterface);
    if (isConstructor && inEnum)
        visibility = QStringLiteral("private"); // the only kind an enum may have
    fn.properties.insert(QStringLiteral("visibility"), visibility);
    fn.properties.insert(QStringLiteral("is_static"), isStatic);
    // Interface methods without a body are abstract unless static or private (those need one).
    fn.properties.insert(QStringLiteral("is_abstract"),
        modifiers.contains(QStringLiteral("abstract"))
            || (inInterface && ts_node_is_null(body) && !isStatic && !modifiers.contains(QStringLiteral("default"))));
    if (!decorators.isEmpty())
        fn.properties.insert(QStringLiteral("decorators"), toJsonArray(decorators));
    if (!typeParameters.isEmpty())
        fn.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParameters));
    if (!throws.isEmpty())
        fn.properties.insert(QStringLiteral("throws"), toJsonArray(throws));

    const QString id = m_builder.add(std::move(fn), localName, parentId);
    Scope scope;
    scope.kind = ScopeKind::Function;
    scope.id = id;
    scope.localName = localName;
    scope.owner = node;
    scope.body = body;
    scope.typeParameters = typeParameterNames;
    m_scopes.push_back(std::move(scope));

    for (const auto& [parameter, type] : parameterTypes) {
        addUses(id, type);
        if (!parameter.isEmpty())
            m_scopes.back().variableTypes.insert(parameter, typeName(type));
    }
    if (!ts_node_is_null(returnType))
        addUses(id, returnType);
    for (const TSNode type : thrownTypes)
        addUses(id, type);
    addAnnotationUses(id, node);
}

void JavaWalk::onField(TSNode node)
{
    Scope& scope = current();
    if (scope.kind != ScopeKind::Class)
        return;
    const TSNode type = field(node, "type");
    const QString known = typeName(type);
    children(node, [&](TSNode child) {
        if (m_sym(child) != Sym::VariableDeclarator)
            return;
        const QString name = text(field(child, "name"));
        if (name.isEmpty())
            return;
        scope.attributes.append(name);
        if (!known.isEmpty())
            scope.variableTypes.insert(name, known);
    });
    addUses(scope.id, type);
    addAnnotationUses(scope.id, node);
}

void JavaWalk::onLocal(TSNode type, TSNode declarators)
{
    Scope& scope = current();
    if (ts_node_is_null(type))
        return;
    addUses(scope.id, type);
    const QString known = typeName(type);
    const auto remember = [&](TSNode nameNode, TSNode value) {
        const QString name = text(nameNode);
        if (name.isEmpty())
            return;
        QString declared = known;
        // `var x = new Foo()` states its type on the right.
        if (declared == u"var")
            declared = m_sym(value) == Sym::ObjectCreationExpression ? typeName(field(value, "type")) : QString();
        if (declared.isEmpty())
            scope.variableTypes.remove(name);
        else
            scope.variableTypes.insert(name, declared);
    };
    if (m_sym(declarators) == Sym::EnhancedForStatement) {
        remember(field(declarators, "name"), TSNode {});
        return;
    }
    children(declarators, [&](TSNode child) {
        if (m_sym(child) == Sym::VariableDeclarator)
            remember(field(child, "name"), field(child, "value"));
    });
}

void JavaWalk::onCall(TSNode node)
{
    const TSNode nameNode = field(node, "name");
    const QString target = text(nameNode);
    if (target.isEmpty())
        return;
    const Scope& scope = current();
    Reference ref = reference(Reference::Kind::Call, scope.id, target, nameNode);
    const TSNode object = field(node, "object");
    if (!ts_node_is_null(object)) {
        ref.receiver = receiverText(object);
        if (m_sym(object) == Sym::Identifier)
            ref.receiverType = lookupType(ref.receiver);
        else if (ref.receiver.startsWith(u"this.") && ref.receiver.count(u'.') == 1)
            ref.receiverType = fieldType(ref.receiver.sliced(5));
    } else {
        // `super.m()` keeps `super` as an unnamed child rather than in the object field.
        children(node, [&](TSNode child) {
            if (m_sym(child) == Sym::Super)
                ref.receiver = QStringLiteral("super");
        });
    }
    m_builder.addReference(std::move(ref));
}

void JavaWalk::onConstructorCall(TSNode node)
{
    const TSNode constructor = field(node, "constructor");
    const bool isSuper = m_sym(constructor) == Sym::Super;
    // The constructor runs for the class whose body holds it.
    QString className;
    QString superclass;
    for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
        if (it->kind == ScopeKind::Class) {
            className = it->className;
            superclass = it->superclass;
            break;
        }
    }
    const QString target = isSuper ? superclass : className;
    if (target.isEmpty())
        return;
    Reference ref = reference(Reference::Kind::Call, current().id, target, constructor);
    ref.receiver = isSuper ? QStringLiteral("super") : QStringLiteral("this");
    ref.details.insert(QStringLiteral("constructor"), true);
    m_builder.addReference(std::move(ref));
}

QJsonArray JavaWalk::parametersOf(TSNode parameters, std::vector<std::pair<QString, TSNode>>* types) const
{
    QJsonArray result;
    children(parameters, [&](TSNode parameter) {
        const Sym sym = m_sym(parameter);
        TSNode type {};
        QString name;
        bool variadic = false;
        if (sym == Sym::FormalParameter) {
            type = field(parameter, "type");
            name = text(field(parameter, "name"));
        } else if (sym == Sym::SpreadParameter) {
            variadic = true;
            children(parameter, [&](TSNode child) {
                const Sym childSym = m_sym(child);
                if (childSym == Sym::VariableDeclarator)
                    name = text(field(child, "name"));
                else if (childSym != Sym::Modifiers && !isAnnotation(childSym) && !isComment(childSym))
                    type = child;
            });
        } else {
            // The receiver parameter (`Outer Outer.this`) only annotates `this`.
            return;
        }
        QJsonObject object {{QStringLiteral("name"), name}};
        if (!ts_node_is_null(type))
            object.insert(QStringLiteral("type"), variadic ? clean(type) + QStringLiteral("...") : clean(type));
        if (variadic)
            object.insert(QStringLiteral("variadic"), true);
        result.append(object);
        if (types && !ts_node_is_null(type))
            types->emplace_back(name, type);
    });
    return result;
}

QStringList JavaWalk::modifierWords(TSNode declaration) const
{
    QStringList words;
    children(declaration, [&](TSNode child) {
        if (m_sym(child) != Sym::Modifiers)
            return;
        const uint32_t count = ts_node_child_count(child);
        for (uint32_t i = 0; i < count; ++i) {
            const TSNode word = ts_node_child(child, i);
            if (!ts_node_is_named(word))
                words.append(QString::fromLatin1(ts_node_type(word)));
        }
    });
    return words;
}

QStringList JavaWalk::decoratorsOf(TSNode declaration) const
{
    QStringList decorators;
    children(declaration, [&](TSNode child) {
        if (m_sym(child) != Sym::Modifiers)
            return;
        children(child, [&](TSNode annotation) {
            if (isAnnotation(m_sym(annotation)))
                decorators.append(clean(annotation).mid(1).trimmed());
        });
    });
    return decorators;
}

QStringList JavaWalk::typeParametersOf(TSNode typeParameters, QSet<QString>* names) const
{
    QStringList result;
    children(typeParameters, [&](TSNode parameter) {
        if (m_sym(parameter) != Sym::TypeParameter)
            return;
        result.append(clean(parameter));
        children(parameter, [&](TSNode child) {
            if (m_sym(child) == Sym::TypeIdentifier)
                names->insert(text(child));
        });
    });
    return result;
}

QString JavaWalk::docstringOf(TSNode declaration) const
{
    TSNode comment = ts_node_prev_named_sibling(declaration);
    if (m_sym(comment) == Sym::BlockComment) {
        const QString raw = text(comment);
        return raw.startsWith(u"/**") && raw != u"/**/" ? javadocParagraph(raw) : QString();
    }
    // Markdown doc comments (JEP 467): a run of `///` lines ending right above the declaration.
    QStringList lines;
    uint32_t nextRow = ts_node_start_point(declaration).row;
    while (m_sym(comment) == Sym::LineComment && ts_node_end_point(comment).row + 1 >= nextRow) {
        const QString line = text(comment);
        if (!line.startsWith(u"///"))
            break;
        lines.prepend(line);
        nextRow = ts_node_start_point(comment).row;
        comment = ts_node_prev_named_sibling(comment);
    }
    return lines.isEmpty() ? QString() : javadocParagraph(lines.join(u'\n'));
}

QString JavaWalk::header(TSNode declaration, TSNode stop) const
{
    // The declaration as it reads up to its body, without annotations (they are decorators) and
    // comments, on one line.
    const uint32_t start = ts_node_start_byte(declaration);
    const uint32_t end = ts_node_is_null(stop) ? ts_node_end_byte(declaration) : ts_node_start_byte(stop);
    std::vector<std::pair<uint32_t, uint32_t>> skipped;
    children(declaration, [&](TSNode child) {
        if (m_sym(child) != Sym::Modifiers)
            return;
        children(child, [&](TSNode annotation) {
            if (isAnnotation(m_sym(annotation)) || isComment(m_sym(annotation)))
                skipped.emplace_back(ts_node_start_byte(annotation), ts_node_end_byte(annotation));
        });
    });
    const QByteArrayView bytes
        = QByteArrayView(m_source.bytes()).sliced(std::min<qsizetype>(start, m_source.bytes().size()));
    const QByteArrayView headerBytes = bytes.first(std::min<qsizetype>(end - start, bytes.size()));
    if (headerBytes.contains("//") || headerBytes.contains("/*")) {
        walkTree(declaration, [&](TSNode node) {
            if (ts_node_start_byte(node) >= end)
                return false;
            if (isComment(m_sym(node))) {
                skipped.emplace_back(ts_node_start_byte(node), ts_node_end_byte(node));
                return false;
            }
            return true;
        });
    }
    std::sort(skipped.begin(), skipped.end());
    QString text;
    uint32_t position = start;
    for (const auto& [from, to] : skipped) {
        if (from >= end)
            break;
        if (from > position)
            text += m_source.slice(position, from) + u' ';
        position = std::max(position, to);
    }
    if (position < end)
        text += m_source.slice(position, end);
    return text.simplified();
}

QString JavaWalk::clean(TSNode node) const
{
    if (ts_node_is_null(node))
        return {};
    const QByteArrayView view = m_source.view(node);
    if (!view.contains("//") && !view.contains("/*"))
        return QString::fromUtf8(view).simplified();
    return header(node, TSNode {});
}

QString JavaWalk::typeName(TSNode type) const
{
    // `java.util.Map.Entry<K, V>[]` → "java.util.Map.Entry": the type's own identifiers in order,
    // without type arguments or annotations.
    QStringList parts;
    walkTree(type, [&](TSNode node) {
        const Sym sym = m_sym(node);
        if (sym == Sym::TypeArguments || isAnnotation(sym) || isComment(sym))
            return false;
        if (sym == Sym::TypeIdentifier || sym == Sym::Identifier) {
            parts.append(text(node));
            return false;
        }
        return true;
    });
    return parts.join(u'.');
}

QString JavaWalk::dottedName(TSNode node) const
{
    QStringList parts;
    walkTree(node, [&](TSNode child) {
        const Sym sym = m_sym(child);
        if (sym == Sym::Identifier) {
            parts.append(text(child));
            return false;
        }
        return sym == Sym::ScopedIdentifier;
    });
    return parts.join(u'.');
}

QString JavaWalk::receiverText(TSNode object) const
{
    // Built from the call outward to the chain's root without recursion; calls in the chain read
    // as "name()" without their arguments.
    QStringList parts;
    qsizetype length = 0;
    TSNode at = object;
    bool truncated = false;
    for (;;) {
        const Sym sym = m_sym(at);
        if (sym == Sym::Identifier || sym == Sym::This || sym == Sym::Super) {
            parts.append(text(at));
            break;
        }
        if (sym == Sym::FieldAccess) {
            const TSNode fieldNode = field(at, "field");
            parts.append(u'.' + text(fieldNode));
            at = field(at, "object");
            if (ts_node_is_null(at)) { // `super.field`
                parts.append(QStringLiteral("super"));
                break;
            }
        } else if (sym == Sym::MethodInvocation) {
            const TSNode inner = field(at, "object");
            const QString call = text(field(at, "name")) + QStringLiteral("()");
            if (ts_node_is_null(inner)) {
                parts.append(call);
                break;
            }
            parts.append(u'.' + call);
            at = inner;
        } else {
            const uint32_t from = ts_node_start_byte(at);
            const uint32_t to = std::min(ts_node_end_byte(at), from + static_cast<uint32_t>(kMaxReceiverChars));
            parts.append(m_source.slice(from, to).simplified());
            break;
        }
        length += parts.last().size();
        if (length > kMaxReceiverChars) {
            truncated = true;
            break;
        }
    }
    if (truncated)
        parts.append(QStringLiteral("…"));
    std::reverse(parts.begin(), parts.end());
    return parts.join(QString());
}

QString JavaWalk::visibilityOf(const QStringList& modifiers, bool inInterface) const
{
    for (const char* word : {"public", "protected", "private"}) {
        if (modifiers.contains(QLatin1String(word)))
            return QString::fromLatin1(word);
    }
    return inInterface ? QStringLiteral("public") : QStringLiteral("package");
}

QString JavaWalk::lookupType(const QString& name) const
{
    for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
        const auto found = it->variableTypes.constFind(name);
        if (found != it->variableTypes.constEnd())
            return *found;
    }
    return {};
}

QString JavaWalk::fieldType(const QString& name) const
{
    for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
        if (it->kind == ScopeKind::Class)
            return it->variableTypes.value(name);
    }
    return {};
}

bool JavaWalk::isTypeParameter(const QString& name) const
{
    return std::any_of(
        m_scopes.begin(), m_scopes.end(), [&](const Scope& scope) { return scope.typeParameters.contains(name); });
}

void JavaWalk::addUses(const QString& sourceId, TSNode type)
{
    // Every class a type mentions, type arguments included (`Map<Key, List<Value>>` uses Map, Key,
    // List and Value). Explicit stack: type arguments nest arbitrarily deep.
    std::vector<TSNode> stack {type};
    while (!stack.empty()) {
        const TSNode node = stack.back();
        stack.pop_back();
        const Sym sym = m_sym(node);
        if (ts_node_is_null(node) || isAnnotation(sym) || isComment(sym))
            continue;
        if (sym != Sym::TypeIdentifier && sym != Sym::ScopedTypeIdentifier) {
            children(node, [&](TSNode child) { stack.push_back(child); });
            continue;
        }
        const QString target = typeName(node);
        const bool skipped = target.isEmpty() || isBuiltinType(target) || isTypeParameter(target);
        if (!skipped && !m_usesSeen.contains(sourceId + u'\n' + target)) {
            m_usesSeen.insert(sourceId + u'\n' + target);
            m_builder.addReference(reference(Reference::Kind::Use, sourceId, target, node));
        }
        // A scoped type's own parts are done; its generic arguments (`Outer<Key>.Inner`) are types
        // of their own.
        if (sym == Sym::ScopedTypeIdentifier)
            pushTypeArguments(node, stack);
    }
}

void JavaWalk::pushTypeArguments(TSNode type, std::vector<TSNode>& stack) const
{
    walkTree(type, [&](TSNode node) {
        if (m_sym(node) != Sym::TypeArguments)
            return true;
        children(node, [&](TSNode argument) { stack.push_back(argument); });
        return false;
    });
}

void JavaWalk::addAnnotationUses(const QString& sourceId, TSNode declaration)
{
    children(declaration, [&](TSNode child) {
        if (m_sym(child) != Sym::Modifiers)
            return;
        children(child, [&](TSNode annotation) {
            if (!isAnnotation(m_sym(annotation)))
                return;
            const TSNode name = field(annotation, "name");
            const QString target = dottedName(name);
            if (!target.isEmpty() && !m_usesSeen.contains(sourceId + u'\n' + target)) {
                m_usesSeen.insert(sourceId + u'\n' + target);
                m_builder.addReference(reference(Reference::Kind::Use, sourceId, target, name));
            }
        });
    });
}

void JavaWalk::addInherit(const QString& sourceId, TSNode type, QStringList* bases)
{
    const QString target = typeName(type);
    if (target.isEmpty())
        return;
    bases->append(clean(type));
    m_builder.addReference(reference(Reference::Kind::Inherit, sourceId, target, type));
    // Type arguments of a base are uses: `implements Comparable<Version>` depends on Version.
    std::vector<TSNode> arguments;
    pushTypeArguments(type, arguments);
    for (const TSNode argument : arguments)
        addUses(sourceId, argument);
}

} // namespace

void JavaExtractor::extract(TSNode root, const SourceText& source, FileIndex& out) const
{
    if (ts_node_is_null(root) || out.nodes.isEmpty())
        return;
    JavaWalk walk(root, source, out);
    walk.run();
}

} // namespace mu::parse
