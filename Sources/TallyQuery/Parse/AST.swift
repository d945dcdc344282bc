// The syntax tree the parser produces and the binder consumes.
//
// Conventions:
// - Everything is a value type: Sendable, Hashable, Equatable.
// - Every expression, table reference, name and query carries a `range: SourceRange` for error
//   carets. Ranges never take part in `==` or hashing (see `SourceRange`).
// - The tree keeps what was written: names keep their spelling (resolution is case-insensitive),
//   GROUP BY / ORDER BY ordinals stay integer literals, aliases in GROUP BY stay column refs,
//   `count(*)` is a call with `isStar`. Redundant parentheses leave no trace.
// - `description` prints canonical SQL (see Printer.swift): parse(print(ast)) == ast.

// MARK: - Names and types

/// A table, column, alias, function or statement name as written.
///
/// Unquoted and quoted names keep their spelling; Tally compares names case-insensitively
/// (as `TableSchema.index(of:)` does), so `Agents`, `agents` and `"AGENTS"` are the same table.
/// `quoted` records double quotes, e.g. to hint that `WHERE x = "abc"` meant a string.
public struct Name: Sendable, Hashable, ExpressibleByStringLiteral {
    public var value: String
    public var quoted: Bool
    public var range: SourceRange

    public init(_ value: String, quoted: Bool = false, range: SourceRange = .unknown) {
        self.value = value
        self.quoted = quoted
        self.range = range
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// Case-insensitive comparison with another name.
    public func matches(_ other: String) -> Bool {
        value.count == other.count && value.lowercased() == other.lowercased()
    }
}

/// The types a CAST, `::` or column definition can name.
public enum SQLType: Sendable, Hashable {
    /// A type columns can store.
    case data(DataType)
    /// `DATE`: a timestamp truncated to midnight UTC (Tally stores dates as timestamps).
    case date
    /// `INTERVAL`, as in `'7 days'::interval`.
    case interval

    /// The storable type, if any (DATE is stored as TIMESTAMP by callers that choose to).
    public var dataType: DataType? {
        if case .data(let t) = self { return t }
        return nil
    }
}

/// A written type name, resolved at parse time. Length/precision arguments (`VARCHAR(20)`,
/// `DECIMAL(10,2)`) are accepted and dropped: Tally's types have none.
public struct TypeName: Sendable, Hashable {
    public var type: SQLType
    public var range: SourceRange

    public init(_ type: SQLType, range: SourceRange = .unknown) {
        self.type = type
        self.range = range
    }
}

// MARK: - Expressions

/// A constant written in the query.
public enum Literal: Sendable, Hashable {
    case null
    case bool(Bool)
    /// Integer literals fit Int64; `-9223372036854775808` is folded from its minus sign.
    case integer(Int64)
    /// Literals with a fraction or exponent (`1.5`, `1e3`), always finite.
    case double(Double)
    case string(String)
    /// `TIMESTAMP '…'` and `DATE '…'` (midnight), as UTC microseconds since the epoch.
    case timestamp(Int64)
    /// `INTERVAL '…'` / `INTERVAL n UNIT`.
    case interval(Interval)
}

/// A column reference: `c`, `t.c`, `"My Col"`.
public struct ColumnRef: Sendable, Hashable {
    /// The table or alias qualifier, if written.
    public var table: Name?
    public var name: Name

    public init(table: Name? = nil, name: Name) {
        self.table = table
        self.name = name
    }
}

public enum UnaryOperator: String, Sendable, Hashable, CaseIterable {
    case not = "NOT"
    case minus = "-"
    case plus = "+"
}

public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case or = "OR"
    case and = "AND"
    case equal = "="
    case notEqual = "<>"
    case less = "<"
    case lessEqual = "<="
    case greater = ">"
    case greaterEqual = ">="
    case concat = "||"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case modulo = "%"

    /// True for `= <> < <= > >=`.
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return true
        default: return false
        }
    }

    public var precedence: Precedence {
        switch self {
        case .or: return .or
        case .and: return .and
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: return .comparison
        case .concat: return .concat
        case .add, .subtract: return .additive
        case .multiply, .divide, .modulo: return .multiplicative
        }
    }
}

/// Binding strength of operators, loosest first.
public enum Precedence: Int, Sendable, Comparable {
    case or = 1
    case and
    case not
    /// `= <> < <= > >=` (not associative: `a < b < c` is an error)
    case comparison
    /// `IS`, `IN`, `BETWEEN`, `LIKE`, `ILIKE`
    case predicate
    /// `||`
    case concat
    case additive
    case multiplicative
    /// `AT TIME ZONE`
    case atTimeZone
    /// prefix `-` and `+`
    case unary
    /// `::`
    case cast
    /// `x[i]`
    case postfix
    /// literals, names, calls, parenthesised expressions
    case primary

    public static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
}

/// An expression and where it was written.
public struct Expr: Sendable, Hashable {
    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, range: SourceRange = .unknown) {
        self.kind = kind
        self.range = range
    }

    public indirect enum Kind: Sendable, Hashable {
        case literal(Literal)
        case column(ColumnRef)
        /// `$n` (1-based).
        case parameter(Int)
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        case function(FunctionCall)
        /// `CAST(x AS t)` and `x::t`.
        case cast(Expr, TypeName)
        case caseWhen(CaseExpr)
        /// `x [NOT] IN (a, b, …)`
        case inList(Expr, [Expr], negated: Bool)
        /// `x [NOT] IN (SELECT …)`
        case inSubquery(Expr, Query, negated: Bool)
        /// `x [NOT] BETWEEN low AND high`
        case between(Expr, low: Expr, high: Expr, negated: Bool)
        /// `x [NOT] LIKE|ILIKE pattern [ESCAPE e]`
        case like(Expr, pattern: Expr, escape: Expr?, caseInsensitive: Bool, negated: Bool)
        /// `x IS [NOT] NULL`
        case isNull(Expr, negated: Bool)
        /// `x IS [NOT] DISTINCT FROM y`
        case isDistinctFrom(Expr, Expr, negated: Bool)
        /// `EXTRACT(field FROM x)`
        case extract(DateField, Expr)
        /// `x AT TIME ZONE zone`
        case atTimeZone(Expr, zone: Expr)
        /// A scalar subquery `(SELECT …)`.
        case subquery(Query)
        /// `EXISTS (SELECT …)` (`NOT EXISTS` is `.unary(.not, …)`).
        case exists(Query)
        /// A list literal `[a, b]`, as in `quantile(x, [0.5, 0.9])`.
        case list([Expr])
        /// `x[i]`
        case `subscript`(Expr, index: Expr)
    }

    /// The precedence this expression prints at (used to place parentheses).
    public var precedence: Precedence {
        switch kind {
        case .binary(let op, _, _): return op.precedence
        case .unary(.not, _): return .not
        case .unary: return .unary
        case .inList, .inSubquery, .between, .like, .isNull, .isDistinctFrom: return .predicate
        case .atTimeZone: return .atTimeZone
        case .subscript: return .postfix
        case .literal(.integer(let v)) where v < 0: return .unary
        case .literal(.double(let v)) where v < 0 || (v == 0 && v.sign == .minus): return .unary
        default: return .primary
        }
    }
}

/// A function, aggregate or window function call.
public struct FunctionCall: Sendable, Hashable {
    /// The name as written (the registry looks it up case-insensitively).
    public var name: Name
    public var arguments: [Expr]
    /// `count(*)`: no arguments and `isStar`.
    public var isStar: Bool
    /// `count(DISTINCT x)`
    public var distinct: Bool
    /// Ordering inside the call: `string_agg(x, ',' ORDER BY y)`.
    public var orderBy: [OrderItem]
    /// `WITHIN GROUP (ORDER BY x)` of ordered-set aggregates such as `percentile_cont(0.5)`.
    public var withinGroup: [OrderItem]
    /// `FILTER (WHERE …)`
    public var filter: Expr?
    /// `OVER (…)`: present for window functions.
    public var over: WindowSpec?

    public init(name: Name, arguments: [Expr] = [], isStar: Bool = false, distinct: Bool = false,
                orderBy: [OrderItem] = [], withinGroup: [OrderItem] = [], filter: Expr? = nil, over: WindowSpec? = nil) {
        self.name = name
        self.arguments = arguments
        self.isStar = isStar
        self.distinct = distinct
        self.orderBy = orderBy
        self.withinGroup = withinGroup
        self.filter = filter
        self.over = over
    }
}

/// `OVER ([PARTITION BY …] [ORDER BY …] [frame])`
public struct WindowSpec: Sendable, Hashable {
    public var partitionBy: [Expr]
    public var orderBy: [OrderItem]
    public var frame: WindowFrame?
    public var range: SourceRange

    public init(partitionBy: [Expr] = [], orderBy: [OrderItem] = [], frame: WindowFrame? = nil, range: SourceRange = .unknown) {
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
        self.range = range
    }
}

/// `ROWS|RANGE|GROUPS start` or `… BETWEEN start AND end`.
public struct WindowFrame: Sendable, Hashable {
    public enum Unit: String, Sendable, Hashable { case rows = "ROWS", range = "RANGE", groups = "GROUPS" }

    public var unit: Unit
    public var start: FrameBound
    /// nil when written without BETWEEN; it then means CURRENT ROW.
    public var end: FrameBound?
    public var range: SourceRange

    public init(unit: Unit, start: FrameBound, end: FrameBound? = nil, range: SourceRange = .unknown) {
        self.unit = unit
        self.start = start
        self.end = end
        self.range = range
    }
}

public enum FrameBound: Sendable, Hashable {
    case unboundedPreceding
    case preceding(Expr)
    case currentRow
    case following(Expr)
    case unboundedFollowing
}

/// `CASE [operand] WHEN … THEN … [ELSE …] END`
public struct CaseExpr: Sendable, Hashable {
    public struct When: Sendable, Hashable {
        public var condition: Expr
        public var result: Expr
        public init(condition: Expr, result: Expr) {
            self.condition = condition
            self.result = result
        }
    }

    /// The value compared with each WHEN in the "simple" form, nil in the "searched" form.
    public var operand: Expr?
    public var whens: [When]
    public var elseResult: Expr?

    public init(operand: Expr? = nil, whens: [When], elseResult: Expr? = nil) {
        self.operand = operand
        self.whens = whens
        self.elseResult = elseResult
    }
}

/// One `ORDER BY` item. Default: ascending; `nulls == nil` leaves the NULL placement to the engine.
public struct OrderItem: Sendable, Hashable {
    public enum Nulls: String, Sendable, Hashable { case first = "FIRST", last = "LAST" }

    public var expr: Expr
    public var descending: Bool
    public var nulls: Nulls?

    public init(_ expr: Expr, descending: Bool = false, nulls: Nulls? = nil) {
        self.expr = expr
        self.descending = descending
        self.nulls = nulls
    }
}

// MARK: - Queries

/// A complete query: `[WITH …] body [ORDER BY …] [LIMIT n] [OFFSET m]`.
/// ORDER BY, LIMIT and OFFSET apply to the whole body (after any UNION).
public struct Query: Sendable, Hashable {
    public var with: [CommonTableExpression]
    public var body: QueryBody
    public var orderBy: [OrderItem]
    public var limit: Expr?
    public var offset: Expr?
    public var range: SourceRange

    public init(with: [CommonTableExpression] = [], body: QueryBody, orderBy: [OrderItem] = [],
                limit: Expr? = nil, offset: Expr? = nil, range: SourceRange = .unknown) {
        self.with = with
        self.body = body
        self.orderBy = orderBy
        self.limit = limit
        self.offset = offset
        self.range = range
    }
}

/// `name [(columns)] AS (query)`
public struct CommonTableExpression: Sendable, Hashable {
    public var name: Name
    /// Optional column names: `WITH t(a, b) AS (…)`.
    public var columns: [Name]
    public var query: Query

    public init(name: Name, columns: [Name] = [], query: Query) {
        self.name = name
        self.columns = columns
        self.query = query
    }
}

public indirect enum QueryBody: Sendable, Hashable {
    case select(Select)
    /// `left UNION [ALL] right`, `INTERSECT`, `EXCEPT` (left-associative; INTERSECT binds tighter).
    case setOperation(SetOperation)
    /// A parenthesised query that has its own WITH, ORDER BY, LIMIT or OFFSET.
    /// (Parentheses around anything else leave no node.)
    case nested(Query)
}

public struct SetOperation: Sendable, Hashable {
    public enum Operator: String, Sendable, Hashable { case union = "UNION", intersect = "INTERSECT", except = "EXCEPT" }

    public var op: Operator
    /// `UNION ALL` keeps duplicates; plain `UNION` (or `UNION DISTINCT`) removes them.
    public var all: Bool
    public var left: QueryBody
    public var right: QueryBody

    public init(_ op: Operator, all: Bool, left: QueryBody, right: QueryBody) {
        self.op = op
        self.all = all
        self.left = left
        self.right = right
    }
}

/// `SELECT [DISTINCT] items [FROM …] [WHERE …] [GROUP BY …] [HAVING …]`
public struct Select: Sendable, Hashable {
    public var distinct: Bool
    public var items: [SelectItem]
    /// nil for `SELECT 1`. Comma-separated tables become CROSS joins.
    public var from: TableRef?
    public var whereClause: Expr?
    /// As written: expressions, ordinals (integer literals) and select-list aliases (column refs).
    public var groupBy: [Expr]
    public var having: Expr?
    public var range: SourceRange

    public init(distinct: Bool = false, items: [SelectItem], from: TableRef? = nil, whereClause: Expr? = nil,
                groupBy: [Expr] = [], having: Expr? = nil, range: SourceRange = .unknown) {
        self.distinct = distinct
        self.items = items
        self.from = from
        self.whereClause = whereClause
        self.groupBy = groupBy
        self.having = having
        self.range = range
    }
}

public enum SelectItem: Sendable, Hashable {
    /// `expr [AS alias]`
    case expr(Expr, alias: Name?)
    /// `*` or `t.*`
    case wildcard(table: Name?, range: SourceRange)
}

/// A table reference in FROM, and where it was written.
public struct TableRef: Sendable, Hashable {
    public var kind: Kind
    public var range: SourceRange
    /// For a table function: the name of each argument written `name => value` (nil when
    /// positional); empty when every argument is positional.
    public var argumentNames: [Name?] = []

    public init(_ kind: Kind, range: SourceRange = .unknown) {
        self.kind = kind
        self.range = range
    }

    public indirect enum Kind: Sendable, Hashable {
        /// A table, materialized view or CTE: `t [AS a]`.
        case table(Name, alias: Name?)
        /// `(SELECT …) [AS s]`
        case subquery(Query, alias: Name?)
        /// A table function: `f(args) [AS a]`.
        case function(Name, arguments: [Expr], alias: Name?)
        case join(Join)
    }

    /// The alias, if the reference has one.
    public var alias: Name? {
        switch kind {
        case .table(_, let a), .subquery(_, let a), .function(_, _, let a): return a
        case .join: return nil
        }
    }
}

public struct Join: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case inner = "JOIN", left = "LEFT JOIN", right = "RIGHT JOIN", full = "FULL JOIN", cross = "CROSS JOIN"
    }

    public enum Condition: Sendable, Hashable {
        case on(Expr)
        case using([Name])
    }

    public var kind: Kind
    public var left: TableRef
    public var right: TableRef
    /// nil for CROSS joins (and only for them).
    public var condition: Condition?

    public init(_ kind: Kind, left: TableRef, right: TableRef, condition: Condition? = nil) {
        self.kind = kind
        self.left = left
        self.right = right
        self.condition = condition
    }
}

// MARK: - Statements

public indirect enum Statement: Sendable, Hashable {
    /// SELECT, WITH, UNION, …
    case query(Query)
    case createTable(CreateTable)
    case dropTable(DropTable)
    case insert(Insert)
    /// `COPY t [(cols)] FROM 'file' [(options)]`
    case copyFrom(CopyFrom)
    /// `COPY t|(query) TO 'file' [(options)]`
    case copyTo(CopyTo)
    case showTables
    /// `DESCRIBE t`
    case describe(Name)
    case explain(Explain)
    case prepare(Prepare)
    case execute(Execute)
    /// `DEALLOCATE [PREPARE] name`; nil for `DEALLOCATE ALL`.
    case deallocate(Name?)
    case createMaterializedView(CreateMaterializedView)
    case dropMaterializedView(DropMaterializedView)
}

public struct CreateTable: Sendable, Hashable {
    public var name: Name
    public var ifNotExists: Bool
    public var columns: [ColumnDefinition]
    /// `WITH (time_column = c, ttl = '400 days')`
    public var options: [SQLOption]

    public init(name: Name, ifNotExists: Bool = false, columns: [ColumnDefinition], options: [SQLOption] = []) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.columns = columns
        self.options = options
    }
}

/// `name TYPE [NOT NULL | NULL]`
public struct ColumnDefinition: Sendable, Hashable {
    public var name: Name
    public var type: TypeName
    /// false for NOT NULL, true for an explicit NULL, nil when neither was written (nullable).
    public var nullable: Bool?

    public init(name: Name, type: TypeName, nullable: Bool? = nil) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }
}

/// An option of CREATE TABLE … WITH (…) or COPY … (…): `name [=] [value]`.
public struct SQLOption: Sendable, Hashable {
    public var name: Name
    /// nil for a bare flag such as `HEADER`.
    public var value: OptionValue?
    /// Where the value was written (the name's range when there is no value).
    public var valueRange: SourceRange

    public init(name: Name, value: OptionValue? = nil, valueRange: SourceRange = .unknown) {
        self.name = name
        self.value = value
        self.valueRange = valueRange
    }
}

public enum OptionValue: Sendable, Hashable {
    /// A bare or double-quoted word: `csv`, `started_at`.
    case identifier(String)
    case string(String)
    case integer(Int64)
    case double(Double)
    case bool(Bool)
    case interval(Interval)
}

public struct DropTable: Sendable, Hashable {
    public var name: Name
    public var ifExists: Bool

    public init(name: Name, ifExists: Bool = false) {
        self.name = name
        self.ifExists = ifExists
    }
}

public struct Insert: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// `VALUES (…), (…)`: rows of equal length.
        case values([[Expr]])
        case query(Query)
    }

    public var table: Name
    /// Target columns, empty when not written (all columns in table order).
    public var columns: [Name]
    public var source: Source

    public init(table: Name, columns: [Name] = [], source: Source) {
        self.table = table
        self.columns = columns
        self.source = source
    }
}

public struct CopyFrom: Sendable, Hashable {
    public var table: Name
    public var columns: [Name]
    public var path: String
    public var options: [SQLOption]

    public init(table: Name, columns: [Name] = [], path: String, options: [SQLOption] = []) {
        self.table = table
        self.columns = columns
        self.path = path
        self.options = options
    }
}

public struct CopyTo: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        case table(Name, columns: [Name])
        case query(Query)
    }

    public var source: Source
    public var path: String
    /// e.g. `FORMAT csv|json`, `HEADER`, `DELIMITER ','`.
    public var options: [SQLOption]

    public init(source: Source, path: String, options: [SQLOption] = []) {
        self.source = source
        self.path = path
        self.options = options
    }
}

public struct Explain: Sendable, Hashable {
    public var analyze: Bool
    public var statement: Statement

    public init(analyze: Bool = false, statement: Statement) {
        self.analyze = analyze
        self.statement = statement
    }
}

/// `PREPARE name [(type, …)] AS statement`; the statement refers to `$1…`.
public struct Prepare: Sendable, Hashable {
    public var name: Name
    public var parameterTypes: [TypeName]
    public var statement: Statement

    public init(name: Name, parameterTypes: [TypeName] = [], statement: Statement) {
        self.name = name
        self.parameterTypes = parameterTypes
        self.statement = statement
    }
}

/// `EXECUTE name [(arg, …)]`
public struct Execute: Sendable, Hashable {
    public var name: Name
    public var arguments: [Expr]

    public init(name: Name, arguments: [Expr] = []) {
        self.name = name
        self.arguments = arguments
    }
}

public struct CreateMaterializedView: Sendable, Hashable {
    public var name: Name
    public var ifNotExists: Bool
    public var query: Query

    public init(name: Name, ifNotExists: Bool = false, query: Query) {
        self.name = name
        self.ifNotExists = ifNotExists
        self.query = query
    }
}

public struct DropMaterializedView: Sendable, Hashable {
    public var name: Name
    public var ifExists: Bool

    public init(name: Name, ifExists: Bool = false) {
        self.name = name
        self.ifExists = ifExists
    }
}

/// One statement of a script, with the text it was parsed from.
public struct ParsedStatement: Sendable, Hashable {
    public var statement: Statement
    /// From the statement's first token to the end of its last token (the `;` excluded).
    public var range: SourceRange
    /// The statement's source text (`range` applied to the script).
    public var text: String

    public init(statement: Statement, range: SourceRange, text: String) {
        self.statement = statement
        self.range = range
        self.text = text
    }
}
