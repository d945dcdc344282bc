import Foundation

/// A group key of a rollup: a source column, or (`day`) the UTC day a timestamp column falls in.
public struct RollupKey: Sendable, Codable, Hashable {
    /// The key's column name in the rollup.
    public var name: String
    /// The source table's column.
    public var column: String
    /// True: the key is the start of the UTC day of `column` (a timestamp or BIGINT of µs).
    public var day: Bool

    public init(name: String, column: String, day: Bool = false) {
        self.name = name
        self.column = column
        self.day = day
    }
}

/// A partial aggregate a rollup keeps per group; each one merges by sum (counts, sums) or by min/max.
public enum RollupAggregate: String, Sendable, Codable, Hashable {
    case count, sum, min, max
}

/// A row filter on one measure (the `FILTER (WHERE …)` forms a rollup can keep).
public struct RollupFilter: Sendable, Codable, Hashable {
    public enum Kind: String, Sendable, Codable, Hashable {
        /// `column` (a BOOLEAN) is true.
        case isTrue
        /// `column IS NOT NULL`.
        case isNotNull
        /// `column = value` (VARCHAR column, string constant; NULL never matches).
        case equals
        /// `column <> value` (VARCHAR column, string constant; NULL never matches).
        case notEquals
    }
    public var kind: Kind
    public var column: String
    public var value: String?

    public init(_ kind: Kind, column: String, value: String? = nil) {
        self.kind = kind
        self.column = column
        self.value = value
    }
}

/// One measure of a rollup: `aggregate(column) [FILTER (WHERE filter)]`; `count` without a column is count(*).
public struct RollupMeasure: Sendable, Codable, Hashable {
    public var name: String
    public var aggregate: RollupAggregate
    public var column: String?
    public var filter: RollupFilter?

    public init(name: String, aggregate: RollupAggregate, column: String?, filter: RollupFilter? = nil) {
        self.name = name
        self.aggregate = aggregate
        self.column = column
        self.filter = filter
    }
}

/// A rollup (materialized view) over one table: partial aggregates grouped by keys, kept per
/// segment in a sidecar file and merged at query time.
public struct RollupDefinition: Sendable, Codable, Hashable {
    public var name: String
    public var keys: [RollupKey]
    public var measures: [RollupMeasure]
    /// The statement that defined it, for SHOW / DESCRIBE (informational).
    public var sql: String

    public init(name: String, keys: [RollupKey], measures: [RollupMeasure], sql: String = "") {
        self.name = name
        self.keys = keys
        self.measures = measures
        self.sql = sql
    }

    /// Eight hex digits identifying the definition's keys and measures: sidecars carry it in their
    /// name, so a view redefined under the same name never reads partials of the old definition.
    public var fingerprint: String {
        var text = name.lowercased()
        for k in keys { text += "|k:\(k.name.lowercased()):\(k.column.lowercased()):\(k.day)" }
        for m in measures {
            text += "|m:\(m.name.lowercased()):\(m.aggregate.rawValue):\(m.column?.lowercased() ?? "*")"
            if let f = m.filter { text += ":\(f.kind.rawValue):\(f.column.lowercased()):\(f.value ?? "")" }
        }
        let crc = Checksum.crc32c(Array(text.utf8))
        let hex = String(crc, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Same name, keys and measures (the defining text may differ).
    public func sameRollup(as other: RollupDefinition) -> Bool {
        name.lowercased() == other.name.lowercased() && keys == other.keys && measures == other.measures
    }

    /// Checks the definition against the source table; throws a StorageError naming the problem.
    public func validate(against source: TableSchema) throws {
        func fail(_ why: String) -> StorageError { .invalidSchema(table: name, reason: why) }
        guard Identifier.isValid(name) else { throw StorageError.invalidName(kind: "materialized view", name: name) }
        guard !measures.isEmpty else { throw fail("a materialized view needs at least one aggregate") }
        var seen = Set<String>()
        for n in keys.map(\.name) + measures.map(\.name) {
            guard Identifier.isValid(n) else { throw StorageError.invalidName(kind: "column", name: n) }
            guard seen.insert(n.lowercased()).inserted else { throw fail("column \(n) is defined twice") }
        }
        for k in keys {
            guard let i = source.index(of: k.column) else { throw fail("key \(k.column) is not a column of \(source.name)") }
            let t = source.columns[i].type
            if k.day {
                guard t == .timestamp || t == .int64 else { throw fail("date_trunc('day', \(k.column)) needs a TIMESTAMP column, \(k.column) is \(t)") }
            } else {
                guard t != .float64 else { throw fail("key \(k.column) is DOUBLE; group keys of a materialized view must be exact") }
            }
        }
        for m in measures {
            if let c = m.column {
                guard let i = source.index(of: c) else { throw fail("\(m.aggregate.rawValue)(\(c)) names no column of \(source.name)") }
                let t = source.columns[i].type
                switch m.aggregate {
                case .count: break
                case .sum: guard t == .int32 || t == .int64 || t == .float64 else { throw fail("sum(\(c)) needs a number, \(c) is \(t)") }
                case .min, .max: guard t != .string else { throw fail("\(m.aggregate.rawValue)(\(c)) of VARCHAR is not kept by materialized views") }
                }
            } else {
                guard m.aggregate == .count else { throw fail("\(m.aggregate.rawValue)(*) is not an aggregate") }
            }
            if let f = m.filter {
                guard let i = source.index(of: f.column) else { throw fail("FILTER of \(m.name) names no column \(f.column)") }
                let t = source.columns[i].type
                switch f.kind {
                case .isTrue: guard t == .bool else { throw fail("FILTER (WHERE \(f.column)) needs a BOOLEAN column") }
                case .isNotNull: break
                case .equals, .notEquals:
                    guard t == .string, f.value != nil else { throw fail("FILTER of \(m.name) compares VARCHAR \(f.column) with a string constant only") }
                }
            }
        }
    }

    /// The schema of the partial rows: keys (day keys as TIMESTAMP), then one column per measure.
    public func partialSchema(source: TableSchema) throws -> TableSchema {
        try validate(against: source)
        var cols: [ColumnSchema] = []
        for k in keys {
            let c = source.columns[source.index(of: k.column)!]
            cols.append(ColumnSchema(k.name, k.day ? .timestamp : c.type, nullable: c.nullable))
        }
        for m in measures {
            let t = m.column.map { source.columns[source.index(of: $0)!].type }
            switch m.aggregate {
            case .count: cols.append(ColumnSchema(m.name, .int64, nullable: false))
            case .sum: cols.append(ColumnSchema(m.name, t == .float64 ? .float64 : .int64))
            case .min, .max: cols.append(ColumnSchema(m.name, t!))
            }
        }
        let time = keys.first(where: \.day)?.name
        return TableSchema(name: name, columns: cols, timeColumn: time)
    }
}

/// The file `<table>/rollups`: the table's rollup definitions as JSON behind a magic and a CRC-32C.
enum RollupCatalogFile {
    static let magic = Array("TLYROL1\n".utf8)

    static func encode(_ defs: [RollupDefinition]) throws -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let body = Array(try enc.encode(defs))
        var w = ByteWriter()
        w.raw(magic)
        w.u32(Checksum.crc32c(body))
        w.raw(body)
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], path: String) throws -> [RollupDefinition] {
        guard bytes.count >= 12, Array(bytes[0..<8]) == magic else { throw StorageError.corrupt(path: path, detail: "not a rollup catalog (bad magic)") }
        let crc = UInt32(bytes[8]) | UInt32(bytes[9]) << 8 | UInt32(bytes[10]) << 16 | UInt32(bytes[11]) << 24
        let body = Array(bytes[12...])
        guard Checksum.crc32c(body) == crc else { throw StorageError.corrupt(path: path, detail: "rollup catalog checksum mismatch") }
        do { return try JSONDecoder().decode([RollupDefinition].self, from: Data(body)) } catch {
            throw StorageError.corrupt(path: path, detail: "rollup catalog does not decode: \(error)")
        }
    }
}
