import Foundation
import Synchronization
import TallyStorage

/// Per-query state shared by its operators and workers: cancellation, deadline, and statistics.
public final class QueryContext: Sendable {
    private let cancelled = Atomic<Bool>(false)
    /// Absolute deadline (seconds since 1970), if the query has a time limit.
    public let deadline: Double?
    /// Statistics per plan node id, for EXPLAIN ANALYZE.
    let stats = Locked<[Int: OperatorStats]>([:])
    /// Where tables come from for this session (one tenant, or all of them for admins).
    public let tables: TableProvider
    /// Most bytes the query may hold at once in materialised state (sorts, join builds, windows,
    /// group tables, the result); nil for no limit.
    public let memoryLimit: Int?
    private let charged = Atomic<Int>(0)

    public init(tables: TableProvider, timeLimitSeconds: Double? = nil, memoryLimit: Int? = nil) {
        self.tables = tables
        self.deadline = timeLimitSeconds.map { Date().timeIntervalSince1970 + $0 }
        self.memoryLimit = memoryLimit
    }

    /// Accounts for `bytes` of state the query keeps; throws once the total passes the limit.
    func charge(_ bytes: Int) throws {
        let total = charged.wrappingAdd(bytes, ordering: .relaxed).newValue
        if let limit = memoryLimit, total > limit { throw QueryError.memoryLimit(limit) }
    }

    /// Bytes charged so far.
    public var memoryCharged: Int { charged.load(ordering: .relaxed) }

    /// Asks the running query to stop at its next batch.
    public func cancel() { cancelled.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// Throws when the query was cancelled or ran past its deadline; operators call it per batch.
    func check() throws {
        if cancelled.load(ordering: .relaxed) { throw QueryError.cancelled }
        if let d = deadline, Date().timeIntervalSince1970 > d { throw QueryError.timeout }
    }

    func record(_ node: Int, _ f: (inout OperatorStats) -> Void) {
        stats.withLock { f(&$0[node, default: OperatorStats()]) }
    }
}

/// What one operator did, for EXPLAIN ANALYZE.
public struct OperatorStats: Sendable {
    public var rowsOut = 0
    public var nanos: UInt64 = 0
    public var rowGroups = 0
    public var rowGroupsPruned = 0
    public var rowsScanned = 0
}

/// Errors of query execution that are not about the statement's text.
public enum QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    case cancelled
    case timeout
    case tooManyRows(Int)
    case memoryLimit(Int)
    case execution(String)

    public var description: String {
        switch self {
        case .cancelled: return "query cancelled"
        case .timeout: return "query exceeded its time limit"
        case .tooManyRows(let n): return "result exceeds the limit of \(n) rows"
        case .memoryLimit(let n): return "query needs more than its memory limit of \(n / (1 << 20)) MiB"
        case .execution(let m): return m
        }
    }
}

/// The tables a session may read. A tenant session sees one tenant's snapshots; an admin's
/// all-tenants scope sees every tenant's, each tagged with its client id.
public protocol TableProvider: Sendable {
    /// The schema of `table`, or nil if it does not exist in scope.
    func schema(of table: String) -> TableSchema?
    /// Snapshots of `table`, one per tenant in scope.
    func snapshots(of table: String) throws -> [(tenant: String, snapshot: TableSnapshot)]
    /// Every table name in scope.
    func tableNames() -> [String]
    /// True when the scope spans tenants (the virtual client_id column exists).
    var crossTenant: Bool { get }
    /// The rollups (materialized views) over `table` usable in this scope.
    func rollups(of table: String) -> [RollupDefinition]
    /// The materialized view `name`: its base table and definition, or nil.
    func view(named name: String) -> (table: String, definition: RollupDefinition)?
}

/// One tenant's tables.
public struct TenantTables: TableProvider {
    public let store: TenantStore
    public init(_ store: TenantStore) { self.store = store }

    public func schema(of table: String) -> TableSchema? {
        if let s = SystemTables.schema(table) { return s }
        if RollupTables.split(table) != nil { return RollupTables.partialSchema(store, table) }
        guard store.hasTable(table) else { return nil }
        return try? store.table(table).schema
    }

    public func snapshots(of table: String) throws -> [(tenant: String, snapshot: TableSnapshot)] {
        if let s = SystemTables.snapshot(table, of: store) { return [(store.id, s)] }
        if RollupTables.split(table) != nil { return [(store.id, try RollupTables.partialSnapshot(store, table))] }
        return [(store.id, try store.table(table).snapshot())]
    }

    public func tableNames() -> [String] { store.tableNames() }
    public var crossTenant: Bool { false }
}

/// Every tenant's tables (the admin role's cross-tenant scope).
public struct AllTenantTables: TableProvider {
    public let catalog: Catalog
    public init(_ catalog: Catalog) { self.catalog = catalog }

    public func schema(of table: String) -> TableSchema? {
        if let s = SystemTables.schema(table) { return s }
        for t in catalog.tenants {
            if RollupTables.split(table) != nil, let s = try? catalog.tenant(t), let p = RollupTables.partialSchema(s, table) { return p }
            if let s = try? catalog.tenant(t), s.hasTable(table), let tb = try? s.table(table) { return tb.schema }
        }
        return nil
    }

    public func snapshots(of table: String) throws -> [(tenant: String, snapshot: TableSnapshot)] {
        try catalog.tenants.compactMap { t in
            let s = try catalog.tenant(t)
            if let sys = SystemTables.snapshot(table, of: s) { return (t, sys) }
            if let (base, _) = RollupTables.split(table) { return s.hasTable(base) ? (t, try RollupTables.partialSnapshot(s, table)) : nil }
            return s.hasTable(table) ? (t, try s.table(table).snapshot()) : nil
        }
    }

    public func tableNames() -> [String] {
        Array(Set(catalog.tenants.flatMap { (try? catalog.tenant($0).tableNames()) ?? [] })).sorted()
    }

    public var crossTenant: Bool { true }
}
