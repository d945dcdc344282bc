#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Entry points of the storage fuzz targets (`fuzz/`), also replayed over the committed corpora by
/// the test suite. Each takes arbitrary bytes and must return normally: bad input may only throw a
/// StorageError, never trap, hang or read out of bounds.
///
/// Input layout of both: one flags byte, then the file. Flag bit 0 set means "make the checksums
/// right before reading": random mutations almost never keep a CRC-32C valid, so without it the
/// fuzzer would only ever reach the checksum test and never the decoders behind it.
public enum StorageFuzzing {
    /// Reads `data` as a WAL file (flag bit 1: as the newest file, where a torn tail is allowed).
    public static func walFile(_ data: UnsafeRawBufferPointer) {
        guard let flags = data.first else { return }
        var file = Array(data.dropFirst())
        if flags & 1 != 0 { fixWALChecksums(&file) }
        var out = WALRecovery()
        let end = try? file.withUnsafeBytes { try WALReader.scan($0, path: "fuzz.wal", isNewest: flags & 2 != 0, into: &out) }
        if let end = end ?? nil { precondition(end >= 0 && end <= file.count, "torn tail offset \(end) outside a \(file.count)-byte file") }
        for (_, batch) in out.records { touch(batch) }
    }

    /// Opens `data` as a segment file and decodes and verifies every chunk.
    public static func segmentFile(_ data: UnsafeRawBufferPointer) {
        guard let flags = data.first else { return }
        var file = Array(data.dropFirst())
        if flags & 1 != 0 { fixSegmentChecksums(&file) }
        let path = scratchSegmentPath
        do {
            let fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_TRUNC)
            defer { close(fd) }
            try FileIO.writeAll(fd, file, path: path)
        } catch {
            preconditionFailure("cannot write the fuzz scratch file: \(error)")
        }
        guard let segment = try? Segment(path: path, cache: fuzzCache) else { return }
        _ = segment.timeRange
        for g in 0..<segment.rowGroups.count {
            for c in 0..<segment.schema.columns.count {
                if let col = try? segment.column(rowGroup: g, column: c) { touch(RowBatch(columns: [col])) }
            }
        }
        if let all = try? segment.readAll() { touch(all) }
        _ = segment.verify()
        segment.evictFromCache()
    }

    /// Reads every value, so a decoded vector that lies about its size or codes is caught here.
    static func touch(_ batch: RowBatch) {
        for c in batch.columns {
            for i in 0..<c.count { _ = c.value(at: i) }
        }
    }

    /// Rewrites each record's payload and header CRC, following the record lengths as written.
    static func fixWALChecksums(_ b: inout [UInt8]) {
        let h = WALFormat.headerSize
        var off = 0
        while b.count - off >= h {
            let len = Int(load32(b, off + 4))
            guard b.count - off - h >= len else { return }
            store32(&b, off + 16, b.withUnsafeBytes { Checksum.crc32c(UnsafeRawBufferPointer(rebasing: $0[(off + h)..<(off + h + len)])) })
            store32(&b, off + 20, b.withUnsafeBytes { Checksum.crc32c(UnsafeRawBufferPointer(rebasing: $0[off..<(off + 20)])) })
            off += h + len
        }
    }

    /// Rewrites the chunk checksums in the footer (when it parses) and the footer checksum.
    static func fixSegmentChecksums(_ b: inout [UInt8]) {
        let t = SegmentFormat.trailerSize
        guard b.count >= SegmentFormat.headerSize + t else { return }
        let flen = Int(load32(b, b.count - t))
        let fstart = b.count - t - flen
        guard flen > 0, fstart >= SegmentFormat.headerSize else { return }
        let parsed = b.withUnsafeBytes { buf -> SegmentFooter? in
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: buf[fstart..<(fstart + flen)]), path: "fuzz.seg")
            return try? SegmentFooter.read(&r, fileSize: fstart + t)
        }
        guard let footer = parsed else {
            store32(&b, b.count - t + 4, b.withUnsafeBytes { Checksum.crc32c(UnsafeRawBufferPointer(rebasing: $0[fstart..<(fstart + flen)])) })
            return
        }
        let groups = footer.rowGroups.map { g in
            RowGroupMeta(rows: g.rows, firstRow: g.firstRow, chunks: g.chunks.map { m in
                ChunkMeta(offset: m.offset, length: m.length,
                          crc: b.withUnsafeBytes { Checksum.crc32c(UnsafeRawBufferPointer(rebasing: $0[m.offset..<(m.offset + m.length)])) },
                          zone: m.zone)
            })
        }
        var w = ByteWriter()
        SegmentFooter(schema: footer.schema, rowCount: footer.rowCount, rowGroups: groups).write(&w)
        var out = Array(b[0..<fstart])
        out += w.bytes
        var tw = ByteWriter()
        tw.u32(UInt32(w.bytes.count))
        tw.u32(Checksum.crc32c(w.bytes))
        tw.raw(SegmentFormat.trailerMagic)
        out += tw.bytes
        b = out
    }

    static func load32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    static func store32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
        for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
    }

    /// One scratch file per process, on tmpfs when there is one: a segment is read through a path.
    static let scratchSegmentPath: String = {
        let dir = FileIO.isDirectory("/dev/shm") ? "/dev/shm" : "/tmp"
        return "\(dir)/tally-fuzz-\(getpid()).seg"
    }()

    /// Removes this process's scratch file (tests call it when done).
    public static func removeScratch() { unlink(scratchSegmentPath) }

    /// Small, so the cache's eviction runs too.
    static let fuzzCache = BlockCache(capacity: 1 << 20)
}
