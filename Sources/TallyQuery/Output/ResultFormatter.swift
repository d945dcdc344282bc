import Foundation

/// Output formats for results.
public enum ResultFormat: String, Sendable, CaseIterable {
    case table, csv, json, markdown
}

/// Renders query results as aligned tables, CSV, JSON lines or Markdown.
public enum ResultFormatter {
    /// The text of one value as shown to people (NULL is the empty string here; tables show it specially).
    public static func text(_ v: Value) -> String {
        switch v {
        case .null: return ""
        case .double(let d): return formatDouble(d)
        default: return v.description
        }
    }

    /// Shortest round-tripping form, without a trailing ".0" for integral values beyond display noise.
    public static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "inf" : "-inf" }
        return "\(d)"
    }

    static func isNumeric(_ t: DataType) -> Bool { t == .int32 || t == .int64 || t == .float64 }

    /// An aligned table with column types in the header, right-aligned numbers, NULL shown as `NULL`,
    /// at most `maxRows` rows (a note says how many were cut).
    public static func table(_ r: QueryResult, maxRows: Int = 1000, nullText: String = "NULL") -> String {
        let shown = min(r.rowCount, maxRows)
        var cells: [[String]] = []
        for i in 0..<shown {
            cells.append(r.data.map { c in let v = c.value(at: i); return v.isNull ? nullText : text(v) })
        }
        let headers = r.columns.map(\.name)
        let types = r.columns.map { $0.type.description.lowercased() }
        var widths = zip(headers, types).map { max($0.count, $1.count) }
        for row in cells { for (k, c) in row.enumerated() { widths[k] = max(widths[k], c.count) } }
        func line(_ l: String, _ m: String, _ rr: String) -> String { l + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: m) + rr }
        func pad(_ s: String, _ w: Int, right: Bool) -> String {
            let p = String(repeating: " ", count: max(0, w - s.count))
            return right ? p + s : s + p
        }
        var out = [line("┌", "┬", "┐")]
        out.append("│" + headers.enumerated().map { " " + pad($1, widths[$0], right: false) + " " }.joined(separator: "│") + "│")
        out.append("│" + types.enumerated().map { " " + pad($1, widths[$0], right: false) + " " }.joined(separator: "│") + "│")
        out.append(line("├", "┼", "┤"))
        for row in cells {
            out.append("│" + row.enumerated().map { k, c in " " + pad(c, widths[k], right: isNumeric(r.columns[k].type)) + " " }.joined(separator: "│") + "│")
        }
        out.append(line("└", "┴", "┘"))
        if shown < r.rowCount { out.append("(showing \(shown) of \(r.rowCount) rows)") }
        return out.joined(separator: "\n")
    }

    /// RFC 4180 CSV with a header row; NULL is an empty field.
    public static func csv(_ r: QueryResult) -> String {
        func quote(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        var lines = [r.columns.map { quote($0.name) }.joined(separator: ",")]
        for i in 0..<r.rowCount { lines.append(r.data.map { quote(text($0.value(at: i))) }.joined(separator: ",")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A JSON value for a Value.
    public static func json(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? formatDouble(d) : "null"
        case .timestamp(let t): return jsonString(Timestamp.format(t))
        case .string(let s): return jsonString(s)
        }
    }

    /// A JSON string literal with escapes.
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// One JSON object per row, newline-separated (as DuckDB's COPY … (FORMAT json)).
    public static func jsonLines(_ r: QueryResult) -> String {
        (0..<r.rowCount).map { i in
            "{" + r.columns.enumerated().map { k, c in jsonString(c.name) + ":" + json(r.data[k].value(at: i)) }.joined(separator: ",") + "}"
        }.joined(separator: "\n") + (r.rowCount > 0 ? "\n" : "")
    }

    /// A JSON array of rows, each an array, plus typed column headers: the shape the line protocol sends.
    public static func jsonDocument(_ r: QueryResult) -> String {
        let cols = r.columns.map { "{\"name\":\(jsonString($0.name)),\"type\":\(jsonString($0.type.description))}" }.joined(separator: ",")
        let rows = (0..<r.rowCount).map { i in "[" + r.data.map { json($0.value(at: i)) }.joined(separator: ",") + "]" }.joined(separator: ",")
        return "{\"columns\":[\(cols)],\"rows\":[\(rows)],\"row_count\":\(r.rowCount)}"
    }

    /// A GitHub-flavoured Markdown table.
    public static func markdown(_ r: QueryResult) -> String {
        func esc(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var lines = ["| " + r.columns.map { esc($0.name) }.joined(separator: " | ") + " |"]
        lines.append("|" + r.columns.map { isNumeric($0.type) ? "---:" : "---" }.joined(separator: "|") + "|")
        for i in 0..<r.rowCount {
            lines.append("| " + r.data.map { c in let v = c.value(at: i); return v.isNull ? "NULL" : esc(text(v)) }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Renders in `format`.
    public static func render(_ r: QueryResult, as format: ResultFormat, maxRows: Int = 1000) -> String {
        switch format {
        case .table: return table(r, maxRows: maxRows)
        case .csv: return csv(r)
        case .json: return jsonLines(r)
        case .markdown: return markdown(r)
        }
    }
}
