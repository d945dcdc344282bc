/// Run-length: the stream header, then a stream of run values and a stream of run lengths,
/// each with its own header and chosen freely among constant, frame of reference and delta
/// (never run-length or patched, which bounds decoding to one level of nesting).
enum RunLengthEncoding {
    /// The run-length plan, or nil when there are no repeats or it cannot beat `sizeToBeat`.
    static func plan(_ v: UnsafeBufferPointer<UInt64>, sizeToBeat: Int) -> IntegerStream.Plan? {
        let n = v.count
        var runs = 1
        for i in 1..<n where v[i] != v[i &- 1] { runs &+= 1 }
        // Even at width 0 the two child streams cost two headers; more runs than rows / 2 rarely pays.
        guard runs < n, 3 * IntegerStream.headerSize < sizeToBeat else { return nil }
        var values: [UInt64] = []
        var lengths: [UInt64] = []
        values.reserveCapacity(runs)
        lengths.reserveCapacity(runs)
        var runStart = 0
        for i in 1...n where i == n || v[i] != v[i &- 1] {
            values.append(v[runStart])
            lengths.append(UInt64(i &- runStart))
            runStart = i
        }
        let vp = IntegerStream.plan(values, nested: true)
        let lp = IntegerStream.plan(lengths, nested: true)
        return .runLength(values: values, lengths: lengths, valuesPlan: vp, lengthsPlan: lp)
    }

    /// Decodes a whole run-length stream (`buf` is exactly its bytes) into `count` values.
    static func decode<T: FixedWidthInteger>(_ buf: UnsafeRawBufferPointer, count: Int, into out: UnsafeMutablePointer<T>) throws {
        let h = IntegerStream.headerSize
        let first = UnsafeRawBufferPointer(rebasing: buf[h...])
        let runs = try IntegerStream.header(first).count
        guard runs <= count, runs > 0 || count == 0 else { throw corrupt("\(runs) runs cannot make \(count) values") }
        let values = UnsafeMutablePointer<UInt64>.allocate(capacity: max(runs, 1))
        defer { values.deallocate() }
        let lengths = UnsafeMutablePointer<UInt64>.allocate(capacity: max(runs, 1))
        defer { lengths.deallocate() }
        let used = try IntegerStream.decode(first, count: runs, into: values, nested: true)
        let second = UnsafeRawBufferPointer(rebasing: buf[(h + used)...])
        let used2 = try IntegerStream.decode(second, count: runs, into: lengths, nested: true)
        guard h + used + used2 == buf.count else { throw corrupt("run-length stream has \(buf.count - h - used - used2) stray bytes") }
        var pos = 0
        for k in 0..<runs {
            let len = lengths[k]
            guard len <= UInt64(count &- pos) else { throw corrupt("run lengths exceed \(count) values") }
            (out + pos).update(repeating: T(truncatingIfNeeded: values[k]), count: Int(len))
            pos &+= Int(len)
        }
        guard pos == count else { throw corrupt("run lengths add up to \(pos), expected \(count)") }
    }
}
