import Foundation
import TallyQuery
import TallyStorage

/// A point that was refused: its 0-based index in the request and why.
public struct RejectedPoint: Sendable, Equatable {
    public var index: Int
    public var reason: String
}

/// One line of a WRITE: the text of a point, or why the line could not be read at all.
public enum PointLine: Sendable, Equatable {
    case text(String)
    case unreadable(String)
}

/// What a WRITE stored.
public struct IngestOutcome: Sendable, Equatable {
    /// Points stored.
    public var written: Int
    /// Points refused (all of them, in request order).
    public var rejected: [RejectedPoint]
    /// Tables that received rows (lowercase, sorted).
    public var tables: [String]
}

/// Turns line-protocol points into rows of a tenant's tables: measurement = table, tags and fields =
/// columns, the timestamp (nanoseconds) = the table's time column. Every point is checked against
/// the schema before anything is stored.
public enum Ingest {
    /// Validates `lines` against the tenant's tables and appends the good points durably.
    ///
    /// With `partial == false` (the default of the protocol) a single bad point stores nothing and the
    /// answer lists the bad points; with `partial == true` the good points are stored and the bad
    /// ones listed. Each table's rows go in one append (one WAL record, one fsync); when a request
    /// spans tables, every table is checked before the first is written.
    public static func write(_ lines: [PointLine], into store: TenantStore, partial: Bool,
                             now: Int64 = Int64(Date().timeIntervalSince1970 * 1_000_000)) throws -> IngestOutcome {
        var targets: [String: Target] = [:]
        var order: [String] = []
        var missing: [String: String] = [:]
        var rejected: [RejectedPoint] = []
        var accepted = 0
        for (index, line) in lines.enumerated() {
            let text: String
            switch line {
            case .unreadable(let why): rejected.append(RejectedPoint(index: index, reason: why)); continue
            case .text(let t): text = t
            }
            let point: Point
            do { point = try LineProtocol.parse(text) } catch {
                rejected.append(RejectedPoint(index: index, reason: "\(error.message) (column \(error.column))"))
                continue
            }
            let key = point.measurement.lowercased()
            if targets[key] == nil {
                if let why = missing[key] { rejected.append(RejectedPoint(index: index, reason: why)); continue }
                // A measurement that is not an identifier is answered like any missing table: the
                // store builds paths from table names, so such a name must never reach it.
                guard Identifier.isValid(key), store.hasTable(key), let table = try? store.table(key) else {
                    var why = "table \"\(point.measurement)\" does not exist"
                    if let s = NameSuggestion.closest(to: point.measurement, in: store.tableNames()) { why += " (did you mean \(s)?)" }
                    missing[key] = why
                    rejected.append(RejectedPoint(index: index, reason: why))
                    continue
                }
                targets[key] = Target(table: table)
                order.append(key)
            }
            switch row(point, schema: targets[key]!.table.schema, now: now) {
            case .failure(let why): rejected.append(RejectedPoint(index: index, reason: why.reason))
            case .success(let values):
                targets[key]!.append(values)
                accepted += 1
            }
        }
        if !rejected.isEmpty && !partial {
            return IngestOutcome(written: 0, rejected: rejected, tables: [])
        }
        var written: [String] = []
        for key in order where targets[key]!.rows > 0 {
            let t = targets[key]!
            try t.table.append(RowBatch(columns: t.builders.map { $0.finish() }))
            written.append(key)
        }
        return IngestOutcome(written: accepted, rejected: rejected, tables: written.sorted())
    }

    /// Rows being collected for one table.
    struct Target {
        let table: TableStore
        var builders: [ColumnBuilder]
        var rows = 0

        init(table: TableStore) {
            self.table = table
            self.builders = table.schema.columns.map { ColumnBuilder($0.type) }
        }

        mutating func append(_ values: [Value]) {
            for (k, v) in values.enumerated() { builders[k].append(v) }
            rows += 1
        }
    }

    /// The row of `point` in table order, or why it does not fit the schema.
    static func row(_ point: Point, schema: TableSchema, now: Int64) -> Result<[Value], PointProblem> {
        var values = [Value?](repeating: nil, count: schema.columns.count)
        func column(_ name: String) -> Result<Int, PointProblem> {
            guard let i = schema.index(of: name) else {
                var why = "table \(schema.name) has no column \"\(name)\""
                if let s = NameSuggestion.closest(to: name, in: schema.columns.map(\.name)) { why += " (did you mean \(s)?)" }
                return .fail(why)
            }
            guard values[i] == nil else { return .fail("column \(schema.columns[i].name) is given twice") }
            return .success(i)
        }
        for (k, v) in point.tags {
            switch column(k) {
            case .failure(let why): return .fail(why)
            case .success(let i):
                switch fromText(v, schema.columns[i]) {
                case .failure(let why): return .fail(why)
                case .success(let value): values[i] = value
                }
            }
        }
        for (k, f) in point.fields {
            switch column(k) {
            case .failure(let why): return .fail(why)
            case .success(let i):
                switch fromField(f, schema.columns[i]) {
                case .failure(let why): return .fail(why)
                case .success(let value): values[i] = value
                }
            }
        }
        if let ti = schema.timeColumnIndex {
            if let ns = point.timestampNanos {
                guard values[ti] == nil else {
                    return .fail("column \(schema.columns[ti].name) is given both as a field and as the point's timestamp")
                }
                let micros = Timestamp.floorDivMod(ns, 1000).0
                values[ti] = schema.columns[ti].type == .timestamp ? .timestamp(micros) : .int(micros)
            } else if values[ti] == nil {
                values[ti] = schema.columns[ti].type == .timestamp ? .timestamp(now) : .int(now)
            }
        } else if point.timestampNanos != nil {
            return .fail("table \(schema.name) has no time column; write the point without a timestamp")
        }
        var out: [Value] = []
        out.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            let c = schema.columns[i]
            let value = v ?? .null
            if value.isNull && !c.nullable { return .fail("column \(c.name) is NOT NULL and has no value") }
            out.append(value)
        }
        return .success(out)
    }

    /// A tag value or string field for a column of any type.
    static func fromText(_ s: String, _ c: ColumnSchema) -> Result<Value, PointProblem> {
        switch c.type {
        case .string: return .success(.string(s))
        case .bool:
            switch s.lowercased() {
            case "true", "t", "1", "yes", "y": return .success(.bool(true))
            case "false", "f", "0", "no", "n": return .success(.bool(false))
            default: return .fail("column \(c.name) is BOOLEAN; \"\(s.prefix(40))\" is not a boolean")
            }
        case .int32, .int64:
            guard let v = Int64(s) else { return .fail("column \(c.name) is \(c.type); \"\(s.prefix(40))\" is not an integer") }
            return checkRange(v, c)
        case .float64:
            guard let v = Double(s), v.isFinite else { return .fail("column \(c.name) is DOUBLE; \"\(s.prefix(40))\" is not a number") }
            return .success(.double(v))
        case .timestamp:
            if let t = Timestamp.parse(s) { return .success(.timestamp(t)) }
            if let t = Int64(s) { return .success(.timestamp(t)) }
            return .fail("column \(c.name) is TIMESTAMP; \"\(s.prefix(40))\" is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff] or microseconds)")
        }
    }

    static func checkRange(_ v: Int64, _ c: ColumnSchema) -> Result<Value, PointProblem> {
        if c.type == .int32 && (v < Int64(Int32.min) || v > Int64(Int32.max)) {
            return .fail("column \(c.name) is INTEGER; \(v) is out of range")
        }
        return .success(.int(v))
    }

    /// A field value for a column: numbers convert where no information is lost.
    static func fromField(_ f: FieldValue, _ c: ColumnSchema) -> Result<Value, PointProblem> {
        func refuse() -> Result<Value, PointProblem> { .fail("column \(c.name) is \(c.type); the field is \(f.kindName)") }
        switch f {
        case .string(let s):
            return fromText(s, c)
        case .boolean(let b):
            return c.type == .bool ? .success(.bool(b)) : refuse()
        case .unsigned(let u):
            guard u <= UInt64(Int64.max) else { return .fail("column \(c.name): \(u) is out of range") }
            return fromField(.integer(Int64(u)), c)
        case .integer(let i):
            switch c.type {
            case .int32, .int64: return checkRange(i, c)
            case .float64: return .success(.double(Double(i)))
            // Integer timestamp fields are microseconds, Tally's unit (the point's own timestamp is nanoseconds).
            case .timestamp: return .success(.timestamp(i))
            default: return refuse()
            }
        case .float(let d):
            switch c.type {
            case .float64: return .success(.double(d))
            case .int32, .int64:
                // Many clients write integers without the `i` suffix; accept them when exact.
                guard d.rounded() == d, abs(d) < 9.2e18 else { return .fail("column \(c.name) is \(c.type); \(d) is not an integer") }
                return checkRange(Int64(d), c)
            default: return refuse()
            }
        }
    }
}

/// Why a point does not fit its table.
struct PointProblem: Error {
    var reason: String
}

extension Result where Failure == PointProblem {
    static func fail(_ reason: String) -> Result { .failure(PointProblem(reason: reason)) }
    static func fail(_ p: PointProblem) -> Result { .failure(p) }
}
