#pragma once

#include "model/graphtypes.h"
#include "model/result.h"

#include <QList>
#include <QString>

namespace mu::store {

class StoreReader;

/// Resolves what a user typed as NODE (SPEC §2), in order: full id; a path (contains '/' or ends
/// in a source extension) → its module; exact name; case-insensitive name; qualified-name
/// suffix; substring. The first tier with matches decides: one match is the answer, several are
/// an "ambiguous" error listing up to 10 candidates (class > module > function).
/// Thread: uses the reader's thread.
/// Errors: Error{"not_found", "No node matches 'x'"}, Error{"ambiguous", "…"} (see candidates()).
class NodeResolver {
public:
    explicit NodeResolver(const StoreReader& reader) : m_reader(reader) { }

    Result<Node> resolve(const QString& text);
    /// The candidates of the last ambiguous resolve(), best first.
    const QList<Node>& candidates() const { return m_candidates; }

private:
    /// One match is the answer; several are an ambiguity (candidates kept, best first).
    Result<Node> pick(const QString& text, QList<Node> matches);

    const StoreReader& m_reader;
    QList<Node> m_candidates;
};

} // namespace mu::store
