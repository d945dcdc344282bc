/// A recursive-descent parser (precedence climbing for expressions) for Tally's SQL dialect.
///
/// Entry points: `Parser.parse(_:)` for one statement, `Parser.parseScript(_:)` for `;`-separated
/// statements, `Parser.parseQuery(_:)` and `Parser.parseExpression(_:)` for fragments.
/// Errors are `SQLError`s positioned at the offending token.
public struct Parser {
    let source: String
    let bytes: [UInt8]
    var tokens: [Token]
    let lexError: SQLError?
    var pos = 0
    var depth = 0
    /// Offset just past the last consumed token.
    var prevEnd = 0
    /// The token index of the last bare alias (`SELECT x FORM t`): if the very next token is a
    /// syntax error and the alias looks like a misspelt keyword, the alias is reported instead.
    var lastBareAlias: Int?

    /// Nesting (parentheses, subqueries, prefix operators) deeper than this is rejected.
    public static let maxDepth = 150
    /// An expression tree deeper than this (a chain of operators such as `a + b + …` adds a level
    /// per operator) is rejected: later phases walk expressions recursively.
    public static let maxExpressionDepth = 500
    /// Operators chained so far in the expressions being parsed (each level of precedence climbing).
    var chained = 0

    init(_ source: String) {
        self.source = source
        self.bytes = Array(source.utf8)
        let (tokens, error) = Lexer.scan(bytes)
        self.tokens = tokens
        self.lexError = error
    }

    // MARK: Entry points

    /// Parses exactly one statement (a trailing `;` is allowed).
    public static func parse(_ sql: String) throws(SQLError) -> Statement {
        var p = Parser(sql)
        let statements = try p.parseStatements(limit: 1)
        guard let first = statements.first else {
            throw SQLError(.emptyStatement, "empty statement: there is nothing to run")
        }
        return first.statement
    }

    /// Parses a script of `;`-separated statements; empty statements and comments are skipped.
    /// Positions in errors and in the result are relative to the whole script.
    public static func parseScript(_ sql: String) throws(SQLError) -> [ParsedStatement] {
        var p = Parser(sql)
        return try p.parseStatements(limit: nil)
    }

    /// Parses a query (SELECT, WITH, UNION, …) and nothing else.
    public static func parseQuery(_ sql: String) throws(SQLError) -> Query {
        var p = Parser(sql)
        guard p.tok.kind != .end else { throw SQLError(.emptyStatement, "empty query: there is nothing to run") }
        guard p.isQueryStart(p.tok) else {
            throw p.fail("expected a query (SELECT or WITH)")
        }
        let q = try p.parseQuery()
        _ = p.accept(.semicolon)
        guard p.tok.kind == .end else { throw p.unexpected() }
        return q
    }

    /// Parses a single expression.
    public static func parseExpression(_ sql: String) throws(SQLError) -> Expr {
        var p = Parser(sql)
        let e = try p.parseExpr()
        guard p.tok.kind == .end else { throw p.unexpected() }
        return e
    }

    // MARK: Token helpers

    var tok: Token { tokens[pos] }

    func peek(_ k: Int) -> Token { tokens[min(pos + k, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[pos]
        if t.kind != .end {
            pos += 1
            prevEnd = t.range.end
        }
        return t
    }

    var previous: Token? { pos > 0 ? tokens[pos - 1] : nil }

    func isKeyword(_ t: Token, _ k: Keyword) -> Bool { t.kind == .word && t.keyword == k }

    func isKeyword(_ k: Keyword) -> Bool { isKeyword(tok, k) }

    mutating func accept(_ k: Keyword) -> Bool {
        if isKeyword(k) { advance(); return true }
        return false
    }

    mutating func accept(_ kind: TokenKind) -> Bool {
        if tok.kind == kind { advance(); return true }
        return false
    }

    /// True when `t` can be a name: a quoted identifier or a word that is not a reserved keyword.
    func isName(_ t: Token) -> Bool {
        t.kind == .quotedIdentifier || (t.kind == .word && !(t.keyword?.isReserved ?? false))
    }

    func text(_ t: Token) -> String {
        String(decoding: bytes[t.range.start.offset..<t.range.end], as: UTF8.self)
    }

    /// Case-insensitive comparison of a word token with lower-case ASCII text, without allocating.
    func wordIs(_ t: Token, _ lower: StaticString) -> Bool {
        guard t.kind == .word, t.range.end - t.range.start.offset == lower.utf8CodeUnitCount else { return false }
        let p = lower.utf8Start
        for k in 0..<lower.utf8CodeUnitCount {
            var c = bytes[t.range.start.offset + k]
            if c >= 65 && c <= 90 { c |= 0x20 }
            if c != p[k] { return false }
        }
        return true
    }

    /// The range from `start` to the end of the last consumed token.
    func range(from start: SourcePosition) -> SourceRange {
        SourceRange(start: start, end: max(prevEnd, start.offset))
    }

    func isQueryStart(_ t: Token) -> Bool {
        isKeyword(t, .select) || isKeyword(t, .with) || t.kind == .leftParen
    }

    mutating func enter() throws(SQLError) {
        depth += 1
        if depth > Parser.maxDepth {
            throw SQLError(.tooComplex, "the statement is nested too deeply (more than \(Parser.maxDepth) levels)",
                           hint: "simplify the expression or split the query", at: tok.range.start)
        }
    }

    // MARK: Errors

    /// How a token is named after "after" in messages: keywords bare, symbols quoted, others in double quotes.
    func describeForAfter(_ t: Token) -> String {
        if let k = t.keyword, t.kind == .word { return k.rawValue }
        if let s = Token.symbol(t.kind) { return "'\(s)'" }
        return "\"\(shortText(t))\""
    }

    func shortText(_ t: Token) -> String {
        let s = text(t)
        return s.count > 40 ? String(s.prefix(37)) + "..." : s
    }

    /// An error at the current token; the lexer's error if the current token is not a token at all.
    func fail(_ message: String, hint: String? = nil) -> SQLError {
        if tok.kind == .invalid, let lexError { return lexError }
        return SQLError(.syntaxError, message, hint: hint, at: tok.range.start)
    }

    /// "expected X after <previous token>".
    func failExpected(_ what: String, hint: String? = nil) -> SQLError {
        if let prev = previous {
            return fail("expected \(what) after \(describeForAfter(prev))", hint: hint)
        }
        return fail("expected \(what)", hint: hint)
    }

    /// "did you mean FROM?" when `t` is a word close to one of `candidates` (by default any
    /// keyword, and then only for words that are not keywords themselves).
    func keywordHint(for t: Token, among candidates: [String]? = nil) -> String? {
        guard t.kind == .word else { return nil }
        let word = text(t)
        if let candidates {
            guard !candidates.contains(where: { $0.lowercased() == word.lowercased() }) else { return nil }
            return NameSuggestion.closest(to: word, in: candidates).map { "did you mean \($0)?" }
        }
        guard t.keyword == nil else { return nil }
        return NameSuggestion.closest(to: word, in: Keyword.spellings).map { "did you mean \($0)?" }
    }

    /// The generic error for a token that cannot appear where it is.
    func unexpected() -> SQLError {
        if tok.kind == .invalid, let lexError { return lexError }
        if let a = lastBareAlias, a == pos - 1, tokens[a].kind == .word,
           let k = NameSuggestion.closest(to: text(tokens[a]), in: Parser.clauseKeywords) {
            let t = tokens[a]
            return SQLError(.syntaxError, "syntax error at or near \"\(shortText(t))\"", hint: "did you mean \(k)?", at: t.range.start)
        }
        if tok.kind == .end {
            return SQLError(.syntaxError, "syntax error at end of input", at: tok.range.start)
        }
        return SQLError(.syntaxError, "syntax error at or near \"\(shortText(tok))\"", hint: keywordHint(for: tok), at: tok.range.start)
    }

    mutating func expect(_ k: Keyword, after context: String? = nil, hint: String? = nil) throws(SQLError) {
        guard accept(k) else {
            let h = hint ?? keywordHint(for: tok, among: [k.rawValue])
            if let context { throw fail("expected \(k.rawValue) after \(context)", hint: h) }
            throw failExpected(k.rawValue, hint: h)
        }
    }

    mutating func expect(_ kind: TokenKind, hint: String? = nil) throws(SQLError) {
        guard accept(kind) else { throw failExpected("'\(Token.symbol(kind) ?? "\(kind)")'", hint: hint) }
    }

    /// Consumes the `)` (or `]`) that closes `open`.
    mutating func expectClose(_ open: Token) throws(SQLError) {
        let closing: TokenKind = open.kind == .leftBracket ? .rightBracket : .rightParen
        if accept(closing) { return }
        let o = open.kind == .leftBracket ? "[" : "("
        let c = open.kind == .leftBracket ? "]" : ")"
        throw fail("expected '\(c)' to close the '\(o)' at \(place(of: open))", hint: keywordHint(for: tok))
    }

    /// "column 8" when `t` is on the current token's line, else "line 2, column 8".
    func place(of t: Token) -> String {
        t.range.start.line == tok.range.start.line ? "column \(t.range.start.column)" : "\(t.range.start)"
    }

    // MARK: Names

    /// The value of a name token (quotes removed, doubled quotes undone).
    func nameValue(_ t: Token) -> Name {
        if t.kind == .quotedIdentifier {
            return Name(unquote(t, quote: 34), quoted: true, range: t.range)
        }
        return Name(text(t), quoted: false, range: t.range)
    }

    func unquote(_ t: Token, quote: UInt8) -> String {
        let lo = t.range.start.offset + 1
        let hi = t.range.end - 1
        guard lo < hi else { return "" }
        var hasDouble = false
        var k = lo
        while k < hi {
            if bytes[k] == quote { hasDouble = true; break }
            k += 1
        }
        if !hasDouble { return String(decoding: bytes[lo..<hi], as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(hi - lo)
        k = lo
        while k < hi {
            out.append(bytes[k])
            k += bytes[k] == quote ? 2 : 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses a name (`what`, e.g. "a table name"), or fails with a message naming the context.
    mutating func parseName(_ what: String) throws(SQLError) -> Name {
        let t = tok
        if isName(t) {
            advance()
            return nameValue(t)
        }
        if t.kind == .word, let k = t.keyword {
            throw failExpected(what, hint: "\(k.rawValue) is a reserved word; write \"\(text(t).lowercased())\" to use it as a name")
        }
        if t.kind == .string {
            throw failExpected(what, hint: "names are written bare or in double quotes (\"\(unquote(t, quote: 39))\"); single quotes make a string")
        }
        throw failExpected(what)
    }

    mutating func parseNameList(_ what: String) throws(SQLError) -> [Name] {
        var names = [try parseName(what)]
        while accept(.comma) { names.append(try parseName(what)) }
        return names
    }

    /// `(a, b, c)`
    mutating func parseParenthesizedNames(_ what: String) throws(SQLError) -> [Name] {
        let open = tok
        try expect(.leftParen)
        let names = try parseNameList(what)
        try expectClose(open)
        return names
    }

    static let clauseKeywords = ["FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "UNION", "JOIN",
                                 "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "ON", "USING", "AS", "AND", "OR",
                                 "WINDOW", "EXCEPT", "INTERSECT", "SELECT", "BY"]

    /// `[AS] alias` after a select item or a table reference.
    mutating func parseOptionalAlias() throws(SQLError) -> Name? {
        if accept(.as) {
            if tok.kind == .string {
                throw fail("expected a name after AS",
                           hint: "aliases are names: write \"\(unquote(tok, quote: 39))\" in double quotes, not single quotes")
            }
            return try parseName("an alias")
        }
        if isName(tok) {
            lastBareAlias = pos
            return nameValue(advance())
        }
        return nil
    }

    // MARK: Statements

    mutating func parseStatements(limit: Int?) throws(SQLError) -> [ParsedStatement] {
        var result: [ParsedStatement] = []
        while true {
            while accept(.semicolon) {}
            if tok.kind == .end { break }
            if tok.kind == .invalid, let lexError { throw lexError }
            if let limit, result.count >= limit {
                throw SQLError(.syntaxError, "expected a single statement, but another one follows the ';'",
                               hint: "run the statements one at a time, or as a script", at: tok.range.start)
            }
            let start = tok.range.start
            let statement = try parseStatement()
            let r = range(from: start)
            if tok.kind != .semicolon && tok.kind != .end {
                throw unexpected()
            }
            result.append(ParsedStatement(statement: statement, range: r, text: limit == 1 ? "" : String(r.text(in: source))))
        }
        return result
    }

    static let statementKeywords = ["SELECT", "WITH", "INSERT", "CREATE", "DROP", "COPY", "SHOW", "DESCRIBE",
                                    "EXPLAIN", "PREPARE", "EXECUTE", "DEALLOCATE"]

    mutating func parseStatement() throws(SQLError) -> Statement {
        let t = tok
        if t.kind == .leftParen { return .query(try parseQuery()) }
        if t.kind == .word, t.keyword == nil, case let what = text(t).uppercased(), ["UPDATE", "DELETE", "MERGE", "TRUNCATE", "ALTER"].contains(what) {
            throw SQLError(.unsupported, "\(what) is not supported",
                           hint: what == "ALTER" ? "create a new table and INSERT INTO it SELECT … FROM the old one"
                               : "Tally tables are append-only: rows leave by retention (WITH (ttl = …)) or DROP TABLE",
                           at: t.range.start)
        }
        guard t.kind == .word, let k = t.keyword else {
            throw SQLError(.syntaxError, t.kind == .end ? "syntax error at end of input" : "syntax error at or near \"\(shortText(t))\"",
                           hint: keywordHint(for: t, among: Parser.statementKeywords)
                               ?? "a statement starts with SELECT, WITH, INSERT, CREATE, DROP, COPY, SHOW, DESCRIBE, EXPLAIN, PREPARE, EXECUTE or DEALLOCATE",
                           at: t.range.start)
        }
        switch k {
        case .select, .with:
            return .query(try parseQuery())
        case .create:
            return try parseCreate()
        case .drop:
            return try parseDrop()
        case .insert:
            return try parseInsert()
        case .copy:
            return try parseCopy()
        case .show:
            advance()
            guard accept(.tables) else {
                throw failExpected("TABLES", hint: keywordHint(for: tok, among: ["TABLES"]) ?? "SHOW TABLES lists the tables; DESCRIBE t shows a table's columns")
            }
            return .showTables
        case .describe:
            advance()
            return .describe(try parseName("a table name"))
        case .explain:
            advance()
            let analyze = accept(.analyze)
            try enter()
            defer { depth -= 1 }
            if isKeyword(.explain) { throw fail("EXPLAIN cannot explain EXPLAIN") }
            return .explain(Explain(analyze: analyze, statement: try parseStatement()))
        case .prepare:
            advance()
            let name = try parseName("a name for the prepared statement")
            var types: [TypeName] = []
            if tok.kind == .leftParen {
                let open = advance()
                repeat { types.append(try parseTypeName()) } while accept(.comma)
                try expectClose(open)
            }
            try expect(.as, hint: "write PREPARE \(name.value) AS SELECT …")
            try enter()
            defer { depth -= 1 }
            if isKeyword(.prepare) { throw fail("PREPARE cannot prepare another PREPARE") }
            return .prepare(Prepare(name: name, parameterTypes: types, statement: try parseStatement()))
        case .execute:
            advance()
            let name = try parseName("the name of a prepared statement")
            var args: [Expr] = []
            if tok.kind == .leftParen {
                let open = advance()
                repeat { args.append(try parseExpr()) } while accept(.comma)
                try expectClose(open)
            }
            return .execute(Execute(name: name, arguments: args))
        case .deallocate:
            advance()
            _ = accept(.prepare)
            if accept(.all) { return .deallocate(nil) }
            return .deallocate(try parseName("the name of a prepared statement, or ALL"))
        default:
            throw SQLError(.syntaxError, "syntax error at or near \"\(shortText(t))\"",
                           hint: "a statement starts with SELECT, WITH, INSERT, CREATE, DROP, COPY, SHOW, DESCRIBE, EXPLAIN, PREPARE, EXECUTE or DEALLOCATE",
                           at: t.range.start)
        }
    }

    /// `IF NOT EXISTS`
    mutating func parseIfNotExists() throws(SQLError) -> Bool {
        guard isKeyword(.if), isKeyword(peek(1), .not) || isKeyword(peek(1), .exists) else { return false }
        advance()
        try expect(.not, after: "IF")
        try expect(.exists, after: "IF NOT")
        return true
    }

    /// `IF EXISTS`
    mutating func parseIfExists() throws(SQLError) -> Bool {
        guard isKeyword(.if), isKeyword(peek(1), .exists) || isKeyword(peek(1), .not) else { return false }
        advance()
        if isKeyword(.not) { throw fail("expected EXISTS after IF", hint: "DROP takes IF EXISTS") }
        try expect(.exists, after: "IF")
        return true
    }

    mutating func parseCreate() throws(SQLError) -> Statement {
        advance()
        if accept(.table) {
            let ifNotExists = try parseIfNotExists()
            let name = try parseName("a table name")
            if tok.kind == .dot { throw SQLError(.unsupported, "qualified table names are not supported", at: tok.range.start) }
            if isKeyword(.as) {
                throw SQLError(.unsupported, "CREATE TABLE … AS is not supported",
                               hint: "create the table with its columns, then INSERT INTO \(name.value) SELECT …", at: tok.range.start)
            }
            let open = tok
            try expect(.leftParen, hint: "list the columns: CREATE TABLE \(name.value) (id BIGINT, …)")
            var columns: [ColumnDefinition] = []
            repeat {
                columns.append(try parseColumnDefinition())
            } while accept(.comma)
            try expectClose(open)
            var options: [SQLOption] = []
            if accept(.with) {
                options = try parseOptionList(requireParentheses: true)
            }
            return .createTable(CreateTable(name: name, ifNotExists: ifNotExists, columns: columns, options: options))
        }
        if accept(.materialized) {
            try expect(.view, after: "MATERIALIZED")
            let ifNotExists = try parseIfNotExists()
            let name = try parseName("a view name")
            try expect(.as, hint: "write CREATE MATERIALIZED VIEW \(name.value) AS SELECT …")
            guard isQueryStart(tok) else { throw failExpected("a query") }
            return .createMaterializedView(CreateMaterializedView(name: name, ifNotExists: ifNotExists, query: try parseQuery()))
        }
        if isKeyword(.view) || isKeyword(.or) {
            throw SQLError(.unsupported, isKeyword(.view) ? "plain views are not supported" : "CREATE OR REPLACE is not supported",
                           hint: isKeyword(.view) ? "use CREATE MATERIALIZED VIEW" : nil, at: tok.range.start)
        }
        throw failExpected("TABLE or MATERIALIZED VIEW", hint: keywordHint(for: tok, among: ["TABLE", "MATERIALIZED"]))
    }

    mutating func parseColumnDefinition() throws(SQLError) -> ColumnDefinition {
        let n = peek(1)
        let isConstraint = (isKeyword(.primary) && isKeyword(n, .key)) || (wordIs(tok, "foreign") && wordIs(n, "key"))
            || ((wordIs(tok, "unique") || wordIs(tok, "check")) && n.kind == .leftParen)
            || (wordIs(tok, "constraint") && isName(n) && (wordIs(peek(2), "primary") || wordIs(peek(2), "unique")
                || wordIs(peek(2), "check") || wordIs(peek(2), "foreign")))
        if isConstraint {
            throw SQLError(.unsupported, "table constraints are not supported",
                           hint: "Tally tables have no keys or constraints; NOT NULL marks required columns", at: tok.range.start)
        }
        let name = try parseName("a column name")
        if tok.kind == .comma || tok.kind == .rightParen {
            throw fail("expected a type for column \(name.value)", hint: "e.g. \(name.value) BIGINT, VARCHAR, DOUBLE, TIMESTAMP or BOOLEAN")
        }
        let type = try parseTypeName()
        var nullable: Bool?
        while true {
            let t = tok
            if accept(.not) {
                try expect(.null, after: "NOT")
                if nullable == true { throw SQLError(.syntaxError, "conflicting NULL/NOT NULL declarations for column \(name.value)", at: t.range.start) }
                nullable = false
            } else if accept(.null) {
                if nullable == false { throw SQLError(.syntaxError, "conflicting NULL/NOT NULL declarations for column \(name.value)", at: t.range.start) }
                nullable = true
            } else if isKeyword(.primary) || wordIs(t, "unique") || wordIs(t, "references") || wordIs(t, "check") {
                throw SQLError(.unsupported, "column constraints other than NOT NULL are not supported",
                               hint: "Tally tables have no keys or constraints", at: t.range.start)
            } else if wordIs(t, "default") {
                throw SQLError(.unsupported, "column defaults are not supported", hint: "columns without a value are NULL", at: t.range.start)
            } else {
                break
            }
        }
        if tok.kind != .comma && tok.kind != .rightParen {
            throw fail("expected ',' or ')' after the definition of column \(name.value)", hint: keywordHint(for: tok, among: ["NOT", "NULL"]))
        }
        return ColumnDefinition(name: name, type: type, nullable: nullable)
    }

    /// `( name [=] [value], … )`, or the same without parentheses when allowed.
    mutating func parseOptionList(requireParentheses: Bool) throws(SQLError) -> [SQLOption] {
        let open = tok
        guard accept(.leftParen) else {
            throw failExpected("'('", hint: requireParentheses ? "options are written WITH (name = value, …)" : nil)
        }
        var options: [SQLOption] = []
        repeat {
            let t = tok
            guard t.kind == .word || t.kind == .quotedIdentifier else { throw failExpected("an option name") }
            advance()
            let name = nameValue(t)
            _ = accept(.equal)
            if tok.kind == .comma || tok.kind == .rightParen {
                options.append(SQLOption(name: name, value: nil, valueRange: name.range))
                continue
            }
            let vstart = tok.range.start
            let value = try parseOptionValue()
            options.append(SQLOption(name: name, value: value, valueRange: range(from: vstart)))
            if tok.kind != .comma && tok.kind != .rightParen {
                var hint: String?
                if tok.kind == .word, TimeUnit(name: text(tok)) != nil {
                    switch value {
                    case .integer, .double: hint = "write intervals in quotes: \(name.value) = '\(String(decoding: bytes[vstart.offset..<tok.range.end], as: UTF8.self))'"
                    default: break
                    }
                }
                throw fail("expected ',' or ')' after the value of option \(name.value)", hint: hint)
            }
        } while accept(.comma)
        try expectClose(open)
        return options
    }

    mutating func parseOptionValue() throws(SQLError) -> OptionValue {
        let t = tok
        switch t.kind {
        case .string:
            advance()
            return .string(unquote(t, quote: 39))
        case .integer, .decimal:
            advance()
            return t.kind == .integer ? .integer(try integerValue(t, negative: false)) : .double(try doubleValue(t, negative: false))
        case .minus where peek(1).kind == .integer || peek(1).kind == .decimal:
            advance()
            let n = advance()
            return n.kind == .integer ? .integer(try integerValue(n, negative: true)) : .double(try doubleValue(n, negative: true))
        case .quotedIdentifier:
            advance()
            return .identifier(unquote(t, quote: 34))
        case .word:
            if isKeyword(.true) || isKeyword(.false) {
                advance()
                return .bool(t.keyword == .true)
            }
            if isKeyword(.interval), peek(1).kind == .string {
                let e = try parsePrimary()
                if case .literal(.interval(let iv)) = e.kind { return .interval(iv) }
            }
            advance()
            return .identifier(text(t))
        default:
            throw failExpected("an option value")
        }
    }

    mutating func parseDrop() throws(SQLError) -> Statement {
        advance()
        if accept(.table) {
            let ifExists = try parseIfExists()
            return .dropTable(DropTable(name: try parseName("a table name"), ifExists: ifExists))
        }
        if accept(.materialized) {
            try expect(.view, after: "MATERIALIZED")
            let ifExists = try parseIfExists()
            return .dropMaterializedView(DropMaterializedView(name: try parseName("a view name"), ifExists: ifExists))
        }
        throw failExpected("TABLE or MATERIALIZED VIEW", hint: keywordHint(for: tok, among: ["TABLE", "MATERIALIZED"]))
    }

    mutating func parseInsert() throws(SQLError) -> Statement {
        advance()
        try expect(.into, after: "INSERT")
        let table = try parseName("a table name")
        var columns: [Name] = []
        if tok.kind == .leftParen, !isKeyword(peek(1), .select), !isKeyword(peek(1), .with) {
            columns = try parseParenthesizedNames("a column name")
        }
        if accept(.values) {
            var rows: [[Expr]] = []
            repeat {
                let open = tok
                try expect(.leftParen, hint: "each row of VALUES is written (value, …)")
                var row: [Expr] = []
                repeat { row.append(try parseExpr()) } while accept(.comma)
                try expectClose(open)
                if let first = rows.first, first.count != row.count {
                    throw SQLError(.syntaxError, "VALUES lists must all be the same length",
                                   hint: "this row has \(row.count) value\(row.count == 1 ? "" : "s") but the first has \(first.count)",
                                   at: open.range.start)
                }
                if !columns.isEmpty, row.count != columns.count {
                    throw SQLError(.syntaxError, "INSERT has \(columns.count) target column\(columns.count == 1 ? "" : "s") but \(row.count) value\(row.count == 1 ? "" : "s")",
                                   at: open.range.start)
                }
                rows.append(row)
            } while accept(.comma)
            return .insert(Insert(table: table, columns: columns, source: .values(rows)))
        }
        if isQueryStart(tok) {
            return .insert(Insert(table: table, columns: columns, source: .query(try parseQuery())))
        }
        throw failExpected("VALUES or a query", hint: keywordHint(for: tok, among: ["VALUES", "SELECT"]))
    }

    mutating func parseCopy() throws(SQLError) -> Statement {
        advance()
        if tok.kind == .leftParen {
            let open = advance()
            guard isQueryStart(tok) else { throw failExpected("a query") }
            let q = try parseQuery()
            try expectClose(open)
            if isKeyword(.from) {
                throw fail("cannot COPY into a query", hint: "COPY (query) TO 'file' writes a query's result; COPY t FROM 'file' loads a table")
            }
            try expect(.to, hint: "write COPY (query) TO 'file'")
            let path = try parseFilePath()
            return .copyTo(CopyTo(source: .query(q), path: path, options: try parseCopyOptions()))
        }
        let table = try parseName("a table name or a (query)")
        var columns: [Name] = []
        if tok.kind == .leftParen { columns = try parseParenthesizedNames("a column name") }
        if accept(.from) {
            let path = try parseFilePath()
            return .copyFrom(CopyFrom(table: table, columns: columns, path: path, options: try parseCopyOptions()))
        }
        if accept(.to) {
            let path = try parseFilePath()
            return .copyTo(CopyTo(source: .table(table, columns: columns), path: path, options: try parseCopyOptions()))
        }
        throw failExpected("FROM or TO", hint: keywordHint(for: tok, among: ["FROM", "TO"]))
    }

    mutating func parseFilePath() throws(SQLError) -> String {
        let t = tok
        if t.kind == .string {
            advance()
            return unquote(t, quote: 39)
        }
        if wordIs(t, "stdin") || wordIs(t, "stdout") {
            throw SQLError(.unsupported, "COPY \(text(t).uppercased()) is not supported", hint: "name a file in single quotes", at: t.range.start)
        }
        throw failExpected("a file name in single quotes")
    }

    mutating func parseCopyOptions() throws(SQLError) -> [SQLOption] {
        if accept(.with) { return try parseOptionList(requireParentheses: true) }
        if tok.kind == .leftParen { return try parseOptionList(requireParentheses: false) }
        return []
    }

    // MARK: Queries

    mutating func parseQuery() throws(SQLError) -> Query {
        try enter()
        defer { depth -= 1 }
        let start = tok.range.start
        var ctes: [CommonTableExpression] = []
        if accept(.with) {
            if isKeyword(.recursive) {
                throw SQLError(.unsupported, "WITH RECURSIVE is not supported", at: tok.range.start)
            }
            repeat {
                let name = try parseName("a name for the WITH query")
                var columns: [Name] = []
                if tok.kind == .leftParen { columns = try parseParenthesizedNames("a column name") }
                try expect(.as, hint: "write WITH \(name.value) AS (SELECT …)")
                if isKeyword(.not), isKeyword(peek(1), .materialized) { advance(); advance() } else { _ = accept(.materialized) }
                let open = tok
                guard accept(.leftParen) else { throw failExpected("'('", hint: "the query of a WITH goes in parentheses: \(name.value) AS (SELECT …)") }
                guard isQueryStart(tok) else { throw failExpected("a query") }
                let q = try parseQuery()
                try expectClose(open)
                ctes.append(CommonTableExpression(name: name, columns: columns, query: q))
            } while accept(.comma)
            if !isQueryStart(tok) {
                throw failExpected("SELECT", hint: keywordHint(for: tok, among: ["SELECT"]) ?? "a WITH clause is followed by the main query")
            }
        }
        let body = try parseSetExpression(minPrecedence: 1)
        var orderBy: [OrderItem] = []
        if accept(.order) {
            try expect(.by, after: "ORDER")
            if isKeyword(.all) { throw SQLError(.unsupported, "ORDER BY ALL is not supported", hint: "list the sort expressions", at: tok.range.start) }
            orderBy = try parseOrderList()
        }
        var limit: Expr?, offset: Expr?
        var sawLimit = false, sawOffset = false
        while true {
            if !sawLimit, isKeyword(.limit) {
                advance()
                sawLimit = true
                if accept(.all) { continue }
                limit = try parseExpr()
                if tok.kind == .comma {
                    throw fail("syntax error at or near \",\"", hint: "write LIMIT n OFFSET m")
                }
            } else if !sawOffset, isKeyword(.offset) {
                advance()
                sawOffset = true
                offset = try parseExpr()
                _ = accept(.rows) || accept(.row)
            } else {
                break
            }
        }
        return Query(with: ctes, body: body, orderBy: orderBy, limit: limit, offset: offset, range: range(from: start))
    }

    static func setPrecedence(_ k: Keyword?) -> Int? {
        switch k {
        case .union, .except: return 1
        case .intersect: return 2
        default: return nil
        }
    }

    mutating func parseSetExpression(minPrecedence: Int) throws(SQLError) -> QueryBody {
        var left = try parseSetOperand()
        while tok.kind == .word, let prec = Parser.setPrecedence(tok.keyword), prec >= minPrecedence {
            let opTok = advance()
            let op: SetOperation.Operator = opTok.keyword == .union ? .union : opTok.keyword == .intersect ? .intersect : .except
            var all = false
            if accept(.all) { all = true } else { _ = accept(.distinct) }
            guard isKeyword(.select) || tok.kind == .leftParen else {
                throw failExpected("SELECT", hint: keywordHint(for: tok, among: ["SELECT"]))
            }
            let right = try parseSetExpression(minPrecedence: prec + 1)
            left = .setOperation(SetOperation(op, all: all, left: left, right: right))
        }
        return left
    }

    mutating func parseSetOperand() throws(SQLError) -> QueryBody {
        if isKeyword(.select) { return .select(try parseSelect()) }
        if tok.kind == .leftParen {
            let open = advance()
            guard isQueryStart(tok) else { throw failExpected("SELECT") }
            let q = try parseQuery()
            try expectClose(open)
            if q.with.isEmpty, q.orderBy.isEmpty, q.limit == nil, q.offset == nil { return q.body }
            return .nested(q)
        }
        if isKeyword(.values) {
            throw SQLError(.unsupported, "VALUES is only supported in INSERT", at: tok.range.start)
        }
        throw failExpected("SELECT", hint: keywordHint(for: tok, among: ["SELECT"]))
    }

    mutating func parseSelect() throws(SQLError) -> Select {
        let start = tok.range.start
        try expect(.select)
        var distinct = false
        if accept(.distinct) {
            distinct = true
            if isKeyword(.on) { throw SQLError(.unsupported, "DISTINCT ON is not supported", at: tok.range.start) }
        } else {
            _ = accept(.all)
        }
        var items: [SelectItem] = []
        repeat { items.append(try parseSelectItem()) } while accept(.comma)
        var from: TableRef?
        if accept(.from) { from = try parseFromClause() }
        var whereClause: Expr?
        if accept(.where) { whereClause = try parseExpr() }
        var groupBy: [Expr] = []
        if accept(.group) {
            try expect(.by, after: "GROUP")
            if isKeyword(.all) { throw SQLError(.unsupported, "GROUP BY ALL is not supported", hint: "list the grouping expressions", at: tok.range.start) }
            repeat { groupBy.append(try parseExpr()) } while accept(.comma)
        }
        var having: Expr?
        if accept(.having) { having = try parseExpr() }
        if isKeyword(.window) {
            throw SQLError(.unsupported, "named windows (WINDOW clause) are not supported", hint: "write OVER (…) in each call", at: tok.range.start)
        }
        return Select(distinct: distinct, items: items, from: from, whereClause: whereClause, groupBy: groupBy, having: having, range: range(from: start))
    }

    mutating func parseSelectItem() throws(SQLError) -> SelectItem {
        let t = tok
        if t.kind == .star {
            advance()
            return .wildcard(table: nil, range: t.range)
        }
        if isName(t), peek(1).kind == .dot, peek(2).kind == .star {
            advance(); advance(); advance()
            return .wildcard(table: nameValue(t), range: range(from: t.range.start))
        }
        let e = try parseExpr()
        return .expr(e, alias: try parseOptionalAlias())
    }

    mutating func parseFromClause() throws(SQLError) -> TableRef {
        var left = try parseTableFactor()
        loop: while true {
            let start = left.range.start
            if accept(.comma) {
                let right = try parseTableFactor()
                left = TableRef(.join(Join(.cross, left: left, right: right)), range: range(from: start))
                continue
            }
            let kind: Join.Kind
            let t = tok
            guard t.kind == .word, let k = t.keyword else { break loop }
            switch k {
            case .join:
                advance()
                kind = .inner
            case .inner:
                advance()
                try expect(.join, after: "INNER")
                kind = .inner
            case .left, .right, .full:
                advance()
                _ = accept(.outer)
                try expect(.join, after: k == .left ? "LEFT" : k == .right ? "RIGHT" : "FULL")
                kind = k == .left ? .left : k == .right ? .right : .full
            case .cross:
                advance()
                try expect(.join, after: "CROSS")
                kind = .cross
            case .natural:
                throw SQLError(.unsupported, "NATURAL JOIN is not supported", hint: "write JOIN … USING (columns) or JOIN … ON …", at: t.range.start)
            default:
                break loop
            }
            let right = try parseTableFactor()
            var condition: Join.Condition?
            if kind == .cross {
                if isKeyword(.on) || isKeyword(.using) {
                    throw fail("CROSS JOIN takes no join condition", hint: "use JOIN … ON … for a conditional join")
                }
            } else if accept(.on) {
                condition = .on(try parseExpr())
            } else if accept(.using) {
                condition = .using(try parseParenthesizedNames("a column name"))
            } else {
                throw failExpected("ON or USING", hint: keywordHint(for: tok, among: ["ON", "USING"])
                    ?? "every join except CROSS JOIN needs ON <condition> or USING (columns)")
            }
            left = TableRef(.join(Join(kind, left: left, right: right, condition: condition)), range: range(from: start))
        }
        return left
    }

    mutating func parseTableFactor() throws(SQLError) -> TableRef {
        try enter()
        defer { depth -= 1 }
        let t = tok
        let start = t.range.start
        if t.kind == .leftParen {
            if isQueryStart(peek(1)) {
                advance()
                let q = try parseQuery()
                try expectClose(t)
                let alias = try parseOptionalAlias()
                return TableRef(.subquery(q, alias: alias), range: range(from: start))
            }
            advance()
            var inner = try parseFromClause()
            try expectClose(t)
            inner.range = range(from: start)
            return inner
        }
        guard isName(t) else {
            if t.kind == .word, t.keyword?.isReserved == true, t.keyword != .select {
                throw failExpected("a table name", hint: "\(t.keyword!.rawValue) is a reserved word; write \"\(text(t).lowercased())\" to use it as a name")
            }
            if isKeyword(.select) {
                throw failExpected("a table name", hint: "a subquery in FROM goes in parentheses: (SELECT …) AS s")
            }
            if t.kind == .string {
                throw failExpected("a table name", hint: "table names are written bare or in double quotes, not in single quotes")
            }
            throw failExpected("a table name")
        }
        advance()
        let name = nameValue(t)
        if tok.kind == .dot {
            throw SQLError(.unsupported, "qualified table names (schema.table) are not supported", at: tok.range.start)
        }
        if tok.kind == .leftParen {
            let open = advance()
            var args: [Expr] = []
            var names: [Name?] = []
            if tok.kind != .rightParen {
                repeat {
                    // `name => value` (PostgreSQL's named notation); `=>` lexes as `=` then `>`.
                    if tok.kind == .word || tok.kind == .quotedIdentifier, peek(1).kind == .equal, peek(2).kind == .greater, peek(1).range.end == peek(2).range.start.offset {
                        names.append(nameValue(advance()))
                        advance(); advance()
                    } else if names.contains(where: { $0 != nil }) {
                        throw SQLError(.syntaxError, "a positional argument cannot follow a named one (name => value)", at: tok.range.start)
                    } else {
                        names.append(nil)
                    }
                    args.append(try parseExpr())
                } while accept(.comma)
            }
            try expectClose(open)
            let alias = try parseOptionalAlias()
            var ref = TableRef(.function(name, arguments: args, alias: alias), range: range(from: start))
            if names.contains(where: { $0 != nil }) { ref.argumentNames = names }
            return ref
        }
        let alias = try parseOptionalAlias()
        return TableRef(.table(name, alias: alias), range: range(from: start))
    }

    mutating func parseOrderList() throws(SQLError) -> [OrderItem] {
        var items: [OrderItem] = []
        repeat {
            let e = try parseExpr()
            var descending = false
            if accept(.desc) { descending = true } else { _ = accept(.asc) }
            var nulls: OrderItem.Nulls?
            if accept(.nulls) {
                if accept(.first) {
                    nulls = .first
                } else if accept(.last) {
                    nulls = .last
                } else {
                    throw failExpected("FIRST or LAST", hint: keywordHint(for: tok, among: ["FIRST", "LAST"]))
                }
            }
            items.append(OrderItem(e, descending: descending, nulls: nulls))
        } while accept(.comma)
        return items
    }

    // MARK: Types

    static let typeSpellings = ["BOOLEAN", "INTEGER", "BIGINT", "DOUBLE", "TIMESTAMP", "VARCHAR", "TEXT", "DATE", "INTERVAL",
                                "SMALLINT", "REAL", "FLOAT", "NUMERIC", "DECIMAL", "INT", "BOOL", "STRING", "TIMESTAMPTZ"]

    mutating func parseTypeName() throws(SQLError) -> TypeName {
        let t = tok
        guard t.kind == .word || t.kind == .quotedIdentifier else { throw failExpected("a type name") }
        advance()
        var spelled = t.kind == .word ? text(t).lowercased() : unquote(t, quote: 34).lowercased()
        if spelled == "double", wordIs(tok, "precision") {
            advance()
            spelled = "double precision"
        } else if spelled == "timestamp", isKeyword(.with) || wordIs(tok, "without"), isKeyword(peek(1), .time), isKeyword(peek(2), .zone) {
            let with = isKeyword(.with)
            advance(); advance(); advance()
            spelled = with ? "timestamp with time zone" : "timestamp"
        } else if spelled == "character" {
            if wordIs(tok, "varying") { advance() }
            spelled = "varchar"
        }
        let type: SQLType
        switch spelled {
        case "date": type = .date
        case "interval": type = .interval
        default:
            guard let dt = DataType(sqlName: spelled) else {
                let hint = NameSuggestion.closest(to: spelled, in: Parser.typeSpellings).map { "did you mean \($0)?" }
                throw SQLError(.unknownType, "unknown type \(text(t))",
                               hint: hint ?? "types are BOOLEAN, INTEGER, BIGINT, DOUBLE, TIMESTAMP and VARCHAR", at: t.range.start)
            }
            type = .data(dt)
        }
        // Length / precision arguments are accepted and ignored: VARCHAR(20), DECIMAL(10, 2).
        if tok.kind == .leftParen {
            let open = advance()
            repeat {
                guard tok.kind == .integer else { throw failExpected("an integer type modifier") }
                advance()
            } while accept(.comma)
            try expectClose(open)
        }
        if tok.kind == .leftBracket, peek(1).kind == .rightBracket {
            throw SQLError(.unsupported, "array types are not supported", at: tok.range.start)
        }
        return TypeName(type, range: range(from: t.range.start))
    }

    // MARK: Expressions

    /// Parses an expression whose operators all bind at least as tightly as `minPrecedence`.
    mutating func parseExpr(_ minPrecedence: Precedence = .or) throws(SQLError) -> Expr {
        try enter()
        let chainedBefore = chained
        defer { depth -= 1; chained = chainedBefore }
        var left = try parsePrefix()
        var lastWasComparison = false
        while true {
            if depth + chained > Parser.maxExpressionDepth {
                throw SQLError(.tooComplex, "the expression is too deep (more than \(Parser.maxExpressionDepth) operators in a chain)",
                               hint: "simplify the expression; long OR chains of equalities can be written x IN (…)", at: tok.range.start)
            }
            let t = tok
            let prec: Precedence
            switch t.kind {
            case .word:
                switch t.keyword {
                case .or: prec = .or
                case .and: prec = .and
                case .is, .in, .between, .like, .ilike: prec = .predicate
                case .not:
                    let n = peek(1)
                    guard isKeyword(n, .in) || isKeyword(n, .between) || isKeyword(n, .like) || isKeyword(n, .ilike) else { return left }
                    prec = .predicate
                case .at:
                    guard isKeyword(peek(1), .time), isKeyword(peek(2), .zone) else { return left }
                    prec = .atTimeZone
                default:
                    return left
                }
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: prec = .comparison
            case .concat: prec = .concat
            case .plus, .minus: prec = .additive
            case .star, .slash, .percent: prec = .multiplicative
            case .doubleColon: prec = .cast
            case .leftBracket: prec = .postfix
            default:
                return left
            }
            if prec < minPrecedence { return left }
            chained += 1
            let start = left.range.start
            switch prec {
            case .comparison:
                if lastWasComparison {
                    throw SQLError(.syntaxError, "comparison operators cannot be chained",
                                   hint: "write a < b AND b < c, or add parentheses", at: t.range.start)
                }
                advance()
                let right = try parseOperand(.predicate)
                left = Expr(.binary(Parser.binaryOperator(t.kind)!, left, right), range: range(from: start))
                lastWasComparison = true
                continue
            case .or, .and, .concat, .additive, .multiplicative:
                advance()
                let op: BinaryOperator = t.kind == .word ? (t.keyword == .or ? .or : .and) : Parser.binaryOperator(t.kind)!
                let right = try parseOperand(Precedence(rawValue: prec.rawValue + 1)!)
                left = Expr(.binary(op, left, right), range: range(from: start))
            case .predicate:
                left = try parsePredicate(left)
            case .atTimeZone:
                advance(); advance(); advance()
                let zone = try parseOperand(.unary)
                left = Expr(.atTimeZone(left, zone: zone), range: range(from: start))
            case .cast:
                advance()
                let type = try parseTypeName()
                left = Expr(.cast(left, type), range: range(from: start))
            case .postfix:
                let open = advance()
                let index = try parseExpr()
                try expectClose(open)
                left = Expr(.subscript(left, index: index), range: range(from: start))
            default:
                return left
            }
            lastWasComparison = false
        }
    }

    /// The right operand of an operator: an expression, or an error naming the operator.
    mutating func parseOperand(_ minPrecedence: Precedence) throws(SQLError) -> Expr {
        try parseExpr(minPrecedence)
    }

    static func binaryOperator(_ kind: TokenKind) -> BinaryOperator? {
        switch kind {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessEqual: return .lessEqual
        case .greater: return .greater
        case .greaterEqual: return .greaterEqual
        case .concat: return .concat
        case .plus: return .add
        case .minus: return .subtract
        case .star: return .multiply
        case .slash: return .divide
        case .percent: return .modulo
        default: return nil
        }
    }

    /// `IS …`, `[NOT] IN`, `[NOT] BETWEEN`, `[NOT] LIKE|ILIKE` applied to `subject`.
    mutating func parsePredicate(_ subject: Expr) throws(SQLError) -> Expr {
        let start = subject.range.start
        if accept(.is) {
            let negated = accept(.not)
            if accept(.null) {
                return Expr(.isNull(subject, negated: negated), range: range(from: start))
            }
            if isKeyword(.true) || isKeyword(.false) {
                // x IS TRUE ≡ x IS NOT DISTINCT FROM TRUE
                let t = advance()
                let value = Expr(.literal(.bool(t.keyword == .true)), range: t.range)
                return Expr(.isDistinctFrom(subject, value, negated: !negated), range: range(from: start))
            }
            if accept(.distinct) {
                try expect(.from, after: "DISTINCT")
                let other = try parseOperand(.concat)
                return Expr(.isDistinctFrom(subject, other, negated: negated), range: range(from: start))
            }
            throw failExpected("NULL, TRUE, FALSE or DISTINCT FROM", hint: keywordHint(for: tok, among: ["NULL", "TRUE", "FALSE", "DISTINCT"]))
        }
        let negated = accept(.not)
        let opTok = advance()
        switch opTok.keyword {
        case .in:
            let open = tok
            guard accept(.leftParen) else {
                throw failExpected("'('", hint: "write IN (value, …) or IN (SELECT …)")
            }
            if isQueryStart(tok) && tok.kind != .leftParen {
                let q = try parseQuery()
                try expectClose(open)
                return Expr(.inSubquery(subject, q, negated: negated), range: range(from: start))
            }
            var items: [Expr] = []
            repeat { items.append(try parseExpr()) } while accept(.comma)
            try expectClose(open)
            return Expr(.inList(subject, items, negated: negated), range: range(from: start))
        case .between:
            if wordIs(tok, "symmetric") {
                throw SQLError(.unsupported, "BETWEEN SYMMETRIC is not supported", at: tok.range.start)
            }
            let low = try parseOperand(.concat)
            try expect(.and, hint: "BETWEEN is written x BETWEEN low AND high")
            let high = try parseOperand(.concat)
            return Expr(.between(subject, low: low, high: high, negated: negated), range: range(from: start))
        default: // LIKE, ILIKE
            let pattern = try parseOperand(.concat)
            var escape: Expr?
            if isKeyword(.escape), peek(1).kind == .string {
                advance()
                escape = try parsePrimary()
            }
            return Expr(.like(subject, pattern: pattern, escape: escape, caseInsensitive: opTok.keyword == .ilike, negated: negated),
                        range: range(from: start))
        }
    }

    mutating func parsePrefix() throws(SQLError) -> Expr {
        let t = tok
        let start = t.range.start
        if isKeyword(.not) {
            advance()
            let operand = try parseExpr(.not)
            return Expr(.unary(.not, operand), range: range(from: start))
        }
        if t.kind == .minus || t.kind == .plus {
            advance()
            let n = tok
            let follower = peek(1).kind
            if n.kind == .integer || n.kind == .decimal, follower != .doubleColon, follower != .leftBracket {
                // Fold the sign into the literal (so -9223372036854775808 fits).
                advance()
                let negative = t.kind == .minus
                let lit: Literal = n.kind == .integer ? .integer(try integerValue(n, negative: negative)) : .double(try doubleValue(n, negative: negative))
                return Expr(.literal(lit), range: range(from: start))
            }
            let operand = try parseExpr(.unary)
            return Expr(.unary(t.kind == .minus ? .minus : .plus, operand), range: range(from: start))
        }
        return try parsePrimary()
    }

    /// Error for a missing operand, naming the token before it.
    func expectedExpression() -> SQLError {
        var hint: String?
        if let prev = previous, prev.kind == .comma,
           tok.kind == .end || tok.kind == .rightParen || (tok.kind == .word && tok.keyword?.isReserved == true) {
            hint = "remove the ',' before \(tok.kind == .end ? "the end" : describeForAfter(tok)), or add an item after it"
        } else if isKeyword(.select) {
            hint = "a subquery goes in parentheses: (SELECT …)"
        }
        return failExpected("an expression", hint: hint)
    }

    mutating func parsePrimary() throws(SQLError) -> Expr {
        let t = tok
        let start = t.range.start
        switch t.kind {
        case .integer:
            advance()
            return Expr(.literal(.integer(try integerValue(t, negative: false))), range: t.range)
        case .decimal:
            advance()
            return Expr(.literal(.double(try doubleValue(t, negative: false))), range: t.range)
        case .string:
            advance()
            return Expr(.literal(.string(unquote(t, quote: 39))), range: t.range)
        case .parameter:
            advance()
            var n = 0
            for c in bytes[(t.range.start.offset + 1)..<t.range.end] { n = n * 10 + Int(c - 48) }
            return Expr(.parameter(n), range: t.range)
        case .leftParen:
            advance()
            if isKeyword(.select) || isKeyword(.with) {
                let q = try parseQuery()
                try expectClose(t)
                return Expr(.subquery(q), range: range(from: start))
            }
            if tok.kind == .rightParen { throw expectedExpression() }
            var e = try parseExpr()
            if tok.kind == .comma {
                throw fail("expected ')' to close the '(' at \(place(of: t))", hint: "row values such as (a, b) are not supported")
            }
            try expectClose(t)
            e.range = range(from: start)
            return e
        case .leftBracket:
            advance()
            var items: [Expr] = []
            if tok.kind != .rightBracket {
                repeat { items.append(try parseExpr()) } while accept(.comma)
            }
            try expectClose(t)
            return Expr(.list(items), range: range(from: start))
        case .word, .quotedIdentifier:
            if t.kind == .word, let k = t.keyword, let e = try parseKeywordPrimary(k) { return e }
            if t.kind == .word, t.keyword == nil, wordIs(t, "timestamptz"), peek(1).kind == .string {
                return try parseTimestampLiteral(isDate: false)
            }
            if t.kind == .word, t.keyword?.isReserved == true {
                throw expectedExpression()
            }
            return try parseNamePrimary()
        case .star:
            throw fail("'*' is only allowed in the select list and in count(*)")
        default:
            throw expectedExpression()
        }
    }

    /// Expressions introduced by a keyword; nil when the word is used as a plain name here.
    mutating func parseKeywordPrimary(_ k: Keyword) throws(SQLError) -> Expr? {
        let t = tok
        let start = t.range.start
        switch k {
        case .true, .false:
            advance()
            return Expr(.literal(.bool(k == .true)), range: t.range)
        case .null:
            advance()
            return Expr(.literal(.null), range: t.range)
        case .case:
            return try parseCase()
        case .cast:
            advance()
            let open = tok
            try expect(.leftParen, hint: "write CAST(value AS type)")
            let value = try parseExpr()
            try expect(.as, hint: "write CAST(value AS type)")
            let type = try parseTypeName()
            try expectClose(open)
            return Expr(.cast(value, type), range: range(from: start))
        case .exists:
            advance()
            let open = tok
            guard accept(.leftParen), isQueryStart(tok) else { throw failExpected("a subquery", hint: "write EXISTS (SELECT …)") }
            let q = try parseQuery()
            try expectClose(open)
            return Expr(.exists(q), range: range(from: start))
        case .extract where peek(1).kind == .leftParen:
            advance()
            let open = advance()
            let f = tok
            guard f.kind == .word || f.kind == .string || f.kind == .quotedIdentifier else { throw failExpected("a field such as YEAR, MONTH, DAY or HOUR") }
            advance()
            let fieldName = f.kind == .string ? unquote(f, quote: 39) : f.kind == .quotedIdentifier ? unquote(f, quote: 34) : text(f)
            guard let field = DateField(name: fieldName) else {
                let hint = NameSuggestion.closest(to: fieldName, in: DateField.allCases.map(\.rawValue)).map { "did you mean \($0.uppercased())?" }
                throw SQLError(.syntaxError, "unknown field \(fieldName) for EXTRACT",
                               hint: hint ?? "fields are YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, DOW, DOY, EPOCH, …", at: f.range.start)
            }
            try expect(.from, after: "EXTRACT(\(field)", hint: "write EXTRACT(\(field) FROM value)")
            let value = try parseExpr()
            try expectClose(open)
            return Expr(.extract(field, value), range: range(from: start))
        case .interval where peek(1).kind == .string || peek(1).kind == .integer || peek(1).kind == .decimal
            || (peek(1).kind == .minus && (peek(2).kind == .integer || peek(2).kind == .decimal)):
            return try parseIntervalLiteral()
        case .timestamp, .date:
            guard peek(1).kind == .string else { return nil }
            return try parseTimestampLiteral(isDate: k == .date)
        case .left, .right:
            guard peek(1).kind == .leftParen else { return nil }
            return try parseNamePrimary()
        case .select:
            throw fail("a subquery must be in parentheses", hint: "write (SELECT …)")
        default:
            return nil
        }
    }

    /// `TIMESTAMP '…'`, `TIMESTAMPTZ '…'`, `DATE '…'` (midnight UTC).
    mutating func parseTimestampLiteral(isDate: Bool) throws(SQLError) -> Expr {
        let start = advance().range.start
        let s = advance()
        let value = unquote(s, quote: 39)
        guard let micros = Parser.parseTimestamp(value) else {
            throw SQLError(.invalidLiteral, "invalid \(isDate ? "date" : "timestamp") '\(value)'",
                           hint: isDate ? "write dates as 'YYYY-MM-DD'" : "write timestamps as 'YYYY-MM-DD HH:MM:SS', optionally with a UTC offset such as +02:00",
                           at: s.range.start)
        }
        let v = isDate ? Timestamp.floorDivMod(micros, Timestamp.microsPerDay).0 * Timestamp.microsPerDay : micros
        return Expr(.literal(.timestamp(v)), range: range(from: start))
    }

    /// `TIMESTAMP` text: valid calendar dates only.
    static func parseTimestamp(_ s: String) -> Int64? {
        guard let micros = Timestamp.parse(s) else { return nil }
        let b = Array(s.utf8.prefix(10))
        guard b.count == 10 else { return nil }
        func num(_ r: Range<Int>) -> Int64 { r.reduce(0) { $0 * 10 + Int64(b[$1] - 48) } }
        let y = num(0..<4), m = num(5..<7), d = num(8..<10)
        let back = Timestamp.civilFromDays(Timestamp.daysFromCivil(y, m, d))
        guard back.year == y, back.month == m, back.day == d else { return nil }
        return micros
    }

    /// `INTERVAL '7 days'`, `INTERVAL '7' DAY`, `INTERVAL 7 DAY`, `INTERVAL -1.5 HOURS`.
    mutating func parseIntervalLiteral() throws(SQLError) -> Expr {
        let start = tok.range.start
        advance()
        let valueTok = tok
        var text: String
        let isString = valueTok.kind == .string
        if isString {
            advance()
            text = unquote(valueTok, quote: 39)
        } else {
            var sign = ""
            if accept(.minus) { sign = "-" }
            text = sign + self.text(advance())
        }
        // A unit after the literal: required after a bare number, allowed after a quoted number.
        var unit: TimeUnit?
        if tok.kind == .word, let u = TimeUnit(name: self.text(tok)), !isString || Parser.isPlainNumber(text) {
            advance()
            unit = u
        } else if !isString {
            throw failExpected("a unit such as DAY, HOUR or MINUTE", hint: "write INTERVAL \(text) DAY or INTERVAL '\(text) days'")
        }
        do {
            let iv = try Interval.parse(text, defaultUnit: unit ?? .second)
            return Expr(.literal(.interval(iv)), range: range(from: start))
        } catch {
            throw SQLError(.invalidLiteral, "invalid interval '\(text)': \(error.message)", hint: error.hint, at: valueTok.range.start)
        }
    }

    static func isPlainNumber(_ s: String) -> Bool {
        var sawDigit = false
        for (i, c) in s.utf8.enumerated() {
            if c >= 48 && c <= 57 { sawDigit = true; continue }
            if c == 46 { continue }
            if (c == 45 || c == 43) && i == 0 { continue }
            if c == 32 { continue }
            return false
        }
        return sawDigit
    }

    /// A column reference or a function call starting at a name.
    mutating func parseNamePrimary() throws(SQLError) -> Expr {
        let t = advance()
        let start = t.range.start
        let first = nameValue(t)
        if tok.kind == .leftParen {
            return try parseFunctionCall(name: first)
        }
        if t.kind == .word, tok.kind != .dot,
           wordIs(t, "current_timestamp") || wordIs(t, "current_date") || wordIs(t, "current_time") || wordIs(t, "localtimestamp") {
            return Expr(.function(FunctionCall(name: first)), range: t.range)
        }
        if accept(.dot) {
            if tok.kind == .star {
                throw fail("\(first.value).* is only allowed in the select list")
            }
            let second = try parseName("a column name")
            if tok.kind == .dot {
                throw SQLError(.syntaxError, "too many dots in \(first.value).\(second.value).…",
                               hint: "columns are written column or table.column", at: tok.range.start)
            }
            if tok.kind == .leftParen {
                throw SQLError(.syntaxError, "qualified function names are not supported", at: start)
            }
            return Expr(.column(ColumnRef(table: first, name: second)), range: range(from: start))
        }
        return Expr(.column(ColumnRef(name: first)), range: t.range)
    }

    mutating func parseFunctionCall(name: Name) throws(SQLError) -> Expr {
        let start = name.range.start
        let open = advance()
        var call = FunctionCall(name: name)
        if tok.kind == .star {
            advance()
            call.isStar = true
            try expectClose(open)
        } else if tok.kind == .rightParen {
            advance()
        } else {
            if accept(.distinct) { call.distinct = true } else { _ = accept(.all) }
            if tok.kind == .star {
                throw fail("'*' cannot follow DISTINCT", hint: "count(DISTINCT *) is not supported; name a column")
            }
            repeat { call.arguments.append(try parseExpr()) } while accept(.comma)
            if accept(.order) {
                try expect(.by, after: "ORDER")
                call.orderBy = try parseOrderList()
            }
            try expectClose(open)
        }
        if isKeyword(.within), isKeyword(peek(1), .group) {
            advance(); advance()
            let o = tok
            try expect(.leftParen, hint: "write WITHIN GROUP (ORDER BY x)")
            try expect(.order, hint: "write WITHIN GROUP (ORDER BY x)")
            try expect(.by, after: "ORDER")
            call.withinGroup = try parseOrderList()
            try expectClose(o)
        }
        if isKeyword(.filter), peek(1).kind == .leftParen {
            advance()
            let o = advance()
            try expect(.where, hint: "write FILTER (WHERE condition)")
            call.filter = try parseExpr()
            try expectClose(o)
        }
        if accept(.over) {
            if isName(tok) {
                throw SQLError(.unsupported, "named windows are not supported", hint: "write OVER (PARTITION BY … ORDER BY …)", at: tok.range.start)
            }
            call.over = try parseWindowSpec()
        }
        return Expr(.function(call), range: range(from: start))
    }

    mutating func parseWindowSpec() throws(SQLError) -> WindowSpec {
        let open = tok
        try expect(.leftParen, hint: "write OVER (PARTITION BY … ORDER BY …)")
        var spec = WindowSpec()
        if accept(.partition) {
            try expect(.by, after: "PARTITION")
            repeat { spec.partitionBy.append(try parseExpr()) } while accept(.comma)
        }
        if accept(.order) {
            try expect(.by, after: "ORDER")
            spec.orderBy = try parseOrderList()
        }
        if isKeyword(.rows) || isKeyword(.range) || isKeyword(.groups) {
            let ut = advance()
            let unit: WindowFrame.Unit = ut.keyword == .rows ? .rows : ut.keyword == .range ? .range : .groups
            let fstart = ut.range.start
            if accept(.between) {
                let s = try parseFrameBound()
                try expect(.and, hint: "write BETWEEN start AND end")
                let endTok = tok
                let e = try parseFrameBound()
                if s == .unboundedFollowing { throw SQLError(.syntaxError, "frame start cannot be UNBOUNDED FOLLOWING", at: fstart) }
                if e == .unboundedPreceding { throw SQLError(.syntaxError, "frame end cannot be UNBOUNDED PRECEDING", at: endTok.range.start) }
                spec.frame = WindowFrame(unit: unit, start: s, end: e, range: range(from: fstart))
            } else {
                let s = try parseFrameBound()
                if s == .unboundedFollowing { throw SQLError(.syntaxError, "frame start cannot be UNBOUNDED FOLLOWING", at: fstart) }
                if case .following = s { throw SQLError(.syntaxError, "a frame written without BETWEEN cannot start after the current row", at: fstart) }
                spec.frame = WindowFrame(unit: unit, start: s, range: range(from: fstart))
            }
        }
        try expectClose(open)
        spec.range = range(from: open.range.start)
        return spec
    }

    mutating func parseFrameBound() throws(SQLError) -> FrameBound {
        if accept(.unbounded) {
            if accept(.preceding) { return .unboundedPreceding }
            if accept(.following) { return .unboundedFollowing }
            throw failExpected("PRECEDING or FOLLOWING", hint: keywordHint(for: tok, among: ["PRECEDING", "FOLLOWING"]))
        }
        if accept(.current) {
            try expect(.row, after: "CURRENT")
            return .currentRow
        }
        if tok.kind == .rightParen || tok.kind == .end || isKeyword(.and) {
            throw failExpected("UNBOUNDED PRECEDING, n PRECEDING, CURRENT ROW, n FOLLOWING or UNBOUNDED FOLLOWING")
        }
        let e = try parseOperand(.concat)
        if accept(.preceding) { return .preceding(e) }
        if accept(.following) { return .following(e) }
        throw failExpected("PRECEDING or FOLLOWING", hint: keywordHint(for: tok, among: ["PRECEDING", "FOLLOWING"]))
    }

    mutating func parseCase() throws(SQLError) -> Expr {
        let caseTok = advance()
        let start = caseTok.range.start
        var operand: Expr?
        if !isKeyword(.when) {
            if isKeyword(Keyword.end) || isKeyword(.else) { throw failExpected("WHEN", hint: "CASE needs at least one WHEN … THEN …") }
            operand = try parseExpr()
        }
        var whens: [CaseExpr.When] = []
        while accept(.when) {
            let c = try parseExpr()
            try expect(.then, hint: "write WHEN condition THEN result")
            let r = try parseExpr()
            whens.append(CaseExpr.When(condition: c, result: r))
        }
        if whens.isEmpty {
            throw failExpected("WHEN", hint: keywordHint(for: tok, among: ["WHEN"]) ?? "CASE needs at least one WHEN … THEN …")
        }
        var elseResult: Expr?
        if accept(.else) { elseResult = try parseExpr() }
        guard accept(Keyword.end) else {
            throw fail("expected END to close the CASE at \(place(of: caseTok))", hint: keywordHint(for: tok, among: ["END", "WHEN", "ELSE"]))
        }
        return Expr(.caseWhen(CaseExpr(operand: operand, whens: whens, elseResult: elseResult)), range: range(from: start))
    }

    // MARK: Numbers

    func integerValue(_ t: Token, negative: Bool) throws(SQLError) -> Int64 {
        var v: UInt64 = 0
        var overflow = false
        for c in bytes[t.range.start.offset..<t.range.end] {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(c - 48))
            if o1 || o2 { overflow = true; break }
            v = s
        }
        let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        if overflow || v > limit {
            throw SQLError(.invalidLiteral, "integer \(negative ? "-" : "")\(text(t)) is out of range",
                           hint: "integers must lie between -9223372036854775808 and 9223372036854775807; write a decimal point for a DOUBLE",
                           at: t.range.start)
        }
        return negative ? Int64(bitPattern: 0 &- v) : Int64(v)
    }

    func doubleValue(_ t: Token, negative: Bool) throws(SQLError) -> Double {
        guard let d = Double(text(t)), d.isFinite else {
            throw SQLError(.invalidLiteral, "number \(text(t)) is out of range", at: t.range.start)
        }
        return negative ? -d : d
    }
}
