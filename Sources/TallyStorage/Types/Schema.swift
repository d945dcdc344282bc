/// One column of a table: its name, type and whether it may hold NULL.
public struct ColumnSchema: Sendable, Codable, Hashable {
    public var name: String
    public var type: DataType
    public var nullable: Bool

    public init(_ name: String, _ type: DataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// A table's definition: columns, the time column rows are sorted by, and an optional retention.
public struct TableSchema: Sendable, Codable, Hashable {
    public var name: String
    public var columns: [ColumnSchema]
    /// Rows in every segment are sorted by this column; zone maps on it prune time ranges.
    public var timeColumn: String?
    /// Segments whose newest row is older than this many microseconds are dropped.
    public var ttlMicros: Int64?

    public init(name: String, columns: [ColumnSchema], timeColumn: String? = nil, ttlMicros: Int64? = nil) {
        self.name = name
        self.columns = columns
        self.timeColumn = timeColumn
        self.ttlMicros = ttlMicros
    }

    /// The index of the named column (case-insensitive), or nil.
    public func index(of column: String) -> Int? {
        let lower = column.lowercased()
        return columns.firstIndex { $0.name.lowercased() == lower }
    }

    /// The index of the time column, if the table has one.
    public var timeColumnIndex: Int? { timeColumn.flatMap { index(of: $0) } }

    /// Checks names and options; throws a StorageError naming the problem.
    public func validate() throws {
        guard Identifier.isValid(name) else { throw StorageError.invalidName(kind: "table", name: name) }
        guard !columns.isEmpty else { throw StorageError.invalidSchema(table: name, reason: "a table needs at least one column") }
        var seen = Set<String>()
        for c in columns {
            guard Identifier.isValid(c.name) else { throw StorageError.invalidName(kind: "column", name: c.name) }
            guard seen.insert(c.name.lowercased()).inserted else {
                throw StorageError.invalidSchema(table: name, reason: "column \(c.name) is defined twice")
            }
        }
        if let t = timeColumn {
            guard let i = index(of: t) else {
                throw StorageError.invalidSchema(table: name, reason: "time column \(t) is not a column of the table")
            }
            guard columns[i].type == .timestamp || columns[i].type == .int64 else {
                throw StorageError.invalidSchema(table: name, reason: "time column \(t) must be TIMESTAMP or BIGINT")
            }
        }
        if let ttl = ttlMicros, ttl <= 0 {
            throw StorageError.invalidSchema(table: name, reason: "ttl must be positive")
        }
    }
}

/// Rules for tenant, table and column names; they become file names, so they are strict.
public enum Identifier {
    /// Letters, digits, `_` and `-`, 1–64 characters, starting with a letter, digit or `_`.
    public static func isValid(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard !u.isEmpty, u.count <= 64, u[0] != UInt8(ascii: "-") else { return false }
        return u.allSatisfy { c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45
        }
    }
}
