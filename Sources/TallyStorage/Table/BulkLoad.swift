/// A bulk load into one table: batches become segments as they accumulate (bypassing the WAL), and
/// all of them become visible at once in `commit`. Until then a crash or `abort` leaves the table
/// as it was (uncommitted segment files are deleted on the next open).
/// Used by one thread at a time.
public final class BulkLoad {
    let table: TableStore
    private var pending: [RowBatch] = []
    private var pendingRows = 0
    private var written: [Segment] = []
    private var done = false
    /// Rows added so far.
    public private(set) var rows = 0

    init(table: TableStore) { self.table = table }

    /// Validates and adds rows; writes a segment whenever enough rows have gathered.
    public func add(_ batch: RowBatch) throws {
        precondition(!done, "bulk load already finished")
        try table.validate(batch)
        guard batch.count > 0 else { return }
        if pendingRows + batch.count > table.options.segmentRows { try writePending() }
        pending.append(batch)
        pendingRows += batch.count
        rows += batch.count
    }

    private func writePending() throws {
        guard pendingRows > 0 else { return }
        written.append(try table.writeSegment(RowBatch.concat(pending)))
        pending = []
        pendingRows = 0
    }

    /// Writes what is left and makes every row of the load visible in one manifest commit.
    @discardableResult
    public func commit() throws -> Int {
        precondition(!done, "bulk load already finished")
        do {
            try writePending()
            try table.commitBulk(written)
        } catch {
            abort()
            throw error
        }
        done = true
        return rows
    }

    /// Deletes the segments written so far; the table is unchanged.
    public func abort() {
        guard !done else { return }
        done = true
        for s in written { try? FileIO.remove(s.path) }
        table.sidecars.remove(segments: written.map(\.name))
        written = []
        pending = []
    }
}
