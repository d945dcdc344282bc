import Foundation
import TallyStorage

/// What drives one agent's calls: handle-time, quality and outcome parameters.
struct AgentModel: Sendable {
    var id: Int32
    var isAI: Bool
    var desk: Int
    var sector: Int
    /// Log of the median talk time (sector × agent × tenure effects) and its spread.
    var talkMu: Double
    var talkSigma: Double
    var wrapMu: Double
    var holdShare: Double
    var holdMu: Double
    /// Latent review quality on the 1–5 scale.
    var quality: Double
    /// Cumulative outcome probabilities: resolved, + escalated, + transferred (callback is the rest).
    var resolvedCum: Double
    var escalatedCum: Double
    var transferredCum: Double
    /// P(first contact resolved | resolved).
    var fcr: Double
    /// P(sale | resolved).
    var saleShare: Double
    var saleMu: Double
    var laborPerSecond: Double
    var aiPerSecond: Double
}

/// The agents of a tenant: humans per desk (rotating rosters) and AI voice agents.
///
/// Humans vary: a per-agent talk-time multiplier (lognormal, σ 0.15), slower new hires (+5–13 %
/// in their first year), skill that raises quality, resolution and FCR, own wrap and hold habits.
/// AI voice agents talk about 40 % shorter with half the spread, never hold long, wrap in seconds,
/// score high on clarity and responsiveness but low on empathy, and escalate more.
enum AgentsTable {
    struct Built {
        var models: [AgentModel]
        var desks: [Desk]
        var names: [String]
        var teams: [String]
        var hiredAt: [Int64]
    }

    static let aiTalkFactor = 0.6
    static let aiSigma = 0.32
    static let humanSigma = 0.6

    static func build(plan: TenantPlan, config: GeneratorConfig, rng: inout Xoshiro256, _ g: Gaussian) -> Built {
        var models: [AgentModel] = []
        var names: [String] = []
        var teams: [String] = []
        var hired: [Int64] = []
        var deskHumans: [[Int32]] = []
        let start = config.startSeconds
        // Humans, desk by desk, then AI agents: ids 1…n.
        for sp in plan.sectors {
            let p = sp.sector.profile
            var ids: [Int32] = []
            for k in 0..<sp.humanAgents {
                let index = Int32(models.count)
                ids.append(index)
                let tenureDays = exp(rng.uniform(log(20.0), log(2_500.0)))
                let skill = clamp(rng.normal(g), -2.5, 2.5)
                let tenureEffect = tenureDays < 180 ? 0.13 : tenureDays < 365 ? 0.05 : 0
                let resolved = clamp(p.resolvedShare + 0.04 * skill, 0.45, 0.93)
                let rest = 1 - resolved
                models.append(AgentModel(
                    id: index + 1, isAI: false, desk: deskHumans.count, sector: sp.sector.rawValue,
                    talkMu: log(p.talkMedianS) + 0.15 * rng.normal(g) - 0.05 * skill + tenureEffect,
                    talkSigma: clamp(humanSigma + 0.05 * rng.normal(g), 0.45, 0.8),
                    wrapMu: log(30) + 0.25 * rng.normal(g),
                    holdShare: clamp(p.holdShare * exp(0.2 * rng.normal(g)), 0.02, 0.8),
                    holdMu: log(45),
                    quality: clamp(p.qualityMean + 0.3 * skill + 0.1 * rng.normal(g) + (tenureDays > 730 ? 0.1 : 0), 2.3, 4.8),
                    resolvedCum: resolved,
                    escalatedCum: resolved + 0.30 * rest,
                    transferredCum: resolved + 0.72 * rest,
                    fcr: clamp(0.92 + 0.02 * skill, 0.7, 0.98),
                    saleShare: p.saleShare * exp(0.3 * rng.normal(g) + 0.1 * skill),
                    saleMu: log(max(p.saleMedian, 1)),
                    laborPerSecond: p.wagePerHour / 3600, aiPerSecond: 0))
                let first = Vocabulary.firstNames[rng.below(Vocabulary.firstNames.count)]
                let last = Vocabulary.lastNames[rng.below(Vocabulary.lastNames.count)]
                names.append(first + " " + last)
                teams.append(Vocabulary.sectorTitles[sp.sector.rawValue] + " Team " + String(k / 12 + 1))
                hired.append((start - Int64(tenureDays * 86_400)) * 1_000_000)
            }
            deskHumans.append(ids)
        }
        var deskAI: [[Int32]] = []
        var aiCount = 0
        for (d, sp) in plan.sectors.enumerated() {
            let p = sp.sector.profile
            var ids: [Int32] = []
            for _ in 0..<sp.aiAgents {
                let index = Int32(models.count)
                ids.append(index)
                let resolved = p.resolvedShare - 0.1
                let rest = 1 - resolved
                models.append(AgentModel(
                    id: index + 1, isAI: true, desk: d, sector: sp.sector.rawValue,
                    talkMu: log(p.talkMedianS * aiTalkFactor) + 0.05 * rng.normal(g),
                    talkSigma: aiSigma, wrapMu: 0, holdShare: 0.03, holdMu: log(10),
                    quality: clamp(3.85 + 0.1 * rng.normal(g), 3.4, 4.3),
                    resolvedCum: resolved, escalatedCum: resolved + 0.6 * rest, transferredCum: resolved + 0.75 * rest,
                    fcr: 0.88, saleShare: p.saleShare * 0.7, saleMu: log(max(p.saleMedian, 1)),
                    laborPerSecond: 0, aiPerSecond: 0.09 / 60))
                let base = Vocabulary.aiNames[aiCount % Vocabulary.aiNames.count]
                names.append(base + (aiCount >= Vocabulary.aiNames.count ? " \(aiCount / Vocabulary.aiNames.count + 1)" : "") + " (AI)")
                teams.append("AI Voice")
                let deployed = rng.uniform(30, 500)
                hired.append((start - Int64(deployed * 86_400)) * 1_000_000)
                aiCount += 1
            }
            deskAI.append(ids)
        }
        var desks: [Desk] = []
        for (d, sp) in plan.sectors.enumerated() {
            var order = deskHumans[d]
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.below(i + 1)) }
            desks.append(Desk(sector: sp.sector, humans: deskHumans[d], ai: deskAI[d],
                              erlangsPerRate: sp.share * (1 - sp.aiShare) * Staffing.expectedHumanHandleS(sp.sector) / 3600,
                              handleS: Staffing.expectedHumanHandleS(sp.sector),
                              aiShare: sp.aiShare, queueWeights: sp.queueWeights, queueCodes: sp.queueCodes,
                              rosterOrder: order))
        }
        return Built(models: models, desks: desks, names: names, teams: teams, hiredAt: hired)
    }

    /// Writes the `agents` rows (ordered by agent_id) with per-tenant dictionaries for name and team.
    static func output(_ built: Built, schemas: [String: TableSchema], ready: inout [(String, RowBatch)]) {
        func dictionary(_ values: [String]) -> (StringDictionary, [Int]) {
            var index: [String: Int] = [:]
            var distinct: [String] = []
            let codes = values.map { v -> Int in
                if let c = index[v] { return c }
                index[v] = distinct.count
                distinct.append(v)
                return distinct.count - 1
            }
            return (StringDictionary(distinct), codes)
        }
        let (nameDict, nameCodes) = dictionary(built.names)
        let (teamDict, teamCodes) = dictionary(built.teams)
        var dicts = Tables.agents.columns.map(\.dictionary)
        dicts[AgentCol.name] = nameDict
        dicts[AgentCol.team] = teamDict
        var out = TableOutput(spec: Tables.agents, schemas: schemas, dictionaries: dicts)
        guard out.enabled else { return }
        for (a, m) in built.models.enumerated() {
            out.rows.set(AgentCol.id, int: Int64(m.id))
            out.rows.set(AgentCol.name, code: nameCodes[a])
            out.rows.set(AgentCol.team, code: teamCodes[a])
            out.rows.set(AgentCol.sector, code: m.sector)
            out.rows.set(AgentCol.kind, code: m.isAI ? 1 : 0)
            out.rows.set(AgentCol.hiredAt, int: built.hiredAt[a])
            out.endRow(&ready)
        }
        out.flush(&ready)
    }
}
