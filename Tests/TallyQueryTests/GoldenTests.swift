import Foundation
import Testing
@testable import TallyQuery

/// Golden SQL tests: the records of `fixtures/sql/*.test` (format in `fixtures/sql/README.md`) run
/// against a fresh store loaded with the CSVs of `fixtures/sql/data`; expected results come from
/// DuckDB (`fixtures/sql/generate.py`). A mismatch is reported at the record's line in its file.
@Suite struct GoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/sql").path
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
        .filter { $0.hasSuffix(".test") }.sorted()

    @Test(arguments: files) func golden(_ file: String) throws {
        let path = GoldenTests.root + "/" + file
        let records = try GoldenFile.parse(String(contentsOfFile: path, encoding: .utf8))
        let runner = try GoldenRunner(dataDir: GoldenTests.root + "/data")
        defer { runner.close() }
        for record in records {
            if let problem = runner.check(record) {
                Issue.record(Comment(rawValue: "\(file):\(record.line): \(record.title)\n\(record.sql)\n\(problem)"),
                             sourceLocation: SourceLocation(fileID: "TallyQueryTests/\(file)", filePath: path, line: record.line, column: 1))
            }
        }
    }

    /// The suite covers the issue's minimum and every file parses.
    @Test func coverage() throws {
        #expect(GoldenTests.files.count >= 10)
        var total = 0
        for file in GoldenTests.files {
            let records = try GoldenFile.parse(String(contentsOfFile: GoldenTests.root + "/" + file, encoding: .utf8))
            #expect(!records.isEmpty, "\(file) has no records")
            total += records.count
        }
        #expect(total >= 300)
    }
}

// MARK: - The file format

struct GoldenRecord {
    enum Kind {
        /// Rows to compare; `rowsort` compares them in any order.
        case query(name: String, rowsort: Bool, header: [(name: String, type: String)], rows: [[String]])
        case statementOK
        /// The error code, and optional message and hint substrings and position.
        case statementError(code: String, message: String?, hint: String?, line: Int?, column: Int?)
    }

    var kind: Kind
    /// 1-based line of the record's first line.
    var line: Int
    var sql: String

    var title: String {
        switch kind {
        case .query(let name, _, _, _): return "query \(name)"
        case .statementOK: return "statement ok"
        case .statementError(let code, _, _, _, _): return "statement error \(code)"
        }
    }
}

enum GoldenFile {
    struct FormatError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> [GoldenRecord] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var records: [GoldenRecord] = []
        var i = 0
        while i < lines.count {
            let first = lines[i]
            guard first.hasPrefix("query ") || first.hasPrefix("statement ") else { i += 1; continue }
            var j = i
            while j < lines.count && !lines[j].trimmingCharacters(in: .whitespaces).isEmpty { j += 1 }
            records.append(try record(Array(lines[i..<j]), line: i + 1))
            i = j
        }
        return records
    }

    static func record(_ lines: [String], line: Int) throws -> GoldenRecord {
        func fail(_ why: String) -> FormatError { FormatError(description: "line \(line): \(why)") }
        let words = lines[0].split(separator: " ").map(String.init)
        let body = Array(lines.dropFirst())
        let sep = body.firstIndex(of: "----")
        let sql = body[..<(sep ?? body.count)].filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("-- duckdb:") }.joined(separator: "\n")
        guard !sql.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("the record has no SQL") }
        let expected = sep.map { Array(body[($0 + 1)...]) } ?? []
        switch words[0] {
        case "query":
            guard words.count >= 2 else { throw fail("a query needs a name") }
            guard sep != nil, let head = expected.first else { throw fail("query \(words[1]) has no expected result (run generate.py)") }
            let header = try splitCells(head).map { cell -> (name: String, type: String) in
                guard let colon = cell.lastIndex(of: ":") else { throw fail("header cell '\(cell)' is not name:TYPE") }
                return (unescape(String(cell[..<colon])), String(cell[cell.index(after: colon)...]))
            }
            let rows = try expected.dropFirst().map { row -> [String] in
                let cells = try splitCells(row)
                guard cells.count == header.count else { throw fail("row '\(row)' has \(cells.count) cells, the header \(header.count)") }
                return cells
            }
            return GoldenRecord(kind: .query(name: words[1], rowsort: words.contains("rowsort"), header: header, rows: rows), line: line, sql: sql)
        case "statement" where words.count >= 2 && words[1] == "ok":
            return GoldenRecord(kind: .statementOK, line: line, sql: sql)
        case "statement" where words.count >= 3 && words[1] == "error":
            var message: String?, hint: String?, at: (Int, Int)?
            for e in expected {
                if e.hasPrefix("message: ") { message = String(e.dropFirst(9)) }
                else if e.hasPrefix("hint: ") { hint = String(e.dropFirst(6)) }
                else if e.hasPrefix("at: ") {
                    let parts = e.dropFirst(4).split(separator: ":").compactMap { Int($0) }
                    guard parts.count == 2 else { throw fail("write the position as at: LINE:COLUMN") }
                    at = (parts[0], parts[1])
                } else { throw fail("unknown error expectation '\(e)' (message:, hint: or at:)") }
            }
            return GoldenRecord(kind: .statementError(code: words[2], message: message, hint: hint, line: at?.0, column: at?.1), line: line, sql: sql)
        default:
            throw fail("expected 'query <name> [rowsort] [manual]', 'statement ok' or 'statement error <code>'")
        }
    }

    /// Splits a row at unescaped `|` (escapes stay in the cells).
    static func splitCells(_ row: String) throws -> [String] {
        var cells: [String] = [], cur = ""
        var escaped = false
        for c in row {
            if escaped { cur.append("\\"); cur.append(c); escaped = false }
            else if c == "\\" { escaped = true }
            else if c == "|" { cells.append(cur); cur = "" }
            else { cur.append(c) }
        }
        if escaped { throw FormatError(description: "row '\(row)' ends in a lone backslash") }
        cells.append(cur)
        return cells
    }

    /// The text of an escaped string cell: \\ \| \n \t, \s (a space), \e (the empty string), \c → c.
    static func unescape(_ cell: String) -> String {
        if cell == "\\e" { return "" }
        var out = ""
        var escaped = false
        for c in cell {
            if escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                case "s": out.append(" ")
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" { escaped = true } else { out.append(c) }
        }
        return out
    }

    /// A value as a cell (for showing actual results in the file's notation; column names too).
    static func cell(_ v: Value) -> String {
        switch v {
        case .null: return "NULL"
        case .string(let s):
            if s.isEmpty { return "\\e" }
            var out = s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "|", with: "\\|")
                .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t")
            if out == "NULL" { return "\\NULL" }
            let lead = out.prefix { $0 == " " }.count
            if lead == out.count { return String(repeating: "\\s", count: lead) }
            let trail = out.reversed().prefix { $0 == " " }.count
            out = String(repeating: "\\s", count: lead) + out.dropFirst(lead).dropLast(trail) + String(repeating: "\\s", count: trail)
            return out
        case .double(let d):
            if d.isNaN { return "nan" }
            if d.isInfinite { return d > 0 ? "inf" : "-inf" }
            return "\(d)"
        default: return v.description
        }
    }
}

// MARK: - Running records

/// A fresh store with the golden tables, and one session over it.
final class GoldenRunner {
    let dir = NSTemporaryDirectory() + "tally-golden-\(UUID().uuidString)"
    let session: Session
    let dataDir: String

    init(dataDir: String) throws {
        self.dataDir = dataDir
        let catalog = try Catalog(root: dir)
        try catalog.createTenant("golden")
        session = Session(catalog: catalog, scope: .tenant("golden"))
        try FileIO.makeDirectories(dir + "/tmp")
        _ = try session.executeScript(String(contentsOfFile: dataDir + "/schema.sql", encoding: .utf8))
        for t in ["agents", "calls", "sectors", "numbers", "nothing"] {
            _ = try session.execute("COPY \(t) FROM '\(dataDir)/\(t).csv' (HEADER)")
        }
    }

    func close() { try? FileIO.removeTree(dir) }

    /// nil when the record holds, else what is wrong.
    func check(_ r: GoldenRecord) -> String? {
        let sql = r.sql.replacingOccurrences(of: "__DATA__", with: dataDir).replacingOccurrences(of: "__TMP__", with: dir + "/tmp")
        let outcome: Result<StatementResult, TallyError>
        do { outcome = .success(try session.execute(sql)) } catch { outcome = .failure(TallyError.from(error)) }
        switch (r.kind, outcome) {
        case (.statementOK, .success): return nil
        case (.statementOK, .failure(let e)), (.query, .failure(let e)):
            return "unexpected error \(e.code): \(e.description)" + (e.hint.map { " (hint: \($0))" } ?? "")
        case (.statementError(let code, _, _, _, _), .success):
            return "expected error \(code), but the statement succeeded"
        case (.statementError(let code, let message, let hint, let line, let column), .failure(let e)):
            var problems: [String] = []
            if e.code != code { problems.append("error code \(e.code), expected \(code)") }
            if let message, !e.message.contains(message) { problems.append("message \"\(e.message)\" does not contain \"\(message)\"") }
            if let hint, !(e.hint ?? "").contains(hint) { problems.append("hint \"\(e.hint ?? "<none>")\" does not contain \"\(hint)\"") }
            if let line, let column, e.position?.line != line || e.position?.column != column {
                problems.append("position \(e.position.map { "\($0.line):\($0.column)" } ?? "<none>"), expected \(line):\(column)")
            }
            return problems.isEmpty ? nil : problems.joined(separator: "\n")
        case (.query(_, let rowsort, let header, let rows), .success(let s)):
            guard let result = s.result else { return "the statement returned no rows (\(s.message ?? "no message"))" }
            return GoldenRunner.compare(result, header: header, rows: rows, rowsort: rowsort)
        }
    }

    /// Integer types form one family: DuckDB types integer literals INTEGER and widens sums to HUGEINT.
    static func family(_ t: String) -> String { t == "INTEGER" || t == "BIGINT" ? "integer" : t }

    static func compare(_ r: QueryResult, header: [(name: String, type: String)], rows: [[String]], rowsort: Bool) -> String? {
        let actualHeader = r.columns.map { GoldenFile.cell(.string($0.name)) + ":" + $0.type.description }.joined(separator: "|")
        let expectedHeader = header.map { GoldenFile.cell(.string($0.name)) + ":" + $0.type }.joined(separator: "|")
        func show() -> String {
            let shown = (0..<min(r.rowCount, 40)).map { i in r.data.map { GoldenFile.cell($0.value(at: i)) }.joined(separator: "|") }
            return "expected:\n" + ([expectedHeader] + rows.map { $0.joined(separator: "|") }).joined(separator: "\n")
                + "\nactual:\n" + ([actualHeader] + shown).joined(separator: "\n") + (r.rowCount > 40 ? "\n… \(r.rowCount) rows" : "")
        }
        guard r.columns.count == header.count,
              zip(r.columns, header).allSatisfy({ $0.name == $1.name && family($0.type.description) == family($1.type) }) else {
            return "columns differ\n" + show()
        }
        guard r.rowCount == rows.count else { return "\(r.rowCount) rows, expected \(rows.count)\n" + show() }
        var expected: [[Value]] = []
        for row in rows {
            var values: [Value] = []
            for (c, text) in row.enumerated() {
                guard let v = parse(text, as: header[c].type) else { return "cannot read '\(text)' as \(header[c].type)" }
                values.append(v)
            }
            expected.append(values)
        }
        var actual = r.rows
        if rowsort {
            expected.sort { sortKey($0) < sortKey($1) }
            actual.sort { sortKey($0) < sortKey($1) }
        }
        for (i, (a, e)) in zip(actual, expected).enumerated() {
            for c in 0..<a.count where !same(a[c], e[c]) {
                return "row \(i + 1), column \(header[c].name): \(GoldenFile.cell(a[c])), expected \(GoldenFile.cell(e[c]))\n" + show()
            }
        }
        return nil
    }

    static func parse(_ text: String, as type: String) -> Value? {
        if text == "NULL" { return .null }
        switch type {
        case "INTEGER", "BIGINT": return Int64(text).map { .int($0) }
        case "DOUBLE": return Double(text).map { .double($0) }
        case "BOOLEAN": return text == "true" ? .bool(true) : (text == "false" ? .bool(false) : nil)
        case "TIMESTAMP": return Timestamp.parse(text).map { .timestamp($0) }
        case "VARCHAR": return .string(GoldenFile.unescape(text))
        default: return nil
        }
    }

    /// Doubles agree within a relative 1e-9 (or 1e-12 absolutely, near zero); NaN equals NaN.
    static func same(_ a: Value, _ e: Value) -> Bool {
        switch (a, e) {
        case (.double(let x), .double(let y)):
            if x.isNaN || y.isNaN { return x.isNaN && y.isNaN }
            if x == y { return true }
            return abs(x - y) <= 1e-9 * max(abs(x), abs(y)) || abs(x - y) < 1e-12
        default: return a == e
        }
    }

    /// Orders rows for `rowsort` records; doubles to 9 digits so tolerance does not change the order.
    static func sortKey(_ row: [Value]) -> String {
        row.map { v -> String in
            if case .double(let d) = v, d.isFinite { return String(format: "%.9g", d) }
            return GoldenFile.cell(v)
        }.joined(separator: "|")
    }
}
