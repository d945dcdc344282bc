import Foundation

/// Intercepts expressions before normal binding (post-aggregation and window mapping).
typealias BindHook = (Expr) throws -> BoundExpr?

/// Names of the aggregate functions the executor computes natively.
enum AggregateNames {
    static let all: Set<String> = [
        "count", "sum", "avg", "mean", "min", "max", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp",
        "var_pop", "median", "quantile", "quantile_cont", "quantile_disc", "percentile_cont", "percentile_disc",
        "approx_quantile", "arg_max", "argmax", "max_by", "arg_min", "argmin", "min_by", "bool_and", "bool_or",
        "any_value", "count_if", "first",
    ]
    static let windowOnly: Set<String> = ["row_number", "rank", "dense_rank", "lag", "lead", "first_value", "last_value"]
}

extension Binder {
    // MARK: entry points

    /// Binds an expression over `scope`; `hook` sees every node first.
    func bind(_ e: Expr, _ scope: Scope, hook: BindHook? = nil) throws -> BoundExpr {
        if let hook, let b = try hook(e) { return b }
        let r = e.range
        switch e.kind {
        case .literal(let lit): return try literal(lit, r)
        case .column(let ref):
            do {
                let (i, t) = try scope.resolve(ref, range: r)
                return .column(i, t, name: ref.name.value)
            } catch {
                // current_timestamp and friends are written without parentheses.
                if ref.table == nil, ["current_timestamp", "now"].contains(ref.name.value.lowercased()) {
                    return .constant(.timestamp(now), .timestamp)
                }
                if ref.table == nil, ref.name.value.lowercased() == "current_date" {
                    return .constant(.timestamp(try Calendar64.truncate(now, "day")), .timestamp)
                }
                throw error
            }
        case .parameter(let n):
            guard n >= 1 && n <= parameters.count else {
                throw SQLError(.init(rawValue: "missing_parameter"), "no value given for parameter $\(n)",
                               hint: "pass \(max(n, 1)) parameter value(s)", at: r)
            }
            return Binder.constant(parameters[n - 1])
        case .unary(let op, let x):
            let b = try bind(x, scope, hook: hook)
            switch op {
            case .plus:
                try requireNumeric(b, x.range, "unary +")
                return Binder.isNullConstant(b) ? .constant(.null, .int64) : b
            case .minus:
                try requireNumeric(b, x.range, "unary -")
                // -NULL is a NULL number (the NULL literal alone is typed VARCHAR).
                if Binder.isNullConstant(b) { return .constant(.null, .int64) }
                return try fold(.negate(b))
            case .not:
                return try fold(.not(try requireBool(b, x.range)))
            }
        case .binary(let op, let a, let b):
            return try binary(op, a, b, scope, hook, r)
        case .function(let call):
            return try function(call, scope, hook, r)
        case .cast(let x, let tn):
            let b = try bind(x, scope, hook: hook)
            switch tn.type {
            case .data(let t): return try coerce(b, to: t, explicit: true, at: x.range)
            case .date:
                let ts = try coerce(b, to: .timestamp, explicit: true, at: x.range)
                return try fold(.call(try resolve("date_trunc", [.constant(.string("day"), .string), ts], r), [.constant(.string("day"), .string), ts]))
            case .interval:
                throw SQLError(.unsupported, "INTERVAL values can only be added to or subtracted from timestamps, or used as a time_bucket width", at: tn.range)
            }
        case .caseWhen(let c):
            return try caseWhen(c, scope, hook, r)
        case .inList(let x, let list, let negated):
            var b = try bind(x, scope, hook: hook)
            var items = try list.map { try bind($0, scope, hook: hook) }
            // An integer tested against fractions compares as a DOUBLE (agent_id IN (2.5) matches nothing).
            if b.type == .int32 || b.type == .int64, items.contains(where: { $0.type == .float64 }) { b = .cast(b, .float64) }
            items = try items.enumerated().map { k, it in try coerceForComparison(it, b, at: list[k].range).0 }
            if items.allSatisfy(\.isConstant) {
                let vals = try items.map { try ExprEvaluator.constantValue($0) }
                return try fold(.inList(b, vals, negated: negated))
            }
            let ors = try items.map { try comparison(.eq, b, $0, r) }
            let any: BoundExpr = ors.count == 1 ? ors[0] : .or(ors)
            return negated ? .not(any) : any
        case .inSubquery(let x, let q, let negated):
            let result = try subquery(q, r)
            guard result.columns.count == 1 else {
                throw SQLError(.typeMismatch, "subquery in IN must return one column, it returns \(result.columns.count)", at: r)
            }
            var b = try bind(x, scope, hook: hook)
            let t = result.columns[0].type
            var vals = result.data[0].allValues
            if t != b.type {
                if Binder.isNullConstant(b) {
                    b = .constant(.null, t)
                } else if Binder.isNumeric(t) && Binder.isNumeric(b.type) {
                    // Numbers compare as numbers: an integer against DOUBLE values becomes a DOUBLE.
                    if t == .float64 { b = .cast(b, .float64) }
                } else if t == .string {
                    // Text is read as the tested value's type, as a string literal would be.
                    vals = try vals.map { try Casts.castValue($0, to: b.type == .int32 ? .int64 : b.type) }
                } else {
                    throw SQLError(.typeMismatch, "cannot compare \(b.type) with the subquery's \(t)", hint: "use CAST to convert one side", at: r)
                }
            }
            return .inList(b, vals, negated: negated)
        case .between(let x, let lo, let hi, let negated):
            let b = try bind(x, scope, hook: hook)
            let l = try comparison(.ge, b, try bind(lo, scope, hook: hook), lo.range)
            let h = try comparison(.le, b, try bind(hi, scope, hook: hook), hi.range)
            return try fold(negated ? .not(.and([l, h])) : .and([l, h]))
        case .like(let x, let pattern, let escape, let ci, let negated):
            let b = try bind(x, scope, hook: hook)
            guard b.type == .string else { throw SQLError(.typeMismatch, "LIKE needs a VARCHAR, not \(b.type)", at: x.range) }
            let p = try bind(pattern, scope, hook: hook)
            guard p.type == .string else { throw SQLError(.typeMismatch, "the LIKE pattern must be a VARCHAR, not \(p.type)", at: pattern.range) }
            guard p.isConstant else { throw SQLError(.unsupported, "the LIKE pattern must be a constant string", at: pattern.range) }
            guard case .string(let s) = try ExprEvaluator.constantValue(p) else { return .constant(.null, .bool) }
            var escapeChar: Character? = "\\"
            if let escape {
                let e = try bind(escape, scope, hook: hook)
                guard e.isConstant, case .string(let text) = try ExprEvaluator.constantValue(e), text.count <= 1 else {
                    throw SQLError(.typeMismatch, "ESCAPE must be a constant string of at most one character", at: escape.range)
                }
                escapeChar = text.first
            }
            return .like(b, pattern: Binder.backslashEscaped(s, escape: escapeChar), caseInsensitive: ci, negated: negated)
        case .isNull(let x, let negated):
            return try fold(.isNull(try bind(x, scope, hook: hook), negated: negated))
        case .isDistinctFrom(let a, let b, let negated):
            let x = try bind(a, scope, hook: hook), y = try bind(b, scope, hook: hook)
            let ne = try comparison(.ne, x, y, r)
            let distinct: BoundExpr = .or([
                .and([.isNull(x, negated: false), .isNull(y, negated: true)]),
                .and([.isNull(x, negated: true), .isNull(y, negated: false)]),
                .and([.isNull(x, negated: true), .isNull(y, negated: true), ne]),
            ])
            return negated ? .not(distinct) : distinct
        case .extract(let field, let x):
            let b = try bind(x, scope, hook: hook)
            let ts = try coerce(b, to: .timestamp, explicit: false, at: x.range)
            let part: BoundExpr = .constant(.string(field.rawValue), .string)
            return try fold(.call(try resolve("extract", [part, ts], r), [part, ts]))
        case .atTimeZone(let x, let zone):
            let b = try coerce(try bind(x, scope, hook: hook), to: .timestamp, explicit: false, at: x.range)
            let z = try bind(zone, scope, hook: hook)
            return try fold(.call(try resolve("timezone", [z, b], r), [z, b]))
        case .subquery(let q):
            let result = try subquery(q, r)
            guard result.columns.count == 1 else {
                throw SQLError(.typeMismatch, "a scalar subquery must return one column, it returns \(result.columns.count)", at: r)
            }
            guard result.rowCount <= 1 else {
                throw SQLError(.init(rawValue: "subquery_rows"), "a scalar subquery returned \(result.rowCount) rows; it must return at most one", at: r)
            }
            return .constant(result.rowCount == 0 ? .null : result.data[0].value(at: 0), result.columns[0].type)
        case .exists(let q):
            return .constant(.bool(try subquery(q, r).rowCount > 0), .bool)
        case .list:
            throw SQLError(.unsupported, "a list is only allowed as the fractions of quantile functions", at: r)
        case .subscript:
            throw SQLError(.unsupported, "subscripts are not supported", at: r)
        }
    }

    /// A LIKE pattern rewritten so that a backslash is its escape character, as the executor reads
    /// it. `escape` is the character written after ESCAPE (nil for `ESCAPE ''`: none at all).
    static func backslashEscaped(_ pattern: String, escape: Character?) -> String {
        if escape == "\\" { return pattern }
        var out = ""
        var chars = pattern.makeIterator()
        while let c = chars.next() {
            if c == escape, let next = chars.next() {
                out += "\\" + String(next)
            } else if c == "\\" {
                out += "\\\\"
            } else {
                out.append(c)
            }
        }
        return out
    }

    // MARK: literals and constants

    func literal(_ lit: Literal, _ r: SourceRange) throws -> BoundExpr {
        switch lit {
        case .null: return .constant(.null, .string)
        case .bool(let b): return .constant(.bool(b), .bool)
        case .integer(let i): return .constant(.int(i), .int64)
        case .double(let d): return .constant(.double(d), .float64)
        case .string(let s): return .constant(.string(s), .string)
        case .timestamp(let t): return .constant(.timestamp(t), .timestamp)
        case .interval:
            throw SQLError(.unsupported, "an INTERVAL can only be added to or subtracted from a timestamp, or be a time_bucket width", at: r)
        }
    }

    /// A typed constant for a Value (parameters, subquery results).
    static func constant(_ v: Value) -> BoundExpr {
        switch v {
        case .null: return .constant(.null, .string)
        case .bool: return .constant(v, .bool)
        case .int: return .constant(v, .int64)
        case .double: return .constant(v, .float64)
        case .timestamp: return .constant(v, .timestamp)
        case .string: return .constant(v, .string)
        }
    }

    /// Evaluates a constant expression to a constant node (constant folding).
    func fold(_ e: BoundExpr) throws -> BoundExpr {
        guard e.isConstant else { return e }
        if case .constant = e { return e }
        do { return .constant(try ExprEvaluator.constantValue(e), e.type) } catch let err as EvaluationError {
            throw SQLError(.init(rawValue: "invalid_value"), err.message)
        }
    }

    static func isNullConstant(_ e: BoundExpr) -> Bool {
        if case .constant(.null, _) = e { return true }
        return false
    }

    // MARK: types

    static func isNumeric(_ t: DataType) -> Bool { t == .int32 || t == .int64 || t == .float64 }

    func requireNumeric(_ b: BoundExpr, _ r: SourceRange, _ what: String) throws {
        guard Binder.isNumeric(b.type) || Binder.isNullConstant(b) else {
            throw SQLError(.typeMismatch, "\(what) needs a number, not \(b.type)", at: r)
        }
    }

    func requireBool(_ b: BoundExpr, _ r: SourceRange) throws -> BoundExpr {
        if Binder.isNullConstant(b) { return .constant(.null, .bool) }
        guard b.type == .bool else { throw SQLError(.typeMismatch, "expected a boolean condition, got \(b.type)", at: r) }
        return b
    }

    /// Converts `b` to type `t`: constants at bind time, columns with a CAST. Implicit conversions
    /// are limited to widening numbers and reading string constants as the wanted type.
    func coerce(_ b: BoundExpr, to t: DataType, explicit: Bool, at r: SourceRange) throws -> BoundExpr {
        if b.type == t { return b }
        if Binder.isNullConstant(b) { return .constant(.null, t) }
        let implicitOK = (Binder.isNumeric(b.type) && (t == .float64 || t == .int64)) || (b.isConstant && b.type == .string) || b.type == .int32 && t == .int64
        guard explicit || implicitOK else {
            throw SQLError(.typeMismatch, "expected \(t), got \(b.type)", hint: "use CAST(… AS \(t))", at: r)
        }
        if b.isConstant {
            do { return .constant(try Casts.castValue(try ExprEvaluator.constantValue(b), to: t), t) } catch let e as EvaluationError {
                throw SQLError(.invalidLiteral, e.message, at: r)
            }
        }
        return .cast(b, t)
    }

    /// Makes two operands comparable; string constants adopt the other side's type.
    func coerceForComparison(_ a: BoundExpr, _ b: BoundExpr, at r: SourceRange) throws -> (BoundExpr, BoundExpr) {
        if a.type == b.type { return (a, b) }
        if Binder.isNullConstant(a) { return (.constant(.null, b.type), b) }
        if Binder.isNullConstant(b) { return (a, .constant(.null, a.type)) }
        if Binder.isNumeric(a.type) && Binder.isNumeric(b.type) { return (a, b) }
        if a.type == .bool && Binder.isNumeric(b.type) || b.type == .bool && Binder.isNumeric(a.type) { return (a, b) }
        if a.isConstant && a.type == .string { return (try coerce(a, to: b.type, explicit: true, at: r), b) }
        if b.isConstant && b.type == .string { return (a, try coerce(b, to: a.type, explicit: true, at: r)) }
        throw SQLError(.typeMismatch, "cannot compare \(a.type) with \(b.type)", hint: "use CAST to convert one side", at: r)
    }

    func comparison(_ op: CompareOp, _ a: BoundExpr, _ b: BoundExpr, _ r: SourceRange) throws -> BoundExpr {
        let (x, y) = try coerceForComparison(a, b, at: r)
        return try fold(.compare(op, x, y))
    }

    /// The common type of several expressions (NULL constants adapt), each converted to it.
    func unify(_ es: [BoundExpr], at r: SourceRange) throws -> (DataType, [BoundExpr]) {
        let typed = es.filter { !Binder.isNullConstant($0) }
        guard var t = typed.first?.type else { return (.string, es) }
        for e in typed.dropFirst() where e.type != t {
            if Binder.isNumeric(t) && Binder.isNumeric(e.type) { t = (t == .float64 || e.type == .float64) ? .float64 : .int64 }
            else if e.isConstant && e.type == .string { continue }
            else if t == .string && typed.first!.isConstant { t = e.type }
            else { throw SQLError(.typeMismatch, "cannot mix \(t) and \(e.type) here", hint: "use CAST to convert", at: r) }
        }
        return (t, try es.map { try coerce($0, to: t, explicit: $0.type == .string && $0.isConstant, at: r) })
    }

    // MARK: operators

    func binary(_ op: BinaryOperator, _ a: Expr, _ b: Expr, _ scope: Scope, _ hook: BindHook?, _ r: SourceRange) throws -> BoundExpr {
        switch op {
        case .and, .or:
            var parts: [BoundExpr] = []
            func flatten(_ e: Expr) throws {
                if case .binary(let o, let x, let y) = e.kind, o == op { try flatten(x); try flatten(y) } else {
                    parts.append(try requireBool(try bind(e, scope, hook: hook), e.range))
                }
            }
            try flatten(a)
            try flatten(b)
            return try fold(op == .and ? .and(parts) : .or(parts))
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual:
            let cmp: CompareOp = [.equal: .eq, .notEqual: .ne, .less: .lt, .lessEqual: .le, .greater: .gt, .greaterEqual: .ge][op]!
            return try comparison(cmp, try bind(a, scope, hook: hook), try bind(b, scope, hook: hook), r)
        case .concat, .add, .subtract, .multiply, .divide, .modulo:
            // A left-deep chain (a + b + c + …, as generated SQL writes them) is bound in a loop:
            // recursing once per term would exhaust the stack of a long expression.
            var steps: [(BinaryOperator, Expr, Expr, SourceRange)] = [(op, a, b, r)]
            var left = a
            var bound: BoundExpr?
            while case .binary(let o, let x, let y) = left.kind, [.concat, .add, .subtract, .multiply, .divide, .modulo].contains(o) {
                if let hook, let h = try hook(left) { bound = h; break }
                steps.append((o, x, y, left.range))
                left = x
            }
            // An INTERVAL literal is bound with its operator (INTERVAL '1 day' + ts).
            var leftIsInterval = false
            if case .literal(.interval) = left.kind { leftIsInterval = true }
            if bound == nil && !leftIsInterval { bound = try bind(left, scope, hook: hook) }
            for (o, x, y, range) in steps.reversed() {
                bound = try operation(o, bound, x, y, scope, hook, range)
            }
            return bound!
        }
    }

    /// One step of an operator chain: `left` is `a` already bound (nil for an INTERVAL literal).
    func operation(_ op: BinaryOperator, _ left: BoundExpr?, _ a: Expr, _ b: Expr, _ scope: Scope, _ hook: BindHook?, _ r: SourceRange) throws -> BoundExpr {
        if op == .concat {
            let x = try left ?? bind(a, scope, hook: hook), y = try bind(b, scope, hook: hook)
            return try fold(.call(try resolve("||", [x, y], r), [x, y]))
        }
        // timestamp ± INTERVAL
        if op == .add || op == .subtract {
            if case .literal(.interval(let iv)) = b.kind {
                if op == .subtract, iv.months == .min || iv.days == .min || iv.micros == .min {
                    throw SQLError(.invalidLiteral, "interval \(iv) is too large to subtract", at: b.range)
                }
                return try addInterval(try left ?? bind(a, scope, hook: hook), op == .add ? iv : iv.negated, a.range)
            }
            if op == .add, case .literal(.interval(let iv)) = a.kind {
                return try addInterval(try bind(b, scope, hook: hook), iv, b.range)
            }
        }
        let x = try left ?? bind(a, scope, hook: hook), y = try bind(b, scope, hook: hook)
        if x.type == .timestamp && y.type == .timestamp && op == .subtract {
            throw SQLError(.unsupported, "subtracting timestamps is not supported",
                           hint: "use date_diff('second', start, end) or epoch(end) - epoch(start)", at: r)
        }
        for (e, ast) in [(x, a), (y, b)] where !(Binder.isNumeric(e.type) || Binder.isNullConstant(e) || e.type == .bool) {
            throw SQLError(.typeMismatch, "operator \(op.rawValue) needs numbers, got \(e.type)", at: ast.range)
        }
        let arith: ArithOp = [.add: .add, .subtract: .sub, .multiply: .mul, .divide: .div, .modulo: .mod][op]!
        let isFloat = x.type == .float64 || y.type == .float64 || arith == .div
        let t: DataType = isFloat ? .float64 : .int64
        let xx = Binder.isNullConstant(x) ? BoundExpr.constant(.null, t) : x
        let yy = Binder.isNullConstant(y) ? BoundExpr.constant(.null, t) : y
        do { return try fold(.arith(arith, xx, yy, t)) } catch let e as SQLError {
            throw SQLError(e.code, e.message, hint: e.hint, at: r)
        }
    }

    /// ts + interval: whole months go through add_months, days and times are microseconds.
    func addInterval(_ ts: BoundExpr, _ iv: Interval, _ r: SourceRange) throws -> BoundExpr {
        let t = try coerce(ts, to: .timestamp, explicit: false, at: r)
        var e = t
        if iv.months != 0 {
            let m: BoundExpr = .constant(.int(Int64(iv.months)), .int64)
            e = .call(try resolve("add_months", [e, m], r), [e, m])
        }
        let micros = try dayTimeMicros(iv, r)
        if micros != 0 { e = .arith(.add, e, .constant(.int(micros), .int64), .timestamp) }
        return try fold(e)
    }

    func caseWhen(_ c: CaseExpr, _ scope: Scope, _ hook: BindHook?, _ r: SourceRange) throws -> BoundExpr {
        let operand = try c.operand.map { try bind($0, scope, hook: hook) }
        var conds: [BoundExpr] = []
        var results: [BoundExpr] = []
        for w in c.whens {
            if let operand {
                conds.append(try comparison(.eq, operand, try bind(w.condition, scope, hook: hook), w.condition.range))
            } else {
                conds.append(try requireBool(try bind(w.condition, scope, hook: hook), w.condition.range))
            }
            results.append(try bind(w.result, scope, hook: hook))
        }
        if let e = c.elseResult { results.append(try bind(e, scope, hook: hook)) }
        let (t, unified) = try unify(results, at: r)
        let whens = Array(zip(conds, unified.prefix(conds.count)))
        return try fold(.caseWhen(whens, c.elseResult == nil ? nil : unified.last, t))
    }

    // MARK: functions

    func resolve(_ name: String, _ args: [BoundExpr], _ r: SourceRange) throws -> ScalarFunction {
        do {
            if let f = try registry.resolveScalar(name, args) { return f }
        } catch let e as EvaluationError {
            throw SQLError(.typeMismatch, e.message, at: r)
        }
        let known = registry.names + Array(AggregateNames.all) + Array(AggregateNames.windowOnly)
        throw SQLError(.unknownFunction, "function \(name) does not exist",
                       hint: NameSuggestion.closest(to: name, in: known).map { "did you mean \($0)?" }, at: r)
    }

    func function(_ call: FunctionCall, _ scope: Scope, _ hook: BindHook?, _ r: SourceRange) throws -> BoundExpr {
        let name = call.name.value.lowercased()
        if call.over != nil {
            throw SQLError(.init(rawValue: "misplaced_window"), "window function \(name) is not allowed here", hint: "window functions belong in SELECT or ORDER BY", at: r)
        }
        if AggregateNames.all.contains(name) || registry.aggregateMacro(name) != nil {
            throw SQLError(.init(rawValue: "misplaced_aggregate"), "aggregate function \(name) is not allowed here",
                           hint: "aggregates belong in SELECT, HAVING or ORDER BY, not in WHERE, GROUP BY or inside other aggregates", at: r)
        }
        if AggregateNames.windowOnly.contains(name) {
            throw SQLError(.init(rawValue: "missing_over"), "window function \(name) needs an OVER clause", at: r)
        }
        if name == "now" || name == "current_timestamp" || name == "get_current_timestamp" {
            guard call.arguments.isEmpty else { throw SQLError(.typeMismatch, "\(name)() takes no arguments", at: r) }
            return .constant(.timestamp(now), .timestamp)
        }
        if name == "current_date" || name == "today" {
            guard call.arguments.isEmpty else { throw SQLError(.typeMismatch, "\(name)() takes no arguments", at: r) }
            return .constant(.timestamp(try Calendar64.truncate(now, "day")), .timestamp)
        }
        var args: [BoundExpr] = []
        if name == "time_bucket_gapfill" {
            // Buckets like time_bucket; the range only matters to GROUP BY, which fills the gaps.
            guard call.arguments.count == 4 else {
                throw SQLError(.typeMismatch, "time_bucket_gapfill takes (width INTERVAL, ts TIMESTAMP, start TIMESTAMP, finish TIMESTAMP)", at: r)
            }
            let iv = try intervalArgument(call.arguments[0])
            args = [.constant(.int(try dayTimeMicros(iv, call.arguments[0].range)), .int64), .constant(.int(Int64(iv.months)), .int64),
                    try coerce(try bind(call.arguments[1], scope, hook: hook), to: .timestamp, explicit: false, at: call.arguments[1].range)]
            return try fold(.call(try resolve("time_bucket", args, r), args))
        }
        if name == "time_bucket" {
            guard call.arguments.count == 2 || call.arguments.count == 3 else {
                throw SQLError(.typeMismatch, "time_bucket takes (width INTERVAL, ts TIMESTAMP [, zone VARCHAR])", at: r)
            }
            let iv = try intervalArgument(call.arguments[0])
            args = [.constant(.int(try dayTimeMicros(iv, call.arguments[0].range)), .int64), .constant(.int(Int64(iv.months)), .int64)]
            args.append(try coerce(try bind(call.arguments[1], scope, hook: hook), to: .timestamp, explicit: false, at: call.arguments[1].range))
            if call.arguments.count == 3 { args.append(try bind(call.arguments[2], scope, hook: hook)) }
        } else {
            args = try call.arguments.map { try bind($0, scope, hook: hook) }
        }
        if call.filter != nil || call.distinct {
            throw SQLError(.init(rawValue: "misplaced_aggregate"), "FILTER and DISTINCT only apply to aggregate functions, and \(name) is not one", at: r)
        }
        do {
            return try fold(.call(try resolve(name, args, r), args))
        } catch let e as SQLError where e.code == .typeMismatch && args.contains(where: Binder.isNullConstant) {
            // An untyped NULL argument (typed VARCHAR) takes the first type an overload accepts.
            for t in [DataType.int64, .float64, .timestamp, .bool] {
                let typed = args.map { Binder.isNullConstant($0) ? BoundExpr.constant(.null, t) : $0 }
                if let f = try? resolve(name, typed, r) { return try fold(.call(f, typed)) }
            }
            throw e
        }
    }

    /// The days and time of an interval in microseconds (its months are added separately).
    func dayTimeMicros(_ iv: Interval, _ r: SourceRange) throws -> Int64 {
        let (days, o1) = Int64(iv.days).multipliedReportingOverflow(by: Interval.microsPerDay)
        let (total, o2) = days.addingReportingOverflow(iv.micros)
        guard !o1, !o2 else { throw SQLError(.invalidLiteral, "interval \(iv) is too large", at: r) }
        return total
    }

    /// An interval written as INTERVAL '…' or as a plain string '1 hour'.
    func intervalArgument(_ e: Expr) throws -> Interval {
        switch e.kind {
        case .literal(.interval(let iv)): return iv
        case .literal(.string(let s)):
            do { return try Interval.parse(s) } catch {
                throw SQLError(.invalidLiteral, "invalid interval '\(s)': \(error.message)", hint: error.hint, at: e.range)
            }
        default:
            throw SQLError(.typeMismatch, "the bucket width must be an interval such as INTERVAL '1 hour'", at: e.range)
        }
    }

    /// Runs an uncorrelated subquery at bind time.
    func subquery(_ q: Query, _ r: SourceRange) throws -> QueryResult {
        var inner = self
        let plan: LogicalPlan
        let note = " (subqueries cannot refer to columns of the outer query)"
        do { plan = try inner.bindQuery(q) } catch let e as SQLError
            where (e.code == .unknownColumn || (e.code == .unknownTable && e.message.hasPrefix("missing FROM-clause entry"))) && !e.message.hasSuffix(note) {
            throw SQLError(e.code, e.message + note, hint: e.hint, at: e.position)
        }
        return try runPlan(Optimizer.optimize(plan, tables: tables))
    }
}
