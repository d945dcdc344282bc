import Foundation

/// Parses text fields (CSV, line protocol) into typed column values, with messages that say why a value is rejected.
public enum ValueParser {
    /// Appends the text `s` to `builder` as a value of the builder's type; empty unquoted text is NULL.
    /// Returns an error message instead of throwing so callers can add their own location.
    public static func append(_ s: String, quoted: Bool, to builder: inout ColumnBuilder) -> String? {
        if s.isEmpty && !(quoted && builder.type == .string) {
            builder.appendNull()
            return nil
        }
        switch builder.type {
        case .string:
            builder.append(string: s)
        case .bool:
            switch s.lowercased() {
            case "true", "t", "1", "yes", "y": builder.append(integer: 1)
            case "false", "f", "0", "no", "n": builder.append(integer: 0)
            default: return "'\(s)' is not a boolean (use true or false)"
            }
        case .int32:
            guard let v = Int64(s.trimmingCharacters(in: .whitespaces)) else { return "'\(s)' is not an integer" }
            guard v >= Int64(Int32.min) && v <= Int64(Int32.max) else { return "\(v) is out of range for INTEGER" }
            builder.append(integer: v)
        case .int64:
            guard let v = Int64(s.trimmingCharacters(in: .whitespaces)) else { return "'\(s)' is not an integer" }
            builder.append(integer: v)
        case .float64:
            guard let v = Double(s.trimmingCharacters(in: .whitespaces)) else { return "'\(s)' is not a number" }
            builder.append(double: v)
        case .timestamp:
            let t = s.trimmingCharacters(in: .whitespaces)
            if let v = Timestamp.parse(t) { builder.append(integer: v) } else if let v = Int64(t) { builder.append(integer: v) } else {
                return "'\(s)' is not a timestamp (use YYYY-MM-DD HH:MM:SS[.ffffff][±HH:MM])"
            }
        }
        return nil
    }
}
