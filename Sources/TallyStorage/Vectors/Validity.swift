/// Helpers for validity bitmaps: bit i (LSB first) is 1 when row i holds a value, 0 when it is NULL.
public enum Validity {
    /// Bytes needed for a bitmap of `count` rows.
    @inlinable public static func byteCount(_ count: Int) -> Int { (count + 7) >> 3 }

    /// Whether row i is valid in `bitmap`.
    @inlinable public static func isValid(_ bitmap: UnsafeRawBufferPointer, _ i: Int) -> Bool {
        (bitmap[i >> 3] >> UInt8(i & 7)) & 1 == 1
    }

    /// Number of NULL rows among the first `count` of `bitmap`.
    public static func nullCount(_ bitmap: UnsafeRawBufferPointer, count: Int) -> Int {
        var valid = 0
        let full = count >> 3
        for i in 0..<full { valid &+= bitmap[i].nonzeroBitCount }
        let rest = count & 7
        if rest > 0 { valid &+= (bitmap[full] & UInt8((1 << rest) - 1)).nonzeroBitCount }
        return count - valid
    }

    /// Packs booleans into a bitmap.
    public static func pack(_ valid: [Bool]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount(valid.count))
        for (i, v) in valid.enumerated() where v { out[i >> 3] |= 1 << UInt8(i & 7) }
        return out
    }
}
