/// Plain: the column's values at native width (bool 1 byte, int32 4, int64/timestamp/double 8),
/// exactly as ColumnData holds them, NULL slots 0. Uncompressed, decode returns a view into the
/// chunk; under LZ4 the payload decompresses straight into the decoded column's memory.
/// Never used for strings (their codes mean nothing without a dictionary).
enum PlainEncoding {
    /// Bytes of the values section for `count` rows of `type`.
    static func valueBytes(_ type: DataType, count: Int) -> Int { count * type.width }

    /// The values of `column`, with NULL slots zeroed.
    static func body(_ column: ColumnData) -> [UInt8] {
        let n = valueBytes(column.type, count: column.count)
        var out = [UInt8](column.values.prefix(n))
        if let bm = column.validity, column.nullCount > 0 {
            let w = column.type.width
            for i in 0..<column.count where !Validity.isValid(bm, i) {
                for k in 0..<w { out[i * w + k] = 0 }
            }
        }
        return out
    }

    /// Checks that the payload is exactly the values (then, if present, the bitmap).
    static func check(_ h: ChunkHeader, bodyEnd: Int) throws {
        guard h.type != .string else { throw corrupt("plain chunk for a string column") }
        let n = valueBytes(h.type, count: h.count)
        let expected = h.hasValidity ? roundUp8(n) : n
        guard bodyEnd == expected else { throw corrupt("plain body of \(bodyEnd) bytes, expected \(expected)") }
    }
}
