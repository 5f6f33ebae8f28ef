#pragma once

#include "model/graphtypes.h"
#include "model/result.h"

#include <QCommandLineOption>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

class QCommandLineParser;

namespace mu::store {
class StoreReader;
}

/// The `mu` command line: one function per command, each returning the process exit code
/// (SPEC §2: 0 success, 1 user error, 2 usage error, 5 contract violations).
namespace mu::cli {

enum ExitCode {
    kExitOk = 0,
    kExitUserError = 1,
    kExitUsage = 2,
    kExitViolations = 5
};

int runIndex(const QStringList& arguments);
int runStatus(const QStringList& arguments);
int runShow(const QStringList& arguments);
int runRead(const QStringList& arguments);
int runSearch(const QStringList& arguments);
// Graph operations (graphcommands.cpp).
int runDeps(const QStringList& arguments);
int runUsedBy(const QStringList& arguments);
int runImpact(const QStringList& arguments);
int runAncestors(const QStringList& arguments);
int runCycles(const QStringList& arguments);
int runPath(const QStringList& arguments);
int runWhy(const QStringList& arguments);
// MUQL (querycommands.cpp).
int runQuery(const QStringList& arguments);
// Architecture contracts (contractscommands.cpp).
int runContracts(const QStringList& arguments);
// Smart context (contextcommands.cpp) and exports (exportcommands.cpp).
int runContext(const QStringList& arguments);
int runExport(const QStringList& arguments);
// Daemons: `mu daemon start|stop|status|list|token` (daemoncommands.cpp) and the daemon itself,
// `mu daemon run` (daemonrun.cpp).
int runDaemon(const QStringList& arguments);
int runDaemonRun(const QStringList& arguments);

/// Parses `arguments` (the command name first) and handles --help; returns an exit code to stop
/// with, or -1 to continue.
int parseOrExit(QCommandLineParser& parser, const QStringList& arguments, const QString& summary);

/// The project root holding `.mu/mubase`: `explicitDir` if given, else the nearest at or above
/// the working directory.
Result<QString> findProject(const QString& explicitDir);
/// Opens the project's store read-only, with a user-facing error.
Result<std::unique_ptr<store::StoreReader>> openProject(const QString& explicitDir, QString* root = nullptr);

/// The options every project command shares: `--json` and `-C/--project DIR`.
QCommandLineOption jsonOption();
QCommandLineOption projectOption();

/// Resolves NODE with SPEC §2's rules. On failure prints the error, then the candidates when the
/// name was ambiguous, and returns nullopt.
std::optional<Node> resolveNodeOrReport(const store::StoreReader& reader, const QString& text);

/// One-line error with an optional hint on stderr; returns the exit code.
int fail(const Error& error, const QString& hint = {}, int code = kExitUserError);
void printJson(const QJsonObject& object);

/// Terminal facts: whether stdout/stderr are TTYs, colours (NO_COLOR honoured), width.
bool stdoutIsTty();
bool stderrIsTty();
bool useColor();
int terminalWidth();
QString bold(const QString& text);
QString dim(const QString& text);

/// A progress bar on stderr, drawn only on a TTY and at most every 50 ms.
class ProgressBar {
public:
    explicit ProgressBar(QString label, bool enabled);
    ~ProgressBar();
    void update(int done, int total);
    void finish();

private:
    QString m_label;
    bool m_enabled;
    bool m_drawn = false;
    qint64 m_lastDrawMs = -1000;
};

} // namespace mu::cli
