/// Finding and binding aggregate and window function calls.
extension Binder {
    /// Aggregate calls (not window calls) in `exprs`, outermost first, in order of appearance.
    static func collectAggregates(_ exprs: [Expr], registry: FunctionRegistry) -> [Expr] {
        var out: [Expr] = []
        func walk(_ e: Expr) {
            if case .function(let f) = e.kind {
                let name = f.name.value.lowercased()
                if f.over == nil && (AggregateNames.all.contains(name) || registry.aggregateMacro(name) != nil) {
                    out.append(e)
                    return
                }
            }
            e.forEachChild(walk)
        }
        exprs.forEach(walk)
        return out
    }

    /// Window calls in `exprs`.
    static func collectWindows(_ exprs: [Expr]) -> [Expr] {
        var out: [Expr] = []
        func walk(_ e: Expr) {
            if case .function(let f) = e.kind, f.over != nil { out.append(e); return }
            e.forEachChild(walk)
        }
        exprs.forEach(walk)
        return out
    }

    /// A constant fraction argument of a quantile function.
    func fraction(_ e: Expr, _ scope: Scope) throws -> Double {
        if case .list = e.kind {
            throw SQLError(.unsupported, "a list of fractions is not supported; write one quantile call per fraction", at: e.range)
        }
        let b = try bind(e, scope)
        guard b.isConstant, let v = try? ExprEvaluator.constantValue(b), case let q = Vectors.doubleValue(v), !v.isNull, q >= 0, q <= 1 else {
            throw SQLError(.typeMismatch, "the quantile fraction must be a constant between 0 and 1", at: e.range)
        }
        return q
    }

    /// The argument of a numeric aggregate (sum, avg, stddev, quantiles): a number or boolean, for
    /// quantiles also a timestamp; an untyped NULL becomes a NULL number.
    func numericArgument(_ x: BoundExpr, of name: String, at range: SourceRange) throws -> BoundExpr {
        if Binder.isNullConstant(x) { return .constant(.null, .int64) }
        let quantile = ["median", "quantile_cont", "quantile_disc", "quantile", "percentile_cont", "percentile_disc", "approx_quantile"].contains(name)
        guard Binder.isNumeric(x.type) || x.type == .bool || (x.type == .timestamp && quantile) else {
            throw SQLError(.typeMismatch, "\(name) needs a numeric argument, not \(x.type)", at: range)
        }
        return x
    }

    /// Binds one aggregate call to native aggregates and an expression combining their results
    /// (`.column(i)` = i-th aggregate).
    func bindAggregate(_ call: Expr, _ scope: Scope) throws -> ([BoundAggregate], BoundExpr) {
        guard case .function(let f) = call.kind else { preconditionFailure("not a call") }
        let name = f.name.value.lowercased()
        let r = call.range
        let filter = try f.filter.map { try requireBool(try bind($0, scope), $0.range) }
        // Arguments may not contain aggregates themselves.
        var args = try f.arguments.map { a -> BoundExpr in
            if !Binder.collectAggregates([a], registry: registry).isEmpty {
                throw SQLError(.init(rawValue: "misplaced_aggregate"), "aggregate function calls cannot be nested", at: a.range)
            }
            return try bind(a, scope)
        }
        if let macro = registry.aggregateMacro(name) {
            do {
                guard let exp = try macro(args, filter) else {
                    throw SQLError(.typeMismatch, "\(name) does not accept (\(args.map { $0.type.description }.joined(separator: ", ")))"
                                   + (registry.signature(name).map { "; expected \($0)" } ?? ""), at: r)
                }
                return (exp.aggregates, exp.result)
            } catch let e as EvaluationError {
                throw SQLError(.typeMismatch, e.message, at: r)
            }
        }
        func one(_ kind: AggKind, _ a: [BoundExpr], filter: BoundExpr? = filter, distinct: Bool = f.distinct) -> ([BoundAggregate], BoundExpr) {
            let t = BoundAggregate.resultType(kind, arg: a.first?.type, second: a.count > 1 ? a[1].type : nil)
            return ([BoundAggregate(kind: kind, args: a, filter: filter, distinct: distinct, type: t)], .column(0, t, name: name))
        }
        func arity(_ n: Int) throws {
            guard args.count == n else {
                throw SQLError(.typeMismatch, "\(name) takes \(n) argument\(n == 1 ? "" : "s"), got \(args.count)", at: r)
            }
        }
        func numeric(_ i: Int = 0) throws {
            args[i] = try numericArgument(args[i], of: name, at: f.arguments[i].range)
        }
        switch name {
        case "count":
            if f.isStar || args.isEmpty { return one(.countStar, []) }
            try arity(1)
            return one(.count, args)
        case "count_if":
            try arity(1)
            let cond = try requireBool(args[0], f.arguments[0].range)
            let combined = filter.map { BoundExpr.and([$0, cond]) } ?? cond
            return one(.countStar, [], filter: combined)
        case "sum": try arity(1); try numeric(); return one(.sum, args)
        case "avg", "mean": try arity(1); try numeric(); return one(.avg, args)
        case "min", "max":
            try arity(1)
            return one(name == "min" ? .min : .max, args, distinct: false)
        case "stddev", "stddev_samp": try arity(1); try numeric(); return one(.stddevSamp, args)
        case "stddev_pop": try arity(1); try numeric(); return one(.stddevPop, args)
        case "variance", "var_samp": try arity(1); try numeric(); return one(.varSamp, args)
        case "var_pop": try arity(1); try numeric(); return one(.varPop, args)
        case "median": try arity(1); try numeric(); return one(.quantileCont(0.5), args)
        case "quantile_cont", "quantile_disc", "quantile", "approx_quantile":
            try arity(2); try numeric()
            let q = try fraction(f.arguments[1], scope)
            let kind: AggKind = name == "quantile_cont" ? .quantileCont(q) : (name == "approx_quantile" ? .approxQuantile(q) : .quantileDisc(q))
            return one(kind, [args[0]])
        case "percentile_cont", "percentile_disc":
            try arity(1)
            guard f.withinGroup.count == 1 else {
                throw SQLError(.syntaxError, "\(name)(fraction) needs WITHIN GROUP (ORDER BY expression)", at: r)
            }
            let q = try fraction(f.arguments[0], scope)
            let x = try numericArgument(try bind(f.withinGroup[0].expr, scope), of: name, at: f.withinGroup[0].expr.range)
            let qq = f.withinGroup[0].descending ? 1 - q : q
            return one(name == "percentile_cont" ? .quantileCont(qq) : .quantileDisc(qq), [x])
        case "arg_max", "argmax", "max_by": try arity(2); return one(.argMax, args)
        case "arg_min", "argmin", "min_by": try arity(2); return one(.argMin, args)
        case "bool_and", "bool_or":
            try arity(1)
            guard args[0].type == .bool || Binder.isNullConstant(args[0]) else { throw SQLError(.typeMismatch, "\(name) needs a BOOLEAN", at: r) }
            return one(name == "bool_and" ? .boolAnd : .boolOr, [try requireBool(args[0], f.arguments[0].range)])
        case "any_value", "first": try arity(1); return one(.anyValue, args)
        default:
            throw SQLError(.unknownFunction, "aggregate function \(name) does not exist", at: r)
        }
    }

    /// Binds a window call against the scope its input provides.
    func bindWindow(_ call: Expr, _ scope: Scope, hook: BindHook?) throws -> BoundWindow {
        guard case .function(let f) = call.kind, let spec = f.over else { preconditionFailure("not a window call") }
        let name = f.name.value.lowercased()
        let r = call.range
        let args = try f.arguments.map { try bind($0, scope, hook: hook) }
        let partition = try spec.partitionBy.map { try bind($0, scope, hook: hook) }
        let order = try spec.orderBy.map { o in
            SortKey(try bind(o.expr, scope, hook: hook), descending: o.descending, nullsFirst: o.nulls.map { $0 == .first })
        }
        var frame: BoundFrame? = nil
        if let fr = spec.frame {
            guard fr.unit == .rows || (fr.start == .unboundedPreceding && (fr.end == nil || fr.end == .currentRow)) else {
                throw SQLError(.unsupported, "only ROWS frames are supported (and RANGE UNBOUNDED PRECEDING)", at: fr.range)
            }
            if fr.unit == .rows {
                func offset(_ b: FrameBound, _ isStart: Bool) throws -> Int? {
                    switch b {
                    case .unboundedPreceding, .unboundedFollowing: return nil
                    case .currentRow: return 0
                    case .preceding(let e): return -(try count(e, "a frame offset"))
                    case .following(let e): return try count(e, "a frame offset")
                    }
                }
                frame = BoundFrame(start: try offset(fr.start, true), end: try offset(fr.end ?? .currentRow, false))
            }
        }
        func make(_ kind: WindowKind, _ type: DataType, _ a: [BoundExpr]) -> BoundWindow {
            BoundWindow(kind: kind, args: a, partitionBy: partition, orderBy: order, frame: frame, type: type)
        }
        switch name {
        case "row_number": return make(.rowNumber, .int64, [])
        case "rank": return make(.rank, .int64, [])
        case "dense_rank": return make(.denseRank, .int64, [])
        case "lag", "lead":
            guard (1...3).contains(args.count) else { throw SQLError(.typeMismatch, "\(name)(value [, offset [, default]])", at: r) }
            let k = args.count >= 2 ? try count(f.arguments[1], "the \(name) offset") : 1
            var a = [args[0], args.count >= 2 ? args[1] : .constant(.int(1), .int64)]
            // A constant default takes the value's type (lag(int_col, 1, -1): -1 is a BIGINT literal).
            if args.count == 3 { a.append(try coerce(args[2], to: args[0].type, explicit: args[2].isConstant, at: f.arguments[2].range)) }
            return make(name == "lag" ? .lag(k) : .lead(k), args[0].type, a)
        case "first_value", "last_value":
            guard args.count == 1 else { throw SQLError(.typeMismatch, "\(name) takes one argument", at: r) }
            return make(name == "first_value" ? .firstValue : .lastValue, args[0].type, args)
        case "count":
            return make(.aggregate(f.isStar || args.isEmpty ? .countStar : .count), .int64, args)
        case "sum", "avg", "mean", "min", "max":
            guard args.count == 1 else { throw SQLError(.typeMismatch, "\(name) takes one argument", at: r) }
            let kind: AggKind = name == "sum" ? .sum : (name == "min" ? .min : (name == "max" ? .max : .avg))
            let arg = kind == .min || kind == .max ? args[0] : try numericArgument(args[0], of: name, at: f.arguments[0].range)
            return make(.aggregate(kind), BoundAggregate.resultType(kind, arg: arg.type), [arg])
        default:
            throw SQLError(.unknownFunction, "\(name) cannot be used as a window function",
                           hint: "window functions: row_number, rank, dense_rank, lag, lead, first_value, last_value, count, sum, avg, min, max", at: r)
        }
    }
}

extension Expr {
    /// Calls `f` on every direct sub-expression (not into subqueries).
    func forEachChild(_ f: (Expr) -> Void) {
        switch kind {
        case .literal, .column, .parameter, .subquery, .exists: break
        case .unary(_, let x), .cast(let x, _), .isNull(let x, _), .extract(_, let x), .inSubquery(let x, _, _): f(x)
        case .binary(_, let a, let b), .isDistinctFrom(let a, let b, _), .atTimeZone(let a, let b), .subscript(let a, let b): f(a); f(b)
        case .function(let call):
            call.arguments.forEach(f)
            call.filter.map(f)
            call.withinGroup.forEach { f($0.expr) }
            if let w = call.over { w.partitionBy.forEach(f); w.orderBy.forEach { f($0.expr) } }
        case .caseWhen(let c):
            c.operand.map(f)
            for w in c.whens { f(w.condition); f(w.result) }
            c.elseResult.map(f)
        case .inList(let x, let list, _): f(x); list.forEach(f)
        case .between(let x, let lo, let hi, _): f(x); f(lo); f(hi)
        case .like(let x, let p, let esc, _, _): f(x); f(p); esc.map(f)
        case .list(let xs): xs.forEach(f)
        }
    }
}
