import Testing
@testable import TallyQuery

/// A fully parenthesised, printer-independent rendering of an expression tree, so tests can
/// check precedence and shape: `a + b * c` → `(+ a (* b c))`.
func sx(_ e: Expr) -> String {
    func list(_ head: String, _ parts: [String]) -> String { "(" + ([head] + parts).joined(separator: " ") + ")" }
    func orders(_ items: [OrderItem]) -> [String] {
        items.map { o in
            var s = sx(o.expr)
            if o.descending { s += " desc" }
            if let n = o.nulls { s += " nulls-\(n.rawValue.lowercased())" }
            return s
        }
    }
    func bound(_ b: FrameBound) -> String {
        switch b {
        case .unboundedPreceding: return "unbounded-preceding"
        case .unboundedFollowing: return "unbounded-following"
        case .currentRow: return "current-row"
        case .preceding(let e): return list("preceding", [sx(e)])
        case .following(let e): return list("following", [sx(e)])
        }
    }
    switch e.kind {
    case .literal(let l):
        switch l {
        case .null: return "NULL"
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .integer(let v): return String(v)
        case .double(let d): return "\(d)d"
        case .string(let s): return "'\(s)'"
        case .timestamp(let t): return "ts:\(t)"
        case .interval(let iv): return "iv:\(iv.months),\(iv.days),\(iv.micros)"
        }
    case .column(let c): return (c.table.map { $0.value + "." } ?? "") + c.name.value
    case .parameter(let n): return "$\(n)"
    case .unary(let op, let x):
        return list(op == .not ? "not" : op == .minus ? "neg" : "pos", [sx(x)])
    case .binary(let op, let l, let r): return list(op.rawValue.lowercased(), [sx(l), sx(r)])
    case .function(let c):
        var parts: [String] = []
        if c.distinct { parts.append("distinct") }
        if c.isStar { parts.append("*") }
        parts += c.arguments.map(sx)
        if !c.orderBy.isEmpty { parts.append(list("order", orders(c.orderBy))) }
        if !c.withinGroup.isEmpty { parts.append(list("within", orders(c.withinGroup))) }
        if let f = c.filter { parts.append(list("filter", [sx(f)])) }
        if let w = c.over {
            var wp: [String] = []
            if !w.partitionBy.isEmpty { wp.append(list("partition", w.partitionBy.map(sx))) }
            if !w.orderBy.isEmpty { wp.append(list("order", orders(w.orderBy))) }
            if let f = w.frame {
                wp.append(list(f.unit.rawValue.lowercased(), [bound(f.start)] + (f.end.map { [bound($0)] } ?? [])))
            }
            parts.append(list("over", wp))
        }
        return list("fn " + c.name.value, parts)
    case .cast(let x, let t): return list("cast", [sx(x), t.description])
    case .caseWhen(let c):
        var parts: [String] = []
        if let op = c.operand { parts.append(sx(op)) }
        parts += c.whens.map { list("when", [sx($0.condition), sx($0.result)]) }
        if let e = c.elseResult { parts.append(list("else", [sx(e)])) }
        return list("case", parts)
    case .inList(let x, let items, let neg): return list(neg ? "notin" : "in", [sx(x)] + items.map(sx))
    case .inSubquery(let x, let q, let neg): return list(neg ? "notin" : "in", [sx(x), "{\(q)}"])
    case .between(let x, let lo, let hi, let neg): return list(neg ? "notbetween" : "between", [sx(x), sx(lo), sx(hi)])
    case .like(let x, let p, let esc, let ci, let neg):
        return list((neg ? "not" : "") + (ci ? "ilike" : "like"), [sx(x), sx(p)] + (esc.map { [sx($0)] } ?? []))
    case .isNull(let x, let neg): return list(neg ? "isnotnull" : "isnull", [sx(x)])
    case .isDistinctFrom(let a, let b, let neg): return list(neg ? "notdistinct" : "distinct", [sx(a), sx(b)])
    case .extract(let f, let x): return list("extract", [f.description, sx(x)])
    case .atTimeZone(let x, let z): return list("attz", [sx(x), sx(z)])
    case .subquery(let q): return "{\(q)}"
    case .exists(let q): return list("exists", ["{\(q)}"])
    case .list(let items): return list("list", items.map(sx))
    case .subscript(let x, let i): return list("index", [sx(x), sx(i)])
    }
}

/// Parses one expression or fails the test.
func expr(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) -> Expr? {
    do {
        return try Parser.parseExpression(sql)
    } catch {
        Issue.record("\(sql): \(error.render(source: sql))", sourceLocation: sourceLocation)
        return nil
    }
}

/// Parses one statement or fails the test.
func statement(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) -> Statement? {
    do {
        return try Parser.parse(sql)
    } catch {
        Issue.record("\(sql): \(error.render(source: sql))", sourceLocation: sourceLocation)
        return nil
    }
}

/// Parses a query or fails the test.
func query(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) -> Query? {
    do {
        return try Parser.parseQuery(sql)
    } catch {
        Issue.record("\(sql): \(error.render(source: sql))", sourceLocation: sourceLocation)
        return nil
    }
}

/// The single SELECT of a simple query.
func select(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) -> Select? {
    guard let q = query(sql, sourceLocation: sourceLocation) else { return nil }
    guard case .select(let s) = q.body else {
        Issue.record("\(sql): not a simple SELECT", sourceLocation: sourceLocation)
        return nil
    }
    return s
}

/// The error parsing `sql` raises (nil, and a test issue, if it parses).
func parseError(_ sql: String, script: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) -> SQLError? {
    do {
        if script { _ = try Parser.parseScript(sql) } else { _ = try Parser.parse(sql) }
        Issue.record("expected an error for: \(sql)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

func col(_ name: String, _ table: String? = nil) -> Expr {
    Expr(.column(ColumnRef(table: table.map { Name($0) }, name: Name(name))))
}

func int(_ v: Int64) -> Expr { Expr(.literal(.integer(v))) }

func str(_ s: String) -> Expr { Expr(.literal(.string(s))) }
