/// A batch of rows flowing between operators: equally long column vectors.
public struct Batch: Sendable {
    public var columns: [ColumnData]
    public var count: Int

    public init(columns: [ColumnData], count: Int) {
        self.columns = columns
        self.count = count
    }

    /// The rows at `indices` of every column.
    public func gather(_ indices: UnsafeBufferPointer<Int32>) -> Batch {
        Batch(columns: columns.map { $0.gather(indices) }, count: indices.count)
    }

    /// Bytes the batch's vectors occupy (values, bitmaps, dictionaries), for memory accounting.
    public var byteCount: Int {
        columns.reduce(0) { $0 + $1.count * $1.type.width + ($1.validity == nil ? 0 : ($1.count + 7) / 8) + ($1.dictionary?.byteCount ?? 0) }
    }

    /// Rows `range` of every column (zero-copy when aligned).
    public func slice(_ range: Range<Int>) -> Batch {
        Batch(columns: columns.map { $0.view(range) }, count: range.count)
    }
}

/// Helpers that turn expression values into typed vectors and build result vectors.
enum Vectors {
    /// A vector holding `value` `count` times.
    static func constant(_ value: Value, _ type: DataType, count: Int) -> ColumnData {
        let (mem, vOff) = ColumnData.allocate(type: type, count: count)
        if value.isNull {
            // All NULL: bitmap stays zero.
            return ColumnData(type: type, count: count, adopting: mem, validityOffset: vOff, nullCount: count,
                              dictionary: type == .string ? StringDictionary([]) : nil)
        }
        switch (type, value) {
        case (.bool, _):
            let b: UInt8 = (value == .bool(true) || value == .int(1)) ? 1 : 0
            mem.initializeMemory(as: UInt8.self, repeating: b, count: count)
        case (.int32, _): mem.initializeMemory(as: Int32.self, repeating: Int32(truncatingIfNeeded: intValue(value)), count: count)
        case (.int64, _), (.timestamp, _): mem.initializeMemory(as: Int64.self, repeating: intValue(value), count: count)
        case (.float64, _): mem.initializeMemory(as: Double.self, repeating: doubleValue(value), count: count)
        case (.string, _):
            mem.initializeMemory(as: UInt32.self, repeating: 0, count: count)
            return ColumnData(type: .string, count: count, adopting: mem, validityOffset: vOff, nullCount: 0,
                              dictionary: StringDictionary([stringValue(value)]))
        }
        return ColumnData(type: type, count: count, adopting: mem, validityOffset: vOff, nullCount: 0, dictionary: nil)
    }

    /// The value as a full vector of `count` rows and type `type` (constants are expanded).
    static func materialize(_ v: ExprValue, count: Int) -> ColumnData {
        switch v {
        case .vector(let c): return c
        case .constant(let value, let t): return constant(value, t, count: count)
        }
    }

    static func intValue(_ v: Value) -> Int64 {
        switch v {
        case .int(let i), .timestamp(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .double(let d): return Int64(d.rounded(.toNearestOrAwayFromZero))
        default: return 0
        }
    }

    static func doubleValue(_ v: Value) -> Double {
        switch v {
        case .int(let i), .timestamp(let i): return Double(i)
        case .bool(let b): return b ? 1 : 0
        case .double(let d): return d
        default: return 0
        }
    }

    static func stringValue(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return v.description
    }

    /// An integer-typed vector widened to Int64 (int64 and timestamp columns are returned as they are).
    static func int64(_ c: ColumnData) -> ColumnData {
        switch c.type {
        case .int64, .timestamp: return c
        case .int32:
            let (mem, vOff) = ColumnData.allocate(type: .int64, count: c.count)
            let d = mem.assumingMemoryBound(to: Int64.self)
            let s = c.int32s
            for i in 0..<c.count { d[i] = Int64(s[i]) }
            return withValidity(c, .int64, mem, vOff)
        case .bool:
            let (mem, vOff) = ColumnData.allocate(type: .int64, count: c.count)
            let d = mem.assumingMemoryBound(to: Int64.self)
            let s = c.bools
            for i in 0..<c.count { d[i] = Int64(s[i]) }
            return withValidity(c, .int64, mem, vOff)
        case .float64:
            let (mem, vOff) = ColumnData.allocate(type: .int64, count: c.count)
            let d = mem.assumingMemoryBound(to: Int64.self)
            let s = c.float64s
            for i in 0..<c.count { d[i] = s[i].isFinite ? Int64(s[i].rounded(.toNearestOrAwayFromZero)) : 0 }
            return withValidity(c, .int64, mem, vOff)
        case .string:
            preconditionFailure("string vector used as an integer")
        }
    }

    /// A numeric vector converted to Double.
    static func float64(_ c: ColumnData) -> ColumnData {
        if c.type == .float64 { return c }
        let (mem, vOff) = ColumnData.allocate(type: .float64, count: c.count)
        let d = mem.assumingMemoryBound(to: Double.self)
        switch c.type {
        case .int32: let s = c.int32s; for i in 0..<c.count { d[i] = Double(s[i]) }
        case .bool: let s = c.bools; for i in 0..<c.count { d[i] = Double(s[i]) }
        case .int64, .timestamp: let s = c.int64s; for i in 0..<c.count { d[i] = Double(s[i]) }
        default: preconditionFailure("string vector used as a number")
        }
        return withValidity(c, .float64, mem, vOff)
    }

    /// Copies `src`'s validity into freshly allocated `mem` and wraps it.
    static func withValidity(_ src: ColumnData, _ type: DataType, _ mem: UnsafeMutableRawPointer, _ vOff: Int, dictionary: StringDictionary? = nil) -> ColumnData {
        if let v = src.validity {
            (mem + vOff).copyMemory(from: v.baseAddress!, byteCount: Validity.byteCount(src.count))
        }
        return ColumnData(type: type, count: src.count, adopting: mem, validityOffset: vOff, nullCount: src.nullCount, dictionary: dictionary)
    }

    /// Writes the AND of the validity of `inputs` into the bitmap at `dst`; returns the null count.
    static func combineValidity(_ inputs: [ColumnData], count: Int, into dst: UnsafeMutableRawPointer) -> Int {
        let withNulls = inputs.compactMap(\.validity)
        guard !withNulls.isEmpty else { return 0 }
        let n = Validity.byteCount(count)
        let d = dst.assumingMemoryBound(to: UInt8.self)
        d.update(from: withNulls[0].baseAddress!.assumingMemoryBound(to: UInt8.self), count: n)
        for v in withNulls.dropFirst() {
            let s = v.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n { d[i] &= s[i] }
        }
        return Validity.nullCount(UnsafeRawBufferPointer(start: dst, count: n), count: count)
    }

    /// Marks row `i` NULL in a bitmap that currently says it is valid; returns 1 if it changed.
    @inline(__always)
    static func clear(_ bm: UnsafeMutablePointer<UInt8>, _ i: Int) -> Int {
        let mask = UInt8(1) << UInt8(i & 7)
        let was = bm[i >> 3] & mask
        bm[i >> 3] &= ~mask
        return was != 0 ? 1 : 0
    }

    /// Sets every bit of a bitmap (all rows valid).
    static func setAll(_ dst: UnsafeMutableRawPointer, count: Int) {
        dst.initializeMemory(as: UInt8.self, repeating: 0xFF, count: Validity.byteCount(count))
    }
}
