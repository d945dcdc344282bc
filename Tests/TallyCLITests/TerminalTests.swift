import Foundation
import Testing

/// The real REPL in a pseudo-terminal, used as a person would: typing, Up, editing, Tab, Ctrl-C, Ctrl-D.
/// Serialized: each test runs a `tally` process, and the machine has two cores.
@Suite(.serialized) struct TerminalTests {
    typealias Keys = PseudoTerminal

    /// `tally repl` on a store made by `make`, in a terminal with its own history file and home.
    func start(_ dir: Scratch, make: (String) throws -> Void = makeTestStore, arguments: [String] = []) throws -> PseudoTerminal {
        let exe = try #require(tallyBinary(), "the tally executable must be built next to the tests")
        try make(dir.path + "/data")
        let env = ["TERM": "xterm", "HOME": dir.path, "TALLY_HISTORY": dir.path + "/history", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        return try PseudoTerminal(exe, ["repl", "--data", dir.path + "/data", "--tenant", "acme"] + arguments, environment: env)
    }

    @Test func typeAQueryRecallItWithUpEditItAndRunIt() throws {
        let dir = Scratch()
        let t = try start(dir)
        t.expect("Tally — tenant acme, 2 tables")
        t.expect("acme> ")
        t.type("SELECT count(*) AS calls FROM agent_metrics;" + Keys.enter)
        t.expect("│      5 │")
        t.expect("1 row (")
        t.expect("acme> ")

        // Up brings the statement back on the prompt line; edit its end and run it.
        t.type(Keys.up)
        t.pump(0.5)
        #expect(t.screen.cursorLine == "acme> SELECT count(*) AS calls FROM agent_metrics;")
        t.type(Keys.backspace + " WHERE sector = 'retail';")
        t.pump(0.5)
        #expect(t.screen.cursorLine == "acme> SELECT count(*) AS calls FROM agent_metrics WHERE sector = 'retail';")
        t.type(Keys.enter)
        t.expect("│      3 │")
        t.expect("acme> ")

        // Edit in the middle: Up, move left over `';`, change the sector.
        t.type(Keys.up)
        t.type(String(repeating: Keys.left, count: 2) + String(repeating: Keys.backspace, count: 6) + "banking")
        t.pump(0.5)
        #expect(t.screen.cursorLine == "acme> SELECT count(*) AS calls FROM agent_metrics WHERE sector = 'banking';")
        t.type(Keys.enter)
        t.expect("│      2 │")
        t.expect("acme> ")

        // Ctrl-D leaves; the history file kept every statement for the next session.
        t.type(Keys.ctrlD)
        #expect(t.waitForExit() == 0)
        let history = try String(contentsOfFile: dir.path + "/history", encoding: .utf8)
        #expect(history.contains("WHERE\\040sector\\040=\\040'retail';"))
        #expect(history.contains("WHERE\\040sector\\040=\\040'banking';"))
    }

    @Test func historyIsThereInTheNextSession() throws {
        let dir = Scratch()
        let first = try start(dir)
        first.expect("acme> ")
        first.type("SELECT 'remembered' AS word;" + Keys.enter)
        first.expect("1 row")
        first.type(Keys.ctrlD)
        #expect(first.waitForExit() == 0)

        let env = ["TERM": "xterm", "HOME": dir.path, "TALLY_HISTORY": dir.path + "/history", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        let second = try PseudoTerminal(try #require(tallyBinary()), ["repl", "--data", dir.path + "/data", "--tenant", "acme"], environment: env)
        second.expect("acme> ")
        second.type(Keys.up)
        second.pump(0.5)
        #expect(second.screen.cursorLine == "acme> SELECT 'remembered' AS word;")
        second.type(Keys.enter)
        second.expect("│ remembered │")
        second.type("\\q" + Keys.enter)
        #expect(second.waitForExit() == 0)
    }

    @Test func multiLineStatementsAndTabCompletion() throws {
        let dir = Scratch()
        let t = try start(dir, arguments: ["--queries", fixtures + "/queries"])
        t.expect("acme> ")
        t.type("SELECT sec")
        t.pump(0.2)
        t.type(Keys.tab)
        // On a loaded machine libedit's redraw can arrive in pieces: wait for it to settle.
        #expect(settledLine(t, "acme> SELECT sector"))
        t.type(", count(*) AS calls" + Keys.enter)
        t.expect(" ...> ")
        t.type("FROM agent_m")
        t.pump(0.2)
        t.type(Keys.tab)
        #expect(settledLine(t, " ...> FROM agent_metrics"))
        t.type("GROUP BY sector ORDER BY sector;" + Keys.enter)
        t.expect("│ banking │      2 │")
        t.expect("│ retail  │      3 │")
        t.expect("2 rows (")
        t.expect("acme> ")

        // Meta commands and their arguments complete too.
        t.type("\\ti" + Keys.tab)
        t.pump(0.5)
        #expect(t.screen.cursorLine == "acme> \\timing")
        t.type("off" + Keys.enter)
        t.expect("timing is off")
        t.type("\\run perf" + Keys.tab)
        t.pump(0.5)
        #expect(t.screen.cursorLine == "acme> \\run performance/agents")
        t.type("sec" + Keys.tab)
        t.pump(0.5)
        #expect(t.screen.cursorLine == "acme> \\run performance/agents sector=")
        t.type("banking" + Keys.enter)
        t.expect("│ Ben Ito │")
        t.expect("1 row\n")
        t.type(Keys.ctrlD)
        #expect(t.waitForExit() == 0)
    }

    @Test func errorsShowTheCaretUnderTheSpot() throws {
        let dir = Scratch()
        let t = try start(dir)
        t.expect("acme> ")
        t.type("SELECT sector FROM agent_metrics WHERE;" + Keys.enter)
        t.expect("error: expected an expression after WHERE (line 1, column 39)\n  SELECT sector FROM agent_metrics WHERE\n                                        ^\n")
        t.expect("acme> ")
        t.type("SELECT sectr FROM agent_metrics;" + Keys.enter)
        t.expect("error: column \"sectr\" does not exist (line 1, column 8)\n  SELECT sectr FROM agent_metrics\n         ^\nhint: did you mean sector?\n")
        t.expect("acme> ")
        t.type("\\q" + Keys.enter)
        #expect(t.waitForExit() == 0)
    }

    @Test func ctrlCCancelsTheRunningQueryAndClearsThePromptLine() throws {
        let dir = Scratch()
        let t = try start(dir, make: makeLongQueryStore)
        t.expect("acme> ")

        // At the prompt, Ctrl-C drops the line being typed.
        t.type("SELECT 'this is abandoned")
        t.pump(0.3)
        t.type(Keys.ctrlC)
        t.expect("^C\nacme> ")
        #expect(t.screen.cursorLine == "acme>")

        // During a query, Ctrl-C cancels the query, not the REPL.
        t.type(longQuery + Keys.enter)
        t.pump(1.5)
        #expect(!t.sinceMark.contains("1 row"), "the query must still be running when Ctrl-C is pressed")
        let pressed = Date()
        t.type(Keys.ctrlC)
        t.expect("error: query cancelled", timeout: 30)
        #expect(Date().timeIntervalSince(pressed) < 10, "cancelling took \(Date().timeIntervalSince(pressed)) s")
        t.expect("acme> ")

        t.type("SELECT 'still here' AS alive;" + Keys.enter)
        t.expect("│ still here │")
        t.type(Keys.ctrlD)
        #expect(t.waitForExit() == 0)
    }
}

/// `tally demo`: the first run creates the store, the banner's suggestions all run.
@Suite(.serialized) struct DemoTests {
    @Test func firstUseCreatesTheStoreAndEverySuggestionRuns() throws {
        let dir = Scratch()
        let exe = try #require(tallyBinary())
        let env = ["TERM": "xterm", "HOME": dir.path, "TALLY_HISTORY": "", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        let t = try PseudoTerminal(exe, ["demo", "--data", dir.path + "/demo"], environment: env)
        t.expect("Creating a demo store in \(dir.path)/demo (first use)", timeout: 120)
        t.expect("Tally — tenant t01, 12 tables")
        t.expect("Try:\n")
        t.expect("\nt01> ")
        // The suggestions: groups of lines separated by blank lines, as a person would paste them.
        let all = t.text
        let banner = String(all[try #require(all.range(of: "Try:\n")).upperBound...]).components(separatedBy: "\nt01> ")[0]
        let suggestions = banner.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { $0.hasPrefix("SELECT") }
        #expect(suggestions.count >= 3)
        for s in suggestions {
            t.type(s.split(separator: "\n").joined(separator: "\r") + "\r")
            t.expect(" (")
            t.expect("t01> ")
        }
        #expect(!t.text.contains("error:"), "a suggested query failed:\n\(t.text)")
        #expect(!t.text.contains("0 rows"), "every suggestion finds demo data")
        t.type(PseudoTerminal.ctrlD)
        #expect(t.waitForExit() == 0)

        // The second time the store is there: no generation, straight to the prompt.
        let again = try runTally(["demo", "--data", dir.path + "/demo"], stdin: "SELECT count(*) AS agents FROM agents;\n")
        #expect(again.status == 0)
        #expect(!again.stderr.contains("Creating"))
        #expect(again.stdout.contains("1 row"))
        #expect(!again.stdout.contains("│      0 │"))
    }
}

/// Whether the cursor line becomes `expected` within `timeout` seconds.
func settledLine(_ t: PseudoTerminal, _ expected: String, timeout: Double = 10) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        t.pump(0.1)
        if t.screen.cursorLine == expected { return true }
    }
    print("cursor line is \"\(t.screen.cursorLine)\", expected \"\(expected)\"")
    return false
}
