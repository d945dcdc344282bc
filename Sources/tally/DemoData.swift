import Foundation
import TallyAnalytics
import TallyGen
import TallyQuery
import TallyStorage

/// The store `tally demo` opens: five tenants of generated contact-center data covering the 60 days
/// up to the current hour, so queries about "the last 7 days" find data. The REPL opens the largest tenant.
enum DemoData {
    /// The tenant the demo REPL opens (the generator's largest).
    static let tenant = "t01"
    static let days = 60

    /// True when `path` holds a complete demo store.
    static func isComplete(at path: String) -> Bool {
        guard FileIO.exists(path + "/catalog"), let catalog = try? Catalog(root: path), catalog.hasTenant(tenant),
              let store = try? catalog.tenant(tenant), store.hasTable("agent_metrics"),
              let rows = try? store.table("agent_metrics").snapshot().rowCount else { return false }
        return rows > 0
    }

    /// Generates the demo store at `path` (an unfinished earlier attempt is replaced).
    static func create(at path: String) throws {
        if FileIO.exists(path) { try FileIO.removeTree(path) }
        // The data runs up to the current hour, so that the live queries (agents by status, today's
        // queue) have something to show "now", not only up to last midnight.
        let hour: Int64 = 3_600_000_000
        let end = Timestamp.floorDivMod(Int64(Date().timeIntervalSince1970 * 1_000_000), hour).0 * hour
        _ = try StoreGenerator.generate(data: path, rows: 250_000, tenants: 5, days: days, seed: 7,
                                        start: end - Int64(days) * Timestamp.microsPerDay, csv: nil,
                                        threads: ProcessInfo.processInfo.activeProcessorCount) { _ in }
    }
}
