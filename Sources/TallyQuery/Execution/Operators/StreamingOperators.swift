/// Keeps the rows for which a condition is TRUE.
final class FilterOperator: PhysicalOperator {
    let input: PhysicalOperator
    let condition: BoundExpr
    let ctx: QueryContext
    init(_ input: PhysicalOperator, _ condition: BoundExpr, _ ctx: QueryContext) {
        self.input = input
        self.condition = condition
        self.ctx = ctx
    }

    func next() throws -> Batch? {
        while let b = try input.next() {
            try ctx.check()
            guard let sel = ExprEvaluator.selection(try ExprEvaluator.eval(condition, b), count: b.count) else { return b }
            if sel.isEmpty { continue }
            return sel.withUnsafeBufferPointer { b.gather($0) }
        }
        return nil
    }
}

/// Computes output expressions.
final class ProjectOperator: PhysicalOperator {
    let input: PhysicalOperator
    let exprs: [BoundExpr]
    init(_ input: PhysicalOperator, _ exprs: [BoundExpr]) {
        self.input = input
        self.exprs = exprs
    }

    func next() throws -> Batch? {
        guard let b = try input.next() else { return nil }
        return Batch(columns: try exprs.map { try ExprEvaluator.vector($0, b) }, count: b.count)
    }
}

/// Skips `offset` rows and passes at most `limit`.
final class LimitOperator: PhysicalOperator {
    let input: PhysicalOperator
    var remaining: Int
    var skip: Int
    init(_ input: PhysicalOperator, limit: Int?, offset: Int) {
        self.input = input
        self.remaining = limit ?? Int.max
        self.skip = offset
    }

    func next() throws -> Batch? {
        while remaining > 0, var b = try input.next() {
            if skip > 0 {
                if b.count <= skip { skip -= b.count; continue }
                b = b.slice(skip..<b.count)
                skip = 0
            }
            if b.count > remaining { b = b.slice(0..<remaining) }
            remaining -= b.count
            return b
        }
        return nil
    }
}

/// Literal rows.
final class ValuesOperator: PhysicalOperator {
    var batch: Batch?
    init(rows: [[Value]], columns: [PlanColumn]) {
        let cols = columns.enumerated().map { c, col in ColumnData.from(col.type, rows.map { $0[c] }) }
        batch = Batch(columns: cols, count: rows.count)
    }

    func next() throws -> Batch? {
        defer { batch = nil }
        return batch
    }
}

/// Concatenates its inputs.
final class UnionAllOperator: PhysicalOperator {
    let inputs: [PhysicalOperator]
    let types: [DataType]
    var current = 0
    init(_ inputs: [PhysicalOperator], types: [DataType]) {
        self.inputs = inputs
        self.types = types
    }

    func next() throws -> Batch? {
        while current < inputs.count {
            if let b = try inputs[current].next() {
                let cols = try zip(b.columns, types).map { c, t in c.type == t ? c : try Casts.castVector(c, to: t) }
                return Batch(columns: cols, count: b.count)
            }
            current += 1
        }
        return nil
    }
}

/// Wraps an operator to time it and count its rows for EXPLAIN ANALYZE.
final class InstrumentedOperator: PhysicalOperator {
    let input: PhysicalOperator
    let ctx: QueryContext
    let node: Int
    init(_ input: PhysicalOperator, _ ctx: QueryContext, node: Int) {
        self.input = input
        self.ctx = ctx
        self.node = node
    }

    func next() throws -> Batch? {
        let start = DispatchTime.now().uptimeNanoseconds
        let b = try input.next()
        let took = DispatchTime.now().uptimeNanoseconds - start
        ctx.record(node) { s in
            s.nanos += took
            s.rowsOut += b?.count ?? 0
        }
        return b
    }
}

import Dispatch
