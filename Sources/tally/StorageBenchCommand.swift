import ArgumentParser
import Foundation
import TallyStorage

/// `tally bench-storage`: open time and memory of a store, and single-core scan rates of encoded columns.
struct StorageBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-storage",
        abstract: "Measure store open time and RSS, and one-core scan rates of plain and bit-packed int32 columns."
    )

    @Option(name: .long, help: "A data directory to open (open time and RSS after opening).")
    var data: String?
    @Option(name: .long, help: "Rows for the scan-rate measurement (0 skips it).")
    var scanRows: Int = 50_000_000
    @Option(name: .long, help: "Print bytes per row of each column of this table (with --data).")
    var columns: String?

    func run() throws {
        if let data {
            let rssBefore = Self.rssMiB()
            let t0 = Date()
            let catalog = try Catalog(root: data)
            var tables = 0, segments = 0, rows = 0
            for t in catalog.tenants {
                let store = try catalog.tenant(t)
                for name in store.tableNames() {
                    let s = try store.table(name).snapshot()
                    tables += 1
                    segments += s.segments.count
                    rows += s.rowCount
                }
            }
            let secs = Date().timeIntervalSince(t0)
            print(String(format: "open: %d tenants, %d tables, %d segments, %d rows in %.3f s; RSS %.1f MiB (%.1f MiB before open)",
                         catalog.tenants.count, tables, segments, rows, secs, Self.rssMiB(), rssBefore))
        }
        if let data, let table = columns { try columnBreakdown(data, table) }
        if scanRows > 0 { try scanRates() }
    }

    /// Encoded bytes per row of each column of `table`, over every tenant, with the encodings used.
    func columnBreakdown(_ data: String, _ table: String) throws {
        let catalog = try Catalog(root: data)
        var bytes: [String: Int] = [:], kinds: [String: [String: Int]] = [:]
        var rows = 0
        var names: [String] = []
        for t in catalog.tenants {
            let store = try catalog.tenant(t)
            guard store.hasTable(table) else { continue }
            let snap = try store.table(table).snapshot()
            names = snap.schema.columns.map(\.name)
            for s in snap.segments {
                rows += s.rowCount
                for (g, rg) in s.rowGroups.enumerated() {
                    for (c, m) in rg.chunks.enumerated() {
                        bytes[names[c], default: 0] += m.length
                        let d = ChunkCodec.describe(s.chunkBytes(rowGroup: g, column: c)).split(separator: "(").first.map(String.init) ?? "?"
                        kinds[names[c], default: [:]][d, default: 0] += 1
                    }
                }
            }
        }
        print("\(table): \(rows) rows")
        for n in names {
            let top = (kinds[n] ?? [:]).sorted { $0.value > $1.value }.prefix(2).map { "\($0.key)×\($0.value)" }.joined(separator: ", ")
            print(String(format: "  %-24@ %7.3f bytes/row  %@", n as NSString, Double(bytes[n] ?? 0) / Double(max(rows, 1)), top as NSString))
        }
        print(String(format: "  %-24@ %7.3f bytes/row", "total" as NSString, Double(bytes.values.reduce(0, +)) / Double(max(rows, 1))))
    }

    /// Resident set size of this process in MiB.
    static func rssMiB() -> Double {
        guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        let kb = Double(line.split(separator: " ").dropFirst().first.map(String.init) ?? "0") ?? 0
        return kb / 1024
    }

    func scanRates() throws {
        let dir = NSTemporaryDirectory() + "/tally-scanbench-\(getpid())"
        try FileIO.makeDirectories(dir)
        defer { try? FileIO.removeTree(dir) }
        let cache = BlockCache(capacity: 8 << 30)
        let schema = TableSchema(name: "bench", columns: [ColumnSchema("v", .int32, nullable: false)])
        for (label, make) in [("plain (random 32-bit)", { (i: Int, r: inout UInt64) -> Int64 in r = r &* 6364136223846793005 &+ 1442695040888963407; return Int64(Int32(truncatingIfNeeded: r >> 32)) }),
                              ("bit-packed (0..999)", { (i: Int, r: inout UInt64) -> Int64 in r = r &* 6364136223846793005 &+ 1442695040888963407; return Int64((r >> 33) % 1000) })] {
            var rng: UInt64 = 42
            var segs: [Segment] = []
            var left = scanRows
            var k = 0
            while left > 0 {
                let n = min(left, 4_194_304)
                let vals = (0..<n).map { make($0, &rng) }
                let path = dir + "/s\(k).seg"
                try SegmentWriter.write(RowBatch(columns: [ColumnData.fromIntegers(.int32, vals)]), schema: schema, to: path)
                segs.append(try Segment(path: path, cache: cache))
                left -= n
                k += 1
            }
            let encoding = ChunkCodec.describe(segs[0].chunkBytes(rowGroup: 0, column: 0))
            var best = Double.infinity
            var cold = 0.0
            var checksum: Int64 = 0
            for s in segs { s.evictFromCache() }
            for pass in 0..<6 {
                // Even passes start cold (checksum + decode on first touch); odd ones read the decoded cache.
                if pass % 2 == 0 { for s in segs { s.evictFromCache() } }
                let t0 = DispatchTime.now().uptimeNanoseconds
                var sum: Int64 = 0
                for s in segs {
                    for g in 0..<s.rowGroups.count {
                        let c = try s.column(rowGroup: g, column: 0)
                        let p = c.int32s
                        var acc: Int64 = 0
                        for i in 0..<p.count { acc &+= Int64(p[i]) }
                        sum &+= acc
                    }
                }
                let secs = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                if pass % 2 == 0 { cold = max(cold, 0) == 0 ? secs : min(cold, secs) } else { best = min(best, secs) }
                checksum = sum
            }
            print(String(format: "scan %@ [%@], one core: cold (verify + decode) %.2f G values/s, warm (decoded cache) %.2f G values/s (checksum %lld)",
                         label, encoding, Double(scanRows) / cold / 1e9, Double(scanRows) / best / 1e9, checksum))
        }
    }
}
