#include "cli.h"

#include "index/indexer.h"
#include "store/noderesolver.h"
#include "store/storereader.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

namespace mu::cli {

int parseOrExit(QCommandLineParser& parser, const QStringList& arguments, const QString& summary)
{
    parser.setApplicationDescription(summary);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments)) {
        std::fprintf(stderr, "mu %s: %s\nTry 'mu %s --help'.\n", qPrintable(arguments.value(0)),
            qPrintable(parser.errorText()), qPrintable(arguments.value(0)));
        return kExitUsage;
    }
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        // QCommandLineParser names the binary by its path; users type "mu <command>".
        const qsizetype programEnd = text.indexOf(u' ', 7);
        if (text.startsWith(u"Usage: ") && programEnd > 0)
            text.replace(7, programEnd - 7, QStringLiteral("mu ") + arguments.value(0));
        std::fputs(qPrintable(text), stdout);
        return kExitOk;
    }
    return -1;
}

Result<QString> findProject(const QString& explicitDir)
{
    if (!explicitDir.isEmpty()) {
        const QFileInfo info(explicitDir);
        if (!info.isDir())
            return Error {QStringLiteral("not_found"), QStringLiteral("%1 is not a directory").arg(explicitDir)};
        const QString root = info.canonicalFilePath();
        if (!QFileInfo::exists(index::mubasePath(root)))
            return Error {QStringLiteral("not_indexed"), QStringLiteral("%1 has no MU index yet").arg(root)};
        return root;
    }
    QDir dir(QDir::currentPath());
    for (;;) {
        if (QFileInfo::exists(index::mubasePath(dir.path())))
            return dir.path();
        if (!dir.cdUp())
            break;
    }
    return Error {QStringLiteral("not_indexed"),
        QStringLiteral("no MU index in %1 or any parent directory").arg(QDir::currentPath())};
}

Result<std::unique_ptr<store::StoreReader>> openProject(const QString& explicitDir, QString* root)
{
    auto project = findProject(explicitDir);
    if (!project)
        return project.error();
    if (root)
        *root = *project;
    return store::StoreReader::open(index::mubasePath(*project));
}

int fail(const Error& error, const QString& hint, int code)
{
    std::fprintf(stderr, "mu: %s\n", qPrintable(error.message));
    QString effectiveHint = hint;
    if (effectiveHint.isEmpty() && error.code == u"not_indexed")
        effectiveHint = QStringLiteral("run 'mu index' in the project first");
    if (!effectiveHint.isEmpty())
        std::fprintf(stderr, "hint: %s\n", qPrintable(effectiveHint));
    return code;
}

void printJson(const QJsonObject& object)
{
    std::fputs(QJsonDocument(object).toJson(QJsonDocument::Indented).constData(), stdout);
}

bool stdoutIsTty()
{
    return isatty(STDOUT_FILENO) != 0;
}

bool stderrIsTty()
{
    return isatty(STDERR_FILENO) != 0;
}

bool useColor()
{
    static const bool color
        = stdoutIsTty() && qEnvironmentVariableIsEmpty("NO_COLOR") && qEnvironmentVariable("TERM") != u"dumb";
    return color;
}

int terminalWidth()
{
    winsize size {};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 100;
}

QString bold(const QString& text)
{
    return useColor() ? QStringLiteral("\x1b[1m") + text + QStringLiteral("\x1b[0m") : text;
}

QString dim(const QString& text)
{
    return useColor() ? QStringLiteral("\x1b[2m") + text + QStringLiteral("\x1b[0m") : text;
}

ProgressBar::ProgressBar(QString label, bool enabled) : m_label(std::move(label)), m_enabled(enabled && stderrIsTty())
{ }

ProgressBar::~ProgressBar()
{
    finish();
}

void ProgressBar::update(int done, int total)
{
    if (!m_enabled || total <= 0)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (done < total && now - m_lastDrawMs < 50)
        return;
    m_lastDrawMs = now;
    constexpr int kWidth = 30;
    const int filled = int(qint64(kWidth) * done / total);
    const QString bar = QString(filled, u'=') + (filled < kWidth ? QStringLiteral(">") : QString())
        + QString(qMax(0, kWidth - filled - 1), u' ');
    std::fprintf(stderr, "\r%s [%s] %d/%d", qPrintable(m_label), qPrintable(bar), done, total);
    std::fflush(stderr);
    m_drawn = true;
}

QCommandLineOption jsonOption()
{
    return QCommandLineOption(QStringLiteral("json"), QStringLiteral("Print JSON (what the daemon answers)."));
}

QCommandLineOption projectOption()
{
    return QCommandLineOption({QStringLiteral("C"), QStringLiteral("project")},
        QStringLiteral("Use the index of DIR instead of the nearest one above the working directory."),
        QStringLiteral("DIR"));
}

std::optional<Node> resolveNodeOrReport(const store::StoreReader& reader, const QString& text)
{
    store::NodeResolver resolver(reader);
    auto node = resolver.resolve(text);
    if (node)
        return *node;
    fail(node.error(), node.error().code == u"not_found" ? QStringLiteral("try 'mu search %1'").arg(text) : QString());
    for (const Node& candidate : resolver.candidates())
        std::fprintf(stderr, "  %s  %s\n", qPrintable(candidate.id),
            qPrintable(dim(candidate.filePath + u':' + QString::number(candidate.lineStart))));
    return std::nullopt;
}

void ProgressBar::finish()
{
    if (m_drawn) {
        std::fputs("\r\x1b[K", stderr);
        std::fflush(stderr);
        m_drawn = false;
    }
}

} // namespace mu::cli
