/// The committed state of a table: which segment files hold its rows and how much of the WAL
/// they cover. Replaced atomically (temp file, fsync, rename); checksummed.
///
/// Layout: "TLYMAN1\n", u32 CRC-32C of the body, body = u64 generation, u64 WAL sequence flushed,
/// u64 next segment number, u32 segment count, per segment: name (u32 length + UTF-8), u64 rows.
public struct Manifest: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var rows: Int
    }

    public var generation: UInt64 = 0
    /// Every WAL record with a sequence number ≤ this is in a segment.
    public var walFlushedSeq: UInt64 = 0
    public var nextSegmentNumber: UInt64 = 1
    public var segments: [Entry] = []

    static let magic = Array("TLYMAN1\n".utf8)

    public init() {}

    /// The file bytes.
    public func encoded() -> [UInt8] {
        var body = ByteWriter()
        body.u64(generation)
        body.u64(walFlushedSeq)
        body.u64(nextSegmentNumber)
        body.u32(UInt32(segments.count))
        for s in segments {
            body.string(s.name)
            body.u64(UInt64(s.rows))
        }
        var w = ByteWriter()
        w.raw(Manifest.magic)
        w.u32(Checksum.crc32c(body.bytes))
        w.raw(body.bytes)
        return w.bytes
    }

    /// Parses and verifies a manifest file's bytes.
    public static func decode(_ bytes: [UInt8], path: String) throws -> Manifest {
        try bytes.withUnsafeBytes { buf in
            guard buf.count >= 12, Array(buf[0..<8]) == magic else { throw StorageError.corrupt(path: path, detail: "not a manifest (bad magic)") }
            let crc = UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            let body = UnsafeRawBufferPointer(rebasing: buf[12...])
            guard Checksum.crc32c(body) == crc else { throw StorageError.corrupt(path: path, detail: "manifest checksum mismatch") }
            var r = ByteReader(body, path: path)
            var m = Manifest()
            m.generation = try r.u64()
            m.walFlushedSeq = try r.u64()
            m.nextSegmentNumber = try r.u64()
            let n = Int(try r.u32())
            guard n < 1 << 20 else { throw StorageError.corrupt(path: path, detail: "implausible segment count") }
            for _ in 0..<n {
                let name = try r.string()
                guard name.hasSuffix(".seg"), !name.contains("/") else { throw StorageError.corrupt(path: path, detail: "bad segment name") }
                m.segments.append(Entry(name: name, rows: Int(try r.u64())))
            }
            guard r.remaining == 0 else { throw StorageError.corrupt(path: path, detail: "trailing bytes") }
            return m
        }
    }

    /// The file name of segment number `n`.
    public static func segmentName(_ n: UInt64) -> String {
        let hex = String(n, radix: 16)
        return "seg-" + String(repeating: "0", count: max(0, 12 - hex.count)) + hex + ".seg"
    }
}
