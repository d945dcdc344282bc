import Foundation
import Testing
import TallyStorage
@testable import TallyGen

/// Every injected anomaly is written to injected_anomalies and visibly shifts its metric in its window.
@Suite struct AnomalyTests {
    static let data = Fixtures.year

    struct Anomaly {
        var start: Int64, end: Int64, kind: String, agent: Int64?, queue: String?, magnitude: Double
    }

    static func anomalies(_ d: TenantData) -> [Anomaly] {
        let s = d.integers("injected_anomalies", "start_at"), e = d.integers("injected_anomalies", "end_at")
        let k = d.strings("injected_anomalies", "kind"), a = d.integers("injected_anomalies", "agent_id")
        let q = d.strings("injected_anomalies", "queue"), m = d.doubles("injected_anomalies", "magnitude")
        return (0..<s.count).map { Anomaly(start: s[$0]!, end: e[$0]!, kind: k[$0]!, agent: a[$0], queue: q[$0], magnitude: m[$0]!) }
    }

    @Test func aHandfulOfEachKindIsLabelled() {
        let list = Self.anomalies(Self.data)
        #expect(list.count == 6)
        for kind in ["aht_spike", "csat_drop", "volume_surge"] { #expect(list.filter { $0.kind == kind }.count == 2) }
        let sorted = list.sorted { $0.start < $1.start }
        #expect(zip(sorted, sorted.dropFirst()).allSatisfy { $0.0.end <= $0.1.start }, "windows overlap")
        for a in list {
            #expect(a.start < a.end && a.start >= GeneratorConfig.defaultStart + 7 * Timestamp.microsPerDay)
            switch a.kind {
            case "aht_spike": #expect(a.agent != nil && a.queue == nil && a.magnitude >= 1.4 && a.magnitude <= 1.8)
            case "csat_drop": #expect((a.agent == nil) != (a.queue == nil) && a.magnitude <= -1.2 && a.magnitude >= -2)
            default: #expect(a.agent == nil && a.queue == nil && a.magnitude >= 2 && a.magnitude <= 3)
            }
        }
    }

    @Test func ahtSpikesRaiseTheAgentsHandleTime() {
        for a in Self.anomalies(Self.data) where a.kind == "aht_spike" {
            let (ratio, n) = Self.ahtRatio(Self.data, a)
            #expect(n >= 10, "the spiked agent handled \(n) calls in the window")
            #expect(ratio > 1.2, "AHT ratio \(ratio) for magnitude \(a.magnitude)")
        }
    }

    @Test func csatDropsLowerSatisfaction() {
        for a in Self.anomalies(Self.data) where a.kind == "csat_drop" {
            let (drop, n) = Self.csatDrop(Self.data, a)
            #expect(n >= 5, "only \(n) surveys in the window")
            #expect(drop > 0.4, "CSAT drop \(drop) for magnitude \(a.magnitude)")
        }
    }

    @Test func volumeSurgesRaiseArrivals() {
        for a in Self.anomalies(Self.data) where a.kind == "volume_surge" {
            let ratio = Self.surgeRatio(Self.data, a)
            #expect(ratio > 1.4, "surge ratio \(ratio) for magnitude \(a.magnitude)")
        }
    }

    @Test func smallerTenantsGetFewerButVisibleAnomalies() {
        var labelled = 0
        for tenant in 2...6 {
            let d = TenantData(generator: Fixtures.generator, tenant: tenant)
            for a in Self.anomalies(d) {
                labelled += 1
                switch a.kind {
                case "aht_spike": #expect(Self.ahtRatio(d, a).ratio > 1.15, "\(d.plan.id) \(a.kind)")
                case "csat_drop": #expect(Self.csatDrop(d, a).drop > 0.4, "\(d.plan.id) \(a.kind)")
                default: #expect(Self.surgeRatio(d, a) > 1.3, "\(d.plan.id) \(a.kind)")
                }
            }
        }
        #expect(labelled >= 8)
    }

    /// Mean handle time of the agent's calls in the window over the rest of the year.
    static func ahtRatio(_ d: TenantData, _ a: Anomaly) -> (ratio: Double, n: Int) {
        let agent = d.integers("agent_metrics", "agent_id"), handle = d.integers("agent_metrics", "handle_s")
        let started = d.integers("agent_metrics", "started_at")
        var inside: [Double] = [], outside: [Double] = []
        for i in 0..<agent.count where agent[i] == a.agent {
            if started[i]! >= a.start && started[i]! < a.end { inside.append(Double(handle[i]!)) } else { outside.append(Double(handle[i]!)) }
        }
        return (meanAndSD(inside).mean / meanAndSD(outside).mean, inside.count)
    }

    /// Mean CSAT of the target (queue or agent) outside the window minus inside it.
    static func csatDrop(_ d: TenantData, _ a: Anomaly) -> (drop: Double, n: Int) {
        var call: [Int64: (start: Int64, agent: Int64?, queue: String)] = [:]
        let ids = d.integers("agent_metrics", "call_id"), started = d.integers("agent_metrics", "started_at")
        let agent = d.integers("agent_metrics", "agent_id"), queue = d.strings("agent_metrics", "queue")
        for i in 0..<ids.count { call[ids[i]!] = (started[i]!, agent[i], queue[i]!) }
        let sid = d.integers("customer_satisfaction", "call_id"), csat = d.integers("customer_satisfaction", "csat")
        var inside: [Double] = [], outside: [Double] = []
        for (id, c) in zip(sid, csat) {
            let info = call[id!]!
            let target = a.agent != nil ? info.agent == a.agent : info.queue == a.queue
            guard target else { continue }
            if info.start >= a.start && info.start < a.end { inside.append(Double(c!)) } else { outside.append(Double(c!)) }
        }
        return (meanAndSD(outside).mean - meanAndSD(inside).mean, inside.count)
    }

    /// Arrivals in the window over the mean of the same hours one to three weeks before and after.
    static func surgeRatio(_ d: TenantData, _ a: Anomaly) -> Double {
        let started = d.integers("agent_metrics", "started_at").map { $0! }
        let hour: Int64 = 3_600_000_000
        let inside = started.filter { $0 >= a.start && $0 < a.end }.count
        var others: [Double] = []
        for w in [-3, -2, -1, 1, 2, 3] {
            let shift = Int64(w) * 7 * 24 * hour
            others.append(Double(started.filter { $0 >= a.start + shift && $0 < a.end + shift }.count))
        }
        return Double(inside) / meanAndSD(others).mean
    }
}
