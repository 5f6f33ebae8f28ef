#pragma once

#include "model/fileindex.h"

#include <QByteArray>
#include <QString>

#include <chrono>

struct TSParser;

namespace mu::parse {

struct Language;

/// Limits applied to every file parse.
struct ParseOptions {
    qint64 maxFileBytes = qint64(2) * 1024 * 1024;
    std::chrono::milliseconds timeout {20000};
};

/// Turns a file's bytes into a FileIndex. Owns one TSParser.
/// Thread: not thread-safe; use one per thread (forCurrentThread()).
/// Errors: never fails as a call; problems are recorded in FileIndex::status and ::error.
class FileParser {
public:
    explicit FileParser(ParseOptions options = {});
    ~FileParser();
    FileParser(const FileParser&) = delete;
    FileParser& operator=(const FileParser&) = delete;

    /// Parses `raw` (the file's bytes) as `language`. `relPath` is project-relative with '/'.
    /// Fills path, language, size, hash, encoding, lineCount, status, nodes, edges, references;
    /// the caller sets mtimeNs.
    FileIndex parse(const QString& relPath, const QByteArray& raw, const Language& language);

    /// This thread's parser, created on first use with default options.
    static FileParser& forCurrentThread();

    void setOptions(ParseOptions options) { m_options = options; }
    const ParseOptions& options() const { return m_options; }

private:
    ParseOptions m_options;
    TSParser* m_parser = nullptr;
};

/// The record of a file skipped for exceeding the size cap (never read in full).
FileIndex oversizedFile(const QString& relPath, const Language& language, qint64 size, qint64 maxFileBytes);

/// Hex content digest used to detect changed files.
QByteArray contentHash(const QByteArray& raw);

} // namespace mu::parse
