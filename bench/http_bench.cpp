// The HTTP transport (docs/BENCHMARKS.md, "HTTP server"): keep-alive GETs against a trivial route,
// answered inline (event loop only) and on the pool (QtConcurrent + QFuture), from C client
// threads over raw sockets, so the numbers are the server's and not a client library's.
// Usage: mu_bench_http [CONNECTIONS] [REQUESTS_PER_CONNECTION]   (defaults 8, 5000)
// Prints requests/s and latency percentiles per route. For an external client: `mu_bench_http serve`
// prints the port and token and serves until killed (e.g. wrk -c 8 -d 10s -H "Authorization: Bearer <token>"
// http://127.0.0.1:<port>/inline).
#include "server/httpserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace mu::server;

namespace {

const QByteArray kToken = "bench-token";

/// One keep-alive connection doing `count` GETs; returns each request's latency in microseconds.
std::vector<double> runClient(quint16 port, const std::string& path, int count, std::atomic<int>& failures)
{
    std::vector<double> latencies;
    latencies.reserve(std::size_t(count));
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ++failures;
        ::close(fd);
        return latencies;
    }
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port)
        + "\r\nAuthorization: Bearer " + kToken.toStdString() + "\r\n\r\n";
    std::string buffer;
    char chunk[16384];
    for (int i = 0; i < count; ++i) {
        QElapsedTimer timer;
        timer.start();
        if (::send(fd, request.data(), request.size(), 0) != ssize_t(request.size())) {
            ++failures;
            break;
        }
        // Read one response: headers, then Content-Length bytes.
        while (true) {
            const auto end = buffer.find("\r\n\r\n");
            if (end != std::string::npos) {
                const auto lengthAt = buffer.find("Content-Length: ");
                const std::size_t length
                    = lengthAt < end ? std::strtoul(buffer.c_str() + lengthAt + 16, nullptr, 10) : 0;
                if (buffer.size() >= end + 4 + length) {
                    if (buffer.compare(0, 12, "HTTP/1.1 200") != 0)
                        ++failures;
                    buffer.erase(0, end + 4 + length);
                    break;
                }
            }
            const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
            if (got <= 0) {
                ++failures;
                ::close(fd);
                return latencies;
            }
            buffer.append(chunk, std::size_t(got));
        }
        latencies.push_back(double(timer.nsecsElapsed()) / 1000.0);
    }
    ::close(fd);
    return latencies;
}

void runRoute(quint16 port, const char* path, int connections, int requests)
{
    std::atomic<int> failures {0};
    std::vector<std::vector<double>> perClient;
    perClient.resize(static_cast<std::size_t>(connections));
    QElapsedTimer wall;
    wall.start();
    std::vector<std::thread> threads;
    for (int c = 0; c < connections; ++c)
        threads.emplace_back([&, c] { perClient[std::size_t(c)] = runClient(port, path, requests, failures); });
    // The server lives on this thread: run its event loop until the clients are done.
    std::atomic<bool> done {false};
    std::thread joiner([&] {
        for (auto& thread : threads)
            thread.join();
        done = true;
    });
    while (!done)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    joiner.join();
    const double seconds = double(wall.nsecsElapsed()) / 1e9;
    std::vector<double> all;
    for (const auto& latencies : perClient)
        all.insert(all.end(), latencies.begin(), latencies.end());
    std::sort(all.begin(), all.end());
    auto percentile = [&](double p) { return all.empty() ? 0.0 : all.at(std::size_t(p * double(all.size() - 1))); };
    std::printf("%-8s %2d conn  %7zu req  %9.0f req/s  p50 %7.1f us  p99 %7.1f us  max %8.1f us  failures %d\n", path,
        connections, all.size(), double(all.size()) / seconds, percentile(0.50), percentile(0.99),
        all.empty() ? 0.0 : all.back(), failures.load());
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const bool serve = argc > 1 && std::strcmp(argv[1], "serve") == 0;
    const int connections = !serve && argc > 1 ? std::max(1, std::atoi(argv[1])) : 8;
    const int requests = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5000;

    ServerLimits limits;
    limits.maxConnections = 1024;
    SecurityOptions security;
    security.token = kToken;
    HttpServer server(limits, security);
    const QByteArray body = R"({"ok":true,"revision":1})";
    server.route(
        "GET", "/inline", [body](const HttpRequest&) { return HttpResponse::text(body, "application/json"); },
        Execution::Inline);
    server.route(
        "GET", "/pool", [body](const HttpRequest&) { return HttpResponse::text(body, "application/json"); },
        Execution::Pool);
    const auto port = server.listen(0);
    if (!port) {
        std::fprintf(stderr, "listen: %s\n", qPrintable(port.error().message));
        return 1;
    }
    if (serve) {
        std::printf("port %u token %s\n", unsigned(*port), kToken.constData());
        std::fflush(stdout);
        return QCoreApplication::exec();
    }
    std::printf("HTTP transport, %d cores\n", QThread::idealThreadCount());
    runRoute(*port, "/inline", 1, requests);
    runRoute(*port, "/inline", connections, requests);
    runRoute(*port, "/pool", 1, requests);
    runRoute(*port, "/pool", connections, requests);
    return 0;
}
