import Foundation
import TallyQuery

/// How answers are printed: the format, whether times are shown, and how many rows a table shows.
public struct AnswerSettings: Sendable, Equatable {
    public var format: ResultFormat
    /// Show how long each statement took next to its row count.
    public var timing: Bool
    /// The most rows a table shows before cutting with a note (0: all). Other formats print every row.
    public var maxRows: Int

    public init(format: ResultFormat = .table, timing: Bool = true, maxRows: Int = 40) {
        self.format = format
        self.timing = timing
        self.maxRows = maxRows
    }
}

/// One answer as text: the body (the table, CSV, …) and the line under it (row count and time).
public struct RenderedAnswer: Sendable, Equatable {
    /// The answer itself, ending in a newline.
    public var body: String
    /// "3 rows (1.2 ms)", "INSERT 5 (0.8 ms)"; nil when there is nothing to add.
    public var footer: String?
    /// True when the footer belongs beside the body: tables and Markdown are read by people, while
    /// CSV and JSON are data, so their footer goes to stderr and redirected output stays clean.
    public var footerWithBody: Bool
}

/// Frames statement results for the REPL and `tally query`.
public enum AnswerFormatter {
    /// The body and footer of one statement's result.
    public static func render(_ r: StatementResult, _ s: AnswerSettings) -> RenderedAnswer {
        let time = s.timing ? formatTime(r.elapsed) : nil
        guard let result = r.result else {
            let message = r.message ?? "OK"
            return RenderedAnswer(body: message + (time.map { " (\($0))" } ?? "") + "\n", footer: nil, footerWithBody: true)
        }
        let limit = s.maxRows == 0 ? Int.max : s.maxRows
        var body = ResultFormatter.render(result, as: s.format, maxRows: limit)
        if !body.hasSuffix("\n") { body += "\n" }
        if s.format == .table && result.rowCount > limit {
            // The formatter's note says how many rows are shown; say how to see the rest.
            body = String(body.dropLast()) + " — \\rows 0 shows all, or add LIMIT\n"
        }
        let footer = rowCount(result.rowCount) + (time.map { " (\($0))" } ?? "")
        return RenderedAnswer(body: body, footer: footer, footerWithBody: s.format == .table || s.format == .markdown)
    }

    /// "1 row", "12,345 rows".
    public static func rowCount(_ n: Int) -> String {
        "\(grouped(n)) row\(n == 1 ? "" : "s")"
    }

    /// Thousands separated by commas, independent of the locale so output is stable.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// "0.4 ms", "12.3 ms", "1.52 s".
    public static func formatTime(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }
}
