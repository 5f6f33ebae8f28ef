#pragma once

#include "model/graphtypes.h"
#include "store/filerecord.h"

#include <QJsonObject>

/// The JSON shapes shared by the CLI's --json output and the daemon's HTTP answers (SPEC §2:
/// `mu X --json` answers exactly what the API answers for the same operation).
namespace mu::store::json {

QJsonObject node(const Node& node);
QJsonObject edge(const Edge& edge);
QJsonObject stats(const Stats& stats);
QJsonObject file(const FileRecord& file);

} // namespace mu::store::json
