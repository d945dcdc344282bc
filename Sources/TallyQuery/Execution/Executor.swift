import Dispatch

/// A query's answer: named, typed columns.
public struct QueryResult: Sendable {
    public var columns: [PlanColumn]
    public var data: [ColumnData]
    public var rowCount: Int

    public init(columns: [PlanColumn], data: [ColumnData], rowCount: Int) {
        self.columns = columns
        self.data = data
        self.rowCount = rowCount
    }

    /// Row i as Values.
    public func row(_ i: Int) -> [Value] { data.map { $0.value(at: i) } }
    /// All rows as Values (tests, small results).
    public var rows: [[Value]] { (0..<rowCount).map(row) }

    /// A one-column text result (SHOW, EXPLAIN, DESCRIBE output).
    public static func text(_ name: String, _ lines: [String]) -> QueryResult {
        QueryResult(columns: [PlanColumn(name, .string)], data: [ColumnData.from(.string, lines.map { .string($0) })], rowCount: lines.count)
    }
}

/// Turns a logical plan into operators and runs it.
public enum Executor {
    /// Runs `plan` and collects its rows (at most `maxRows`, else QueryError.tooManyRows).
    public static func run(_ plan: LogicalPlan, ctx: QueryContext, maxRows: Int = .max) throws -> QueryResult {
        var builder = PlanBuilder(ctx: ctx, instrument: false)
        let root = try builder.build(plan)
        return try collect(root, columns: plan.columns, maxRows: maxRows, ctx: ctx)
    }

    static func collect(_ root: PhysicalOperator, columns: [PlanColumn], maxRows: Int, ctx: QueryContext) throws -> QueryResult {
        var parts: [Batch] = []
        var n = 0
        while let b = try root.next() {
            guard b.count > 0 else { continue }
            n += b.count
            if n > maxRows { throw QueryError.tooManyRows(maxRows) }
            try ctx.charge(b.byteCount)
            parts.append(b)
        }
        let data: [ColumnData]
        if parts.isEmpty { data = columns.map { ColumnBuilder($0.type).finish() } }
        else if parts.count == 1 { data = parts[0].columns }
        else { data = (0..<columns.count).map { c in ColumnData.concat(parts.map { $0.columns[c] }) } }
        // Operators may produce a narrower type for all-NULL constants; results keep the plan's types.
        let typed = zip(data, columns).map { d, c in d.type == c.type ? d : ((try? Casts.castVector(d, to: c.type)) ?? d) }
        return QueryResult(columns: columns, data: typed, rowCount: n)
    }

    /// EXPLAIN: the plan as an indented tree. With `analyze`, the query runs and each node shows
    /// its rows, time and (scans) row groups read and pruned.
    public static func explain(_ plan: LogicalPlan, ctx: QueryContext, analyze: Bool) throws -> QueryResult {
        var lines: [String] = []
        var stats: [Int: OperatorStats] = [:]
        var total: UInt64 = 0
        if analyze {
            var builder = PlanBuilder(ctx: ctx, instrument: true)
            let root = try builder.build(plan)
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try collect(root, columns: plan.columns, maxRows: .max, ctx: ctx)
            total = DispatchTime.now().uptimeNanoseconds - start
            stats = ctx.stats.withLock { $0 }
        }
        var id = 0
        describe(plan, depth: 0, id: &id, stats: analyze ? stats : nil, into: &lines)
        if analyze { lines.append(String(format: "Total: %.3f ms", Double(total) / 1e6)) }
        return .text("plan", lines)
    }

    static func describe(_ p: LogicalPlan, depth: Int, id: inout Int, stats: [Int: OperatorStats]?, into lines: inout [String]) {
        let me = id
        id += 1
        let pad = String(repeating: "  ", count: depth) + (depth > 0 ? "-> " : "")
        var text: String
        var children: [LogicalPlan] = []
        switch p {
        case .scan(let s, let filters, _):
            let split = RollupTables.split(s.table)
            text = (split.map { "RollupScan \($0.view) (partials of \($0.base))" } ?? "Scan \(s.table)") + (s.withClientID ? " (all tenants)" : "") + " columns=[\(s.columns.map { s.schema.columns[$0].name }.joined(separator: ", "))]"
            if !filters.isEmpty { text += " filter=\(filters.map(\.description).joined(separator: " AND "))" }
        case .values(let rows, _): text = "Values rows=\(rows.count)"
        case .filter(let c, let e): text = "Filter \(e)"; children = [c]
        case .project(let c, let exprs, let names):
            text = "Project " + zip(exprs, names).map { "\($0) AS \($1)" }.joined(separator: ", "); children = [c]
        case .aggregate(let c, let keys, _, let aggs, _):
            text = "Aggregate keys=[\(keys.map(\.description).joined(separator: ", "))] aggregates=[\(aggs.map(\.description).joined(separator: ", "))]"
            children = [c]
        case .join(let l, let r, let kind, let lk, let rk, let res):
            text = "HashJoin \(kind.rawValue) on [\(zip(lk, rk).map { "\($0) = \($1)" }.joined(separator: ", "))]" + (res.map { " residual=\($0)" } ?? "")
            children = [l, r]
        case .sort(let c, let keys): text = "Sort [\(keys.map(\.description).joined(separator: ", "))]"; children = [c]
        case .limit(let c, let l, let o): text = "Limit \(l.map(String.init) ?? "ALL") offset \(o)"; children = [c]
        case .topK(let c, let keys, let l, let o): text = "TopK \(l) offset \(o) by [\(keys.map(\.description).joined(separator: ", "))]"; children = [c]
        case .window(let c, let ws, _): text = "Window [\(ws.map(\.description).joined(separator: ", "))]"; children = [c]
        case .distinct(let c): text = "Distinct"; children = [c]
        case .unionAll(let cs): text = "UnionAll"; children = cs
        case .gapFill(let c, let t, let from, let to, let step, _, _):
            text = "GapFill column \(t) from \(Timestamp.format(from)) to \(Timestamp.format(to)) step \(step / 1_000_000)s"; children = [c]
        }
        if let stats, let s = stats[me] {
            text += String(format: " (rows=%d time=%.3f ms", s.rowsOut, Double(s.nanos) / 1e6)
            if case .scan = p { text += " rowgroups=\(s.rowGroups) pruned=\(s.rowGroupsPruned) scanned_rows=\(s.rowsScanned)" }
            text += ")"
        }
        lines.append(pad + text)
        for c in children { describe(c, depth: depth + 1, id: &id, stats: stats, into: &lines) }
    }
}

/// Builds operator trees; aggregation over a scan pipeline runs one pipeline per core.
struct PlanBuilder {
    let ctx: QueryContext
    let instrument: Bool
    var nextID = 0

    init(ctx: QueryContext, instrument: Bool) {
        self.ctx = ctx
        self.instrument = instrument
    }

    mutating func build(_ p: LogicalPlan) throws -> PhysicalOperator {
        let id = nextID
        nextID += 1
        let op = try make(p, id: id)
        if instrument, case .scan = p { return op }
        return instrument ? InstrumentedOperator(op, ctx, node: id) : op
    }

    mutating func make(_ p: LogicalPlan, id: Int) throws -> PhysicalOperator {
        switch p {
        case .scan(let s, let filters, _):
            let units = ScanUnits(try ctx.tables.snapshots(of: s.table))
            return ScanOperator(source: s, filters: filters, units: units, ctx: ctx, node: id)
        case .values(let rows, let cols): return ValuesOperator(rows: rows, columns: cols)
        case .filter(let c, let e): return FilterOperator(try build(c), e, ctx)
        case .project(let c, let exprs, _): return ProjectOperator(try build(c), exprs)
        case .aggregate(let c, let keys, _, let aggs, _):
            let inputs = try parallelPipelines(c)
            return AggregateOperator(inputs: inputs, keys: keys, aggregates: aggs, ctx: ctx)
        case .join(let l, let r, let kind, let lk, let rk, let res):
            return HashJoinOperator(left: try build(l), right: try build(r), kind: kind, leftKeys: lk, rightKeys: rk, residual: res,
                                    leftTypes: l.columns.map(\.type), rightTypes: r.columns.map(\.type), ctx: ctx)
        case .sort(let c, let keys): return SortOperator(try build(c), keys: keys, types: c.columns.map(\.type), ctx: ctx)
        case .limit(let c, let l, let o): return LimitOperator(try build(c), limit: l, offset: o)
        case .topK(let c, let keys, let l, let o): return TopKOperator(try build(c), keys: keys, types: c.columns.map(\.type), limit: l, offset: o, ctx: ctx)
        case .window(let c, let ws, _): return WindowOperator(try build(c), windows: ws, types: c.columns.map(\.type), ctx: ctx)
        case .distinct(let c): return DistinctOperator(try build(c), types: c.columns.map(\.type), ctx: ctx)
        case .unionAll(let cs):
            let types = p.columns.map(\.type)
            return UnionAllOperator(try cs.map { try build($0) }, types: types)
        case .gapFill(let c, let t, let from, let to, let step, let keys, let zeros):
            return GapFillOperator(try build(c), types: c.columns.map(\.type), timeColumn: t, from: from, to: to, step: step, keyColumns: keys, zeroColumns: zeros, ctx: ctx)
        }
    }

    /// One copy of a filter/project chain over a scan per core, sharing the scan's row groups;
    /// any other input runs once.
    mutating func parallelPipelines(_ p: LogicalPlan) throws -> [PhysicalOperator] {
        var chain: [LogicalPlan] = []
        var cur = p
        while true {
            switch cur {
            case .filter(let c, _), .project(let c, _, _): chain.append(cur); cur = c; continue
            default: break
            }
            break
        }
        guard case .scan(let s, let filters, _) = cur, Parallel.width > 1 else { return [try build(p)] }
        let scanID = nextID + chain.count
        let units = ScanUnits(try ctx.tables.snapshots(of: s.table))
        var pipelines: [PhysicalOperator] = []
        for _ in 0..<Parallel.width {
            var op: PhysicalOperator = ScanOperator(source: s, filters: filters, units: units, ctx: ctx, node: scanID)
            var nodeID = scanID - 1
            for step in chain.reversed() {
                switch step {
                case .filter(_, let e): op = FilterOperator(op, e, ctx)
                case .project(_, let exprs, _): op = ProjectOperator(op, exprs)
                default: break
                }
                if instrument { op = InstrumentedOperator(op, ctx, node: nodeID) }
                nodeID -= 1
            }
            pipelines.append(op)
        }
        nextID += chain.count + 1
        return pipelines
    }
}
