import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Crash torture: a child process ingests with acknowledgements (and flushes and compacts) while a
/// parent kills it with SIGKILL at random moments, then reopens the store and checks that every
/// acknowledged row is present exactly once and no partial write appears.
public enum CrashTorture {
    /// The table the torture writer fills; `size` lets the checker spot a partially applied write.
    public static let schema = TableSchema(name: "torture", columns: [
        ColumnSchema("id", .int64, nullable: false),
        ColumnSchema("batch", .int64, nullable: false),
        ColumnSchema("size", .int32, nullable: false),
        ColumnSchema("at", .timestamp, nullable: false),
        ColumnSchema("note", .string),
    ], timeColumn: "at")

    static let tenant = "torture"

    /// A rollup over the torture table: after every kill it must equal recomputation from the rows.
    public static let rollup = RollupDefinition(name: "torture_daily", keys: [
        RollupKey(name: "day", column: "at", day: true), RollupKey(name: "size", column: "size"),
    ], measures: [
        RollupMeasure(name: "n", aggregate: .count, column: nil),
        RollupMeasure(name: "notes", aggregate: .count, column: "note"),
        RollupMeasure(name: "sum_id", aggregate: .sum, column: "id"),
        RollupMeasure(name: "min_id", aggregate: .min, column: "id"),
        RollupMeasure(name: "max_batch", aggregate: .max, column: "batch"),
        RollupMeasure(name: "null_notes", aggregate: .count, column: "id", filter: RollupFilter(.isNotNull, column: "note")),
    ])

    /// Options that make flushes and compactions frequent, so kills land inside them too.
    public static var options: StoreOptions {
        var o = StoreOptions()
        o.flushRows = 3000
        o.compactBelowRows = 50_000
        o.compactMinSegments = 3
        o.rowGroupRows = 1024
        o.cacheBytes = 1 << 26
        return o
    }

    /// The child's loop: two writer threads append batches and print `ack <batch>` once each is durable;
    /// one also flushes and compacts at random. Runs until killed (or `maxBatches` per thread).
    public static func runWriter(dataDir: String, run: Int, seed: UInt64, maxBatches: Int = 1_000_000) throws {
        let cat = try Catalog(root: dataDir, options: options)
        let t = try cat.createTenant(tenant)
        let table = t.hasTable(schema.name) ? try t.table(schema.name) : try t.createTable(schema)
        // Defined in the first run, after some kills when the seed's first run is short: either way
        // segments written before it get their partials built on first use.
        if table.rollup(named: rollup.name) == nil && run % 3 == 0 { try table.defineRollup(rollup) }
        let out = Locked(FileHandle.standardOutput)
        let failure = Locked<String?>(nil)
        let threads = 2
        let done = DispatchGroup()
        for w in 0..<threads {
            done.enter()
            Thread.detachNewThread {
                defer { done.leave() }
                var rng = SplitMix(seed: seed ^ UInt64(run * 7919 + w))
                var k = w
                while k < maxBatches * threads {
                    let batchID = Int64(run) * 10_000_000 + Int64(k)
                    let n = 1 + Int(rng.next() % 300)
                    var ids = [Int64](), batches = [Int64](), sizes = [Int64](), at = [Int64]()
                    var notes = ColumnBuilder(.string, capacity: n)
                    for i in 0..<n {
                        ids.append(batchID * 1000 + Int64(i))
                        batches.append(batchID)
                        sizes.append(Int64(n))
                        at.append(1_700_000_000_000_000 + batchID * 1000 + Int64(i))
                        if rng.next() % 4 == 0 { notes.appendNull() } else { notes.append(string: "b\(batchID)-\(i)") }
                    }
                    let batch = RowBatch(columns: [
                        ColumnData.fromIntegers(.int64, ids), ColumnData.fromIntegers(.int64, batches),
                        ColumnData.fromIntegers(.int32, sizes), ColumnData.fromIntegers(.timestamp, at), notes.finish(),
                    ])
                    do {
                        try table.append(batch)
                        out.withLock { $0.write(Data("ack \(batchID)\n".utf8)) }
                        if w == 0 {
                            let r = rng.next() % 20
                            if r == 0 { try table.flush() } else if r == 1 { try table.compact() }
                        }
                    } catch {
                        failure.withLock { $0 = "\(error)" }
                        return
                    }
                    k += threads
                }
            }
        }
        done.wait()
        if let f = failure.withLock({ $0 }) { throw StorageError.closed("torture writer failed: \(f)") }
    }

    /// What a check of the store after a kill found.
    public struct Verdict: Sendable {
        public var rows = 0
        public var batches = 0
        public var problems: [String] = []
    }

    /// Reopens the store and checks it against the acknowledged batch ids.
    public static func verify(dataDir: String, acknowledged: Set<Int64>) -> Verdict {
        var v = Verdict()
        do {
            let cat = try Catalog(root: dataDir, options: options)
            guard cat.hasTenant(tenant) else {
                if !acknowledged.isEmpty { v.problems.append("tenant missing but \(acknowledged.count) batches were acknowledged") }
                return v
            }
            let t = try cat.tenant(tenant)
            guard t.hasTable(schema.name) else {
                if !acknowledged.isEmpty { v.problems.append("table missing but \(acknowledged.count) batches were acknowledged") }
                return v
            }
            let all = try t.table(schema.name).snapshot().readAll()
            v.rows = all.count
            var perBatch: [Int64: (count: Int, size: Int)] = [:]
            var ids = Set<Int64>()
            let idc = all.columns[0], bc = all.columns[1], sc = all.columns[2]
            for i in 0..<all.count {
                if !ids.insert(idc.integer(at: i)).inserted { v.problems.append("row id \(idc.integer(at: i)) appears twice") }
                let b = bc.integer(at: i)
                perBatch[b, default: (0, Int(sc.integer(at: i)))].count += 1
            }
            v.batches = perBatch.count
            for (b, p) in perBatch where p.count != p.size {
                v.problems.append("batch \(b) is partial: \(p.count) of \(p.size) rows")
            }
            for b in acknowledged where perBatch[b] == nil {
                v.problems.append("acknowledged batch \(b) is missing")
            }
            v.problems.append(contentsOf: RollupCheck.verify(try t.table(schema.name)))
        } catch {
            v.problems.append("reopen failed: \(error)")
        }
        if v.problems.count > 20 { v.problems = Array(v.problems.prefix(20)) + ["…"] }
        return v
    }

    /// Runs `kills` rounds: start `executable` with `arguments(run)`, SIGKILL it after a random delay,
    /// collect its acknowledgements, verify. Returns one verdict per round.
    public static func drive(executable: String, dataDir: String, kills: Int, seed: UInt64,
                             maxDelayMillis: Int = 400, progress: (Int, Verdict) -> Void = { _, _ in },
                             arguments: (Int) -> [String]) throws -> [Verdict] {
        var rng = SplitMix(seed: seed)
        var acked = Set<Int64>()
        var verdicts: [Verdict] = []
        for run in 0..<kills {
            let child = try ChildProcess(executable: executable, arguments: arguments(run))
            let delay = 30 + Int(rng.next() % UInt64(maxDelayMillis))
            Thread.sleep(forTimeInterval: Double(delay) / 1000)
            let (text, diedEarly) = child.killAndCollect()
            // Only complete lines count: a line cut by the kill was never a finished acknowledgement.
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                if line.hasPrefix("ack "), let b = Int64(line.dropFirst(4)) { acked.insert(b) }
            }
            var verdict = verify(dataDir: dataDir, acknowledged: acked)
            if diedEarly { verdict.problems.append("the writer died before it was killed (crash or error exit)") }
            progress(run, verdict)
            verdicts.append(verdict)
        }
        return verdicts
    }
}

/// SplitMix64: a tiny deterministic generator for test drivers.
public struct SplitMix: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A child process with its stdout on a pipe, spawned and reaped by pid. (Foundation's Process
/// waits through a run loop and a SIGCHLD source; with other tests spawning children in the same
/// process its waitUntilExit was seen to hang.)
struct ChildProcess {
    let pid: pid_t
    let stdoutRead: Int32

    init(executable: String, arguments: [String]) throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw StorageError.io(path: executable, operation: "pipe", errno: errno) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        // A crashing child must not start the backtracer: it would inherit the pipe and hold it open.
        let vars: [String] = ProcessInfo.processInfo.environment.filter { $0.key != "SWIFT_BACKTRACE" }.map { "\($0.key)=\($0.value)" }
            + ["SWIFT_BACKTRACE=enable=no"]
        let env: [UnsafeMutablePointer<CChar>?] = vars.map { strdup($0) } + [nil]
        defer { for a in argv + env { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, nil, argv, env)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw StorageError.io(path: executable, operation: "posix_spawn", errno: rc)
        }
        pid = child
        stdoutRead = fds[0]
    }

    /// SIGKILLs the child, reaps it, and returns everything it wrote to stdout, and whether it had
    /// died on its own before the kill (a crash or an error exit).
    func killAndCollect() -> (output: String, diedEarly: Bool) {
        var status: Int32 = 0
        let early = waitpid(pid, &status, WNOHANG) == pid
        if !early {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(stdoutRead, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        close(stdoutRead)
        return (String(decoding: out, as: UTF8.self), early)
    }
}
