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

    /// 120 days of bell-shaped noise (SD ≈ 1.15) with days 50–53 raised by 3 (≈ 2.6 SD each).
    static func shiftedDays() -> [Double] {
        var rng = SplitMix(seed: 21)
        var y: [Double] = (0..<120).map { _ in
            var noise = 0.0
            for _ in 0..<4 { noise += Double(rng.next() % 2001) / 1000 - 1 }
            return 10 + noise
        }
        for d in 50...53 { y[d] += 3 }
        return y
    }

    @Test func spanFindsASeveralDayShiftThatSingleDaysMiss() {
        let s = TimeSeries(start: Self.base, step: 24 * Self.hour, values: Self.shiftedDays())
        let single = AnomalyDetector.madSeasonal(s, season: 1, threshold: 3.5, minScale: 0)
        let runs = AnomalyDetector.madSeasonal(s, season: 1, threshold: 3.5, minScale: 0, span: 4)
        // Four days of 2.6 SD score ≈ 2.6·4/√4 = 5.2 together, below 3.5 one by one. A neighbour that
        // leans the same way by ≥ 1 SD by chance may join the run: at most one such day.
        let inside = runs.filter { (50...53).contains($0.index) }
        #expect(inside.count >= 3 && runs.count - inside.count <= 1 && runs.allSatisfy { $0.score > 3.5 })
        #expect(single.filter { (50...53).contains($0.index) }.count < inside.count)
        // Pure noise: runs of up to four days flag nothing either.
        var quiet = Self.shiftedDays()
        for d in 50...53 { quiet[d] -= 3 }
        #expect(AnomalyDetector.madSeasonal(TimeSeries(start: Self.base, step: 24 * Self.hour, values: quiet), season: 1,
                                            threshold: 3.5, minScale: 0, span: 4).isEmpty)
    }

    @Test func weightsTrustValuesBackedByMoreObservations() {
        // Twenty daily means alternating 10.1 / 9.9 from 25 calls each; days 5 and 12 are 12, day 5
        // from a single call. Leave-one-out medians are 10.1, so e = 0, −0.2 or 1.9 and
        // σ = MAD(e·√w)/0.6745 = 1.0/0.6745: day 12 scores 1.9·5/σ ≈ 6.4, day 5 1.9/σ ≈ 1.3.
        var y = (0..<20).map { $0 % 2 == 0 ? 10.1 : 9.9 }
        var w = [Double](repeating: 25, count: 20)
        y[5] = 12; w[5] = 1
        y[12] = 12
        let s = TimeSeries(start: Self.base, step: 24 * Self.hour, values: y, weights: w)
        let found = AnomalyDetector.madSeasonal(s, season: 1, threshold: 3.5, minScale: 0)
        #expect(found.map(\.index) == [12])
        #expect(abs((found.first?.score ?? 0) - 1.9 * 5 * 0.6745) < 1e-9)
        let unweighted = AnomalyDetector.madSeasonal(TimeSeries(start: Self.base, step: 24 * Self.hour, values: y), season: 1, threshold: 3.5, minScale: 0)
        #expect(unweighted.map(\.index) == [5, 12])
    }

    @Test func weightedSpanThroughSQL() throws {
        let f = try AnalyticsFixture(schema: DataModel.schemaSQL + "CREATE TABLE d (agent_id INTEGER, day TIMESTAMP, aht DOUBLE, calls INTEGER);")
        let y = Self.shiftedDays()
        let rows = y.indices.map { "(3, '\(Value.timestamp(Self.base + Int64($0) * 24 * Self.hour))', \(y[$0]), 20)" }
        _ = try f.session.execute("INSERT INTO d VALUES " + rows.joined(separator: ", "))
        let out = try f.rows("SELECT agent_id, bucket FROM anomalies((SELECT agent_id, day, aht, calls FROM d), season => 1, span => 4, weighted => true) WHERE score > 0")
        let days = out.map { row -> Int in
            guard case .timestamp(let t) = row[1] else { return -1 }
            return Int((t - Self.base) / (24 * Self.hour))
        }
        let inside = days.filter { (50...53).contains($0) }.count
        #expect(inside >= 3 && days.count - inside <= 1)
        #expect(out.allSatisfy { $0[0] == .int(3) })
        do {
            _ = try f.rows("SELECT * FROM anomalies((SELECT day, aht, CAST(calls AS VARCHAR) FROM d), weighted => true)")
            Issue.record("a text weight column was accepted")
        } catch { #expect("\(error)".contains("weight")) }
        do {
            _ = try f.rows("SELECT * FROM anomalies((SELECT day, aht FROM d), method => 'rolling_z', span => 3)")
            Issue.record("span accepted for rolling_z")
        } catch { #expect("\(error)".contains("mad_seasonal")) }
    }
}
