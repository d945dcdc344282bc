import Testing
@testable import TallyStorage

// MARK: - helpers shared by the Encoding*Tests files

/// SplitMix64: a small deterministic generator so every failure reproduces.
struct SeededRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Bytes at an 8-byte-aligned address, like a chunk in a mapped segment; the owner of decoded views.
final class AlignedChunk {
    let base: UnsafeMutableRawPointer
    let count: Int
    let offset: Int
    init(_ bytes: [UInt8], offset: Int = 0) {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count + offset, 8), alignment: 16)
        bytes.withUnsafeBytes { if $0.count > 0 { (p + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
        base = p
        count = bytes.count
        self.offset = offset
    }
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + offset, count: count) }
    deinit { base.deallocate() }
}

/// A Value with doubles compared by bit pattern (so NaN == NaN and -0.0 != 0.0).
enum Exact: Equatable {
    case value(Value)
    case doubleBits(UInt64)
    init(_ v: Value) {
        if case .double(let d) = v { self = .doubleBits(d.bitPattern) } else { self = .value(v) }
    }
}

func exactValues(_ c: ColumnData) -> [Exact] { c.allValues.map(Exact.init) }

/// Encodes, decodes from an aligned copy and checks the result equals the input. Returns the chunk.
@discardableResult
func checkRoundTrip(_ column: ColumnData, _ label: @autoclosure () -> String = "",
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
    let bytes = ChunkCodec.encode(column)
    #expect(bytes.count % 8 == 0, "chunk length \(bytes.count) not a multiple of 8 \(label())", sourceLocation: sourceLocation)
    let chunk = AlignedChunk(bytes)
    let decoded = try ChunkCodec.decode(chunk.buffer, type: column.type, count: column.count, owner: chunk)
    let name = ChunkCodec.describe(chunk.buffer)
    #expect(decoded.type == column.type, sourceLocation: sourceLocation)
    #expect(decoded.count == column.count, sourceLocation: sourceLocation)
    #expect(decoded.nullCount == column.nullCount, "nulls \(label()) [\(name)]", sourceLocation: sourceLocation)
    let want = exactValues(column), got = exactValues(decoded)
    if want != got {
        let first = zip(want, got).enumerated().first { $0.element.0 != $0.element.1 }
        Issue.record("round trip differs \(label()) [\(name)] at row \(first?.offset ?? -1): want \(first.map { "\($0.element.0)" } ?? "?") got \(first.map { "\($0.element.1)" } ?? "?")",
                     sourceLocation: sourceLocation)
    }
    // NULL slots hold 0 in every decoded column.
    if decoded.nullCount > 0 {
        let w = decoded.type.width
        var dirty = 0
        for i in 0..<decoded.count where !decoded.isValid(i) {
            for k in 0..<w where decoded.values[i * w + k] != 0 { dirty += 1 }
        }
        #expect(dirty == 0, "NULL slots not zeroed \(label()) [\(name)]", sourceLocation: sourceLocation)
    }
    #expect(ChunkCodec.isInPlace(chunk.buffer) == (name == "plain"), "isInPlace vs \(name)", sourceLocation: sourceLocation)
    return bytes
}

func describeEncoded(_ column: ColumnData) -> String {
    describeChunk(ChunkCodec.encode(column))
}

func describeChunk(_ bytes: [UInt8]) -> String {
    let chunk = AlignedChunk(bytes)
    return withExtendedLifetime(chunk) { ChunkCodec.describe(chunk.buffer) }
}

/// Random validity with roughly `nullRate` NULLs.
func randomValidity(_ n: Int, _ nullRate: Double, _ rng: inout SeededRNG) -> [Bool] {
    (0..<n).map { _ in Double.random(in: 0..<1, using: &rng) >= nullRate }
}

// MARK: - round trips

@Suite struct EncodingRoundTripTests {
    static let integralTypes: [DataType] = [.bool, .int32, .int64, .timestamp]

    /// Integer inputs covering every encoder, as Int64s (truncated per type by fromIntegers).
    static func integerInputs(_ type: DataType, _ rng: inout SeededRNG) -> [(String, [Int64])] {
        let lo: Int64, hi: Int64
        switch type {
        case .bool: (lo, hi) = (0, 1)
        case .int32: (lo, hi) = (Int64(Int32.min), Int64(Int32.max))
        default: (lo, hi) = (.min, .max)
        }
        var cases: [(String, [Int64])] = [
            ("empty", []),
            ("one", [hi]),
            ("one-min", [lo]),
            ("all-equal", Array(repeating: hi == 1 ? 1 : 42, count: 1000)),
            ("extremes", [lo, hi, 0, lo, hi, hi, lo, 1, -1].map { min(max($0, lo), hi) }),
            ("alternating-extremes", (0..<300).map { $0 % 2 == 0 ? lo : hi }),
            ("random-full-range", (0..<5000).map { _ in Int64.random(in: lo...hi, using: &rng) }),
            ("random-small", (0..<5000).map { _ in Int64.random(in: 0...min(hi, 17), using: &rng) }),
            ("runs", (0..<4000).map { i in Int64((i / 97) % 5) }),
            ("65536-rows", (0..<65536).map { _ in Int64.random(in: 0...min(hi, 1000), using: &rng) }),
            ("65 rows", (0..<65).map { _ in Int64.random(in: lo...hi, using: &rng) }),
            ("63 rows", (0..<63).map { _ in Int64.random(in: 0...min(hi, 5), using: &rng) }),
        ]
        if type != .bool {
            var sorted = (0..<3000).map { _ in Int64.random(in: lo / 2...hi / 2, using: &rng) }
            sorted.sort()
            cases += [
                ("sorted", sorted),
                ("reverse-sorted", sorted.reversed()),
                ("ids", (0..<5000).map { Int64($0) + 1_000 }),
                ("stride-7", (0..<5000).map { Int64($0) * 7 - 10_000 }),
                ("multiples-of-1000", (0..<5000).map { _ in Int64.random(in: -1_000_000...1_000_000, using: &rng) * 1000 }),
                ("near-sorted", (0..<5000).map { Int64($0) * 10 + Int64.random(in: -15...15, using: &rng) }),
                ("wrapping-deltas", [hi, lo, hi, lo, 0, hi, lo]),
                ("around-zero", (0..<2000).map { _ in Int64.random(in: -3...3, using: &rng) }),
            ]
        }
        if type == .int64 || type == .timestamp {
            var t: Int64 = 1_767_225_600_000_000   // 2026-01-01 in µs
            cases.append(("whole-second-timestamps", (0..<20_000).map { _ in
                t += Int64.random(in: 0...30, using: &rng) * 1_000_000
                return t
            }))
            cases.append(("microsecond-timestamps", (0..<20_000).map { _ in
                t += Int64.random(in: 0...3_000_000, using: &rng)
                return t
            }))
            cases.append(("huge-gcd", (0..<100).map { _ in Int64.random(in: -4...4, using: &rng) * (Int64.max / 4) }))
        }
        return cases
    }

    @Test func integersRoundTrip() throws {
        var rng = SeededRNG(seed: 1)
        for type in Self.integralTypes {
            for (name, values) in Self.integerInputs(type, &rng) {
                try checkRoundTrip(ColumnData.fromIntegers(type, values), "\(type) \(name)")
                if !values.isEmpty {
                    for rate in [0.01, 0.3, 0.9] {
                        let valid = randomValidity(values.count, rate, &rng)
                        try checkRoundTrip(ColumnData.fromIntegers(type, values, valid: valid), "\(type) \(name) nulls \(rate)")
                    }
                    try checkRoundTrip(ColumnData.fromIntegers(type, values, valid: Array(repeating: false, count: values.count)),
                                       "\(type) \(name) all NULL")
                    var leading = Array(repeating: true, count: values.count)
                    for i in 0..<min(70, values.count) { leading[i] = false }
                    if leading.contains(true) {
                        try checkRoundTrip(ColumnData.fromIntegers(type, values, valid: leading), "\(type) \(name) leading NULLs")
                    }
                }
            }
        }
    }

    @Test func randomIntegerPropertyRoundTrip() throws {
        var rng = SeededRNG(seed: 2)
        for iteration in 0..<300 {
            let type = Self.integralTypes[iteration % 4]
            let n = Int.random(in: 0...3000, using: &rng)
            let bits = Int.random(in: 0...64, using: &rng)
            let shape = Int.random(in: 0..<4, using: &rng)
            let factor = Int64([1, 1, 10, 1000, 86_400_000_000][Int.random(in: 0..<5, using: &rng)])
            var acc: Int64 = Int64.random(in: -1_000_000...1_000_000, using: &rng)
            let values: [Int64] = (0..<n).map { i in
                let r = Int64(bitPattern: rng.next() & (bits == 64 ? .max : (1 << UInt64(bits)) - 1))
                switch shape {
                case 0: return r &* factor
                case 1: acc = acc &+ (r & 0xFFF) &* factor; return acc
                case 2: return Int64(i / max(1, bits)) &* factor
                default: return i % 3 == 0 ? r : acc
                }
            }
            let valid = Bool.random(using: &rng) ? randomValidity(n, Double.random(in: 0...1, using: &rng), &rng) : nil
            try checkRoundTrip(ColumnData.fromIntegers(type, values, valid: valid), "iteration \(iteration) \(type) bits \(bits) shape \(shape)")
        }
    }

    static func doubleInputs(_ rng: inout SeededRNG) -> [(String, [Double])] {
        let specials: [Double] = [0.0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
                                  .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .infinity, -.infinity, .nan,
                                  Double(bitPattern: 0x7FF8_0000_DEAD_BEEF), 1e300, -1e-300, 0.1, 1.0 / 3.0]
        return [
            ("empty", []),
            ("one", [3.25]),
            ("minus-zero", [-0.0]),
            ("minus-zero-repeated", Array(repeating: -0.0, count: 100)),
            ("nan-repeated", Array(repeating: Double.nan, count: 100)),
            ("specials", specials),
            ("specials-repeated", (0..<2000).map { specials[$0 % specials.count] }),
            ("subnormals", (0..<500).map { Double(bitPattern: UInt64($0 + 1)) }),
            ("random", (0..<5000).map { _ in Double.random(in: -1e6...1e6, using: &rng) }),
            ("random-bits", (0..<2000).map { _ in Double(bitPattern: rng.next()) }),
            ("cents", (0..<5000).map { _ in Double(Int.random(in: 0...100_000, using: &rng)) / 100 }),
            ("cents-with-minus-zero", (0..<500).map { i in i == 250 ? -0.0 : Double(i) / 100 }),
            ("tenths", (0..<5000).map { _ in Double(Int.random(in: -500...500, using: &rng)) / 10 }),
            ("four-digits", (0..<3000).map { _ in Double(Int.random(in: -99_999...99_999, using: &rng)) / 10_000 }),
            ("five-digits", (0..<3000).map { _ in Double(Int.random(in: -99_999...99_999, using: &rng)) / 100_000 }),
            ("integers", (0..<3000).map { _ in Double(Int.random(in: 1...5, using: &rng)) }),
            ("big-integers", [9_007_199_254_740_992, -9_007_199_254_740_992, 9_007_199_254_740_991, 1]),
            ("few-distinct", (0..<5000).map { _ in [1.0 / 3, 2.0 / 3, .pi, -.ulpOfOne][Int.random(in: 0..<4, using: &rng)] }),
            ("runs", (0..<5000).map { i in Double(i / 500) * 0.5 }),
            ("sorted-decimals", (0..<5000).map { Double($0) * 0.25 + 100 }),
        ]
    }

    @Test func doublesRoundTrip() throws {
        var rng = SeededRNG(seed: 3)
        for (name, values) in Self.doubleInputs(&rng) {
            try checkRoundTrip(ColumnData.fromDoubles(values), "float64 \(name)")
            if !values.isEmpty {
                for rate in [0.05, 0.5] {
                    try checkRoundTrip(ColumnData.fromDoubles(values, valid: randomValidity(values.count, rate, &rng)), "float64 \(name) nulls \(rate)")
                }
                try checkRoundTrip(ColumnData.fromDoubles(values, valid: Array(repeating: false, count: values.count)), "float64 \(name) all NULL")
            }
        }
    }

    @Test func randomDoublePropertyRoundTrip() throws {
        var rng = SeededRNG(seed: 4)
        for iteration in 0..<200 {
            let n = Int.random(in: 0...2000, using: &rng)
            let k = Int.random(in: 0...6, using: &rng)
            let distinct = Int.random(in: 1...3000, using: &rng)
            let p = [1.0, 10, 100, 1000, 10_000, 100_000, 1_000_000][k]
            let values: [Double] = (0..<n).map { _ in
                switch iteration % 3 {
                case 0: return Double(Int.random(in: -distinct...distinct, using: &rng)) / p
                case 1: return Double(bitPattern: rng.next() % UInt64(distinct) &* 0x0010_0000_0000_0001)
                default: return Double.random(in: -1...1, using: &rng) * p
                }
            }
            let valid = Bool.random(using: &rng) ? randomValidity(n, Double.random(in: 0...1, using: &rng), &rng) : nil
            try checkRoundTrip(ColumnData.fromDoubles(values, valid: valid), "iteration \(iteration) k \(k) distinct \(distinct)")
        }
    }

    static func stringColumn(_ strings: [String?]) -> ColumnData {
        ColumnData.from(.string, strings.map { $0.map(Value.string) ?? .null })
    }

    @Test func stringsRoundTrip() throws {
        var rng = SeededRNG(seed: 5)
        let long = String(repeating: "long text é ✓ ", count: 7_500)   // > 100 KB
        let unicode = ["", "héllo", "日本語テキスト", "emoji 👩‍💻🎧", "ß", "\u{0}", "a\u{301}", "Ω≈ç√∫"]
        let cases: [(String, [String?])] = [
            ("empty", []),
            ("one", ["x"]),
            ("one-empty-string", [""]),
            ("empty-strings", Array(repeating: "", count: 100)),
            ("all-equal", Array(repeating: "resolved", count: 1000)),
            ("long", [long, "short", long, nil, long]),
            ("one-long", [long]),
            ("unicode", (0..<1000).map { unicode[$0 % unicode.count] }),
            ("low-cardinality", (0..<5000).map { _ in ["resolved", "escalated", "transferred", "abandoned", "callback"][Int.random(in: 0..<5, using: &rng)] }),
            ("many-distinct", (0..<5000).map { "comment number \($0) about call \(Int.random(in: 0..<1_000_000, using: &rng))" }),
            ("runs", (0..<5000).map { "agent-\($0 / 300)" }),
            ("nulls-and-empty", (0..<500).map { i in i % 3 == 0 ? nil : (i % 3 == 1 ? "" : "v") }),
            ("all-null", Array(repeating: nil, count: 50)),
            ("null-then-value", [nil, nil, "a", nil]),
        ]
        for (name, strings) in cases {
            try checkRoundTrip(Self.stringColumn(strings), "string \(name)")
        }
    }

    @Test func stringChunksKeepOnlyTheEntriesTheyUse() throws {
        // A slice of a column shares the whole dictionary; its chunk stores only what the slice uses.
        let big = ColumnData.from(.string, (0..<10_000).map { .string("value \($0 % 2000) padding padding padding") })
        let slice = big.slice(100..<200)
        let bytes = try checkRoundTrip(slice, "slice")
        let chunk = AlignedChunk(bytes)
        let decoded = try ChunkCodec.decode(chunk.buffer, type: .string, count: 100, owner: chunk)
        #expect(decoded.dictionary!.count == 100)
        // Dictionary much larger than the chunk: the hashed remap path.
        let tiny = big.slice(5000..<5003)
        try checkRoundTrip(tiny, "tiny slice")
        // Codes with NULLs in a sliced column.
        let withNulls = ColumnData.fromCodes([5, 0, 7, 7, 0], dictionary: StringDictionary((0..<10).map { "s\($0)" }),
                                             valid: [true, false, true, true, false])
        try checkRoundTrip(withNulls, "codes with nulls")
    }

    @Test func randomStringPropertyRoundTrip() throws {
        var rng = SeededRNG(seed: 6)
        let alphabet = Array("ab✓é日 \n\u{0}")
        for iteration in 0..<100 {
            let n = Int.random(in: 0...2000, using: &rng)
            let distinct = Int.random(in: 1...max(1, n), using: &rng)
            let pool: [String] = (0..<distinct).map { _ in
                String((0..<Int.random(in: 0...20, using: &rng)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
            }
            let nullRate = Double.random(in: 0...1, using: &rng)
            let strings: [String?] = (0..<n).map { _ in
                Double.random(in: 0..<1, using: &rng) < nullRate ? nil : pool[Int.random(in: 0..<pool.count, using: &rng)]
            }
            try checkRoundTrip(Self.stringColumn(strings), "iteration \(iteration)")
        }
    }

    @Test func plainChunksAreZeroCopyViews() throws {
        var rng = SeededRNG(seed: 7)
        let values = (0..<1000).map { _ in Double.random(in: 0..<1, using: &rng) }
        let bytes = ChunkCodec.encode(ColumnData.fromDoubles(values))
        let chunk = AlignedChunk(bytes)
        #expect(ChunkCodec.describe(chunk.buffer) == "plain")
        #expect(ChunkCodec.isInPlace(chunk.buffer))
        let decoded = try ChunkCodec.decode(chunk.buffer, type: .float64, count: 1000, owner: chunk)
        let start = chunk.buffer.baseAddress!, end = start + chunk.buffer.count
        #expect(decoded.values.baseAddress! >= start && decoded.values.baseAddress! < end)
        #expect(Array(decoded.float64s) == values)
    }

    @Test func unalignedChunksAreCopiedNotMisread() throws {
        var rng = SeededRNG(seed: 8)
        let columns = [
            ColumnData.fromDoubles((0..<300).map { _ in Double.random(in: 0..<1, using: &rng) }),
            ColumnData.fromIntegers(.int64, (0..<300).map { Int64($0) * 3 }),
            Self.stringColumn((0..<300).map { "s\($0 % 7)" }),
        ]
        for column in columns {
            let bytes = ChunkCodec.encode(column)
            let chunk = AlignedChunk(bytes, offset: 3)
            #expect(!ChunkCodec.isInPlace(chunk.buffer))
            let decoded = try ChunkCodec.decode(chunk.buffer, type: column.type, count: column.count, owner: chunk)
            #expect(exactValues(decoded) == exactValues(column))
            #expect(ChunkCodec.describe(chunk.buffer) == describeChunk(bytes))
        }
    }

    @Test func decodedViewsOutliveTheCallersReference() throws {
        // Dictionary views into a decompressed payload keep that memory alive themselves.
        let column = Self.stringColumn((0..<3000).map { "a fairly repetitive note about call \($0 % 1500), nothing unusual" })
        var chunk: AlignedChunk? = AlignedChunk(ChunkCodec.encode(column))
        #expect(ChunkCodec.describe(chunk!.buffer).hasSuffix("+lz4"))
        let decoded = try ChunkCodec.decode(chunk!.buffer, type: .string, count: 3000, owner: nil)
        chunk = nil
        #expect(decoded.allValues == column.allValues)
    }
}
