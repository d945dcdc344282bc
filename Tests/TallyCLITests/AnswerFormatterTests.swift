import Testing
@testable import TallyQuery
@testable import TallyREPL

@Suite struct AnswerFormatterTests {
    func result(rows: Int) -> StatementResult {
        let r = QueryResult(columns: [PlanColumn("n", .int64)], data: [ColumnData.from(.int64, (0..<rows).map { .int(Int64($0)) })], rowCount: rows)
        return StatementResult(result: r, elapsed: 0.01234)
    }

    @Test func rowCountAndTimeFollowEveryAnswer() {
        let a = AnswerFormatter.render(result(rows: 1), AnswerSettings())
        #expect(a.footer == "1 row (12.3 ms)")
        #expect(a.footerWithBody)
        #expect(a.body.hasSuffix("└────────┘\n"))
        #expect(AnswerFormatter.render(result(rows: 2), AnswerSettings(timing: false)).footer == "2 rows")
        let message = AnswerFormatter.render(StatementResult(message: "INSERT 5", rowsAffected: 5, elapsed: 2.5), AnswerSettings())
        #expect(message == RenderedAnswer(body: "INSERT 5 (2.50 s)\n", footer: nil, footerWithBody: true))
    }

    @Test func longTablesAreCutWithANoteButDataFormatsAreNot() {
        let cut = AnswerFormatter.render(result(rows: 50), AnswerSettings(maxRows: 3))
        #expect(cut.body.hasSuffix("└────────┘\n(showing 3 of 50 rows) — \\rows 0 shows all, or add LIMIT\n"))
        #expect(cut.footer == "50 rows (12.3 ms)")
        #expect(!AnswerFormatter.render(result(rows: 50), AnswerSettings(maxRows: 0)).body.contains("showing"))
        let csv = AnswerFormatter.render(result(rows: 50), AnswerSettings(format: .csv, maxRows: 3))
        #expect(csv.body.split(separator: "\n").count == 51)
        // CSV and JSON are data: their row count goes beside them (stderr), not into them.
        #expect(!csv.footerWithBody)
        #expect(!AnswerFormatter.render(result(rows: 1), AnswerSettings(format: .json)).footerWithBody)
        #expect(AnswerFormatter.render(result(rows: 1), AnswerSettings(format: .markdown)).footerWithBody)
    }

    @Test func numbersAndTimesReadWell() {
        #expect(AnswerFormatter.rowCount(0) == "0 rows")
        #expect(AnswerFormatter.rowCount(1_234_567) == "1,234,567 rows")
        #expect(AnswerFormatter.grouped(999) == "999")
        #expect(AnswerFormatter.grouped(-1000) == "-1,000")
        #expect(AnswerFormatter.formatTime(0.00004) == "0.0 ms")
        #expect(AnswerFormatter.formatTime(0.9994) == "999.4 ms")
        #expect(AnswerFormatter.formatTime(61.237) == "61.24 s")
    }
}
