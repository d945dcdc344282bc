/// An immutable vector of one column's values in their decoded in-memory form.
///
/// Values are stored at the type's native width (bool as UInt8 0/1, string as UInt32 dictionary
/// codes); NULL slots hold 0 and are marked in the validity bitmap. The memory is either owned
/// by this object or a view into memory kept alive by `owner` (a mapped segment file).
/// @unchecked Sendable: immutable after init, and owned memory is only freed in deinit.
public final class ColumnData: @unchecked Sendable {
    public let type: DataType
    public let count: Int
    /// `count * type.width` bytes.
    public let values: UnsafeRawBufferPointer
    /// Validity bitmap, or nil when no value is NULL.
    public let validity: UnsafeRawBufferPointer?
    public let nullCount: Int
    /// The dictionary string codes index; non-nil exactly for string columns.
    public let dictionary: StringDictionary?
    private let owner: AnyObject?
    private let owned: UnsafeMutableRawPointer?

    /// Wraps memory owned by `owner`; the caller guarantees alignment and lifetime.
    public init(type: DataType, count: Int, values: UnsafeRawBufferPointer, validity: UnsafeRawBufferPointer?,
                nullCount: Int, dictionary: StringDictionary?, owner: AnyObject?) {
        precondition(values.count >= count * type.width, "values buffer too small")
        precondition((type == .string) == (dictionary != nil), "string columns and only they carry a dictionary")
        self.type = type
        self.count = count
        self.values = values
        self.validity = nullCount == 0 ? nil : validity
        self.nullCount = nullCount
        self.dictionary = dictionary
        self.owner = owner
        self.owned = nil
    }

    /// Takes ownership of `memory` (allocated with UnsafeMutableRawPointer.allocate): values first, then the bitmap at `validityOffset`.
    public init(type: DataType, count: Int, adopting memory: UnsafeMutableRawPointer, validityOffset: Int?,
                nullCount: Int, dictionary: StringDictionary?) {
        precondition((type == .string) == (dictionary != nil), "string columns and only they carry a dictionary")
        self.type = type
        self.count = count
        self.values = UnsafeRawBufferPointer(start: memory, count: count * type.width)
        if let off = validityOffset, nullCount > 0 {
            self.validity = UnsafeRawBufferPointer(start: memory + off, count: Validity.byteCount(count))
        } else {
            self.validity = nil
        }
        self.nullCount = nullCount
        self.dictionary = dictionary
        self.owner = nil
        self.owned = memory
    }

    deinit { owned?.deallocate() }

    /// Allocates memory for `count` values plus a bitmap; returns the pointer and the bitmap's offset.
    public static func allocate(type: DataType, count: Int) -> (UnsafeMutableRawPointer, validityOffset: Int) {
        let valueBytes = (count * type.width + 7) & ~7
        let total = max(valueBytes + Validity.byteCount(count), 8)
        let p = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 16)
        p.initializeMemory(as: UInt8.self, repeating: 0, count: total)
        return (p, valueBytes)
    }

    // MARK: typed views

    @inlinable public var bools: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: values.baseAddress?.assumingMemoryBound(to: UInt8.self), count: count) }
    @inlinable public var int32s: UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: values.baseAddress?.assumingMemoryBound(to: Int32.self), count: count) }
    @inlinable public var int64s: UnsafeBufferPointer<Int64> { UnsafeBufferPointer(start: values.baseAddress?.assumingMemoryBound(to: Int64.self), count: count) }
    @inlinable public var float64s: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: values.baseAddress?.assumingMemoryBound(to: Double.self), count: count) }
    @inlinable public var codes: UnsafeBufferPointer<UInt32> { UnsafeBufferPointer(start: values.baseAddress?.assumingMemoryBound(to: UInt32.self), count: count) }

    /// Whether row i holds a value.
    @inlinable public func isValid(_ i: Int) -> Bool {
        guard let v = validity else { return true }
        return Validity.isValid(v, i)
    }

    /// Row i as a Value (for results and tests, not for scans).
    public func value(at i: Int) -> Value {
        guard isValid(i) else { return .null }
        switch type {
        case .bool: return .bool(values.load(fromByteOffset: i, as: UInt8.self) != 0)
        case .int32: return .int(Int64(values.load(fromByteOffset: i * 4, as: Int32.self)))
        case .int64: return .int(values.load(fromByteOffset: i * 8, as: Int64.self))
        case .timestamp: return .timestamp(values.load(fromByteOffset: i * 8, as: Int64.self))
        case .float64: return .double(values.load(fromByteOffset: i * 8, as: Double.self))
        case .string: return .string(dictionary![Int(values.load(fromByteOffset: i * 4, as: UInt32.self))])
        }
    }

    /// Row i as an integer (bool, int32, int64, timestamp; NULL reads as 0).
    @inlinable public func integer(at i: Int) -> Int64 {
        switch type {
        case .bool: return Int64(values.load(fromByteOffset: i, as: UInt8.self))
        case .int32: return Int64(values.load(fromByteOffset: i * 4, as: Int32.self))
        case .string: return Int64(values.load(fromByteOffset: i * 4, as: UInt32.self))
        case .int64, .timestamp: return values.load(fromByteOffset: i * 8, as: Int64.self)
        case .float64: return Int64(values.load(fromByteOffset: i * 8, as: Double.self))
        }
    }
}
