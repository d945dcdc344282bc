import ArgumentParser
import Foundation
import TallyQuery
import TallyStorage

/// `tally bench-queries`: the ten dashboard query shapes of the benchmark, timed in this process.
struct QueryBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-queries",
        abstract: "Time the ten dashboard query shapes (KPI tiles, sector comparison, trends, top agents, shares, quantiles, distinct agents, margin)."
    )

    @Option(name: .long, help: "A store made by `tally generate`.")
    var data: String
    @Option(name: .long, help: "Timed runs per query (after one warm-up run).")
    var runs: Int = 10
    @Flag(name: .long, help: "Print each query's first rows.")
    var show = false
    @Option(name: .long, help: "JSON file of queries to time instead of the ten shapes: [{\"name\": …, \"tenant\": … or null for all tenants, \"sql\": …}].")
    var spec: String?
    @Option(name: .customLong("json-out"), help: "Also write every timing (ms), open time and RSS to this JSON file.")
    var jsonOut: String?
    @Flag(name: .long, help: "Answer every query from raw rows, never from materialized views.")
    var noRollups = false

    /// One benchmark query: its name, the scope it runs in, and its SQL.
    struct Shape {
        let name: String
        let scope: SessionScope
        let sql: String
    }

    static func shapes(mid: String, largest: String, end: String) -> [Shape] {
        let kpi = """
            SELECT count(*) AS calls,
                   avg(handle_s) FILTER (WHERE outcome <> 'abandoned') AS aht_s,
                   avg(queue_wait_s) FILTER (WHERE answered_at IS NOT NULL) AS asa_s,
                   100.0 * count(*) FILTER (WHERE outcome = 'abandoned') / count(*) AS abandon_pct,
                   100.0 * count(*) FILTER (WHERE first_contact_resolved) / count(*) FILTER (WHERE outcome <> 'abandoned') AS fcr_pct,
                   avg(quality_score) AS quality
            FROM agent_metrics
            """
        return [
            Shape(name: "kpi_tile_mid_30d", scope: .tenant(mid), sql: kpi + " WHERE started_at >= TIMESTAMP '\(end)' - INTERVAL '30 days'"),
            Shape(name: "kpi_tile_largest_year", scope: .tenant(largest), sql: kpi + " WHERE started_at >= TIMESTAMP '\(end)' - INTERVAL '365 days'"),
            Shape(name: "sector_comparison", scope: .allTenants, sql: """
                SELECT sector, count(*) AS calls, avg(handle_s) AS aht_s,
                       100.0 * count(*) FILTER (WHERE outcome = 'abandoned') / count(*) AS abandon_pct, avg(quality_score) AS quality
                FROM agent_metrics GROUP BY sector ORDER BY sector
                """),
            Shape(name: "hourly_trend_7d", scope: .tenant(largest), sql: """
                SELECT time_bucket(INTERVAL '1 hour', started_at) AS hour, count(*) AS calls, avg(handle_s) AS aht_s
                FROM agent_metrics WHERE started_at >= TIMESTAMP '\(end)' - INTERVAL '7 days' GROUP BY hour ORDER BY hour
                """),
            Shape(name: "daily_trend_365d", scope: .tenant(largest), sql: """
                SELECT date_trunc('day', started_at) AS day, count(*) AS calls, avg(handle_s) AS aht_s
                FROM agent_metrics GROUP BY day ORDER BY day
                """),
            Shape(name: "top_agents", scope: .tenant(largest), sql: """
                SELECT agent_id, count(*) AS calls, avg(quality_score) AS quality
                FROM agent_metrics WHERE agent_id IS NOT NULL GROUP BY agent_id HAVING count(*) >= 50 ORDER BY quality DESC, agent_id LIMIT 10
                """),
            Shape(name: "outcome_sector_shares", scope: .allTenants, sql: """
                SELECT sector, outcome, count(*) AS calls, 100.0 * count(*) / sum(count(*)) OVER (PARTITION BY sector) AS share_pct
                FROM agent_metrics GROUP BY sector, outcome ORDER BY sector, outcome
                """),
            Shape(name: "quantiles_by_sector", scope: .allTenants, sql: """
                SELECT sector, quantile_cont(handle_s, 0.5) AS p50, quantile_cont(handle_s, 0.9) AS p90, quantile_cont(handle_s, 0.99) AS p99
                FROM agent_metrics WHERE handle_s IS NOT NULL GROUP BY sector ORDER BY sector
                """),
            Shape(name: "distinct_agents_per_tenant", scope: .allTenants, sql: """
                SELECT client_id, count(DISTINCT agent_id) AS agents FROM agent_metrics GROUP BY client_id ORDER BY client_id
                """),
            Shape(name: "margin_per_tenant", scope: .allTenants, sql: """
                SELECT client_id, sum(revenue) AS revenue, sum(cost) AS cost, (sum(revenue) - sum(cost)) / sum(revenue) AS margin
                FROM agent_metrics GROUP BY client_id ORDER BY client_id
                """),
        ]
    }

    /// The queries of a spec file.
    static func readSpec(_ path: String) throws -> [Shape] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read the spec file \(path)") }
        guard let items = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw ValidationError("\(path): expected a JSON array of {\"name\", \"tenant\", \"sql\"} objects")
        }
        return try items.enumerated().map { i, o in
            guard let name = o["name"] as? String, let sql = o["sql"] as? String else {
                throw ValidationError("\(path): item \(i) needs a string \"name\" and a string \"sql\"")
            }
            if let t = o["tenant"] as? String { return Shape(name: name, scope: .tenant(t), sql: sql) }
            guard o["tenant"] == nil || o["tenant"] is NSNull else { throw ValidationError("\(path): item \(i) (\(name)): \"tenant\" must be a string or null") }
            return Shape(name: name, scope: .allTenants, sql: sql)
        }
    }

    func run() throws {
        let rssBefore = StorageBenchCommand.rssMiB()
        let opened = Date()
        let catalog = try Catalog(root: data)
        let openSeconds = Date().timeIntervalSince(opened)
        let rssOpen = StorageBenchCommand.rssMiB()
        if let spec { return try runSpec(try Self.readSpec(spec), catalog: catalog, open: (openSeconds, rssBefore, rssOpen)) }
        let admin = Session(catalog: catalog, scope: .allTenants)
        let sizes = try admin.execute("SELECT client_id, count(*) AS n, max(started_at) AS last FROM agent_metrics GROUP BY client_id ORDER BY n DESC, client_id").result!
        guard sizes.rowCount > 0 else { throw ValidationError("no agent_metrics rows in \(data)") }
        let largest = sizes.row(0)[0].description
        let mid = sizes.row(sizes.rowCount / 2)[0].description
        let end = sizes.rows.map { $0[2] }.max { BuiltinOrder.less($0, $1) }!.description
        let total = sizes.rows.reduce(Int64(0)) { acc, r in if case .int(let n) = r[1] { return acc + n }; return acc }
        print("store: \(total) agent_metrics rows, \(sizes.rowCount) tenants; largest \(largest) (\(sizes.row(0)[1])), mid \(mid) (\(sizes.row(sizes.rowCount / 2)[1])); end \(end)")
        print("| query | median ms | p99 ms | min ms | rows |")
        print("|---|---:|---:|---:|---:|")
        for shape in Self.shapes(mid: mid, largest: largest, end: end) {
            var limits = SessionLimits()
            limits.useRollups = !noRollups
            let session = Session(catalog: catalog, scope: shape.scope, limits: limits)
            let first = try session.execute(shape.sql)
            var times: [Double] = []
            for _ in 0..<runs { times.append(try session.execute(shape.sql).elapsed * 1000) }
            times.sort()
            let median = times[times.count / 2]
            let p99 = times[min(times.count - 1, Int((Double(times.count) * 0.99).rounded(.up)) - 1)]
            print(String(format: "| %@ | %.2f | %.2f | %.2f | %d |", shape.name as NSString, median, p99, times[0], first.result?.rowCount ?? 0))
            if show, let r = first.result { print(ResultFormatter.table(r, maxRows: 5)) }
        }
    }
}

extension QueryBenchCommand {
    /// Times each query of a spec (one warm-up run, then `runs` timed runs); a query that fails is
    /// reported with its error and the rest still run, so one unsupported query does not sink a run.
    func runSpec(_ shapes: [Shape], catalog: Catalog, open: (seconds: Double, rssBefore: Double, rssOpen: Double)) throws {
        print(String(format: "opened in %.3f s; RSS %.1f MiB after open (%.1f before)", open.seconds, open.rssOpen, open.rssBefore))
        print("| query | median ms | p99 ms | min ms | rows |")
        print("|---|---:|---:|---:|---:|")
        var results: [[String: Any]] = []
        var limits = SessionLimits()
        limits.useRollups = !noRollups
        for shape in shapes {
            let session = Session(catalog: catalog, scope: shape.scope, limits: limits)
            do {
                let first = try session.execute(shape.sql)
                var times: [Double] = []
                for _ in 0..<runs { times.append(try session.execute(shape.sql).elapsed * 1000) }
                let sorted = times.sorted()
                let p99 = sorted[min(sorted.count - 1, Int((Double(sorted.count) * 0.99).rounded(.up)) - 1)]
                print(String(format: "| %@ | %.2f | %.2f | %.2f | %d |", shape.name as NSString, sorted[sorted.count / 2], p99, sorted[0], first.result?.rowCount ?? 0))
                results.append(["name": shape.name, "ms": times, "rows": first.result?.rowCount ?? 0])
            } catch {
                print("| \(shape.name) | error: \(String(describing: error).prefix(200)) | | | |")
                results.append(["name": shape.name, "error": String(describing: error)])
            }
        }
        let peak = Self.peakRSSMiB()
        print(String(format: "peak RSS %.1f MiB", peak))
        if let jsonOut {
            let o: [String: Any] = ["open_s": open.seconds, "rss_before_open_mib": open.rssBefore, "rss_after_open_mib": open.rssOpen,
                                    "rss_peak_mib": peak, "runs": runs, "queries": results]
            let data = try JSONSerialization.data(withJSONObject: o, options: [.prettyPrinted, .sortedKeys])
            guard FileManager.default.createFile(atPath: jsonOut, contents: data) else { throw ValidationError("cannot write \(jsonOut)") }
        }
    }

    /// Peak resident set size of this process (VmHWM) in MiB.
    static func peakRSSMiB() -> Double {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return (Double(line.split(separator: " ").dropFirst().first.map(String.init) ?? "0") ?? 0) / 1024
    }
}

/// Orders Values of one type (for picking the latest timestamp).
enum BuiltinOrder {
    static func less(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.timestamp(let x), .timestamp(let y)), (.int(let x), .int(let y)): return x < y
        case (.null, _): return true
        default: return false
        }
    }
}
