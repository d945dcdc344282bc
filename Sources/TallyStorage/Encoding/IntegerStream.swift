/// A self-describing, 8-byte-aligned stream of integers: the common back end of every
/// integral column, float dictionary codes, decimal-scaled doubles and string codes.
///
/// Stream header (40 bytes), then kind-specific data:
///
///     0  u8  kind (1 constant, 2 frame of reference, 3 delta, 4 run-length)
///     1  u8  bit width of the packed values (0…64)
///     2  u16 reserved (0)
///     4  u32 value count
///     8  u32 stream length in bytes, header included (a multiple of 8)
///     12 u32 exception count (patched frame of reference / delta; 0 otherwise)
///     16 u64 factor (the common divisor taken out; ≥ 1)
///     24 u64 base   (the constant; the minimum; for delta the value before the first)
///     32 u64 step   (delta: the smallest difference)
///
/// Frame of reference and delta may carry exceptions (see PatchedEncoding): two more streams
/// after the packed words. Streams nested inside another (run values and lengths, exception
/// positions and high bits) are never run-length or patched themselves, so decoding recurses
/// at most one level.
///
/// Values are 64-bit two's complement and all arithmetic wraps, so every Int64 sequence
/// round-trips, including ones whose differences overflow. Narrower types are sign- or
/// zero-extended on the way in and truncated on the way out.
enum IntegerStream {
    static let headerSize = 40

    enum Kind: UInt8 {
        case constant = 1
        case frameOfReference = 2
        case delta = 3
        case runLength = 4
    }

    /// How a stream will be written; chosen by `plan`.
    indirect enum Plan {
        case constant(UInt64)
        case frameOfReference(base: UInt64, factor: UInt64, width: Int, patch: PatchedEncoding.Patch?)
        case delta(start: UInt64, step: UInt64, factor: UInt64, width: Int, patch: PatchedEncoding.Patch?)
        case runLength(values: [UInt64], lengths: [UInt64], valuesPlan: Plan, lengthsPlan: Plan)

        /// Encoded bytes of this plan for `count` values.
        func size(count: Int) -> Int {
            switch self {
            case .constant: return IntegerStream.headerSize
            case .frameOfReference(_, _, let w, let patch), .delta(_, _, _, let w, let patch):
                return IntegerStream.headerSize + BitPacking.wordCount(count: count, width: w) * 8 + (patch?.size ?? 0)
            case .runLength(let values, _, let vp, let lp):
                return IntegerStream.headerSize + vp.size(count: values.count) + lp.size(count: values.count)
            }
        }
    }

    // MARK: choosing

    /// The smallest encoding of `values` (64-bit patterns; signed order for min/max).
    /// Ties go to the faster decoder: constant, frame of reference, delta, run-length, and
    /// unpatched before patched. `nested` streams may not be run-length or patched.
    static func plan(_ values: UnsafeBufferPointer<UInt64>, nested: Bool = false) -> Plan {
        let n = values.count
        guard n > 0 else { return .constant(0) }
        var best = FrameOfReferenceEncoding.plan(values)
        if case .constant = best { return best }
        var bestSize = best.size(count: n)
        func consider(_ p: Plan?) {
            guard let p else { return }
            let s = p.size(count: n)
            if s < bestSize { best = p; bestSize = s }
        }
        let forPlan = best
        let deltaPlan = DeltaEncoding.plan(values)
        consider(deltaPlan)
        guard !nested else { return best }
        consider(RunLengthEncoding.plan(values, sizeToBeat: bestSize))
        consider(PatchedEncoding.patched(forPlan, values))
        if let deltaPlan { consider(PatchedEncoding.patched(deltaPlan, values)) }
        return best
    }

    static func plan(_ values: [UInt64], nested: Bool = false) -> Plan {
        values.withUnsafeBufferPointer { plan($0, nested: nested) }
    }

    // MARK: writing

    /// Appends the stream for `values` as planned.
    static func write(_ plan: Plan, _ values: UnsafeBufferPointer<UInt64>, into w: inout ByteWriter) {
        let n = values.count
        let length = plan.size(count: n)
        switch plan {
        case .constant(let v):
            writeHeader(.constant, width: 0, count: n, length: length, exceptions: 0, factor: 1, base: v, step: 0, into: &w)
        case .frameOfReference(let base, let factor, let width, let patch):
            writeHeader(.frameOfReference, width: width, count: n, length: length, exceptions: patch?.positions.count ?? 0,
                        factor: factor, base: base, step: 0, into: &w)
            w.append(words: BitPacking.pack(FrameOfReferenceEncoding.reduce(values, base: base, factor: factor), width: width))
            patch?.write(into: &w)
        case .delta(let start, let step, let factor, let width, let patch):
            writeHeader(.delta, width: width, count: n, length: length, exceptions: patch?.positions.count ?? 0,
                        factor: factor, base: start, step: step, into: &w)
            w.append(words: BitPacking.pack(DeltaEncoding.reduce(values, start: start, step: step, factor: factor), width: width))
            patch?.write(into: &w)
        case .runLength(let runValues, let runLengths, let vp, let lp):
            writeHeader(.runLength, width: 0, count: n, length: length, exceptions: 0, factor: 1, base: 0, step: 0, into: &w)
            runValues.withUnsafeBufferPointer { write(vp, $0, into: &w) }
            runLengths.withUnsafeBufferPointer { write(lp, $0, into: &w) }
        }
    }

    static func write(_ plan: Plan, _ values: [UInt64], into w: inout ByteWriter) {
        values.withUnsafeBufferPointer { write(plan, $0, into: &w) }
    }

    private static func writeHeader(_ kind: Kind, width: Int, count: Int, length: Int, exceptions: Int, factor: UInt64,
                                    base: UInt64, step: UInt64, into w: inout ByteWriter) {
        w.u8(kind.rawValue)
        w.u8(UInt8(width))
        w.u8(0); w.u8(0)
        w.u32(UInt32(count))
        w.u32(UInt32(length))
        w.u32(UInt32(exceptions))
        w.u64(factor)
        w.u64(base)
        w.u64(step)
    }

    // MARK: reading

    struct Header {
        var kind: Kind
        var width: Int
        var count: Int
        var length: Int
        var exceptions: Int
        var factor: UInt64
        var base: UInt64
        var step: UInt64
    }

    /// Parses and validates the stream header at the start of `buf`; `length` is checked to lie inside `buf`.
    static func header(_ buf: UnsafeRawBufferPointer) throws -> Header {
        guard buf.count >= headerSize else { throw corrupt("integer stream header truncated (\(buf.count) bytes)") }
        guard buf.isAligned8 else { throw corrupt("integer stream is not 8-byte aligned") }
        guard let kind = Kind(rawValue: buf.u8(0)) else { throw corrupt("unknown integer stream kind \(buf.u8(0))") }
        let h = Header(kind: kind, width: Int(buf.u8(1)), count: Int(buf.u32(4)), length: Int(buf.u32(8)),
                       exceptions: Int(buf.u32(12)), factor: buf.u64(16), base: buf.u64(24), step: buf.u64(32))
        guard h.width <= 64 else { throw corrupt("bit width \(h.width) exceeds 64") }
        guard h.length <= buf.count else { throw corrupt("integer stream of \(h.length) bytes runs past its \(buf.count)-byte section") }
        switch kind {
        case .constant:
            guard h.length == headerSize, h.exceptions == 0 else { throw corrupt("constant stream has length \(h.length)") }
        case .frameOfReference, .delta:
            let packed = headerSize + BitPacking.wordCount(count: h.count, width: h.width) * 8
            if h.exceptions == 0 {
                guard h.length == packed else {
                    throw corrupt("bit-packed stream length \(h.length) does not fit \(h.count) values of \(h.width) bits")
                }
            } else {
                guard h.exceptions <= h.count, h.width < 64, h.length >= packed + 2 * headerSize else {
                    throw corrupt("patched stream with \(h.exceptions) exceptions, width \(h.width), length \(h.length)")
                }
            }
        case .runLength:
            guard h.length >= 3 * headerSize, h.length & 7 == 0, h.exceptions == 0 else {
                throw corrupt("run-length stream has length \(h.length)")
            }
        }
        return h
    }

    /// Decodes the stream at the start of `buf`, which must hold exactly `count` values, into `out`.
    /// Returns the stream's length in bytes.
    @discardableResult
    static func decode<T: FixedWidthInteger>(_ buf: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<T>,
                                             nested: Bool = false) throws -> Int {
        let h = try header(buf)
        guard h.count == count else { throw corrupt("integer stream holds \(h.count) values, expected \(count)") }
        switch h.kind {
        case .constant:
            ConstantEncoding.fill(out, count: count, value: h.base)
        case .frameOfReference, .delta:
            let words = (buf.baseAddress! + headerSize).assumingMemoryBound(to: UInt64.self)
            if h.exceptions > 0 {
                guard !nested else { throw corrupt("patched stream nested in another stream") }
                let packedEnd = headerSize + BitPacking.wordCount(count: count, width: h.width) * 8
                try PatchedEncoding.decode(h, words: words, exceptions: UnsafeRawBufferPointer(rebasing: buf[packedEnd..<h.length]),
                                           into: out)
            } else if h.kind == .frameOfReference {
                FrameOfReferenceEncoding.decode(words, width: h.width, base: h.base, factor: h.factor, count: count, into: out)
            } else {
                DeltaEncoding.decode(words, width: h.width, start: h.base, step: h.step, factor: h.factor, count: count, into: out)
            }
        case .runLength:
            guard !nested else { throw corrupt("run-length stream nested in a run-length stream") }
            try RunLengthEncoding.decode(UnsafeRawBufferPointer(rebasing: buf[0..<h.length]), count: count, into: out)
        }
        return h.length
    }

    /// A short description of the stream at the start of `buf`, e.g. "delta+bitpack(5)".
    static func describe(_ buf: UnsafeRawBufferPointer) -> String {
        guard let h = try? header(buf) else { return "invalid" }
        switch h.kind {
        case .constant: return "const"
        case .frameOfReference: return "for+bitpack(\(h.width))" + (h.exceptions > 0 ? "+patch(\(h.exceptions))" : "")
        case .delta: return "delta+bitpack(\(h.width))" + (h.exceptions > 0 ? "+patch(\(h.exceptions))" : "")
        case .runLength:
            let child = UnsafeRawBufferPointer(rebasing: buf[headerSize..<h.length])
            guard let v = try? header(child) else { return "rle(invalid)" }
            return "rle(\(v.count))"
        }
    }
}

/// Greatest common divisors and exact division, used to take a common factor out of integers.
enum CommonFactor {
    static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var a = a, b = b
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// Folds `x` into a running gcd `g` (0 means "no value yet"); cheap when x is already a multiple.
    @inline(__always) static func fold(_ g: UInt64, _ x: UInt64) -> UInt64 {
        if g == 0 { return x }
        if g == 1 || x % g == 0 { return g }
        return gcd(g, x)
    }
}

/// Divides by a fixed divisor that is known to divide every dividend exactly, with a shift and a
/// multiply by the modular inverse of the divisor's odd part (no hardware division).
struct ExactDivider {
    let shift: UInt64
    let inverse: UInt64

    init(_ d: UInt64) {
        precondition(d != 0)
        let tz = d.trailingZeroBitCount
        let odd = d >> UInt64(tz)
        var x = odd                                     // correct to 3 bits: odd·odd ≡ 1 (mod 8)
        for _ in 0..<5 { x = x &* (2 &- odd &* x) }     // Newton: 3, 6, 12, 24, 48, 96 bits
        shift = UInt64(tz)
        inverse = x
    }

    @inline(__always) func divide(_ x: UInt64) -> UInt64 { (x &>> shift) &* inverse }
}
