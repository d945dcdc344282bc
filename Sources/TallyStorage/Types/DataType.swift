/// The physical and logical column types Tally stores.
public enum DataType: UInt8, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case bool = 1
    case int32 = 2
    case int64 = 3
    case float64 = 4
    /// UTC microseconds since the Unix epoch, stored as Int64.
    case timestamp = 5
    /// UTF-8 text, stored as dictionary codes (UInt32) plus a dictionary.
    case string = 6

    /// Bytes per value in a decoded vector (string columns hold UInt32 dictionary codes).
    @inlinable public var width: Int {
        switch self {
        case .bool: return 1
        case .int32, .string: return 4
        case .int64, .float64, .timestamp: return 8
        }
    }

    /// True for the types whose values are integers in memory (bool, int32, int64, timestamp).
    @inlinable public var isIntegral: Bool {
        switch self {
        case .bool, .int32, .int64, .timestamp: return true
        case .float64, .string: return false
        }
    }

    /// The SQL spelling of the type.
    public var description: String {
        switch self {
        case .bool: return "BOOLEAN"
        case .int32: return "INTEGER"
        case .int64: return "BIGINT"
        case .float64: return "DOUBLE"
        case .timestamp: return "TIMESTAMP"
        case .string: return "VARCHAR"
        }
    }

    /// Parses a SQL type name (PostgreSQL/DuckDB spellings), or nil if unknown.
    public init?(sqlName: String) {
        switch sqlName.lowercased() {
        case "bool", "boolean": self = .bool
        case "int", "int4", "integer", "int32", "smallint", "int2", "tinyint": self = .int32
        case "bigint", "int8", "int64": self = .int64
        case "double", "float8", "float", "real", "float4", "float64", "double precision", "numeric", "decimal": self = .float64
        case "timestamp", "timestamptz", "timestamp with time zone", "datetime": self = .timestamp
        case "varchar", "text", "string", "char": self = .string
        default: return nil
        }
    }
}
