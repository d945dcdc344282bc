import Benchmark
import Foundation
import TallyQuery
import TallyStorage

// Kernels of the engine, each on data shaped like the real columns. Decoding is measured on
// one chunk (a row group of 65,536 rows) per encoding through ChunkCodec, the segment reader's
// entry point. Filter, aggregation and the hash table are measured through SQL on a 1 M-row
// table (their kernels are internal to TallyQuery); planning is microseconds of a
// millisecond-scale run. Thresholds: p50 wall clock may regress 25 % against the baseline in
// .benchmarkBaselines (throughput likewise) before `swift package benchmark baseline check main`
// fails; run it on a quiet machine, since other load moves p50 by as much.

let rowsPerChunk = 65_536

/// A chunk copied into 8-byte-aligned memory, as the segment reader maps it.
final class AlignedChunk: @unchecked Sendable { // immutable after init; freed in deinit
    let buffer: UnsafeRawBufferPointer
    let encoding: String

    init(_ column: ColumnData) {
        let bytes = ChunkCodec.encode(column)
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 8)
        raw.copyBytes(from: bytes)
        buffer = UnsafeRawBufferPointer(raw)
        encoding = ChunkCodec.describe(buffer)
    }

    deinit { buffer.deallocate() }
}

/// Deterministic 64-bit generator (SplitMix64), so every run measures the same data.
struct Mix {
    var s: UInt64
    mutating func next() -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func chunks() -> [(String, DataType, AlignedChunk)] {
    var r = Mix(s: 42)
    let n = rowsPerChunk
    let plain = ColumnData.fromIntegers(.int32, (0..<n).map { _ in Int64(Int32(truncatingIfNeeded: r.next())) })
    let packed = ColumnData.fromIntegers(.int32, (0..<n).map { _ in Int64(r.next() % 1000) })
    var t: Int64 = 1_735_689_600_000_000
    let delta = ColumnData.fromIntegers(.timestamp, (0..<n).map { _ in t += Int64(r.next() % 120) * 1_000_000; return t })
    let runs = ColumnData.fromIntegers(.int32, (0..<n).map { Int64($0 / 4096) })
    let words = ["retail", "banking", "telecom", "healthcare", "travel", "insurance", "utilities", "government", "education", "logistics", "media", "energy"]
    var sb = ColumnBuilder(.string, capacity: n)
    for _ in 0..<n { sb.append(string: words[Int(r.next() % 12)]) }
    let decimal = ColumnData.fromDoubles((0..<n).map { _ in Double(r.next() % 100_000) / 100 })
    let sparse = ColumnData.fromIntegers(.int32, (0..<n).map { _ in Int64(r.next() % 50) }, valid: (0..<n).map { _ in r.next() % 10 != 0 })
    return [("plain int32", .int32, AlignedChunk(plain)),
            ("frame-of-reference bit-packed int32", .int32, AlignedChunk(packed)),
            ("delta timestamps", .timestamp, AlignedChunk(delta)),
            ("run-length int32", .int32, AlignedChunk(runs)),
            ("dictionary strings", .string, AlignedChunk(sb.finish())),
            ("decimal doubles", .float64, AlignedChunk(decimal)),
            ("int32 with 10% NULL", .int32, AlignedChunk(sparse))]
}

/// A temporary store with one 1 M-row table for the operator benchmarks.
final class OperatorTable: @unchecked Sendable { // immutable after init; the directory is removed in deinit
    let dir: String
    let catalog: Catalog

    init(rows: Int) throws {
        dir = NSTemporaryDirectory() + "tally-micro-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        catalog = try Catalog(root: dir)
        try catalog.createTenant("bench")
        let session = Session(catalog: catalog, scope: .tenant("bench"))
        _ = try session.execute("CREATE TABLE t (k BIGINT NOT NULL, g VARCHAR NOT NULL, v INTEGER, ts TIMESTAMP NOT NULL) WITH (time_column = ts)")
        let table = try catalog.tenant("bench").table("t")
        var r = Mix(s: 7)
        let groups = ["retail", "banking", "telecom", "healthcare", "travel", "insurance", "utilities", "government"]
        _ = try table.bulkLoad { emit in
            var done = 0
            while done < rows {
                let m = min(rowsPerChunk, rows - done)
                var g = ColumnBuilder(.string, capacity: m)
                var k: [Int64] = [], v: [Int64] = [], ts: [Int64] = []
                for i in 0..<m {
                    k.append(Int64(r.next() % 200_000))
                    g.append(string: groups[Int(r.next() % 8)])
                    v.append(Int64(r.next() % 1000))
                    ts.append(1_735_689_600_000_000 + Int64(done + i) * 1_000_000)
                }
                try emit(RowBatch(columns: [ColumnData.fromIntegers(.int64, k), g.finish(), ColumnData.fromIntegers(.int32, v),
                                            ColumnData.fromIntegers(.timestamp, ts)]))
                done += m
            }
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        timeUnits: .microseconds,
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 2_000,
        thresholds: [.wallClock: .init(relative: BenchmarkThresholds.Relative.relaxed), .throughput: .init(relative: BenchmarkThresholds.Relative.relaxed)]
    )

    for (name, type, chunk) in chunks() {
        Benchmark("decode \(name) [\(chunk.encoding)] ×65,536") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try ChunkCodec.decode(chunk.buffer, type: type, count: rowsPerChunk, owner: chunk))
            }
        }
    }

    let table: OperatorTable
    do { table = try OperatorTable(rows: 1_000_000) } catch { fatalError("cannot build the operator table: \(error)") }
    let queries = [
        ("filter: count where v > 500", "SELECT count(*) FROM t WHERE v > 500"),
        ("filter + sum on a time range", "SELECT sum(v) FROM t WHERE ts >= TIMESTAMP '2025-01-05' AND v < 100"),
        ("aggregation: 8 groups by dictionary code", "SELECT g, sum(v), avg(v) FROM t GROUP BY g"),
        ("hash table: 200k groups", "SELECT k, sum(v) AS s FROM t GROUP BY k HAVING sum(v) < 0"),
        ("hash table: count(DISTINCT) 200k keys", "SELECT count(DISTINCT k) FROM t"),
    ]
    for (name, sql) in queries {
        Benchmark("operator \(name) ×1M", configuration: .init(maxDuration: .seconds(3), maxIterations: 200)) { benchmark in
            let session = Session(catalog: table.catalog, scope: .tenant("bench"))
            for _ in benchmark.scaledIterations {
                blackHole(try session.execute(sql))
            }
        }
    }
}
