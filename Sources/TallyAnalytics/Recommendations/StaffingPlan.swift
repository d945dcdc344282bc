import Foundation
import TallyQuery
import TallyStorage

/// staffing_plan(...): Erlang C staffing per forecast interval, consecutive intervals of one day
/// needing the same number of agents merged into one recommendation row.
enum StaffingPlan {
    static let signature = "staffing_plan(forecast (SELECT [key, …] target_at, calls …), aht_s, target_sl %, target_t [, shrinkage %, max_occupancy %])"

    static func register(into r: FunctionRegistry) {
        r.registerTable("staffing_plan", signature: signature, plan)
    }

    static let dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    /// Output: key columns, start_at, end_at, calls, agents, scheduled, recommendation.
    static func plan(_ call: TableFunctionCall) throws -> QueryResult {
        let a = try ArgumentReader(call, parameters: ["forecast", "aht_s", "target_sl", "target_t", "shrinkage", "max_occupancy", "step_s"])
        let input = try KeyedSeries(try a.relation("forecast"), function: "staffing_plan", zeroFill: true, step: try a.interval("step_s"))
        let aht = try a.double("aht_s", default: .nan)
        guard aht.isFinite, aht > 0 else { throw EvaluationError("argument aht_s is required: the average handle time in seconds, > 0") }
        let target = try a.double("target_sl", default: 80)
        let t = try a.double("target_t", default: 20)
        let shrinkage = try a.double("shrinkage", default: 0)
        let maxOcc = try a.double("max_occupancy", default: 100)
        let level = try ErlangFunctions.pct(target, "target_sl")
        let occupancy = try ErlangFunctions.pct(maxOcc, "max_occupancy", allowHundred: true)
        _ = try ErlangFunctions.seconds(t, "target_t")
        guard shrinkage >= 0, shrinkage < 100 else { throw EvaluationError("shrinkage is a percentage in [0, 100), got \(shrinkage)") }
        var out = OutputColumns(input.keyColumns + [PlanColumn("start_at", .timestamp), PlanColumn("end_at", .timestamp), PlanColumn("calls", .float64),
                                                    PlanColumn("agents", .int64), PlanColumn("scheduled", .int64), PlanColumn("recommendation", .string)])
        for (key, s) in zip(input.keys, input.series) {
            let interval = Double(s.step) / 1e6
            var agents: [Int] = []
            for v in s.values {
                agents.append(try needed(calls: max(0, v), interval: interval, aht: aht, level: level, t: t, occupancy: occupancy))
            }
            var i = 0
            while i < agents.count {
                var j = i + 1
                let day = s.time(i) / Timestamp.microsPerDay
                while j < agents.count && agents[j] == agents[i] && s.time(j) / Timestamp.microsPerDay == day { j += 1 }
                let calls = s.values[i..<j].reduce(0, +)
                let scheduled = try ErlangC.scheduled(agents: agents[i], shrinkage: shrinkage / 100)
                let text = "\(label(s.time(i), s.time(j))): staff \(agents[i]) agent\(agents[i] == 1 ? "" : "s")"
                    + (shrinkage > 0 ? " (schedule \(scheduled) at \(fmt(shrinkage)) % shrinkage)" : "")
                    + " for a forecast of \(Int(calls.rounded())) calls, AHT \(fmt(aht)) s, \(fmt(target))/\(fmt(t)) target"
                out.append(key + [.timestamp(s.time(i)), .timestamp(s.time(j)), .double(calls), .int(Int64(agents[i])), .int(Int64(scheduled)), .string(text)])
                i = j
            }
        }
        return out.result
    }

    static func needed(calls: Double, interval: Double, aht: Double, level: Double, t: Double, occupancy: Double) throws -> Int {
        let result = Result { () throws(ErlangC.Failure) -> Int in
            let load = try ErlangC.load(calls: calls, intervalSeconds: interval, ahtSeconds: aht)
            return try ErlangC.agentsNeeded(load: load, ahtSeconds: aht, targetLevel: level, targetSeconds: t, maxOccupancy: occupancy)
        }
        switch result {
        case .success(let n): return n
        case .failure(let e): throw EvaluationError(e.description)
        }
    }

    /// "Tuesday 2025-07-01 10:00–12:00 UTC".
    static func label(_ from: Int64, _ to: Int64) -> String {
        let day = Timestamp.floorDivMod(from, Timestamp.microsPerDay).0
        // 1970-01-01 was a Thursday (index 3 from Monday).
        let name = dayNames[Int((day % 7 + 7 + 3) % 7)]
        let date = String(Value.timestamp(from).description.prefix(10))
        // Minutes since the start of `from`'s day, so that an interval ending at midnight reads 24:00.
        func hm(_ t: Int64) -> String {
            let minutes = (t - day * Timestamp.microsPerDay) / 60_000_000
            return String(format: "%02d:%02d", Int(minutes / 60), Int(minutes % 60))
        }
        return "\(name) \(date) \(hm(from))–\(hm(to)) UTC"
    }

    static func fmt(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(format: "%.1f", x) }
}
