#include "server/livehub.h"

#include "server/security.h"
#include "server/transportmetrics.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

Q_DECLARE_LOGGING_CATEGORY(lcServer)

namespace mu::server {

namespace {

/// Limits on one subscribe message, so a filter cannot make every publish expensive.
constexpr int kMaxFilterEntries = 1000;
constexpr auto kTryAgainLater = static_cast<QWebSocketProtocol::CloseCode>(1013);

QByteArray toJson(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QJsonObject eventJson(const LiveEvent& event)
{
    return QJsonObject {{"event_type", event.eventType}, {"node_id", event.nodeId}, {"node_type", event.nodeType},
        {"file_path", event.filePath}};
}

QByteArray updateJson(qint64 revision, qint64 seq, const QJsonArray& events)
{
    return toJson(QJsonObject {{"type", "graph_update"}, {"revision", revision}, {"seq", seq}, {"events", events}});
}

/// A JSON array of strings, or nothing when the value is absent/null (= match all).
std::optional<QStringList> stringList(const QJsonValue& value, bool& ok)
{
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isArray()) {
        ok = false;
        return std::nullopt;
    }
    const QJsonArray array = value.toArray();
    if (array.size() > kMaxFilterEntries) {
        ok = false;
        return std::nullopt;
    }
    QStringList list;
    for (const QJsonValue& item : array) {
        if (!item.isString()) {
            ok = false;
            return std::nullopt;
        }
        list.append(item.toString());
    }
    return list;
}

} // namespace

QRegularExpression globToRegularExpression(const QString& glob)
{
    QString pattern;
    for (qsizetype i = 0; i < glob.size(); ++i) {
        const QChar c = glob.at(i);
        if (c == QLatin1Char('*')) {
            if (i + 1 < glob.size() && glob.at(i + 1) == QLatin1Char('*')) {
                ++i;
                if (i + 1 < glob.size() && glob.at(i + 1) == QLatin1Char('/')) {
                    ++i;
                    pattern += QStringLiteral("(?:.*/)?");
                } else {
                    pattern += QStringLiteral(".*");
                }
            } else {
                pattern += QStringLiteral("[^/]*");
            }
        } else if (c == QLatin1Char('?')) {
            pattern += QStringLiteral("[^/]");
        } else {
            pattern += QRegularExpression::escape(QString(c));
        }
    }
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern));
}

bool LiveHub::Filter::matches(const LiveEvent& event) const
{
    if (!nodeIds.isEmpty() && !nodeIds.contains(event.nodeId))
        return false;
    if (!types.isEmpty() && !types.contains(event.nodeType))
        return false;
    if (paths.isEmpty())
        return true;
    return std::any_of(paths.cbegin(), paths.cend(),
        [&](const QRegularExpression& glob) { return glob.match(event.filePath).hasMatch(); });
}

LiveHub::LiveHub(
    const ServerLimits& limits, const SecurityOptions& security, TransportMetrics& metrics, QObject* parent)
    : QObject(parent)
    , m_limits(limits)
    , m_security(security)
    , m_metrics(metrics)
    , m_server(new QWebSocketServer(QStringLiteral("mu"), QWebSocketServer::NonSecureMode, this))
{
    m_server->setMaxPendingConnections(qMax(1, limits.maxWsClients));
    connect(m_server, &QWebSocketServer::newConnection, this, &LiveHub::onNewConnection);
}

LiveHub::~LiveHub() = default;

void LiveHub::setRevision(qint64 revision)
{
    m_revision = revision;
}

int LiveHub::clientCount() const
{
    return int(m_clients.size());
}

bool LiveHub::canAdopt() const
{
    return m_clients.size() + m_pending.size() < m_limits.maxWsClients;
}

void LiveHub::adopt(QTcpSocket* socket, bool authenticated)
{
    socket->setParent(this);
    const quint16 port = socket->peerPort();
    m_pending.insert(port, socket);
    if (authenticated)
        m_pendingAuthenticated.insert(port);
    connect(socket, &QTcpSocket::disconnected, this, [this, port, guarded = QPointer<QTcpSocket>(socket)] {
        // A handshake QWebSocketServer refused, or a client gone before it completed.
        if (m_pending.value(port) == guarded) {
            m_pending.remove(port);
            m_pendingAuthenticated.remove(port);
        }
        if (guarded)
            guarded->deleteLater();
    });
    m_server->handleConnection(socket);
}

void LiveHub::onNewConnection()
{
    while (m_server->hasPendingConnections()) {
        QWebSocket* socket = m_server->nextPendingConnection();
        socket->setParent(this);
        const quint16 port = socket->peerPort();
        const QPointer<QTcpSocket> tcp = m_pending.take(port);
        const bool authenticated = m_pendingAuthenticated.remove(port);
        if (tcp) {
            disconnect(tcp, &QTcpSocket::disconnected, this, nullptr);
            connect(socket, &QObject::destroyed, tcp.data(), &QObject::deleteLater);
        }
        if (m_clients.size() >= m_limits.maxWsClients) {
            socket->close(kTryAgainLater, QStringLiteral("too many clients"));
            socket->deleteLater();
            continue;
        }
        socket->setMaxAllowedIncomingMessageSize(quint64(m_limits.maxWsMessageBytes));
        socket->setMaxAllowedIncomingFrameSize(quint64(m_limits.maxWsMessageBytes));
        connect(socket, &QWebSocket::textMessageReceived, this,
            [this, socket](const QString& message) { onTextMessage(socket, message); });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket] { onBinaryMessage(socket); });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] { removeClient(socket); });
        Client& client = m_clients[socket];
        client.socket = socket;
        updateGauge();
        if (authenticated) {
            authenticate(client);
        } else {
            QTimer::singleShot(m_limits.requestTimeoutMs, socket, [this, socket] { onAuthDeadline(socket); });
        }
    }
}

void LiveHub::authenticate(Client& client)
{
    client.authenticated = true;
    send(client, toJson(QJsonObject {{"type", "hello"}, {"revision", m_revision}, {"seq", m_sequence}}));
}

void LiveHub::onAuthDeadline(QWebSocket* socket)
{
    const auto it = m_clients.find(socket);
    if (it != m_clients.end() && !it->authenticated)
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("authentication timeout"));
}

void LiveHub::onBinaryMessage(QWebSocket* socket)
{
    const auto it = m_clients.find(socket);
    if (it == m_clients.end() || it->dropped)
        return;
    if (!it->authenticated) {
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("authentication required"));
        return;
    }
    sendError(*it, "bad_message", "binary messages are not supported; send JSON text");
}

void LiveHub::onTextMessage(QWebSocket* socket, const QString& message)
{
    const auto it = m_clients.find(socket);
    if (it == m_clients.end() || it->dropped)
        return;
    Client& client = *it;
    const Result<QJsonObject> parsed = parseJsonObject(message.toUtf8(), m_limits.maxJsonDepth);
    const QString type = parsed ? parsed->value("type").toString() : QString();
    if (!client.authenticated) {
        if (type == QLatin1String("auth")
            && (!m_security.requireAuth
                || security::tokenEquals(parsed->value("token").toString().toUtf8(), m_security.token))) {
            authenticate(client);
            return;
        }
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("authentication required"));
        return;
    }
    if (!parsed) {
        sendError(client, parsed.error().code, parsed.error().message);
        return;
    }
    const QJsonObject& object = *parsed;
    if (type == QLatin1String("ping")) {
        send(client, toJson(QJsonObject {{"type", "pong"}}));
    } else if (type == QLatin1String("subscribe")) {
        bool ok = true;
        const auto paths = stringList(object.value("paths"), ok);
        const auto nodeIds = stringList(object.value("node_ids"), ok);
        const auto types = stringList(object.value("types"), ok);
        if (!ok) {
            sendError(client, "bad_message",
                QStringLiteral("paths, node_ids and types must be arrays of at most %1 strings")
                    .arg(kMaxFilterEntries));
            return;
        }
        Filter filter;
        for (const QString& glob : paths.value_or(QStringList()))
            filter.paths.append(globToRegularExpression(glob));
        for (const QString& id : nodeIds.value_or(QStringList()))
            filter.nodeIds.insert(id);
        for (const QString& nodeType : types.value_or(QStringList()))
            filter.types.insert(nodeType);
        client.filter = std::move(filter);
        send(client,
            toJson(QJsonObject {{"type", "subscribed"},
                {"paths", QJsonArray::fromStringList(paths.value_or(QStringList()))},
                {"node_ids", QJsonArray::fromStringList(nodeIds.value_or(QStringList()))},
                {"types", QJsonArray::fromStringList(types.value_or(QStringList()))}}));
    } else if (type == QLatin1String("unsubscribe")) {
        client.filter = {};
        send(client, toJson(QJsonObject {{"type", "unsubscribed"}}));
    } else if (type == QLatin1String("resume")) {
        const QJsonValue since = object.value("since_seq");
        const double value = since.toDouble(-1);
        if (!since.isDouble() || value < 0 || value != double(qint64(value))) {
            sendError(client, "bad_message", "since_seq must be a non-negative integer");
            return;
        }
        resume(socket, qint64(value));
    } else if (type == QLatin1String("auth")) {
        // Already authenticated (by ?token=): nothing to do.
    } else {
        sendError(client, "unknown_type", QStringLiteral("unknown message type '%1'").arg(type));
    }
}

void LiveHub::resume(QWebSocket* socket, qint64 since)
{
    const qint64 oldest = m_replay.empty() ? m_sequence + 1 : m_replay.front().seq;
    const bool lost = since > m_sequence || since < m_resumeFloor || since + 1 < oldest;
    if (lost) {
        if (Client* client = find(socket))
            send(*client, toJson(QJsonObject {{"type", "resync"}, {"revision", m_revision}}));
        return;
    }
    for (const Update& update : m_replay) {
        if (update.seq <= since)
            continue;
        Client* client = find(socket);
        if (!client || client->dropped)
            return;
        sendUpdate(*client, update, nullptr);
    }
}

LiveHub::Client* LiveHub::find(QWebSocket* socket)
{
    const auto it = m_clients.find(socket);
    return it == m_clients.end() ? nullptr : &*it;
}

void LiveHub::publishGraphUpdate(qint64 revision, const QList<LiveEvent>& events)
{
    m_revision = qMax(m_revision, revision);
    Update update {++m_sequence, revision, events};
    QByteArray unfiltered;
    const auto sockets = m_clients.keys();
    for (QWebSocket* socket : sockets) {
        Client* client = find(socket);
        if (client && client->authenticated && !client->dropped)
            sendUpdate(*client, update, &unfiltered);
    }
    m_replayEvents += update.events.size();
    m_replay.push_back(std::move(update));
    while (!m_replay.empty()
        && (qsizetype(m_replay.size()) > m_limits.wsReplayUpdates || m_replayEvents > m_limits.wsReplayEvents)) {
        m_replayEvents -= m_replay.front().events.size();
        m_replay.pop_front();
    }
}

void LiveHub::sendUpdate(Client& client, const Update& update, QByteArray* unfilteredCache)
{
    if (client.filter.isEmpty()) {
        QByteArray local;
        QByteArray& json = unfilteredCache ? *unfilteredCache : local;
        if (json.isEmpty()) {
            QJsonArray array;
            for (const LiveEvent& event : update.events)
                array.append(eventJson(event));
            json = updateJson(update.revision, update.seq, array);
        }
        send(client, json);
        return;
    }
    QJsonArray array;
    for (const LiveEvent& event : update.events) {
        if (client.filter.matches(event))
            array.append(eventJson(event));
    }
    if (!array.isEmpty())
        send(client, updateJson(update.revision, update.seq, array));
}

void LiveHub::publishProgress(int done, int total)
{
    const QByteArray json = toJson(QJsonObject {{"type", "index_progress"}, {"done", done}, {"total", total}});
    const auto sockets = m_clients.keys();
    for (QWebSocket* socket : sockets) {
        Client* client = find(socket);
        if (client && client->authenticated && !client->dropped)
            send(*client, json);
    }
}

void LiveHub::publishResync(qint64 revision)
{
    m_revision = qMax(m_revision, revision);
    m_replay.clear();
    m_replayEvents = 0;
    m_resumeFloor = m_sequence;
    const QByteArray json = toJson(QJsonObject {{"type", "resync"}, {"revision", revision}});
    const auto sockets = m_clients.keys();
    for (QWebSocket* socket : sockets) {
        Client* client = find(socket);
        if (client && client->authenticated && !client->dropped)
            send(*client, json);
    }
}

void LiveHub::closeAll()
{
    const auto sockets = m_clients.keys();
    for (QWebSocket* socket : sockets)
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server shutting down"));
}

void LiveHub::sendError(Client& client, const QString& code, const QString& message)
{
    send(client, toJson(QJsonObject {{"type", "error"}, {"code", code}, {"message", message}}));
}

bool LiveHub::send(Client& client, const QByteArray& json)
{
    if (client.dropped)
        return false;
    const qint64 queued = client.socket->bytesToWrite();
    // A single message larger than the cap still goes to a client that has read everything.
    if (queued > 0 && queued + json.size() > m_limits.maxWsSendQueueBytes) {
        drop(client);
        return false;
    }
    client.socket->sendTextMessage(QString::fromUtf8(json));
    return true;
}

void LiveHub::drop(Client& client)
{
    client.dropped = true;
    m_metrics.addWsDropped();
    qCInfo(lcServer) << "dropping a /live client that stopped reading:" << client.socket->bytesToWrite()
                     << "bytes unsent";
    // Deferred: the caller may be iterating over the clients.
    QMetaObject::invokeMethod(client.socket, &QWebSocket::abort, Qt::QueuedConnection);
}

void LiveHub::removeClient(QWebSocket* socket)
{
    if (m_clients.remove(socket) > 0) {
        updateGauge();
        socket->deleteLater();
    }
}

void LiveHub::updateGauge()
{
    m_metrics.setWsClients(int(m_clients.size()));
}

} // namespace mu::server
