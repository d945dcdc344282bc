import ArgumentParser
import Foundation
import TallyStorage

/// `tally torture`: kills an ingesting child process at random moments and checks the store after each kill.
struct TortureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "torture",
        abstract: "Crash torture: SIGKILL an ingesting writer repeatedly and verify no acknowledged row is lost."
    )

    @Option(name: .long, help: "Data directory to torture (created; should be empty).")
    var data: String
    @Option(name: .long, help: "How many kills.")
    var kills = 100
    @Option(name: .long, help: "Random seed.")
    var seed: UInt64 = 1
    @Option(name: .long, help: "Longest delay before a kill, in milliseconds.")
    var maxDelayMs = 400

    func run() throws {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let verdicts = try CrashTorture.drive(executable: exe, dataDir: data, kills: kills, seed: seed, maxDelayMillis: maxDelayMs, progress: { i, v in
            // Unbuffered, so a long run shows its progress.
            var text = "kill \(i + 1): \(v.rows) rows in \(v.batches) batches\(v.problems.isEmpty ? ", ok" : "")\n"
            for p in v.problems { text += "  PROBLEM: \(p)\n" }
            FileHandle.standardOutput.write(Data(text.utf8))
        }) { run in
            ["torture-writer", "--data", data, "--run", "\(run)", "--seed", "\(seed)"]
        }
        let failed = verdicts.filter { !$0.problems.isEmpty }.count
        print("\(verdicts.count) kills, \(failed) with problems, \(verdicts.last?.rows ?? 0) rows at the end")
        if failed > 0 { throw ExitCode(1) }
    }
}

/// The child process of `tally torture` (not for direct use).
struct TortureWriterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "torture-writer", shouldDisplay: false)

    @Option var data: String
    @Option(name: .customLong("run")) var runIndex: Int
    @Option var seed: UInt64

    func run() throws {
        try CrashTorture.runWriter(dataDir: data, run: runIndex, seed: seed)
    }
}
