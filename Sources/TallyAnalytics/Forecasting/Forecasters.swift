import Foundation
import TallyQuery

/// Point forecasts with a 95 % interval.
public struct Forecast: Sendable {
    public var model: String
    public var values: [Double]
    public var lower: [Double]
    public var upper: [Double]
}

/// Accuracy measures of KPIS.md: wMAPE (headline) and MASE against seasonal naive.
public enum Accuracy {
    /// Σ|y − ŷ| / Σ|y|; nil when Σ|y| = 0.
    public static func wmape(actual: [Double], forecast: [Double]) -> Double? {
        var e = 0.0, s = 0.0
        for (y, f) in zip(actual, forecast) { e += abs(y - f); s += abs(y) }
        return s > 0 ? e / s : nil
    }

    /// Mean |y − ŷ| over the horizon divided by the in-sample mean |y_t − y_{t−m}| of `history`.
    public static func mase(actual: [Double], forecast: [Double], history: [Double], season m: Int) -> Double? {
        guard history.count > m, !actual.isEmpty else { return nil }
        var d = 0.0
        for t in m..<history.count { d += abs(history[t] - history[t - m]) }
        d /= Double(history.count - m)
        var e = 0.0
        for (y, f) in zip(actual, forecast) { e += abs(y - f) }
        return d > 0 ? e / Double(actual.count) / d : nil
    }
}

/// Seasonal naive: ŷ(T+h) = y(T+h−k·m), k = ⌊(h−1)/m⌋+1.
public enum SeasonalNaive {
    public static func forecast(_ y: [Double], season m: Int, horizon: Int) -> Forecast {
        let n = y.count
        var out = [Double](), lo = [Double](), hi = [Double]()
        // Interval from the spread of one-season differences, widening with the seasons ahead.
        var ss = 0.0, c = 0
        if n > m { for t in m..<n { let d = y[t] - y[t - m]; ss += d * d; c += 1 } }
        let sigma = c > 1 ? (ss / Double(c)).squareRoot() : 0
        for h in 1...max(horizon, 1) where horizon > 0 {
            let k = (h - 1) / m + 1
            let i = n + h - 1 - k * m
            let v = i >= 0 ? y[i] : y[(i % n + n) % n]
            let w = 1.96 * sigma * Double(k).squareRoot()
            out.append(v); lo.append(v - w); hi.append(v + w)
        }
        return Forecast(model: "seasonal_naive", values: out, lower: lo, upper: hi)
    }
}

/// Holt-Winters additive (KPIS.md), α, β, γ fitted by minimising the in-sample one-step squared error.
public struct HoltWinters: Sendable {
    public var alpha: Double, beta: Double, gamma: Double
    public var level: Double, trend: Double
    /// The last m seasonal terms, oldest first: seasonal[i] belongs to time n − m + i.
    public var seasonal: [Double]
    public var sse: Double
    public var residualSigma: Double
    public let season: Int

    /// Runs the recursions; returns the final state and the sum of squared `ahead`-step errors
    /// (`ahead` ≤ m, so the seasonal term of the target is the one known when forecasting).
    static func run(_ y: [Double], m: Int, alpha a: Double, beta b: Double, gamma g: Double, ahead: Int = 1) -> (Double, Double, [Double], Double, Int) {
        // Initial state from the first two seasons: level = mean of season 1, trend = mean change per step.
        var l = 0.0
        for i in 0..<m { l += y[i] }
        l /= Double(m)
        var l2 = 0.0
        for i in m..<2 * m { l2 += y[i] }
        l2 /= Double(m)
        var tr = (l2 - l) / Double(m)
        var s = (0..<m).map { y[$0] - l }
        // The level after season 1 sits at its centre; move it to the end of the first season.
        l += tr * Double(m - 1) / 2
        var sse = 0.0
        var count = 0
        // States before each of the last `ahead` steps: the forecast of y[t] is made from the one
        // stored ahead − 1 steps ago (for ahead = 1, the current state).
        var pastL = [Double](repeating: 0, count: ahead), pastT = pastL
        for t in m..<y.count {
            let si = s[t % m]
            let k = t - m
            pastL[k % ahead] = l
            pastT[k % ahead] = tr
            if k >= ahead - 1 {
                let j = (k + 1) % ahead
                let f = pastL[j] + Double(ahead) * pastT[j] + si
                let e = y[t] - f
                sse += e * e
                count += 1
            }
            let newL = a * (y[t] - si) + (1 - a) * (l + tr)
            // KPIS.md: s_t = γ(y_t − ℓ_{t−1} − b_{t−1}) + (1−γ)s_{t−m}, from the state before this step.
            s[t % m] = g * (y[t] - l - tr) + (1 - g) * si
            tr = b * (newL - l) + (1 - b) * tr
            l = newL
        }
        return (l, tr, s, sse, count)
    }

    /// Fits the smoothing parameters by a coarse grid then a shrinking local search, minimising the
    /// squared errors of forecasts `ahead` steps ahead (1: the usual one-step fit; m: a season ahead).
    public static func fit(_ y: [Double], season m: Int, ahead: Int = 1) throws -> HoltWinters {
        guard m >= 2, y.count >= 2 * m else {
            throw EvaluationError("holt_winters needs at least two seasons of data (\(2 * m) points), got \(y.count)")
        }
        let ahead = min(max(ahead, 1), m)
        func sse(_ p: (Double, Double, Double)) -> Double { run(y, m: m, alpha: p.0, beta: p.1, gamma: p.2, ahead: ahead).3 }
        let grid = [0.02, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9]
        var best = (0.2, 0.02, 0.1)
        var bestE = Double.infinity
        for a in grid { for b in [0.0, 0.01, 0.05, 0.2] { for g in grid {
            let e = sse((a, b, g))
            if e < bestE { bestE = e; best = (a, b, g) }
        } } }
        var stepSize = 0.1
        while stepSize > 0.002 {
            var improved = false
            for d in [(stepSize, 0.0, 0.0), (-stepSize, 0, 0), (0, stepSize, 0), (0, -stepSize, 0), (0, 0, stepSize), (0, 0, -stepSize)] {
                let p = (min(1, max(0, best.0 + d.0)), min(1, max(0, best.1 + d.1)), min(1, max(0, best.2 + d.2)))
                let e = sse(p)
                if e < bestE { bestE = e; best = p; improved = true }
            }
            if !improved { stepSize /= 2 }
        }
        return fitted(y, season: m, alpha: best.0, beta: best.1, gamma: best.2)
    }

    /// The state after running the recursions with fixed parameters.
    public static func fitted(_ y: [Double], season m: Int, alpha: Double, beta: Double, gamma: Double) -> HoltWinters {
        let (l, b, s, e, c) = run(y, m: m, alpha: alpha, beta: beta, gamma: gamma)
        let n = y.count
        // Reorder so that seasonal[i] is the term of time n − m + i.
        let ordered = (0..<m).map { s[(n - m + $0) % m] }
        return HoltWinters(alpha: alpha, beta: beta, gamma: gamma, level: l, trend: b, seasonal: ordered, sse: e,
                           residualSigma: c > 0 ? (e / Double(c)).squareRoot() : 0, season: m)
    }

    /// ŷ(n+h) = ℓ + h·b + s(n+h−m(k+1)) with a 95 % interval from the ETS(A,A,A) variance.
    public func forecast(horizon: Int) -> Forecast {
        var out = [Double](), lo = [Double](), hi = [Double]()
        var variance = 0.0
        for h in 1...max(horizon, 1) where horizon > 0 {
            let v = level + Double(h) * trend + seasonal[(h - 1) % season]
            if h > 1 {
                let j = Double(h - 1)
                let c = alpha * (1 + j * beta) + ((h - 1) % season == 0 ? gamma * (1 - alpha) : 0)
                variance += c * c
            }
            let w = 1.96 * residualSigma * (1 + variance).squareRoot()
            out.append(v); lo.append(v - w); hi.append(v + w)
        }
        return Forecast(model: "holt_winters", values: out, lower: lo, upper: hi)
    }
}

/// Model choice and forecasting for one series.
public enum Forecaster {
    /// The models `forecast` offers.
    public static let models = ["auto", "seasonal_naive", "holt_winters", "holt_winters_season"]

    /// Forecasts `horizon` steps. 'auto' holds out each of the last `selectionSeasons` seasons in
    /// turn, forecasts it with both models from the history before it, and keeps the model with the
    /// lower pooled wMAPE (seasonal naive when there are fewer than three seasons).
    public static func forecast(_ y: [Double], season m: Int, horizon: Int, model: String, nonNegative: Bool) throws -> Forecast {
        var f: Forecast
        switch model {
        case "seasonal_naive":
            guard y.count >= m else { throw EvaluationError("seasonal_naive needs one full season (\(m) points), got \(y.count)") }
            f = SeasonalNaive.forecast(y, season: m, horizon: horizon)
        case "holt_winters":
            f = try HoltWinters.fit(y, season: m).forecast(horizon: horizon)
        case "holt_winters_season":
            // One-step fits chase the last hours' level (a day's busyness persists hour to hour);
            // fitting on season-ahead errors keeps the level smooth for week-ahead use.
            f = try HoltWinters.fit(y, season: m, ahead: m).forecast(horizon: horizon)
            f.model = "holt_winters_season"
        default:
            f = try forecast(y, season: m, horizon: horizon, model: choose(y, season: m), nonNegative: false)
        }
        if nonNegative {
            for i in f.values.indices { f.values[i] = max(0, f.values[i]); f.lower[i] = max(0, f.lower[i]); f.upper[i] = max(0, f.upper[i]) }
        }
        return f
    }

    /// Seasons 'auto' holds out (fewer when the series is short): one held-out week is a coin toss
    /// when every day has its own busyness — on generated data the single-week winner lost the next
    /// week eight weeks out of eight.
    public static let selectionSeasons = 4

    /// The model 'auto' picks for `y`: rolling origin over up to `selectionSeasons` held-out seasons,
    /// each forecast one season ahead from the history before it, errors pooled.
    public static func choose(_ y: [Double], season m: Int) throws -> String {
        guard y.count >= m else { throw EvaluationError("forecasting needs at least one full season (\(m) points), got \(y.count)") }
        guard y.count >= 3 * m else { return "seasonal_naive" }
        // Holt-Winters needs two seasons of training before the earliest held-out season.
        let origins = min(selectionSeasons, y.count / m - 2)
        var errorSN = 0.0, errorHW = 0.0
        for k in 1...origins {
            let cut = y.count - k * m
            let train = Array(y[..<cut])
            let sn = SeasonalNaive.forecast(train, season: m, horizon: m).values
            let hw = try HoltWinters.fit(train, season: m).forecast(horizon: m).values
            for i in 0..<m {
                errorSN += abs(y[cut + i] - max(0, sn[i]))
                errorHW += abs(y[cut + i] - max(0, hw[i]))
            }
        }
        return errorHW < errorSN ? "holt_winters" : "seasonal_naive"
    }
}
