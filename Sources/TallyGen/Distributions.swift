import Foundation

/// Tables of the 256-layer ziggurat for the standard normal (Marsaglia & Tsang 2000; Doornik 2005).
///
/// @unchecked Sendable: filled once in init and never written again.
final class ZigguratTables: @unchecked Sendable {
    /// Layer edges x₀ > x₁ = r > … > x₂₅₆ = 0 (257 entries).
    let x: UnsafeMutablePointer<Double>
    /// f(xᵢ) = exp(−xᵢ²/2).
    let f: UnsafeMutablePointer<Double>
    static let r = 3.654_152_885_361_008_8
    static let shared = ZigguratTables()

    private init() {
        let r = ZigguratTables.r
        let v = 0.004_928_673_233_99 // area of each layer
        x = .allocate(capacity: 257)
        f = .allocate(capacity: 257)
        x[0] = v / exp(-0.5 * r * r)
        x[1] = r
        for i in 2..<256 { x[i] = (-2 * log(v / x[i - 1] + exp(-0.5 * x[i - 1] * x[i - 1]))).squareRoot() }
        x[256] = 0
        for i in 0...256 { f[i] = exp(-0.5 * x[i] * x[i]) }
    }
}

/// A read-only view of the ziggurat tables, cheap to keep in a hot loop's state.
struct Gaussian: @unchecked Sendable {
    let x: UnsafePointer<Double>
    let f: UnsafePointer<Double>
    init() {
        x = UnsafePointer(ZigguratTables.shared.x)
        f = UnsafePointer(ZigguratTables.shared.f)
    }
}

extension Xoshiro256 {
    /// A standard normal variate (ziggurat; about 99 % of draws take one random word and no transcendental).
    @inline(__always) mutating func normal(_ g: Gaussian) -> Double {
        while true {
            let bits = next()
            let i = Int(bits & 0xFF)
            let u = Double(Int64(bitPattern: bits) >> 11) * 0x1.0p-52 // [-1, 1)
            let x = u * g.x[i]
            if abs(x) < g.x[i + 1] { return x }
            if i == 0 { return normalTail(negative: u < 0) }
            if g.f[i + 1] + (g.f[i] - g.f[i + 1]) * uniform() < exp(-0.5 * x * x) { return x }
        }
    }

    @inline(never) private mutating func normalTail(negative: Bool) -> Double {
        let r = ZigguratTables.r
        var x: Double, y: Double
        repeat {
            x = -log(uniformPositive()) / r
            y = -log(uniformPositive())
        } while y + y < x * x
        return negative ? -(r + x) : r + x
    }

    /// Exponential with mean 1.
    @inline(__always) mutating func exponential() -> Double { -log(uniformPositive()) }

    /// exp(mu + sigma·Z): lognormal with median e^mu.
    @inline(__always) mutating func lognormal(mu: Double, sigma: Double, _ g: Gaussian) -> Double {
        exp(mu + sigma * normal(g))
    }

    /// Gamma(shape, rate) by Marsaglia & Tsang (2000); shape ≥ 1. Mean shape/rate.
    mutating func gamma(shape: Double, rate: Double, _ g: Gaussian) -> Double {
        precondition(shape >= 1, "gamma shape below 1 is not needed here")
        let d = shape - 1.0 / 3.0
        let c = 1.0 / (9 * d).squareRoot()
        while true {
            let z = normal(g)
            let t = 1 + c * z
            if t <= 0 { continue }
            let v = t * t * t
            let u = uniformPositive()
            if u < 1 - 0.0331 * z * z * z * z || log(u) < 0.5 * z * z + d * (1 - v + log(v)) {
                return d * v / rate
            }
        }
    }

    /// Poisson(lambda): multiplication for small lambda, Hörmann's PTRS (1993) above.
    mutating func poisson(_ lambda: Double) -> Int {
        if lambda <= 0 { return 0 }
        if lambda < 12 {
            let limit = exp(-lambda)
            var k = 0
            var p = uniform()
            while p > limit { k += 1; p *= uniform() }
            return k
        }
        let slam = lambda.squareRoot()
        let loglam = log(lambda)
        let b = 0.931 + 2.53 * slam
        let a = -0.059 + 0.024_83 * b
        let invAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniformPositive()
            let us = 0.5 - abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return Int(k) }
            if k < 0 || (us < 0.013 && v > us) { continue }
            if log(v) + log(invAlpha) - log(a / (us * us) + b) <= -lambda + k * loglam - lgamma(k + 1) {
                return Int(k)
            }
        }
    }

    /// An index drawn with probabilities proportional to the cumulative weights `cum` (last = total).
    @inline(__always) mutating func pick(cumulative cum: [Double]) -> Int {
        let u = uniform() * cum[cum.count - 1]
        var i = 0
        while i < cum.count - 1 && u >= cum[i] { i += 1 }
        return i
    }
}

/// Small helpers on numbers.
@inline(__always) func clamp<T: Comparable>(_ v: T, _ lo: T, _ hi: T) -> T { min(max(v, lo), hi) }

/// Cumulative sums of `w`.
func cumulative(_ w: [Double]) -> [Double] {
    var s = 0.0
    return w.map { s += $0; return s }
}
