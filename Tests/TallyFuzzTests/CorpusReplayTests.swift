import Foundation
import Testing
import TallyAnalytics
import TallyQuery
import TallyServer
import TallyStorage

/// Feeds every committed fuzz corpus file (seeds, inputs the fuzzers found interesting, and inputs
/// that once crashed) through the same entry point its libFuzzer target calls. A crash here is a
/// regression; the entry points check their own properties with preconditions.
@Suite(.serialized)
struct CorpusReplayTests {
    static let corpusRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/corpus").path

    /// The files of one target's corpus, sorted; the test fails if there are none.
    static func inputs(_ target: String) throws -> [(name: String, data: Data)] {
        let dir = corpusRoot + "/" + target
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        return try names.map { ($0, try Data(contentsOf: URL(fileURLWithPath: dir + "/" + $0))) }
    }

    @Test func sqlCorpus() throws {
        let files = try Self.inputs("sql")
        #expect(files.count >= 20)
        let fuzzer = try SQLFuzzer(schemas: DataModel.tableSchemas)
        defer { fuzzer.close() }
        for f in files { f.data.withUnsafeBytes { fuzzer.run($0) } }
    }

    @Test func requestCorpus() throws {
        let files = try Self.inputs("request")
        #expect(files.count >= 20)
        for f in files { f.data.withUnsafeBytes { ServerFuzzing.requestStream($0) } }
    }

    @Test func walCorpus() throws {
        let files = try Self.inputs("wal")
        #expect(files.count >= 4)
        for f in files { f.data.withUnsafeBytes { StorageFuzzing.walFile($0) } }
    }

    @Test func segmentCorpus() throws {
        let files = try Self.inputs("segment")
        #expect(files.count >= 4)
        defer { StorageFuzzing.removeScratch() }
        for f in files { f.data.withUnsafeBytes { StorageFuzzing.segmentFile($0) } }
    }

    /// The committed WAL and segment seeds are real files: with their checksums fixed they must
    /// read back whole (so the fuzzer starts from inputs that reach the decoders).
    @Test func storageSeedsAreReadable() throws {
        for f in try Self.inputs("segment") where f.name.hasPrefix("store-") && f.name.hasSuffix("-fixed") {
            let path = NSTemporaryDirectory() + "tally-seed-\(getpid()).seg"
            defer { try? FileManager.default.removeItem(atPath: path) }
            try f.data.dropFirst().write(to: URL(fileURLWithPath: path))
            let seg = try Segment(path: path, cache: BlockCache(capacity: 1 << 20))
            #expect(seg.rowCount > 0, "\(f.name)")
            #expect(seg.verify().isEmpty, "\(f.name)")
            #expect(try seg.readAll().count == seg.rowCount, "\(f.name)")
        }
        let dir = NSTemporaryDirectory() + "tally-seed-wal-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for f in try Self.inputs("wal") where f.name.hasPrefix("store-") && f.name.hasSuffix("-fixed") {
            try f.data.dropFirst().write(to: URL(fileURLWithPath: dir + "/0.wal"))
            let r = try WALReader.recover(directory: dir, truncateTornTail: false)
            #expect(!r.records.isEmpty, "\(f.name)")
            #expect(r.notes.isEmpty, "\(f.name)")
        }
    }
}
