/// Constant: one value for the whole chunk (or stream), nothing per row.
///
/// As a chunk kind the payload is the value's 8-byte pattern (sign-extended integer or double
/// bits), or for strings a dictionary section with one entry; a chunk whose rows are all NULL
/// is constant with no validity bitmap and, for strings, an empty dictionary.
enum ConstantEncoding {
    /// Writes `value` (truncated to T) to `count` slots.
    @inline(__always)
    static func fill<T: FixedWidthInteger>(_ out: UnsafeMutablePointer<T>, count: Int, value: UInt64) {
        out.update(repeating: T(truncatingIfNeeded: value), count: count)
    }

    /// True when every value has the same bit pattern.
    static func isConstant(_ values: UnsafeBufferPointer<UInt64>) -> Bool {
        guard let first = values.first else { return true }
        var diff: UInt64 = 0
        for v in values { diff |= v ^ first }
        return diff == 0
    }

    /// The payload of a constant chunk of a non-string type.
    static func body(_ value: UInt64) -> [UInt8] {
        var w = ByteWriter(capacity: 8)
        w.u64(value)
        return w.bytes
    }

    /// Decodes a constant chunk of a non-string type into `memory` (the column's value area).
    static func decode(_ body: UnsafeRawBufferPointer, type: DataType, count: Int, allNull: Bool,
                       into memory: UnsafeMutableRawPointer) throws {
        guard body.count == 8 else { throw corrupt("constant chunk body has \(body.count) bytes, expected 8") }
        let v = allNull ? 0 : body.u64(0)
        switch type {
        case .bool: fill(memory.assumingMemoryBound(to: UInt8.self), count: count, value: v)
        case .int32: fill(memory.assumingMemoryBound(to: UInt32.self), count: count, value: v)
        case .int64, .timestamp, .float64: fill(memory.assumingMemoryBound(to: UInt64.self), count: count, value: v)
        case .string: throw corrupt("string constant without a dictionary")
        }
    }
}
