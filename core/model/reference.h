#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace mu {

/// An unresolved, syntactic reference found in a file. The parse layer records what the code
/// says; the resolve layer decides what it points to (or drops it). References are stored per
/// file so dependents can be re-linked without re-parsing.
struct Reference {
    enum class Kind {
        Import,  ///< target = module specifier as written ("os.path", "./util", "..pkg")
        Call,    ///< target = called name; receiver/receiverType describe `x.f()`
        Inherit, ///< target = base class expression as written ("Base", "mod.Base")
        Use,     ///< target = referenced type name as written ("User", "models.User")
        /// The source function is a member of a type declared elsewhere (Go methods in another file
        /// of the package, C++ `A::f` defined out of line, Rust `impl T` blocks away from `T`):
        /// target = the owning type as written, dotted ("A", "ns.A"). Becomes a `contains` edge.
        MemberOf,
    };

    Kind kind = Kind::Call;
    QString sourceId; ///< node the reference belongs to (module, class or function id)
    QString target;
    /// Call receivers: "" (plain call), "self", "this", "cls", "super", or the receiver expression
    /// as written ("os.path", "user").
    QString receiver;
    /// Type of the receiver when the file says it (annotation, constructor assignment, parameter
    /// type), as written; empty when unknown.
    QString receiverType;
    int line = 0;
    int column = 0;
    /// Kind-specific details. Import: {"names":[{"name","alias"}], "alias", "level" (Python
    /// relative dots), "star", "dynamic", "reexport", "type_only"}.
    QJsonObject details;

    friend bool operator==(const Reference&, const Reference&) = default;
};

QString toString(Reference::Kind kind);

/// A file's references as one compact binary value (stored per file: references are only ever
/// read whole, to re-link that file).
QByteArray encodeReferences(const QList<Reference>& references);
/// The inverse of encodeReferences; nullopt for data it did not write (wrong version, truncated).
std::optional<QList<Reference>> decodeReferences(const QByteArray& data);
Reference::Kind referenceKindFromString(QStringView text, bool* ok = nullptr);

} // namespace mu
