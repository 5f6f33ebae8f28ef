#include "parse/rust/rustextractor.h"

#include "parse/complexity.h"
#include "parse/symbolmap.h"
#include "parse/syntaxtext.h"
#include "parse/treewalk.h"

#include <QHash>
#include <QJsonArray>
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
    LineComment,
    BlockComment,
    DocComment,
    AttributeItem,
    InnerAttributeItem,
    Attribute,
    VisibilityModifier,
    FunctionModifiers,
    ExternModifier,
    StructItem,
    EnumItem,
    UnionItem,
    TraitItem,
    ImplItem,
    ModItem,
    FunctionItem,
    FunctionSignatureItem,
    MacroDefinition,
    MacroInvocation,
    UseDeclaration,
    UseList,
    ScopedUseList,
    UseAsClause,
    UseWildcard,
    ExternCrateDeclaration,
    ConstItem,
    StaticItem,
    TypeItem,
    Identifier,
    TypeIdentifier,
    ScopedIdentifier,
    ScopedTypeIdentifier,
    GenericType,
    GenericTypeWithTurbofish,
    GenericFunction,
    TypeBinding,
    TypeParameter,
    LifetimeParameter,
    ConstParameter,
    Lifetime,
    PrimitiveType,
    Self,
    Crate,
    Super,
    Metavariable,
    FieldDeclarationList,
    FieldDeclaration,
    EnumVariant,
    Parameter,
    SelfParameter,
    VariadicParameter,
    ReferenceType,
    PointerType,
    CallExpression,
    FieldExpression,
    StructExpression,
    LetDeclaration,
    ClosureExpression,
    ForExpression,
    LetCondition,
    LetChain,
    MatchPattern,
    MutPattern,
    IfExpression,
    WhileExpression,
    MatchArm,
    BinaryExpression,
    RemovedTraitBound,
    HigherRankedTraitBound,
    StringLiteral,
    WhereClause,
    ForeignModItem,
};

using SymName = SymbolName<Sym>;

constexpr SymName kSymbols[] = {
    {"line_comment", Sym::LineComment},
    {"block_comment", Sym::BlockComment},
    {"doc_comment", Sym::DocComment},
    {"attribute_item", Sym::AttributeItem},
    {"inner_attribute_item", Sym::InnerAttributeItem},
    {"attribute", Sym::Attribute},
    {"visibility_modifier", Sym::VisibilityModifier},
    {"function_modifiers", Sym::FunctionModifiers},
    {"extern_modifier", Sym::ExternModifier},
    {"struct_item", Sym::StructItem},
    {"enum_item", Sym::EnumItem},
    {"union_item", Sym::UnionItem},
    {"trait_item", Sym::TraitItem},
    {"impl_item", Sym::ImplItem},
    {"mod_item", Sym::ModItem},
    {"function_item", Sym::FunctionItem},
    {"function_signature_item", Sym::FunctionSignatureItem},
    {"macro_definition", Sym::MacroDefinition},
    {"macro_invocation", Sym::MacroInvocation},
    {"use_declaration", Sym::UseDeclaration},
    {"use_list", Sym::UseList},
    {"scoped_use_list", Sym::ScopedUseList},
    {"use_as_clause", Sym::UseAsClause},
    {"use_wildcard", Sym::UseWildcard},
    {"extern_crate_declaration", Sym::ExternCrateDeclaration},
    {"const_item", Sym::ConstItem},
    {"static_item", Sym::StaticItem},
    {"type_item", Sym::TypeItem},
    {"identifier", Sym::Identifier},
    {"type_identifier", Sym::TypeIdentifier},
    {"scoped_identifier", Sym::ScopedIdentifier},
    {"scoped_type_identifier", Sym::ScopedTypeIdentifier},
    {"generic_type", Sym::GenericType},
    {"generic_type_with_turbofish", Sym::GenericTypeWithTurbofish},
    {"generic_function", Sym::GenericFunction},
    {"type_binding", Sym::TypeBinding},
    {"type_parameter", Sym::TypeParameter},
    {"lifetime_parameter", Sym::LifetimeParameter},
    {"const_parameter", Sym::ConstParameter},
    {"lifetime", Sym::Lifetime},
    {"primitive_type", Sym::PrimitiveType},
    {"self", Sym::Self},
    {"crate", Sym::Crate},
    {"super", Sym::Super},
    {"metavariable", Sym::Metavariable},
    {"field_declaration_list", Sym::FieldDeclarationList},
    {"field_declaration", Sym::FieldDeclaration},
    {"enum_variant", Sym::EnumVariant},
    {"parameter", Sym::Parameter},
    {"self_parameter", Sym::SelfParameter},
    {"variadic_parameter", Sym::VariadicParameter},
    {"reference_type", Sym::ReferenceType},
    {"pointer_type", Sym::PointerType},
    {"call_expression", Sym::CallExpression},
    {"field_expression", Sym::FieldExpression},
    {"struct_expression", Sym::StructExpression},
    {"let_declaration", Sym::LetDeclaration},
    {"closure_expression", Sym::ClosureExpression},
    {"for_expression", Sym::ForExpression},
    {"let_condition", Sym::LetCondition},
    {"let_chain", Sym::LetChain},
    {"match_pattern", Sym::MatchPattern},
    {"mut_pattern", Sym::MutPattern},
    {"if_expression", Sym::IfExpression},
    {"while_expression", Sym::WhileExpression},
    {"match_arm", Sym::MatchArm},
    {"binary_expression", Sym::BinaryExpression},
    {"removed_trait_bound", Sym::RemovedTraitBound},
    {"higher_ranked_trait_bound", Sym::HigherRankedTraitBound},
    {"string_literal", Sym::StringLiteral},
    {"where_clause", Sym::WhereClause},
    {"foreign_mod_item", Sym::ForeignModItem},
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

/// True when `node` has an anonymous child token spelled `token` ("async", "unsafe", "const").
bool hasToken(TSNode node, const char* token)
{
    if (ts_node_is_null(node))
        return false;
    bool found = false;
    TSTreeCursor cursor = ts_tree_cursor_new(node);
    if (ts_tree_cursor_goto_first_child(&cursor)) {
        do {
            const TSNode child = ts_tree_cursor_current_node(&cursor);
            found = !ts_node_is_named(child) && qstrcmp(ts_node_type(child), token) == 0;
        } while (!found && ts_tree_cursor_goto_next_sibling(&cursor));
    }
    ts_tree_cursor_delete(&cursor);
    return found;
}

// Receivers longer than this are opaque to the resolver anyway; capping them keeps long method
// chains (builders, iterator adaptors) linear instead of quadratic.
constexpr qsizetype kMaxReceiverChars = 200;

QJsonArray toJsonArray(const QStringList& list)
{
    QJsonArray array;
    for (const QString& item : list)
        array.append(item);
    return array;
}

QString joinLocal(const QString& prefix, const QString& name)
{
    return prefix.isEmpty() ? name : prefix + u'.' + name;
}

/// The text of `///` lines or a `/** */` block: one leading space per line and the block's
/// leading ` * ` decoration dropped.
QString docLine(QStringView content, bool block)
{
    QStringList lines;
    for (QStringView line : content.split(u'\n')) {
        QStringView text = line;
        if (text.endsWith(u'\r'))
            text.chop(1);
        if (block) {
            text = text.trimmed();
            if (text.startsWith(u'*'))
                text = text.sliced(1);
        }
        if (text.startsWith(u' '))
            text = text.sliced(1);
        lines.append(text.toString());
    }
    return lines.join(u'\n');
}

/// One walk over a file's tree. Holds the per-file state; the extractor itself keeps none.
class RustWalk {
public:
    RustWalk(TSNode root, const SourceText& source, FileIndex& out)
        : m_root(root)
        , m_source(source)
        , m_out(out)
        , m_builder(out)
        , m_sym(SymbolTable::of(ts_tree_language(root.tree), kSymbols))
    {
        m_complexity.decisions = [this](TSNode node) { return decisionsOf(node); };
        m_complexity.isNestedScope = [this](TSNode node) {
            const Sym sym = m_sym(node);
            return sym == Sym::FunctionItem || sym == Sym::ImplItem || sym == Sym::TraitItem || sym == Sym::ModItem;
        };
    }

    void run();

private:
    enum class ScopeKind {
        Module,
        Namespace, ///< inline `mod m { … }`
        Type,      ///< struct, enum, union (while its fields are read) or trait
        Impl,      ///< not a node: its functions become methods of the type
        Foreign,   ///< `extern "C" { … }`: not a node; declares functions defined elsewhere
        Function,
    };

    struct Scope {
        ScopeKind kind = ScopeKind::Module;
        QString id; ///< node the scope's references belong to (an impl: the node around it)
        QString localName;
        TSNode owner {};
        /// The type `self` and `Self` stand for, dotted as written ("S", "net.Client").
        QString selfType;
        /// Impls and traits: their functions are methods; `trait` names the implemented trait.
        bool traitMembers = false;
        QString trait;
        /// Foreign blocks: the ABI their functions are called with.
        QString abi;
        /// Impls of a type that may be defined in this file: the key it is looked up by.
        QString ownerKey;
        QHash<QString, QString> localTypes; ///< variable → declared type; "" hides an outer one
        QSet<QString> typeParameters;
        QStringList innerDocs; ///< `//!` lines of a module or namespace
    };

    /// A method of an impl whose type may be defined in this file, decided once the file is read.
    struct PendingMethod {
        qsizetype edgeIndex;
        QString functionId;
        QString ownerKey;
        QString ownerTarget;
        int line;
        int column;
    };
    /// An `impl Trait for T` Inherit whose source is T's node if T is defined in this file.
    struct PendingInherit {
        qsizetype referenceIndex;
        QString ownerKey;
    };

    bool enter(TSNode node);
    void leave(TSNode node);
    int decisionsOf(TSNode node) const;

    void onComment(TSNode node);
    void onTypeItem(TSNode node);
    void onTrait(TSNode node);
    void onImpl(TSNode node);
    void onForeignBlock(TSNode node);
    void onFunction(TSNode node);
    void onMod(TSNode node);
    void onMacroDefinition(TSNode node);
    void onMacroInvocation(TSNode node);
    void onUse(TSNode node);
    void onExternCrate(TSNode node);
    void onCall(TSNode node);
    void onLet(TSNode node);
    void forgetBindings(TSNode pattern);
    void finishScope();
    void attachImplMembers();

    Scope& current() { return m_scopes.back(); }
    const Scope& container() const;
    const Scope& namespaceScope() const;
    QString selfType() const;
    QString localType(const QString& name) const;
    bool isTypeParameter(const QString& name) const;

    /// Leading attributes and outer doc comments seen since the last item, handed to the next one.
    struct Preamble {
        std::vector<TSNode> attributes;
        QStringList docs;
    };
    Preamble takePreamble();
    Node itemNode(NodeType type, const QString& kind, const QString& name, TSNode node, const Preamble& preamble,
        TSNode signatureEnd) const;
    QString visibilityOf(TSNode item) const;
    QString abiOf(TSNode externModifier) const;
    QStringList decoratorsOf(const Preamble& preamble) const;
    QStringList typeParametersOf(TSNode list, QSet<QString>* names) const;
    QJsonArray parametersOf(TSNode list, Scope* declareIn) const;
    QString dottedPath(TSNode node) const;
    QString nominalType(TSNode type) const;
    QString valueType(TSNode value) const;
    QString receiverText(TSNode value) const;
    QString signature(TSNode node, TSNode stop) const;
    QString clean(TSNode node) const;
    QString capped(TSNode node) const;
    QString text(TSNode node) const { return ts_node_is_null(node) ? QString() : m_source.text(node); }
    /// An item's name; a raw identifier `r#try` names `try`.
    QString nameOf(TSNode item) const
    {
        const QString name = text(fieldOf(item, "name"));
        return name.startsWith(QStringLiteral("r#")) ? name.sliced(2) : name;
    }
    void addUses(const QString& sourceId, TSNode type);
    void addUse(const QString& sourceId, const QString& target, TSNode at);
    void addImport(const QString& sourceId, const QString& target, TSNode at, QJsonObject details);

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
    Preamble m_preamble;
    QHash<QString, QString> m_typeIds; ///< local name of each struct/enum/union/trait → its id
    std::vector<PendingMethod> m_pendingMethods;
    std::vector<PendingInherit> m_pendingInherits;
    QSet<QString> m_usesSeen;
};

void RustWalk::run()
{
    Scope moduleScope;
    moduleScope.kind = ScopeKind::Module;
    moduleScope.id = m_builder.moduleId();
    moduleScope.owner = m_root;
    m_scopes.push_back(std::move(moduleScope));
    walkTree(
        m_root, [this](TSNode node) { return enter(node); }, [this](TSNode node) { leave(node); });
    while (!m_scopes.empty())
        finishScope();
    attachImplMembers();
}

bool RustWalk::enter(TSNode node)
{
    if (!ts_node_is_named(node))
        return true;
    switch (m_sym(node)) {
    case Sym::LineComment:
    case Sym::BlockComment:
        onComment(node);
        return false;
    case Sym::AttributeItem:
        m_preamble.attributes.push_back(node);
        return false;
    case Sym::InnerAttributeItem:
        return false;
    case Sym::StructItem:
    case Sym::EnumItem:
    case Sym::UnionItem:
        onTypeItem(node);
        return false;
    case Sym::TraitItem:
        onTrait(node);
        return true;
    case Sym::ImplItem:
        onImpl(node);
        return true;
    case Sym::ForeignModItem:
        onForeignBlock(node);
        return true;
    case Sym::FunctionItem:
    case Sym::FunctionSignatureItem:
        onFunction(node);
        return true;
    case Sym::ModItem:
        onMod(node);
        return true;
    case Sym::MacroDefinition:
        onMacroDefinition(node);
        return false;
    case Sym::MacroInvocation:
        takePreamble();
        onMacroInvocation(node);
        return false;
    case Sym::UseDeclaration:
        takePreamble();
        onUse(node);
        return false;
    case Sym::ExternCrateDeclaration:
        takePreamble();
        onExternCrate(node);
        return false;
    case Sym::ConstItem:
    case Sym::StaticItem:
    case Sym::TypeItem:
        takePreamble();
        addUses(current().id, fieldOf(node, "type"));
        return true;
    case Sym::CallExpression:
        takePreamble();
        onCall(node);
        return true;
    case Sym::StructExpression:
        takePreamble();
        addUses(current().id, fieldOf(node, "name"));
        return true;
    case Sym::LetDeclaration:
        takePreamble();
        onLet(node);
        return true;
    case Sym::ClosureExpression:
        takePreamble();
        forgetBindings(fieldOf(node, "parameters"));
        addUses(current().id, fieldOf(node, "parameters"));
        addUses(current().id, fieldOf(node, "return_type"));
        return true;
    case Sym::ForExpression:
    case Sym::LetCondition:
        takePreamble();
        forgetBindings(fieldOf(node, "pattern"));
        return true;
    case Sym::MatchPattern:
        takePreamble();
        forgetBindings(node);
        return true;
    default:
        takePreamble(); // attributes and docs belong to the item right after them only
        return true;
    }
}

void RustWalk::leave(TSNode node)
{
    while (m_scopes.size() > 1 && ts_node_eq(node, m_scopes.back().owner))
        finishScope();
}

int RustWalk::decisionsOf(TSNode node) const
{
    switch (m_sym(node)) {
    case Sym::IfExpression:
    case Sym::WhileExpression:
    case Sym::ForExpression:
    case Sym::MatchArm:
        return 1;
    case Sym::BinaryExpression: {
        const TSNode op = fieldOf(node, "operator");
        if (ts_node_is_null(op))
            return 0;
        const char* type = ts_node_type(op);
        return qstrcmp(type, "&&") == 0 || qstrcmp(type, "||") == 0 ? 1 : 0;
    }
    case Sym::LetChain: {
        // `if let Some(x) = a && b`: the chain's `&&` tokens are not binary expressions.
        int count = 0;
        TSTreeCursor cursor = ts_tree_cursor_new(node);
        if (ts_tree_cursor_goto_first_child(&cursor)) {
            do {
                const TSNode child = ts_tree_cursor_current_node(&cursor);
                if (!ts_node_is_named(child) && qstrcmp(ts_node_type(child), "&&") == 0)
                    ++count;
            } while (ts_tree_cursor_goto_next_sibling(&cursor));
        }
        ts_tree_cursor_delete(&cursor);
        return count;
    }
    default:
        return 0;
    }
}

void RustWalk::onComment(TSNode node)
{
    const TSNode doc = fieldOf(node, "doc");
    if (ts_node_is_null(doc))
        return; // a plain comment: neither documents nor separates anything
    const bool block = m_sym(node) == Sym::BlockComment;
    const QString content = docLine(text(doc), block);
    if (!ts_node_is_null(fieldOf(node, "inner"))) {
        // `//!` documents the module or namespace it is written in.
        for (auto it = m_scopes.rbegin(); it != m_scopes.rend(); ++it) {
            if (it->kind == ScopeKind::Module || it->kind == ScopeKind::Namespace) {
                it->innerDocs.append(content);
                break;
            }
        }
        return;
    }
    m_preamble.docs.append(content);
}

RustWalk::Preamble RustWalk::takePreamble()
{
    Preamble taken = std::move(m_preamble);
    m_preamble = {};
    return taken;
}

const RustWalk::Scope& RustWalk::container() const
{
    // The node definitions nest in: impls are not nodes.
    for (auto it = m_scopes.crbegin(); it != m_scopes.crend(); ++it) {
        if (it->kind != ScopeKind::Impl && it->kind != ScopeKind::Foreign)
            return *it;
    }
    return m_scopes.front();
}

const RustWalk::Scope& RustWalk::namespaceScope() const
{
    for (auto it = m_scopes.crbegin(); it != m_scopes.crend(); ++it) {
        if (it->kind == ScopeKind::Namespace)
            return *it;
    }
    return m_scopes.front();
}

QString RustWalk::selfType() const
{
    // A fn item nested in a method has no `self` or `Self` of its own.
    for (auto it = m_scopes.crbegin(); it != m_scopes.crend(); ++it) {
        if (it->kind == ScopeKind::Function || it->kind == ScopeKind::Impl || it->kind == ScopeKind::Type)
            return it->selfType;
    }
    return {};
}

QString RustWalk::localType(const QString& name) const
{
    // Innermost first; a fn item sees no locals of the code around it (closures do, and they
    // share their function's scope).
    for (auto it = m_scopes.crbegin(); it != m_scopes.crend(); ++it) {
        const auto found = it->localTypes.constFind(name);
        if (found != it->localTypes.constEnd())
            return *found;
        if (it->kind == ScopeKind::Function)
            break;
    }
    return {};
}

bool RustWalk::isTypeParameter(const QString& name) const
{
    return std::any_of(
        m_scopes.cbegin(), m_scopes.cend(), [&](const Scope& scope) { return scope.typeParameters.contains(name); });
}

void RustWalk::finishScope()
{
    Scope scope = std::move(m_scopes.back());
    m_scopes.pop_back();
    if (scope.innerDocs.isEmpty())
        return;
    const QString doc = firstParagraph(scope.innerDocs.join(u'\n'));
    Node* node = scope.kind == ScopeKind::Module ? &m_builder.module() : m_builder.find(scope.id);
    if (node && node->docstring.isEmpty())
        node->docstring = doc;
}

Node RustWalk::itemNode(NodeType type, const QString& kind, const QString& name, TSNode node, const Preamble& preamble,
    TSNode signatureEnd) const
{
    Node item;
    item.type = type;
    item.kind = kind;
    item.name = name;
    FileIndexBuilder::setLocation(item, node);
    if (!preamble.attributes.empty()) {
        // The range starts at the first attribute, as a Python definition starts at its decorator.
        const TSPoint start = ts_node_start_point(preamble.attributes.front());
        item.lineStart = static_cast<int>(start.row) + 1;
        item.colStart = static_cast<int>(start.column);
    }
    item.signature = signature(node, signatureEnd);
    if (item.signature.endsWith(u';')) // `struct Unit;`, `fn required(&self);`
        item.signature.chop(1);
    item.docstring = firstParagraph(preamble.docs.join(u'\n'));
    const QStringList decorators = decoratorsOf(preamble);
    if (!decorators.isEmpty())
        item.properties.insert(QStringLiteral("decorators"), toJsonArray(decorators));
    return item;
}

void RustWalk::onTypeItem(TSNode node)
{
    const Preamble preamble = takePreamble();
    const QString name = nameOf(node);
    if (name.isEmpty())
        return;
    const Sym sym = m_sym(node);
    const QString kind = sym == Sym::StructItem ? QStringLiteral("struct")
        : sym == Sym::EnumItem                  ? QStringLiteral("enum")
                                                : QStringLiteral("union");
    const Scope& parent = container();
    const QString localName = joinLocal(parent.localName, name);
    const TSNode body = fieldOf(node, "body");
    const TSNode typeParameters = fieldOf(node, "type_parameters");

    Scope scope;
    scope.kind = ScopeKind::Type;
    scope.localName = localName;
    scope.owner = node;
    scope.selfType = name;
    const QStringList typeParams = typeParametersOf(typeParameters, &scope.typeParameters);

    Node cls = itemNode(NodeType::Class, kind, name, node, preamble, body);
    cls.properties.insert(QStringLiteral("visibility"), visibilityOf(node));
    if (!typeParams.isEmpty())
        cls.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParams));
    // Named fields of structs and unions, the variants of an enum.
    QStringList attributes;
    std::vector<TSNode> fieldTypes;
    const auto readFields = [&](TSNode list) {
        if (m_sym(list) == Sym::FieldDeclarationList) {
            eachNamedChild(list, [&](TSNode declaration) {
                if (m_sym(declaration) != Sym::FieldDeclaration)
                    return;
                if (sym != Sym::EnumItem)
                    attributes.append(text(fieldOf(declaration, "name")));
                fieldTypes.push_back(fieldOf(declaration, "type"));
            });
        } else {
            fieldTypes.push_back(list); // a tuple struct's or variant's types
        }
    };
    if (sym == Sym::EnumItem) {
        eachNamedChild(body, [&](TSNode variant) {
            if (m_sym(variant) != Sym::EnumVariant)
                return;
            attributes.append(text(fieldOf(variant, "name")));
            readFields(fieldOf(variant, "body"));
        });
    } else {
        readFields(body);
    }
    cls.properties.insert(QStringLiteral("attributes"), toJsonArray(attributes));
    const QString id = m_builder.add(std::move(cls), localName, parent.id);
    m_typeIds.insert(localName, id);
    scope.id = id;
    m_scopes.push_back(std::move(scope));

    addUses(id, typeParameters);
    eachNamedChild(node, [&](TSNode child) {
        if (m_sym(child) == Sym::WhereClause)
            addUses(id, child);
    });
    for (const TSNode& type : fieldTypes)
        addUses(id, type);
}

void RustWalk::onTrait(TSNode node)
{
    const Preamble preamble = takePreamble();
    const QString name = nameOf(node);
    const TSNode body = fieldOf(node, "body");
    const Scope& parent = container();
    Scope scope;
    scope.kind = ScopeKind::Type;
    scope.owner = node;
    scope.traitMembers = true;
    if (name.isEmpty()) {
        scope.id = parent.id;
        scope.localName = parent.localName;
        m_scopes.push_back(std::move(scope));
        return;
    }
    const QString localName = joinLocal(parent.localName, name);
    const TSNode typeParameters = fieldOf(node, "type_parameters");
    const TSNode bounds = fieldOf(node, "bounds");
    scope.localName = localName;
    scope.selfType = name;
    const QStringList typeParams = typeParametersOf(typeParameters, &scope.typeParameters);

    Node cls = itemNode(NodeType::Class, QStringLiteral("trait"), name, node, preamble, body);
    cls.properties.insert(QStringLiteral("visibility"), visibilityOf(node));
    if (!typeParams.isEmpty())
        cls.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParams));
    // Supertraits: `trait A: B + fmt::Debug + 'static + ?Sized`.
    QStringList bases;
    std::vector<std::pair<QString, TSNode>> inherits;
    eachNamedChild(bounds, [&](TSNode bound) {
        TSNode type = bound;
        if (m_sym(type) == Sym::HigherRankedTraitBound)
            type = fieldOf(type, "type");
        const Sym boundSym = m_sym(type);
        if (boundSym != Sym::TypeIdentifier && boundSym != Sym::ScopedTypeIdentifier && boundSym != Sym::GenericType)
            return;
        bases.append(clean(bound));
        inherits.emplace_back(nominalType(type), type);
    });
    cls.properties.insert(QStringLiteral("bases"), toJsonArray(bases));
    const QString id = m_builder.add(std::move(cls), localName, parent.id);
    m_typeIds.insert(localName, id);
    scope.id = id;
    m_scopes.push_back(std::move(scope));
    for (const auto& [base, at] : inherits) {
        if (!base.isEmpty())
            m_builder.addReference(reference(Reference::Kind::Inherit, id, base, at));
        if (m_sym(at) == Sym::GenericType)
            addUses(id, fieldOf(at, "type_arguments"));
    }
    addUses(id, typeParameters);
}

void RustWalk::onImpl(TSNode node)
{
    takePreamble();
    const TSNode type = fieldOf(node, "type");
    const TSNode trait = fieldOf(node, "trait");
    const QString parentId = container().id;
    const QString parentLocalName = container().localName;

    Scope scope;
    scope.kind = ScopeKind::Impl;
    scope.id = parentId;
    scope.owner = node;
    typeParametersOf(fieldOf(node, "type_parameters"), &scope.typeParameters);
    scope.traitMembers = !ts_node_is_null(trait);
    scope.trait = clean(trait);
    m_scopes.push_back(std::move(scope));
    Scope& impl = current();

    // `impl<T> Foo<T>`, `impl Tr for &mut a::Foo`: the nominal type, dotted. A type parameter,
    // a slice or a tuple owns nothing; their methods are named after the type as written.
    const QString nominal = nominalType(type);
    impl.selfType = nominal;
    const bool pathFromElsewhere = nominal.startsWith(QStringLiteral("crate."))
        || nominal.startsWith(QStringLiteral("super.")) || nominal == u"crate" || nominal == u"super";
    QString prefix = nominal;
    if (prefix.isEmpty()) {
        prefix = clean(type);
        prefix.remove(u' ');
    }
    impl.localName = joinLocal(parentLocalName, prefix);
    if (!nominal.isEmpty() && m_sym(type) != Sym::PrimitiveType)
        impl.ownerKey = pathFromElsewhere ? QStringLiteral("\n") : impl.localName; // "\n" never matches

    addUses(impl.id, fieldOf(node, "type_parameters"));
    if (ts_node_is_null(trait))
        return;
    TSNode traitPath = trait;
    if (m_sym(traitPath) == Sym::GenericType) {
        addUses(impl.id, fieldOf(traitPath, "type_arguments"));
        traitPath = fieldOf(traitPath, "type");
    }
    const QString target = dottedPath(traitPath);
    if (target.isEmpty())
        return;
    Reference ref = reference(Reference::Kind::Inherit, m_builder.moduleId(), target, trait);
    ref.details.insert(QStringLiteral("subject"), nominal.isEmpty() ? prefix : nominal);
    if (!impl.ownerKey.isEmpty())
        m_pendingInherits.push_back({m_out.references.size(), impl.ownerKey});
    m_builder.addReference(std::move(ref));
}

void RustWalk::onForeignBlock(TSNode node)
{
    takePreamble();
    Scope scope;
    scope.kind = ScopeKind::Foreign;
    scope.id = container().id;
    scope.localName = container().localName;
    scope.owner = node;
    eachNamedChild(node, [&](TSNode child) {
        if (m_sym(child) == Sym::ExternModifier)
            scope.abi = abiOf(child);
    });
    m_scopes.push_back(std::move(scope));
}

void RustWalk::onFunction(TSNode node)
{
    const Preamble preamble = takePreamble();
    const bool signatureOnly = m_sym(node) == Sym::FunctionSignatureItem;
    const Scope& enclosing = m_scopes.back();
    const bool inImpl = enclosing.kind == ScopeKind::Impl;
    const bool inTrait = enclosing.kind == ScopeKind::Type && enclosing.traitMembers;
    // `extern "C" { fn f(); }`: the only Rust declaration of a function defined elsewhere, which
    // calls resolve to.
    const bool foreign = enclosing.kind == ScopeKind::Foreign;
    const QString name = nameOf(node);

    Scope scope;
    scope.kind = ScopeKind::Function;
    scope.owner = node;
    scope.selfType = inImpl || inTrait ? enclosing.selfType : QString();
    if (name.isEmpty() || (signatureOnly && !inTrait && !foreign)) {
        // A nameless function (error recovery) or a stray signature: not a node; anything inside
        // belongs to the code around it.
        scope.id = enclosing.id;
        scope.localName = enclosing.localName;
        m_scopes.push_back(std::move(scope));
        return;
    }

    const TSNode typeParameters = fieldOf(node, "type_parameters");
    const TSNode parameters = fieldOf(node, "parameters");
    const TSNode returnType = fieldOf(node, "return_type");
    const TSNode body = fieldOf(node, "body");
    TSNode modifiers {};
    TSNode whereClause {};
    eachNamedChild(node, [&](TSNode child) {
        if (m_sym(child) == Sym::FunctionModifiers)
            modifiers = child;
        else if (m_sym(child) == Sym::WhereClause)
            whereClause = child;
    });
    const QStringList typeParams = typeParametersOf(typeParameters, &scope.typeParameters);

    const bool isMethod = inImpl || inTrait;
    const Scope& parent = isMethod ? enclosing : container();
    const QString localName = joinLocal(parent.localName, name);
    QString parentId = parent.id;
    if (inImpl)
        parentId = m_builder.moduleId(); // the type's node, once it is known to be in this file

    Node fn = itemNode(NodeType::Function, isMethod ? QStringLiteral("method") : QStringLiteral("function"), name, node,
        preamble, body);
    fn.complexity = ts_node_is_null(body) ? 1 : mccabeComplexity(body, m_complexity);
    bool hasSelf = false;
    eachNamedChild(parameters, [&](TSNode parameter) { hasSelf = hasSelf || m_sym(parameter) == Sym::SelfParameter; });
    fn.properties.insert(QStringLiteral("parameters"), parametersOf(parameters, &scope));
    if (!ts_node_is_null(returnType))
        fn.properties.insert(QStringLiteral("return_type"), clean(returnType));
    if (!typeParams.isEmpty())
        fn.properties.insert(QStringLiteral("type_parameters"), toJsonArray(typeParams));
    fn.properties.insert(
        QStringLiteral("visibility"), enclosing.traitMembers ? QStringLiteral("public") : visibilityOf(node));
    fn.properties.insert(QStringLiteral("is_async"), hasToken(modifiers, "async"));
    fn.properties.insert(QStringLiteral("is_const"), hasToken(modifiers, "const"));
    fn.properties.insert(QStringLiteral("is_unsafe"), hasToken(modifiers, "unsafe"));
    if (isMethod)
        fn.properties.insert(QStringLiteral("is_static"), !hasSelf);
    eachNamedChild(modifiers, [&](TSNode modifier) {
        if (m_sym(modifier) == Sym::ExternModifier)
            fn.properties.insert(QStringLiteral("abi"), abiOf(modifier));
    });
    if (foreign) {
        fn.properties.insert(QStringLiteral("abi"), enclosing.abi);
        fn.properties.insert(QStringLiteral("foreign"), true);
    }
    if (signatureOnly)
        fn.properties.insert(QStringLiteral("declaration"), true);
    if (inImpl && !enclosing.trait.isEmpty())
        fn.properties.insert(QStringLiteral("trait"), enclosing.trait);
    const QString id = m_builder.add(std::move(fn), localName, parentId);
    if (inImpl && !enclosing.ownerKey.isEmpty()) {
        const TSPoint at = ts_node_start_point(node);
        m_pendingMethods.push_back({m_out.edges.size() - 1, id, enclosing.ownerKey, enclosing.selfType,
            static_cast<int>(at.row) + 1, static_cast<int>(at.column)});
    }
    scope.id = id;
    scope.localName = localName;
    m_scopes.push_back(std::move(scope));

    addUses(id, typeParameters);
    addUses(id, whereClause);
    addUses(id, parameters);
    addUses(id, returnType);
}

void RustWalk::onMod(TSNode node)
{
    const Preamble preamble = takePreamble();
    const QString name = nameOf(node);
    const TSNode body = fieldOf(node, "body");
    const Scope& parent = container();
    Scope scope;
    scope.kind = ScopeKind::Namespace;
    scope.owner = node;
    if (ts_node_is_null(body)) {
        // `mod foo;`: the module's body is another file, found by the resolver.
        QJsonObject details {{QStringLiteral("mod"), true}};
        for (const TSNode& attribute : preamble.attributes) {
            eachNamedChild(attribute, [&](TSNode inner) {
                const TSNode value = fieldOf(inner, "value");
                if (m_sym(inner) == Sym::Attribute && m_sym(value) == Sym::StringLiteral
                    && text(ts_node_named_child(inner, 0)) == u"path")
                    details.insert(QStringLiteral("path"), text(value).remove(u'"'));
            });
        }
        if (!name.isEmpty())
            addImport(namespaceScope().id, name, node, details);
        scope.id = parent.id;
        scope.localName = parent.localName;
        m_scopes.push_back(std::move(scope));
        return;
    }
    if (name.isEmpty()) {
        scope.id = parent.id;
        scope.localName = parent.localName;
        m_scopes.push_back(std::move(scope));
        return;
    }
    const QString localName = joinLocal(parent.localName, name);
    Node ns = itemNode(NodeType::Class, QStringLiteral("namespace"), name, node, preamble, body);
    ns.properties.insert(QStringLiteral("visibility"), visibilityOf(node));
    scope.id = m_builder.add(std::move(ns), localName, parent.id);
    scope.localName = localName;
    m_scopes.push_back(std::move(scope));
}

void RustWalk::onMacroDefinition(TSNode node)
{
    const Preamble preamble = takePreamble();
    const QString name = nameOf(node);
    if (name.isEmpty())
        return;
    const Scope& parent = container();
    Node fn = itemNode(NodeType::Function, QStringLiteral("function"), name, node, preamble, TSNode {});
    fn.signature = QStringLiteral("macro_rules! ") + text(fieldOf(node, "name")); // as written: `r#try`
    fn.complexity = 1;
    fn.properties.insert(QStringLiteral("macro"), true);
    // A macro is visible outside its crate only when exported.
    const bool exported = std::any_of(preamble.attributes.cbegin(), preamble.attributes.cend(),
        [&](TSNode attribute) { return clean(attribute) == u"#[macro_export]"; });
    fn.properties.insert(QStringLiteral("visibility"), exported ? QStringLiteral("public") : QStringLiteral("private"));
    m_builder.add(std::move(fn), joinLocal(parent.localName, name), parent.id);
}

void RustWalk::onMacroInvocation(TSNode node)
{
    const TSNode macro = fieldOf(node, "macro");
    QString target;
    QString receiver;
    TSNode nameNode = macro;
    if (m_sym(macro) == Sym::ScopedIdentifier) {
        nameNode = fieldOf(macro, "name");
        receiver = dottedPath(fieldOf(macro, "path"));
    }
    target = text(nameNode);
    if (target.isEmpty())
        return;
    Reference ref = reference(Reference::Kind::Call, current().id, target, nameNode);
    ref.receiver = receiver;
    ref.details.insert(QStringLiteral("macro"), true);
    m_builder.addReference(std::move(ref));
}

void RustWalk::onUse(TSNode node)
{
    // One Import per leaf of the tree, from the namespace whose paths `self::`/`super::` are
    // relative to. Explicit stack: use lists nest.
    const QString sourceId = namespaceScope().id;
    bool reexport = false;
    eachNamedChild(node, [&](TSNode child) { reexport = reexport || m_sym(child) == Sym::VisibilityModifier; });
    const auto pathText = [&](TSNode path) {
        QString result = text(path);
        result.remove(u' ');
        result.remove(u'\n');
        result.remove(u'\t');
        result.remove(u'\r');
        while (result.startsWith(u"::"))
            result.remove(0, 2);
        return result;
    };
    const auto join = [](const QString& prefix, const QString& path) -> QString {
        if (prefix.isEmpty())
            return path;
        if (path.isEmpty() || path == u"self") // `use a::{self}` imports `a`
            return prefix;
        return prefix + QStringLiteral("::") + path;
    };
    const auto emit = [&](const QString& target, TSNode at, QJsonObject details) {
        if (reexport)
            details.insert(QStringLiteral("reexport"), true);
        if (!target.isEmpty())
            addImport(sourceId, target, at, std::move(details));
    };

    std::vector<std::pair<TSNode, QString>> stack {{fieldOf(node, "argument"), QString()}};
    while (!stack.empty()) {
        const auto [tree, prefix] = stack.back();
        stack.pop_back();
        switch (m_sym(tree)) {
        case Sym::UseList: {
            std::vector<TSNode> items;
            eachNamedChild(tree, [&](TSNode item) { items.push_back(item); });
            for (auto it = items.rbegin(); it != items.rend(); ++it)
                stack.emplace_back(*it, prefix);
            break;
        }
        case Sym::ScopedUseList:
            stack.emplace_back(fieldOf(tree, "list"), join(prefix, pathText(fieldOf(tree, "path"))));
            break;
        case Sym::UseAsClause:
            emit(join(prefix, pathText(fieldOf(tree, "path"))), tree,
                {{QStringLiteral("alias"), text(fieldOf(tree, "alias"))}});
            break;
        case Sym::UseWildcard: {
            TSNode path {};
            eachNamedChild(tree, [&](TSNode child) { path = child; });
            emit(join(prefix, pathText(path)), tree, {{QStringLiteral("star"), true}});
            break;
        }
        case Sym::LineComment:
        case Sym::BlockComment:
        case Sym::Other:
            break;
        default:
            emit(join(prefix, pathText(tree)), tree, {});
            break;
        }
    }
}

void RustWalk::onExternCrate(TSNode node)
{
    QJsonObject details;
    const TSNode alias = fieldOf(node, "alias");
    if (!ts_node_is_null(alias))
        details.insert(QStringLiteral("alias"), text(alias));
    addImport(namespaceScope().id, nameOf(node), node, details);
}

void RustWalk::onCall(TSNode node)
{
    TSNode function = fieldOf(node, "function");
    if (m_sym(function) == Sym::GenericFunction) // `f::<T>()`, `x.f::<T>()`
        function = fieldOf(function, "function");
    QString target;
    QString receiver;
    TSNode nameNode {};
    switch (m_sym(function)) {
    case Sym::Identifier:
        nameNode = function;
        target = text(function);
        break;
    case Sym::FieldExpression:
        nameNode = fieldOf(function, "field");
        target = text(nameNode);
        receiver = receiverText(fieldOf(function, "value"));
        break;
    case Sym::ScopedIdentifier:
        nameNode = fieldOf(function, "name");
        target = text(nameNode);
        receiver = dottedPath(fieldOf(function, "path"));
        break;
    default:
        return;
    }
    if (target.isEmpty())
        return;
    Reference ref = reference(Reference::Kind::Call, current().id, target, nameNode);
    ref.receiver = receiver;
    if (receiver == u"self" || receiver == u"Self")
        ref.receiverType = selfType();
    else if (!receiver.isEmpty() && !receiver.contains(u'.') && !receiver.contains(u'('))
        ref.receiverType = localType(receiver);
    m_builder.addReference(std::move(ref));
}

void RustWalk::onLet(TSNode node)
{
    const TSNode pattern = fieldOf(node, "pattern");
    const TSNode type = fieldOf(node, "type");
    addUses(current().id, type);
    TSNode name = pattern;
    if (m_sym(name) == Sym::MutPattern) {
        TSNode inner {};
        eachNamedChild(name, [&](TSNode child) {
            if (m_sym(child) == Sym::Identifier)
                inner = child;
        });
        name = inner;
    }
    if (m_sym(name) != Sym::Identifier) {
        forgetBindings(pattern);
        return;
    }
    const QString known = ts_node_is_null(type) ? valueType(fieldOf(node, "value")) : nominalType(type);
    current().localTypes.insert(text(name), known);
}

void RustWalk::forgetBindings(TSNode pattern)
{
    // Variables a pattern binds hide outer ones of the same name, with a type the file does not say.
    walkFrom(pattern, [&](TSNode node) {
        const Sym sym = m_sym(node);
        if (sym == Sym::Identifier) {
            current().localTypes.insert(text(node), QString());
            return false;
        }
        // Types, paths and guard expressions name no new variables.
        return sym != Sym::ScopedIdentifier && sym != Sym::GenericType && sym != Sym::TypeIdentifier
            && sym != Sym::ScopedTypeIdentifier && sym != Sym::ReferenceType && sym != Sym::CallExpression
            && sym != Sym::FieldExpression && sym != Sym::BinaryExpression;
    });
}

void RustWalk::attachImplMembers()
{
    // Now that every type of the file is known: an impl's methods belong to its type's node when
    // the type is defined here, else they name their owner with a MemberOf reference.
    for (const PendingMethod& method : m_pendingMethods) {
        const auto owner = m_typeIds.constFind(method.ownerKey);
        if (owner != m_typeIds.constEnd()) {
            m_out.edges[method.edgeIndex].sourceId = *owner;
            continue;
        }
        Reference ref;
        ref.kind = Reference::Kind::MemberOf;
        ref.sourceId = method.functionId;
        ref.target = method.ownerTarget;
        ref.line = method.line;
        ref.column = method.column;
        m_builder.addReference(std::move(ref));
    }
    for (const PendingInherit& inherit : m_pendingInherits) {
        const auto owner = m_typeIds.constFind(inherit.ownerKey);
        if (owner == m_typeIds.constEnd())
            continue;
        Reference& ref = m_out.references[inherit.referenceIndex];
        ref.sourceId = *owner;
        ref.details.remove(QStringLiteral("subject"));
    }
}

QString RustWalk::visibilityOf(TSNode item) const
{
    QString visibility = QStringLiteral("private");
    eachNamedChild(item, [&](TSNode child) {
        if (m_sym(child) != Sym::VisibilityModifier)
            return;
        visibility = clean(child) == u"pub" ? QStringLiteral("public") : QStringLiteral("internal");
    });
    return visibility;
}

QString RustWalk::abiOf(TSNode externModifier) const
{
    QString abi = QStringLiteral("C"); // `extern` without an ABI string is "C"
    eachNamedChild(externModifier, [&](TSNode literal) {
        if (m_sym(literal) == Sym::StringLiteral)
            abi = text(literal).remove(u'"');
    });
    return abi;
}

QStringList RustWalk::decoratorsOf(const Preamble& preamble) const
{
    // `#[derive(Debug)]` → "derive(Debug)": the attribute as written, without its brackets.
    QStringList decorators;
    for (const TSNode& item : preamble.attributes) {
        eachNamedChild(item, [&](TSNode attribute) {
            if (m_sym(attribute) == Sym::Attribute)
                decorators.append(clean(attribute));
        });
    }
    return decorators;
}

QStringList RustWalk::typeParametersOf(TSNode list, QSet<QString>* names) const
{
    QStringList result;
    eachNamedChild(list, [&](TSNode parameter) {
        const Sym sym = m_sym(parameter);
        if (sym == Sym::TypeParameter || sym == Sym::ConstParameter)
            names->insert(text(fieldOf(parameter, "name")));
        else if (sym != Sym::LifetimeParameter && sym != Sym::Metavariable)
            return;
        result.append(clean(parameter));
    });
    return result;
}

QJsonArray RustWalk::parametersOf(TSNode list, Scope* declareIn) const
{
    QJsonArray result;
    eachNamedChild(list, [&](TSNode parameter) {
        switch (m_sym(parameter)) {
        case Sym::SelfParameter: {
            QJsonObject object {{QStringLiteral("name"), QStringLiteral("self")}};
            const QString written = clean(parameter);
            if (written != u"self")
                object.insert(QStringLiteral("type"), written);
            result.append(object);
            break;
        }
        case Sym::Parameter: {
            const TSNode pattern = fieldOf(parameter, "pattern");
            const TSNode type = fieldOf(parameter, "type");
            TSNode name = pattern;
            if (m_sym(name) == Sym::MutPattern && ts_node_named_child_count(name) > 0)
                name = ts_node_named_child(name, ts_node_named_child_count(name) - 1);
            const QString nameText = clean(name);
            result.append(QJsonObject {{QStringLiteral("name"), nameText}, {QStringLiteral("type"), clean(type)}});
            if (m_sym(name) == Sym::Identifier) {
                // The function's own type parameters are not on the scope stack yet.
                const QString known = nominalType(type);
                const bool generic = declareIn->typeParameters.contains(known.section(u'.', 0, 0));
                declareIn->localTypes.insert(nameText, generic ? QString() : known);
            }
            break;
        }
        case Sym::VariadicParameter:
            result.append(QJsonObject {
                {QStringLiteral("name"), clean(fieldOf(parameter, "pattern"))}, {QStringLiteral("variadic"), true}});
            break;
        case Sym::LineComment:
        case Sym::BlockComment:
        case Sym::AttributeItem:
            break;
        default:
            // `fn f(i32)` in trait declarations of the 2015 edition: a type without a name.
            result.append(
                QJsonObject {{QStringLiteral("name"), QString()}, {QStringLiteral("type"), clean(parameter)}});
            break;
        }
    });
    return result;
}

QString RustWalk::dottedPath(TSNode node) const
{
    // `a::b::C` → "a.b.C", `Vec::<T>` → "Vec", `<T as Tr>` as written. Iterative: paths may be long.
    QStringList parts;
    TSNode at = node;
    while (!ts_node_is_null(at)) {
        switch (m_sym(at)) {
        case Sym::ScopedIdentifier:
        case Sym::ScopedTypeIdentifier:
            parts.append(text(fieldOf(at, "name")));
            at = fieldOf(at, "path");
            break;
        case Sym::GenericType:
        case Sym::GenericTypeWithTurbofish:
            at = fieldOf(at, "type");
            break;
        case Sym::Identifier:
        case Sym::TypeIdentifier:
        case Sym::Self:
        case Sym::Crate:
        case Sym::Super:
        case Sym::Metavariable:
        case Sym::PrimitiveType:
            parts.append(text(at));
            at = TSNode {};
            break;
        default:
            parts.append(capped(at));
            at = TSNode {};
            break;
        }
    }
    std::reverse(parts.begin(), parts.end());
    return parts.join(u'.');
}

QString RustWalk::nominalType(TSNode type) const
{
    // The named type behind references, pointers and type arguments: `&mut a::Foo<T>` → "a.Foo";
    // "" for type parameters, tuples, slices, `dyn`/`impl` types. `Self` is the impl's type.
    TSNode at = type;
    while (m_sym(at) == Sym::ReferenceType || m_sym(at) == Sym::PointerType)
        at = fieldOf(at, "type");
    const Sym sym = m_sym(at);
    if (sym != Sym::TypeIdentifier && sym != Sym::ScopedTypeIdentifier && sym != Sym::GenericType
        && sym != Sym::PrimitiveType)
        return {};
    const QString path = dottedPath(at);
    const QString first = path.section(u'.', 0, 0);
    if (first == u"Self")
        return path == u"Self" ? selfType() : QString();
    if (isTypeParameter(first))
        return {};
    return path.startsWith(QStringLiteral("self.")) ? path.sliced(5) : path;
}

QString RustWalk::valueType(TSNode value) const
{
    // `T { … }`, `T::new(…)`, `T::default()`: the value's type is written right there.
    const Sym sym = m_sym(value);
    if (sym == Sym::StructExpression)
        return nominalType(fieldOf(value, "name"));
    if (sym != Sym::CallExpression)
        return {};
    TSNode function = fieldOf(value, "function");
    if (m_sym(function) == Sym::GenericFunction)
        function = fieldOf(function, "function");
    if (m_sym(function) != Sym::ScopedIdentifier)
        return {};
    const QString name = text(fieldOf(function, "name"));
    if (name != u"new" && name != u"default")
        return {};
    const QString path = dottedPath(fieldOf(function, "path"));
    if (path == u"Self")
        return selfType();
    const QString last = path.section(u'.', -1);
    if (last.isEmpty() || !last.front().isUpper() || isTypeParameter(last))
        return {};
    return path;
}

QString RustWalk::receiverText(TSNode value) const
{
    // Built from the call outward to the chain's root without recursion; calls in the chain are
    // shown as "name()" without their arguments.
    QStringList parts;
    qsizetype length = 0;
    TSNode at = value;
    for (;;) {
        const Sym sym = m_sym(at);
        if (sym == Sym::Identifier || sym == Sym::Self) {
            parts.append(text(at));
            break;
        }
        if (sym == Sym::FieldExpression) {
            parts.append(u'.' + text(fieldOf(at, "field")));
            at = fieldOf(at, "value");
        } else if (sym == Sym::CallExpression) {
            parts.append(QStringLiteral("()"));
            at = fieldOf(at, "function");
            if (m_sym(at) == Sym::GenericFunction)
                at = fieldOf(at, "function");
        } else if (sym == Sym::ScopedIdentifier) {
            parts.append(dottedPath(at));
            break;
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

QString RustWalk::signature(TSNode node, TSNode stop) const
{
    // The item's text up to `stop` (its body), comments and attributes dropped.
    const uint32_t end = ts_node_is_null(stop) ? ts_node_end_byte(node) : ts_node_start_byte(stop);
    return textWithout(m_source, node, end, [this](TSNode child) {
        const Sym sym = m_sym(child);
        return sym == Sym::LineComment || sym == Sym::BlockComment || sym == Sym::AttributeItem;
    });
}

QString RustWalk::clean(TSNode node) const
{
    if (ts_node_is_null(node))
        return {};
    const QByteArrayView view = m_source.view(node);
    if (!view.contains("//") && !view.contains("/*"))
        return QString::fromUtf8(view).simplified();
    return signature(node, TSNode {});
}

QString RustWalk::capped(TSNode node) const
{
    const uint32_t from = ts_node_start_byte(node);
    const uint32_t to = std::min(ts_node_end_byte(node), from + static_cast<uint32_t>(kMaxReceiverChars));
    return m_source.slice(from, to).simplified();
}

void RustWalk::addUse(const QString& sourceId, const QString& target, TSNode at)
{
    if (target.isEmpty())
        return;
    const QString key = sourceId + u'\n' + target;
    if (m_usesSeen.contains(key))
        return;
    m_usesSeen.insert(key);
    m_builder.addReference(reference(Reference::Kind::Use, sourceId, target, at));
}

void RustWalk::addUses(const QString& sourceId, TSNode type)
{
    // Every named type a type expression mentions, type arguments included. Primitive types,
    // lifetimes, type parameters, `Self` and associated type names (`Item = …`) are not uses.
    TSNode bindingName {};
    walkFrom(type, [&](TSNode node) {
        switch (m_sym(node)) {
        case Sym::TypeIdentifier:
        case Sym::ScopedTypeIdentifier: {
            if (!ts_node_is_null(bindingName) && ts_node_eq(node, bindingName))
                return false;
            const QString path = dottedPath(node);
            const QString first = path.section(u'.', 0, 0);
            if (first != u"Self" && !isTypeParameter(first))
                addUse(sourceId, path.startsWith(QStringLiteral("self.")) ? path.sliced(5) : path, node);
            return false;
        }
        case Sym::TypeBinding:
            bindingName = fieldOf(node, "name");
            return true;
        case Sym::Lifetime:
        case Sym::PrimitiveType:
        case Sym::MacroInvocation:
        case Sym::LineComment:
        case Sym::BlockComment:
        case Sym::CallExpression:
        case Sym::ClosureExpression:
            return false;
        default:
            return true;
        }
    });
}

void RustWalk::addImport(const QString& sourceId, const QString& target, TSNode at, QJsonObject details)
{
    if (target.isEmpty())
        return;
    Reference ref = reference(Reference::Kind::Import, sourceId, target, at);
    ref.details = std::move(details);
    m_builder.addReference(std::move(ref));
}

} // namespace

void RustExtractor::extract(TSNode root, const SourceText& source, FileIndex& out) const
{
    if (ts_node_is_null(root) || out.nodes.isEmpty())
        return;
    RustWalk walk(root, source, out);
    walk.run();
}

} // namespace mu::parse
