#pragma once

#include "server/http.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QRegularExpression>
#include <QSet>
#include <QString>

#include <deque>

class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace mu::server {

class TransportMetrics;

/// One change in a graph update (SPEC §8): event_type is node_added, node_modified or node_removed.
struct LiveEvent {
    QString eventType;
    QString nodeId;
    QString nodeType;
    QString filePath;
};

/// The WebSocket `/live` hub (SPEC §8), on the HTTP server's port.
///
/// Protocol. Server → client: {"type":"hello","revision","seq"} once authenticated;
/// {"type":"graph_update","revision","seq","events":[{event_type,node_id,node_type,file_path}]};
/// {"type":"index_progress","done","total"}; {"type":"resync","revision"}; {"type":"pong"};
/// {"type":"subscribed",...} / {"type":"unsubscribed"} acknowledging filters;
/// {"type":"error","code","message"} for a malformed message (the client stays connected).
/// Client → server: {"type":"auth","token"} (when the upgrade had no valid ?token= or bearer
/// header: any other first message closes with 1008, as does silence for the request timeout),
/// {"type":"subscribe","paths":[globs],"node_ids":[..],"types":[..]} (replaces the filters; each
/// non-empty list must match — paths by glob, where ** crosses '/' and * and ? do not — and
/// empty lists match all), {"type":"unsubscribe"}, {"type":"resume","since_seq":S} (replays
/// the buffered updates after S, filtered, or sends resync when they are no longer all
/// buffered), {"type":"ping"}.
/// Every graph update takes the next seq, even when a client's filters leave nothing to send it.
/// Limits: messages over maxWsMessageBytes close with 1009; a client whose unsent bytes would
/// exceed maxWsSendQueueBytes is dropped (counted in mu_ws_dropped_total); at most maxWsClients.
///
/// Thread: the server's thread only. Created by HttpServer.
class LiveHub : public QObject {
    Q_OBJECT
public:
    LiveHub(const ServerLimits& limits, const SecurityOptions& security, TransportMetrics& metrics,
        QObject* parent = nullptr);
    ~LiveHub() override;

    void setRevision(qint64 revision);
    qint64 revision() const { return m_revision; }
    /// seq++, keeps the update for `resume`, sends it to each client whose filters match an event.
    void publishGraphUpdate(qint64 revision, const QList<LiveEvent>& events);
    /// index_progress to every client (not buffered).
    void publishProgress(int done, int total);
    /// resync to every client; updates buffered so far can no longer be resumed.
    void publishResync(qint64 revision);
    /// Authenticated and not-yet-authenticated clients.
    int clientCount() const;
    qint64 sequence() const { return m_sequence; }

    /// Closes every client with 1001 (going away).
    void closeAll();

    // For HttpServer: an accepted upgrade request whose Host and Origin were checked.
    bool canAdopt() const;
    void adopt(QTcpSocket* socket, bool authenticated);

private:
    struct Filter {
        QList<QRegularExpression> paths;
        QSet<QString> nodeIds;
        QSet<QString> types;
        bool matches(const LiveEvent& event) const;
        bool isEmpty() const { return paths.isEmpty() && nodeIds.isEmpty() && types.isEmpty(); }
    };
    struct Client {
        QWebSocket* socket = nullptr;
        bool authenticated = false;
        bool dropped = false; ///< aborting; sends nothing more
        Filter filter;
    };
    struct Update {
        qint64 seq = 0;
        qint64 revision = 0;
        QList<LiveEvent> events;
    };

    void onNewConnection();
    void onTextMessage(QWebSocket* socket, const QString& message);
    void onBinaryMessage(QWebSocket* socket);
    void onAuthDeadline(QWebSocket* socket);
    void removeClient(QWebSocket* socket);
    void authenticate(Client& client);
    void resume(QWebSocket* socket, qint64 since);
    Client* find(QWebSocket* socket);
    /// `unfilteredCache` holds the update's JSON for clients without filters, built once per publish.
    void sendUpdate(Client& client, const Update& update, QByteArray* unfilteredCache);
    void sendError(Client& client, const QString& code, const QString& message);
    /// False when the client was dropped.
    bool send(Client& client, const QByteArray& json);
    void drop(Client& client);
    void updateGauge();

    ServerLimits m_limits;
    SecurityOptions m_security;
    TransportMetrics& m_metrics;
    QWebSocketServer* m_server;
    QHash<QWebSocket*, Client> m_clients;
    QHash<quint16, QPointer<QTcpSocket>> m_pending; ///< upgrading sockets by peer port
    QSet<quint16> m_pendingAuthenticated;
    std::deque<Update> m_replay;
    qint64 m_replayEvents = 0;
    qint64 m_resumeFloor = 0; ///< resume from before this seq cannot be served (publishResync)
    qint64 m_revision = 0;
    qint64 m_sequence = 0;
};

/// A glob over '/'-separated paths: ** matches anything (slashes included), * and ? match within
/// one segment. Exposed for tests.
QRegularExpression globToRegularExpression(const QString& glob);

} // namespace mu::server
