/// Sort keys evaluated over a batch and turned into comparable numbers (strings become ranks
/// computed once per dictionary entry), so comparing two rows never touches a String.
struct SortColumns {
    enum Keys {
        case ints(UnsafeBufferPointer<Int64>)
        case doubles(UnsafeBufferPointer<Double>)
        case ranks([Int32])
    }

    let keys: [Keys]
    let valid: [ColumnData]
    let specs: [SortKey]
    /// Keeps the evaluated vectors alive while `keys` points into them.
    let owners: [ColumnData]

    init(_ specs: [SortKey], _ b: Batch) throws {
        var keys: [Keys] = [], valid: [ColumnData] = [], owners: [ColumnData] = []
        for s in specs {
            let v = try ExprEvaluator.vector(s.expr, b)
            valid.append(v)
            switch v.type {
            case .float64:
                owners.append(v); keys.append(.doubles(v.float64s))
            case .string:
                let d = v.dictionary!
                let order = (0..<d.count).sorted { ExprEvaluator.compareBytes(d.utf8($0), d.utf8($1)) < 0 }
                var rank = [Int32](repeating: 0, count: d.count)
                for (r, e) in order.enumerated() { rank[e] = Int32(r) }
                let codes = v.codes
                keys.append(.ranks((0..<v.count).map { rank.isEmpty ? 0 : rank[Int(codes[$0])] }))
            default:
                let x = Vectors.int64(v)
                owners.append(x); keys.append(.ints(x.int64s))
            }
        }
        self.keys = keys
        self.valid = valid
        self.specs = specs
        self.owners = owners
    }

    /// Negative when row a sorts before row b.
    @inline(__always)
    func compare(_ a: Int, _ b: Int) -> Int {
        for k in 0..<keys.count {
            let va = valid[k].isValid(a), vb = valid[k].isValid(b)
            let spec = specs[k]
            if !va || !vb {
                if va == vb { continue }
                // NULL placement is independent of ASC/DESC.
                return (!va) == spec.nullsFirst ? -1 : 1
            }
            var c: Int
            switch keys[k] {
            case .ints(let p): c = p[a] < p[b] ? -1 : (p[a] > p[b] ? 1 : 0)
            case .doubles(let p):
                let x = p[a], y = p[b]
                // NaN sorts after every number.
                if x.isNaN || y.isNaN { c = x.isNaN == y.isNaN ? 0 : (x.isNaN ? 1 : -1) } else { c = x < y ? -1 : (x > y ? 1 : 0) }
            case .ranks(let r): c = r[a] < r[b] ? -1 : (r[a] > r[b] ? 1 : 0)
            }
            if c != 0 { return spec.descending ? -c : c }
        }
        return 0
    }

    /// Row indices in sorted order (stable).
    func order(count n: Int) -> [Int32] {
        var idx = (0..<n).map { Int32($0) }
        idx.sort { a, b in
            let c = compare(Int(a), Int(b))
            return c < 0 || (c == 0 && a < b)
        }
        return idx
    }
}

/// ORDER BY: materialises its input and sorts it.
final class SortOperator: PhysicalOperator {
    let input: PhysicalOperator
    let keys: [SortKey]
    let types: [DataType]
    let ctx: QueryContext
    var done = false
    init(_ input: PhysicalOperator, keys: [SortKey], types: [DataType], ctx: QueryContext) {
        self.input = input
        self.keys = keys
        self.types = types
        self.ctx = ctx
    }

    func next() throws -> Batch? {
        guard !done else { return nil }
        done = true
        let all = try input.drain(types: types, ctx: ctx)
        guard all.count > 1 else { return all.count == 0 ? nil : all }
        let order = try SortColumns(keys, all).order(count: all.count)
        return order.withUnsafeBufferPointer { all.gather($0) }
    }
}

/// ORDER BY … LIMIT k: keeps only the best k + offset rows while reading.
final class TopKOperator: PhysicalOperator {
    let input: PhysicalOperator
    let keys: [SortKey]
    let types: [DataType]
    let keep: Int
    let offset: Int
    let ctx: QueryContext
    var done = false
    init(_ input: PhysicalOperator, keys: [SortKey], types: [DataType], limit: Int, offset: Int, ctx: QueryContext) {
        self.ctx = ctx
        self.input = input
        self.keys = keys
        self.types = types
        self.keep = limit > Int.max - offset ? Int.max : limit + offset
        self.offset = offset
    }

    func next() throws -> Batch? {
        guard !done else { return nil }
        done = true
        var best: Batch? = nil
        var pending: [Batch] = []
        var pendingRows = 0
        func compact() throws {
            var parts = pending
            if let b = best { parts.insert(b, at: 0) }
            pending = []
            pendingRows = 0
            guard !parts.isEmpty else { return }
            let cols = (0..<types.count).map { c in parts.count == 1 ? parts[0].columns[c] : ColumnData.concat(parts.map { $0.columns[c] }) }
            let all = Batch(columns: cols, count: parts.reduce(0) { $0 + $1.count })
            let order = try SortColumns(keys, all).order(count: all.count)
            let top = Array(order.prefix(keep))
            best = top.withUnsafeBufferPointer { all.gather($0) }
        }
        while let b = try input.next() {
            try ctx.check()
            pending.append(b)
            pendingRows += b.count
            if pendingRows >= max(keep > Int.max / 4 ? Int.max : keep * 4, 65_536) { try compact() }
        }
        try compact()
        guard let out = best, out.count > offset else { return nil }
        return out.slice(offset..<out.count)
    }
}
