import Testing
@testable import TallyStorage

@Suite struct EncodingBitPackingTests {
    @Test func packUnpackEveryWidthAndLength() {
        var rng = SeededRNG(seed: 40)
        for width in 0...64 {
            for count in [0, 1, 2, 63, 64, 65, 127, 128, 129, 1000] {
                let mask = BitPacking.mask(width)
                let values = (0..<count).map { _ in rng.next() & mask }
                let packed = BitPacking.pack(values, width: width)
                #expect(packed.count == BitPacking.wordCount(count: count, width: width))
                // Unpack from memory that ends exactly at the packed words, so an over-read would be caught by ASan.
                let words = UnsafeMutablePointer<UInt64>.allocate(capacity: max(packed.count, 1))
                defer { words.deallocate() }
                words.initialize(from: packed, count: packed.count)
                var out = [UInt64](repeating: .max, count: count)
                out.withUnsafeMutableBufferPointer { BitPacking.unpack(words, width: width, count: count, into: $0.baseAddress!) }
                #expect(out == values, "width \(width) count \(count)")
            }
        }
    }

    @Test func packIgnoresHighBits() {
        let packed = BitPacking.pack([0xFFFF_FFFF_FFFF_FFF5, 3], width: 4)
        var out = [UInt64](repeating: 0, count: 2)
        packed.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { BitPacking.unpack(p.baseAddress!, width: 4, count: 2, into: $0.baseAddress!) } }
        #expect(out == [5, 3])
    }

    @Test func bitWidths() {
        #expect(BitPacking.bitWidth(0) == 0)
        #expect(BitPacking.bitWidth(1) == 1)
        #expect(BitPacking.bitWidth(255) == 8)
        #expect(BitPacking.bitWidth(256) == 9)
        #expect(BitPacking.bitWidth(.max) == 64)
    }

    @Test func exactDivisionMatchesHardwareDivision() {
        var rng = SeededRNG(seed: 41)
        for _ in 0..<2000 {
            let d = max(1, rng.next() >> UInt64.random(in: 0...63, using: &rng))
            let q = rng.next() >> UInt64(d.leadingZeroBitCount == 0 ? 63 : 64 - d.leadingZeroBitCount)
            let x = d &* q
            guard x / d == q else { continue }   // product overflowed
            #expect(ExactDivider(d).divide(x) == q, "\(x) / \(d)")
        }
        #expect(ExactDivider(1_000_000).divide(86_400_000_000) == 86_400)
        #expect(ExactDivider(1 << 63).divide(1 << 63) == 1)
    }

    @Test func commonFactors() {
        #expect(CommonFactor.gcd(0, 12) == 12)
        #expect(CommonFactor.gcd(1_000_000, 86_400_000_000) == 1_000_000)
        var g: UInt64 = 0
        for x: UInt64 in [3_000_000, 9_000_000, 15_000_000] { g = CommonFactor.fold(g, x) }
        #expect(g == 3_000_000)
    }

    @Test func integerStreamsRoundTripWithWrappingValues() throws {
        var rng = SeededRNG(seed: 42)
        for iteration in 0..<200 {
            let n = Int.random(in: 1...1500, using: &rng)
            let values: [UInt64] = (0..<n).map { i in
                switch iteration % 4 {
                case 0: return rng.next()
                case 1: return UInt64(bitPattern: Int64.max) &+ UInt64(i) &* 3   // crosses Int64.max → Int64.min
                case 2: return UInt64(i / 17) &* 0x8000_0000_0000_0000
                default: return rng.next() % 5 &* 1_000_000
                }
            }
            let plan = IntegerStream.plan(values)
            var w = ByteWriter()
            IntegerStream.write(plan, values, into: &w)
            #expect(w.count == plan.size(count: n))
            let chunk = AlignedChunk(w.bytes)
            var out = [UInt64](repeating: 0, count: n)
            let used = try out.withUnsafeMutableBufferPointer { try IntegerStream.decode(chunk.buffer, count: n, into: $0.baseAddress!) }
            #expect(used == w.count)
            #expect(out == values, "iteration \(iteration): \(IntegerStream.describe(chunk.buffer))")
        }
    }
}
