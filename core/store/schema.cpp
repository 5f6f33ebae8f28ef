#include "store/schema.h"

#include "model/graphtypes.h"
#include "store/database.h"

#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

Q_LOGGING_CATEGORY(lcStore, "mu.store", QtWarningMsg)

namespace mu::store::schema {

namespace {

QString describe(NodeType type)
{
    switch (type) {
    case NodeType::Module:
        return QStringLiteral("a source file (module, package or header)");
    case NodeType::Class:
        return QStringLiteral("a class-like type: class, struct, interface, enum, trait, record, union, namespace");
    case NodeType::Function:
        return QStringLiteral("a function-like member: function, method, constructor, property, lambda");
    case NodeType::External:
        return QStringLiteral("something outside the project that project code refers to");
    }
    Q_UNREACHABLE();
}

QString describe(EdgeType type)
{
    switch (type) {
    case EdgeType::Contains:
        return QStringLiteral("module to class/function, class to member");
    case EdgeType::Imports:
        return QStringLiteral("module to module or external");
    case EdgeType::Inherits:
        return QStringLiteral("class to base class or implemented interface");
    case EdgeType::Calls:
        return QStringLiteral("function to called function");
    case EdgeType::Uses:
        return QStringLiteral("class/function to a class named in signatures, fields or annotations");
    }
    Q_UNREACHABLE();
}

QString sqlQuote(const QString& text)
{
    QString quoted = text;
    quoted.replace(u'\'', QStringLiteral("''"));
    return u'\'' + quoted + u'\'';
}

Migration version1()
{
    Migration m;
    m.version = 1;
    m.description = QStringLiteral("initial schema: files, nodes, edges, refs, metadata, lookup tables, FTS");
    m.statements = {
        QStringLiteral("CREATE TABLE metadata(key TEXT PRIMARY KEY NOT NULL, value TEXT)"),
        QStringLiteral("CREATE TABLE node_types(name TEXT PRIMARY KEY NOT NULL, description TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE edge_types(name TEXT PRIMARY KEY NOT NULL, description TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE files("
                       "path TEXT PRIMARY KEY NOT NULL,"
                       " language TEXT NOT NULL DEFAULT '',"
                       " size INTEGER NOT NULL DEFAULT 0,"
                       " mtime_ns INTEGER NOT NULL DEFAULT 0,"
                       " hash TEXT,"
                       " parse_status TEXT NOT NULL DEFAULT 'ok'"
                       " CHECK (parse_status IN ('ok', 'partial', 'skipped', 'failed')),"
                       " error TEXT,"
                       " encoding TEXT NOT NULL DEFAULT 'utf-8',"
                       " line_count INTEGER NOT NULL DEFAULT 0,"
                       " revision INTEGER NOT NULL DEFAULT 0,"
                       " linked INTEGER NOT NULL DEFAULT 0)"),
        // `rowid` is declared so VACUUM keeps it: nodes_fts rows are keyed by it.
        QStringLiteral("CREATE TABLE nodes("
                       "id TEXT NOT NULL UNIQUE,"
                       " type TEXT NOT NULL REFERENCES node_types(name),"
                       " kind TEXT NOT NULL DEFAULT '',"
                       " name TEXT NOT NULL,"
                       " qualified_name TEXT,"
                       " file_path TEXT REFERENCES files(path) ON DELETE CASCADE,"
                       " line_start INTEGER NOT NULL DEFAULT 0,"
                       " line_end INTEGER NOT NULL DEFAULT 0,"
                       " col_start INTEGER NOT NULL DEFAULT 0,"
                       " col_end INTEGER NOT NULL DEFAULT 0,"
                       " signature TEXT,"
                       " docstring TEXT,"
                       " complexity INTEGER NOT NULL DEFAULT 0,"
                       " properties TEXT,"
                       " rowid INTEGER PRIMARY KEY)"),
        QStringLiteral("CREATE INDEX nodes_file_path ON nodes(file_path)"),
        QStringLiteral("CREATE INDEX nodes_name_nocase ON nodes(name COLLATE NOCASE)"),
        QStringLiteral("CREATE INDEX nodes_qualified_name ON nodes(qualified_name)"),
        QStringLiteral("CREATE TABLE edges("
                       "source_id TEXT NOT NULL,"
                       " target_id TEXT NOT NULL,"
                       " type TEXT NOT NULL REFERENCES edge_types(name),"
                       " file_path TEXT NOT NULL,"
                       " line INTEGER NOT NULL DEFAULT 0,"
                       " properties TEXT)"),
        QStringLiteral("CREATE INDEX edges_source_id ON edges(source_id)"),
        QStringLiteral("CREATE INDEX edges_target_id ON edges(target_id)"),
        QStringLiteral("CREATE INDEX edges_file_path_type ON edges(file_path, type)"),
        // A file's unresolved references, kept to re-link it without re-parsing. Always read
        // whole, so one row per file holds them (model::encodeReferences): a row per reference
        // made this the largest table and a third of the indexing time.
        QStringLiteral("CREATE TABLE refs("
                       "file_path TEXT PRIMARY KEY,"
                       " data BLOB NOT NULL)"),
        // Which modules' symbols linking a file consulted (its imports, the packages and barrels
        // it resolved names through, the bases it searched): when a module's interface changes,
        // exactly these files are re-linked. Written with the file's cross-file edges.
        QStringLiteral("CREATE TABLE link_deps("
                       "module_path TEXT NOT NULL,"
                       " file_path TEXT NOT NULL,"
                       " PRIMARY KEY (module_path, file_path)) WITHOUT ROWID"),
        QStringLiteral("CREATE INDEX link_deps_file_path ON link_deps(file_path)"),
        // A content-owning FTS table whose rowid mirrors nodes.rowid; the writer keeps it in step
        // (a `terms` column needs C++ to compute, so triggers cannot).
        QStringLiteral("CREATE VIRTUAL TABLE nodes_fts USING fts5("
                       "name, qualified_name, file_path, docstring, terms, tokenize = 'unicode61')"),
    };
    for (NodeType type : allNodeTypes()) {
        m.statements.append(QStringLiteral("INSERT INTO node_types(name, description) VALUES(%1, %2)")
                                .arg(sqlQuote(toString(type)), sqlQuote(describe(type))));
    }
    for (EdgeType type : allEdgeTypes()) {
        m.statements.append(QStringLiteral("INSERT INTO edge_types(name, description) VALUES(%1, %2)")
                                .arg(sqlQuote(toString(type)), sqlQuote(describe(type))));
    }
    m.statements.append(QStringLiteral("INSERT INTO metadata(key, value) VALUES('revision', '0')"));
    m.statements.append(QStringLiteral("INSERT INTO metadata(key, value) VALUES('created_by', %1)")
                            .arg(sqlQuote(QStringLiteral("mu " MU_VERSION))));
    return m;
}

Migration version2()
{
    Migration m;
    m.version = 2;
    m.description = QStringLiteral("namespaces: the packages/namespaces each file declares (Java, C#, C++)");
    m.statements = {
        // Java, C# and C++ resolve names through packages/namespaces that span many files; this
        // finds a namespace's files without reading every module. Written with the file's nodes.
        QStringLiteral("CREATE TABLE namespaces("
                       "name TEXT NOT NULL,"
                       " file_path TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,"
                       " PRIMARY KEY (name, file_path)) WITHOUT ROWID"),
        QStringLiteral("CREATE INDEX namespaces_file_path ON namespaces(file_path)"),
    };
    return m;
}

Migration version3()
{
    Migration m;
    m.version = 3;
    m.description = QStringLiteral("indexes for MUQL: nodes by type with complexity and with name");
    m.statements = {
        // MUQL's node tables are `nodes WHERE type = …`; without these, every SELECT over
        // functions or classes reads the whole table (SPEC §3 targets p99 ≤ 20 ms).
        QStringLiteral("CREATE INDEX nodes_type_complexity ON nodes(type, complexity)"),
        QStringLiteral("CREATE INDEX nodes_type_name ON nodes(type, name)"),
    };
    return m;
}

Status execOrError(QSqlQuery& query, const QString& sql, const QString& what)
{
    if (!query.exec(sql))
        return Error {QStringLiteral("sql"), what + QStringLiteral(": ") + query.lastError().text()};
    return {};
}

Status applyMigration(QSqlDatabase& db, const Migration& migration)
{
    QSqlQuery query(db);
    if (Status s = execOrError(query, QStringLiteral("BEGIN IMMEDIATE"), QStringLiteral("migrate.begin")); !s)
        return s;
    const auto fail = [&](Error error) -> Status {
        QSqlQuery rollback(db);
        rollback.exec(QStringLiteral("ROLLBACK"));
        return error;
    };
    // Another process may have migrated between our check and BEGIN IMMEDIATE.
    Result<int> current = userVersion(db);
    if (!current)
        return fail(current.error());
    if (*current >= migration.version) {
        query.exec(QStringLiteral("COMMIT"));
        return {};
    }
    if (*current != migration.version - 1) {
        return fail(Error {QStringLiteral("schema"),
            QStringLiteral("cannot migrate from schema %1 to %2").arg(*current).arg(migration.version)});
    }
    for (const QString& statement : migration.statements) {
        if (Status s = execOrError(query, statement, QStringLiteral("migrate.v%1").arg(migration.version)); !s)
            return fail(s.error());
    }
    const QString schemaVersion = QString::number(migration.version);
    if (Status s = execOrError(query,
            QStringLiteral("INSERT INTO metadata(key, value) VALUES('schema_version', '%1') "
                           "ON CONFLICT(key) DO UPDATE SET value = excluded.value")
                .arg(schemaVersion),
            QStringLiteral("migrate.schema_version"));
        !s) {
        return fail(s.error());
    }
    if (Status s = execOrError(query, QStringLiteral("PRAGMA user_version = %1").arg(schemaVersion),
            QStringLiteral("migrate.user_version"));
        !s) {
        return fail(s.error());
    }
    if (Status s = execOrError(query, QStringLiteral("COMMIT"), QStringLiteral("migrate.commit")); !s)
        return fail(s.error());
    qCInfo(lcStore) << "migrated" << db.databaseName() << "to schema" << migration.version << "-"
                    << migration.description;
    return {};
}

enum class CharClass {
    Upper,
    Lower,
    Digit,
    Other
};

CharClass classify(QChar c)
{
    if (c.isUpper())
        return CharClass::Upper;
    if (c.isLetter())
        return CharClass::Lower; // includes caseless letters
    if (c.isDigit())
        return CharClass::Digit;
    return CharClass::Other;
}

} // namespace

const QList<Migration>& migrations()
{
    static const QList<Migration> s_migrations = {version1(), version2(), version3()};
    return s_migrations;
}

QStringList tableNames()
{
    return {QStringLiteral("metadata"), QStringLiteral("node_types"), QStringLiteral("edge_types"),
        QStringLiteral("files"), QStringLiteral("nodes"), QStringLiteral("edges"), QStringLiteral("refs"),
        QStringLiteral("link_deps"), QStringLiteral("nodes_fts"), QStringLiteral("namespaces")};
}

Result<int> userVersion(const QSqlDatabase& db)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return Error {QStringLiteral("sql"), QStringLiteral("user_version: ") + query.lastError().text()};
    return query.value(0).toInt();
}

Status migrate(QSqlDatabase& db)
{
    Result<int> version = userVersion(db);
    if (!version)
        return version.error();
    if (*version > kSchemaVersion) {
        return Error {QStringLiteral("schema"),
            QStringLiteral("database schema %1 is newer than this MU supports (%2)").arg(*version).arg(kSchemaVersion)};
    }
    for (const Migration& migration : migrations()) {
        if (migration.version <= *version)
            continue;
        if (Status s = applyMigration(db, migration); !s)
            return s;
    }
    return {};
}

namespace {

/// Calls `word(view)` for each word of an identifier (camelCase, snake_case, acronyms, digits),
/// without allocating; the views point into `text`.
template<typename Word> void forEachWord(QStringView text, Word&& word)
{
    qsizetype start = -1;
    const auto flush = [&](qsizetype end) {
        if (start >= 0 && end > start)
            word(text.sliced(start, end - start));
        start = -1;
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const CharClass cls = classify(text[i]);
        if (cls == CharClass::Other) {
            flush(i);
            continue;
        }
        if (start < 0) {
            start = i;
            continue;
        }
        const CharClass prev = classify(text[i - 1]);
        if (cls == CharClass::Upper) {
            // fooBar, foo2Bar → boundary before B; HTTPServer → boundary before the S of Server.
            const bool afterLower = prev == CharClass::Lower || prev == CharClass::Digit;
            const bool acronymEnd
                = prev == CharClass::Upper && i + 1 < text.size() && classify(text[i + 1]) == CharClass::Lower;
            if (afterLower || acronymEnd) {
                flush(i);
                start = i;
            }
        }
    }
    flush(text.size());
}

/// True when `terms` (space-separated) already holds `word`, compared case-insensitively.
bool hasTerm(QStringView terms, QStringView word)
{
    for (qsizetype from = 0; from <= terms.size();) {
        qsizetype end = terms.indexOf(u' ', from);
        if (end < 0)
            end = terms.size();
        if (terms.sliced(from, end - from).compare(word, Qt::CaseInsensitive) == 0)
            return true;
        from = end + 1;
    }
    return false;
}

} // namespace

QStringList splitIdentifier(QStringView text)
{
    QStringList words;
    forEachWord(text, [&](QStringView word) { words.append(word.toString().toLower()); });
    return words;
}

QString searchTerms(QStringView name, QStringView qualifiedName, QStringView filePath)
{
    // Runs for every node written: one output string, no intermediate lists or sets.
    QString terms;
    const auto append = [&](QStringView term, bool lower) {
        if (hasTerm(terms, term))
            return;
        if (!terms.isEmpty())
            terms += u' ';
        const qsizetype from = terms.size();
        terms += term;
        if (lower) {
            for (qsizetype i = from; i < terms.size(); ++i)
                terms[i] = terms[i].toLower();
        }
    };
    const auto addIdentifier = [&](QStringView identifier) {
        int words = 0;
        forEachWord(identifier, [&](QStringView) { ++words; });
        if (words < 2) // a single word is already a token of the name columns
            return;
        append(identifier, false);
        forEachWord(identifier, [&](QStringView word) { append(word, true); });
    };
    const auto isSeparator = [](QChar c) { return !c.isLetterOrNumber() && c != u'_'; };
    const auto addAll = [&](QStringView text) {
        qsizetype start = 0;
        for (qsizetype i = 0; i <= text.size(); ++i) {
            if (i == text.size() || isSeparator(text[i])) {
                if (i > start)
                    addIdentifier(text.sliced(start, i - start));
                start = i + 1;
            }
        }
    };
    addAll(name);
    if (qualifiedName != name)
        addAll(qualifiedName);
    const qsizetype slash = filePath.lastIndexOf(u'/');
    addAll(slash >= 0 ? filePath.sliced(slash + 1) : filePath);
    return terms;
}

} // namespace mu::store::schema
