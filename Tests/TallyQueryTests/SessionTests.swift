import Foundation
import Testing
@testable import TallyQuery

/// A session over a fresh store with a small calls table.
final class SQLFixture {
    let dir = NSTemporaryDirectory() + "/tally-sql-\(UUID().uuidString)"
    let catalog: Catalog
    let session: Session

    init() throws {
        catalog = try Catalog(root: dir)
        try catalog.createTenant("acme")
        session = Session(catalog: catalog, scope: .tenant("acme"))
        _ = try session.executeScript("""
            CREATE TABLE calls (id BIGINT NOT NULL, at TIMESTAMP NOT NULL, sector VARCHAR NOT NULL, agent INTEGER, talk DOUBLE)
              WITH (time_column = at);
            INSERT INTO calls VALUES
              (1, '2025-01-01 10:00:00', 'retail', 7, 120.5),
              (2, '2025-01-01 11:30:00', 'banking', 7, 300),
              (3, '2025-01-02 09:15:00', 'retail', 8, NULL),
              (4, '2025-01-02 23:59:59', 'telecom', NULL, 45.25),
              (5, '2025-01-03 00:00:00', 'retail', 9, 80);
            """)
    }

    deinit { try? FileIO.removeTree(dir) }

    func rows(_ sql: String) throws -> [[Value]] {
        try session.execute(sql).result!.rows
    }
}

@Suite struct SessionTests {
    @Test func aggregatesGroupingOrderingAndHaving() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT sector, count(*), sum(talk) FROM calls GROUP BY sector HAVING count(*) >= 1 ORDER BY 2 DESC, sector") == [
            [.string("retail"), .int(3), .double(200.5)],
            [.string("banking"), .int(1), .double(300)],
            [.string("telecom"), .int(1), .double(45.25)],
        ])
        #expect(try f.rows("SELECT count(DISTINCT agent) AS agents, count(agent) FILTER (WHERE talk > 100) FROM calls") == [[.int(3), .int(2)]])
        #expect(try f.rows("SELECT date_trunc('day', at) AS d, count(*) FROM calls GROUP BY d ORDER BY d") == [
            [.timestamp(Timestamp.parse("2025-01-01")!), .int(2)], [.timestamp(Timestamp.parse("2025-01-02")!), .int(2)], [.timestamp(Timestamp.parse("2025-01-03")!), .int(1)],
        ])
    }

    @Test func whereWithTimestampsIntervalsAndNulls() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT id FROM calls WHERE at >= TIMESTAMP '2025-01-02' - INTERVAL '1 hour' AND agent IS NOT NULL ORDER BY id") == [[.int(3)], [.int(5)]])
        #expect(try f.rows("SELECT id FROM calls WHERE sector IN ('retail', 'telecom') AND coalesce(talk, 0) < 100 ORDER BY id DESC LIMIT 2") == [[.int(5)], [.int(4)]])
        #expect(try f.rows("SELECT id, CASE WHEN talk > 100 THEN 'long' WHEN talk IS NULL THEN 'unknown' ELSE 'short' END FROM calls ORDER BY id LIMIT 3") == [
            [.int(1), .string("long")], [.int(2), .string("long")], [.int(3), .string("unknown")]])
        #expect(try f.rows("SELECT talk / 0, 7 / 2, 7 % 3, -agent FROM calls WHERE id = 1") == [[.null, .double(3.5), .int(1), .int(-7)]])
    }

    @Test func joinsSubqueriesCTEsWindowsAndUnion() throws {
        let f = try SQLFixture()
        #expect(try f.rows("""
            WITH per AS (SELECT agent, count(*) AS n FROM calls WHERE agent IS NOT NULL GROUP BY agent)
            SELECT c.id, per.n FROM calls c JOIN per ON c.agent = per.agent WHERE c.id < 4 ORDER BY c.id
            """) == [[.int(1), .int(2)], [.int(2), .int(2)], [.int(3), .int(1)]])
        #expect(try f.rows("SELECT id FROM calls WHERE talk > (SELECT avg(talk) FROM calls) ORDER BY id") == [[.int(2)]])
        #expect(try f.rows("SELECT id, row_number() OVER (PARTITION BY sector ORDER BY at) AS rn FROM calls ORDER BY id") == [
            [.int(1), .int(1)], [.int(2), .int(1)], [.int(3), .int(2)], [.int(4), .int(1)], [.int(5), .int(3)]])
        #expect(try f.rows("SELECT sector, count(*) * 100.0 / sum(count(*)) OVER () AS share FROM calls GROUP BY sector ORDER BY sector") == [
            [.string("banking"), .double(20)], [.string("retail"), .double(60)], [.string("telecom"), .double(20)]])
        #expect(try f.rows("SELECT 1 AS x UNION ALL SELECT 2 ORDER BY x DESC") == [[.int(2)], [.int(1)]])
        #expect(try f.rows("SELECT id FROM (SELECT id, talk FROM calls) s WHERE s.talk IS NULL") == [[.int(3)]])
    }

    @Test func errorsNameTheSpotAndSuggest() throws {
        let f = try SQLFixture()
        func error(_ sql: String) -> TallyError? {
            do { _ = try f.session.execute(sql); return nil } catch { return error as? TallyError }
        }
        let e1 = try #require(error("SELECT sectr FROM calls"))
        #expect(e1.code == "unknown_column")
        #expect(e1.hint == "did you mean sector?")
        #expect(e1.position?.column == 8)
        #expect(e1.render(source: "SELECT sectr FROM calls").contains("       ^"))
        let e2 = try #require(error("SELECT * FROM cals"))
        #expect(e2.code == "unknown_table")
        #expect(e2.hint == "did you mean calls?")
        let e3 = try #require(error("SELECT sector, count(*) FROM calls"))
        #expect(e3.code == "grouping_error")
        let e4 = try #require(error("SELECT avgg(talk) FROM calls"))
        #expect(e4.code == "unknown_function")
        #expect(e4.hint == "did you mean avg?")
        let e5 = try #require(error("SELECT id FROM calls WHERE at > 5"))
        #expect(e5.code == "type_mismatch")
        let e6 = try #require(error("INSERT INTO calls (id, at) VALUES (9, '2025-01-01')"))
        #expect(e6.code == "invalid_value")
        #expect(try f.rows("SELECT count(*) FROM calls") == [[.int(5)]])
    }

    @Test func preparedStatementsAndParameters() throws {
        let f = try SQLFixture()
        _ = try f.session.execute("PREPARE by_sector AS SELECT count(*) FROM calls WHERE sector = $1")
        #expect(try f.session.execute("EXECUTE by_sector('retail')").result!.rows == [[.int(3)]])
        #expect(try f.session.execute("SELECT count(*) FROM calls WHERE agent = $1", parameters: [.int(7)]).result!.rows == [[.int(2)]])
        _ = try f.session.execute("DEALLOCATE by_sector")
        #expect(throws: TallyError.self) { try f.session.execute("EXECUTE by_sector('retail')") }
    }

    @Test func explainShowsPlanAndAnalyzeShowsPruning() throws {
        let f = try SQLFixture()
        let plan = try f.rows("EXPLAIN SELECT count(*) FROM calls WHERE at >= '2025-01-02'").map { $0[0].description }
        #expect(plan.contains { $0.contains("Scan calls") && $0.contains("filter=") })
        let analyzed = try f.rows("EXPLAIN ANALYZE SELECT count(*) FROM calls").map { $0[0].description }
        #expect(analyzed.contains { $0.contains("rows=") })
    }

    @Test func copyToAndFromRoundTrips() throws {
        let f = try SQLFixture()
        let path = f.dir + "/out.csv"
        _ = try f.session.execute("COPY (SELECT * FROM calls ORDER BY id) TO '\(path)' (FORMAT csv)")
        _ = try f.session.execute("CREATE TABLE calls2 (id BIGINT NOT NULL, at TIMESTAMP NOT NULL, sector VARCHAR NOT NULL, agent INTEGER, talk DOUBLE)")
        #expect(try f.session.execute("COPY calls2 FROM '\(path)'").rowsAffected == 5)
        #expect(try f.rows("SELECT * FROM calls2 ORDER BY id") == (try f.rows("SELECT * FROM calls ORDER BY id")))
    }

    @Test func tenantsSeeOnlyTheirOwnRowsAndAdminsSeeClientID() throws {
        let f = try SQLFixture()
        try f.catalog.createTenant("globex")
        let g = Session(catalog: f.catalog, scope: .tenant("globex"))
        #expect(throws: TallyError.self) { try g.execute("SELECT count(*) FROM calls") }
        _ = try g.execute("CREATE TABLE calls (id BIGINT NOT NULL, at TIMESTAMP NOT NULL, sector VARCHAR NOT NULL, agent INTEGER, talk DOUBLE)")
        _ = try g.execute("INSERT INTO calls VALUES (100, '2025-01-01', 'banking', 1, 10)")
        #expect(try g.execute("SELECT count(*) FROM calls").result!.rows == [[.int(1)]])
        #expect(throws: TallyError.self) { try g.execute("SELECT client_id FROM calls") }
        let admin = Session(catalog: f.catalog, scope: .allTenants)
        #expect(try admin.execute("SELECT client_id, count(*) FROM calls GROUP BY client_id ORDER BY client_id").result!.rows == [
            [.string("acme"), .int(5)], [.string("globex"), .int(1)]])
        #expect(try admin.execute("SELECT count(*) FROM calls WHERE client_id = 'globex'").result!.rows == [[.int(1)]])
    }
}

@Suite struct MemoryLimitTests {
    @Test func statementsOverTheirMemoryBudgetStopWithAClearError() throws {
        let f = try SQLFixture()
        _ = try f.session.execute("INSERT INTO calls SELECT a.id * 10 + b.id, a.at, a.sector, a.agent, a.talk FROM calls a, calls b")
        var limits = SessionLimits()
        limits.maxQueryMemory = 512
        let tight = Session(catalog: f.catalog, scope: .tenant("acme"), limits: limits)
        // A small aggregate fits …
        #expect(try tight.execute("SELECT count(*) FROM calls").result!.rows == [[.int(30)]])
        // … sorting every row with its strings does not.
        do {
            _ = try tight.execute("SELECT * FROM calls ORDER BY talk, id")
            Issue.record("expected the memory limit to stop the sort")
        } catch let e as TallyError {
            #expect(e.code == "memory_limit")
            #expect(e.message.contains("memory limit"))
        }
        // The same statement runs without the limit, and the session stays usable.
        #expect(try f.session.execute("SELECT * FROM calls ORDER BY talk, id").result!.rowCount == 30)
        #expect(try tight.execute("SELECT count(*) FROM calls").result!.rows == [[.int(30)]])
    }
}

@Suite struct GapFillTests {
    @Test func emptyBucketsAppearWithZeroCountsAndNullAggregates() throws {
        let f = try SQLFixture()
        let r = try f.session.execute("""
            SELECT time_bucket_gapfill(INTERVAL '12 hours', at, TIMESTAMP '2025-01-01', TIMESTAMP '2025-01-04') AS b,
                   count(*) AS n, avg(talk) AS t
            FROM calls GROUP BY b ORDER BY b
            """).result!
        // Rows: 01-01 10:00 and 11:30, 01-02 09:15 and 23:59:59, 01-03 00:00.
        #expect(r.rows.map { $0[0] } == (0..<6).map { .timestamp(Timestamp.parse("2025-01-01")! + Int64($0) * 43_200_000_000) })
        #expect(r.rows.map { $0[1] } == [.int(2), .int(0), .int(1), .int(1), .int(1), .int(0)])
        #expect(r.rows[1][2] == .null)
        let bySector = try f.session.execute("""
            SELECT sector, time_bucket_gapfill(INTERVAL '1 day', at, '2025-01-01', '2025-01-04') AS d, count(*) AS n
            FROM calls GROUP BY sector, d ORDER BY sector, d
            """).result!
        #expect(bySector.rowCount == 9)
        #expect(bySector.rows.filter { $0[0] == .string("banking") }.map { $0[2] } == [.int(1), .int(0), .int(0)])
    }
}
