import ArgumentParser
import TallyAnalytics
import TallyStorage

/// `tally load`: loads a CSV file (header row, schema-checked) into one tenant's table, all or nothing.
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Load a CSV file into a table. A bad value is reported with file, line and column, and nothing is loaded."
    )

    @Option(name: .long, help: "The data directory.")
    var data: String
    @Option(name: .long, help: "The tenant (created with the contact-center data model if new).")
    var tenant: String
    @Option(name: .long, help: "The table to load into.")
    var table: String
    @Option(name: .long, help: "For multi-tenant exports: the column naming each row's tenant; only this tenant's rows are loaded.")
    var tenantColumn: String?
    @Option(name: .long, help: "Field delimiter.")
    var delimiter: String = ","
    @Argument(help: "The CSV file.")
    var file: String

    func run() throws {
        guard delimiter.utf8.count == 1 else { throw ValidationError("--delimiter must be one character") }
        let catalog = try Catalog(root: data)
        let store = try catalog.createTenant(tenant, schemas: DataModel.tableSchemas)
        try DataModel.installRollups(catalog: catalog, tenant: tenant)
        guard store.hasTable(table) else {
            throw ValidationError("table \(table) does not exist for tenant \(tenant) (tables: \(store.tableNames().joined(separator: ", ")))")
        }
        let r = try CSVLoader.load(path: file, into: try store.table(table), tenantColumn: tenantColumn, tenant: tenant,
                                   delimiter: delimiter.utf8.first!)
        print("loaded \(r.rows) rows into \(tenant).\(table)" + (r.skipped > 0 ? " (\(r.skipped) rows of other tenants skipped)" : ""))
    }
}
