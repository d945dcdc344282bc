import TallyStorage

/// Rows whose time is not increasing in generation order (queue events, reviews, surveys, status
/// events) wait here until no later-generated row can precede them, then leave sorted by time.
///
/// The generator releases once per day with the watermark "start of the next day": every row made
/// afterwards belongs to a call that starts after it, so every row before it is final.
struct TimeOrderedBuffer: ~Copyable {
    var rows: RowSlots
    /// Where rows kept past a release go; swapped with `rows`, so both keep their capacity.
    private var spare: RowSlots
    let timeColumn: Int
    /// (seconds after the earliest pending row) << 32 | row index, sorted in place.
    private var packed: [UInt64] = []
    private var scratch: [UInt64] = []
    private var counts = [Int](repeating: 0, count: 4 << TimeOrderedBuffer.digitBits)

    static let digitBits = 11

    init(spec: TableSpec) {
        rows = RowSlots(width: spec.columns.count, capacity: 1024)
        spare = RowSlots(width: spec.columns.count, capacity: 1024)
        timeColumn = spec.timeColumn!
    }

    /// Call before writing a row's slots.
    @inline(__always) mutating func beginRow() {
        if rows.count == rows.capacity { rows.reserve(1) }
    }

    @inline(__always) mutating func endRow() { rows.count &+= 1 }

    /// Moves every row with time < `watermark` (µs) into `out`, in time order (stable for equal times).
    mutating func release(before watermark: Int64, into out: inout TableOutput, _ ready: inout [(String, RowBatch)]) {
        let n = rows.count
        guard n > 0 else { return }
        let width = rows.width
        let times = rows.base + timeColumn
        var minT = Int64.max, maxT = Int64.min
        for i in 0..<n {
            let t = Int64(bitPattern: times[i &* width])
            minT = min(minT, t)
            maxT = max(maxT, t)
        }
        let span = (maxT - minT) / 1_000_000
        precondition(span < Int64(UInt32.max), "TallyGen: pending rows span too long a time")
        sort(n, minT: minT, maxKey: UInt64(span))
        // Rows before the watermark are a prefix of the sorted order.
        var cut = n
        if watermark <= maxT {
            let limit = UInt64(max(watermark - minT, 0) / 1_000_000) << 32 // watermarks are whole seconds
            var lo = 0, hi = n
            while lo < hi {
                let mid = (lo + hi) >> 1
                if packed[mid] < limit { lo = mid + 1 } else { hi = mid }
            }
            cut = lo
        }
        let rest = n - cut
        spare.count = 0
        spare.reserve(rest)
        packed.withUnsafeBufferPointer { order in
            // Released rows into the output, in chunks that fit its buffer.
            var i = 0
            while out.enabled && i < cut {
                let k = min(out.rows.capacity - out.rows.count, cut - i)
                let at = out.rows.count
                let stride = out.rows.capacity
                let dst = out.rows.base + at
                for j in 0..<k {
                    let src = rows.row(Int(truncatingIfNeeded: order[i &+ j] & 0xFFFF_FFFF))
                    for c in 0..<width { dst[c &* stride &+ j] = src[c] }
                }
                out.rows.count += k
                if out.rows.count == out.rows.capacity { out.flush(&ready) }
                i += k
            }
            // The rest stays, in order.
            let dst = spare.base
            for j in 0..<rest {
                (dst + j &* width).update(from: rows.row(Int(truncatingIfNeeded: order[cut &+ j] & 0xFFFF_FFFF)), count: width)
            }
        }
        spare.count = rest
        swap(&rows, &spare)
        spare.count = 0
    }

    /// Sorts `packed` (key = seconds after minT, payload = row) by key, stably (the payload breaks
    /// ties): insertion sort when tiny, else LSD radix on 8-bit (small n) or 11-bit digits.
    private mutating func sort(_ n: Int, minT: Int64, maxKey: UInt64) {
        if packed.count < n {
            packed = [UInt64](repeating: 0, count: n + n / 2)
            scratch = packed
        }
        let width = rows.width
        let times = rows.base + timeColumn
        let bits = n < 4096 ? 8 : TimeOrderedBuffer.digitBits
        let mask = UInt64(1 << bits - 1)
        var passes = 0
        while passes < 4 && (maxKey >> UInt64(passes * bits)) > 0 { passes += 1 }
        packed.withUnsafeMutableBufferPointer { a in
            for i in 0..<n {
                a[i] = UInt64((Int64(bitPattern: times[i &* width]) - minT) / 1_000_000) << 32 | UInt64(i)
            }
            if passes == 0 { return }
            if n <= 32 {
                for i in 1..<n {
                    let x = a[i]
                    var j = i
                    while j > 0 && a[j - 1] > x { a[j] = a[j - 1]; j -= 1 }
                    a[j] = x
                }
                return
            }
            scratch.withUnsafeMutableBufferPointer { b in
                counts.withUnsafeMutableBufferPointer { cnt in
                    for i in 0..<(passes << bits) { cnt[i] = 0 }
                    for i in 0..<n {
                        let k = a[i] >> 32
                        for p in 0..<passes { cnt[p << bits &+ Int((k >> UInt64(p * bits)) & mask)] &+= 1 }
                    }
                    var src = a, dst = b
                    for p in 0..<passes {
                        var sum = 0
                        for d in 0..<(1 << bits) { let c = cnt[p << bits &+ d]; cnt[p << bits &+ d] = sum; sum &+= c }
                        let shift = UInt64(32 + p * bits)
                        for i in 0..<n {
                            let x = src[i]
                            let d = p << bits &+ Int((x >> shift) & mask)
                            dst[cnt[d]] = x
                            cnt[d] &+= 1
                        }
                        swap(&src, &dst)
                    }
                    if passes & 1 == 1 { for i in 0..<n { a[i] = b[i] } }
                }
            }
        }
    }
}
