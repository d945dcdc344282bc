/// The generator's random number source: xoshiro256** (Blackman & Vigna), seeded through SplitMix64.
///
/// Every tenant draws from several independent streams (one per concern), each seeded from
/// (seed, tenant, stream), so that tenants can be generated in any order or in parallel and
/// leaving a table out never changes the values of the others.
struct Xoshiro256: Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// A generator whose state is four SplitMix64 outputs of `seed`.
    init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
    }

    /// A generator with the given raw state (not all zero); for checks against the reference.
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        (s0, s1, s2, s3) = state
    }

    /// The stream `stream` of tenant `tenant` (use `Int.max` for whole-run streams).
    init(seed: UInt64, tenant: Int, stream: RNGStream) {
        var h = SplitMix64(state: seed ^ 0xA076_1D64_78BD_642F)
        let a = h.next() ^ UInt64(truncatingIfNeeded: tenant) &* 0xD1B5_4A32_D192_ED03
        var h2 = SplitMix64(state: a)
        let b = h2.next() ^ UInt64(stream.rawValue) &* 0x8CB9_2BA7_2F3D_8DD7
        self.init(seed: b)
    }

    @inline(__always) static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 &- k)) }

    /// The next 64 random bits.
    @inline(__always) mutating func next() -> UInt64 {
        let result = Xoshiro256.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = Xoshiro256.rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    @inline(__always) mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in (0, 1): never 0, so its logarithm is finite.
    @inline(__always) mutating func uniformPositive() -> Double { (Double(next() >> 11) + 0.5) * 0x1.0p-53 }

    /// Uniform in [lo, hi).
    @inline(__always) mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * uniform() }

    /// Uniform integer in 0..<n (n > 0), by Lemire's multiply-high (bias below 2⁻⁵⁰ for the n used here).
    @inline(__always) mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(truncatingIfNeeded: n)).high)
    }

    /// True with probability p.
    @inline(__always) mutating func chance(_ p: Double) -> Bool { uniform() < p }
}

/// SplitMix64 (Steele, Lea & Flood): used only to expand seeds into xoshiro states.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The independent random streams of one tenant.
enum RNGStream: UInt64 {
    case plan = 1
    case agents
    case arrivals
    case calls
    case reviews
    case surveys
    case queueEvents
    case statusEvents
    case anomalies
}
