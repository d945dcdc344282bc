/// The partial state of a hash aggregation: group table plus one accumulator per aggregate.
final class AggregationState {
    let keys: [BoundExpr]
    let aggregates: [BoundAggregate]
    let table: GroupTable
    let accs: [Accumulator]
    let ctx: QueryContext
    private var chargedGroups = 0

    init(keys: [BoundExpr], aggregates: [BoundAggregate], ctx: QueryContext) {
        self.keys = keys
        self.ctx = ctx
        self.aggregates = aggregates
        table = GroupTable(keyTypes: keys.map(\.type))
        accs = aggregates.map { Accumulators.make($0) }
    }

    /// Folds one input batch into the state.
    func consume(_ b: Batch) throws {
        let n = b.count
        guard n > 0 else { return }
        let keyCols = try keys.map { try ExprEvaluator.vector($0, b) }
        let g = UnsafeMutablePointer<UInt32>.allocate(capacity: n)
        let active = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
        defer {
            g.deallocate()
            active.deallocate()
        }
        table.groupIDs(keyCols, count: n, into: g)
        let gc = table.groupCount
        if gc > chargedGroups {
            // Key ids, fold-map slots and one state slot per aggregate, roughly 16 bytes each.
            try ctx.charge((gc - chargedGroups) * 16 * (keys.count + aggregates.count + 2))
            chargedGroups = gc
        }
        // A batch of one group (no keys, or a tenant's single sector) reduces without scattering.
        var uniform: Int? = Int(g[0])
        if !keys.isEmpty {
            let first = g[0]
            var same: UInt32 = 0
            for i in 0..<n { same |= g[i] ^ first }
            if same != 0 { uniform = nil }
        }
        for (k, agg) in aggregates.enumerated() {
            let args = try agg.args.map { try ExprEvaluator.vector($0, b) }
            // Rows that count: FILTER is TRUE and (except count(*)) the first argument is not NULL.
            var needMask = false
            if let f = agg.filter {
                let fv = try ExprEvaluator.vector(f, b)
                let p = fv.bools
                active.update(from: p.baseAddress!, count: n)
                if let bm = fv.validity { Self.andValidity(active, bm, n) }
                needMask = true
            }
            if agg.kind != .countStar, let a0 = args.first, let bm = a0.validity {
                if !needMask { active.initialize(repeating: 1, count: n) }
                Self.andValidity(active, bm, n)
                needMask = true
            }
            let mask: UnsafePointer<UInt8>? = needMask ? UnsafePointer(active) : nil
            if let u = uniform, accs[k].updateUniform(u, n, args, mask, groupCount: gc) { continue }
            accs[k].update(g, n, args, mask, groupCount: gc)
        }
    }

    /// Clears `active[i]` where the validity bitmap says row i is NULL (branch-free).
    static func andValidity(_ active: UnsafeMutablePointer<UInt8>, _ bm: UnsafeRawBufferPointer, _ n: Int) {
        let bits = bm.baseAddress!.assumingMemoryBound(to: UInt8.self)
        for i in 0..<n { active[i] &= (bits[i >> 3] >> UInt8(i & 7)) & 1 }
    }

    /// Folds another partial state (same plan) into this one.
    func merge(_ other: AggregationState) {
        var map = [UInt32](repeating: 0, count: other.table.groupCount)
        for g in 0..<other.table.groupCount { map[g] = table.groupID(forKey: other.table.keyValues(g)) }
        for (a, b) in zip(accs, other.accs) { a.merge(b, map, groupCount: table.groupCount) }
    }

    /// The result: key columns, then aggregate columns.
    func finish() throws -> Batch {
        let n = table.groupCount
        var cols: [ColumnData] = []
        for (k, key) in keys.enumerated() {
            var b = ColumnBuilder(key.type, capacity: n)
            for g in 0..<n { b.append(table.keyValues(g)[k]) }
            cols.append(b.finish())
        }
        for a in accs { cols.append(try a.finish(groupCount: n)) }
        return Batch(columns: cols, count: n)
    }
}

/// GROUP BY with aggregates, over one input (workers run several and merge, see Executor).
final class AggregateOperator: PhysicalOperator {
    let inputs: [PhysicalOperator]
    let keys: [BoundExpr]
    let aggregates: [BoundAggregate]
    let ctx: QueryContext
    var done = false

    init(inputs: [PhysicalOperator], keys: [BoundExpr], aggregates: [BoundAggregate], ctx: QueryContext) {
        self.inputs = inputs
        self.keys = keys
        self.aggregates = aggregates
        self.ctx = ctx
    }

    func next() throws -> Batch? {
        guard !done else { return nil }
        done = true
        let states = try Parallel.map(inputs) { input -> AggregationState in
            let s = AggregationState(keys: keys, aggregates: aggregates, ctx: ctx)
            while let b = try input.next() {
                try ctx.check()
                try s.consume(b)
            }
            return s
        }
        let first = states[0]
        for s in states.dropFirst() { first.merge(s) }
        return try first.finish()
    }
}

/// DISTINCT over all columns.
final class DistinctOperator: PhysicalOperator {
    let input: PhysicalOperator
    let types: [DataType]
    let ctx: QueryContext
    var done = false
    init(_ input: PhysicalOperator, types: [DataType], ctx: QueryContext) {
        self.input = input
        self.types = types
        self.ctx = ctx
    }

    func next() throws -> Batch? {
        guard !done else { return nil }
        done = true
        let keys = types.enumerated().map { BoundExpr.column($0, $1, name: "c\($0)") }
        let s = AggregationState(keys: keys, aggregates: [], ctx: ctx)
        while let b = try input.next() { try s.consume(b) }
        let out = try s.finish()
        return out.count == 0 ? nil : out
    }
}
