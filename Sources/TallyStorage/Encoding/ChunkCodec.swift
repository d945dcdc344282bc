// Chunk encoding: one column of one row group as a self-describing byte string.
//
// Layout (all integers little-endian; every section starts at a multiple of 8)
//
//     chunk    = header · stored payload · zero padding to a multiple of 8
//     header   = u8 kind · u8 flags (1 lz4, 2 validity) · u8 column type · u8 version (1)
//              · u32 rows · u32 NULLs · u32 payload length · u32 stored length · u32 param   (24 bytes)
//     payload  = body · [validity bitmap, last]        (stored LZ4-compressed when flag 1)
//     body by kind:
//       plain      values at native width (bool 1 byte, int32 4, int64/timestamp/double 8)
//       constant   the value's 8-byte pattern; strings: a string table of ≤ 1 entry
//       integer    one integer stream                               (bool, int32, int64, timestamp)
//       dictionary float: param × 8-byte patterns · codes stream;
//                  string: string table · codes stream              (param = entries)
//       decimal    stream of value × 10^param                      (float64, param ≤ 4)
//     string table = u32 entries · u32 bytes · (entries + 1) × u32 offsets · UTF-8 bytes
//     integer stream = 40-byte header (kind, bit width, count, length, exceptions, factor,
//              base, step) · bit-packed words · [exception rows stream · exception high bits stream]
//              kinds: constant, frame of reference, delta, run-length (values stream · lengths stream)
//
// Why it looks like this:
//
// - The segment writer places chunks at 8-aligned offsets of an mmap'ed file and the header is
//   24 bytes, so every section that starts at a multiple of 8 inside the payload is 8-aligned
//   in memory: plain values are read in place as typed buffers, string table offsets and bytes
//   become a StringDictionary view, and bit-packed words are loaded as aligned UInt64. A chunk
//   handed to decode at an unaligned address is copied first rather than trusted.
// - The header repeats the type and row count the segment footer already knows. Decode checks
//   them, which turns a chunk read through a wrong offset into an error instead of garbage.
// - Counts, offsets and lengths are u32: a chunk is one row group (≤ 65,536 rows), so only
//   strings could come near 4 GiB, and encode refuses that rather than wrapping.
// - The header's param carries what describe() needs without decoding (dictionary size,
//   decimal scale), and the stream headers carry kind and width, so EXPLAIN can name a chunk's
//   encoding ("delta+bitpack(3)", "dict(12):for+bitpack(4)+lz4") without decoding values.
// - Every integer — column values, dictionary codes, decimal-scaled doubles, run values and
//   lengths, exception rows — goes through one self-describing integer stream. Frame of
//   reference and delta divide out the values' (or differences') common factor, so whole-second
//   timestamps in microseconds and whole cents cost no bits for their zeros; delta frames the
//   differences by their minimum rather than zigzagging them, so evenly spaced ids and times
//   pack at width 0. Skewed data (short waits with rare long ones, mostly-zero revenue, +1 codes
//   with rare jumps back) is packed at the width most values need, and the rest are patched in
//   from two small nested streams. Nested streams are never run-length or patched themselves,
//   which bounds decoding to one level of recursion.
// - Bit-packing stores n values in ⌈n·w/64⌉ words with no padding; blocks of 64 values are
//   exactly w words, which lets one straight-line kernel per width unpack them.
// - Every string chunk is a dictionary (or constant) chunk holding only the entries its rows
//   use, renumbered by first appearance: chunks stay independent of each other, and a column
//   of unique texts gets codes 0, 1, 2, … that cost nothing.
// - NULL slots are encoded as the previous value, which keeps runs, ranges and differences
//   intact; decode writes 0 back into them. The bitmap is stored only when some but not all
//   rows are NULL (all-NULL is a constant chunk), and it comes last so a plain payload is laid
//   out exactly like ColumnData.allocate's memory: plain+LZ4 decompresses into the column itself.
// - LZ4 compresses the whole payload as a second stage when that saves at least 20 % of at
//   least 256 bytes. The payload length is kept so decode allocates once; a decompressed
//   payload has the same alignment guarantees as an uncompressed one.
// - The chooser computes each candidate's size from a few passes of statistics (min, max,
//   differences, common factors, runs, distinct values, bit-width histograms) and materialises
//   only the smallest, plus plain when LZ4 might beat it; ties go to the faster decoder
//   (constant, plain, frame of reference, delta, run-length, unpatched, uncompressed).
// - Decode validates every count, length, offset, width and code before it touches memory, so
//   a damaged chunk throws StorageError.corrupt instead of crashing or reading out of bounds.
//   Bytes that pass validation but were altered still decode to some values; the segment's
//   CRC is what catches those.

/// Encodes and decodes the chunks a segment stores: one column of one row group each.
public enum ChunkCodec {
    /// Encodes all rows of `column` into a self-describing chunk, choosing the smallest encoding.
    public static func encode(_ column: ColumnData) -> [UInt8] {
        let nulls = ValidityEncoding.nullCount(column)
        switch column.type {
        case .string: return encodeStrings(column, nulls: nulls)
        case .float64: return encodeDoubles(column, nulls: nulls)
        case .bool, .int32, .int64, .timestamp: return encodeIntegers(column, nulls: nulls)
        }
    }

    /// Decodes a chunk produced by `encode`. `chunk` starts at an 8-byte-aligned address and stays valid while `owner` lives.
    /// Plain (uncompressed) chunks are returned as zero-copy views into `chunk`.
    /// Malformed input throws `StorageError.corrupt`.
    public static func decode(_ chunk: UnsafeRawBufferPointer, type: DataType, count: Int, owner: AnyObject?) throws -> ColumnData {
        var chunk = chunk
        var owner = owner
        if !chunk.isAligned8 {
            let copy = ChunkMemory(copying: chunk)
            chunk = copy.buffer
            owner = copy
        }
        let h = try ChunkHeader.parse(chunk)
        guard h.type == type else { throw corrupt("chunk holds \(h.type) values, expected \(type)") }
        guard h.count == count else { throw corrupt("chunk holds \(h.count) rows, expected \(count)") }
        let stored = UnsafeRawBufferPointer(rebasing: chunk[ChunkHeader.size..<(ChunkHeader.size + h.storedLength)])
        guard h.isCompressed else { return try decodePayload(stored, h, owner: owner) }
        if h.kind == .plain { return try decodePlainLZ4(stored, h) }
        let memory = ChunkMemory(byteCount: h.payloadLength)
        try LZ4Encoding.decompress(stored, into: memory.base, length: h.payloadLength)
        return try decodePayload(memory.buffer, h, owner: memory)
    }

    /// A short name of the chunk's encoding for EXPLAIN/diagnostics, e.g. "delta+bitpack(5)",
    /// "dict(12):for+bitpack(4)+lz4", "decimal(2):for+bitpack(14)", "plain"; "invalid" if malformed.
    public static func describe(_ chunk: UnsafeRawBufferPointer) -> String {
        let copy: ChunkMemory? = chunk.isAligned8 ? nil : ChunkMemory(copying: chunk)
        return withExtendedLifetime(copy) {
            let chunk = copy?.buffer ?? chunk
            guard let h = try? ChunkHeader.parse(chunk) else { return "invalid" }
            let stored = UnsafeRawBufferPointer(rebasing: chunk[ChunkHeader.size..<(ChunkHeader.size + h.storedLength)])
            var memory: ChunkMemory? = nil
            if h.isCompressed {
                let m = ChunkMemory(byteCount: h.payloadLength)
                guard (try? LZ4Encoding.decompress(stored, into: m.base, length: h.payloadLength)) != nil else { return "invalid" }
                memory = m
            }
            return withExtendedLifetime(memory) {
                let payload = memory?.buffer ?? stored
                let suffix = h.isCompressed ? "+lz4" : ""
                guard let (bodyEnd, _) = try? ValidityEncoding.locate(payload, h) else { return "invalid" }
                let body = UnsafeRawBufferPointer(rebasing: payload[0..<bodyEnd])
                switch h.kind {
                case .plain: return "plain" + suffix
                case .constant: return "const" + suffix
                case .integer: return IntegerStream.describe(body) + suffix
                case .decimal: return "decimal(\(h.param)):" + IntegerStream.describe(body) + suffix
                case .dictionary:
                    var codesAt = 0
                    if h.type == .string {
                        guard let (_, end) = try? DictionaryEncoding.readStrings(body, expectedEntries: Int(h.param), owner: nil) else {
                            return "invalid"
                        }
                        codesAt = end
                    } else {
                        codesAt = Int(h.param) * 8
                    }
                    guard codesAt <= body.count else { return "invalid" }
                    return "dict(\(h.param)):" + IntegerStream.describe(UnsafeRawBufferPointer(rebasing: body[codesAt...])) + suffix
                }
            }
        }
    }

    /// True when decode returns a zero-copy view (then callers need not cache the decoded result).
    public static func isInPlace(_ chunk: UnsafeRawBufferPointer) -> Bool {
        guard chunk.isAligned8, let h = try? ChunkHeader.parse(chunk) else { return false }
        return h.kind == .plain && !h.isCompressed && h.type != .string
    }

    // MARK: - encoding

    /// One way to encode the body, with its size computed before materialising it.
    private struct Candidate {
        var kind: ChunkKind
        var param: UInt32 = 0
        var size: Int
        var build: () -> [UInt8]
    }

    private static func encodeIntegers(_ column: ColumnData, nulls: Int) -> [UInt8] {
        let n = column.count
        if n == 0 { return assemble(column, nulls: 0, [Candidate(kind: .plain, size: 0, build: { [] })]) }
        if nulls == n { return allNull(column) }
        var values: [UInt64]
        switch column.type {
        case .bool: values = column.bools.map { UInt64($0) }
        case .int32: values = column.int32s.map { UInt64(bitPattern: Int64($0)) }
        default: values = column.int64s.map { UInt64(bitPattern: $0) }
        }
        ValidityEncoding.fillNulls(&values, validity: nulls > 0 ? column.validity : nil)
        let plan = IntegerStream.plan(values)
        if case .constant(let v) = plan {
            return assemble(column, nulls: nulls, [Candidate(kind: .constant, size: 8, build: { ConstantEncoding.body(v) })])
        }
        return assemble(column, nulls: nulls, [
            Candidate(kind: .plain, size: PlainEncoding.valueBytes(column.type, count: n), build: { PlainEncoding.body(column) }),
            Candidate(kind: .integer, size: plan.size(count: n), build: { [values] in
                var w = ByteWriter(capacity: plan.size(count: n))
                IntegerStream.write(plan, values, into: &w)
                return w.bytes
            }),
        ])
    }

    private static func encodeDoubles(_ column: ColumnData, nulls: Int) -> [UInt8] {
        let n = column.count
        if n == 0 { return assemble(column, nulls: 0, [Candidate(kind: .plain, size: 0, build: { [] })]) }
        if nulls == n { return allNull(column) }
        var bits = column.float64s.map { $0.bitPattern }
        ValidityEncoding.fillNulls(&bits, validity: nulls > 0 ? column.validity : nil)
        if bits.withUnsafeBufferPointer({ ConstantEncoding.isConstant($0) }) {
            let v = bits[0]
            return assemble(column, nulls: nulls, [Candidate(kind: .constant, size: 8, build: { ConstantEncoding.body(v) })])
        }
        var candidates = [Candidate(kind: .plain, size: n * 8, build: { PlainEncoding.body(column) })]
        if let (table, codes) = DictionaryEncoding.analyzeDoubles(bits) {
            let plan = IntegerStream.plan(codes)
            candidates.append(Candidate(kind: .dictionary, param: UInt32(table.count), size: table.count * 8 + plan.size(count: n), build: {
                var w = ByteWriter(capacity: table.count * 8 + plan.size(count: n))
                w.append(words: table)
                IntegerStream.write(plan, codes, into: &w)
                return w.bytes
            }))
        }
        if let (scale, scaled) = DecimalEncoding.analyze(bits) {
            let plan = IntegerStream.plan(scaled)
            candidates.append(Candidate(kind: .decimal, param: UInt32(scale), size: plan.size(count: n), build: {
                var w = ByteWriter(capacity: plan.size(count: n))
                IntegerStream.write(plan, scaled, into: &w)
                return w.bytes
            }))
        }
        return assemble(column, nulls: nulls, candidates)
    }

    private static func encodeStrings(_ column: ColumnData, nulls: Int) -> [UInt8] {
        let n = column.count
        let dictionary = column.dictionary!
        if n == 0 || nulls == n { return allNull(column) }
        let (codes, used) = DictionaryEncoding.compact(column)
        if used.count == 1 {
            return assemble(column, nulls: nulls, [Candidate(kind: .constant, param: 1, size: 0, build: {
                var w = ByteWriter()
                DictionaryEncoding.writeStrings(dictionary, used: used, into: &w)
                return w.bytes
            })])
        }
        let plan = IntegerStream.plan(codes)
        return assemble(column, nulls: nulls, [Candidate(kind: .dictionary, param: UInt32(used.count), size: 0, build: {
            var w = ByteWriter()
            DictionaryEncoding.writeStrings(dictionary, used: used, into: &w)
            IntegerStream.write(plan, codes, into: &w)
            return w.bytes
        })])
    }

    /// A constant chunk with no bitmap for a column whose rows are all NULL (or that has no rows).
    private static func allNull(_ column: ColumnData) -> [UInt8] {
        if column.type == .string {
            return assemble(column, nulls: column.count, [Candidate(kind: .constant, param: 0, size: 0, build: {
                var w = ByteWriter()
                DictionaryEncoding.writeStrings(column.dictionary!, used: [], into: &w)
                return w.bytes
            })])
        }
        return assemble(column, nulls: column.count, [Candidate(kind: .constant, size: 8, build: { ConstantEncoding.body(0) })])
    }

    /// Picks the smallest candidate (first on ties), tries LZ4 on it and on plain, and writes the chunk.
    private static func assemble(_ column: ColumnData, nulls: Int, _ candidates: [Candidate]) -> [UInt8] {
        let n = column.count
        let bitmap = nulls > 0 && nulls < n ? ValidityEncoding.bitmap(column) : nil
        func payload(_ body: [UInt8]) -> [UInt8] {
            guard let bitmap else { return body }
            var w = ByteWriter(capacity: roundUp8(body.count) + bitmap.count)
            w.append(body)
            w.padTo8()
            w.append(bitmap)
            return w.bytes
        }
        var best = candidates[0]
        for c in candidates.dropFirst() where roundUp8(c.size) < roundUp8(best.size) { best = c }
        let raw = payload(best.build())

        typealias Option = (kind: ChunkKind, param: UInt32, stored: [UInt8], payloadLength: Int, lz4: Bool)
        var options: [Option] = [(best.kind, best.param, raw, raw.count, false)]
        if best.kind != .plain, let plain = candidates.first(where: { $0.kind == .plain }),
           roundUp8(plain.size) / 5 < roundUp8(best.size) {   // LZ4 rarely gets plain below 20 %
            let p = payload(plain.build())
            if let c = LZ4Encoding.compress(p) { options.append((.plain, 0, c, p.count, true)) }
        }
        if let c = LZ4Encoding.compress(raw) { options.append((best.kind, best.param, c, raw.count, true)) }
        var chosen = options[0]
        for o in options.dropFirst() where roundUp8(o.stored.count) < roundUp8(chosen.stored.count) { chosen = o }

        let payloadLength = chosen.payloadLength
        precondition(payloadLength <= Int(UInt32.max), "chunk payload of \(payloadLength) bytes exceeds 4 GiB; use smaller row groups")
        var flags: UInt8 = chosen.lz4 ? ChunkHeader.flagLZ4 : 0
        if bitmap != nil { flags |= ChunkHeader.flagValidity }
        let header = ChunkHeader(kind: chosen.kind, flags: flags, type: column.type, count: n, nullCount: nulls,
                                 payloadLength: payloadLength, storedLength: chosen.stored.count, param: chosen.param)
        var w = ByteWriter(capacity: ChunkHeader.size + roundUp8(chosen.stored.count))
        header.write(into: &w)
        w.append(chosen.stored)
        w.padTo8()
        return w.bytes
    }

    // MARK: - decoding

    /// Decodes a payload (in the chunk, or decompressed into memory kept alive by `owner`).
    private static func decodePayload(_ payload: UnsafeRawBufferPointer, _ h: ChunkHeader, owner: AnyObject?) throws -> ColumnData {
        let (bodyEnd, bitmap) = try ValidityEncoding.locate(payload, h)
        let body = UnsafeRawBufferPointer(rebasing: payload[0..<bodyEnd])
        let n = h.count
        func expectEnd(_ used: Int) throws {
            guard used == bodyEnd else { throw corrupt("chunk body has \(bodyEnd - used) bytes after its \(h.kind) data") }
        }
        switch (h.kind, h.type) {
        case (.plain, _):
            try PlainEncoding.check(h, bodyEnd: bodyEnd)
            let values = UnsafeRawBufferPointer(rebasing: payload[0..<PlainEncoding.valueBytes(h.type, count: n)])
            return ColumnData(type: h.type, count: n, values: values, validity: bitmap, nullCount: h.nullCount,
                              dictionary: nil, owner: owner)

        case (.constant, .string):
            guard h.param <= 1, h.param == 1 || h.nullCount == n else { throw corrupt("string constant with \(h.param) entries") }
            let (dictionary, used) = try DictionaryEncoding.readStrings(body, expectedEntries: Int(h.param), owner: owner)
            try expectEnd(used)
            return try owned(h, bitmap, dictionary) { memory in
                memory.initializeMemory(as: UInt32.self, repeating: 0, count: n)   // every code is 0
            }

        case (.constant, _):
            guard h.param == 0 else { throw corrupt("constant chunk with param \(h.param)") }
            return try owned(h, bitmap, nil) { memory in
                try ConstantEncoding.decode(body, type: h.type, count: n, allNull: h.nullCount == n, into: memory)
            }

        case (.integer, .bool), (.integer, .int32), (.integer, .int64), (.integer, .timestamp):
            guard h.param == 0 else { throw corrupt("integer chunk with param \(h.param)") }
            return try owned(h, bitmap, nil) { memory in
                let used: Int
                switch h.type.width {
                case 1: used = try IntegerStream.decode(body, count: n, into: memory.assumingMemoryBound(to: UInt8.self))
                case 4: used = try IntegerStream.decode(body, count: n, into: memory.assumingMemoryBound(to: UInt32.self))
                default: used = try IntegerStream.decode(body, count: n, into: memory.assumingMemoryBound(to: UInt64.self))
                }
                try expectEnd(used)
            }

        case (.decimal, .float64):
            return try owned(h, bitmap, nil) { memory in
                try expectEnd(try DecimalEncoding.decode(body, scale: Int(h.param), count: n, into: memory))
            }

        case (.dictionary, .float64):
            return try owned(h, bitmap, nil) { memory in
                try expectEnd(try DictionaryEncoding.decodeDoubles(body, entries: Int(h.param), count: n, into: memory))
            }

        case (.dictionary, .string):
            let entries = Int(h.param)
            guard entries >= 1 else { throw corrupt("string dictionary chunk without entries") }
            let (dictionary, used) = try DictionaryEncoding.readStrings(body, expectedEntries: entries, owner: owner)
            return try owned(h, bitmap, dictionary) { memory in
                let codes = memory.assumingMemoryBound(to: UInt32.self)
                let used2 = try IntegerStream.decode(UnsafeRawBufferPointer(rebasing: body[used...]), count: n, into: codes)
                try DictionaryEncoding.checkCodes(UnsafePointer(codes), count: n, entries: entries)
                try expectEnd(used + used2)
            }

        default:
            throw corrupt("\(h.kind) encoding is not valid for \(h.type) columns")
        }
    }

    /// Decodes into fresh column memory: `fill` writes the values, then the bitmap is copied and NULL slots zeroed.
    private static func owned(_ h: ChunkHeader, _ bitmap: UnsafeRawBufferPointer?, _ dictionary: StringDictionary?,
                              _ fill: (UnsafeMutableRawPointer) throws -> Void) throws -> ColumnData {
        // The bitmap area is copied over when there is one; all-NULL columns need it zeroed.
        let pending = PendingColumn(type: h.type, count: h.count, zeroBitmap: bitmap == nil)
        try pending.fill { memory in
            try fill(memory)
            if let bitmap {
                ValidityEncoding.copy(bitmap, count: h.count, to: memory + pending.validityOffset)
                zeroNulls(memory, h.type, h.count, UnsafeRawBufferPointer(start: memory + pending.validityOffset,
                                                                         count: Validity.byteCount(h.count)))
            }
        }
        return ColumnData(type: h.type, count: h.count, adopting: pending.memory, validityOffset: pending.validityOffset,
                          nullCount: h.nullCount, dictionary: dictionary)
    }

    private static func zeroNulls(_ memory: UnsafeMutableRawPointer, _ type: DataType, _ count: Int, _ bitmap: UnsafeRawBufferPointer) {
        switch type.width {
        case 1: ValidityEncoding.zeroNulls(memory.assumingMemoryBound(to: UInt8.self), count: count, bitmap: bitmap)
        case 4: ValidityEncoding.zeroNulls(memory.assumingMemoryBound(to: UInt32.self), count: count, bitmap: bitmap)
        default: ValidityEncoding.zeroNulls(memory.assumingMemoryBound(to: UInt64.self), count: count, bitmap: bitmap)
        }
    }

    /// Plain + LZ4: the payload has ColumnData.allocate's layout, so it decompresses into the column itself.
    private static func decodePlainLZ4(_ stored: UnsafeRawBufferPointer, _ h: ChunkHeader) throws -> ColumnData {
        guard h.type != .string else { throw corrupt("plain chunk for a string column") }
        let valueBytes = PlainEncoding.valueBytes(h.type, count: h.count)
        let expected = h.hasValidity ? roundUp8(valueBytes) + Validity.byteCount(h.count) : valueBytes
        guard h.payloadLength == expected else { throw corrupt("plain payload of \(h.payloadLength) bytes, expected \(expected)") }
        let pending = PendingColumn(type: h.type, count: h.count, zeroBitmap: true)
        try pending.fill { memory in
            try LZ4Encoding.decompress(stored, into: memory, length: h.payloadLength)
            let (_, bitmap) = try ValidityEncoding.locate(UnsafeRawBufferPointer(start: memory, count: h.payloadLength), h)
            if bitmap != nil {
                let bm = memory + pending.validityOffset
                let bytes = Validity.byteCount(h.count)
                if h.count & 7 != 0 {
                    bm.advanced(by: bytes - 1).assumingMemoryBound(to: UInt8.self).pointee &= UInt8((1 << (h.count & 7)) - 1)
                }
                zeroNulls(memory, h.type, h.count, UnsafeRawBufferPointer(start: bm, count: bytes))
            }
        }
        return ColumnData(type: h.type, count: h.count, adopting: pending.memory, validityOffset: pending.validityOffset,
                          nullCount: h.nullCount, dictionary: nil)
    }
}
