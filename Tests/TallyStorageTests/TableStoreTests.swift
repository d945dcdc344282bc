import Foundation
import Testing
@testable import TallyStorage

@Suite struct TableStoreTests {
    func smallOptions() -> StoreOptions {
        var o = StoreOptions()
        o.flushRows = 1000
        o.rowGroupRows = 256
        o.compactBelowRows = 10_000
        o.compactMinSegments = 3
        o.segmentRows = 50_000
        o.cacheBytes = 1 << 24
        return o
    }

    @Test func appendedRowsAreVisibleAndSurviveReopenFromTheWAL() throws {
        let dir = TempDir()
        let cache = BlockCache(capacity: 1 << 24)
        var expected: [Int64: [Value]] = [:]
        do {
            let t = try TableStore.create(directory: dir.path + "/calls", schema: callSchema, cache: cache, options: smallOptions())
            for k in 0..<10 {
                let b = callBatch(from: k * 50, count: 50)
                try t.append(b)
                expected.merge(rowsByID(b)) { a, _ in a }
                #expect(t.snapshot().rowCount == (k + 1) * 50)
            }
            t.close()
        }
        let reopened = try TableStore(directory: dir.path + "/calls", cache: cache, options: smallOptions())
        #expect(rowsByID(try reopened.snapshot().readAll()) == expected)
        #expect(reopened.snapshot().segments.isEmpty)
    }

    @Test func flushMovesRowsIntoASegmentAndTrimsTheWAL() throws {
        let dir = TempDir()
        let cache = BlockCache(capacity: 1 << 24)
        let t = try TableStore.create(directory: dir.path + "/calls", schema: callSchema, cache: cache, options: smallOptions())
        var expected: [Int64: [Value]] = [:]
        for k in 0..<6 {
            let b = callBatch(from: k * 300, count: 300)
            try t.append(b)
            expected.merge(rowsByID(b)) { a, _ in a }
            if t.needsFlush { try t.flush() }
        }
        try t.flush()
        let snap = t.snapshot()
        #expect(snap.bufferRows == 0)
        #expect(snap.segments.count >= 2)
        #expect(rowsByID(try snap.readAll()) == expected)
        let walFiles = try FileIO.list(dir.path + "/calls/wal")
        #expect(walFiles.count == 1, "flushed WAL files are deleted: \(walFiles)")
        // More writes after the flush land in the new WAL and survive reopen together with the segments.
        let extra = callBatch(from: 10_000, count: 10)
        try t.append(extra)
        expected.merge(rowsByID(extra)) { a, _ in a }
        t.close()
        let r = try TableStore(directory: dir.path + "/calls", cache: cache, options: smallOptions())
        #expect(rowsByID(try r.snapshot().readAll()) == expected)
    }

    @Test func compactionMergesSmallSegmentsWithoutChangingRows() throws {
        let dir = TempDir()
        let cache = BlockCache(capacity: 1 << 24)
        let t = try TableStore.create(directory: dir.path + "/calls", schema: callSchema, cache: cache, options: smallOptions())
        var expected: [Int64: [Value]] = [:]
        for k in 0..<5 {
            let b = callBatch(from: k * 100, count: 100)
            try t.append(b)
            expected.merge(rowsByID(b)) { a, _ in a }
            try t.flush()
        }
        let before = t.snapshot()
        #expect(before.segments.count == 5)
        let merged = try t.compact()
        #expect(merged == 5)
        let after = t.snapshot()
        #expect(after.segments.count == 1)
        #expect(rowsByID(try after.readAll()) == expected)
        // The old snapshot still reads (its files are unlinked but mapped).
        #expect(rowsByID(try before.readAll()) == expected)
        let segFiles = try FileIO.list(dir.path + "/calls").filter { $0.hasSuffix(".seg") }
        #expect(segFiles.count == 1)
        let r = try TableStore(directory: dir.path + "/calls", cache: cache, options: smallOptions())
        #expect(rowsByID(try r.snapshot().readAll()) == expected)
    }

    @Test func retentionDropsWholeExpiredSegments() throws {
        let dir = TempDir()
        var schema = callSchema
        schema.ttlMicros = 3600 * 1_000_000
        let t = try TableStore.create(directory: dir.path + "/calls", schema: schema, cache: BlockCache(capacity: 1 << 24), options: smallOptions())
        try t.append(callBatch(from: 0, count: 100))
        try t.flush()
        let newer = callBatch(from: 100_000, count: 100)
        try t.append(newer)
        try t.flush()
        // "now" is just past the ttl of the first segment's rows, within that of the second.
        let now = Int64(1_700_000_000_000_000) + 100_000 * 1_000_000 + 1800 * 1_000_000
        #expect(try t.applyRetention(now: now) == 100)
        #expect(rowsByID(try t.snapshot().readAll()) == rowsByID(newer))
    }

    @Test func badRowsAreRejectedAndNothingChanges() throws {
        let dir = TempDir()
        let t = try TableStore.create(directory: dir.path + "/calls", schema: callSchema, cache: BlockCache(capacity: 1 << 24), options: smallOptions())
        try t.append(callBatch(from: 0, count: 10))
        var cols = callBatch(from: 10, count: 5).columns
        cols[3] = ColumnData.from(.string, [.string("a"), .null, .string("b"), .string("c"), .string("d")])
        #expect(throws: StorageError.badValue(location: "row 2", column: "sector", detail: "NULL in a NOT NULL column")) {
            try t.append(RowBatch(columns: cols))
        }
        #expect(throws: StorageError.self) { try t.bulkLoad([callBatch(from: 20, count: 5), RowBatch(columns: cols)]) }
        #expect(t.snapshot().rowCount == 10)
    }

    @Test func bulkLoadIsAllOrNothingAndSplitsSegments() throws {
        let dir = TempDir()
        var o = smallOptions()
        o.segmentRows = 1000
        let t = try TableStore.create(directory: dir.path + "/calls", schema: callSchema, cache: BlockCache(capacity: 1 << 24), options: o)
        let batches = (0..<5).map { callBatch(from: $0 * 600, count: 600) }
        try t.bulkLoad(batches)
        #expect(t.snapshot().rowCount == 3000)
        #expect(t.snapshot().segments.count == 5)
    }

    @Test func concurrentWritersAndReadersSeeConsistentSnapshots() async throws {
        let dir = TempDir()
        let t = try TableStore.create(directory: dir.path + "/calls", schema: callSchema, cache: BlockCache(capacity: 1 << 24), options: smallOptions())
        await withTaskGroup(of: Void.self) { g in
            for w in 0..<4 {
                g.addTask {
                    for k in 0..<25 { try! t.append(callBatch(from: (w * 25 + k) * 20, count: 20)) }
                }
            }
            g.addTask {
                for _ in 0..<20 { if t.needsFlush { try! t.flush() }; try! t.compact() }
            }
            g.addTask {
                var last = 0
                for _ in 0..<200 {
                    let s = t.snapshot()
                    let n = try! s.readAll().count
                    #expect(n == s.rowCount)
                    #expect(n >= last)
                    last = n
                }
            }
        }
        let all = try t.snapshot().readAll()
        #expect(all.count == 2000)
        #expect(Set(rowsByID(all).keys).count == 2000)
    }
}
