import Foundation
@testable import TallyStorage

/// A fresh temporary directory, removed when the test's scope ends.
final class TempDir {
    let path: String
    init(_ name: String = "tally-test") {
        path = NSTemporaryDirectory() + "/\(name)-\(UUID().uuidString)"
        try! FileIO.makeDirectories(path)
    }
    deinit { try? FileIO.removeTree(path) }
}

/// A small call-like schema used across storage tests.
let callSchema = TableSchema(name: "calls", columns: [
    ColumnSchema("call_id", .int64, nullable: false),
    ColumnSchema("at", .timestamp, nullable: false),
    ColumnSchema("agent", .int32),
    ColumnSchema("sector", .string, nullable: false),
    ColumnSchema("talk", .float64),
    ColumnSchema("resolved", .bool),
], timeColumn: "at")

/// Deterministic test data (the storage layer's SplitMix64).
struct TestRNG {
    var mix: SplitMix
    init(state: UInt64) { mix = SplitMix(seed: state) }
    mutating func next() -> UInt64 { mix.next() }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// `n` call rows starting at id `from`, times shuffled a little so sorting is exercised.
func callBatch(from: Int, count n: Int, seed: UInt64 = 1) -> RowBatch {
    var rng = TestRNG(state: seed &+ UInt64(from))
    let sectors = ["retail", "banking", "telecom"]
    var ids: [Value] = [], at: [Value] = [], agent: [Value] = [], sector: [Value] = [], talk: [Value] = [], res: [Value] = []
    for i in 0..<n {
        ids.append(.int(Int64(from + i)))
        at.append(.timestamp(1_700_000_000_000_000 + Int64(from + i) * 1_000_000 - Int64(rng.int(5)) * 1_000_000))
        agent.append(rng.int(10) == 0 ? .null : .int(Int64(rng.int(200))))
        sector.append(.string(sectors[rng.int(3)]))
        talk.append(rng.int(7) == 0 ? .null : .double(Double(rng.int(100_000)) / 100))
        res.append(rng.int(5) == 0 ? .null : .bool(rng.int(2) == 0))
    }
    return RowBatch(columns: [
        ColumnData.from(.int64, ids), ColumnData.from(.timestamp, at), ColumnData.from(.int32, agent),
        ColumnData.from(.string, sector), ColumnData.from(.float64, talk), ColumnData.from(.bool, res),
    ])
}

/// Rows of a batch keyed by call_id (column 0), for order-independent comparison.
func rowsByID(_ b: RowBatch) -> [Int64: [Value]] {
    var out: [Int64: [Value]] = [:]
    for i in 0..<b.count {
        let r = b.row(i)
        if case .int(let id) = r[0] { out[id] = r }
    }
    return out
}
