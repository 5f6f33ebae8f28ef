#include "daemon/signalbridge.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QSocketNotifier>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace mu::daemon {

namespace {

Q_LOGGING_CATEGORY(lcSignals, "mu.daemon", QtWarningMsg)

constexpr int kMaxBridges = 16;
constexpr int kMaxSignal = 65;

// Read by the handler: only lock-free atomics and write(2) there. A slot holds fd + 1, so the
// zero-initialised array means "no bridge".
std::array<std::atomic<int>, kMaxBridges> s_writeFds {};

struct Disposition {
    int users = 0;
    struct sigaction previous = {};
};
std::array<Disposition, kMaxSignal> s_dispositions;

void handler(int signalNumber)
{
    const int savedErrno = errno;
    const auto byte = static_cast<unsigned char>(signalNumber);
    for (auto& slot : s_writeFds) {
        const int fd = slot.load(std::memory_order_relaxed) - 1;
        if (fd >= 0) {
            // Non-blocking: a full pipe already holds plenty of wake-ups.
            [[maybe_unused]] const ssize_t n = ::write(fd, &byte, 1);
        }
    }
    errno = savedErrno;
}

} // namespace

SignalBridge::SignalBridge(QList<int> signalNumbers, QObject* parent)
    : QObject(parent), m_signals(std::move(signalNumbers))
{
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        qCWarning(lcSignals, "signal bridge: pipe2 failed: %s", std::strerror(errno));
        return;
    }
    for (int i = 0; i < kMaxBridges; ++i) {
        int expected = 0;
        if (s_writeFds[size_t(i)].compare_exchange_strong(expected, fds[1] + 1)) {
            m_slot = i;
            break;
        }
    }
    if (m_slot < 0) {
        qCWarning(lcSignals, "signal bridge: more than %d bridges at once", kMaxBridges);
        ::close(fds[0]);
        ::close(fds[1]);
        return;
    }
    m_readFd = fds[0];
    m_writeFd = fds[1];
    m_notifier = new QSocketNotifier(qintptr(m_readFd), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalBridge::drain);

    for (const int signalNumber : std::as_const(m_signals)) {
        if (signalNumber <= 0 || signalNumber >= kMaxSignal)
            continue;
        Disposition& disposition = s_dispositions[size_t(signalNumber)];
        if (disposition.users++ > 0)
            continue;
        struct sigaction action = {};
        action.sa_handler = handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        if (::sigaction(signalNumber, &action, &disposition.previous) != 0)
            qCWarning(lcSignals, "signal bridge: sigaction(%d) failed: %s", signalNumber, std::strerror(errno));
    }
}

SignalBridge::~SignalBridge()
{
    if (m_slot < 0)
        return;
    for (const int signalNumber : std::as_const(m_signals)) {
        if (signalNumber <= 0 || signalNumber >= kMaxSignal)
            continue;
        Disposition& disposition = s_dispositions[size_t(signalNumber)];
        if (--disposition.users == 0)
            ::sigaction(signalNumber, &disposition.previous, nullptr);
    }
    s_writeFds[size_t(m_slot)].store(0);
    delete m_notifier;
    ::close(m_readFd);
    ::close(m_writeFd);
}

void SignalBridge::drain()
{
    unsigned char buffer[64];
    // A receiver may delete the bridge (quitting the daemon): stop touching it then.
    const QPointer<SignalBridge> self(this);
    for (;;) {
        const ssize_t n = ::read(m_readFd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        for (ssize_t i = 0; i < n; ++i) {
            const int signalNumber = buffer[i];
            if (m_signals.contains(signalNumber))
                Q_EMIT received(signalNumber);
            if (!self)
                return;
        }
    }
}

} // namespace mu::daemon
