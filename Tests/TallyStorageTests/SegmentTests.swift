import Testing
@testable import TallyStorage

@Suite struct SegmentTests {
    @Test func writtenSegmentReopensEqualToItsInput() throws {
        let dir = TempDir()
        let cache = BlockCache(capacity: 1 << 26)
        for n in [0, 1, 7, 100, 1000, 5000] {
            let batch = callBatch(from: 0, count: n)
            let path = dir.path + "/s\(n).seg"
            try SegmentWriter.write(batch, schema: callSchema, to: path, rowGroupRows: 1024)
            let seg = try Segment(path: path, cache: cache)
            #expect(seg.rowCount == n)
            #expect(seg.rowGroups.count == max(1, (n + 1023) / 1024))
            let back = try seg.readAll()
            #expect(rowsByID(back) == rowsByID(batch))
            // Sorted by the time column.
            let times = (0..<back.count).map { back.columns[1].integer(at: $0) }
            #expect(times == times.sorted())
            #expect(seg.verify().isEmpty)
        }
    }

    @Test func zoneMapsBoundEveryRowGroup() throws {
        let dir = TempDir()
        let batch = callBatch(from: 0, count: 3000)
        try SegmentWriter.write(batch, schema: callSchema, to: dir.path + "/z.seg", rowGroupRows: 512)
        let seg = try Segment(path: dir.path + "/z.seg", cache: BlockCache(capacity: 1 << 20))
        for (g, rg) in seg.rowGroups.enumerated() {
            let col = try seg.column(rowGroup: g, column: 1)
            guard case .int(let lo, let hi) = rg.chunks[1].zone.bounds else { Issue.record("no time bounds"); continue }
            for i in 0..<col.count { #expect((lo...hi).contains(col.integer(at: i))) }
            let agents = try seg.column(rowGroup: g, column: 2)
            #expect(rg.chunks[2].zone.nullCount == agents.nullCount)
        }
        #expect(seg.timeRange != nil)
    }

    @Test func flippedByteIsDetectedAndNamesTheFile() throws {
        let dir = TempDir()
        let path = dir.path + "/f.seg"
        try SegmentWriter.write(callBatch(from: 0, count: 2000), schema: callSchema, to: path, rowGroupRows: 512)
        let size = try FileIO.size(path)
        var rng = TestRNG(state: 42)
        for _ in 0..<40 {
            var bytes = try FileIO.readAll(path)
            let original = bytes
            let at = rng.int(size)
            bytes[at] ^= UInt8(1 + rng.int(255))
            let bad = dir.path + "/bad.seg"
            try FileIO.writeAtomically(bad, bytes)
            var detected = false
            do {
                let seg = try Segment(path: bad, cache: BlockCache(capacity: 1 << 20))
                let problems = seg.verify()
                detected = !problems.isEmpty && problems.allSatisfy { $0.contains(bad) }
                if detected {
                    // Reading the damaged chunk throws, naming the file.
                    #expect(throws: StorageError.self) { _ = try seg.readAll() }
                }
            } catch let StorageError.corrupt(p, _) {
                detected = p == bad
            }
            // Header padding bytes are the only bytes not covered by a checksum.
            if at >= 8 && at < 16 { detected = true }
            #expect(detected, "flip at \(at) of \(size) went unnoticed")
            _ = original
        }
    }

    @Test func truncatedSegmentIsRejected() throws {
        let dir = TempDir()
        let path = dir.path + "/t.seg"
        try SegmentWriter.write(callBatch(from: 0, count: 500), schema: callSchema, to: path)
        let size = try FileIO.size(path)
        for cut in [0, 8, size / 2, size - 1] {
            try FileIO.truncate(path, to: cut)
            #expect(throws: StorageError.self) { _ = try Segment(path: path, cache: BlockCache(capacity: 1 << 20)) }
            try SegmentWriter.write(callBatch(from: 0, count: 500), schema: callSchema, to: path)
        }
    }
}
