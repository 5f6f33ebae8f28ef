#pragma once

#include <QByteArray>
#include <QMap>
#include <QMutex>

#include <array>
#include <atomic>

namespace mu::server {

/// Counters of the transport, rendered as Prometheus text.
/// Thread: all members are thread-safe (the server records on its thread; /metrics may render
/// from a worker).
class TransportMetrics {
public:
    void recordRequest(int status, double seconds);
    void setConnections(int count) { m_connections.store(count, std::memory_order_relaxed); }
    void setWsClients(int count) { m_wsClients.store(count, std::memory_order_relaxed); }
    void addWsDropped() { m_wsDropped.fetch_add(1, std::memory_order_relaxed); }
    int connections() const { return m_connections.load(std::memory_order_relaxed); }
    int wsClients() const { return m_wsClients.load(std::memory_order_relaxed); }
    qint64 wsDropped() const { return m_wsDropped.load(std::memory_order_relaxed); }

    QByteArray text() const;

private:
    static constexpr std::array<double, 12> kBuckets {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

    mutable QMutex m_mutex;
    QMap<int, qint64> m_requestsByCode;
    std::array<qint64, kBuckets.size()> m_bucketCounts {};
    qint64 m_durationCount = 0;
    double m_durationSum = 0;
    std::atomic<int> m_connections {0};
    std::atomic<int> m_wsClients {0};
    std::atomic<qint64> m_wsDropped {0};
};

} // namespace mu::server
