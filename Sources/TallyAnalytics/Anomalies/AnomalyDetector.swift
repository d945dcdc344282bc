import Foundation
import TallyQuery

/// One flagged point of a series.
public struct Anomaly: Sendable, Equatable {
    public var index: Int
    public var value: Double
    public var expected: Double
    public var score: Double
    public var severity: String
}

/// Robust seasonal z-score (Iglewicz–Hoaglin) and rolling z-score detectors (KPIS.md).
public enum AnomalyDetector {
    /// The methods `anomalies` offers.
    public static let methods = ["mad_seasonal", "rolling_z"]

    /// Default threshold per method: |M| > 3.5, |z| > 3.
    public static func defaultThreshold(_ method: String) -> Double { method == "rolling_z" ? 3 : 3.5 }

    /// low up to 1.5× the threshold, medium up to 2.5×, high beyond.
    public static func severity(score: Double, threshold: Double) -> String {
        let r = abs(score) / threshold
        return r <= 1.5 ? "low" : (r <= 2.5 ? "medium" : "high")
    }

    static func median(_ xs: inout [Double]) -> Double {
        xs.sort()
        let n = xs.count
        return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2
    }

    /// Seasonal robust z-score: the expected value of a point is the median of the same slot
    /// (t mod m, the hour of week) in the other seasons; M = 0.6745·(r − median r)/MAD(r) over the
    /// residuals r = x − expected of the whole series. A per-slot MAD from a dozen weeks is too noisy
    /// (it flagged 2 % of pure noise in tests); the series-wide residual MAD is stable.
    /// When MAD is 0 the scale is 1.2533·mean absolute deviation, and never below `minScale`.
    /// Points whose slot has fewer than `minHistory` other values are not judged.
    /// `levelWindow` > 0 rescales the expected value by the local level: Σx / Σexpected over the
    /// `levelWindow` points around (the point itself left out), so that a busy day does not make
    /// every hour of it anomalous. `transform` ('none', 'sqrt' for counts, 'log' for skewed
    /// positive metrics) is applied to value and expected before the residual is taken.
    /// With weights or `span` > 1 the scoring is `windowScores` instead (see there).
    public static func madSeasonal(_ s: TimeSeries, season m: Int, threshold: Double, minScale: Double, minHistory: Int = 3,
                                   levelWindow: Int = 0, transform: String = "none", span: Int = 1) -> [Anomaly] {
        let slotOffset = Int((s.start / s.step) % Int64(m))
        var slots = [[Int]](repeating: [], count: m)
        for i in s.values.indices where s.present[i] { slots[(i + slotOffset) % m].append(i) }
        var expected = [Double](repeating: .nan, count: s.values.count)
        var others: [Double] = []
        for slot in slots where slot.count > minHistory {
            for i in slot {
                others.removeAll(keepingCapacity: true)
                for j in slot where j != i { others.append(s.values[j]) }
                expected[i] = median(&others)
            }
        }
        if levelWindow > 0 {
            let seasonal = expected
            let half = levelWindow / 2
            for i in s.values.indices where !seasonal[i].isNaN {
                var sx = 0.0, se = 0.0
                for j in max(0, i - half)...min(s.values.count - 1, i + half) where j != i && s.present[j] && !seasonal[j].isNaN {
                    sx += s.values[j]; se += seasonal[j]
                }
                if se > 0 { expected[i] = seasonal[i] * sx / se }
            }
        }
        let f: (Double) -> Double
        switch transform {
        case "sqrt": f = { $0 > 0 ? $0.squareRoot() : 0 }
        case "log": f = { log(max($0, 0) + 1) }
        default: f = { $0 }
        }
        let judged = s.values.indices.filter { !expected[$0].isNaN }
        guard !judged.isEmpty else { return [] }
        if span > 1 || s.weights != nil {
            return windowScores(s, expected: expected, judged: judged, f: f, threshold: threshold, minScale: minScale, span: span)
        }
        var residuals = judged.map { f(s.values[$0]) - f(expected[$0]) }
        let center = median(&residuals)
        var dev = residuals.map { abs($0 - center) }
        var scale = median(&dev) / 0.6745
        if scale == 0 { scale = 1.2533 * dev.reduce(0, +) / Double(dev.count) }
        scale = max(scale, minScale)
        guard scale > 0 else { return [] }
        var out: [Anomaly] = []
        for i in judged {
            let score = (f(s.values[i]) - f(expected[i]) - center) / scale
            if abs(score) > threshold {
                out.append(Anomaly(index: i, value: s.values[i], expected: expected[i], score: score, severity: severity(score: score, threshold: threshold)))
            }
        }
        return out
    }

    /// Scores runs of up to `span` consecutive judged points, weighting each point by its weight w
    /// (1 when the series has none): an AHT spike of 1.4× over four days is a few scale units a day
    /// but unmistakable over the four days together, and a day of 40 calls says more than one of 4.
    /// Residual e = f(x) − f(expected) − median residual; a point's noise is σ/√w with
    /// σ = MAD(e·√w)/0.6745; a run's score is Σ w·e / (σ·√Σw). A point takes the largest run score
    /// among the runs containing it that lean its own way by at least one σ/√w (so the quiet day
    /// after a spike is not flagged for its neighbours); score and severity are that run score.
    static func windowScores(_ s: TimeSeries, expected: [Double], judged: [Int], f: (Double) -> Double,
                             threshold: Double, minScale: Double, span: Int) -> [Anomaly] {
        let weight = { (i: Int) in s.weights?[i] ?? 1 }
        let pts = judged.filter { weight($0) > 0 }
        guard !pts.isEmpty else { return [] }
        var e = pts.map { f(s.values[$0]) - f(expected[$0]) }
        var sorted = e
        let center = median(&sorted)
        for k in e.indices { e[k] -= center }
        let w = pts.map(weight)
        var dev = e.indices.map { abs(e[$0]) * w[$0].squareRoot() }
        var sigma = median(&dev) / 0.6745
        if sigma == 0 { sigma = 1.2533 * dev.reduce(0, +) / Double(dev.count) }
        sigma = max(sigma, minScale)
        guard sigma > 0 else { return [] }
        let own = e.indices.map { e[$0] * w[$0].squareRoot() / sigma }
        var best = [Double](repeating: 0, count: pts.count)
        for first in pts.indices {
            var sw = 0.0, swe = 0.0
            for last in first..<min(pts.count, first + max(span, 1)) {
                sw += w[last]; swe += w[last] * e[last]
                let run = swe / (sigma * sw.squareRoot())
                for k in first...last where abs(run) > abs(best[k]) && run * own[k] > 0 && (span == 1 || abs(own[k]) >= 1) {
                    best[k] = run
                }
            }
        }
        var out: [Anomaly] = []
        for k in pts.indices where abs(best[k]) > threshold {
            let i = pts[k]
            out.append(Anomaly(index: i, value: s.values[i], expected: expected[i], score: best[k], severity: severity(score: best[k], threshold: threshold)))
        }
        return out
    }

    /// z = (x − mean)/sd over the `window` present points before x.
    public static func rollingZ(_ s: TimeSeries, window w: Int, threshold: Double, minScale: Double) -> [Anomaly] {
        var out: [Anomaly] = []
        var recent: [Double] = []
        for i in s.values.indices where s.present[i] {
            let x = s.values[i]
            if recent.count == w {
                let mean = recent.reduce(0, +) / Double(w)
                let sd = max((recent.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(w - 1)).squareRoot(), minScale)
                if sd > 0 {
                    let z = (x - mean) / sd
                    if abs(z) > threshold {
                        out.append(Anomaly(index: i, value: x, expected: mean, score: z, severity: severity(score: z, threshold: threshold)))
                    }
                }
                recent.removeFirst()
            }
            recent.append(x)
        }
        return out
    }
}
