import Foundation
import TallyStorage

/// The deterministic realistic data generator: tenants of Zipf-like sizes and, per tenant, every
/// table of the data model plus the ground truth of the anomalies it injected.
///
/// Per tenant, calls arrive as a non-homogeneous Poisson process (hour-of-day and day-of-week
/// shape in local time, yearly seasonality, holidays, a Gamma(10, 10) busyness factor per day);
/// they are served first come, first served by the agents on shift (human handle times are
/// lognormal with agent, sector, queue, channel and outcome effects; AI voice agents answer at
/// once), and callers hang up when their patience runs out. Reviews, surveys, queue and status
/// events and daily costs follow from the simulated calls.
public struct Generator: Sendable {
    public let config: GeneratorConfig
    /// The tenants, largest first.
    public let tenants: [TenantPlan]

    /// The tables `generate` fills (when present in the schemas passed to it).
    public static let tableNames: [String] = Tables.all.map(\.name)

    public init(config: GeneratorConfig) {
        self.config = config
        tenants = TenantPlanner.plan(config)
    }

    /// Generates one tenant's data and calls `emit(tableName, batch)` for each batch.
    ///
    /// - Batches of one table arrive in time order (rows sorted by the table's time column), at most
    ///   65,536 rows each; tables are interleaved. `agents` comes first, `injected_anomalies` last.
    /// - Columns are in the order and types of `schemas[tableName]`, matched by name; a schema column
    ///   the generator does not know is NULL (it must be nullable). Tables missing from `schemas`
    ///   are skipped without changing the others.
    /// - Deterministic for (config, tenant) and independent of other tenants, so tenants may run in parallel.
    public func generate(tenant: TenantPlan, schemas: [String: TableSchema],
                         emit: (String, RowBatch) throws -> Void) rethrows {
        var run = TenantRun(config: config, plan: tenant, schemas: schemas)
        try Generator.drain(&run.ready, emit)
        for h in 0..<run.calendar.hours {
            run.simulateHour(h)
            if h % 24 == 23 { run.closeDay(h / 24) }
            if !run.ready.isEmpty { try Generator.drain(&run.ready, emit) }
        }
        run.finish()
        try Generator.drain(&run.ready, emit)
    }

    private static func drain(_ ready: inout [(String, RowBatch)], _ emit: (String, RowBatch) throws -> Void) rethrows {
        for (name, batch) in ready { try emit(name, batch) }
        ready.removeAll(keepingCapacity: true)
    }
}

/// Running totals of one desk for the current day (for `cost_analysis`).
struct DayTotals: Sendable {
    var laborHours = 0.0
    var telephony = 0.0
    var aiInference = 0.0
    var revenue = 0.0
    var calls = 0
}

/// The whole state of one tenant's generation. Noncopyable: it owns the row buffers.
struct TenantRun: ~Copyable {
    let config: GeneratorConfig
    let plan: TenantPlan
    let calendar: DemandCalendar
    /// Expected calls per hour at shape 1.
    let baseRate: Double
    let startSeconds: Int64
    let startMicros: Int64
    let g = Gaussian()
    let model = CallModel()
    let callBase: Int64
    var callSeq: Int64 = 0
    let firstDeskShare: Double
    /// Patience of callers who do not hang up at once: lognormal (few hang up in the first seconds,
    /// unlike an exponential), with the tenant's mean.
    let patienceMu: Double
    static let patienceSigma = 1.0
    let reviewers: Int

    var rngArrivals: Xoshiro256
    var rngCalls: Xoshiro256
    var rngReviews: Xoshiro256
    var rngSurveys: Xoshiro256
    var rngQueue: Xoshiro256
    var rngStatus: Xoshiro256
    var rngAnomalies: Xoshiro256

    /// Finished batches waiting to be emitted.
    var ready: [(String, RowBatch)] = []
    var metrics: TableOutput
    var reviews: TableOutput
    var surveys: TableOutput
    var costs: TableOutput
    var status: TableOutput
    var queueEvents: TableOutput
    var anomalyOutput: TableOutput
    var pendingReviews: TimeOrderedBuffer
    var pendingSurveys: TimeOrderedBuffer
    var pendingStatus: TimeOrderedBuffer
    var pendingQueueEvents: TimeOrderedBuffer

    var agents: [AgentModel]
    var desks: [Desk]
    /// Per agent: the second its current call (with wrap) ends.
    var freeAt: [Int64]
    /// Per agent and hour (ring of 8 hours): seconds busy (talk + hold) and in wrap.
    var busySeconds: [Int32]
    var wrapSeconds: [Int32]
    var dayTotals: [DayTotals]
    /// Gamma(10, 10) busyness per local day.
    var busyness: [Double]
    var anomalies: [InjectedAnomaly]
    var activeAnomalies = ActiveAnomalies()
    var arrivalScratch: [Double] = []

    init(config: GeneratorConfig, plan: TenantPlan, schemas: [String: TableSchema]) {
        self.config = config
        self.plan = plan
        startSeconds = config.startSeconds
        startMicros = startSeconds * 1_000_000
        calendar = DemandCalendar(startSeconds: startSeconds, days: config.days, utcOffsetHours: plan.utcOffsetHours,
                                  sector: plan.primarySector, openHour: plan.openHour, closeHour: plan.closeHour)
        baseRate = calendar.shapeSum > 0 ? Double(plan.expectedCalls) / calendar.shapeSum : 0
        callBase = Int64(plan.index + 1) * 10_000_000_000
        firstDeskShare = plan.sectors[0].share
        patienceMu = log(plan.patienceMeanS) - TenantRun.patienceSigma * TenantRun.patienceSigma / 2
        reviewers = max(1, plan.humanAgents / 20)
        let seed = config.seed
        rngArrivals = Xoshiro256(seed: seed, tenant: plan.index, stream: .arrivals)
        rngCalls = Xoshiro256(seed: seed, tenant: plan.index, stream: .calls)
        rngReviews = Xoshiro256(seed: seed, tenant: plan.index, stream: .reviews)
        rngSurveys = Xoshiro256(seed: seed, tenant: plan.index, stream: .surveys)
        rngQueue = Xoshiro256(seed: seed, tenant: plan.index, stream: .queueEvents)
        rngStatus = Xoshiro256(seed: seed, tenant: plan.index, stream: .statusEvents)
        rngAnomalies = Xoshiro256(seed: seed, tenant: plan.index, stream: .anomalies)
        var rngAgents = Xoshiro256(seed: seed, tenant: plan.index, stream: .agents)

        metrics = TableOutput(spec: Tables.agentMetrics, schemas: schemas)
        reviews = TableOutput(spec: Tables.callQualityScores, schemas: schemas)
        surveys = TableOutput(spec: Tables.customerSatisfaction, schemas: schemas)
        costs = TableOutput(spec: Tables.costAnalysis, schemas: schemas)
        status = TableOutput(spec: Tables.agentStatusEvents, schemas: schemas)
        queueEvents = TableOutput(spec: Tables.queueEvents, schemas: schemas)
        anomalyOutput = TableOutput(spec: Tables.injectedAnomalies, schemas: schemas)
        pendingReviews = TimeOrderedBuffer(spec: Tables.callQualityScores)
        pendingSurveys = TimeOrderedBuffer(spec: Tables.customerSatisfaction)
        pendingStatus = TimeOrderedBuffer(spec: Tables.agentStatusEvents)
        pendingQueueEvents = TimeOrderedBuffer(spec: Tables.queueEvents)

        let built = AgentsTable.build(plan: plan, config: config, rng: &rngAgents, Gaussian())
        agents = built.models
        desks = built.desks
        freeAt = [Int64](repeating: 0, count: built.models.count)
        busySeconds = [Int32](repeating: 0, count: built.models.count * 8)
        wrapSeconds = busySeconds
        dayTotals = [DayTotals](repeating: DayTotals(), count: plan.sectors.count)
        var b: [Double] = []
        for _ in calendar.dayFactor.indices { b.append(rngArrivals.gamma(shape: 10, rate: 10, Gaussian())) }
        busyness = b
        anomalies = AnomalyPlanner.plan(config: config, plan: plan, calendar: calendar, rng: &rngAnomalies)
        AgentsTable.output(built, schemas: schemas, ready: &ready)
        writeAIStatus()
    }

    /// Staffs hour `h`, draws its arrivals and simulates every call, then summarizes the agents' hour.
    mutating func simulateHour(_ h: Int) {
        let (hod, day) = calendar.local(h)
        let expected = baseRate * calendar.dayFactor[day] * calendar.hourFactor[hod]
        updateAnomalies(hour: h)
        // Staffing follows an intraday reforecast that catches part of the day's busyness.
        let staffingRate = baseRate * (1 + Staffing.reforecastShare * (busyness[day] - 1))
        for d in desks.indices {
            desks[d].beginHour(h, baseRate: staffingRate, calendar: calendar, freeAt: freeAt)
        }
        let lambda = expected * (busyness[day] + activeAnomalies.surge - 1)
        let n = rngArrivals.poisson(lambda)
        if n > 0 {
            // n sorted uniform arrival times in the hour, from normalized exponential spacings.
            arrivalScratch.removeAll(keepingCapacity: true)
            var s = 0.0
            for _ in 0...n {
                s += rngArrivals.exponential()
                arrivalScratch.append(s)
            }
            let scale = 3600 / s
            let h0 = Int64(h) * 3600
            for i in 0..<n {
                simulateCall(at: h0 + min(Int64(arrivalScratch[i] * scale), 3599))
            }
        }
        finishHour(h)
    }

    /// Ends period day `d`: its cost rows, and every pending row before the next day.
    mutating func closeDay(_ d: Int) {
        writeCosts(day: d)
        let watermark = startMicros + Int64(d + 1) * Timestamp.microsPerDay
        releasePending(before: watermark)
    }

    mutating func releasePending(before watermark: Int64) {
        pendingQueueEvents.release(before: watermark, into: &queueEvents, &ready)
        pendingReviews.release(before: watermark, into: &reviews, &ready)
        pendingSurveys.release(before: watermark, into: &surveys, &ready)
        pendingStatus.release(before: watermark, into: &status, &ready)
    }

    /// Flushes everything. Rows that follow the last calls (reviews, surveys, late events) are kept even
    /// when they fall after the period, so every reviewed call has its review.
    mutating func finish() {
        releasePending(before: Int64.max)
        writeAnomalies()
        metrics.flush(&ready)
        queueEvents.flush(&ready)
        reviews.flush(&ready)
        surveys.flush(&ready)
        status.flush(&ready)
        costs.flush(&ready)
        anomalyOutput.flush(&ready)
    }

    @inline(__always) func micros(_ second: Int64) -> Int64 { startMicros &+ second &* 1_000_000 }
}
