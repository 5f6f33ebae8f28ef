#include "store/database.h"

#include "store/schema.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

namespace mu::store {

namespace {

constexpr int kBusyTimeoutMs = 5000;

Error sqlError(const QString& what, const QSqlError& error)
{
    return Error {QStringLiteral("sql"), what + QStringLiteral(": ") + error.text()};
}

Status exec(QSqlDatabase& db, const QString& sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql))
        return sqlError(sql, query.lastError());
    return {};
}

/// Adds and opens a QSQLITE connection, replacing a stale one of the same name.
Result<QSqlDatabase> addConnection(const QString& path, const QString& connectionName, const QString& options)
{
    if (QSqlDatabase::contains(connectionName)) {
        qCWarning(lcStore) << "connection" << connectionName << "already exists; replacing it";
        closeDatabase(connectionName);
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connectionName);
    db.setDatabaseName(path);
    db.setConnectOptions(options);
    if (!db.open()) {
        Error error = sqlError(QStringLiteral("open ") + path, db.lastError());
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(connectionName);
        return error;
    }
    return db;
}

/// True when the last writer of `db` did not close it (crash, kill): worth a full quick_check.
bool writerDiedUncleanly(QSqlDatabase& db)
{
    QSqlQuery query(db);
    return query.exec(QStringLiteral("SELECT value FROM metadata WHERE key = 'writer_active'")) && query.next()
        && query.value(0).toString() == u"1";
}

/// Why an existing database cannot be used as it is; empty when it is healthy. The schema
/// version check is cheap and always runs; `PRAGMA quick_check` reads the whole file (about a
/// second per 200 MB), so it runs only after a writer died with the database open.
QString diagnose(QSqlDatabase& db)
{
    Result<int> version = schema::userVersion(db);
    if (!version)
        return version.error().message;
    if (*version > kSchemaVersion)
        return QStringLiteral("schema %1 is newer than this MU supports (%2)").arg(*version).arg(kSchemaVersion);
    if (!writerDiedUncleanly(db))
        return {};
    qCInfo(lcStore) << "the last writer did not close" << db.databaseName() << "cleanly: running quick_check";
    QSqlQuery check(db);
    if (!check.exec(QStringLiteral("PRAGMA quick_check")))
        return QStringLiteral("quick_check: ") + check.lastError().text();
    QStringList problems;
    while (check.next()) {
        const QString line = check.value(0).toString();
        if (line != QLatin1String("ok"))
            problems.append(line);
    }
    return problems.isEmpty() ? QString() : QStringLiteral("quick_check: ") + problems.mid(0, 3).join(u"; ");
}

/// Renames the database (and its WAL/shm companions) to `<path>.broken-<timestamp>`: user data
/// is never deleted, only moved out of the way.
Status moveAside(const QString& path)
{
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-hhmmss"));
    QString target = path + QStringLiteral(".broken-") + stamp;
    for (int n = 2; QFileInfo::exists(target); ++n)
        target = path + QStringLiteral(".broken-") + stamp + u'-' + QString::number(n);
    if (!QFile::rename(path, target)) {
        return Error {QStringLiteral("io"), QStringLiteral("cannot move broken database %1 aside").arg(path)};
    }
    for (const QString& suffix : {QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")}) {
        if (QFileInfo::exists(path + suffix) && !QFile::rename(path + suffix, target + suffix))
            qCWarning(lcStore) << "cannot move" << path + suffix << "aside";
    }
    qCWarning(lcStore) << "moved database" << path << "aside to" << target;
    return {};
}

Status configureWritable(QSqlDatabase& db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA journal_mode = WAL")) || !query.next())
        return sqlError(QStringLiteral("journal_mode"), query.lastError());
    if (query.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        return Error {
            QStringLiteral("sql"), QStringLiteral("journal_mode: WAL refused (got %1)").arg(query.value(0).toString())};
    }
    query.finish();
    for (const QString& pragma : {QStringLiteral("PRAGMA synchronous = NORMAL"),
             QStringLiteral("PRAGMA foreign_keys = ON"), QStringLiteral("PRAGMA temp_store = MEMORY"),
             QStringLiteral("PRAGMA busy_timeout = %1").arg(kBusyTimeoutMs)}) {
        if (Status s = exec(db, pragma); !s)
            return s;
    }
    return {};
}

Result<QSqlDatabase> openWritable(const QString& path, const QString& connectionName)
{
    const QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs);
    const bool existed = QFileInfo::exists(path);
    if (!existed && !QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error {QStringLiteral("io"), QStringLiteral("cannot create the folder of %1").arg(path)};

    Result<QSqlDatabase> db = addConnection(path, connectionName, options);
    if (!db)
        return db;
    if (existed) {
        const QString problem = diagnose(*db);
        if (!problem.isEmpty()) {
            qCWarning(lcStore) << "database" << path << "is unusable:" << problem;
            db = Error {};
            closeDatabase(connectionName);
            if (Status s = moveAside(path); !s)
                return s.error();
            db = addConnection(path, connectionName, options);
            if (!db)
                return db;
        }
    }
    Status s = configureWritable(*db);
    if (s)
        s = schema::migrate(*db);
    if (s) // cleared by markWriterClosed(); still set on the next open if this process dies
        s = exec(*db, QStringLiteral("INSERT OR REPLACE INTO metadata(key, value) VALUES ('writer_active', '1')"));
    if (!s) {
        db = Error {};
        closeDatabase(connectionName);
        return s.error();
    }
    return db;
}

Result<QSqlDatabase> openReadOnly(const QString& path, const QString& connectionName)
{
    if (!QFileInfo(path).isFile())
        return Error {QStringLiteral("not_found"), QStringLiteral("no database at %1").arg(path)};
    Result<QSqlDatabase> db = addConnection(
        path, connectionName, QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
    if (!db)
        return db;
    Result<int> version = schema::userVersion(*db);
    if (version && *version < kSchemaVersion) {
        // A database from an older MU: migrate it once through a writable connection (readers
        // must not fail just because nothing has written since the upgrade), then read.
        db = Error {};
        closeDatabase(connectionName);
        const QString migrating = connectionName + QStringLiteral("-migrate");
        if (Result<QSqlDatabase> writable = openWritable(path, migrating); !writable) {
            closeDatabase(migrating);
            return writable.error();
        }
        markWriterClosed(migrating);
        closeDatabase(migrating);
        db = addConnection(
            path, connectionName, QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs));
        if (!db)
            return db;
        version = schema::userVersion(*db);
    }
    std::optional<Error> error;
    if (!version) {
        error = version.error();
    } else if (*version != kSchemaVersion) {
        error = Error {QStringLiteral("schema"),
            *version > kSchemaVersion
                ? QStringLiteral("%1 has schema %2, newer than this MU supports (%3)")
                      .arg(path)
                      .arg(*version)
                      .arg(kSchemaVersion)
                : QStringLiteral("%1 has schema %2 and needs migrating to %3 (open it read-write first)")
                      .arg(path)
                      .arg(*version)
                      .arg(kSchemaVersion)};
    }
    if (error) {
        db = Error {};
        closeDatabase(connectionName);
        return *error;
    }
    return db;
}

} // namespace

Result<QSqlDatabase> openDatabase(const QString& path, OpenMode mode, const QString& connectionName)
{
    return mode == OpenMode::ReadWrite ? openWritable(path, connectionName) : openReadOnly(path, connectionName);
}

void markWriterClosed(const QString& connectionName)
{
    if (!QSqlDatabase::contains(connectionName))
        return;
    QSqlDatabase db = QSqlDatabase::database(connectionName, false);
    if (db.isOpen()) {
        if (Status s = exec(db, QStringLiteral("UPDATE metadata SET value = '0' WHERE key = 'writer_active'")); !s)
            qCWarning(lcStore) << "cannot mark the writer closed:" << s.error().message;
    }
}

void closeDatabase(const QString& connectionName)
{
    if (!QSqlDatabase::contains(connectionName))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
}

QString threadConnectionName(const QString& purpose)
{
    static QAtomicInteger<quint64> s_sequence;
    const auto thread = reinterpret_cast<quintptr>(QThread::currentThreadId());
    return QStringLiteral("mu.%1.0x%2.%3")
        .arg(purpose, QString::number(thread, 16), QString::number(s_sequence.fetchAndAddRelaxed(1) + 1));
}

} // namespace mu::store
