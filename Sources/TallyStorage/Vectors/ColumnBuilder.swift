/// Accumulates one column's values row by row and produces an immutable ColumnData.
public struct ColumnBuilder: Sendable {
    public let type: DataType
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var codes: [UInt32] = []
    private var dictIndex: [String: UInt32] = [:]
    private var dictStrings: [String] = []
    private var valid: [Bool] = []
    private var nulls = 0

    public init(_ type: DataType, capacity: Int = 0) {
        self.type = type
        switch type {
        case .float64: doubles.reserveCapacity(capacity)
        case .string: codes.reserveCapacity(capacity)
        default: ints.reserveCapacity(capacity)
        }
        valid.reserveCapacity(capacity)
    }

    /// Rows appended so far.
    public var count: Int { valid.count }

    /// Whether the most recently appended row holds a value.
    public var lastIsValid: Bool { valid.last ?? false }

    public mutating func appendNull() {
        switch type {
        case .float64: doubles.append(0)
        case .string: codes.append(0)
        default: ints.append(0)
        }
        valid.append(false)
        nulls += 1
    }

    /// Appends an integer (bool, int32, int64, timestamp columns).
    public mutating func append(integer v: Int64) {
        precondition(type.isIntegral, "integer appended to \(type) column")
        ints.append(v)
        valid.append(true)
    }

    public mutating func append(double v: Double) {
        precondition(type == .float64, "double appended to \(type) column")
        doubles.append(v)
        valid.append(true)
    }

    public mutating func append(string s: String) {
        precondition(type == .string, "string appended to \(type) column")
        if let c = dictIndex[s] {
            codes.append(c)
        } else {
            let c = UInt32(dictStrings.count)
            dictIndex[s] = c
            dictStrings.append(s)
            codes.append(c)
        }
        valid.append(true)
    }

    /// Appends a Value already checked to match the column type (ints go to float64 columns as doubles).
    public mutating func append(_ v: Value) {
        switch v {
        case .null: appendNull()
        case .bool(let b): append(integer: b ? 1 : 0)
        case .int(let i): if type == .float64 { append(double: Double(i)) } else { append(integer: i) }
        case .timestamp(let t): append(integer: t)
        case .double(let d): append(double: d)
        case .string(let s): append(string: s)
        }
    }

    /// The finished column.
    public func finish() -> ColumnData {
        let n = count
        let (mem, vOff) = ColumnData.allocate(type: type, count: n)
        switch type {
        case .bool:
            let p = mem.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n { p[i] = ints[i] != 0 ? 1 : 0 }
        case .int32:
            let p = mem.assumingMemoryBound(to: Int32.self)
            for i in 0..<n { p[i] = Int32(truncatingIfNeeded: ints[i]) }
        case .int64, .timestamp:
            ints.withUnsafeBytes { if n > 0 { mem.copyMemory(from: $0.baseAddress!, byteCount: n * 8) } }
        case .float64:
            doubles.withUnsafeBytes { if n > 0 { mem.copyMemory(from: $0.baseAddress!, byteCount: n * 8) } }
        case .string:
            codes.withUnsafeBytes { if n > 0 { mem.copyMemory(from: $0.baseAddress!, byteCount: n * 4) } }
        }
        if nulls > 0 {
            let bm = mem.advanced(by: vOff).assumingMemoryBound(to: UInt8.self)
            for i in 0..<n where valid[i] { bm[i >> 3] |= 1 << UInt8(i & 7) }
        }
        return ColumnData(type: type, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls,
                          dictionary: type == .string ? StringDictionary(dictStrings) : nil)
    }
}

extension ColumnData {
    /// A column from Values (convenience for tests and small inserts).
    public static func from(_ type: DataType, _ values: [Value]) -> ColumnData {
        var b = ColumnBuilder(type, capacity: values.count)
        for v in values { b.append(v) }
        return b.finish()
    }

    /// A column from typed integers with an optional per-row validity.
    public static func fromIntegers(_ type: DataType, _ v: [Int64], valid: [Bool]? = nil) -> ColumnData {
        precondition(type.isIntegral)
        let n = v.count
        let (mem, vOff) = allocate(type: type, count: n)
        switch type {
        case .bool: for i in 0..<n { mem.storeBytes(of: v[i] != 0 ? 1 : 0, toByteOffset: i, as: UInt8.self) }
        case .int32: for i in 0..<n { mem.storeBytes(of: Int32(truncatingIfNeeded: v[i]), toByteOffset: i * 4, as: Int32.self) }
        default: v.withUnsafeBytes { if n > 0 { mem.copyMemory(from: $0.baseAddress!, byteCount: n * 8) } }
        }
        let nulls = fillValidity(mem, vOff, type.width, valid, n)
        return ColumnData(type: type, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: nil)
    }

    /// A float64 column from doubles with an optional per-row validity.
    public static func fromDoubles(_ v: [Double], valid: [Bool]? = nil) -> ColumnData {
        let n = v.count
        let (mem, vOff) = allocate(type: .float64, count: n)
        v.withUnsafeBytes { if n > 0 { mem.copyMemory(from: $0.baseAddress!, byteCount: n * 8) } }
        let nulls = fillValidity(mem, vOff, 8, valid, n)
        return ColumnData(type: .float64, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: nil)
    }

    /// A string column from dictionary codes into `dictionary`, with an optional per-row validity.
    public static func fromCodes(_ v: [UInt32], dictionary: StringDictionary, valid: [Bool]? = nil) -> ColumnData {
        let n = v.count
        let (mem, vOff) = allocate(type: .string, count: n)
        v.withUnsafeBytes { if n > 0 { mem.copyMemory(from: $0.baseAddress!, byteCount: n * 4) } }
        let nulls = fillValidity(mem, vOff, 4, valid, n)
        return ColumnData(type: .string, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls, dictionary: dictionary)
    }

    /// Sets the bitmap and zeroes the value slots of NULL rows, so NULLs always read as 0.
    private static func fillValidity(_ mem: UnsafeMutableRawPointer, _ vOff: Int, _ width: Int, _ valid: [Bool]?, _ n: Int) -> Int {
        guard let valid else { return 0 }
        precondition(valid.count == n)
        var nulls = 0
        let p = (mem + vOff).assumingMemoryBound(to: UInt8.self)
        for i in 0..<n {
            if valid[i] { p[i >> 3] |= 1 << UInt8(i & 7) } else {
                nulls += 1
                (mem + i * width).initializeMemory(as: UInt8.self, repeating: 0, count: width)
            }
        }
        return nulls
    }

    /// All rows as Values.
    public var allValues: [Value] { (0..<count).map { value(at: $0) } }
}
