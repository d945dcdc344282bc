import TallyStorage

/// The slot value that marks NULL: a NaN payload and an integer no generated column ever holds.
let nullSlot: UInt64 = 0x7FF8_0000_DEAD_BEEF

/// A column the generator knows how to fill.
struct GenColumn: Sendable {
    let name: String
    let type: DataType
    /// True if the generator leaves some rows NULL.
    let nullable: Bool
    /// The dictionary codes of a string column index (nil: supplied per tenant, or not a string).
    let dictionary: StringDictionary?

    init(_ name: String, _ type: DataType, nullable: Bool = false, _ dictionary: StringDictionary? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable
        self.dictionary = dictionary
    }
}

/// The columns the generator produces for one table, in its own order.
struct TableSpec: Sendable {
    let name: String
    let columns: [GenColumn]
    /// Index of the column rows are ordered by.
    let timeColumn: Int?
}

/// Rows kept as 8-byte slots, column-major (column c starts at `base + c * capacity`):
/// integers and timestamps as Int64 bits, doubles as their bit pattern, strings as codes,
/// booleans as 0/1, NULL as `nullSlot`. One layout for every type keeps reordering trivial.
struct SlotTable: ~Copyable {
    let width: Int
    private(set) var capacity: Int
    var count = 0
    private(set) var base: UnsafeMutablePointer<UInt64>

    init(width: Int, capacity: Int) {
        self.width = width
        self.capacity = capacity
        base = .allocate(capacity: max(width * capacity, 1))
    }

    deinit { base.deallocate() }

    @inline(__always) func column(_ c: Int) -> UnsafeMutablePointer<UInt64> { base + c &* capacity }

    // Setters for the row at `count`.
    @inline(__always) func set(_ c: Int, _ v: UInt64) { base[c &* capacity &+ count] = v }
    @inline(__always) func set(_ c: Int, int v: Int64) { set(c, UInt64(bitPattern: v)) }
    @inline(__always) func set(_ c: Int, int v: Int) { set(c, UInt64(bitPattern: Int64(v))) }
    @inline(__always) func set(_ c: Int, double v: Double) { set(c, v.bitPattern) }
    @inline(__always) func set(_ c: Int, code v: Int) { set(c, UInt64(truncatingIfNeeded: v)) }
    @inline(__always) func set(_ c: Int, bool v: Bool) { set(c, v ? 1 : 0) }
    @inline(__always) func setNull(_ c: Int) { set(c, nullSlot) }

    /// Makes room for at least `extra` more rows (doubling).
    mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let newCapacity = max(capacity * 2, count + extra, 256)
        let fresh = UnsafeMutablePointer<UInt64>.allocate(capacity: width * newCapacity)
        for c in 0..<width where count > 0 {
            (fresh + c * newCapacity).update(from: base + c * capacity, count: count)
        }
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }
}

/// Rows kept as 8-byte slots like SlotTable, but row-major (row r starts at `base + r * width`), so
/// that reordering rows moves one contiguous run per row. Used for rows waiting to be time-ordered.
struct RowSlots: ~Copyable {
    let width: Int
    private(set) var capacity: Int
    var count = 0
    private(set) var base: UnsafeMutablePointer<UInt64>

    init(width: Int, capacity: Int) {
        self.width = width
        self.capacity = capacity
        base = .allocate(capacity: max(width * capacity, 1))
    }

    deinit { base.deallocate() }

    @inline(__always) func row(_ r: Int) -> UnsafeMutablePointer<UInt64> { base + r &* width }

    @inline(__always) func set(_ c: Int, _ v: UInt64) { base[count &* width &+ c] = v }
    @inline(__always) func set(_ c: Int, int v: Int64) { set(c, UInt64(bitPattern: v)) }
    @inline(__always) func set(_ c: Int, int v: Int) { set(c, UInt64(bitPattern: Int64(v))) }
    @inline(__always) func set(_ c: Int, double v: Double) { set(c, v.bitPattern) }
    @inline(__always) func set(_ c: Int, code v: Int) { set(c, UInt64(truncatingIfNeeded: v)) }
    @inline(__always) func set(_ c: Int, bool v: Bool) { set(c, v ? 1 : 0) }
    @inline(__always) func setNull(_ c: Int) { set(c, nullSlot) }

    /// Makes room for at least `extra` more rows (doubling).
    mutating func reserve(_ extra: Int) {
        guard count + extra > capacity else { return }
        let newCapacity = max(capacity * 2, count + extra, 256)
        let fresh = UnsafeMutablePointer<UInt64>.allocate(capacity: width * newCapacity)
        fresh.update(from: base, count: count * width)
        base.deallocate()
        base = fresh
        capacity = newCapacity
    }
}

/// How the columns of a caller's TableSchema are filled from the generator's columns, matched by name.
struct SchemaBinding: Sendable {
    let schema: TableSchema
    /// Per schema column: the generator column that fills it, or −1 for an all-NULL column.
    let sources: [Int]

    init(spec: TableSpec, schema: TableSchema) {
        var sources: [Int] = []
        for col in schema.columns {
            let lower = col.name.lowercased()
            if let i = spec.columns.firstIndex(where: { $0.name.lowercased() == lower }) {
                let gen = spec.columns[i]
                precondition(SchemaBinding.convertible(gen.type, to: col.type),
                             "TallyGen: column \(schema.name).\(col.name) is \(col.type) in the schema, but the generator makes \(gen.type) values for it")
                precondition(col.nullable || !gen.nullable,
                             "TallyGen: column \(schema.name).\(col.name) is NOT NULL in the schema, but the generator leaves it NULL on some rows")
                sources.append(i)
            } else {
                precondition(col.nullable,
                             "TallyGen: column \(schema.name).\(col.name) is NOT NULL, but the generator has no values for it; teach TallyGen the column or make it nullable")
                sources.append(-1)
            }
        }
        self.schema = schema
        self.sources = sources
    }

    /// Whether generated values of type `from` can fill a schema column of type `to` without loss of meaning.
    static func convertible(_ from: DataType, to: DataType) -> Bool {
        if from == to { return true }
        switch (from, to) {
        case (.int32, .int64), (.int32, .float64), (.int64, .float64), (.int64, .timestamp), (.timestamp, .int64), (.bool, .int32), (.bool, .int64):
            return true
        default:
            return false
        }
    }
}

/// One output table of one tenant: rows accumulate in a 65,536-row slot buffer and leave as RowBatches
/// shaped like the caller's schema. Disabled (no buffer) when the caller did not ask for the table.
struct TableOutput: ~Copyable {
    static let batchRows = 65_536
    let spec: TableSpec
    let binding: SchemaBinding?
    /// Per generator column: the dictionary of string columns.
    let dictionaries: [StringDictionary?]
    var rows: SlotTable

    init(spec: TableSpec, schemas: [String: TableSchema], dictionaries: [StringDictionary?]? = nil) {
        self.spec = spec
        let schema = schemas[spec.name]
        binding = schema.map { SchemaBinding(spec: spec, schema: $0) }
        self.dictionaries = dictionaries ?? spec.columns.map(\.dictionary)
        rows = SlotTable(width: spec.columns.count, capacity: schema == nil ? 0 : TableOutput.batchRows)
    }

    var enabled: Bool { binding != nil }

    /// Completes the row being written; hands a full buffer over as a batch.
    @inline(__always) mutating func endRow(_ ready: inout [(String, RowBatch)]) {
        rows.count &+= 1
        if rows.count == rows.capacity { flush(&ready) }
    }

    /// Hands the buffered rows over as a batch.
    mutating func flush(_ ready: inout [(String, RowBatch)]) {
        guard let binding, rows.count > 0 else { return }
        ready.append((spec.name, makeBatch(binding)))
        rows.count = 0
    }

    private func makeBatch(_ binding: SchemaBinding) -> RowBatch {
        let n = rows.count
        var columns: [ColumnData] = []
        columns.reserveCapacity(binding.sources.count)
        for (k, col) in binding.schema.columns.enumerated() {
            let src = binding.sources[k]
            if src < 0 {
                columns.append(TableOutput.nullColumn(col.type, n))
            } else {
                columns.append(TableOutput.convert(UnsafePointer(rows.column(src)), n, spec.columns[src], to: col.type,
                                                   dictionary: dictionaries[src]))
            }
        }
        return RowBatch(columns: columns)
    }

    static let emptyDictionary = StringDictionary([String]())

    static func nullColumn(_ type: DataType, _ n: Int) -> ColumnData {
        let (mem, vOff) = ColumnData.allocate(type: type, count: n)
        return ColumnData(type: type, count: n, adopting: mem, validityOffset: vOff, nullCount: n,
                          dictionary: type == .string ? emptyDictionary : nil)
    }

    /// A ColumnData of `type` from `n` slots; NULL slots become NULL (value 0, validity bit clear).
    static func convert(_ src: UnsafePointer<UInt64>, _ n: Int, _ gen: GenColumn, to type: DataType,
                        dictionary: StringDictionary?) -> ColumnData {
        let (mem, vOff) = ColumnData.allocate(type: type, count: n)
        let bitmap = (mem + vOff).assumingMemoryBound(to: UInt8.self)
        var nulls = 0
        @inline(__always) func fill<T>(_: T.Type, _ f: (UInt64) -> T) {
            let dst = mem.assumingMemoryBound(to: T.self)
            if gen.nullable {
                for i in 0..<n {
                    let v = src[i]
                    if v == nullSlot {
                        nulls &+= 1
                    } else {
                        dst[i] = f(v)
                        bitmap[i >> 3] |= 1 << UInt8(i & 7)
                    }
                }
            } else {
                for i in 0..<n { dst[i] = f(src[i]) }
            }
        }
        switch type {
        case .bool: fill(UInt8.self) { $0 != 0 ? 1 : 0 }
        case .int32: fill(Int32.self) { Int32(truncatingIfNeeded: Int64(bitPattern: $0)) }
        case .int64, .timestamp: fill(Int64.self) { Int64(bitPattern: $0) }
        case .float64:
            if gen.type == .float64 {
                fill(Double.self) { Double(bitPattern: $0) }
            } else {
                fill(Double.self) { Double(Int64(bitPattern: $0)) }
            }
        case .string: fill(UInt32.self) { UInt32(truncatingIfNeeded: $0) }
        }
        precondition(type != .string || dictionary != nil, "TallyGen: string column \(gen.name) has no dictionary")
        return ColumnData(type: type, count: n, adopting: mem, validityOffset: vOff, nullCount: nulls,
                          dictionary: type == .string ? dictionary : nil)
    }
}
