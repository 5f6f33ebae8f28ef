#pragma once

#include "model/result.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

namespace mu::server {

/// One HTTP request as a route handler sees it: a plain value, safe to copy to a worker thread.
struct HttpRequest {
    QByteArray method;                     ///< "GET", "POST", ...
    QString path;                          ///< percent-decoded path
    QUrlQuery query;                       ///< the raw query; read values with QUrl::FullyDecoded
    QHash<QByteArray, QByteArray> headers; ///< lower-case names
    QByteArray body;
    QHash<QString, QString> args; ///< values of the route's {name} placeholders, percent-decoded

    QString arg(const QString& name) const { return args.value(name); }
    QByteArray header(const QByteArray& lowerCaseName) const { return headers.value(lowerCaseName); }
    /// The decoded value of query item `key` ("" when absent).
    QString queryValue(const QString& key) const { return query.queryItemValue(key, QUrl::FullyDecoded); }
};

/// One HTTP answer. Framing headers (Content-Length, Connection, Transfer-Encoding) are the
/// server's: the ones a handler puts in `headers` are ignored, as are values containing CR or LF.
struct HttpResponse {
    int status = 200;
    QByteArray contentType = "application/json";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    static HttpResponse json(const QJsonObject& object, int status = 200);
    static HttpResponse text(QByteArray body, QByteArray contentType, int status = 200);
    /// SPEC §8 error shape {"error":{"code":..,"message":..}}. The server adds "revision" to any
    /// JSON error answer that has none when it has a revision provider.
    static HttpResponse error(int status, const QString& code, const QString& message);
};

/// Transport limits (DESIGN.md "Security"); Qt 6.4 has none of its own.
struct ServerLimits {
    qint64 maxBodyBytes = 1 << 20;
    int maxHeaderBytes = 16 * 1024; ///< request line + header block
    int maxConnections = 256;       ///< open HTTP connections (WebSocket clients count separately)
    int idleTimeoutMs = 30000;      ///< a keep-alive connection with no request for this long is closed
    int requestTimeoutMs = 10000;   ///< headers+body not complete within this: 408 and close (slowloris)
    qint64 maxWsMessageBytes = 1 << 20;
    qint64 maxWsSendQueueBytes = 8 << 20; ///< a client with more unsent bytes is dropped
    int maxJsonDepth = 64;
    int maxWsClients = 128;
    int wsReplayUpdates = 1024;  ///< graph updates kept for `resume`
    int wsReplayEvents = 200000; ///< ... and at most this many events across them
    int workerThreads = 0;       ///< Pool handlers' threads; 0 = QThread::idealThreadCount()
};

struct SecurityOptions {
    QByteArray token;           ///< bearer token; required on every route but those marked public
    bool requireAuth = true;    ///< false = `--no-auth`
    QStringList allowedOrigins; ///< exact origins allowed besides none; empty = reject any present Origin
};

/// Inline: the handler runs on the server's thread (only for answers that cost microseconds).
/// Pool: the handler runs on the server's QThreadPool and answers through a QFuture; never on the
/// event loop.
enum class Execution {
    Inline,
    Pool
};

/// Parses a request body that must be a JSON object, refusing nesting deeper than `maxDepth`
/// before Qt's recursive parser sees it.
/// Errors: "bad_json" with a message naming the byte offset (or the depth), for a body that is
/// empty, malformed, too deep or not an object.
Result<QJsonObject> parseJsonBody(const HttpRequest& request, int maxDepth = 64);
/// Same for any bytes (WebSocket messages).
Result<QJsonObject> parseJsonObject(const QByteArray& bytes, int maxDepth);

/// The standard reason phrase of an HTTP status ("Not Found"), or "Unknown".
QByteArray reasonPhrase(int status);

} // namespace mu::server
