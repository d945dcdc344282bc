/// Packing of unsigned integers at a fixed bit width, LSB first, into 64-bit words.
///
/// Value i occupies bits [i·w, (i+1)·w) of the word stream; a stream of n values takes
/// ⌈n·w / 64⌉ words (no padding, so small chunks stay small). Unpacking works in blocks of 64
/// values: 64 values at width w fill exactly w words, so every block starts on a word boundary
/// and is unpacked by a straight-line kernel for its width (BitPackingKernels.swift). The last,
/// partial block is copied into a zero-padded scratch block first, so no read goes past the
/// stream.
enum BitPacking {
    /// Words needed for `count` values at `width` bits.
    @inline(__always) static func wordCount(count: Int, width: Int) -> Int {
        (count &* width &+ 63) &>> 6
    }

    /// Bits needed for `x` (0 for 0).
    @inline(__always) static func bitWidth(_ x: UInt64) -> Int {
        x == 0 ? 0 : 64 &- x.leadingZeroBitCount
    }

    /// The low `width` bits set.
    @inline(__always) static func mask(_ width: Int) -> UInt64 {
        width >= 64 ? .max : (1 &<< UInt64(width)) &- 1
    }

    /// Packs the low `width` bits of each value into `out`, which must hold `wordCount(count:width:)` words.
    static func pack(_ values: UnsafeBufferPointer<UInt64>, width: Int, into out: UnsafeMutablePointer<UInt64>) {
        let words = wordCount(count: values.count, width: width)
        out.initialize(repeating: 0, count: words)
        guard width > 0 else { return }
        let m = mask(width)
        var bit = 0
        for v in values {
            let x = v & m
            let word = bit &>> 6
            let shift = bit & 63
            out[word] |= x &<< UInt64(shift)
            if shift &+ width > 64 { out[word &+ 1] |= x &>> UInt64(64 &- shift) }
            bit &+= width
        }
    }

    /// Packs `values` at `width` bits into a new word array.
    static func pack(_ values: [UInt64], width: Int) -> [UInt64] {
        let n = wordCount(count: values.count, width: width)
        return [UInt64](unsafeUninitializedCapacity: n) { buf, initialized in
            values.withUnsafeBufferPointer { pack($0, width: width, into: buf.baseAddress!) }
            initialized = n
        }
    }

    /// Unpacks `count` values of `width` bits from `packed` (`wordCount(count:width:)` words) into `out`.
    static func unpack(_ packed: UnsafePointer<UInt64>, width: Int, count: Int, into out: UnsafeMutablePointer<UInt64>) {
        forEachBlock(packed, width: width, count: count) { block, start, n in
            (out + start).update(from: block, count: n)
        }
    }

    /// Unpacks `count` values block by block: `body(values, firstIndex, valuesInBlock)` sees at most
    /// 64 values at a time in a scratch buffer. Reads exactly `wordCount(count:width:)` words.
    @inline(__always)
    static func forEachBlock(_ packed: UnsafePointer<UInt64>, width: Int, count: Int,
                             _ body: (UnsafePointer<UInt64>, Int, Int) -> Void) {
        guard count > 0 else { return }
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 128) { tmp in
            let scratch = tmp.baseAddress!
            let pad = scratch + 64
            let fullBlocks = count &>> 6
            var src = packed
            var start = 0
            for _ in 0..<fullBlocks {
                unpackBlock(src, width: width, into: scratch)
                body(scratch, start, 64)
                src += width
                start &+= 64
            }
            let rest = count &- start
            guard rest > 0 else { return }
            // The partial last block has fewer than `width` words: unpack it from a zero-padded copy.
            let left = wordCount(count: count, width: width) &- fullBlocks &* width
            pad.initialize(repeating: 0, count: 64)
            if left > 0 { pad.update(from: src, count: left) }
            unpackBlock(pad, width: width, into: scratch)
            body(scratch, start, rest)
        }
    }
}
