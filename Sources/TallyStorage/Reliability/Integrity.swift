/// Whole-store verification behind `tally check`: every catalog, schema, manifest, WAL record and
/// segment chunk is read and checksummed; each damaged file is reported by name.
public enum Integrity {
    public struct Report: Sendable {
        public var tenants = 0
        public var tables = 0
        /// One line per table with its row and segment counts.
        public var lines: [String] = []
        public var problems: [String] = []
    }

    /// Checks the data directory at `root` without modifying it (torn WAL tails are reported, not cut).
    public static func check(root: String) -> Report {
        var report = Report()
        let ids: [String]
        do {
            ids = try Catalog.decode(try FileIO.readAll(root + "/catalog"), path: root + "/catalog")
        } catch {
            report.problems.append("\(error)")
            return report
        }
        let cache = BlockCache(capacity: 1 << 26)
        for id in ids {
            report.tenants += 1
            let tdir = root + "/tenants/" + id
            let names = ((try? FileIO.list(tdir)) ?? []).filter { FileIO.isDirectory(tdir + "/" + $0) }
            for name in names {
                report.tables += 1
                let dir = tdir + "/" + name
                report.problems.append(contentsOf: checkTable(dir, cache: cache, lines: &report.lines, label: "\(id)/\(name)"))
            }
        }
        return report
    }

    static func checkTable(_ dir: String, cache: BlockCache, lines: inout [String], label: String) -> [String] {
        var problems: [String] = []
        let schema: TableSchema
        do { schema = try SchemaCodec.parseFile(try FileIO.readAll(dir + "/schema"), path: dir + "/schema") } catch {
            return ["\(error)"]
        }
        var manifest = Manifest()
        do { manifest = try Manifest.decode(try FileIO.readAll(dir + "/manifest"), path: dir + "/manifest") } catch {
            problems.append("\(error)")
        }
        var rows = 0
        for e in manifest.segments {
            let path = dir + "/" + e.name
            do {
                let seg = try Segment(path: path, cache: cache)
                if seg.rowCount != e.rows { problems.append("\(path): holds \(seg.rowCount) rows, manifest says \(e.rows)") }
                if seg.schema.columns != schema.columns { problems.append("\(path): schema differs from the table's") }
                problems.append(contentsOf: seg.verify())
                rows += seg.rowCount
            } catch {
                problems.append("\(error)")
            }
        }
        // Rollups: the definitions file, and every sidecar present for a committed segment (a missing
        // one is not damage: it is built from its segment on first use).
        if FileIO.exists(dir + "/rollups") {
            do {
                let defs = try RollupCatalogFile.decode(try FileIO.readAll(dir + "/rollups"), path: dir + "/rollups")
                for e in manifest.segments {
                    for d in defs {
                        let path = dir + "/" + RollupSidecars.fileName(segment: e.name, def: d)
                        guard FileIO.exists(path) else { continue }
                        do { problems.append(contentsOf: try Segment(path: path, cache: cache).verify()) } catch { problems.append("\(error)") }
                    }
                }
            } catch {
                problems.append("\(error)")
            }
        }
        var walRows = 0
        do {
            let rec = try WALReader.recover(directory: dir + "/wal", truncateTornTail: false)
            for n in rec.notes { problems.append("torn WAL tail (unacknowledged write, repaired on next open): \(n)") }
            walRows = rec.records.filter { $0.seq > manifest.walFlushedSeq }.reduce(0) { $0 + $1.batch.count }
        } catch {
            problems.append("\(error)")
        }
        lines.append("\(label): \(rows) rows in \(manifest.segments.count) segments, \(walRows) rows in the WAL (schema \(schema.columns.count) columns)")
        return problems
    }
}
