import TallyQuery

/// A backslash command of the REPL, parsed from one input line.
public enum MetaCommand: Sendable, Equatable {
    case help
    case quit
    /// `\d` lists tables; `\d TABLE` describes one.
    case describe(String?)
    /// `\timing` toggles; `\timing on|off` sets.
    case timing(Bool?)
    /// `\format` shows the format; `\format NAME` sets it.
    case format(ResultFormat?)
    /// `\tenant` shows the scope and the tenants; `\tenant NAME` (or `*` for all, admins) switches.
    case tenant(String?)
    /// `\i FILE` runs the statements of a file.
    case include(String)
    /// `\o FILE` sends answers to a file; `\o` alone sends them back to the screen.
    case output(String?)
    /// `\explain [analyze] [SQL]`: the plan of SQL, or of the last statement run.
    case explain(analyze: Bool, sql: String?)
    /// `\run NAME [ARGS]`: a named query from the queries folder.
    case run(name: String, arguments: [RunArgument])
    /// `\queries` (or `\run` alone) lists the named queries.
    case queries
    /// `\rows N`: the most rows a table shows (0: all); `\rows` shows the setting.
    case rows(Int?)
    /// `\r`: forget the unfinished statement.
    case reset

    /// Usage lines for `\?`, in the order shown.
    public static let usage: [(usage: String, what: String)] = [
        ("\\?", "this help"),
        ("\\d", "list tables, with columns and rows"),
        ("\\d TABLE", "describe a table: columns, types, NULLs, time column"),
        ("\\format [table|csv|json|markdown]", "show or set how answers are printed"),
        ("\\timing [on|off]", "show or hide the row count's time"),
        ("\\rows [N]", "most rows a table shows (0: all)"),
        ("\\tenant [NAME|*]", "show the tenants, or switch to one (* = all, admins)"),
        ("\\i FILE", "run the statements of a file"),
        ("\\o [FILE]", "send answers to a file; \\o alone: back to the screen"),
        ("\\explain [analyze] [SQL]", "the plan of SQL, or of the last statement"),
        ("\\queries", "list the named queries and their parameters"),
        ("\\run NAME [p=v …]", "run a named query (p=v or values in order)"),
        ("\\r", "forget the statement being typed"),
        ("\\q", "quit (Ctrl-D too)"),
    ]

    /// Every command word, for completion and "did you mean".
    public static let words = ["?", "h", "help", "d", "dt", "describe", "format", "timing", "rows", "tenant", "i", "include",
                               "o", "out", "explain", "queries", "run", "r", "reset", "q", "quit"]

    /// Parses a line that starts with `\`.
    public static func parse(_ line: String) throws(MetaCommandError) -> MetaCommand {
        var text = Substring(line.trimmingWhitespace())
        guard text.first == "\\" else { throw MetaCommandError("meta commands start with \\") }
        text = text.dropFirst()
        let word = String(text.prefix { !$0.isWhitespace }).lowercased()
        let rest = text.dropFirst(word.count).trimmingWhitespace()
        let args = try splitArguments(rest)

        func noArguments(_ c: MetaCommand) throws(MetaCommandError) -> MetaCommand {
            guard args.isEmpty else { throw MetaCommandError("\\\(word) takes no arguments") }
            return c
        }
        func atMostOne() throws(MetaCommandError) -> String? {
            guard args.count <= 1 else { throw MetaCommandError("\\\(word) takes at most one argument") }
            return args.first
        }

        switch word {
        case "?", "h", "help": return try noArguments(.help)
        case "q", "quit": return try noArguments(.quit)
        case "r", "reset": return try noArguments(.reset)
        case "queries": return try noArguments(.queries)
        case "d", "dt", "describe": return .describe(try atMostOne())
        case "timing":
            switch try atMostOne()?.lowercased() {
            case nil: return .timing(nil)
            case "on", "true", "1": return .timing(true)
            case "off", "false", "0": return .timing(false)
            case let other?: throw MetaCommandError("\\timing takes on or off, not \(other)")
            }
        case "format":
            guard let name = try atMostOne() else { return .format(nil) }
            guard let f = ResultFormat(rawValue: name.lowercased()) else {
                throw MetaCommandError("unknown format \(name)", hint: "formats are " + ResultFormat.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return .format(f)
        case "rows":
            guard let n = try atMostOne() else { return .rows(nil) }
            guard let v = Int(n), v >= 0 else { throw MetaCommandError("\\rows takes a number of rows (0: all), not \(n)") }
            return .rows(v)
        case "tenant": return .tenant(try atMostOne())
        case "i", "include":
            guard let path = try atMostOne() else { throw MetaCommandError("\\i needs a file name") }
            return .include(path)
        case "o", "out": return .output(try atMostOne())
        case "explain":
            var sql = rest
            var analyze = false
            if sql.lowercased().hasPrefix("analyze") && (sql.count == 7 || sql.dropFirst(7).first?.isWhitespace == true) {
                analyze = true
                sql = sql.dropFirst(7).trimmingWhitespace()
            }
            while sql.hasSuffix(";") { sql = sql.dropLast().trimmingWhitespace() }
            return .explain(analyze: analyze, sql: sql.isEmpty ? nil : String(sql))
        case "run":
            guard let name = args.first else { return .queries }
            let arguments = args.dropFirst().map { a -> RunArgument in
                // `name=value`: the name is a plain identifier; anything else is a positional value.
                if let eq = a.firstIndex(of: "="), a[..<eq].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }), eq != a.startIndex {
                    return RunArgument(name: String(a[..<eq]), value: String(a[a.index(after: eq)...]))
                }
                return RunArgument(value: a)
            }
            return .run(name: name, arguments: arguments)
        case "":
            throw MetaCommandError("a command name must follow \\", hint: "\\? lists the commands")
        default:
            let hint = NameSuggestion.closest(to: word, in: words).map { "did you mean \\\($0)?" } ?? "\\? lists the commands"
            throw MetaCommandError("unknown command \\\(word)", hint: hint)
        }
    }

    /// Splits arguments at blanks; 'single quotes' keep blanks (with '' for a quote), also after
    /// `name=`, so `\run q sector='real estate'` has the argument `sector=real estate`.
    static func splitArguments(_ s: Substring) throws(MetaCommandError) -> [String] {
        var out: [String] = []
        var current = ""
        var inWord = false
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == "'" {
                inWord = true
                i = s.index(after: i)
                var closed = false
                while i < s.endIndex {
                    if s[i] == "'" {
                        let n = s.index(after: i)
                        if n < s.endIndex && s[n] == "'" {
                            current.append("'")
                            i = s.index(after: n)
                            continue
                        }
                        i = n
                        closed = true
                        break
                    }
                    current.append(s[i])
                    i = s.index(after: i)
                }
                guard closed else { throw MetaCommandError("unterminated quote in arguments") }
                continue
            }
            if c.isWhitespace {
                if inWord { out.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(c)
                inWord = true
            }
            i = s.index(after: i)
        }
        if inWord { out.append(current) }
        return out
    }
}

/// A meta command that cannot be parsed or run, with an optional hint.
public struct MetaCommandError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    /// As the REPL prints it: like a statement error, without a caret.
    public var description: String { "error: \(message)" + (hint.map { "\nhint: \($0)" } ?? "") }
}

extension StringProtocol {
    /// The text without leading and trailing blanks (spaces, tabs, newlines).
    func trimmingWhitespace() -> Substring {
        let s = self[...]
        guard let first = s.firstIndex(where: { !$0.isWhitespace }) else { return Substring() }
        let last = s.lastIndex(where: { !$0.isWhitespace })!
        return Substring(s[first...last])
    }
}
