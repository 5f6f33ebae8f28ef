#pragma once

// Shared fixtures for the store tests: synthetic FileIndex values with every field filled.

#include "model/fileindex.h"
#include "model/nodeid.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>

namespace mu::storetest {

inline Node makeNode(
    NodeType type, const QString& id, const QString& name, const QString& qualifiedName, const QString& path, int line)
{
    Node node;
    node.id = id;
    node.type = type;
    node.kind = type == NodeType::Module ? QStringLiteral("module")
        : type == NodeType::Class        ? QStringLiteral("class")
                                         : QStringLiteral("function");
    node.name = name;
    node.qualifiedName = qualifiedName;
    node.filePath = path;
    node.lineStart = line;
    node.lineEnd = line + 3;
    node.colStart = 4;
    node.colEnd = 17;
    return node;
}

inline Edge containsEdge(const QString& source, const QString& target, const QString& path, int line)
{
    Edge edge;
    edge.sourceId = source;
    edge.targetId = target;
    edge.type = EdgeType::Contains;
    edge.filePath = path;
    edge.line = line;
    return edge;
}

/// A module `path` with the given function names (each a child of the module).
inline FileIndex makeFile(const QString& path, const QStringList& functions)
{
    FileIndex file;
    file.path = path;
    file.language = QStringLiteral("python");
    file.size = 100 + functions.size();
    file.mtimeNs = 1'700'000'000'000'000'000LL;
    file.hash = QByteArrayLiteral("0123456789abcdef");
    file.lineCount = 10 * int(functions.size()) + 1;
    const QString moduleId = nodeid::module(path);
    const QString moduleName = nodeid::moduleQualifiedName(path);
    file.nodes.append(makeNode(NodeType::Module, moduleId, moduleName.section(u'.', -1), moduleName, path, 1));
    int line = 2;
    for (const QString& name : functions) {
        Node fn
            = makeNode(NodeType::Function, nodeid::function(path, name), name, moduleName + u'.' + name, path, line);
        fn.signature = QStringLiteral("def %1()").arg(name);
        fn.complexity = 1;
        file.nodes.append(fn);
        file.edges.append(containsEdge(moduleId, fn.id, path, line));
        line += 10;
    }
    return file;
}

/// A file with every optional field set: properties, docstrings, references with details.
inline FileIndex makeRichFile(const QString& path)
{
    FileIndex file = makeFile(path, {QStringLiteral("helper")});
    file.status = ParseStatus::Partial;
    file.error = QStringLiteral("line 3: unexpected token");
    file.encoding = QStringLiteral("latin-1");
    const QString moduleId = nodeid::module(path);
    const QString moduleName = nodeid::moduleQualifiedName(path);

    Node cls = makeNode(NodeType::Class, nodeid::cls(path, QStringLiteral("AuthService")),
        QStringLiteral("AuthService"), moduleName + QStringLiteral(".AuthService"), path, 20);
    cls.docstring = QStringLiteral("Authenticates users against the directory.");
    cls.signature = QStringLiteral("class AuthService(Base)");
    cls.properties = QJsonObject {{QStringLiteral("bases"), QJsonArray {QStringLiteral("Base")}},
        {QStringLiteral("decorators"), QJsonArray {QStringLiteral("dataclass")}}};
    Node method = makeNode(NodeType::Function, nodeid::function(path, QStringLiteral("AuthService.login")),
        QStringLiteral("login"), moduleName + QStringLiteral(".AuthService.login"), path, 22);
    method.kind = QStringLiteral("method");
    method.signature = QStringLiteral("def login(self, user: str, password: str = \"\") -> bool");
    method.docstring = QStringLiteral("Logs in — with unicode ✓.");
    method.complexity = 7;
    method.properties = QJsonObject {{QStringLiteral("is_async"), true},
        {QStringLiteral("parameters"),
            QJsonArray {QJsonObject {
                {QStringLiteral("name"), QStringLiteral("user")}, {QStringLiteral("type"), QStringLiteral("str")}}}},
        {QStringLiteral("return_type"), QStringLiteral("bool")}};
    file.nodes.append(cls);
    file.nodes.append(method);
    file.edges.append(containsEdge(moduleId, cls.id, path, 20));
    Edge member = containsEdge(cls.id, method.id, path, 22);
    member.properties = QJsonObject {{QStringLiteral("visibility"), QStringLiteral("public")}};
    file.edges.append(member);

    Reference import;
    import.kind = Reference::Kind::Import;
    import.sourceId = moduleId;
    import.target = QStringLiteral("os.path");
    import.line = 1;
    import.column = 0;
    import.details = QJsonObject {{QStringLiteral("names"),
                                      QJsonArray {
                                          QJsonObject {
                                              {QStringLiteral("name"), QStringLiteral("join")},
                                              { QStringLiteral("alias"),
                                                  QStringLiteral("j") }
                                          }
                                      }},
        { QStringLiteral("level"),
            0 }};
    Reference call;
    call.kind = Reference::Kind::Call;
    call.sourceId = method.id;
    call.target = QStringLiteral("check");
    call.receiver = QStringLiteral("self.store");
    call.receiverType = QStringLiteral("UserStore");
    call.line = 23;
    call.column = 8;
    Reference inherit;
    inherit.kind = Reference::Kind::Inherit;
    inherit.sourceId = cls.id;
    inherit.target = QStringLiteral("Base");
    inherit.line = 20;
    inherit.column = 18;
    file.references = {import, call, inherit};
    return file;
}

} // namespace mu::storetest
