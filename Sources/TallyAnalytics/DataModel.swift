import TallyQuery

/// The contact-center data model that ships with Tally.
public enum DataModel {
    /// The text of `schema.sql`: one `CREATE TABLE` per table, applied to every new tenant.
    public static let schemaSQL: String = String(decoding: PackageResources.schema_sql, as: UTF8.self)
}

extension DataModel {
    /// The tables of `schema.sql` as storage schemas (parsed once).
    public static let tableSchemas: [TableSchema] = {
        do { return try TableSchema.schemas(fromSQL: schemaSQL) } catch {
            preconditionFailure("schema.sql does not parse: \(error)")
        }
    }()

    /// The schema of one data-model table.
    public static func schema(_ name: String) -> TableSchema? {
        tableSchemas.first { $0.name == name.lowercased() }
    }
}
