import Foundation
import Synchronization

/// One tenant's table on disk: WAL + in-memory buffer for fresh rows, immutable segments for the
/// rest, a manifest naming which segments are committed.
///
/// Writes are durable when `append` returns (group commit: concurrent writers share one fsync).
/// Readers call `snapshot()` and are never blocked by writers or by flush and compaction.
/// @unchecked Sendable: every mutable field is guarded by `cond`; `maintenance` serialises flush,
/// compaction and retention, which change the segment list.
public final class TableStore: @unchecked Sendable {
    public let schema: TableSchema
    public let directory: String
    public let options: StoreOptions
    private let cache: BlockCache
    /// Problems recovery noticed and repaired (torn WAL tails); reported by `tally check`.
    public let recoveryNotes: [String]
    /// The rollups defined on the table (`<dir>/rollups`); changed only under `maintenance`.
    let rollupState: Locked<[RollupDefinition]>
    let sidecars: RollupSidecars
    var blockCache: BlockCache { cache }

    private struct Buffered {
        var firstSeq: UInt64
        var lastSeq: UInt64
        var batch: RowBatch
    }

    private let cond = NSCondition()
    private let maintenance = NSLock()
    // Guarded by cond:
    private var manifest: Manifest
    private var segments: [Segment]
    private var buffer: [Buffered] = []
    /// Buffer entries below this index are being flushed and must not be merged with newer ones.
    private var frozenCount = 0
    private var pending: [Buffered] = []
    private var nextSeq: UInt64
    private var writtenSeq: UInt64
    private var durableSeq: UInt64
    private var syncing = false
    /// The WAL file new records go to; created on the first write so opening a table writes nothing.
    private var writer: WALWriter?
    private var version: UInt64 = 1
    private var current: TableSnapshot
    private var oldestBufferedAt: Double? = nil
    private var failure: String? = nil
    private var closed = false

    var walDirectory: String { directory + "/wal" }
    var manifestPath: String { directory + "/manifest" }

    /// Creates a new, empty table directory with `schema`.
    public static func create(directory: String, schema: TableSchema, cache: BlockCache, options: StoreOptions = StoreOptions()) throws -> TableStore {
        try schema.validate()
        guard !FileIO.exists(directory + "/schema") else { throw StorageError.tableExists(tenant: "", table: schema.name) }
        try FileIO.makeDirectories(directory + "/wal")
        try FileIO.writeAtomically(directory + "/manifest", Manifest().encoded())
        // The schema file is written last: a table directory without it is an unfinished create.
        try FileIO.writeAtomically(directory + "/schema", SchemaCodec.fileBytes(schema))
        return try TableStore(directory: directory, cache: cache, options: options)
    }

    /// Opens an existing table: reads its schema and manifest, maps its segments (footers only),
    /// removes files no manifest names, and replays the WAL past the last flush into the buffer.
    public init(directory: String, cache: BlockCache, options: StoreOptions = StoreOptions()) throws {
        self.directory = directory
        self.cache = cache
        self.options = options
        let schemaPath = directory + "/schema"
        self.schema = try SchemaCodec.parseFile(try FileIO.readAll(schemaPath), path: schemaPath)
        let mpath = directory + "/manifest"
        let m = try Manifest.decode(try FileIO.readAll(mpath), path: mpath)
        var segs: [Segment] = []
        for e in m.segments {
            let s = try Segment(path: directory + "/" + e.name, cache: cache)
            guard s.rowCount == e.rows else {
                throw StorageError.corrupt(path: s.path, detail: "holds \(s.rowCount) rows, manifest says \(e.rows)")
            }
            guard s.schema.columns == schema.columns else {
                throw StorageError.corrupt(path: s.path, detail: "segment schema differs from the table's")
            }
            segs.append(s)
        }
        let named = Set(m.segments.map(\.name))
        for f in try FileIO.list(directory) where (f.hasSuffix(".seg") && !named.contains(f)) || f.hasSuffix(".tmp") {
            try FileIO.remove(directory + "/" + f)
        }
        let rollupPath = directory + "/rollups"
        let defs = FileIO.exists(rollupPath) ? try RollupCatalogFile.decode(try FileIO.readAll(rollupPath), path: rollupPath) : []
        try RollupSidecars.removeOrphans(directory: directory, segments: named, defs: defs)
        self.rollupState = Locked(defs)
        self.sidecars = RollupSidecars(directory: directory)
        try FileIO.makeDirectories(directory + "/wal")
        let walDir = directory + "/wal"
        let rec = try WALReader.recover(directory: walDir)
        self.recoveryNotes = rec.notes
        var buf: [Buffered] = []
        var last = m.walFlushedSeq
        for r in rec.records where r.seq > m.walFlushedSeq {
            guard r.batch.columns.count == schema.columns.count,
                  zip(r.batch.columns, schema.columns).allSatisfy({ $0.type == $1.type }) else {
                throw StorageError.corrupt(path: walDir, detail: "record \(r.seq) does not match the table schema")
            }
            buf.append(Buffered(firstSeq: r.seq, lastSeq: r.seq, batch: r.batch))
            last = max(last, r.seq)
        }
        self.manifest = m
        self.segments = segs
        self.nextSeq = last + 1
        self.writtenSeq = last
        self.durableSeq = last
        self.writer = nil
        // Consolidate replayed records so queries do not walk thousands of tiny batches.
        if !buf.isEmpty {
            let merged = RowBatch.concat(buf.map(\.batch))
            buf = [Buffered(firstSeq: buf.first!.firstSeq, lastSeq: buf.last!.lastSeq, batch: merged)]
            oldestBufferedAt = Date().timeIntervalSince1970
        }
        self.buffer = buf
        self.current = TableSnapshot(schema: schema, segments: segs, buffer: buf.map(\.batch), version: 1)
        try removeFlushedWALFiles(upTo: m.walFlushedSeq)
    }

    // MARK: reading

    /// The table as of now: committed segments and acknowledged buffered rows.
    public func snapshot() -> TableSnapshot {
        cond.lock()
        defer { cond.unlock() }
        return current
    }

    /// The current data version (changes whenever the table's contents change).
    public var dataVersion: UInt64 { snapshot().version }

    // MARK: writing

    /// Checks a batch against the schema: column count and types, NOT NULL columns.
    public func validate(_ batch: RowBatch) throws {
        guard batch.columns.count == schema.columns.count else {
            throw StorageError.schemaMismatch(detail: "table \(schema.name) has \(schema.columns.count) columns, batch has \(batch.columns.count)")
        }
        for (c, s) in zip(batch.columns, schema.columns) {
            guard c.type == s.type else {
                throw StorageError.schemaMismatch(detail: "column \(s.name) of \(schema.name) is \(s.type), batch has \(c.type)")
            }
            if !s.nullable && c.nullCount > 0 {
                let row = (0..<c.count).first { !c.isValid($0) } ?? 0
                throw StorageError.badValue(location: "row \(row + 1)", column: s.name, detail: "NULL in a NOT NULL column")
            }
        }
    }

    /// Appends rows durably: when this returns they are in the fsynced WAL and visible to new snapshots.
    /// Returns the WAL sequence number of the write.
    @discardableResult
    public func append(_ batch: RowBatch) throws -> UInt64 {
        try validate(batch)
        guard batch.count > 0 else { return 0 }
        let (payload, crc) = WALFormat.payload(batch)
        cond.lock()
        defer { cond.unlock() }
        if closed { throw StorageError.closed("table \(schema.name)") }
        if let failure { throw StorageError.closed("table \(schema.name) after a failed write (\(failure))") }
        let seq = nextSeq
        if writer == nil { writer = try WALWriter(path: walDirectory + "/" + WALFormat.fileName(firstSeq: seq)) }
        try writer!.append(header: WALFormat.header(seq: seq, payloadLength: payload.count, payloadCRC: crc), payload: payload)
        nextSeq += 1
        writtenSeq = seq
        pending.append(Buffered(firstSeq: seq, lastSeq: seq, batch: batch))
        // Group commit: one writer fsyncs for everyone who wrote before it started.
        while durableSeq < seq {
            if syncing {
                cond.wait()
                continue
            }
            guard let w = writer else {
                // Only a flush clears the writer, and it makes everything written durable first.
                preconditionFailure("unsynced WAL records without a WAL file")
            }
            syncing = true
            let target = writtenSeq
            cond.unlock()
            var syncError: Error? = nil
            do { try w.sync() } catch { syncError = error }
            cond.lock()
            syncing = false
            if let syncError {
                // After a failed fsync the page cache state is unknown: refuse further writes.
                failure = "\(syncError)"
                cond.broadcast()
                throw syncError
            }
            durableSeq = max(durableSeq, target)
            publishDurable()
            cond.broadcast()
        }
        return seq
    }

    /// Moves durable pending writes into the buffer and publishes a new snapshot. Caller holds cond.
    private func publishDurable() {
        var moved = false
        while let p = pending.first, p.lastSeq <= durableSeq {
            pending.removeFirst()
            buffer.append(p)
            moved = true
            // Binary-counter merging keeps the buffer at O(log n) batches for any write size.
            while buffer.count - frozenCount >= 2 && buffer[buffer.count - 2].batch.count <= buffer[buffer.count - 1].batch.count {
                let b = buffer.removeLast(), a = buffer.removeLast()
                buffer.append(Buffered(firstSeq: a.firstSeq, lastSeq: b.lastSeq, batch: RowBatch.concat([a.batch, b.batch])))
            }
        }
        if moved {
            if oldestBufferedAt == nil { oldestBufferedAt = Date().timeIntervalSince1970 }
            republish()
        }
    }

    /// Replaces the current snapshot. Caller holds cond.
    private func republish() {
        version += 1
        current = TableSnapshot(schema: schema, segments: segments, buffer: buffer.map(\.batch), version: version)
    }

    // MARK: flush, bulk load, compaction, retention

    /// Whether the buffer is due for a flush by size or age.
    public var needsFlush: Bool {
        cond.lock()
        defer { cond.unlock() }
        let rows = buffer.reduce(0) { $0 + $1.batch.count }
        guard rows > 0 else { return false }
        if rows >= options.flushRows { return true }
        if let t = oldestBufferedAt, Date().timeIntervalSince1970 - t >= options.flushAgeSeconds { return true }
        return false
    }

    /// Writes the buffered rows into a new segment, commits it in the manifest and trims the WAL.
    public func flush() throws {
        maintenance.lock()
        defer { maintenance.unlock() }
        cond.lock()
        // Records written but not yet fsynced sit in the current WAL file: make them durable and
        // publish them before rotating, or a waiting writer would later fsync the wrong file.
        while syncing { cond.wait() }
        if writtenSeq > durableSeq, let w = writer {
            do { try w.sync() } catch {
                failure = "\(error)"
                cond.broadcast()
                cond.unlock()
                throw error
            }
            durableSeq = writtenSeq
            publishDurable()
            cond.broadcast()
        }
        let taken = buffer
        frozenCount = taken.count
        // New writes go to a fresh WAL file so the flushed one can be deleted once covered.
        if !taken.isEmpty {
            // The next write opens a new file; pending fsyncs keep their own reference to this one.
            writer = nil
        }
        cond.unlock()
        guard let lastSeq = taken.last?.lastSeq else { return }
        let batch = RowBatch.concat(taken.map(\.batch))
        do {
            let seg = try writeSegment(batch)
            try commitManifest { m in
                m.segments.append(.init(name: seg.name, rows: seg.rowCount))
                m.walFlushedSeq = lastSeq
            } apply: {
                segments.append(seg)
                buffer.removeFirst(taken.count)
                frozenCount = 0
                oldestBufferedAt = buffer.isEmpty ? nil : Date().timeIntervalSince1970
            }
        } catch {
            cond.lock()
            frozenCount = 0
            cond.unlock()
            throw error
        }
        try removeFlushedWALFiles(upTo: lastSeq)
    }

    /// Deletes WAL files whose every record is covered by segments (≤ `seq`).
    private func removeFlushedWALFiles(upTo seq: UInt64) throws {
        let files = try FileIO.list(walDirectory).filter { $0.hasSuffix(".wal") }
        let starts = files.map { UInt64($0.dropLast(4), radix: 16) ?? 0 }
        cond.lock()
        let active = writer?.path
        cond.unlock()
        for i in 0..<files.count {
            let path = walDirectory + "/" + files[i]
            guard path != active, i + 1 < files.count else { continue }
            // File i holds sequences below the first sequence of file i+1.
            if starts[i + 1] - 1 <= seq { try FileIO.remove(path) }
        }
    }

    /// Loads rows straight into new segments, bypassing the WAL: all or nothing, one manifest commit.
    public func bulkLoad(_ batches: [RowBatch]) throws {
        for b in batches { try validate(b) }
        try bulkLoad { emit in for b in batches { try emit(b) } }
    }

    /// Streams rows into new segments as `produce` emits them, committing them all in one manifest
    /// swap when it returns. If `produce` or a write throws, the new files are deleted and the table
    /// is unchanged. Returns the number of rows loaded.
    @discardableResult
    public func bulkLoad(_ produce: (_ emit: (RowBatch) throws -> Void) throws -> Void) throws -> Int {
        let load = beginBulkLoad()
        do {
            try produce { try load.add($0) }
            return try load.commit()
        } catch {
            load.abort()
            throw error
        }
    }

    /// Starts a bulk load: rows added to it go straight into new segments, invisible until `commit`.
    public func beginBulkLoad() -> BulkLoad { BulkLoad(table: self) }

    /// A unique name for a segment file not yet committed.
    func reserveSegmentName() -> String {
        cond.lock()
        defer { cond.unlock() }
        let name = Manifest.segmentName(manifest.nextSegmentNumber)
        manifest.nextSegmentNumber += 1
        return name
    }

    /// Replaces the manifest with `change` applied to the current one and, once that is durable,
    /// runs `apply` (under the lock) and publishes a new snapshot. Caller holds `maintenance`.
    func commitManifest(_ change: (inout Manifest) -> Void, apply: () -> Void) throws {
        cond.lock()
        var m = manifest
        cond.unlock()
        change(&m)
        m.generation += 1
        try FileIO.writeAtomically(manifestPath, m.encoded())
        cond.lock()
        // Names reserved meanwhile by a bulk load keep counting up.
        m.nextSegmentNumber = max(m.nextSegmentNumber, manifest.nextSegmentNumber)
        manifest = m
        apply()
        republish()
        cond.unlock()
    }

    /// Writes a segment of `batch` under a fresh name and opens it.
    func writeSegment(_ batch: RowBatch) throws -> Segment {
        let name = reserveSegmentName()
        do {
            try SegmentWriter.write(batch, schema: schema, to: directory + "/" + name, rowGroupRows: options.rowGroupRows)
            // Sidecars are durable before the segment can be committed by any manifest.
            try sidecars.write(batch: batch, segment: name, source: schema, defs: rollupDefinitions, cache: cache, rowGroupRows: options.rowGroupRows)
            return try Segment(path: directory + "/" + name, cache: cache)
        } catch {
            try? FileIO.remove(directory + "/" + name)
            sidecars.remove(segments: [name])
            throw error
        }
    }

    /// Commits segments written by a bulk load with one manifest replace.
    func commitBulk(_ segs: [Segment]) throws {
        guard !segs.isEmpty else { return }
        maintenance.lock()
        defer { maintenance.unlock() }
        try commitManifest { m in
            m.segments.append(contentsOf: segs.map { .init(name: $0.name, rows: $0.rowCount) })
        } apply: {
            segments.append(contentsOf: segs)
        }
    }

    /// Merges small segments into larger ones (sorted by time) when enough of them have gathered.
    /// Returns the number of segments merged away.
    @discardableResult
    public func compact(force: Bool = false) throws -> Int {
        maintenance.lock()
        defer { maintenance.unlock() }
        cond.lock()
        let small = segments.filter { $0.rowCount < options.compactBelowRows }
        cond.unlock()
        guard small.count >= (force ? 2 : options.compactMinSegments) else { return 0 }
        var merged: [Segment] = []
        var group: [Segment] = []
        var rows = 0
        var newSegs: [Segment] = []
        do {
            func emit() throws {
                guard group.count >= 2 else { group = []; rows = 0; return }
                let batch = RowBatch.concat(try group.map { try $0.readAll() })
                newSegs.append(try writeSegment(batch))
                merged.append(contentsOf: group)
                group = []
                rows = 0
            }
            for s in small {
                if rows + s.rowCount > options.segmentRows { try emit() }
                group.append(s)
                rows += s.rowCount
            }
            try emit()
            guard !merged.isEmpty else { return 0 }
            let goneNames = Set(merged.map(\.name))
            let goneIDs = Set(merged.map(\.id))
            try commitManifest { m in
                m.segments.removeAll { goneNames.contains($0.name) }
                m.segments.append(contentsOf: newSegs.map { .init(name: $0.name, rows: $0.rowCount) })
            } apply: {
                segments.removeAll { goneIDs.contains($0.id) }
                segments.append(contentsOf: newSegs)
            }
        } catch {
            for s in newSegs { try? FileIO.remove(s.path) }
            sidecars.remove(segments: newSegs.map(\.name))
            throw error
        }
        // Open snapshots keep their mappings alive; unlinking does not disturb them.
        for s in merged {
            s.evictFromCache()
            try FileIO.remove(s.path)
        }
        sidecars.remove(segments: merged.map(\.name))
        return merged.count
    }

    /// Drops whole segments whose newest row is older than the table's TTL. Returns rows dropped.
    @discardableResult
    public func applyRetention(now: Int64) throws -> Int {
        guard let ttl = schema.ttlMicros else { return 0 }
        maintenance.lock()
        defer { maintenance.unlock() }
        cond.lock()
        let expired = segments.filter { s in s.timeRange.map { $0.upperBound < now - ttl } ?? false }
        cond.unlock()
        guard !expired.isEmpty else { return 0 }
        let gone = Set(expired.map(\.name))
        try commitManifest { m in
            m.segments.removeAll { gone.contains($0.name) }
        } apply: {
            segments.removeAll { gone.contains($0.name) }
        }
        for s in expired {
            s.evictFromCache()
            try FileIO.remove(s.path)
        }
        sidecars.remove(segments: expired.map(\.name))
        return expired.reduce(0) { $0 + $1.rowCount }
    }

    /// Runs due maintenance: flush by size or age, then compaction, then retention.
    public func maintain(now: Int64) throws {
        if needsFlush { try flush() }
        try compact()
        try applyRetention(now: now)
    }

    /// Runs `body` with flush, compaction and retention held off.
    func withMaintenance<T>(_ body: () throws -> T) rethrows -> T {
        maintenance.lock()
        defer { maintenance.unlock() }
        return try body()
    }

    /// Stops accepting writes. Buffered rows stay safe in the WAL.
    public func close() {
        cond.lock()
        closed = true
        cond.unlock()
    }

    /// Re-verifies every committed file: manifest, schema and every segment chunk.
    public func verify() -> [String] {
        let snap = snapshot()
        var problems = recoveryNotes
        for s in snap.segments { problems.append(contentsOf: s.verify()) }
        problems.append(contentsOf: verifyRollups(snap))
        return problems
    }
}
