import Foundation
import Synchronization
import TallyStorage
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one CSV file per table, `DIR/<table>.csv`, so that other engines (DuckDB, ClickHouse)
/// can load exactly the generated data.
///
/// Each file starts with a header row; the first column is `client_id` (the tenant id), then the
/// table's columns in schema order. Fields follow RFC 4180 quoting (fields holding a comma, a
/// double quote, CR or LF are quoted, quotes doubled); lines end in LF. NULL is an empty field and
/// an empty string is `""`; booleans are `true`/`false`; timestamps are `YYYY-MM-DD HH:MM:SS` in UTC
/// (with `.ffffff` when not whole seconds, as `Timestamp.format`); doubles use Swift's shortest
/// round-trip form.
///
/// Thread-safe: tenants generated in parallel may write concurrently; each batch is encoded
/// outside the lock and appended to its file whole.
public final class CSVTableWriter: Sendable {
    private struct File {
        var fd: Int32
        var schema: TableSchema
    }

    public let directory: String
    private let files: Mutex<[String: File]>

    /// Creates `directory` if needed and one file per schema (truncated), with its header.
    public init(directory: String, schemas: [TableSchema]) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var opened: [String: File] = [:]
        do {
            for schema in schemas {
                let path = (directory as NSString).appendingPathComponent(schema.name + ".csv")
                let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                guard fd >= 0 else { throw CSVWriterError.cannotOpen(path: path, errno: errno) }
                opened[schema.name] = File(fd: fd, schema: schema)
                try CSVTableWriter.writeAll(fd, CSVTableWriter.header(for: schema), path: path)
            }
        } catch {
            for f in opened.values { _ = cClose(f.fd) }
            throw error
        }
        files = Mutex(opened)
    }

    deinit {
        files.withLock { files in
            for f in files.values { _ = cClose(f.fd) }
            files.removeAll()
        }
    }

    /// Appends `batch` (columns in the order of the table's schema) as rows of tenant `clientID`.
    public func write(table: String, clientID: String, batch: RowBatch) throws {
        guard let schema = files.withLock({ $0[table]?.schema }) else { throw CSVWriterError.unknownTable(table) }
        var out: [UInt8] = []
        CSVTableWriter.encode(batch, schema: schema, clientID: clientID, into: &out)
        try files.withLock { files in
            guard let f = files[table] else { throw CSVWriterError.unknownTable(table) }
            try CSVTableWriter.writeAll(f.fd, out, path: table + ".csv")
        }
    }

    /// Closes every file. Writing afterwards throws.
    public func close() throws {
        try files.withLock { files in
            var failed: String?
            for (name, f) in files where cClose(f.fd) != 0 { failed = name }
            files.removeAll()
            if let failed { throw CSVWriterError.writeFailed(path: failed + ".csv", errno: errno) }
        }
    }

    /// The header row: `client_id` and the schema's column names.
    public static func header(for schema: TableSchema) -> [UInt8] {
        var out: [UInt8] = []
        appendField(Array("client_id".utf8), to: &out)
        for c in schema.columns {
            out.append(UInt8(ascii: ","))
            appendField(Array(c.name.utf8), to: &out)
        }
        out.append(UInt8(ascii: "\n"))
        return out
    }

    /// Appends the rows of `batch` as CSV lines, each starting with `clientID`.
    public static func encode(_ batch: RowBatch, schema: TableSchema, clientID: String, into out: inout [UInt8]) {
        precondition(batch.columns.count == schema.columns.count,
                     "CSVTableWriter: batch has \(batch.columns.count) columns, table \(schema.name) \(schema.columns.count)")
        var client: [UInt8] = []
        appendField(Array(clientID.utf8), to: &client)
        // Every dictionary entry quoted once per batch, not once per row: one blob for all columns.
        var blob: [UInt8] = []
        var offsets: [Int] = []
        var firstEntry: [Int] = []
        for col in batch.columns {
            firstEntry.append(offsets.count)
            guard let dict = col.dictionary else { continue }
            for i in 0..<dict.count {
                offsets.append(blob.count)
                let raw = dict.utf8(i)
                if raw.isEmpty { blob += [34, 34] } else { appendField(raw, to: &blob) }
            }
            offsets.append(blob.count) // end of the last entry
        }
        out.reserveCapacity(out.count + batch.count * (16 + 12 * batch.columns.count))
        let columns = batch.columns.map { col in
            (type: col.type, values: col.values.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, validity: col.validity?.baseAddress)
        }
        var cachedDay = Int64.min
        var cachedDate = [UInt8](repeating: 0, count: 11)
        withExtendedLifetime(batch) {
            blob.withUnsafeBufferPointer { blob in
                offsets.withUnsafeBufferPointer { offsets in
                    for row in 0..<batch.count {
                        out.append(contentsOf: client)
                        for c in 0..<columns.count {
                            out.append(44)
                            let col = columns[c]
                            if let v = col.validity, (v.load(fromByteOffset: row >> 3, as: UInt8.self) >> UInt8(row & 7)) & 1 == 0 {
                                continue
                            }
                            switch col.type {
                            case .bool:
                                out.append(contentsOf: col.values.load(fromByteOffset: row, as: UInt8.self) != 0 ? trueBytes : falseBytes)
                            case .int32:
                                appendInteger(Int64(col.values.load(fromByteOffset: row * 4, as: Int32.self)), to: &out)
                            case .int64:
                                appendInteger(col.values.load(fromByteOffset: row * 8, as: Int64.self), to: &out)
                            case .timestamp:
                                let t = col.values.load(fromByteOffset: row * 8, as: Int64.self)
                                let (day, rem) = Timestamp.floorDivMod(t, Timestamp.microsPerDay)
                                if day != cachedDay {
                                    cachedDay = day
                                    cachedDate.removeAll(keepingCapacity: true)
                                    appendTimestamp(day * Timestamp.microsPerDay, to: &cachedDate)
                                    cachedDate.removeLast(8) // keep "YYYY-MM-DD "
                                }
                                out.append(contentsOf: cachedDate)
                                appendTime(rem, to: &out)
                            case .float64:
                                out.append(contentsOf: col.values.load(fromByteOffset: row * 8, as: Double.self).description.utf8)
                            case .string:
                                let e = firstEntry[c] + Int(col.values.load(fromByteOffset: row * 4, as: UInt32.self))
                                out.append(contentsOf: UnsafeBufferPointer(rebasing: blob[offsets[e]..<offsets[e + 1]]))
                            }
                        }
                        out.append(10)
                    }
                }
            }
        }
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    /// Appends a field, quoted when it holds a comma, a quote, CR or LF.
    static func appendField<C: Collection>(_ bytes: C, to out: inout [UInt8]) where C.Element == UInt8 {
        let needsQuotes = bytes.contains { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
        guard needsQuotes else { out.append(contentsOf: bytes); return }
        out.append(34)
        for b in bytes {
            if b == 34 { out.append(34) }
            out.append(b)
        }
        out.append(34)
    }

    static func appendInteger(_ v: Int64, to out: inout [UInt8]) {
        if v >= 0 && v < 10 { out.append(UInt8(48 + v)); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { d in
            var n = 20
            var m = v.magnitude
            while m > 0 {
                n -= 1
                d[n] = UInt8(48 + m % 10)
                m /= 10
            }
            if v < 0 { out.append(45) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: d[n..<20]))
        }
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`, byte for byte as `Timestamp.format`.
    static func appendTimestamp(_ micros: Int64, to out: inout [UInt8]) {
        let (days, rem) = Timestamp.floorDivMod(micros, Timestamp.microsPerDay)
        let (y, m, d) = Timestamp.civilFromDays(days)
        if y >= 0 && y <= 9999 {
            two(y / 100, &out); two(y % 100, &out)
        } else {
            out.append(contentsOf: String(format: "%04lld", y).utf8)
        }
        out.append(45); two(m, &out); out.append(45); two(d, &out)
        out.append(32)
        appendTime(rem, to: &out)
    }

    /// `HH:MM:SS[.ffffff]` of `rem` microseconds into the day.
    @inline(__always) static func appendTime(_ rem: Int64, to out: inout [UInt8]) {
        let secs = rem / Timestamp.microsPerSecond
        let frac = rem % Timestamp.microsPerSecond
        two(secs / 3600, &out); out.append(58); two((secs / 60) % 60, &out); out.append(58); two(secs % 60, &out)
        if frac != 0 {
            out.append(46)
            var f = frac
            var digits: [UInt8] = [48, 48, 48, 48, 48, 48]
            for i in stride(from: 5, through: 0, by: -1) { digits[i] = UInt8(48 + f % 10); f /= 10 }
            out.append(contentsOf: digits)
        }
    }

    @inline(__always) private static func two(_ v: Int64, _ out: inout [UInt8]) {
        out.append(UInt8(48 + v / 10))
        out.append(UInt8(48 + v % 10))
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = cWrite(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CSVWriterError.writeFailed(path: path, errno: errno)
                }
                off += n
            }
        }
    }
}

public enum CSVWriterError: Error, CustomStringConvertible {
    case cannotOpen(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)
    case unknownTable(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let e): return "cannot create \(path): \(String(cString: strerror(e)))"
        case .writeFailed(let path, let e): return "cannot write \(path): \(String(cString: strerror(e)))"
        case .unknownTable(let t): return "no CSV file was opened for table \(t)"
        }
    }
}

// The C functions, named apart from the methods of the same name.
@inline(__always) private func cClose(_ fd: Int32) -> Int32 { close(fd) }
@inline(__always) private func cWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }
