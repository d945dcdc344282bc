import Foundation
import Testing

/// `tally query --run NAME --param name=value`: a named query from the shell, answering exactly
/// what the REPL's `\run` answers, with bad parameters named.
@Suite struct QueryRunTests {
    @Test func runsANamedQueryWithParameters() throws {
        let dir = Scratch()
        try makeTestStore(at: dir.path)
        let base = ["query", "--data", dir.path, "--tenant", "acme", "--queries", fixtures + "/queries", "--format", "csv"]
        let r = try runTally(base + ["--run", "performance/agents", "--param", "sector=retail", "--param", "min_calls=1"])
        #expect(r.status == 0, "\(r.stderr)")
        let repl = try runTally(["repl", "--data", dir.path, "--tenant", "acme", "--queries", fixtures + "/queries", "--format", "csv"],
                                stdin: "\\run performance/agents sector=retail min_calls=1\n")
        #expect(repl.status == 0, "\(repl.stderr)")
        #expect(r.stdout == repl.stdout)
        #expect(r.stdout.split(separator: "\n").count > 1, "the retail sector has agents: \(r.stdout)")
        // The parameter changes the answer: no agent has a million calls.
        let none = try runTally(base + ["--run", "performance/agents", "--param", "min_calls=1000000"])
        #expect(none.status == 0 && none.stdout.split(separator: "\n").count == 1, "\(none.stdout)\(none.stderr)")
    }

    @Test func badRunArgumentsAreNamed() throws {
        let dir = Scratch()
        try makeTestStore(at: dir.path)
        let base = ["query", "--data", dir.path, "--tenant", "acme", "--queries", fixtures + "/queries"]
        let noEquals = try runTally(base + ["--run", "performance/agents", "--param", "sector"])
        #expect(noEquals.status == 64 && noEquals.stderr.contains("--param sector is not name=value"), "\(noEquals.stderr)")
        let both = try runTally(base + ["--run", "performance/agents", "SELECT 1"])
        #expect(both.status == 64 && both.stderr.contains("either SQL or --run"), "\(both.stderr)")
        let orphan = try runTally(base + ["--param", "sector=retail", "SELECT 1"])
        #expect(orphan.status == 64 && orphan.stderr.contains("--param needs --run"), "\(orphan.stderr)")
        let unknown = try runTally(base + ["--run", "performance/nothing"])
        #expect(unknown.status == 1 && unknown.stderr.contains("performance/nothing"), "\(unknown.stderr)")
        let badValue = try runTally(base + ["--run", "performance/agents", "--param", "min_calls=many"])
        #expect(badValue.status == 1 && badValue.stderr.contains("min_calls"), "\(badValue.stderr)")
        let undeclared = try runTally(base + ["--run", "performance/agents", "--param", "colour=red"])
        #expect(undeclared.status == 1 && undeclared.stderr.contains("colour"), "\(undeclared.stderr)")
    }
}
