import Foundation

/// Read-only tables describing the store itself, computed when a query reads them and scoped like
/// every table: a tenant session sees its own tables' figures only (the all-tenants scope tags
/// each tenant's rows with client_id).
///
/// - `tally_tables`: one row per table — rows, segments, bytes, buffered (not yet flushed) rows,
///   the time column's range, and the error of a table that cannot be opened.
/// - `tally_segments`: one row per segment file — its table, name, rows, row groups, bytes, time range.
/// - `tally_cache`: the decoded-block cache (shared by every tenant of the process) — capacity,
///   bytes and blocks held, hits and misses since start.
public enum SystemTables {
    /// The names, lowercase. They are not listed by SHOW TABLES.
    public static let names: Set<String> = ["tally_tables", "tally_segments", "tally_cache"]

    /// The schema of system table `name`, or nil when it is not one.
    public static func schema(_ name: String) -> TableSchema? {
        switch name.lowercased() {
        case "tally_tables":
            return TableSchema(name: "tally_tables", columns: [
                ColumnSchema("table_name", .string, nullable: false), ColumnSchema("rows", .int64), ColumnSchema("segments", .int64),
                ColumnSchema("row_groups", .int64), ColumnSchema("bytes", .int64), ColumnSchema("buffered_rows", .int64),
                ColumnSchema("min_time", .timestamp), ColumnSchema("max_time", .timestamp), ColumnSchema("error", .string),
            ])
        case "tally_segments":
            return TableSchema(name: "tally_segments", columns: [
                ColumnSchema("table_name", .string, nullable: false), ColumnSchema("segment", .string, nullable: false),
                ColumnSchema("rows", .int64), ColumnSchema("row_groups", .int64), ColumnSchema("bytes", .int64),
                ColumnSchema("min_time", .timestamp), ColumnSchema("max_time", .timestamp),
            ])
        case "tally_cache":
            return TableSchema(name: "tally_cache", columns: [
                ColumnSchema("capacity_bytes", .int64), ColumnSchema("bytes", .int64), ColumnSchema("blocks", .int64),
                ColumnSchema("hits", .int64), ColumnSchema("misses", .int64),
            ])
        default:
            return nil
        }
    }

    /// The rows of system table `name` for one tenant, as a snapshot.
    public static func snapshot(_ name: String, of store: TenantStore) -> TableSnapshot? {
        guard let schema = schema(name) else { return nil }
        var cols = schema.columns.map { ColumnBuilder($0.type) }
        func row(_ values: [Value]) { for (i, v) in values.enumerated() { cols[i].append(v) } }
        func time(_ t: Int64?) -> Value { t.map { .timestamp($0) } ?? .null }
        switch name.lowercased() {
        case "tally_cache":
            let s = store.blockCache.stats
            row([.int(Int64(store.blockCache.capacity)), .int(Int64(s.bytes)), .int(Int64(s.blocks)), .int(Int64(s.hits)), .int(Int64(s.misses))])
        default:
            for t in store.tableNames() {
                let table: TableStore
                do { table = try store.table(t) } catch {
                    if name.lowercased() == "tally_tables" {
                        row([.string(t), .null, .null, .null, .null, .null, .null, .null, .string("\(error)")])
                    }
                    continue
                }
                let snap = table.snapshot()
                if name.lowercased() == "tally_segments" {
                    for seg in snap.segments {
                        let r = seg.timeRange
                        row([.string(t), .string(seg.name), .int(Int64(seg.rowCount)), .int(Int64(seg.rowGroups.count)), .int(Int64(seg.byteCount)),
                             time(r?.lowerBound), time(r?.upperBound)])
                    }
                    continue
                }
                var lo: Int64? = nil, hi: Int64? = nil
                func widen(_ a: Int64, _ b: Int64) { lo = min(lo ?? a, a); hi = max(hi ?? b, b) }
                for seg in snap.segments { if let r = seg.timeRange { widen(r.lowerBound, r.upperBound) } }
                if let tc = snap.schema.timeColumnIndex {
                    for batch in snap.buffer {
                        let c = batch.columns[tc]
                        for i in 0..<batch.count { if case .timestamp(let v) = c.value(at: i) { widen(v, v) } }
                    }
                }
                row([.string(t), .int(Int64(snap.rowCount)), .int(Int64(snap.segments.count)),
                     .int(Int64(snap.segments.reduce(0) { $0 + $1.rowGroups.count })), .int(Int64(snap.segments.reduce(0) { $0 + $1.byteCount })),
                     .int(Int64(snap.bufferRows)), time(lo), time(hi), .null])
            }
        }
        return .inMemory(schema: schema, rows: RowBatch(columns: cols.map { $0.finish() }))
    }
}
