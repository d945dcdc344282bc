import CTallyKernels

/// CRC-32C checksums over raw memory; every chunk, footer, WAL record and manifest carries one.
public enum Checksum {
    /// CRC-32C of `bytes`, continuing from `seed`.
    @inlinable public static func crc32c(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return seed }
        return tally_crc32c(seed, base, bytes.count)
    }

    /// CRC-32C of a byte array.
    public static func crc32c(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { crc32c($0, seed: seed) }
    }
}
