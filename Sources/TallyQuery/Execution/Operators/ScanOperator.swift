import Synchronization

/// The row groups (and buffered batches) a scan will visit; workers share it and take units in turn.
final class ScanUnits: Sendable {
    enum Unit: Sendable {
        case rowGroup(tenant: String, segment: Segment, group: Int)
        case buffer(tenant: String, batch: RowBatch)
    }

    let units: [Unit]
    private let cursor = Atomic<Int>(0)

    init(_ snapshots: [(tenant: String, snapshot: TableSnapshot)]) {
        var u: [Unit] = []
        for (t, s) in snapshots {
            for seg in s.segments { for g in 0..<seg.rowGroups.count { u.append(.rowGroup(tenant: t, segment: seg, group: g)) } }
            for b in s.buffer { u.append(.buffer(tenant: t, batch: b)) }
        }
        units = u
    }

    /// The next unit to process, or nil when all are taken.
    func take() -> Unit? {
        let i = cursor.wrappingAdd(1, ordering: .relaxed).oldValue
        return i < units.count ? units[i] : nil
    }
}

/// Reads a table: prunes row groups with zone maps, evaluates pushed-down filters on the filter
/// columns first, and decodes the other columns only for row groups where some row survives.
final class ScanOperator: PhysicalOperator {
    let source: ScanSource
    let filters: [BoundExpr]
    let units: ScanUnits
    let ctx: QueryContext
    let node: Int
    let filterColumns: Set<Int>
    let prune: [ZonePredicate]

    init(source: ScanSource, filters: [BoundExpr], units: ScanUnits, ctx: QueryContext, node: Int) {
        self.source = source
        self.filters = filters
        self.units = units
        self.ctx = ctx
        self.node = node
        var used = Set<Int>()
        for f in filters { used.formUnion(f.columnsUsed) }
        filterColumns = used
        prune = filters.compactMap { ZonePredicate($0) }
    }

    var clientIDIndex: Int? { source.withClientID ? source.columns.count : nil }

    func next() throws -> Batch? {
        while let unit = units.take() {
            try ctx.check()
            if let b = try process(unit) { return b }
        }
        return nil
    }

    private func process(_ unit: ScanUnits.Unit) throws -> Batch? {
        let tenant: String
        let rows: Int
        var zones: [ZoneMap?] = []
        switch unit {
        case .rowGroup(let t, let seg, let g):
            tenant = t
            rows = seg.rowGroups[g].rows
            zones = source.columns.map { seg.rowGroups[g].chunks[$0].zone }
        case .buffer(let t, let b):
            tenant = t
            rows = b.count
            zones = Array(repeating: nil, count: source.columns.count)
        }
        ctx.record(node) { $0.rowGroups += 1 }
        for p in prune where !p.mayMatch(zones: zones, rows: rows, clientIDIndex: clientIDIndex, tenant: tenant) {
            ctx.record(node) { $0.rowGroupsPruned += 1 }
            return nil
        }
        ctx.record(node) { $0.rowsScanned += rows }
        let width = source.columns.count + (source.withClientID ? 1 : 0)
        var cols = [ColumnData?](repeating: nil, count: width)
        func load(_ c: Int) throws -> ColumnData {
            if let have = cols[c] { return have }
            let col: ColumnData
            if c == clientIDIndex {
                col = Vectors.constant(.string(tenant), .string, count: rows)
            } else {
                switch unit {
                case .rowGroup(_, let seg, let g): col = try seg.column(rowGroup: g, column: source.columns[c])
                case .buffer(_, let b): col = b.columns[source.columns[c]]
                }
            }
            cols[c] = col
            return col
        }
        var selection: [Int32]? = nil
        if !filters.isEmpty {
            let placeholder = Vectors.constant(.null, .bool, count: 0)
            for c in filterColumns { _ = try load(c) }
            let partial = Batch(columns: cols.map { $0 ?? placeholder }, count: rows)
            for f in filters {
                let v = try ExprEvaluator.eval(f, selection.map { sel in sel.withUnsafeBufferPointer { partial.gather($0) } } ?? partial)
                guard let sel = ExprEvaluator.selection(v, count: selection?.count ?? rows) else { continue }
                if sel.isEmpty { return nil }
                // Compose with the previous selection.
                selection = selection.map { prev in sel.map { prev[Int($0)] } } ?? sel
            }
        }
        for c in 0..<width { _ = try load(c) }
        var batch = Batch(columns: cols.map { $0! }, count: rows)
        if let sel = selection { batch = sel.withUnsafeBufferPointer { batch.gather($0) } }
        ctx.record(node) { $0.rowsOut += batch.count }
        return batch
    }
}

/// A conjunct that zone maps can refute: `column op constant`, `column IN (...)`, `IS [NOT] NULL`.
struct ZonePredicate {
    enum Test {
        case compare(CompareOp, Value)
        case inList([Value])
        case isNull(Bool)
    }

    let column: Int
    let test: Test

    init?(_ e: BoundExpr) {
        switch e {
        case .compare(let op, .column(let c, _, _), .constant(let v, _)) where !v.isNull:
            column = c; test = .compare(op, v)
        case .compare(let op, .constant(let v, _), .column(let c, _, _)) where !v.isNull:
            column = c; test = .compare(op.flipped, v)
        case .inList(.column(let c, _, _), let vs, false) where !vs.isEmpty:
            column = c; test = .inList(vs)
        case .isNull(.column(let c, _, _), let negated):
            column = c; test = .isNull(!negated)
        default:
            return nil
        }
    }

    /// False only when no row of the unit can satisfy the predicate.
    func mayMatch(zones: [ZoneMap?], rows: Int, clientIDIndex: Int?, tenant: String) -> Bool {
        if column == clientIDIndex {
            return Self.holds(test, .string(tenant))
        }
        guard column < zones.count, let z = zones[column] else { return true }
        switch test {
        case .isNull(let wantNull):
            return wantNull ? z.nullCount > 0 : z.nullCount < rows
        case .compare(let op, let v):
            return Self.rangeMay(op, v, z.bounds)
        case .inList(let vs):
            return vs.contains { !$0.isNull && Self.rangeMay(.eq, $0, z.bounds) }
        }
    }

    static func holds(_ test: Test, _ v: Value) -> Bool {
        switch test {
        case .isNull(let wantNull): return wantNull == v.isNull
        case .compare(let op, let k): return ExprEvaluator.holds(op, BuiltinFunctions.compareValues(v, k))
        case .inList(let vs): return vs.contains(v)
        }
    }

    /// Whether some value in [lo, hi] can satisfy `x op v`.
    static func rangeMay(_ op: CompareOp, _ v: Value, _ bounds: ZoneMap.Bounds) -> Bool {
        let lo: Value, hi: Value
        switch bounds {
        case .none: return true
        case .int(let a, let b): lo = .int(a); hi = .int(b)
        case .double(let a, let b): lo = .double(a); hi = .double(b)
        case .string(let a, let b): lo = .string(a); hi = .string(b)
        }
        if case .string = v { guard case .string = lo else { return true } } else if case .string = lo { return true }
        let cl = BuiltinFunctions.compareValues(v, lo), ch = BuiltinFunctions.compareValues(v, hi)
        switch op {
        case .eq: return cl >= 0 && ch <= 0
        case .ne: return !(cl == 0 && ch == 0)
        case .lt: return cl > 0      // some x < v  ⇔ lo < v
        case .le: return cl >= 0
        case .gt: return ch < 0      // some x > v  ⇔ hi > v
        case .ge: return ch <= 0
        }
    }
}
