#pragma once

#include <QString>
#include <QStringView>

/// Stable node ids (SPEC §1): mod:<path> · cls:<path>:<Name> · fn:<path>:<name> or
/// fn:<path>:<Class>.<method> · ext:<name>. Paths are project-relative with '/'.
namespace mu::nodeid {

QString module(QStringView path);
QString cls(QStringView path, QStringView qualifiedName);
QString function(QStringView path, QStringView qualifiedName);
QString external(QStringView name);

/// Appends the overload suffix (~2, ~3, …) for the n-th definition (1-based) of the same id in a file.
QString withOverload(const QString& id, int ordinal);

/// The file path embedded in an id; empty for ext: ids and malformed input.
QString filePathOf(QStringView id);

/// Dotted module name for a file path (SPEC §4): strips a leading src/ or lib/, the extension,
/// and a trailing package marker (__init__, index). "src/auth/service.py" → "auth.service".
QString moduleQualifiedName(QStringView path);

} // namespace mu::nodeid
