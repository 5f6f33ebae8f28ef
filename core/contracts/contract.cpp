#include "contracts/contract.h"

namespace mu::contracts {

QString toString(Severity severity)
{
    switch (severity) {
    case Severity::Error:
        return QStringLiteral("error");
    case Severity::Warning:
        return QStringLiteral("warning");
    case Severity::Info:
        return QStringLiteral("info");
    }
    Q_UNREACHABLE();
}

std::optional<Severity> severityFromString(const QString& text)
{
    for (Severity severity : {Severity::Error, Severity::Warning, Severity::Info}) {
        if (text == toString(severity))
            return severity;
    }
    return std::nullopt;
}

bool Expectation::holds(int findings) const
{
    switch (kind) {
    case Kind::Empty:
        return findings == 0;
    case Kind::NotEmpty:
        return findings > 0;
    case Kind::Max:
        return findings <= count;
    case Kind::Min:
        return findings >= count;
    case Kind::Count:
        return findings == count;
    }
    Q_UNREACHABLE();
}

QString Expectation::toString() const
{
    switch (kind) {
    case Kind::Empty:
        return QStringLiteral("empty");
    case Kind::NotEmpty:
        return QStringLiteral("not_empty");
    case Kind::Max:
        return QStringLiteral("{max: %1}").arg(count);
    case Kind::Min:
        return QStringLiteral("{min: %1}").arg(count);
    case Kind::Count:
        return QStringLiteral("{count: %1}").arg(count);
    }
    Q_UNREACHABLE();
}

QString Expectation::failure(int findings) const
{
    switch (kind) {
    case Kind::Empty:
        return QStringLiteral("expected none, found %1").arg(findings);
    case Kind::NotEmpty:
        return QStringLiteral("expected at least one, found none");
    case Kind::Max:
        return QStringLiteral("expected at most %1, found %2").arg(count).arg(findings);
    case Kind::Min:
        return QStringLiteral("expected at least %1, found %2").arg(count).arg(findings);
    case Kind::Count:
        return QStringLiteral("expected exactly %1, found %2").arg(count).arg(findings);
    }
    Q_UNREACHABLE();
}

int AnalyzeRule::effectiveThreshold() const
{
    if (threshold)
        return *threshold;
    switch (analysis) {
    case Analysis::Complexity:
    case Analysis::Coupling:
        return 10;
    case Analysis::Circular:
    case Analysis::Hotspots:
    case Analysis::Unused:
        return 0;
    }
    Q_UNREACHABLE();
}

QString toString(AnalyzeRule::Analysis analysis)
{
    switch (analysis) {
    case AnalyzeRule::Analysis::Circular:
        return QStringLiteral("circular");
    case AnalyzeRule::Analysis::Complexity:
        return QStringLiteral("complexity");
    case AnalyzeRule::Analysis::Coupling:
        return QStringLiteral("coupling");
    case AnalyzeRule::Analysis::Hotspots:
        return QStringLiteral("hotspots");
    case AnalyzeRule::Analysis::Unused:
        return QStringLiteral("unused");
    }
    Q_UNREACHABLE();
}

QStringList analysisNames()
{
    return {QStringLiteral("circular"), QStringLiteral("complexity"), QStringLiteral("coupling"),
        QStringLiteral("hotspots"), QStringLiteral("unused")};
}

QString ruleTypeName(const Rule& rule)
{
    return ruleTypeNames().at(qsizetype(rule.index()));
}

QStringList ruleTypeNames()
{
    // In the order of the Rule variant's alternatives.
    return {
        QStringLiteral("analyze"), QStringLiteral("dependency"), QStringLiteral("query"), QStringLiteral("pattern")};
}

} // namespace mu::contracts
