/// Loads a CSV file with a header row into a table: every value is checked against the schema and
/// the whole file commits at once, or nothing does.
public enum CSVLoader {
    /// How a load went.
    public struct Result: Sendable, Equatable {
        public var rows: Int
        public var skipped: Int
    }

    /// Loads `path` into `table`. Header names map to columns in any order (case-insensitive);
    /// missing nullable columns are NULL. With `tenantColumn`, rows whose value in that column is not
    /// `tenant` are skipped and the column itself is not loaded (for multi-tenant exports).
    @discardableResult
    public static func load(path: String, into table: TableStore, tenantColumn: String? = nil, tenant: String? = nil,
                            delimiter: UInt8 = UInt8(ascii: ",")) throws -> Result {
        let data = try FileIO.readAll(path)
        return try load(data: data, name: path, into: table, tenantColumn: tenantColumn, tenant: tenant, delimiter: delimiter)
    }

    /// Loads CSV bytes; `name` is used in error locations.
    @discardableResult
    public static func load(data: [UInt8], name: String, into table: TableStore, tenantColumn: String? = nil, tenant: String? = nil,
                            delimiter: UInt8 = UInt8(ascii: ",")) throws -> Result {
        let schema = table.schema
        var reader = CSVReader(data: data, delimiter: delimiter)
        guard let header = try reader.next(path: name) else {
            throw StorageError.badValue(location: "\(name):1", column: "-", detail: "empty file: a header row is required")
        }
        var map: [Int?] = []   // CSV field index → schema column index
        var tenantField: Int? = nil
        var seen = Set<Int>()
        for (i, f) in header.enumerated() {
            let h = f.string.trimmingCharacters(in: .whitespaces)
            if let tc = tenantColumn, h.lowercased() == tc.lowercased(), schema.index(of: h) == nil {
                tenantField = i
                map.append(nil)
                continue
            }
            guard let c = schema.index(of: h) else {
                throw StorageError.badValue(location: "\(name):1", column: h, detail: "no such column in table \(schema.name)"
                    + (h.lowercased() == "client_id" ? " (pass the tenant column option to load one tenant's rows of a multi-tenant export)" : ""))
            }
            guard seen.insert(c).inserted else {
                throw StorageError.badValue(location: "\(name):1", column: h, detail: "column appears twice in the header")
            }
            map.append(c)
        }
        if tenantColumn != nil && tenantField == nil {
            throw StorageError.badValue(location: "\(name):1", column: tenantColumn!, detail: "tenant column not found in the header")
        }
        for (c, col) in schema.columns.enumerated() where !seen.contains(c) && !col.nullable {
            throw StorageError.badValue(location: "\(name):1", column: col.name, detail: "required column is missing from the header")
        }
        var skipped = 0
        let rows = try table.bulkLoad { emit in
            let batchRows = 65_536
            func fresh() -> [ColumnBuilder] { schema.columns.map { ColumnBuilder($0.type, capacity: batchRows) } }
            var builders = fresh()
            var n = 0
            while let rec = try reader.next(path: name) {
                let line = reader.recordLine
                guard rec.count == header.count else {
                    throw StorageError.badValue(location: "\(name):\(line)", column: "-", detail: "\(rec.count) fields, header has \(header.count)")
                }
                if let tf = tenantField, rec[tf].string != tenant { skipped += 1; continue }
                for (i, f) in rec.enumerated() {
                    guard let c = map[i] else { continue }
                    let text = f.string
                    if let err = ValueParser.append(text, quoted: f.quoted, to: &builders[c]) {
                        throw StorageError.badValue(location: "\(name):\(line)", column: schema.columns[c].name, detail: err)
                    }
                    if !schema.columns[c].nullable && !builders[c].lastIsValid {
                        throw StorageError.badValue(location: "\(name):\(line)", column: schema.columns[c].name, detail: "empty value in a NOT NULL column")
                    }
                }
                for c in schema.columns.indices where !seen.contains(c) { builders[c].appendNull() }
                n += 1
                if n == batchRows {
                    try emit(RowBatch(columns: builders.map { $0.finish() }))
                    builders = fresh()
                    n = 0
                }
            }
            if n > 0 { try emit(RowBatch(columns: builders.map { $0.finish() })) }
        }
        return Result(rows: rows, skipped: skipped)
    }
}
