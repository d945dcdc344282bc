/// An immutable list of distinct strings stored as UTF-8 bytes plus offsets; a string column's codes index it.
///
/// @unchecked Sendable: immutable after init; the memory is owned (freed in deinit) or kept alive by `owner`.
public final class StringDictionary: @unchecked Sendable {
    /// `count + 1` offsets into `bytes`; entry i spans offsets[i]..<offsets[i+1].
    public let offsets: UnsafeBufferPointer<UInt32>
    public let bytes: UnsafeRawBufferPointer
    private let owner: AnyObject?
    private let owned: UnsafeMutableRawPointer?

    /// Number of entries.
    @inlinable public var count: Int { offsets.count - 1 }

    /// Builds a dictionary from distinct strings (order kept; duplicates are the caller's concern).
    public init<S: Sequence>(_ strings: S) where S.Element == String {
        var offs: [UInt32] = [0]
        var data: [UInt8] = []
        for s in strings {
            data.append(contentsOf: s.utf8)
            offs.append(UInt32(data.count))
        }
        let offBytes = offs.count * 4
        let raw = UnsafeMutableRawPointer.allocate(byteCount: offBytes + max(data.count, 1), alignment: 8)
        offs.withUnsafeBytes { raw.copyMemory(from: $0.baseAddress!, byteCount: offBytes) }
        data.withUnsafeBytes { if $0.count > 0 { (raw + offBytes).copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
        self.offsets = UnsafeBufferPointer(start: raw.assumingMemoryBound(to: UInt32.self), count: offs.count)
        self.bytes = UnsafeRawBufferPointer(start: raw + offBytes, count: data.count)
        self.owner = nil
        self.owned = raw
    }

    /// A view over memory owned by `owner` (for example a mapped segment); offsets must be 4-byte aligned.
    public init(offsets: UnsafeBufferPointer<UInt32>, bytes: UnsafeRawBufferPointer, owner: AnyObject?) {
        self.offsets = offsets
        self.bytes = bytes
        self.owner = owner
        self.owned = nil
    }

    deinit { owned?.deallocate() }

    /// The UTF-8 bytes of entry i.
    @inlinable public func utf8(_ i: Int) -> UnsafeRawBufferPointer {
        let lo = Int(offsets[i]), hi = Int(offsets[i + 1])
        return UnsafeRawBufferPointer(rebasing: bytes[lo..<hi])
    }

    /// Entry i as a Swift String.
    public subscript(i: Int) -> String {
        String(decoding: utf8(i), as: UTF8.self)
    }

    /// All entries as Swift Strings.
    public var strings: [String] { (0..<count).map { self[$0] } }

    /// Total bytes of string data.
    public var byteCount: Int { bytes.count }
}
