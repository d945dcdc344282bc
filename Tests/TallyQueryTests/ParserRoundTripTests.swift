import Testing
@testable import TallyQuery

/// parse(print(ast)) == ast, and printing is idempotent.
@Suite struct ParserRoundTripTests {
    static let corpus: [String] = [
        "SELECT 1",
        "SELECT DISTINCT a, b AS c FROM t AS x",
        "SELECT * FROM t",
        "SELECT t.*, u.a FROM t JOIN u ON t.id = u.id",
        "SELECT a FROM t WHERE a > 1 AND (b < 2 OR c IS NULL) AND NOT d",
        "SELECT a, count(*) FROM t GROUP BY a HAVING count(*) > 1 ORDER BY 2 DESC NULLS LAST LIMIT 10 OFFSET 5",
        "SELECT a FROM t OFFSET 3",
        "SELECT (a + b) * c, a + b * c, a - (b - c), (a - b) - c, -a, -(-1), - -a, -(5), +(2), a - -1",
        "SELECT -9223372036854775808, 9223372036854775807, 1.5, 1e300, 0.001, -0.0, 1e-7",
        "SELECT 'it''s', '', 'line\nbreak', 'ünïcødé ☃'",
        "SELECT TRUE, FALSE, NULL, $1, $2",
        "SELECT TIMESTAMP '2025-01-01 12:30:00.25', DATE '2025-03-01', TIMESTAMP '1950-06-01 00:00:00'",
        "SELECT INTERVAL '7 days', INTERVAL '1 hour 30 minutes', INTERVAL 7 DAY, INTERVAL '1 year 2 months', INTERVAL '-1.5 seconds', INTERVAL '0 seconds'",
        "SELECT INTERVAL '1 day 02:00:00', INTERVAL '-90 minutes', INTERVAL '1.5 months', INTERVAL '3 days ago'",
        "SELECT CAST(a AS BIGINT), a::double precision, a::date, '1 day'::interval, CAST(a AS VARCHAR(10))",
        "SELECT (a::int)[1], a[1][2], quantile(x, [0.5, 0.9])[2], [1, 2], []",
        "SELECT (-5)[1], (-5)::text, -5::text",
        "SELECT CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE x WHEN 1 THEN 'a' END",
        "SELECT a IN (1, 2), a NOT IN (SELECT b FROM u), a BETWEEN 1 AND 2, a NOT BETWEEN b + 1 AND c || d",
        "SELECT a LIKE 'x%', a NOT ILIKE '%y' ESCAPE '!', a IS NULL, a IS NOT NULL, a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b",
        "SELECT a IS TRUE, a IS NOT FALSE, (a = b) IS NULL, (a IS NULL) = (b IS NULL), a = (b = c)",
        "SELECT NOT (a AND b), NOT a = b, (NOT a) = b, NOT NOT a",
        "SELECT a || b || c, a || (b || c), (a || b) = c, a + b || c, a || b + c",
        "SELECT (a BETWEEN 1 AND 2) BETWEEN FALSE AND TRUE, a BETWEEN (b AND c) AND d, a BETWEEN (b = c) AND d",
        "SELECT a LIKE (b LIKE c), (a LIKE b) LIKE c, a IN (b IN (c))",
        "SELECT EXTRACT(HOUR FROM ts), EXTRACT(DOW FROM ts), extract(epoch FROM ts)",
        "SELECT ts AT TIME ZONE 'Europe/Paris', (ts + i) AT TIME ZONE z, ts AT TIME ZONE (z || 'x'), -ts AT TIME ZONE 'UTC'",
        "SELECT now(), current_timestamp, current_date, coalesce(a, b), nullif(a, 0), left(s, 2), right(s, 2)",
        "SELECT count(*), count(DISTINCT a), sum(a) FILTER (WHERE b > 0), string_agg(s, ',' ORDER BY s DESC)",
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), quantile_cont(x, 0.9), approx_quantile(x, 0.99)",
        "SELECT row_number() OVER (), rank() OVER (PARTITION BY a ORDER BY b DESC), lag(x, 1) OVER (ORDER BY d)",
        "SELECT avg(x) OVER (PARTITION BY a ORDER BY d ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) FROM t",
        "SELECT sum(x) OVER (ORDER BY d ROWS UNBOUNDED PRECEDING), sum(x) OVER (ORDER BY d RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND CURRENT ROW)",
        "SELECT sum(x) OVER (ORDER BY d GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING), count(*) FILTER (WHERE a) OVER (PARTITION BY b)",
        "SELECT (SELECT max(a) FROM t), EXISTS (SELECT 1), NOT EXISTS (SELECT 1 FROM t WHERE t.a = u.a) FROM u",
        "SELECT a FROM t UNION ALL SELECT a FROM u UNION SELECT a FROM v ORDER BY a LIMIT 1",
        "SELECT 1 UNION (SELECT 2 UNION ALL SELECT 3)",
        "SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT ALL SELECT 4",
        "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3",
        "(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT a FROM u LIMIT 2)",
        "WITH a AS (SELECT 1 AS x), b(y) AS (SELECT x FROM a) SELECT y FROM b",
        "WITH a AS (SELECT 1) (SELECT * FROM a LIMIT 1) UNION ALL SELECT 2",
        "SELECT * FROM (SELECT 1 AS x) AS s, u CROSS JOIN v LEFT JOIN w USING (x) RIGHT JOIN y ON TRUE FULL JOIN z ON y.a = z.a",
        "SELECT * FROM a JOIN (b JOIN c ON b.x = c.x) ON a.x = b.x",
        "SELECT * FROM (SELECT 1), generate_series(1, 10) AS g, forecast('x'), current_date(), \"Odd\"(1)",
        "SELECT \"Mixed Case\", \"select\", \"a\"\"b\", \"current_date\", t.\"1st\" FROM \"My Table\" AS \"T\"",
        "SELECT at, value, rows, first, interval, date, timestamp FROM t",
        "SELECT a AS \"order\", b AS \"from\" FROM t",
        "CREATE TABLE t (a BIGINT NOT NULL, b VARCHAR, c DOUBLE NULL, d TIMESTAMP, e BOOLEAN, f INTEGER) WITH (time_column = d, ttl = '30 days')",
        "CREATE TABLE IF NOT EXISTS \"odd name\" (\"x y\" INTEGER)",
        "CREATE TABLE t (a INT) WITH (ttl = INTERVAL '1 day')",
        "DROP TABLE t",
        "DROP TABLE IF EXISTS t",
        "INSERT INTO t VALUES (1, 'a', NULL), (-2, 'b', TIMESTAMP '2025-01-01 00:00:00')",
        "INSERT INTO t (a, b) VALUES ($1, $2)",
        "INSERT INTO t SELECT * FROM u",
        "INSERT INTO t (SELECT * FROM u LIMIT 1)",
        "INSERT INTO t WITH x AS (SELECT 1) SELECT * FROM x",
        "COPY t FROM 'data.csv'",
        "COPY t (a, b) FROM 'data.csv' (HEADER, DELIMITER ',', NULL 'NA', skip 2, ratio 0.5, neg -1)",
        "COPY (SELECT * FROM t) TO 'out.json' (FORMAT json)",
        "COPY t TO 'out.csv' (FORMAT csv, HEADER TRUE)",
        "SHOW TABLES",
        "DESCRIBE agent_metrics",
        "EXPLAIN SELECT 1",
        "EXPLAIN ANALYZE SELECT a FROM t WHERE b = 1",
        "PREPARE q (VARCHAR, BIGINT) AS SELECT * FROM t WHERE a = $1 LIMIT $2",
        "PREPARE ins AS INSERT INTO t VALUES ($1)",
        "EXECUTE q('x', 10)",
        "EXECUTE q",
        "DEALLOCATE q",
        "DEALLOCATE ALL",
        "CREATE MATERIALIZED VIEW v AS SELECT a, count(*) FROM t GROUP BY a",
        "CREATE MATERIALIZED VIEW IF NOT EXISTS v AS SELECT 1",
        "DROP MATERIALIZED VIEW v",
        "DROP MATERIALIZED VIEW IF EXISTS v",
    ]

    @Test(arguments: corpus)
    func roundTrip(_ sql: String) throws {
        let ast: Statement
        do {
            ast = try Parser.parse(sql)
        } catch {
            Issue.record("\(error.render(source: sql))")
            return
        }
        let printed = ast.description
        let reparsed: Statement
        do {
            reparsed = try Parser.parse(printed)
        } catch {
            Issue.record("printed SQL does not parse: \(printed)\n\(error.render(source: printed))")
            return
        }
        #expect(reparsed == ast, "\(sql)\n  printed: \(printed)\n  again:   \(reparsed)")
        #expect(reparsed.description == printed, "printing is not idempotent for \(sql)")
    }

    static let canonical: [(String, String)] = [
        ("select  a ,b from   t where x=1", "SELECT a, b FROM t WHERE x = 1"),
        ("SELECT x::int FROM t", "SELECT CAST(x AS INTEGER) FROM t"),
        ("SELECT a FROM t INNER JOIN u ON t.x = u.x", "SELECT a FROM t JOIN u ON t.x = u.x"),
        ("SELECT a FROM t, u", "SELECT a FROM t CROSS JOIN u"),
        ("SELECT a FROM t LEFT OUTER JOIN u USING (x)", "SELECT a FROM t LEFT JOIN u USING (x)"),
        ("SELECT a b FROM t c", "SELECT a AS b FROM t AS c"),
        ("SELECT ((a + b)) * (c)", "SELECT (a + b) * c"),
        ("SELECT a != b, a == b", "SELECT a <> b, a = b"),
        ("SELECT a ORDER BY a ASC", "SELECT a ORDER BY a"),
        ("SELECT 1e3, .5, 1.", "SELECT 1000.0, 0.5, 1.0"),
        ("SELECT INTERVAL '90 minutes', INTERVAL '14 months', INTERVAL 2 WEEK", "SELECT INTERVAL '1 hour 30 minutes', INTERVAL '1 year 2 months', INTERVAL '14 days'"),
        ("SELECT DATE '2025-03-01'", "SELECT TIMESTAMP '2025-03-01 00:00:00'"),
        ("SELECT a IS TRUE", "SELECT a IS NOT DISTINCT FROM TRUE"),
        ("select count(*) from t where x in (1,2,3) limit 5", "SELECT count(*) FROM t WHERE x IN (1, 2, 3) LIMIT 5"),
        ("SELECT x FROM t UNION DISTINCT SELECT y FROM u", "SELECT x FROM t UNION SELECT y FROM u"),
        ("SELECT +5, - 5", "SELECT 5, -5"),
        ("CREATE TABLE t (a int4, b text, c float8, d timestamptz)", "CREATE TABLE t (a INTEGER, b VARCHAR, c DOUBLE, d TIMESTAMP)"),
        ("COPY t FROM 'x' WITH (header true)", "COPY t FROM 'x' (header TRUE)"),
        ("DEALLOCATE PREPARE q", "DEALLOCATE q"),
        ("SELECT current_timestamp()", "SELECT current_timestamp"),
    ]

    @Test(arguments: canonical)
    func canonicalText(_ sql: String, _ expected: String) {
        #expect(statement(sql)?.description == expected)
    }

    @Test func differentSpellingsShareOneKey() throws {
        let a = try Parser.parse("select sector, count(*) from agent_metrics where started_at >= now() - interval '7 days' group by 1")
        let b = try Parser.parse("""
            SELECT sector,
                   COUNT ( * )        -- calls
            FROM agent_metrics
            WHERE started_at >= now() - INTERVAL '168 hours' + INTERVAL '0 seconds' - INTERVAL '0 seconds'
            GROUP BY 1
            """)
        #expect(a != b) // different intervals and an extra term: different statements
        let c = try Parser.parse("SELECT sector, count(*) FROM agent_metrics WHERE started_at >= now() - INTERVAL '7 days' GROUP BY 1;")
        #expect(a == c)
        #expect(a.description == c.description)
        var seen: Set<Statement> = [a]
        #expect(!seen.insert(c).inserted)
    }
}
