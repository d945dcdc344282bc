/// Rewrites logical plans: pushes filters into scans (so zone maps prune), puts the smaller input
/// of an inner join on the build side, and prunes columns nobody reads (so scans decode less).
/// Constants are already folded by the binder.
enum Optimizer {
    static func optimize(_ p: LogicalPlan, tables: TableProvider, rollups: Bool = true) -> LogicalPlan {
        let pushed = pushFilters(p)
        let joined = orderJoins(pushed, tables: tables)
        let all = Set(0..<joined.columns.count)
        let pruned = prune(joined, all).0
        return rollups ? RollupRewrite.apply(pruned, tables: tables) : pruned
    }

    /// The conjuncts of an AND tree.
    static func conjuncts(_ e: BoundExpr) -> [BoundExpr] {
        if case .and(let es) = e { return es.flatMap(conjuncts) }
        return [e]
    }

    static func and(_ es: [BoundExpr]) -> BoundExpr { es.count == 1 ? es[0] : .and(es) }

    // MARK: filter pushdown

    static func pushFilters(_ p: LogicalPlan) -> LogicalPlan {
        switch p {
        case .filter(let c, let e):
            let child = pushFilters(c)
            return place(conjuncts(e), over: child)
        case .scan, .values: return p
        case .project(let c, let e, let n): return .project(pushFilters(c), exprs: e, names: n)
        case .aggregate(let c, let k, let kn, let a, let an): return .aggregate(pushFilters(c), keys: k, keyNames: kn, aggregates: a, aggNames: an)
        case .join(let l, let r, let kind, let lk, let rk, let res): return .join(pushFilters(l), pushFilters(r), kind: kind, leftKeys: lk, rightKeys: rk, residual: res)
        case .sort(let c, let k): return .sort(pushFilters(c), k)
        case .limit(let c, let l, let o): return .limit(pushFilters(c), limit: l, offset: o)
        case .topK(let c, let k, let l, let o): return .topK(pushFilters(c), k, limit: l, offset: o)
        case .window(let c, let w, let n): return .window(pushFilters(c), w, names: n)
        case .distinct(let c): return .distinct(pushFilters(c))
        case .unionAll(let cs): return .unionAll(cs.map(pushFilters))
        case .gapFill(let c, let t, let f, let to, let s, let k, let z): return .gapFill(pushFilters(c), timeColumn: t, from: f, to: to, stepMicros: s, keyColumns: k, zeroColumns: z)
        }
    }

    /// Places filter conjuncts as deep as they can go over `child`.
    static func place(_ cs: [BoundExpr], over child: LogicalPlan) -> LogicalPlan {
        guard !cs.isEmpty else { return child }
        switch child {
        case .scan(let s, let filters, let q):
            // Cheapest first: conjuncts that zone maps can use lead.
            let sorted = (filters + cs).sorted { (ZonePredicate($0) != nil ? 0 : 1) < (ZonePredicate($1) != nil ? 0 : 1) }
            return .scan(s, filters: sorted, qualifier: q)
        case .filter(let c, let e):
            return place(conjuncts(e) + cs, over: c)
        case .join(let l, let r, let kind, let lk, let rk, let res):
            let nl = l.columns.count
            var toLeft: [BoundExpr] = [], toRight: [BoundExpr] = [], keep: [BoundExpr] = []
            for c in cs {
                let used = c.columnsUsed
                if !used.isEmpty && used.allSatisfy({ $0 < nl }) { toLeft.append(c) }
                else if !used.isEmpty && used.allSatisfy({ $0 >= nl }) && kind == .inner { toRight.append(c.remapColumns { $0 - nl }) }
                else { keep.append(c) }
            }
            let j = LogicalPlan.join(place(toLeft, over: l), place(toRight, over: r), kind: kind, leftKeys: lk, rightKeys: rk, residual: res)
            return keep.isEmpty ? j : .filter(j, and(keep))
        default:
            return .filter(child, and(cs))
        }
    }

    // MARK: join order

    static func estimate(_ p: LogicalPlan, _ tables: TableProvider) -> Int {
        switch p {
        case .scan(let s, let f, _):
            let rows = ((try? tables.snapshots(of: s.table)) ?? []).reduce(0) { $0 + $1.snapshot.rowCount }
            return f.isEmpty ? rows : max(1, rows / 4)
        case .values(let rows, _): return rows.count
        case .aggregate(let c, let k, _, _, _): return k.isEmpty ? 1 : max(1, estimate(c, tables) / 10)
        case .filter(let c, _): return max(1, estimate(c, tables) / 2)
        case .limit(_, let l?, _), .topK(_, _, let l, _): return l
        case .join(let l, let r, _, _, _, _): return max(estimate(l, tables), estimate(r, tables))
        case .project(let c, _, _), .sort(let c, _), .limit(let c, _, _), .window(let c, _, _), .distinct(let c), .gapFill(let c, _, _, _, _, _, _):
            return estimate(c, tables)
        case .unionAll(let cs): return cs.reduce(0) { $0 + estimate($1, tables) }
        }
    }

    static func orderJoins(_ p: LogicalPlan, tables: TableProvider) -> LogicalPlan {
        switch p {
        case .join(let l0, let r0, let kind, let lk, let rk, let res):
            let l = orderJoins(l0, tables: tables), r = orderJoins(r0, tables: tables)
            guard kind == .inner, estimate(l, tables) < estimate(r, tables) else {
                return .join(l, r, kind: kind, leftKeys: lk, rightKeys: rk, residual: res)
            }
            // Build the hash table on the smaller side, then restore the column order.
            let nl = l.columns.count, nr = r.columns.count
            let swappedRes = res?.remapColumns { $0 < nl ? nr + $0 : $0 - nl }
            let j = LogicalPlan.join(r, l, kind: .inner, leftKeys: rk, rightKeys: lk, residual: swappedRes)
            let cols = j.columns
            let order = Array(nr..<(nr + nl)) + Array(0..<nr)
            return .project(j, exprs: order.map { .column($0, cols[$0].type, name: cols[$0].name) }, names: order.map { cols[$0].name })
        case .scan, .values: return p
        case .filter(let c, let e): return .filter(orderJoins(c, tables: tables), e)
        case .project(let c, let e, let n): return .project(orderJoins(c, tables: tables), exprs: e, names: n)
        case .aggregate(let c, let k, let kn, let a, let an): return .aggregate(orderJoins(c, tables: tables), keys: k, keyNames: kn, aggregates: a, aggNames: an)
        case .sort(let c, let k): return .sort(orderJoins(c, tables: tables), k)
        case .limit(let c, let l, let o): return .limit(orderJoins(c, tables: tables), limit: l, offset: o)
        case .topK(let c, let k, let l, let o): return .topK(orderJoins(c, tables: tables), k, limit: l, offset: o)
        case .window(let c, let w, let n): return .window(orderJoins(c, tables: tables), w, names: n)
        case .distinct(let c): return .distinct(orderJoins(c, tables: tables))
        case .unionAll(let cs): return .unionAll(cs.map { orderJoins($0, tables: tables) })
        case .gapFill(let c, let t, let f, let to, let s, let k, let z): return .gapFill(orderJoins(c, tables: tables), timeColumn: t, from: f, to: to, stepMicros: s, keyColumns: k, zeroColumns: z)
        }
    }

    // MARK: column pruning

    static func used(_ es: [BoundExpr]) -> Set<Int> { es.reduce(into: Set<Int>()) { $0.formUnion($1.columnsUsed) } }

    static func used(_ a: BoundAggregate) -> Set<Int> { used(a.args + (a.filter.map { [$0] } ?? [])) }

    static func used(_ w: BoundWindow) -> Set<Int> { used(w.args + w.partitionBy + w.orderBy.map(\.expr)) }

    /// Keeps the columns in `needed` (and whatever computing them requires). Returns the new plan
    /// and where each needed old output column now is.
    static func prune(_ p: LogicalPlan, _ needed: Set<Int>) -> (LogicalPlan, [Int: Int]) {
        switch p {
        case .scan(let s, let filters, let q):
            let keep = needed.union(used(filters)).sorted()
            let storage = keep.filter { $0 < s.columns.count }
            let withClient = s.withClientID && keep.contains(s.columns.count)
            var map: [Int: Int] = [:]
            for (n, o) in storage.enumerated() { map[o] = n }
            if withClient { map[s.columns.count] = storage.count }
            let src = ScanSource(table: s.table, schema: s.schema, columns: storage.map { s.columns[$0] }, withClientID: withClient)
            return (.scan(src, filters: filters.map { $0.remapColumns { map[$0]! } }, qualifier: q), map)
        case .values:
            return (p, identity(p))
        case .filter(let c, let e):
            let (nc, m) = prune(c, needed.union(e.columnsUsed))
            return (.filter(nc, e.remapColumns { m[$0]! }), m)
        case .project(let c, let exprs, let names):
            let keep = needed.sorted()
            let (nc, m) = prune(c, used(keep.map { exprs[$0] }))
            var map: [Int: Int] = [:]
            for (n, o) in keep.enumerated() { map[o] = n }
            return (.project(nc, exprs: keep.map { exprs[$0].remapColumns { m[$0]! } }, names: keep.map { names[$0] }), map)
        case .aggregate(let c, let keys, let kn, let aggs, let an):
            let keepAggs = (0..<aggs.count).filter { needed.contains(keys.count + $0) }
            let childNeeded = used(keys).union(keepAggs.reduce(into: Set<Int>()) { $0.formUnion(used(aggs[$1])) })
            let (nc, m) = prune(c, childNeeded)
            func remap(_ a: BoundAggregate) -> BoundAggregate {
                var b = a
                b.args = a.args.map { $0.remapColumns { m[$0]! } }
                b.filter = a.filter?.remapColumns { m[$0]! }
                return b
            }
            var map: [Int: Int] = [:]
            for k in 0..<keys.count { map[k] = k }
            for (n, o) in keepAggs.enumerated() { map[keys.count + o] = keys.count + n }
            return (.aggregate(nc, keys: keys.map { $0.remapColumns { m[$0]! } }, keyNames: kn,
                               aggregates: keepAggs.map { remap(aggs[$0]) }, aggNames: keepAggs.map { an[$0] }), map)
        case .join(let l, let r, let kind, let lk, let rk, let res):
            let nl = l.columns.count
            let resUsed = res?.columnsUsed ?? []
            let needL = Set(needed.filter { $0 < nl }).union(used(lk)).union(resUsed.filter { $0 < nl })
            let needR = Set(needed.filter { $0 >= nl }.map { $0 - nl }).union(used(rk)).union(resUsed.filter { $0 >= nl }.map { $0 - nl })
            let (nlp, ml) = prune(l, needL)
            let (nrp, mr) = prune(r, needR)
            let newNL = nlp.columns.count
            var map: [Int: Int] = [:]
            for (o, n) in ml { map[o] = n }
            for (o, n) in mr { map[nl + o] = newNL + n }
            return (.join(nlp, nrp, kind: kind, leftKeys: lk.map { $0.remapColumns { ml[$0]! } }, rightKeys: rk.map { $0.remapColumns { mr[$0]! } },
                          residual: res?.remapColumns { map[$0]! }), map)
        case .sort(let c, let keys):
            let (nc, m) = prune(c, needed.union(used(keys.map(\.expr))))
            return (.sort(nc, keys.map { SortKey($0.expr.remapColumns { m[$0]! }, descending: $0.descending, nullsFirst: $0.nullsFirst) }), m)
        case .topK(let c, let keys, let l, let o):
            let (nc, m) = prune(c, needed.union(used(keys.map(\.expr))))
            return (.topK(nc, keys.map { SortKey($0.expr.remapColumns { m[$0]! }, descending: $0.descending, nullsFirst: $0.nullsFirst) }, limit: l, offset: o), m)
        case .limit(let c, let l, let o):
            let (nc, m) = prune(c, needed)
            return (.limit(nc, limit: l, offset: o), m)
        case .window(let c, let ws, let names):
            let nIn = c.columns.count
            let need = Set(needed.filter { $0 < nIn }).union(ws.reduce(into: Set<Int>()) { $0.formUnion(used($1)) })
            let (nc, m) = prune(c, need)
            let newIn = nc.columns.count
            var map = m
            for k in 0..<ws.count { map[nIn + k] = newIn + k }
            let nws = ws.map { w -> BoundWindow in
                var x = w
                x.args = w.args.map { $0.remapColumns { m[$0]! } }
                x.partitionBy = w.partitionBy.map { $0.remapColumns { m[$0]! } }
                x.orderBy = w.orderBy.map { SortKey($0.expr.remapColumns { m[$0]! }, descending: $0.descending, nullsFirst: $0.nullsFirst) }
                return x
            }
            return (.window(nc, nws, names: names), map)
        case .distinct(let c):
            let (nc, m) = prune(c, Set(0..<c.columns.count))
            return (.distinct(nc), m)
        case .unionAll(let cs):
            return (.unionAll(cs.map { prune($0, Set(0..<$0.columns.count)).0 }), identity(p))
        case .gapFill(let c, let t, let f, let to, let s, let k, let z):
            let (nc, m) = prune(c, Set(0..<c.columns.count))
            return (.gapFill(nc, timeColumn: m[t]!, from: f, to: to, stepMicros: s, keyColumns: k.map { m[$0]! }, zeroColumns: z.map { m[$0]! }), m)
        }
    }

    static func identity(_ p: LogicalPlan) -> [Int: Int] {
        Dictionary(uniqueKeysWithValues: (0..<p.columns.count).map { ($0, $0) })
    }
}
