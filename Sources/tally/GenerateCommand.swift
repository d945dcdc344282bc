import ArgumentParser
import Foundation
import Synchronization
import TallyAnalytics
import TallyGen
import TallyStorage

/// `tally generate`: writes a deterministic, realistic multi-tenant store (and optionally CSVs).
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a realistic contact-center store: every table of the data model for many tenants."
    )

    @Option(name: .long, help: "Data directory to write (created; tenants already in it are left alone).")
    var data: String?
    @Option(name: .long, help: "Total agent_metrics rows across tenants (other tables scale with it).")
    var rows: Int = 1_000_000
    @Option(name: .long, help: "Number of tenants (sizes follow a Zipf-like law).")
    var tenants: Int = 50
    @Option(name: .long, help: "Days of history.")
    var days: Int = 365
    @Option(name: .long, help: "Random seed: the same seed gives the same data.")
    var seed: UInt64 = 1
    @Option(name: .long, help: "Also write one CSV per table (with a client_id column) into this directory.")
    var csv: String?
    @Option(name: .long, help: "Tenants generated at once (default: one per core).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: .long, help: "Instead of data, write the generator's expected hourly arrivals per tenant (calendar, and × the day's busyness) to this CSV.")
    var expectedArrivals: String?

    func run() throws {
        if let path = expectedArrivals {
            try writeExpectedArrivals(to: path)
            return
        }
        guard let data else { throw ValidationError("--data is required (the directory to generate into)") }
        // Generation churns through large short-lived batches; keeping freed memory in the process
        // instead of returning it to the kernel (and faulting it back) saves about a fifth of the time.
        _ = glibcMallopt(-1, 512 << 20) // M_TRIM_THRESHOLD
        _ = glibcMallopt(-3, 64 << 20)  // M_MMAP_THRESHOLD
        let report = try StoreGenerator.generate(data: data, rows: rows, tenants: tenants, days: days, seed: seed, csv: csv, threads: threads) { line in
            print(line)
        }
        print(report.summary)
    }

    /// One row per tenant and hour: client_id, hour (UTC), expected_calendar, expected_with_busyness.
    private func writeExpectedArrivals(to path: String) throws {
        let gen = Generator(config: GeneratorConfig(seed: seed, tenants: tenants, callRows: rows, days: days, start: GeneratorConfig.defaultStart))
        var out = "client_id,hour,expected_calendar,expected_with_busyness\n"
        for plan in gen.tenants {
            let e = gen.expectedArrivals(tenant: plan)
            for h in e.calendar.indices {
                let at = Value.timestamp((e.startSeconds + Int64(h) * 3600) * 1_000_000)
                out += "\(plan.id),\(at),\(e.calendar[h]),\(e.withBusyness[h])\n"
            }
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(out.utf8)) else {
            throw ValidationError("cannot write --expected-arrivals file \(path)")
        }
    }
}

/// Generates into a store: tenants in parallel (largest first), each table bulk-loaded.
enum StoreGenerator {
    struct Report {
        var rowsPerTable: [String: Int] = [:]
        var seconds = 0.0
        var bytesPerTable: [String: Int] = [:]

        var summary: String {
            let calls = rowsPerTable["agent_metrics"] ?? 0
            let total = rowsPerTable.values.reduce(0, +)
            var lines = ["generated \(total) rows (\(calls) agent_metrics) in \(String(format: "%.1f", seconds)) s: "
                + String(format: "%.0f agent_metrics rows/s, %.0f rows/s over all tables", Double(calls) / seconds, Double(total) / seconds)]
            for t in rowsPerTable.keys.sorted() {
                let r = rowsPerTable[t]!, b = bytesPerTable[t] ?? 0
                lines.append(String(format: "  %-24@ %12d rows %12d bytes  %6.2f bytes/row", t as NSString, r, b, r > 0 ? Double(b) / Double(r) : 0))
            }
            return lines.joined(separator: "\n")
        }
    }

    static func generate(data: String, rows: Int, tenants: Int, days: Int, seed: UInt64, start: Int64 = GeneratorConfig.defaultStart, csv: String?, threads: Int,
                         progress: @escaping @Sendable (String) -> Void) throws -> Report {
        let began = Date()
        // One sync at the end instead of an fsync per file: generation builds a new store in one go.
        FileIO.deferDurability(true)
        defer {
            FileIO.syncAll()
            FileIO.deferDurability(false)
        }
        let catalog = try Catalog(root: data)
        let gen = Generator(config: GeneratorConfig(seed: seed, tenants: tenants, callRows: rows, days: days, start: start))
        let schemas = Dictionary(uniqueKeysWithValues: DataModel.tableSchemas.map { ($0.name, $0) })
        let writer = try csv.map { try CSVTableWriter(directory: $0, schemas: DataModel.tableSchemas.filter { Generator.tableNames.contains($0.name) }) }
        // Largest tenants first so the last worker does not start a giant alone.
        let plans = gen.tenants.sorted { $0.index < $1.index }
        let next = Atomic<Int>(0)
        let totals = Mutex<[String: Int]>([:])
        let failure = Mutex<String?>(nil)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, plans.count))) { _ in
            while failure.withLock({ $0 == nil }) {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < plans.count else { return }
                let plan = plans[i]
                do {
                    let store = try catalog.createTenant(plan.id, schemas: DataModel.tableSchemas)
                    // Rollups first, so every segment the load writes gets its partials beside it.
                    try DataModel.installRollups(catalog: catalog, tenant: plan.id)
                    var loads: [String: BulkLoad] = [:]
                    var counts: [String: Int] = [:]
                    try gen.generate(tenant: plan, schemas: schemas) { table, batch in
                        if loads[table] == nil { loads[table] = try store.table(table).beginBulkLoad() }
                        try loads[table]!.add(batch)
                        counts[table, default: 0] += batch.count
                        try writer?.write(table: table, clientID: plan.id, batch: batch)
                    }
                    for (_, l) in loads { try l.commit() }
                    totals.withLock { t in for (k, v) in counts { t[k, default: 0] += v } }
                    progress("tenant \(plan.id): \(counts["agent_metrics"] ?? 0) calls")
                } catch {
                    failure.withLock { $0 = "tenant \(plan.id): \(error)" }
                }
            }
        }
        try writer?.close()
        FileIO.syncAll()
        if let f = failure.withLock({ $0 }) { throw ValidationError("generation failed: \(f)") }
        var report = Report()
        report.rowsPerTable = totals.withLock { $0 }
        report.seconds = Date().timeIntervalSince(began)
        for t in catalog.tenants {
            let dir = data + "/tenants/" + t
            for table in (try? FileIO.list(dir)) ?? [] {
                let files = (try? FileIO.list(dir + "/" + table)) ?? []
                let bytes = files.filter { $0.hasSuffix(".seg") }.reduce(0) { $0 + ((try? FileIO.size(dir + "/" + table + "/" + $1)) ?? 0) }
                report.bytesPerTable[table, default: 0] += bytes
            }
        }
        return report
    }
}

/// glibc's mallopt (malloc.h is not part of the Glibc module map).
@_silgen_name("mallopt")
func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
