#pragma once

#include "model/result.h"

#include <QList>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

Q_DECLARE_LOGGING_CATEGORY(lcStore)

/// Internal to the store layer (and its tests): the schema of `.mu/mubase` and its migrations.
namespace mu::store::schema {

/// One step from user_version `version - 1` to `version`. Statements run in one transaction
/// together with the user_version bump, so a migration is applied wholly or not at all.
struct Migration {
    int version = 0;
    QString description;
    QStringList statements;
};

/// Every migration, ordered by version; the last one's version equals kSchemaVersion.
const QList<Migration>& migrations();

/// Tables (and virtual tables) a current database has.
QStringList tableNames();

/// PRAGMA user_version of an open connection, or Error{"sql"} (e.g. "file is not a database").
Result<int> userVersion(const QSqlDatabase& db);

/// Applies every migration newer than the database's user_version, each in its own
/// transaction (BEGIN IMMEDIATE, so two processes cannot migrate concurrently).
/// Errors: Error{"schema"} when the database is newer than this build; Error{"sql"} otherwise.
Status migrate(QSqlDatabase& db);

/// Splits identifiers into lower-case words on camelCase, snake_case and punctuation (digits stay
/// with the word before them): "AuthService" → {"auth","service"}, "HTTPServer2" → {"http","server2"}.
QStringList splitIdentifier(QStringView text);

/// The FTS `terms` column of a node: every compound identifier of its name, qualified name and
/// file base name followed by its words, e.g. "AuthService auth service". Empty when no
/// identifier is compound (the FTS tokenizer already sees every word).
QString searchTerms(QStringView name, QStringView qualifiedName, QStringView filePath);

} // namespace mu::store::schema
