import Foundation

/// Shift planning and the agent pool of one sector desk.
///
/// Agents work shifts of four to nine hours (a one-hour break in the middle of long ones) with at
/// least twelve hours of rest in between. When the agents on shift fall below the need of the hour,
/// new shifts start, each as long as the need ahead keeps it useful. The need comes from Erlang C
/// (80 % answered within 20 s; square-root staffing for large loads) applied to the expected
/// arrival rate, corrected by an intraday reforecast that catches 60 % of the day's busyness; the
/// rest of the busyness and the surges are not foreseen, which is what makes waits and abandonment
/// vary. Agents come from a queue ordered by the end of their last shift (rotating rosters).
enum Staffing {
    static let maxShiftHours = 9
    static let minShiftHours = 4
    static let breakOffset = 4
    static let restHours = 12
    static let beta = 1.0
    static let reforecastShare = 0.6
    /// Roster margin for busy days and seasons above the planned week.
    static let rosterMargin = 1.3

    /// Service level the staffing aims at: 80 % of calls answered within 20 s.
    static let targetServiceLevel = 0.8
    static let targetAnswerS = 20.0

    /// Agents needed for an offered load of `erlangs` (mean handle time `handleS`) during an open hour:
    /// the fewest meeting the 80/20 target by Erlang C for small loads, where square-root staffing
    /// understaffs, and N = A + β√A above 50 Erlangs. At least one agent while open.
    static func need(erlangs a: Double, handleS: Double, open: Bool) -> Int {
        guard open else { return 0 }
        guard a > 0 else { return 1 }
        if a >= 50 { return Int((a + beta * a.squareRoot()).rounded(.up)) }
        // Erlang B by recursion, then C = N·B / (N − A(1 − B)); SL = 1 − C·e^(−(N−A)·t/AHT).
        var b = 1.0
        var n = 0
        while true {
            n += 1
            b = a * b / (Double(n) + a * b)
            if Double(n) <= a { continue }
            let c = Double(n) * b / (Double(n) - a * (1 - b))
            let sl = 1 - c * exp(-(Double(n) - a) * targetAnswerS / handleS)
            if sl >= targetServiceLevel { return max(n, 1) }
        }
    }

    /// Mean handle time (talk + hold + wrap) of a human agent of `sector`, for planning.
    static func expectedHumanHandleS(_ sector: Sector) -> Double {
        let p = sector.profile
        let talk = p.talkMedianS * exp(0.6 * 0.6 / 2) * exp(0.15 * 0.15 / 2) * 1.06 * 1.03
        let hold = p.holdShare * 1.15 * 45 * exp(0.8 * 0.8 / 2)
        let wrap = 30 * exp(0.45 * 0.45 / 2) * exp(0.25 * 0.25 / 2)
        return talk + hold + wrap
    }

    /// Human agents a desk needs on its roster: the most shifts started in any week of the period
    /// (planned as in the run, with unlimited agents) over about 4.5 shifts per agent and week, with
    /// a margin for busy days, plus one.
    static func estimateRoster(calendar: DemandCalendar, base: Double, handleS: Double) -> Int {
        guard calendar.hours > 0 else { return 2 }
        var desk = ShiftPlanner(erlangsPerRate: base * handleS / 3600, handleS: handleS, agents: 1 << 16)
        var most = 0, week = 0
        for h in 0..<calendar.hours {
            week += desk.update(h, baseRate: 1, calendar: calendar)
            if h % 168 == 167 || h == calendar.hours - 1 { most = max(most, week); week = 0 }
        }
        if calendar.hours < 168 { most = most * 168 / calendar.hours }
        return max(2, Int((Double(most) * rosterMargin / 4.5).rounded(.up)) + 1)
    }
}

/// One shift of one agent, in period hours.
struct Shift: Sendable {
    var agent: Int32
    var start: Int32
    var end: Int32
    /// The hour spent on break, or −1.
    var breakHour: Int32
}

/// The shifts of one desk: which agents work which hours.
struct ShiftPlanner: Sendable {
    /// Offered load (Erlangs) per unit of expected arrival rate, and the mean handle time.
    let erlangsPerRate: Double
    let handleS: Double
    /// Agents off shift, in the order they became free: (agent, first hour they may start again).
    private var rosterAgents: [Int32]
    private var rosterReady: [Int32]
    private var rosterHead = 0
    private(set) var rosterCount: Int
    private(set) var shifts: [Shift] = []

    init(erlangsPerRate: Double, handleS: Double, rosterOrder: [Int32]) {
        self.erlangsPerRate = erlangsPerRate
        self.handleS = handleS
        rosterAgents = rosterOrder
        rosterReady = [Int32](repeating: Int32.min, count: rosterOrder.count)
        rosterCount = rosterOrder.count
    }

    init(erlangsPerRate: Double, handleS: Double, agents: Int) {
        self.init(erlangsPerRate: erlangsPerRate, handleS: handleS, rosterOrder: (0..<Int32(agents)).map { $0 })
    }

    /// The agent `k` places from the front of the roster queue (k < rosterCount).
    func rosterAgent(_ k: Int) -> Int32 { rosterAgents[(rosterHead + k) % rosterAgents.count] }

    @inline(__always) private func needed(_ h: Int, _ baseRate: Double, _ calendar: DemandCalendar) -> Int {
        let shape = calendar.shapeClamped(h)
        return Staffing.need(erlangs: baseRate * shape * erlangsPerRate, handleS: handleS, open: shape > 0)
    }

    /// Ends finished shifts and starts new ones to meet the need of hour `h`; returns how many started.
    mutating func update(_ h: Int, baseRate: Double, calendar: DemandCalendar) -> Int {
        var kept = 0
        for r in shifts.indices {
            let s = shifts[r]
            if Int(s.end) <= h {
                let slot = (rosterHead + rosterCount) % rosterAgents.count
                rosterAgents[slot] = s.agent
                rosterReady[slot] = s.end + Int32(Staffing.restHours)
                rosterCount += 1
            } else {
                shifts[kept] = s
                kept += 1
            }
        }
        shifts.removeLast(shifts.count - kept)
        let need = needed(h, baseRate, calendar)
        var started = 0
        // Agents on break count as covered: breaks are a planned dip, not a reason to call someone in.
        if shifts.count < need && rosterCount > 0 && Int(rosterReady[rosterHead]) <= h {
            // Agents still on shift and agents needed in each of the next hours.
            let span = Staffing.maxShiftHours
            var onShift = [Int](repeating: 0, count: span + 1)
            for s in shifts { onShift[min(Int(s.end) - h, span)] += 1 }
            for k in stride(from: span - 1, through: 0, by: -1) { onShift[k] += onShift[k + 1] } // now: shifts with end > h + k
            var ahead = [Int](repeating: -1, count: span) // −1: closed
            for k in 1..<span {
                let t = h + k
                guard calendar.hourFactor[calendar.local(t).hourOfDay] > 0 else { break }
                ahead[k] = needed(t, baseRate, calendar)
            }
            while shifts.count < need && rosterCount > 0 && Int(rosterReady[rosterHead]) <= h {
                // As long as the need ahead stays above the agents still on shift, up to nine hours,
                // at least four (or until closing).
                var length = Staffing.minShiftHours
                for k in 1..<span {
                    if ahead[k] < 0 { length = min(length, k); break }
                    if ahead[k] > onShift[k] { length = max(length, k + 1) }
                }
                let agent = rosterAgents[rosterHead]
                rosterHead = (rosterHead + 1) % rosterAgents.count
                rosterCount -= 1
                shifts.append(Shift(agent: agent, start: Int32(h), end: Int32(h + length),
                                    breakHour: length >= 7 ? Int32(h + Staffing.breakOffset) : -1))
                for k in 0..<min(length, span) { onShift[k] += 1 }
                started += 1
            }
        }
        // A break that would leave the desk short waits an hour, or is skipped near the end of the shift.
        var working = 0
        for s in shifts where Int(s.breakHour) != h { working += 1 }
        for i in shifts.indices where Int(shifts[i].breakHour) == h && working < max(1, need - 1) {
            if Int(shifts[i].breakHour) + 2 < Int(shifts[i].end) { shifts[i].breakHour += 1 } else { shifts[i].breakHour = -1 }
            working += 1
        }
        return started
    }
}

/// The runtime state of one sector desk of a tenant: its shifts and the pool of agents taking
/// calls this hour (a min-heap of "free at" times: the longest-idle agent gets the next call,
/// and calls are served first come, first served).
struct Desk: Sendable {
    let sector: Sector
    /// Tenant agent indices of the desk's human and AI agents.
    let humans: [Int32]
    let ai: [Int32]
    let aiShare: Double
    /// Cumulative queue weights and the queue codes.
    let queueCumulative: [Double]
    let queueCodes: [Int]
    var planner: ShiftPlanner
    /// Heap keys: free-at second << 20 | tenant agent index.
    var heap: [UInt64] = []

    init(sector: Sector, humans: [Int32], ai: [Int32], erlangsPerRate: Double, handleS: Double, aiShare: Double,
         queueWeights: [Double], queueCodes: [Int], rosterOrder: [Int32]) {
        self.sector = sector
        self.humans = humans
        self.ai = ai
        self.aiShare = aiShare
        self.queueCumulative = cumulative(queueWeights)
        self.queueCodes = queueCodes
        planner = ShiftPlanner(erlangsPerRate: erlangsPerRate, handleS: handleS, rosterOrder: rosterOrder)
    }

    var shifts: [Shift] { planner.shifts }

    /// Updates the shifts for hour `h` and refills the pool with the agents working (not on break).
    mutating func beginHour(_ h: Int, baseRate: Double, calendar: DemandCalendar, freeAt: [Int64]) {
        _ = planner.update(h, baseRate: baseRate, calendar: calendar)
        heap.removeAll(keepingCapacity: true)
        for s in planner.shifts where Int(s.breakHour) != h {
            heap.append(UInt64(freeAt[Int(s.agent)]) << 20 | UInt64(s.agent))
        }
        if heap.count > 1 {
            for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        }
    }

    /// Replaces the pool's top (the agent just given a call) with its new key.
    @inline(__always) mutating func replaceTop(_ key: UInt64) {
        heap[0] = key
        siftDown(0)
    }

    @inline(__always) private mutating func siftDown(_ start: Int) {
        let n = heap.count
        var i = start
        let x = heap[i]
        while true {
            var c = 2 &* i &+ 1
            if c >= n { break }
            if c &+ 1 < n && heap[c &+ 1] < heap[c] { c &+= 1 }
            if heap[c] >= x { break }
            heap[i] = heap[c]
            i = c
        }
        heap[i] = x
    }
}
