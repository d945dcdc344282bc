import Testing
import TallyQuery
@testable import TallyREPL

@Suite struct CompletionTests {
    let vocabulary = CompletionVocabulary(
        tables: ["agents": ["agent_id", "name", "sector"], "agent_metrics": ["call_id", "agent_id", "sector", "started_at", "handle_s"]],
        functions: ["avg", "count", "time_bucket"],
        tenants: ["acme", "beta"],
        queries: [try! NamedQuery.parse("-- param: days INTEGER = 1\n-- param: sector VARCHAR = NULL\nSELECT 1", path: "p/a.sql", defaultName: "performance/agents")])

    func complete(_ word: String, after before: String = "", pending: String = "") -> CompletionResult {
        Completion.complete(word: word, before: before, pending: pending, vocabulary: vocabulary)
    }

    @Test func tableNamesAfterFromAndJoin() {
        #expect(complete("ag", after: "SELECT * FROM ").candidates == ["agent_metrics", "agents"])
        #expect(complete("agent_m", after: "SELECT * FROM agents a JOIN ").candidates == ["agent_metrics"])
        #expect(complete("", after: "describe ").candidates == ["agent_metrics", "agents"])
    }

    @Test func columnsOfTheTablesInTheStatementAndOfAliases() {
        // Before FROM is typed every table's columns fit; once tables are named, only theirs.
        #expect(complete("han", after: "SELECT ").candidates == ["handle_s"])
        #expect(complete("s", after: "SELECT ", pending: "").candidates.contains("started_at"))
        #expect(!complete("s", after: "SELECT name, ", pending: "").candidates.contains("SELECT"))
        #expect(complete("st", after: "SELECT a.name FROM agents a WHERE ").candidates == [])
        #expect(complete("m.ha", after: "SELECT ", pending: "FROM agent_metrics m").candidates == ["m.handle_s"])
        #expect(complete("agents.", after: "SELECT ").candidates == ["agents.agent_id", "agents.name", "agents.sector"])
        #expect(complete("x.a", after: "SELECT ").candidates == [])
    }

    @Test func keywordsAndFunctionsInTheCaseTyped() {
        #expect(complete("sel").candidates == ["select"])
        #expect(complete("SEL").candidates == ["SELECT"])
        #expect(complete("time_", after: "SELECT ").candidates == ["time_bucket"])
        #expect(complete("gro", after: "SELECT count(*) FROM agents ").candidates == ["group", "groups"])
    }

    @Test func metaCommandsAndTheirArguments() {
        #expect(complete("ti", after: "\\").candidates == ["timing"])
        #expect(complete("\\fo").candidates == ["\\format"])
        #expect(complete("m", after: "\\format ").candidates == ["markdown"])
        #expect(complete("", after: "\\timing ").candidates == ["off", "on"])
        #expect(complete("b", after: "\\tenant ").candidates == ["beta"])
        #expect(complete("agents", after: "\\d ").candidates == ["agents"])
        #expect(complete("perf", after: "\\run ").candidates == ["performance/agents"])
        #expect(complete("", after: "\\run performance/agents days=3 ") == CompletionResult(candidates: ["sector"], append: "="))
        #expect(complete("q", after: "\\i ").wantsFileNames)
        #expect(complete("ana", after: "\\explain ").candidates == ["analyze"])
        // On a continuation line the words of earlier lines count: FROM ended the last one.
        #expect(complete("ag", pending: "SELECT *\nFROM").candidates == ["agent_metrics", "agents"])
    }
}
