// SignalBridge: Unix signals arrive as a Qt signal from the event loop.
#include "daemon/signalbridge.h"

#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace mu::daemon;

namespace {

constexpr int kWaitMs = 10000;

} // namespace

class TestSignalBridge : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void deliversAskedSignals_data();
    void deliversAskedSignals();
    void onlyTheSignalsAsked();
    void burstNeverBlocks();
    void restoresPreviousDisposition();
    void receiverMayDeleteBridge();
};

void TestSignalBridge::deliversAskedSignals_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::newRow("SIGTERM") << SIGTERM;
    QTest::newRow("SIGINT") << SIGINT;
    QTest::newRow("SIGHUP") << SIGHUP;
}

void TestSignalBridge::deliversAskedSignals()
{
    QFETCH(int, signalNumber);
    SignalBridge bridge({SIGTERM, SIGINT, SIGHUP});
    QSignalSpy spy(&bridge, &SignalBridge::received);
    QCOMPARE(::raise(signalNumber), 0);
    QVERIFY(spy.wait(kWaitMs));
    QCOMPARE(spy.size(), 1);
    QCOMPARE(spy.first().first().toInt(), signalNumber);
}

void TestSignalBridge::onlyTheSignalsAsked()
{
    SignalBridge first({SIGUSR1});
    SignalBridge second({SIGUSR2});
    QSignalSpy firstSpy(&first, &SignalBridge::received);
    QSignalSpy secondSpy(&second, &SignalBridge::received);
    QCOMPARE(::raise(SIGUSR2), 0);
    QVERIFY(secondSpy.wait(kWaitMs));
    QCOMPARE(secondSpy.first().first().toInt(), SIGUSR2);
    // Both pipes got the byte by now (the handler writes to all); the first bridge filtered it.
    QTest::qWait(50);
    QCOMPARE(firstSpy.size(), 0);
    QCOMPARE(::raise(SIGUSR1), 0);
    QVERIFY(firstSpy.wait(kWaitMs));
    QCOMPARE(secondSpy.size(), 1);
}

void TestSignalBridge::burstNeverBlocks()
{
    SignalBridge bridge({SIGTERM});
    QSignalSpy spy(&bridge, &SignalBridge::received);
    // Far more than a pipe holds without a reader: the handler must drop, not block.
    constexpr int kBurst = 100000;
    for (int i = 0; i < kBurst; ++i)
        ::raise(SIGTERM);
    QVERIFY(spy.wait(kWaitMs));
    QTRY_VERIFY_WITH_TIMEOUT(spy.size() > 0, kWaitMs);
    QVERIFY(spy.size() <= kBurst);
}

void TestSignalBridge::restoresPreviousDisposition()
{
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    struct sigaction saved = {};
    QCOMPARE(::sigaction(SIGUSR1, &ignore, &saved), 0);
    {
        SignalBridge outer({SIGUSR1});
        struct sigaction during = {};
        ::sigaction(SIGUSR1, nullptr, &during);
        QVERIFY(during.sa_handler != SIG_IGN);
        {
            SignalBridge inner({SIGUSR1});
        }
        // The outer bridge still wants SIGUSR1.
        QSignalSpy spy(&outer, &SignalBridge::received);
        QCOMPARE(::raise(SIGUSR1), 0);
        QVERIFY(spy.wait(kWaitMs));
    }
    struct sigaction after = {};
    ::sigaction(SIGUSR1, nullptr, &after);
    QVERIFY(after.sa_handler == SIG_IGN);
    ::sigaction(SIGUSR1, &saved, nullptr);
}

void TestSignalBridge::receiverMayDeleteBridge()
{
    auto* bridge = new SignalBridge({SIGTERM});
    bool deleted = false;
    connect(bridge, &SignalBridge::received, this, [&deleted, bridge]() {
        delete bridge;
        deleted = true;
    });
    ::raise(SIGTERM);
    ::raise(SIGTERM);
    QTRY_VERIFY_WITH_TIMEOUT(deleted, kWaitMs);
}

QTEST_GUILESS_MAIN(TestSignalBridge)

#include "tst_signalbridge.moc"
