/// A field value of an InfluxDB line-protocol point.
public enum FieldValue: Sendable, Equatable {
    /// `12i`
    case integer(Int64)
    /// `12u`
    case unsigned(UInt64)
    /// `12`, `1.5`, `-3e2` (a number without a suffix is a float, as in InfluxDB)
    case float(Double)
    /// `"text"`
    case string(String)
    /// `t`, `true`, `F`, `FALSE`, …
    case boolean(Bool)

    /// The kind of value, for messages.
    public var kindName: String {
        switch self {
        case .integer: return "an integer"
        case .unsigned: return "an unsigned integer"
        case .float: return "a float"
        case .string: return "a string"
        case .boolean: return "a boolean"
        }
    }
}

/// One point: measurement (the table), tags and fields (columns), optional timestamp in nanoseconds.
public struct Point: Sendable, Equatable {
    public var measurement: String
    public var tags: [(String, String)]
    public var fields: [(String, FieldValue)]
    public var timestampNanos: Int64?

    public static func == (a: Point, b: Point) -> Bool {
        a.measurement == b.measurement && a.timestampNanos == b.timestampNanos
            && a.tags.count == b.tags.count && zip(a.tags, b.tags).allSatisfy { $0 == $1 }
            && a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}

/// Why a point did not parse, and the 1-based byte column of the spot.
public struct PointSyntaxError: Error, Sendable, Equatable {
    public var message: String
    public var column: Int
}

/// A parser for InfluxDB line protocol (v2 syntax): `measurement[,tag=v…] field=v[,field=v…] [ns]`.
/// Escapes: `\,` and `\ ` in measurements; `\,`, `\=` and `\ ` in tag keys, tag values and
/// field keys; `\"` and `\\` in string field values. A backslash before anything else is itself.
public enum LineProtocol {
    public static func parse(_ line: String) throws(PointSyntaxError) -> Point {
        var p = Cursor(bytes: Array(line.utf8))
        return try p.point()
    }

    struct Cursor {
        let bytes: [UInt8]
        var i = 0

        func fail(_ m: String) -> PointSyntaxError { PointSyntaxError(message: m, column: i + 1) }

        var atEnd: Bool { i >= bytes.count }

        /// Reads an escaped name up to one of `stops` (unescaped).
        mutating func name(stops: Set<UInt8>, escapable: Set<UInt8>, what: String) throws(PointSyntaxError) -> String {
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\\"), i + 1 < bytes.count, escapable.contains(bytes[i + 1]) {
                    out.append(bytes[i + 1])
                    i += 2
                    continue
                }
                if stops.contains(c) { break }
                if c == 0x0A || c == 0x0D { throw fail("line break inside \(what)") }
                out.append(c)
                i += 1
            }
            guard !out.isEmpty else { throw fail("empty \(what)") }
            return String(decoding: out, as: UTF8.self)
        }

        mutating func point() throws(PointSyntaxError) -> Point {
            let comma = UInt8(ascii: ","), space = UInt8(ascii: " "), eq = UInt8(ascii: "=")
            guard !atEnd else { throw fail("empty line (a point is measurement[,tag=value…] field=value[,…] [timestamp])") }
            if bytes[0] == UInt8(ascii: "#") { throw fail("comment lines are not points") }
            let measurement = try name(stops: [comma, space], escapable: [comma, space], what: "measurement")
            var tags: [(String, String)] = []
            while !atEnd, bytes[i] == comma {
                i += 1
                let k = try name(stops: [eq, comma, space], escapable: [comma, eq, space], what: "tag key")
                guard !atEnd, bytes[i] == eq else { throw fail("expected '=' after tag key \(k)") }
                i += 1
                let v = try name(stops: [comma, space, eq], escapable: [comma, eq, space], what: "tag value")
                if !atEnd, bytes[i] == eq { throw fail("unescaped '=' in tag value") }
                tags.append((k, v))
            }
            guard !atEnd, bytes[i] == space else { throw fail("expected a space and the fields after the measurement and tags") }
            i += 1
            var fields: [(String, FieldValue)] = []
            repeat {
                if !fields.isEmpty { i += 1 }
                let k = try name(stops: [eq, comma, space], escapable: [comma, eq, space], what: "field key")
                guard !atEnd, bytes[i] == eq else { throw fail("expected '=' after field key \(k)") }
                i += 1
                fields.append((k, try fieldValue()))
            } while !atEnd && bytes[i] == comma
            var ts: Int64? = nil
            if !atEnd {
                guard bytes[i] == space else { throw fail("expected ',' or a space after a field value") }
                i += 1
                let start = i
                if !atEnd, bytes[i] == UInt8(ascii: "-") { i += 1 }
                while !atEnd, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
                let text = String(decoding: bytes[start..<i], as: UTF8.self)
                guard let v = Int64(text) else { i = start; throw fail("the timestamp must be an integer number of nanoseconds") }
                guard atEnd else { throw fail("unexpected text after the timestamp") }
                ts = v
            }
            return Point(measurement: measurement, tags: tags, fields: fields, timestampNanos: ts)
        }

        mutating func fieldValue() throws(PointSyntaxError) -> FieldValue {
            guard !atEnd else { throw fail("missing field value") }
            if bytes[i] == UInt8(ascii: "\"") {
                i += 1
                var out: [UInt8] = []
                while true {
                    guard !atEnd else { throw fail("unterminated string field value") }
                    let c = bytes[i]
                    if c == UInt8(ascii: "\\"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") || bytes[i + 1] == UInt8(ascii: "\\") {
                        out.append(bytes[i + 1])
                        i += 2
                        continue
                    }
                    i += 1
                    if c == UInt8(ascii: "\"") { break }
                    out.append(c)
                }
                return .string(String(decoding: out, as: UTF8.self))
            }
            let start = i
            while !atEnd, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: " ") { i += 1 }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            switch text {
            case "t", "T", "true", "True", "TRUE": return .boolean(true)
            case "f", "F", "false", "False", "FALSE": return .boolean(false)
            default: break
            }
            let errorAt = start
            if text.hasSuffix("i"), let v = Int64(text.dropLast()) { return .integer(v) }
            if text.hasSuffix("u"), let v = UInt64(text.dropLast()) { return .unsigned(v) }
            if let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: ".") || (first >= 48 && first <= 57),
               let d = Double(text), d.isFinite {
                return .float(d)
            }
            i = errorAt
            throw fail("invalid field value \"\(text.prefix(40))\" (numbers 1.5, integers 1i, unsigned 1u, strings \"x\", booleans true/false)")
        }
    }
}
