/// Frame of reference: value = base + packed · factor, with base the minimum, factor the greatest
/// common divisor of the differences from it, and packed bit-packed at the width of the
/// largest (max − min) / factor. Whole-second timestamps in microseconds, prices in whole
/// cents or scores in steps of 5 lose their common factor instead of paying for it in bits.
enum FrameOfReferenceEncoding {
    /// The frame-of-reference plan, or `.constant` when all values are equal.
    static func plan(_ v: UnsafeBufferPointer<UInt64>) -> IntegerStream.Plan {
        var lo = Int64(bitPattern: v[0]), hi = lo
        for x in v {
            let s = Int64(bitPattern: x)
            lo = min(lo, s)
            hi = max(hi, s)
        }
        if lo == hi { return .constant(v[0]) }
        let base = UInt64(bitPattern: lo)
        var g: UInt64 = 0
        for x in v {
            g = CommonFactor.fold(g, x &- base)
            if g == 1 { break }
        }
        let range = (UInt64(bitPattern: hi) &- base) / g
        return .frameOfReference(base: base, factor: g, width: BitPacking.bitWidth(range), patch: nil)
    }

    /// The values to pack: (value − base) / factor.
    static func reduce(_ values: UnsafeBufferPointer<UInt64>, base: UInt64, factor: UInt64) -> [UInt64] {
        let div = ExactDivider(factor)
        return values.map { div.divide($0 &- base) }
    }

    /// Decodes `count` values; `words` holds `BitPacking.wordCount(count:width:)` words.
    static func decode<T: FixedWidthInteger>(_ words: UnsafePointer<UInt64>, width: Int, base: UInt64, factor: UInt64,
                                             count: Int, into out: UnsafeMutablePointer<T>) {
        if factor == 1 {
            BitPacking.forEachBlock(words, width: width, count: count) { s, start, n in
                let o = out + start
                for j in 0..<n { o[j] = T(truncatingIfNeeded: base &+ s[j]) }
            }
        } else {
            BitPacking.forEachBlock(words, width: width, count: count) { s, start, n in
                let o = out + start
                for j in 0..<n { o[j] = T(truncatingIfNeeded: base &+ s[j] &* factor) }
            }
        }
    }
}
