/// Answers aggregate queries over a table from one of its rollups when that is provably the same
/// answer, and binds a view name to the merge of its partials.
///
/// A query qualifies when every column it reads outside aggregates is a rollup key (the virtual
/// `client_id` too), a timestamp that is a day key appears only as date_trunc('day'|'week'|'month'|
/// 'quarter'|'year', ts) in UTC or in `ts >= c` / `ts < c` with c on a UTC midnight, and every aggregate
/// is count(*), count(x), sum(x), min(x), max(x) or avg(x) (= sum/count) of a kept measure, optionally
/// with a FILTER that is either the measure's own filter or a condition on keys only.
/// Anything else runs on the raw rows.
enum RollupRewrite {
    static let dayMicros: Int64 = 86_400_000_000
    static let dayInvariantParts: Set<String> = ["day", "week", "month", "quarter", "year"]

    /// Rewrites every aggregate-over-scan of `p` that a rollup can answer.
    static func apply(_ p: LogicalPlan, tables: TableProvider) -> LogicalPlan {
        switch p {
        case .aggregate(.scan(let s, let filters, _), let keys, let kn, let aggs, let an):
            if RollupTables.split(s.table) == nil {
                // Fewer keys (then fewer measures) usually means fewer partial rows to merge.
                let defs = tables.rollups(of: s.table).sorted { ($0.keys.count, $0.measures.count) < ($1.keys.count, $1.measures.count) }
                for d in defs {
                    if let r = rewrite(s, filters, keys, kn, aggs, an, def: d) { return r }
                }
            }
            return p
        case .scan, .values: return p
        case .filter(let c, let e): return .filter(apply(c, tables: tables), e)
        case .project(let c, let e, let n): return .project(apply(c, tables: tables), exprs: e, names: n)
        case .aggregate(let c, let k, let kn, let a, let an): return .aggregate(apply(c, tables: tables), keys: k, keyNames: kn, aggregates: a, aggNames: an)
        case .join(let l, let r, let kind, let lk, let rk, let res):
            return .join(apply(l, tables: tables), apply(r, tables: tables), kind: kind, leftKeys: lk, rightKeys: rk, residual: res)
        case .sort(let c, let k): return .sort(apply(c, tables: tables), k)
        case .limit(let c, let l, let o): return .limit(apply(c, tables: tables), limit: l, offset: o)
        case .topK(let c, let k, let l, let o): return .topK(apply(c, tables: tables), k, limit: l, offset: o)
        case .window(let c, let w, let n): return .window(apply(c, tables: tables), w, names: n)
        case .distinct(let c): return .distinct(apply(c, tables: tables))
        case .unionAll(let cs): return .unionAll(cs.map { apply($0, tables: tables) })
        case .gapFill(let c, let t, let f, let to, let st, let k, let z):
            return .gapFill(apply(c, tables: tables), timeColumn: t, from: f, to: to, stepMicros: st, keyColumns: k, zeroColumns: z)
        }
    }

    /// Maps the scan's output columns onto the partial rows' columns.
    struct Mapping {
        let source: ScanSource
        let def: RollupDefinition
        let partial: TableSchema
        /// Index of the virtual client_id among the partial scan's outputs.
        var clientID: Int { partial.columns.count }

        /// The storage column name of scan output `j`, or nil for client_id.
        func name(_ j: Int) -> String? { j < source.columns.count ? source.schema.columns[source.columns[j]].name : nil }

        func key(_ j: Int) -> Int? {
            guard let n = name(j) else { return source.withClientID ? clientID : nil }
            return def.keys.firstIndex { !$0.day && $0.column.lowercased() == n.lowercased() }
        }

        func dayKey(_ j: Int) -> Int? {
            guard let n = name(j) else { return nil }
            return def.keys.firstIndex { $0.day && $0.column.lowercased() == n.lowercased() }
        }

        /// `e` over the partial rows, when its value is the same for every raw row of a partial row.
        func translate(_ e: BoundExpr) -> BoundExpr? {
            switch e {
            case .column(let j, let t, let n):
                guard let k = key(j) else { return nil }
                return .column(k, t, name: n)
            case .constant: return e
            case .call(let f, let args) where f.name == "date_trunc" && args.count == 2:
                guard case .constant(.string(let part), _) = args[0], dayInvariantParts.contains(part.lowercased()),
                      case .column(let j, let t, let n) = args[1], let k = dayKey(j) else { break }
                return .call(f, [args[0], .column(k, t, name: n)])
            default: break
            }
            var ok = true
            let cols = e.columnsUsed
            for j in cols where key(j) == nil { ok = false }
            guard ok else { return nil }
            return e.remapColumns { key($0)! }
        }

        /// A time-range conjunct on a day key whose bound sits on a UTC midnight, as a condition on the day.
        func dayRange(_ e: BoundExpr) -> BoundExpr? {
            guard case .compare(var op, var a, var b) = e else { return nil }
            if case .constant = a { swap(&a, &b); op = op.flipped }
            guard case .column(let j, let t, let n) = a, let k = dayKey(j), case .constant(let v, let vt) = b else { return nil }
            let c: Int64
            switch v {
            case .timestamp(let x), .int(let x): c = x
            default: return nil
            }
            func aligned(_ x: Int64) -> Bool { x % RollupRewrite.dayMicros == 0 }
            let col = BoundExpr.column(k, t, name: n)
            switch op {
            case .ge where aligned(c), .lt where aligned(c): return .compare(op, col, .constant(v, vt))
            case .gt where c < .max && aligned(c + 1): return .compare(.ge, col, .constant(vt == .timestamp ? .timestamp(c + 1) : .int(c + 1), vt))
            case .le where c < .max && aligned(c + 1): return .compare(.lt, col, .constant(vt == .timestamp ? .timestamp(c + 1) : .int(c + 1), vt))
            default: return nil
            }
        }

        /// The measure kept for `kind(column) FILTER (filter)`, as a partial column index.
        func measure(_ kind: RollupAggregate, _ column: String?, _ filter: RollupFilter?) -> Int? {
            guard let m = def.measures.firstIndex(where: {
                $0.aggregate == kind && $0.column?.lowercased() == column?.lowercased() && $0.filter == filter
            }) else { return nil }
            return def.keys.count + m
        }
    }

    static func rewrite(_ s: ScanSource, _ filters: [BoundExpr], _ keys: [BoundExpr], _ kn: [String],
                        _ aggs: [BoundAggregate], _ an: [String], def: RollupDefinition) -> LogicalPlan? {
        guard let partial = try? def.partialSchema(source: s.schema) else { return nil }
        let m = Mapping(source: s, def: def, partial: partial)
        var newFilters: [BoundExpr] = []
        for f in filters {
            guard let t = m.translate(f) ?? m.dayRange(f) else { return nil }
            newFilters.append(t)
        }
        var newKeys: [BoundExpr] = []
        for k in keys {
            guard let t = m.translate(k) else { return nil }
            newKeys.append(t)
        }
        var newAggs: [BoundAggregate] = []
        var outputs: [BoundExpr] = []
        let nk = keys.count
        for (i, k) in keys.enumerated() { outputs.append(.column(i, k.type, name: kn[i])) }
        func partialCol(_ c: Int) -> BoundExpr { .column(c, partial.columns[c].type, name: partial.columns[c].name) }
        func add(_ kind: AggKind, _ col: Int, _ filter: BoundExpr?) -> BoundExpr {
            let type = BoundAggregate.resultType(kind, arg: partial.columns[col].type)
            newAggs.append(BoundAggregate(kind: kind, args: [partialCol(col)], filter: filter, type: type))
            return .column(nk + newAggs.count - 1, type, name: partial.columns[col].name)
        }
        func zeroIfNull(_ e: BoundExpr) -> BoundExpr {
            .caseWhen([(.isNull(e, negated: false), .constant(.int(0), .int64))], e, .int64)
        }
        for a in aggs {
            guard !a.distinct else { return nil }
            // The FILTER is either a condition on keys (applied to partial rows) or a measure's own filter.
            var rowFilter: BoundExpr? = nil
            var measureFilter: RollupFilter? = nil
            if let f = a.filter {
                if let t = m.translate(f) { rowFilter = t } else {
                    guard let mf = RollupDefinitionBinder.filter(f, columnName: m.name) else { return nil }
                    measureFilter = mf
                }
            }
            var column: String? = nil
            if let arg = a.args.first {
                guard a.args.count == 1, case .column(let j, _, _) = arg, let n = m.name(j) else { return nil }
                column = n
            }
            let out: BoundExpr
            switch a.kind {
            case .countStar:
                guard let c = m.measure(.count, nil, measureFilter) else { return nil }
                out = zeroIfNull(add(.sum, c, rowFilter))
            case .count:
                guard let c = m.measure(.count, column, measureFilter) else { return nil }
                out = zeroIfNull(add(.sum, c, rowFilter))
            case .sum:
                guard let c = m.measure(.sum, column, measureFilter) else { return nil }
                out = add(.sum, c, rowFilter)
            case .min, .max:
                guard let c = m.measure(a.kind == .min ? .min : .max, column, measureFilter) else { return nil }
                out = add(a.kind, c, rowFilter)
            case .avg:
                guard let sc = m.measure(.sum, column, measureFilter), let cc = m.measure(.count, column, measureFilter) else { return nil }
                let sum = add(.sum, sc, rowFilter), count = add(.sum, cc, rowFilter)
                out = .arith(.div, sum.type == .float64 ? sum : .cast(sum, .float64), .cast(count, .float64), .float64)
            default: return nil
            }
            guard out.type == a.type else { return nil }
            outputs.append(out)
        }
        let table = RollupTables.partialTable(base: s.table, view: def.name)
        let scan = LogicalPlan.scan(ScanSource(table: table, schema: partial, columns: Array(partial.columns.indices), withClientID: s.withClientID),
                                    filters: newFilters, qualifier: nil)
        let agg = LogicalPlan.aggregate(scan, keys: newKeys, keyNames: kn, aggregates: newAggs, aggNames: newAggs.map { _ in "partial" })
        let pruned = Optimizer.prune(agg, Set(0..<agg.columns.count)).0
        return .project(pruned, exprs: outputs, names: kn + an)
    }

    /// The plan of `SELECT * FROM view`: the partials merged per key (and per tenant across tenants).
    static func viewPlan(base: String, def: RollupDefinition, tables: TableProvider, qualifier: String) throws -> LogicalPlan {
        guard let source = tables.schema(of: base) else {
            throw TallyError(code: "unknown_table", message: "materialized view \(def.name) reads table \(base), which does not exist")
        }
        let partial = try def.partialSchema(source: source)
        let cross = tables.crossTenant
        let scan = LogicalPlan.scan(ScanSource(table: RollupTables.partialTable(base: base, view: def.name), schema: partial,
                                               columns: Array(partial.columns.indices), withClientID: cross), filters: [], qualifier: nil)
        func col(_ c: Int) -> BoundExpr { .column(c, partial.columns[c].type, name: partial.columns[c].name) }
        var keys = def.keys.indices.map(col)
        var names = def.keys.map(\.name)
        if cross {
            keys.append(.column(partial.columns.count, .string, name: "client_id"))
            names.append("client_id")
        }
        let aggs = def.measures.enumerated().map { i, m -> BoundAggregate in
            let c = def.keys.count + i
            let kind: AggKind = m.aggregate == .min ? .min : m.aggregate == .max ? .max : .sum
            return BoundAggregate(kind: kind, args: [col(c)], type: BoundAggregate.resultType(kind, arg: partial.columns[c].type))
        }
        let agg = LogicalPlan.aggregate(scan, keys: keys, keyNames: names, aggregates: aggs, aggNames: def.measures.map(\.name))
        // client_id goes last, as on every table in the cross-tenant scope.
        let cols = agg.columns
        var order = Array(0..<def.keys.count) + Array((keys.count)..<cols.count)
        if cross { order.append(def.keys.count) }
        return .project(agg, exprs: order.map { BoundExpr.column($0, cols[$0].type, name: cols[$0].name) }, names: order.map { cols[$0].name })
    }
}
