/// Raw (unencoded) binary form of a RowBatch for WAL records: fast to write, validated on read.
///
/// Layout: u32 columns, u32 rows, then per column: u8 type, u32 nullCount, values (rows × width),
/// bitmap if nullCount > 0, and for strings u32 entries, offsets ((entries+1) × u32), u32 byte count, bytes.
public enum BatchSerializer {
    /// Serialises a batch.
    public static func serialize(_ batch: RowBatch, into w: inout ByteWriter) {
        w.u32(UInt32(batch.columns.count))
        w.u32(UInt32(batch.count))
        for c in batch.columns {
            w.u8(c.type.rawValue)
            w.u32(UInt32(c.nullCount))
            w.raw(UnsafeRawBufferPointer(rebasing: c.values[0..<(c.count * c.type.width)]))
            if let v = c.validity { w.raw(UnsafeRawBufferPointer(rebasing: v[0..<Validity.byteCount(c.count)])) }
            if let d = c.dictionary {
                w.u32(UInt32(d.count))
                w.raw(UnsafeRawBufferPointer(d.offsets))
                w.u32(UInt32(d.bytes.count))
                w.raw(d.bytes)
            }
        }
    }

    /// Reads a batch back, checking every length and code; `path` names the file in errors.
    public static func deserialize(_ r: inout ByteReader, path: String) throws -> RowBatch {
        let ncols = Int(try r.u32())
        let nrows = Int(try r.u32())
        guard ncols <= 4096, nrows <= 1 << 28 else { throw StorageError.corrupt(path: path, detail: "implausible batch shape \(ncols)×\(nrows)") }
        var cols: [ColumnData] = []
        for _ in 0..<ncols {
            guard let type = DataType(rawValue: try r.u8()) else { throw StorageError.corrupt(path: path, detail: "unknown column type") }
            let nulls = Int(try r.u32())
            guard nulls <= nrows else { throw StorageError.corrupt(path: path, detail: "null count exceeds rows") }
            let (mem, vOff) = ColumnData.allocate(type: type, count: nrows)
            do {
                let vals = try r.bytes(nrows * type.width)
                if nrows > 0 { mem.copyMemory(from: vals.baseAddress!, byteCount: vals.count) }
                if nulls > 0 {
                    let bm = try r.bytes(Validity.byteCount(nrows))
                    (mem + vOff).copyMemory(from: bm.baseAddress!, byteCount: bm.count)
                    guard Validity.nullCount(UnsafeRawBufferPointer(start: mem + vOff, count: bm.count), count: nrows) == nulls else {
                        throw StorageError.corrupt(path: path, detail: "validity bitmap disagrees with null count")
                    }
                }
                var dict: StringDictionary? = nil
                if type == .string {
                    let entries = Int(try r.u32())
                    guard entries < 1 << 28 else { throw StorageError.corrupt(path: path, detail: "implausible dictionary size") }
                    let offs = try r.bytes((entries + 1) * 4)
                    let nbytes = Int(try r.u32())
                    let data = try r.bytes(nbytes)
                    var offsets = [UInt32](repeating: 0, count: entries + 1)
                    offsets.withUnsafeMutableBytes { $0.copyMemory(from: offs) }
                    var prev: UInt32 = 0
                    for o in offsets {
                        guard o >= prev, Int(o) <= nbytes else { throw StorageError.corrupt(path: path, detail: "bad dictionary offsets") }
                        prev = o
                    }
                    guard offsets.first == 0 else { throw StorageError.corrupt(path: path, detail: "bad dictionary offsets") }
                    let codes = UnsafeRawBufferPointer(start: mem, count: nrows * 4)
                    let bitmap = nulls > 0 ? UnsafeRawBufferPointer(start: mem + vOff, count: Validity.byteCount(nrows)) : nil
                    for i in 0..<nrows where bitmap.map({ Validity.isValid($0, i) }) ?? true {
                        guard Int(codes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)) < entries else {
                            throw StorageError.corrupt(path: path, detail: "string code out of range")
                        }
                    }
                    let strings = (0..<entries).map { k in
                        String(decoding: UnsafeRawBufferPointer(rebasing: data[Int(offsets[k])..<Int(offsets[k + 1])]), as: UTF8.self)
                    }
                    dict = StringDictionary(strings)
                }
                cols.append(ColumnData(type: type, count: nrows, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: dict))
            } catch {
                mem.deallocate()
                throw error
            }
        }
        return RowBatch(columns: cols)
    }
}
