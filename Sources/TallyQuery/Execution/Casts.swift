import Foundation

/// CAST between Tally types. Strings convert once per dictionary entry, not per row.
enum Casts {
    static func cast(_ v: ExprValue, to t: DataType, count n: Int) throws -> ExprValue {
        if v.type == t { return v }
        if case .constant(let c, _) = v {
            return .constant(try castValue(c, to: t), t)
        }
        guard case .vector(let c) = v else { return v }
        return .vector(try castVector(c, to: t))
    }

    /// Converts one value; throws with the offending value when it does not convert.
    static func castValue(_ v: Value, to t: DataType) throws -> Value {
        if v.isNull { return .null }
        switch (v, t) {
        case (_, .string): return .string(text(v))
        case (.string(let s), _): return try parse(s, as: t)
        case (.bool(let b), .int32), (.bool(let b), .int64): return .int(b ? 1 : 0)
        case (.bool(let b), .float64): return .double(b ? 1 : 0)
        case (.bool, .bool): return v
        case (.int(let i), .bool): return .bool(i != 0)
        case (.int(let i), .int32):
            guard i >= Int64(Int32.min) && i <= Int64(Int32.max) else { throw EvaluationError("value \(i) is out of range for INTEGER") }
            return .int(i)
        case (.int, .int64): return v
        case (.int(let i), .float64): return .double(Double(i))
        case (.int(let i), .timestamp): return .timestamp(i)
        case (.double(let d), .int32), (.double(let d), .int64):
            let r = d.rounded(.toNearestOrAwayFromZero)
            let lo: Double = t == .int32 ? Double(Int32.min) : -9.223372036854775808e18
            let hi: Double = t == .int32 ? Double(Int32.max) : 9.223372036854775807e18
            guard r.isFinite, r >= lo, r < hi || (t == .int32 && r <= hi) else { throw EvaluationError("value \(d) is out of range for \(t)") }
            return .int(Int64(r))
        case (.double(let d), .timestamp):
            // Microseconds, as for integers (quantiles of timestamps and to_timestamp compute in doubles).
            let r = d.rounded(.toNearestOrAwayFromZero)
            guard r.isFinite, r >= -9.223372036854775808e18, r < 9.223372036854775807e18 else { throw EvaluationError("value \(d) is out of range for TIMESTAMP") }
            return .timestamp(Int64(r))
        case (.double(let d), .bool): return .bool(d != 0)
        case (.double, .float64): return v
        case (.timestamp(let x), .int64): return .int(x)
        case (.timestamp, .timestamp): return v
        case (.timestamp(let x), .float64): return .double(Double(x))
        default: throw EvaluationError("cannot cast \(v) to \(t)")
        }
    }

    /// Text form of a value, as CAST(x AS VARCHAR) gives it.
    static func text(_ v: Value) -> String {
        switch v {
        case .double(let d):
            if d == d.rounded() && abs(d) < 1e15 { return String(format: "%.1f", d) }
            return "\(d)"
        default: return v.description
        }
    }

    static func parse(_ s: String, as t: DataType) throws -> Value {
        let trimmed = s.trimmingCharacters(in: .whitespaces)
        switch t {
        case .string: return .string(s)
        case .bool:
            switch trimmed.lowercased() {
            case "true", "t", "1", "yes", "y", "on": return .bool(true)
            case "false", "f", "0", "no", "n", "off": return .bool(false)
            default: break
            }
        case .int32, .int64:
            if let i = Int64(trimmed) {
                if t == .int32 && (i < Int64(Int32.min) || i > Int64(Int32.max)) { throw EvaluationError("value \(i) is out of range for INTEGER") }
                return .int(i)
            }
        case .float64:
            if let d = Double(trimmed) { return .double(d) }
        case .timestamp:
            if let ts = Timestamp.parse(trimmed) { return .timestamp(ts) }
        }
        throw EvaluationError("could not convert string '\(s)' to \(t)")
    }

    static func castVector(_ c: ColumnData, to t: DataType) throws -> ColumnData {
        let n = c.count
        if c.type == .string {
            // Parse each dictionary entry once.
            let dict = c.dictionary!
            var used = [Bool](repeating: false, count: dict.count)
            for i in 0..<n where c.isValid(i) { used[Int(c.codes[i])] = true }
            var values = [Value](repeating: .null, count: dict.count)
            for k in 0..<dict.count where used[k] { values[k] = try parse(dict[k], as: t) }
            var b = ColumnBuilder(t, capacity: n)
            for i in 0..<n { b.append(c.isValid(i) ? values[Int(c.codes[i])] : .null) }
            return b.finish()
        }
        switch t {
        case .float64: return Vectors.float64(c)
        case .int64 where c.type != .float64: return c.type == .timestamp ? retag(c, .int64) : Vectors.int64(c)
        case .timestamp where c.type == .int64: return retag(c, .timestamp)
        default:
            var b = ColumnBuilder(t, capacity: n)
            for i in 0..<n { b.append(try castValue(c.value(at: i), to: t)) }
            return b.finish()
        }
    }

    /// The same 8-byte values under another 8-byte type (timestamp ↔ int64).
    static func retag(_ c: ColumnData, _ t: DataType) -> ColumnData {
        ColumnData(type: t, count: c.count, values: c.values, validity: c.validity, nullCount: c.nullCount, dictionary: nil, owner: c)
    }
}
