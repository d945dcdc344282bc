import Foundation
import Testing
@testable import TallyQuery

/// Focused checks for engine bugs the golden tests (fixtures/sql) found.
@Suite struct QuerySemanticsTests {
    @Test func signOfNullLiteralIsANullNumber() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT -NULL, +NULL, -NULL + 1") == [[.null, .null, .null]])
    }

    @Test func nullLiteralsAdaptInCoalesceNullifGreatestAndLeast() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT coalesce(NULL, 2), nullif(NULL, 1), greatest(1, NULL, 3), least(NULL, 2.5), coalesce(NULL, NULL)")
            == [[.int(2), .null, .int(3), .double(2.5), .null]])
        #expect(try f.rows("SELECT coalesce(NULL, talk, -1) FROM calls WHERE id IN (2, 3) ORDER BY id") == [[.double(300)], [.double(-1)]])
    }

    @Test func unionTypesANullColumnByTheOtherParts() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT true AS b UNION ALL SELECT NULL ORDER BY b") == [[.bool(true)], [.null]])
        #expect(try f.rows("SELECT NULL AS x UNION SELECT id FROM calls WHERE id < 3 ORDER BY x") == [[.int(1)], [.int(2)], [.null]])
        let r = try f.session.execute("SELECT NULL AS t UNION ALL SELECT at FROM calls WHERE id = 1").result!
        #expect(r.columns[0].type == .timestamp)
    }

    @Test func joinUsingMergesTheColumn() throws {
        let f = try SQLFixture()
        _ = try f.session.execute("CREATE TABLE sectors (sector VARCHAR NOT NULL, region VARCHAR)")
        _ = try f.session.execute("INSERT INTO sectors VALUES ('retail', 'EMEA'), ('banking', 'AMER')")
        // Unqualified: one column, not ambiguous; SELECT * lists it once.
        #expect(try f.rows("SELECT sector, count(*) FROM calls JOIN sectors USING (sector) GROUP BY sector ORDER BY sector")
            == [[.string("banking"), .int(1)], [.string("retail"), .int(3)]])
        let star = try f.session.execute("SELECT * FROM sectors JOIN calls USING (sector) WHERE id = 2").result!
        #expect(star.columns.map(\.name) == ["sector", "region", "id", "at", "agent", "talk"])
        // Qualified copies stay reachable; RIGHT JOIN's unqualified column is the preserved side's.
        #expect(try f.rows("SELECT calls.sector, sectors.sector FROM calls LEFT JOIN sectors USING (sector) WHERE id = 4") == [[.string("telecom"), .null]])
        #expect(try f.rows("SELECT sector FROM sectors RIGHT JOIN calls USING (sector) WHERE id = 4") == [[.string("telecom")]])
    }

    @Test func plainColumnsKeepTheirDefinedName() throws {
        let f = try SQLFixture()
        let r = try f.session.execute("SELECT SECTOR, c.Talk, id AS ID FROM calls c LIMIT 1").result!
        #expect(r.columns.map(\.name) == ["sector", "talk", "ID"])
        let counts = try f.session.execute("SELECT count(*), COUNT(*) FILTER (WHERE talk > 0) FROM calls").result!
        #expect(counts.columns.map(\.name) == ["count_star()", "count_star() FILTER (WHERE talk > 0)"])
    }

    @Test func likeHonoursEscape() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT '100%' LIKE '100!%' ESCAPE '!', '1000' LIKE '100!%' ESCAPE '!', 'a\\b' LIKE 'a\\b' ESCAPE '#', 'a_b' LIKE 'a\\_b'")
            == [[.bool(true), .bool(false), .bool(true), .bool(true)]])
        #expect(Binder.backslashEscaped("a!%b\\c!!", escape: "!") == "a\\%b\\\\c\\!")
        #expect(Binder.backslashEscaped("a\\%", escape: nil) == "a\\\\%")
        #expect(throws: TallyError.self) { try f.session.execute("SELECT sector LIKE 5 FROM calls") }
    }

    @Test func inComparesFractionsAsNumbers() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT count(*) FROM calls WHERE agent IN (7.5)") == [[.int(0)]])
        #expect(try f.rows("SELECT count(*) FROM calls WHERE agent IN (7.0, 8)") == [[.int(3)]])
        #expect(try f.rows("SELECT count(*) FROM calls WHERE agent IN (SELECT 7.5)") == [[.int(0)]])
        #expect(try f.rows("SELECT count(*) FROM calls WHERE agent NOT IN (SELECT 8.0)") == [[.int(3)]])
        let e = try #require(catching { try f.session.execute("SELECT count(*) FROM calls WHERE sector IN (SELECT agent FROM calls)") })
        #expect(e.code == "type_mismatch")
    }

    @Test func averageOfBigIntegersIsExact() throws {
        let f = try SQLFixture()
        _ = try f.session.execute("CREATE TABLE big (v BIGINT)")
        _ = try f.session.execute("INSERT INTO big VALUES (9223372036854775807), (-9223372036854775808), (0), (1)")
        #expect(try f.rows("SELECT avg(v) FROM big") == [[.double(0)]])
        #expect(try f.rows("SELECT avg(v) FROM big WHERE v > 0") == [[.double(4611686018427387904)]])
    }

    @Test func quantilesOfTimestampsAndToTimestampAreTimestamps() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT quantile_disc(at, 0.5), quantile_cont(at, 0) FROM calls")
            == [[.timestamp(Timestamp.parse("2025-01-02 09:15:00")!), .timestamp(Timestamp.parse("2025-01-01 10:00:00")!)]])
        #expect(try f.rows("SELECT to_timestamp(1.5), to_timestamp(0)") == [[.timestamp(1_500_000), .timestamp(0)]])
    }

    @Test func lagDefaultTakesTheValueType() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT lag(agent, 1, -1) OVER (ORDER BY id) FROM calls ORDER BY id LIMIT 2") == [[.int(-1)], [.int(7)]])
    }

    @Test func comparingTwoStringColumnsWithANullIsNull() throws {
        let f = try SQLFixture()
        _ = try f.session.execute("CREATE TABLE pairs (a VARCHAR, b VARCHAR)")
        _ = try f.session.execute("INSERT INTO pairs VALUES ('x', 'x'), ('x', 'y'), ('x', NULL), (NULL, 'y'), (NULL, NULL)")
        #expect(try f.rows("SELECT a = b, a < b, NOT (a = b) FROM pairs") == [
            [.bool(true), .bool(false), .bool(false)], [.bool(false), .bool(true), .bool(true)],
            [.null, .null, .null], [.null, .null, .null], [.null, .null, .null],
        ])
    }

    @Test func zonedBucketsKeepTheTwoHoursOfAFold() throws {
        let f = try SQLFixture()
        // Berlin falls back at 2024-10-27 01:00 UTC: local 02:00–03:00 happens twice, as two buckets.
        _ = try f.session.execute("INSERT INTO calls VALUES (10, '2024-10-27 00:30:00', 'x', NULL, NULL), (11, '2024-10-27 01:30:00', 'x', NULL, NULL)")
        #expect(try f.rows("SELECT time_bucket(INTERVAL '1 hour', at, 'Europe/Berlin'), date_trunc('hour', at, 'Europe/Berlin') FROM calls WHERE id >= 10 ORDER BY id") == [
            [.timestamp(Timestamp.parse("2024-10-27 00:00:00")!), .timestamp(Timestamp.parse("2024-10-27 00:00:00")!)],
            [.timestamp(Timestamp.parse("2024-10-27 01:00:00")!), .timestamp(Timestamp.parse("2024-10-27 01:00:00")!)],
        ])
        #expect(try f.rows("SELECT time_bucket(INTERVAL '1 day', at, 'Europe/Berlin') FROM calls WHERE id >= 10 GROUP BY 1")
            == [[.timestamp(Timestamp.parse("2024-10-26 22:00:00")!)]])
    }

    @Test func extremeArgumentsAreErrorsOrValuesNotCrashes() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT substring('abc', 2, 9223372036854775807), substring('abc', -9223372036854775808, 3), round(1.5, 400), round(1.5, -400)")
            == [[.string("bc"), .string(""), .double(1.5), .double(0)]])
        #expect(try f.rows("SELECT lead(id, 9223372036854775807) OVER (ORDER BY id), sum(id) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 9223372036854775807 FOLLOWING) FROM calls ORDER BY id LIMIT 1")
            == [[.null, .int(15)]])
        #expect(try f.rows("SELECT id FROM calls ORDER BY id LIMIT 9223372036854775807 OFFSET 4") == [[.int(5)]])
        for sql in ["SELECT add_months(at, 9223372036854775807) FROM calls",
                    "SELECT at + INTERVAL '2000000000 months' FROM calls",
                    "SELECT date_trunc('week', CAST(-9223372036854775808 AS TIMESTAMP))",
                    "SELECT time_bucket(INTERVAL '7 days', CAST(-9223372036854775808 AS TIMESTAMP))",
                    "SELECT time_bucket(INTERVAL '1 day', CAST(9223372036854775807 AS TIMESTAMP), 'Europe/Berlin')",
                    "SELECT date_diff('second', CAST(-9223372036854775808 AS TIMESTAMP), CAST(9223372036854775807 AS TIMESTAMP))",
                    "SELECT at - INTERVAL '-2147483648 days' FROM calls",
                    "SELECT time_bucket(INTERVAL '2000000000 days', at) FROM calls"] {
            let e = try #require(catching { try f.session.execute(sql) }, "\(sql)")
            #expect(["invalid_value", "invalid_literal"].contains(e.code), "\(sql): \(e.code)")
        }
    }

    @Test func longOperatorChainsBindOrAreRefused() throws {
        let f = try SQLFixture()
        let sum = "SELECT " + (1...240).map { "id + \($0)" }.joined(separator: " + ") + " FROM calls WHERE id = 1"
        #expect(try f.rows(sum) == [[.int(240 + 240 * 241 / 2)]])
        let ors = "SELECT count(*) FROM calls WHERE " + (1...2000).map { "id = \($0)" }.joined(separator: " OR ")
        #expect(catching { try f.session.execute(ors) }?.code == "statement_too_complex")
    }

    @Test func aggregateArgumentsAreCheckedInWindowsAndWithinGroup() throws {
        let f = try SQLFixture()
        for sql in ["SELECT sum(sector) OVER () FROM calls", "SELECT avg(sector) OVER (ORDER BY id) FROM calls",
                    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY sector) FROM calls"] {
            #expect(catching { try f.session.execute(sql) }?.code == "type_mismatch", "\(sql)")
        }
        #expect(try f.rows("SELECT sum(talk > 100) OVER (), max(sector) OVER () FROM calls LIMIT 1") == [[.int(2), .string("telecom")]])
    }

    @Test func untypedNullArgumentsTakeTheTypeTheFunctionWants() throws {
        let f = try SQLFixture()
        let r = try f.session.execute("SELECT date_trunc('day', NULL), abs(NULL), sum(NULL), bool_and(NULL), sum(NULL) OVER () FROM calls LIMIT 1").result!
        #expect(r.rows == [[.null, .null, .null, .null, .null]])
        #expect(r.columns.map(\.type) == [.timestamp, .int64, .int64, .bool, .int64])
    }

    @Test func outerReferencesInSubqueriesAreExplained() throws {
        let f = try SQLFixture()
        let e = try #require(catching { try f.session.execute("SELECT id FROM calls c WHERE EXISTS (SELECT 1 FROM calls d WHERE d.agent = c.agent)") })
        #expect(e.code == "unknown_table")
        #expect(e.message.hasSuffix("(subqueries cannot refer to columns of the outer query)"))
    }

    private func catching(_ body: () throws -> StatementResult) -> TallyError? {
        do { _ = try body(); return nil } catch { return TallyError.from(error) }
    }
}
