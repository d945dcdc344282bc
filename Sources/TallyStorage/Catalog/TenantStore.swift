import Synchronization

/// One tenant's tables under `tenants/<id>/`. A tenant store holds only its own directory, so a
/// session bound to it cannot reach another tenant's files: isolation is structural.
public final class TenantStore: Sendable {
    public let id: String
    public let directory: String
    private let cache: BlockCache
    private let options: StoreOptions
    /// Open tables, and tables that failed to open (a damaged table reports its error; the rest serve).
    private let tables = Locked<[String: Result<TableStore, StorageError>]>([:])

    init(id: String, directory: String, cache: BlockCache, options: StoreOptions) {
        self.id = id
        self.directory = directory
        self.cache = cache
        self.options = options
    }

    /// The decoded-block cache this tenant's tables read through (shared by every tenant of the catalog).
    public var blockCache: BlockCache { cache }

    /// Names of the tenant's tables (lowercase), sorted.
    public func tableNames() -> [String] {
        ((try? FileIO.list(directory)) ?? []).filter { FileIO.exists(directory + "/" + $0 + "/schema") }
    }

    /// Whether the table exists.
    public func hasTable(_ name: String) -> Bool {
        // A name is a directory below this tenant's: anything but a plain identifier (say
        // "../other/calls") would reach outside it.
        let key = name.lowercased()
        return Identifier.isValid(key) && FileIO.exists(directory + "/" + key + "/schema")
    }

    /// The open table `name`, opening it on first use; throws if it does not exist or is damaged.
    public func table(_ name: String) throws -> TableStore {
        let key = name.lowercased()
        return try tables.withLock { t in
            if let r = t[key] { return try r.get() }
            guard Identifier.isValid(key), FileIO.exists(directory + "/" + key + "/schema") else {
                throw StorageError.noSuchTable(tenant: id, table: name)
            }
            do {
                let store = try TableStore(directory: directory + "/" + key, cache: cache, options: options)
                t[key] = .success(store)
                return store
            } catch let e as StorageError {
                t[key] = .failure(e)
                throw e
            }
        }
    }

    /// Creates a table; its name is stored lowercase.
    @discardableResult
    public func createTable(_ schema: TableSchema) throws -> TableStore {
        var s = schema
        s.name = schema.name.lowercased()
        try s.validate()
        return try tables.withLock { t in
            guard !FileIO.exists(directory + "/" + s.name + "/schema") else { throw StorageError.tableExists(tenant: id, table: s.name) }
            // A leftover directory without a schema file is an interrupted create: start over.
            try FileIO.removeTree(directory + "/" + s.name)
            let store = try TableStore.create(directory: directory + "/" + s.name, schema: s, cache: cache, options: options)
            t[s.name] = .success(store)
            return store
        }
    }

    /// Drops a table and its files.
    public func dropTable(_ name: String) throws {
        let key = name.lowercased()
        try tables.withLock { t in
            guard Identifier.isValid(key), FileIO.exists(directory + "/" + key + "/schema") else { throw StorageError.noSuchTable(tenant: id, table: name) }
            if case .success(let s) = t[key] { s.close() }
            t[key] = nil
            // Removing the schema file first makes the drop atomic to a reopen.
            try FileIO.remove(directory + "/" + key + "/schema")
            try FileIO.fsyncDirectory(directory + "/" + key)
            try FileIO.removeTree(directory + "/" + key)
        }
    }

    /// Tables opened so far (for maintenance).
    func openTables() -> [TableStore] {
        tables.withLock { $0.values.compactMap { try? $0.get() } }
    }

    /// Forgets a cached open failure so the next access retries (after a repair).
    public func forget(_ name: String) {
        _ = tables.withLock { $0.removeValue(forKey: name.lowercased()) }
    }
}
