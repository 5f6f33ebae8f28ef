#include "resolve/includepaths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QProcess>

namespace mu::resolve {

Q_DECLARE_LOGGING_CATEGORY(lcResolve)

namespace {

/// The include-directory arguments of one compile command, absolute.
QStringList includeArguments(const QStringList& arguments, const QString& directory)
{
    QStringList dirs;
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        const QString& argument = arguments[i];
        for (const QString& flag : {QStringLiteral("-I"), QStringLiteral("-iquote"), QStringLiteral("-isystem")}) {
            if (!argument.startsWith(flag))
                continue;
            QString dir = argument.sliced(flag.size());
            if (dir.isEmpty() && i + 1 < arguments.size())
                dir = arguments[++i];
            if (!dir.isEmpty())
                dirs.append(QDir::cleanPath(QDir(directory).absoluteFilePath(dir)));
            break;
        }
    }
    return dirs;
}

} // namespace

IncludePaths::IncludePaths(const QString& root, const QSet<QString>& paths) : m_root(root), m_paths(paths)
{ }

void IncludePaths::load() const
{
    QStringList dirs;
    const QDir root(m_root);
    for (const QString& candidate :
        {QStringLiteral("compile_commands.json"), QStringLiteral("build/compile_commands.json")}) {
        QFile file(root.filePath(candidate));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        QJsonParseError error {};
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
        if (!doc.isArray()) {
            qCWarning(lcResolve) << "ignoring malformed" << file.fileName() << ":" << error.errorString();
            continue;
        }
        for (const QJsonValue& value : doc.array()) {
            const QJsonObject entry = value.toObject();
            const QString directory = QDir(m_root).absoluteFilePath(entry.value(u"directory").toString());
            QStringList arguments;
            if (entry.contains(u"arguments")) {
                for (const QJsonValue& argument : entry.value(u"arguments").toArray())
                    arguments.append(argument.toString());
            } else {
                arguments = QProcess::splitCommand(entry.value(u"command").toString());
            }
            for (const QString& dir : includeArguments(arguments, directory)) {
                const QString relative = root.relativeFilePath(dir);
                if (relative.startsWith(u"..") || QDir::isAbsolutePath(relative))
                    continue; // outside the project: its headers are external anyway
                const QString normalised = relative == u"." ? QString() : relative;
                if (!dirs.contains(normalised))
                    dirs.append(normalised);
            }
        }
        break;
    }
    for (const QString& conventional : {QStringLiteral("include"), QString()}) {
        if (!dirs.contains(conventional))
            dirs.append(conventional);
    }
    m_dirs = std::move(dirs);
}

const QStringList& IncludePaths::directories() const
{
    if (!m_dirs)
        load();
    return *m_dirs;
}

ImportTarget IncludePaths::resolve(const QString& fromFile, const QString& header, bool system) const
{
    if (header.isEmpty())
        return ImportTarget::none();
    if (!system) {
        if (auto path = joinPath(parentDir(fromFile), header); path && m_paths.contains(*path))
            return ImportTarget::file(*path);
    }
    for (const QString& dir : directories()) {
        if (auto path = joinPath(dir, header); path && m_paths.contains(*path))
            return ImportTarget::file(*path);
    }
    // A quoted include names a file of this tree (one the build generates, or one not indexed):
    // not a library. Only <…> includes found nowhere are external.
    if (!system || header.startsWith(u"./") || header.startsWith(u"../"))
        return ImportTarget::none();
    QString name = header.section(u'/', 0, 0);
    if (const qsizetype dot = name.indexOf(u'.'); dot > 0)
        name.truncate(dot);
    return ImportTarget::external(name);
}

} // namespace mu::resolve
