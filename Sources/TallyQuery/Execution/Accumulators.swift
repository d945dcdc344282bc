import Foundation

/// Per-group state of one aggregate. `update` runs once per batch with the rows' group ids;
/// `active[i] == 1` marks the rows that count (FILTER passed, argument not NULL).
protocol Accumulator: AnyObject {
    func update(_ groups: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int)
    /// Folds `other` (same kind) into self; `map[g]` is the group in self of other's group g.
    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int)
    func finish(groupCount: Int) throws -> ColumnData
    /// Folds a batch whose rows all belong to `group`; returns false when the accumulator has no
    /// such fast path (then `update` runs).
    func updateUniform(_ group: Int, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) -> Bool
}

extension Accumulator {
    func updateUniform(_ group: Int, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) -> Bool { false }
}

/// Reductions of one batch into one group: four independent accumulators so additions overlap
/// instead of waiting on each other, and masked rows add zero instead of branching.
enum Reduce {
    static func count(_ active: UnsafePointer<UInt8>?, _ n: Int) -> Int64 {
        guard let a = active else { return Int64(n) }
        var c: Int64 = 0
        for i in 0..<n { c &+= Int64(a[i]) }
        return c
    }

    static func sum(_ v: UnsafeBufferPointer<Double>, _ active: UnsafePointer<UInt8>?) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        let n = v.count
        var i = 0
        if let a = active {
            while i + 4 <= n {
                s0 += a[i] != 0 ? v[i] : 0; s1 += a[i + 1] != 0 ? v[i + 1] : 0
                s2 += a[i + 2] != 0 ? v[i + 2] : 0; s3 += a[i + 3] != 0 ? v[i + 3] : 0
                i += 4
            }
            while i < n { s0 += a[i] != 0 ? v[i] : 0; i += 1 }
        } else {
            while i + 4 <= n { s0 += v[i]; s1 += v[i + 1]; s2 += v[i + 2]; s3 += v[i + 3]; i += 4 }
            while i < n { s0 += v[i]; i += 1 }
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// Sum of int32 values (exact: 65,536 of them cannot overflow 64 bits).
    static func sum(_ v: UnsafeBufferPointer<Int32>, _ active: UnsafePointer<UInt8>?) -> Int64 {
        var s: Int64 = 0
        if let a = active { for i in 0..<v.count { s &+= Int64(v[i]) & (0 &- Int64(a[i])) } } else { for x in v { s &+= Int64(x) } }
        return s
    }

    /// Sum of int64 values as 128 bits.
    static func sum(_ v: UnsafeBufferPointer<Int64>, _ active: UnsafePointer<UInt8>?) -> Int128 {
        var s: Int128 = 0
        if let a = active { for i in 0..<v.count { s &+= Int128(v[i] & (0 &- Int64(a[i]))) } } else { for x in v { s &+= Int128(x) } }
        return s
    }
}

enum Accumulators {
    /// The accumulator computing `agg`.
    static func make(_ agg: BoundAggregate) -> Accumulator {
        if agg.distinct, agg.kind == .count, let t = agg.args.first?.type {
            return CountDistinctAcc(type: t)
        }
        if agg.distinct, agg.kind != .min, agg.kind != .max {
            return DistinctAcc(agg)
        }
        let argType = agg.args.first?.type
        switch agg.kind {
        case .countStar, .count: return CountAcc()
        case .sum:
            return argType == .float64 ? SumDoubleAcc(avg: false) : SumIntAcc()
        case .avg: return argType == .float64 ? SumDoubleAcc(avg: true) : AvgIntAcc()
        case .min, .max:
            switch argType {
            case .float64: return MinMaxDoubleAcc(isMax: agg.kind == .max)
            case .string: return MinMaxStringAcc(isMax: agg.kind == .max)
            default: return MinMaxIntAcc(isMax: agg.kind == .max, type: agg.type)
            }
        case .stddevSamp, .stddevPop, .varSamp, .varPop: return VarianceAcc(agg.kind)
        case .quantileCont(let q), .approxQuantile(let q): return QuantileAcc(q, discrete: false, type: agg.type)
        case .quantileDisc(let q): return QuantileAcc(q, discrete: true, type: agg.type)
        case .argMin, .argMax: return ArgAcc(isMax: agg.kind == .argMax, type: agg.type)
        case .boolAnd, .boolOr: return BoolAcc(isAnd: agg.kind == .boolAnd)
        case .anyValue: return AnyValueAcc(type: agg.type)
        }
    }
}

/// count(*) and count(x).
final class CountAcc: Accumulator {
    var counts = GrowBuffer<Int64>(fill: 0)
    deinit { counts.free() }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        counts.ensure(groupCount)
        let c = counts.ptr
        if let a = active { for i in 0..<n { c[Int(g[i])] &+= Int64(a[i]) } } else { for i in 0..<n { c[Int(g[i])] &+= 1 } }
    }

    func updateUniform(_ group: Int, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) -> Bool {
        counts.ensure(groupCount)
        counts[group] &+= Reduce.count(active, n)
        return true
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! CountAcc
        o.counts.ensure(map.count)
        counts.ensure(groupCount)
        for (g, t) in map.enumerated() { counts[Int(t)] &+= o.counts[g] }
    }

    func finish(groupCount: Int) -> ColumnData {
        counts.ensure(groupCount)
        return ColumnData.fromIntegers(.int64, Array(UnsafeBufferPointer(start: counts.ptr, count: groupCount)))
    }
}

/// sum of integers (NULL when no row counted).
final class SumIntAcc: Accumulator {
    var sums = GrowBuffer<Int64>(fill: 0)
    var counts = GrowBuffer<Int64>(fill: 0)
    var overflow = false
    deinit { sums.free(); counts.free() }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        sums.ensure(groupCount); counts.ensure(groupCount)
        let s = sums.ptr, c = counts.ptr
        let x = Vectors.int64(args[0])
        var ovf = false
        withExtendedLifetime(x) {
            let v = x.int64s
            if let a = active {
                for i in 0..<n {
                    let k = Int(g[i])
                    let (r, o) = s[k].addingReportingOverflow(v[i] & (0 &- Int64(a[i])))
                    s[k] = r; ovf = ovf || o
                    c[k] &+= Int64(a[i])
                }
            } else {
                for i in 0..<n {
                    let k = Int(g[i])
                    let (r, o) = s[k].addingReportingOverflow(v[i])
                    s[k] = r; ovf = ovf || o
                    c[k] &+= 1
                }
            }
        }
        overflow = overflow || ovf
    }

    func updateUniform(_ group: Int, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) -> Bool {
        sums.ensure(groupCount); counts.ensure(groupCount)
        let arg = args[0]
        let total: Int128
        switch arg.type {
        case .int32: total = Int128(Reduce.sum(arg.int32s, active))
        case .int64, .timestamp: total = Reduce.sum(arg.int64s, active)
        default: return false
        }
        let (r, o) = sums[group].addingReportingOverflow(Int64(clamping: total))
        sums[group] = r
        overflow = overflow || o || total > Int128(Int64.max) || total < Int128(Int64.min)
        counts[group] &+= Reduce.count(active, n)
        return true
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! SumIntAcc
        o.sums.ensure(map.count); o.counts.ensure(map.count)
        sums.ensure(groupCount); counts.ensure(groupCount)
        overflow = overflow || o.overflow
        for (g, t) in map.enumerated() {
            let (r, ov) = sums[Int(t)].addingReportingOverflow(o.sums[g])
            sums[Int(t)] = r
            overflow = overflow || ov
            counts[Int(t)] &+= o.counts[g]
        }
    }

    func finish(groupCount: Int) throws -> ColumnData {
        if overflow { throw EvaluationError("integer overflow in sum") }
        sums.ensure(groupCount); counts.ensure(groupCount)
        return ColumnData.fromIntegers(.int64, (0..<groupCount).map { sums[$0] }, valid: (0..<groupCount).map { counts[$0] > 0 })
    }
}

/// sum and avg of doubles.
final class SumDoubleAcc: Accumulator {
    let avg: Bool
    var sums = GrowBuffer<Double>(fill: 0)
    var counts = GrowBuffer<Int64>(fill: 0)
    init(avg: Bool) { self.avg = avg }
    deinit { sums.free(); counts.free() }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        sums.ensure(groupCount); counts.ensure(groupCount)
        let s = sums.ptr, c = counts.ptr
        let x = Vectors.float64(args[0])
        withExtendedLifetime(x) {
            let v = x.float64s
            if let a = active {
                for i in 0..<n { let k = Int(g[i]); s[k] += a[i] != 0 ? v[i] : 0; c[k] &+= Int64(a[i]) }
            } else {
                for i in 0..<n { let k = Int(g[i]); s[k] += v[i]; c[k] &+= 1 }
            }
        }
    }

    func updateUniform(_ group: Int, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) -> Bool {
        guard args[0].type == .float64 else { return false }
        sums.ensure(groupCount); counts.ensure(groupCount)
        sums[group] += Reduce.sum(args[0].float64s, active)
        counts[group] &+= Reduce.count(active, n)
        return true
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! SumDoubleAcc
        o.sums.ensure(map.count); o.counts.ensure(map.count)
        sums.ensure(groupCount); counts.ensure(groupCount)
        for (g, t) in map.enumerated() { sums[Int(t)] += o.sums[g]; counts[Int(t)] &+= o.counts[g] }
    }

    func finish(groupCount: Int) -> ColumnData {
        sums.ensure(groupCount); counts.ensure(groupCount)
        return ColumnData.fromDoubles((0..<groupCount).map { avg && counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : sums[$0] },
                                      valid: (0..<groupCount).map { counts[$0] > 0 })
    }
}

/// avg of integers: exact 128-bit sums, so BIGINT values beyond 2^53 average correctly.
final class AvgIntAcc: Accumulator {
    var sums = GrowBuffer<Int128>(fill: 0)
    var counts = GrowBuffer<Int64>(fill: 0)
    deinit { sums.free(); counts.free() }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        sums.ensure(groupCount); counts.ensure(groupCount)
        let s = sums.ptr, c = counts.ptr
        let x = Vectors.int64(args[0])
        withExtendedLifetime(x) {
            let v = x.int64s
            if let a = active {
                for i in 0..<n where a[i] != 0 { let k = Int(g[i]); s[k] &+= Int128(v[i]); c[k] &+= 1 }
            } else {
                for i in 0..<n { let k = Int(g[i]); s[k] &+= Int128(v[i]); c[k] &+= 1 }
            }
        }
    }

    func updateUniform(_ group: Int, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) -> Bool {
        sums.ensure(groupCount); counts.ensure(groupCount)
        let arg = args[0]
        switch arg.type {
        case .int32: sums[group] &+= Int128(Reduce.sum(arg.int32s, active))
        case .int64, .timestamp: sums[group] &+= Reduce.sum(arg.int64s, active)
        default: return false
        }
        counts[group] &+= Reduce.count(active, n)
        return true
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! AvgIntAcc
        o.sums.ensure(map.count); o.counts.ensure(map.count)
        sums.ensure(groupCount); counts.ensure(groupCount)
        for (g, t) in map.enumerated() { sums[Int(t)] &+= o.sums[g]; counts[Int(t)] &+= o.counts[g] }
    }

    func finish(groupCount: Int) -> ColumnData {
        sums.ensure(groupCount); counts.ensure(groupCount)
        let avgs = (0..<groupCount).map { k -> Double in
            guard counts[k] > 0 else { return 0 }
            // Divide exactly first: the quotient and the remainder each convert without loss.
            let (q, r) = sums[k].quotientAndRemainder(dividingBy: Int128(counts[k]))
            return Double(q) + Double(r) / Double(counts[k])
        }
        return ColumnData.fromDoubles(avgs, valid: (0..<groupCount).map { counts[$0] > 0 })
    }
}

/// min/max of integers, booleans and timestamps.
final class MinMaxIntAcc: Accumulator {
    let isMax: Bool
    let type: DataType
    var best: GrowBuffer<Int64>
    var seen = GrowBuffer<UInt8>(fill: 0)
    init(isMax: Bool, type: DataType) {
        self.isMax = isMax
        self.type = type
        best = GrowBuffer(fill: isMax ? .min : .max)
    }
    deinit { best.free(); seen.free() }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        best.ensure(groupCount); seen.ensure(groupCount)
        let b = best.ptr, s = seen.ptr
        let x = Vectors.int64(args[0])
        withExtendedLifetime(x) {
            let v = x.int64s
            for i in 0..<n where active == nil || active![i] != 0 {
                let k = Int(g[i])
                b[k] = isMax ? Swift.max(b[k], v[i]) : Swift.min(b[k], v[i])
                s[k] = 1
            }
        }
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! MinMaxIntAcc
        o.best.ensure(map.count); o.seen.ensure(map.count)
        best.ensure(groupCount); seen.ensure(groupCount)
        for (g, t) in map.enumerated() where o.seen[g] != 0 {
            let k = Int(t)
            best[k] = isMax ? Swift.max(best[k], o.best[g]) : Swift.min(best[k], o.best[g])
            seen[k] = 1
        }
    }

    func finish(groupCount: Int) -> ColumnData {
        best.ensure(groupCount); seen.ensure(groupCount)
        return ColumnData.fromIntegers(type, (0..<groupCount).map { seen[$0] != 0 ? best[$0] : 0 }, valid: (0..<groupCount).map { seen[$0] != 0 })
    }
}

/// min/max of doubles (NaN is larger than every number, as in PostgreSQL and DuckDB).
final class MinMaxDoubleAcc: Accumulator {
    let isMax: Bool
    var best = GrowBuffer<Double>(fill: 0)
    var seen = GrowBuffer<UInt8>(fill: 0)
    init(isMax: Bool) { self.isMax = isMax }
    deinit { best.free(); seen.free() }

    @inline(__always) func better(_ a: Double, _ b: Double) -> Bool {
        if isMax { return a.isNaN ? !b.isNaN : (!b.isNaN && a > b) }
        return b.isNaN ? !a.isNaN : (!a.isNaN && a < b)
    }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        best.ensure(groupCount); seen.ensure(groupCount)
        let v = args[0].float64s
        for i in 0..<n where active == nil || active![i] != 0 {
            let k = Int(g[i])
            if seen[k] == 0 || better(v[i], best[k]) { best[k] = v[i]; seen[k] = 1 }
        }
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! MinMaxDoubleAcc
        o.best.ensure(map.count); o.seen.ensure(map.count)
        best.ensure(groupCount); seen.ensure(groupCount)
        for (g, t) in map.enumerated() where o.seen[g] != 0 {
            let k = Int(t)
            if seen[k] == 0 || better(o.best[g], best[k]) { best[k] = o.best[g]; seen[k] = 1 }
        }
    }

    func finish(groupCount: Int) -> ColumnData {
        best.ensure(groupCount); seen.ensure(groupCount)
        return ColumnData.fromDoubles((0..<groupCount).map { best[$0] }, valid: (0..<groupCount).map { seen[$0] != 0 })
    }
}

/// min/max of strings, by byte order.
final class MinMaxStringAcc: Accumulator {
    let isMax: Bool
    var best: [[UInt8]?] = []
    init(isMax: Bool) { self.isMax = isMax }

    func consider(_ k: Int, _ s: [UInt8]) {
        guard let cur = best[k] else { best[k] = s; return }
        if isMax ? cur.lexicographicallyPrecedes(s) : s.lexicographicallyPrecedes(cur) { best[k] = s }
    }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        if best.count < groupCount { best.append(contentsOf: repeatElement(nil, count: groupCount - best.count)) }
        let c = args[0]
        let d = c.dictionary!
        // Rank dictionary entries once, then compare ranks per row.
        let order = (0..<d.count).sorted { Array(d.utf8($0)).lexicographicallyPrecedes(Array(d.utf8($1))) }
        var rank = [Int](repeating: 0, count: d.count)
        for (r, e) in order.enumerated() { rank[e] = r }
        var bestCode = [Int](repeating: -1, count: groupCount)
        let codes = c.codes
        for i in 0..<n where active == nil || active![i] != 0 {
            let k = Int(g[i]), e = Int(codes[i])
            if bestCode[k] < 0 || (isMax ? rank[e] > rank[bestCode[k]] : rank[e] < rank[bestCode[k]]) { bestCode[k] = e }
        }
        for k in 0..<groupCount where bestCode[k] >= 0 { consider(k, Array(d.utf8(bestCode[k]))) }
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! MinMaxStringAcc
        if best.count < groupCount { best.append(contentsOf: repeatElement(nil, count: groupCount - best.count)) }
        for (g, t) in map.enumerated() where g < o.best.count { if let s = o.best[g] { consider(Int(t), s) } }
    }

    func finish(groupCount: Int) -> ColumnData {
        var b = ColumnBuilder(.string, capacity: groupCount)
        for k in 0..<groupCount {
            if k < best.count, let s = best[k] { b.append(string: String(decoding: s, as: UTF8.self)) } else { b.appendNull() }
        }
        return b.finish()
    }
}

/// Variance and standard deviation by Welford's method (stable for large means).
final class VarianceAcc: Accumulator {
    let kind: AggKind
    var count = GrowBuffer<Double>(fill: 0)
    var mean = GrowBuffer<Double>(fill: 0)
    var m2 = GrowBuffer<Double>(fill: 0)
    init(_ kind: AggKind) { self.kind = kind }
    deinit { count.free(); mean.free(); m2.free() }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        count.ensure(groupCount); mean.ensure(groupCount); m2.ensure(groupCount)
        let x = Vectors.float64(args[0])
        withExtendedLifetime(x) {
            let v = x.float64s
            let c = count.ptr, m = mean.ptr, q = m2.ptr
            for i in 0..<n where active == nil || active![i] != 0 {
                let k = Int(g[i])
                c[k] += 1
                let d = v[i] - m[k]
                m[k] += d / c[k]
                q[k] += d * (v[i] - m[k])
            }
        }
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! VarianceAcc
        o.count.ensure(map.count); o.mean.ensure(map.count); o.m2.ensure(map.count)
        count.ensure(groupCount); mean.ensure(groupCount); m2.ensure(groupCount)
        for (g, t) in map.enumerated() where o.count[g] > 0 {
            let k = Int(t)
            let na = count[k], nb = o.count[g], n = na + nb
            let d = o.mean[g] - mean[k]
            mean[k] += d * nb / n
            m2[k] += o.m2[g] + d * d * na * nb / n
            count[k] = n
        }
    }

    func finish(groupCount: Int) -> ColumnData {
        count.ensure(groupCount); mean.ensure(groupCount); m2.ensure(groupCount)
        let sample = kind == .stddevSamp || kind == .varSamp
        let root = kind == .stddevSamp || kind == .stddevPop
        var vals: [Double] = [], valid: [Bool] = []
        for k in 0..<groupCount {
            let n = count[k]
            let denom = sample ? n - 1 : n
            if denom <= 0 { vals.append(0); valid.append(false); continue }
            let v = Swift.max(0, m2[k] / denom)
            vals.append(root ? v.squareRoot() : v)
            valid.append(true)
        }
        return ColumnData.fromDoubles(vals, valid: valid)
    }
}

/// Exact quantiles. Integer arguments of few distinct values (handle times, scores) are counted in
/// a histogram per group — one increment per row, exact, and small; anything else is collected as
/// (group, value) pairs in flat buffers and selected per group at the end.
final class QuantileAcc: Accumulator {
    let q: Double
    let discrete: Bool
    let type: DataType
    static let histogramRange = 1 << 16
    static let histogramGroups = 64
    // Histogram mode: counts[g * range + (v - base)].
    var histogram: GrowBuffer<UInt32>? = nil
    var base: Int64 = 0
    var histGroups = 0
    // Pair mode.
    var groups = GrowBuffer<UInt32>(fill: 0)
    var values = GrowBuffer<Double>(fill: 0)
    var count = 0

    init(_ q: Double, discrete: Bool, type: DataType) {
        self.q = q
        self.discrete = discrete
        self.type = type
    }

    deinit {
        histogram?.free()
        groups.free()
        values.free()
    }

    /// Moves histogram counts into pairs (a value out of range, or too many groups).
    func leaveHistogram() {
        guard let h = histogram else { return }
        let r = QuantileAcc.histogramRange
        for g in 0..<histGroups {
            for k in 0..<r {
                let c = Int(h[g * r + k])
                if c == 0 { continue }
                append(UInt32(g), Double(base + Int64(k)), times: c)
            }
        }
        h.free()
        histogram = nil
    }

    @inline(__always) func append(_ g: UInt32, _ v: Double, times: Int = 1) {
        groups.ensure(count + times)
        values.ensure(count + times)
        for _ in 0..<times {
            groups[count] = g
            values[count] = v
            count += 1
        }
    }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        let arg = args[0]
        if arg.type.isIntegral && count == 0 && groupCount <= QuantileAcc.histogramGroups {
            let x = Vectors.int64(arg)
            let v = x.int64s
            if histogram == nil {
                // Durations and counts are rarely negative: start the window at 0 when the first
                // value allows, else centre it on that value.
                let first = (0..<n).first { active == nil || active![$0] != 0 }.map { v[$0] } ?? 0
                base = first >= 0 && first < Int64(QuantileAcc.histogramRange) ? 0 : first - Int64(QuantileAcc.histogramRange / 2)
                histogram = GrowBuffer(fill: 0, capacity: QuantileAcc.histogramRange)
                histGroups = 1
            }
            let r = QuantileAcc.histogramRange
            var inRange = true
            for i in 0..<n where active == nil || active![i] != 0 {
                let d = v[i] &- base
                if d < 0 || d >= Int64(r) { inRange = false; break }
            }
            if inRange {
                histogram!.ensure(groupCount * r)
                histGroups = max(histGroups, groupCount)
                let h = histogram!.ptr
                withExtendedLifetime(x) {
                    if let a = active {
                        for i in 0..<n { h[Int(g[i]) * r + Int(v[i] &- base)] &+= UInt32(a[i]) }
                    } else {
                        for i in 0..<n { h[Int(g[i]) * r + Int(v[i] &- base)] &+= 1 }
                    }
                }
                return
            }
        }
        leaveHistogram()
        let x = Vectors.float64(arg)
        withExtendedLifetime(x) {
            let v = x.float64s
            groups.ensure(count + n)
            values.ensure(count + n)
            let gp = groups.ptr, vp = values.ptr
            var k = count
            for i in 0..<n where active == nil || active![i] != 0 {
                gp[k] = g[i]
                vp[k] = v[i]
                k += 1
            }
            count = k
        }
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! QuantileAcc
        if o.histogram == nil && o.count == 0 { return }
        let r = QuantileAcc.histogramRange
        if let oh = o.histogram, o.base == base || histogram == nil, groupCount <= QuantileAcc.histogramGroups, count == 0 {
            // Histograms with one window add up bin by bin.
            if histogram == nil {
                base = o.base
                histogram = GrowBuffer(fill: 0, capacity: r)
                histGroups = 1
            }
            histogram!.ensure(groupCount * r)
            histGroups = max(histGroups, groupCount)
            let h = histogram!.ptr
            for g in 0..<min(o.histGroups, map.count) {
                let t = Int(map[g])
                for k in 0..<r { h[t * r + k] &+= oh[g * r + k] }
            }
            return
        }
        o.leaveHistogram()
        leaveHistogram()
        for i in 0..<o.count where Int(o.groups[i]) < map.count { append(map[Int(o.groups[i])], o.values[i]) }
    }

    /// The quantile of sorted values.
    func select(_ v: UnsafeMutableBufferPointer<Double>) -> Double {
        let n = v.count
        if discrete {
            let idx = Swift.min(n - 1, Swift.max(0, Int((q * Double(n)).rounded(.up)) - 1))
            return v[idx]
        }
        let pos = q * Double(n - 1)
        let lo = Int(pos.rounded(.down)), hi = Swift.min(lo + 1, n - 1)
        return v[lo] + (v[hi] - v[lo]) * (pos - Double(lo))
    }

    func finish(groupCount: Int) -> ColumnData {
        var out = [Double](repeating: 0, count: groupCount)
        var valid = [Bool](repeating: false, count: groupCount)
        if let h = histogram {
            let r = QuantileAcc.histogramRange
            for g in 0..<Swift.min(groupCount, histGroups) {
                var total = 0
                for k in 0..<r { total += Int(h[g * r + k]) }
                guard total > 0 else { continue }
                // Value at a rank, walking the cumulative counts.
                func at(_ rank: Int) -> Double {
                    var seen = 0
                    for k in 0..<r {
                        seen += Int(h[g * r + k])
                        if seen > rank { return Double(base + Int64(k)) }
                    }
                    return Double(base + Int64(r - 1))
                }
                if discrete {
                    out[g] = at(Swift.min(total - 1, Swift.max(0, Int((q * Double(total)).rounded(.up)) - 1)))
                } else {
                    let pos = q * Double(total - 1)
                    let lo = Int(pos.rounded(.down))
                    let a = at(lo), b = at(Swift.min(lo + 1, total - 1))
                    out[g] = a + (b - a) * (pos - Double(lo))
                }
                valid[g] = true
            }
        } else if count > 0 {
            // Counting sort by group, then sort each group's values.
            var offsets = [Int](repeating: 0, count: groupCount + 1)
            for i in 0..<count { offsets[Int(groups[i]) + 1] += 1 }
            for g in 0..<groupCount { offsets[g + 1] += offsets[g] }
            var pos = offsets
            var sorted = [Double](repeating: 0, count: count)
            for i in 0..<count {
                let g = Int(groups[i])
                sorted[pos[g]] = values[i]
                pos[g] += 1
            }
            sorted.withUnsafeMutableBufferPointer { all in
                for g in 0..<groupCount where offsets[g + 1] > offsets[g] {
                    var slice = UnsafeMutableBufferPointer(rebasing: all[offsets[g]..<offsets[g + 1]])
                    slice.sort()
                    out[g] = select(slice)
                    valid[g] = true
                }
            }
        }
        let doubles = ColumnData.fromDoubles(out, valid: valid)
        if type == .float64 { return doubles }
        return (try? Casts.castVector(doubles, to: type)) ?? doubles
    }
}

/// arg_min / arg_max: the first argument's value at the row where the second is extreme.
final class ArgAcc: Accumulator {
    let isMax: Bool
    let type: DataType
    var best: [(Value, Value)?] = []
    init(isMax: Bool, type: DataType) {
        self.isMax = isMax
        self.type = type
    }

    func consider(_ k: Int, _ v: Value, _ key: Value) {
        guard let cur = best[k] else { best[k] = (v, key); return }
        let c = BuiltinFunctions.compareValues(key, cur.1)
        if isMax ? c > 0 : c < 0 { best[k] = (v, key) }
    }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        if best.count < groupCount { best.append(contentsOf: repeatElement(nil, count: groupCount - best.count)) }
        let keyCol = args[1]
        for i in 0..<n where (active == nil || active![i] != 0) && keyCol.isValid(i) {
            consider(Int(g[i]), args[0].value(at: i), keyCol.value(at: i))
        }
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! ArgAcc
        if best.count < groupCount { best.append(contentsOf: repeatElement(nil, count: groupCount - best.count)) }
        for (g, t) in map.enumerated() where g < o.best.count { if let b = o.best[g] { consider(Int(t), b.0, b.1) } }
    }

    func finish(groupCount: Int) -> ColumnData {
        ColumnData.from(type, (0..<groupCount).map { $0 < best.count ? (best[$0]?.0 ?? .null) : .null })
    }
}

/// bool_and / bool_or.
final class BoolAcc: Accumulator {
    let isAnd: Bool
    var state = GrowBuffer<UInt8>(fill: 2) // 2 = no row yet
    init(isAnd: Bool) { self.isAnd = isAnd }
    deinit { state.free() }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        state.ensure(groupCount)
        let v = args[0].bools
        for i in 0..<n where active == nil || active![i] != 0 {
            let k = Int(g[i])
            let cur = state[k]
            state[k] = cur == 2 ? v[i] : (isAnd ? cur & v[i] : cur | v[i])
        }
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! BoolAcc
        o.state.ensure(map.count)
        state.ensure(groupCount)
        for (g, t) in map.enumerated() where o.state[g] != 2 {
            let cur = state[Int(t)]
            state[Int(t)] = cur == 2 ? o.state[g] : (isAnd ? cur & o.state[g] : cur | o.state[g])
        }
    }

    func finish(groupCount: Int) -> ColumnData {
        state.ensure(groupCount)
        return ColumnData.fromIntegers(.bool, (0..<groupCount).map { Int64(state[$0] == 1 ? 1 : 0) }, valid: (0..<groupCount).map { state[$0] != 2 })
    }
}

/// any_value: some value of the group.
final class AnyValueAcc: Accumulator {
    let type: DataType
    var values: [Value?] = []
    init(type: DataType) { self.type = type }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        if values.count < groupCount { values.append(contentsOf: repeatElement(nil, count: groupCount - values.count)) }
        for i in 0..<n where (active == nil || active![i] != 0) && values[Int(g[i])] == nil { values[Int(g[i])] = args[0].value(at: i) }
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! AnyValueAcc
        if values.count < groupCount { values.append(contentsOf: repeatElement(nil, count: groupCount - values.count)) }
        for (g, t) in map.enumerated() where g < o.values.count && values[Int(t)] == nil { values[Int(t)] = o.values[g] }
    }

    func finish(groupCount: Int) -> ColumnData {
        ColumnData.from(type, (0..<groupCount).map { $0 < values.count ? (values[$0] ?? .null) : .null })
    }
}

/// DISTINCT aggregates: the distinct values per group are kept, then fed to the plain aggregate.
final class DistinctAcc: Accumulator {
    let agg: BoundAggregate
    var sets: [Set<Value>] = []
    init(_ agg: BoundAggregate) { self.agg = agg }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        if sets.count < groupCount { sets.append(contentsOf: repeatElement([], count: groupCount - sets.count)) }
        let c = args[0]
        if c.type == .string {
            let d = c.dictionary!
            let strings = (0..<d.count).map { Value.string(d[$0]) }
            let codes = c.codes
            for i in 0..<n where active == nil || active![i] != 0 { sets[Int(g[i])].insert(strings[Int(codes[i])]) }
            return
        }
        for i in 0..<n where active == nil || active![i] != 0 { sets[Int(g[i])].insert(c.value(at: i)) }
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! DistinctAcc
        if sets.count < groupCount { sets.append(contentsOf: repeatElement([], count: groupCount - sets.count)) }
        for (g, t) in map.enumerated() where g < o.sets.count { sets[Int(t)].formUnion(o.sets[g]) }
    }

    func finish(groupCount: Int) throws -> ColumnData {
        var plain = agg
        plain.distinct = false
        plain.filter = nil
        let acc = Accumulators.make(plain)
        var groups: [UInt32] = []
        var vals: [Value] = []
        for k in 0..<groupCount where k < sets.count {
            for v in sets[k] { groups.append(UInt32(k)); vals.append(v) }
        }
        let col = ColumnData.from(agg.args[0].type, vals)
        if !vals.isEmpty {
            groups.withUnsafeBufferPointer { acc.update($0.baseAddress!, vals.count, [col], nil, groupCount: groupCount) }
        }
        return try acc.finish(groupCount: groupCount)
    }
}

/// count(DISTINCT x): values become dense ids, (group, id) pairs go into one hash set, and a group's
/// count grows when its pair is new — no per-group Swift sets, no Values per row.
final class CountDistinctAcc: Accumulator {
    let interner: KeyInterner
    var pairs = U64Map()
    var counts = GrowBuffer<Int64>(fill: 0)
    var ids = GrowBuffer<UInt32>(fill: 0)

    init(type: DataType) { interner = KeyInterner(type: type) }

    deinit {
        interner.free()
        pairs.free()
        counts.free()
        ids.free()
    }

    func update(_ g: UnsafePointer<UInt32>, _ n: Int, _ args: [ColumnData], _ active: UnsafePointer<UInt8>?, groupCount: Int) {
        counts.ensure(groupCount)
        ids.ensure(n)
        let idp = ids.ptr
        interner.ids(args[0], n, into: idp)
        let c = counts.ptr
        var map = pairs
        for i in 0..<n where active == nil || active![i] != 0 {
            var isNew = false
            _ = map.findOrInsert(UInt64(g[i]) << 32 | UInt64(idp[i]), isNew: &isNew)
            if isNew { c[Int(g[i])] &+= 1 }
        }
        pairs = map
    }

    func merge(_ other: Accumulator, _ map: [UInt32], groupCount: Int) {
        let o = other as! CountDistinctAcc
        counts.ensure(groupCount)
        var mine = pairs
        for s in 0..<o.pairs.capacity where o.pairs.slots[s] != 0 {
            let key = o.pairs.keys[s]
            let og = Int(key >> 32)
            guard og < map.count else { continue }
            let value = o.interner.value(UInt32(truncatingIfNeeded: key))
            var id: UInt32 = 0
            interner.ids(ColumnData.from(interner.type, [value]), 1, into: &id)
            let g = map[og]
            var isNew = false
            _ = mine.findOrInsert(UInt64(g) << 32 | UInt64(id), isNew: &isNew)
            if isNew { counts[Int(g)] &+= 1 }
        }
        pairs = mine
    }

    func finish(groupCount: Int) -> ColumnData {
        counts.ensure(groupCount)
        return ColumnData.fromIntegers(.int64, (0..<groupCount).map { counts[$0] })
    }
}
