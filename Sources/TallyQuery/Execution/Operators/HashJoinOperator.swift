/// Equi-join by hashing the right (build) side, probing with left batches; LEFT JOIN keeps
/// unmatched left rows with NULLs. Without keys it is a nested-loop join filtered by the residual.
final class HashJoinOperator: PhysicalOperator {
    let left: PhysicalOperator
    let right: PhysicalOperator
    let kind: JoinKind
    let leftKeys: [BoundExpr]
    let rightKeys: [BoundExpr]
    let residual: BoundExpr?
    let leftTypes: [DataType]
    let rightTypes: [DataType]
    let ctx: QueryContext
    var build: Batch?
    var table: [[Value]: [Int32]] = [:]

    init(left: PhysicalOperator, right: PhysicalOperator, kind: JoinKind, leftKeys: [BoundExpr], rightKeys: [BoundExpr],
         residual: BoundExpr?, leftTypes: [DataType], rightTypes: [DataType], ctx: QueryContext) {
        self.left = left
        self.right = right
        self.kind = kind
        self.leftKeys = leftKeys
        self.rightKeys = rightKeys
        self.residual = residual
        self.leftTypes = leftTypes
        self.rightTypes = rightTypes
        self.ctx = ctx
    }

    /// Key values with numbers unified, so INTEGER 5 meets BIGINT 5; nil when any key is NULL.
    static func keyRow(_ cols: [ColumnData], _ i: Int) -> [Value]? {
        var out: [Value] = []
        out.reserveCapacity(cols.count)
        for c in cols {
            let v = c.value(at: i)
            switch v {
            case .null: return nil
            case .bool(let b): out.append(.int(b ? 1 : 0))
            case .timestamp(let t): out.append(.int(t))
            case .double(let d): out.append(d == d.rounded() && abs(d) < 9e15 ? .int(Int64(d)) : .double(d))
            default: out.append(v)
            }
        }
        return out
    }

    func next() throws -> Batch? {
        if build == nil {
            let b = try right.drain(types: rightTypes, ctx: ctx)
            build = b
            if !rightKeys.isEmpty {
                let cols = try rightKeys.map { try ExprEvaluator.vector($0, b) }
                for i in 0..<b.count { if let k = Self.keyRow(cols, i) { table[k, default: []].append(Int32(i)) } }
            }
        }
        let r = build!
        while let l = try left.next() {
            try ctx.check()
            var li: [Int32] = [], ri: [Int32] = []
            if rightKeys.isEmpty {
                for i in 0..<l.count { for j in 0..<r.count { li.append(Int32(i)); ri.append(Int32(j)) } }
            } else {
                let cols = try leftKeys.map { try ExprEvaluator.vector($0, l) }
                for i in 0..<l.count {
                    guard let k = Self.keyRow(cols, i), let matches = table[k] else { continue }
                    for j in matches { li.append(Int32(i)); ri.append(j) }
                }
            }
            var joined = combine(l, li, r, ri)
            if let res = residual, joined.count > 0 {
                if let sel = ExprEvaluator.selection(try ExprEvaluator.eval(res, joined), count: joined.count) {
                    li = sel.map { li[Int($0)] }
                    ri = sel.map { ri[Int($0)] }
                    joined = sel.withUnsafeBufferPointer { joined.gather($0) }
                }
            }
            if kind == .left {
                var matched = [Bool](repeating: false, count: l.count)
                for i in li { matched[Int(i)] = true }
                let missing = (0..<l.count).filter { !matched[$0] }.map { Int32($0) }
                if !missing.isEmpty {
                    let lpart = missing.withUnsafeBufferPointer { l.gather($0) }
                    let nulls = rightTypes.map { Vectors.constant(.null, $0, count: missing.count) }
                    let extra = Batch(columns: lpart.columns + nulls, count: missing.count)
                    joined = joined.count == 0 ? extra : Batch(columns: zip(joined.columns, extra.columns).map { ColumnData.concat([$0, $1]) }, count: joined.count + extra.count)
                }
            }
            if joined.count > 0 { return joined }
        }
        return nil
    }

    func combine(_ l: Batch, _ li: [Int32], _ r: Batch, _ ri: [Int32]) -> Batch {
        let lc = li.withUnsafeBufferPointer { l.gather($0) }
        let rc = ri.withUnsafeBufferPointer { r.gather($0) }
        return Batch(columns: lc.columns + rc.columns, count: li.count)
    }
}
