/// The aggregate functions the executor computes natively.
public enum AggKind: Sendable, Equatable, CustomStringConvertible {
    case countStar
    case count
    case sum
    case avg
    case min
    case max
    case stddevSamp, stddevPop, varSamp, varPop
    /// Exact continuous quantile (linear interpolation, as percentile_cont).
    case quantileCont(Double)
    /// Exact discrete quantile (the first value whose cumulative share reaches the fraction, as percentile_disc).
    case quantileDisc(Double)
    /// Approximate quantile (t-digest); the argument is the fraction.
    case approxQuantile(Double)
    /// Value of arg 0 at the row where arg 1 is smallest / largest.
    case argMin, argMax
    case boolAnd, boolOr
    /// Any value of the group (for columns functionally dependent on the keys).
    case anyValue

    public var description: String {
        switch self {
        case .countStar: return "count_star"
        case .count: return "count"
        case .sum: return "sum"
        case .avg: return "avg"
        case .min: return "min"
        case .max: return "max"
        case .stddevSamp: return "stddev_samp"
        case .stddevPop: return "stddev_pop"
        case .varSamp: return "var_samp"
        case .varPop: return "var_pop"
        case .quantileCont(let q): return "quantile_cont[\(q)]"
        case .quantileDisc(let q): return "quantile_disc[\(q)]"
        case .approxQuantile(let q): return "approx_quantile[\(q)]"
        case .argMin: return "arg_min"
        case .argMax: return "arg_max"
        case .boolAnd: return "bool_and"
        case .boolOr: return "bool_or"
        case .anyValue: return "any_value"
        }
    }
}

/// One aggregate of an Aggregate node: the function, its arguments over the node's input,
/// an optional FILTER, and DISTINCT.
public struct BoundAggregate: Sendable, CustomStringConvertible {
    public var kind: AggKind
    public var args: [BoundExpr]
    public var filter: BoundExpr?
    public var distinct: Bool
    public var type: DataType

    public init(kind: AggKind, args: [BoundExpr], filter: BoundExpr? = nil, distinct: Bool = false, type: DataType) {
        self.kind = kind
        self.args = args
        self.filter = filter
        self.distinct = distinct
        self.type = type
    }

    /// The result type of `kind` over an argument of type `arg`.
    public static func resultType(_ kind: AggKind, arg: DataType?, second: DataType? = nil) -> DataType {
        switch kind {
        case .countStar, .count: return .int64
        case .sum:
            switch arg {
            case .float64: return .float64
            default: return .int64
            }
        case .avg, .stddevSamp, .stddevPop, .varSamp, .varPop, .approxQuantile: return .float64
        case .quantileCont:
            return arg == .timestamp ? .timestamp : .float64
        case .min, .max, .quantileDisc, .anyValue, .argMin, .argMax: return arg ?? .int64
        case .boolAnd, .boolOr: return .bool
        }
    }

    public var description: String {
        (distinct ? "\(kind)(DISTINCT " : "\(kind)(") + args.map(\.description).joined(separator: ", ") + ")"
            + (filter.map { " FILTER (WHERE \($0))" } ?? "")
    }
}

/// A sort key over an operator's input.
public struct SortKey: Sendable, CustomStringConvertible {
    public var expr: BoundExpr
    public var descending: Bool
    /// NULLs first? Defaults follow PostgreSQL: NULLs sort as larger than any value.
    public var nullsFirst: Bool

    public init(_ expr: BoundExpr, descending: Bool = false, nullsFirst: Bool? = nil) {
        self.expr = expr
        self.descending = descending
        self.nullsFirst = nullsFirst ?? descending
    }

    public var description: String {
        "\(expr)\(descending ? " DESC" : "")\(nullsFirst != descending ? (nullsFirst ? " NULLS FIRST" : " NULLS LAST") : "")"
    }
}

/// Window functions computed over a fully materialised input.
public enum WindowKind: Sendable, CustomStringConvertible {
    case rowNumber, rank, denseRank
    /// lag/lead(expr, offset, default).
    case lag(Int), lead(Int)
    case firstValue, lastValue
    /// A moving or partition-wide aggregate.
    case aggregate(AggKind)

    public var description: String {
        switch self {
        case .rowNumber: return "row_number"
        case .rank: return "rank"
        case .denseRank: return "dense_rank"
        case .lag(let n): return "lag[\(n)]"
        case .lead(let n): return "lead[\(n)]"
        case .firstValue: return "first_value"
        case .lastValue: return "last_value"
        case .aggregate(let k): return "\(k)"
        }
    }
}

/// A ROWS frame: offsets relative to the current row (nil = unbounded).
public struct BoundFrame: Sendable, Equatable {
    public var start: Int?
    public var end: Int?
    public init(start: Int?, end: Int?) {
        self.start = start
        self.end = end
    }
}

/// One window function: its kind, arguments, partitioning, ordering and frame.
public struct BoundWindow: Sendable, CustomStringConvertible {
    public var kind: WindowKind
    public var args: [BoundExpr]
    public var partitionBy: [BoundExpr]
    public var orderBy: [SortKey]
    /// nil means the SQL default: with ORDER BY, from the partition start to the current row (RANGE
    /// semantics: peers included); without, the whole partition.
    public var frame: BoundFrame?
    public var type: DataType

    public init(kind: WindowKind, args: [BoundExpr], partitionBy: [BoundExpr], orderBy: [SortKey], frame: BoundFrame?, type: DataType) {
        self.kind = kind
        self.args = args
        self.partitionBy = partitionBy
        self.orderBy = orderBy
        self.frame = frame
        self.type = type
    }

    public var description: String {
        "\(kind)(\(args.map(\.description).joined(separator: ", "))) OVER (PARTITION BY \(partitionBy.map(\.description).joined(separator: ", ")) ORDER BY \(orderBy.map(\.description).joined(separator: ", ")))"
    }
}
