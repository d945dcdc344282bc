/// The on-disk layout of a segment file (all integers little-endian):
///
///     "TLYSEG1\n" (8 bytes) | 8 zero bytes
///     chunk₀ chunk₁ …        each starts 8-byte aligned (zero padding between), bytes from ChunkCodec
///     footer                 see SegmentFooter.write
///     u32 footer length | u32 CRC-32C of the footer | "TLYSEGF\n" (8 bytes)
///
/// The footer holds the schema, the row groups and, per row group and column, the chunk's
/// offset, length, CRC-32C and zone map. Chunk checksums sit in the footer and the footer has its
/// own, so every byte of the file is covered while opening reads only the trailer and the footer.
public enum SegmentFormat {
    static let headerMagic: [UInt8] = Array("TLYSEG1\n".utf8)
    static let trailerMagic: [UInt8] = Array("TLYSEGF\n".utf8)
    static let headerSize = 16
    static let trailerSize = 16
    static let footerVersion: UInt32 = 1
    /// Rows per row group: large enough to amortise per-chunk work, small enough for time pruning.
    public static let defaultRowGroupRows = 65_536
}

/// Where one column chunk of one row group lives, and what it holds.
public struct ChunkMeta: Sendable {
    public let offset: Int
    public let length: Int
    public let crc: UInt32
    public let zone: ZoneMap
}

/// One row group: its row count, first row within the segment and one chunk per column.
public struct RowGroupMeta: Sendable {
    public let rows: Int
    public let firstRow: Int
    public let chunks: [ChunkMeta]
}

/// The parsed footer of a segment.
public struct SegmentFooter: Sendable {
    public let schema: TableSchema
    public let rowCount: Int
    public let rowGroups: [RowGroupMeta]

    func write(_ w: inout ByteWriter) {
        w.u32(SegmentFormat.footerVersion)
        SchemaCodec.write(schema, &w)
        w.u64(UInt64(rowCount))
        w.u32(UInt32(rowGroups.count))
        for g in rowGroups {
            w.u32(UInt32(g.rows))
            for c in g.chunks {
                w.u64(UInt64(c.offset))
                w.u32(UInt32(c.length))
                w.u32(c.crc)
                c.zone.write(&w)
            }
        }
    }

    static func read(_ r: inout ByteReader, fileSize: Int) throws -> SegmentFooter {
        let version = try r.u32()
        guard version == SegmentFormat.footerVersion else {
            throw StorageError.corrupt(path: r.path, detail: "unsupported footer version \(version)")
        }
        let schema = try SchemaCodec.read(&r)
        let rowCount = Int(try r.u64())
        let groups = Int(try r.u32())
        guard groups <= rowCount + 1, groups < 1 << 24 else { throw StorageError.corrupt(path: r.path, detail: "implausible row group count \(groups)") }
        var metas: [RowGroupMeta] = []
        metas.reserveCapacity(groups)
        var first = 0
        let dataEnd = fileSize - SegmentFormat.trailerSize
        for _ in 0..<groups {
            let rows = Int(try r.u32())
            var chunks: [ChunkMeta] = []
            chunks.reserveCapacity(schema.columns.count)
            for _ in schema.columns {
                let off = Int(try r.u64())
                let len = Int(try r.u32())
                let crc = try r.u32()
                let zone = try ZoneMap.read(&r)
                guard off >= SegmentFormat.headerSize, off % 8 == 0, len >= 0, off + len <= dataEnd else {
                    throw StorageError.corrupt(path: r.path, detail: "chunk at \(off)+\(len) lies outside the data area")
                }
                chunks.append(ChunkMeta(offset: off, length: len, crc: crc, zone: zone))
            }
            metas.append(RowGroupMeta(rows: rows, firstRow: first, chunks: chunks))
            first += rows
        }
        guard first == rowCount else { throw StorageError.corrupt(path: r.path, detail: "row groups hold \(first) rows, footer says \(rowCount)") }
        return SegmentFooter(schema: schema, rowCount: rowCount, rowGroups: metas)
    }
}

/// Binary form of a TableSchema, used in segment footers and table directories.
public enum SchemaCodec {
    public static func write(_ s: TableSchema, _ w: inout ByteWriter) {
        w.string(s.name)
        w.u32(UInt32(s.columns.count))
        for c in s.columns {
            w.string(c.name)
            w.u8(c.type.rawValue)
            w.u8(c.nullable ? 1 : 0)
        }
        w.string(s.timeColumn ?? "")
        w.i64(s.ttlMicros ?? 0)
    }

    public static func read(_ r: inout ByteReader) throws -> TableSchema {
        let name = try r.string()
        let n = Int(try r.u32())
        guard n <= 4096 else { throw StorageError.corrupt(path: r.path, detail: "implausible column count \(n)") }
        var cols: [ColumnSchema] = []
        for _ in 0..<n {
            let cname = try r.string()
            guard let t = DataType(rawValue: try r.u8()) else { throw StorageError.corrupt(path: r.path, detail: "unknown type of column \(cname)") }
            cols.append(ColumnSchema(cname, t, nullable: try r.u8() != 0))
        }
        let time = try r.string()
        let ttl = try r.i64()
        return TableSchema(name: name, columns: cols, timeColumn: time.isEmpty ? nil : time, ttlMicros: ttl == 0 ? nil : ttl)
    }

    /// A checksummed schema file body: "TLYSCH1\n", u32 CRC of the rest, then the schema.
    public static func fileBytes(_ s: TableSchema) -> [UInt8] {
        var body = ByteWriter()
        write(s, &body)
        var w = ByteWriter()
        w.raw(Array("TLYSCH1\n".utf8))
        w.u32(Checksum.crc32c(body.bytes))
        w.raw(body.bytes)
        return w.bytes
    }

    /// Parses a schema file, verifying its checksum.
    public static func parseFile(_ bytes: [UInt8], path: String) throws -> TableSchema {
        try bytes.withUnsafeBytes { buf in
            guard buf.count >= 12, Array(buf[0..<8]) == Array("TLYSCH1\n".utf8) else {
                throw StorageError.corrupt(path: path, detail: "not a schema file")
            }
            let crc = buf.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
            let body = UnsafeRawBufferPointer(rebasing: buf[12...])
            guard Checksum.crc32c(body) == UInt32(littleEndian: crc) else {
                throw StorageError.corrupt(path: path, detail: "schema checksum mismatch")
            }
            var r = ByteReader(body, path: path)
            return try read(&r)
        }
    }
}
