import TallyQuery
import TallyStorage

/// A regular time series: value i belongs to bucket start + i·step (UTC microseconds).
public struct TimeSeries: Sendable {
    public var start: Int64
    public var step: Int64
    public var values: [Double]
    /// False where the bucket had no input row (kept only when gaps are not filled).
    public var present: [Bool]
    /// How many observations stand behind each value (calls, surveys), when the caller gave them;
    /// a mean of 40 calls is trusted more than a mean of 4.
    public var weights: [Double]?

    public init(start: Int64, step: Int64, values: [Double], present: [Bool]? = nil, weights: [Double]? = nil) {
        self.start = start
        self.step = step
        self.values = values
        self.present = present ?? Array(repeating: true, count: values.count)
        self.weights = weights
    }

    /// The bucket of value i.
    public func time(_ i: Int) -> Int64 { start + Int64(i) * step }
}

/// The series argument of a table function split by key: the first TIMESTAMP column is the
/// bucket, the last column the value (with `weighted`: the last but one, the last being the value's
/// weight), every other column part of the key.
struct KeyedSeries {
    var keyColumns: [PlanColumn]
    var keys: [[Value]]
    var series: [TimeSeries]

    static let weekMicros: Int64 = 7 * 86_400 * 1_000_000

    /// Reads `relation`; missing buckets are 0 when `zeroFill`, else marked absent.
    /// The step is the smallest gap between buckets of any key (or `step` when given).
    init(_ relation: QueryResult, function: String, zeroFill: Bool, step given: Int64?, weighted: Bool = false) throws {
        let cols = relation.columns
        guard let t = cols.firstIndex(where: { $0.type == .timestamp }) else {
            throw EvaluationError("the series must have a TIMESTAMP bucket column; got (\(cols.map { "\($0.name) \($0.type)" }.joined(separator: ", ")))")
        }
        let v = cols.count - (weighted ? 2 : 1)
        guard v >= 0, v != t, [.int32, .int64, .float64, .bool].contains(cols[v].type) else {
            let which = weighted ? "last but one column must be the numeric value (weighted => true)" : "last column must be the numeric value"
            throw EvaluationError("the series' \(which); got (\(cols.map { "\($0.name) \($0.type)" }.joined(separator: ", ")))")
        }
        let w = cols.count - 1
        if weighted {
            guard w != t, [.int32, .int64, .float64].contains(cols[w].type) else {
                throw EvaluationError("with weighted => true the series' last column must be the numeric weight (e.g. count(*)); \(cols[w].name) is \(cols[w].type)")
            }
        }
        let keyIdx = cols.indices.filter { $0 != t && $0 != v && $0 != w }
        keyColumns = keyIdx.map { cols[$0] }
        var groups: [[Value]: [(Int64, Double, Double)]] = [:]
        var order: [[Value]] = []
        for r in 0..<relation.rowCount {
            guard case .timestamp(let at) = relation.data[t].value(at: r) else { continue }
            let x: Double
            switch relation.data[v].value(at: r) {
            case .int(let i): x = Double(i)
            case .double(let d): x = d
            case .bool(let b): x = b ? 1 : 0
            default: continue
            }
            var weight = 1.0
            if weighted {
                switch relation.data[w].value(at: r) {
                case .int(let i): weight = Double(i)
                case .double(let d): weight = d
                default: continue
                }
                guard weight >= 0, weight.isFinite else {
                    throw EvaluationError("the series' weight column \(cols[w].name) must be ≥ 0; row \(r + 1) has \(weight)")
                }
            }
            let key = keyIdx.map { relation.data[$0].value(at: r) }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append((at, x, weight))
        }
        var step = given ?? Int64.max
        if given == nil {
            for k in order {
                let pts = groups[k]!.sorted { $0.0 < $1.0 }
                for i in pts.indices.dropFirst() where pts[i].0 > pts[i - 1].0 { step = min(step, pts[i].0 - pts[i - 1].0) }
            }
            if step == .max { step = 3_600_000_000 }
        }
        guard step > 0 else { throw EvaluationError("step must be positive") }
        keys = []
        series = []
        for k in order {
            let pts = groups[k]!.sorted { $0.0 < $1.0 }
            let first = pts[0].0, last = pts[pts.count - 1].0
            let n = Int((last - first) / step) + 1
            guard n <= 10_000_000 else { throw EvaluationError("the series spans \(n) buckets of the step; aggregate it to a coarser step") }
            var values = Array(repeating: 0.0, count: n)
            var present = Array(repeating: zeroFill, count: n)
            var weights = Array(repeating: 0.0, count: weighted ? n : 0)
            for (at, x, wt) in pts {
                guard (at - first) % step == 0 else {
                    throw EvaluationError("bucket \(Value.timestamp(at)) is not on the series' step of \(step / 1_000_000) s; use time_bucket")
                }
                let i = Int((at - first) / step)
                if weighted {
                    // Two rows in one bucket: their weighted mean, with the weights added.
                    let total = weights[i] + wt
                    values[i] = total > 0 ? (values[i] * weights[i] + x * wt) / total : x
                    weights[i] = total
                } else {
                    values[i] += x
                }
                present[i] = true
            }
            keys.append(k)
            series.append(TimeSeries(start: first, step: step, values: values, present: present, weights: weighted ? weights : nil))
        }
    }

    /// The season length in steps: one week unless given.
    func season(_ given: Int?) throws -> Int {
        if let given {
            guard given >= 1 else { throw EvaluationError("season must be ≥ 1, got \(given)") }
            return given
        }
        let step = series.first?.step ?? 3_600_000_000
        guard KeyedSeries.weekMicros % step == 0 else {
            throw EvaluationError("a week is not a whole number of steps of \(step / 1_000_000) s; pass season => n")
        }
        return Int(KeyedSeries.weekMicros / step)
    }
}

/// Reading table-function arguments by position or name, with errors that name the argument.
struct ArgumentReader {
    let call: TableFunctionCall
    /// Parameter names in positional order.
    let parameters: [String]

    init(_ call: TableFunctionCall, parameters: [String]) throws {
        self.call = call
        self.parameters = parameters
        guard call.positional.count <= parameters.count else {
            throw EvaluationError("takes at most \(parameters.count) arguments (\(parameters.joined(separator: ", "))), got \(call.positional.count)")
        }
        for n in call.named.keys where !parameters.contains(n) {
            throw EvaluationError("has no argument named \(n); its arguments are \(parameters.joined(separator: ", "))")
        }
        for (i, p) in parameters.enumerated() where i < call.positional.count && call.named[p] != nil {
            throw EvaluationError("argument \(p) is given both by position and by name")
        }
    }

    func raw(_ name: String) -> TableFunctionArgument? {
        if let a = call.named[name] { return a }
        let i = parameters.firstIndex(of: name)!
        return i < call.positional.count ? call.positional[i] : nil
    }

    /// A constant argument; a one-column subquery of at most one row counts as its value (NULL when empty).
    func scalar(_ name: String) -> TableFunctionArgument? {
        guard let a = raw(name) else { return nil }
        if case .relation(let r) = a, r.columns.count == 1, r.rowCount <= 1 {
            return .value(r.rowCount == 0 ? .null : r.data[0].value(at: 0), r.columns[0].type)
        }
        return a
    }

    func relation(_ name: String) throws -> QueryResult {
        guard let a = raw(name) else { throw EvaluationError("argument \(name) is required: a (SELECT bucket, value …) subquery") }
        guard case .relation(let r) = a else { throw EvaluationError("argument \(name) must be a (SELECT …) subquery") }
        return r
    }

    func int(_ name: String, default d: Int? = nil, range: ClosedRange<Int>) throws -> Int? {
        guard let a = scalar(name) else { return d }
        guard case .value(let v, _) = a, case .int(let i) = v else { throw EvaluationError("argument \(name) must be an integer constant") }
        guard range.contains(Int(i)) else { throw EvaluationError("argument \(name) must be in \(range.lowerBound)…\(range.upperBound), got \(i)") }
        return Int(i)
    }

    func double(_ name: String, default d: Double) throws -> Double {
        guard let a = scalar(name) else { return d }
        guard case .value(let v, _) = a else { throw EvaluationError("argument \(name) must be a number") }
        switch v {
        case .int(let i): return Double(i)
        case .double(let x): return x
        default: throw EvaluationError("argument \(name) must be a number")
        }
    }

    func string(_ name: String, default d: String, allowed: [String]) throws -> String {
        guard let a = scalar(name) else { return d }
        guard case .value(let v, _) = a, case .string(let s) = v else { throw EvaluationError("argument \(name) must be a string constant") }
        let l = s.lowercased()
        guard allowed.contains(l) else { throw EvaluationError("argument \(name) must be one of \(allowed.map { "'\($0)'" }.joined(separator: ", ")), got '\(s)'") }
        return l
    }

    func bool(_ name: String, default d: Bool) throws -> Bool {
        guard let a = scalar(name) else { return d }
        guard case .value(let v, _) = a, case .bool(let b) = v else { throw EvaluationError("argument \(name) must be true or false") }
        return b
    }

    func interval(_ name: String) throws -> Int64? {
        guard let a = scalar(name) else { return nil }
        guard case .value(let v, _) = a else { throw EvaluationError("argument \(name) must be a constant") }
        switch v {
        case .int(let s) where s > 0: return s * 1_000_000
        default: throw EvaluationError("argument \(name) must be a positive number of seconds")
        }
    }
}
