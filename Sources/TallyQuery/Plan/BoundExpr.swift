/// Arithmetic operators on numbers (and timestamp ± interval).
public enum ArithOp: String, Sendable, Hashable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%"
}

/// Comparison operators; NULL on either side gives NULL.
public enum CompareOp: String, Sendable, Hashable {
    case eq = "=", ne = "<>", lt = "<", le = "<=", gt = ">", ge = ">="

    /// The operator with its operands swapped (a < b ⇔ b > a).
    public var flipped: CompareOp {
        switch self {
        case .eq, .ne: return self
        case .lt: return .gt
        case .le: return .ge
        case .gt: return .lt
        case .ge: return .le
        }
    }
}

/// A resolved, typed expression over the columns of an operator's input (by position).
/// The binder produces it from the AST; the executor evaluates it a batch at a time.
public indirect enum BoundExpr: Sendable, CustomStringConvertible {
    /// Input column `index`.
    case column(Int, DataType, name: String)
    /// A constant (NULL has the type the context gives it).
    case constant(Value, DataType)
    case arith(ArithOp, BoundExpr, BoundExpr, DataType)
    case negate(BoundExpr)
    case compare(CompareOp, BoundExpr, BoundExpr)
    case and([BoundExpr])
    case or([BoundExpr])
    case not(BoundExpr)
    case isNull(BoundExpr, negated: Bool)
    /// `e [NOT] IN (constants)`; NULL in the list follows SQL (a miss becomes NULL).
    case inList(BoundExpr, [Value], negated: Bool)
    /// `e [NOT] LIKE|ILIKE pattern` with a constant pattern.
    case like(BoundExpr, pattern: String, caseInsensitive: Bool, negated: Bool)
    /// `CASE WHEN c THEN v … ELSE e END` (the simple form is rewritten to this one).
    case caseWhen([(BoundExpr, BoundExpr)], BoundExpr?, DataType)
    case cast(BoundExpr, DataType)
    /// A scalar function from the registry.
    case call(ScalarFunction, [BoundExpr])

    /// The type the expression produces.
    public var type: DataType {
        switch self {
        case .column(_, let t, _), .constant(_, let t), .arith(_, _, _, let t), .caseWhen(_, _, let t), .cast(_, let t): return t
        case .negate(let e): return e.type
        case .compare, .and, .or, .not, .isNull, .inList, .like: return .bool
        case .call(let f, _): return f.returnType
        }
    }

    /// Whether the expression reads no input column (it can be folded to a constant).
    public var isConstant: Bool {
        switch self {
        case .column: return false
        case .constant: return true
        case .arith(_, let a, let b, _), .compare(_, let a, let b): return a.isConstant && b.isConstant
        case .negate(let e), .not(let e), .isNull(let e, _), .inList(let e, _, _), .like(let e, _, _, _), .cast(let e, _): return e.isConstant
        case .and(let es), .or(let es): return es.allSatisfy(\.isConstant)
        case .caseWhen(let ws, let e, _): return ws.allSatisfy { $0.0.isConstant && $0.1.isConstant } && (e?.isConstant ?? true)
        case .call(let f, let args): return f.deterministic && args.allSatisfy(\.isConstant)
        }
    }

    /// Input columns the expression reads.
    public var columnsUsed: Set<Int> {
        var s = Set<Int>()
        visitColumns { s.insert($0) }
        return s
    }

    func visitColumns(_ f: (Int) -> Void) {
        switch self {
        case .column(let i, _, _): f(i)
        case .constant: break
        case .arith(_, let a, let b, _), .compare(_, let a, let b): a.visitColumns(f); b.visitColumns(f)
        case .negate(let e), .not(let e), .isNull(let e, _), .inList(let e, _, _), .like(let e, _, _, _), .cast(let e, _): e.visitColumns(f)
        case .and(let es), .or(let es): for e in es { e.visitColumns(f) }
        case .caseWhen(let ws, let e, _): for (c, v) in ws { c.visitColumns(f); v.visitColumns(f) }; e?.visitColumns(f)
        case .call(_, let args): for a in args { a.visitColumns(f) }
        }
    }

    /// The same expression with column indices rewritten by `map`.
    public func remapColumns(_ map: (Int) -> Int) -> BoundExpr {
        switch self {
        case .column(let i, let t, let n): return .column(map(i), t, name: n)
        case .constant: return self
        case .arith(let op, let a, let b, let t): return .arith(op, a.remapColumns(map), b.remapColumns(map), t)
        case .compare(let op, let a, let b): return .compare(op, a.remapColumns(map), b.remapColumns(map))
        case .negate(let e): return .negate(e.remapColumns(map))
        case .not(let e): return .not(e.remapColumns(map))
        case .isNull(let e, let n): return .isNull(e.remapColumns(map), negated: n)
        case .inList(let e, let vs, let n): return .inList(e.remapColumns(map), vs, negated: n)
        case .like(let e, let p, let ci, let n): return .like(e.remapColumns(map), pattern: p, caseInsensitive: ci, negated: n)
        case .cast(let e, let t): return .cast(e.remapColumns(map), t)
        case .and(let es): return .and(es.map { $0.remapColumns(map) })
        case .or(let es): return .or(es.map { $0.remapColumns(map) })
        case .caseWhen(let ws, let e, let t): return .caseWhen(ws.map { ($0.0.remapColumns(map), $0.1.remapColumns(map)) }, e?.remapColumns(map), t)
        case .call(let f, let args): return .call(f, args.map { $0.remapColumns(map) })
        }
    }

    /// Canonical SQL-ish text, used by EXPLAIN.
    public var description: String {
        switch self {
        case .column(_, _, let n): return n
        case .constant(let v, _):
            if case .string(let s) = v { return "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
            if case .timestamp = v { return "TIMESTAMP '\(v)'" }
            return v.description
        case .arith(let op, let a, let b, _): return "(\(a) \(op.rawValue) \(b))"
        case .negate(let e): return "(-\(e))"
        case .compare(let op, let a, let b): return "(\(a) \(op.rawValue) \(b))"
        case .and(let es): return "(" + es.map(\.description).joined(separator: " AND ") + ")"
        case .or(let es): return "(" + es.map(\.description).joined(separator: " OR ") + ")"
        case .not(let e): return "(NOT \(e))"
        case .isNull(let e, let n): return "(\(e) IS \(n ? "NOT " : "")NULL)"
        case .inList(let e, let vs, let n): return "(\(e) \(n ? "NOT " : "")IN (\(vs.map { BoundExpr.constant($0, .string).description }.joined(separator: ", "))))"
        case .like(let e, let p, let ci, let n): return "(\(e) \(n ? "NOT " : "")\(ci ? "ILIKE" : "LIKE") '\(p)')"
        case .caseWhen(let ws, let e, _):
            return "CASE " + ws.map { "WHEN \($0.0) THEN \($0.1)" }.joined(separator: " ") + (e.map { " ELSE \($0)" } ?? "") + " END"
        case .cast(let e, let t): return "CAST(\(e) AS \(t))"
        case .call(let f, let args): return "\(f.name)(" + args.map(\.description).joined(separator: ", ") + ")"
        }
    }
}
