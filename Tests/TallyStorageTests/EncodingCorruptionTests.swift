import Testing
@testable import TallyStorage

/// Damaged chunks throw StorageError.corrupt or decode to some values; they never crash or read out of bounds.
@Suite struct EncodingCorruptionTests {
    /// One chunk of every encoding and type.
    static func sampleColumns() -> [ColumnData] {
        var rng = SeededRNG(seed: 30)
        let n = 700
        let valid = randomValidity(n, 0.2, &rng)
        var t: Int64 = 1_700_000_000_000_000
        let distinct = (0..<1600).map { _ in Double.random(in: 0..<1, using: &rng) }
        let repeated = (0..<3000).map { distinct[$0 * 8 / 15] }
        let skewed: [Int64] = (0..<n).map { i -> Int64 in i % 37 == 0 ? 1_000_000 + Int64(i) : Int64(i % 13) }
        let jumpy: [Int64] = (0..<n).map { i -> Int64 in
            let jump: Int64 = i > 350 ? 9_000_000 : 0
            return Int64(i) * 1_000 + jump + Int64(i % 3)
        }
        return [
            .fromIntegers(.int64, (0..<n).map { _ in Int64(bitPattern: rng.next()) }),                         // plain
            .fromIntegers(.int64, (0..<n).map { _ in Int64(bitPattern: rng.next()) }, valid: valid),           // plain + bitmap
            .fromIntegers(.int32, Array(repeating: 9, count: n), valid: valid),                                 // constant
            .fromIntegers(.int32, Array(repeating: 0, count: n), valid: Array(repeating: false, count: n)),     // all NULL
            .fromIntegers(.int32, (0..<n).map { _ in Int64.random(in: -50...50, using: &rng) }, valid: valid),  // for
            .fromIntegers(.timestamp, (0..<n).map { _ in t += Int64.random(in: 0...9, using: &rng) * 1_000_000; return t }), // delta
            .fromIntegers(.bool, (0..<n).map { Int64(($0 / 100) % 2) }),                                        // rle
            .fromIntegers(.int64, (0..<n).map { Int64($0 / 50) * 1_000_003 }, valid: valid),                    // rle + delta child
            .fromDoubles((0..<n).map { _ in Double(Int.random(in: 0...99_999, using: &rng)) / 100 }, valid: valid), // decimal
            .fromDoubles((0..<n).map { _ in [1.0 / 3, .pi, -0.0][Int.random(in: 0..<3, using: &rng)] }),        // dict
            .fromDoubles((0..<n).map { _ in Double.random(in: 0..<1, using: &rng) }),                            // plain double
            .fromDoubles(repeated),                                                                              // plain + lz4
            .from(.string, (0..<n).map { _ in .string(["a", "bb", "", "ccc✓"][Int.random(in: 0..<4, using: &rng)]) }), // dict
            .from(.string, (0..<n).map { i in valid[i] ? .string("note \(i) the customer called about their bill again") : .null }), // dict + lz4
            .from(.string, Array(repeating: .string("same"), count: n)),                                        // string constant
            .fromIntegers(.int32, skewed, valid: valid),                                                        // patched for
            .fromIntegers(.timestamp, jumpy),                                                                   // patched delta
        ]
    }

    /// Decodes and, if that succeeds, reads every value (exercising dictionaries and bitmaps).
    static func probe(_ buffer: UnsafeRawBufferPointer, _ type: DataType, _ count: Int, owner: AnyObject?) -> Bool {
        _ = ChunkCodec.describe(buffer)
        _ = ChunkCodec.isInPlace(buffer)
        do {
            let c = try ChunkCodec.decode(buffer, type: type, count: count, owner: owner)
            _ = c.allValues
            #expect(c.count == count)
            if let v = c.validity { #expect(Validity.nullCount(v, count: count) == c.nullCount) }
            return true
        } catch let e as StorageError {
            if case .corrupt(let path, _) = e { #expect(path == "") } else { Issue.record("unexpected error \(e)") }
            return false
        } catch {
            Issue.record("unexpected error \(error)")
            return false
        }
    }

    @Test func samplesCoverEveryEncoding() {
        let names = Set(Self.sampleColumns().map { describeEncoded($0) }.map { $0.prefix { $0 != "(" && $0 != ":" && $0 != "+" } })
        #expect(names.isSuperset(of: ["plain", "const", "for", "delta", "rle", "decimal", "dict"]), "\(names)")
        let all = Self.sampleColumns().map { describeEncoded($0) }
        #expect(all.contains { $0.hasPrefix("for+") && $0.contains("+patch(") }, "\(all)")
        #expect(all.contains { $0.hasPrefix("delta+") && $0.contains("+patch(") }, "\(all)")
        #expect(Self.sampleColumns().contains { describeEncoded($0) == "plain+lz4" })
        #expect(Self.sampleColumns().contains { $0.type == .string && describeEncoded($0).hasSuffix("+lz4") })
    }

    @Test func truncatedChunksThrow() {
        for column in Self.sampleColumns() {
            let bytes = ChunkCodec.encode(column)
            for length in 0..<bytes.count {
                // Keep the buffer exactly `length` long so any over-read would leave the allocation.
                let chunk = AlignedChunk(Array(bytes[0..<length]))
                let ok = Self.probe(chunk.buffer, column.type, column.count, owner: chunk)
                // Only trailing padding may be cut without notice.
                if ok { #expect(length >= bytes.count - 7, "truncated to \(length) of \(bytes.count) still decoded [\(describeEncoded(column))]") }
            }
        }
    }

    @Test func wrongTypeOrCountThrows() throws {
        for column in Self.sampleColumns() {
            let chunk = AlignedChunk(ChunkCodec.encode(column))
            for type in DataType.allCases where type != column.type {
                #expect(throws: StorageError.self) { try ChunkCodec.decode(chunk.buffer, type: type, count: column.count, owner: chunk) }
            }
            #expect(throws: StorageError.self) { try ChunkCodec.decode(chunk.buffer, type: column.type, count: column.count + 1, owner: chunk) }
        }
    }

    @Test func byteFlipsNeverCrash() {
        var rng = SeededRNG(seed: 31)
        var decoded = 0, rejected = 0
        for column in Self.sampleColumns() {
            let bytes = ChunkCodec.encode(column)
            for _ in 0..<1500 {
                var damaged = bytes
                let flips = Int.random(in: 1...4, using: &rng)
                for _ in 0..<flips {
                    // Half of the damage goes to headers (chunk and first stream), where it matters most.
                    let limit = Bool.random(using: &rng) ? min(bytes.count, 72) : bytes.count
                    let i = Int.random(in: 0..<limit, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: damaged[i] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
                    case 1: damaged[i] = UInt8.random(in: 0...255, using: &rng)
                    default: damaged[i] = [0, 0xFF, 0x7F, 0x80, 64, 65][Int.random(in: 0..<6, using: &rng)]
                    }
                }
                let chunk = AlignedChunk(damaged)
                if Self.probe(chunk.buffer, column.type, column.count, owner: chunk) { decoded += 1 } else { rejected += 1 }
            }
        }
        #expect(rejected > 0 && decoded > 0)
    }

    @Test func randomGarbageNeverCrashes() {
        var rng = SeededRNG(seed: 32)
        for i in 0..<5000 {
            let n = Int.random(in: 0...200, using: &rng)
            var bytes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if n >= 24 && i % 2 == 0 {
                // A plausible header, so the garbage reaches the body decoders.
                bytes[0] = UInt8.random(in: 1...5, using: &rng)
                bytes[1] = UInt8.random(in: 0...3, using: &rng)
                bytes[2] = UInt8.random(in: 1...6, using: &rng)
                bytes[3] = 1
                let rows = UInt32.random(in: 0...300, using: &rng)
                withUnsafeBytes(of: rows.littleEndian) { for k in 0..<4 { bytes[4 + k] = $0[k] } }
                let stored = UInt32(n - 24)
                withUnsafeBytes(of: stored.littleEndian) { for k in 0..<4 { bytes[12 + k] = $0[k]; bytes[16 + k] = $0[k] } }
                if bytes[1] & 1 == 0 { for k in 8..<12 { bytes[k] = 0 } }
            }
            let chunk = AlignedChunk(bytes)
            let type = DataType(rawValue: n >= 3 ? max(1, min(6, bytes[2])) : 1)!
            let rows = n >= 8 ? Int(bytes[4]) | Int(bytes[5]) << 8 : 0
            _ = Self.probe(chunk.buffer, type, rows, owner: chunk)
        }
    }

    @Test func mutatedStreamHeadersAreRejectedOrHarmless() {
        // Walk every field of the first integer stream header with extreme values.
        let column = ColumnData.fromIntegers(.int32, (0..<1000).map { Int64($0 % 37) }, valid: (0..<1000).map { $0 % 11 != 0 })
        let bytes = ChunkCodec.encode(column)
        #expect(describeEncoded(column).hasPrefix("for"))
        for offset in 24..<(24 + 40) {
            for value: UInt8 in [0, 1, 2, 3, 4, 5, 63, 64, 65, 0x7F, 0x80, 0xFF] {
                var damaged = bytes
                damaged[offset] = value
                let chunk = AlignedChunk(damaged)
                _ = Self.probe(chunk.buffer, .int32, 1000, owner: chunk)
            }
        }
    }
}
