import Foundation
import Testing
import TallyGen
import TallyQuery
import TallyStorage
@testable import TallyAnalytics

/// Forecasts and anomaly detection on a generated tenant (12 weeks, about 100,000 calls, with
/// labelled anomalies). benchmarks/RESULTS.md has the figures on the larger generated store.
@Suite(.serialized) struct GeneratedDataTests {
    final class Store: Sendable {
        let dir = NSTemporaryDirectory() + "/tally-analytics-gen-\(UUID().uuidString)"
        let session: Session

        init() throws {
            let catalog = try Catalog(root: dir)
            let gen = Generator(config: GeneratorConfig(seed: 5, tenants: 1, callRows: 100_000, days: 84))
            let schemas = Dictionary(uniqueKeysWithValues: DataModel.tableSchemas.map { ($0.name, $0) })
            let plan = gen.tenants[0]
            let store = try catalog.createTenant(plan.id, schemas: DataModel.tableSchemas)
            var loads: [String: BulkLoad] = [:]
            try gen.generate(tenant: plan, schemas: schemas) { table, batch in
                if loads[table] == nil { loads[table] = try store.table(table).beginBulkLoad() }
                try loads[table]!.add(batch)
            }
            for (_, l) in loads { try l.commit() }
            Analytics.installIntoSharedRegistry()
            session = Session(catalog: catalog, scope: .tenant(plan.id))
        }

        deinit { try? FileManager.default.removeItem(atPath: dir) }

        func rows(_ sql: String) throws -> [[Value]] { try session.execute(sql).result!.rows }
    }

    static let store = Result { try Store() }

    static func double(_ v: Value) -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return .nan
        }
    }

    @Test func oneWeekAheadHourlyCallsForecast() throws {
        let s = try Self.store.get()
        guard case .timestamp(let last) = try s.rows("SELECT max(started_at) FROM agent_metrics")[0][0] else { Issue.record("no calls"); return }
        let cut = (last / Timestamp.microsPerDay + 1 - 7) * Timestamp.microsPerDay
        let cutSQL = "TIMESTAMP '\(Value.timestamp(cut))'"
        let series = "(SELECT time_bucket(INTERVAL '1 hour', started_at), count(*) FROM agent_metrics WHERE started_at < \(cutSQL) GROUP BY 1)"
        var actual: [Int64: Double] = [:]
        for r in try s.rows("SELECT time_bucket(INTERVAL '1 hour', started_at), count(*) FROM agent_metrics WHERE started_at >= \(cutSQL) GROUP BY 1") {
            if case .timestamp(let t) = r[0] { actual[t] = Self.double(r[1]) }
        }
        var w: [String: Double] = [:]
        for model in ["seasonal_naive", "holt_winters", "auto"] {
            let f = try s.rows("SELECT target_at, value, model FROM forecast(\(series), horizon => 168, model => '\(model)') ORDER BY target_at")
            #expect(f.count == 168)
            #expect(f.first?[0] == .timestamp(cut))
            let y = f.map { r -> Double in if case .timestamp(let t) = r[0] { return actual[t] ?? 0 }; return .nan }
            w[model] = Accuracy.wmape(actual: y, forecast: f.map { Self.double($0[1]) }) ?? .nan
        }
        // Daily busyness ~ Gamma(10, 10) (SD 32 % of the mean, unknown a week ahead) bounds what any
        // model can reach; both models must still be far better than no seasonality at all.
        #expect(w["seasonal_naive"]! < 0.45 && w["holt_winters"]! < 0.40, "wMAPE \(w)")
        #expect(w["auto"] == w["seasonal_naive"] || w["auto"] == w["holt_winters"])
    }

    @Test func injectedVolumeSurgesAndAHTSpikesAreFound() throws {
        let s = try Self.store.get()
        let labels = try s.rows("SELECT kind, start_at, end_at, agent_id FROM injected_anomalies")
        let surges = try s.rows("""
            SELECT bucket FROM anomalies((SELECT time_bucket(INTERVAL '1 hour', started_at), count(*) FROM agent_metrics GROUP BY 1),
                                         level_window => 24, transform => 'sqrt')
            WHERE score > 0
            """)
        let spikes = try s.rows("""
            SELECT agent_id, bucket FROM anomalies((SELECT agent_id, time_bucket(INTERVAL '1 day', started_at), avg(handle_s)
                                                    FROM agent_metrics WHERE agent_id IS NOT NULL GROUP BY 1, 2 HAVING count(*) >= 10),
                                           season => 1, transform => 'log')
            WHERE score > 0
            """)
        func inside(_ b: Value, _ width: Int64, _ l: [Value]) -> Bool {
            guard case .timestamp(let t) = b, case .timestamp(let s0) = l[1], case .timestamp(let e0) = l[2] else { return false }
            return t < e0 && t + width > s0
        }
        let hour: Int64 = 3_600_000_000
        let surgeLabels = labels.filter { $0[0] == .string("volume_surge") }
        let spikeLabels = labels.filter { $0[0] == .string("aht_spike") }
        #expect(!surgeLabels.isEmpty && !spikeLabels.isEmpty)
        for l in surgeLabels { #expect(surges.contains { inside($0[0], hour, l) }, "surge \(l) missed") }
        for l in spikeLabels { #expect(spikes.contains { $0[0] == l[3] && inside($0[1], Timestamp.microsPerDay, l) }, "spike \(l) missed") }
        let surgeHits = surges.filter { d in surgeLabels.contains { inside(d[0], hour, $0) } }.count
        let spikeHits = spikes.filter { d in spikeLabels.contains { d[0] == $0[3] && inside(d[1], Timestamp.microsPerDay, $0) } }.count
        #expect(Double(surgeHits) >= 0.5 * Double(surges.count), "\(surgeHits) of \(surges.count) surge detections are labelled")
        // Per-agent daily AHT is heavy-tailed (a few long calls move a day's mean as much as a
        // 1.4–1.8× spike), so most daily detections are not labelled: precision here is ~0.25 (see
        // benchmarks/RESULTS.md). The bound guards against losing even that.
        #expect(Double(spikeHits) >= 0.15 * Double(spikes.count), "\(spikeHits) of \(spikes.count) spike detections are labelled")
    }
}
