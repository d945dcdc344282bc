import ArgumentParser
import Foundation
import TallyAnalytics
import TallyStorage

/// `tally rollups`: installs the built-in materialized views on every tenant that lacks them and
/// builds the partials of segments written before they existed (one pass over those segments).
struct RollupsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollups",
        abstract: "Define the built-in rollups on every tenant and build missing per-segment partials (stores from before rollups)."
    )

    @Option(name: .long, help: "The data directory.")
    var data: String

    func run() throws {
        let catalog = try Catalog(root: data)
        let began = Date()
        var built = 0
        for t in catalog.tenants {
            try DataModel.installRollups(catalog: catalog, tenant: t)
            let store = try catalog.tenant(t)
            for name in store.tableNames() {
                let table = try store.table(name)
                guard !table.rollupDefinitions.isEmpty else { continue }
                let n = try table.backfillRollups()
                built += n
                print("\(t).\(name): \(table.rollupDefinitions.map(\.name).joined(separator: ", ")) over \(n / table.rollupDefinitions.count) segments")
            }
        }
        print(String(format: "rollups ready (%d segment partials) in %.1f s", built, Date().timeIntervalSince(began)))
    }
}
