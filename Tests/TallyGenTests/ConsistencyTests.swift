import Foundation
import Testing
import TallyStorage
@testable import TallyGen

/// The rules that tie the fields and tables of one tenant together.
@Suite struct ConsistencyTests {
    static let data = Fixtures.year

    @Test func callIdsAreUniqueAndIncreaseWithStartTime() {
        let ids = Self.data.integers("agent_metrics", "call_id").map { $0! }
        let started = Self.data.integers("agent_metrics", "started_at").map { $0! }
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 })
        #expect(zip(started, started.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func everyTableIsInTimeOrderWithWholeSeconds() {
        for (table, schema) in HandSchemas.byName {
            guard let time = schema.timeColumn, Self.data.rows(table) > 0 else { continue }
            let t = Self.data.integers(table, time).map { $0! }
            #expect(zip(t, t.dropFirst()).allSatisfy { $0 <= $1 }, "\(table) is not ordered by \(time)")
            for c in schema.columns where c.type == .timestamp {
                #expect(Self.data.integers(table, c.name).allSatisfy { ($0 ?? 0) % 1_000_000 == 0 }, "\(table).\(c.name)")
            }
        }
    }

    @Test func agentMetricsFieldsAreConsistent() {
        let d = Self.data
        let outcome = d.strings("agent_metrics", "outcome")
        let agent = d.integers("agent_metrics", "agent_id"), started = d.integers("agent_metrics", "started_at")
        let answered = d.integers("agent_metrics", "answered_at"), ended = d.integers("agent_metrics", "ended_at")
        let wait = d.integers("agent_metrics", "queue_wait_s"), talk = d.integers("agent_metrics", "talk_s")
        let hold = d.integers("agent_metrics", "hold_s"), wrap = d.integers("agent_metrics", "wrap_s")
        let handle = d.integers("agent_metrics", "handle_s"), fcr = d.integers("agent_metrics", "first_contact_resolved")
        let transferred = d.integers("agent_metrics", "transferred"), quality = d.doubles("agent_metrics", "quality_score")
        let cost = d.doubles("agent_metrics", "cost"), revenue = d.doubles("agent_metrics", "revenue")
        let queue = d.strings("agent_metrics", "queue"), sector = d.strings("agent_metrics", "sector")
        let valid: Set<String> = ["resolved", "escalated", "transferred", "callback", "abandoned"]
        var failures = 0
        for i in 0..<outcome.count {
            var ok = valid.contains(outcome[i]!) && cost[i]! >= 0 && revenue[i]! >= 0 && queue[i] != nil
            ok = ok && d.plan.queues.contains(queue[i]!) && d.plan.sectors.map(\.sector.name).contains(sector[i]!)
            if outcome[i] == "abandoned" {
                ok = ok && agent[i] == nil && answered[i] == nil && talk[i] == nil && hold[i] == nil && wrap[i] == nil
                    && handle[i] == nil && fcr[i] == nil && transferred[i] == nil && quality[i] == nil && revenue[i] == 0
                    && ended[i]! == started[i]! + wait[i]! * 1_000_000
            } else {
                ok = ok && agent[i] != nil && handle[i]! == talk[i]! + hold[i]! + wrap[i]!
                    && answered[i]! == started[i]! + wait[i]! * 1_000_000
                    && ended[i]! == answered[i]! + (talk[i]! + hold[i]!) * 1_000_000
                    && talk[i]! > 0 && hold[i]! >= 0 && wrap[i]! > 0
                    && (fcr[i]! == 0 || outcome[i] == "resolved")
                    && (transferred[i]! == 1) == (outcome[i] == "transferred")
                if let q = quality[i] { ok = ok && q >= 1 && q <= 5 }
            }
            if !ok { failures += 1 }
        }
        #expect(failures == 0)
        // FCR is common among resolved calls; revenue comes from some calls only.
        let resolvedFCR = zip(outcome, fcr).filter { $0.0 == "resolved" }.map { $0.1! }
        #expect(Double(resolvedFCR.filter { $0 == 1 }.count) / Double(resolvedFCR.count) > 0.8)
    }

    @Test func reviewsMatchTheirCalls() {
        let d = Self.data
        var callAgent: [Int64: Int64] = [:], callQuality: [Int64: Double] = [:], callEnd: [Int64: Int64] = [:]
        let ids = d.integers("agent_metrics", "call_id"), agents = d.integers("agent_metrics", "agent_id")
        let quality = d.doubles("agent_metrics", "quality_score"), ended = d.integers("agent_metrics", "ended_at")
        for i in 0..<ids.count where agents[i] != nil {
            callAgent[ids[i]!] = agents[i]!
            callEnd[ids[i]!] = ended[i]!
            if let q = quality[i] { callQuality[ids[i]!] = q }
        }
        let rid = d.integers("call_quality_scores", "call_id"), ragent = d.integers("call_quality_scores", "agent_id")
        let overall = d.doubles("call_quality_scores", "overall"), at = d.integers("call_quality_scores", "reviewed_at")
        let dims = ["professionalism", "empathy", "resolution", "clarity", "responsiveness"].map { d.integers("call_quality_scores", $0) }
        #expect(rid.count == callQuality.count)
        #expect(Set(rid.map { $0! }).count == rid.count)
        var failures = 0
        for i in 0..<rid.count {
            let id = rid[i]!
            let scores = dims.map { $0[i]! }
            let mean = Double(scores.reduce(0, +)) / 5
            if callAgent[id] != ragent[i]! || callQuality[id] != overall[i]! || abs(mean - overall[i]!) > 1e-9
                || !scores.allSatisfy({ (1...5).contains($0) }) || at[i]! <= callEnd[id]! { failures += 1 }
        }
        #expect(failures == 0)
        // Chat calls have no audio metrics.
        #expect(d.column("call_quality_scores", "audio_clarity_pct").nullCount > 0)
        #expect(d.doubles("call_quality_scores", "audio_clarity_pct").allSatisfy { $0 == nil || ($0! > 0 && $0! <= 100) })
    }

    @Test func surveysMatchTheirCalls() {
        let d = Self.data
        var callAgent: [Int64: Int64] = [:], callEnd: [Int64: Int64] = [:]
        let agents = d.integers("agent_metrics", "agent_id"), ended = d.integers("agent_metrics", "ended_at")
        for (i, id) in d.integers("agent_metrics", "call_id").enumerated() {
            if let a = agents[i] { callAgent[id!] = a; callEnd[id!] = ended[i]! }
        }
        let sid = d.integers("customer_satisfaction", "call_id"), sagent = d.integers("customer_satisfaction", "agent_id")
        let at = d.integers("customer_satisfaction", "surveyed_at")
        let nps = d.integers("customer_satisfaction", "nps"), recommend = d.integers("customer_satisfaction", "would_recommend")
        var failures = 0
        for i in 0..<sid.count where callAgent[sid[i]!] != sagent[i]! || at[i]! <= callEnd[sid[i]!]! || (recommend[i]! == 1) != (nps[i]! >= 7) {
            failures += 1
        }
        #expect(failures == 0)
        #expect(Set(sid.map { $0! }).count == sid.count)
    }

    @Test func queueEventsFollowEachCall() {
        let d = Self.data
        var events: [Int64: [String]] = [:]
        for (id, e) in zip(d.integers("queue_events", "call_id"), d.strings("queue_events", "event")) {
            events[id!, default: []].append(e!)
        }
        let ids = d.integers("agent_metrics", "call_id"), outcome = d.strings("agent_metrics", "outcome")
        #expect(events.count == ids.count)
        var failures = 0
        for (id, o) in zip(ids, outcome) {
            let e = events[id!] ?? []
            let expected: [String] = o == "abandoned" ? ["enqueued", "abandoned"]
                : o == "transferred" ? ["enqueued", "answered", "transferred"] : ["enqueued", "answered"]
            if e.sorted() != expected.sorted() || e.first != "enqueued" { failures += 1 }
        }
        #expect(failures == 0)
    }

    @Test func statusEventsSummarizeTheAgentsDay() {
        let d = Self.data
        let kinds = d.strings("agents", "kind")
        let agent = d.integers("agent_status_events", "agent_id"), at = d.integers("agent_status_events", "at")
        let status = d.strings("agent_status_events", "status")
        #expect(Set(status.compactMap { $0 }).isSubset(of: ["available", "busy", "wrap", "break", "offline"]))
        // Time in each status, from each agent's consecutive events.
        var last: [Int64: (Int64, String)] = [:]
        var seconds: [String: Double] = [:]
        var firstStatus: [Int64: String] = [:]
        for i in 0..<agent.count {
            let a = agent[i]!
            if let (t, s) = last[a] { seconds[s, default: 0] += Double(at[i]! - t) / 1e6 } else { firstStatus[a] = status[i]! }
            last[a] = (at[i]!, status[i]!)
        }
        #expect(firstStatus.values.allSatisfy { $0 == "available" })
        // Busy + wrap time from events is close to the handle time of the humans' calls.
        var handled = 0.0
        for (a, h) in zip(d.integers("agent_metrics", "agent_id"), d.integers("agent_metrics", "handle_s")) {
            if let a, kinds[Int(a) - 1] == "human" { handled += Double(h!) }
        }
        let working = (seconds["busy"] ?? 0) + (seconds["wrap"] ?? 0)
        #expect(abs(working / handled - 1) < 0.1, "busy+wrap \(working) vs handle \(handled)")
        let occupancy = working / (working + (seconds["available"] ?? 0))
        #expect(occupancy > 0.1 && occupancy < 0.95)
        #expect((seconds["break"] ?? 0) > 0)
    }

    @Test func costAnalysisHasDailyRowsPerSectorAndComponent() {
        let d = Self.data
        let days = Set(d.integers("cost_analysis", "period_start").map { $0! })
        #expect(days.count == 365)
        let component = d.strings("cost_analysis", "component"), revenue = d.doubles("cost_analysis", "revenue")
        let expected: Set<String> = d.plan.aiAgents > 0 ? ["labor", "telephony", "ai_inference", "licensing", "other"]
            : ["labor", "telephony", "licensing", "other"]
        #expect(Set(component.compactMap { $0 }) == expected)
        #expect(d.rows("cost_analysis") == 365 * d.plan.sectors.count * expected.count)
        #expect(zip(component, revenue).allSatisfy { ($0.0 == "labor") == ($0.1 != nil) })
        // The day's revenue matches the calls', and the costs are positive.
        let total = revenue.compactMap { $0 }.reduce(0, +)
        let calls = d.doubles("agent_metrics", "revenue").compactMap { $0 }.reduce(0, +)
        #expect(abs(total - calls) <= max(1, 0.001 * calls))
        #expect(d.doubles("cost_analysis", "cost").allSatisfy { $0! >= 0 })
    }
}
