import TallyQuery
import TallyStorage

/// forecast(...) and anomalies(...) as table functions over a (SELECT …) series argument.
enum TableFunctions {
    static let forecastSignature = "forecast(series (SELECT [key, …] bucket, value …), horizon [, model 'auto'|'seasonal_naive'|'holt_winters'|'holt_winters_season' [, season]])"
    static let anomaliesSignature = "anomalies(series (SELECT [key, …] bucket, value …) [, method 'mad_seasonal'|'rolling_z' [, threshold [, window]]] [, season, min_scale, level_window, transform 'none'|'sqrt'|'log', span, weighted])"

    static func register(into r: FunctionRegistry) {
        r.registerTable("forecast", signature: forecastSignature, forecast)
        r.registerTable("anomalies", signature: anomaliesSignature, anomalies)
    }

    /// Output: key columns, target_at, value, lower_bound, upper_bound, model. Missing buckets are 0
    /// (count series); a series with no negative value gets forecasts clamped at 0.
    static func forecast(_ call: TableFunctionCall) throws -> QueryResult {
        let a = try ArgumentReader(call, parameters: ["series", "horizon", "model", "season", "step_s"])
        let input = try KeyedSeries(try a.relation("series"), function: "forecast", zeroFill: true, step: try a.interval("step_s"))
        guard let horizon = try a.int("horizon", range: 1...100_000) else { throw EvaluationError("argument horizon is required (steps ahead)") }
        let model = try a.string("model", default: "auto", allowed: Forecaster.models)
        let m = try input.season(try a.int("season", range: 1...100_000))
        var out = OutputColumns(input.keyColumns + [PlanColumn("target_at", .timestamp), PlanColumn("value", .float64),
                                                    PlanColumn("lower_bound", .float64), PlanColumn("upper_bound", .float64), PlanColumn("model", .string)])
        for (key, s) in zip(input.keys, input.series) {
            let f = try Forecaster.forecast(s.values, season: m, horizon: horizon, model: model, nonNegative: !s.values.contains { $0 < 0 })
            for h in 0..<horizon {
                out.append(key + [.timestamp(s.time(s.values.count + h)), .double(f.values[h]), .double(f.lower[h]), .double(f.upper[h]), .string(f.model)])
            }
        }
        return out.result
    }

    /// Output: key columns, bucket, value, expected, score, severity, method — flagged points only.
    /// Missing buckets are absent (not zero): a metric like AHT has no value in an empty hour.
    static func anomalies(_ call: TableFunctionCall) throws -> QueryResult {
        let a = try ArgumentReader(call, parameters: ["series", "method", "threshold", "window", "season", "min_scale", "level_window", "transform", "step_s", "span", "weighted"])
        let weighted = try a.bool("weighted", default: false)
        let input = try KeyedSeries(try a.relation("series"), function: "anomalies", zeroFill: false, step: try a.interval("step_s"), weighted: weighted)
        let method = try a.string("method", default: "mad_seasonal", allowed: AnomalyDetector.methods)
        let threshold = try a.double("threshold", default: AnomalyDetector.defaultThreshold(method))
        guard threshold > 0 else { throw EvaluationError("argument threshold must be > 0") }
        let window = try a.int("window", default: 24, range: 2...100_000)!
        let levelWindow = try a.int("level_window", default: 0, range: 0...100_000)!
        let transform = try a.string("transform", default: "none", allowed: ["none", "sqrt", "log"])
        let span = try a.int("span", default: 1, range: 1...1_000)!
        if method == "rolling_z" && (span > 1 || weighted) {
            throw EvaluationError("span and weighted apply to method 'mad_seasonal' only")
        }
        let minScale = try a.double("min_scale", default: 0)
        guard minScale >= 0 else { throw EvaluationError("argument min_scale must be ≥ 0") }
        var out = OutputColumns(input.keyColumns + [PlanColumn("bucket", .timestamp), PlanColumn("value", .float64), PlanColumn("expected", .float64),
                                                    PlanColumn("score", .float64), PlanColumn("severity", .string), PlanColumn("method", .string)])
        let m = method == "mad_seasonal" ? try input.season(try a.int("season", range: 1...100_000)) : 1
        for (key, s) in zip(input.keys, input.series) {
            let found = method == "rolling_z"
                ? AnomalyDetector.rollingZ(s, window: window, threshold: threshold, minScale: minScale)
                : AnomalyDetector.madSeasonal(s, season: m, threshold: threshold, minScale: minScale, levelWindow: levelWindow, transform: transform, span: span)
            for x in found {
                out.append(key + [.timestamp(s.time(x.index)), .double(x.value), .double(x.expected), .double(x.score), .string(x.severity), .string(method)])
            }
        }
        return out.result
    }
}

/// Rows collected for a table function's result.
struct OutputColumns {
    let columns: [PlanColumn]
    var rows: [[Value]] = []

    init(_ columns: [PlanColumn]) { self.columns = columns }

    mutating func append(_ row: [Value]) { rows.append(row) }

    var result: QueryResult {
        QueryResult(columns: columns, data: columns.indices.map { c in ColumnData.from(columns[c].type, rows.map { $0[c] }) }, rowCount: rows.count)
    }
}
