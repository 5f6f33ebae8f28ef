#include "parse/csharp/csharpextractor.h"

#include "parse/complexity.h"
#include "parse/symbolmap.h"
#include "parse/treewalk.h"

#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>
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
    CompilationUnit,
    UsingDirective,
    NamespaceDeclaration,
    FileScopedNamespaceDeclaration,
    ClassDeclaration,
    StructDeclaration,
    InterfaceDeclaration,
    RecordDeclaration,
    EnumDeclaration,
    DelegateDeclaration,
    DeclarationList,
    EnumMemberDeclaration,
    MethodDeclaration,
    LocalFunctionStatement,
    ConstructorDeclaration,
    DestructorDeclaration,
    OperatorDeclaration,
    ConversionOperatorDeclaration,
    PropertyDeclaration,
    IndexerDeclaration,
    EventDeclaration,
    EventFieldDeclaration,
    FieldDeclaration,
    LocalDeclarationStatement,
    VariableDeclaration,
    VariableDeclarator,
    ParameterList,
    BracketedParameterList,
    Parameter,
    Modifier,
    AttributeList,
    Attribute,
    AttributeTargetSpecifier,
    BaseList,
    PrimaryConstructorBaseType,
    TypeParameterList,
    TypeParameter,
    TypeParameterConstraintsClause,
    TypeParameterConstraint,
    ExplicitInterfaceSpecifier,
    ConstructorInitializer,
    ArrowExpressionClause,
    Block,
    Identifier,
    QualifiedName,
    AliasQualifiedName,
    GenericName,
    TypeArgumentList,
    PredefinedType,
    ImplicitType,
    InvocationExpression,
    MemberAccessExpression,
    MemberBindingExpression,
    ConditionalAccessExpression,
    ObjectCreationExpression,
    ForeachStatement,
    CatchDeclaration,
    Comment,
    IfStatement,
    ForStatement,
    WhileStatement,
    DoStatement,
    CatchClause,
    ConditionalExpression,
    BinaryExpression,
    AssignmentExpression,
    SwitchSection,
    SwitchExpressionArm,
    Discard,
};

using SymName = SymbolName<Sym>;

constexpr SymName kSymbols[] = {
    {"compilation_unit", Sym::CompilationUnit},
    {"using_directive", Sym::UsingDirective},
    {"namespace_declaration", Sym::NamespaceDeclaration},
    {"file_scoped_namespace_declaration", Sym::FileScopedNamespaceDeclaration},
    {"class_declaration", Sym::ClassDeclaration},
    {"struct_declaration", Sym::StructDeclaration},
    {"interface_declaration", Sym::InterfaceDeclaration},
    {"record_declaration", Sym::RecordDeclaration},
    {"enum_declaration", Sym::EnumDeclaration},
    {"delegate_declaration", Sym::DelegateDeclaration},
    {"declaration_list", Sym::DeclarationList},
    {"enum_member_declaration", Sym::EnumMemberDeclaration},
    {"method_declaration", Sym::MethodDeclaration},
    {"local_function_statement", Sym::LocalFunctionStatement},
    {"constructor_declaration", Sym::ConstructorDeclaration},
    {"destructor_declaration", Sym::DestructorDeclaration},
    {"operator_declaration", Sym::OperatorDeclaration},
    {"conversion_operator_declaration", Sym::ConversionOperatorDeclaration},
    {"property_declaration", Sym::PropertyDeclaration},
    {"indexer_declaration", Sym::IndexerDeclaration},
    {"event_declaration", Sym::EventDeclaration},
    {"event_field_declaration", Sym::EventFieldDeclaration},
    {"field_declaration", Sym::FieldDeclaration},
    {"local_declaration_statement", Sym::LocalDeclarationStatement},
    {"variable_declaration", Sym::VariableDeclaration},
    {"variable_declarator", Sym::VariableDeclarator},
    {"parameter_list", Sym::ParameterList},
    {"bracketed_parameter_list", Sym::BracketedParameterList},
    {"parameter", Sym::Parameter},
    {"modifier", Sym::Modifier},
    {"attribute_list", Sym::AttributeList},
    {"attribute", Sym::Attribute},
    {"attribute_target_specifier", Sym::AttributeTargetSpecifier},
    {"base_list", Sym::BaseList},
    {"primary_constructor_base_type", Sym::PrimaryConstructorBaseType},
    {"type_parameter_list", Sym::TypeParameterList},
    {"type_parameter", Sym::TypeParameter},
    {"type_parameter_constraints_clause", Sym::TypeParameterConstraintsClause},
    {"type_parameter_constraint", Sym::TypeParameterConstraint},
    {"explicit_interface_specifier", Sym::ExplicitInterfaceSpecifier},
    {"constructor_initializer", Sym::ConstructorInitializer},
    {"arrow_expression_clause", Sym::ArrowExpressionClause},
    {"block", Sym::Block},
    {"identifier", Sym::Identifier},
    {"qualified_name", Sym::QualifiedName},
    {"alias_qualified_name", Sym::AliasQualifiedName},
    {"generic_name", Sym::GenericName},
    {"type_argument_list", Sym::TypeArgumentList},
    {"predefined_type", Sym::PredefinedType},
    {"implicit_type", Sym::ImplicitType},
    {"invocation_expression", Sym::InvocationExpression},
    {"member_access_expression", Sym::MemberAccessExpression},
    {"member_binding_expression", Sym::MemberBindingExpression},
    {"conditional_access_expression", Sym::ConditionalAccessExpression},
    {"object_creation_expression", Sym::ObjectCreationExpression},
    {"foreach_statement", Sym::ForeachStatement},
    {"catch_declaration", Sym::CatchDeclaration},
    {"comment", Sym::Comment},
    {"if_statement", Sym::IfStatement},
    {"for_statement", Sym::ForStatement},
    {"while_statement", Sym::WhileStatement},
    {"do_statement", Sym::DoStatement},
    {"catch_clause", Sym::CatchClause},
    {"conditional_expression", Sym::ConditionalExpression},
    {"binary_expression", Sym::BinaryExpression},
    {"assignment_expression", Sym::AssignmentExpression},
    {"switch_section", Sym::SwitchSection},
    {"switch_expression_arm", Sym::SwitchExpressionArm},
    {"discard", Sym::Discard},
};

using SymbolTable = SymbolMap<Sym>;

// Receivers longer than this are opaque to the resolver anyway; capping them keeps long method
// chains (LINQ, builders) linear instead of quadratic.
constexpr qsizetype kMaxReceiverChars = 200;

bool isTypeDeclaration(Sym sym)
{
    return sym == Sym::ClassDeclaration || sym == Sym::StructDeclaration || sym == Sym::InterfaceDeclaration
        || sym == Sym::RecordDeclaration || sym == Sym::EnumDeclaration || sym == Sym::DelegateDeclaration;
}

bool isMemberFunction(Sym sym)
{
    return sym == Sym::MethodDeclaration || sym == Sym::LocalFunctionStatement || sym == Sym::ConstructorDeclaration
        || sym == Sym::DestructorDeclaration || sym == Sym::OperatorDeclaration
        || sym == Sym::ConversionOperatorDeclaration || sym == Sym::PropertyDeclaration
        || sym == Sym::IndexerDeclaration || sym == Sym::EventDeclaration;
}

/// System types every file sees under their keyword names: references to them say nothing about
/// a project's structure.
bool isBuiltinType(QStringView name)
{
    static const QSet<QString> kBuiltins = {QStringLiteral("var"), QStringLiteral("dynamic"), QStringLiteral("String"),
        QStringLiteral("Object"), QStringLiteral("nint"), QStringLiteral("nuint")};
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

/// True when `node` has a keyword child spelled `token` (`explicit`, `struct`, `base`, …).
bool hasToken(TSNode node, const char* token)
{
    const uint32_t count = ts_node_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
        const TSNode child = ts_node_child(node, i);
        if (!ts_node_is_named(child) && qstrcmp(ts_node_type(child), token) == 0)
            return true;
    }
    return false;
}

QJsonArray toJsonArray(const QStringList& list)
{
    QJsonArray array;
    for (const QString& item : list)
        array.append(item);
    return array;
}

void mergeInto(QJsonObject& properties, const QString& key, const QStringList& values)
{
    QJsonArray array = properties.value(key).toArray();
    for (const QString& value : values) {
        if (!array.contains(value))
            array.append(value);
    }
    properties.insert(key, array);
}

/// The `<summary>` of an XML doc comment (the `///` markers already removed): references such as
/// `<see cref="T:Foo"/>` read as their target, other tags vanish, entities decode, whitespace
/// collapses. Without a summary, the text of a comment that has no tags at all.
QString xmlDocSummary(const QString& xml)
{
    static const QRegularExpression summary(QStringLiteral(R"(<summary\s*>(.*?)</summary\s*>)"),
        QRegularExpression::DotMatchesEverythingOption | QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression reference(QStringLiteral(
        R"re(<(?:see|seealso|paramref|typeparamref)\s+(?:cref|name|langword|href)\s*=\s*"(?:\w:)?([^"]*)"\s*/>)re"));
    static const QRegularExpression tag(QStringLiteral(R"(</?[A-Za-z][^>]*>)"));
    QString text;
    const QRegularExpressionMatch match = summary.match(xml);
    if (match.hasMatch())
        text = match.captured(1);
    else if (!xml.contains(u'<'))
        text = xml;
    else
        return {};
    text.replace(reference, QStringLiteral("\\1"));
    text.remove(tag);
    text.replace(QStringLiteral("&lt;"), QStringLiteral("<"))
        .replace(QStringLiteral("&gt;"), QStringLiteral(">"))
        .replace(QStringLiteral("&quot;"), QStringLiteral("\""))
        .replace(QStringLiteral("&apos;"), QStringLiteral("'"))
        .replace(QStringLiteral("&amp;"), QStringLiteral("&"));
    return text.simplified();
}

/// One walk over a file's tree. Holds the per-file state; the extractor itself keeps none.
class CSharpWalk {
public:
    CSharpWalk(TSNode root, const SourceText& source, FileIndex& out)
        : m_root(root)
        , m_source(source)
        , m_out(out)
        , m_builder(out)
        , m_sym(SymbolTable::of(root.tree ? ts_tree_language(root.tree) : nullptr, kSymbols))
    {
        m_complexity.decisions = [this](TSNode node) { return decisionsOf(node); };
        m_complexity.isNestedScope = [this](TSNode node) {
            const Sym sym = m_sym(node);
            return isTypeDeclaration(sym) || isMemberFunction(sym);
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
    /// its body: attributes and parameters before it belong to the enclosing scope.
    struct Scope {
        ScopeKind kind = ScopeKind::Module;
        QString id;
        QString localName;
        TSNode owner {};
        TSNode body {};
        bool active = false;
        bool isInterface = false;              ///< members are public (and abstract without a body) by default
        QString className;                     ///< classes: simple name, the target of `: this(…)`
        QString firstBase;                     ///< classes: the first base, the target of `: base(…)`
        QStringList attributes;                ///< classes: fields, properties, events, enum members
        QHash<QString, QString> variableTypes; ///< members (classes), parameters and locals (functions)
        QSet<QString> typeParameters;
    };

    struct Namespace {
        TSNode owner;
        QString name; ///< full dotted name
    };

    bool enter(TSNode node);
    void leave(TSNode node);
    int decisionsOf(TSNode node) const;
    Scope& current();
    int currentIndex() const;
    QString qualified(const QString& localName) const;
    QString childLocalName(const QString& name) const;

    void onUsing(TSNode node);
    void onNamespace(TSNode node, bool fileScoped);
    void onType(TSNode node);
    void onFunction(TSNode node);
    void onField(TSNode node);
    void onLocal(TSNode declaration);
    void onCall(TSNode node);
    void onObjectCreation(TSNode node);
    void onConstructorInitializer(TSNode node);
    void finishScope();

    QJsonArray parametersOf(TSNode parameters, std::vector<std::pair<QString, TSNode>>* types) const;
    QStringList modifierWords(TSNode declaration) const;
    QStringList decoratorsOf(TSNode declaration) const;
    QStringList typeParametersOf(TSNode declaration, QSet<QString>* names) const;
    QStringList constraintsOf(TSNode declaration) const;
    QString docstringOf(TSNode declaration) const;
    QString header(TSNode declaration, TSNode stop) const;
    QString clean(TSNode node) const;
    QString typeName(TSNode type) const;
    QString receiverText(TSNode object) const;
    QString visibilityOf(const QStringList& modifiers, ScopeKind parentKind, bool inInterface) const;
    QString lookupType(const QString& name) const;
    QString memberType(const QString& name) const;
    bool isTypeParameter(const QString& name) const;
    void addUses(const QString& sourceId, TSNode type);
    void addAttributeUses(const QString& sourceId, TSNode declaration);

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
    std::vector<Namespace> m_namespaces;
    QHash<QString, QString> m_partials; ///< qualified name → id of a partial type's first part
    QSet<QString> m_usesSeen;
    QSet<QString> m_inheritsSeen;
};

void CSharpWalk::run()
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

CSharpWalk::Scope& CSharpWalk::current()
{
    return m_scopes[static_cast<size_t>(currentIndex())];
}

int CSharpWalk::currentIndex() const
{
    for (int i = static_cast<int>(m_scopes.size()) - 1; i > 0; --i) {
        if (m_scopes[static_cast<size_t>(i)].active)
            return i;
    }
    return 0;
}

QString CSharpWalk::qualified(const QString& localName) const
{
    return m_namespaces.empty() ? localName : m_namespaces.back().name + u'.' + localName;
}

QString CSharpWalk::childLocalName(const QString& name) const
{
    const QString& parent = m_scopes[static_cast<size_t>(currentIndex())].localName;
    return parent.isEmpty() ? name : parent + u'.' + name;
}

bool CSharpWalk::enter(TSNode node)
{
    const Sym sym = m_sym(node);
    // A constructor's `: base(…)` arguments already run inside it.
    Scope& top = m_scopes.back();
    if (!top.active
        && ((!ts_node_is_null(top.body) && ts_node_eq(node, top.body))
            || (sym == Sym::ConstructorInitializer && ts_node_eq(ts_node_parent(node), top.owner))))
        top.active = true;

    switch (sym) {
    case Sym::UsingDirective:
        onUsing(node);
        return false;
    case Sym::NamespaceDeclaration:
        onNamespace(node, false);
        break;
    case Sym::FileScopedNamespaceDeclaration:
        onNamespace(node, true);
        return false;
    case Sym::ClassDeclaration:
    case Sym::StructDeclaration:
    case Sym::InterfaceDeclaration:
    case Sym::RecordDeclaration:
    case Sym::EnumDeclaration:
    case Sym::DelegateDeclaration:
        onType(node);
        break;
    case Sym::EnumMemberDeclaration: {
        Scope& scope = current();
        const QString name = text(field(node, "name"));
        if (scope.kind == ScopeKind::Class && !name.isEmpty())
            scope.attributes.append(name);
        break;
    }
    case Sym::MethodDeclaration:
    case Sym::LocalFunctionStatement:
    case Sym::ConstructorDeclaration:
    case Sym::DestructorDeclaration:
    case Sym::OperatorDeclaration:
    case Sym::ConversionOperatorDeclaration:
    case Sym::PropertyDeclaration:
    case Sym::IndexerDeclaration:
    case Sym::EventDeclaration:
        onFunction(node);
        break;
    case Sym::FieldDeclaration:
    case Sym::EventFieldDeclaration:
        onField(node);
        break;
    case Sym::LocalDeclarationStatement:
        children(node, [&](TSNode child) {
            if (m_sym(child) == Sym::VariableDeclaration)
                onLocal(child);
        });
        break;
    case Sym::ForeachStatement: {
        const TSNode type = field(node, "type");
        const TSNode left = field(node, "left");
        Scope& scope = current();
        addUses(scope.id, type);
        if (m_sym(left) == Sym::Identifier) {
            const QString declared = m_sym(type) == Sym::ImplicitType ? QString() : typeName(type);
            if (declared.isEmpty())
                scope.variableTypes.remove(text(left));
            else
                scope.variableTypes.insert(text(left), declared);
        }
        break;
    }
    case Sym::CatchDeclaration:
        addUses(current().id, field(node, "type"));
        break;
    case Sym::InvocationExpression:
        onCall(node);
        break;
    case Sym::ObjectCreationExpression:
        onObjectCreation(node);
        break;
    case Sym::ConstructorInitializer:
        onConstructorInitializer(node);
        break;
    case Sym::Comment:
        return false;
    default:
        break;
    }
    return true;
}

void CSharpWalk::leave(TSNode node)
{
    while (m_scopes.size() > 1 && ts_node_eq(node, m_scopes.back().owner))
        finishScope();
    while (!m_namespaces.empty() && ts_node_eq(node, m_namespaces.back().owner))
        m_namespaces.pop_back();
}

int CSharpWalk::decisionsOf(TSNode node) const
{
    switch (m_sym(node)) {
    case Sym::IfStatement:
    case Sym::ForStatement:
    case Sym::ForeachStatement:
    case Sym::WhileStatement:
    case Sym::DoStatement:
    case Sym::CatchClause:
    case Sym::ConditionalExpression:
    case Sym::ConditionalAccessExpression:
        return 1;
    case Sym::SwitchSection: {
        // One per `case` label; several labels may share a section, `default:` adds nothing.
        int labels = 0;
        const uint32_t count = ts_node_child_count(node);
        for (uint32_t i = 0; i < count; ++i) {
            const TSNode child = ts_node_child(node, i);
            if (!ts_node_is_named(child) && isType(child, "case"))
                ++labels;
        }
        return labels;
    }
    case Sym::SwitchExpressionArm: {
        // `_ => …` is the default arm; a guarded discard (`_ when x`) still decides.
        const TSNode pattern = ts_node_named_child_count(node) > 0 ? ts_node_named_child(node, 0) : TSNode {};
        if (m_sym(pattern) != Sym::Discard)
            return 1;
        bool guarded = false;
        children(node, [&](TSNode child) { guarded = guarded || isType(child, "when_clause"); });
        return guarded ? 1 : 0;
    }
    case Sym::BinaryExpression: {
        const char* op = ts_node_type(field(node, "operator"));
        return qstrcmp(op, "&&") == 0 || qstrcmp(op, "||") == 0 || qstrcmp(op, "??") == 0 ? 1 : 0;
    }
    case Sym::AssignmentExpression:
        return qstrcmp(ts_node_type(field(node, "operator")), "?\?=") == 0 ? 1 : 0;
    default:
        return 0;
    }
}

void CSharpWalk::finishScope()
{
    Scope scope = std::move(m_scopes.back());
    m_scopes.pop_back();
    if (scope.kind != ScopeKind::Class)
        return;
    if (Node* node = m_builder.find(scope.id))
        mergeInto(node->properties, QStringLiteral("attributes"), scope.attributes);
}

void CSharpWalk::onUsing(TSNode node)
{
    TSNode target {};
    bool isGlobal = false;
    bool isStatic = false;
    const TSNode alias = field(node, "name");
    const uint32_t count = ts_node_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
        const TSNode child = ts_node_child(node, i);
        if (!ts_node_is_named(child)) {
            const char* type = ts_node_type(child);
            isGlobal = isGlobal || qstrcmp(type, "global") == 0;
            isStatic = isStatic || qstrcmp(type, "static") == 0;
        } else if (m_sym(child) != Sym::Comment && !(!ts_node_is_null(alias) && ts_node_eq(child, alias))) {
            target = child;
        }
    }
    const QString name = typeName(target);
    if (name.isEmpty())
        return;
    Reference ref = reference(Reference::Kind::Import, m_builder.moduleId(), name, target);
    if (!ts_node_is_null(alias))
        ref.details.insert(QStringLiteral("alias"), text(alias));
    if (isStatic)
        ref.details.insert(QStringLiteral("static"), true);
    if (isGlobal)
        ref.details.insert(QStringLiteral("global"), true);
    m_builder.addReference(std::move(ref));
}

void CSharpWalk::onNamespace(TSNode node, bool fileScoped)
{
    const QString name = typeName(field(node, "name"));
    if (name.isEmpty())
        return;
    const QString full = m_namespaces.empty() ? name : m_namespaces.back().name + u'.' + name;
    // A file-scoped namespace covers the rest of the file: it ends with the compilation unit.
    m_namespaces.push_back({fileScoped ? m_root : node, full});
    if (!m_out.namespaces.contains(full))
        m_out.namespaces.append(full);
}

void CSharpWalk::onType(TSNode node)
{
    const Sym sym = m_sym(node);
    const QString name = text(field(node, "name"));
    if (name.isEmpty())
        return;
    const int parentIndex = currentIndex();
    const Scope& parent = m_scopes[static_cast<size_t>(parentIndex)];
    const QString parentId = parent.id;
    const ScopeKind parentKind = parent.kind;
    const bool parentIsInterface = parent.isInterface;
    const QString localName = childLocalName(name);
    const QString qualifiedName = qualified(localName);
    const TSNode body = field(node, "body");
    const QStringList modifiers = modifierWords(node);
    const bool partial = modifiers.contains(QStringLiteral("partial"));
    const QStringList decorators = decoratorsOf(node);
    QSet<QString> typeParameterNames;
    const QStringList typeParameters = typeParametersOf(node, &typeParameterNames);

    QString id = partial ? m_partials.value(qualifiedName) : QString();
    const bool merged = !id.isEmpty();
    if (!merged) {
        Node cls;
        cls.type = NodeType::Class;
        cls.name = name;
        switch (sym) {
        case Sym::StructDeclaration:
            cls.kind = QStringLiteral("struct");
            break;
        case Sym::InterfaceDeclaration:
            cls.kind = QStringLiteral("interface");
            break;
        case Sym::RecordDeclaration:
            cls.kind = QStringLiteral("record");
            break;
        case Sym::EnumDeclaration:
            cls.kind = QStringLiteral("enum");
            break;
        default:
            cls.kind = QStringLiteral("class");
            break;
        }
        cls.qualifiedName = qualifiedName;
        FileIndexBuilder::setLocation(cls, node);
        QString signature = header(node, body);
        if (signature.endsWith(u';'))
            signature = signature.chopped(1).trimmed();
        cls.signature = signature;
        cls.docstring = docstringOf(node);
        cls.properties.insert(QStringLiteral("visibility"), visibilityOf(modifiers, parentKind, parentIsInterface));
        cls.properties.insert(QStringLiteral("is_static"), modifiers.contains(QStringLiteral("static")));
        cls.properties.insert(QStringLiteral("is_abstract"),
            modifiers.contains(QStringLiteral("abstract")) || sym == Sym::InterfaceDeclaration);
        if (partial)
            cls.properties.insert(QStringLiteral("partial"), true);
        if (sym == Sym::RecordDeclaration && hasToken(node, "struct"))
            cls.properties.insert(QStringLiteral("struct"), true);
        if (sym == Sym::DelegateDeclaration) {
            cls.properties.insert(QStringLiteral("delegate"), true);
            cls.properties.insert(QStringLiteral("return_type"), clean(field(node, "type")));
        }
        if (!typeParameters.isEmpty())
            cls.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParameters));
        const QStringList constraints = constraintsOf(node);
        if (!constraints.isEmpty())
            cls.properties.insert(QStringLiteral("constraints"), toJsonArray(constraints));
        id = m_builder.add(std::move(cls), localName, parentId);
        if (partial)
            m_partials.insert(qualifiedName, id);
    }

    Scope scope;
    scope.kind = ScopeKind::Class;
    scope.id = id;
    scope.localName = localName;
    scope.owner = node;
    scope.body = body;
    scope.isInterface = sym == Sym::InterfaceDeclaration;
    scope.className = name;
    scope.typeParameters = typeParameterNames;
    m_scopes.push_back(std::move(scope));

    QStringList bases;
    children(node, [&](TSNode child) {
        if (m_sym(child) != Sym::BaseList)
            return;
        children(child, [&](TSNode base) {
            TSNode type = base;
            if (m_sym(base) == Sym::PrimaryConstructorBaseType)
                type = field(base, "type");
            else if (m_sym(base) == Sym::Comment || isType(base, "argument_list"))
                return;
            const QString target = typeName(type);
            if (target.isEmpty())
                return;
            if (m_scopes.back().firstBase.isEmpty())
                m_scopes.back().firstBase = lastComponent(target).toString();
            bases.append(clean(type));
            if (!m_inheritsSeen.contains(id + u'\n' + target)) {
                m_inheritsSeen.insert(id + u'\n' + target);
                m_builder.addReference(reference(Reference::Kind::Inherit, id, target, type));
            }
            // Type arguments of a base are uses: `IComparable<Version>` depends on Version.
            children(type, [&](TSNode argumentList) {
                if (m_sym(argumentList) == Sym::TypeArgumentList)
                    children(argumentList, [&](TSNode argument) { addUses(id, argument); });
            });
        });
    });
    if (Node* added = m_builder.find(id)) {
        mergeInto(added->properties, QStringLiteral("bases"), bases);
        if (!decorators.isEmpty())
            mergeInto(added->properties, QStringLiteral("decorators"), decorators);
    }
    addAttributeUses(id, node);
    children(node, [&](TSNode child) {
        if (m_sym(child) == Sym::TypeParameterConstraintsClause)
            children(child, [&](TSNode constraint) {
                if (m_sym(constraint) == Sym::TypeParameterConstraint)
                    addUses(id, field(constraint, "type"));
            });
    });

    // Primary constructor parameters (records, and classes/structs since C# 12). A record's are
    // its properties; a delegate's are its signature.
    TSNode parameters = field(node, "parameters");
    if (ts_node_is_null(parameters))
        children(node, [&](TSNode child) {
            if (m_sym(child) == Sym::ParameterList)
                parameters = child;
        });
    if (ts_node_is_null(parameters))
        return;

    std::vector<std::pair<QString, TSNode>> parameterTypes;
    const QJsonArray params = parametersOf(parameters, &parameterTypes);
    if (Node* added = m_builder.find(id); added && !merged)
        added->properties.insert(QStringLiteral("parameters"), params);
    for (const auto& [parameter, type] : parameterTypes) {
        addUses(id, type);
        if (sym == Sym::RecordDeclaration)
            m_scopes.back().attributes.append(parameter);
        m_scopes.back().variableTypes.insert(parameter, typeName(type));
    }
    if (sym == Sym::DelegateDeclaration)
        addUses(id, field(node, "type"));
}

void CSharpWalk::onFunction(TSNode node)
{
    const Sym sym = m_sym(node);
    const int parentIndex = currentIndex();
    const Scope& parent = m_scopes[static_cast<size_t>(parentIndex)];
    const ScopeKind parentKind = parent.kind;
    const bool inInterface = parent.isInterface;
    const QStringList modifiers = modifierWords(node);

    QString name;
    QString kind = parentKind == ScopeKind::Class ? QStringLiteral("method") : QStringLiteral("function");
    TSNode body = field(node, "body");
    TSNode returnType = field(node, "type");
    switch (sym) {
    case Sym::MethodDeclaration:
        returnType = field(node, "returns");
        name = text(field(node, "name"));
        break;
    case Sym::ConstructorDeclaration:
        // Named after its class, whatever error recovery made of the name.
        name = parent.className.isEmpty() ? text(field(node, "name")) : parent.className;
        kind = QStringLiteral("constructor");
        break;
    case Sym::DestructorDeclaration:
        name = u'~' + (parent.className.isEmpty() ? text(field(node, "name")) : parent.className);
        break;
    case Sym::OperatorDeclaration:
        name = QStringLiteral("operator") + text(field(node, "operator"));
        break;
    case Sym::ConversionOperatorDeclaration:
        name = QStringLiteral("operator ") + clean(returnType);
        break;
    case Sym::PropertyDeclaration:
    case Sym::EventDeclaration:
        name = text(field(node, "name"));
        kind = QStringLiteral("property");
        break;
    case Sym::IndexerDeclaration:
        name = QStringLiteral("this");
        kind = QStringLiteral("property");
        break;
    default: // local functions
        name = text(field(node, "name"));
        kind = QStringLiteral("function");
        break;
    }
    if (name.isEmpty() || name == u"operator" || name == u"operator ")
        return;
    // Properties, indexers and events keep their code in accessors or an expression body.
    TSNode accessors = field(node, "accessors");
    if (ts_node_is_null(body))
        body = field(node, "value");
    const TSNode headerEnd = !ts_node_is_null(accessors) ? accessors : body;
    const QString parentId = parent.id;
    const QString localName = childLocalName(name);

    Node fn;
    fn.type = NodeType::Function;
    fn.name = name;
    fn.kind = kind;
    fn.qualifiedName = qualified(localName);
    FileIndexBuilder::setLocation(fn, node);
    QString signature = header(node, headerEnd);
    if (signature.endsWith(u';'))
        signature = signature.chopped(1).trimmed();
    fn.signature = signature;
    fn.docstring = docstringOf(node);
    if (!ts_node_is_null(accessors) || sym == Sym::IndexerDeclaration || sym == Sym::PropertyDeclaration)
        fn.complexity = mccabeComplexity(node, m_complexity);
    else
        fn.complexity = ts_node_is_null(body) ? 1 : mccabeComplexity(body, m_complexity);

    std::vector<std::pair<QString, TSNode>> parameterTypes;
    const TSNode parameters = field(node, "parameters");
    QSet<QString> typeParameterNames;
    const QStringList typeParameters = typeParametersOf(node, &typeParameterNames);
    const QStringList decorators = decoratorsOf(node);
    const bool isStatic = modifiers.contains(QStringLiteral("static"));
    if (!ts_node_is_null(parameters))
        fn.properties.insert(QStringLiteral("parameters"), parametersOf(parameters, &parameterTypes));
    // A property's type is what its getter returns.
    if (!ts_node_is_null(returnType))
        fn.properties.insert(QStringLiteral("return_type"), clean(returnType));
    fn.properties.insert(QStringLiteral("visibility"),
        sym == Sym::LocalFunctionStatement ? QStringLiteral("private")
                                           : visibilityOf(modifiers, parentKind, inInterface));
    fn.properties.insert(QStringLiteral("is_static"), isStatic);
    fn.properties.insert(QStringLiteral("is_async"), modifiers.contains(QStringLiteral("async")));
    const bool bodiless = ts_node_is_null(body) && ts_node_is_null(accessors);
    bool abstractAccessors = !ts_node_is_null(accessors);
    children(accessors,
        [&](TSNode accessor) { abstractAccessors = abstractAccessors && ts_node_is_null(field(accessor, "body")); });
    fn.properties.insert(QStringLiteral("is_abstract"),
        modifiers.contains(QStringLiteral("abstract"))
            || (inInterface && !isStatic && (bodiless || (kind == u"property" && abstractAccessors))));
    for (const char* word : {"virtual", "override", "sealed", "extern"}) {
        if (modifiers.contains(QLatin1String(word)))
            fn.properties.insert(QStringLiteral("is_") + QLatin1String(word), true);
    }
    if (sym == Sym::DestructorDeclaration)
        fn.properties.insert(QStringLiteral("is_destructor"), true);
    if (sym == Sym::EventDeclaration)
        fn.properties.insert(QStringLiteral("event"), true);
    if (sym == Sym::OperatorDeclaration || sym == Sym::ConversionOperatorDeclaration)
        fn.properties.insert(QStringLiteral("operator"), true);
    if (sym == Sym::ConversionOperatorDeclaration)
        fn.properties.insert(QStringLiteral("conversion"),
            hasToken(node, "explicit") ? QStringLiteral("explicit") : QStringLiteral("implicit"));
    children(node, [&](TSNode child) {
        if (m_sym(child) == Sym::ExplicitInterfaceSpecifier)
            children(child, [&](TSNode type) {
                if (m_sym(type) != Sym::Comment)
                    fn.properties.insert(QStringLiteral("explicit_interface"), clean(type));
            });
    });
    if (!decorators.isEmpty())
        fn.properties.insert(QStringLiteral("decorators"), toJsonArray(decorators));
    if (!typeParameters.isEmpty())
        fn.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParameters));
    const QStringList constraints = constraintsOf(node);
    if (!constraints.isEmpty())
        fn.properties.insert(QStringLiteral("constraints"), toJsonArray(constraints));

    const QString id = m_builder.add(std::move(fn), localName, parentId);
    if (kind == u"property" && parentKind == ScopeKind::Class && sym != Sym::IndexerDeclaration) {
        Scope& owner = m_scopes[static_cast<size_t>(parentIndex)];
        owner.attributes.append(name);
        owner.variableTypes.insert(name, typeName(returnType));
    }

    Scope scope;
    scope.kind = ScopeKind::Function;
    scope.id = id;
    scope.localName = localName;
    scope.owner = node;
    // Property accessors are the property's body: calls in them belong to it.
    scope.body = !ts_node_is_null(accessors) ? accessors : body;
    scope.typeParameters = typeParameterNames;
    m_scopes.push_back(std::move(scope));

    for (const auto& [parameter, type] : parameterTypes) {
        addUses(id, type);
        if (!parameter.isEmpty())
            m_scopes.back().variableTypes.insert(parameter, typeName(type));
    }
    addUses(id, returnType);
    addAttributeUses(id, node);
    children(node, [&](TSNode child) {
        if (m_sym(child) == Sym::TypeParameterConstraintsClause)
            children(child, [&](TSNode constraint) {
                if (m_sym(constraint) == Sym::TypeParameterConstraint)
                    addUses(id, field(constraint, "type"));
            });
    });
}

void CSharpWalk::onField(TSNode node)
{
    Scope& scope = current();
    if (scope.kind != ScopeKind::Class)
        return;
    children(node, [&](TSNode declaration) {
        if (m_sym(declaration) != Sym::VariableDeclaration)
            return;
        const TSNode type = field(declaration, "type");
        const QString known = typeName(type);
        children(declaration, [&](TSNode declarator) {
            if (m_sym(declarator) != Sym::VariableDeclarator)
                return;
            const QString name = text(field(declarator, "name"));
            if (name.isEmpty())
                return;
            scope.attributes.append(name);
            if (!known.isEmpty())
                scope.variableTypes.insert(name, known);
        });
        addUses(scope.id, type);
    });
    addAttributeUses(scope.id, node);
}

void CSharpWalk::onLocal(TSNode declaration)
{
    Scope& scope = current();
    const TSNode type = field(declaration, "type");
    addUses(scope.id, type);
    const bool implicit = m_sym(type) == Sym::ImplicitType;
    const QString known = implicit ? QString() : typeName(type);
    children(declaration, [&](TSNode declarator) {
        if (m_sym(declarator) != Sym::VariableDeclarator)
            return;
        const QString name = text(field(declarator, "name"));
        if (name.isEmpty())
            return;
        QString declared = known;
        if (implicit) {
            // `var x = new Foo()` states its type on the right.
            children(declarator, [&](TSNode value) {
                if (m_sym(value) == Sym::ObjectCreationExpression)
                    declared = typeName(field(value, "type"));
            });
        }
        if (declared.isEmpty())
            scope.variableTypes.remove(name);
        else
            scope.variableTypes.insert(name, declared);
    });
}

void CSharpWalk::onCall(TSNode node)
{
    const TSNode function = field(node, "function");
    TSNode nameNode {};
    TSNode object {};
    bool hasReceiver = false;
    switch (m_sym(function)) {
    case Sym::Identifier:
        nameNode = function;
        break;
    case Sym::GenericName:
        nameNode = ts_node_named_child(function, 0);
        break;
    case Sym::MemberAccessExpression:
        nameNode = field(function, "name");
        object = field(function, "expression");
        hasReceiver = true;
        break;
    case Sym::ConditionalAccessExpression: // `a?.M()`
        children(function, [&](TSNode child) {
            if (m_sym(child) == Sym::MemberBindingExpression)
                nameNode = field(child, "name");
        });
        object = field(function, "condition");
        hasReceiver = true;
        break;
    case Sym::MemberBindingExpression: { // `a?.b.M()` reaches here as `.M` bound to `a?.b`
        nameNode = field(function, "name");
        hasReceiver = true;
        for (TSNode up = ts_node_parent(node); !ts_node_is_null(up); up = ts_node_parent(up)) {
            if (m_sym(up) == Sym::ConditionalAccessExpression) {
                object = field(up, "condition");
                break;
            }
        }
        break;
    }
    default:
        return;
    }
    if (m_sym(nameNode) == Sym::GenericName)
        nameNode = ts_node_named_child(nameNode, 0);
    const QString target = text(nameNode);
    // `nameof(x)` is evaluated by the compiler, not called.
    if (target.isEmpty() || (!hasReceiver && target == u"nameof"))
        return;
    const Scope& scope = current();
    Reference ref = reference(Reference::Kind::Call, scope.id, target, nameNode);
    if (hasReceiver) {
        ref.receiver = ts_node_is_null(object) ? QStringLiteral("?") : receiverText(object);
        if (m_sym(object) == Sym::Identifier)
            ref.receiverType = lookupType(ref.receiver);
        else if (ref.receiver.startsWith(u"this.") && ref.receiver.count(u'.') == 1)
            ref.receiverType = memberType(ref.receiver.sliced(5));
    }
    m_builder.addReference(std::move(ref));
}

void CSharpWalk::onObjectCreation(TSNode node)
{
    const TSNode type = field(node, "type");
    const QString constructed = typeName(type);
    // `new T()` of a type parameter constructs whatever the caller chose.
    if (constructed.isEmpty() || isTypeParameter(constructed))
        return;
    const qsizetype dot = constructed.lastIndexOf(u'.');
    Reference ref = reference(Reference::Kind::Call, current().id, constructed.sliced(dot + 1), type);
    if (dot > 0)
        ref.receiver = constructed.first(dot);
    ref.details.insert(QStringLiteral("new"), true);
    m_builder.addReference(std::move(ref));
}

void CSharpWalk::onConstructorInitializer(TSNode node)
{
    TSNode keyword {};
    const uint32_t count = ts_node_child_count(node);
    for (uint32_t i = 0; i < count; ++i) {
        const TSNode child = ts_node_child(node, i);
        if (isType(child, "base") || isType(child, "this"))
            keyword = child;
    }
    if (ts_node_is_null(keyword))
        return;
    const bool isBase = isType(keyword, "base");
    // The initializer runs for the class whose body holds the constructor.
    QString target;
    for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
        if (it->kind == ScopeKind::Class) {
            target = isBase ? it->firstBase : it->className;
            break;
        }
    }
    if (target.isEmpty())
        return;
    Reference ref = reference(Reference::Kind::Call, current().id, target, keyword);
    ref.receiver = isBase ? QStringLiteral("super") : QStringLiteral("this");
    ref.details.insert(QStringLiteral("constructor"), true);
    m_builder.addReference(std::move(ref));
}

QJsonArray CSharpWalk::parametersOf(TSNode parameters, std::vector<std::pair<QString, TSNode>>* types) const
{
    QJsonArray result;
    const auto append
        = [&](const QString& name, TSNode type, TSNode value, const QStringList& modifiers, bool variadic) {
              QJsonObject object {{QStringLiteral("name"), name}};
              if (!ts_node_is_null(type))
                  object.insert(QStringLiteral("type"), clean(type));
              if (!ts_node_is_null(value))
                  object.insert(QStringLiteral("default"), clean(value));
              if (variadic)
                  object.insert(QStringLiteral("variadic"), true);
              if (!modifiers.isEmpty())
                  object.insert(QStringLiteral("modifier"), modifiers.join(u' '));
              result.append(object);
              if (types && !ts_node_is_null(type))
                  types->emplace_back(name, type);
          };
    // A `params` parameter is not wrapped in a parameter node: its type and name are fields of the
    // list itself.
    TSNode paramsType {};
    TSTreeCursor cursor = ts_tree_cursor_new(parameters);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            const TSNode child = ts_tree_cursor_current_node(&cursor);
            const char* fieldName = ts_tree_cursor_current_field_name(&cursor);
            if (fieldName && qstrcmp(fieldName, "type") == 0) {
                paramsType = child;
            } else if (fieldName && qstrcmp(fieldName, "name") == 0) {
                append(text(child), paramsType, TSNode {}, {}, true);
                paramsType = TSNode {};
            } else if (m_sym(child) == Sym::Parameter) {
                TSNode value {};
                QStringList modifiers;
                children(child, [&](TSNode part) {
                    const Sym sym = m_sym(part);
                    if (sym == Sym::Modifier)
                        modifiers.append(text(part));
                    else if (sym != Sym::AttributeList && sym != Sym::Comment && !ts_node_eq(part, field(child, "type"))
                        && !ts_node_eq(part, field(child, "name")))
                        value = part;
                });
                append(text(field(child, "name")), field(child, "type"), value, modifiers, false);
            }
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    return result;
}

QStringList CSharpWalk::modifierWords(TSNode declaration) const
{
    QStringList words;
    children(declaration, [&](TSNode child) {
        if (m_sym(child) == Sym::Modifier)
            words.append(text(child));
    });
    return words;
}

QStringList CSharpWalk::decoratorsOf(TSNode declaration) const
{
    QStringList decorators;
    children(declaration, [&](TSNode list) {
        if (m_sym(list) != Sym::AttributeList)
            return;
        QString target;
        children(list, [&](TSNode child) {
            if (m_sym(child) == Sym::AttributeTargetSpecifier)
                target = clean(child) + u' ';
            else if (m_sym(child) == Sym::Attribute)
                decorators.append(target + clean(child));
        });
    });
    return decorators;
}

QStringList CSharpWalk::typeParametersOf(TSNode declaration, QSet<QString>* names) const
{
    QStringList result;
    children(declaration, [&](TSNode list) {
        if (m_sym(list) != Sym::TypeParameterList)
            return;
        children(list, [&](TSNode parameter) {
            if (m_sym(parameter) != Sym::TypeParameter)
                return;
            result.append(clean(parameter));
            names->insert(text(field(parameter, "name")));
        });
    });
    return result;
}

QStringList CSharpWalk::constraintsOf(TSNode declaration) const
{
    QStringList result;
    children(declaration, [&](TSNode child) {
        if (m_sym(child) == Sym::TypeParameterConstraintsClause)
            result.append(clean(child));
    });
    return result;
}

QString CSharpWalk::docstringOf(TSNode declaration) const
{
    // A run of `///` lines ending right above the declaration (attributes are part of it).
    QStringList lines;
    uint32_t nextRow = ts_node_start_point(declaration).row;
    for (TSNode comment = ts_node_prev_named_sibling(declaration);
         m_sym(comment) == Sym::Comment && ts_node_end_point(comment).row + 1 >= nextRow;
         comment = ts_node_prev_named_sibling(comment)) {
        const QString line = text(comment);
        if (!line.startsWith(u"///"))
            break;
        lines.prepend(line.sliced(3));
        nextRow = ts_node_start_point(comment).row;
    }
    return lines.isEmpty() ? QString() : xmlDocSummary(lines.join(u'\n'));
}

QString CSharpWalk::header(TSNode declaration, TSNode stop) const
{
    // The declaration as it reads up to its body, without attributes (they are decorators) and
    // comments, on one line.
    const uint32_t start = ts_node_start_byte(declaration);
    const uint32_t end = ts_node_is_null(stop) ? ts_node_end_byte(declaration) : ts_node_start_byte(stop);
    std::vector<std::pair<uint32_t, uint32_t>> skipped;
    children(declaration, [&](TSNode child) {
        if (m_sym(child) == Sym::AttributeList || m_sym(child) == Sym::Comment)
            skipped.emplace_back(ts_node_start_byte(child), ts_node_end_byte(child));
    });
    const QByteArrayView bytes
        = QByteArrayView(m_source.bytes()).sliced(std::min<qsizetype>(start, m_source.bytes().size()));
    const QByteArrayView headerBytes = bytes.first(std::min<qsizetype>(end - start, bytes.size()));
    if (headerBytes.contains("//") || headerBytes.contains("/*")) {
        walkTree(declaration, [&](TSNode node) {
            if (ts_node_start_byte(node) >= end)
                return false;
            if (m_sym(node) == Sym::Comment) {
                skipped.emplace_back(ts_node_start_byte(node), ts_node_end_byte(node));
                return false;
            }
            return true;
        });
    }
    std::sort(skipped.begin(), skipped.end());
    QString result;
    uint32_t position = start;
    for (const auto& [from, to] : skipped) {
        if (from >= end)
            break;
        if (from > position)
            result += m_source.slice(position, from) + u' ';
        position = std::max(position, to);
    }
    if (position < end)
        result += m_source.slice(position, end);
    return result.simplified();
}

QString CSharpWalk::clean(TSNode node) const
{
    if (ts_node_is_null(node))
        return {};
    const QByteArrayView view = m_source.view(node);
    if (!view.contains("//") && !view.contains("/*"))
        return QString::fromUtf8(view).simplified();
    return header(node, TSNode {});
}

QString CSharpWalk::typeName(TSNode type) const
{
    // `global::System.Collections.Generic.List<int>[]?` → "System.Collections.Generic.List": the
    // type's own identifiers in order, without type arguments, `global::` or decorations.
    QStringList parts;
    walkTree(type, [&](TSNode node) {
        const Sym sym = m_sym(node);
        if (sym == Sym::TypeArgumentList || sym == Sym::Comment || isType(node, "array_rank_specifier"))
            return false;
        if (sym == Sym::AliasQualifiedName) {
            const TSNode alias = field(node, "alias");
            if (text(alias) != u"global")
                parts.append(text(alias));
            walkTree(field(node, "name"), [&](TSNode inner) {
                if (m_sym(inner) == Sym::Identifier) {
                    parts.append(text(inner));
                    return false;
                }
                return m_sym(inner) != Sym::TypeArgumentList;
            });
            return false;
        }
        if (sym == Sym::Identifier) {
            parts.append(text(node));
            return false;
        }
        return sym == Sym::QualifiedName || sym == Sym::GenericName || isType(node, "nullable_type")
            || isType(node, "array_type") || isType(node, "pointer_type") || isType(node, "ref_type")
            || isType(node, "scoped_type");
    });
    return parts.join(u'.');
}

QString CSharpWalk::receiverText(TSNode object) const
{
    // Built from the call outward to the chain's root without recursion; calls in the chain read
    // as "Name()" without their arguments.
    QStringList parts;
    qsizetype length = 0;
    TSNode at = object;
    bool truncated = false;
    for (;;) {
        const Sym sym = m_sym(at);
        if (sym == Sym::Identifier || sym == Sym::PredefinedType || isType(at, "this")) {
            parts.append(text(at));
            break;
        }
        if (isType(at, "base")) {
            parts.append(QStringLiteral("super"));
            break;
        }
        if (sym == Sym::GenericName) {
            parts.append(text(ts_node_named_child(at, 0)));
            break;
        }
        if (sym == Sym::QualifiedName || sym == Sym::AliasQualifiedName) {
            parts.append(typeName(at));
            break;
        }
        if (sym == Sym::MemberAccessExpression) {
            TSNode name = field(at, "name");
            if (m_sym(name) == Sym::GenericName)
                name = ts_node_named_child(name, 0);
            parts.append(u'.' + text(name));
            at = field(at, "expression");
        } else if (sym == Sym::InvocationExpression && m_sym(field(at, "function")) == Sym::MemberAccessExpression) {
            const TSNode function = field(at, "function");
            TSNode name = field(function, "name");
            if (m_sym(name) == Sym::GenericName)
                name = ts_node_named_child(name, 0);
            parts.append(u'.' + text(name) + QStringLiteral("()"));
            at = field(function, "expression");
        } else if (sym == Sym::InvocationExpression && m_sym(field(at, "function")) == Sym::Identifier) {
            parts.append(text(field(at, "function")) + QStringLiteral("()"));
            break;
        } else {
            const uint32_t from = ts_node_start_byte(at);
            const uint32_t to = std::min(ts_node_end_byte(at), from + static_cast<uint32_t>(kMaxReceiverChars));
            parts.append(m_source.slice(from, to).simplified());
            break;
        }
        if (ts_node_is_null(at)) {
            parts.append(QStringLiteral("?"));
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

QString CSharpWalk::visibilityOf(const QStringList& modifiers, ScopeKind parentKind, bool inInterface) const
{
    const bool isPublic = modifiers.contains(QStringLiteral("public"));
    const bool isPrivate = modifiers.contains(QStringLiteral("private"));
    const bool isProtected = modifiers.contains(QStringLiteral("protected"));
    const bool isInternal = modifiers.contains(QStringLiteral("internal"));
    if (isPublic)
        return QStringLiteral("public");
    if (isProtected && isInternal)
        return QStringLiteral("protected internal");
    if (isPrivate && isProtected)
        return QStringLiteral("private protected");
    if (isProtected)
        return QStringLiteral("protected");
    if (isInternal)
        return QStringLiteral("internal");
    if (isPrivate)
        return QStringLiteral("private");
    // Defaults: interface members are public, other members private, top-level types internal.
    if (inInterface)
        return QStringLiteral("public");
    return parentKind == ScopeKind::Module ? QStringLiteral("internal") : QStringLiteral("private");
}

QString CSharpWalk::lookupType(const QString& name) const
{
    for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
        const auto found = it->variableTypes.constFind(name);
        if (found != it->variableTypes.constEnd())
            return *found;
    }
    return {};
}

QString CSharpWalk::memberType(const QString& name) const
{
    for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
        if (it->kind == ScopeKind::Class)
            return it->variableTypes.value(name);
    }
    return {};
}

bool CSharpWalk::isTypeParameter(const QString& name) const
{
    return std::any_of(
        m_scopes.begin(), m_scopes.end(), [&](const Scope& scope) { return scope.typeParameters.contains(name); });
}

void CSharpWalk::addUses(const QString& sourceId, TSNode type)
{
    // Every type a type expression mentions, type arguments and tuple elements included
    // (`Dictionary<Key, List<Value>>` uses Dictionary, Key, List and Value). Explicit stack: type
    // arguments nest arbitrarily deep.
    std::vector<TSNode> stack {type};
    while (!stack.empty()) {
        const TSNode node = stack.back();
        stack.pop_back();
        if (ts_node_is_null(node))
            continue;
        const Sym sym = m_sym(node);
        switch (sym) {
        case Sym::Identifier:
        case Sym::QualifiedName:
        case Sym::AliasQualifiedName:
        case Sym::GenericName: {
            const QString target = typeName(node);
            const bool skipped = target.isEmpty() || isBuiltinType(target) || isTypeParameter(target);
            if (!skipped && !m_usesSeen.contains(sourceId + u'\n' + target)) {
                m_usesSeen.insert(sourceId + u'\n' + target);
                m_builder.addReference(reference(Reference::Kind::Use, sourceId, target, node));
            }
            // The name's own parts are done; its type arguments are types of their own.
            walkTree(node, [&](TSNode inner) {
                if (m_sym(inner) != Sym::TypeArgumentList)
                    return true;
                children(inner, [&](TSNode argument) { stack.push_back(argument); });
                return false;
            });
            break;
        }
        case Sym::PredefinedType:
        case Sym::ImplicitType:
        case Sym::Comment:
            break;
        default:
            // Tuple elements name their values: only the element's type is a type.
            if (isType(node, "tuple_element"))
                stack.push_back(field(node, "type"));
            else if (!isType(node, "array_rank_specifier"))
                children(node, [&](TSNode child) { stack.push_back(child); });
            break;
        }
    }
}

void CSharpWalk::addAttributeUses(const QString& sourceId, TSNode declaration)
{
    children(declaration, [&](TSNode list) {
        if (m_sym(list) != Sym::AttributeList)
            return;
        children(list, [&](TSNode attribute) {
            if (m_sym(attribute) != Sym::Attribute)
                return;
            const TSNode name = field(attribute, "name");
            const QString target = typeName(name);
            if (!target.isEmpty() && !m_usesSeen.contains(sourceId + u'\n' + target)) {
                m_usesSeen.insert(sourceId + u'\n' + target);
                m_builder.addReference(reference(Reference::Kind::Use, sourceId, target, name));
            }
        });
    });
}

} // namespace

void CSharpExtractor::extract(TSNode root, const SourceText& source, FileIndex& out) const
{
    if (ts_node_is_null(root) || out.nodes.isEmpty())
        return;
    CSharpWalk walk(root, source, out);
    walk.run();
}

} // namespace mu::parse
