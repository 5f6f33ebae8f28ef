#pragma once

#include "server/http.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace mu::server {

/// Method + path pattern → handler. Patterns are literal segments and {name} placeholders; {name*}
/// matches one or more segments, slashes included. When several routes match, the one with the
/// most literal segments wins, then the one with fewer multi-segment placeholders, then the one
/// registered first.
/// Thread: not thread-safe; the server registers routes before listening and matches on its thread.
class Router {
public:
    using Handler = std::function<HttpResponse(const HttpRequest&)>;

    struct Route {
        QByteArray method;
        QString pattern;
        Handler handler;
        Execution execution = Execution::Pool;
        bool isPublic = false;

        struct Segment {
            QString text; ///< literal text, or the placeholder's name
            bool isPlaceholder = false;
            bool isRest = false; ///< {name*}
        };
        QList<Segment> segments;
        int literalCount = 0;
        int restCount = 0;
    };

    struct Match {
        enum class Kind {
            Found,
            WrongMethod,
            NotFound
        };
        Kind kind = Kind::NotFound;
        const Route* route = nullptr;
        QHash<QString, QString> args;
        QList<QByteArray> allowedMethods; ///< for WrongMethod: the methods the path has
    };

    /// Errors: "bad_pattern" for a pattern that does not start with '/', has an unclosed brace,
    /// an empty placeholder name or the same name twice.
    Status add(const QByteArray& method, const QString& pattern, Handler handler, Execution execution, bool isPublic);

    /// `segments`: the request path split at '/', each percent-decoded on its own (so an encoded
    /// %2F stays inside its segment).
    Match match(const QByteArray& method, const QStringList& segments) const;

    /// Splits "/a/b%2Fc" into {"a", "b/c"}; "/" gives {""}.
    static QStringList splitPath(const QByteArray& rawPath);

private:
    QList<Route> m_routes;
};

} // namespace mu::server
