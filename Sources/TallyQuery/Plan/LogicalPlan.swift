/// A named, typed output column of a plan node.
public struct PlanColumn: Sendable, Equatable {
    public var name: String
    public var type: DataType
    /// The table alias the column can be qualified with, if any.
    public var qualifier: String?

    public init(_ name: String, _ type: DataType, qualifier: String? = nil) {
        self.name = name
        self.type = type
        self.qualifier = qualifier
    }
}

/// How a scan reaches table data: one tenant's table, or (admin) every tenant's, with `client_id`.
public struct ScanSource: Sendable {
    public var table: String
    public var schema: TableSchema
    /// Storage column indices read, in output order.
    public var columns: [Int]
    /// When true, one more output column `client_id` (string) follows `columns`.
    public var withClientID: Bool

    public init(table: String, schema: TableSchema, columns: [Int], withClientID: Bool) {
        self.table = table
        self.schema = schema
        self.columns = columns
        self.withClientID = withClientID
    }
}

/// Join kinds the executor supports.
public enum JoinKind: String, Sendable {
    case inner = "INNER", left = "LEFT", cross = "CROSS"
}

/// A logical query plan: the binder builds it, the optimizer rewrites it, the executor runs it.
public indirect enum LogicalPlan: Sendable {
    /// Reads a table; `filters` are conjuncts over the scan's output columns, pushed into the scan.
    case scan(ScanSource, filters: [BoundExpr], qualifier: String?)
    /// Literal rows (`VALUES`, or `SELECT` without `FROM`: one row, no columns).
    case values(rows: [[Value]], columns: [PlanColumn])
    case filter(LogicalPlan, BoundExpr)
    case project(LogicalPlan, exprs: [BoundExpr], names: [String])
    /// Output: the group keys, then the aggregates.
    case aggregate(LogicalPlan, keys: [BoundExpr], keyNames: [String], aggregates: [BoundAggregate], aggNames: [String])
    /// Output: left columns then right columns. `leftKeys`/`rightKeys` are equi-join keys over each
    /// side; `residual` is an extra condition over the joined row.
    case join(LogicalPlan, LogicalPlan, kind: JoinKind, leftKeys: [BoundExpr], rightKeys: [BoundExpr], residual: BoundExpr?)
    case sort(LogicalPlan, [SortKey])
    case limit(LogicalPlan, limit: Int?, offset: Int)
    /// Top-K: sort then limit, done with a heap.
    case topK(LogicalPlan, [SortKey], limit: Int, offset: Int)
    /// Output: the input columns, then one column per window function.
    case window(LogicalPlan, [BoundWindow], names: [String])
    case distinct(LogicalPlan)
    case unionAll([LogicalPlan])
    /// Adds rows for every missing bucket between `from` and `to` (step `stepMicros`) in the time
    /// column `timeColumn` (per combination of the other key columns `keyColumns`); other columns NULL
    /// or, where listed in `zeroColumns`, 0.
    case gapFill(LogicalPlan, timeColumn: Int, from: Int64, to: Int64, stepMicros: Int64, keyColumns: [Int], zeroColumns: [Int])

    /// The columns this node produces.
    public var columns: [PlanColumn] {
        switch self {
        case .scan(let s, _, let q):
            var cols = s.columns.map { PlanColumn(s.schema.columns[$0].name, s.schema.columns[$0].type, qualifier: q) }
            if s.withClientID { cols.append(PlanColumn("client_id", .string, qualifier: q)) }
            return cols
        case .values(_, let cols): return cols
        case .filter(let p, _), .sort(let p, _), .limit(let p, _, _), .topK(let p, _, _, _), .distinct(let p), .gapFill(let p, _, _, _, _, _, _):
            return p.columns
        case .project(_, let exprs, let names): return zip(exprs, names).map { PlanColumn($1, $0.type) }
        case .aggregate(_, let keys, let kn, let aggs, let an):
            return zip(keys, kn).map { PlanColumn($1, $0.type) } + zip(aggs, an).map { PlanColumn($1, $0.type) }
        case .join(let l, let r, _, _, _, _): return l.columns + r.columns
        case .window(let p, let ws, let names): return p.columns + zip(ws, names).map { PlanColumn($1, $0.type) }
        case .unionAll(let ps): return ps.first?.columns ?? []
        }
    }
}
