#include "model/nodeid.h"

namespace mu::nodeid {

QString module(QStringView path)
{
    return QStringLiteral("mod:") + path;
}

QString cls(QStringView path, QStringView qualifiedName)
{
    return QStringLiteral("cls:") + path + u':' + qualifiedName;
}

QString function(QStringView path, QStringView qualifiedName)
{
    return QStringLiteral("fn:") + path + u':' + qualifiedName;
}

QString external(QStringView name)
{
    return QStringLiteral("ext:") + name;
}

QString withOverload(const QString& id, int ordinal)
{
    return ordinal <= 1 ? id : id + u'~' + QString::number(ordinal);
}

QString filePathOf(QStringView id)
{
    const qsizetype colon = id.indexOf(u':');
    if (colon < 0)
        return {};
    const QStringView prefix = id.first(colon);
    const QStringView rest = id.sliced(colon + 1);
    if (prefix == u"mod")
        return rest.toString();
    if (prefix == u"cls" || prefix == u"fn") {
        // The path may itself hold ':' only on exotic file systems; the name never holds one.
        const qsizetype last = rest.lastIndexOf(u':');
        return last < 0 ? QString() : rest.first(last).toString();
    }
    return {};
}

QString moduleQualifiedName(QStringView path)
{
    QStringView p = path;
    for (QStringView prefix : {QStringView(u"src/"), QStringView(u"lib/")}) {
        if (p.startsWith(prefix) && p.size() > prefix.size()) {
            p = p.sliced(prefix.size());
            break;
        }
    }
    const qsizetype slash = p.lastIndexOf(u'/');
    const qsizetype dot = p.lastIndexOf(u'.');
    if (dot > slash + 1)
        p = p.first(dot);
    // TypeScript declaration files: "types.d.ts" → "types".
    if (p.endsWith(u".d"))
        p.chop(2);
    QString name = p.toString();
    name.replace(u'/', u'.');
    for (QStringView marker : {QStringView(u".__init__"), QStringView(u".index")}) {
        if (name.endsWith(marker)) {
            name.chop(marker.size());
            break;
        }
    }
    return name;
}

} // namespace mu::nodeid
