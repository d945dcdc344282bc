/// Delta: value[i] = value[i−1] + step + packed[i] · factor, starting from `start` (the value
/// before the first, chosen so the first packed value is 0).
///
/// Differences are framed by their minimum (`step`) rather than zigzag-encoded: for sorted
/// data that is never wider than zigzag, and an evenly spaced sequence (ids counting by one,
/// timestamps at a fixed interval) packs at width 0, costing nothing per row. Near-sorted
/// data with a few negative differences still works, only wider. Like frame of reference,
/// the differences' common factor is divided out.
enum DeltaEncoding {
    /// The delta plan, or nil for fewer than two values.
    static func plan(_ v: UnsafeBufferPointer<UInt64>) -> IntegerStream.Plan? {
        let n = v.count
        guard n >= 2 else { return nil }
        var lo = Int64.max, hi = Int64.min
        var prev = v[0]
        for i in 1..<n {
            let d = Int64(bitPattern: v[i] &- prev)
            lo = min(lo, d)
            hi = max(hi, d)
            prev = v[i]
        }
        let step = UInt64(bitPattern: lo)
        var g: UInt64 = 0
        prev = v[0]
        for i in 1..<n {
            g = CommonFactor.fold(g, (v[i] &- prev) &- step)
            if g == 1 { break }
            prev = v[i]
        }
        if g == 0 { g = 1 }
        let range = (UInt64(bitPattern: hi) &- step) / g
        return .delta(start: v[0] &- step, step: step, factor: g, width: BitPacking.bitWidth(range), patch: nil)
    }

    /// The values to pack: (difference − step) / factor, the first difference taken from `start`.
    static func reduce(_ values: UnsafeBufferPointer<UInt64>, start: UInt64, step: UInt64, factor: UInt64) -> [UInt64] {
        let div = ExactDivider(factor)
        var prev = start
        return values.map { v -> UInt64 in
            let r = div.divide((v &- prev) &- step)
            prev = v
            return r
        }
    }

    /// The prefix sums of already unpacked values (patched streams unpack, patch, then sum).
    static func accumulate<T: FixedWidthInteger>(_ reduced: UnsafePointer<UInt64>, start: UInt64, step: UInt64, factor: UInt64,
                                                 count: Int, into out: UnsafeMutablePointer<T>) {
        var prev = start
        for i in 0..<count {
            prev = prev &+ step &+ reduced[i] &* factor
            out[i] = T(truncatingIfNeeded: prev)
        }
    }

    /// Decodes `count` values; `words` holds `BitPacking.wordCount(count:width:)` words.
    static func decode<T: FixedWidthInteger>(_ words: UnsafePointer<UInt64>, width: Int, start: UInt64, step: UInt64,
                                             factor: UInt64, count: Int, into out: UnsafeMutablePointer<T>) {
        var prev = start
        if width == 0 {
            for i in 0..<count {
                prev = prev &+ step
                out[i] = T(truncatingIfNeeded: prev)
            }
        } else if factor == 1 {
            BitPacking.forEachBlock(words, width: width, count: count) { s, begin, n in
                let o = out + begin
                var p = prev
                for j in 0..<n {
                    p = p &+ step &+ s[j]
                    o[j] = T(truncatingIfNeeded: p)
                }
                prev = p
            }
        } else {
            BitPacking.forEachBlock(words, width: width, count: count) { s, begin, n in
                let o = out + begin
                var p = prev
                for j in 0..<n {
                    p = p &+ step &+ s[j] &* factor
                    o[j] = T(truncatingIfNeeded: p)
                }
                prev = p
            }
        }
    }
}
