import Foundation
import Testing
import TallyStorage
@testable import TallyGen

/// The forecast oracle reproduces the rate the generator drew its arrivals from.
@Suite struct ExpectedArrivalsTests {
    @Test func expectedArrivalsAddUpToTheGeneratedCalls() {
        let gen = Fixtures.generator, data = Fixtures.year
        let e = gen.expectedArrivals(tenant: data.plan)
        #expect(e.calendar.count == gen.config.days * 24 && e.withBusyness.count == e.calendar.count)
        #expect(e.startSeconds * 1_000_000 == GeneratorConfig.defaultStart)
        // Surges add (magnitude − 1) × the calendar rate in their hours on top of the busy rate.
        var busy = e.withBusyness
        let kinds = data.strings("injected_anomalies", "kind"), starts = data.integers("injected_anomalies", "start_at")
        let ends = data.integers("injected_anomalies", "end_at"), mags = data.doubles("injected_anomalies", "magnitude")
        for i in kinds.indices where kinds[i] == "volume_surge" {
            let first = Int((starts[i]! / 1_000_000 - e.startSeconds) / 3600), last = Int((ends[i]! / 1_000_000 - e.startSeconds) / 3600)
            for h in first..<last { busy[h] += e.calendar[h] * (mags[i]! - 1) }
        }
        let total = busy.reduce(0, +)
        let calls = Double(data.rows("agent_metrics"))
        // Poisson: the count lies within 4 SD of its mean.
        #expect(abs(calls - total) < 4 * total.squareRoot(), "generated \(calls) calls, expected \(total)")
        // Day by day the busy rate explains the counts (χ² ≈ one per day), the calendar alone does not.
        var counts = [Double](repeating: 0, count: gen.config.days)
        for t in data.integers("agent_metrics", "started_at") { counts[Int((t! / 1_000_000 - e.startSeconds) / 86_400)] += 1 }
        func chi2(_ rate: [Double]) -> Double {
            counts.indices.reduce(0.0) { sum, d in
                let x = rate[(d * 24)..<(d * 24 + 24)].reduce(0, +)
                return sum + (counts[d] - x) * (counts[d] - x) / max(x, 1)
            }
        }
        let days = Double(gen.config.days)
        #expect(chi2(busy) < 1.5 * days && chi2(e.calendar) > 4 * days, "χ² \(chi2(busy)) vs \(chi2(e.calendar)) over \(days) days")
        // The busyness is one draw per local day with mean 1: the two rates differ, but not on average.
        let ratio = e.withBusyness.reduce(0, +) / e.calendar.reduce(0, +)
        #expect(ratio > 0.95 && ratio < 1.05 && e.withBusyness != e.calendar)
    }
}
