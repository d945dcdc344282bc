/// A set of equally long columns: the unit of ingest, flush and in-memory buffering.
public struct RowBatch: Sendable {
    public let columns: [ColumnData]
    public let count: Int

    public init(columns: [ColumnData]) {
        let n = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == n }, "columns of a batch differ in length")
        self.columns = columns
        self.count = n
    }

    /// Row i as Values.
    public func row(_ i: Int) -> [Value] { columns.map { $0.value(at: i) } }

    /// The batch reordered by `indices`.
    public func gather(_ indices: [Int32]) -> RowBatch {
        indices.withUnsafeBufferPointer { idx in RowBatch(columns: columns.map { $0.gather(idx) }) }
    }

    /// Concatenates batches of the same schema.
    public static func concat(_ batches: [RowBatch]) -> RowBatch {
        precondition(!batches.isEmpty)
        if batches.count == 1 { return batches[0] }
        let width = batches[0].columns.count
        return RowBatch(columns: (0..<width).map { c in ColumnData.concat(batches.map { $0.columns[c] }) })
    }

    /// Indices that order the rows by the integer column `c` (stable; NULLs first).
    public func sortOrder(byColumn c: Int) -> [Int32] {
        let col = columns[c]
        var keys = [Int64](repeating: 0, count: count)
        for i in 0..<count { keys[i] = col.isValid(i) ? col.integer(at: i) : Int64.min }
        var idx = (0..<count).map { Int32($0) }
        // Already-sorted input (the usual case for time-ordered ingest) skips the sort.
        var sorted = true
        for i in 1..<max(count, 1) where keys[i] < keys[i - 1] { sorted = false; break }
        if !sorted {
            keys.withUnsafeBufferPointer { k in
                idx.sort { a, b in
                    let ka = k[Int(a)], kb = k[Int(b)]
                    return ka < kb || (ka == kb && a < b)
                }
            }
        }
        return idx
    }
}
