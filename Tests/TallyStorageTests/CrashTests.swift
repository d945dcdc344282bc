import Foundation
import Testing
@testable import TallyStorage

/// The built `tally` executable next to the test bundle (swift test builds every product).
func tallyExecutable() -> String? {
    var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<3 {
        let candidate = dir.appendingPathComponent("tally").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        dir = dir.deletingLastPathComponent()
    }
    return nil
}

@Suite struct CrashTests {
    /// SIGKILL an ingesting, flushing, compacting child process 20 times; after every reopen each
    /// acknowledged write is present exactly once and no write is partially applied.
    @Test func killedWriterLosesNoAcknowledgedRow() throws {
        let exe = try #require(tallyExecutable(), "the tally executable must be built next to the tests")
        let dir = TempDir("tally-crash")
        let kills = Int(ProcessInfo.processInfo.environment["TALLY_CRASH_KILLS"] ?? "") ?? 20
        let verdicts = try CrashTorture.drive(executable: exe, dataDir: dir.path, kills: kills, seed: 20261125, maxDelayMillis: 300) { run in
            ["torture-writer", "--data", dir.path, "--run", "\(run)", "--seed", "20261125"]
        }
        #expect(verdicts.count == kills)
        for (i, v) in verdicts.enumerated() {
            #expect(v.problems.isEmpty, "kill \(i + 1): \(v.problems.joined(separator: "; "))")
        }
        // The writer made progress across kills, so the kills really hit a working writer.
        #expect((verdicts.last?.rows ?? 0) > 0)
        // The writer defined a rollup early on; each verdict above already compared it with
        // recomputation after the reopen. Here: it really was there to compare.
        let table = try Catalog(root: dir.path, options: CrashTorture.options).tenant("torture").table(CrashTorture.schema.name)
        #expect(table.rollup(named: CrashTorture.rollup.name) != nil)
        #expect(RollupCheck.verify(table).isEmpty)
        let report = Integrity.check(root: dir.path)
        #expect(report.problems.allSatisfy { $0.hasPrefix("torn WAL tail") }, "\(report.problems)")
    }
}
