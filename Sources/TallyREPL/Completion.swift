import TallyQuery

/// What completion can offer: the names in the session's scope, read when Tab is pressed.
public struct CompletionVocabulary: Sendable {
    /// Table name → its column names.
    public var tables: [String: [String]]
    public var functions: [String]
    public var tenants: [String]
    public var queries: [NamedQuery]

    public init(tables: [String: [String]] = [:], functions: [String] = [], tenants: [String] = [], queries: [NamedQuery] = []) {
        self.tables = tables
        self.functions = functions
        self.tenants = tenants
        self.queries = queries
    }
}

/// What to insert for the word before the cursor.
public struct CompletionResult: Sendable, Equatable {
    /// The words that fit, sorted; empty when nothing does.
    public var candidates: [String]
    /// What to type after a single candidate (a blank, or `=` after a `\run` parameter name).
    public var append: Character
    /// True when file names should be offered instead (`\i`, `\o`).
    public var wantsFileNames: Bool

    public init(candidates: [String], append: Character = " ", wantsFileNames: Bool = false) {
        self.candidates = candidates
        self.append = append
        self.wantsFileNames = wantsFileNames
    }
}

/// Tab completion of keywords, tables, columns, functions, meta commands, tenants and named queries.
public enum Completion {
    /// Keywords after which a table name comes.
    static let tableKeywords: Set<String> = ["from", "join", "into", "table", "describe", "copy", "update"]

    /// Candidates for `word`, the text just before the cursor, given what precedes it on the line
    /// (`before`) and the unfinished statement typed on earlier lines (`pending`).
    public static func complete(word: String, before: String, pending: String, vocabulary v: CompletionVocabulary) -> CompletionResult {
        let lineStart = before.trimmingWhitespace()
        if pending.isEmpty, lineStart.first == "\\" || (lineStart.isEmpty && word.first == "\\") {
            return meta(word: word, before: String(lineStart), vocabulary: v)
        }
        return sql(word: word, statement: pending + "\n" + before, vocabulary: v)
    }

    static func matching(_ prefix: String, _ names: some Sequence<String>) -> [String] {
        let p = prefix.lowercased()
        return Array(Set(names.filter { $0.lowercased().hasPrefix(p) })).sorted()
    }

    // MARK: meta commands

    static func meta(word: String, before: String, vocabulary v: CompletionVocabulary) -> CompletionResult {
        // The command word itself: `\ti` (with `\` a word break, the word is `ti` after a lone `\`).
        if before == "\\" || before.isEmpty {
            let typed = word.hasPrefix("\\") ? String(word.dropFirst()) : word
            let names = matching(typed, MetaCommand.words.filter { $0.count > 1 && $0 != "dt" && $0 != "help" })
            return CompletionResult(candidates: word.hasPrefix("\\") ? names.map { "\\" + $0 } : names)
        }
        let parts = before.dropFirst().split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard let command = parts.first?.lowercased() else { return CompletionResult(candidates: []) }
        let argIndex = parts.count - 1 // arguments already complete before this word
        switch command {
        case "d", "dt", "describe":
            return CompletionResult(candidates: argIndex == 0 ? matching(word, v.tables.keys) : [])
        case "format":
            return CompletionResult(candidates: argIndex == 0 ? matching(word, ResultFormat.allCases.map(\.rawValue)) : [])
        case "timing":
            return CompletionResult(candidates: argIndex == 0 ? matching(word, ["on", "off"]) : [])
        case "tenant":
            return CompletionResult(candidates: argIndex == 0 ? matching(word, v.tenants) : [])
        case "i", "include", "o", "out":
            return CompletionResult(candidates: [], wantsFileNames: true)
        case "run":
            if argIndex == 0 { return CompletionResult(candidates: matching(word, v.queries.map(\.name))) }
            guard let q = v.queries.first(where: { $0.name == parts[1] }), !word.contains("=") else { return CompletionResult(candidates: []) }
            let given = Set(parts.dropFirst(2).compactMap { $0.split(separator: "=").first.map { $0.lowercased() } })
            return CompletionResult(candidates: matching(word, q.parameters.map(\.name).filter { !given.contains($0.lowercased()) }), append: "=")
        case "explain":
            let rest = parts.dropFirst().joined(separator: " ")
            var r = sql(word: word, statement: rest, vocabulary: v)
            if argIndex == 0 { r.candidates = Array(Set(r.candidates + matching(word, ["analyze"]))).sorted() }
            return r
        default:
            return CompletionResult(candidates: [])
        }
    }

    // MARK: SQL

    /// The statement's tokens, roughly: words (letters, digits, `_`, `.`), single symbols, and
    /// `'…'` for each string, whose contents are skipped. Enough to find table names and aliases.
    static func words(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quote: Character?
        for c in text {
            if let q = quote {
                if c == q { quote = nil }
                continue
            }
            if c == "'" {
                if !current.isEmpty { out.append(current); current = "" }
                quote = c
                out.append("'…'")
            } else if c.isLetter || c.isNumber || c == "_" || c == "." {
                current.append(c)
            } else {
                if !current.isEmpty { out.append(current); current = "" }
                if !c.isWhitespace { out.append(String(c)) }
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// Tables named in the statement, and the aliases given to them (`agent_metrics m`, `… AS m`).
    static func referencedTables(_ tokens: [String], known: [String: [String]]) -> (tables: [String], aliases: [String: String]) {
        var tables: [String] = []
        var aliases: [String: String] = [:]
        let reserved = Set(Keyword.allCases.filter(\.isReserved).map { $0.rawValue.lowercased() })
        for (i, t) in tokens.enumerated() {
            let name = t.lowercased()
            guard known[name] != nil else { continue }
            if !tables.contains(name) { tables.append(name) }
            var j = i + 1
            if j < tokens.count, tokens[j].lowercased() == "as" { j += 1 }
            if j < tokens.count {
                let a = tokens[j].lowercased()
                if let f = a.first, f.isLetter || f == "_", !reserved.contains(a), known[a] == nil { aliases[a] = name }
            }
        }
        return (tables, aliases)
    }

    static func sql(word: String, statement: String, vocabulary v: CompletionVocabulary) -> CompletionResult {
        let tokens = words(statement)
        let (tables, aliases) = referencedTables(tokens, known: v.tables)
        // `m.ag` → columns of the table `m` stands for.
        if let dot = word.lastIndex(of: ".") {
            let qualifier = word[..<dot].lowercased()
            let table = aliases[qualifier] ?? (v.tables[qualifier] != nil ? qualifier : nil)
            guard let table, let columns = v.tables[table] else { return CompletionResult(candidates: []) }
            let prefix = String(word[..<word.index(after: dot)])
            return CompletionResult(candidates: matching(String(word[word.index(after: dot)...]), columns).map { prefix + $0 })
        }
        if let previous = tokens.last?.lowercased(), tableKeywords.contains(previous) {
            return CompletionResult(candidates: matching(word, v.tables.keys))
        }
        // Keywords in the case the word is typed in (lowercase typists get lowercase keywords).
        let lower = !word.isEmpty && word == word.lowercased()
        let keywords = Keyword.spellings.map { lower ? $0.lowercased() : $0 }
        let columns = (tables.isEmpty ? Array(v.tables.keys) : tables).flatMap { v.tables[$0] ?? [] }
        var names = matching(word, v.tables.keys) + matching(word, columns) + matching(word, v.functions) + matching(word, Array(aliases.keys))
        if !word.isEmpty { names += matching(word, keywords) }
        return CompletionResult(candidates: Array(Set(names)).sorted())
    }
}
