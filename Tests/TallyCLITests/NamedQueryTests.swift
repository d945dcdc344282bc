import Foundation
import Testing
import TallyQuery
@testable import TallyREPL

@Suite struct NamedQueryTests {
    let library = NamedQueryLibrary(directory: fixtures + "/queries")

    @Test func theHeaderDeclaresNameDescriptionAndParameters() throws {
        let q = try library.find("performance/agents")
        #expect(q.name == "performance/agents")
        #expect(q.description == "Calls, average handle time and quality per agent since a day, best first.")
        #expect(q.parameters == [
            .init(name: "since", type: .timestamp, defaultValue: "2025-01-01", defaultIsNull: false, description: "first day counted"),
            .init(name: "min_calls", type: .integer, defaultValue: "1", defaultIsNull: false, description: "leave out agents with fewer calls"),
            .init(name: "sector", type: .varchar, defaultValue: nil, defaultIsNull: true, description: "one sector, or every sector"),
        ])
        #expect(library.names() == ["performance/agents", "quality/by_sector"])
        #expect(library.files() == ["performance/agents", "quality/by_sector"])
    }

    @Test func argumentsBindByNameOrPositionOverDefaults() throws {
        let q = try library.find("performance/agents")
        let (sql, values) = try q.bind([RunArgument(value: "2025-01-03"), RunArgument(name: "SECTOR", value: "retail")])
        #expect(values == [.timestamp(Timestamp.parse("2025-01-03")!), .int(1), .string("retail")])
        // `$since` became `$1` padded to the same width, so error positions are the file's.
        #expect(sql.utf8.count == q.text.utf8.count)
        #expect(sql.contains("m.started_at >= $1    \n"))
        #expect(sql.contains("($3      IS NULL OR m.sector = $3     )"))
        #expect(sql.contains("HAVING count(*) >= $2\n"))
        #expect(try q.bind([]).parameters == [.timestamp(Timestamp.parse("2025-01-01")!), .int(1), .null])
    }

    @Test func intervalsAreCheckedAndWrittenAsLiterals() throws {
        let q = try library.find("quality/by_sector")
        #expect(try q.bind([RunArgument(name: "window", value: "7 days")]).sql.contains("now() - INTERVAL '7 days'\n"))
        #expect(try q.bind([]).sql.contains("now() - INTERVAL '3650 days'\n"))
        #expect(throws: NamedQueryError.self) { try q.bind([RunArgument(value: "7 parsecs")]) }
    }

    @Test func badArgumentsAreExplained() throws {
        let q = try library.find("performance/agents")
        func error(_ args: [RunArgument]) -> NamedQueryError? {
            do { _ = try q.bind(args); return nil } catch { return error }
        }
        #expect(error([RunArgument(name: "sectr", value: "x")]) == NamedQueryError("performance/agents has no parameter sectr", hint: "did you mean sector?"))
        #expect(error([RunArgument(name: "min_calls", value: "many")]) == NamedQueryError("parameter min_calls: 'many' is not an integer"))
        #expect(error([RunArgument(name: "min_calls", value: "1"), RunArgument(name: "min_calls", value: "2")]) == NamedQueryError("parameter min_calls is given twice"))
        #expect(error([RunArgument(value: "2025-01-01"), RunArgument(value: "1"), RunArgument(value: "x"), RunArgument(value: "y")])
            == NamedQueryError("performance/agents takes 3 parameter(s), more values were given"))
        #expect(throws: NamedQueryError("no named query performance/agent", hint: "did you mean performance/agents?", kind: .notFound)) { try library.find("performance/agent") }
    }

    @Test func headersAreValidated() throws {
        func parse(_ text: String) -> NamedQueryError? {
            do { _ = try NamedQuery.parse(text, path: "q.sql", defaultName: "q"); return nil } catch { return error }
        }
        let required = try NamedQuery.parse("-- param: team VARCHAR -- the team\nSELECT $team", path: "q.sql", defaultName: "folder/q")
        #expect(required.name == "folder/q")
        #expect(required.parameters[0].isRequired)
        #expect(throws: NamedQueryError("folder/q needs a value for team (VARCHAR)", hint: "\\run folder/q team=…")) { try required.bind([]) }
        #expect(parse("-- param: n NUMBERISH\nSELECT 1")?.message == "q.sql:1: parameter n has no known type (NUMBERISH)")
        #expect(parse("-- param: n INTEGER = x\nSELECT 1")?.message == "q.sql:1: the default of n is not valid: 'x' is not an integer")
        #expect(parse("-- param: n INTEGER\n-- param: N BIGINT\nSELECT 1")?.message == "q.sql:2: parameter N is declared twice")
        #expect(parse("-- param: n INTEGER = 1 extra\nSELECT 1")?.message == "q.sql:1: unexpected `extra` after parameter n")
        #expect(parse("-- param: n NUMBERISH\nSELECT 1")?.kind == .invalidFile)
        #expect(parse("SELECT 1; SELECT 2")?.message == "q.sql: a named query holds exactly one statement, this file has 2")
        // A `$name` nobody declared is caught when the query is run.
        let undeclared = try NamedQuery.parse("-- param: days INTEGER = 1\nSELECT $dayz", path: "q.sql", defaultName: "q")
        #expect(throws: NamedQueryError("q.sql: the query uses $dayz but declares no parameter dayz", hint: "did you mean $days?", kind: .invalidFile)) { try undeclared.bind([]) }
    }

    @Test func dollarsInStringsAndCommentsAreNotParameters() throws {
        let q = try NamedQuery.parse("-- param: x INTEGER = 5\nSELECT $x, '$x', \"$x\" /* $x */ -- $x\n", path: "q.sql", defaultName: "q")
        #expect(try q.bind([]).sql == "-- param: x INTEGER = 5\nSELECT $1, '$x', \"$x\" /* $x */ -- $x\n")
    }

    @Test func theFolderIsFoundExplicitlyOrBesideTheWorkingDirectory() {
        #expect(NamedQueryLibrary.locate(explicit: "/some/where") == "/some/where")
        #expect(NamedQueryLibrary(directory: nil).names() == [])
        #expect(throws: NamedQueryError.self) { try NamedQueryLibrary(directory: nil).find("x") }
    }
}
