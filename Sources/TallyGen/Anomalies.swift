import TallyStorage

/// One anomaly injected into a tenant's data, recorded in `injected_anomalies` as ground truth.
///
/// - aht_spike: one human agent's talk, hold and wrap times × magnitude (1.4–1.8) for 3–5 days.
/// - csat_drop: the latent satisfaction of surveys for one queue (or one agent) lowered by
///   |magnitude| (1.2–2.0 points on the 1–5 scale) for 2–4 days; magnitude is negative.
/// - volume_surge: (magnitude − 1) × the expected arrivals of the whole tenant come on top of the
///   hour's normal arrivals, for 2–4 hours of a weekday morning, so that the hour sees about
///   magnitude (2–3) × its usual volume whatever the day's busyness. Staffing does not foresee it,
///   so waits and abandonment rise too.
///
/// Small tenants get longer windows (up to a week, surges up to six hours) or, when even that
/// would touch too few calls to show, no anomaly of that kind (see `AnomalyPlanner`).
/// Windows start at local midnight (surges on a local hour), lie in distinct weeks after the first
/// four (so detectors have history) and never overlap. The agent is chosen when the window opens,
/// among the next agents due on shift, so that the anomaly really shows in the data.
struct InjectedAnomaly: Sendable {
    var kind: AnomalyKind
    var startHour: Int
    var endHour: Int
    var byAgent: Bool
    /// Tenant agent index, or −1.
    var agent = -1
    /// Queue code, or −1.
    var queue = -1
    var magnitude: Double
}

/// The anomalies in force during the current hour.
struct ActiveAnomalies {
    var spikeAgent = -1
    var spikeFactor = 1.0
    var dropQueue = -1
    var dropAgent = -1
    var dropDelta = 0.0
    var surge = 1.0
}

enum AnomalyPlanner {
    /// What an anomaly must touch to be visible: calls of the spiked agent, surveys of the dropped
    /// queue or agent, extra calls of a surge (expected numbers). Windows stretch up to a week
    /// (surges up to six hours) to reach them; anomalies that cannot are not injected, so small
    /// tenants may get fewer.
    static let minSpikedCalls = 30.0
    static let minDroppedSurveys = 20.0
    static let minSurgeExtraCalls = 15.0

    static func plan(config: GeneratorConfig, plan: TenantPlan, calendar: DemandCalendar,
                     rng: inout Xoshiro256) -> [InjectedAnomaly] {
        let perKind = max(0, config.anomaliesPerKind)
        let weeks = config.days / 7
        guard perKind > 0, weeks >= 2, calendar.shapeSum > 0 else { return [] }
        var slots = Array(min(4, weeks / 4)..<weeks)
        for i in stride(from: slots.count - 1, to: 0, by: -1) { slots.swapAt(i, rng.below(i + 1)) }
        let count = min(3 * perKind, slots.count)
        // Period hour of the local midnight that starts local day index `day`.
        let localShift = Int(calendar.firstLocalHour - calendar.firstLocalDay * 24)
        func midnight(_ day: Int) -> Int { day * 24 - localShift }
        // Expected volumes of the primary desk.
        let desk = plan.sectors[0]
        let callsPerDay = Double(plan.expectedCalls) / Double(config.days) * desk.share * 0.93
        let agentCallsPerDay = callsPerDay * (1 - desk.aiShare) / Double(max(desk.humanAgents, 1))
        let baseRate = Double(plan.expectedCalls) / calendar.shapeSum
        /// Days (3–5 drawn, up to 7) for `perDay` expected events to reach `needed`, or nil.
        func days(_ base: Int, perDay: Double, needed: Double) -> Int? {
            guard perDay > 0 else { return nil }
            let d = max(base, Int((needed / perDay).rounded(.up)))
            return d <= 7 ? d : nil
        }
        var result: [InjectedAnomaly] = []
        for k in 0..<count {
            let week = slots[k]
            let kind = AnomalyKind(rawValue: k % 3)!
            var a: InjectedAnomaly
            switch kind {
            case .ahtSpike:
                let magnitude = roundTo(rng.uniform(1.4, 1.8), 100)
                guard let d = days(3 + rng.below(3), perDay: agentCallsPerDay, needed: minSpikedCalls) else { continue }
                let start = midnight(week * 7 + rng.below(8 - d))
                a = InjectedAnomaly(kind: kind, startHour: start, endHour: start + 24 * d, byAgent: true, magnitude: magnitude)
            case .csatDrop:
                let magnitude = -roundTo(rng.uniform(1.2, 2.0), 100)
                let base = 2 + rng.below(3)
                let wantAgent = rng.chance(0.35)
                let q = rng.pick(cumulative: cumulative(desk.queueWeights))
                let biggest = desk.queueWeights.indices.max { desk.queueWeights[$0] < desk.queueWeights[$1] }!
                let perAgent = agentCallsPerDay * config.surveyRate
                let perQueue = { (i: Int) in callsPerDay * desk.queueWeights[i] * config.surveyRate }
                var choice: (byAgent: Bool, queue: Int, days: Int)?
                if wantAgent, let d = days(base, perDay: perAgent, needed: minDroppedSurveys) {
                    choice = (true, -1, d)
                } else if let d = days(base, perDay: perQueue(q), needed: minDroppedSurveys) {
                    choice = (false, desk.queueCodes[q], d)
                } else if let d = days(base, perDay: perQueue(biggest), needed: minDroppedSurveys) {
                    choice = (false, desk.queueCodes[biggest], d)
                }
                guard let choice else { continue }
                let start = midnight(week * 7 + rng.below(8 - choice.days))
                a = InjectedAnomaly(kind: kind, startHour: start, endHour: start + 24 * choice.days,
                                    byAgent: choice.byAgent, magnitude: magnitude)
                a.queue = choice.queue
            case .volumeSurge:
                let magnitude = roundTo(rng.uniform(2, 3), 100)
                var day = week * 7 + rng.below(7)
                for _ in 0..<7 where day < calendar.dayOfWeek.count && calendar.dayOfWeek[day] >= 5 { day = week * 7 + rng.below(7) }
                let start = midnight(day) + 9 + rng.below(4)
                var hours = 2 + rng.below(3)
                func extra(_ n: Int) -> Double {
                    (0..<n).reduce(0) { $0 + baseRate * calendar.shapeClamped(start + $1) } * (magnitude - 1)
                }
                while extra(hours) < minSurgeExtraCalls && hours < 6 { hours += 1 }
                guard extra(hours) >= minSurgeExtraCalls else { continue }
                a = InjectedAnomaly(kind: kind, startHour: start, endHour: start + hours, byAgent: false, magnitude: magnitude)
            }
            a.endHour = min(a.endHour, calendar.hours)
            if a.startHour >= 0 && a.startHour < a.endHour { result.append(a) }
        }
        result.sort { $0.startHour < $1.startHour }
        return result
    }
}

extension TenantRun {
    /// Sets the anomalies in force in hour `h`, choosing the agent of those that open now.
    mutating func updateAnomalies(hour h: Int) {
        activeAnomalies = ActiveAnomalies()
        for i in anomalies.indices {
            if anomalies[i].startHour == h && anomalies[i].byAgent && anomalies[i].agent < 0 {
                anomalies[i].agent = Int(chooseAnomalyAgent())
            }
            guard anomalies[i].startHour <= h && h < anomalies[i].endHour else { continue }
            let a = anomalies[i]
            switch a.kind {
            case .ahtSpike:
                activeAnomalies.spikeAgent = a.agent
                activeAnomalies.spikeFactor = a.magnitude
            case .csatDrop:
                activeAnomalies.dropQueue = a.queue
                activeAnomalies.dropAgent = a.agent
                activeAnomalies.dropDelta = a.magnitude
            case .volumeSurge:
                activeAnomalies.surge = a.magnitude
            }
        }
    }

    /// One of the next human agents of the primary desk due to start a shift.
    private mutating func chooseAnomalyAgent() -> Int32 {
        let desk = desks[0]
        if desk.planner.rosterCount > 0 { return desk.planner.rosterAgent(rngAnomalies.below(min(3, desk.planner.rosterCount))) }
        if !desk.shifts.isEmpty { return desk.shifts[rngAnomalies.below(desk.shifts.count)].agent }
        return desk.humans[rngAnomalies.below(desk.humans.count)]
    }

    /// The `injected_anomalies` rows, ordered by start.
    mutating func writeAnomalies() {
        guard anomalyOutput.enabled else { return }
        for a in anomalies {
            anomalyOutput.rows.set(AnomalyCol.startAt, int: micros(Int64(a.startHour) * 3600))
            anomalyOutput.rows.set(AnomalyCol.endAt, int: micros(Int64(a.endHour) * 3600))
            anomalyOutput.rows.set(AnomalyCol.kind, code: a.kind.rawValue)
            if a.agent >= 0 { anomalyOutput.rows.set(AnomalyCol.agentID, int: Int64(agents[a.agent].id)) } else { anomalyOutput.rows.setNull(AnomalyCol.agentID) }
            if a.queue >= 0 { anomalyOutput.rows.set(AnomalyCol.queue, code: a.queue) } else { anomalyOutput.rows.setNull(AnomalyCol.queue) }
            anomalyOutput.rows.set(AnomalyCol.magnitude, double: a.magnitude)
            anomalyOutput.endRow(&ready)
        }
    }
}
