/// A streaming RFC 4180 CSV reader over bytes: quoted fields, doubled quotes, CRLF or LF, and
/// embedded newlines. It tracks line numbers so errors can point at the exact spot.
public struct CSVReader {
    /// One field: its bytes and whether it was quoted (a quoted empty field is an empty string, not NULL).
    public struct Field {
        public var bytes: [UInt8]
        public var quoted: Bool
        public var string: String { String(decoding: bytes, as: UTF8.self) }
    }

    private let data: [UInt8]
    private var pos = 0
    public let delimiter: UInt8
    /// The 1-based line on which the most recently returned record started.
    public private(set) var recordLine = 0
    private var line = 1

    public init(data: [UInt8], delimiter: UInt8 = UInt8(ascii: ",")) {
        self.data = data
        self.delimiter = delimiter
        // A UTF-8 byte-order mark is not part of the first field.
        if data.count >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF { pos = 3 }
    }

    /// The next record, nil at end of input; throws on an unterminated quote.
    public mutating func next(path: String) throws -> [Field]? {
        // Skip blank lines between records.
        while pos < data.count && (data[pos] == 10 || data[pos] == 13) {
            if data[pos] == 10 { line += 1 }
            pos += 1
        }
        guard pos < data.count else { return nil }
        recordLine = line
        var fields: [Field] = []
        var cur = Field(bytes: [], quoted: false)
        while true {
            guard pos < data.count else { fields.append(cur); return fields }
            let c = data[pos]
            if c == 34 && cur.bytes.isEmpty && !cur.quoted {
                cur.quoted = true
                pos += 1
                let startLine = line
                var closed = false
                while pos < data.count {
                    let q = data[pos]
                    if q == 34 {
                        if pos + 1 < data.count && data[pos + 1] == 34 { cur.bytes.append(34); pos += 2; continue }
                        pos += 1
                        closed = true
                        break
                    }
                    if q == 10 { line += 1 }
                    cur.bytes.append(q)
                    pos += 1
                }
                guard closed else {
                    throw StorageError.badValue(location: "\(path):\(startLine)", column: "#\(fields.count + 1)", detail: "unterminated quoted field")
                }
            } else if c == delimiter {
                fields.append(cur)
                cur = Field(bytes: [], quoted: false)
                pos += 1
            } else if c == 10 || c == 13 {
                if c == 13 && pos + 1 < data.count && data[pos + 1] == 10 { pos += 1 }
                pos += 1
                line += 1
                fields.append(cur)
                return fields
            } else {
                cur.bytes.append(c)
                pos += 1
            }
        }
    }
}
