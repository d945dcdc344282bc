/// One scalar value of any Tally type; used at the edges (literals, results, tests), never per row in scans.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// UTC microseconds since the Unix epoch.
    case timestamp(Int64)
    case string(String)

    /// True when the value is SQL NULL.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var description: String {
        switch self {
        case .null: return "NULL"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .timestamp(let t): return Timestamp.format(t)
        case .string(let s): return s
        }
    }
}
