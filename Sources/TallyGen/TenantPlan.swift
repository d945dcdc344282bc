import Foundation
import TallyStorage

/// One line of business of a tenant: a sector with its own queues, human agents and AI voice agents.
public struct SectorPlan: Sendable, Hashable {
    public let sector: Sector
    /// Share of the tenant's calls that belong to this sector.
    public let share: Double
    public let humanAgents: Int
    public let aiAgents: Int
    /// Share of this sector's calls answered by an AI voice agent (0 when it has none).
    public let aiShare: Double
    /// Queue names (values of `agent_metrics.queue`) and the share of the sector's calls each gets.
    public let queues: [String]
    public let queueWeights: [Double]
    /// Codes of `queues` in the queue vocabulary.
    let queueCodes: [Int]
}

/// Everything decided about one tenant before its rows are generated.
public struct TenantPlan: Sendable, Hashable, Identifiable {
    /// 0-based rank by size: tenant 0 is the largest.
    public let index: Int
    /// Stable id, a valid Identifier: "t01", "t02", … ("t001" … for 100 tenants or more).
    public let id: String
    /// A display name, e.g. "Northwind Retail".
    public let name: String
    /// The tenant's sectors, primary first; most tenants have one, a few two.
    public let sectors: [SectorPlan]
    /// Expected `agent_metrics` rows over the period (its Zipf share of `callRows`).
    public let expectedCalls: Int
    /// Offset of the tenant's local time from UTC in whole hours; hour-of-day shapes apply in local time.
    public let utcOffsetHours: Int
    /// Local opening hours [openHour, closeHour); 0 and 24 mean around the clock.
    public let openHour: Int
    public let closeHour: Int
    /// Mean patience of callers who do not hang up at once, in seconds (lognormal, σ = 1).
    public let patienceMeanS: Double
    /// Share of callers who hang up within a few seconds if not answered at once.
    public let immediateHangupShare: Double

    public var primarySector: Sector { sectors[0].sector }
    public var humanAgents: Int { sectors.reduce(0) { $0 + $1.humanAgents } }
    public var aiAgents: Int { sectors.reduce(0) { $0 + $1.aiAgents } }
    /// All agents (rows of the `agents` table).
    public var agents: Int { humanAgents + aiAgents }
    /// All queue names of the tenant.
    public var queues: [String] { sectors.flatMap(\.queues) }
    public var roundTheClock: Bool { openHour == 0 && closeHour == 24 }
}

/// Decides the tenants of a run: Zipf sizes, sectors, time zones, staffing.
enum TenantPlanner {
    static let utcOffsets = [-8, -7, -6, -5, -5, -5, -4, -3, 0, 0, 1, 1, 1, 2, 3, 4, 5, 8, 9, 10]

    static func plan(_ config: GeneratorConfig) -> [TenantPlan] {
        let n = max(config.tenants, 0)
        guard n > 0 else { return [] }
        var rng = Xoshiro256(seed: config.seed, tenant: Int.max, stream: .plan)
        let g = Gaussian()
        // Zipf weights with a little jitter, sorted so that index 0 is the largest tenant.
        var weights = (0..<n).map { k in
            (k == 0 ? 1 : exp(0.1 * rng.normal(g))) / pow(Double(k + 1), config.zipfExponent)
        }
        weights.sort(by: >)
        let total = weights.reduce(0, +)
        let width = max(2, String(n).count)
        var sectorCycle: [Sector] = []
        var plans: [TenantPlan] = []
        plans.reserveCapacity(n)
        for k in 0..<n {
            if sectorCycle.isEmpty {
                sectorCycle = Sector.allCases
                for i in stride(from: sectorCycle.count - 1, to: 0, by: -1) { sectorCycle.swapAt(i, rng.below(i + 1)) }
            }
            let primary = sectorCycle.removeLast()
            let expected = Double(config.callRows) * weights[k] / total
            var shares: [(Sector, Double)] = [(primary, 1)]
            if rng.chance(0.2) {
                var second = Sector.allCases[rng.below(Sector.allCases.count)]
                if second == primary { second = Sector(rawValue: (primary.rawValue + 1) % Sector.allCases.count)! }
                let s = rng.uniform(0.15, 0.35)
                shares = [(primary, 1 - s), (second, s)]
            }
            let offset = utcOffsets[rng.below(utcOffsets.count)]
            let p = primary.profile
            let (openHour, closeHour) = p.roundTheClock || k < 5 ? (0, 24) : (primary == .government ? (8, 18) : (7, 21))
            let hasAI = rng.chance(0.4)
            let calendar = DemandCalendar(startSeconds: config.startSeconds, days: config.days, utcOffsetHours: offset,
                                          sector: primary, openHour: openHour, closeHour: closeHour)
            let base = calendar.shapeSum > 0 ? expected / calendar.shapeSum : 0
            let callsPerDay = expected / Double(max(config.days, 1))
            var sectors: [SectorPlan] = []
            for (sector, share) in shares {
                let aiShare = hasAI ? rng.uniform(0.1, 0.45) : 0
                let aiAgents = aiShare == 0 ? 0 : (callsPerDay * share * aiShare > 10_000 ? 3 : callsPerDay * share * aiShare > 2_000 ? 2 : 1)
                let codes = Array(sector.profile.queues)
                var qw = codes.map { _ in exp(0.5 * rng.normal(g)) }
                let qs = qw.reduce(0, +)
                qw = qw.map { $0 / qs }
                let humans = Staffing.estimateRoster(calendar: calendar, base: base * share * (1 - aiShare),
                                                     handleS: Staffing.expectedHumanHandleS(sector))
                sectors.append(SectorPlan(sector: sector, share: share, humanAgents: humans, aiAgents: aiAgents,
                                          aiShare: aiShare, queues: codes.map { Vocabulary.queues[$0].name },
                                          queueWeights: qw, queueCodes: codes))
            }
            let id = "t" + String(repeating: "0", count: max(0, width - String(k + 1).count)) + String(k + 1)
            let prefix = Vocabulary.tenantPrefixes[k % Vocabulary.tenantPrefixes.count]
            let name = prefix + " " + Vocabulary.sectorTitles[primary.rawValue]
                + (k >= Vocabulary.tenantPrefixes.count ? " \(k / Vocabulary.tenantPrefixes.count + 1)" : "")
            plans.append(TenantPlan(index: k, id: id, name: name, sectors: sectors, expectedCalls: Int(expected.rounded()),
                                    utcOffsetHours: offset, openHour: openHour, closeHour: closeHour,
                                    patienceMeanS: p.patienceMeanS * rng.uniform(0.8, 1.25),
                                    immediateHangupShare: rng.uniform(0.02, 0.05)))
        }
        return plans
    }
}
