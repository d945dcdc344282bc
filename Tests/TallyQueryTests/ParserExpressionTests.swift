import Testing
@testable import TallyQuery

@Suite struct ParserExpressionTests {
    /// Precedence and associativity, loosest first:
    /// OR < AND < NOT < comparison < IS/IN/BETWEEN/LIKE < || < + - < * / % < AT TIME ZONE < unary - < :: < [].
    static let precedence: [(String, String)] = [
        ("1 + 2 * 3", "(+ 1 (* 2 3))"),
        ("(1 + 2) * 3", "(* (+ 1 2) 3)"),
        ("1 - 2 - 3", "(- (- 1 2) 3)"),
        ("1 - (2 - 3)", "(- 1 (- 2 3))"),
        ("8 / 4 / 2", "(/ (/ 8 4) 2)"),
        ("a % b * c", "(* (% a b) c)"),
        ("a + b % c", "(+ a (% b c))"),
        ("a OR b AND c", "(or a (and b c))"),
        ("a AND b OR c", "(or (and a b) c)"),
        ("a OR b OR c", "(or (or a b) c)"),
        ("NOT a AND b", "(and (not a) b)"),
        ("NOT a OR b", "(or (not a) b)"),
        ("NOT a = b", "(not (= a b))"),
        ("NOT NOT a", "(not (not a))"),
        ("a = b AND c <> d", "(and (= a b) (<> c d))"),
        ("a < b OR a >= c", "(or (< a b) (>= a c))"),
        ("a != b", "(<> a b)"),
        ("a == b", "(= a b)"),
        ("a <= b", "(<= a b)"),
        ("a > b", "(> a b)"),
        ("a + 1 = b * 2", "(= (+ a 1) (* b 2))"),
        ("a = b IS NULL", "(= a (isnull b))"),
        ("a IS NULL = b IS NULL", "(= (isnull a) (isnull b))"),
        ("a = b IN (1, 2)", "(= a (in b 1 2))"),
        ("a LIKE 'x%' = TRUE", "(= (like a 'x%') TRUE)"),
        ("a BETWEEN 1 AND 2 AND b", "(and (between a 1 2) b)"),
        ("a BETWEEN 1 + 1 AND 2 * 3", "(between a (+ 1 1) (* 2 3))"),
        ("a NOT BETWEEN b AND c OR d", "(or (notbetween a b c) d)"),
        ("a || b = c", "(= (|| a b) c)"),
        ("a || b || c", "(|| (|| a b) c)"),
        ("a + b || c", "(|| (+ a b) c)"),
        ("a || b + c", "(|| a (+ b c))"),
        ("a || b LIKE c", "(like (|| a b) c)"),
        ("a IS NULL IS NOT NULL", "(isnotnull (isnull a))"),
        ("NOT a IS NULL", "(not (isnull a))"),
        ("-a * b", "(* (neg a) b)"),
        ("-(a * b)", "(neg (* a b))"),
        ("- a::INT", "(neg (cast a INTEGER))"),
        ("-5::INT", "(neg (cast 5 INTEGER))"),
        ("a::INT::TEXT", "(cast (cast a INTEGER) VARCHAR)"),
        ("a::INT + 1", "(+ (cast a INTEGER) 1)"),
        ("a[1]::INT", "(cast (index a 1) INTEGER)"),
        ("x[1][2]", "(index (index x 1) 2)"),
        ("-x[1]", "(neg (index x 1))"),
        ("-5[1]", "(neg (index 5 1))"),
        ("a * -b", "(* a (neg b))"),
        ("a - -1", "(- a -1)"),
        ("a - - b", "(- a (neg b))"),
        ("+a", "(pos a)"),
        ("+5", "5"),
        ("- -5", "(neg -5)"),
        ("ts AT TIME ZONE 'UTC' + INTERVAL '1 hour'", "(+ (attz ts 'UTC') iv:0,0,3600000000)"),
        ("ts AT TIME ZONE 'UTC' AT TIME ZONE 'Europe/Paris'", "(attz (attz ts 'UTC') 'Europe/Paris')"),
        ("a * b AT TIME ZONE z", "(* a (attz b z))"),
        ("a = 1 AND NOT b = 2 OR c", "(or (and (= a 1) (not (= b 2))) c)"),
        ("a = (b = c)", "(= a (= b c))"),
        ("(a = b) = c", "(= (= a b) c)"),
        ("a IS DISTINCT FROM b", "(distinct a b)"),
        ("a IS NOT DISTINCT FROM b + 1", "(notdistinct a (+ b 1))"),
        ("a IS TRUE", "(notdistinct a TRUE)"),
        ("a IS NOT FALSE", "(distinct a FALSE)"),
        ("a NOT IN (1, 2) AND b NOT LIKE 'x'", "(and (notin a 1 2) (notlike b 'x'))"),
        ("a ILIKE '%X%' ESCAPE '!'", "(ilike a '%X%' '!')"),
        ("a NOT ILIKE b", "(notilike a b)"),
        ("x = 1 OR y = 2 AND z = 3 OR w", "(or (or (= x 1) (and (= y 2) (= z 3))) w)"),
    ]

    @Test(arguments: precedence)
    func precedenceAndAssociativity(_ sql: String, _ expected: String) {
        guard let e = expr(sql) else { return }
        #expect(sx(e) == expected, "\(sql)")
    }

    static let literals: [(String, String)] = [
        ("42", "42"),
        ("0", "0"),
        ("-42", "-42"),
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "-9223372036854775808"),
        ("1.5", "1.5d"),
        (".5", "0.5d"),
        ("1.", "1.0d"),
        ("1e3", "1000.0d"),
        ("1E3", "1000.0d"),
        ("2.5e-3", "0.0025d"),
        ("1e+2", "100.0d"),
        ("-0.25", "-0.25d"),
        ("'hello'", "'hello'"),
        ("'it''s'", "'it's'"),
        ("''", "''"),
        ("'multi\nline'", "'multi\nline'"),
        ("'héllo ☃'", "'héllo ☃'"),
        ("TRUE", "TRUE"),
        ("false", "FALSE"),
        ("NULL", "NULL"),
        ("null", "NULL"),
        ("TIMESTAMP '2025-01-01 00:00:00'", "ts:1735689600000000"),
        ("timestamp '2025-01-01T12:30:00Z'", "ts:1735734600000000"),
        ("TIMESTAMP '2025-01-01 02:00:00+02:00'", "ts:1735689600000000"),
        ("TIMESTAMP '2025-01-01 00:00:00.5'", "ts:1735689600500000"),
        ("TIMESTAMPTZ '2025-01-01'", "ts:1735689600000000"),
        ("DATE '2025-01-01'", "ts:1735689600000000"),
        ("DATE '1969-12-31'", "ts:-86400000000"),
        ("INTERVAL '7 days'", "iv:0,7,0"),
        ("INTERVAL '1 hour 30 minutes'", "iv:0,0,5400000000"),
        ("INTERVAL '1 month'", "iv:1,0,0"),
        ("INTERVAL 7 DAY", "iv:0,7,0"),
        ("INTERVAL 7 DAYS", "iv:0,7,0"),
        ("interval 15 minute", "iv:0,0,900000000"),
        ("INTERVAL '7' DAY", "iv:0,7,0"),
        ("INTERVAL '90'", "iv:0,0,90000000"),
        ("INTERVAL -1 HOUR", "iv:0,0,-3600000000"),
        ("INTERVAL 1.5 HOURS", "iv:0,0,5400000000"),
        ("INTERVAL '2 weeks'", "iv:0,14,0"),
        ("INTERVAL '00:15:00'", "iv:0,0,900000000"),
        ("$1", "$1"),
        ("$12", "$12"),
        ("[1, 2, 3]", "(list 1 2 3)"),
        ("[]", "(list)"),
        ("[0.5, 0.9]", "(list 0.5d 0.9d)"),
    ]

    @Test(arguments: literals)
    func literal(_ sql: String, _ expected: String) {
        guard let e = expr(sql) else { return }
        #expect(sx(e) == expected, "\(sql)")
    }

    static let forms: [(String, String)] = [
        ("c", "c"),
        ("t.c", "t.c"),
        ("\"Mixed Case\"", "Mixed Case"),
        ("\"a\"\"b\"", "a\"b"),
        ("t.\"c\"", "t.c"),
        ("Agent_ID", "Agent_ID"),
        ("at", "at"),
        ("rows", "rows"),
        ("first + last", "(+ first last)"),
        ("date", "date"),
        ("timestamp", "timestamp"),
        ("interval", "interval"),
        ("value", "value"),
        ("now()", "(fn now)"),
        ("NOW()", "(fn NOW)"),
        ("current_timestamp", "(fn current_timestamp)"),
        ("coalesce(a, b, 0)", "(fn coalesce a b 0)"),
        ("nullif(a, 0)", "(fn nullif a 0)"),
        ("count(*)", "(fn count *)"),
        ("count(DISTINCT agent_id)", "(fn count distinct agent_id)"),
        ("count(ALL x)", "(fn count x)"),
        ("sum(x) FILTER (WHERE outcome = 'resolved')", "(fn sum x (filter (= outcome 'resolved')))"),
        ("count(*) FILTER (WHERE ok)", "(fn count * (filter ok))"),
        ("percentile_cont(0.5) WITHIN GROUP (ORDER BY handle_s)", "(fn percentile_cont 0.5d (within handle_s))"),
        ("percentile_disc(0.9) WITHIN GROUP (ORDER BY x DESC)", "(fn percentile_disc 0.9d (within x desc))"),
        ("quantile_cont(x, 0.9)", "(fn quantile_cont x 0.9d)"),
        ("quantile(x, [0.5, 0.9])", "(fn quantile x (list 0.5d 0.9d))"),
        ("quantile(x, [0.5, 0.9])[1]", "(index (fn quantile x (list 0.5d 0.9d)) 1)"),
        ("string_agg(name, ', ' ORDER BY name)", "(fn string_agg name ', ' (order name))"),
        ("row_number() OVER ()", "(fn row_number (over))"),
        ("row_number() OVER (PARTITION BY sector ORDER BY started_at DESC)",
         "(fn row_number (over (partition sector) (order started_at desc)))"),
        ("lag(x, 1) OVER (ORDER BY d)", "(fn lag x 1 (over (order d)))"),
        ("avg(x) OVER (ORDER BY d ROWS BETWEEN 6 PRECEDING AND CURRENT ROW)",
         "(fn avg x (over (order d) (rows (preceding 6) current-row)))"),
        ("sum(x) OVER (PARTITION BY a, b ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
         "(fn sum x (over (partition a b) (order d) (rows unbounded-preceding current-row)))"),
        ("sum(x) OVER (ORDER BY d ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)",
         "(fn sum x (over (order d) (rows current-row unbounded-following)))"),
        ("sum(x) OVER (ORDER BY d ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING)",
         "(fn sum x (over (order d) (rows (preceding 1) (following 1))))"),
        ("sum(x) OVER (ORDER BY d ROWS 3 PRECEDING)", "(fn sum x (over (order d) (rows (preceding 3))))"),
        ("sum(x) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND CURRENT ROW)",
         "(fn sum x (over (order ts) (range (preceding iv:0,0,3600000000) current-row)))"),
        ("rank() OVER (ORDER BY x NULLS LAST)", "(fn rank (over (order x nulls-last)))"),
        ("count(*) FILTER (WHERE a) OVER (PARTITION BY b)", "(fn count * (filter a) (over (partition b)))"),
        ("CASE WHEN a THEN 1 END", "(case (when a 1))"),
        ("CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END", "(case (when (> a 1) 'x') (when (> a 0) 'y') (else 'z'))"),
        ("CASE outcome WHEN 'resolved' THEN 1 ELSE 0 END", "(case outcome (when 'resolved' 1) (else 0))"),
        ("CASE WHEN a THEN CASE WHEN b THEN 1 END END", "(case (when a (case (when b 1))))"),
        ("CAST(x AS BIGINT)", "(cast x BIGINT)"),
        ("CAST(x AS DOUBLE PRECISION)", "(cast x DOUBLE)"),
        ("CAST(x AS VARCHAR(20))", "(cast x VARCHAR)"),
        ("CAST(x AS DECIMAL(10, 2))", "(cast x DOUBLE)"),
        ("CAST(x AS TIMESTAMP WITH TIME ZONE)", "(cast x TIMESTAMP)"),
        ("CAST(x AS TIMESTAMP WITHOUT TIME ZONE)", "(cast x TIMESTAMP)"),
        ("CAST(x AS CHARACTER VARYING(10))", "(cast x VARCHAR)"),
        ("x::date", "(cast x DATE)"),
        ("'7 days'::interval", "(cast '7 days' INTERVAL)"),
        ("x::double precision", "(cast x DOUBLE)"),
        ("x::\"int\"", "(cast x INTEGER)"),
        ("x IN (1, 2, 3)", "(in x 1 2 3)"),
        ("x NOT IN ('a')", "(notin x 'a')"),
        ("x IN (SELECT id FROM t)", "(in x {SELECT id FROM t})"),
        ("x NOT IN (SELECT id FROM t WHERE y)", "(notin x {SELECT id FROM t WHERE y})"),
        ("x IN ((SELECT 1), 2)", "(in x {SELECT 1} 2)"),
        ("x BETWEEN 1 AND 10", "(between x 1 10)"),
        ("x NOT BETWEEN $1 AND $2", "(notbetween x $1 $2)"),
        ("name LIKE 'A%'", "(like name 'A%')"),
        ("name NOT LIKE '%bot%'", "(notlike name '%bot%')"),
        ("name ILIKE 'a%'", "(ilike name 'a%')"),
        ("x IS NULL", "(isnull x)"),
        ("x IS NOT NULL", "(isnotnull x)"),
        ("EXTRACT(hour FROM started_at)", "(extract HOUR started_at)"),
        ("extract(DOW from ts)", "(extract DOW ts)"),
        ("EXTRACT(epoch FROM ts)", "(extract EPOCH ts)"),
        ("EXTRACT('year' FROM ts)", "(extract YEAR ts)"),
        ("EXTRACT(hours FROM ts)", "(extract HOUR ts)"),
        ("extract", "extract"),
        ("(SELECT max(x) FROM t)", "{SELECT max(x) FROM t}"),
        ("(SELECT 1) + 1", "(+ {SELECT 1} 1)"),
        ("EXISTS (SELECT 1 FROM t)", "(exists {SELECT 1 FROM t})"),
        ("NOT EXISTS (SELECT 1 FROM t WHERE t.a = u.a)", "(not (exists {SELECT 1 FROM t WHERE t.a = u.a}))"),
        ("left(name, 3)", "(fn left name 3)"),
        ("right(name, 3)", "(fn right name 3)"),
        ("date_trunc('hour', started_at)", "(fn date_trunc 'hour' started_at)"),
        ("time_bucket(INTERVAL '15 minutes', ts, 'Europe/Paris')", "(fn time_bucket iv:0,0,900000000 ts 'Europe/Paris')"),
        ("now() - INTERVAL '7 days'", "(- (fn now) iv:0,7,0)"),
        ("\"count\"(*)", "(fn count *)"),
        ("((((1))))", "1"),
    ]

    @Test(arguments: forms)
    func expressionForms(_ sql: String, _ expected: String) {
        guard let e = expr(sql) else { return }
        #expect(sx(e) == expected, "\(sql)")
    }

    @Test func quotedNamesKeepTheirQuotes() throws {
        let e = try Parser.parseExpression("\"Mixed Case\" + plain")
        guard case .binary(_, let l, let r) = e.kind, case .column(let a) = l.kind, case .column(let b) = r.kind else {
            Issue.record("unexpected shape")
            return
        }
        #expect(a.name.quoted && a.name.value == "Mixed Case")
        #expect(!b.name.quoted)
        #expect(a.name.matches("MIXED CASE"))
    }

    @Test func structuralEqualityIgnoresPositions() throws {
        let a = try Parser.parseExpression("a + 1")
        let b = try Parser.parseExpression("  a\n   +     1 ")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a == Expr(.binary(.add, col("a"), int(1))))
        #expect(try Parser.parseExpression("a + 2") != a)
    }

    @Test func positionsOnEveryExpression() throws {
        let sql = "SELECT a,\n       sum(b * 2) AS s\nFROM   t"
        guard case .select(let s)? = query(sql)?.body else { return }
        guard case .expr(let first, _) = s.items[0], case .expr(let second, let alias) = s.items[1] else {
            Issue.record("shape")
            return
        }
        #expect(first.range.start == SourcePosition(offset: 7, line: 1, column: 8))
        #expect(second.range.start.line == 2 && second.range.start.column == 8)
        #expect(second.range.text(in: sql) == "sum(b * 2)")
        #expect(alias?.range.start.column == 22)
        guard case .function(let call) = second.kind else { return }
        #expect(call.name.range.start.column == 8)
        #expect(call.arguments[0].range.text(in: sql) == "b * 2")
        guard case .binary(_, let l, let r) = call.arguments[0].kind else { return }
        #expect(l.range.start.column == 12)
        #expect(r.range.start.column == 16)
        #expect(s.from?.range.start == SourcePosition(offset: 40, line: 3, column: 8))
    }

    @Test func parenthesisedExpressionRangeIncludesParentheses() throws {
        let sql = "(a + b) * c"
        let e = try Parser.parseExpression(sql)
        guard case .binary(.multiply, let l, _) = e.kind else { return }
        #expect(l.range.text(in: sql) == "(a + b)")
        #expect(e.range.text(in: sql) == sql)
    }

    @Test func columnsCountUnicodeScalars() throws {
        let sql = "SELECT 'é', x"
        guard case .select(let s)? = query(sql)?.body, case .expr(let e, _) = s.items[1] else { return }
        #expect(e.range.start.column == 13)
        #expect(e.range.start.offset == 13)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 1000) + "1" + String(repeating: ")", count: 1000)
        #expect(throws: SQLError.self) { try Parser.parseExpression(deep) }
        do {
            _ = try Parser.parseExpression(deep)
        } catch {
            #expect(error.code == .tooComplex)
        }
        let fine = String(repeating: "(", count: 50) + "1" + String(repeating: ")", count: 50)
        #expect(expr(fine).map(sx) == "1")
        let nots = String(repeating: "NOT ", count: 1000) + "x"
        #expect(throws: SQLError.self) { try Parser.parseExpression(nots) }
        let minus = String(repeating: "- ", count: 999) + "x"
        #expect(throws: SQLError.self) { try Parser.parseExpression(minus) }
    }

    @Test func longChainsAreNotNesting() throws {
        let sum = (1...300).map(String.init).joined(separator: " + ")
        let e = try Parser.parseExpression(sum)
        #expect(e.description == sum)
        let ors = (1...200).map { "x = \($0)" }.joined(separator: " OR ")
        #expect(try Parser.parseExpression(ors).description == ors)
    }
}
