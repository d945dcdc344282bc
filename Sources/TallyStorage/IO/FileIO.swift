#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import Synchronization

/// Thin, checked wrappers over POSIX file calls; every failure names the path and the operation.
public enum FileIO {
    private static let deferred = Atomic<Bool>(false)

    /// Process-wide: skip fsync until `syncAll()`. Only for tools that build a whole new store in one
    /// go (`tally generate`), where one sync at the end replaces thousands of fsyncs; a crash before
    /// that sync can leave the new store incomplete, never an existing one half-changed.
    public static func deferDurability(_ on: Bool) {
        deferred.store(on, ordering: .relaxed)
    }

    /// Flushes everything written by this machine to stable storage (ends a deferred-durability run).
    public static func syncAll() {
        sync()
    }

    /// Opens `path` with `flags`, throwing StorageError.io on failure.
    public static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws -> Int32 {
        let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
        guard fd >= 0 else { throw StorageError.io(path: path, operation: "open", errno: errno) }
        return fd
    }

    /// Writes all of `bytes` to `fd` (retrying short writes and EINTR).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var off = 0
        while off < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError.io(path: path, operation: "write", errno: errno)
            }
            off += n
        }
    }

    /// Writes a byte array to `fd`.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        try bytes.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    /// Flushes file data and metadata to stable storage.
    public static func fsync(_ fd: Int32, path: String) throws {
        if deferred.load(ordering: .relaxed) { return }
        guard Glibc.fsync(fd) == 0 else { throw StorageError.io(path: path, operation: "fsync", errno: errno) }
    }

    /// Fsyncs a directory so that renames and creations inside it are durable.
    public static func fsyncDirectory(_ path: String) throws {
        if deferred.load(ordering: .relaxed) { return }
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try fsync(fd, path: path)
    }

    /// Atomically replaces `path` with `bytes`: temp file, fsync, rename, fsync of the directory.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        let tmp = path + ".tmp"
        let fd = try open(tmp, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try writeAll(fd, bytes, path: tmp)
            try fsync(fd, path: tmp)
        } catch {
            close(fd)
            unlink(tmp)
            throw error
        }
        close(fd)
        try rename(tmp, to: path)
        try fsyncDirectory(directory(of: path))
    }

    /// Renames `from` to `to` (atomic within one file system).
    public static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw StorageError.io(path: from, operation: "rename to \(to)", errno: errno) }
    }

    /// Reads a whole file.
    public static func readAll(_ path: String) throws -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StorageError.io(path: path, operation: "stat", errno: errno) }
        var out = [UInt8](repeating: 0, count: Int(st.st_size))
        var off = 0
        while off < out.count {
            let n = out.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError.io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { out.removeLast(out.count - off); break }
            off += n
        }
        return out
    }

    /// Reads `count` bytes at `offset` of a file without mapping it (footers: touching a mapping
    /// would fault in a whole read-ahead window per file and inflate RSS at open).
    public static func read(_ path: String, offset: Int, count: Int) throws -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = out.withUnsafeMutableBytes { Glibc.pread(fd, $0.baseAddress! + got, count - got, off_t(offset + got)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError.io(path: path, operation: "read", errno: errno)
            }
            if n == 0 { throw StorageError.corrupt(path: path, detail: "file ends before byte \(offset + count)") }
            got += n
        }
        return out
    }

    /// Whether a file or directory exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Whether `path` is a directory.
    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Size of the file at `path` in bytes.
    public static func size(_ path: String) throws -> Int {
        var st = stat()
        guard stat(path, &st) == 0 else { throw StorageError.io(path: path, operation: "stat", errno: errno) }
        return Int(st.st_size)
    }

    /// Creates `path` and its missing parents.
    public static func makeDirectories(_ path: String) throws {
        if isDirectory(path) { return }
        let parent = directory(of: path)
        if parent != path && !parent.isEmpty && !isDirectory(parent) { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST {
            throw StorageError.io(path: path, operation: "mkdir", errno: errno)
        }
    }

    /// Names of the entries in a directory (without "." and ".."), sorted.
    public static func list(_ path: String) throws -> [String] {
        guard let d = opendir(path) else { throw StorageError.io(path: path, operation: "opendir", errno: errno) }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes a file; a missing file is not an error.
    public static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw StorageError.io(path: path, operation: "unlink", errno: errno) }
    }

    /// Removes a directory tree.
    public static func removeTree(_ path: String) throws {
        guard isDirectory(path) else { try remove(path); return }
        for name in try list(path) { try removeTree(path + "/" + name) }
        if rmdir(path) != 0 && errno != ENOENT { throw StorageError.io(path: path, operation: "rmdir", errno: errno) }
    }

    /// Truncates a file to `length` bytes.
    public static func truncate(_ path: String, to length: Int) throws {
        guard Glibc.truncate(path, off_t(length)) == 0 else { throw StorageError.io(path: path, operation: "truncate", errno: errno) }
    }

    /// The directory part of a path.
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// Little-endian binary encoding for footers, manifests and WAL payloads.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []
    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }
    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    public mutating func f64(_ v: Double) { u64(v.bitPattern) }
    public mutating func raw(_ b: UnsafeRawBufferPointer) { bytes.append(contentsOf: b) }
    public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    /// A length-prefixed (u32) UTF-8 string.
    public mutating func string(_ s: String) { let u = Array(s.utf8); u32(UInt32(u.count)); bytes.append(contentsOf: u) }
    /// Pads with zeros to a multiple of `n`.
    public mutating func align(_ n: Int) { while bytes.count % n != 0 { bytes.append(0) } }
    /// Bytes written so far.
    public var count: Int { bytes.count }
    public mutating func append(_ raw: UnsafeRawBufferPointer) { bytes.append(contentsOf: raw) }
    public mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }
    public mutating func append(words: [UInt64]) { words.withUnsafeBytes { bytes.append(contentsOf: $0) } }
    /// Pads with zero bytes to the next multiple of 8.
    public mutating func padTo8() { align(8) }
}

/// Bounds-checked little-endian reader; any overrun throws instead of trapping, since input may be damaged.
public struct ByteReader {
    public let buffer: UnsafeRawBufferPointer
    public var offset: Int
    let path: String

    public init(_ buffer: UnsafeRawBufferPointer, path: String, offset: Int = 0) {
        self.buffer = buffer
        self.path = path
        self.offset = offset
    }

    public var remaining: Int { buffer.count - offset }

    mutating func take(_ n: Int) throws -> Int {
        guard n >= 0, n <= remaining else {
            throw StorageError.corrupt(path: path, detail: "truncated: needed \(n) bytes at offset \(offset), \(max(remaining, 0)) left")
        }
        defer { offset += n }
        return offset
    }
    public mutating func u8() throws -> UInt8 { buffer[try take(1)] }
    public mutating func u16() throws -> UInt16 { UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: try take(2), as: UInt16.self)) }
    public mutating func u32() throws -> UInt32 { UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: try take(4), as: UInt32.self)) }
    public mutating func u64() throws -> UInt64 { UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: try take(8), as: UInt64.self)) }
    public mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }
    public mutating func f64() throws -> Double { Double(bitPattern: try u64()) }
    /// A slice of `n` bytes.
    public mutating func bytes(_ n: Int) throws -> UnsafeRawBufferPointer {
        let at = try take(n)
        return UnsafeRawBufferPointer(rebasing: buffer[at..<(at + n)])
    }
    public mutating func string() throws -> String {
        let n = Int(try u32())
        return String(decoding: try bytes(n), as: UTF8.self)
    }
}
