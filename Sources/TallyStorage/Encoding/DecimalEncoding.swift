/// Decimal: doubles that are all exactly m / 10^k for one small k (0…4) are stored as the
/// integers m through an integer stream; the chunk header's param holds k.
///
/// Prices, percentages and scores typed in decimal usually are such values, and the integers
/// then get frame of reference, delta, run-length and common-factor removal for free. Decode
/// computes Double(m) / 10^k, a correctly rounded division, and the encoder only picks this
/// encoding after checking that exact expression reproduces every value bit for bit — so -0.0,
/// NaN, infinities and values with more digits simply leave the column to another encoding.
enum DecimalEncoding {
    static let maxScale = 4
    /// 10^k, exact in binary for every k used here.
    static let powers: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]
    /// Scaled integers stay below 2^53, so converting them to Double is exact.
    private static let limit: Double = 9_007_199_254_740_992

    @inline(__always) private static func scaled(_ x: Double, _ p: Double) -> Int64? {
        let s = (x * p).rounded()
        guard abs(s) < limit else { return nil }
        let m = Int64(s)
        return (Double(m) / p).bitPattern == x.bitPattern ? m : nil
    }

    /// The smallest scale k that represents every value exactly, with the scaled integers; nil if none.
    static func analyze(_ bits: [UInt64]) -> (scale: Int, scaled: [UInt64])? {
        var k = 0
        for b in bits {
            let x = Double(bitPattern: b)
            guard x.isFinite else { return nil }
            while scaled(x, powers[k]) == nil {
                k += 1
                if k > maxScale { return nil }
            }
        }
        let p = powers[k]
        var out = [UInt64]()
        out.reserveCapacity(bits.count)
        for b in bits {
            guard let m = scaled(Double(bitPattern: b), p) else { return nil }
            out.append(UInt64(bitPattern: m))
        }
        return (k, out)
    }

    /// Decodes the scaled integers and turns them back into doubles in place.
    static func decode(_ body: UnsafeRawBufferPointer, scale: Int, count: Int, into memory: UnsafeMutableRawPointer) throws -> Int {
        guard scale < powers.count else { throw corrupt("decimal scale \(scale) is out of range") }
        let u = memory.assumingMemoryBound(to: UInt64.self)
        let used = try IntegerStream.decode(body, count: count, into: u)
        if scale == 0 {
            for i in 0..<count { u[i] = Double(Int64(bitPattern: u[i])).bitPattern }   // x / 1 == x
        } else {
            let p = powers[scale]
            for i in 0..<count { u[i] = (Double(Int64(bitPattern: u[i])) / p).bitPattern }
        }
        return used
    }
}
