#include "context/tokenizer.h"

#include "context/bpe.h"
#include "context/pretokenizer.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <array>
#include <climits>
#include <cstring>
#include <mutex>

Q_LOGGING_CATEGORY(lcTokenizer, "mu.context", QtWarningMsg)

namespace mu::context {

namespace {

/// Below this many bytes a piece cache costs more than it saves.
constexpr std::size_t kPieceCacheMinText = 4096;
constexpr std::size_t kPieceCacheMaxEntries = 32768;

PiecePattern patternOf(Encoding encoding)
{
    return encoding == Encoding::Cl100kBase ? PiecePattern::Cl100k : PiecePattern::O200k;
}

QString fileNameOf(Encoding encoding)
{
    return encodingName(encoding) + QStringLiteral(".js");
}

Error invalid(const QString& path, const QString& what)
{
    return Error {QStringLiteral("tokenizer_invalid"),
        QStringLiteral("%1: %2. Reinstall it with scripts/install-deps.sh.").arg(path, what)};
}

/// Standard base64 with padding, as js-tiktoken writes its tokens.
bool decodeBase64(std::string_view text, std::string& out)
{
    static const auto kValues = [] {
        std::array<signed char, 256> v {};
        v.fill(-1);
        const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i)
            v[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
        return v;
    }();
    out.clear();
    if (text.empty() || text.size() % 4 != 0)
        return false;
    std::size_t padding = 0;
    if (text.back() == '=')
        padding = text[text.size() - 2] == '=' ? 2 : 1;
    const std::size_t dataChars = text.size() - padding;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < dataChars; ++i) {
        const int value = kValues[static_cast<unsigned char>(text[i])];
        if (value < 0)
            return false;
        buffer = (buffer << 6) | std::uint32_t(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((buffer >> bits) & 0xFF));
        }
    }
    return !out.empty();
}

/// bpe_ranks: lines "<tag> <first rank> <base64 token> <base64 token> …", ranks consecutive.
bool parseRanks(std::string_view text, RankTable& table, QString& problem)
{
    std::string bytes;
    std::size_t lineStart = 0;
    int lineNumber = 0;
    while (lineStart < text.size()) {
        std::size_t lineEnd = text.find('\n', lineStart);
        if (lineEnd == std::string_view::npos)
            lineEnd = text.size();
        const std::string_view line = text.substr(lineStart, lineEnd - lineStart);
        lineStart = lineEnd + 1;
        ++lineNumber;
        if (line.empty())
            continue;
        std::size_t at = line.find(' ');
        if (at == std::string_view::npos) {
            problem = QStringLiteral("bpe_ranks line %1 has no rank").arg(lineNumber);
            return false;
        }
        ++at;
        std::size_t end = line.find(' ', at);
        if (end == std::string_view::npos)
            end = line.size();
        long long rank = 0;
        const std::string_view rankText = line.substr(at, end - at);
        if (rankText.empty() || rankText.size() > 9) {
            problem = QStringLiteral("bpe_ranks line %1 has a bad rank").arg(lineNumber);
            return false;
        }
        for (const char c : rankText) {
            if (c < '0' || c > '9') {
                problem = QStringLiteral("bpe_ranks line %1 has a bad rank").arg(lineNumber);
                return false;
            }
            rank = rank * 10 + (c - '0');
        }
        at = end;
        while (at < line.size()) {
            ++at; // the space
            end = line.find(' ', at);
            if (end == std::string_view::npos)
                end = line.size();
            if (end > at) {
                if (!decodeBase64(line.substr(at, end - at), bytes) || rank > INT_MAX) {
                    problem = QStringLiteral("bpe_ranks line %1: bad token for rank %2").arg(lineNumber).arg(rank);
                    return false;
                }
                table.add(bytes, int(rank));
                ++rank;
            }
            at = end;
        }
    }
    if (table.size() < 256) {
        problem = QStringLiteral("only %1 tokens in bpe_ranks").arg(table.size());
        return false;
    }
    if (!table.finish()) {
        problem = QStringLiteral("bpe_ranks does not give every byte a token");
        return false;
    }
    return true;
}

QString executableDirectory()
{
    if (QCoreApplication::instance())
        return QCoreApplication::applicationDirPath();
    return QFileInfo(QFileInfo(QStringLiteral("/proc/self/exe")).symLinkTarget()).absolutePath();
}

} // namespace

std::optional<Encoding> encodingFromName(QStringView name)
{
    if (name == u"cl100k_base")
        return Encoding::Cl100kBase;
    if (name == u"o200k_base")
        return Encoding::O200kBase;
    return std::nullopt;
}

QString encodingName(Encoding encoding)
{
    return encoding == Encoding::Cl100kBase ? QStringLiteral("cl100k_base") : QStringLiteral("o200k_base");
}

Tokenizer::Tokenizer(Encoding encoding, std::unique_ptr<RankTable> ranks)
    : m_encoding(encoding), m_ranks(std::move(ranks))
{ }

Tokenizer::~Tokenizer() = default;

QStringList Tokenizer::searchDirectories()
{
    QStringList dirs;
    const QString fromEnvironment = qEnvironmentVariable("MU_TOKENIZER_DIR");
    if (!fromEnvironment.isEmpty())
        dirs << QDir::cleanPath(fromEnvironment);
#ifdef MU_TOKENIZER_BUILD_DIR
    dirs << QDir::cleanPath(QStringLiteral(MU_TOKENIZER_BUILD_DIR));
#endif
    dirs << QDir::cleanPath(executableDirectory() + QStringLiteral("/../share/mu/tokenizer"));
    return dirs;
}

Result<std::shared_ptr<const Tokenizer>> Tokenizer::load(Encoding encoding)
{
    static std::mutex mutex;
    static std::array<std::shared_ptr<const Tokenizer>, 2> loaded;
    const std::lock_guard lock(mutex);
    std::shared_ptr<const Tokenizer>& slot = loaded[encoding == Encoding::Cl100kBase ? 0 : 1];
    if (slot)
        return slot;

    QStringList tried;
    for (const QString& dir : searchDirectories()) {
        const QString path = dir + QLatin1Char('/') + fileNameOf(encoding);
        if (!QFileInfo(path).isFile()) {
            tried << path;
            continue;
        }
        auto result = loadFile(encoding, path);
        if (result)
            slot = *result;
        return result;
    }
    return Error {QStringLiteral("tokenizer_missing"),
        QStringLiteral("No %1 rank table: looked for %2. Run scripts/install-deps.sh (it installs the "
                       "pinned js-tiktoken into third_party/tiktoken) or point MU_TOKENIZER_DIR at a "
                       "directory holding %3 (js-tiktoken's dist/ranks).")
            .arg(encodingName(encoding), tried.join(QStringLiteral(", ")), fileNameOf(encoding))};
}

Result<std::shared_ptr<const Tokenizer>> Tokenizer::loadFile(Encoding encoding, const QString& path)
{
    QElapsedTimer timer;
    timer.start();
    QFile file(path);
    if (!file.exists()) {
        return Error {QStringLiteral("tokenizer_missing"),
            QStringLiteral("No %1 rank table at %2. Run scripts/install-deps.sh.").arg(encodingName(encoding), path)};
    }
    if (!file.open(QIODevice::ReadOnly))
        return invalid(path, QStringLiteral("cannot be read (%1)").arg(file.errorString()));
    const QByteArray content = file.readAll();
    // The module is `export default {…};` (or `module.exports = {…};`, or bare JSON): the object
    // in between is JSON.
    const qsizetype open = content.indexOf('{');
    const qsizetype close = content.lastIndexOf('}');
    if (open < 0 || close < open)
        return invalid(path, QStringLiteral("not a rank module (no object)"));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(content.mid(open, close - open + 1), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return invalid(path, QStringLiteral("not a rank module (%1)").arg(parseError.errorString()));
    const QJsonObject object = document.object();

    const QString pattern = object.value(QLatin1String("pat_str")).toString();
    if (pattern != piecePatternSource(patternOf(encoding))) {
        return invalid(path,
            QStringLiteral("its split pattern (pat_str) is not the %1 one this build implements; "
                           "is it another encoding or another js-tiktoken version?")
                .arg(encodingName(encoding)));
    }
    const QJsonValue ranksValue = object.value(QLatin1String("bpe_ranks"));
    if (!ranksValue.isString())
        return invalid(path, QStringLiteral("no bpe_ranks string"));
    const QByteArray ranksText = ranksValue.toString().toUtf8();
    auto table = std::make_unique<RankTable>();
    QString problem;
    if (!parseRanks(std::string_view(ranksText.constData(), std::size_t(ranksText.size())), *table, problem))
        return invalid(path, problem);

    qCDebug(lcTokenizer) << "loaded" << encodingName(encoding) << table->size() << "tokens from" << path << "in"
                         << timer.elapsed() << "ms";
    return std::shared_ptr<const Tokenizer>(new Tokenizer(encoding, std::move(table)));
}

int Tokenizer::countWellFormed(std::string_view utf8, std::vector<int>* ids) const
{
    PreTokenizer pieces(patternOf(m_encoding), utf8);
    int tokens = 0;
    if (ids || utf8.size() < kPieceCacheMinText) {
        for (std::string_view piece = pieces.next(); !piece.empty(); piece = pieces.next())
            tokens += bytePairEncode(*m_ranks, piece, ids);
        return tokens;
    }
    // Source code repeats its pieces (indentation, keywords, names): a direct-mapped cache of the
    // pieces seen in this call saves most rank lookups, which miss the CPU caches, and most merges.
    struct CachedPiece {
        const char* data = nullptr;
        std::size_t length = 0;
        int tokens = 0;
    };
    std::size_t capacity = 256;
    while (capacity < utf8.size() / 32 && capacity < kPieceCacheMaxEntries)
        capacity *= 2;
    std::vector<CachedPiece> cache(capacity);
    for (std::string_view piece = pieces.next(); !piece.empty(); piece = pieces.next()) {
        if (piece.size() == 1) {
            ++tokens;
            continue;
        }
        const std::uint64_t hash = RankTable::hash(piece.data(), piece.size());
        CachedPiece& cached = cache[hash & (capacity - 1)];
        if (cached.length == piece.size() && std::memcmp(cached.data, piece.data(), piece.size()) == 0) {
            tokens += cached.tokens;
            continue;
        }
        const int n
            = m_ranks->rank(piece.data(), piece.size(), hash) >= 0 ? 1 : bytePairEncode(*m_ranks, piece, nullptr);
        cached = {piece.data(), piece.size(), n};
        tokens += n;
    }
    return tokens;
}

int Tokenizer::count(QStringView text) const
{
    return countWellFormed(utf8FromUtf16(text), nullptr);
}

int Tokenizer::count(std::string_view utf8) const
{
    if (isWellFormedUtf8(utf8))
        return countWellFormed(utf8, nullptr);
    return countWellFormed(repairUtf8(utf8), nullptr);
}

QList<int> Tokenizer::encode(QStringView text) const
{
    std::vector<int> ids;
    countWellFormed(utf8FromUtf16(text), &ids);
    return QList<int>(ids.begin(), ids.end());
}

QList<int> Tokenizer::encode(std::string_view utf8) const
{
    std::vector<int> ids;
    if (isWellFormedUtf8(utf8))
        countWellFormed(utf8, &ids);
    else
        countWellFormed(repairUtf8(utf8), &ids);
    return QList<int>(ids.begin(), ids.end());
}

} // namespace mu::context
