#pragma once

#include "daemon/registry.h"
#include "model/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace mu::daemon {

/// A synchronous HTTP/1.1 client for one daemon, for the CLI and tools: connects to
/// 127.0.0.1:<port> from the registry entry, sends `Host: 127.0.0.1:<port>` and the entry's bearer
/// token, and reads one response (Content-Length or chunked) within a deadline.
/// Thread: any thread; a call blocks its thread (no event loop needed). The object is a value.
/// Errors: Error{"unreachable"} (connect failed), Error{"timeout"}, Error{"protocol"} (not HTTP, or
/// not a JSON object where one is expected, or an oversized answer), and for HTTP errors the
/// daemon's own `{"error":{"code","message"}}` (Error{"http_<status>"} when the body has none).
class DaemonClient {
public:
    struct Response {
        int status = 0;
        QByteArray contentType;
        QByteArray body;
    };

    /// The client of the daemon registered for `projectRoot`, nullopt when none runs.
    static Result<std::optional<DaemonClient>> forProject(const QString& projectRoot, Registry registry = Registry());
    explicit DaemonClient(DaemonEntry entry);

    const DaemonEntry& entry() const { return m_entry; }
    QString baseUrl() const;

    Result<QJsonObject> get(const QString& pathAndQuery, int timeoutMs = kDefaultTimeoutMs) const;
    Result<QJsonObject> post(const QString& path, const QJsonObject& body, int timeoutMs = kDefaultTimeoutMs) const;
    /// The body of a successful GET as is (exports, metrics).
    Result<QByteArray> getRaw(const QString& pathAndQuery, int timeoutMs = kDefaultTimeoutMs) const;
    /// Any request; only transport failures are errors (the status is the caller's business).
    Result<Response> request(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body = {},
        int timeoutMs = kDefaultTimeoutMs) const;

    static constexpr int kDefaultTimeoutMs = 30000;
    /// Larger answers are refused (Error{"protocol"}): nothing the daemon sends comes close.
    static constexpr qint64 kMaxResponseBytes = qint64(1) << 30;

private:
    Result<QJsonObject> jsonAnswer(Result<Response> response) const;

    DaemonEntry m_entry;
};

} // namespace mu::daemon
