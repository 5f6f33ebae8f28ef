#include "server/http.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace mu::server {

HttpResponse HttpResponse::json(const QJsonObject& object, int status)
{
    HttpResponse response;
    response.status = status;
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return response;
}

HttpResponse HttpResponse::text(QByteArray body, QByteArray contentType, int status)
{
    HttpResponse response;
    response.status = status;
    response.contentType = std::move(contentType);
    response.body = std::move(body);
    return response;
}

HttpResponse HttpResponse::error(int status, const QString& code, const QString& message)
{
    return json(QJsonObject {{"error", QJsonObject {{"code", code}, {"message", message}}}}, status);
}

namespace {

/// Deepest nesting of arrays/objects, counted without recursion; strings are skipped so brackets
/// inside them do not count. Returns the offset where `maxDepth` is first exceeded, or -1.
qsizetype depthViolation(const QByteArray& bytes, int maxDepth)
{
    int depth = 0;
    bool inString = false;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char c = bytes.at(i);
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth > maxDepth)
                return i;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return -1;
}

} // namespace

Result<QJsonObject> parseJsonObject(const QByteArray& bytes, int maxDepth)
{
    if (bytes.trimmed().isEmpty())
        return Error {"bad_json", "empty body: expected a JSON object"};
    if (const qsizetype at = depthViolation(bytes, maxDepth); at >= 0)
        return Error {
            "bad_json", QStringLiteral("JSON nested deeper than %1 levels at offset %2").arg(maxDepth).arg(at)};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error {"bad_json",
            QStringLiteral("malformed JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString())};
    if (!document.isObject())
        return Error {"bad_json", "expected a JSON object"};
    return document.object();
}

Result<QJsonObject> parseJsonBody(const HttpRequest& request, int maxDepth)
{
    return parseJsonObject(request.body, maxDepth);
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Payload Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

} // namespace mu::server
