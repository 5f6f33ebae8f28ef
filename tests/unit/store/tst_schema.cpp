#include "model/graphtypes.h"
#include "store/database.h"
#include "store/schema.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace mu;
using namespace mu::store;

namespace {

/// Opens `path` for the duration of a scope and closes the connection afterwards.
class Connection {
public:
    Connection(const QString& path, OpenMode mode)
        : m_name(threadConnectionName(QStringLiteral("test"))), m_result(openDatabase(path, mode, m_name))
    { }
    ~Connection()
    {
        m_result = Error {};
        closeDatabase(m_name);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    bool ok() const { return m_result.ok(); }
    const Error& error() const { return m_result.error(); }
    QString message() const { return ok() ? QString() : error().message; }
    QSqlDatabase db() const { return m_result.value(); }

    QVariant scalar(const QString& sql) const
    {
        QSqlQuery query(m_result.value());
        if (!query.exec(sql) || !query.next())
            return {};
        return query.value(0);
    }

    QStringList column(const QString& sql) const
    {
        QSqlQuery query(m_result.value());
        QStringList values;
        if (query.exec(sql)) {
            while (query.next())
                values.append(query.value(0).toString());
        }
        return values;
    }

private:
    QString m_name;
    Result<QSqlDatabase> m_result;
};

/// Reads PRAGMA user_version with a plain connection (no checks, no migration).
int rawUserVersion(const QString& path)
{
    const QString name = QStringLiteral("raw");
    int version = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(QStringLiteral("PRAGMA user_version")) && query.next())
                version = query.value(0).toInt();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return version;
}

void setRawUserVersion(const QString& path, int version)
{
    const QString name = QStringLiteral("raw");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("PRAGMA user_version = %1").arg(version)));
    }
    QSqlDatabase::removeDatabase(name);
}

QStringList brokenFiles(const QString& path)
{
    const QFileInfo info(path);
    return info.dir().entryList({info.fileName() + QStringLiteral(".broken-*")}, QDir::Files);
}

} // namespace

class TestSchema : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // A fresh folder per test function.
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
    }
    void cleanup() { m_dir.reset(); }

    void freshDatabaseHasEveryTable()
    {
        const QString path = dbPath();
        Connection c(path, OpenMode::ReadWrite);
        QVERIFY2(c.ok(), qPrintable(c.message()));
        QVERIFY(QFileInfo::exists(path)); // folders were created
        QCOMPARE(c.scalar(QStringLiteral("PRAGMA user_version")).toInt(), kSchemaVersion);
        QCOMPARE(c.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
        QCOMPARE(c.scalar(QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
        QCOMPARE(c.scalar(QStringLiteral("PRAGMA synchronous")).toInt(), 1); // NORMAL
        const QStringList tables = c.column(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'"));
        for (const QString& table : schema::tableNames())
            QVERIFY2(tables.contains(table), qPrintable(table));
        const QStringList indexes = c.column(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index'"));
        for (const char* index : {"nodes_file_path", "nodes_name_nocase", "nodes_qualified_name", "edges_source_id",
                 "edges_target_id", "edges_file_path_type"}) {
            QVERIFY2(indexes.contains(QLatin1String(index)), index);
        }
        QCOMPARE(c.scalar(QStringLiteral("SELECT value FROM metadata WHERE key = 'revision'")).toString(),
            QStringLiteral("0"));
        QCOMPARE(c.scalar(QStringLiteral("SELECT value FROM metadata WHERE key = 'schema_version'")).toInt(),
            kSchemaVersion);
        QVERIFY(c.scalar(QStringLiteral("SELECT value FROM metadata WHERE key = 'created_by'"))
                    .toString()
                    .contains(QLatin1String(MU_VERSION)));
        QVERIFY(brokenFiles(path).isEmpty());
    }

    void migrationsAreOrdered()
    {
        const QList<schema::Migration>& migrations = schema::migrations();
        QVERIFY(!migrations.isEmpty());
        for (qsizetype i = 0; i < migrations.size(); ++i)
            QCOMPARE(migrations[i].version, int(i) + 1);
        QCOMPARE(migrations.constLast().version, kSchemaVersion);
    }

    void reopenIsIdempotent()
    {
        const QString path = dbPath();
        {
            Connection c(path, OpenMode::ReadWrite);
            QVERIFY(c.ok());
            QSqlQuery query(c.db());
            QVERIFY(query.exec(QStringLiteral("INSERT INTO metadata(key, value) VALUES('probe', 'kept')")));
        }
        for (int i = 0; i < 2; ++i) {
            Connection c(path, OpenMode::ReadWrite);
            QVERIFY2(c.ok(), qPrintable(c.message()));
            QCOMPARE(c.scalar(QStringLiteral("PRAGMA user_version")).toInt(), kSchemaVersion);
            QCOMPARE(c.scalar(QStringLiteral("SELECT value FROM metadata WHERE key = 'probe'")).toString(),
                QStringLiteral("kept"));
            QCOMPARE(c.scalar(QStringLiteral("SELECT count(*) FROM node_types")).toInt(), int(allNodeTypes().size()));
        }
        QVERIFY(brokenFiles(path).isEmpty());
    }

    void newerDatabaseIsMovedAside()
    {
        const QString path = dbPath();
        {
            Connection c(path, OpenMode::ReadWrite);
            QVERIFY(c.ok());
        }
        setRawUserVersion(path, kSchemaVersion + 1);

        // A reader refuses it without touching it.
        {
            Connection reader(path, OpenMode::ReadOnly);
            QVERIFY(!reader.ok());
            QCOMPARE(reader.error().code, QStringLiteral("schema"));
        }
        QVERIFY(brokenFiles(path).isEmpty());

        {
            Connection c(path, OpenMode::ReadWrite);
            QVERIFY2(c.ok(), qPrintable(c.message()));
            QCOMPARE(c.scalar(QStringLiteral("PRAGMA user_version")).toInt(), kSchemaVersion);
        }
        const QStringList broken = brokenFiles(path);
        QCOMPARE(broken.size(), 1);
        QVERIFY(broken.constFirst().contains(QRegularExpression(QStringLiteral("\\.broken-\\d{8}-\\d{6}$"))));
        // The moved file is intact: it still says it is from the newer MU.
        QCOMPARE(rawUserVersion(QFileInfo(path).dir().filePath(broken.constFirst())), kSchemaVersion + 1);
    }

    void garbageIsMovedAside()
    {
        const QString path = dbPath();
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        const QByteArray garbage = QByteArray("this is not an SQLite database\n").repeated(200);
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(garbage);
        }
        {
            Connection reader(path, OpenMode::ReadOnly);
            QVERIFY(!reader.ok());
        }
        {
            Connection c(path, OpenMode::ReadWrite);
            QVERIFY2(c.ok(), qPrintable(c.message()));
            QCOMPARE(c.scalar(QStringLiteral("PRAGMA user_version")).toInt(), kSchemaVersion);
        }
        const QStringList broken = brokenFiles(path);
        QCOMPARE(broken.size(), 1);
        QFile moved(QFileInfo(path).dir().filePath(broken.constFirst()));
        QVERIFY(moved.open(QIODevice::ReadOnly));
        QCOMPARE(moved.readAll(), garbage);
    }

    void writerMarksCleanClose()
    {
        const QString path = dbPath();
        const QString name = threadConnectionName(QStringLiteral("clean"));
        QVERIFY(openDatabase(path, OpenMode::ReadWrite, name).ok());
        {
            QSqlQuery query(QSqlDatabase::database(name, false));
            QVERIFY(query.exec(QStringLiteral("SELECT value FROM metadata WHERE key = 'writer_active'")));
            QVERIFY(query.next());
            QCOMPARE(query.value(0).toString(), QStringLiteral("1"));
        }
        markWriterClosed(name);
        closeDatabase(name);
        Connection c(path, OpenMode::ReadOnly);
        QVERIFY2(c.ok(), qPrintable(c.message()));
        QCOMPARE(c.scalar(QStringLiteral("SELECT value FROM metadata WHERE key = 'writer_active'")).toString(),
            QStringLiteral("0"));
    }

    void corruptionAfterUncleanShutdownIsMovedAside()
    {
        // A writer that dies leaves writer_active = 1: the next open runs quick_check, which finds
        // the damaged pages, and the file is moved aside instead of being trusted.
        const QString path = dbPath();
        {
            Connection c(path, OpenMode::ReadWrite); // never marked closed: an unclean shutdown
            QVERIFY2(c.ok(), qPrintable(c.message()));
            QSqlQuery query(c.db());
            QVERIFY(query.exec(QStringLiteral("CREATE TABLE filler(x)")));
            QVERIFY(query.exec(QStringLiteral("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                              "WHERE i < 4000) INSERT INTO filler SELECT randomblob(300) FROM n")));
        }
        QVERIFY(
            !QFileInfo::exists(path + QStringLiteral("-wal")) || QFileInfo(path + QStringLiteral("-wal")).size() == 0);
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadWrite));
            QVERIFY(file.size() > 40 * 4096);
            QVERIFY(file.seek(file.size() / 2));
            file.write(QByteArray(3 * 4096, '\x5a'));
        }
        {
            Connection c(path, OpenMode::ReadWrite);
            QVERIFY2(c.ok(), qPrintable(c.message()));
            QCOMPARE(c.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'filler'")).toInt(), 0);
        }
        QCOMPARE(brokenFiles(path).size(), 1);
    }

    void readOnlyMissingFileIsNotFound()
    {
        Connection c(dbPath(), OpenMode::ReadOnly);
        QVERIFY(!c.ok());
        QCOMPARE(c.error().code, QStringLiteral("not_found"));
        QVERIFY(!QFileInfo::exists(dbPath()));
    }

    void readOnlyCannotWrite()
    {
        const QString path = dbPath();
        {
            Connection c(path, OpenMode::ReadWrite);
            QVERIFY(c.ok());
        }
        Connection reader(path, OpenMode::ReadOnly);
        QVERIFY2(reader.ok(), qPrintable(reader.message()));
        QCOMPARE(reader.scalar(QStringLiteral("SELECT value FROM metadata WHERE key = 'revision'")).toString(),
            QStringLiteral("0"));
        QSqlQuery query(reader.db());
        QVERIFY(!query.exec(QStringLiteral("INSERT INTO metadata(key, value) VALUES('x', 'y')")));
    }

    void readOnlyMigratesAnOlderDatabase()
    {
        const QString path = dbPath();
        {
            Connection c(path, OpenMode::ReadWrite);
            QVERIFY(c.ok());
            QSqlQuery query(c.db());
            // Undo the last migration, as a database written by the previous MU looks.
            QVERIFY(query.exec(QStringLiteral("DROP INDEX nodes_type_complexity")));
            QVERIFY(query.exec(QStringLiteral("DROP INDEX nodes_type_name")));
        }
        setRawUserVersion(path, kSchemaVersion - 1);
        Connection reader(path, OpenMode::ReadOnly);
        QVERIFY2(reader.ok(), qPrintable(reader.message()));
        QCOMPARE(reader.scalar(QStringLiteral("PRAGMA user_version")).toInt(), kSchemaVersion);
        QCOMPARE(
            reader.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'nodes_type_name'")).toInt(),
            1);
        QCOMPARE(reader.scalar(QStringLiteral("SELECT value FROM metadata WHERE key = 'writer_active'")).toString(),
            QStringLiteral("0"));
        QVERIFY(brokenFiles(path).isEmpty());
    }

    void lookupTablesNameEveryType()
    {
        Connection c(dbPath(), OpenMode::ReadWrite);
        QVERIFY(c.ok());
        const QStringList nodeTypes = c.column(QStringLiteral("SELECT name FROM node_types"));
        QCOMPARE(nodeTypes.size(), allNodeTypes().size());
        for (NodeType type : allNodeTypes())
            QVERIFY2(nodeTypes.contains(toString(type)), qPrintable(toString(type)));
        const QStringList edgeTypes = c.column(QStringLiteral("SELECT name FROM edge_types"));
        QCOMPARE(edgeTypes.size(), allEdgeTypes().size());
        for (EdgeType type : allEdgeTypes())
            QVERIFY2(edgeTypes.contains(toString(type)), qPrintable(toString(type)));
        QCOMPARE(c.scalar(QStringLiteral("SELECT count(*) FROM node_types WHERE description = ''")).toInt(), 0);

        // The lookup tables are enforced.
        QSqlQuery query(c.db());
        QVERIFY(!query.exec(QStringLiteral("INSERT INTO nodes(id, type, name) VALUES('x', 'bogus', 'x')")));
    }

    void connectionNamesAreUnique()
    {
        const QString a = threadConnectionName(QStringLiteral("reader"));
        const QString b = threadConnectionName(QStringLiteral("reader"));
        QVERIFY(a != b);
        QVERIFY(a.contains(QLatin1String("reader")));
        closeDatabase(a); // unknown names are fine
    }

    void splitIdentifier_data()
    {
        QTest::addColumn<QString>("identifier");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("camel") << QStringLiteral("AuthService") << QStringList {"auth", "service"};
        QTest::newRow("lower camel") << QStringLiteral("getUserName") << QStringList {"get", "user", "name"};
        QTest::newRow("snake") << QStringLiteral("auth_service") << QStringList {"auth", "service"};
        QTest::newRow("screaming") << QStringLiteral("MAX_RETRY_COUNT") << QStringList {"max", "retry", "count"};
        QTest::newRow("acronym") << QStringLiteral("HTTPServer") << QStringList {"http", "server"};
        QTest::newRow("digits") << QStringLiteral("parseJSON2Data") << QStringList {"parse", "json2", "data"};
        QTest::newRow("dunder") << QStringLiteral("__init__") << QStringList {"init"};
        QTest::newRow("single") << QStringLiteral("login") << QStringList {"login"};
        QTest::newRow("empty") << QString() << QStringList {};
    }

    void splitIdentifier()
    {
        QFETCH(QString, identifier);
        QFETCH(QStringList, words);
        QCOMPARE(schema::splitIdentifier(identifier), words);
    }

    void searchTerms()
    {
        QCOMPARE(schema::searchTerms(u"AuthService", u"auth.service.AuthService", u"src/auth/service.py"),
            QStringLiteral("AuthService auth service"));
        QCOMPARE(schema::searchTerms(u"login", u"app.login", u"app.py"), QString());
    }

private:
    QString dbPath() const { return m_dir->filePath(QStringLiteral("project/.mu/mubase")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestSchema)
#include "tst_schema.moc"
