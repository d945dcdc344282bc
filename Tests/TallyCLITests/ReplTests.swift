import Foundation
import Testing
@testable import TallyQuery
@testable import TallyREPL

/// The REPL driven in-process by scripted lines: meta commands and their effects.
@Suite struct ReplTests {
    /// Runs `script` through a REPL on the test store; returns what it printed and its exit status.
    func run(_ script: String, admin: Bool = false, scope: SessionScope = .tenant("acme"), in dir: Scratch = Scratch())
        throws -> (out: String, err: String, status: Int32, remembered: [String]) {
        if !FileManager.default.fileExists(atPath: dir.path + "/catalog") { try makeTestStore(at: dir.path) }
        let captured = Captured()
        let reader = ScriptReader(script)
        let repl = Repl(catalog: try Catalog(root: dir.path), scope: scope, admin: admin, reader: reader, console: captured.console,
                        library: NamedQueryLibrary(directory: fixtures + "/queries"), settings: AnswerSettings(timing: false, maxRows: 0))
        let status = repl.run()
        return (captured.out, captured.err, status, reader.remembered)
    }

    @Test func statementsRunAndFailuresSetTheExitStatus() throws {
        let ok = try run("SELECT count(*) AS n\nFROM agent_metrics;")
        #expect(ok.out.contains("│ 5 │") || ok.out.contains("│      5 │"))
        #expect(ok.out.hasSuffix("1 row\n"))
        #expect(ok.status == 0)
        let bad = try run("SELECT nope FROM agent_metrics;\nSELECT 1 AS one;")
        #expect(bad.err.hasPrefix("error: column \"nope\" does not exist (line 1, column 8)\n  SELECT nope FROM agent_metrics\n         ^\n"))
        #expect(bad.out.contains("one"), "later statements still run")
        #expect(bad.status == 1)
    }

    @Test func theLastStatementMayLackItsSemicolonAtTheEndOfInput() throws {
        #expect(try run("SELECT 42 AS answer").out.contains("42"))
    }

    @Test func historyGetsOneEntryPerStatementAndCommand() throws {
        let dir = Scratch()
        try "SELECT 3;\n".write(toFile: dir.path + "/three.sql", atomically: true, encoding: .utf8)
        let r = try run("SELECT 1\n  AS x;\n\\timing off\nSELECT 2 -- two\n;\n\\i \(dir.path)/three.sql", in: dir)
        // Statements of a file run by \i are not typed, so they stay out of the history.
        #expect(r.remembered == ["SELECT 1 AS x;", "\\timing off", "SELECT 2 -- two\n;", "\\i \(dir.path)/three.sql"])
    }

    @Test func tenantSwitchesAndAllTenantsIsForAdmins() throws {
        let r = try run("\\tenant beta\nSELECT sector FROM agent_metrics;\n\\tenant gamma\n\\tenant *")
        #expect(r.err.contains("connected to tenant beta"))
        #expect(r.out.contains("telecom"))
        #expect(r.err.contains("error: no tenant gamma\nhint: tenants: acme, beta"))
        #expect(r.err.contains("error: only an admin session sees every tenant\nhint: start with --all-tenants"))
        let admin = try run("SELECT client_id, count(*) AS calls FROM agent_metrics GROUP BY client_id ORDER BY client_id;\n\\tenant acme\n\\tenant *",
                            admin: true, scope: .allTenants)
        #expect(admin.out.contains("acme") && admin.out.contains("beta"))
        #expect(admin.err.contains("connected to every tenant"))
        #expect(admin.status == 0)
    }

    @Test func describeListsTablesAndOneTable() throws {
        let r = try run("\\d\n\\d agent_metrics\n\\d agent_metric")
        #expect(r.out.contains("│ agent_metrics │       8 │      5 │ started_at  │"))
        #expect(r.out.contains("2 tables\n"))
        #expect(r.out.contains("│ started_at    │ TIMESTAMP   │ NO      │ time column │"))
        #expect(r.err.contains("hint: did you mean agent_metrics?"))
    }

    @Test func outputGoesToAFileAndBack() throws {
        let dir = Scratch()
        let file = dir.path + "/answers.csv"
        let r = try run("\\format csv\n\\o \(file)\nSELECT agent_id, name FROM agents ORDER BY agent_id;\n\\o\nSELECT 1 AS screen;", in: dir)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "agent_id,name\n7,Ana Costa\n8,Ben Ito\n9,Chloé Dubois\n")
        #expect(r.out == "screen\n1\n")
        #expect(r.err.contains("3 rows\n"), "the count of CSV answers goes to stderr")
    }

    @Test func includeRunsAFileAndNamesItsLineOnError() throws {
        let dir = Scratch()
        try "SELECT 7 AS seven;\n\n\\timing off\nSELECT\n  nope\nFROM agents;\n".write(toFile: dir.path + "/a.sql", atomically: true, encoding: .utf8)
        try "\\i \(dir.path)/b.sql\n".write(toFile: dir.path + "/b.sql", atomically: true, encoding: .utf8)
        let r = try run("\\i \(dir.path)/a.sql\n\\i \(dir.path)/b.sql\n\\i \(dir.path)/missing.sql", in: dir)
        #expect(r.out.contains("seven"))
        #expect(r.err.contains("\(dir.path)/a.sql: error: column \"nope\" does not exist (line 5, column 3)\n    nope\n    ^\n"))
        #expect(r.err.contains("b.sql is already being run (\\i cannot recurse)"))
        #expect(r.err.contains("error: cannot read \(dir.path)/missing.sql"))
    }

    @Test func explainShowsThePlanOfTheLastStatement() throws {
        let r = try run("SELECT sector, count(*) FROM agent_metrics GROUP BY sector;\n\\explain\n\\explain analyze SELECT count(*) FROM agents;\n\\explain")
        #expect(r.out.contains("Aggregate keys=[sector]"))
        #expect(r.out.contains("Scan agents"))
        #expect(r.out.contains("rows=3"), "ANALYZE counts rows")
        let none = try run("\\explain")
        #expect(none.err.contains("no statement to explain yet"))
    }

    @Test func namedQueriesRunWithParameters() throws {
        let r = try run("\\queries\n\\run performance/agents sector=retail\n\\explain\n\\run quality/by_sector\n\\run performance/agents min_calls=x\n\\run nothing")
        #expect(r.out.contains("│ performance/agents │ since TIMESTAMP = 2025-01-01, min_calls INTEGER = 1, sector VARCHAR = NULL │"))
        #expect(r.out.contains("2 named queries in \(fixtures)/queries"))
        #expect(r.out.contains("│ Ana Costa    │      2 │  245.0 │    4.75 │"))
        #expect(r.out.contains("│ Chloé Dubois │      1 │   NULL │    NULL │"))
        #expect(r.out.contains("│ banking │      2 │              50.0 │     3.5 │"))
        #expect(r.out.contains("HashJoin") || r.out.contains("Join"), "\\explain after \\run explains the named query with its parameters")
        #expect(r.err.contains("error: parameter min_calls: 'x' is not an integer"))
        #expect(r.err.contains("error: no named query nothing"))
    }

    @Test func settingsChangeAndAreReported() throws {
        let r = try run("\\timing on\n\\rows 1\nSELECT agent_id FROM agents ORDER BY agent_id;\n\\r\n\\?\nhelp\nexit\nSELECT 'not reached';")
        #expect(r.err.contains("timing is on\ntables show at most 1 rows\n"))
        #expect(r.out.contains("(showing 1 of 3 rows) — \\rows 0 shows all, or add LIMIT\n3 rows ("))
        #expect(r.out.contains("\\run NAME [p=v …]"))
        #expect(!r.out.contains("not reached"))
    }
}
