import Testing
import TallyQuery
@testable import TallyREPL

@Suite struct MetaCommandTests {
    func parse(_ s: String) -> MetaCommand? { try? MetaCommand.parse(s) }
    func error(_ s: String) -> MetaCommandError? {
        do { _ = try MetaCommand.parse(s); return nil } catch { return error }
    }

    @Test func everyCommandParses() {
        #expect(parse("\\?") == .help)
        #expect(parse("  \\q  ") == .quit)
        #expect(parse("\\d") == .describe(nil))
        #expect(parse("\\d agent_metrics") == .describe("agent_metrics"))
        #expect(parse("\\timing") == .timing(nil))
        #expect(parse("\\timing OFF") == .timing(false))
        #expect(parse("\\format") == .format(nil))
        #expect(parse("\\format Markdown") == .format(.markdown))
        #expect(parse("\\tenant acme") == .tenant("acme"))
        #expect(parse("\\tenant *") == .tenant("*"))
        #expect(parse("\\i 'my file.sql'") == .include("my file.sql"))
        #expect(parse("\\o") == .output(nil))
        #expect(parse("\\o out.csv") == .output("out.csv"))
        #expect(parse("\\explain") == .explain(analyze: false, sql: nil))
        #expect(parse("\\explain analyze") == .explain(analyze: true, sql: nil))
        #expect(parse("\\explain SELECT 1;") == .explain(analyze: false, sql: "SELECT 1"))
        #expect(parse("\\explain ANALYZE SELECT * FROM analyzed") == .explain(analyze: true, sql: "SELECT * FROM analyzed"))
        #expect(parse("\\explain analyzed") == .explain(analyze: false, sql: "analyzed"))
        #expect(parse("\\rows 0") == .rows(0))
        #expect(parse("\\r") == .reset)
        #expect(parse("\\queries") == .queries)
        #expect(parse("\\run") == .queries)
    }

    @Test func runTakesNamedAndPositionalArgumentsWithQuotes() {
        #expect(parse("\\run performance/agents days=7 sector='real estate' 'it''s'") == .run(name: "performance/agents", arguments: [
            RunArgument(name: "days", value: "7"), RunArgument(name: "sector", value: "real estate"), RunArgument(value: "it's"),
        ]))
        #expect(parse("\\run q 2025-01-01 x=") == .run(name: "q", arguments: [RunArgument(value: "2025-01-01"), RunArgument(name: "x", value: "")]))
    }

    @Test func mistakesAreExplained() {
        #expect(error("\\fromat csv") == MetaCommandError("unknown command \\fromat", hint: "did you mean \\format?"))
        #expect(error("\\format xml") == MetaCommandError("unknown format xml", hint: "formats are table, csv, json, markdown"))
        #expect(error("\\timing maybe") == MetaCommandError("\\timing takes on or off, not maybe"))
        #expect(error("\\q now") == MetaCommandError("\\q takes no arguments"))
        #expect(error("\\d a b") == MetaCommandError("\\d takes at most one argument"))
        #expect(error("\\i") == MetaCommandError("\\i needs a file name"))
        #expect(error("\\rows -1") == MetaCommandError("\\rows takes a number of rows (0: all), not -1"))
        #expect(error("\\run q x='open") == MetaCommandError("unterminated quote in arguments"))
        #expect(error("\\")?.message == "a command name must follow \\")
        #expect(error("\\fromat csv")?.description == "error: unknown command \\fromat\nhint: did you mean \\format?")
    }
}
