/// Window functions over the fully materialised input: rows are ordered by (partition, order keys),
/// each partition is walked once, and results are written back at the rows' original positions.
final class WindowOperator: PhysicalOperator {
    let input: PhysicalOperator
    let windows: [BoundWindow]
    let types: [DataType]
    let ctx: QueryContext
    var done = false

    init(_ input: PhysicalOperator, windows: [BoundWindow], types: [DataType], ctx: QueryContext) {
        self.input = input
        self.windows = windows
        self.types = types
        self.ctx = ctx
    }

    func next() throws -> Batch? {
        guard !done else { return nil }
        done = true
        let all = try input.drain(types: types, ctx: ctx)
        guard all.count > 0 else { return nil }
        var cols = all.columns
        for w in windows { cols.append(try compute(w, all)) }
        return Batch(columns: cols, count: all.count)
    }

    func compute(_ w: BoundWindow, _ b: Batch) throws -> ColumnData {
        let n = b.count
        let partKeys = w.partitionBy.map { SortKey($0) }
        let sorter = try SortColumns(partKeys + w.orderBy, b)
        let order = sorter.order(count: n)
        let part = try SortColumns(partKeys, b)
        let peers = try SortColumns(w.orderBy, b)
        let args = try w.args.map { try ExprEvaluator.vector($0, b) }
        var out = [Value](repeating: .null, count: n)
        var start = 0
        while start < n {
            var end = start + 1
            while end < n && part.compare(Int(order[start]), Int(order[end])) == 0 { end += 1 }
            let rows = Array(order[start..<end]).map(Int.init)
            try fill(w, rows, peers, args, &out)
            start = end
        }
        return ColumnData.from(w.type, out)
    }

    /// Computes the window function for one partition (`rows` in window order).
    func fill(_ w: BoundWindow, _ rows: [Int], _ peers: SortColumns, _ args: [ColumnData], _ out: inout [Value]) throws {
        let m = rows.count
        // Last peer index of each position (rows with equal ORDER BY keys).
        var peerEnd = [Int](repeating: 0, count: m)
        var i = m - 1
        while i >= 0 {
            peerEnd[i] = (i + 1 < m && !w.orderBy.isEmpty && peers.compare(rows[i], rows[i + 1]) == 0) ? peerEnd[i + 1] : (w.orderBy.isEmpty ? m - 1 : i)
            i -= 1
        }
        switch w.kind {
        case .rowNumber:
            for (p, r) in rows.enumerated() { out[r] = .int(Int64(p + 1)) }
        case .rank, .denseRank:
            var rank = 1, dense = 1
            for p in 0..<m {
                if p > 0 && peers.compare(rows[p - 1], rows[p]) != 0 { rank = p + 1; dense += 1 }
                out[rows[p]] = .int(Int64(w.kind.isDense ? dense : rank))
            }
        case .lag(let k), .lead(let k):
            let off = w.kind.isLag ? -k : k
            for p in 0..<m {
                let q = WindowOperator.offset(p, off)
                if q >= 0 && q < m { out[rows[p]] = args[0].value(at: rows[q]) } else {
                    out[rows[p]] = args.count > 2 ? try Casts.castValue(args[2].value(at: rows[p]), to: w.type) : .null
                }
            }
        case .firstValue, .lastValue, .aggregate:
            for p in 0..<m {
                let (lo, hi) = frameBounds(w, p, m, peerEnd)
                out[rows[p]] = try frameValue(w, rows, lo, hi, args)
            }
        }
    }

    /// Position `p` moved by `by` rows, saturating (offsets may be as large as the SQL allows).
    static func offset(_ p: Int, _ by: Int) -> Int {
        let (r, overflow) = p.addingReportingOverflow(by)
        return overflow ? (by > 0 ? .max : .min) : r
    }

    /// The frame of position p as a closed range [lo, hi] (empty when lo > hi).
    func frameBounds(_ w: BoundWindow, _ p: Int, _ m: Int, _ peerEnd: [Int]) -> (Int, Int) {
        if let f = w.frame {
            let lo = f.start.map { max(0, WindowOperator.offset(p, $0)) } ?? 0
            let hi = f.end.map { min(m - 1, WindowOperator.offset(p, $0)) } ?? m - 1
            return (lo, hi)
        }
        return (0, w.orderBy.isEmpty ? m - 1 : peerEnd[p])
    }

    func frameValue(_ w: BoundWindow, _ rows: [Int], _ lo: Int, _ hi: Int, _ args: [ColumnData]) throws -> Value {
        guard lo <= hi else {
            if case .aggregate(let k) = w.kind, k == .count || k == .countStar { return .int(0) }
            return .null
        }
        switch w.kind {
        case .firstValue: return args[0].value(at: rows[lo])
        case .lastValue: return args[0].value(at: rows[hi])
        case .aggregate(let kind):
            var acc = Accumulators.make(BoundAggregate(kind: kind, args: w.args, type: w.type))
            let idx = rows[lo...hi].map { Int32($0) }
            let sub = idx.withUnsafeBufferPointer { i in args.map { $0.gather(i) } }
            var active = [UInt8](repeating: 1, count: idx.count)
            if kind != .countStar, let a0 = sub.first { for i in 0..<idx.count where !a0.isValid(i) { active[i] = 0 } }
            let groups = [UInt32](repeating: 0, count: idx.count)
            groups.withUnsafeBufferPointer { g in
                active.withUnsafeBufferPointer { a in acc.update(g.baseAddress!, idx.count, sub, a.baseAddress!, groupCount: 1) }
            }
            let r = try acc.finish(groupCount: 1).value(at: 0)
            acc = CountAcc()
            return try Casts.castValue(r, to: w.type)
        default: return .null
        }
    }
}

extension WindowKind {
    var isDense: Bool { if case .denseRank = self { return true } else { return false } }
    var isLag: Bool { if case .lag = self { return true } else { return false } }
}

/// Adds the buckets a time series is missing, so trends show empty hours or days as such.
final class GapFillOperator: PhysicalOperator {
    let input: PhysicalOperator
    let types: [DataType]
    let timeColumn: Int
    let from: Int64, to: Int64, step: Int64
    let keyColumns: [Int]
    let zeroColumns: [Int]
    let ctx: QueryContext
    var done = false

    init(_ input: PhysicalOperator, types: [DataType], timeColumn: Int, from: Int64, to: Int64, step: Int64, keyColumns: [Int], zeroColumns: [Int], ctx: QueryContext) {
        self.ctx = ctx
        self.input = input
        self.types = types
        self.timeColumn = timeColumn
        self.from = from
        self.to = to
        self.step = step
        self.keyColumns = keyColumns
        self.zeroColumns = zeroColumns
    }

    func next() throws -> Batch? {
        guard !done else { return nil }
        done = true
        let all = try input.drain(types: types, ctx: ctx)
        var present = Set<[Value]>()
        var keySets: [[Value]] = []
        var seenKeys = Set<[Value]>()
        for i in 0..<all.count {
            let k = keyColumns.map { all.columns[$0].value(at: i) }
            present.insert(k + [all.columns[timeColumn].value(at: i)])
            if seenKeys.insert(k).inserted { keySets.append(k) }
        }
        if keySets.isEmpty && keyColumns.isEmpty { keySets = [[]] }
        var extra: [[Value]] = []
        var t = from
        while t < to {
            for k in keySets where !present.contains(k + [.timestamp(t)]) {
                var row = [Value](repeating: .null, count: types.count)
                for (j, c) in keyColumns.enumerated() { row[c] = k[j] }
                row[timeColumn] = .timestamp(t)
                for c in zeroColumns { row[c] = types[c] == .float64 ? .double(0) : .int(0) }
                extra.append(row)
            }
            t += step
        }
        if extra.isEmpty { return all.count > 0 ? all : nil }
        let add = types.enumerated().map { c, ty in ColumnData.from(ty, extra.map { $0[c] }) }
        if all.count == 0 { return Batch(columns: add, count: extra.count) }
        return Batch(columns: zip(all.columns, add).map { ColumnData.concat([$0, $1]) }, count: all.count + extra.count)
    }
}
