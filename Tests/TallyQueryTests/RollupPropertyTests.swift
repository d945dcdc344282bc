import Foundation
import Testing
@testable import TallyQuery

/// Materialized views after random ingest (batches, flushes, compactions, retention, several tenants,
/// views defined before and after data arrived): each view equals recomputation from the raw rows,
/// and every query the planner answers from a view gives the raw-row answer.
@Suite struct RollupPropertyTests {
    static let day: Int64 = 86_400_000_000
    static let base: Int64 = 1_735_689_600_000_000 // 2025-01-01 00:00:00 UTC

    static let views = [
        """
        CREATE MATERIALIZED VIEW by_day AS
        SELECT date_trunc('day', at) AS day, sector, agent, count(*) AS calls,
               count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned, count(*) FILTER (WHERE answered) AS answered_n,
               sum(talk) AS talk_sum, count(talk) AS talk_n, sum(score) AS score_sum, count(score) AS score_n,
               min(talk) AS talk_min, max(talk) AS talk_max
        FROM calls GROUP BY 1, 2, 3
        """,
        """
        CREATE MATERIALIZED VIEW by_sector AS
        SELECT date_trunc('day', at) AS day, sector, outcome, count(*) AS calls, sum(talk) AS talk_sum, count(talk) AS talk_n,
               max(at) AS last_at
        FROM calls GROUP BY 1, 2, 3
        """,
    ]

    /// (SQL, answered from a view?) in a tenant session.
    static let tenantQueries: [(String, Bool)] = [
        ("SELECT sector, count(*), avg(talk), count(*) FILTER (WHERE outcome = 'abandoned'), avg(score) FROM calls GROUP BY sector ORDER BY sector", true),
        ("SELECT date_trunc('week', at) AS w, count(*), sum(talk), min(talk), max(talk) FROM calls WHERE at >= TIMESTAMP '2025-01-10' AND at < TIMESTAMP '2025-02-01' GROUP BY w ORDER BY w", true),
        ("SELECT agent, count(*) AS n, avg(score) FROM calls WHERE sector IN ('retail', 'banking') AND agent IS NOT NULL GROUP BY agent HAVING count(*) > 3 ORDER BY n DESC, agent LIMIT 5", true),
        ("SELECT count(*), count(talk), sum(talk) FROM calls WHERE at >= TIMESTAMP '2025-02-20'", true),
        ("SELECT sector, outcome, count(*) FROM calls GROUP BY sector, outcome ORDER BY 1, 2", true),
        ("SELECT count(*) FILTER (WHERE answered), max(talk) FROM calls", true),
        ("SELECT sector, max(at) FROM calls GROUP BY sector ORDER BY sector", true),
        ("SELECT date_trunc('day', at) AS d, count(*) FILTER (WHERE sector = 'retail') FROM calls WHERE at > TIMESTAMP '2025-01-19 23:59:59.999999' GROUP BY d ORDER BY d", true),
        ("SELECT sector, count(*) FROM calls WHERE at >= TIMESTAMP '2025-01-10 12:00:00' GROUP BY sector ORDER BY sector", false),
        ("SELECT sector, count(DISTINCT agent) FROM calls GROUP BY sector ORDER BY sector", false),
        ("SELECT sector, avg(talk) FILTER (WHERE score > 3) FROM calls GROUP BY sector ORDER BY sector", false),
        ("SELECT date_trunc('hour', at) AS h, count(*) FROM calls GROUP BY h ORDER BY h", false),
    ]

    static let adminQueries: [(String, Bool)] = [
        ("SELECT sector, count(*) AS calls, avg(talk), 100.0 * count(*) FILTER (WHERE outcome = 'abandoned') / count(*) AS pct, avg(score) FROM calls GROUP BY sector ORDER BY sector", true),
        ("SELECT client_id, sector, count(*), sum(score) FROM calls GROUP BY client_id, sector ORDER BY 1, 2", true),
        ("SELECT client_id, count(DISTINCT agent) FROM calls GROUP BY client_id ORDER BY 1", false),
    ]

    static func options() -> StoreOptions {
        var o = StoreOptions()
        o.flushRows = 700
        o.flushAgeSeconds = 1e9
        o.compactBelowRows = 3000
        o.compactMinSegments = 3
        o.segmentRows = 5000
        o.rowGroupRows = 256
        o.cacheBytes = 1 << 26
        return o
    }

    func batch(_ rng: inout SplitMix, rows: Int, firstID: Int64) -> RowBatch {
        let sectors = ["retail", "banking", "telecom"], outcomes = ["resolved", "abandoned", "transferred"]
        var b = (0..<8).map { i in ColumnBuilder([DataType.int64, .timestamp, .string, .int32, .string, .bool, .int32, .float64][i]) }
        for i in 0..<rows {
            b[0].append(integer: firstID + Int64(i))
            // A share of rows sits exactly on midnight, where day boundaries bite.
            let d = Int64(rng.next() % 60)
            b[1].append(integer: RollupPropertyTests.base + d * RollupPropertyTests.day + (rng.next() % 5 == 0 ? 0 : Int64(rng.next() % UInt64(RollupPropertyTests.day))))
            b[2].append(string: sectors[Int(rng.next() % 3)])
            if rng.next() % 8 == 0 { b[3].appendNull() } else { b[3].append(integer: Int64(rng.next() % 12)) }
            b[4].append(string: outcomes[Int(rng.next() % 3)])
            if rng.next() % 6 == 0 { b[5].appendNull() } else { b[5].append(integer: Int64(rng.next() % 2)) }
            if rng.next() % 7 == 0 { b[6].appendNull() } else { b[6].append(integer: Int64(rng.next() % 900)) }
            if rng.next() % 5 == 0 { b[7].appendNull() } else { b[7].append(double: Double(rng.next() % 41) / 10 + 1) }
        }
        return RowBatch(columns: b.map { $0.finish() })
    }

    static func same(_ a: [[Value]], _ b: [[Value]]) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            guard x.count == y.count else { return false }
            for (u, v) in zip(x, y) {
                if case .double(let p) = u, case .double(let q) = v {
                    if abs(p - q) > 1e-9 * max(1, abs(p), abs(q)) { return false }
                } else if u != v { return false }
            }
        }
        return true
    }

    func check(_ catalog: Catalog, scope: SessionScope, _ queries: [(String, Bool)], step: Int) throws {
        let fast = Session(catalog: catalog, scope: scope)
        var rawLimits = SessionLimits()
        rawLimits.useRollups = false
        let raw = Session(catalog: catalog, scope: scope, limits: rawLimits)
        for (sql, expectRollup) in queries {
            let plan = try fast.execute("EXPLAIN " + sql).result!.rows.map { "\($0[0])" }.joined(separator: "\n")
            #expect(plan.contains("RollupScan") == expectRollup, "step \(step) \(scope): \(sql)\n\(plan)")
            let rawPlan = try raw.execute("EXPLAIN " + sql).result!.rows.map { "\($0[0])" }.joined(separator: "\n")
            #expect(!rawPlan.contains("RollupScan"))
            let a = try fast.execute(sql).result!.rows, b = try raw.execute(sql).result!.rows
            #expect(Self.same(a, b), "step \(step) \(scope): \(sql)\nrollup: \(a.prefix(4))\nraw:    \(b.prefix(4))")
        }
        // A view read by name is the merge of its partials.
        if case .tenant = scope {
            let v = try fast.execute("SELECT sector, sum(calls), sum(talk_sum), max(talk_max) FROM by_day GROUP BY sector ORDER BY sector").result!.rows
            let r = try raw.execute("SELECT sector, count(*), sum(talk), max(talk) FROM calls GROUP BY sector ORDER BY sector").result!.rows
            #expect(Self.same(v, r), "step \(step): view by name \(v) vs raw \(r)")
        }
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func viewsEqualRecomputationUnderRandomIngest(seed: UInt64) throws {
        let dir = NSTemporaryDirectory() + "/tally-rollup-\(UUID().uuidString)"
        defer { try? FileIO.removeTree(dir) }
        let catalog = try Catalog(root: dir, options: Self.options())
        let tenants = ["t1", "t2", "t3"]
        var defined = Set<String>()
        func define(_ t: String) throws {
            let s = Session(catalog: catalog, scope: .tenant(t))
            for v in Self.views { _ = try s.execute(v) }
            defined.insert(t)
        }
        for t in tenants {
            try catalog.createTenant(t)
            _ = try Session(catalog: catalog, scope: .tenant(t)).execute("""
                CREATE TABLE calls (id BIGINT NOT NULL, at TIMESTAMP NOT NULL, sector VARCHAR NOT NULL, agent INTEGER,
                                    outcome VARCHAR NOT NULL, answered BOOLEAN, talk INTEGER, score DOUBLE)
                WITH (time_column = at, ttl = '30 days')
                """)
        }
        try define("t1")
        var rng = SplitMix(seed: seed)
        var nextID: Int64 = 1
        for step in 0..<36 {
            let t = tenants[Int(rng.next() % 3)]
            let table = try catalog.tenant(t).table("calls")
            switch rng.next() % 10 {
            case 0..<5:
                let n = 1 + Int(rng.next() % 400)
                try table.append(batch(&rng, rows: n, firstID: nextID))
                nextID += Int64(n)
            case 5, 6: try table.flush()
            case 7: try table.compact(force: rng.next() % 2 == 0)
            case 8:
                // Retention relative to the data's days: some segments fall out, others stay.
                try table.applyRetention(now: Self.base + Int64(40 + rng.next() % 40) * Self.day)
            default:
                // Views defined after data arrived: partials of older segments are built on first use.
                if !defined.contains(t) { try define(t) } else { try table.flush() }
            }
            if step % 6 == 5 {
                for t in tenants where defined.contains(t) {
                    let problems = RollupCheck.verify(try catalog.tenant(t).table("calls"))
                    #expect(problems.isEmpty, "step \(step) tenant \(t): \(problems)")
                    try check(catalog, scope: .tenant(t), Self.tenantQueries, step: step)
                }
                let all = defined.count == tenants.count
                // Across tenants a view is used only when every tenant keeps it.
                try check(catalog, scope: .allTenants, all ? Self.adminQueries : Self.adminQueries.map { ($0.0, false) }, step: step)
            }
        }
        for t in tenants where !defined.contains(t) { try define(t) }
        try check(catalog, scope: .allTenants, Self.adminQueries, step: 99)
        // Reopened from disk, the sidecars still agree.
        let reopened = try Catalog(root: dir, options: Self.options())
        for t in tenants {
            let table = try reopened.tenant(t).table("calls")
            #expect(table.rollupDefinitions.count == 2)
            #expect(RollupCheck.verify(table).isEmpty)
        }
        try check(reopened, scope: .tenant("t2"), Self.tenantQueries, step: 100)
    }
}
