import TallyQuery
import TallyStorage

/// Erlang C / Erlang A staffing as SQL scalar functions. Percentages (targets, shrinkage,
/// occupancy, service level) are written 0–100 in SQL, as every KPI of KPIS.md is.
enum ErlangFunctions {
    static func register(into r: FunctionRegistry) {
        let c = "calls, interval_s, aht_s"
        scalar(r, "erlang_c", "erlang_c(\(c), target_sl %, target_t [, max_occupancy %]) → agents needed", 5...6, .int64) { v in
            let a = try ErlangC.load(calls: v[0], intervalSeconds: v[1], ahtSeconds: v[2])
            return .int(Int64(try ErlangC.agentsNeeded(load: a, ahtSeconds: v[2], targetLevel: try pct(v[3], "target_sl"), targetSeconds: v[4],
                                                        maxOccupancy: v.count > 5 ? try pct(v[5], "max_occupancy", allowHundred: true) : 1)))
        }
        scalar(r, "erlang_c_scheduled", "erlang_c_scheduled(\(c), target_sl %, target_t, shrinkage % [, max_occupancy %]) → agents to schedule", 6...7, .int64) { v in
            let a = try ErlangC.load(calls: v[0], intervalSeconds: v[1], ahtSeconds: v[2])
            let n = try ErlangC.agentsNeeded(load: a, ahtSeconds: v[2], targetLevel: try pct(v[3], "target_sl"), targetSeconds: v[4],
                                             maxOccupancy: v.count > 6 ? try pct(v[6], "max_occupancy", allowHundred: true) : 1)
            return .int(Int64(try ErlangC.scheduled(agents: n, shrinkage: v[5] / 100)))
        }
        scalar(r, "erlang_c_service_level", "erlang_c_service_level(\(c), agents, target_t) → % answered within target_t", 5...5, .float64) { v in
            let a = try ErlangC.load(calls: v[0], intervalSeconds: v[1], ahtSeconds: v[2])
            return .double(100 * ErlangC.serviceLevel(agents: try agents(v[3]), load: a, ahtSeconds: v[2], targetSeconds: try seconds(v[4], "target_t")))
        }
        scalar(r, "erlang_c_asa", "erlang_c_asa(\(c), agents) → average speed of answer in seconds (NULL when agents ≤ load)", 4...4, .float64) { v in
            let a = try ErlangC.load(calls: v[0], intervalSeconds: v[1], ahtSeconds: v[2])
            let asa = ErlangC.averageSpeedOfAnswer(agents: try agents(v[3]), load: a, ahtSeconds: v[2])
            return asa.isFinite ? .double(asa) : .null
        }
        scalar(r, "erlang_c_occupancy", "erlang_c_occupancy(\(c), agents) → % occupancy A/N", 4...4, .float64) { v in
            let a = try ErlangC.load(calls: v[0], intervalSeconds: v[1], ahtSeconds: v[2])
            let n = try agents(v[3])
            guard n > 0 else { return .null }
            return .double(100 * min(1, a / Double(n)))
        }
        let ca = "\(c), patience_s"
        scalar(r, "erlang_a", "erlang_a(\(ca), target_sl %, target_t) → agents needed with abandonment", 6...6, .int64) { v in
            .int(Int64(try ErlangA.agentsNeeded(calls: v[0], intervalSeconds: v[1], ahtSeconds: v[2], patienceSeconds: v[3],
                                                 targetLevel: try pct(v[4], "target_sl"), targetSeconds: try seconds(v[5], "target_t"))))
        }
        scalar(r, "erlang_a_service_level", "erlang_a_service_level(\(ca), agents, target_t) → % of offered calls answered within target_t", 6...6, .float64) { v in
            .double(100 * (try solveA(v, t: try seconds(v[5], "target_t"))).serviceLevel)
        }
        scalar(r, "erlang_a_asa", "erlang_a_asa(\(ca), agents) → mean wait in seconds (E[Lq]/λ)", 5...5, .float64) { v in
            .double(try solveA(v, t: 0).averageSpeedOfAnswer)
        }
        scalar(r, "erlang_a_abandon", "erlang_a_abandon(\(ca), agents) → % of offered calls that abandon", 5...5, .float64) { v in
            .double(100 * (try solveA(v, t: 0)).abandonment)
        }
    }

    static func solveA(_ v: [Double], t: Double) throws -> ErlangA.Solution {
        try ErlangA.solve(calls: v[0], intervalSeconds: v[1], ahtSeconds: v[2], patienceSeconds: v[3], agents: try agents(v[4]), targetSeconds: t)
    }

    static func pct(_ x: Double, _ what: String, allowHundred: Bool = false) throws -> Double {
        guard x > 0, allowHundred ? x <= 100 : x < 100 else {
            throw EvaluationError("\(what) is a percentage in (0, 100\(allowHundred ? "]" : ")"), got \(x)")
        }
        return x / 100
    }

    static func agents(_ x: Double) throws -> Int {
        guard x >= 0, x < 1e9, x == x.rounded() else { throw EvaluationError("agents must be a whole number ≥ 0, got \(x)") }
        return Int(x)
    }

    static func seconds(_ x: Double, _ what: String) throws -> Double {
        guard x >= 0, x.isFinite else { throw EvaluationError("\(what) must be ≥ 0 seconds, got \(x)") }
        return x
    }

    /// Registers a function of numeric arguments evaluated row by row; NULL in any argument gives NULL.
    /// Row-wise is right here: each row is a whole staffing search (tens of Erlang evaluations), so the
    /// per-row unpacking is negligible against the work, and such queries have one row per interval.
    static func scalar(_ r: FunctionRegistry, _ name: String, _ signature: String, _ arity: ClosedRange<Int>, _ type: DataType,
                       _ f: @escaping @Sendable ([Double]) throws -> Value) {
        r.registerScalar(name, signature: signature) { args in
            guard arity.contains(args.count), args.allSatisfy({ DomainAggregates.isNumber($0.type) || $0.type == .bool }) else { return nil }
            return ScalarFunction(name: name, returnType: type) { a, n in
                let constant = a.allSatisfy { if case .constant = $0 { return true } else { return false } }
                let rows = constant ? 1 : n
                var out: [Value] = []
                out.reserveCapacity(rows)
                var v = [Double](repeating: 0, count: a.count)
                for i in 0..<rows {
                    var null = false
                    for (j, x) in a.enumerated() {
                        let value: Value
                        switch x {
                        case .constant(let c, _): value = c
                        case .vector(let col): value = col.value(at: i)
                        }
                        switch value {
                        case .int(let k): v[j] = Double(k)
                        case .double(let d): v[j] = d
                        case .bool(let b): v[j] = b ? 1 : 0
                        default: null = true
                        }
                    }
                    do { out.append(null ? .null : try f(v)) } catch let e as ErlangC.Failure {
                        throw EvaluationError("\(name): \(e.description)")
                    }
                }
                return constant ? .constant(out[0], type) : .vector(ColumnData.from(type, out))
            }
        }
    }
}
