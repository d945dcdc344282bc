import Synchronization

/// Versions of in-memory snapshots: far above any table's own, and never the same twice.
private let inMemoryVersions = Atomic<UInt64>(1 << 62)

/// A consistent, immutable view of a table for one query: its segments and the durable buffered
/// rows at the moment it was taken. Writers never change a snapshot; readers never block writers.
public final class TableSnapshot: Sendable {
    public let schema: TableSchema
    public let segments: [Segment]
    /// Acknowledged rows not yet in a segment, oldest first.
    public let buffer: [RowBatch]
    /// Grows with every change of the table's contents; equal versions mean equal contents.
    public let version: UInt64

    init(schema: TableSchema, segments: [Segment], buffer: [RowBatch], version: UInt64) {
        self.schema = schema
        self.segments = segments
        self.buffer = buffer
        self.version = version
    }

    /// A snapshot of rows computed in memory (system tables such as `tally_tables`): no segments,
    /// and a version that never repeats, so that nothing caches an answer built on it.
    public static func inMemory(schema: TableSchema, rows: RowBatch) -> TableSnapshot {
        TableSnapshot(schema: schema, segments: [], buffer: rows.count > 0 ? [rows] : [], version: inMemoryVersions.add(1, ordering: .relaxed).newValue)
    }

    /// Rows in segments plus the buffer.
    public var rowCount: Int { segments.reduce(0) { $0 + $1.rowCount } + bufferRows }
    /// Rows in the buffer.
    public var bufferRows: Int { buffer.reduce(0) { $0 + $1.count } }

    /// Every row, decoded (tests and small tables only).
    public func readAll() throws -> RowBatch {
        var parts = try segments.map { try $0.readAll() }
        parts.append(contentsOf: buffer)
        if parts.isEmpty { return RowBatch(columns: schema.columns.map { ColumnBuilder($0.type).finish() }) }
        return RowBatch.concat(parts)
    }
}
