/// The contact-center data model that ships with Tally.
public enum DataModel {
    /// The text of `schema.sql`: one `CREATE TABLE` per table, applied to every new tenant.
    public static let schemaSQL: String = String(decoding: PackageResources.schema_sql, as: UTF8.self)
}
