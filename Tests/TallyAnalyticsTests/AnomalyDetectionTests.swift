import Foundation
import Testing
import TallyQuery
import TallyStorage
@testable import TallyAnalytics

@Suite struct AnomalyDetectionTests {
    static let hour: Int64 = 3_600_000_000
    static let base: Int64 = 1_767_225_600_000_000 // 2026-01-01 00:00 UTC

    @Test func madFlagsAPlantedSpikeAgainstItsHourOfWeek() {
        // Twelve weeks of a daily pattern with bell-shaped noise (sum of four uniforms, SD ≈ 1.15);
        // hour 200 (week 2) gets +30.
        var rng = SplitMix(seed: 11)
        var y: [Double] = (0..<(12 * 168)).map { (t: Int) -> Double in
            var noise = 0.0
            for _ in 0..<4 { noise += Double(rng.next() % 2001) / 1000 - 1 }
            return 20 + Double(t % 24) + noise
        }
        y[200] += 30
        let s = TimeSeries(start: Self.base, step: Self.hour, values: y)
        let found = AnomalyDetector.madSeasonal(s, season: 168, threshold: 3.5, minScale: 0)
        #expect(found.map(\.index) == [200])
        let a = found[0]
        var history = (0..<12).filter { $0 != 1 }.map { y[32 + 168 * $0] }
        history.sort()
        #expect(a.expected == history[5])
        #expect(a.score > 3.5 && a.severity == "high")
    }

    @Test func robustScoreIsIglewiczHoaglin() {
        // Season 2, five seasons; slot 0 holds 10, 12, 11, 13, 30 and slot 1 is constant 5.
        let slot0: [Double] = [10, 12, 11, 13, 30]
        var values: [Double] = []
        for v in slot0 { values += [v, 5] }
        let s = TimeSeries(start: 0, step: Self.hour, values: values)
        let found = AnomalyDetector.madSeasonal(s, season: 2, threshold: 3.5, minScale: 0)
        // Expected values (leave-one-out medians) of slot 0: 12.5, 12, 12.5, 11.5, 11.5; slot 1: 5.
        // Residuals: −2.5, 0, −1.5, 1.5, 18.5 and five 0 → median 0, MAD 0 → scale 1.2533·mean|r| = 1.2533·2.4.
        #expect(found.count == 1)
        #expect(found[0].index == 8 && found[0].expected == 11.5)
        #expect(abs(found[0].score - 18.5 / (1.2533 * 2.4)) < 1e-12)
        #expect(found[0].severity == "medium")
        #expect(AnomalyDetector.severity(score: -4, threshold: 3.5) == "low")
        #expect(AnomalyDetector.severity(score: 9, threshold: 3.5) == "high")
    }

    @Test func rollingZFlagsAJump() {
        var y = (0..<100).map { Double($0 % 2) }
        y[60] = 10
        let found = AnomalyDetector.rollingZ(TimeSeries(start: 0, step: Self.hour, values: y), window: 24, threshold: 3, minScale: 0)
        #expect(found.map(\.index) == [60])
        #expect(found[0].expected == 0.5)
    }

    @Test func anomaliesPerKeyThroughSQLAndIntoTheStore() throws {
        let f = try AnalyticsFixture(schema: DataModel.schemaSQL + "CREATE TABLE m (agent_id INTEGER, at TIMESTAMP, aht DOUBLE);")
        var rows: [String] = []
        var rng = SplitMix(seed: 5)
        for agent in [7, 8] {
            for t in 0..<(12 * 168) {
                var v = 300.0
                for _ in 0..<4 { v += Double(rng.next() % 2001) / 100 - 10 }
                if agent == 8 && t == 400 { v = 900 }
                rows.append("(\(agent), '\(Value.timestamp(Self.base + Int64(t) * Self.hour))', \(v))")
            }
        }
        _ = try f.session.execute("INSERT INTO m VALUES " + rows.joined(separator: ", "))
        let out = try f.rows("SELECT agent_id, bucket, value, severity, method FROM anomalies((SELECT agent_id, at, aht FROM m))")
        #expect(out == [[.int(8), .timestamp(Self.base + 400 * Self.hour), .double(900), .string("high"), .string("mad_seasonal")]])
        _ = try f.session.execute("""
            INSERT INTO anomaly_detection (detected_at, bucket, metric, agent_id, value, expected, score, severity, method)
            SELECT now(), bucket, 'aht', agent_id, value, expected, score, severity, method
            FROM anomalies((SELECT agent_id, at, aht FROM m), method => 'rolling_z', threshold => 3, window => 48)
            """)
        let stored = try f.rows("SELECT agent_id, bucket, metric FROM anomaly_detection")
        #expect(stored.contains([.int(8), .timestamp(Self.base + 400 * Self.hour), .string("aht")]))
        do {
            _ = try f.rows("SELECT * FROM anomalies((SELECT agent_id, at, aht FROM m), method => 'esd')")
            Issue.record("unknown method accepted")
        } catch { #expect("\(error)".contains("mad_seasonal")) }
    }
}
