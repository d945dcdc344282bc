import CLZ4

/// LZ4 second stage over a whole payload (sections and bitmap), applied when it shrinks the
/// payload to at most 80 %: worth it for dictionaries of text and for doubles that no other
/// encoding reduces, rarely on top of bit-packing. The header keeps the decompressed length,
/// so decode allocates exactly once and `LZ4_decompress_safe` rejects malformed input.
enum LZ4Encoding {
    /// Smallest payload worth compressing: below this the bytes saved do not pay for an
    /// allocation and a decompression on every decode.
    static let minimumInput = 256

    /// The compressed payload when it is at most 80 % of the input, else nil.
    static func compress(_ input: [UInt8]) -> [UInt8]? {
        guard input.count >= minimumInput, input.count <= 0x7E00_0000 else { return nil }
        let bound = Int(LZ4_compressBound(Int32(input.count)))
        var out = [UInt8](repeating: 0, count: bound)
        let written = input.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                LZ4_compress_default(src.baseAddress!.assumingMemoryBound(to: CChar.self),
                                     dst.baseAddress!.assumingMemoryBound(to: CChar.self),
                                     Int32(input.count), Int32(bound))
            }
        }
        guard written > 0, Int(written) * 5 <= input.count * 4 else { return nil }
        out.removeLast(out.count - Int(written))
        return out
    }

    /// Decompresses `src` into `dst`, which must receive exactly `length` bytes.
    static func decompress(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawPointer, length: Int) throws {
        guard length > 0 else {
            guard src.count <= 1 else { throw corrupt("lz4 data for an empty payload") }
            return
        }
        guard let s = src.baseAddress, src.count > 0 else { throw corrupt("empty lz4 data") }
        guard length <= 0x7E00_0000, src.count <= 0x7E00_0000 else { throw corrupt("lz4 payload of \(length) bytes is too large") }
        let got = LZ4_decompress_safe(s.assumingMemoryBound(to: CChar.self), dst.assumingMemoryBound(to: CChar.self),
                                      Int32(src.count), Int32(length))
        guard got == Int32(length) else {
            throw corrupt(got < 0 ? "lz4 data is malformed" : "lz4 data decompresses to \(got) bytes, expected \(length)")
        }
    }
}
