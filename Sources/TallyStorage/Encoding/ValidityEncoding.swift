/// The validity bitmap section and the handling of NULL slots.
///
/// A chunk carries the bitmap (ColumnData's own format, LSB first, `Validity.byteCount(count)`
/// bytes) only when it has NULLs and not every row is NULL. It is the last section of the
/// payload, so its offset follows from the payload length; keeping it last also makes a plain
/// payload byte-identical to `ColumnData.allocate`'s layout (values, padding, bitmap), which
/// lets plain+LZ4 decompress straight into the decoded column.
///
/// NULL slots are encoded as the previous valid value (the first valid value before any):
/// that never widens a frame of reference, extends runs instead of breaking them, and adds
/// only zero differences to a delta stream. Decoding writes 0 back into them, as ColumnData
/// requires. Plain chunks keep the zeros, since they are read in place.
enum ValidityEncoding {
    /// NULL rows of `column`, counted from its bitmap.
    static func nullCount(_ column: ColumnData) -> Int {
        guard let v = column.validity, column.nullCount > 0 else { return 0 }
        return Validity.nullCount(v, count: column.count)
    }

    /// The bitmap bytes of `column`, with the bits past the last row cleared.
    static func bitmap(_ column: ColumnData) -> [UInt8] {
        let n = Validity.byteCount(column.count)
        var out = [UInt8](column.validity!.prefix(n))
        if column.count & 7 != 0 { out[n - 1] &= UInt8((1 << (column.count & 7)) - 1) }
        return out
    }

    /// Replaces NULL slots with the previous valid value (leading NULLs with the first valid one).
    static func fillNulls(_ values: inout [UInt64], validity: UnsafeRawBufferPointer?) {
        guard let bm = validity else { return }
        let n = values.count
        guard let first = (0..<n).first(where: { Validity.isValid(bm, $0) }) else { return }
        var last = values[first]
        for i in 0..<n {
            if Validity.isValid(bm, i) { last = values[i] } else { values[i] = last }
        }
    }

    /// Writes 0 to the NULL slots of `out`.
    static func zeroNulls<T: FixedWidthInteger>(_ out: UnsafeMutablePointer<T>, count: Int, bitmap: UnsafeRawBufferPointer) {
        let bm = bitmap.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let full = count &>> 3
        for b in 0..<full {
            let m = bm[b]
            if m == 0xFF { continue }
            let o = out + (b &<< 3)
            // A fixed 8-step loop the compiler unrolls; masking by the bit avoids a branch per row.
            for j in 0..<8 { o[j] &= T(truncatingIfNeeded: 0 &- Int((m &>> UInt8(j)) & 1)) }
        }
        let rest = count & 7
        if rest > 0 {
            let m = bm[full]
            let o = out + (full &<< 3)
            for j in 0..<rest { o[j] &= T(truncatingIfNeeded: 0 &- Int((m &>> UInt8(j)) & 1)) }
        }
    }

    /// Where the body ends and the bitmap (if any) lies in `payload`, after checking the null count.
    static func locate(_ payload: UnsafeRawBufferPointer, _ h: ChunkHeader) throws -> (bodyEnd: Int, bitmap: UnsafeRawBufferPointer?) {
        guard h.hasValidity else {
            guard h.nullCount == 0 || (h.nullCount == h.count && h.kind == .constant) else {
                throw corrupt("\(h.nullCount) NULLs but no validity bitmap")
            }
            return (payload.count, nil)
        }
        guard h.nullCount > 0 else { throw corrupt("validity bitmap present but no NULLs") }
        let vb = Validity.byteCount(h.count)
        guard vb <= payload.count else { throw corrupt("validity bitmap of \(vb) bytes does not fit the payload") }
        let off = payload.count - vb
        guard off & 7 == 0 else { throw corrupt("validity bitmap at unaligned offset \(off)") }
        let bm = UnsafeRawBufferPointer(rebasing: payload[off...])
        let nulls = Validity.nullCount(bm, count: h.count)
        guard nulls == h.nullCount else { throw corrupt("validity bitmap has \(nulls) NULLs, header says \(h.nullCount)") }
        return (off, bm)
    }

    /// Copies `bitmap` into a decoded column's bitmap area, clearing bits past the last row.
    static func copy(_ bitmap: UnsafeRawBufferPointer, count: Int, to dst: UnsafeMutableRawPointer) {
        let n = Validity.byteCount(count)
        dst.copyMemory(from: bitmap.baseAddress!, byteCount: n)
        if count & 7 != 0 {
            let last = dst.advanced(by: n - 1).assumingMemoryBound(to: UInt8.self)
            last.pointee &= UInt8((1 << (count & 7)) - 1)
        }
    }
}
