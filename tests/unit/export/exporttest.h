#pragma once
// Helpers shared by the export tests: index a fixture tree in a temporary directory, read and
// (with MU_UPDATE_GOLDENS=1) rewrite golden files.
#include "../../integration/pipelinetest.h"

#include "store/storereader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace mu::testing {

inline QString exportFixtures()
{
    return QStringLiteral(MU_FIXTURES_DIR "/export");
}

/// An indexed copy of a fixture tree, with a reader on its store.
struct IndexedProject {
    std::unique_ptr<QTemporaryDir> dir;
    std::unique_ptr<store::StoreReader> reader;
    QString root() const { return dir->path(); }
    QString dbPath() const { return index::mubasePath(dir->path()); }
};

/// Copies `fixture` into a fresh temporary directory, lets `prepare` add files, indexes it.
template<typename Prepare> IndexedProject indexFixture(const QString& fixture, Prepare prepare)
{
    IndexedProject project;
    project.dir = std::make_unique<QTemporaryDir>();
    if (!project.dir->isValid())
        qFatal("no temporary directory");
    copyTree(fixture, project.dir->path());
    prepare(project.dir->path());
    indexTree(project.dir->path());
    auto reader = store::StoreReader::open(index::mubasePath(project.dir->path()));
    if (!reader)
        qFatal("cannot open store: %s", qPrintable(reader.error().message));
    project.reader = std::move(*reader);
    return project;
}

inline IndexedProject indexFixture(const QString& fixture)
{
    return indexFixture(fixture, [](const QString&) {});
}

/// The golden file's text; with MU_UPDATE_GOLDENS=1 set, writes `actual` there first.
inline QString golden(const QString& path, const QString& actual)
{
    if (qEnvironmentVariableIntValue("MU_UPDATE_GOLDENS") == 1) {
        QFile out(path);
        if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            out.write(actual.toUtf8());
    }
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly))
        return QStringLiteral("<missing golden file %1>").arg(path);
    return QString::fromUtf8(in.readAll());
}

/// Compares line by line so that a mismatch names the first differing line.
inline void compareText(const QString& actual, const QString& expected)
{
    const QStringList a = actual.split(u'\n');
    const QStringList e = expected.split(u'\n');
    for (qsizetype i = 0; i < std::min(a.size(), e.size()); ++i) {
        if (a[i] != e[i]) {
            qWarning("line %lld differs:\n  actual:   %s\n  expected: %s", static_cast<long long>(i + 1),
                qPrintable(a[i]), qPrintable(e[i]));
            break;
        }
    }
    QCOMPARE(actual, expected);
}

/// Adds a file whose path holds every character an identifier may bring: quotes, angle brackets,
/// spaces, non-ASCII.
inline void addHostilePath(const QString& root)
{
    writeFile(root + QStringLiteral("/odd dir/we\"ird <name> \u00fc.py"),
        QByteArray("def run():\n    \"\"\"Runs.\"\"\"\n    return 1\n"));
}

} // namespace mu::testing
