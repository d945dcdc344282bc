import Foundation
import Testing
import TallyQuery

/// The real `tally` binary's output compared with files in `Fixtures/golden/`. Run with
/// `TALLY_UPDATE_GOLDEN=1` to write the files from the current output (then review the diff).
@Suite(.serialized) struct GoldenTests {
    /// Compares `actual` with the golden file `name`, or rewrites it when asked to.
    func check(_ name: String, _ actual: String) throws {
        let path = fixtures + "/golden/" + name
        if ProcessInfo.processInfo.environment["TALLY_UPDATE_GOLDEN"] == "1" {
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: path, encoding: .utf8)
        if actual != expected {
            // Name the first line that differs: whole files in a failure message are hard to read.
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false), e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let i = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
            Issue.record("\(name) differs at line \(i + 1):\n  expected: \(i < e.count ? String(e[i]) : "<end>")\n  actual:   \(i < a.count ? String(a[i]) : "<end>")\n--- actual ---\n\(actual)")
        }
    }

    /// One run as text: the command, its exit status, stdout and stderr, with temporary paths named.
    func transcript(_ title: String, _ r: ProcessResult, data: String) -> String {
        func clean(_ s: String) -> String { s.replacingOccurrences(of: data, with: "$DATA").replacingOccurrences(of: fixtures, with: "$FIXTURES") }
        return "$ \(clean(title))\n[exit \(r.status)]\n--- stdout\n\(clean(r.stdout))--- stderr\n\(clean(r.stderr))\n"
    }

    /// The same answer in every format, as a script piped into `tally repl`.
    @Test func everyFormatFromTheRepl() throws {
        let dir = Scratch()
        try makeTestStore(at: dir.path)
        let query = "SELECT call_id, agent_id, sector, started_at, handle_s, quality_score, notes FROM agent_metrics ORDER BY call_id;"
        let script = ["\\timing off"] + ResultFormat.allCases.map(\.rawValue).flatMap { ["\\format \($0)", query] }
            + ["\\format table", "INSERT INTO agents VALUES (10, 'Dev Ali', 'telecom');", "SELECT count(*) AS agents FROM agents;"]
        let r = try runTally(["repl", "--data", dir.path, "--tenant", "acme"], stdin: script.joined(separator: "\n") + "\n")
        #expect(r.status == 0)
        try check("repl_formats.txt", transcript("tally repl --data $DATA --tenant acme < formats.sql", r, data: dir.path) + "--- script\n" + script.joined(separator: "\n") + "\n")
    }

    /// Errors as the binder gives them (message, caret, hint), from statements, meta commands and named queries.
    @Test func errorsFromTheRepl() throws {
        let dir = Scratch()
        try makeTestStore(at: dir.path)
        let script = [
            "\\timing off",
            "SELECT sector FROM agent_metrics WHERE;",
            "SELECT sectr, count(*)",
            "  FROM agent_metrics GROUP BY sectr;",
            "SELECT * FROM agent_metric;",
            "SELECT avgg(handle_s) FROM agent_metrics;",
            "INSERT INTO agents VALUES (1, 'x');",
            "\\fromat csv",
            "\\run performance/agents min_calls=lots",
            "\\run quality/by_sector window='3 fortnights'",
            "SELECT 'the end' AS still_running;",
        ]
        let r = try runTally(["repl", "--data", dir.path, "--tenant", "acme", "--queries", fixtures + "/queries"], stdin: script.joined(separator: "\n") + "\n")
        #expect(r.status == 1)
        try check("repl_errors.txt", transcript("tally repl --data $DATA --tenant acme --queries $FIXTURES/queries < errors.sql", r, data: dir.path)
            + "--- script\n" + script.joined(separator: "\n") + "\n")
    }

    /// `tally query`: answers on stdout, errors on stderr, and the exit status.
    @Test func queryCommandOutputsAndExitCodes() throws {
        let dir = Scratch()
        try makeTestStore(at: dir.path)
        let d = dir.path
        let bySector = "SELECT sector, count(*) AS calls, avg(quality_score) AS quality FROM agent_metrics GROUP BY sector ORDER BY sector"
        let runs: [(args: [String], stdin: String, status: Int32)] = [
            (["--data", d, "--tenant", "acme", bySector], "", 0),
            (["--data", d, "--tenant", "acme", "--format", "csv", bySector], "", 0),
            (["--data", d, "--tenant", "acme", "--format", "json", bySector], "", 0),
            (["--data", d, "--tenant", "acme", "--format", "markdown", bySector], "", 0),
            (["--data", d, "--tenant", "acme", "--format", "csv", "INSERT INTO agents VALUES (11, 'Eve Ito', 'retail'); SELECT count(*) AS n FROM agents"], "", 0),
            (["--data", d, "--tenant", "acme", "--format", "csv"], "SELECT 'from stdin' AS source;\n", 0),
            (["--data", d, "--all-tenants", "SELECT client_id, count(*) AS calls FROM agent_metrics GROUP BY client_id ORDER BY client_id"], "", 0),
            (["--data", d, "--tenant", "acme", "SELECT sector FROM agent_metrics WHERE"], "", 1),
            (["--data", d, "--tenant", "acme", "SELECT sectr FROM agent_metrics"], "", 1),
            (["--data", d, "--tenant", "acme", "SELECT 1 AS first; SELECT nope FROM agents; SELECT 3 AS never"], "", 1),
            (["--data", d, "--all-tenants", "INSERT INTO agents VALUES (12, 'x', 'y')"], "", 1),
            (["--data", d, "--tenant", "acmee", "SELECT 1"], "", 1),
            (["--data", d, "SELECT 1"], "", 1),
            (["--data", d + "/nowhere", "--tenant", "acme", "SELECT 1"], "", 1),
            (["--data", d, "--tenant", "acme", "--format", "xml", "SELECT 1"], "", 64),
            (["--data", d, "--tenant", "acme", "--all-tenants", "SELECT 1"], "", 64),
        ]
        var text = ""
        for run in runs {
            let r = try runTally(["query"] + run.args, stdin: run.stdin)
            #expect(r.status == run.status, "tally query \(run.args.joined(separator: " ")): \(r.stderr)")
            let shown = run.args.map { $0.contains(" ") || $0.isEmpty ? "\"\($0)\"" : $0 }.joined(separator: " ")
            text += transcript("tally query \(shown)" + (run.stdin.isEmpty ? "" : " <<< \(run.stdin.trimmingCharacters(in: .newlines))"), r, data: d) + "\n"
        }
        try check("query_cli.txt", text)
    }
}
