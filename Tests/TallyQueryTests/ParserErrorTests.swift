import Testing
@testable import TallyQuery

/// One expected error: code, message, line, column and (optionally) hint.
struct ErrorCase: CustomTestStringConvertible, Sendable {
    var sql: String
    var code: SQLError.Code
    var message: String
    var line: Int
    var column: Int
    var hint: String?

    init(_ sql: String, _ message: String, _ line: Int, _ column: Int, hint: String? = nil) {
        self.init(sql, .syntaxError, message, line, column, hint: hint)
    }

    init(_ sql: String, _ code: SQLError.Code, _ message: String, _ line: Int, _ column: Int, hint: String? = nil) {
        self.sql = sql
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint
    }

    var testDescription: String { sql }
}

@Suite struct ParserErrorTests {
    static let cases: [ErrorCase] = [
        // Misspelt keywords.
        ErrorCase("SELECT x FORM t", "syntax error at or near \"FORM\"", 1, 10, hint: "did you mean FROM?"),
        ErrorCase("SELECT x FROM t WHER x = 1", "syntax error at or near \"WHER\"", 1, 17, hint: "did you mean WHERE?"),
        ErrorCase("SELECT x FROM t LIMT 5", "syntax error at or near \"LIMT\"", 1, 17, hint: "did you mean LIMIT?"),
        ErrorCase("SELCT 1", "syntax error at or near \"SELCT\"", 1, 1, hint: "did you mean SELECT?"),
        ErrorCase("SELECT a FROM t GROUP BYY a", "expected BY after GROUP", 1, 23, hint: "did you mean BY?"),
        ErrorCase("SELECT a FROM t ORDR BY a", "syntax error at or near \"ORDR\"", 1, 17, hint: "did you mean ORDER?"),
        ErrorCase("SELECT a FROM t WHERE a = 1 ODER BY a", "syntax error at or near \"ODER\"", 1, 29, hint: "did you mean ORDER?"),
        ErrorCase("SELECT a FROM t x JION u ON x.a = u.a", "syntax error at or near \"JION\"", 1, 19, hint: "did you mean JOIN?"),
        ErrorCase("SELECT a FROM t ORDER BY a NULLS FIRTS", "expected FIRST or LAST after NULLS", 1, 34, hint: "did you mean FIRST?"),
        ErrorCase("DROP TABEL t", "expected TABLE or MATERIALIZED VIEW after DROP", 1, 6, hint: "did you mean TABLE?"),
        ErrorCase("SHOW TABLE", "expected TABLES after SHOW", 1, 6, hint: "did you mean TABLES?"),
        ErrorCase("INSERT INTO t VALUE (1)", "expected VALUES or a query after \"t\"", 1, 15, hint: "did you mean VALUES?"),
        // Missing operands.
        ErrorCase("SELECT 1 +", "expected an expression after '+'", 1, 11),
        ErrorCase("SELECT 1 + FROM t", "expected an expression after '+'", 1, 12),
        ErrorCase("SELECT a * FROM t", "expected an expression after '*'", 1, 12),
        ErrorCase("SELECT a FROM t WHERE", "expected an expression after WHERE", 1, 22),
        ErrorCase("SELECT a FROM t WHERE a = ", "expected an expression after '='", 1, 26),
        ErrorCase("SELECT a FROM t WHERE a AND", "expected an expression after AND", 1, 28),
        ErrorCase("SELECT a FROM t WHERE NOT", "expected an expression after NOT", 1, 26),
        ErrorCase("SELECT FROM t", "expected an expression after SELECT", 1, 8),
        ErrorCase("SELECT", "expected an expression after SELECT", 1, 7),
        ErrorCase("SELECT a, FROM t", "expected an expression after ','", 1, 11, hint: "remove the ',' before FROM, or add an item after it"),
        ErrorCase("SELECT a,", "expected an expression after ','", 1, 10, hint: "remove the ',' before the end, or add an item after it"),
        ErrorCase("SELECT f(a,)", "expected an expression after ','", 1, 12, hint: "remove the ',' before ')', or add an item after it"),
        ErrorCase("SELECT ()", "expected an expression after '('", 1, 9),
        ErrorCase("SELECT a FROM t GROUP BY", "expected an expression after BY", 1, 25),
        ErrorCase("SELECT a BETWEEN 1", "expected AND after \"1\"", 1, 19, hint: "BETWEEN is written x BETWEEN low AND high"),
        ErrorCase("SELECT a IN 1", "expected '(' after IN", 1, 13, hint: "write IN (value, …) or IN (SELECT …)"),
        ErrorCase("SELECT a IS 5", "expected NULL, TRUE, FALSE or DISTINCT FROM after IS", 1, 13),
        ErrorCase("SELECT a LIKE", "expected an expression after LIKE", 1, 14),
        ErrorCase("SELECT * FROM", "expected a table name after FROM", 1, 14),
        ErrorCase("SELECT * FROM WHERE x", "expected a table name after FROM", 1, 15, hint: "WHERE is a reserved word; write \"where\" to use it as a name"),
        ErrorCase("SELECT * FROM 'agents'", "expected a table name after FROM", 1, 15, hint: "table names are written bare or in double quotes, not in single quotes"),
        ErrorCase("SELECT * FROM SELECT", "expected a table name after FROM", 1, 15, hint: "a subquery in FROM goes in parentheses: (SELECT …) AS s"),
        ErrorCase("SELECT * FROM a JOIN b", "expected ON or USING after \"b\"", 1, 23, hint: "every join except CROSS JOIN needs ON <condition> or USING (columns)"),
        ErrorCase("SELECT * FROM a JOIN b WHERE x", "expected ON or USING after \"b\"", 1, 24, hint: "every join except CROSS JOIN needs ON <condition> or USING (columns)"),
        ErrorCase("SELECT * FROM a CROSS JOIN b ON a.x = b.x", "CROSS JOIN takes no join condition", 1, 30, hint: "use JOIN … ON … for a conditional join"),
        ErrorCase("SELECT x AS FROM t", "expected an alias after AS", 1, 13, hint: "FROM is a reserved word; write \"from\" to use it as a name"),
        ErrorCase("SELECT x AS 'y' FROM t", "expected a name after AS", 1, 13, hint: "aliases are names: write \"y\" in double quotes, not single quotes"),
        // Unclosed things.
        ErrorCase("SELECT (1 + 2", "expected ')' to close the '(' at column 8", 1, 14),
        ErrorCase("SELECT (1 + 2 FROM t", "expected ')' to close the '(' at column 8", 1, 15),
        ErrorCase("SELECT count(x FROM t", "expected ')' to close the '(' at column 13", 1, 16),
        ErrorCase("SELECT a FROM t WHERE a IN (1, 2", "expected ')' to close the '(' at column 28", 1, 33),
        ErrorCase("SELECT [1, 2", "expected ']' to close the '[' at column 8", 1, 13),
        ErrorCase("SELECT CASE WHEN a THEN 1", "expected END to close the CASE at column 8", 1, 26),
        ErrorCase("SELECT CASE END", "expected WHEN after CASE", 1, 13, hint: "CASE needs at least one WHEN … THEN …"),
        ErrorCase("SELECT CASE WHEN a 1 END", "expected THEN after \"a\"", 1, 20, hint: "write WHEN condition THEN result"),
        ErrorCase("SELECT CAST(a INT)", "expected AS after \"a\"", 1, 15, hint: "write CAST(value AS type)"),
        ErrorCase("SELECT (SELECT 1", "expected ')' to close the '(' at column 8", 1, 17),
        // Lexical errors.
        ErrorCase("SELECT 'abc", "unterminated string literal", 1, 8, hint: "close the string with ' (write '' for a quote inside it)"),
        ErrorCase("SELECT 'it's'", "unterminated string literal", 1, 13, hint: "close the string with ' (write '' for a quote inside it)"),
        ErrorCase("SELECT \"abc", "unterminated quoted identifier", 1, 8, hint: "close the name with \" (write \"\" for a quote inside it)"),
        ErrorCase("SELECT \"\" FROM t", "empty quoted identifier \"\"", 1, 8),
        ErrorCase("SELECT 1 /* never closed", "unterminated /* comment", 1, 10, hint: "close the comment with */"),
        ErrorCase("SELECT 1 /* a /* b */", "unterminated /* comment", 1, 10, hint: "close the comment with */"),
        ErrorCase("SELECT 12abc", "invalid number 12abc", 1, 8, hint: "put a space between a number and a name"),
        ErrorCase("SELECT 1e", "invalid number 1e", 1, 8, hint: "put a space between a number and a name"),
        ErrorCase("SELECT # FROM t", "unexpected character '#'", 1, 8),
        ErrorCase("SELECT `a` FROM t", "unexpected character '`'", 1, 8, hint: "quote names with double quotes: \"name\""),
        ErrorCase("\\d agents", "unexpected character '\\'", 1, 1, hint: "backslash commands such as \\d are REPL commands, not SQL"),
        ErrorCase("SELECT * FROM t WHERE a = ?", "unexpected character '?'", 1, 27, hint: "parameters are written $1, $2, …"),
        ErrorCase("SELECT a | b", "unexpected character '|'", 1, 10, hint: "use || to concatenate strings, OR for a logical or"),
        ErrorCase("SELECT a ! b", "unexpected character '!'", 1, 10, hint: "use NOT for negation and <> or != for inequality"),
        ErrorCase("SELECT $", "expected a parameter number after '$'", 1, 8, hint: "parameters are written $1, $2, …"),
        ErrorCase("SELECT $0", "parameters are numbered from $1", 1, 8),
        ErrorCase("SELECT ‘x’", "unexpected character '‘'", 1, 8, hint: "use straight single quotes (') around strings"),
        // Literals.
        ErrorCase("SELECT 9223372036854775808", .invalidLiteral, "integer 9223372036854775808 is out of range", 1, 8,
                  hint: "integers must lie between -9223372036854775808 and 9223372036854775807; write a decimal point for a DOUBLE"),
        ErrorCase("SELECT -9223372036854775809", .invalidLiteral, "integer -9223372036854775809 is out of range", 1, 9,
                  hint: "integers must lie between -9223372036854775808 and 9223372036854775807; write a decimal point for a DOUBLE"),
        ErrorCase("SELECT 1e999", .invalidLiteral, "number 1e999 is out of range", 1, 8),
        ErrorCase("SELECT TIMESTAMP '2025-13-01'", .invalidLiteral, "invalid timestamp '2025-13-01'", 1, 18,
                  hint: "write timestamps as 'YYYY-MM-DD HH:MM:SS', optionally with a UTC offset such as +02:00"),
        ErrorCase("SELECT TIMESTAMP '2025-02-30 00:00:00'", .invalidLiteral, "invalid timestamp '2025-02-30 00:00:00'", 1, 18,
                  hint: "write timestamps as 'YYYY-MM-DD HH:MM:SS', optionally with a UTC offset such as +02:00"),
        ErrorCase("SELECT DATE 'yesterday'", .invalidLiteral, "invalid date 'yesterday'", 1, 13, hint: "write dates as 'YYYY-MM-DD'"),
        ErrorCase("SELECT INTERVAL '7 dayz'", .invalidLiteral, "invalid interval '7 dayz': unknown unit 'dayz'", 1, 17, hint: "did you mean days?"),
        ErrorCase("SELECT INTERVAL 'soon'", .invalidLiteral, "invalid interval 'soon': expected a number before 'soon'", 1, 17, hint: "write it as '1 soon'"),
        ErrorCase("SELECT INTERVAL ''", .invalidLiteral, "invalid interval '': empty interval", 1, 17, hint: "write a number and a unit, e.g. '7 days'"),
        ErrorCase("SELECT INTERVAL 7", "expected a unit such as DAY, HOUR or MINUTE after \"7\"", 1, 18, hint: "write INTERVAL 7 DAY or INTERVAL '7 days'"),
        ErrorCase("SELECT INTERVAL 7 fortnights", "expected a unit such as DAY, HOUR or MINUTE after \"7\"", 1, 19, hint: "write INTERVAL 7 DAY or INTERVAL '7 days'"),
        ErrorCase("SELECT EXTRACT(fortnight FROM ts)", "unknown field fortnight for EXTRACT", 1, 16,
                  hint: "fields are YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, DOW, DOY, EPOCH, …"),
        ErrorCase("SELECT EXTRACT(hour ts)", "expected FROM after EXTRACT(HOUR", 1, 21, hint: "write EXTRACT(HOUR FROM value)"),
        // Types.
        ErrorCase("SELECT CAST(a AS uuid)", .unknownType, "unknown type uuid", 1, 18, hint: "types are BOOLEAN, INTEGER, BIGINT, DOUBLE, TIMESTAMP and VARCHAR"),
        ErrorCase("SELECT a::intger", .unknownType, "unknown type intger", 1, 11, hint: "did you mean INTEGER?"),
        ErrorCase("CREATE TABLE t (a VARCHR)", .unknownType, "unknown type VARCHR", 1, 19, hint: "did you mean VARCHAR?"),
        ErrorCase("CREATE TABLE t (a)", "expected a type for column a", 1, 18, hint: "e.g. a BIGINT, VARCHAR, DOUBLE, TIMESTAMP or BOOLEAN"),
        ErrorCase("CREATE TABLE t (a INT NOT NUL)", "expected NULL after NOT", 1, 27, hint: "did you mean NULL?"),
        ErrorCase("CREATE TABLE t (a INT NULL NOT NULL)", "conflicting NULL/NOT NULL declarations for column a", 1, 28),
        ErrorCase("CREATE TABLE t (a INT b INT)", "expected ',' or ')' after the definition of column a", 1, 23),
        ErrorCase("CREATE TABLE t (a INT,)", "expected a column name after ','", 1, 23),
        ErrorCase("CREATE TABLE t a INT", "expected '(' after \"t\"", 1, 16, hint: "list the columns: CREATE TABLE t (id BIGINT, …)"),
        ErrorCase("CREATE TABEL t (a INT)", "expected TABLE or MATERIALIZED VIEW after CREATE", 1, 8, hint: "did you mean TABLE?"),
        ErrorCase("CREATE TABLE t (a INT) WITH ttl = 1", "expected '(' after WITH", 1, 29, hint: "options are written WITH (name = value, …)"),
        // Structure.
        ErrorCase("SELECT 1 2", "syntax error at or near \"2\"", 1, 10),
        ErrorCase("SELECT a b c FROM t", "syntax error at or near \"c\"", 1, 12),
        ErrorCase("SELECT a FROM t t2 t3", "syntax error at or near \"t3\"", 1, 20),
        ErrorCase("SELECT 1 < 2 < 3", "comparison operators cannot be chained", 1, 14, hint: "write a < b AND b < c, or add parentheses"),
        ErrorCase("SELECT a = b = c", "comparison operators cannot be chained", 1, 14, hint: "write a < b AND b < c, or add parentheses"),
        ErrorCase("SELECT * FROM t LIMIT 10, 20", "syntax error at or near \",\"", 1, 25, hint: "write LIMIT n OFFSET m"),
        ErrorCase("SELECT a FROM t WHERE a IN (1, 2) )", "syntax error at or near \")\"", 1, 35),
        ErrorCase("SELECT SELECT 1", "a subquery must be in parentheses", 1, 8, hint: "write (SELECT …)"),
        ErrorCase("SELECT a.b.c FROM t", "too many dots in a.b.…", 1, 11, hint: "columns are written column or table.column"),
        ErrorCase("SELECT t.* + 1 FROM t", "syntax error at or near \"+\"", 1, 12),
        ErrorCase("SELECT a FROM t WHERE t.* = 1", "t.* is only allowed in the select list", 1, 25),
        ErrorCase("SELECT sum(*) + * FROM t", "'*' is only allowed in the select list and in count(*)", 1, 17),
        ErrorCase("SELECT count(DISTINCT *) FROM t", "'*' cannot follow DISTINCT", 1, 23, hint: "count(DISTINCT *) is not supported; name a column"),
        ErrorCase("SELECT (1, 2)", "expected ')' to close the '(' at column 8", 1, 10, hint: "row values such as (a, b) are not supported"),
        ErrorCase("SELECT sum(x) OVER (ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW)", "frame start cannot be UNBOUNDED FOLLOWING", 1, 21),
        ErrorCase("SELECT sum(x) OVER (ROWS BETWEEN CURRENT ROW AND UNBOUNDED PRECEDING)", "frame end cannot be UNBOUNDED PRECEDING", 1, 50),
        ErrorCase("SELECT sum(x) OVER (ROWS BETWEEN 1 PRECEDING)", "expected AND after PRECEDING", 1, 45, hint: "write BETWEEN start AND end"),
        ErrorCase("SELECT sum(x) OVER (ROWS 1)", "expected PRECEDING or FOLLOWING after \"1\"", 1, 27),
        ErrorCase("SELECT sum(x) FILTER (a > 1) FROM t", "expected WHERE after '('", 1, 23, hint: "write FILTER (WHERE condition)"),
        ErrorCase("SELECT p WITHIN GROUP (x)", "expected BY after GROUP", 1, 23), // WITHIN is an alias here
        ErrorCase("SELECT percentile_cont(0.5) WITHIN GROUP (x)", "expected ORDER after '('", 1, 43, hint: "write WITHIN GROUP (ORDER BY x)"),
        ErrorCase("SELECT 1 UNION", "expected SELECT after UNION", 1, 15),
        ErrorCase("SELECT 1 UNION ALL 2", "expected SELECT after ALL", 1, 20),
        ErrorCase("WITH x AS SELECT 1 SELECT 2", "expected '(' after AS", 1, 11, hint: "the query of a WITH goes in parentheses: x AS (SELECT …)"),
        ErrorCase("WITH x AS (SELECT 1)", "expected SELECT after ')'", 1, 21, hint: "a WITH clause is followed by the main query"),
        ErrorCase("INSERT t VALUES (1)", "expected INTO after INSERT", 1, 8),
        ErrorCase("INSERT INTO t VALUES (1, 2), (3)", "VALUES lists must all be the same length", 1, 30, hint: "this row has 1 value but the first has 2"),
        ErrorCase("INSERT INTO t (a, b) VALUES (1)", "INSERT has 2 target columns but 1 value", 1, 29),
        ErrorCase("COPY t FROM data.csv", "expected a file name in single quotes after FROM", 1, 13),
        ErrorCase("COPY t", "expected FROM or TO after \"t\"", 1, 7),
        ErrorCase("COPY (SELECT 1) FROM 'x'", "cannot COPY into a query", 1, 17,
                  hint: "COPY (query) TO 'file' writes a query's result; COPY t FROM 'file' loads a table"),
        ErrorCase("EXPLAIN", "syntax error at end of input", 1, 8,
                  hint: "a statement starts with SELECT, WITH, INSERT, CREATE, DROP, COPY, SHOW, DESCRIBE, EXPLAIN, PREPARE, EXECUTE or DEALLOCATE"),
        ErrorCase("PREPARE q SELECT 1", "expected AS after \"q\"", 1, 11, hint: "write PREPARE q AS SELECT …"),
        ErrorCase("FROM t SELECT a", "syntax error at or near \"FROM\"", 1, 1,
                  hint: "a statement starts with SELECT, WITH, INSERT, CREATE, DROP, COPY, SHOW, DESCRIBE, EXPLAIN, PREPARE, EXECUTE or DEALLOCATE"),
        ErrorCase("SELECT 1; SELECT 2", "expected a single statement, but another one follows the ';'", 1, 11,
                  hint: "run the statements one at a time, or as a script"),
        // Unsupported (valid elsewhere, not here).
        ErrorCase("WITH RECURSIVE x AS (SELECT 1) SELECT 1", .unsupported, "WITH RECURSIVE is not supported", 1, 6),
        ErrorCase("SELECT DISTINCT ON (a) a FROM t", .unsupported, "DISTINCT ON is not supported", 1, 17),
        ErrorCase("SELECT a FROM t NATURAL JOIN u", .unsupported, "NATURAL JOIN is not supported", 1, 17,
                  hint: "write JOIN … USING (columns) or JOIN … ON …"),
        ErrorCase("SELECT a FROM s.t", .unsupported, "qualified table names (schema.table) are not supported", 1, 16),
        ErrorCase("SELECT a FROM t GROUP BY ALL", .unsupported, "GROUP BY ALL is not supported", 1, 26, hint: "list the grouping expressions"),
        ErrorCase("SELECT rank() OVER w FROM t", .unsupported, "named windows are not supported", 1, 20,
                  hint: "write OVER (PARTITION BY … ORDER BY …)"),
        ErrorCase("CREATE VIEW v AS SELECT 1", .unsupported, "plain views are not supported", 1, 8, hint: "use CREATE MATERIALIZED VIEW"),
        ErrorCase("CREATE TABLE t (a INT PRIMARY KEY)", .unsupported, "column constraints other than NOT NULL are not supported", 1, 23,
                  hint: "Tally tables have no keys or constraints"),
        ErrorCase("CREATE TABLE t (a INT DEFAULT 0)", .unsupported, "column defaults are not supported", 1, 23, hint: "columns without a value are NULL"),
        ErrorCase("CREATE TABLE t (a INT, PRIMARY KEY (a))", .unsupported, "table constraints are not supported", 1, 24,
                  hint: "Tally tables have no keys or constraints; NOT NULL marks required columns"),
        ErrorCase("COPY t FROM STDIN", .unsupported, "COPY STDIN is not supported", 1, 13, hint: "name a file in single quotes"),
        ErrorCase("SELECT CAST(a AS INT[])", .unsupported, "array types are not supported", 1, 21),
        ErrorCase("CREATE TABLE t (a INT) WITH (ttl = 400 days)", "expected ',' or ')' after the value of option ttl", 1, 40,
                  hint: "write intervals in quotes: ttl = '400 days'"),
        ErrorCase("COPY t FROM 'x' (DELIMITER ',' HEADER)", "expected ',' or ')' after the value of option DELIMITER", 1, 32),
        ErrorCase("UPDATE agents SET name = 'x'", .unsupported, "UPDATE is not supported", 1, 1,
                  hint: "Tally tables are append-only: rows leave by retention (WITH (ttl = …)) or DROP TABLE"),
        ErrorCase("delete from agents", .unsupported, "DELETE is not supported", 1, 1,
                  hint: "Tally tables are append-only: rows leave by retention (WITH (ttl = …)) or DROP TABLE"),
        ErrorCase("ALTER TABLE t ADD COLUMN x INT", .unsupported, "ALTER is not supported", 1, 1,
                  hint: "create a new table and INSERT INTO it SELECT … FROM the old one"),
        // Multi-line positions.
        ErrorCase("SELECT a,\n       b +\nFROM t", "expected an expression after '+'", 3, 1),
        ErrorCase("SELECT a,\n       b +\n", "expected an expression after '+'", 2, 11),
        ErrorCase("SELECT a\nFROM t\nWHERE x = 'open\n", "unterminated string literal", 3, 11,
                  hint: "close the string with ' (write '' for a quote inside it)"),
        ErrorCase("SELECT a\n  FROM t\n  WHER a = 1", "syntax error at or near \"WHER\"", 3, 3, hint: "did you mean WHERE?"),
        ErrorCase("SELECT 'é', ö FORM t", "syntax error at or near \"FORM\"", 1, 15, hint: "did you mean FROM?"),
        ErrorCase("SELECT a -- comment\nFROM t WHERE", "expected an expression after WHERE", 2, 13),
        ErrorCase("SELECT 1 + -- trailing comment\n", "expected an expression after '+'", 1, 11),
        ErrorCase("/* header */\nSELECT a FROM t WHERE a IN (1,\n  2\n", "expected ')' to close the '(' at line 2, column 28", 3, 4),
    ]

    @Test(arguments: cases)
    func error(_ c: ErrorCase) {
        guard let e = parseError(c.sql) else { return }
        #expect(e.code == c.code, "\(c.sql)")
        #expect(e.message == c.message, "\(c.sql)")
        #expect(e.position?.line == c.line, "\(c.sql): \(e.render(source: c.sql))")
        #expect(e.position?.column == c.column, "\(c.sql): \(e.render(source: c.sql))")
        #expect(e.hint == c.hint, "\(c.sql)")
        if let p = e.position {
            #expect(SourcePosition(offset: p.offset, in: c.sql) == p, "offset, line and column agree for \(c.sql)")
        }
    }

    @Test func emptyStatements() {
        for sql in ["", "   ", ";", " ; ;", "-- just a comment", "/* block */"] {
            do {
                _ = try Parser.parse(sql)
                Issue.record("expected an error for '\(sql)'")
            } catch {
                #expect(error.code == .emptyStatement)
                #expect(error.position == nil)
                #expect(error.message == "empty statement: there is nothing to run")
            }
        }
        #expect((try? Parser.parseScript("  ;; -- nothing\n")) == [])
    }

    @Test func renderMatchesTheDesignExample() throws {
        let sql = "SELECT x FORM t"
        guard let e = parseError(sql) else { return }
        #expect(e.render(source: sql) == """
            error: syntax error at or near "FORM" (line 1, column 10)
              SELECT x FORM t
                       ^
            hint: did you mean FROM?
            """)
    }

    @Test func renderOnALaterLine() {
        let sql = "SELECT a,\n       b +\nFROM t"
        guard let e = parseError(sql) else { return }
        #expect(e.render(source: sql) == """
            error: expected an expression after '+' (line 3, column 1)
              FROM t
              ^
            """)
    }

    @Test func renderAtEndOfInput() {
        let sql = "SELECT count(*)\nFROM agent_metrics\nWHERE"
        guard let e = parseError(sql) else { return }
        #expect(e.render(source: sql) == """
            error: expected an expression after WHERE (line 3, column 6)
              WHERE
                   ^
            """)
    }

    @Test func renderKeepsTabsAndCountsCharacters() {
        let sql = "SELECT\t'ü',\t(1 +"
        guard let e = parseError(sql) else { return }
        #expect(e.render(source: sql) == "error: expected an expression after '+' (line 1, column 17)\n  SELECT\t'ü',\t(1 +\n        \t    \t    ^")
    }

    @Test func renderWindowsLongLines() {
        let sql = "SELECT " + (1...60).map { "c\($0)" }.joined(separator: ", ") + " FORM t"
        guard let e = parseError(sql) else { return }
        let lines = e.render(source: sql).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("  ...") && lines[1].contains("FORM t"))
        #expect(lines[1].count < 140)
        // The caret is under the F of FORM.
        let caretColumn = lines[2].count - 1
        let line1 = Array(lines[1])
        #expect(String(line1[caretColumn..<(caretColumn + 4)]) == "FORM")
    }

    @Test func renderWithoutPosition() {
        let e = SQLError(.unknownTable, "table agentz does not exist", hint: "did you mean agents?")
        #expect(e.render(source: "SELECT 1") == "error: table agentz does not exist\nhint: did you mean agents?")
        #expect(e.description == "table agentz does not exist")
    }

    @Test func errorsFromLaterPhasesUseASTRanges() throws {
        // How the binder reports an unknown table: positioned by the AST node.
        let sql = "SELECT *\nFROM agentz a"
        guard case .query(let q) = try Parser.parse(sql), case .select(let s) = q.body, let from = s.from,
              case .table(let name, _) = from.kind else { Issue.record("shape"); return }
        let hint = NameSuggestion.closest(to: name.value, in: ["agents", "agent_metrics"]).map { "did you mean \($0)?" }
        let e = SQLError(.unknownTable, "table \(name.value) does not exist", hint: hint, at: name.range)
        #expect(e.render(source: sql) == """
            error: table agentz does not exist (line 2, column 6)
              FROM agentz a
                   ^
            hint: did you mean agents?
            """)
    }

    @Test func lexicalErrorAfterASyntaxErrorIsNotReportedFirst() {
        guard let e = parseError("SELECT 1 +; SELECT 'open") else { return }
        #expect(e.message == "expected an expression after '+'")
        #expect(e.position?.column == 11)
    }

    @Test func errorCodesAreStable() {
        #expect(SQLError.Code.syntaxError.rawValue == "syntax_error")
        #expect(SQLError.Code.emptyStatement.rawValue == "empty_statement")
        #expect(SQLError.Code.invalidLiteral.rawValue == "invalid_literal")
        #expect(SQLError.Code.unknownType.rawValue == "unknown_type")
        #expect(SQLError.Code.unsupported.rawValue == "unsupported")
        #expect(SQLError.Code.tooComplex.rawValue == "statement_too_complex")
        #expect(SQLError.Code.invalidSchema.rawValue == "invalid_schema")
        #expect(SQLError.Code.invalidOption.rawValue == "invalid_option")
        #expect(SQLError.Code.unknownTable.rawValue == "unknown_table")
        #expect(SQLError.Code.unknownColumn.rawValue == "unknown_column")
        #expect(SQLError.Code.unknownFunction.rawValue == "unknown_function")
        #expect(SQLError.Code.ambiguousColumn.rawValue == "ambiguous_column")
        #expect(SQLError.Code.typeMismatch.rawValue == "type_mismatch")
        let custom: SQLError.Code = "division_by_zero"
        #expect(custom.description == "division_by_zero")
    }
}
