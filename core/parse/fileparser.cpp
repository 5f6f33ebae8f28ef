#include "parse/fileparser.h"

#include "model/nodeid.h"
#include "parse/extractor.h"
#include "parse/languageregistry.h"
#include "parse/sourcetext.h"
#include "parse/treewalk.h"

#include <QCryptographicHash>

#include <tree_sitter/api.h>

namespace mu::parse {

namespace {

int countLines(const QByteArray& bytes)
{
    if (bytes.isEmpty())
        return 0;
    return static_cast<int>(bytes.count('\n')) + (bytes.endsWith('\n') ? 0 : 1);
}

/// Location of the first syntax error, as "line:column: message", or empty.
QString firstSyntaxError(TSNode root)
{
    QString found;
    walkTree(root, [&](TSNode node) {
        if (!found.isEmpty() || !ts_node_has_error(node))
            return false;
        const bool missing = ts_node_is_missing(node);
        if (missing || isType(node, "ERROR")) {
            const TSPoint at = ts_node_start_point(node);
            found = QStringLiteral("%1:%2: %3")
                        .arg(at.row + 1)
                        .arg(at.column + 1)
                        .arg(missing ? QStringLiteral("missing %1").arg(QString::fromUtf8(ts_node_type(node)))
                                     : QStringLiteral("syntax error"));
            return false;
        }
        return true;
    });
    return found;
}

Node moduleNode(const QString& relPath, int lineCount)
{
    Node node;
    node.id = nodeid::module(relPath);
    node.type = NodeType::Module;
    node.kind = QStringLiteral("module");
    node.qualifiedName = nodeid::moduleQualifiedName(relPath);
    const qsizetype dot = node.qualifiedName.lastIndexOf(u'.');
    node.name = dot < 0 ? node.qualifiedName : node.qualifiedName.sliced(dot + 1);
    node.filePath = relPath;
    node.lineStart = lineCount > 0 ? 1 : 0;
    node.lineEnd = lineCount;
    return node;
}

} // namespace

FileIndex oversizedFile(const QString& relPath, const Language& language, qint64 size, qint64 maxFileBytes)
{
    FileIndex out;
    out.path = relPath;
    out.language = language.id;
    out.size = size;
    out.status = ParseStatus::Skipped;
    out.error = QStringLiteral("file exceeds the size cap (%1 KiB > %2 KiB)")
                    .arg((size + 1023) / 1024)
                    .arg(maxFileBytes / 1024);
    return out;
}

QByteArray contentHash(const QByteArray& raw)
{
    return QCryptographicHash::hash(raw, QCryptographicHash::Sha1).toHex();
}

FileParser::FileParser(ParseOptions options) : m_options(options), m_parser(ts_parser_new())
{ }

FileParser::~FileParser()
{
    ts_parser_delete(m_parser);
}

FileParser& FileParser::forCurrentThread()
{
    thread_local FileParser parser;
    return parser;
}

FileIndex FileParser::parse(const QString& relPath, const QByteArray& raw, const Language& language)
{
    FileIndex out;
    out.path = relPath;
    out.language = language.id;
    out.size = raw.size();
    out.hash = contentHash(raw);

    if (raw.size() > m_options.maxFileBytes) {
        FileIndex skipped = oversizedFile(relPath, language, raw.size(), m_options.maxFileBytes);
        skipped.hash = out.hash;
        return skipped;
    }
    if (looksBinary(raw)) {
        out.status = ParseStatus::Skipped;
        out.error = QStringLiteral("binary file");
        return out;
    }

    DecodedSource decoded = decodeSource(raw);
    out.encoding = decoded.encoding;
    out.lineCount = countLines(decoded.utf8);
    out.nodes.append(moduleNode(relPath, out.lineCount));

    if (!ts_parser_set_language(m_parser, language.grammar())) {
        out.status = ParseStatus::Failed;
        out.error = QStringLiteral("grammar for %1 has an incompatible ABI").arg(language.id);
        return out;
    }
    ts_parser_set_timeout_micros(m_parser, static_cast<uint64_t>(m_options.timeout.count()) * 1000);
    // The one parse of the file; the extractor reads text from the original bytes (same offsets).
    const QByteArray parsed = language.prepareSource ? language.prepareSource(decoded.utf8) : decoded.utf8;
    Q_ASSERT(parsed.size() == decoded.utf8.size());
    TSTree* tree = ts_parser_parse_string(m_parser, nullptr, parsed.constData(), static_cast<uint32_t>(parsed.size()));
    if (!tree) {
        ts_parser_reset(m_parser);
        out.status = ParseStatus::Failed;
        out.error = QStringLiteral("parser timed out after %1 ms").arg(m_options.timeout.count());
        return out;
    }

    const TSNode root = ts_tree_root_node(tree);
    const SourceText source(std::move(decoded.utf8));
    if (ts_node_has_error(root)) {
        out.status = ParseStatus::Partial;
        out.error = firstSyntaxError(root);
    }
    language.extractor->extract(root, source, out);
    ts_tree_delete(tree);
    return out;
}

} // namespace mu::parse
