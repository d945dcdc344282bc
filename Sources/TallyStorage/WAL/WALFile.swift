#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The write-ahead log of one table: files `wal/<first seq, 16 hex digits>.wal` of checksummed records.
///
/// Record layout (little-endian): u32 magic "TWAL", u32 payload length, u64 sequence number,
/// u32 CRC-32C of the payload, u32 CRC-32C of the previous 20 header bytes, then the payload
/// (a BatchSerializer batch). The header has its own checksum so that a damaged length is never
/// trusted to skip ahead.
public enum WALFormat {
    static let magic: UInt32 = 0x4C41_5754 // "TWAL"
    static let headerSize = 24

    /// The file name for a WAL file whose first record has sequence `seq`.
    public static func fileName(firstSeq seq: UInt64) -> String {
        let hex = String(seq, radix: 16)
        return String(repeating: "0", count: max(0, 16 - hex.count)) + hex + ".wal"
    }

    /// The serialised payload of a batch and its checksum (computed outside any lock).
    public static func payload(_ batch: RowBatch) -> (bytes: [UInt8], crc: UInt32) {
        var payload = ByteWriter(capacity: 64 + batch.count * batch.columns.count * 8)
        BatchSerializer.serialize(batch, into: &payload)
        return (payload.bytes, Checksum.crc32c(payload.bytes))
    }

    /// The record header for a payload with sequence number `seq`.
    public static func header(seq: UInt64, payloadLength: Int, payloadCRC: UInt32) -> [UInt8] {
        var w = ByteWriter(capacity: headerSize)
        w.u32(magic)
        w.u32(UInt32(payloadLength))
        w.u64(seq)
        w.u32(payloadCRC)
        let hcrc = w.bytes.withUnsafeBytes { Checksum.crc32c($0) }
        w.u32(hcrc)
        return w.bytes
    }

    /// The complete record bytes for a batch with sequence number `seq`.
    public static func record(seq: UInt64, batch: RowBatch) -> [UInt8] {
        let (p, crc) = payload(batch)
        return header(seq: seq, payloadLength: p.count, payloadCRC: crc) + p
    }
}

/// Appends records to the current WAL file; the owner serialises calls.
///
/// @unchecked Sendable: the file descriptor is only used under the owning table's lock.
public final class WALWriter: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    /// Creates (or appends to) the WAL file at `path`.
    public init(path: String) throws {
        self.path = path
        fd = try FileIO.open(path, O_WRONLY | O_CREAT | O_APPEND)
        try FileIO.fsyncDirectory(FileIO.directory(of: path))
    }

    deinit { close(fd) }

    /// Appends one record (not yet durable). On failure the file is cut back to its previous
    /// length, so a half-written record never sits in front of later ones.
    public func append(header: [UInt8], payload: [UInt8]) throws {
        let before = lseek(fd, 0, SEEK_END)
        do {
            try FileIO.writeAll(fd, header, path: path)
            try FileIO.writeAll(fd, payload, path: path)
        } catch {
            if before >= 0 { _ = ftruncate(fd, before) }
            throw error
        }
    }

    /// Makes everything appended so far durable.
    public func sync() throws {
        try FileIO.fsync(fd, path: path)
    }
}

/// What recovery found in a table's WAL.
public struct WALRecovery: Sendable {
    /// Records in sequence order.
    public var records: [(seq: UInt64, batch: RowBatch)] = []
    /// Torn tails that were cut off (only ever unacknowledged writes), as human-readable notes.
    public var notes: [String] = []
}

/// Reads WAL files back at open.
public enum WALReader {
    /// Reads every WAL file in `dir` (sorted by name). A bad record at the very end of the newest
    /// file is a torn write and is truncated away; a bad record anywhere else is corruption and throws.
    public static func recover(directory dir: String, truncateTornTail: Bool = true) throws -> WALRecovery {
        var out = WALRecovery()
        let files = try FileIO.list(dir).filter { $0.hasSuffix(".wal") }
        for (fi, name) in files.enumerated() {
            let path = dir + "/" + name
            let isLast = fi == files.count - 1
            let data = try FileIO.readAll(path)
            let end = try data.withUnsafeBytes { try scan($0, path: path, isNewest: isLast, into: &out) }
            if let end, truncateTornTail { try FileIO.truncate(path, to: end) }
        }
        return out
    }

    /// Appends the records of one WAL file's bytes to `out`; returns the offset where a torn tail
    /// starts (to truncate at) or nil when the file is whole. Only the newest file may have a torn tail.
    static func scan(_ buf: UnsafeRawBufferPointer, path: String, isNewest: Bool, into out: inout WALRecovery) throws -> Int? {
        var off = 0
        while off < buf.count {
            switch parse(buf, at: off, path: path) {
            case .record(let seq, let batch, let next):
                if let last = out.records.last, seq <= last.seq {
                    throw StorageError.corrupt(path: path, detail: "sequence \(seq) after \(last.seq) at offset \(off)")
                }
                out.records.append((seq, batch))
                off = next
            case .bad(let why, let mayBeTorn):
                // A torn write can only be the last thing written: in the newest file, with
                // nothing valid after it.
                if isNewest && mayBeTorn && !hasValidRecordAfter(buf, off + 1, path: path) {
                    out.notes.append("\(path): cut a torn tail of \(buf.count - off) bytes at offset \(off) (\(why))")
                    return off
                }
                throw StorageError.corrupt(path: path, detail: "\(why) at offset \(off)")
            }
        }
        return nil
    }

    enum Parsed {
        case record(UInt64, RowBatch, next: Int)
        case bad(String, mayBeTorn: Bool)
    }

    static func parse(_ buf: UnsafeRawBufferPointer, at off: Int, path: String) -> Parsed {
        let h = WALFormat.headerSize
        guard buf.count - off >= h else { return .bad("short record header", mayBeTorn: true) }
        var r = ByteReader(buf, path: path, offset: off)
        let magic = (try? r.u32()) ?? 0
        let len = Int((try? r.u32()) ?? 0)
        let seq = (try? r.u64()) ?? 0
        let pcrc = (try? r.u32()) ?? 0
        let hcrc = (try? r.u32()) ?? 0
        let headerCRC = Checksum.crc32c(UnsafeRawBufferPointer(rebasing: buf[off..<(off + 20)]))
        guard magic == WALFormat.magic, hcrc == headerCRC else {
            // A zero-filled tail is what a crash after extending the file leaves behind.
            let allZero = buf[off...].allSatisfy { $0 == 0 }
            return .bad("bad record header", mayBeTorn: allZero || buf.count - off < 64 || magic == WALFormat.magic)
        }
        guard buf.count - off - h >= len else { return .bad("record of \(len) bytes runs past the end of the file", mayBeTorn: true) }
        let payload = UnsafeRawBufferPointer(rebasing: buf[(off + h)..<(off + h + len)])
        guard Checksum.crc32c(payload) == pcrc else {
            // A crash can leave a full-length record whose last pages never reached the disk (zeros);
            // a mismatch anywhere else is damage to an acknowledged record.
            let zeroTail = len >= 8 && payload[(len - 8)...].allSatisfy { $0 == 0 }
            return .bad("payload checksum mismatch in record \(seq)", mayBeTorn: zeroTail && off + h + len == buf.count)
        }
        var pr = ByteReader(payload, path: path)
        guard let batch = try? BatchSerializer.deserialize(&pr, path: path), pr.remaining == 0 else {
            return .bad("undecodable payload in record \(seq)", mayBeTorn: false)
        }
        return .record(seq, batch, next: off + h + len)
    }

    /// Whether a structurally valid record header starts anywhere at or after `from`.
    static func hasValidRecordAfter(_ buf: UnsafeRawBufferPointer, _ from: Int, path: String) -> Bool {
        var i = from
        while i + WALFormat.headerSize <= buf.count {
            if buf.loadUnaligned(fromByteOffset: i, as: UInt32.self) == WALFormat.magic {
                let hcrc = buf.loadUnaligned(fromByteOffset: i + 20, as: UInt32.self)
                if Checksum.crc32c(UnsafeRawBufferPointer(rebasing: buf[i..<(i + 20)])) == hcrc { return true }
            }
            i += 1
        }
        return false
    }
}
