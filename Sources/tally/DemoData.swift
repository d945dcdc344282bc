import Foundation
import TallyAnalytics
import TallyQuery
import TallyStorage

/// The store `tally demo` opens: tenant `demo` with the shipped data model and a sample of calls.
enum DemoData {
    /// The tenant the demo store holds.
    static let tenant = "demo"

    /// True when `path` holds the demo tenant with its calls.
    static func isComplete(at path: String) -> Bool {
        guard FileIO.exists(path + "/catalog"), let catalog = try? Catalog(root: path), catalog.hasTenant(tenant),
              let store = try? catalog.tenant(tenant), store.hasTable("agent_metrics"),
              let rows = try? store.table("agent_metrics").snapshot().rowCount else { return false }
        return rows > 0
    }

    /// Creates (or completes) the demo store at `path`: tenant `demo` with every table of the data
    /// model, 24 agents, and about 3,000 calls over the 30 days before today (UTC), generated
    /// deterministically for that day.
    static func create(at path: String) throws {
        let catalog = try Catalog(root: path)
        try catalog.createTenant(tenant, schemas: try TableSchema.schemas(fromSQL: DataModel.schemaSQL))
        let session = Session(catalog: catalog, scope: .tenant(tenant))
        let today = Timestamp.floorDivMod(Int64(Date().timeIntervalSince1970 * 1_000_000), Timestamp.microsPerDay).0 * Timestamp.microsPerDay
        var sample = Sample(seed: 20_250_601, end: today)
        // Both lists are generated (calls draw on the agents), but a table that already has rows
        // (an earlier run that stopped half way) is not filled twice.
        let agents = sample.agentInserts(), calls = sample.callInserts(days: 30)
        let store = try catalog.tenant(tenant)
        if try store.table("agents").snapshot().rowCount == 0 {
            for sql in agents { _ = try session.execute(sql) }
        }
        if try store.table("agent_metrics").snapshot().rowCount == 0 {
            for sql in calls { _ = try session.execute(sql) }
        }
        try catalog.flushAll()
    }

    /// One agent of the sample.
    struct Agent {
        var id: Int
        var name: String
        var team: String
        var sector: String
        var isAI: Bool
        /// Mean quality score (1–5) of this agent's calls.
        var skill: Double
        var hiredAt: Int64
    }

    /// The generator: SplitMix64, so the same seed and day give the same store.
    struct Sample {
        var state: UInt64
        let end: Int64
        var agents: [Agent] = []

        init(seed: UInt64, end: Int64) {
            state = seed
            self.end = end
        }

        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// Uniform in [0, 1).
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        /// Exponentially distributed with the given mean (waits, talk times).
        mutating func exponential(mean: Double) -> Double { -mean * log(1 - unit()) }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }

        static let sectors = ["retail", "banking", "telecom"]
        static let first = ["Ana", "Ben", "Chloé", "Dev", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kim", "Lea",
                            "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa"]
        static let last = ["Alves", "Brandt", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Hansen", "Ito"]

        mutating func agentInserts() -> [String] {
            var rows: [String] = []
            for id in 1...24 {
                let isAI = id > 18
                let sector = Self.sectors[(id - 1) % 3]
                let name = isAI ? "Voicebot \(sector.capitalized) \(id - 18)" : "\(Self.first[id - 1]) \(pick(Self.last))"
                let team = isAI ? "ai-\(sector)" : "\(sector)-\(id % 2 == 0 ? "north" : "south")"
                let skill = isAI ? 3.6 + unit() * 0.5 : 3.1 + unit() * 1.6
                let hired = end - Int64(int(90...1500)) * Timestamp.microsPerDay
                agents.append(Agent(id: id, name: name, team: team, sector: sector, isAI: isAI, skill: skill, hiredAt: hired))
                rows.append("(\(id), \(quote(name)), \(quote(team)), \(quote(sector)), \(quote(isAI ? "ai" : "human")), \(quote(Timestamp.format(hired))))")
            }
            return ["INSERT INTO agents (agent_id, name, team, sector, kind, hired_at) VALUES\n" + rows.joined(separator: ",\n")]
        }

        /// Calls per hour of day (UTC), shaped like a contact center's: quiet at night, busy late morning.
        static let hourWeight: [Double] = [0.1, 0.1, 0.1, 0.1, 0.2, 0.4, 1, 2.5, 4, 5, 5.5, 5, 4, 4.5, 5, 4.5, 4, 3.5, 2.5, 1.5, 1, 0.6, 0.3, 0.2]

        mutating func callInserts(days: Int) -> [String] {
            var statements: [String] = []
            var rows: [String] = []
            var callID = 100_000
            let totalWeight = Self.hourWeight.reduce(0, +)
            for day in 0..<days {
                let dayStart = end - Int64(days - day) * Timestamp.microsPerDay
                let weekday = (Timestamp.floorDivMod(dayStart / Timestamp.microsPerDay + 4, 7).1) // 0 = Sunday
                let calls = (weekday == 0 || weekday == 6 ? 55 : 115) + int(0...20)
                for _ in 0..<calls {
                    // Pick the hour by the day's shape, then a second within it.
                    var x = unit() * totalWeight
                    var hour = 0
                    while hour < 23 && x >= Self.hourWeight[hour] { x -= Self.hourWeight[hour]; hour += 1 }
                    let started = dayStart + Int64(hour) * 3_600_000_000 + Int64(int(0...3599)) * 1_000_000
                    callID += 1
                    rows.append(callRow(id: callID, started: started))
                    if rows.count == 500 {
                        statements.append(Self.insertCalls(rows))
                        rows.removeAll()
                    }
                }
            }
            if !rows.isEmpty { statements.append(Self.insertCalls(rows)) }
            return statements
        }

        static func insertCalls(_ rows: [String]) -> String {
            "INSERT INTO agent_metrics (call_id, agent_id, sector, queue, channel, started_at, answered_at, ended_at, queue_wait_s, talk_s, "
                + "hold_s, wrap_s, handle_s, outcome, first_contact_resolved, transferred, quality_score, revenue, cost) VALUES\n"
                + rows.joined(separator: ",\n")
        }

        mutating func callRow(id: Int, started: Int64) -> String {
            let queue = pick(["support", "support", "billing", "sales", "tech"])
            let channel = unit() < 0.85 ? "inbound" : (unit() < 0.6 ? "outbound" : "callback")
            let roll = unit()
            if roll < 0.08 {
                // Abandoned in the queue: no agent, no talk.
                let wait = Int(exponential(mean: 90)) + 5
                let sector = pick(Self.sectors)
                return "(\(id), NULL, \(quote(sector)), \(quote(queue)), \(quote(channel)), \(ts(started)), NULL, \(ts(started + Int64(wait) * 1_000_000)), "
                    + "\(wait), 0, 0, 0, 0, 'abandoned', false, false, NULL, 0, \(String(format: "%.2f", Double(wait) / 60 * 0.02)))"
            }
            let agent = pick(agents)
            let wait = Int(exponential(mean: agent.isAI ? 4 : 35))
            let talk = Int(exponential(mean: agent.isAI ? 150 : 260)) + 20
            let hold = unit() < (agent.isAI ? 0.05 : 0.25) ? int(15...150) : 0
            let wrap = agent.isAI ? int(0...4) : int(20...90)
            let handle = talk + hold + wrap
            let outcome: String
            switch unit() {
            case ..<0.76: outcome = "resolved"
            case ..<0.85: outcome = agent.isAI ? "transferred" : "escalated"
            case ..<0.93: outcome = "transferred"
            default: outcome = "callback"
            }
            let fcr = outcome == "resolved" && unit() < 0.86
            let quality = min(5, max(1, agent.skill + (unit() - 0.5) * 1.4 - (outcome == "resolved" ? 0 : 0.6)))
            let revenue = queue == "sales" && outcome == "resolved" ? 20 + unit() * 180 : 0
            let cost = Double(handle) / 3600 * (agent.isAI ? 4 : 28) + Double(talk + hold) / 60 * 0.02
            let answered = started + Int64(wait) * 1_000_000
            let ended = answered + Int64(talk + hold) * 1_000_000
            return "(\(id), \(agent.id), \(quote(agent.sector)), \(quote(queue)), \(quote(channel)), \(ts(started)), \(ts(answered)), \(ts(ended)), "
                + "\(wait), \(talk), \(hold), \(wrap), \(handle), \(quote(outcome)), \(fcr), \(outcome == "transferred"), "
                + String(format: "%.1f, %.2f, %.2f)", quality, revenue, cost)
        }

        func ts(_ micros: Int64) -> String { quote(Timestamp.format(micros)) }
        func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
    }
}
