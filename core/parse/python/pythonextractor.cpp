#include "parse/python/pythonextractor.h"

#include "parse/complexity.h"
#include "parse/symbolmap.h"
#include "parse/treewalk.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <optional>
#include <vector>

namespace mu::parse {

namespace {

/// The grammar symbols the extractor looks at. Dispatching on a per-file symbol table instead of
/// comparing ts_node_type() strings keeps the walk cheap on large files.
enum class Sym : quint8 {
    Other,
    Error,
    Module,
    ClassDefinition,
    FunctionDefinition,
    DecoratedDefinition,
    Decorator,
    Block,
    ExpressionStatement,
    Call,
    Attribute,
    Identifier,
    Subscript,
    GenericType,
    TypeParameter,
    Type,
    Assignment,
    AugmentedAssignment,
    ImportStatement,
    ImportFromStatement,
    FutureImportStatement,
    DottedName,
    AliasedImport,
    RelativeImport,
    ImportPrefix,
    WildcardImport,
    String,
    StringStart,
    StringEnd,
    Interpolation,
    ConcatenatedString,
    Comment,
    LineContinuation,
    Lambda,
    Parameters,
    LambdaParameters,
    TypedParameter,
    DefaultParameter,
    TypedDefaultParameter,
    ListSplatPattern,
    DictionarySplatPattern,
    KeywordSeparator,
    PositionalSeparator,
    PatternList,
    TuplePattern,
    ListPattern,
    ArgumentList,
    KeywordArgument,
    ListSplat,
    DictionarySplat,
    List,
    Tuple,
    BinaryOperator,
    UnionType,
    MemberType,
    None,
    IfStatement,
    ElifClause,
    ForStatement,
    WhileStatement,
    ExceptClause,
    ExceptGroupClause,
    ConditionalExpression,
    BooleanOperator,
    ForInClause,
    IfClause,
    CaseClause,
    NamedExpression,
    AsPattern,
    AsPatternTarget,
};

using SymName = SymbolName<Sym>;

constexpr SymName kSymbols[] = {
    {"module", Sym::Module},
    {"class_definition", Sym::ClassDefinition},
    {"function_definition", Sym::FunctionDefinition},
    {"decorated_definition", Sym::DecoratedDefinition},
    {"decorator", Sym::Decorator},
    {"block", Sym::Block},
    {"expression_statement", Sym::ExpressionStatement},
    {"call", Sym::Call},
    {"attribute", Sym::Attribute},
    {"identifier", Sym::Identifier},
    {"subscript", Sym::Subscript},
    {"generic_type", Sym::GenericType},
    {"type_parameter", Sym::TypeParameter},
    {"type", Sym::Type},
    {"assignment", Sym::Assignment},
    {"augmented_assignment", Sym::AugmentedAssignment},
    {"import_statement", Sym::ImportStatement},
    {"import_from_statement", Sym::ImportFromStatement},
    {"future_import_statement", Sym::FutureImportStatement},
    {"dotted_name", Sym::DottedName},
    {"aliased_import", Sym::AliasedImport},
    {"relative_import", Sym::RelativeImport},
    {"import_prefix", Sym::ImportPrefix},
    {"wildcard_import", Sym::WildcardImport},
    {"string", Sym::String},
    {"string_start", Sym::StringStart},
    {"string_end", Sym::StringEnd},
    {"interpolation", Sym::Interpolation},
    {"concatenated_string", Sym::ConcatenatedString},
    {"comment", Sym::Comment},
    {"line_continuation", Sym::LineContinuation},
    {"lambda", Sym::Lambda},
    {"parameters", Sym::Parameters},
    {"lambda_parameters", Sym::LambdaParameters},
    {"typed_parameter", Sym::TypedParameter},
    {"default_parameter", Sym::DefaultParameter},
    {"typed_default_parameter", Sym::TypedDefaultParameter},
    {"list_splat_pattern", Sym::ListSplatPattern},
    {"dictionary_splat_pattern", Sym::DictionarySplatPattern},
    {"keyword_separator", Sym::KeywordSeparator},
    {"positional_separator", Sym::PositionalSeparator},
    {"pattern_list", Sym::PatternList},
    {"tuple_pattern", Sym::TuplePattern},
    {"list_pattern", Sym::ListPattern},
    {"argument_list", Sym::ArgumentList},
    {"keyword_argument", Sym::KeywordArgument},
    {"list_splat", Sym::ListSplat},
    {"dictionary_splat", Sym::DictionarySplat},
    {"list", Sym::List},
    {"tuple", Sym::Tuple},
    {"binary_operator", Sym::BinaryOperator},
    {"union_type", Sym::UnionType},
    {"member_type", Sym::MemberType},
    {"none", Sym::None},
    {"if_statement", Sym::IfStatement},
    {"elif_clause", Sym::ElifClause},
    {"for_statement", Sym::ForStatement},
    {"while_statement", Sym::WhileStatement},
    {"except_clause", Sym::ExceptClause},
    {"except_group_clause", Sym::ExceptGroupClause},
    {"conditional_expression", Sym::ConditionalExpression},
    {"boolean_operator", Sym::BooleanOperator},
    {"for_in_clause", Sym::ForInClause},
    {"if_clause", Sym::IfClause},
    {"case_clause", Sym::CaseClause},
    {"named_expression", Sym::NamedExpression},
    {"as_pattern", Sym::AsPattern},
    {"as_pattern_target", Sym::AsPatternTarget},
};

using SymbolTable = SymbolMap<Sym>;

// Receivers longer than this are opaque to the resolver anyway; capping them keeps long method
// chains (builder patterns, generated code) linear instead of quadratic.
constexpr qsizetype kMaxReceiverChars = 200;

bool isIdentifierText(QStringView text)
{
    if (text.isEmpty())
        return false;
    if (!(text.front().isLetter() || text.front() == u'_'))
        return false;
    return std::all_of(text.begin(), text.end(), [](QChar c) { return c.isLetterOrNumber() || c == u'_'; });
}

bool isDottedNameText(QStringView text)
{
    if (text.isEmpty())
        return false;
    for (QStringView part : text.split(u'.')) {
        if (!isIdentifierText(part))
            return false;
    }
    return true;
}

QStringView lastComponent(QStringView dotted)
{
    const qsizetype dot = dotted.lastIndexOf(u'.');
    return dot < 0 ? dotted : dotted.sliced(dot + 1);
}

QString visibilityOf(QStringView name)
{
    if (name.startsWith(u"__") && name.endsWith(u"__") && name.size() > 4)
        return QStringLiteral("public");
    if (name.startsWith(u"__"))
        return QStringLiteral("private");
    if (name.startsWith(u'_'))
        return QStringLiteral("protected");
    return QStringLiteral("public");
}

bool isEnumBase(QStringView name)
{
    static const QStringList kEnumBases = {QStringLiteral("Enum"), QStringLiteral("IntEnum"), QStringLiteral("StrEnum"),
        QStringLiteral("Flag"), QStringLiteral("IntFlag")};
    return kEnumBases.contains(lastComponent(name));
}

bool isProtocolBase(QStringView name)
{
    return lastComponent(name) == u"Protocol";
}

bool isPropertyDecorator(QStringView decorator)
{
    // "@name.setter" and friends extend a property; the bare decorators define one.
    const QStringView last = lastComponent(decorator);
    if (decorator.contains(u'.') && (last == u"setter" || last == u"getter" || last == u"deleter"))
        return true;
    return last == u"property" || last == u"cached_property" || last == u"abstractproperty";
}

QJsonArray toJsonArray(const QStringList& list)
{
    QJsonArray array;
    for (const QString& item : list)
        array.append(item);
    return array;
}

/// One walk over a file's tree. Holds the per-file state; the extractor itself keeps none.
class PythonWalk {
public:
    PythonWalk(TSNode root, const SourceText& source, FileIndex& out)
        : m_root(root)
        , m_source(source)
        , m_out(out)
        , m_builder(out)
        , m_sym(SymbolTable::of(root.tree ? ts_tree_language(root.tree) : nullptr, kSymbols))
    {
        m_complexity.decisions = [this](TSNode node) { return decisionsOf(node); };
        m_complexity.isNestedScope = [this](TSNode node) {
            const Sym s = m_sym(node);
            return s == Sym::FunctionDefinition || s == Sym::ClassDefinition || s == Sym::DecoratedDefinition;
        };
    }

    void run();

private:
    enum class ScopeKind {
        Module,
        Class,
        Function
    };

    /// A definition whose body is being walked. A scope becomes active when the walk reaches its
    /// body: decorators, base classes and default values before it belong to the enclosing scope.
    struct Scope {
        ScopeKind kind = ScopeKind::Module;
        QString id;
        QString localName;
        TSNode owner {};
        TSNode body {};
        bool active = false;
        // Functions
        int classIndex = -1; ///< index of the class scope for methods, else -1
        bool isInit = false;
        QString selfName; ///< first parameter of a non-static method
        QHash<QString, QString> localTypes;
        // Classes
        QStringList attributes;
        QSet<QString> attributeSet;
        QHash<QString, QString> attributeTypes;
        QSet<QString> annotatedAttributes;
        std::vector<std::pair<qsizetype, QString>> selfAttributeCalls; ///< (reference index, attribute)
    };

    struct TypeCheckingBlock {
        TSNode ifStatement;
        TSNode consequence;
    };

    bool enter(TSNode node);
    void leave(TSNode node);

    int decisionsOf(TSNode node) const;
    Scope& current();
    int currentIndex() const;

    void onClass(TSNode node);
    void onFunction(TSNode node);
    void onNamedLambda(TSNode assignment, const QString& name, TSNode lambda);
    void onAssignment(TSNode node);
    void onAugmentedAssignment(TSNode node);
    void onCall(TSNode node);
    void onImport(TSNode node);
    void onImportFrom(TSNode node);
    void onDynamicImport(TSNode call, TSNode arguments);
    void onErrorRegion(TSNode node);
    void finishScope();

    QJsonArray parametersOf(TSNode parameters, QStringList* texts, QStringList* firstNames,
        std::vector<std::pair<QString, TSNode>>* annotations) const;
    QStringList decoratorsOf(TSNode decorated) const;
    QStringList typeParametersOf(TSNode typeParameters) const;
    QString docstringOf(TSNode block) const;
    std::optional<QString> stringContent(TSNode string) const;
    std::optional<QString> dottedName(TSNode node) const;
    std::optional<QString> baseName(TSNode node) const;
    QString annotatedType(TSNode type) const;
    std::optional<QString> constructedType(TSNode value) const;
    QString receiverText(TSNode object) const;
    QString clean(TSNode node) const;
    QString capped(TSNode node) const;
    void addUses(const QString& sourceId, TSNode type);
    void addAttribute(Scope& cls, const QString& name, const QString& type, bool annotated);
    void forgetTargets(Scope& scope, TSNode target);
    void setAll(TSNode value, bool append);

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
    TSNode m_decorated {};
    std::vector<TypeCheckingBlock> m_typeChecking;
    std::vector<TSNode> m_recoveredHeaders; ///< calls that are really `def name(…)` headers
    int m_typeCheckingDepth = 0;
    QSet<QString> m_usesSeen;
    std::optional<QStringList> m_all;
    bool m_allValid = true;
};

void PythonWalk::run()
{
    Node& module = m_builder.module();
    if (m_out.path == u"__init__.py" || m_out.path.endsWith(u"/__init__.py"))
        module.kind = QStringLiteral("package");
    module.docstring = docstringOf(m_root);

    Scope moduleScope;
    moduleScope.kind = ScopeKind::Module;
    moduleScope.id = m_builder.moduleId();
    moduleScope.owner = m_root;
    moduleScope.active = true;
    m_scopes.push_back(std::move(moduleScope));

    walkTree(
        m_root, [this](TSNode node) { return enter(node); }, [this](TSNode node) { leave(node); });

    if (m_all && m_allValid)
        m_builder.module().properties.insert(QStringLiteral("all"), toJsonArray(*m_all));
}

PythonWalk::Scope& PythonWalk::current()
{
    return m_scopes[static_cast<size_t>(currentIndex())];
}

int PythonWalk::currentIndex() const
{
    for (int i = static_cast<int>(m_scopes.size()) - 1; i > 0; --i) {
        if (m_scopes[static_cast<size_t>(i)].active)
            return i;
    }
    return 0;
}

bool PythonWalk::enter(TSNode node)
{
    Scope& top = m_scopes.back();
    if (!top.active && ts_node_eq(node, top.body))
        top.active = true;

    switch (m_sym(node)) {
    case Sym::DecoratedDefinition:
        m_decorated = node;
        break;
    case Sym::ClassDefinition:
        onClass(node);
        break;
    case Sym::FunctionDefinition:
        onFunction(node);
        break;
    case Sym::Call:
        onCall(node);
        break;
    case Sym::Assignment:
        onAssignment(node);
        break;
    case Sym::AugmentedAssignment:
        onAugmentedAssignment(node);
        break;
    case Sym::ImportStatement:
        onImport(node);
        return false;
    case Sym::ImportFromStatement:
        onImportFrom(node);
        return false;
    case Sym::FutureImportStatement:
        // A compiler directive, not a dependency.
        return false;
    case Sym::ForStatement:
        forgetTargets(current(), field(node, "left"));
        break;
    case Sym::NamedExpression:
        forgetTargets(current(), field(node, "name"));
        break;
    case Sym::AsPattern:
        forgetTargets(current(), field(node, "alias"));
        break;
    case Sym::IfStatement: {
        const QString condition = clean(field(node, "condition"));
        if (condition == u"TYPE_CHECKING" || condition == u"typing.TYPE_CHECKING")
            m_typeChecking.push_back({node, field(node, "consequence")});
        break;
    }
    case Sym::Block:
        if (!m_typeChecking.empty() && ts_node_eq(node, m_typeChecking.back().consequence))
            ++m_typeCheckingDepth;
        break;
    case Sym::Error:
        onErrorRegion(node);
        break;
    case Sym::Comment:
        return false;
    default:
        break;
    }
    return true;
}

void PythonWalk::leave(TSNode node)
{
    while (m_scopes.size() > 1 && ts_node_eq(node, m_scopes.back().owner))
        finishScope();
    const Sym sym = m_sym(node);
    if (sym == Sym::Block && !m_typeChecking.empty() && ts_node_eq(node, m_typeChecking.back().consequence))
        --m_typeCheckingDepth;
    else if (sym == Sym::IfStatement && !m_typeChecking.empty() && ts_node_eq(node, m_typeChecking.back().ifStatement))
        m_typeChecking.pop_back();
}

int PythonWalk::decisionsOf(TSNode node) const
{
    switch (m_sym(node)) {
    case Sym::IfStatement:
    case Sym::ElifClause:
    case Sym::ForStatement:
    case Sym::WhileStatement:
    case Sym::ExceptClause:
    case Sym::ExceptGroupClause:
    case Sym::ConditionalExpression:
    case Sym::BooleanOperator:
    case Sym::ForInClause:
    case Sym::IfClause:
        return 1;
    case Sym::CaseClause:
        // A case guard is an if_clause node too; it is part of its arm, not a decision of its own.
        return ts_node_is_null(field(node, "guard")) ? 1 : 0;
    default:
        return 0;
    }
}

void PythonWalk::finishScope()
{
    Scope scope = std::move(m_scopes.back());
    m_scopes.pop_back();
    if (scope.kind != ScopeKind::Class)
        return;
    if (Node* node = m_builder.find(scope.id))
        node->properties.insert(QStringLiteral("attributes"), toJsonArray(scope.attributes));
    for (const auto& [index, attribute] : scope.selfAttributeCalls) {
        const auto type = scope.attributeTypes.constFind(attribute);
        if (type != scope.attributeTypes.constEnd())
            m_out.references[index].receiverType = *type;
    }
}

void PythonWalk::onClass(TSNode node)
{
    const TSNode nameNode = field(node, "name");
    const QString name = m_source.text(nameNode);
    if (ts_node_is_null(nameNode) || name.isEmpty())
        return;
    const int parentIndex = currentIndex();
    const QString parentId = m_scopes[static_cast<size_t>(parentIndex)].id;
    const QString parentLocal = m_scopes[static_cast<size_t>(parentIndex)].localName;
    const QString localName = parentLocal.isEmpty() ? name : parentLocal + u'.' + name;

    const bool decorated = !ts_node_is_null(m_decorated) && ts_node_eq(field(m_decorated, "definition"), node);
    const TSNode typeParameters = field(node, "type_parameters");
    const TSNode superclasses = field(node, "superclasses");
    const TSNode body = field(node, "body");

    Node cls;
    cls.type = NodeType::Class;
    cls.kind = QStringLiteral("class");
    cls.name = name;
    FileIndexBuilder::setLocation(cls, decorated ? m_decorated : node);

    QStringList bases;
    QStringList argumentTexts;
    std::vector<std::pair<QString, TSNode>> inherits;
    QString metaclass;
    if (!ts_node_is_null(superclasses)) {
        forEachNamedChild(superclasses, [&](TSNode argument) {
            const Sym sym = m_sym(argument);
            if (sym == Sym::Comment)
                return;
            argumentTexts.append(clean(argument));
            if (sym == Sym::KeywordArgument) {
                if (m_source.text(field(argument, "name")) == u"metaclass")
                    metaclass = clean(field(argument, "value"));
                return;
            }
            if (sym == Sym::ListSplat || sym == Sym::DictionarySplat)
                return;
            bases.append(clean(argument));
            if (const auto base = baseName(argument))
                inherits.emplace_back(*base, argument);
        });
    }
    for (const auto& [base, at] : inherits) {
        if (isEnumBase(base)) {
            cls.kind = QStringLiteral("enum");
            break;
        }
        if (isProtocolBase(base))
            cls.kind = QStringLiteral("interface");
    }

    QString signature = QStringLiteral("class ") + name;
    if (!ts_node_is_null(typeParameters))
        signature += clean(typeParameters);
    if (!ts_node_is_null(superclasses))
        signature += u'(' + argumentTexts.join(QStringLiteral(", ")) + u')';
    cls.signature = signature;
    cls.docstring = docstringOf(body);
    cls.complexity = 0;

    cls.properties.insert(QStringLiteral("bases"), toJsonArray(bases));
    cls.properties.insert(QStringLiteral("attributes"), QJsonArray());
    if (decorated) {
        const QStringList decorators = decoratorsOf(m_decorated);
        if (!decorators.isEmpty())
            cls.properties.insert(QStringLiteral("decorators"), toJsonArray(decorators));
    }
    if (!metaclass.isEmpty())
        cls.properties.insert(QStringLiteral("metaclass"), metaclass);
    const QStringList typeParams = typeParametersOf(typeParameters);
    if (!typeParams.isEmpty())
        cls.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParams));

    const QString id = m_builder.add(std::move(cls), localName, parentId);
    for (const auto& [base, at] : inherits)
        m_builder.addReference(reference(Reference::Kind::Inherit, id, base, at));

    Scope scope;
    scope.kind = ScopeKind::Class;
    scope.id = id;
    scope.localName = localName;
    scope.owner = node;
    scope.body = body;
    m_scopes.push_back(std::move(scope));
}

void PythonWalk::onFunction(TSNode node)
{
    const TSNode nameNode = field(node, "name");
    const QString name = m_source.text(nameNode);
    if (ts_node_is_null(nameNode) || name.isEmpty())
        return;
    const int parentIndex = currentIndex();
    const Scope& parent = m_scopes[static_cast<size_t>(parentIndex)];
    const QString parentId = parent.id;
    const QString localName = parent.localName.isEmpty() ? name : parent.localName + u'.' + name;
    const bool inClass = parent.kind == ScopeKind::Class;

    const bool decorated = !ts_node_is_null(m_decorated) && ts_node_eq(field(m_decorated, "definition"), node);
    const QStringList decorators = decorated ? decoratorsOf(m_decorated) : QStringList();
    const TSNode parameters = field(node, "parameters");
    const TSNode returnType = field(node, "return_type");
    const TSNode typeParameters = field(node, "type_parameters");
    const TSNode body = field(node, "body");

    bool isAsync = false;
    {
        TSTreeCursor cursor = ts_tree_cursor_new(node);
        if (ts_tree_cursor_goto_first_child(&cursor))
            isAsync = qstrcmp(ts_node_type(ts_tree_cursor_current_node(&cursor)), "async") == 0;
        ts_tree_cursor_delete(&cursor);
    }
    bool isStatic = false;
    bool isClassMethod = false;
    bool isProperty = false;
    for (const QString& decorator : decorators) {
        // Decorators with arguments are named by their callee.
        const QStringView callee
            = QStringView(decorator).first(decorator.indexOf(u'(') < 0 ? decorator.size() : decorator.indexOf(u'('));
        isStatic = isStatic || callee == u"staticmethod";
        isClassMethod = isClassMethod || callee == u"classmethod";
        isProperty = isProperty || (inClass && isPropertyDecorator(callee));
    }

    QStringList parameterTexts;
    QStringList parameterNames;
    std::vector<std::pair<QString, TSNode>> annotations;
    const QJsonArray params = ts_node_is_null(parameters)
        ? QJsonArray()
        : parametersOf(parameters, &parameterTexts, &parameterNames, &annotations);

    Node fn;
    fn.type = NodeType::Function;
    fn.name = name;
    if (inClass && name == u"__init__")
        fn.kind = QStringLiteral("constructor");
    else if (isProperty)
        fn.kind = QStringLiteral("property");
    else if (inClass)
        fn.kind = QStringLiteral("method");
    else
        fn.kind = QStringLiteral("function");
    FileIndexBuilder::setLocation(fn, decorated ? m_decorated : node);

    QString signature = (isAsync ? QStringLiteral("async def ") : QStringLiteral("def ")) + name;
    if (!ts_node_is_null(typeParameters))
        signature += clean(typeParameters);
    signature += u'(' + parameterTexts.join(QStringLiteral(", ")) + u')';
    if (!ts_node_is_null(returnType))
        signature += QStringLiteral(" -> ") + clean(returnType);
    fn.signature = signature;
    fn.docstring = docstringOf(body);
    fn.complexity = ts_node_is_null(body) ? 1 : mccabeComplexity(body, m_complexity);

    fn.properties.insert(QStringLiteral("parameters"), params);
    if (!ts_node_is_null(returnType))
        fn.properties.insert(QStringLiteral("return_type"), clean(returnType));
    if (!decorators.isEmpty())
        fn.properties.insert(QStringLiteral("decorators"), toJsonArray(decorators));
    const QStringList typeParams = typeParametersOf(typeParameters);
    if (!typeParams.isEmpty())
        fn.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParams));
    fn.properties.insert(QStringLiteral("is_async"), isAsync);
    fn.properties.insert(QStringLiteral("is_static"), isStatic);
    fn.properties.insert(QStringLiteral("is_classmethod"), isClassMethod);
    fn.properties.insert(QStringLiteral("is_property"), isProperty);
    fn.properties.insert(QStringLiteral("visibility"), visibilityOf(name));

    const QString id = m_builder.add(std::move(fn), localName, parentId);

    Scope scope;
    scope.kind = ScopeKind::Function;
    scope.id = id;
    scope.localName = localName;
    scope.owner = node;
    scope.body = body;
    if (inClass) {
        scope.classIndex = parentIndex;
        scope.isInit = name == u"__init__";
        if (!isStatic && !parameterNames.isEmpty())
            scope.selfName = parameterNames.first();
    }
    for (const auto& [parameterName, type] : annotations) {
        addUses(id, type);
        const QString known = annotatedType(type);
        if (!known.isEmpty() && !parameterName.isEmpty())
            scope.localTypes.insert(parameterName, known);
    }
    if (!ts_node_is_null(returnType))
        addUses(id, returnType);
    m_scopes.push_back(std::move(scope));
}

void PythonWalk::onNamedLambda(TSNode assignment, const QString& name, TSNode lambda)
{
    const int parentIndex = currentIndex();
    const Scope& parent = m_scopes[static_cast<size_t>(parentIndex)];
    const QString parentId = parent.id;
    const QString localName = parent.localName.isEmpty() ? name : parent.localName + u'.' + name;
    const TSNode parameters = field(lambda, "parameters");
    const TSNode body = field(lambda, "body");

    QStringList parameterTexts;
    const QJsonArray params
        = ts_node_is_null(parameters) ? QJsonArray() : parametersOf(parameters, &parameterTexts, nullptr, nullptr);

    Node fn;
    fn.type = NodeType::Function;
    fn.kind = QStringLiteral("lambda");
    fn.name = name;
    FileIndexBuilder::setLocation(fn, assignment);
    fn.signature = name + QStringLiteral(" = lambda")
        + (parameterTexts.isEmpty() ? QString() : u' ' + parameterTexts.join(QStringLiteral(", ")));
    fn.complexity = ts_node_is_null(body) ? 1 : mccabeComplexity(body, m_complexity);
    fn.properties.insert(QStringLiteral("parameters"), params);
    fn.properties.insert(QStringLiteral("visibility"), visibilityOf(name));
    const QString id = m_builder.add(std::move(fn), localName, parentId);

    Scope scope;
    scope.kind = ScopeKind::Function;
    scope.id = id;
    scope.localName = localName;
    scope.owner = lambda;
    scope.body = body;
    m_scopes.push_back(std::move(scope));
}

void PythonWalk::onAssignment(TSNode node)
{
    const int scopeIndex = currentIndex();
    Scope& scope = m_scopes[static_cast<size_t>(scopeIndex)];
    const TSNode left = field(node, "left");
    const TSNode right = field(node, "right");
    const TSNode type = field(node, "type");
    // `a = b = Foo()`: every target gets the innermost value.
    TSNode value = right;
    while (m_sym(value) == Sym::Assignment)
        value = field(value, "right");
    const bool hasValue = !ts_node_is_null(value);
    const QString annotation = ts_node_is_null(type) ? QString() : annotatedType(type);
    const std::optional<QString> constructed = hasValue ? constructedType(value) : std::nullopt;

    if (!ts_node_is_null(type) && scope.kind != ScopeKind::Module)
        addUses(scope.id, type);

    const Sym leftSym = m_sym(left);
    if (leftSym == Sym::Identifier) {
        const QString name = m_source.text(left);
        if (m_sym(right) == Sym::Lambda && scope.kind != ScopeKind::Function) {
            onNamedLambda(node, name, right);
            return;
        }
        switch (scope.kind) {
        case ScopeKind::Module:
            if (name == u"__all__")
                setAll(value, false);
            [[fallthrough]];
        case ScopeKind::Function:
            if (!annotation.isEmpty())
                scope.localTypes.insert(name, annotation);
            else if (constructed)
                scope.localTypes.insert(name, *constructed);
            else if (hasValue)
                scope.localTypes.remove(name);
            break;
        case ScopeKind::Class:
            addAttribute(scope, name, annotation.isEmpty() ? constructed.value_or(QString()) : annotation,
                !annotation.isEmpty());
            break;
        }
        return;
    }

    if (leftSym == Sym::Attribute && scope.isInit && !scope.selfName.isEmpty()) {
        const TSNode object = field(left, "object");
        if (m_sym(object) == Sym::Identifier && m_source.text(object) == scope.selfName) {
            const QString attribute = m_source.text(field(left, "attribute"));
            QString known = annotation;
            bool annotated = !known.isEmpty();
            if (known.isEmpty() && constructed)
                known = *constructed;
            if (known.isEmpty() && m_sym(value) == Sym::Identifier)
                known = scope.localTypes.value(m_source.text(value));
            addAttribute(m_scopes[static_cast<size_t>(scope.classIndex)], attribute, known, annotated);
        }
        return;
    }

    if (leftSym == Sym::PatternList || leftSym == Sym::TuplePattern || leftSym == Sym::ListPattern) {
        forEachNamedChild(left, [&](TSNode target) {
            const Sym sym = m_sym(target);
            if (sym == Sym::Identifier) {
                if (scope.kind == ScopeKind::Class)
                    addAttribute(scope, m_source.text(target), {}, false);
                else
                    scope.localTypes.remove(m_source.text(target));
            } else if (sym == Sym::Attribute && scope.isInit && !scope.selfName.isEmpty()) {
                const TSNode object = field(target, "object");
                if (m_sym(object) == Sym::Identifier && m_source.text(object) == scope.selfName) {
                    addAttribute(m_scopes[static_cast<size_t>(scope.classIndex)],
                        m_source.text(field(target, "attribute")), {}, false);
                }
            }
        });
    }
}

void PythonWalk::onAugmentedAssignment(TSNode node)
{
    Scope& scope = current();
    const TSNode left = field(node, "left");
    if (m_sym(left) != Sym::Identifier)
        return;
    const QString name = m_source.text(left);
    if (scope.kind == ScopeKind::Module && name == u"__all__")
        setAll(field(node, "right"), true);
    scope.localTypes.remove(name);
}

void PythonWalk::setAll(TSNode value, bool append)
{
    const Sym sym = m_sym(value);
    QStringList names;
    bool literal = sym == Sym::List || sym == Sym::Tuple;
    if (literal) {
        forEachNamedChild(value, [&](TSNode item) {
            if (m_sym(item) == Sym::Comment)
                return;
            const std::optional<QString> text = m_sym(item) == Sym::String ? stringContent(item) : std::nullopt;
            if (text)
                names.append(*text);
            else
                literal = false;
        });
    }
    if (!literal) {
        m_allValid = false;
        return;
    }
    if (append && m_all)
        m_all->append(names);
    else if (append)
        m_allValid = false; // extending a list we never saw
    else {
        m_all = names;
        m_allValid = true;
    }
}

void PythonWalk::addAttribute(Scope& cls, const QString& name, const QString& type, bool annotated)
{
    if (name.isEmpty())
        return;
    if (!cls.attributeSet.contains(name)) {
        cls.attributeSet.insert(name);
        cls.attributes.append(name);
    }
    if (type.isEmpty())
        return;
    // An annotation says what the attribute is; a constructor call only what it first holds.
    if (annotated) {
        if (!cls.annotatedAttributes.contains(name)) {
            cls.annotatedAttributes.insert(name);
            cls.attributeTypes.insert(name, type);
        }
    } else if (!cls.attributeTypes.contains(name)) {
        cls.attributeTypes.insert(name, type);
    }
}

void PythonWalk::forgetTargets(Scope& scope, TSNode target)
{
    if (ts_node_is_null(target) || scope.localTypes.isEmpty())
        return;
    walkTree(target, [&](TSNode node) {
        const Sym sym = m_sym(node);
        if (sym == Sym::Identifier) {
            scope.localTypes.remove(m_source.text(node));
            return false;
        }
        return sym != Sym::Attribute && sym != Sym::Subscript;
    });
}

void PythonWalk::onCall(TSNode node)
{
    const TSNode function = field(node, "function");
    const Sym sym = m_sym(function);
    QString target;
    QString receiver;
    TSNode nameNode {};
    if (sym == Sym::Identifier) {
        nameNode = function;
        target = m_source.text(function);
    } else if (sym == Sym::Attribute) {
        nameNode = field(function, "attribute");
        target = m_source.text(nameNode);
        receiver = receiverText(field(function, "object"));
    }
    if (target.isEmpty())
        return;
    for (const TSNode& header : m_recoveredHeaders) {
        if (ts_node_eq(header, node))
            return;
    }

    const int scopeIndex = currentIndex();
    Scope& scope = m_scopes[static_cast<size_t>(scopeIndex)];
    Reference ref = reference(Reference::Kind::Call, scope.id, target, nameNode);
    ref.receiver = receiver;
    bool selfAttribute = false;
    QString attribute;
    if (!receiver.isEmpty() && scope.kind != ScopeKind::Class) {
        if (isIdentifierText(receiver)) {
            ref.receiverType = scope.localTypes.value(receiver);
        } else if (scope.classIndex >= 0 && !scope.selfName.isEmpty() && receiver.startsWith(scope.selfName)
            && receiver.size() > scope.selfName.size() && receiver.at(scope.selfName.size()) == u'.') {
            attribute = receiver.sliced(scope.selfName.size() + 1);
            selfAttribute = isIdentifierText(attribute);
        }
    }
    const qsizetype index = m_out.references.size();
    m_builder.addReference(std::move(ref));
    if (selfAttribute)
        m_scopes[static_cast<size_t>(scope.classIndex)].selfAttributeCalls.emplace_back(index, attribute);

    if ((target == u"import_module" && receiver == u"importlib") || (target == u"__import__" && receiver.isEmpty()))
        onDynamicImport(node, field(node, "arguments"));
}

void PythonWalk::onDynamicImport(TSNode call, TSNode arguments)
{
    if (m_sym(arguments) != Sym::ArgumentList)
        return;
    TSNode first {};
    forEachNamedChild(arguments, [&](TSNode argument) {
        if (ts_node_is_null(first) && m_sym(argument) != Sym::Comment)
            first = argument;
    });
    if (m_sym(first) != Sym::String)
        return;
    const std::optional<QString> name = stringContent(first);
    if (!name)
        return;
    QString target = *name;
    int level = 0;
    while (level < target.size() && target.at(level) == u'.')
        ++level;
    target.remove(0, level);
    if (!target.isEmpty() && !isDottedNameText(target))
        return;
    if (target.isEmpty() && level == 0)
        return;
    Reference ref = reference(Reference::Kind::Import, m_builder.moduleId(), target, call);
    ref.details.insert(QStringLiteral("dynamic"), true);
    if (level > 0)
        ref.details.insert(QStringLiteral("level"), level);
    if (m_typeCheckingDepth > 0)
        ref.details.insert(QStringLiteral("type_only"), true);
    m_builder.addReference(std::move(ref));
}

void PythonWalk::onErrorRegion(TSNode node)
{
    // Error recovery can leave `def name(…)` / `class Name(…)` as a bare keyword token followed by
    // an identifier or a call. The name and place are still certain; the body is not, so the node
    // gets no scope and is marked as recovered.
    QByteArray keyword;
    TSNode keywordNode {};
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            const TSNode child = ts_tree_cursor_current_node(&cursor);
            if (!ts_node_is_named(child)) {
                const char* type = ts_node_type(child);
                if (qstrcmp(type, "def") == 0 || qstrcmp(type, "class") == 0) {
                    keyword = type;
                    keywordNode = child;
                    continue;
                }
                if (qstrcmp(type, "async") == 0)
                    continue;
                keyword.clear();
                continue;
            }
            const Sym sym = m_sym(child);
            if (sym == Sym::Comment)
                continue;
            TSNode nameNode {};
            if (!keyword.isEmpty() && sym == Sym::Identifier)
                nameNode = child;
            else if (!keyword.isEmpty() && sym == Sym::Call && m_sym(field(child, "function")) == Sym::Identifier)
                nameNode = field(child, "function");
            if (!ts_node_is_null(nameNode)) {
                if (sym == Sym::Call)
                    m_recoveredHeaders.push_back(child);
                const int parentIndex = currentIndex();
                const Scope& parent = m_scopes[static_cast<size_t>(parentIndex)];
                const QString name = m_source.text(nameNode);
                const bool isClass = keyword == "class";
                Node recovered;
                recovered.type = isClass ? NodeType::Class : NodeType::Function;
                recovered.kind = isClass ? QStringLiteral("class")
                    : parent.kind == ScopeKind::Class
                    ? (name == u"__init__" ? QStringLiteral("constructor") : QStringLiteral("method"))
                    : QStringLiteral("function");
                recovered.name = name;
                FileIndexBuilder::setLocation(recovered, keywordNode);
                const TSPoint end = ts_node_end_point(child);
                recovered.lineEnd = static_cast<int>(end.row) + 1;
                recovered.colEnd = static_cast<int>(end.column);
                recovered.signature = QString::fromLatin1(keyword) + u' ' + clean(child);
                recovered.complexity = isClass ? 0 : 1;
                recovered.properties.insert(QStringLiteral("recovered"), true);
                if (!isClass)
                    recovered.properties.insert(QStringLiteral("visibility"), visibilityOf(name));
                m_builder.add(std::move(recovered), parent.localName.isEmpty() ? name : parent.localName + u'.' + name,
                    parent.id);
            }
            keyword.clear();
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
}

void PythonWalk::onImport(TSNode node)
{
    forEachNamedChild(node, [&](TSNode child) {
        const Sym sym = m_sym(child);
        TSNode name = child;
        QString alias;
        if (sym == Sym::AliasedImport) {
            name = field(child, "name");
            alias = m_source.text(field(child, "alias"));
        } else if (sym != Sym::DottedName) {
            return;
        }
        const std::optional<QString> target = dottedName(name);
        if (!target)
            return;
        Reference ref = reference(Reference::Kind::Import, m_builder.moduleId(), *target, child);
        if (!alias.isEmpty())
            ref.details.insert(QStringLiteral("alias"), alias);
        if (m_typeCheckingDepth > 0)
            ref.details.insert(QStringLiteral("type_only"), true);
        m_builder.addReference(std::move(ref));
    });
}

void PythonWalk::onImportFrom(TSNode node)
{
    const TSNode moduleName = field(node, "module_name");
    if (ts_node_is_null(moduleName))
        return;
    QString target;
    int level = 0;
    if (m_sym(moduleName) == Sym::RelativeImport) {
        forEachNamedChild(moduleName, [&](TSNode part) {
            if (m_sym(part) == Sym::ImportPrefix)
                level = static_cast<int>(m_source.view(part).count('.'));
            else if (m_sym(part) == Sym::DottedName)
                target = dottedName(part).value_or(QString());
        });
    } else {
        target = dottedName(moduleName).value_or(QString());
        if (target.isEmpty())
            return;
    }

    QJsonArray names;
    bool star = false;
    forEachNamedChild(node, [&](TSNode child) {
        if (ts_node_eq(child, moduleName))
            return;
        const Sym sym = m_sym(child);
        if (sym == Sym::WildcardImport) {
            star = true;
        } else if (sym == Sym::DottedName) {
            names.append(QJsonObject {{QStringLiteral("name"), dottedName(child).value_or(QString())}});
        } else if (sym == Sym::AliasedImport) {
            names.append(QJsonObject {{QStringLiteral("name"), dottedName(field(child, "name")).value_or(QString())},
                {QStringLiteral("alias"), m_source.text(field(child, "alias"))}});
        }
    });

    Reference ref = reference(Reference::Kind::Import, m_builder.moduleId(), target, moduleName);
    if (level > 0)
        ref.details.insert(QStringLiteral("level"), level);
    if (star)
        ref.details.insert(QStringLiteral("star"), true);
    if (!names.isEmpty())
        ref.details.insert(QStringLiteral("names"), names);
    if (m_typeCheckingDepth > 0)
        ref.details.insert(QStringLiteral("type_only"), true);
    m_builder.addReference(std::move(ref));
}

QJsonArray PythonWalk::parametersOf(TSNode parameters, QStringList* texts, QStringList* firstNames,
    std::vector<std::pair<QString, TSNode>>* annotations) const
{
    QJsonArray result;
    bool keywordOnly = false;
    forEachNamedChild(parameters, [&](TSNode parameter) {
        Sym sym = m_sym(parameter);
        if (sym == Sym::Comment)
            return;
        texts->append(clean(parameter));
        if (sym == Sym::KeywordSeparator) {
            keywordOnly = true;
            return;
        }
        if (sym == Sym::PositionalSeparator)
            return;

        TSNode nameNode = parameter;
        TSNode type {};
        TSNode value {};
        if (sym == Sym::TypedParameter) {
            type = field(parameter, "type");
            bool found = false;
            forEachNamedChild(parameter, [&](TSNode child) {
                const Sym childSym = m_sym(child);
                if (!found
                    && (childSym == Sym::Identifier || childSym == Sym::ListSplatPattern
                        || childSym == Sym::DictionarySplatPattern)) {
                    nameNode = child;
                    found = true;
                }
            });
        } else if (sym == Sym::DefaultParameter || sym == Sym::TypedDefaultParameter) {
            nameNode = field(parameter, "name");
            type = field(parameter, "type");
            value = field(parameter, "value");
        }

        bool variadic = false;
        bool keyword = keywordOnly;
        QString name;
        const Sym nameSym = m_sym(nameNode);
        if (nameSym == Sym::ListSplatPattern || nameSym == Sym::DictionarySplatPattern) {
            variadic = true;
            if (nameSym == Sym::DictionarySplatPattern)
                keyword = true;
            else
                keywordOnly = true;
            name = clean(nameNode);
            while (name.startsWith(u'*'))
                name.remove(0, 1);
        } else {
            name = clean(nameNode);
        }

        QJsonObject object {{QStringLiteral("name"), name}};
        if (!ts_node_is_null(type))
            object.insert(QStringLiteral("type"), clean(type));
        if (!ts_node_is_null(value))
            object.insert(QStringLiteral("default"), clean(value));
        if (variadic)
            object.insert(QStringLiteral("variadic"), true);
        if (keyword)
            object.insert(QStringLiteral("keyword"), true);
        result.append(object);
        if (firstNames)
            firstNames->append(name);
        if (annotations && !ts_node_is_null(type))
            annotations->emplace_back(variadic ? QString() : name, type);
    });
    return result;
}

QStringList PythonWalk::decoratorsOf(TSNode decorated) const
{
    QStringList decorators;
    forEachNamedChild(decorated, [&](TSNode child) {
        if (m_sym(child) != Sym::Decorator)
            return;
        forEachNamedChild(child, [&](TSNode expression) {
            if (m_sym(expression) != Sym::Comment)
                decorators.append(clean(expression));
        });
    });
    return decorators;
}

QStringList PythonWalk::typeParametersOf(TSNode typeParameters) const
{
    QStringList result;
    if (ts_node_is_null(typeParameters))
        return result;
    forEachNamedChild(typeParameters, [&](TSNode child) {
        if (m_sym(child) != Sym::Comment)
            result.append(clean(child));
    });
    return result;
}

QString PythonWalk::docstringOf(TSNode block) const
{
    if (ts_node_is_null(block))
        return {};
    TSNode first {};
    forEachNamedChild(block, [&](TSNode child) {
        if (ts_node_is_null(first) && m_sym(child) != Sym::Comment)
            first = child;
    });
    if (m_sym(first) != Sym::ExpressionStatement || ts_node_named_child_count(first) != 1)
        return {};
    const TSNode expression = ts_node_named_child(first, 0);
    QString doc;
    if (m_sym(expression) == Sym::String) {
        doc = stringContent(expression).value_or(QString());
    } else if (m_sym(expression) == Sym::ConcatenatedString) {
        bool ok = true;
        forEachNamedChild(expression, [&](TSNode part) {
            if (m_sym(part) != Sym::String)
                return;
            const auto content = stringContent(part);
            ok = ok && content.has_value();
            doc += content.value_or(QString());
        });
        if (!ok)
            return {};
    }
    return firstParagraph(doc);
}

std::optional<QString> PythonWalk::stringContent(TSNode string) const
{
    if (m_sym(string) != Sym::String)
        return std::nullopt;
    TSNode start {};
    TSNode end {};
    bool interpolated = false;
    TSTreeCursor cursor = ts_tree_cursor_new(string);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            const TSNode child = ts_tree_cursor_current_node(&cursor);
            switch (m_sym(child)) {
            case Sym::StringStart:
                start = child;
                break;
            case Sym::StringEnd:
                end = child;
                break;
            case Sym::Interpolation:
                interpolated = true;
                break;
            default:
                break;
            }
        } while (ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    if (ts_node_is_null(start) || ts_node_is_null(end) || interpolated)
        return std::nullopt;
    // f-strings and bytes are not text constants (a docstring must be a plain str literal).
    const QByteArray prefix = m_source.view(start).toByteArray().toLower();
    if (prefix.contains('f') || prefix.contains('b'))
        return std::nullopt;
    return m_source.slice(ts_node_end_byte(start), ts_node_start_byte(end));
}

std::optional<QString> PythonWalk::dottedName(TSNode node) const
{
    // Iterative over attribute chains: `a.b.c…` may be arbitrarily long.
    QStringList parts;
    TSNode at = node;
    for (;;) {
        const Sym sym = m_sym(at);
        if (sym == Sym::Identifier) {
            parts.append(m_source.text(at));
            break;
        }
        if (sym == Sym::DottedName) {
            QStringList inner;
            forEachNamedChild(at, [&](TSNode part) {
                if (m_sym(part) == Sym::Identifier)
                    inner.append(m_source.text(part));
            });
            if (inner.isEmpty())
                return std::nullopt;
            std::reverse(inner.begin(), inner.end());
            parts.append(inner);
            break;
        }
        if (sym != Sym::Attribute)
            return std::nullopt;
        const TSNode attribute = field(at, "attribute");
        if (m_sym(attribute) != Sym::Identifier)
            return std::nullopt;
        parts.append(m_source.text(attribute));
        at = field(at, "object");
    }
    std::reverse(parts.begin(), parts.end());
    return parts.join(u'.');
}

std::optional<QString> PythonWalk::baseName(TSNode node) const
{
    // `Generic[T]`, `Base[int][str]` → the subscripted name.
    TSNode at = node;
    while (m_sym(at) == Sym::Subscript)
        at = field(at, "value");
    return dottedName(at);
}

QString PythonWalk::annotatedType(TSNode type) const
{
    // The receiver's type when the annotation names one class: `Foo`, `mod.Foo`, `"Foo"`,
    // `Optional[Foo]`, `Foo | None`. Anything else (containers, unions of classes) says nothing.
    TSNode at = type;
    for (int guard = 0; guard < 16; ++guard) {
        switch (m_sym(at)) {
        case Sym::Type: {
            TSNode inner {};
            forEachNamedChild(at, [&](TSNode child) {
                if (ts_node_is_null(inner) && m_sym(child) != Sym::Comment)
                    inner = child;
            });
            at = inner;
            break;
        }
        case Sym::Identifier:
        case Sym::Attribute:
            return dottedName(at).value_or(QString());
        case Sym::String: {
            const QString content = stringContent(at).value_or(QString()).trimmed();
            return isDottedNameText(content) ? content : QString();
        }
        case Sym::GenericType:
        case Sym::Subscript: {
            QString name;
            std::vector<TSNode> arguments;
            if (m_sym(at) == Sym::GenericType) {
                forEachNamedChild(at, [&](TSNode child) {
                    if (m_sym(child) == Sym::Identifier)
                        name = m_source.text(child);
                    else if (m_sym(child) == Sym::TypeParameter)
                        forEachNamedChild(child, [&](TSNode argument) {
                            if (m_sym(argument) != Sym::Comment)
                                arguments.push_back(argument);
                        });
                });
            } else {
                name = dottedName(field(at, "value")).value_or(QString());
                forEachNamedChild(at, [&](TSNode argument) {
                    if (m_sym(argument) != Sym::Comment)
                        arguments.push_back(argument);
                });
                if (!arguments.empty())
                    arguments.erase(arguments.begin()); // the value itself
            }
            if (lastComponent(name) != u"Optional" || arguments.size() != 1)
                return {};
            at = arguments.front();
            break;
        }
        case Sym::BinaryOperator:
        case Sym::UnionType: {
            std::vector<TSNode> sides;
            forEachNamedChild(at, [&](TSNode child) {
                if (m_sym(child) != Sym::Comment)
                    sides.push_back(child);
            });
            if (sides.size() != 2)
                return {};
            const auto isNone = [&](TSNode side) {
                TSNode inner = side;
                if (m_sym(inner) == Sym::Type && ts_node_named_child_count(inner) == 1)
                    inner = ts_node_named_child(inner, 0);
                return m_sym(inner) == Sym::None;
            };
            if (m_sym(at) == Sym::BinaryOperator && m_source.text(field(at, "operator")) != u"|")
                return {};
            if (isNone(sides[1]))
                at = sides[0];
            else if (isNone(sides[0]))
                at = sides[1];
            else
                return {};
            break;
        }
        default:
            return {};
        }
    }
    return {};
}

std::optional<QString> PythonWalk::constructedType(TSNode value) const
{
    // `Foo(...)` / `mod.Foo(...)`: classes are CapWords by convention; a lower-case callee is a
    // factory whose result type the file does not state.
    if (m_sym(value) != Sym::Call)
        return std::nullopt;
    const std::optional<QString> callee = dottedName(field(value, "function"));
    if (!callee)
        return std::nullopt;
    const QStringView last = lastComponent(*callee);
    if (last.isEmpty() || !last.front().isUpper())
        return std::nullopt;
    return callee;
}

QString PythonWalk::receiverText(TSNode object) const
{
    // Built from the call outward to the chain's root without recursion; calls in the chain are
    // shown as "name()" without their arguments.
    QStringList parts;
    qsizetype length = 0;
    TSNode at = object;
    bool truncated = false;
    for (;;) {
        const Sym sym = m_sym(at);
        if (sym == Sym::Identifier) {
            parts.append(m_source.text(at));
            break;
        }
        if (sym == Sym::Attribute) {
            parts.append(u'.' + m_source.text(field(at, "attribute")));
            at = field(at, "object");
        } else if (sym == Sym::Call) {
            const TSNode function = field(at, "function");
            if (parts.isEmpty() && m_sym(function) == Sym::Identifier && m_source.text(function) == u"super")
                return QStringLiteral("super");
            parts.append(QStringLiteral("()"));
            at = function;
        } else if (sym == Sym::Subscript) {
            const TSNode value = field(at, "value");
            const uint32_t from = ts_node_end_byte(value);
            const uint32_t to = std::min(ts_node_end_byte(at), from + static_cast<uint32_t>(kMaxReceiverChars));
            parts.append(m_source.slice(from, to).simplified());
            at = value;
        } else {
            parts.append(capped(at));
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

QString PythonWalk::capped(TSNode node) const
{
    const uint32_t from = ts_node_start_byte(node);
    const uint32_t to = std::min(ts_node_end_byte(node), from + static_cast<uint32_t>(kMaxReceiverChars));
    return m_source.slice(from, to).simplified();
}

QString PythonWalk::clean(TSNode node) const
{
    if (ts_node_is_null(node))
        return {};
    const QByteArrayView view = m_source.view(node);
    if (!view.contains('#') && !view.contains('\\'))
        return QString::fromUtf8(view).simplified();
    // Comments and line continuations are not part of what a signature reads as.
    QString text;
    uint32_t position = ts_node_start_byte(node);
    walkTree(node, [&](TSNode child) {
        const Sym sym = m_sym(child);
        if (sym == Sym::Comment || sym == Sym::LineContinuation) {
            text += m_source.slice(position, ts_node_start_byte(child));
            text += u' ';
            position = ts_node_end_byte(child);
            return false;
        }
        return true;
    });
    text += m_source.slice(position, ts_node_end_byte(node));
    return text.simplified();
}

void PythonWalk::addUses(const QString& sourceId, TSNode type)
{
    // Every name a type annotation mentions, subscripts included. Explicit stack: annotations
    // can nest arbitrarily (list[list[…]]).
    std::vector<TSNode> stack {type};
    const auto pushChildren = [&](TSNode node, qsizetype skip, qsizetype take) {
        std::vector<TSNode> children;
        forEachNamedChild(node, [&](TSNode child) {
            if (m_sym(child) != Sym::Comment)
                children.push_back(child);
        });
        const auto begin = children.begin() + std::min<qsizetype>(skip, static_cast<qsizetype>(children.size()));
        const auto end
            = take < 0 || skip + take >= static_cast<qsizetype>(children.size()) ? children.end() : begin + take;
        stack.insert(stack.end(), std::make_reverse_iterator(end), std::make_reverse_iterator(begin));
    };
    const auto emit = [&](const QString& target, TSNode at) {
        if (target.isEmpty() || m_usesSeen.contains(sourceId + u'\n' + target))
            return;
        m_usesSeen.insert(sourceId + u'\n' + target);
        m_builder.addReference(reference(Reference::Kind::Use, sourceId, target, at));
    };
    // Literal["a"] holds values, Annotated[T, …] metadata after its first argument.
    const auto argumentsToTake = [](QStringView name) -> qsizetype {
        const QStringView last = lastComponent(name);
        if (last == u"Literal")
            return 0;
        if (last == u"Annotated")
            return 1;
        return -1;
    };

    while (!stack.empty()) {
        const TSNode node = stack.back();
        stack.pop_back();
        switch (m_sym(node)) {
        case Sym::Identifier:
            emit(m_source.text(node), node);
            break;
        case Sym::Attribute:
            emit(dottedName(node).value_or(QString()), node);
            break;
        case Sym::String: {
            const QString content = stringContent(node).value_or(QString()).trimmed();
            if (isDottedNameText(content))
                emit(content, node);
            break;
        }
        case Sym::GenericType: {
            QString name;
            TSNode parameters {};
            forEachNamedChild(node, [&](TSNode child) {
                if (m_sym(child) == Sym::Identifier && name.isEmpty()) {
                    name = m_source.text(child);
                    emit(name, child);
                } else if (m_sym(child) == Sym::TypeParameter) {
                    parameters = child;
                }
            });
            if (!ts_node_is_null(parameters)) {
                const qsizetype take = argumentsToTake(name);
                if (take != 0)
                    pushChildren(parameters, 0, take);
            }
            break;
        }
        case Sym::Subscript: {
            const TSNode value = field(node, "value");
            const std::optional<QString> name = dottedName(value);
            if (name)
                emit(*name, value);
            else
                stack.push_back(value);
            const qsizetype take = argumentsToTake(name.value_or(QString()));
            if (take != 0)
                pushChildren(node, 1, take);
            break;
        }
        case Sym::MemberType: {
            const QString text = clean(node).remove(u' ');
            if (isDottedNameText(text))
                emit(text, node);
            break;
        }
        case Sym::Call:
        case Sym::KeywordArgument:
        case Sym::Comment:
        case Sym::None:
            break;
        default:
            pushChildren(node, 0, -1);
            break;
        }
    }
}

} // namespace

void PythonExtractor::extract(TSNode root, const SourceText& source, FileIndex& out) const
{
    if (ts_node_is_null(root) || out.nodes.isEmpty())
        return;
    PythonWalk walk(root, source, out);
    walk.run();
}

} // namespace mu::parse
