import Foundation

/// Turns parsed queries into logical plans: resolves names against the session's tables, checks
/// types, and places aggregates, window functions and sorting. Errors carry the position of the
/// offending text and, for misspelt names, the closest existing one.
struct Binder {
    let tables: TableProvider
    let registry: FunctionRegistry
    let parameters: [Value]
    /// The statement's clock: now() is the same everywhere in one statement.
    let now: Int64
    /// Executes uncorrelated subqueries while binding.
    let runPlan: (LogicalPlan) throws -> QueryResult
    /// CTEs visible here, by lowercase name.
    var ctes: [String: LogicalPlan] = [:]

    init(tables: TableProvider, registry: FunctionRegistry, parameters: [Value], now: Int64, runPlan: @escaping (LogicalPlan) throws -> QueryResult) {
        self.tables = tables
        self.registry = registry
        self.parameters = parameters
        self.now = now
        self.runPlan = runPlan
    }

    // MARK: queries

    mutating func bindQuery(_ q: Query) throws -> LogicalPlan {
        let saved = ctes
        defer { ctes = saved }
        for cte in q.with {
            var plan = try bindQuery(cte.query)
            if !cte.columns.isEmpty {
                let cols = plan.columns
                guard cte.columns.count <= cols.count else {
                    throw SQLError(.typeMismatch, "\(cte.name.value) names \(cte.columns.count) columns but its query has \(cols.count)", at: cte.name.range)
                }
                var names = cols.map(\.name)
                for (i, n) in cte.columns.enumerated() { names[i] = n.value }
                plan = .project(plan, exprs: cols.enumerated().map { .column($0, $1.type, name: $1.name) }, names: names)
            }
            ctes[cte.name.value.lowercased()] = plan
        }
        switch q.body {
        case .select(let s):
            return try bindSelect(s, orderBy: q.orderBy, limit: q.limit, offset: q.offset)
        default:
            var plan = try bindBody(q.body)
            plan = try orderAndLimit(plan, outputNames: plan.columns.map(\.name), items: q.orderBy, limit: q.limit, offset: q.offset, hidden: 0)
            return plan
        }
    }

    mutating func bindBody(_ body: QueryBody) throws -> LogicalPlan {
        switch body {
        case .select(let s): return try bindSelect(s, orderBy: [], limit: nil, offset: nil)
        case .nested(let q): return try bindQuery(q)
        case .setOperation(let op):
            guard op.op == .union else {
                throw SQLError(.unsupported, "\(op.op.rawValue) is not supported; use UNION [ALL]")
            }
            var parts: [LogicalPlan] = []
            func collect(_ b: QueryBody) throws {
                if case .setOperation(let inner) = b, inner.op == .union, inner.all == op.all { try collect(inner.left); try collect(inner.right) } else {
                    parts.append(try bindBody(b))
                }
            }
            try collect(op.left)
            try collect(op.right)
            let width = parts[0].columns.count
            for p in parts where p.columns.count != width {
                throw SQLError(.typeMismatch, "each UNION query must have the same number of columns (\(width) and \(p.columns.count))")
            }
            // Unify column types across the parts.
            var types: [DataType] = []
            for c in 0..<width {
                // A column of NULL literals adopts the other parts' type, as a NULL constant does.
                let exprs = parts.map { Binder.isNullColumn($0, c) ? BoundExpr.constant(.null, .string) : .column(c, $0.columns[c].type, name: $0.columns[c].name) }
                types.append(try unify(exprs, at: .unknown).0)
            }
            parts = parts.map { p in
                let cols = p.columns
                if zip(cols, types).allSatisfy({ $0.type == $1 }) { return p }
                return .project(p, exprs: cols.enumerated().map { i, c in c.type == types[i] ? .column(i, c.type, name: c.name) : .cast(.column(i, c.type, name: c.name), types[i]) },
                                names: parts[0].columns.map(\.name))
            }
            let union = LogicalPlan.unionAll(parts)
            return op.all ? union : .distinct(union)
        }
    }

    /// Whether output column `c` of `p` is the NULL literal in every row (`SELECT NULL …`).
    static func isNullColumn(_ p: LogicalPlan, _ c: Int) -> Bool {
        switch p {
        case .project(_, let exprs, _): return isNullConstant(exprs[c])
        case .filter(let x, _), .sort(let x, _), .limit(let x, _, _), .topK(let x, _, _, _), .distinct(let x): return isNullColumn(x, c)
        case .unionAll(let ps): return ps.allSatisfy { isNullColumn($0, c) }
        default: return false
        }
    }

    // MARK: FROM

    mutating func bindFrom(_ t: TableRef) throws -> (LogicalPlan, Scope) {
        switch t.kind {
        case .table(let name, let alias):
            let key = name.value.lowercased()
            let qualifier = alias?.value ?? name.value
            if let cte = ctes[key] { return (cte, Scope(plan: cte, qualifier: qualifier)) }
            if tables.schema(of: key) == nil, let v = tables.view(named: key) {
                let plan = try RollupRewrite.viewPlan(base: v.table, def: v.definition, tables: tables, qualifier: qualifier)
                return (plan, Scope(plan: plan, qualifier: qualifier))
            }
            guard let schema = tables.schema(of: key) else {
                let candidates = tables.tableNames() + Array(ctes.keys)
                throw SQLError(.unknownTable, "table \"\(name.value)\" does not exist",
                               hint: NameSuggestion.closest(to: name.value, in: candidates).map { "did you mean \($0)?" }, at: name.range)
            }
            let source = ScanSource(table: key, schema: schema, columns: Array(schema.columns.indices), withClientID: tables.crossTenant)
            let plan = LogicalPlan.scan(source, filters: [], qualifier: qualifier)
            return (plan, Scope(plan: plan, qualifier: qualifier))
        case .subquery(let q, let alias):
            var inner = self
            let plan = try inner.bindQuery(q)
            return (plan, Scope(plan: plan, qualifier: alias?.value))
        case .function(let name, let args, let alias):
            let plan = try bindTableFunction(name, args, t.argumentNames, alias: alias?.value, t.range)
            return (plan, Scope(plan: plan, qualifier: alias?.value ?? name.value))
        case .join(let j):
            return try bindJoin(j, t.range)
        }
    }

    mutating func bindJoin(_ j: Join, _ r: SourceRange) throws -> (LogicalPlan, Scope) {
        var (lp, ls) = try bindFrom(j.left)
        var (rp, rs) = try bindFrom(j.right)
        var kind: JoinKind
        var swapped = false
        switch j.kind {
        case .inner: kind = .inner
        case .left: kind = .left
        case .cross: kind = .cross
        case .right:
            // A RIGHT JOIN is a LEFT JOIN with the sides exchanged; columns are put back in order below.
            kind = .left
            swap(&lp, &rp)
            swap(&ls, &rs)
            swapped = true
        case .full: throw SQLError(.unsupported, "FULL JOIN is not supported", at: r)
        }
        let combined = Scope(ls.columns + rs.columns)
        let nl = ls.columns.count
        var merged: [Int] = []
        var conjuncts: [BoundExpr] = []
        switch j.condition {
        case .on(let e)?:
            let bound = try requireBool(try bind(e, combined), e.range)
            conjuncts = Optimizer.conjuncts(bound)
        case .using(let names)?:
            for n in names {
                let (li, lt) = try ls.resolve(ColumnRef(name: n), range: n.range)
                let (ri, rt) = try rs.resolve(ColumnRef(name: n), range: n.range)
                conjuncts.append(try comparison(.eq, .column(li, lt, name: n.value), .column(nl + ri, rt, name: n.value), n.range))
                merged.append(ri)
            }
        case nil:
            if kind != .cross { throw SQLError(.syntaxError, "JOIN needs ON or USING", at: r) }
        }
        var lk: [BoundExpr] = [], rk: [BoundExpr] = [], residual: [BoundExpr] = []
        for c in conjuncts {
            if case .compare(.eq, let a, let b) = c {
                let ua = a.columnsUsed, ub = b.columnsUsed
                if !ua.isEmpty, !ub.isEmpty, ua.allSatisfy({ $0 < nl }), ub.allSatisfy({ $0 >= nl }) {
                    lk.append(a); rk.append(b.remapColumns { $0 - nl }); continue
                }
                if !ua.isEmpty, !ub.isEmpty, ub.allSatisfy({ $0 < nl }), ua.allSatisfy({ $0 >= nl }) {
                    lk.append(b); rk.append(a.remapColumns { $0 - nl }); continue
                }
            }
            residual.append(c)
        }
        if kind == .cross { kind = .inner }
        var plan = LogicalPlan.join(lp, rp, kind: kind, leftKeys: lk, rightKeys: rk,
                                    residual: residual.isEmpty ? nil : (residual.count == 1 ? residual[0] : .and(residual)))
        var scope = combined
        if swapped {
            let cols = plan.columns
            let nr = rs.columns.count
            let order = Array(nl..<(nl + nr)) + Array(0..<nl)
            plan = .project(plan, exprs: order.map { .column($0, cols[$0].type, name: cols[$0].name) }, names: order.map { cols[$0].name })
            scope = Scope(rs.columns + ls.columns)
        }
        // USING: an unqualified name means the preserved (left, or for RIGHT JOIN right) side's
        // column, and SELECT * lists it once (where the left table has it, as DuckDB does).
        for ri in merged { scope.columns[swapped ? ri : nl + ri].mergedAway = true }
        return (plan, scope)
    }

    // MARK: SELECT

    /// A select-list entry after `*` expansion.
    struct Item {
        var expr: Expr?
        var column: Int?
        var name: String
    }

    mutating func bindSelect(_ s: Select, orderBy: [OrderItem], limit: Expr?, offset: Expr?) throws -> LogicalPlan {
        var (plan, scope): (LogicalPlan, Scope)
        if let from = s.from { (plan, scope) = try bindFrom(from) } else {
            plan = .values(rows: [[]], columns: [])
            scope = Scope([])
        }
        if let w = s.whereClause {
            plan = .filter(plan, try requireBool(try bind(w, scope), w.range))
        }
        // Expand * and t.*.
        var items: [Item] = []
        for it in s.items {
            switch it {
            case .expr(let e, let alias):
                // A plain column keeps the name it was defined with, however it is spelt here.
                var name = alias?.value ?? Binder.outputName(e)
                if alias == nil, case .column(let ref) = e.kind, let (i, _) = try? scope.resolve(ref, range: e.range) { name = scope.columns[i].name }
                items.append(Item(expr: e, column: nil, name: name))
            case .wildcard(let t, let range):
                let positions = t.map { t in scope.columns.indices.filter { scope.columns[$0].qualifier?.lowercased() == t.value.lowercased() } } ?? scope.starColumns
                let matching = positions.map { ($0, scope.columns[$0]) }
                if matching.isEmpty, let t {
                    throw SQLError(.unknownTable, "missing FROM-clause entry for table \"\(t.value)\"", at: range)
                }
                if matching.isEmpty && s.from == nil { throw SQLError(.syntaxError, "SELECT * needs a FROM clause", at: range) }
                for (i, c) in matching { items.append(Item(expr: nil, column: i, name: c.name)) }
            }
        }
        let exprsToScan = items.compactMap(\.expr) + (s.having.map { [$0] } ?? []) + orderBy.map(\.expr)
        let aggCalls = Binder.collectAggregates(exprsToScan, registry: registry)
        let isAggregate = !s.groupBy.isEmpty || !aggCalls.isEmpty
        var hook: BindHook? = nil
        var inputScope = scope
        if isAggregate {
            // GROUP BY: ordinals and select aliases refer to select items.
            var keyASTs: [Expr] = []
            var keys: [BoundExpr] = []
            for g in s.groupBy {
                var ast = g
                if case .literal(.integer(let n)) = g.kind {
                    guard n >= 1 && Int(n) <= items.count, let e = items[Int(n) - 1].expr ?? items[Int(n) - 1].column.map({ Expr(.column(ColumnRef(name: Name(scope.columns[$0].name)))) }) else {
                        throw SQLError(.typeMismatch, "GROUP BY position \(n) is not in the select list", at: g.range)
                    }
                    ast = e
                } else if case .column(let ref) = g.kind, ref.table == nil, (try? scope.resolve(ref, range: g.range)) == nil,
                          let item = items.first(where: { $0.name.lowercased() == ref.name.value.lowercased() }), let e = item.expr {
                    ast = e
                }
                keyASTs.append(ast)
                keys.append(try bind(ast, scope))
            }
            // Aggregates, deduplicated by their text.
            var aggs: [BoundAggregate] = []
            var aggResult: [Expr: BoundExpr] = [:]
            for call in aggCalls where aggResult[call] == nil {
                let (parts, combine) = try bindAggregate(call, scope)
                let base = keys.count + aggs.count
                aggs.append(contentsOf: parts)
                aggResult[call] = combine.remapColumns { base + $0 }
            }
            let keyNames = keyASTs.map { Binder.outputName($0) }
            plan = .aggregate(plan, keys: keys, keyNames: keyNames, aggregates: aggs, aggNames: aggs.map(\.description))
            plan = try gapFill(plan, keyASTs: keyASTs, aggregates: aggs, scope: scope)
            let aggCols = plan.columns
            inputScope = Scope(aggCols.map { Scope.Column(qualifier: nil, name: $0.name, type: $0.type) })
            let fromScope = scope
            let keyColumns: [Int?] = keys.map { k in if case .column(let i, _, _) = k { return i } else { return nil } }
            hook = { e in
                if let i = keyASTs.firstIndex(of: e) { return .column(i, keys[i].type, name: keyNames[i]) }
                if let a = aggResult[e] { return a }
                if case .column(let ref) = e.kind {
                    // A column is usable if it is a grouping key written differently (t.c vs c).
                    if let (ci, _) = try? fromScope.resolve(ref, range: e.range), let k = keyColumns.firstIndex(of: ci) {
                        return .column(k, keys[k].type, name: keyNames[k])
                    }
                    if (try? fromScope.resolve(ref, range: e.range)) != nil {
                        throw SQLError(.init(rawValue: "grouping_error"),
                                       "column \"\(ref.name.value)\" must appear in the GROUP BY clause or be used in an aggregate function", at: e.range)
                    }
                }
                return nil
            }
            if let h = s.having {
                plan = .filter(plan, try requireBool(try bind(h, inputScope, hook: hook), h.range))
            }
        } else if let h = s.having {
            throw SQLError(.init(rawValue: "grouping_error"), "HAVING needs GROUP BY or an aggregate", at: h.range)
        }
        // Window functions: computed over the (aggregated) input, appended as columns.
        let windowCalls = Binder.collectWindows(items.compactMap(\.expr) + orderBy.map(\.expr))
        if !windowCalls.isEmpty {
            var ws: [BoundWindow] = []
            var wmap: [Expr: BoundExpr] = [:]
            let base = plan.columns.count
            for call in windowCalls where wmap[call] == nil {
                let w = try bindWindow(call, inputScope, hook: hook)
                wmap[call] = .column(base + ws.count, w.type, name: Binder.outputName(call))
                ws.append(w)
            }
            plan = .window(plan, ws, names: ws.enumerated().map { "w\($0.offset)" })
            let inner = hook
            hook = { e in
                if let w = wmap[e] { return w }
                return try inner?(e)
            }
            inputScope = Scope(inputScope.columns + ws.enumerated().map { Scope.Column(qualifier: nil, name: "w\($0.offset)", type: $0.element.type) })
        }
        // The select list.
        var exprs: [BoundExpr] = []
        for it in items {
            if let e = it.expr { exprs.append(try bind(e, inputScope, hook: hook)) } else {
                let c = it.column!
                if isAggregate {
                    let ast = Expr(.column(ColumnRef(table: scope.columns[c].qualifier.map { Name($0) }, name: Name(scope.columns[c].name))))
                    exprs.append(try bind(ast, inputScope, hook: hook))
                } else {
                    exprs.append(.column(c, scope.columns[c].type, name: scope.columns[c].name))
                }
            }
        }
        var names = items.map(\.name)
        // ORDER BY items that are not select columns become hidden columns (not with DISTINCT).
        var sortSpecs: [(Int, OrderItem)] = []
        var hidden = 0
        for o in orderBy {
            if let idx = try outputIndex(o.expr, items: items, names: names) {
                sortSpecs.append((idx, o))
                continue
            }
            if s.distinct {
                throw SQLError(.init(rawValue: "grouping_error"), "with SELECT DISTINCT, ORDER BY expressions must appear in the select list", at: o.expr.range)
            }
            exprs.append(try bind(o.expr, inputScope, hook: hook))
            names.append("__order\(hidden)")
            sortSpecs.append((exprs.count - 1, o))
            hidden += 1
        }
        plan = .project(plan, exprs: exprs, names: names)
        if s.distinct { plan = .distinct(plan) }
        let cols = plan.columns
        let keys = sortSpecs.map { idx, o in
            SortKey(.column(idx, cols[idx].type, name: cols[idx].name), descending: o.descending, nullsFirst: o.nulls.map { $0 == .first })
        }
        plan = try applyOrder(plan, keys: keys, limit: limit, offset: offset)
        if hidden > 0 {
            let visible = cols.count - hidden
            plan = .project(plan, exprs: (0..<visible).map { .column($0, cols[$0].type, name: cols[$0].name) }, names: Array(names.prefix(visible)))
        }
        return plan
    }

    /// For a GROUP BY key `time_bucket_gapfill(width, ts, start, finish)`: adds the buckets of
    /// [start, finish) that have no rows (per combination of the other keys), counts as 0 and
    /// other aggregates as NULL.
    func gapFill(_ plan: LogicalPlan, keyASTs: [Expr], aggregates: [BoundAggregate], scope: Scope) throws -> LogicalPlan {
        var p = plan
        for (i, ast) in keyASTs.enumerated() {
            guard case .function(let f) = ast.kind, f.name.value.lowercased() == "time_bucket_gapfill", f.arguments.count == 4 else { continue }
            let iv = try intervalArgument(f.arguments[0])
            guard iv.months == 0 else {
                throw SQLError(.unsupported, "time_bucket_gapfill needs a width of days or less, not months", at: f.arguments[0].range)
            }
            let step = try dayTimeMicros(iv, f.arguments[0].range)
            func instant(_ e: Expr) throws -> Int64 {
                let b = try coerce(try bind(e, scope), to: .timestamp, explicit: false, at: e.range)
                guard b.isConstant, case .timestamp(let t) = try ExprEvaluator.constantValue(b) else {
                    throw SQLError(.typeMismatch, "the gap-fill range must be constant timestamps", at: e.range)
                }
                return t
            }
            let start = try instant(f.arguments[2]), finish = try instant(f.arguments[3])
            guard finish > start, (finish - start) / step <= 1_000_000 else {
                throw SQLError(.typeMismatch, "the gap-fill range must be non-empty and at most a million buckets", at: f.arguments[3].range)
            }
            let zeros = aggregates.enumerated().filter { $0.element.kind == .count || $0.element.kind == .countStar }.map { keyASTs.count + $0.offset }
            p = .gapFill(p, timeColumn: i, from: try Calendar64.bucket(start, widthMicros: step, months: 0), to: finish, stepMicros: step,
                         keyColumns: keyASTs.indices.filter { $0 != i }, zeroColumns: zeros)
        }
        return p
    }

    /// The select-list position an ORDER BY expression names (ordinal, alias or same expression).
    func outputIndex(_ e: Expr, items: [Item], names: [String]) throws -> Int? {
        if case .literal(.integer(let n)) = e.kind {
            guard n >= 1 && Int(n) <= items.count else {
                throw SQLError(.typeMismatch, "ORDER BY position \(n) is not in the select list", at: e.range)
            }
            return Int(n) - 1
        }
        if case .column(let ref) = e.kind, ref.table == nil {
            let matches = names.prefix(items.count).enumerated().filter { $0.element.lowercased() == ref.name.value.lowercased() }
            if let m = matches.first, items[m.offset].expr != nil || items[m.offset].column != nil { return m.offset }
        }
        return items.firstIndex { $0.expr == e }
    }

    /// ORDER BY and LIMIT over a plan whose output columns are the sort targets.
    mutating func orderAndLimit(_ plan: LogicalPlan, outputNames: [String], items: [OrderItem], limit: Expr?, offset: Expr?, hidden: Int) throws -> LogicalPlan {
        let cols = plan.columns
        let fake = cols.map { Item(expr: nil, column: 0, name: $0.name) }
        let keys = try items.map { o -> SortKey in
            guard let idx = try outputIndex(o.expr, items: fake, names: outputNames) else {
                throw SQLError(.unknownColumn, "ORDER BY of a UNION must name an output column or position", at: o.expr.range)
            }
            return SortKey(.column(idx, cols[idx].type, name: cols[idx].name), descending: o.descending, nullsFirst: o.nulls.map { $0 == .first })
        }
        return try applyOrder(plan, keys: keys, limit: limit, offset: offset)
    }

    func applyOrder(_ plan: LogicalPlan, keys: [SortKey], limit: Expr?, offset: Expr?) throws -> LogicalPlan {
        let lim = try limit.map { try count($0, "LIMIT") }
        let off = try offset.map { try count($0, "OFFSET") } ?? 0
        if !keys.isEmpty, let l = lim { return .topK(plan, keys, limit: l, offset: off) }
        var p = plan
        if !keys.isEmpty { p = .sort(p, keys) }
        if lim != nil || off > 0 { p = .limit(p, limit: lim, offset: off) }
        return p
    }

    func count(_ e: Expr, _ what: String) throws -> Int {
        let b = try bind(e, Scope([]))
        guard b.isConstant, case .int(let n) = try ExprEvaluator.constantValue(b), n >= 0 else {
            throw SQLError(.typeMismatch, "\(what) must be a non-negative integer", at: e.range)
        }
        return Int(n)
    }

    /// The column name a select item gets without an alias.
    static func outputName(_ e: Expr) -> String {
        switch e.kind {
        case .column(let ref): return ref.name.value
        case .function(let f) where f.isStar && f.name.value.lowercased() == "count":
            // DuckDB's name for count(*), keeping a FILTER or OVER as written.
            let text = e.description
            return "count_star()" + (text.range(of: "(*)").map { String(text[$0.upperBound...]) } ?? "")
        default: return e.description
        }
    }
}
