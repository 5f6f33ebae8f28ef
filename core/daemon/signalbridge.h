#pragma once

#include <QList>
#include <QObject>

class QSocketNotifier;

namespace mu::daemon {

/// Turns Unix signals (SIGTERM, SIGINT, SIGHUP, …) into a Qt signal on the thread that created the
/// bridge: the handler only writes the signal number into a self-pipe (async-signal-safe), and a
/// QSocketNotifier on the pipe's read end emits received() from the event loop.
/// Several bridges may coexist (each gets the signals it asked for); the previous disposition of a
/// signal comes back when the last bridge asking for it is destroyed.
/// Thread: create and destroy on a thread with an event loop (normally the main thread); bridges
/// must not be created or destroyed concurrently.
/// Errors: none reported; if the pipe cannot be created the bridge logs a warning and never fires.
class SignalBridge : public QObject {
    Q_OBJECT
public:
    explicit SignalBridge(QList<int> signalNumbers, QObject* parent = nullptr);
    ~SignalBridge() override;

    const QList<int>& signalNumbers() const { return m_signals; }

Q_SIGNALS:
    void received(int signalNumber);

private:
    void drain();

    QList<int> m_signals;
    int m_readFd = -1;
    int m_writeFd = -1;
    int m_slot = -1;
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace mu::daemon
