#include "index/indexer.h"

#include "parse/languageregistry.h"
#include "resolve/linker.h"
#include "store/storereader.h"
#include "store/storewriter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QMutex>
#include <QSet>
#include <QThread>
#include <QThreadPool>
#include <QWaitCondition>

#include <algorithm>
#include <deque>
#include <optional>

namespace mu::index {

Q_LOGGING_CATEGORY(lcIndex, "mu.index", QtWarningMsg)

namespace {

/// What a pool thread learned about one candidate file.
struct ParseOutcome {
    enum class Kind {
        Parsed,
        Unchanged,
        Vanished
    };
    Kind kind = Kind::Parsed;
    ScannedFile file;
    FileIndex index;                ///< Kind::Parsed only
    resolve::ModuleSymbols symbols; ///< of `index`, computed on the pool thread too
};

/// Bounded hand-over from the parse pool to the writer (calling) thread.
class OutcomeQueue {
public:
    explicit OutcomeQueue(qsizetype capacity) : m_capacity(capacity) { }

    void push(ParseOutcome outcome)
    {
        QMutexLocker lock(&m_mutex);
        while (qsizetype(m_items.size()) >= m_capacity)
            m_notFull.wait(&m_mutex);
        m_items.push_back(std::move(outcome));
        m_notEmpty.wakeOne();
    }

    /// Waits up to `timeoutMs`; nullopt on timeout.
    std::optional<ParseOutcome> pop(int timeoutMs)
    {
        QMutexLocker lock(&m_mutex);
        if (m_items.empty() && !m_notEmpty.wait(&m_mutex, QDeadlineTimer(timeoutMs)))
            return std::nullopt;
        if (m_items.empty())
            return std::nullopt;
        ParseOutcome outcome = std::move(m_items.front());
        m_items.pop_front();
        m_notFull.wakeOne();
        return outcome;
    }

private:
    QMutex m_mutex;
    QWaitCondition m_notEmpty;
    QWaitCondition m_notFull;
    std::deque<ParseOutcome> m_items;
    qsizetype m_capacity;
};

/// `.h` is both C's and C++'s header extension. A header is C++ when its directory holds C++
/// sources, C when it holds C sources, and otherwise follows the project's majority; the
/// C++ grammar is the safer guess on a tie, since it also parses most C.
class HeaderLanguages {
public:
    explicit HeaderLanguages(const QList<ScannedFile>& files)
    {
        const parse::LanguageRegistry& registry = parse::LanguageRegistry::builtin();
        for (const ScannedFile& file : files) {
            if (isAmbiguousHeader(file.path))
                continue;
            const parse::Language* language = registry.forPath(file.path);
            if (!language)
                continue;
            if (language->id == u"cpp") {
                m_cppDirs.insert(parentDir(file.path));
                ++m_cppFiles;
            } else if (language->id == u"c") {
                m_cDirs.insert(parentDir(file.path));
                ++m_cFiles;
            }
        }
    }

    const parse::Language* forPath(const QString& path) const
    {
        const parse::LanguageRegistry& registry = parse::LanguageRegistry::builtin();
        if (!isAmbiguousHeader(path))
            return registry.forPath(path);
        const QString dir = parentDir(path);
        const bool cpp = m_cppDirs.contains(dir) || (!m_cDirs.contains(dir) && m_cppFiles >= m_cFiles);
        return registry.byId(cpp ? u"cpp" : u"c");
    }

private:
    static bool isAmbiguousHeader(const QString& path) { return path.endsWith(u".h", Qt::CaseInsensitive); }
    static QString parentDir(const QString& path) { return path.section(u'/', 0, -2); }

    QSet<QString> m_cppDirs;
    QSet<QString> m_cDirs;
    int m_cppFiles = 0;
    int m_cFiles = 0;
};

/// Runs on a pool thread: read, hash, and parse unless the content is known.
ParseOutcome parseCandidate(const QString& root, const ScannedFile& file, const parse::Language* language,
    const QByteArray& knownHash, const parse::ParseOptions& options)
{
    ParseOutcome outcome;
    outcome.file = file;
    QFile f(root + u'/' + file.path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (!f.exists()) {
            outcome.kind = ParseOutcome::Kind::Vanished;
            return outcome;
        }
        outcome.index.path = file.path;
        outcome.index.language = language ? language->id : QString();
        outcome.index.size = file.size;
        outcome.index.mtimeNs = 0; // never matches a real stat: the next run tries again
        outcome.index.status = ParseStatus::Failed;
        outcome.index.error = QStringLiteral("cannot read: %1").arg(f.errorString());
        return outcome;
    }
    if (file.size > options.maxFileBytes) {
        // Never read in full: the record says why it has no nodes.
        outcome.index = parse::oversizedFile(file.path, *language, file.size, options.maxFileBytes);
        outcome.index.mtimeNs = file.mtimeNs;
        return outcome;
    }
    // Read at most one byte past the cap: the file may have grown since the scan.
    const QByteArray bytes = f.read(options.maxFileBytes + 1);
    if (!knownHash.isEmpty() && qint64(bytes.size()) == file.size && parse::contentHash(bytes) == knownHash) {
        outcome.kind = ParseOutcome::Kind::Unchanged;
        return outcome;
    }
    parse::FileParser& parser = parse::FileParser::forCurrentThread();
    parser.setOptions(options);
    outcome.index = parser.parse(file.path, bytes, *language);
    outcome.index.mtimeNs = file.mtimeNs;
    outcome.symbols = resolve::ModuleSymbols::from(file.path, outcome.index.nodes, outcome.index.references);
    return outcome;
}

constexpr int kCheckpointAfterFiles = 100;

/// Whether a file with this status has rows (a module node and below) in the graph.
bool hasModule(ParseStatus status)
{
    return status == ParseStatus::Ok || status == ParseStatus::Partial;
}

/// The part of a FileIndex the link phase needs, kept after the rest is written and freed.
struct LinkInput {
    resolve::ModuleSymbols symbols;
    QList<Reference> references;
};

} // namespace

QString mubasePath(const QString& projectRoot)
{
    return QDir(projectRoot).filePath(QStringLiteral(".mu/mubase"));
}

Indexer::Indexer(QString projectRoot, IndexOptions options)
    : m_root(QDir(projectRoot).canonicalPath()), m_options(std::move(options))
{
    if (m_root.isEmpty())
        m_root = projectRoot; // missing: run() reports it
}

Result<ScanResult> Indexer::scan(const QHash<QString, store::FileRecord>& known) const
{
    if (m_options.paths.isEmpty() && m_options.directories.isEmpty())
        return Scanner(m_root, m_options.scan).scan();

    // A partial update: the rescanned subtrees and the named files replace what the store knows
    // about them; every other known file stands as recorded.
    const Scanner scanner(m_root, m_options.scan);
    auto subtrees = scanner.scan(m_options.directories);
    if (!subtrees)
        return subtrees.error();
    const auto covered = [this](const QString& path) {
        return std::any_of(m_options.directories.cbegin(), m_options.directories.cend(),
            [&](const QString& dir) { return dir.isEmpty() || path.startsWith(dir + u'/'); });
    };
    const QSet<QString> named(m_options.paths.cbegin(), m_options.paths.cend());
    ScanResult result;
    result.warnings = subtrees->warnings;
    result.files = std::move(subtrees->files);
    for (auto it = known.constBegin(); it != known.constEnd(); ++it) {
        if (!named.contains(it.key()) && !covered(it.key()))
            result.files.append({it.key(), it->size, it->mtimeNs});
    }
    const IgnoreRules rules = IgnoreRules::load(m_root, m_options.scan.ignore);
    const parse::LanguageRegistry& registry = parse::LanguageRegistry::builtin();
    for (const QString& path : named) {
        if (covered(path) || !registry.forPath(path) || path == u".mu" || path.startsWith(u".mu/")
            || rules.isIgnored(path, false))
            continue;
        if (auto file = Scanner::statFile(m_root, path))
            result.files.append(*file);
    }
    std::sort(result.files.begin(), result.files.end(),
        [](const ScannedFile& a, const ScannedFile& b) { return a.path < b.path; });
    return result;
}

Result<IndexReport> Indexer::run(const ProgressCallback& progress)
{
    QElapsedTimer timer;
    timer.start();
    IndexReport report;

    if (!QFileInfo(m_root).isDir())
        return Error {QStringLiteral("not_found"), QStringLiteral("%1 is not a directory").arg(m_root)};

    const QString dbPath = mubasePath(m_root);
    auto writerResult = store::StoreWriter::open(dbPath);
    if (!writerResult)
        return writerResult.error();
    store::StoreWriter& writer = **writerResult;
    auto readerResult = store::StoreReader::open(dbPath);
    if (!readerResult)
        return readerResult.error();
    store::StoreReader& reader = **readerResult;

    // 1. Classify against what the store knows: unchanged stat data costs nothing more.
    auto knownFiles = reader.files();
    if (!knownFiles)
        return knownFiles.error();
    QHash<QString, store::FileRecord> known;
    for (store::FileRecord& record : *knownFiles)
        known.emplace(QString(record.path), std::move(record)); // QHash::insert would copy

    auto scanned = scan(known);
    if (!scanned)
        return scanned.error();
    report.warnings = scanned->warnings;
    report.scanned = int(scanned->files.size());

    const HeaderLanguages languages(scanned->files);
    QList<ScannedFile> candidates;
    QSet<QString> retyped; // headers whose C/C++ decision changed: reparse whatever their stat says
    QSet<QString> present;
    QSet<QString> unlinked;
    bool moduleSetChanged = false;
    for (const ScannedFile& file : std::as_const(scanned->files)) {
        present.insert(file.path);
        const auto it = known.constFind(file.path);
        if (it == known.constEnd()) {
            moduleSetChanged = true;
            candidates.append(file);
            continue;
        }
        if (!it->linked)
            unlinked.insert(file.path);
        if (const parse::Language* language = languages.forPath(file.path);
            language && hasModule(it->status) && it->language != language->id)
            retyped.insert(file.path);
        if (m_options.force || it->size != file.size || it->mtimeNs != file.mtimeNs || retyped.contains(file.path))
            candidates.append(file);
        else
            ++report.unchanged;
    }
    QStringList removed;
    for (auto it = known.constBegin(); it != known.constEnd(); ++it) {
        if (!present.contains(it.key()))
            removed.append(it.key());
    }
    moduleSetChanged = moduleSetChanged || !removed.isEmpty();

    report.scanMs = timer.elapsed();
    if (m_options.afterScanForTest)
        m_options.afterScanForTest();

    // 2. Parse on the pool; write on this thread in batches while parsing goes on.
    QThreadPool pool;
    pool.setMaxThreadCount(m_options.jobs > 0 ? m_options.jobs : QThread::idealThreadCount());
    pool.setStackSize(8 * 1024 * 1024);
    OutcomeQueue queue(qMax(64, m_options.maxBatchFiles * 2));
    for (const ScannedFile& file : std::as_const(candidates)) {
        const QByteArray knownHash
            = m_options.force || retyped.contains(file.path) ? QByteArray() : known.value(file.path).hash;
        const parse::Language* language = languages.forPath(file.path);
        pool.start([this, file, language, knownHash, &queue] {
            queue.push(parseCandidate(m_root, file, language, knownHash, m_options.parse));
        });
    }

    QHash<QString, LinkInput> linkInputs;
    QList<FileIndex> batch;
    QList<resolve::ModuleSymbols> batchSymbols; // batch[i]'s symbols
    QList<store::FileStamp> stamps;
    QElapsedTimer batchTimer;
    batchTimer.start();
    // Files whose interface (what other files resolve through them) changed: only their
    // dependents need re-linking. Compared before the old rows are replaced.
    QSet<QString> interfaceChanged;
    QSet<QString> changedKeys; // pseudo-dependencies (namespaces, packages, C names) they answer for
    const auto noteInterfaceChanges = [&]() -> Status {
        if (m_options.force || moduleSetChanged)
            return {}; // everything is re-linked anyway
        for (qsizetype i = 0; i < batch.size(); ++i) {
            const QString& path = batch[i].path;
            auto nodes = reader.symbolNodes(path);
            auto references = reader.referencesOfFile(path);
            if (!nodes || !references)
                return !nodes ? nodes.error() : references.error();
            const resolve::ModuleSymbols old = resolve::ModuleSymbols::from(path, *nodes, *references);
            if (old.interfaceDigest() != batchSymbols[i].interfaceDigest()) {
                interfaceChanged.insert(path);
                for (const QString& key :
                    resolve::Linker::dependencyKeys(old) + resolve::Linker::dependencyKeys(batchSymbols[i]))
                    changedKeys.insert(key);
            }
        }
        return {};
    };
    const auto flush = [&]() -> Status {
        if (!batch.isEmpty()) {
            if (Status status = noteInterfaceChanges(); !status)
                return status;
            auto commit = writer.replaceFiles(batch);
            if (!commit)
                return commit.error();
            report.changes.append(commit->changes);
            for (qsizetype i = 0; i < batch.size(); ++i) {
                LinkInput input {std::move(batchSymbols[i]), std::move(batch[i].references)};
                linkInputs.emplace(batch[i].path, std::move(input));
            }
            batch.clear();
            batchSymbols.clear();
        }
        if (!stamps.isEmpty()) {
            if (Status status = writer.stampFiles(stamps); !status)
                return status;
            stamps.clear();
        }
        batchTimer.restart();
        return {};
    };

    const auto cancelled = [this] { return m_options.cancel && m_options.cancel->load(); };
    const auto stopParsing = [&] {
        pool.clear();
        // Drain so no pool thread stays blocked on a full queue.
        while (pool.activeThreadCount() > 0)
            queue.pop(50);
        pool.waitForDone();
    };
    const int total = int(candidates.size());
    for (int done = 0; done < total;) {
        if (cancelled()) {
            stopParsing();
            if (Status status = flush(); !status)
                return status.error();
            return Error {QStringLiteral("cancelled"), QStringLiteral("indexing was cancelled")};
        }
        std::optional<ParseOutcome> outcome = queue.pop(250);
        if (outcome) {
            ++done;
            switch (outcome->kind) {
            case ParseOutcome::Kind::Vanished:
                present.remove(outcome->file.path);
                if (known.contains(outcome->file.path))
                    removed.append(outcome->file.path);
                moduleSetChanged = true;
                break;
            case ParseOutcome::Kind::Unchanged:
                ++report.stamped;
                stamps.append({outcome->file.path, outcome->file.size, outcome->file.mtimeNs});
                break;
            case ParseOutcome::Kind::Parsed: {
                // A file gaining or losing its module node (it failed or was skipped before, or
                // is now) changes what imports resolve to, as adding or removing a file does.
                const auto before = known.constFind(outcome->file.path);
                if (before != known.constEnd() && hasModule(before->status) != hasModule(outcome->index.status))
                    moduleSetChanged = true;
                ++report.parsed;
                if (outcome->index.status == ParseStatus::Skipped)
                    ++report.skipped;
                else if (outcome->index.status != ParseStatus::Ok)
                    ++report.errors;
                batch.append(std::move(outcome->index));
                batchSymbols.append(std::move(outcome->symbols));
                break;
            }
            }
            if (progress)
                progress({done, total});
        }
        if (batch.size() >= m_options.maxBatchFiles || (!batch.isEmpty() && batchTimer.elapsed() > 250)
            || stamps.size() >= 4 * m_options.maxBatchFiles) {
            if (Status status = flush(); !status) {
                stopParsing();
                return status.error();
            }
        }
    }
    pool.waitForDone();
    if (Status status = flush(); !status)
        return status.error();

    if (!removed.isEmpty()) {
        auto commit = writer.removeFiles(removed);
        if (!commit)
            return commit.error();
        report.changes.append(commit->changes);
        report.removed = int(removed.size());
    }

    report.parseMs = timer.elapsed() - report.scanMs;
    if (cancelled())
        return Error {QStringLiteral("cancelled"), QStringLiteral("indexing was cancelled")};

    // 3. Link: every changed file, the dependents of changed files, files a previous run left
    // unlinked — or everything when files appeared or disappeared (any import may now resolve
    // differently).
    QStringList toLink;
    if (m_options.force || moduleSetChanged) {
        toLink = QStringList(present.cbegin(), present.cend());
    } else {
        // Dependents: files owning edges into a file whose interface changed. The store finds
        // them by id prefix, so this works after the changed files' old nodes are gone.
        QStringList changed(interfaceChanged.cbegin(), interfaceChanged.cend());
        changed.sort();
        // And the files whose linking read these modules' symbols without an edge into them
        // (names reached through packages and barrels, failed lookups that may now succeed).
        QStringList consulted = changed;
        consulted += QStringList(changedKeys.cbegin(), changedKeys.cend());
        auto consulting = reader.filesConsulting(consulted);
        if (!consulting)
            return consulting.error();
        auto dependents = reader.filesWithEdgesInto(changed);
        if (!dependents)
            return dependents.error();
        QSet<QString> set(dependents->cbegin(), dependents->cend());
        set += QSet<QString>(consulting->cbegin(), consulting->cend());
        set += unlinked;
        for (auto it = linkInputs.constBegin(); it != linkInputs.constEnd(); ++it)
            set.insert(it.key());
        toLink = QStringList(set.cbegin(), set.cend());
    }
    toLink.sort();

    resolve::ProjectLayout layout(m_root, present);
    // Modules this run did not parse load from the store on first use; their references are
    // kept, since a module loaded as a symbol source is often also a file to link.
    QHash<QString, QList<Reference>> storedReferences;
    int loads = 0;
    auto namespaceFiles = reader.namespaceFiles();
    if (!namespaceFiles)
        return namespaceFiles.error();
    // C/C++ calls resolve through the project's functions with external linkage, by name ("f")
    // in C and by qualified name ("ns.f", "ns.Class.method") in C++.
    const auto globals = [&reader]() {
        QList<resolve::GlobalFunction> functions;
        auto nodes = reader.externalLinkageFunctions();
        if (!nodes) {
            qCWarning(lcIndex) << "cannot read C/C++ functions:" << nodes.error().message;
            return functions;
        }
        for (const Node& node : std::as_const(*nodes))
            functions.append({node.id, node.filePath, resolve::linkageName(node.qualifiedName, node.filePath)});
        return functions;
    };
    resolve::SymbolTable symbols(
        [&](const QString& path) -> std::optional<resolve::ModuleSymbols> {
            ++loads;
            auto nodes = reader.symbolNodes(path);
            auto references = reader.referencesOfFile(path);
            if (!nodes || !references || nodes->isEmpty())
                return std::nullopt;
            resolve::ModuleSymbols module = resolve::ModuleSymbols::from(path, *nodes, *references);
            storedReferences.emplace(path, std::move(*references));
            return module;
        },
        std::move(*namespaceFiles), globals);
    for (auto it = linkInputs.begin(); it != linkInputs.end(); ++it)
        symbols.insert(std::move(it->symbols));
    resolve::Linker linker(layout, symbols);

    QList<store::FileLinks> links;
    for (const QString& path : std::as_const(toLink)) {
        QList<Reference> references;
        if (const auto it = linkInputs.constFind(path); it != linkInputs.constEnd()) {
            references = it->references;
        } else if (const auto cached = storedReferences.constFind(path); cached != storedReferences.constEnd()) {
            references = *cached;
        } else {
            auto stored = reader.referencesOfFile(path);
            if (!stored)
                return stored.error();
            references = std::move(*stored);
        }
        links.append(linker.link(path, references));
        if (links.size() >= 4 * m_options.maxBatchFiles) {
            auto commit = writer.replaceLinks(links);
            if (!commit)
                return commit.error();
            links.clear();
        }
    }
    qCDebug(lcIndex) << "resolved" << toLink.size() << "files," << loads << "modules loaded from the store, in"
                     << timer.elapsed() - report.scanMs - report.parseMs << "ms";
    if (!links.isEmpty()) {
        auto commit = writer.replaceLinks(links);
        if (!commit)
            return commit.error();
    }
    report.linked = int(toLink.size());
    report.linkMs = timer.elapsed() - report.scanMs - report.parseMs;
    report.revision = writer.revision();
    // After bulk work, fold the WAL into the database now; small updates leave it to SQLite's
    // automatic checkpoints rather than paying a full one (and its fsync) per edit.
    if (report.parsed + report.removed >= kCheckpointAfterFiles) {
        if (Status status = writer.checkpoint(); !status)
            qCWarning(lcIndex) << "checkpoint failed:" << status.error().message;
    }
    report.elapsedMs = timer.elapsed();
    return report;
}

} // namespace mu::index
