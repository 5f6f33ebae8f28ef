#include "query/ast.h"

namespace mu::query {

QString Operand::label() const
{
    if (aggregate == Aggregate::None)
        return column.label();
    const QString inner
        = star ? QStringLiteral("*") : (distinct ? QStringLiteral("distinct ") : QString()) + column.label();
    return toString(aggregate) + u'(' + inner + u')';
}

QString toString(Aggregate aggregate)
{
    switch (aggregate) {
    case Aggregate::None:
        return {};
    case Aggregate::Count:
        return QStringLiteral("count");
    case Aggregate::Avg:
        return QStringLiteral("avg");
    case Aggregate::Min:
        return QStringLiteral("min");
    case Aggregate::Max:
        return QStringLiteral("max");
    case Aggregate::Sum:
        return QStringLiteral("sum");
    }
    Q_UNREACHABLE();
}

QString toString(Relation relation)
{
    switch (relation) {
    case Relation::Dependencies:
        return QStringLiteral("dependencies");
    case Relation::Dependents:
        return QStringLiteral("dependents");
    case Relation::Callers:
        return QStringLiteral("callers");
    case Relation::Callees:
        return QStringLiteral("callees");
    case Relation::Inheritance:
        return QStringLiteral("inheritance");
    case Relation::Implementations:
        return QStringLiteral("implementations");
    case Relation::Children:
        return QStringLiteral("children");
    case Relation::Parents:
        return QStringLiteral("parents");
    case Relation::Impact:
        return QStringLiteral("impact");
    case Relation::Ancestors:
        return QStringLiteral("ancestors");
    case Relation::Imports:
        return QStringLiteral("imports");
    case Relation::Importers:
        return QStringLiteral("importers");
    }
    Q_UNREACHABLE();
}

QString toString(FindSubject subject)
{
    switch (subject) {
    case FindSubject::Functions:
        return QStringLiteral("functions");
    case FindSubject::Classes:
        return QStringLiteral("classes");
    case FindSubject::Modules:
        return QStringLiteral("modules");
    case FindSubject::Methods:
        return QStringLiteral("methods");
    }
    Q_UNREACHABLE();
}

QString toString(FindFilter filter)
{
    switch (filter) {
    case FindFilter::Calling:
        return QStringLiteral("CALLING");
    case FindFilter::CalledBy:
        return QStringLiteral("CALLED BY");
    case FindFilter::Importing:
        return QStringLiteral("IMPORTING");
    case FindFilter::ImportedBy:
        return QStringLiteral("IMPORTED BY");
    case FindFilter::Inheriting:
        return QStringLiteral("INHERITING");
    case FindFilter::Implementing:
        return QStringLiteral("IMPLEMENTING");
    case FindFilter::WithDecorator:
        return QStringLiteral("WITH DECORATOR");
    case FindFilter::Matching:
        return QStringLiteral("MATCHING");
    case FindFilter::SimilarTo:
        return QStringLiteral("SIMILAR TO");
    }
    Q_UNREACHABLE();
}

QString toString(Analysis analysis)
{
    switch (analysis) {
    case Analysis::Complexity:
        return QStringLiteral("complexity");
    case Analysis::Hotspots:
        return QStringLiteral("hotspots");
    case Analysis::Coupling:
        return QStringLiteral("coupling");
    case Analysis::Cohesion:
        return QStringLiteral("cohesion");
    case Analysis::Circular:
        return QStringLiteral("circular");
    case Analysis::Unused:
        return QStringLiteral("unused");
    case Analysis::Impact:
        return QStringLiteral("impact");
    }
    Q_UNREACHABLE();
}

QList<Relation> allRelations()
{
    return {Relation::Dependencies, Relation::Dependents, Relation::Callers, Relation::Callees, Relation::Inheritance,
        Relation::Implementations, Relation::Children, Relation::Parents, Relation::Impact, Relation::Ancestors,
        Relation::Imports, Relation::Importers};
}

QList<Analysis> allAnalyses()
{
    return {Analysis::Complexity, Analysis::Hotspots, Analysis::Coupling, Analysis::Cohesion, Analysis::Circular,
        Analysis::Unused, Analysis::Impact};
}

} // namespace mu::query
