// Canonical SQL for the AST: one line, upper-case keywords, single spaces, the fewest
// parentheses that keep the tree, CASTs written as CAST(x AS T), INNER joins as JOIN,
// comma joins as CROSS JOIN. `Parser.parse(statement.description) == statement` holds for
// every tree the parser produces, so the text can serve as a normalised cache key.

/// Appends canonical SQL for AST nodes.
struct SQLPrinter {
    var out = ""

    // MARK: Names and literals

    static let mustQuote: Set<String> = ["current_timestamp", "current_date", "current_time", "localtimestamp"]

    /// True when `s` cannot be written as a bare name (`beforeParenthesis`: as a function name,
    /// where `current_date(` is unambiguous).
    static func needsQuotes(_ s: String, beforeParenthesis: Bool = false) -> Bool {
        let u = s.utf8
        guard let first = u.first else { return true }
        if first >= 48 && first <= 57 || first == 36 { return true }
        var prev: UInt8 = 0
        for c in u {
            let ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95 || c == 36 || c >= 0x80
            if !ok { return true }
            if prev == 0xC2 && c == 0xA0 { return true }
            prev = c
        }
        let keyword = s.utf8.withContiguousStorageIfAvailable { Keyword.lookup($0) } ?? Keyword(word: s)
        if let k = keyword, k.isReserved { return true }
        return !beforeParenthesis && u.count >= 12 && u.count <= 17 && mustQuote.contains(s.lowercased())
    }

    static func quoteName(_ s: String) -> String { quote(s, 34) }

    static func quoteString(_ s: String) -> String { quote(s, 39) }

    /// `s` between `q` quotes, with each `q` inside doubled.
    static func quote(_ s: String, _ q: UInt8) -> String {
        var bytes: [UInt8] = [q]
        bytes.reserveCapacity(s.utf8.count + 2)
        for c in s.utf8 {
            bytes.append(c)
            if c == q { bytes.append(q) }
        }
        bytes.append(q)
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func name(_ n: Name) {
        out += n.quoted || SQLPrinter.needsQuotes(n.value) ? SQLPrinter.quoteName(n.value) : n.value
    }

    mutating func names(_ ns: [Name]) {
        for (i, n) in ns.enumerated() {
            if i > 0 { out += ", " }
            name(n)
        }
    }

    mutating func literal(_ l: Literal) {
        switch l {
        case .null: out += "NULL"
        case .bool(let b): out += b ? "TRUE" : "FALSE"
        case .integer(let v): out += String(v)
        case .double(let d): out += d.description
        case .string(let s): out += SQLPrinter.quoteString(s)
        case .timestamp(let t): out += "TIMESTAMP '" + Timestamp.format(t) + "'"
        case .interval(let iv): out += "INTERVAL '" + iv.description + "'"
        }
    }

    mutating func type(_ t: TypeName) { out += t.type.description }

    // MARK: Expressions

    /// Prints `e`, in parentheses when it binds more loosely than `minPrecedence`.
    mutating func expr(_ e: Expr, _ minPrecedence: Precedence) {
        if e.precedence < minPrecedence {
            out += "("
            expr(e)
            out += ")"
        } else {
            expr(e)
        }
    }

    mutating func exprs(_ es: [Expr]) {
        for (i, e) in es.enumerated() {
            if i > 0 { out += ", " }
            expr(e)
        }
    }

    mutating func expr(_ e: Expr) {
        switch e.kind {
        case .literal(let l):
            literal(l)
        case .column(let c):
            if let t = c.table {
                name(t)
                out += "."
                name(c.name)
            } else if !c.name.quoted, Keyword(word: c.name.value) == .interval {
                // A bare column named interval would read as an INTERVAL literal before '-' and a number.
                out += "(" + c.name.value + ")"
            } else {
                name(c.name)
            }
        case .parameter(let n):
            out += "$\(n)"
        case .unary(.not, let operand):
            out += "NOT "
            expr(operand, .not)
        case .unary(let op, let operand):
            var inner = SQLPrinter()
            inner.expr(operand, .unary)
            var text = inner.out
            // "--" would start a comment, and "-(5)" must not turn into the literal -5.
            let isNumber: Bool
            if case .literal(.integer) = operand.kind { isNumber = true } else if case .literal(.double) = operand.kind { isNumber = true } else { isNumber = false }
            if isNumber || text.hasPrefix("-") || text.hasPrefix("+") { text = "(" + text + ")" }
            out += op.rawValue + text
        case .binary(let op, let l, let r):
            let p = op.precedence
            expr(l, op.isComparison ? .predicate : p)
            out += " " + op.rawValue + " "
            expr(r, Precedence(rawValue: p.rawValue + 1)!)
        case .function(let call):
            function(call)
        case .cast(let value, let t):
            out += "CAST("
            expr(value)
            out += " AS "
            type(t)
            out += ")"
        case .caseWhen(let c):
            out += "CASE"
            if let op = c.operand {
                out += " "
                expr(op)
            }
            for w in c.whens {
                out += " WHEN "
                expr(w.condition)
                out += " THEN "
                expr(w.result)
            }
            if let e = c.elseResult {
                out += " ELSE "
                expr(e)
            }
            out += " END"
        case .inList(let subject, let items, let negated):
            expr(subject, .predicate)
            out += negated ? " NOT IN (" : " IN ("
            exprs(items)
            out += ")"
        case .inSubquery(let subject, let q, let negated):
            expr(subject, .predicate)
            out += negated ? " NOT IN (" : " IN ("
            query(q)
            out += ")"
        case .between(let subject, let low, let high, let negated):
            expr(subject, .predicate)
            out += negated ? " NOT BETWEEN " : " BETWEEN "
            expr(low, .concat)
            out += " AND "
            expr(high, .concat)
        case .like(let subject, let pattern, let escape, let ci, let negated):
            expr(subject, .predicate)
            out += negated ? " NOT" : ""
            out += ci ? " ILIKE " : " LIKE "
            expr(pattern, .concat)
            if let escape {
                out += " ESCAPE "
                expr(escape, .primary)
            }
        case .isNull(let subject, let negated):
            expr(subject, .predicate)
            out += negated ? " IS NOT NULL" : " IS NULL"
        case .isDistinctFrom(let l, let r, let negated):
            expr(l, .predicate)
            out += negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM "
            expr(r, .concat)
        case .extract(let field, let value):
            out += "EXTRACT(" + field.description + " FROM "
            expr(value)
            out += ")"
        case .atTimeZone(let value, let zone):
            expr(value, .atTimeZone)
            out += " AT TIME ZONE "
            expr(zone, .unary)
        case .subquery(let q):
            out += "("
            query(q)
            out += ")"
        case .exists(let q):
            out += "EXISTS ("
            query(q)
            out += ")"
        case .list(let items):
            out += "["
            exprs(items)
            out += "]"
        case .subscript(let base, let index):
            expr(base, .postfix)
            out += "["
            expr(index)
            out += "]"
        }
    }

    mutating func function(_ c: FunctionCall) {
        let bare = !c.name.quoted && c.arguments.isEmpty && !c.isStar && !c.distinct && c.orderBy.isEmpty
            && c.withinGroup.isEmpty && c.filter == nil && c.over == nil && SQLPrinter.mustQuote.contains(c.name.value.lowercased())
        if bare {
            out += c.name.value
            return
        }
        if c.name.quoted || (SQLPrinter.needsQuotes(c.name.value, beforeParenthesis: true) && !SQLPrinter.isKeywordFunction(c.name.value)) {
            out += SQLPrinter.quoteName(c.name.value)
        } else {
            out += c.name.value
        }
        out += "("
        if c.isStar {
            out += "*"
        } else {
            if c.distinct { out += "DISTINCT " }
            exprs(c.arguments)
            if !c.orderBy.isEmpty {
                out += " ORDER BY "
                orderItems(c.orderBy)
            }
        }
        out += ")"
        if !c.withinGroup.isEmpty {
            out += " WITHIN GROUP (ORDER BY "
            orderItems(c.withinGroup)
            out += ")"
        }
        if let f = c.filter {
            out += " FILTER (WHERE "
            expr(f)
            out += ")"
        }
        if let w = c.over {
            out += " OVER ("
            window(w)
            out += ")"
        }
    }

    /// Reserved words the parser accepts as function names when followed by `(`.
    static func isKeywordFunction(_ s: String) -> Bool {
        let k = Keyword(word: s)
        return k == .left || k == .right
    }

    mutating func window(_ w: WindowSpec) {
        var first = true
        func sep(_ out: inout String) {
            if !first { out += " " }
            first = false
        }
        if !w.partitionBy.isEmpty {
            sep(&out)
            out += "PARTITION BY "
            exprs(w.partitionBy)
        }
        if !w.orderBy.isEmpty {
            sep(&out)
            out += "ORDER BY "
            orderItems(w.orderBy)
        }
        if let f = w.frame {
            sep(&out)
            out += f.unit.rawValue + " "
            if let end = f.end {
                out += "BETWEEN "
                frameBound(f.start)
                out += " AND "
                frameBound(end)
            } else {
                frameBound(f.start)
            }
        }
    }

    mutating func frameBound(_ b: FrameBound) {
        switch b {
        case .unboundedPreceding: out += "UNBOUNDED PRECEDING"
        case .unboundedFollowing: out += "UNBOUNDED FOLLOWING"
        case .currentRow: out += "CURRENT ROW"
        case .preceding(let e):
            frameOffset(e)
            out += " PRECEDING"
        case .following(let e):
            frameOffset(e)
            out += " FOLLOWING"
        }
    }

    /// A frame offset; in parentheses when it starts with the word CURRENT or UNBOUNDED (a column
    /// of that name), which would read as a frame bound keyword.
    mutating func frameOffset(_ e: Expr) {
        var p = SQLPrinter()
        p.expr(e, .concat)
        let lead = p.out.utf8.prefix { ($0 | 0x20) >= 97 && ($0 | 0x20) <= 122 || $0 == 95 }
        if let k = Array(lead).withUnsafeBufferPointer({ Keyword.lookup($0) }), k == .current || k == .unbounded,
           p.out.utf8.count == lead.count || !Lexer.Scanner.isIdentPart(p.out.utf8[p.out.utf8.index(p.out.utf8.startIndex, offsetBy: lead.count)]) {
            out += "(" + p.out + ")"
        } else {
            out += p.out
        }
    }

    mutating func orderItems(_ items: [OrderItem]) {
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            expr(item.expr)
            if item.descending { out += " DESC" }
            if let n = item.nulls { out += " NULLS " + n.rawValue }
        }
    }

    // MARK: Queries

    mutating func query(_ q: Query) {
        if !q.with.isEmpty {
            out += "WITH "
            for (i, cte) in q.with.enumerated() {
                if i > 0 { out += ", " }
                name(cte.name)
                if !cte.columns.isEmpty {
                    out += "("
                    names(cte.columns)
                    out += ")"
                }
                out += " AS ("
                query(cte.query)
                out += ")"
            }
            out += " "
        }
        body(q.body)
        if !q.orderBy.isEmpty {
            out += " ORDER BY "
            orderItems(q.orderBy)
        }
        if let l = q.limit {
            out += " LIMIT "
            expr(l)
        }
        if let o = q.offset {
            out += " OFFSET "
            expr(o)
        }
    }

    static func setPrecedence(_ op: SetOperation.Operator) -> Int { op == .intersect ? 2 : 1 }

    mutating func body(_ b: QueryBody) {
        switch b {
        case .select(let s):
            select(s)
        case .nested(let q):
            out += "("
            query(q)
            out += ")"
        case .setOperation(let op):
            let p = SQLPrinter.setPrecedence(op.op)
            if case .setOperation(let l) = op.left, SQLPrinter.setPrecedence(l.op) < p {
                out += "("
                body(op.left)
                out += ")"
            } else {
                body(op.left)
            }
            out += " " + op.op.rawValue + (op.all ? " ALL " : " ")
            if case .setOperation = op.right {
                out += "("
                body(op.right)
                out += ")"
            } else {
                body(op.right)
            }
        }
    }

    mutating func select(_ s: Select) {
        out += s.distinct ? "SELECT DISTINCT " : "SELECT "
        for (i, item) in s.items.enumerated() {
            if i > 0 { out += ", " }
            switch item {
            case .wildcard(let t, _):
                if let t {
                    name(t)
                    out += "."
                }
                out += "*"
            case .expr(let e, let alias):
                expr(e)
                if let alias {
                    out += " AS "
                    name(alias)
                }
            }
        }
        if let from = s.from {
            out += " FROM "
            tableRef(from)
        }
        if let w = s.whereClause {
            out += " WHERE "
            expr(w)
        }
        if !s.groupBy.isEmpty {
            out += " GROUP BY "
            exprs(s.groupBy)
        }
        if let h = s.having {
            out += " HAVING "
            expr(h)
        }
    }

    mutating func alias(_ a: Name?) {
        if let a {
            out += " AS "
            name(a)
        }
    }

    mutating func tableRef(_ t: TableRef) {
        switch t.kind {
        case .table(let n, let a):
            name(n)
            alias(a)
        case .subquery(let q, let a):
            out += "("
            query(q)
            out += ")"
            alias(a)
        case .function(let n, let args, let a):
            out += n.quoted || SQLPrinter.needsQuotes(n.value, beforeParenthesis: true) ? SQLPrinter.quoteName(n.value) : n.value
            out += "("
            if t.argumentNames.isEmpty { exprs(args) } else {
                for (i, e) in args.enumerated() {
                    if i > 0 { out += ", " }
                    if let n = t.argumentNames[i] { name(n); out += " => " }
                    expr(e)
                }
            }
            out += ")"
            alias(a)
        case .join(let j):
            tableRef(j.left)
            out += " " + j.kind.rawValue + " "
            if case .join = j.right.kind {
                out += "("
                tableRef(j.right)
                out += ")"
            } else {
                tableRef(j.right)
            }
            switch j.condition {
            case .on(let e)?:
                out += " ON "
                expr(e)
            case .using(let cols)?:
                out += " USING ("
                names(cols)
                out += ")"
            case nil:
                break
            }
        }
    }

    // MARK: Statements

    mutating func optionValue(_ v: OptionValue) {
        switch v {
        case .identifier(let s): out += SQLPrinter.needsQuotes(s) ? SQLPrinter.quoteName(s) : s
        case .string(let s): out += SQLPrinter.quoteString(s)
        case .integer(let i): out += String(i)
        case .double(let d): out += d.description
        case .bool(let b): out += b ? "TRUE" : "FALSE"
        case .interval(let iv): out += "INTERVAL '" + iv.description + "'"
        }
    }

    mutating func options(_ opts: [SQLOption], equals: Bool) {
        out += "("
        for (i, o) in opts.enumerated() {
            if i > 0 { out += ", " }
            out += o.name.quoted || (SQLPrinter.needsQuotes(o.name.value) && Keyword(word: o.name.value) == nil)
                ? SQLPrinter.quoteName(o.name.value) : o.name.value
            if let v = o.value {
                out += equals ? " = " : " "
                optionValue(v)
            }
        }
        out += ")"
    }

    mutating func statement(_ s: Statement) {
        switch s {
        case .query(let q):
            query(q)
        case .createTable(let c):
            out += c.ifNotExists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE "
            name(c.name)
            out += " ("
            for (i, col) in c.columns.enumerated() {
                if i > 0 { out += ", " }
                name(col.name)
                out += " "
                type(col.type)
                switch col.nullable {
                case false?: out += " NOT NULL"
                case true?: out += " NULL"
                case nil: break
                }
            }
            out += ")"
            if !c.options.isEmpty {
                out += " WITH "
                options(c.options, equals: true)
            }
        case .dropTable(let d):
            out += d.ifExists ? "DROP TABLE IF EXISTS " : "DROP TABLE "
            name(d.name)
        case .insert(let ins):
            out += "INSERT INTO "
            name(ins.table)
            if !ins.columns.isEmpty {
                out += " ("
                names(ins.columns)
                out += ")"
            }
            switch ins.source {
            case .values(let rows):
                out += " VALUES "
                for (i, row) in rows.enumerated() {
                    if i > 0 { out += ", " }
                    out += "("
                    exprs(row)
                    out += ")"
                }
            case .query(let q):
                out += " "
                query(q)
            }
        case .copyFrom(let c):
            out += "COPY "
            name(c.table)
            if !c.columns.isEmpty {
                out += " ("
                names(c.columns)
                out += ")"
            }
            out += " FROM " + SQLPrinter.quoteString(c.path)
            if !c.options.isEmpty {
                out += " "
                options(c.options, equals: false)
            }
        case .copyTo(let c):
            out += "COPY "
            switch c.source {
            case .table(let t, let cols):
                name(t)
                if !cols.isEmpty {
                    out += " ("
                    names(cols)
                    out += ")"
                }
            case .query(let q):
                out += "("
                query(q)
                out += ")"
            }
            out += " TO " + SQLPrinter.quoteString(c.path)
            if !c.options.isEmpty {
                out += " "
                options(c.options, equals: false)
            }
        case .showTables:
            out += "SHOW TABLES"
        case .describe(let n):
            out += "DESCRIBE "
            name(n)
        case .explain(let e):
            out += e.analyze ? "EXPLAIN ANALYZE " : "EXPLAIN "
            statement(e.statement)
        case .prepare(let p):
            out += "PREPARE "
            name(p.name)
            if !p.parameterTypes.isEmpty {
                out += " ("
                for (i, t) in p.parameterTypes.enumerated() {
                    if i > 0 { out += ", " }
                    type(t)
                }
                out += ")"
            }
            out += " AS "
            statement(p.statement)
        case .execute(let e):
            out += "EXECUTE "
            name(e.name)
            if !e.arguments.isEmpty {
                out += "("
                exprs(e.arguments)
                out += ")"
            }
        case .deallocate(let n):
            out += "DEALLOCATE "
            if let n { name(n) } else { out += "ALL" }
        case .createMaterializedView(let v):
            out += v.ifNotExists ? "CREATE MATERIALIZED VIEW IF NOT EXISTS " : "CREATE MATERIALIZED VIEW "
            name(v.name)
            out += " AS "
            query(v.query)
        case .dropMaterializedView(let d):
            out += d.ifExists ? "DROP MATERIALIZED VIEW IF EXISTS " : "DROP MATERIALIZED VIEW "
            name(d.name)
        }
    }
}

extension Name: CustomStringConvertible {
    /// The name as SQL: bare when possible, else double-quoted.
    public var description: String {
        var p = SQLPrinter()
        p.name(self)
        return p.out
    }
}

extension SQLType: CustomStringConvertible {
    public var description: String {
        switch self {
        case .data(let t): return t.description
        case .date: return "DATE"
        case .interval: return "INTERVAL"
        }
    }
}

extension TypeName: CustomStringConvertible {
    public var description: String { type.description }
}

extension Literal: CustomStringConvertible {
    public var description: String {
        var p = SQLPrinter()
        p.literal(self)
        return p.out
    }
}

extension Expr: CustomStringConvertible {
    public var description: String {
        var p = SQLPrinter()
        p.expr(self)
        return p.out
    }
}

extension FunctionCall: CustomStringConvertible {
    public var description: String {
        var p = SQLPrinter()
        p.function(self)
        return p.out
    }
}

extension OrderItem: CustomStringConvertible {
    public var description: String {
        var p = SQLPrinter()
        p.orderItems([self])
        return p.out
    }
}

extension WindowSpec: CustomStringConvertible {
    /// The text inside `OVER (…)`.
    public var description: String {
        var p = SQLPrinter()
        p.window(self)
        return p.out
    }
}

extension TableRef: CustomStringConvertible {
    public var description: String {
        var p = SQLPrinter()
        p.tableRef(self)
        return p.out
    }
}

extension Select: CustomStringConvertible {
    public var description: String {
        var p = SQLPrinter()
        p.select(self)
        return p.out
    }
}

extension QueryBody: CustomStringConvertible {
    public var description: String {
        var p = SQLPrinter()
        p.body(self)
        return p.out
    }
}

extension Query: CustomStringConvertible {
    public var description: String {
        var p = SQLPrinter()
        p.query(self)
        return p.out
    }
}

extension Statement: CustomStringConvertible {
    /// Canonical SQL; `Parser.parse(description) == self`.
    public var description: String {
        var p = SQLPrinter()
        p.statement(self)
        return p.out
    }
}
