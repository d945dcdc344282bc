import Foundation

/// Tunables of the write path and the cache; defaults suit a dashboard store on a small machine.
public struct StoreOptions: Sendable {
    /// Flush the in-memory buffer into a segment once it holds this many rows.
    public var flushRows = 262_144
    /// … or once its oldest row has waited this long (seconds).
    public var flushAgeSeconds = 10.0
    /// Segments smaller than this are merged by compaction.
    public var compactBelowRows = 1_048_576
    /// Compaction runs once at least this many small segments exist.
    public var compactMinSegments = 4
    /// Upper bound on rows per segment written by bulk load and compaction.
    public var segmentRows = 4_194_304
    /// Rows per row group.
    public var rowGroupRows = SegmentFormat.defaultRowGroupRows
    /// Budget of the decoded-block cache in bytes: a quarter of physical memory by default, so a
    /// dashboard's working set stays decoded (queries over cold data decode on every run).
    public var cacheBytes = Int(min(ProcessInfo.processInfo.physicalMemory / 4, 16 << 30))

    public init() {}
}
