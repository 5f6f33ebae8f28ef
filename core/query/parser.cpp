#include "query/parser.h"

#include "query/lexer.h"

#include <QRegularExpression>

#include <optional>

namespace mu::query {

namespace {

const QStringList kStatementKeywords = {QStringLiteral("SELECT"), QStringLiteral("SHOW"), QStringLiteral("DESCRIBE"),
    QStringLiteral("FIND"), QStringLiteral("PATH"), QStringLiteral("ANALYZE"), QStringLiteral("fn"),
    QStringLiteral("cls"), QStringLiteral("mod"), QStringLiteral("deps"), QStringLiteral("rdeps"),
    QStringLiteral("callers"), QStringLiteral("callees"), QStringLiteral("impact")};

/// Words that end a list or start the next clause; never read as a column name.
const QStringList kReservedWords = {QStringLiteral("SELECT"), QStringLiteral("FROM"), QStringLiteral("WHERE"),
    QStringLiteral("GROUP"), QStringLiteral("BY"), QStringLiteral("HAVING"), QStringLiteral("ORDER"),
    QStringLiteral("LIMIT"), QStringLiteral("AND"), QStringLiteral("OR"), QStringLiteral("NOT"), QStringLiteral("AS"),
    QStringLiteral("ASC"), QStringLiteral("DESC"), QStringLiteral("IN"), QStringLiteral("IS"), QStringLiteral("NULL"),
    QStringLiteral("LIKE"), QStringLiteral("CONTAINS"), QStringLiteral("MATCHES"), QStringLiteral("DISTINCT")};

const QStringList kComparisonSymbols = {QStringLiteral("="), QStringLiteral("!="), QStringLiteral("<>"),
    QStringLiteral("<"), QStringLiteral("<="), QStringLiteral(">"), QStringLiteral(">="), QStringLiteral("~")};

const QStringList kFindFilterWords = {QStringLiteral("CALLING"), QStringLiteral("CALLED"), QStringLiteral("IMPORTING"),
    QStringLiteral("IMPORTED"), QStringLiteral("INHERITING"), QStringLiteral("IMPLEMENTING"), QStringLiteral("WITH"),
    QStringLiteral("MATCHING"), QStringLiteral("SIMILAR")};

const QString kComparisonDescription
    = QStringLiteral("a comparison (= != <> < <= > >= ~, IN, CONTAINS, LIKE, MATCHES, IS NULL)");

std::optional<Aggregate> aggregateFromName(const QString& word)
{
    for (Aggregate a : {Aggregate::Count, Aggregate::Avg, Aggregate::Min, Aggregate::Max, Aggregate::Sum}) {
        if (word.compare(toString(a), Qt::CaseInsensitive) == 0)
            return a;
    }
    return std::nullopt;
}

/// The terse forms' one-letter column names (`fn c>20 sort c-`).
QString terseColumn(const QString& word)
{
    static const QList<std::pair<QString, QString>> abbreviations = {
        {QStringLiteral("c"), QStringLiteral("complexity")}, {QStringLiteral("n"), QStringLiteral("name")},
        {QStringLiteral("f"), QStringLiteral("file_path")}, {QStringLiteral("k"), QStringLiteral("kind")},
        {QStringLiteral("q"), QStringLiteral("qualified_name")}, {QStringLiteral("l"), QStringLiteral("line_start")}};
    for (const auto& [shortName, column] : abbreviations) {
        if (word.compare(shortName, Qt::CaseInsensitive) == 0)
            return column;
    }
    return word;
}

template<typename E> QStringList namesOf(const QList<E>& values)
{
    QStringList names;
    for (E value : values)
        names.append(toString(value));
    return names;
}

class Parser {
public:
    Parser(const QString& text, QList<Token> tokens) : m_text(text), m_tokens(std::move(tokens)) { }

    Outcome<Query> run()
    {
        Query query {m_text, ShowTablesStatement {}};
        if (!parseStatement(query.statement))
            return *m_error;
        acceptSymbol(u";");
        if (peek().kind != Token::Kind::End) {
            unexpected(peek(), {}, QStringLiteral("the end of the query"));
            return *m_error;
        }
        return query;
    }

private:
    // --- tokens -----------------------------------------------------------------------------

    const Token& peek(qsizetype ahead = 0) const { return m_tokens[qMin(m_pos + ahead, m_tokens.size() - 1)]; }
    const Token& advance()
    {
        const Token& token = peek();
        if (m_pos < m_tokens.size() - 1)
            ++m_pos;
        return token;
    }
    bool acceptWord(QStringView keyword)
    {
        if (!peek().isWord(keyword))
            return false;
        advance();
        return true;
    }
    bool acceptSymbol(QStringView symbol)
    {
        if (!peek().isSymbol(symbol))
            return false;
        advance();
        return true;
    }

    // --- errors -----------------------------------------------------------------------------

    bool fail(
        qsizetype offset, const QString& what, const QString& hint = {}, const QString& code = QStringLiteral("syntax"))
    {
        if (!m_error) {
            QString message = QStringLiteral("%1 at %2.").arg(what, lineColumn(m_text, offset));
            if (!hint.isEmpty())
                message += u' ' + hint;
            m_error = QueryError {code, message, offset, {}};
        }
        return false;
    }

    static QString describe(const Token& token)
    {
        switch (token.kind) {
        case Token::Kind::End:
            return QStringLiteral("end of query");
        case Token::Kind::String:
            return QStringLiteral("string '%1'").arg(token.text);
        default:
            return QStringLiteral("token '%1'").arg(token.text);
        }
    }

    /// "Unexpected token 'FORM' at 1:10. Did you mean FROM?" when the token is a likely typo of
    /// one of `expected`, else "… Expected <description>."
    bool unexpected(const Token& token, const QStringList& expected, const QString& description)
    {
        QString hint;
        if (token.kind == Token::Kind::Word) {
            const QString guess = closestMatch(token.text, expected);
            if (!guess.isEmpty())
                hint = QStringLiteral("Did you mean %1?").arg(guess);
        }
        if (hint.isEmpty())
            hint = QStringLiteral("Expected %1.").arg(description);
        return fail(token.offset, QStringLiteral("Unexpected ") + describe(token), hint);
    }

    bool expectWord(const QString& keyword)
    {
        if (acceptWord(keyword))
            return true;
        return unexpected(peek(), {keyword}, keyword);
    }

    bool expectSymbol(const QString& symbol)
    {
        if (acceptSymbol(symbol))
            return true;
        return unexpected(peek(), {}, u'\'' + symbol + u'\'');
    }

    // --- statements -------------------------------------------------------------------------

    bool parseStatement(Statement& statement)
    {
        const Token& first = peek();
        if (first.isWord(u"SELECT"))
            return parseSelect(statement);
        if (first.isWord(u"SHOW"))
            return parseShow(statement);
        if (first.isWord(u"DESCRIBE") || first.isWord(u"DESC")) {
            advance();
            DescribeStatement describe;
            if (!parseTable(describe.table))
                return false;
            statement = describe;
            return true;
        }
        if (first.isWord(u"FIND"))
            return parseFind(statement);
        if (first.isWord(u"PATH"))
            return parsePath(statement);
        if (first.isWord(u"ANALYZE") || first.isWord(u"ANALYSE"))
            return parseAnalyze(statement);
        if (first.isWord(u"fn") || first.isWord(u"cls") || first.isWord(u"mod"))
            return parseTerseSelect(statement);
        for (const char* word : {"deps", "rdeps", "callers", "callees", "impact"}) {
            if (first.isWord(QString::fromLatin1(word)))
                return parseTerseRelation(statement);
        }
        return unexpected(first, kStatementKeywords,
            QStringLiteral("a statement: SELECT, SHOW, DESCRIBE, FIND, PATH, ANALYZE, or a terse form "
                           "(fn, cls, mod, deps, rdeps, callers, callees, impact)"));
    }

    bool parseTable(Table& table)
    {
        const Token& token = peek();
        if (token.kind == Token::Kind::Word) {
            if (const auto found = tableFromName(token.text)) {
                advance();
                table = *found;
                return true;
            }
            const QString guess = closestMatch(token.text, tableNames());
            return fail(token.offset, QStringLiteral("Unknown table '%1'").arg(token.text),
                guess.isEmpty() ? QStringLiteral("Tables: %1.").arg(tableNames().join(QStringLiteral(", ")))
                                : QStringLiteral("Did you mean %1?").arg(guess),
                QStringLiteral("unknown_table"));
        }
        return unexpected(token, {}, QStringLiteral("a table (%1)").arg(tableNames().join(QStringLiteral(", "))));
    }

    /// A non-negative integer no greater than `maximum`, named `what` in errors.
    bool parseCount(const QString& what, int minimum, int maximum, int& value)
    {
        const Token& token = peek();
        if (token.kind != Token::Kind::Number || token.text.contains(u'.'))
            return unexpected(token, {}, QStringLiteral("a whole number after %1").arg(what));
        bool ok = false;
        const qint64 number = token.text.toLongLong(&ok);
        if (!ok || number > maximum)
            return fail(token.offset,
                QStringLiteral("%1 %2 is over the maximum of %3").arg(what, token.text).arg(maximum), {},
                QStringLiteral("invalid"));
        if (number < minimum)
            return fail(token.offset, QStringLiteral("%1 must be at least %2").arg(what).arg(minimum), {},
                QStringLiteral("invalid"));
        advance();
        value = int(number);
        return true;
    }

    bool parseNodeRef(NodeRef& ref)
    {
        const Token& token = peek();
        if (token.kind == Token::Kind::String || (token.kind == Token::Kind::Word && !isReserved(token.text))) {
            ref = {token.text, token.offset};
            advance();
            return true;
        }
        return unexpected(
            token, {}, QStringLiteral("a node: an id, path, name or qualified name (quote ids and paths)"));
    }

    static bool isReserved(const QString& word) { return kReservedWords.contains(word, Qt::CaseInsensitive); }

    // --- SELECT -----------------------------------------------------------------------------

    bool parseSelect(Statement& statement)
    {
        advance(); // SELECT
        SelectStatement select;
        select.distinct = acceptWord(u"DISTINCT");
        if (acceptSymbol(u"*")) {
            select.star = true;
        } else {
            do {
                SelectField field;
                if (!parseOperand(field.operand, true))
                    return false;
                if (acceptWord(u"AS")) {
                    const Token& alias = peek();
                    if (alias.kind != Token::Kind::Word && alias.kind != Token::Kind::String)
                        return unexpected(alias, {}, QStringLiteral("an alias after AS"));
                    field.alias = alias.text;
                    advance();
                }
                select.fields.append(field);
            } while (acceptSymbol(u","));
        }
        if (!expectWord(QStringLiteral("FROM")) || !parseTable(select.table))
            return false;
        if (acceptWord(u"WHERE")) {
            select.where.emplace();
            if (!parseOr(*select.where))
                return false;
        }
        if (peek().isWord(u"GROUP")) {
            advance();
            if (!expectWord(QStringLiteral("BY")))
                return false;
            do {
                Operand operand;
                if (!parseOperand(operand, true))
                    return false;
                select.groupBy.append(operand);
            } while (acceptSymbol(u","));
        }
        if (peek().isWord(u"HAVING")) {
            if (select.groupBy.isEmpty())
                return fail(peek().offset, QStringLiteral("HAVING without GROUP BY"),
                    QStringLiteral("Filter rows with WHERE, or group them first: GROUP BY column HAVING …"),
                    QStringLiteral("invalid"));
            advance();
            select.having.emplace();
            if (!parseOr(*select.having))
                return false;
        }
        if (peek().isWord(u"ORDER")) {
            advance();
            if (!expectWord(QStringLiteral("BY")))
                return false;
            do {
                OrderItem item;
                if (!parseOperand(item.operand, true))
                    return false;
                if (acceptWord(u"DESC"))
                    item.descending = true;
                else
                    acceptWord(u"ASC");
                select.orderBy.append(item);
            } while (acceptSymbol(u","));
        }
        if (peek().isWord(u"LIMIT")) {
            advance();
            select.limitOffset = peek().offset;
            int limit = 0;
            if (!parseCount(QStringLiteral("LIMIT"), 0, kMaxLimit, limit))
                return false;
            select.limit = limit;
        }
        if (!bindSelect(select))
            return false;
        statement = select;
        return true;
    }

    /// A column, an aggregate (COUNT(*), AVG(col), …) or, in HAVING/GROUP BY/ORDER BY, an alias.
    /// Names stay as written; bindSelect() checks them once the table is known.
    bool parseOperand(Operand& operand, bool allowAggregate)
    {
        const Token& token = peek();
        operand.offset = token.offset;
        if (token.kind != Token::Kind::Word || isReserved(token.text))
            return unexpected(token, {}, QStringLiteral("a column name"));
        if (peek(1).isSymbol(u"(")) {
            const auto aggregate = aggregateFromName(token.text);
            if (!aggregate) {
                const QString guess = closestMatch(token.text,
                    {QStringLiteral("COUNT"), QStringLiteral("AVG"), QStringLiteral("MIN"), QStringLiteral("MAX"),
                        QStringLiteral("SUM")});
                return fail(token.offset, QStringLiteral("Unknown function '%1'").arg(token.text),
                    guess.isEmpty() ? QStringLiteral("MUQL has COUNT, AVG, MIN, MAX and SUM.")
                                    : QStringLiteral("Did you mean %1?").arg(guess));
            }
            if (!allowAggregate)
                return fail(
                    token.offset, QStringLiteral("Aggregate %1() is not allowed here").arg(token.text.toUpper()));
            operand.aggregate = *aggregate;
            advance();
            advance(); // (
            if (*aggregate == Aggregate::Count && acceptSymbol(u"*")) {
                operand.star = true;
            } else {
                operand.distinct = *aggregate == Aggregate::Count && acceptWord(u"DISTINCT");
                const Token& column = peek();
                if (column.kind != Token::Kind::Word || isReserved(column.text))
                    return unexpected(column, {},
                        *aggregate == Aggregate::Count ? QStringLiteral("* or a column name")
                                                       : QStringLiteral("a column name"));
                operand.column = {column.text, {}, column.offset};
                advance();
            }
            return expectSymbol(QStringLiteral(")"));
        }
        operand.column = {token.text, {}, token.offset};
        advance();
        return true;
    }

    bool parseOr(Condition& condition)
    {
        Condition first;
        if (!parseAnd(first))
            return false;
        if (!peek().isWord(u"OR")) {
            condition = std::move(first);
            return true;
        }
        condition = Condition {};
        condition.kind = Condition::Kind::Or;
        condition.offset = first.offset;
        condition.children.push_back(std::move(first));
        while (acceptWord(u"OR")) {
            Condition next;
            if (!parseAnd(next))
                return false;
            condition.children.push_back(std::move(next));
        }
        return true;
    }

    bool parseAnd(Condition& condition)
    {
        Condition first;
        if (!parseNot(first))
            return false;
        if (!peek().isWord(u"AND")) {
            condition = std::move(first);
            return true;
        }
        condition = Condition {};
        condition.kind = Condition::Kind::And;
        condition.offset = first.offset;
        condition.children.push_back(std::move(first));
        while (acceptWord(u"AND")) {
            Condition next;
            if (!parseNot(next))
                return false;
            condition.children.push_back(std::move(next));
        }
        return true;
    }

    bool parseNot(Condition& condition)
    {
        if (peek().isWord(u"NOT")) {
            condition.kind = Condition::Kind::Not;
            condition.offset = advance().offset;
            Condition inner;
            if (!parseNot(inner))
                return false;
            condition.children.push_back(std::move(inner));
            return true;
        }
        if (peek().isSymbol(u"(")) {
            advance();
            if (!parseOr(condition))
                return false;
            return expectSymbol(QStringLiteral(")"));
        }
        return parsePredicate(condition);
    }

    bool parsePredicate(Condition& condition)
    {
        if (!parseOperand(condition.left, true))
            return false;
        condition.offset = condition.left.offset;
        const Token& token = peek();
        if (token.kind == Token::Kind::Symbol && kComparisonSymbols.contains(token.text)) {
            condition.kind = Condition::Kind::Compare;
            condition.op = token.text == u"!=" ? QStringLiteral("<>") : token.text;
            advance();
            if (condition.op == u"=" && peek().isSymbol(u"="))
                return fail(peek().offset, QStringLiteral("Unexpected token '='"),
                    QStringLiteral("MUQL compares with a single =."));
            Literal value;
            if (!parseLiteral(value))
                return false;
            condition.values.append(value);
            return true;
        }
        if (token.isWord(u"IS")) {
            advance();
            condition.kind = Condition::Kind::IsNull;
            condition.negated = acceptWord(u"NOT");
            return expectWord(QStringLiteral("NULL"));
        }
        condition.negated = acceptWord(u"NOT");
        const Token& keyword = peek();
        if (keyword.isWord(u"IN")) {
            advance();
            condition.kind = Condition::Kind::In;
            if (!expectSymbol(QStringLiteral("(")))
                return false;
            do {
                Literal value;
                if (!parseLiteral(value))
                    return false;
                condition.values.append(value);
            } while (acceptSymbol(u","));
            return expectSymbol(QStringLiteral(")"));
        }
        if (keyword.isWord(u"CONTAINS") || keyword.isWord(u"LIKE") || keyword.isWord(u"MATCHES")) {
            condition.kind = keyword.isWord(u"CONTAINS") ? Condition::Kind::Contains
                : keyword.isWord(u"LIKE")                ? Condition::Kind::Like
                                                         : Condition::Kind::Matches;
            advance();
            Literal value;
            if (condition.kind == Condition::Kind::Contains) {
                if (!parseLiteral(value))
                    return false;
            } else if (!parseString(value, keyword.text.toUpper())) {
                return false;
            }
            if (condition.kind == Condition::Kind::Matches && !checkRegex(value))
                return false;
            condition.values.append(value);
            return true;
        }
        QStringList words = {QStringLiteral("IN"), QStringLiteral("CONTAINS"), QStringLiteral("LIKE"),
            QStringLiteral("MATCHES"), QStringLiteral("IS")};
        return unexpected(keyword, words,
            condition.negated ? QStringLiteral("IN, CONTAINS, LIKE or MATCHES after NOT") : kComparisonDescription);
    }

    bool parseString(Literal& literal, const QString& after)
    {
        const Token& token = peek();
        if (token.kind != Token::Kind::String)
            return unexpected(token, {}, QStringLiteral("a quoted string after %1").arg(after));
        literal = {token.text, token.offset};
        advance();
        return true;
    }

    bool checkRegex(const Literal& literal)
    {
        const QRegularExpression regex(literal.value.toString());
        if (regex.isValid())
            return true;
        return fail(literal.offset, QStringLiteral("Invalid regular expression '%1'").arg(literal.value.toString()),
            QStringLiteral("%1 at character %2 of the pattern.")
                .arg(regex.errorString())
                .arg(regex.patternErrorOffset() + 1));
    }

    bool parseLiteral(Literal& literal)
    {
        const Token& token = peek();
        literal.offset = token.offset;
        if (token.kind == Token::Kind::String) {
            literal.value = token.text;
            advance();
            return true;
        }
        bool negative = false;
        if (token.isSymbol(u"-") && peek(1).kind == Token::Kind::Number) {
            negative = true;
            advance();
        }
        const Token& number = peek();
        if (number.kind == Token::Kind::Number) {
            if (number.text.contains(u'.')) {
                const double value = number.text.toDouble();
                literal.value = negative ? -value : value;
            } else {
                bool ok = false;
                const qint64 value = number.text.toLongLong(&ok);
                if (!ok)
                    return fail(number.offset, QStringLiteral("Number %1 is too large").arg(number.text));
                literal.value = negative ? -value : value;
            }
            advance();
            return true;
        }
        if (token.isWord(u"TRUE") || token.isWord(u"FALSE")) {
            literal.value = token.isWord(u"TRUE");
            advance();
            return true;
        }
        if (token.isWord(u"NULL"))
            return fail(token.offset, QStringLiteral("NULL is not a value to compare with"),
                QStringLiteral("Use IS NULL or IS NOT NULL."));
        return unexpected(token, {}, QStringLiteral("a value: a quoted string, a number, TRUE or FALSE"));
    }

    // --- binding: names checked against the catalog once the table is known ---------------

    bool bindColumn(ColumnRef& column, const TableInfo& table)
    {
        const QString written = column.name;
        const QString lower = written.toLower();
        if (lower.startsWith(u"properties.")) {
            if (!table.hasProperties())
                return fail(column.offset, QStringLiteral("Table %1 has no properties").arg(table.name), {},
                    QStringLiteral("unknown_column"));
            column.name = QStringLiteral("properties");
            column.propertyPath = written.sliced(QStringLiteral("properties.").size()).split(u'.');
            return true;
        }
        if (table.hasColumn(lower)) {
            column.name = lower;
            return true;
        }
        QStringList names;
        for (const ColumnInfo& info : table.columns)
            names.append(info.name);
        const QString guess = closestMatch(written, names);
        return fail(column.offset, QStringLiteral("Unknown column '%1' in %2").arg(written, table.name),
            guess.isEmpty() ? QStringLiteral("Columns: %1.").arg(names.join(QStringLiteral(", ")))
                            : QStringLiteral("Did you mean %1?").arg(guess),
            QStringLiteral("unknown_column"));
    }

    /// Binds an operand of WHERE (`allowAggregate` false), HAVING, GROUP BY or ORDER BY; a bare
    /// name matching a field's alias names that field (aliases win over columns, as in SQL).
    bool bindOperand(Operand& operand, const SelectStatement& select, const TableInfo& table, bool allowAlias,
        bool allowAggregate, const QString& clause)
    {
        if (operand.aggregate != Aggregate::None) {
            if (!allowAggregate)
                return fail(operand.offset,
                    QStringLiteral("Aggregate %1 is not allowed in %2").arg(operand.label().toUpper(), clause),
                    QStringLiteral("Filter groups with HAVING."), QStringLiteral("invalid"));
            return operand.star || bindColumn(operand.column, table);
        }
        if (allowAlias) {
            for (qsizetype i = 0; i < select.fields.size(); ++i) {
                if (!select.fields[i].alias.isEmpty()
                    && select.fields[i].alias.compare(operand.column.name, Qt::CaseInsensitive) == 0) {
                    operand.aliasOf = int(i);
                    return true;
                }
            }
        }
        return bindColumn(operand.column, table);
    }

    bool bindCondition(Condition& condition, const SelectStatement& select, const TableInfo& table, bool having)
    {
        for (Condition& child : condition.children) {
            if (!bindCondition(child, select, table, having))
                return false;
        }
        if (condition.kind == Condition::Kind::And || condition.kind == Condition::Kind::Or
            || condition.kind == Condition::Kind::Not)
            return true;
        return bindOperand(
            condition.left, select, table, having, having, having ? QStringLiteral("HAVING") : QStringLiteral("WHERE"));
    }

    bool bindSelect(SelectStatement& select)
    {
        const TableInfo& table = tableInfo(select.table);
        for (SelectField& field : select.fields) {
            if (!bindOperand(field.operand, select, table, false, true, QStringLiteral("SELECT")))
                return false;
        }
        if (select.where && !bindCondition(*select.where, select, table, false))
            return false;
        for (Operand& operand : select.groupBy) {
            if (!bindOperand(operand, select, table, true, false, QStringLiteral("GROUP BY")))
                return false;
        }
        if (select.having && !bindCondition(*select.having, select, table, true))
            return false;
        for (OrderItem& item : select.orderBy) {
            if (!bindOperand(item.operand, select, table, true, true, QStringLiteral("ORDER BY")))
                return false;
        }
        return true;
    }

    // --- SHOW, FIND, PATH, ANALYZE ----------------------------------------------------------

    bool parseShow(Statement& statement)
    {
        advance(); // SHOW
        if (acceptWord(u"TABLES")) {
            statement = ShowTablesStatement {};
            return true;
        }
        if (acceptWord(u"COLUMNS")) {
            DescribeStatement describe;
            if (!acceptWord(u"IN") && !expectWord(QStringLiteral("FROM")))
                return false;
            if (!parseTable(describe.table))
                return false;
            statement = describe;
            return true;
        }
        const Token& token = peek();
        ShowRelationStatement show;
        bool found = false;
        for (Relation relation : allRelations()) {
            if (token.isWord(toString(relation))) {
                show.relation = relation;
                found = true;
            }
        }
        if (!found) {
            QStringList words = namesOf(allRelations());
            words.append({QStringLiteral("TABLES"), QStringLiteral("COLUMNS")});
            return unexpected(token, words,
                QStringLiteral("TABLES, COLUMNS or one of %1").arg(words.mid(0, 12).join(QStringLiteral(", "))));
        }
        advance();
        if (!expectWord(QStringLiteral("OF")) || !parseNodeRef(show.node))
            return false;
        if (acceptWord(u"DEPTH")) {
            int depth = 0;
            if (!parseCount(QStringLiteral("DEPTH"), 1, kMaxDepth, depth))
                return false;
            show.depth = depth;
        }
        statement = show;
        return true;
    }

    bool parseFind(Statement& statement)
    {
        advance(); // FIND
        if (acceptWord(u"CYCLES"))
            return parseFindCycles(statement);
        FindStatement find;
        const Token& subject = peek();
        bool found = false;
        for (FindSubject s :
            {FindSubject::Functions, FindSubject::Classes, FindSubject::Modules, FindSubject::Methods}) {
            if (subject.isWord(toString(s))) {
                find.subject = s;
                found = true;
            }
        }
        if (!found) {
            return unexpected(subject,
                {QStringLiteral("functions"), QStringLiteral("classes"), QStringLiteral("modules"),
                    QStringLiteral("methods"), QStringLiteral("CYCLES")},
                QStringLiteral("functions, classes, modules, methods or CYCLES"));
        }
        advance();
        const Token& filter = peek();
        const qsizetype filterOffset = filter.offset;
        if (acceptWord(u"CALLING")) {
            find.filter = FindFilter::Calling;
        } else if (acceptWord(u"CALLED")) {
            find.filter = FindFilter::CalledBy;
            if (!expectWord(QStringLiteral("BY")))
                return false;
        } else if (acceptWord(u"IMPORTING")) {
            find.filter = FindFilter::Importing;
        } else if (acceptWord(u"IMPORTED")) {
            find.filter = FindFilter::ImportedBy;
            if (!expectWord(QStringLiteral("BY")))
                return false;
        } else if (acceptWord(u"INHERITING")) {
            find.filter = FindFilter::Inheriting;
        } else if (acceptWord(u"IMPLEMENTING")) {
            find.filter = FindFilter::Implementing;
        } else if (acceptWord(u"WITH")) {
            find.filter = FindFilter::WithDecorator;
            if (!expectWord(QStringLiteral("DECORATOR")))
                return false;
        } else if (acceptWord(u"MATCHING")) {
            find.filter = FindFilter::Matching;
        } else if (acceptWord(u"SIMILAR")) {
            find.filter = FindFilter::SimilarTo;
            if (!expectWord(QStringLiteral("TO")))
                return false;
        } else {
            return unexpected(filter, kFindFilterWords,
                QStringLiteral("CALLING, CALLED BY, IMPORTING, IMPORTED BY, INHERITING, IMPLEMENTING, WITH DECORATOR, "
                               "MATCHING or SIMILAR TO"));
        }
        if (!checkFindSubject(find, filterOffset))
            return false;
        if (find.filter == FindFilter::WithDecorator || find.filter == FindFilter::Matching) {
            Literal pattern;
            if (!parseString(pattern, toString(find.filter)))
                return false;
            if (find.filter == FindFilter::Matching && !checkRegex(pattern))
                return false;
            find.pattern = pattern.value.toString();
        } else if (!parseNodeRef(find.node)) {
            return false;
        }
        if (acceptWord(u"LIMIT")) {
            int limit = 0;
            if (!parseCount(QStringLiteral("LIMIT"), 0, kMaxLimit, limit))
                return false;
            find.limit = limit;
        }
        statement = find;
        return true;
    }

    /// Each FIND filter follows one kind of edge, so it only makes sense for the node types that
    /// edge starts or ends at; anything else would always be empty.
    bool checkFindSubject(const FindStatement& find, qsizetype offset)
    {
        const FindSubject s = find.subject;
        const bool callable = s == FindSubject::Functions || s == FindSubject::Methods;
        QString hint;
        switch (find.filter) {
        case FindFilter::Calling:
        case FindFilter::CalledBy:
            if (!callable)
                hint
                    = QStringLiteral("Only functions and methods call: FIND functions %1 …").arg(toString(find.filter));
            break;
        case FindFilter::Importing:
        case FindFilter::ImportedBy:
            if (s != FindSubject::Modules)
                hint = QStringLiteral("Only modules import: FIND modules %1 …").arg(toString(find.filter));
            break;
        case FindFilter::Inheriting:
        case FindFilter::Implementing:
            if (s != FindSubject::Classes)
                hint = QStringLiteral("Only classes inherit: FIND classes %1 …").arg(toString(find.filter));
            break;
        case FindFilter::WithDecorator:
            if (s == FindSubject::Modules)
                hint = QStringLiteral("Modules have no decorators: FIND functions WITH DECORATOR '…'");
            break;
        case FindFilter::Matching:
        case FindFilter::SimilarTo:
            break;
        }
        if (hint.isEmpty())
            return true;
        return fail(offset, QStringLiteral("FIND %1 %2 is never true").arg(toString(s), toString(find.filter)), hint,
            QStringLiteral("invalid"));
    }

    bool parseEdgeType(EdgeType& type)
    {
        const Token& token = peek();
        QStringList names;
        for (EdgeType t : allEdgeTypes())
            names.append(toString(t));
        if (token.kind == Token::Kind::String || token.kind == Token::Kind::Word) {
            if (const auto found = edgeTypeFromString(token.text.toLower())) {
                type = *found;
                advance();
                return true;
            }
            const QString guess = closestMatch(token.text, names);
            return fail(token.offset, QStringLiteral("Unknown edge type '%1'").arg(token.text),
                guess.isEmpty() ? QStringLiteral("Edge types: %1.").arg(names.join(QStringLiteral(", ")))
                                : QStringLiteral("Did you mean %1?").arg(guess));
        }
        return unexpected(token, {}, QStringLiteral("an edge type (%1)").arg(names.join(QStringLiteral(", "))));
    }

    bool parseFindCycles(Statement& statement)
    {
        FindCyclesStatement cycles;
        if (acceptWord(u"WHERE")) {
            const Token& column = peek();
            if (!column.isWord(u"edge_type"))
                return unexpected(column, {QStringLiteral("edge_type")}, QStringLiteral("edge_type"));
            advance();
            if (acceptSymbol(u"=")) {
                EdgeType type {};
                if (!parseEdgeType(type))
                    return false;
                cycles.edgeTypes.append(type);
            } else if (acceptWord(u"IN")) {
                if (!expectSymbol(QStringLiteral("(")))
                    return false;
                do {
                    EdgeType type {};
                    if (!parseEdgeType(type))
                        return false;
                    if (!cycles.edgeTypes.contains(type))
                        cycles.edgeTypes.append(type);
                } while (acceptSymbol(u","));
                if (!expectSymbol(QStringLiteral(")")))
                    return false;
            } else {
                return unexpected(peek(), {QStringLiteral("IN")}, QStringLiteral("= or IN after edge_type"));
            }
        }
        statement = cycles;
        return true;
    }

    bool parsePath(Statement& statement)
    {
        advance(); // PATH
        PathStatement path;
        if (!expectWord(QStringLiteral("FROM")) || !parseNodeRef(path.from) || !expectWord(QStringLiteral("TO"))
            || !parseNodeRef(path.to))
            return false;
        for (;;) {
            if (!path.maxDepth && acceptWord(u"MAX")) {
                if (!expectWord(QStringLiteral("DEPTH")))
                    return false;
                int depth = 0;
                if (!parseCount(QStringLiteral("MAX DEPTH"), 1, kMaxDepth, depth))
                    return false;
                path.maxDepth = depth;
            } else if (!path.via && acceptWord(u"VIA")) {
                EdgeType type {};
                if (!parseEdgeType(type))
                    return false;
                path.via = type;
            } else {
                break;
            }
        }
        statement = path;
        return true;
    }

    bool parseAnalyze(Statement& statement)
    {
        const qsizetype start = advance().offset; // ANALYZE
        AnalyzeStatement analyze;
        const Token& token = peek();
        bool found = false;
        for (Analysis analysis : allAnalyses()) {
            if (token.isWord(toString(analysis))) {
                analyze.analysis = analysis;
                found = true;
            }
        }
        if (!found) {
            const QStringList names = namesOf(allAnalyses());
            return unexpected(token, names, names.join(QStringLiteral(", ")));
        }
        advance();
        if (acceptWord(u"FOR")) {
            analyze.scope.emplace();
            if (!parseNodeRef(*analyze.scope))
                return false;
        } else if (analyze.analysis == Analysis::Impact) {
            return fail(start, QStringLiteral("ANALYZE impact needs a node"),
                QStringLiteral("Name the node whose change to assess: ANALYZE impact FOR 'mod:src/app.py'."),
                QStringLiteral("invalid"));
        }
        statement = analyze;
        return true;
    }

    // --- terse forms --------------------------------------------------------------------------

    bool parseTerseSelect(Statement& statement)
    {
        const Token& head = advance();
        SelectStatement select;
        select.table = *tableFromName(head.text);
        for (const char* column : {"id", "name", "file_path", "line_start"})
            select.fields.append({Operand {Aggregate::None, false, false,
                                      {QString::fromLatin1(column), {}, head.offset}, -1, head.offset},
                {}});
        if (select.table == Table::Functions)
            select.fields.append({Operand {Aggregate::None, false, false,
                                      {QStringLiteral("complexity"), {}, head.offset}, -1, head.offset},
                {}});
        std::vector<Condition> filters;
        while (peek().kind == Token::Kind::Word && !peek().isWord(u"sort")) {
            Condition condition;
            const Token& column = advance();
            condition.left.column = {terseColumn(column.text), {}, column.offset};
            condition.left.offset = condition.offset = column.offset;
            const Token& op = peek();
            if (op.kind != Token::Kind::Symbol || !kComparisonSymbols.contains(op.text))
                return unexpected(
                    op, {}, QStringLiteral("an operator after %1 (c>10, n~'parse', f~'src/')").arg(column.text));
            condition.op = op.text == u"!=" ? QStringLiteral("<>") : op.text;
            advance();
            Literal value;
            if (!parseLiteral(value))
                return false;
            condition.values.append(value);
            filters.push_back(std::move(condition));
        }
        if (filters.size() == 1) {
            select.where = std::move(filters.front());
        } else if (filters.size() > 1) {
            select.where.emplace();
            select.where->kind = Condition::Kind::And;
            select.where->offset = filters.front().offset;
            select.where->children = std::move(filters);
        }
        if (acceptWord(u"sort")) {
            const Token& column = peek();
            if (column.kind != Token::Kind::Word)
                return unexpected(column, {}, QStringLiteral("a column to sort by (c, n, f or a column name)"));
            OrderItem item;
            item.operand.column = {terseColumn(column.text), {}, column.offset};
            item.operand.offset = column.offset;
            advance();
            item.descending = acceptSymbol(u"-");
            select.orderBy.append(item);
        }
        if (peek().kind == Token::Kind::Number) {
            select.limitOffset = peek().offset;
            int limit = 0;
            if (!parseCount(QStringLiteral("LIMIT"), 0, kMaxLimit, limit))
                return false;
            select.limit = limit;
        }
        if (!bindSelect(select))
            return false;
        statement = select;
        return true;
    }

    bool parseTerseRelation(Statement& statement)
    {
        const Token& head = advance();
        ShowRelationStatement show;
        show.relation = head.isWord(u"deps") ? Relation::Dependencies
            : head.isWord(u"rdeps")          ? Relation::Dependents
            : head.isWord(u"callers")        ? Relation::Callers
            : head.isWord(u"callees")        ? Relation::Callees
                                             : Relation::Impact;
        if (!parseNodeRef(show.node))
            return false;
        static const QRegularExpression depthWord(QStringLiteral("^[dD](\\d+)$"));
        const Token& token = peek();
        if (token.kind == Token::Kind::Word) {
            const QRegularExpressionMatch match = depthWord.match(token.text);
            if (!match.hasMatch())
                return unexpected(token, {}, QStringLiteral("a depth such as d2, or the end of the query"));
            bool ok = false;
            const int depth = match.captured(1).toInt(&ok);
            if (!ok || depth > kMaxDepth)
                return fail(token.offset,
                    QStringLiteral("Depth %1 is over the maximum of %2").arg(match.captured(1)).arg(kMaxDepth), {},
                    QStringLiteral("invalid"));
            if (depth < 1)
                return fail(token.offset, QStringLiteral("Depth must be at least 1"), {}, QStringLiteral("invalid"));
            show.depth = depth;
            advance();
        }
        statement = show;
        return true;
    }

    const QString& m_text;
    QList<Token> m_tokens;
    qsizetype m_pos = 0;
    std::optional<QueryError> m_error;
};

} // namespace

Outcome<Query> parse(const QString& text)
{
    auto tokens = tokenize(text);
    if (!tokens)
        return tokens.error();
    return Parser(text, std::move(*tokens)).run();
}

QStringList statementKeywords()
{
    return kStatementKeywords;
}

} // namespace mu::query
