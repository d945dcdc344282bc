import Synchronization

/// An open, memory-mapped, immutable segment file. Opening reads the trailer and footer only;
/// chunks are checksummed on first use and decoded through the shared BlockCache.
public final class Segment: Sendable {
    private static let nextID = Atomic<UInt64>(1)

    /// Process-unique id (cache key).
    public let id: UInt64
    public let path: String
    public let footer: SegmentFooter
    /// The file name within its table directory.
    public let name: String
    private let file: MappedFile
    private let cache: BlockCache

    /// Maps `path` and parses its footer; a damaged trailer or footer throws StorageError.corrupt naming the file.
    public init(path: String, cache: BlockCache) throws {
        let file = try MappedFile(path: path)
        let size = file.bytes.count
        guard size >= SegmentFormat.headerSize + SegmentFormat.trailerSize else {
            throw StorageError.corrupt(path: path, detail: "file of \(size) bytes is too short to be a segment")
        }
        // Header, trailer and footer are read with pread, not through the mapping: nothing of the
        // mapping is resident until a query touches a chunk.
        guard try FileIO.read(path, offset: 0, count: 8) == SegmentFormat.headerMagic else {
            throw StorageError.corrupt(path: path, detail: "bad header magic")
        }
        let trailer = try FileIO.read(path, offset: size - SegmentFormat.trailerSize, count: SegmentFormat.trailerSize)
        guard Array(trailer[8..<16]) == SegmentFormat.trailerMagic else { throw StorageError.corrupt(path: path, detail: "bad trailer magic (truncated file?)") }
        let flen = Int(UInt32(trailer[0]) | UInt32(trailer[1]) << 8 | UInt32(trailer[2]) << 16 | UInt32(trailer[3]) << 24)
        let fcrc = UInt32(trailer[4]) | UInt32(trailer[5]) << 8 | UInt32(trailer[6]) << 16 | UInt32(trailer[7]) << 24
        let fstart = size - SegmentFormat.trailerSize - flen
        guard flen > 0, fstart >= SegmentFormat.headerSize else { throw StorageError.corrupt(path: path, detail: "footer length \(flen) out of range") }
        let fbytes = try FileIO.read(path, offset: fstart, count: flen)
        guard Checksum.crc32c(fbytes) == fcrc else { throw StorageError.corrupt(path: path, detail: "footer checksum mismatch") }
        self.footer = try fbytes.withUnsafeBytes { buf in
            var r = ByteReader(buf, path: path)
            return try SegmentFooter.read(&r, fileSize: fstart + SegmentFormat.trailerSize)
        }
        self.file = file
        self.path = path
        self.name = String(path.split(separator: "/").last ?? "")
        self.cache = cache
        self.id = Segment.nextID.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    public var schema: TableSchema { footer.schema }
    public var rowCount: Int { footer.rowCount }
    public var rowGroups: [RowGroupMeta] { footer.rowGroups }
    /// Size of the file in bytes.
    public var byteCount: Int { file.bytes.count }

    /// The time column's range over the whole segment, if the table has one and any row has a time.
    public var timeRange: ClosedRange<Int64>? {
        guard let t = schema.timeColumnIndex else { return nil }
        var lo = Int64.max, hi = Int64.min
        for g in rowGroups { if case .int(let a, let b) = g.chunks[t].zone.bounds { lo = min(lo, a); hi = max(hi, b) } }
        return lo <= hi ? lo...hi : nil
    }

    /// The raw (encoded) bytes of a chunk.
    public func chunkBytes(rowGroup g: Int, column c: Int) -> UnsafeRawBufferPointer {
        let m = footer.rowGroups[g].chunks[c]
        return UnsafeRawBufferPointer(rebasing: file.bytes[m.offset..<(m.offset + m.length)])
    }

    /// The decoded column `c` of row group `g`, verified against its checksum on first use.
    public func column(rowGroup g: Int, column c: Int) throws -> ColumnData {
        let key = BlockCache.Key(segment: id, rowGroup: UInt32(g), column: UInt32(c))
        if let hit = cache.get(key) { return hit }
        let meta = footer.rowGroups[g].chunks[c]
        let bytes = chunkBytes(rowGroup: g, column: c)
        guard Checksum.crc32c(bytes) == meta.crc else {
            throw StorageError.corrupt(path: path, detail: "checksum mismatch in row group \(g), column \(schema.columns[c].name)")
        }
        let data: ColumnData
        do {
            data = try ChunkCodec.decode(bytes, type: schema.columns[c].type, count: footer.rowGroups[g].rows, owner: file)
        } catch StorageError.corrupt(_, let detail) {
            throw StorageError.corrupt(path: path, detail: "row group \(g), column \(schema.columns[c].name): \(detail)")
        }
        let cost = ChunkCodec.isInPlace(bytes) ? 128 : data.count * data.type.width + (data.dictionary?.byteCount ?? 0) + 128
        cache.put(key, data, cost: cost)
        return data
    }

    /// Decodes every row of the segment into one batch (compaction, tests).
    public func readAll() throws -> RowBatch {
        let ncols = schema.columns.count
        var parts: [[ColumnData]] = Array(repeating: [], count: ncols)
        for g in 0..<rowGroups.count {
            for c in 0..<ncols { parts[c].append(try column(rowGroup: g, column: c)) }
        }
        if rowGroups.isEmpty { return RowBatch(columns: schema.columns.map { ColumnBuilder($0.type).finish() }) }
        return RowBatch(columns: parts.map { $0.count == 1 ? $0[0] : ColumnData.concat($0) })
    }

    /// Verifies every chunk's checksum and that every chunk decodes; returns the problems found.
    public func verify() -> [String] {
        var problems: [String] = []
        for (g, rg) in rowGroups.enumerated() {
            for (c, m) in rg.chunks.enumerated() {
                let bytes = chunkBytes(rowGroup: g, column: c)
                if Checksum.crc32c(bytes) != m.crc {
                    problems.append("\(path): checksum mismatch in row group \(g), column \(schema.columns[c].name)")
                    continue
                }
                do { _ = try ChunkCodec.decode(bytes, type: schema.columns[c].type, count: rg.rows, owner: file) } catch {
                    problems.append("\(path): row group \(g), column \(schema.columns[c].name): \(error)")
                }
            }
        }
        return problems
    }

    /// Drops this segment's decoded blocks from the cache.
    public func evictFromCache() { cache.evict(segment: id) }
}
