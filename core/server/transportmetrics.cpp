#include "server/transportmetrics.h"

namespace mu::server {

void TransportMetrics::recordRequest(int status, double seconds)
{
    QMutexLocker lock(&m_mutex);
    ++m_requestsByCode[status];
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets.at(i))
            ++m_bucketCounts.at(i);
    }
    ++m_durationCount;
    m_durationSum += seconds;
}

QByteArray TransportMetrics::text() const
{
    QByteArray out;
    QMutexLocker lock(&m_mutex);
    out += "# HELP mu_http_requests_total HTTP requests answered, by status code.\n"
           "# TYPE mu_http_requests_total counter\n";
    for (auto it = m_requestsByCode.cbegin(); it != m_requestsByCode.cend(); ++it)
        out += "mu_http_requests_total{code=\"" + QByteArray::number(it.key()) + "\"} " + QByteArray::number(it.value())
            + '\n';
    out += "# HELP mu_http_request_duration_seconds Time from a request's first byte to its answer.\n"
           "# TYPE mu_http_request_duration_seconds histogram\n";
    for (std::size_t i = 0; i < kBuckets.size(); ++i)
        out += "mu_http_request_duration_seconds_bucket{le=\"" + QByteArray::number(kBuckets.at(i), 'g', 6) + "\"} "
            + QByteArray::number(m_bucketCounts.at(i)) + '\n';
    out += "mu_http_request_duration_seconds_bucket{le=\"+Inf\"} " + QByteArray::number(m_durationCount) + '\n';
    out += "mu_http_request_duration_seconds_sum " + QByteArray::number(m_durationSum, 'g', 9) + '\n';
    out += "mu_http_request_duration_seconds_count " + QByteArray::number(m_durationCount) + '\n';
    lock.unlock();
    out += "# HELP mu_http_connections Open HTTP connections.\n"
           "# TYPE mu_http_connections gauge\n"
           "mu_http_connections "
        + QByteArray::number(connections()) + '\n';
    out += "# HELP mu_ws_clients Connected /live WebSocket clients.\n"
           "# TYPE mu_ws_clients gauge\n"
           "mu_ws_clients "
        + QByteArray::number(wsClients()) + '\n';
    out += "# HELP mu_ws_dropped_total /live clients dropped because they did not read.\n"
           "# TYPE mu_ws_dropped_total counter\n"
           "mu_ws_dropped_total "
        + QByteArray::number(wsDropped()) + '\n';
    return out;
}

} // namespace mu::server
