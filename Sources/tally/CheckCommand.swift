import ArgumentParser
import TallyStorage

/// `tally check`: verifies every checksum and manifest of a data directory, like an integrity check.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Verify every checksum, manifest and segment of a data directory and list damaged files."
    )

    @Option(name: .long, help: "The data directory.")
    var data: String

    func run() throws {
        let report = Integrity.check(root: data)
        for line in report.lines { print(line) }
        print("checked \(report.tables) tables of \(report.tenants) tenants: \(report.problems.count == 0 ? "no problems" : "\(report.problems.count) problem(s)")")
        for p in report.problems { print("PROBLEM: \(p)") }
        if !report.problems.isEmpty { throw ExitCode(1) }
    }
}
