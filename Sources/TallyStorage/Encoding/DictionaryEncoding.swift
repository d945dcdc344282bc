/// Dictionary: a table of the chunk's distinct values followed by an integer stream of codes
/// into it; the chunk header's param holds the entry count.
///
/// Floats: the table is 8-byte bit patterns (so -0.0, NaN payloads and the like survive),
/// used when there are few distinct values. Strings: every string chunk is a dictionary chunk
/// (or constant), because ColumnData strings already are codes; the chunk keeps only the
/// entries its rows use, renumbered in order of first appearance. That makes the codes of a
/// column of unique texts 0, 1, 2, … — delta at width 0 — however the rows were shuffled by
/// sorting, and it keeps a chunk's dictionary independent of the rest of the segment.
///
/// String table section: u32 entry count, u32 byte count, (count + 1) u32 offsets, padding to
/// 8, the UTF-8 bytes, padding to 8. Offsets and bytes are read in place as a StringDictionary.
enum DictionaryEncoding {
    /// At most this many distinct doubles are tried; beyond it hashing costs more than it saves.
    static let maxDoubleEntries = 1 << 14

    // MARK: doubles

    /// Distinct bit patterns in order of first appearance and the code of each value; nil if too many.
    static func analyzeDoubles(_ bits: [UInt64]) -> (table: [UInt64], codes: [UInt64])? {
        var index: [UInt64: UInt32] = [:]
        var table: [UInt64] = []
        var codes = [UInt64]()
        codes.reserveCapacity(bits.count)
        let limit = min(maxDoubleEntries, bits.count / 2 + 1)
        for b in bits {
            if let c = index[b] {
                codes.append(UInt64(c))
            } else {
                guard table.count < limit else { return nil }
                index[b] = UInt32(table.count)
                codes.append(UInt64(table.count))
                table.append(b)
            }
        }
        return (table, codes)
    }

    /// Decodes a float dictionary body: the table, then codes looked up in place.
    static func decodeDoubles(_ body: UnsafeRawBufferPointer, entries: Int, count: Int, into memory: UnsafeMutableRawPointer) throws -> Int {
        guard entries >= 1, entries <= max(count, 1) else { throw corrupt("float dictionary of \(entries) entries for \(count) rows") }
        let table = try body.checkedSlice(0, entries * 8, "float dictionary")
        let t = table.baseAddress!.assumingMemoryBound(to: UInt64.self)
        let u = memory.assumingMemoryBound(to: UInt64.self)
        let used = try IntegerStream.decode(UnsafeRawBufferPointer(rebasing: body[(entries * 8)...]), count: count, into: u)
        try checkCodes(UnsafePointer(u), count: count, entries: entries)
        for i in 0..<count { u[i] = t[Int(truncatingIfNeeded: u[i])] }
        return entries * 8 + used
    }

    /// Throws unless every code is below `entries`.
    static func checkCodes<T: FixedWidthInteger & UnsignedInteger>(_ codes: UnsafePointer<T>, count: Int, entries: Int) throws {
        var maxCode: T = 0
        for i in 0..<count { maxCode = max(maxCode, codes[i]) }
        guard count == 0 || UInt64(maxCode) < UInt64(entries) else {
            throw corrupt("dictionary code \(maxCode) out of range for \(entries) entries")
        }
    }

    // MARK: strings

    /// The string column's codes renumbered by first appearance (NULL rows take the previous
    /// row's code), and the old codes of the entries used, in new-code order.
    static func compact(_ column: ColumnData) -> (codes: [UInt64], used: [UInt32]) {
        let n = column.count
        let dictCount = column.dictionary!.count
        let old = column.codes
        var codes = [UInt64](repeating: 0, count: n)
        var used: [UInt32] = []
        let bm = column.nullCount > 0 ? column.validity : nil
        var last: UInt64 = 0
        // A dense remap table when the dictionary is not much larger than the chunk, else hashing.
        if dictCount <= 4 * n + 1024 {
            var remap = [UInt32](repeating: .max, count: dictCount)
            for i in 0..<n {
                if let bm, !Validity.isValid(bm, i) { codes[i] = last; continue }
                let c = Int(old[i])
                precondition(c < dictCount, "string code \(c) outside its dictionary of \(dictCount)")
                if remap[c] == .max { remap[c] = UInt32(used.count); used.append(UInt32(c)) }
                last = UInt64(remap[c])
                codes[i] = last
            }
        } else {
            var remap: [UInt32: UInt32] = [:]
            for i in 0..<n {
                if let bm, !Validity.isValid(bm, i) { codes[i] = last; continue }
                let c = old[i]
                precondition(Int(c) < dictCount, "string code \(c) outside its dictionary of \(dictCount)")
                let new: UInt32
                if let r = remap[c] { new = r } else { new = UInt32(used.count); remap[c] = new; used.append(c) }
                last = UInt64(new)
                codes[i] = last
            }
        }
        return (codes, used)
    }

    /// Appends the string table section holding `used` entries of `dictionary`.
    static func writeStrings(_ dictionary: StringDictionary, used: [UInt32], into w: inout ByteWriter) {
        var total = 0
        for c in used { total += dictionary.utf8(Int(c)).count }
        precondition(total <= Int(UInt32.max), "a chunk's strings exceed 4 GiB; use smaller row groups")
        w.u32(UInt32(used.count))
        w.u32(UInt32(total))
        var off: UInt32 = 0
        w.u32(0)
        for c in used {
            off += UInt32(dictionary.utf8(Int(c)).count)
            w.u32(off)
        }
        w.padTo8()
        for c in used { w.append(dictionary.utf8(Int(c))) }
        w.padTo8()
    }

    /// Reads a string table section at the start of `body` as a dictionary view kept alive by `owner`.
    /// Returns the dictionary and the section's length.
    static func readStrings(_ body: UnsafeRawBufferPointer, expectedEntries: Int, owner: AnyObject?) throws -> (StringDictionary, Int) {
        guard body.count >= 8 else { throw corrupt("string dictionary header truncated") }
        let entries = Int(body.u32(0))
        let byteCount = Int(body.u32(4))
        guard entries == expectedEntries else { throw corrupt("string dictionary has \(entries) entries, header says \(expectedEntries)") }
        let offsetsRaw = try body.checkedSlice(8, (entries + 1) * 4, "string dictionary offsets")
        let bytesStart = roundUp8(8 + (entries + 1) * 4)
        let bytes = try body.checkedSlice(bytesStart, byteCount, "string dictionary bytes")
        let end = roundUp8(bytesStart + byteCount)
        guard end <= body.count else { throw corrupt("string dictionary padding runs past the body") }
        let offsets = UnsafeBufferPointer(start: offsetsRaw.baseAddress!.assumingMemoryBound(to: UInt32.self), count: entries + 1)
        guard offsets[0] == 0, Int(offsets[entries]) == byteCount else { throw corrupt("string dictionary offsets do not span its bytes") }
        var prev: UInt32 = 0
        var ordered = true
        for o in offsets {
            ordered = ordered && o >= prev
            prev = o
        }
        guard ordered else { throw corrupt("string dictionary offsets go backwards") }
        return (StringDictionary(offsets: offsets, bytes: bytes, owner: owner), end)
    }
}
