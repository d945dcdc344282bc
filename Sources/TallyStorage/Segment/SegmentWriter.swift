#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one immutable segment: rows sorted by the time column, split into encoded, checksummed row groups.
public enum SegmentWriter {
    /// Sorts `batch` by the schema's time column and writes it durably to `path`
    /// (temp file, fsync, rename, fsync of the directory). Returns the segment's row count.
    @discardableResult
    public static func write(_ batch: RowBatch, schema: TableSchema, to path: String,
                             rowGroupRows: Int = SegmentFormat.defaultRowGroupRows) throws -> Int {
        precondition(rowGroupRows > 0 && rowGroupRows % 8 == 0, "row groups hold a multiple of 8 rows")
        var sorted = batch
        if let t = schema.timeColumnIndex {
            let order = batch.sortOrder(byColumn: t)
            if !order.elementsEqual(0..<Int32(order.count)) { sorted = batch.gather(order) }
        }
        let tmp = path + ".tmp"
        let fd = try FileIO.open(tmp, O_WRONLY | O_CREAT | O_TRUNC)
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(tmp) }
        }
        var out = BufferedFileWriter(fd: fd, path: tmp)
        try out.write(SegmentFormat.headerMagic)
        try out.write([UInt8](repeating: 0, count: 8))
        var groups: [RowGroupMeta] = []
        var start = 0
        while start < sorted.count || (start == 0 && groups.isEmpty && sorted.count == 0) {
            let end = min(start + rowGroupRows, sorted.count)
            var chunks: [ChunkMeta] = []
            for col in sorted.columns {
                let part = col.view(start..<end)
                let bytes = ChunkCodec.encode(part)
                try out.alignTo(8)
                let off = out.offset
                try out.write(bytes)
                chunks.append(ChunkMeta(offset: off, length: bytes.count, crc: Checksum.crc32c(bytes), zone: ZoneMap.compute(part)))
            }
            groups.append(RowGroupMeta(rows: end - start, firstRow: start, chunks: chunks))
            start = end
            if sorted.count == 0 { break }
        }
        try out.alignTo(8)
        var fw = ByteWriter()
        SegmentFooter(schema: schema, rowCount: sorted.count, rowGroups: groups).write(&fw)
        try out.write(fw.bytes)
        var tw = ByteWriter()
        tw.u32(UInt32(fw.bytes.count))
        tw.u32(Checksum.crc32c(fw.bytes))
        tw.raw(SegmentFormat.trailerMagic)
        try out.write(tw.bytes)
        try out.flush()
        try FileIO.fsync(fd, path: tmp)
        try FileIO.rename(tmp, to: path)
        ok = true
        try FileIO.fsyncDirectory(FileIO.directory(of: path))
        return sorted.count
    }
}

/// Buffers small writes into large ones and tracks the file offset.
struct BufferedFileWriter {
    let fd: Int32
    let path: String
    private(set) var offset = 0
    private var buffer: [UInt8] = []

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
        buffer.reserveCapacity(1 << 20)
    }

    mutating func write(_ bytes: [UInt8]) throws {
        if buffer.count + bytes.count > 1 << 20 { try flush() }
        if bytes.count >= 1 << 20 {
            try FileIO.writeAll(fd, bytes, path: path)
        } else {
            buffer.append(contentsOf: bytes)
        }
        offset += bytes.count
    }

    mutating func alignTo(_ n: Int) throws {
        let pad = (n - offset % n) % n
        if pad > 0 { try write([UInt8](repeating: 0, count: pad)) }
    }

    mutating func flush() throws {
        if !buffer.isEmpty {
            try FileIO.writeAll(fd, buffer, path: path)
            buffer.removeAll(keepingCapacity: true)
        }
    }
}

extension ColumnData {
    /// Rows `range` without copying when the range starts on a byte of the validity bitmap.
    public func view(_ range: Range<Int>) -> ColumnData {
        if range.lowerBound == 0 && range.upperBound == count { return self }
        guard range.lowerBound % 8 == 0 else { return slice(range) }
        let w = type.width
        let vals = UnsafeRawBufferPointer(rebasing: values[(range.lowerBound * w)..<(range.upperBound * w)])
        var bm: UnsafeRawBufferPointer? = nil
        var nulls = 0
        if let v = validity {
            let b = UnsafeRawBufferPointer(rebasing: v[(range.lowerBound / 8)..<((range.upperBound + 7) / 8)])
            nulls = Validity.nullCount(b, count: range.count)
            bm = b
        }
        return ColumnData(type: type, count: range.count, values: vals, validity: bm, nullCount: nulls,
                          dictionary: dictionary, owner: self)
    }
}
