import Foundation
import Testing
@testable import TallyQuery
@testable import TallyREPL

/// The folder of this test target's fixtures (named queries, the store script, golden outputs).
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path

/// The built `tally` executable next to the test bundle (swift test builds every product).
func tallyBinary() -> String? {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = dir.appendingPathComponent("tally").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return nil
}

/// A temporary directory removed when the value goes away.
final class Scratch {
    let path = NSTemporaryDirectory() + "tally-cli-\(UUID().uuidString)"
    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The small store of `Fixtures/store.sql`: tenant acme with agents and calls, tenant beta with one call.
func makeTestStore(at dir: String) throws {
    let catalog = try Catalog(root: dir)
    try catalog.createTenant("acme")
    try catalog.createTenant("beta")
    let script = try String(contentsOfFile: fixtures + "/store.sql", encoding: .utf8)
    _ = try Session(catalog: catalog, scope: .tenant("acme")).executeScript(script)
    _ = try Session(catalog: catalog, scope: .tenant("beta")).executeScript("""
        CREATE TABLE agent_metrics (call_id BIGINT NOT NULL, sector VARCHAR NOT NULL, started_at TIMESTAMP NOT NULL);
        INSERT INTO agent_metrics VALUES (1, 'telecom', '2025-02-01 08:00:00');
        """)
    try catalog.flushAll()
}

/// A store for a query that runs long but stops soon after Ctrl-C: `big` (400,000 rows in a segment
/// of 1,024-row groups) cross `s` (1,000 rows) is 400 steps of a million row pairs, and the
/// executor checks for cancellation before each step. Small row groups keep each step (and its
/// memory) small whatever the size of the table.
func makeLongQueryStore(at dir: String) throws {
    var options = StoreOptions()
    options.rowGroupRows = 1024
    let catalog = try Catalog(root: dir, options: options)
    try catalog.createTenant("acme")
    _ = try Session(catalog: catalog, scope: .tenant("acme")).executeScript("""
        CREATE TABLE d (x BIGINT);
        CREATE TABLE s (x BIGINT);
        CREATE TABLE big (x BIGINT);
        INSERT INTO d VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
        INSERT INTO s SELECT a.x * 100 + b.x * 10 + c.x FROM d a, d b, d c;
        INSERT INTO big SELECT a.x * 1000 + b.x FROM s a, s b WHERE a.x < 400;
        """)
    try catalog.flushAll()
}

/// The long query of `makeLongQueryStore` (it matches no row pair).
let longQuery = "SELECT count(*) AS pairs FROM big a, s b WHERE a.x + b.x < 0;"

/// What a process printed and how it ended.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `tally` with `arguments`, feeding `stdin`, and waits for it (killed after `timeout` seconds).
func runTally(_ arguments: [String], stdin: String = "", environment: [String: String] = [:], timeout: Double = 120) throws -> ProcessResult {
    let exe = try #require(tallyBinary(), "the tally executable must be built next to the tests")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["TALLY_HISTORY"] = ""
    for (k, v) in environment { env[k] = v }
    p.environment = env
    let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
    p.standardInput = inPipe
    p.standardOutput = outPipe
    p.standardError = errPipe
    try p.run()
    inPipe.fileHandleForWriting.write(Data(stdin.utf8))
    try inPipe.fileHandleForWriting.close()
    // Read both pipes while the process runs, so a full pipe never blocks it.
    let out = ReadAll(outPipe.fileHandleForReading), err = ReadAll(errPipe.fileHandleForReading)
    let deadline = Date().addingTimeInterval(timeout)
    while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    // SIGKILL: the child may inherit a signal mask that blocks SIGTERM from the test runner.
    if p.isRunning { kill(p.processIdentifier, SIGKILL) }
    p.waitUntilExit()
    return ProcessResult(status: p.terminationStatus, stdout: out.wait(), stderr: err.wait())
}

/// Reads a file handle to its end on a background thread.
final class ReadAll: @unchecked Sendable {
    // Written by the reader thread before `done` is signalled, read only after waiting on it.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Lines fed to the REPL in-process, as if piped.
final class ScriptReader: LineReader {
    var lines: [String]
    var remembered: [String] = []
    init(_ script: String) { lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    var isInteractive: Bool { false }
    func read(prompt: String) -> LineInput { lines.isEmpty ? .endOfInput : .line(lines.removeFirst()) }
    func remember(_ entry: String) { remembered.append(entry) }
}

/// Collects what the REPL writes.
final class Captured: @unchecked Sendable {
    // The REPL writes from the test's thread only; the lock is for the Sendable closures.
    private let lock = NSLock()
    private var outText = "", errText = ""
    var out: String { lock.withLock { outText } }
    var err: String { lock.withLock { errText } }
    var console: Console {
        Console(out: { [self] s in lock.withLock { outText += s } }, err: { [self] s in lock.withLock { errText += s } })
    }
}
