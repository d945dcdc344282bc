import Foundation
import Testing
@testable import TallyQuery

/// CREATE / DROP MATERIALIZED VIEW: what a view may contain, the errors for what it may not, and
/// reading a view by name.
@Suite struct MaterializedViewTests {
    func fixture() throws -> SQLFixture {
        let f = try SQLFixture()
        _ = try f.session.execute("""
            CREATE MATERIALIZED VIEW per_day AS
            SELECT date_trunc('day', at) AS day, sector, count(*) AS calls, sum(talk) AS talk_sum, count(talk) AS talk_n,
                   max(talk) AS longest, count(*) FILTER (WHERE sector <> 'retail') AS not_retail
            FROM calls GROUP BY 1, 2
            """)
        return f
    }

    @Test func viewByNameMergesPartials() throws {
        let f = try fixture()
        // Two more batches in the buffer and one flushed segment: the view covers all of them.
        _ = try f.session.execute("INSERT INTO calls VALUES (6, '2025-01-01 18:00:00', 'retail', 7, 10)")
        try f.catalog.tenant("acme").table("calls").flush()
        _ = try f.session.execute("INSERT INTO calls VALUES (7, '2025-01-01 19:00:00', 'retail', 8, NULL)")
        let rows = try f.rows("SELECT day, sector, calls, talk_sum, talk_n, longest, not_retail FROM per_day ORDER BY day, sector")
        #expect(rows.map { "\($0)" } == [
            "[2025-01-01 00:00:00, banking, 1, 300.0, 1, 300.0, 1]",
            "[2025-01-01 00:00:00, retail, 3, 130.5, 2, 120.5, 0]",
            "[2025-01-02 00:00:00, retail, 1, NULL, 0, NULL, 0]",
            "[2025-01-02 00:00:00, telecom, 1, 45.25, 1, 45.25, 1]",
            "[2025-01-03 00:00:00, retail, 1, 80.0, 1, 80.0, 0]",
        ])
    }

    @Test func explainNamesTheView() throws {
        let f = try fixture()
        let plan = try f.rows("EXPLAIN SELECT sector, count(*), avg(talk) FROM calls WHERE at >= TIMESTAMP '2025-01-02' GROUP BY sector")
            .map { "\($0[0])" }.joined(separator: "\n")
        #expect(plan.contains("RollupScan per_day (partials of calls)"))
        #expect(plan.contains("filter=(at >= TIMESTAMP '2025-01-02 00:00:00')"))
        #expect(try f.rows("SELECT sector, count(*), avg(talk) FROM calls WHERE at >= TIMESTAMP '2025-01-02' GROUP BY sector ORDER BY sector").map { "\($0)" }
                == ["[retail, 2, 80.0]", "[telecom, 1, 45.25]"])
    }

    @Test func dropRemovesViewAndSidecars() throws {
        let f = try fixture()
        try f.catalog.tenant("acme").table("calls").flush()
        let dir = f.dir + "/tenants/acme/calls"
        #expect(try FileIO.list(dir).contains { $0.hasSuffix(".rollup") })
        _ = try f.session.execute("DROP MATERIALIZED VIEW per_day")
        #expect(try !FileIO.list(dir).contains { $0.hasSuffix(".rollup") })
        #expect(throws: (any Error).self) { try f.rows("SELECT * FROM per_day") }
        #expect(try f.session.execute("DROP MATERIALIZED VIEW IF EXISTS per_day").message == "DROP MATERIALIZED VIEW (did not exist)")
        let plan = try f.rows("EXPLAIN SELECT count(*) FROM calls").map { "\($0[0])" }.joined()
        #expect(!plan.contains("RollupScan"))
    }

    @Test(arguments: [
        ("CREATE MATERIALIZED VIEW v AS SELECT sector, avg(talk) FROM calls GROUP BY sector", "avg(x) is answered from them"),
        ("CREATE MATERIALIZED VIEW v AS SELECT sector, count(*) FROM calls WHERE agent = 7 GROUP BY sector", "WHERE is not allowed"),
        ("CREATE MATERIALIZED VIEW v AS SELECT sector, count(DISTINCT agent) FROM calls GROUP BY sector", "DISTINCT"),
        ("CREATE MATERIALIZED VIEW v AS SELECT talk, count(*) AS n FROM calls GROUP BY talk", "group keys of a materialized view must be exact"),
        ("CREATE MATERIALIZED VIEW v AS SELECT sector, count(*) FROM calls GROUP BY sector", "name the aggregate with AS"),
        ("CREATE MATERIALIZED VIEW v AS SELECT date_trunc('hour', at), count(*) FROM calls GROUP BY 1", "must be a column or date_trunc('day', column)"),
        ("CREATE MATERIALIZED VIEW v AS SELECT sector, count(*) FILTER (WHERE talk > 3) FROM calls GROUP BY sector", "FILTER must be"),
        ("CREATE MATERIALIZED VIEW per_day AS SELECT sector, count(*) FROM calls GROUP BY sector", "already exists"),
        ("CREATE MATERIALIZED VIEW v AS SELECT sectr, count(*) FROM calls GROUP BY sectr", "did you mean sector"),
    ])
    func refusedDefinitions(sql: String, message: String) throws {
        let f = try fixture()
        do {
            _ = try f.session.execute(sql)
            Issue.record("accepted: \(sql)")
        } catch {
            let text = "\(error)" + ((error as? TallyError).map { " \($0.message) \($0.hint ?? "")" } ?? "")
            #expect(text.contains(message), "\(sql): \(text)")
        }
    }

    @Test func ifNotExistsKeepsTheFirstDefinition() throws {
        let f = try fixture()
        #expect(try f.session.execute("CREATE MATERIALIZED VIEW IF NOT EXISTS per_day AS SELECT sector, count(*) FROM calls GROUP BY sector").message
                == "CREATE MATERIALIZED VIEW (already exists)")
        #expect(try f.catalog.tenant("acme").table("calls").rollup(named: "per_day")?.keys.count == 2)
    }
}
