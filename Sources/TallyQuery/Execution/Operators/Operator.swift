/// A physical operator: pulls batches from its inputs and returns its own, nil when done.
/// Dispatch happens once per batch (thousands of rows), never per row.
protocol PhysicalOperator: AnyObject {
    func next() throws -> Batch?
}

extension PhysicalOperator {
    /// Every remaining batch, concatenated (sort, window, join build); the kept bytes count
    /// against the query's memory limit.
    func drain(types: [DataType], ctx: QueryContext) throws -> Batch {
        var parts: [Batch] = []
        while let b = try next() {
            guard b.count > 0 else { continue }
            // Twice: the parts, and their concatenation.
            try ctx.charge(2 * b.byteCount)
            parts.append(b)
        }
        if parts.isEmpty { return Batch(columns: types.map { ColumnBuilder($0).finish() }, count: 0) }
        if parts.count == 1 { return parts[0] }
        let cols = (0..<types.count).map { c in ColumnData.concat(parts.map { $0.columns[c] }) }
        return Batch(columns: cols, count: parts.reduce(0) { $0 + $1.count })
    }
}
