import Foundation
import Testing
import TallyStorage
@testable import TallyGen

/// The properties KPIS.md "Realistic data" asks for, measured on a year of one tenant.
@Suite struct RealismTests {
    static let data = Fixtures.year

    /// Local (day number, hour of day, day of week 0 = Monday) of each call start.
    static func localTimes(_ d: TenantData) -> [(day: Int64, hour: Int, dow: Int)] {
        let offset = Int64(d.plan.utcOffsetHours) * 3_600_000_000
        return d.integers("agent_metrics", "started_at").map { t in
            let (day, rem) = Timestamp.floorDivMod(t! + offset, Timestamp.microsPerDay)
            return (day, Int(rem / 3_600_000_000), Int(Timestamp.floorDivMod(day + 3, 7).1))
        }
    }

    @Test func dailyVolumeIsOverDispersed() {
        let times = Self.localTimes(Self.data)
        var perDay: [Int64: Int] = [:]
        var dowOf: [Int64: Int] = [:]
        for t in times { perDay[t.day, default: 0] += 1; dowOf[t.day] = t.dow }
        let days = perDay.keys.sorted().dropFirst().dropLast() // partial first and last local days
        // Per weekday (so the weekly shape does not count): SD of daily counts against Poisson's √mean.
        var ratios: [Double] = []
        for dow in 0..<7 {
            let counts = days.filter { dowOf[$0] == dow }.map { Double(perDay[$0]!) }
            let (m, sd) = meanAndSD(counts)
            ratios.append(sd / m.squareRoot())
        }
        let mean = ratios.reduce(0, +) / 7
        #expect(mean > 2, "SD / √mean per weekday: \(ratios)")
        #expect(ratios.allSatisfy { $0 > 1.3 })
    }

    @Test func nightHoursAreMuchQuieterThanLateMorning() {
        var perHour = [Int](repeating: 0, count: 24)
        for t in Self.localTimes(Self.data) { perHour[t.hour] += 1 }
        let night = Double(perHour[1] + perHour[2] + perHour[3] + perHour[4]) / 4
        let peak = Double(perHour[10] + perHour[11] + perHour[12]) / 3
        #expect(night < 0.15 * peak, "\(perHour)")
        // Weekends differ from weekdays.
        var perDow = [Int](repeating: 0, count: 7)
        for t in Self.localTimes(Self.data) { perDow[t.dow] += 1 }
        #expect(perDow[6] < perDow[0])
    }

    @Test func handleTimesAreLognormal() {
        let d = Self.data
        let kinds = d.strings("agents", "kind")
        let talk = d.integers("agent_metrics", "talk_s"), agent = d.integers("agent_metrics", "agent_id")
        let logs = zip(talk, agent).compactMap { t, a -> Double? in
            guard let t, let a, kinds[Int(a) - 1] == "human" else { return nil }
            return log(Double(t))
        }
        #expect(logs.count > 10_000)
        let (m, sd) = meanAndSD(logs)
        let skew = logs.reduce(0) { $0 + pow(($1 - m) / sd, 3) } / Double(logs.count)
        #expect(abs(skew) < 0.3, "skewness of log talk_s \(skew)")
        let seconds = logs.map { exp($0) }.sorted()
        let median = seconds[seconds.count / 2], mean = seconds.reduce(0, +) / Double(seconds.count)
        #expect(median / mean < 0.9)
        #expect(mean > 120 && mean < 900)
    }

    @Test func aboutThirtyPercentReviewedAndSurveyed() {
        let d = Self.data
        let handled = Double(d.integers("agent_metrics", "agent_id").filter { $0 != nil }.count)
        let reviewed = Double(d.rows("call_quality_scores")) / handled
        let surveyed = Double(d.rows("customer_satisfaction")) / handled
        #expect(abs(reviewed - 0.3) < 0.02)
        #expect(abs(surveyed - 0.3) < 0.02)
    }

    @Test func abandonmentAndServiceAreRealistic() {
        let d = Self.data
        let outcomes = d.strings("agent_metrics", "outcome")
        let waits = d.integers("agent_metrics", "queue_wait_s")
        let abandoned = outcomes.filter { $0 == "abandoned" }.count
        let rate = Double(abandoned) / Double(outcomes.count)
        #expect(rate > 0.01 && rate < 0.15)
        // Some hang up within seconds.
        let short = zip(outcomes, waits).filter { $0.0 == "abandoned" && $0.1! < 10 }.count
        #expect(short > 0)
        let answeredWaits = zip(outcomes, waits).filter { $0.0 != "abandoned" }.map { Double($0.1!) }
        #expect(answeredWaits.reduce(0, +) / Double(answeredWaits.count) < 120)
        let resolved = Double(outcomes.filter { $0 == "resolved" }.count) / Double(outcomes.count)
        #expect(resolved > 0.5)
    }

    @Test func satisfactionFollowsOutcomeAndQuality() {
        let d = Self.data
        var outcomeOf: [Int64: String] = [:]
        for (id, o) in zip(d.integers("agent_metrics", "call_id"), d.strings("agent_metrics", "outcome")) { outcomeOf[id!] = o! }
        let ids = d.integers("customer_satisfaction", "call_id"), csat = d.integers("customer_satisfaction", "csat")
        let nps = d.integers("customer_satisfaction", "nps"), sentiment = d.doubles("customer_satisfaction", "sentiment")
        var byOutcome: [String: [Double]] = [:]
        for (id, c) in zip(ids, csat) { byOutcome[outcomeOf[id!]!, default: []].append(Double(c!)) }
        let resolved = meanAndSD(byOutcome["resolved"]!).mean, escalated = meanAndSD(byOutcome["escalated"]!).mean
        #expect(resolved > escalated + 0.3)
        #expect(csat.allSatisfy { (1...5).contains($0!) })
        #expect(nps.allSatisfy { (0...10).contains($0!) })
        #expect(sentiment.allSatisfy { $0! >= -1 && $0! <= 1 })
        // NPS and sentiment agree with CSAT.
        let low = zip(csat, nps).filter { $0.0! <= 2 }.map { Double($0.1!) }
        let high = zip(csat, nps).filter { $0.0! == 5 }.map { Double($0.1!) }
        #expect(meanAndSD(high).mean > meanAndSD(low).mean + 3)
        let sentLow = zip(csat, sentiment).filter { $0.0! <= 2 }.map { $0.1! }
        #expect(meanAndSD(sentLow).mean < 0)
        // CSAT top-2-box and NPS in the usual range.
        let top2 = Double(csat.filter { $0! >= 4 }.count) / Double(csat.count)
        #expect(top2 > 0.5 && top2 < 0.95)
        // Comments: some NULL, some with commas or quotes.
        let comments = d.strings("customer_satisfaction", "comment")
        #expect(comments.contains { $0 == nil } && comments.contains { $0 != nil })
    }

    @Test func aiAgentsAreShorterAndLessVariable() {
        // Find a tenant with AI voice agents.
        let gen = Generator(config: GeneratorConfig(seed: 2024, callRows: 200_000, days: 120))
        let index = gen.tenants.firstIndex { $0.aiAgents > 0 && $0.expectedCalls > 3_000 }!
        let d = TenantData(generator: gen, tenant: index)
        let kinds = d.strings("agents", "kind")
        var human: [Double] = [], ai: [Double] = []
        for (t, a) in zip(d.integers("agent_metrics", "talk_s"), d.integers("agent_metrics", "agent_id")) {
            guard let t, let a else { continue }
            if kinds[Int(a) - 1] == "ai" { ai.append(log(Double(t))) } else { human.append(log(Double(t))) }
        }
        #expect(ai.count > 100 && human.count > 100)
        let (mh, sh) = meanAndSD(human), (ma, sa) = meanAndSD(ai)
        #expect(ma < mh - 0.2)
        #expect(sa < sh * 0.8)
        // AI answers at once.
        let waits = zip(d.integers("agent_metrics", "queue_wait_s"), d.integers("agent_metrics", "agent_id"))
            .filter { $0.1 != nil && kinds[Int($0.1!) - 1] == "ai" }.map { $0.0! }
        #expect(waits.allSatisfy { $0 <= 3 })
    }

    @Test func sectorsDiffer() {
        // Telecom talks longer than retail, healthcare is happier than telecom.
        let gen = Generator(config: GeneratorConfig(seed: 2024, callRows: 300_000, days: 60))
        func stats(_ s: Sector) -> (talk: Double, csat: Double) {
            let i = gen.tenants.firstIndex { $0.primarySector == s && $0.sectors.count == 1 }!
            let d = TenantData(generator: gen, tenant: i)
            let talk = d.integers("agent_metrics", "talk_s").compactMap { $0 }.map { Double($0) }
            let csat = d.integers("customer_satisfaction", "csat").map { Double($0!) }
            return (meanAndSD(talk).mean, meanAndSD(csat).mean)
        }
        let telecom = stats(.telecom), retail = stats(.retail), health = stats(.healthcare)
        #expect(telecom.talk > retail.talk * 1.2)
        #expect(health.csat > telecom.csat + 0.2)
    }
}
