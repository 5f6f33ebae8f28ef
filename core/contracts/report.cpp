#include "contracts/report.h"

#include <QJsonArray>
#include <QXmlStreamWriter>

#include <algorithm>

namespace mu::contracts {

namespace {

/// Violations the text report lists per contract; JSON and JUnit list every one kept.
constexpr int kTextViolations = 50;

QString paint(const QString& text, const char* code, bool color)
{
    return color ? QStringLiteral("\x1b[%1m").arg(QLatin1String(code)) + text + QStringLiteral("\x1b[0m") : text;
}

/// "src/ui/view.py:2" or "src/ui/view.py" or "" from a violation's location.
QString location(const Violation& violation)
{
    if (violation.filePath.isEmpty())
        return {};
    return violation.line > 0 ? QStringLiteral("%1:%2").arg(violation.filePath).arg(violation.line)
                              : violation.filePath;
}

/// One violation in a line: "src/ui/view.py:2  mod:src/ui/view.py  imports mod:src/storage/db.py".
QString violationLine(const Violation& violation)
{
    QStringList parts;
    for (const QString& part : {location(violation), violation.nodeId, violation.message}) {
        if (!part.isEmpty())
            parts.append(part);
    }
    return parts.join(QStringLiteral("  "));
}

/// XML 1.0 cannot carry most control characters, not even escaped; source text may hold them.
QString xmlSafe(QString text)
{
    for (QChar& c : text) {
        if (c.unicode() < 0x20 && c != u'\n' && c != u'\t' && c != u'\r')
            c = QChar(QChar::ReplacementCharacter);
    }
    return text;
}

QString plural(int n, const char* word)
{
    return QStringLiteral("%1 %2%3").arg(n).arg(QLatin1String(word)).arg(n == 1 ? "" : "s");
}

QString failureSummary(const Report& report)
{
    return QStringLiteral("%1, %2, %3")
        .arg(plural(report.failedWith(Severity::Error), "error"),
            plural(report.failedWith(Severity::Warning), "warning"),
            QStringLiteral("%1 info").arg(report.failedWith(Severity::Info)));
}

} // namespace

QString toString(ContractResult::Status status)
{
    switch (status) {
    case ContractResult::Status::Passed:
        return QStringLiteral("passed");
    case ContractResult::Status::Failed:
        return QStringLiteral("failed");
    case ContractResult::Status::Skipped:
        return QStringLiteral("skipped");
    }
    Q_UNREACHABLE();
}

bool Report::isBlocking(const ContractResult& result) const
{
    if (result.status != ContractResult::Status::Failed)
        return false;
    return result.severity == Severity::Error || (result.severity == Severity::Warning && failOnWarning);
}

bool Report::passed() const
{
    return std::none_of(results.begin(), results.end(), [this](const ContractResult& r) { return isBlocking(r); });
}

int Report::count(ContractResult::Status status) const
{
    return int(std::count_if(results.begin(), results.end(), [status](const auto& r) { return r.status == status; }));
}

int Report::failedWith(Severity severity) const
{
    return int(std::count_if(results.begin(), results.end(), [severity](const ContractResult& r) {
        return r.status == ContractResult::Status::Failed && r.severity == severity;
    }));
}

QString formatText(const Report& report, bool color)
{
    QString out;
    for (const ContractResult& result : report.results) {
        QString status;
        switch (result.status) {
        case ContractResult::Status::Passed:
            status = paint(QStringLiteral("PASSED "), "32", color);
            break;
        case ContractResult::Status::Failed:
            status = paint(QStringLiteral("FAILED "), report.isBlocking(result) ? "1;31" : "33", color);
            break;
        case ContractResult::Status::Skipped:
            status = paint(QStringLiteral("SKIPPED"), "2", color);
            break;
        }
        out += QStringLiteral("%1  %2  %3\n").arg(status, toString(result.severity).leftJustified(7), result.name);
        if (result.status != ContractResult::Status::Failed)
            continue;
        const QString indent(18, u' ');
        out += indent + result.message + u'\n';
        for (qsizetype i = 0; i < result.violations.size() && i < kTextViolations; ++i)
            out += indent + QStringLiteral("  ") + violationLine(result.violations.at(i)) + u'\n';
        if (result.findings > kTextViolations)
            out += indent
                + paint(QStringLiteral("  … and %1 more (--format json lists them all)")
                            .arg(result.findings - kTextViolations),
                    "2", color)
                + u'\n';
    }
    const int failed = report.count(ContractResult::Status::Failed);
    out += QStringLiteral("\n%1: %2 passed, %3 failed (%4), %5 skipped\n")
               .arg(plural(int(report.results.size()), "contract"))
               .arg(report.count(ContractResult::Status::Passed))
               .arg(failed)
               .arg(failureSummary(report))
               .arg(report.count(ContractResult::Status::Skipped));
    if (report.passed()) {
        out += paint(QStringLiteral("PASSED"), "1;32", color)
            + (failed > 0 ? QStringLiteral(" (the failures are not blocking: warning or info)\n")
                          : QStringLiteral("\n"));
    } else {
        out += paint(QStringLiteral("FAILED"), "1;31", color) + u'\n';
    }
    return out;
}

QJsonObject toJson(const Report& report)
{
    QJsonArray contracts;
    for (const ContractResult& result : report.results) {
        QJsonArray violations;
        for (const Violation& v : result.violations) {
            violations.append(QJsonObject {
                {QStringLiteral("node"), v.nodeId.isEmpty() ? QJsonValue() : QJsonValue(v.nodeId)},
                {QStringLiteral("file"), v.filePath.isEmpty() ? QJsonValue() : QJsonValue(v.filePath)},
                {QStringLiteral("line"), v.line > 0 ? QJsonValue(v.line) : QJsonValue()},
                {QStringLiteral("message"), v.message},
            });
        }
        contracts.append(QJsonObject {
            {QStringLiteral("name"), result.name},
            {QStringLiteral("description"), result.description},
            {QStringLiteral("severity"), toString(result.severity)},
            {QStringLiteral("rule"), result.ruleType},
            {QStringLiteral("expect"), result.expect.toString()},
            {QStringLiteral("status"), toString(result.status)},
            {QStringLiteral("blocking"), report.isBlocking(result)},
            {QStringLiteral("findings"), result.findings},
            {QStringLiteral("message"), result.message},
            {QStringLiteral("violations"), violations},
        });
    }
    return QJsonObject {
        {QStringLiteral("passed"), report.passed()},
        {QStringLiteral("revision"), report.revision},
        {QStringLiteral("fail_on_warning"), report.failOnWarning},
        {QStringLiteral("summary"),
            QJsonObject {
                {QStringLiteral("total"), int(report.results.size())},
                {QStringLiteral("passed"), report.count(ContractResult::Status::Passed)},
                {QStringLiteral("failed"), report.count(ContractResult::Status::Failed)},
                {QStringLiteral("skipped"), report.count(ContractResult::Status::Skipped)},
                {QStringLiteral("errors"), report.failedWith(Severity::Error)},
                {QStringLiteral("warnings"), report.failedWith(Severity::Warning)},
                {QStringLiteral("infos"), report.failedWith(Severity::Info)},
            }},
        {QStringLiteral("contracts"), contracts},
    };
}

QByteArray formatJUnit(const Report& report)
{
    QByteArray out;
    QXmlStreamWriter xml(&out);
    xml.setAutoFormatting(true);
    xml.setAutoFormattingIndent(2);
    xml.writeStartDocument();
    xml.writeStartElement(QStringLiteral("testsuite"));
    xml.writeAttribute(QStringLiteral("name"), QStringLiteral("mu contracts"));
    xml.writeAttribute(QStringLiteral("tests"), QString::number(report.results.size()));
    const auto blocking = std::count_if(
        report.results.begin(), report.results.end(), [&](const ContractResult& r) { return report.isBlocking(r); });
    xml.writeAttribute(QStringLiteral("failures"), QString::number(blocking));
    xml.writeAttribute(QStringLiteral("errors"), QStringLiteral("0"));
    xml.writeAttribute(QStringLiteral("skipped"), QString::number(report.count(ContractResult::Status::Skipped)));
    for (const ContractResult& result : report.results) {
        xml.writeStartElement(QStringLiteral("testcase"));
        xml.writeAttribute(QStringLiteral("classname"), QStringLiteral("contracts.") + toString(result.severity));
        xml.writeAttribute(QStringLiteral("name"), xmlSafe(result.name));
        QString details;
        for (const Violation& violation : result.violations)
            details += violationLine(violation) + u'\n';
        if (result.findings > result.violations.size())
            details += QStringLiteral("… and %1 more\n").arg(result.findings - result.violations.size());
        if (result.status == ContractResult::Status::Skipped) {
            xml.writeEmptyElement(QStringLiteral("skipped"));
            xml.writeAttribute(QStringLiteral("message"), QStringLiteral("not run: --fail-fast stopped earlier"));
        } else if (report.isBlocking(result)) {
            xml.writeStartElement(QStringLiteral("failure"));
            xml.writeAttribute(QStringLiteral("type"), result.ruleType);
            xml.writeAttribute(QStringLiteral("message"), xmlSafe(result.message));
            xml.writeCharacters(xmlSafe(details));
            xml.writeEndElement();
        } else if (result.status == ContractResult::Status::Failed) {
            xml.writeTextElement(QStringLiteral("system-out"),
                xmlSafe(QStringLiteral("%1 (%2, not blocking)\n").arg(result.message, toString(result.severity))
                    + details));
        }
        xml.writeEndElement();
    }
    xml.writeEndElement();
    xml.writeEndDocument();
    return out;
}

} // namespace mu::contracts
