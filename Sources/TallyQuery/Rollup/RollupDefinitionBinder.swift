/// Turns `CREATE MATERIALIZED VIEW v AS SELECT keys, aggregates FROM t GROUP BY keys` into a
/// storage rollup definition, with errors naming the part that a rollup cannot keep.
enum RollupDefinitionBinder {
    /// The bound form of the view's query is checked, so names, types and misspellings get the
    /// binder's usual errors first.
    static func definition(_ v: CreateMaterializedView, plan: LogicalPlan, sql: String) throws -> (table: String, definition: RollupDefinition) {
        func fail(_ why: String) -> SQLError {
            SQLError(.unsupported, "materialized view \(v.name.value): \(why)", at: v.name.range)
        }
        var outExprs: [BoundExpr]? = nil
        var outNames: [String]? = nil
        var node = plan
        if case .project(let c, let e, let n) = node { outExprs = e; outNames = n; node = c }
        guard case .aggregate(let child, let keys, let kn, let aggs, let an) = node else {
            throw fail("the query must be SELECT keys, aggregates FROM table GROUP BY keys")
        }
        guard case .scan(let s, let filters, _) = child else {
            throw fail("the query must read one table directly (no joins, subqueries or WHERE)")
        }
        guard filters.isEmpty else { throw fail("WHERE is not allowed; filter when querying the view") }
        guard !s.withClientID else { throw fail("define materialized views in a tenant session") }
        func colName(_ e: BoundExpr) -> String? {
            if case .column(let j, _, _) = e, j < s.columns.count { return s.schema.columns[s.columns[j]].name }
            return nil
        }
        var rkeys: [RollupKey] = []
        for (k, n) in zip(keys, kn) {
            if let c = colName(k) { rkeys.append(RollupKey(name: n, column: c)); continue }
            if case .call(let f, let args) = k, f.name == "date_trunc", args.count == 2,
               case .constant(.string(let part), _) = args[0], part.lowercased() == "day", let c = colName(args[1]) {
                rkeys.append(RollupKey(name: n, column: c, day: true))
                continue
            }
            throw fail("group key \(k) must be a column or date_trunc('day', column)")
        }
        var measures: [RollupMeasure] = []
        for (a, n) in zip(aggs, an) {
            guard !a.distinct else { throw fail("\(n): DISTINCT aggregates cannot be merged from partials") }
            let filter = try a.filter.map { f -> RollupFilter in
                guard let r = RollupDefinitionBinder.filter(f, columnName: { j in j < s.columns.count ? s.schema.columns[s.columns[j]].name : nil }) else {
                    throw fail("\(n): FILTER must be (WHERE b) for a BOOLEAN b, (WHERE x IS NOT NULL) or (WHERE s = 'text' | s <> 'text')")
                }
                return r
            }
            let column = a.args.first.flatMap(colName)
            switch a.kind {
            case .countStar: measures.append(RollupMeasure(name: n, aggregate: .count, column: nil, filter: filter))
            case .count, .sum, .min, .max:
                guard let column, a.args.count == 1 else { throw fail("\(n): the aggregate's argument must be a column") }
                let kind: RollupAggregate = a.kind == .count ? .count : a.kind == .sum ? .sum : a.kind == .min ? .min : .max
                measures.append(RollupMeasure(name: n, aggregate: kind, column: column, filter: filter))
            case .avg: throw fail("\(n): keep sum(x) and count(x); avg(x) is answered from them when querying")
            default: throw fail("\(n): \(a.kind) cannot be merged from partials (count, sum, min and max can)")
            }
        }
        // Output names and order come from the SELECT list.
        if let outExprs, let outNames {
            var nk: [RollupKey] = [], nm: [RollupMeasure] = []
            for (e, name) in zip(outExprs, outNames) {
                guard case .column(let i, _, _) = e else { throw fail("select list items must be group keys or aggregates, not expressions over them") }
                if i < rkeys.count { var k = rkeys[i]; k.name = name; nk.append(k) } else { var m = measures[i - rkeys.count]; m.name = name; nm.append(m) }
            }
            guard nk.count == rkeys.count else { throw fail("every group key must appear in the select list") }
            rkeys = nk
            measures = nm
        }
        for m in measures where !Identifier.isValid(m.name) {
            throw fail("\(m.name) is not a column name: name the aggregate with AS")
        }
        let def = RollupDefinition(name: v.name.value.lowercased(), keys: rkeys, measures: measures, sql: sql)
        do { try def.validate(against: s.schema) } catch { throw fail("\(error)") }
        return (s.table, def)
    }

    /// The measure filter a bound FILTER expresses, or nil when it is none of the kept forms.
    static func filter(_ f: BoundExpr, columnName: (Int) -> String?) -> RollupFilter? {
        switch f {
        case .column(let j, .bool, _):
            return columnName(j).map { RollupFilter(.isTrue, column: $0) }
        case .isNull(.column(let j, _, _), negated: true):
            return columnName(j).map { RollupFilter(.isNotNull, column: $0) }
        case .compare(let op, let a, let b) where op == .eq || op == .ne:
            var col = a, lit = b
            if case .constant = a { col = b; lit = a }
            guard case .column(let j, .string, _) = col, case .constant(.string(let s), _) = lit, let n = columnName(j) else { return nil }
            return RollupFilter(op == .eq ? .equals : .notEquals, column: n, value: s)
        default: return nil
        }
    }
}
