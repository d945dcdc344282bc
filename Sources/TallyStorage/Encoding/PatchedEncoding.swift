/// Patched frame of reference / delta ("PFOR"): pack every value at a width that fits most of
/// them and store the few that do not as exceptions.
///
/// Plain bit-packing pays for the largest value in every row. Call data is skewed — queue
/// waits are mostly short, talk times log-normal, hold and revenue mostly zero, arrival gaps
/// exponential — so one long call or one big sale widens 65,536 rows. With exceptions, the
/// packed slot keeps the low `width` bits of every value and two nested streams hold, for
/// each exception, its row (increasing, so delta-coded to a few bits) and its remaining high
/// bits. Decode unpacks as usual and then adds the high bits back at those rows.
///
/// The stream header's exception count (offset 12) is non-zero exactly for patched streams;
/// the two nested streams follow the packed words and are never run-length or patched.
enum PatchedEncoding {
    /// Exceptions of a patched stream.
    struct Patch {
        let positions: [UInt64]
        let highs: [UInt64]
        let positionsPlan: IntegerStream.Plan
        let highsPlan: IntegerStream.Plan

        var size: Int { positionsPlan.size(count: positions.count) + highsPlan.size(count: highs.count) }

        func write(into w: inout ByteWriter) {
            IntegerStream.write(positionsPlan, positions, into: &w)
            IntegerStream.write(highsPlan, highs, into: &w)
        }
    }

    /// `plan` (an unpatched frame-of-reference or delta plan of `values`) with exceptions, if that is
    /// likely smaller; the caller compares exact sizes.
    ///
    /// Two frames are tried: the minimum (exceptions are the large values) and a low percentile,
    /// which also makes the rare small values exceptions. The second is what keeps "almost always
    /// +1" sequences — codes of mostly unique texts, timestamps with a few late arrivals — at
    /// width 0 instead of paying for the one jump backwards in every row. Values below the frame
    /// wrap around to huge numbers, so they always land among the exceptions.
    static func patched(_ plan: IntegerStream.Plan, _ values: UnsafeBufferPointer<UInt64>) -> IntegerStream.Plan? {
        let n = values.count
        switch plan {
        case .frameOfReference(let base, let factor, let width, nil):
            guard worthTrying(width, n) else { return nil }
            let reduced = FrameOfReferenceEncoding.reduce(values, base: base, factor: factor)
            var best = choose(reduced, width: width).map { IntegerStream.Plan.frameOfReference(base: base, factor: factor, width: $0.0, patch: $0.1) }
            if let q = lowPercentile(reduced), let (w, patch) = choose(reduced.map { $0 &- q }, width: 64) {
                best = smaller(best, .frameOfReference(base: base &+ q &* factor, factor: factor, width: w, patch: patch), n)
            }
            return best
        case .delta(let start, let step, let factor, let width, nil):
            guard worthTrying(width, n) else { return nil }
            let reduced = DeltaEncoding.reduce(values, start: start, step: step, factor: factor)
            var best = choose(reduced, width: width).map { IntegerStream.Plan.delta(start: start, step: step, factor: factor, width: $0.0, patch: $0.1) }
            if let q = lowPercentile(reduced) {
                // Moving the step by q·factor moves the start back by as much, so the first value stays 0.
                var shifted = reduced.map { $0 &- q }
                shifted[0] = 0
                if let (w, patch) = choose(shifted, width: 64) {
                    let moved = q &* factor
                    best = smaller(best, .delta(start: start &- moved, step: step &+ moved, factor: factor, width: w, patch: patch), n)
                }
            }
            return best
        default:
            return nil
        }
    }

    private static func smaller(_ a: IntegerStream.Plan?, _ b: IntegerStream.Plan, _ n: Int) -> IntegerStream.Plan {
        guard let a else { return b }
        return b.size(count: n) < a.size(count: n) ? b : a
    }

    /// About the 1st percentile of `reduced` (from a sample), or nil when that is the minimum (0).
    static func lowPercentile(_ reduced: [UInt64]) -> UInt64? {
        let stride = max(1, reduced.count / 2048)
        var sample: [UInt64] = []
        sample.reserveCapacity(reduced.count / stride + 1)
        var i = 0
        while i < reduced.count { sample.append(reduced[i]); i += stride }
        sample.sort()
        let q = sample[sample.count / 100]
        return q > 0 ? q : nil
    }

    /// Two extra stream headers cost 80 bytes: small or narrow streams cannot win that back.
    private static func worthTrying(_ width: Int, _ count: Int) -> Bool { width >= 2 && count >= 256 }

    /// The packed width minimising the estimated size, and the exceptions it leaves; nil when no
    /// narrower width is estimated to pay.
    static func choose(_ reduced: [UInt64], width full: Int) -> (Int, Patch)? {
        let n = reduced.count
        var histogram = [Int](repeating: 0, count: 65)
        for r in reduced { histogram[BitPacking.bitWidth(r)] += 1 }
        // Estimated bits: n·w packed, per exception its position gap (about log2(n / e) + 2 bits
        // after delta coding) and its high bits, plus the two nested stream headers.
        var bestWidth = full
        var bestBits = n * full
        var above = 0
        for w in stride(from: full - 1, through: 0, by: -1) {
            above += histogram[w + 1]          // values wider than w
            guard above * 2 <= n else { break }
            let gapBits = BitPacking.bitWidth(UInt64(n / above)) + 2
            let bits = n * w + above * (gapBits + full - w) + 2 * IntegerStream.headerSize * 8
            if bits < bestBits { bestBits = bits; bestWidth = w }
        }
        guard bestWidth < full else { return nil }
        var positions: [UInt64] = []
        var highs: [UInt64] = []
        let limit = BitPacking.mask(bestWidth)
        for (i, r) in reduced.enumerated() where r > limit {
            positions.append(UInt64(i))
            highs.append(r &>> UInt64(bestWidth))
        }
        let patch = Patch(positions: positions, highs: highs,
                          positionsPlan: IntegerStream.plan(positions, nested: true),
                          highsPlan: IntegerStream.plan(highs, nested: true))
        return (bestWidth, patch)
    }

    /// Decodes a patched frame-of-reference or delta stream; `exceptions` is exactly the bytes after the packed words.
    static func decode<T: FixedWidthInteger>(_ h: IntegerStream.Header, words: UnsafePointer<UInt64>,
                                             exceptions: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<T>) throws {
        let n = h.count, e = h.exceptions
        let positions = UnsafeMutablePointer<UInt64>.allocate(capacity: max(e, 1))
        defer { positions.deallocate() }
        let highs = UnsafeMutablePointer<UInt64>.allocate(capacity: max(e, 1))
        defer { highs.deallocate() }
        let used = try IntegerStream.decode(exceptions, count: e, into: positions, nested: true)
        let used2 = try IntegerStream.decode(UnsafeRawBufferPointer(rebasing: exceptions[used...]), count: e, into: highs, nested: true)
        guard used + used2 == exceptions.count else { throw corrupt("patched stream has \(exceptions.count - used - used2) stray bytes") }
        var maxPosition: UInt64 = 0
        for k in 0..<e { maxPosition = max(maxPosition, positions[k]) }
        guard maxPosition < UInt64(n) else { throw corrupt("exception at row \(maxPosition) of \(n)") }
        let shift = UInt64(h.width)
        if h.kind == .frameOfReference {
            FrameOfReferenceEncoding.decode(words, width: h.width, base: h.base, factor: h.factor, count: n, into: out)
            for k in 0..<e {
                let p = Int(truncatingIfNeeded: positions[k])
                out[p] = out[p] &+ T(truncatingIfNeeded: (highs[k] &<< shift) &* h.factor)
            }
        } else {
            let reduced = UnsafeMutablePointer<UInt64>.allocate(capacity: max(n, 1))
            defer { reduced.deallocate() }
            BitPacking.unpack(words, width: h.width, count: n, into: reduced)
            for k in 0..<e {
                let p = Int(truncatingIfNeeded: positions[k])
                reduced[p] = reduced[p] &+ (highs[k] &<< shift)
            }
            DeltaEncoding.accumulate(reduced, start: h.base, step: h.step, factor: h.factor, count: n, into: out)
        }
    }
}
