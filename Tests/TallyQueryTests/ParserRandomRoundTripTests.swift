import Testing
@testable import TallyQuery

/// Random expression trees, printed and parsed back: checks that the printer places exactly
/// the parentheses the grammar needs, for shapes no hand-written list would think of.
@Suite struct ParserRandomRoundTripTests {
    /// Deterministic across runs and platforms (the storage layer's SplitMix64).
    struct Rng {
        var mix: SplitMix
        init(state: UInt64) { mix = SplitMix(seed: state) }
        mutating func next() -> UInt64 { mix.next() }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func bool() -> Bool { next() & 1 == 0 }
        mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
    }

    static let names = ["a", "b", "sector", "at", "rows", "first", "value", "Mixed", "a b", "select", "x\"y", "date", "interval", "current"]

    static func name(_ r: inout Rng) -> Name {
        let v = r.pick(names)
        return Name(v, quoted: SQLPrinter.needsQuotes(v) || r.int(8) == 0)
    }

    static func literal(_ r: inout Rng) -> Literal {
        switch r.int(8) {
        case 0: return .null
        case 1: return .bool(r.bool())
        case 2: return .integer(Int64(r.int(2000)) - 1000)
        case 3: return .integer(r.bool() ? .min : .max)
        case 4: return .double(Double(r.int(100_000)) / 64 - 500)
        case 5: return .string(r.pick(["", "x", "it's", "a'b''c", "--", "/*", "é"]))
        case 6: return .timestamp(Int64(r.int(4_000_000)) * 1_000_000_000 - 1_000_000_000_000_000)
        default: return .interval(Interval(months: Int32(r.int(30)) - 10, days: Int32(r.int(60)) - 20, micros: Int64(r.int(1 << 40)) - (1 << 39)))
        }
    }

    static func expr(_ r: inout Rng, depth: Int) -> Expr {
        if depth <= 0 || r.int(5) == 0 {
            switch r.int(4) {
            case 0: return Expr(.literal(literal(&r)))
            case 1: return Expr(.parameter(r.int(9) + 1))
            default: return Expr(.column(ColumnRef(table: r.int(4) == 0 ? name(&r) : nil, name: name(&r))))
            }
        }
        let d = depth - 1
        func sub() -> Expr { expr(&r, depth: d) }
        switch r.int(20) {
        case 0: return Expr(.unary(r.pick([.not, .minus, .plus]), sub()))
        case 1, 2, 3, 4: return Expr(.binary(r.pick(BinaryOperator.allCases), sub(), sub()))
        case 5: return Expr(.cast(sub(), TypeName(r.pick([.data(.int64), .data(.string), .date, .interval]))))
        case 6:
            let whens = (0...r.int(2)).map { _ in CaseExpr.When(condition: sub(), result: sub()) }
            return Expr(.caseWhen(CaseExpr(operand: r.bool() ? sub() : nil, whens: whens, elseResult: r.bool() ? sub() : nil)))
        case 7: return Expr(.inList(sub(), (0...r.int(3)).map { _ in sub() }, negated: r.bool()))
        case 8: return Expr(.between(sub(), low: sub(), high: sub(), negated: r.bool()))
        case 9: return Expr(.like(sub(), pattern: sub(), escape: r.int(4) == 0 ? Expr(.literal(.string("!"))) : nil, caseInsensitive: r.bool(), negated: r.bool()))
        case 10: return Expr(.isNull(sub(), negated: r.bool()))
        case 11: return Expr(.isDistinctFrom(sub(), sub(), negated: r.bool()))
        case 12: return Expr(.extract(r.pick(DateField.allCases), sub()))
        case 13: return Expr(.atTimeZone(sub(), zone: sub()))
        case 14: return Expr(.list((0..<r.int(3)).map { _ in sub() }))
        case 15: return Expr(.subscript(sub(), index: sub()))
        case 16:
            var call = FunctionCall(name: Name(r.pick(["f", "count", "left", "Sum", "current_date"])))
            if r.int(4) == 0 {
                call.isStar = true
            } else {
                call.arguments = (0..<r.int(3)).map { _ in sub() }
                call.distinct = !call.arguments.isEmpty && r.int(4) == 0
                if !call.arguments.isEmpty && r.int(5) == 0 { call.orderBy = [OrderItem(sub(), descending: r.bool())] }
            }
            if r.int(5) == 0 { call.withinGroup = [OrderItem(sub(), nulls: r.pick([nil, .first, .last]))] }
            if r.int(4) == 0 { call.filter = sub() }
            if r.int(4) == 0 {
                var w = WindowSpec(partitionBy: (0..<r.int(2)).map { _ in sub() }, orderBy: (0..<r.int(2)).map { _ in OrderItem(sub()) })
                if r.bool() {
                    let bounds: [FrameBound] = [.unboundedPreceding, .preceding(sub()), .currentRow, .following(sub())]
                    w.frame = WindowFrame(unit: r.pick([.rows, .range, .groups]), start: r.pick(bounds),
                                          end: r.bool() ? r.pick([.currentRow, .following(sub()), .unboundedFollowing]) : nil)
                    if w.frame?.end == nil, case .following = w.frame!.start { w.frame!.start = .currentRow }
                }
                call.over = w
            }
            return Expr(.function(call))
        case 17:
            let q = Query(body: .select(Select(items: [.expr(sub(), alias: nil)], from: TableRef(.table("t", alias: nil)))))
            return r.bool() ? Expr(.subquery(q)) : Expr(.exists(q))
        case 18:
            let q = Query(body: .select(Select(items: [.expr(sub(), alias: nil)])), limit: Expr(.literal(.integer(1))))
            return Expr(.inSubquery(sub(), q, negated: r.bool()))
        default:
            return Expr(.unary(.minus, Expr(.literal(r.bool() ? .integer(5) : .double(2.5)))))
        }
    }

    /// Comparisons cannot be chained in the grammar, so a tree with one directly under another
    /// (without parentheses, which leave no node) is still valid — the printer adds them.
    @Test(arguments: 0..<8)
    func randomExpressions(_ seed: Int) {
        var r = Rng(state: UInt64(seed) &* 0x1234_5678_9ABC_DEF1)
        for i in 0..<250 {
            let e = ParserRandomRoundTripTests.expr(&r, depth: 5)
            let printed = e.description
            do {
                let back = try Parser.parseExpression(printed)
                if back != e {
                    Issue.record("seed \(seed) #\(i): round trip changed the tree\n  printed: \(printed)\n  again:   \(back)\n  sx:  \(sx(e))\n  sx': \(sx(back))")
                    return
                }
            } catch {
                Issue.record("seed \(seed) #\(i): printed SQL does not parse\n\(error.render(source: printed))")
                return
            }
        }
    }

    @Test func randomQueriesInStatements() {
        var r = Rng(state: 42)
        for i in 0..<200 {
            let item = ParserRandomRoundTripTests.expr(&r, depth: 3)
            let cond = ParserRandomRoundTripTests.expr(&r, depth: 3)
            let select = Select(distinct: r.bool(), items: [.expr(item, alias: r.bool() ? ParserRandomRoundTripTests.name(&r) : nil), .wildcard(table: nil, range: .unknown)],
                                from: TableRef(.table(ParserRandomRoundTripTests.name(&r), alias: r.bool() ? ParserRandomRoundTripTests.name(&r) : nil)),
                                whereClause: cond, groupBy: r.bool() ? [item] : [], having: r.bool() ? cond : nil)
            let body: QueryBody = r.int(3) == 0 ? .setOperation(SetOperation(r.pick([.union, .intersect, .except]), all: r.bool(), left: .select(select), right: .select(select))) : .select(select)
            let q = Query(body: body, orderBy: r.bool() ? [OrderItem(item, descending: r.bool(), nulls: r.pick([nil, .first, .last]))] : [],
                          limit: r.bool() ? Expr(.literal(.integer(10))) : nil, offset: r.bool() ? Expr(.parameter(1)) : nil)
            let st = Statement.query(q)
            let printed = st.description
            do {
                let back = try Parser.parse(printed)
                if back != st {
                    Issue.record("#\(i): round trip changed the tree\n  printed: \(printed)\n  again:   \(back)")
                    return
                }
            } catch {
                Issue.record("#\(i): printed SQL does not parse\n\(error.render(source: printed))")
                return
            }
        }
    }

    @Test func astTypesAreSendableAndHashable() {
        func check<T: Sendable & Hashable>(_: T.Type) {}
        check(Statement.self)
        check(Query.self)
        check(Expr.self)
        check(TableRef.self)
        check(Name.self)
        check(SQLError.self)
        check(Token.self)
        check(Interval.self)
        check(ParsedStatement.self)
        check(SQLScript.Piece.self)
    }
}

/// Random token soups: the parser must parse or throw a well-positioned SQLError, never trap.
@Suite struct ParserRobustnessTests {
    static let vocabulary = [
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "LIMIT", "OFFSET", "UNION", "ALL", "JOIN", "LEFT", "ON",
        "USING", "AS", "AND", "OR", "NOT", "IN", "IS", "NULL", "BETWEEN", "LIKE", "CASE", "WHEN", "THEN", "ELSE",
        "END", "CAST", "EXTRACT", "INTERVAL", "TIMESTAMP", "DATE", "WITH", "OVER", "PARTITION", "ROWS", "FILTER",
        "WITHIN", "CREATE", "TABLE", "INSERT", "INTO", "VALUES", "COPY", "TO", "EXPLAIN", "PREPARE", "EXECUTE",
        "DISTINCT", "EXISTS", "AT", "TIME", "ZONE", "PRECEDING", "CURRENT", "ROW", "UNBOUNDED", "FOLLOWING",
        "a", "t", "count", "x", "\"q\"", "'s'", "'7 days'", "'2025-01-01'", "1", "2.5", "-", "+", "*", "/", "%",
        "||", "::", "=", "<", "<>", "(", ")", "(", ")", "[", "]", ",", ".", ";", "$1", "--c\n", "/*c*/", "\n", "'", "\"", "é",
    ]

    @Test(arguments: 0..<4)
    func randomTokenSoup(_ seed: Int) {
        var r = ParserRandomRoundTripTests.Rng(state: UInt64(seed + 1) &* 0xDEAD_BEEF)
        var parsed = 0
        for _ in 0..<1500 {
            let sql = (0..<(1 + r.int(25))).map { _ in r.pick(ParserRobustnessTests.vocabulary) }.joined(separator: " ")
            for prefix in ["", "SELECT "] {
                let text = prefix + sql
                do {
                    let statements = try Parser.parseScript(text)
                    parsed += 1
                    for s in statements {
                        #expect(try Parser.parse(s.statement.description) == s.statement, "\(text)")
                    }
                } catch {
                    guard let p = error.position else {
                        Issue.record("error without position for \(text): \(error)")
                        continue
                    }
                    #expect(p.offset <= text.utf8.count)
                    #expect(SourcePosition(offset: p.offset, in: text) == p, "\(text)")
                    #expect(!error.render(source: text).isEmpty)
                }
            }
        }
        #expect(parsed > 0)
    }
}
