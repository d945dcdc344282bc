import Foundation
import Synchronization

/// The root of a Tally data directory: the `catalog` file listing tenants, and `tenants/<id>/`.
///
/// The catalog file is the source of truth for which tenants exist (a tenant directory it does not
/// name is an interrupted creation). Layout: "TLYCAT1\n", u32 CRC-32C of the body, body = u32
/// count, then each tenant id (u32 length + UTF-8).
public final class Catalog: Sendable {
    public let root: String
    public let cache: BlockCache
    public let options: StoreOptions
    private let tenantIDs = Locked<[String]>([])
    private let open = Locked<[String: TenantStore]>([:])
    private let stopFlag = Atomic<Bool>(false)
    /// The last error background maintenance met, per table path.
    public let maintenanceErrors = Locked<[String: String]>([:])

    var catalogPath: String { root + "/catalog" }

    /// Opens (creating if needed) the data directory at `root`.
    public init(root: String, options: StoreOptions = StoreOptions()) throws {
        self.root = root
        self.options = options
        self.cache = BlockCache(capacity: options.cacheBytes)
        try FileIO.makeDirectories(root + "/tenants")
        if FileIO.exists(root + "/catalog") {
            let ids = try Catalog.decode(try FileIO.readAll(root + "/catalog"), path: root + "/catalog")
            tenantIDs.withLock { $0 = ids }
        } else {
            try FileIO.writeAtomically(root + "/catalog", Catalog.encode([]))
        }
    }

    static func encode(_ ids: [String]) -> [UInt8] {
        var body = ByteWriter()
        body.u32(UInt32(ids.count))
        for id in ids { body.string(id) }
        var w = ByteWriter()
        w.raw(Array("TLYCAT1\n".utf8))
        w.u32(Checksum.crc32c(body.bytes))
        w.raw(body.bytes)
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> [String] {
        try bytes.withUnsafeBytes { buf in
            guard buf.count >= 12, Array(buf[0..<8]) == Array("TLYCAT1\n".utf8) else { throw StorageError.corrupt(path: path, detail: "not a catalog file") }
            let crc = UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            let body = UnsafeRawBufferPointer(rebasing: buf[12...])
            guard Checksum.crc32c(body) == crc else { throw StorageError.corrupt(path: path, detail: "catalog checksum mismatch") }
            var r = ByteReader(body, path: path)
            let n = Int(try r.u32())
            guard n < 1 << 20 else { throw StorageError.corrupt(path: path, detail: "implausible tenant count") }
            return try (0..<n).map { _ in
                let id = try r.string()
                guard Identifier.isValid(id) else { throw StorageError.corrupt(path: path, detail: "bad tenant id") }
                return id
            }
        }
    }

    /// The tenants, sorted.
    public var tenants: [String] { tenantIDs.withLock { $0.sorted() } }

    /// Whether a tenant exists.
    public func hasTenant(_ id: String) -> Bool { tenantIDs.withLock { $0.contains(id) } }

    /// The store of an existing tenant.
    public func tenant(_ id: String) throws -> TenantStore {
        guard hasTenant(id) else { throw StorageError.noSuchTenant(id) }
        return open.withLock { o in
            if let t = o[id] { return t }
            let t = TenantStore(id: id, directory: root + "/tenants/" + id, cache: cache, options: options)
            o[id] = t
            return t
        }
    }

    /// Creates a tenant with the given tables, or returns the existing one (creating any missing tables).
    @discardableResult
    public func createTenant(_ id: String, schemas: [TableSchema] = []) throws -> TenantStore {
        guard Identifier.isValid(id) else { throw StorageError.invalidName(kind: "tenant", name: id) }
        try tenantIDs.withLock { ids in
            guard !ids.contains(id) else { return }
            try FileIO.makeDirectories(root + "/tenants/" + id)
            try FileIO.fsyncDirectory(root + "/tenants")
            try FileIO.writeAtomically(catalogPath, Catalog.encode(ids + [id]))
            ids.append(id)
        }
        let t = try tenant(id)
        for s in schemas where !t.hasTable(s.name) { try t.createTable(s) }
        return t
    }

    /// Runs due flushes, compactions and retention on every open table; errors are recorded, not thrown.
    public func maintain(now: Int64 = Int64(Date().timeIntervalSince1970 * 1_000_000)) {
        let tenants = open.withLock { Array($0.values) }
        for t in tenants {
            for table in t.openTables() {
                do {
                    try table.maintain(now: now)
                    _ = maintenanceErrors.withLock { $0.removeValue(forKey: table.directory) }
                } catch {
                    maintenanceErrors.withLock { $0[table.directory] = "\(error)" }
                }
            }
        }
    }

    /// Starts a background thread running `maintain` every `interval` seconds until `stopMaintenance`.
    public func startMaintenance(interval: Double = 1.0) {
        stopFlag.store(false, ordering: .relaxed)
        let t = Thread { [self] in
            while !stopFlag.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: interval)
                if stopFlag.load(ordering: .relaxed) { break }
                maintain()
            }
        }
        t.name = "tally-maintenance"
        t.start()
    }

    /// Stops the background maintenance thread (it exits after its current pass).
    public func stopMaintenance() { stopFlag.store(true, ordering: .relaxed) }

    /// Flushes every open table's buffer (clean shutdown, tests).
    public func flushAll() throws {
        for t in open.withLock({ Array($0.values) }) {
            for table in t.openTables() { try table.flush() }
        }
    }
}
