/// Byte-level building blocks shared by the chunk encodings: the chunk header, a little-endian
/// writer, bounds-checked reads and an owner for memory that decode allocates.
///
/// All multi-byte fields are little-endian. Tally only runs on little-endian machines
/// (x86-64, arm64), which is what lets plain sections be read in place.

/// The top-level encoding of a chunk (header byte 0).
enum ChunkKind: UInt8 {
    /// Native-width values, read in place.
    case plain = 1
    /// One value (8 bytes) for every non-NULL row, or no value at all when every row is NULL.
    case constant = 2
    /// One integer stream (bool, int32, int64, timestamp).
    case integer = 3
    /// A table of distinct values plus an integer stream of codes (float64, string).
    case dictionary = 4
    /// Doubles stored as integers scaled by 10^k (float64).
    case decimal = 5
}

/// The fixed 24-byte header that starts every chunk.
struct ChunkHeader {
    static let size = 24
    static let version: UInt8 = 1
    static let flagLZ4: UInt8 = 1
    static let flagValidity: UInt8 = 2

    var kind: ChunkKind
    var flags: UInt8
    var type: DataType
    var count: Int
    var nullCount: Int
    /// Bytes of the payload once decompressed (sections, then the validity bitmap).
    var payloadLength: Int
    /// Bytes that follow the header in the chunk (before padding to 8).
    var storedLength: Int
    /// Kind-specific: dictionary entry count, decimal scale; 0 otherwise.
    var param: UInt32

    var isCompressed: Bool { flags & Self.flagLZ4 != 0 }
    var hasValidity: Bool { flags & Self.flagValidity != 0 }

    func write(into w: inout ByteWriter) {
        w.u8(kind.rawValue)
        w.u8(flags)
        w.u8(type.rawValue)
        w.u8(Self.version)
        w.u32(UInt32(count))
        w.u32(UInt32(nullCount))
        w.u32(UInt32(payloadLength))
        w.u32(UInt32(storedLength))
        w.u32(param)
    }

    /// Reads and sanity-checks the header; checks against the caller's type and count are left to decode.
    static func parse(_ chunk: UnsafeRawBufferPointer) throws -> ChunkHeader {
        guard chunk.count >= size else { throw corrupt("chunk of \(chunk.count) bytes is shorter than its header") }
        guard let kind = ChunkKind(rawValue: chunk.u8(0)) else { throw corrupt("unknown chunk encoding \(chunk.u8(0))") }
        let flags = chunk.u8(1)
        guard flags & ~(flagLZ4 | flagValidity) == 0 else { throw corrupt("unknown chunk flags \(flags)") }
        guard let type = DataType(rawValue: chunk.u8(2)) else { throw corrupt("unknown column type \(chunk.u8(2))") }
        guard chunk.u8(3) == version else { throw corrupt("unsupported chunk version \(chunk.u8(3))") }
        let h = ChunkHeader(kind: kind, flags: flags, type: type,
                            count: Int(chunk.u32(4)), nullCount: Int(chunk.u32(8)),
                            payloadLength: Int(chunk.u32(12)), storedLength: Int(chunk.u32(16)),
                            param: chunk.u32(20))
        guard h.nullCount <= h.count else { throw corrupt("null count \(h.nullCount) exceeds row count \(h.count)") }
        guard h.storedLength <= chunk.count - size else {
            throw corrupt("chunk body of \(h.storedLength) bytes runs past the chunk's \(chunk.count) bytes")
        }
        if h.isCompressed {
            // LZ4 cannot expand data more than ~255×; a larger claim is corruption, not a reason to allocate.
            guard h.payloadLength <= h.storedLength &* 256 &+ 64 else {
                throw corrupt("lz4 payload of \(h.payloadLength) bytes cannot come from \(h.storedLength) stored bytes")
            }
            if type != .string {
                // Non-string payloads are bounded by the row count (worst case: a float dictionary
                // whose codes are run-length encoded with one run per row, about 25 bytes per row).
                guard h.payloadLength <= 4096 &+ h.count &* 40 else {
                    throw corrupt("payload of \(h.payloadLength) bytes is too large for \(h.count) rows")
                }
            }
        } else {
            guard h.payloadLength == h.storedLength else {
                throw corrupt("uncompressed payload length \(h.payloadLength) differs from stored length \(h.storedLength)")
            }
        }
        return h
    }
}

/// Rounds up to a multiple of 8.
@inline(__always) func roundUp8(_ x: Int) -> Int { (x &+ 7) & ~7 }

/// The error every malformed chunk produces.
func corrupt(_ detail: String) -> StorageError { .corrupt(path: "", detail: detail) }

extension UnsafeRawBufferPointer {
    // Callers check bounds first; these only hide the unaligned little-endian load.
    @inline(__always) func u8(_ off: Int) -> UInt8 { load(fromByteOffset: off, as: UInt8.self) }
    @inline(__always) func u32(_ off: Int) -> UInt32 { UInt32(littleEndian: loadUnaligned(fromByteOffset: off, as: UInt32.self)) }
    @inline(__always) func u64(_ off: Int) -> UInt64 { UInt64(littleEndian: loadUnaligned(fromByteOffset: off, as: UInt64.self)) }

    /// The bytes `range`, checked against this buffer's bounds.
    func checkedSlice(_ start: Int, _ length: Int, _ what: @autoclosure () -> String) throws -> UnsafeRawBufferPointer {
        guard start >= 0, length >= 0, start <= count, length <= count - start else {
            throw corrupt("\(what()) (\(length) bytes at \(start)) runs past the \(count) bytes available")
        }
        return UnsafeRawBufferPointer(rebasing: self[start..<(start + length)])
    }

    /// Whether the start address is 8-byte aligned (an empty buffer counts as aligned).
    var isAligned8: Bool { baseAddress.map { Int(bitPattern: $0) & 7 == 0 } ?? true }
}

/// Memory allocated while decoding (a decompressed payload, an aligned copy) that decoded views keep alive.
/// @unchecked Sendable: written only before it is shared, freed only in deinit.
final class ChunkMemory: @unchecked Sendable {
    let base: UnsafeMutableRawPointer
    let count: Int

    init(byteCount: Int) {
        count = byteCount
        base = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 8), alignment: 16)
    }

    /// An 8-byte-aligned copy of `bytes`.
    convenience init(copying bytes: UnsafeRawBufferPointer) {
        self.init(byteCount: bytes.count)
        if let src = bytes.baseAddress, bytes.count > 0 { base.copyMemory(from: src, byteCount: bytes.count) }
    }

    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    deinit { base.deallocate() }
}

/// Memory for a decoded column, laid out as `ColumnData.allocate` does (values, padding to 8,
/// bitmap) but not zero-filled: every decoder writes all `count` values, so only the padding
/// and, when asked, the bitmap are cleared here. Freed unless handed over to a ColumnData.
struct PendingColumn {
    let memory: UnsafeMutableRawPointer
    let validityOffset: Int

    init(type: DataType, count: Int, zeroBitmap: Bool) {
        let valueBytes = count * type.width
        validityOffset = roundUp8(valueBytes)
        let bitmapBytes = Validity.byteCount(count)
        let total = max(validityOffset + bitmapBytes, 8)
        memory = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 16)
        let tail = (zeroBitmap ? total : validityOffset) - valueBytes
        (memory + valueBytes).initializeMemory(as: UInt8.self, repeating: 0, count: tail)
    }

    /// Runs `body`; frees the memory if it throws.
    func fill(_ body: (UnsafeMutableRawPointer) throws -> Void) throws {
        do { try body(memory) } catch {
            memory.deallocate()
            throw error
        }
    }
}
