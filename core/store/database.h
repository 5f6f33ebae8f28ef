#pragma once

#include "model/result.h"

#include <QSqlDatabase>
#include <QString>

namespace mu::store {

/// Current schema version, kept in PRAGMA user_version.
inline constexpr int kSchemaVersion = 3;

enum class OpenMode {
    ReadWrite,
    ReadOnly
};

/// Opens (and for ReadWrite, creates and migrates) `.mu/mubase` on a connection private to the
/// calling thread, named `connectionName`. ReadWrite sets WAL, synchronous=NORMAL,
/// foreign_keys=ON and a busy timeout; a database from a newer MU, or one failing quick_check
/// after its last writer died with it open, is moved aside (mubase.broken-<timestamp>) and
/// rebuilt empty.
/// Thread: the connection may only be used on the calling thread.
Result<QSqlDatabase> openDatabase(const QString& path, OpenMode mode, const QString& connectionName);

/// Records that the writer on `connectionName` is closing cleanly, so the next open skips the
/// full quick_check (see openDatabase). Call before closeDatabase() on a ReadWrite connection.
void markWriterClosed(const QString& connectionName);

/// Closes and removes the named connection (safe when already gone).
void closeDatabase(const QString& connectionName);

/// A fresh connection name naming this thread and purpose, e.g. "mu.reader.0x7f12….3"; a sequence
/// number makes every call unique, so two readers on one thread never share a connection.
QString threadConnectionName(const QString& purpose);

} // namespace mu::store
