import Foundation
import Testing
import TallyAnalytics
@testable import TallyQuery

/// The KPI library (`queries/`) against an independent engine: every case of
/// `fixtures/kpi/expected/` names a library query and pinned parameters, and holds the rows DuckDB
/// computes for the same KPIs from KPIS.md (`fixtures/kpi/generate.py`) over one generated tenant
/// (`fixtures/kpi/data/`). The query runs through the named-query runner the REPL and server use.
@Suite struct KPILibraryTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let expectedDir = repo + "/fixtures/kpi/expected"
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: expectedDir)) ?? [])
        .filter { $0.hasSuffix(".expected") }.map { String($0.dropLast(9)) }.sorted()
    static let library = NamedQueryLibrary(directory: repo + "/queries")
    /// Library folders whose queries need functions that are not on this branch yet.
    static let pending: Set<String> = []

    /// One case: the file's `# query:` and `# param:` lines, its header and rows.
    struct Case {
        var query = ""
        var arguments: [RunArgument] = []
        var header: [(name: String, type: String)] = []
        var rows: [[String]] = []

        init(_ text: String) throws {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.last == "" { lines.removeLast() }
            var body: [String] = []
            for line in lines {
                if line.hasPrefix("# query: ") { query = String(line.dropFirst(9)) }
                else if line.hasPrefix("# param: "), let eq = line.firstIndex(of: "=") {
                    arguments.append(RunArgument(name: String(line[line.index(line.startIndex, offsetBy: 9)..<eq]), value: String(line[line.index(after: eq)...])))
                } else if !line.hasPrefix("#") { body.append(line) }
            }
            guard let head = body.first else { throw GoldenFile.FormatError(description: "no header") }
            header = try GoldenFile.splitCells(head).map { c in
                guard let colon = c.lastIndex(of: ":") else { throw GoldenFile.FormatError(description: "bad header cell \(c)") }
                return (GoldenFile.unescape(String(c[..<colon])), String(c[c.index(after: colon)...]))
            }
            rows = try body.dropFirst().map { try GoldenFile.splitCells($0) }
        }
    }

    /// A fresh tenant with the data model, loaded with the fixture tenant's CSVs.
    static func session() throws -> (Session, String) {
        Analytics.installIntoSharedRegistry()
        let dir = NSTemporaryDirectory() + "tally-kpi-\(UUID().uuidString)"
        let catalog = try Catalog(root: dir)
        try catalog.createTenant("kpi")
        let session = Session(catalog: catalog, scope: .tenant("kpi"))
        _ = try session.executeScript(DataModel.schemaSQL)
        for t in ["agents", "agent_metrics", "call_quality_scores", "customer_satisfaction", "cost_analysis",
                  "agent_status_events", "queue_events"] {
            _ = try session.execute("COPY \(t) FROM '\(repo)/fixtures/kpi/data/\(t).csv' (HEADER)")
        }
        return (session, dir)
    }

    /// The expected rows, where a rounded KPI that DuckDB and Tally round to neighbouring values
    /// (a mean lying on a half, summed in another order) takes Tally's value: they may differ by
    /// one unit in the last written decimal and no more.
    static func allowingRounding(_ r: QueryResult, _ c: Case) -> [[String]] {
        guard r.rowCount == c.rows.count, r.columns.count == c.header.count else { return c.rows }
        var rows = c.rows
        for (i, row) in c.rows.enumerated() {
            for (j, text) in row.enumerated() where c.header[j].type == "DOUBLE" {
                guard let e = Double(text), case .double(let a) = r.data[j].value(at: i), let dot = text.firstIndex(of: "."),
                      !text.contains("e") else { continue }
                let unit = pow(10, -Double(text.distance(from: dot, to: text.endIndex) - 1))
                if a != e && abs(a - e) <= unit * 1.000001 { rows[i][j] = GoldenFile.cell(.double(a)) }
            }
        }
        return rows
    }

    /// One loaded store for every case (they only read); left in the temporary directory.
    static let shared: Result<Session, any Error> = Result { try session().0 }

    @Test(arguments: cases) func matchesDuckDB(_ name: String) throws {
        let c = try Case(String(contentsOfFile: KPILibraryTests.expectedDir + "/" + name + ".expected", encoding: .utf8))
        let session = try KPILibraryTests.shared.get()
        let q = try KPILibraryTests.library.find(c.query)
        let (sql, values) = try q.bind(c.arguments)
        let r = try session.execute(sql, parameters: values)
        let result = try #require(r.result, "\(c.query) returned no rows")
        if let problem = GoldenRunner.compare(result, header: c.header, rows: KPILibraryTests.allowingRounding(result, c), rowsort: false) {
            Issue.record("\(name) (\(c.query)): \(problem)")
        }
        #expect(!c.rows.isEmpty, "\(name): a case without rows checks too little")
    }

    /// live/health's figures are the store's own: rows per table as count(*) finds them, the newest
    /// time as max() of the time column, lag from the pinned instant.
    @Test func healthReportsTheStore() throws {
        let session = try KPILibraryTests.shared.get()
        let (sql, values) = try KPILibraryTests.library.find("live/health").bind([RunArgument(name: "at", value: "2025-01-15")])
        let r = try #require(try session.execute(sql, parameters: values).result)
        let names = r.columns.map(\.name)
        let at = Timestamp.parse("2025-01-15")!
        let times = ["agent_metrics": "started_at", "queue_events": "at", "agent_status_events": "at", "customer_satisfaction": "surveyed_at"]
        var seen = 0
        for row in r.rows {
            guard case .string(let table) = row[0] else { Issue.record("no table name"); continue }
            let count = try session.execute("SELECT count(*) FROM \(table)").result!.rows[0][0]
            #expect(row[names.firstIndex(of: "rows")!] == count, "\(table)")
            if case .int(let n) = count, n > 0, case .int(let bytes) = row[names.firstIndex(of: "bytes")!] { #expect(bytes > 0, "\(table)") }
            if let col = times[table] {
                let newest = try session.execute("SELECT max(\(col)) FROM \(table)").result!.rows[0][0]
                #expect(row[names.firstIndex(of: "newest")!] == newest, "\(table)")
                if case .timestamp(let t) = newest {
                    #expect(row[names.firstIndex(of: "ingest_lag_s")!] == .double(Double(at - t) / 1e6), "\(table)")
                }
                seen += 1
            }
        }
        #expect(seen == times.count)
    }

    /// `COPY (library query) TO file` writes what the query answers, in CSV and in JSON lines.
    @Test(arguments: ["performance_sectors", "live_queue", "reports_daily_berlin"]) func copyWritesLibraryQueries(_ name: String) throws {
        let session = try KPILibraryTests.shared.get()
        let c = try Case(String(contentsOfFile: KPILibraryTests.expectedDir + "/" + name + ".expected", encoding: .utf8))
        let (sql, values) = try KPILibraryTests.library.find(c.query).bind(c.arguments)
        let direct = try #require(try session.execute(sql, parameters: values).result)
        var body = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        if body.hasSuffix(";") { body.removeLast() }
        let dir = NSTemporaryDirectory() + "tally-kpi-copy-\(UUID().uuidString)"
        try FileIO.makeDirectories(dir)
        defer { try? FileIO.removeTree(dir) }
        for (format, expected) in [("csv", ResultFormatter.csv(direct)), ("json", ResultFormatter.jsonLines(direct))] {
            let r = try session.execute("COPY (\(body)\n) TO '\(dir)/out.\(format)' (FORMAT \(format))", parameters: values)
            #expect(r.rowsAffected == direct.rowCount, "\(name) \(format)")
            let written = try String(contentsOfFile: "\(dir)/out.\(format)", encoding: .utf8)
            #expect(written == expected, "\(name): COPY … (FORMAT \(format)) differs from the query's answer")
        }
        #expect(direct.rowCount > 0)
    }

    /// Every query file reads, cites KPIS.md, declares what it answers, and has a golden case.
    @Test func everyQueryIsDocumentedAndChecked() throws {
        let (queries, errors) = KPILibraryTests.library.load()
        #expect(errors.isEmpty, "\(errors)")
        #expect(queries.count >= 27)
        let checked = Set(try KPILibraryTests.cases.map {
            try Case(String(contentsOfFile: KPILibraryTests.expectedDir + "/" + $0 + ".expected", encoding: .utf8)).query
        })
        for q in queries where !KPILibraryTests.pending.contains(String(q.name.split(separator: "/")[0])) {
            #expect(q.description != nil, "\(q.name) has no -- description:")
            #expect(q.text.contains("-- kpi: KPIS.md ") || q.name == "live/health", "\(q.name) cites no KPIS.md row")
            #expect(checked.contains(q.name) || q.name == "live/health", "\(q.name) has no case in fixtures/kpi/expected") // health: healthReportsTheStore
            #expect(q.name == String(q.path.dropFirst(KPILibraryTests.repo.count + "/queries/".count).dropLast(4)),
                    "\(q.name) is not named for its file \(q.path)")
        }
    }

    /// Every `-- kpi:` line names a row that exists in KPIS.md.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: KPILibraryTests.repo + "/../shared/KPIS.md"), "KPIS.md lives beside the repository"))
    func kpiCitationsExist() throws {
        let kpis = try String(contentsOfFile: KPILibraryTests.repo + "/../shared/KPIS.md", encoding: .utf8)
        // Table rows ("| AHT (average handle time) | …") and definition bullets ("- Erlang C: …").
        let rows = Set(kpis.split(separator: "\n").compactMap { line -> String? in
            if line.hasPrefix("- "), let colon = line.firstIndex(of: ":") { return String(line[line.index(line.startIndex, offsetBy: 2)..<colon]) }
            guard line.hasPrefix("| "), !line.hasPrefix("| KPI"), !line.hasPrefix("|---") else { return nil }
            return line.dropFirst(2).split(separator: "|").first.map { $0.trimmingCharacters(in: .whitespaces) }
        })
        for q in KPILibraryTests.library.load().queries {
            for line in q.text.split(separator: "\n") where line.hasPrefix("-- kpi: KPIS.md ") {
                let cited = line.dropFirst("-- kpi: KPIS.md ".count)
                guard let slash = cited.firstIndex(of: "/") else { Issue.record("\(q.name): \(line)"); continue }
                var row = String(cited[cited.index(after: slash)...])
                if let paren = row.range(of: " (variant") { row = String(row[..<paren.lowerBound]) }
                #expect(rows.contains { $0 == row || $0.hasPrefix(row + " (") }, "\(q.name) cites \(row), not a row of KPIS.md")
            }
        }
    }
}
