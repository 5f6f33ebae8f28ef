// The token counter against js-tiktoken itself: golden strings, then well over a thousand real
// snippets (Python stdlib, MU's own tree, tricky and random strings) counted by Node with the
// pinned package and by Tokenizer, which must agree exactly, ids included on a subset.
#include "context/bpe.h"
#include "context/pretokenizer.h"
#include "context/tokenizer.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <thread>

using namespace mu::context;

namespace {

const QString kNodeModules = QStringLiteral(MU_SOURCE_DIR "/third_party/tiktoken/node_modules");
const QString kScripts = QStringLiteral(MU_SOURCE_DIR "/tests/unit/context");
const Encoding kEncodings[] = {Encoding::Cl100kBase, Encoding::O200kBase};

/// One input for the comparison: UTF-16 text (possibly with lone surrogates) or raw bytes.
struct Sample {
    QString text;
    QByteArray bytes;
    bool raw = false; ///< compare Tokenizer::count(std::string_view(bytes)) with TextDecoder's reading
    bool ids = false; ///< compare the ids too
    QString origin;
};

QByteArray utf16Base64(const QString& text)
{
    QByteArray units;
    units.reserve(text.size() * 2);
    for (const QChar c : text) {
        units.append(char(c.unicode() & 0xFF));
        units.append(char(c.unicode() >> 8));
    }
    return units.toBase64();
}

QString escaped(const QString& text)
{
    QString out;
    for (const QChar c : text.left(160)) {
        if (c.unicode() < 0x20 || c.isSurrogate())
            out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

std::shared_ptr<const Tokenizer> tokenizerFor(Encoding encoding)
{
    auto loaded = Tokenizer::load(encoding);
    return loaded ? *loaded : nullptr;
}

} // namespace

class TokenizerTest : public QObject {
    Q_OBJECT

private:
    /// Node and the pinned package are there: the only reason a comparison may be skipped.
    static bool haveNode()
    {
        return !QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty()
            && QFileInfo::exists(kNodeModules + QStringLiteral("/js-tiktoken/dist/lite.js"));
    }

    /// Runs a script of tests/unit/context with Node; false (with a warning) when it fails.
    bool runNode(const QStringList& arguments, QByteArray& output)
    {
        const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
        QProcess process;
        process.start(node, arguments);
        if (!process.waitForFinished(300000)) {
            process.kill();
            process.waitForFinished();
        }
        output = process.readAllStandardOutput();
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            qWarning().noquote() << "node failed:" << process.readAllStandardError();
        return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    }

    /// Node's js-tiktoken results per encoding name: arrays [count] or [count, [ids]].
    QJsonObject referenceResults(const QList<Sample>& samples)
    {
        QJsonArray texts;
        for (const Sample& s : samples) {
            QJsonObject item;
            if (s.raw)
                item.insert(QStringLiteral("u8"), QString::fromLatin1(s.bytes.toBase64()));
            else
                item.insert(QStringLiteral("u16"), QString::fromLatin1(utf16Base64(s.text)));
            if (s.ids)
                item.insert(QStringLiteral("ids"), true);
            texts.append(item);
        }
        QJsonObject input {
            {QStringLiteral("encodings"), QJsonArray {QStringLiteral("cl100k_base"), QStringLiteral("o200k_base")}},
            {QStringLiteral("texts"), texts}};
        QTemporaryDir dir;
        const QString inputPath = dir.filePath(QStringLiteral("input.json"));
        QFile file(inputPath);
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(QJsonDocument(input).toJson(QJsonDocument::Compact));
        file.close();
        QByteArray output;
        if (!runNode({kScripts + QStringLiteral("/tiktoken_counts.mjs"), kNodeModules, inputPath}, output))
            return {};
        return QJsonDocument::fromJson(output).object().value(QStringLiteral("results")).toObject();
    }

    /// Compares every sample with Node; returns the number of mismatches (the first are printed),
    /// -1 when Node gave no usable answer.
    int compareWithNode(const QList<Sample>& samples)
    {
        const QJsonObject results = referenceResults(samples);
        if (results.isEmpty())
            return -1;
        int mismatches = 0;
        for (const Encoding encoding : kEncodings) {
            const auto tokenizer = tokenizerFor(encoding);
            const QJsonArray expected = results.value(encodingName(encoding)).toArray();
            if (!tokenizer || expected.size() != samples.size())
                return -1;
            for (qsizetype i = 0; i < samples.size(); ++i) {
                const Sample& s = samples[i];
                const QJsonArray reference = expected[i].toArray();
                const int want = reference[0].toInt();
                const int got = s.raw ? tokenizer->count(std::string_view(s.bytes.constData(), s.bytes.size()))
                                      : tokenizer->count(s.text);
                bool same = got == want;
                QList<int> ids;
                if (s.ids) {
                    ids = s.raw ? tokenizer->encode(std::string_view(s.bytes.constData(), s.bytes.size()))
                                : tokenizer->encode(s.text);
                    QList<int> wantIds;
                    for (const QJsonValue v : reference[1].toArray())
                        wantIds.append(v.toInt());
                    same = same && ids == wantIds;
                }
                if (!same && ++mismatches <= 10) {
                    qWarning().noquote() << encodingName(encoding) << s.origin << "node" << want << "mu" << got
                                         << "text:" << (s.raw ? QString::fromLatin1(s.bytes.toHex()) : escaped(s.text))
                                         << (s.ids ? QJsonDocument(reference).toJson(QJsonDocument::Compact) : "");
                }
            }
        }
        return mismatches;
    }

    static QList<Sample> trickySamples()
    {
        const QStringList texts = {
            QString(),
            QStringLiteral(" "),
            QStringLiteral("\n"),
            QStringLiteral("\r\n\r\n"),
            QStringLiteral("   \n   \n\n    x"),
            QStringLiteral("a  \t  b\t\t\n\tc"),
            QStringLiteral("trailing spaces   "),
            QStringLiteral("\u00A0\u2003\u3000nbsp\u00A0 and ideographic\u3000space\u2028line\u2029para\uFEFF"),
            QStringLiteral("\u0085next line\u180Emongolian"),
            QStringLiteral("I'm here, they'll go, we've done, it's OK, he'd say, you're right"),
            QStringLiteral("I'M HERE, THEY'LL GO, WE'VE DONE, IT'S, HE'D, YOU'RE, 'S 'T 'Re 'rE 'lL 'Ll"),
            QStringLiteral("'s's't'm'd're've'll'x' 'quoted' don't can't won't"),
            QStringLiteral("<|endoftext|> <|fim_prefix|><|fim_middle|><|fim_suffix|><|endofprompt|>"),
            QStringLiteral("0 1 12 123 1234 12345 123456 1234567 3.14159 1e10 0x7fffffff 1_000_000"),
            QStringLiteral("١٢٣٤٥ ௧௨௩ Ⅻ ½ ² ³ ① 𝟘𝟙𝟚"),
            QStringLiteral("naïve café résumé Ünïcödé ÀÉÎÕÜ"),
            QStringLiteral("e\u0301 a\u0308\u0323 \u0301\u0302 x\u20DD 1\u0301 \u0301"),
            QStringLiteral("日本語のテキスト、中文文本。한국어 텍스트"),
            QStringLiteral("Привет, мир! Ελληνικά. עברית ערבית العربية हिन्दी ไทย"),
            QStringLiteral("🤖👍🏽👨‍👩‍👧‍👦🇫🇷 emoji🙂text 😀😀😀"),
            QStringLiteral("HTTPServer getHTTPResponseCode XMLHttpRequest IOError ǅungla ǈ ǋ"),
            QStringLiteral("camelCaseWord PascalCase snake_case SCREAMING_CASE kebab-case"),
            QStringLiteral("ʰʲʷ ˈstress ʔglottal ǃclick ſ ß ẞ ﬁ ﬀ"),
            QStringLiteral("path/to/file.py //comment /* block */ http://example.com/a//b\n//\n/"),
            QStringLiteral("))\n\n}}\r\n];\n\n\n/\n/\r\n/"),
            QStringLiteral("=========================================================================="),
            QStringLiteral("--------------------------------------------------------------------------\n"),
            QStringLiteral("if (a && b || !c) { return x->y[0] << 2; } // done"),
            QStringLiteral("    def __init__(self, *args, **kwargs) -> None:\n        super().__init__()\n"),
            QStringLiteral("#include <vector>\nint main(int argc, char** argv) {\n\treturn 0;\n}\n"),
            QStringLiteral("\t\t\t\t\n\t \t \n"),
            QStringLiteral("\u000B\u000C vertical tab and form feed\u000C"),
            QStringLiteral("\u0000null\u0001\u001F control"),
            QStringLiteral(
                "𐵐𐵑 garay \U00010D50\U00010D70 kawi \U00011F04\U00011F34 cjk-ext \U00031350\U0002EBF0"),
            QStringLiteral("\u0295 \u0897 \u1C89\u1C8A \uA7CB\uA7CD"),
            QStringLiteral("\U0001D400\U0001D41A math letters \U0001D7CE digits"),
            QStringLiteral("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
            QStringLiteral("SGVsbG8gV29ybGQhIFRoaXMgaXMgYSBiYXNlNjQgYmxvYg==/+abcdEFGHijklMNOPqrstUVWXyz"),
            QStringLiteral("'\u0301' \"\u0301x\" ' \u0301A 'S\u0301"),
            QStringLiteral("Ǆǅǆ ᾈᾉᾊ Ὰ ΐ"),
        };
        QList<Sample> samples;
        for (const QString& t : texts)
            samples.append({t, {}, false, true, QStringLiteral("tricky")});
        // Lone surrogates (UTF-16): TextEncoder makes them U+FFFD.
        QString lone = QStringLiteral("a b");
        lone.insert(1, QChar(0xD800));
        lone.append(QChar(0xDC00));
        lone.append(QStringLiteral("xyz"));
        lone.append(QChar(0xDBFF));
        samples.append({lone, {}, false, true, QStringLiteral("lone surrogates")});
        // Long single pieces: the heap merge (kHeapMergeThreshold bytes and more).
        samples.append({QString(700, QLatin1Char('a')), {}, false, true, QStringLiteral("long a")});
        samples.append(
            {QString(400, QLatin1Char(' ')) + QStringLiteral("x"), {}, false, true, QStringLiteral("long blanks")});
        samples.append({QString(300, QChar(0x00E9)), {}, false, true, QStringLiteral("long é")});
        QString mixedLong;
        for (int i = 0; i < 90; ++i)
            mixedLong += QStringLiteral("ab") + QChar(u'c' + i % 20);
        samples.append({mixedLong, {}, false, true, QStringLiteral("long mixed")});
        samples.append({QString(500, QLatin1Char('/')) + QStringLiteral("\n\n/"), {}, false, true,
            QStringLiteral("long slashes")});
        return samples;
    }

    /// Random strings over a palette of every class the patterns distinguish.
    static QList<Sample> randomSamples(int count)
    {
        static const char32_t palette[] = {'a', 'b', 'e', 's', 't', 'r', 'l', 'd', 'v', 'm', 'A', 'S', 'T', 'R', 'L',
            'Z', '0', '7', '9', ' ', ' ', ' ', '\t', '\n', '\r', '\'', '\'', '/', '.', ',', '(', ')', '_', '-', '"',
            '#', 0x00A0, 0x3000, 0x2028, 0x0085, 0x00E9, 0x00C9, 0x01C5, 0x02B0, 0x0301, 0x0903, 0x20DD, 0x0660, 0x2167,
            0x00BD, 0x65E5, 0x672C, 0xAC00, 0x0416, 0x0436, 0x05D0, 0x0627, 0x0E01, 0x1F600, 0x1F44D, 0x1F3FD, 0x200D,
            0x1D400, 0x1D7CE, 0x10D50, 0x10D70, 0x11F04, 0x31350, 0xFFFD, 0xFEFF, 0x0000, 0xE000, 0x10FFFF};
        QRandomGenerator random(20240611);
        QList<Sample> samples;
        for (int i = 0; i < count; ++i) {
            QString text;
            const int length = 1 + int(random.bounded(i % 10 == 0 ? 400 : 40));
            for (int k = 0; k < length; ++k) {
                const char32_t c = palette[random.bounded(int(std::size(palette)))];
                if (random.bounded(200) == 0)
                    text.append(QChar(char16_t(0xD800 + random.bounded(0x800)))); // a lone surrogate
                else
                    text.append(QString::fromUcs4(&c, 1));
            }
            samples.append({text, {}, false, i % 3 == 0, QStringLiteral("random %1").arg(i)});
        }
        return samples;
    }

    /// Slices of real source files: `perFile` slices of varied lengths from every `step`-th file.
    static QList<Sample> fileSamples(
        const QString& root, const QStringList& filters, int step, int perFile, int maxFiles)
    {
        QStringList files;
        QDirIterator it(root, filters, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (!path.contains(QLatin1String("-packages/")) && !path.contains(QLatin1String("/build"))
                && !path.contains(QLatin1String("node_modules")))
                files << path;
        }
        files.sort();
        QList<Sample> samples;
        static const int kLengths[] = {40, 400, 2500, 120, 1200, 8000};
        int taken = 0;
        for (qsizetype f = 0; f < files.size() && taken < maxFiles; f += step, ++taken) {
            QFile file(files[f]);
            if (!file.open(QIODevice::ReadOnly) || file.size() > 4'000'000)
                continue;
            const QString content = QString::fromUtf8(file.readAll());
            if (content.isEmpty())
                continue;
            for (int k = 0; k < perFile; ++k) {
                const qsizetype length = kLengths[(f + k) % std::size(kLengths)];
                const qsizetype start = (content.size() * k) / perFile;
                samples.append({content.mid(start, length), {}, false, (f + k) % 4 == 0,
                    files[f].mid(root.size() + 1) + QStringLiteral("@%1").arg(start)});
            }
        }
        return samples;
    }

private Q_SLOTS:
    void initTestCase()
    {
        for (const Encoding encoding : kEncodings) {
            auto loaded = Tokenizer::load(encoding);
            if (!loaded) {
                QCOMPARE(loaded.error().code, QStringLiteral("tokenizer_missing"));
                QVERIFY(loaded.error().message.contains(QLatin1String("install-deps.sh")));
                QSKIP(qPrintable(QStringLiteral("rank tables not installed: ") + loaded.error().message));
            }
            QCOMPARE((*loaded)->encoding(), encoding);
        }
    }

    void encodingNames()
    {
        for (const Encoding encoding : kEncodings)
            QCOMPARE(encodingFromName(encodingName(encoding)), encoding);
        QCOMPARE(encodingName(Encoding::Cl100kBase), QStringLiteral("cl100k_base"));
        QCOMPARE(encodingName(Encoding::O200kBase), QStringLiteral("o200k_base"));
        QVERIFY(!encodingFromName(u"CL100K_BASE"));
        QVERIFY(!encodingFromName(u"p50k_base"));
        QVERIFY(!encodingFromName(u""));
    }

    void loadIsCached()
    {
        auto first = Tokenizer::load(Encoding::O200kBase);
        auto second = Tokenizer::load(Encoding::O200kBase);
        QVERIFY(first && second);
        QCOMPARE(first->get(), second->get());
    }

    void golden_data()
    {
        QTest::addColumn<Encoding>("encoding");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<int>>("ids");
        // From js-tiktoken 1.0.21, encode(text, [], []).
        QTest::newRow("cl100k hello") << Encoding::Cl100kBase << "hello world" << QList<int> {15339, 1917};
        QTest::newRow("cl100k empty") << Encoding::Cl100kBase << "" << QList<int> {};
        QTest::newRow("cl100k blank") << Encoding::Cl100kBase << " " << QList<int> {220};
        QTest::newRow("cl100k punct") << Encoding::Cl100kBase << "Hello, World!" << QList<int> {9906, 11, 4435, 0};
        QTest::newRow("cl100k special") << Encoding::Cl100kBase << "<|endoftext|>"
                                        << QList<int> {27, 91, 8862, 728, 428, 91, 29};
        QTest::newRow("cl100k digits") << Encoding::Cl100kBase << "12345678" << QList<int> {4513, 10961, 2495};
        QTest::newRow("cl100k code") << Encoding::Cl100kBase << "  indented\n\tcode();\r\n"
                                     << QList<int> {220, 1280, 16243, 198, 44443, 1679};
        QTest::newRow("cl100k lone surrogate")
            << Encoding::Cl100kBase << QString(QChar(0xD800)) + u'x' << QList<int> {5809, 87};
        QTest::newRow("cl100k slashes") << Encoding::Cl100kBase << "a//b\n//c"
                                        << QList<int> {64, 322, 65, 198, 322, 66};
        QTest::newRow("o200k hello") << Encoding::O200kBase << "hello world" << QList<int> {24912, 2375};
        QTest::newRow("o200k punct") << Encoding::O200kBase << "Hello, World!" << QList<int> {13225, 11, 5922, 0};
        QTest::newRow("o200k special") << Encoding::O200kBase << "<|endoftext|>"
                                       << QList<int> {27, 91, 419, 1440, 919, 91, 29};
        QTest::newRow("o200k digits") << Encoding::O200kBase << "12345678" << QList<int> {7633, 19354, 4388};
        QTest::newRow("o200k camel") << Encoding::O200kBase << "HTTPServer getHTTPResponseCode"
                                     << QList<int> {17893, 6444, 717, 17893, 3186, 2836};
        QTest::newRow("o200k mark first") << Encoding::O200kBase << "\u0301abc" << QList<int> {13430, 26682};
        QTest::newRow("o200k slashes") << Encoding::O200kBase << "a//b\n//c" << QList<int> {64, 393, 65, 198, 393, 66};
    }

    void golden()
    {
        QFETCH(Encoding, encoding);
        QFETCH(QString, text);
        QFETCH(QList<int>, ids);
        const auto tokenizer = tokenizerFor(encoding);
        QVERIFY(tokenizer);
        QCOMPARE(tokenizer->encode(text), ids);
        QCOMPARE(tokenizer->count(text), ids.size());
        const QByteArray utf8 = text.toUtf8();
        QCOMPARE(tokenizer->count(std::string_view(utf8.constData(), utf8.size())), ids.size());
    }

    /// The acceptance test: >= 1000 real snippets, identical counts (and ids on a subset).
    void matchesJsTiktoken()
    {
        QList<Sample> samples;
        samples += fileSamples(QStringLiteral("/usr/lib/python3.11"), {QStringLiteral("*.py")}, 7, 4, 160);
        samples += fileSamples(
            QStringLiteral(MU_SOURCE_DIR "/core"), {QStringLiteral("*.h"), QStringLiteral("*.cpp")}, 1, 2, 200);
        samples += fileSamples(QStringLiteral(MU_SOURCE_DIR "/tests/fixtures"), {QStringLiteral("*")}, 1, 2, 300);
        samples += fileSamples(QStringLiteral(MU_SOURCE_DIR "/docs"), {QStringLiteral("*.md")}, 1, 3, 50);
        samples += trickySamples();
        samples += randomSamples(400);
        qInfo() << samples.size() << "samples";
        QVERIFY2(samples.size() >= 1000, "fewer than 1000 snippets");
        if (!haveNode())
            QSKIP("node or js-tiktoken (third_party/tiktoken) missing: run scripts/install-deps.sh");
        const int mismatches = compareWithNode(samples);
        QVERIFY2(mismatches >= 0, "tiktoken_counts.mjs gave no answer");
        QCOMPARE(mismatches, 0);
    }

    /// Ill-formed UTF-8 through count(std::string_view): U+FFFD per maximal subpart, as TextDecoder.
    void illFormedUtf8MatchesTextDecoder()
    {
        const QList<QByteArray> fixed = {
            QByteArray("\xff"),
            QByteArray("abc\xc3"),
            QByteArray("\xe0\x80\x80x"),
            QByteArray("\xed\xa0\x80 surrogate"),
            QByteArray("\xf4\x90\x80\x80 too big"),
            QByteArray("\xc0\xaf overlong"),
            QByteArray("a\xe2\x82 b"),
            QByteArray("\xf0\x9f\x98x"),
            QByteArray("\x80\x80\x80\xbf"),
            QByteArray("ok \xe6\x97\xa5 ok \xe6\x97"),
            QByteArray("\xf5\xf8\xfc\xfe"),
        };
        QList<Sample> samples;
        for (const QByteArray& bytes : fixed)
            samples.append({{}, bytes, true, true, QStringLiteral("fixed")});
        QRandomGenerator random(99);
        for (int i = 0; i < 150; ++i) {
            QByteArray bytes;
            const int length = 1 + int(random.bounded(60));
            for (int k = 0; k < length; ++k) {
                // Mostly ASCII letters and blanks, with lead and continuation bytes in between.
                const quint32 pick = random.bounded(10);
                bytes.append(char(pick < 5 ? 'a' + random.bounded(26) : pick < 6 ? ' ' : 0x80 + random.bounded(0x80)));
            }
            samples.append({{}, bytes, true, i % 2 == 0, QStringLiteral("random bytes %1").arg(i)});
        }
        if (!haveNode())
            QSKIP("node or js-tiktoken (third_party/tiktoken) missing: run scripts/install-deps.sh");
        const int mismatches = compareWithNode(samples);
        QVERIFY2(mismatches >= 0, "tiktoken_counts.mjs gave no answer");
        QCOMPARE(mismatches, 0);
    }

    /// Every code point's class (letter, number, blank, case groups) as Node's RegExp sees it.
    void characterClassesMatchNode()
    {
        if (!haveNode())
            QSKIP("node missing: run scripts/install-deps.sh");
        QByteArray output;
        QVERIFY(runNode({kScripts + QStringLiteral("/unicode_classes.mjs")}, output));
        const QList<QByteArray> lines = output.split('\n');
        QVERIFY(lines.size() > 1000);
        const QString version = QString::fromLatin1(lines[0].mid(8));
        if (version != unicodeOverridesVersion())
            QSKIP(qPrintable(
                QStringLiteral("Node has Unicode %1, the tables follow %2").arg(version, unicodeOverridesVersion())));
        int wrong = 0;
        char32_t covered = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QList<QByteArray> fields = lines[i].split(' ');
            if (fields.size() != 3)
                continue;
            const auto first = char32_t(fields[0].toUInt(nullptr, 16));
            const auto last = char32_t(fields[1].toUInt(nullptr, 16));
            const int flags = fields[2].toInt();
            QCOMPARE(first, covered);
            for (char32_t c = first; c <= last; ++c) {
                if (charClassOf(c) != flags && ++wrong <= 10)
                    qWarning("U+%04X: node %d, mu %d", unsigned(c), flags, charClassOf(c));
            }
            covered = last + 1;
        }
        QCOMPARE(covered, char32_t(0x110000));
        QCOMPARE(wrong, 0);
    }

    /// The heap merge (long pieces) and tiktoken's linear loop give the same tokens.
    void mergeStrategiesAgree()
    {
        static const char* const kFragments[] = {"a", "b", "ab", "the", " ", "  ", "\n", "in", "ing", "=", "==", "self",
            "_", "er", "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x80", "0", "x", "\xff"};
        QRandomGenerator random(7);
        int compared = 0;
        for (int i = 0; i < 600; ++i) {
            std::string piece;
            const int parts = 1 + int(random.bounded(i % 5 == 0 ? 300 : 60));
            for (int k = 0; k < parts; ++k)
                piece += kFragments[random.bounded(int(std::size(kFragments)))];
            for (const Encoding encoding : kEncodings) {
                const auto tokenizer = tokenizerFor(encoding);
                QVERIFY(tokenizer);
                std::vector<int> linear;
                std::vector<int> heap;
                const RankTable& ranks = tokenizer->rankTable();
                const int linearCount = bytePairEncode(ranks, piece, &linear, MergeStrategy::Linear);
                const int heapCount = bytePairEncode(ranks, piece, &heap, MergeStrategy::Heap);
                QCOMPARE(heapCount, linearCount);
                QCOMPARE(heap, linear);
                QCOMPARE(int(linear.size()), linearCount);
                ++compared;
            }
        }
        QCOMPARE(compared, 1200);
    }

    void hostileInput()
    {
        for (const Encoding encoding : kEncodings) {
            const auto tokenizer = tokenizerFor(encoding);
            QVERIFY(tokenizer);
            // One 2 MB piece: quadratic merging would not finish.
            const QString run(2'000'000, QLatin1Char('a'));
            const int count = tokenizer->count(run);
            QVERIFY(count > 0 && count < 2'000'000 / 4);
            QCOMPARE(tokenizer->encode(run).size(), count);
            // 1 MB of random bytes: ill-formed almost everywhere.
            QByteArray noise(1'000'000, Qt::Uninitialized);
            QRandomGenerator random(5);
            for (char& c : noise)
                c = char(random.bounded(256));
            const std::string_view bytes(noise.constData(), noise.size());
            const int noiseCount = tokenizer->count(bytes);
            QVERIFY(noiseCount > 0);
            QCOMPARE(tokenizer->encode(bytes).size(), noiseCount);
            // Only blanks and line breaks, and only lone surrogates.
            QString blanks;
            for (int i = 0; i < 200'000; ++i)
                blanks += (i % 7 == 0) ? QChar(u'\n') : (i % 3 == 0 ? QChar(u'\t') : QChar(u' '));
            QCOMPARE(tokenizer->encode(blanks).size(), tokenizer->count(blanks));
            const QString surrogates(100'000, QChar(0xDC00));
            QCOMPARE(tokenizer->count(surrogates), tokenizer->count(QString(100'000, QChar(0xFFFD))));
        }
    }

    void concurrentCounting()
    {
        const QList<Sample> samples
            = fileSamples(QStringLiteral(MU_SOURCE_DIR "/core"), {QStringLiteral("*.cpp")}, 1, 2, 60)
            + randomSamples(100);
        for (const Encoding encoding : kEncodings) {
            const auto tokenizer = tokenizerFor(encoding);
            QVERIFY(tokenizer);
            std::vector<int> expected;
            for (const Sample& s : samples)
                expected.push_back(tokenizer->count(s.text));
            std::vector<std::vector<int>> got(4);
            std::vector<std::thread> threads;
            for (std::size_t t = 0; t < got.size(); ++t) {
                threads.emplace_back([&, t] {
                    // Each thread loads (through the cache) and counts in its own order.
                    const auto own = tokenizerFor(encoding);
                    got[t].resize(samples.size());
                    for (qsizetype k = 0; k < samples.size(); ++k) {
                        const qsizetype i = (k * 7 + qsizetype(t) * 13) % samples.size();
                        got[t][std::size_t(i)] = own->count(samples[i].text);
                    }
                });
            }
            for (std::thread& thread : threads)
                thread.join();
            for (const auto& counts : got)
                QCOMPARE(counts, expected);
        }
    }

    void searchOrder()
    {
        const QByteArray saved = qgetenv("MU_TOKENIZER_DIR");
        qputenv("MU_TOKENIZER_DIR", "/nonexistent/tokenizer/dir");
        const QStringList dirs = Tokenizer::searchDirectories();
        if (saved.isNull())
            qunsetenv("MU_TOKENIZER_DIR");
        else
            qputenv("MU_TOKENIZER_DIR", saved);
        QCOMPARE(dirs.value(0), QStringLiteral("/nonexistent/tokenizer/dir"));
        QVERIFY(dirs.size() == 3);
        QVERIFY(dirs[1].endsWith(QLatin1String("third_party/tiktoken/node_modules/js-tiktoken/dist/ranks")));
        QVERIFY(dirs[2].endsWith(QLatin1String("share/mu/tokenizer")));
    }

    void loadFileErrors()
    {
        QTemporaryDir dir;
        auto write = [&](const QString& name, const QByteArray& content) {
            QFile file(dir.filePath(name));
            if (!file.open(QIODevice::WriteOnly))
                return QString();
            file.write(content);
            return file.fileName();
        };
        const QString missing = dir.filePath(QStringLiteral("cl100k_base.js"));
        auto result = Tokenizer::loadFile(Encoding::Cl100kBase, missing);
        QVERIFY(!result);
        QCOMPARE(result.error().code, QStringLiteral("tokenizer_missing"));
        QVERIFY(result.error().message.contains(missing));
        QVERIFY(result.error().message.contains(QLatin1String("install-deps.sh")));

        const QString pattern = piecePatternSource(PiecePattern::Cl100k);
        auto module = [&](const QString& pat, const QString& ranks) -> QByteArray {
            const QJsonObject object {{QStringLiteral("pat_str"), pat},
                {QStringLiteral("special_tokens"), QJsonObject {}}, {QStringLiteral("bpe_ranks"), ranks}};
            return QByteArray(
                QByteArray("export default ") + QJsonDocument(object).toJson(QJsonDocument::Compact) + ";\n");
        };
        QString allBytes = QStringLiteral("! 0");
        for (int b = 0; b < 256; ++b) {
            const char c = char(b);
            allBytes += QLatin1Char(' ') + QString::fromLatin1(QByteArray(&c, 1).toBase64());
        }
        const QList<std::pair<QString, QByteArray>> bad = {
            {QStringLiteral("garbage"), QByteArray("\x01\x02 not a module")},
            {QStringLiteral("truncated"), module(pattern, allBytes).left(500)},
            {QStringLiteral("other pattern"), module(piecePatternSource(PiecePattern::O200k), allBytes)},
            {QStringLiteral("no ranks"),
                QByteArray(QByteArray("{\"pat_str\":") + QJsonDocument(QJsonArray {pattern}).toJson().mid(1).chopped(2)
                    + "}")},
            {QStringLiteral("bad base64"), module(pattern, allBytes + QStringLiteral(" YW*i"))},
            {QStringLiteral("bad rank"), module(pattern, QStringLiteral("! x YQ=="))},
            {QStringLiteral("missing bytes"), module(pattern, QStringLiteral("! 0 YQ== Yg=="))},
        };
        for (const auto& [name, content] : bad) {
            const auto loaded = Tokenizer::loadFile(Encoding::Cl100kBase, write(name, content));
            QVERIFY2(!loaded, qPrintable(name));
            QCOMPARE(loaded.error().code, QStringLiteral("tokenizer_invalid"));
        }
    }

    /// A toy vocabulary in the same format: the loader's parsing and the merge order, by hand.
    void toyVocabulary()
    {
        QTemporaryDir dir;
        QString ranks = QStringLiteral("! 0");
        for (int b = 0; b < 256; ++b) {
            const char c = char(b);
            ranks += QLatin1Char(' ') + QString::fromLatin1(QByteArray(&c, 1).toBase64());
        }
        // A second line, as js-tiktoken's format allows: "ab" = 256, "abc" = 257, "bc" = 258.
        ranks += QStringLiteral("\n! 256 YWI= YWJj YmM=\n");
        const QJsonObject object {{QStringLiteral("pat_str"), piecePatternSource(PiecePattern::Cl100k)},
            {QStringLiteral("bpe_ranks"), ranks}};
        QFile file(dir.filePath(QStringLiteral("toy.js")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("module.exports = " + QJsonDocument(object).toJson() + ";"));
        file.close();
        const auto loaded = Tokenizer::loadFile(Encoding::Cl100kBase, file.fileName());
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        const auto& toy = *loaded;
        // "abc": whole piece. " abc": ' ' a b c -> ab (256, before bc 258) -> abc -> [' ', abc].
        QCOMPARE(toy->encode(QStringLiteral("abc abc")), (QList<int> {257, 32, 257}));
        // "xbc": b c -> bc. "abab": ab ab.
        QCOMPARE(toy->encode(QStringLiteral("xbc")), (QList<int> {'x', 258}));
        QCOMPARE(toy->encode(QStringLiteral("abab")), (QList<int> {256, 256}));
        QCOMPARE(toy->count(std::string_view("abab")), 2);
    }
};

QTEST_GUILESS_MAIN(TokenizerTest)
#include "tst_tokenizer.moc"
