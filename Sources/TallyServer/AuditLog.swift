import Dispatch
import Foundation
import Logging
import Synchronization
import TallyAnalytics
import TallyQuery
import TallyStorage

/// One audited statement.
public struct AuditRecord: Sendable, Equatable {
    /// The tenant whose analytics_audit_log receives the row (an admin's home tenant for admins).
    public var tenant: String
    public var at: Int64
    public var subject: String
    public var role: String
    public var statement: String
    public var rows: Int
    public var milliseconds: Double
    /// "ok" or the error code.
    public var status: String
}

/// Writes every statement to the tenant's `analytics_audit_log` (created from the data model when
/// missing). Rows are collected and appended in batches by one background thread, every
/// `interval` seconds or as soon as `batchRows` are waiting: one fsync per batch instead of one per
/// statement keeps the audit off the answer's critical path. The cost is that rows of the last
/// interval before a crash can be lost; a clean shutdown (`close`) writes everything.
public final class AuditLog: Sendable {
    /// Statement text longer than this is cut (with a marker) before it is stored.
    public static let maxStatementBytes = 4096

    private let catalog: Catalog
    private let logger: Logger
    private let interval: Double
    private let batchRows: Int
    private let pending = Locked<[AuditRecord]>([])
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let stopping = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    /// Called with (tenant, tables) after rows are stored, so subscriptions on the log see them.
    private let onWrite: @Sendable (String, [String]) -> Void

    /// The audit table's definition, from the data model.
    public static let schema: TableSchema = {
        let all = (try? TableSchema.schemas(fromSQL: DataModel.schemaSQL)) ?? []
        return all.first { $0.name.lowercased() == "analytics_audit_log" }
            ?? TableSchema(name: "analytics_audit_log", columns: [
                ColumnSchema("at", .timestamp, nullable: false), ColumnSchema("subject", .string), ColumnSchema("role", .string),
                ColumnSchema("statement", .string), ColumnSchema("row_count", .int64), ColumnSchema("ms", .float64),
                ColumnSchema("status", .string),
            ], timeColumn: "at")
    }()

    public init(catalog: Catalog, logger: Logger, interval: Double = 0.1, batchRows: Int = 2000,
                onWrite: @escaping @Sendable (String, [String]) -> Void = { _, _ in }) {
        self.catalog = catalog
        self.logger = logger
        self.interval = interval
        self.batchRows = batchRows
        self.onWrite = onWrite
    }

    /// Starts the writer thread.
    public func start() {
        guard !started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let t = Thread { [self] in
            while true {
                _ = wake.wait(timeout: .now() + interval)
                flush()
                if stopping.load(ordering: .acquiring) {
                    flush()
                    break
                }
            }
            finished.signal()
        }
        t.name = "tally-audit"
        t.start()
    }

    /// Queues a record.
    public func record(_ r: AuditRecord) {
        var r = r
        if r.statement.utf8.count > AuditLog.maxStatementBytes {
            r.statement = String(decoding: r.statement.utf8.prefix(AuditLog.maxStatementBytes), as: UTF8.self) + " …(cut)"
        }
        let n = pending.withLock { p in p.append(r); return p.count }
        if n >= batchRows { wake.signal() }
    }

    /// Writes every queued record now (the writer thread calls this; tests may too).
    public func flush() {
        let batch = pending.withLock { p -> [AuditRecord] in
            let b = p
            p.removeAll(keepingCapacity: true)
            return b
        }
        guard !batch.isEmpty else { return }
        var byTenant: [String: [AuditRecord]] = [:]
        for r in batch { byTenant[r.tenant, default: []].append(r) }
        for (tenant, rows) in byTenant {
            do {
                try append(rows, tenant: tenant)
                onWrite(tenant, ["analytics_audit_log"])
            } catch {
                logger.error("audit rows could not be written", metadata: ["tenant": "\(tenant)", "rows": "\(rows.count)", "error": "\(error)"])
            }
        }
    }

    private func append(_ rows: [AuditRecord], tenant: String) throws {
        let store = try catalog.tenant(tenant)
        let table: TableStore
        if store.hasTable(AuditLog.schema.name) {
            table = try store.table(AuditLog.schema.name)
        } else {
            do { table = try store.createTable(AuditLog.schema) } catch StorageError.tableExists {
                table = try store.table(AuditLog.schema.name)
            }
        }
        let schema = table.schema
        var builders = schema.columns.map { ColumnBuilder($0.type, capacity: rows.count) }
        for r in rows {
            for (k, c) in schema.columns.enumerated() {
                let v: Value
                switch c.name.lowercased() {
                case "at": v = .timestamp(r.at)
                case "subject": v = .string(r.subject)
                case "role": v = .string(r.role)
                case "statement": v = .string(r.statement)
                case "row_count", "rows": v = .int(Int64(r.rows))
                case "ms": v = .double(r.milliseconds)
                case "status": v = .string(r.status)
                case "tenant", "client_id": v = .string(r.tenant)
                default: v = .null
                }
                // A locally altered audit table with other types gets NULLs rather than failing the batch.
                builders[k].append(Ingest.fits(v, c.type) ? v : .null)
            }
        }
        try table.append(RowBatch(columns: builders.map { $0.finish() }))
    }

    /// Writes what is queued and stops the writer thread.
    public func close() {
        guard started.load(ordering: .acquiring) else {
            flush()
            return
        }
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.signal()
        finished.wait()
    }
}

extension Ingest {
    /// Whether a value can be appended to a column of type `t` as is.
    static func fits(_ v: Value, _ t: DataType) -> Bool {
        switch (v, t) {
        case (.null, _), (.bool, .bool), (.string, .string), (.double, .float64), (.timestamp, .timestamp): return true
        case (.int, .int32), (.int, .int64), (.int, .float64): return true
        default: return false
        }
    }
}
