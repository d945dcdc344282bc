import Foundation
import Synchronization

/// Where a table's rollups live on disk and which sidecar segments are open.
///
/// A sidecar `seg-<n>.<view>-<fingerprint>.rollup` holds the partial rows of one segment under one
/// view, written in the segment file format (checksummed chunks and footer). It is written and
/// fsynced before the manifest that commits its segment, and deleted with it, so the committed
/// segments always have their partials; a missing one (a view defined after the segment was
/// written, or a store from before rollups existed) is built from the segment on first use.
final class RollupSidecars: Sendable {
    let directory: String
    /// Open sidecars by "<segment>|<view>" (cleared for a view when it is defined or dropped, so the
    /// fingerprint need not be recomputed per lookup).
    private let open = Locked<[String: Segment]>([:])
    /// Partial-row schemas by view name.
    let schemas = Locked<[String: TableSchema]>([:])
    /// Serialises building missing sidecars (two queries must not write the same temp file).
    private let building = Locked<Void>(())

    init(directory: String) { self.directory = directory }

    static func base(ofSegment name: String) -> String { String(name.dropLast(4)) }

    static func fileName(segment: String, def: RollupDefinition) -> String {
        base(ofSegment: segment) + "." + def.name.lowercased() + "-" + def.fingerprint + ".rollup"
    }

    static func key(segment: String, view: String) -> String { segment + "|" + view.lowercased() }

    /// Writes the partials of `batch` (the rows of `segment`) for every definition; durable on return.
    func write(batch: RowBatch, segment: String, source: TableSchema, defs: [RollupDefinition], cache: BlockCache, rowGroupRows: Int) throws {
        var done: [String] = []
        do {
            for d in defs {
                let name = RollupSidecars.fileName(segment: segment, def: d)
                let partial = try RollupAggregator.partials(of: batch, source: source, def: d)
                try SegmentWriter.write(partial, schema: try d.partialSchema(source: source), to: directory + "/" + name, rowGroupRows: rowGroupRows)
                done.append(name)
                let seg = try Segment(path: directory + "/" + name, cache: cache)
                self.open.withLock { $0[RollupSidecars.key(segment: segment, view: d.name)] = seg }
            }
        } catch {
            remove(segments: [segment])
            for n in done { try? FileIO.remove(directory + "/" + n) }
            throw error
        }
    }

    /// The sidecar of `segment` under `def`: open, read from disk, or built from the segment's rows.
    func sidecar(of segment: Segment, def: RollupDefinition, source: TableSchema, cache: BlockCache, rowGroupRows: Int) throws -> Segment {
        let key = RollupSidecars.key(segment: segment.name, view: def.name)
        if let s = open.withLock({ $0[key] }) { return s }
        return try building.withLock { _ in
            if let s = open.withLock({ $0[key] }) { return s }
            let path = directory + "/" + RollupSidecars.fileName(segment: segment.name, def: def)
            if FileIO.exists(path) {
                let s = try Segment(path: path, cache: cache)
                open.withLock { $0[key] = s }
                return s
            }
            let partial = try RollupAggregator.partials(of: try segment.readAll(), source: source, def: def)
            try SegmentWriter.write(partial, schema: try def.partialSchema(source: source), to: path, rowGroupRows: rowGroupRows)
            let s = try Segment(path: path, cache: cache)
            open.withLock { $0[key] = s }
            return s
        }
    }

    /// Forgets open sidecars whose key matches.
    private func forget(where match: (String) -> Bool) {
        let gone = open.withLock { m -> [Segment] in
            let keys = m.keys.filter(match)
            return keys.compactMap { m.removeValue(forKey: $0) }
        }
        for s in gone { s.evictFromCache() }
    }

    /// Deletes every sidecar of the named segments.
    func remove(segments: [String]) {
        let prefixes = Set(segments.map { $0 + "|" })
        forget { k in prefixes.contains(String(k[...k.firstIndex(of: "|")!])) }
        let bases = Set(segments.map { RollupSidecars.base(ofSegment: $0) + "." })
        guard let files = try? FileIO.list(directory) else { return }
        for f in files where f.hasSuffix(".rollup") {
            guard let dot = f.firstIndex(of: ".") else { continue }
            if bases.contains(String(f[...dot])) { try? FileIO.remove(directory + "/" + f) }
        }
    }

    /// Deletes the sidecars of one view (all of them, or those of another fingerprint).
    func remove(view: String) {
        let suffix = "|" + view.lowercased()
        forget { $0.hasSuffix(suffix) }
        schemas.withLock { _ = $0.removeValue(forKey: view.lowercased()) }
        guard let files = try? FileIO.list(directory) else { return }
        let marker = "." + view.lowercased() + "-"
        for f in files where f.hasSuffix(".rollup") && f.contains(marker) { try? FileIO.remove(directory + "/" + f) }
    }

    /// Removes sidecars no committed segment or current definition accounts for (an interrupted
    /// flush, compaction or bulk load, or a dropped or redefined view).
    static func removeOrphans(directory: String, segments: Set<String>, defs: [RollupDefinition]) throws {
        var wanted = Set<String>()
        for s in segments { for d in defs { wanted.insert(fileName(segment: s, def: d)) } }
        for f in try FileIO.list(directory) where f.hasSuffix(".rollup") && !wanted.contains(f) {
            try FileIO.remove(directory + "/" + f)
        }
    }
}

extension TableStore {
    /// The rollups (materialized views) defined on this table.
    public var rollupDefinitions: [RollupDefinition] { rollupState.withLock { $0 } }

    /// The named rollup, if defined on this table.
    public func rollup(named name: String) -> RollupDefinition? {
        rollupDefinitions.first { $0.name.lowercased() == name.lowercased() }
    }

    /// Defines a rollup over this table. Its partials are built for existing segments on first use
    /// (or by `backfillRollups`), and written with every new segment from now on.
    public func defineRollup(_ def: RollupDefinition) throws {
        try def.validate(against: schema)
        try withMaintenance {
            var defs = rollupDefinitions
            guard !defs.contains(where: { $0.name.lowercased() == def.name.lowercased() }) else {
                throw StorageError.invalidSchema(table: schema.name, reason: "a materialized view named \(def.name) already exists")
            }
            defs.append(def)
            // A leftover sidecar of an older definition with the same fingerprint would be reused: drop them.
            sidecars.remove(view: def.name)
            try FileIO.writeAtomically(directory + "/rollups", try RollupCatalogFile.encode(defs))
            rollupState.withLock { $0 = defs }
        }
    }

    /// Drops a rollup and its sidecars.
    public func dropRollup(named name: String) throws {
        try withMaintenance {
            var defs = rollupDefinitions
            guard defs.contains(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw StorageError.invalidSchema(table: schema.name, reason: "no materialized view named \(name)")
            }
            defs.removeAll { $0.name.lowercased() == name.lowercased() }
            try FileIO.writeAtomically(directory + "/rollups", try RollupCatalogFile.encode(defs))
            rollupState.withLock { $0 = defs }
            sidecars.remove(view: name)
        }
    }

    /// The schema of rollup `name`'s partial rows, or nil when no such rollup is defined.
    public func rollupPartialSchema(_ name: String) -> TableSchema? {
        let key = name.lowercased()
        if let s = sidecars.schemas.withLock({ $0[key] }) { return s }
        guard let def = rollup(named: name), let s = try? def.partialSchema(source: schema) else { return nil }
        sidecars.schemas.withLock { $0[key] = s }
        return s
    }

    /// The partial rows of rollup `name` as of `snapshot`: one sidecar per segment (built when missing)
    /// plus the partials of the buffered rows, computed now. Merging them gives the view.
    public func rollupSnapshot(_ name: String, of snapshot: TableSnapshot) throws -> TableSnapshot {
        guard let def = rollup(named: name), let partSchema = rollupPartialSchema(name) else {
            throw StorageError.invalidSchema(table: schema.name, reason: "no materialized view named \(name)")
        }
        let segs = try snapshot.segments.map {
            try sidecars.sidecar(of: $0, def: def, source: schema, cache: blockCache, rowGroupRows: options.rowGroupRows)
        }
        let buf = try snapshot.buffer.map { try RollupAggregator.partials(of: $0, source: schema, def: def) }
        return TableSnapshot(schema: partSchema, segments: segs, buffer: buf, version: snapshot.version)
    }

    /// Builds every missing sidecar of the committed segments (stores written before a view existed).
    /// Returns the number of segments whose partials are now on disk.
    @discardableResult
    public func backfillRollups() throws -> Int {
        let snap = snapshot()
        for d in rollupDefinitions { _ = try rollupSnapshot(d.name, of: snap) }
        return snap.segments.count * rollupDefinitions.count
    }

    /// Verifies the sidecars of the committed segments that exist on disk.
    func verifyRollups(_ snap: TableSnapshot) -> [String] {
        var problems: [String] = []
        for d in rollupDefinitions {
            for s in snap.segments {
                let path = directory + "/" + RollupSidecars.fileName(segment: s.name, def: d)
                guard FileIO.exists(path) else { continue }
                do { problems.append(contentsOf: try Segment(path: path, cache: blockCache).verify()) } catch { problems.append("\(error)") }
            }
        }
        return problems
    }
}
