import Foundation
import TallyQuery

/// Where the REPL writes: answers to `out`, messages and errors to `err`.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.err = err
    }

    /// The process's stdout and stderr, written unbuffered so answers appear at once.
    public static let standard = Console(
        out: { s in FileHandle.standardOutput.write(Data(s.utf8)) },
        err: { s in FileHandle.standardError.write(Data(s.utf8)) })
}

/// The read–eval–print loop: reads lines, runs statements and meta commands, prints answers.
public final class Repl {
    public let catalog: Catalog
    /// The session statements run in; replaced by `\tenant`.
    public private(set) var session: Session
    /// Whether `\tenant *` (every tenant, read-only) is allowed: started with --all-tenants.
    public let admin: Bool
    public var settings: AnswerSettings
    public let library: NamedQueryLibrary
    let reader: LineReader
    let console: Console
    /// Set by `\o FILE`: answers go there instead of `console.out`.
    private var outputFile: FileHandle?
    private var buffer = StatementBuffer()
    /// The last SQL statement run and its parameters (a named query's), for `\explain` without an argument.
    private var lastStatement: String?
    private var lastParameters: [Value] = []
    /// Statements and commands that failed (the exit status of non-interactive runs).
    public private(set) var failures = 0
    private var quitting = false
    /// Set when Ctrl-C stopped a non-interactive run: it exits 130, as a shell expects.
    private var interruptedRun = false
    /// Files being run by `\i`, innermost last (to refuse a file that includes itself).
    private var includeStack: [String] = []

    public init(catalog: Catalog, scope: SessionScope, admin: Bool, reader: LineReader, console: Console = .standard,
                library: NamedQueryLibrary, settings: AnswerSettings) {
        self.catalog = catalog
        self.session = Session(catalog: catalog, scope: scope)
        self.admin = admin
        self.reader = reader
        self.console = console
        self.library = library
        self.settings = settings
    }

    /// The prompt: the tenant's name, or `*` for every tenant; `...>` while a statement is open.
    public var prompt: String {
        let name: String
        switch session.scope {
        case .tenant(let t): name = t
        case .allTenants: name = "*"
        }
        let primary = "\(name)> "
        guard !buffer.isEmpty else { return primary }
        return String(repeating: " ", count: max(0, primary.count - 5)) + "...> "
    }

    /// Reads and runs until `\q`, Ctrl-D or the end of input. Returns the exit status:
    /// 0, or for a non-interactive run 1 when a statement failed and 130 when Ctrl-C stopped it.
    public func run() -> Int32 {
        while !quitting {
            switch reader.read(prompt: prompt) {
            case .interrupted:
                buffer.reset()
            case .endOfInput:
                if reader.isInteractive {
                    console.out("\n")
                } else if !buffer.isEmpty {
                    // Piped input may leave out the last `;` (echo "SELECT 1" | tally repl).
                    let text = buffer.pending
                    buffer.reset()
                    runStatement(text, origin: nil)
                }
                quitting = true
            case .line(let line):
                handle(line: line)
            }
        }
        closeOutput()
        if interruptedRun { return 130 }
        return failures > 0 && !reader.isInteractive ? 1 : 0
    }

    /// Handles one input line: a meta command, or SQL that may complete statements.
    public func handle(line: String) {
        let trimmed = line.trimmingWhitespace()
        let isCommand = trimmed.hasPrefix("\\") || (buffer.isEmpty && ["exit", "quit", "help"].contains(trimmed.lowercased()))
        if isCommand { buffer.skip() }
        if buffer.isEmpty {
            switch trimmed.lowercased() {
            // As in psql: the words people type to leave or ask, alone on a line.
            case "exit", "quit":
                remember(String(trimmed))
                quitting = true
                return
            case "help":
                remember(String(trimmed))
                runMeta(.help)
                return
            default: break
            }
        }
        if trimmed.hasPrefix("\\") {
            remember(String(trimmed))
            do { runMeta(try MetaCommand.parse(String(trimmed))) } catch {
                fail(error.description)
            }
            return
        }
        let before = buffer.pending
        let statements = buffer.add(line: line)
        if !statements.isEmpty {
            let entry = before.isEmpty ? line : before + "\n" + line
            // One history entry per statement; joined into one line so Up recalls it whole, unless
            // a -- comment would then swallow the rest.
            remember(entry.contains("--") ? entry : entry.split(separator: "\n").map { $0.trimmingWhitespace() }.joined(separator: " "))
        }
        for s in statements {
            runStatement(s.text, origin: includeStack.last.map { ($0, s.line) })
            if quitting { return }
        }
    }

    /// Adds typed input to the history; lines read from a file by `\i` are not typed.
    func remember(_ entry: String) {
        if includeStack.isEmpty { reader.remember(entry) }
    }

    // MARK: statements

    /// Runs one statement and prints its answer or error. `origin` is the file and line it came from.
    func runStatement(_ sql: String, origin: (file: String, line: Int)?, parameters: [Value] = []) {
        lastStatement = sql
        lastParameters = parameters
        let before = Interrupts.shared.interruptCount
        do {
            let r = try Interrupts.shared.whileRunning(session) { try session.execute(sql, parameters: parameters) }
            printAnswer(r)
        } catch {
            var e = TallyError.from(error)
            var prefix = ""
            if let origin {
                if var p = e.position, p.isKnown {
                    // The position counts lines from the statement's start; say the file's line.
                    p.line += origin.line - 1
                    e.position = p
                    prefix = "\(origin.file): "
                } else {
                    prefix = "\(origin.file):\(origin.line): "
                }
            }
            let text = prefix + e.render(source: sql)
            fail(text)
            if Interrupts.shared.interruptCount != before {
                // Ctrl-C in a file run by \i stops the file, not only the statement; in a piped
                // script it stops the script.
                includeStack.removeAll()
                if !reader.isInteractive {
                    interruptedRun = true
                    quitting = true
                }
            }
        }
    }

    /// Prints an answer; `footer` replaces the row count and time (listings that are not statements).
    func printAnswer(_ r: StatementResult, footer replacement: String? = nil) {
        let a = AnswerFormatter.render(r, settings)
        write(a.body)
        if let footer = replacement ?? a.footer {
            if a.footerWithBody { write(footer + "\n") } else { console.err(footer + "\n") }
        }
    }

    /// An answer goes to the `\o` file when there is one.
    func write(_ s: String) {
        if let outputFile {
            outputFile.write(Data(s.utf8))
        } else {
            console.out(s)
        }
    }

    func fail(_ message: String) {
        failures += 1
        console.err(message.hasSuffix("\n") ? message : message + "\n")
    }

    func note(_ message: String) {
        console.err(message + "\n")
    }

    // MARK: meta commands

    func runMeta(_ command: MetaCommand) {
        switch command {
        case .help: showHelp()
        case .quit: quitting = true
        case .reset:
            buffer.reset()
            note("statement buffer cleared")
        case .timing(let on):
            settings.timing = on ?? !settings.timing
            note("timing is \(settings.timing ? "on" : "off")")
        case .format(let f):
            if let f { settings.format = f }
            note("format is \(settings.format.rawValue)")
        case .rows(let n):
            if let n { settings.maxRows = n }
            note(settings.maxRows == 0 ? "tables show every row" : "tables show at most \(settings.maxRows) rows")
        case .describe(nil): listTables()
        case .describe(let table?):
            let quoted = table.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? table : "\"\(table.replacingOccurrences(of: "\"", with: "\"\""))\""
            runStatement("DESCRIBE \(quoted)", origin: nil)
        case .tenant(let name): switchTenant(name)
        case .include(let path): include(path)
        case .output(let path): redirect(to: path)
        case .explain(let analyze, let sql):
            guard let target = sql ?? lastStatement else {
                fail(MetaCommandError("no statement to explain yet", hint: "\\explain SELECT …").description)
                return
            }
            let parameters = sql == nil ? lastParameters : []
            let stripped = target.trimmingWhitespace()
            let isExplain = stripped.lowercased().hasPrefix("explain")
            runStatement(isExplain ? String(stripped) : "EXPLAIN \(analyze ? "ANALYZE " : "")\(stripped)", origin: nil, parameters: parameters)
            lastStatement = target
            lastParameters = parameters
        case .queries: listQueries()
        case .run(let name, let arguments): runNamed(name, arguments)
        }
    }

    func showHelp() {
        let width = MetaCommand.usage.map(\.usage.count).max() ?? 0
        var text = "SQL statements end with ';' and may span lines. Tab completes; Up recalls; Ctrl-C cancels.\n"
        for (usage, what) in MetaCommand.usage {
            text += "  " + usage + String(repeating: " ", count: width - usage.count + 2) + what + "\n"
        }
        text += "Formats: " + ResultFormat.allCases.map(\.rawValue).joined(separator: ", ")
            + ". Named queries come from \(library.directory ?? "a queries folder (none found)").\n"
        console.out(text)
    }

    func listTables() {
        do {
            let provider = try session.tables()
            var rows: [(String, Int, Int, String)] = []
            for name in provider.tableNames() {
                guard let schema = provider.schema(of: name) else { continue }
                let count = try provider.snapshots(of: name).reduce(0) { $0 + $1.snapshot.rowCount }
                rows.append((name, schema.columns.count, count, schema.timeColumn ?? ""))
            }
            let r = QueryResult(
                columns: [PlanColumn("table", .string), PlanColumn("columns", .int64), PlanColumn("rows", .int64), PlanColumn("time_column", .string)],
                data: [ColumnData.from(.string, rows.map { .string($0.0) }), ColumnData.from(.int64, rows.map { .int(Int64($0.1)) }),
                       ColumnData.from(.int64, rows.map { .int(Int64($0.2)) }), ColumnData.from(.string, rows.map { $0.3.isEmpty ? .null : .string($0.3) })],
                rowCount: rows.count)
            printAnswer(StatementResult(result: r), footer: "\(rows.count) table\(rows.count == 1 ? "" : "s")")
        } catch {
            fail(TallyError.from(error).render(source: ""))
        }
    }

    func switchTenant(_ name: String?) {
        guard let name else {
            let current: String
            switch session.scope {
            case .tenant(let t): current = "tenant \(t)"
            case .allTenants: current = "every tenant (read-only, with client_id)"
            }
            note("connected to \(current); tenants: \(catalog.tenants.joined(separator: ", "))")
            return
        }
        if name == "*" {
            guard admin else {
                fail(MetaCommandError("only an admin session sees every tenant", hint: "start with --all-tenants").description)
                return
            }
            session = Session(catalog: catalog, scope: .allTenants)
            note("connected to every tenant (read-only, with client_id)")
            return
        }
        guard catalog.hasTenant(name) else {
            let hint = NameSuggestion.closest(to: name, in: catalog.tenants).map { "did you mean \($0)?" }
                ?? "tenants: " + catalog.tenants.joined(separator: ", ")
            fail(MetaCommandError("no tenant \(name)", hint: hint).description)
            return
        }
        session = Session(catalog: catalog, scope: .tenant(name))
        note("connected to tenant \(name)")
    }

    func include(_ path: String) {
        let full = (path as NSString).expandingTildeInPath
        guard includeStack.count < 16, !includeStack.contains(full) else {
            fail(MetaCommandError("\(path) is already being run (\\i cannot recurse)").description)
            return
        }
        guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
            fail(MetaCommandError("cannot read \(path)").description)
            return
        }
        // A file has its own statement buffer: what it leaves unfinished must not leak into the prompt.
        let saved = buffer
        buffer = StatementBuffer()
        includeStack.append(full)
        let depth = includeStack.count
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        for line in lines {
            // A Ctrl-C (or \q) empties the stack: stop reading this file.
            guard includeStack.count == depth, !quitting else { break }
            handle(line: line)
        }
        if includeStack.count == depth, !buffer.isEmpty {
            runStatement(buffer.pending, origin: (full, buffer.lineCount))
        }
        if includeStack.count >= depth { includeStack.removeLast(includeStack.count - depth + 1) }
        buffer = saved
    }

    func redirect(to path: String?) {
        closeOutput()
        guard let path else {
            note("answers go to the screen")
            return
        }
        let full = (path as NSString).expandingTildeInPath
        guard FileManager.default.createFile(atPath: full, contents: nil), let h = FileHandle(forWritingAtPath: full) else {
            fail(MetaCommandError("cannot write \(path)").description)
            return
        }
        outputFile = h
        note("answers go to \(path)")
    }

    func closeOutput() {
        try? outputFile?.close()
        outputFile = nil
    }

    func listQueries() {
        let (queries, errors) = library.load()
        guard library.directory != nil else {
            fail(MetaCommandError("no queries folder", hint: "pass --queries DIR, or start tally where ./queries exists").description)
            return
        }
        let r = QueryResult(
            columns: [PlanColumn("name", .string), PlanColumn("parameters", .string), PlanColumn("description", .string)],
            data: [ColumnData.from(.string, queries.map { .string($0.name) }),
                   ColumnData.from(.string, queries.map { q in .string(q.parameters.map { p in
                       "\(p.name) \(p.type.sqlName)" + (p.defaultIsNull ? " = NULL" : p.defaultValue.map { " = \($0)" } ?? "")
                   }.joined(separator: ", ")) }),
                   ColumnData.from(.string, queries.map { $0.description.map(Value.string) ?? .null })],
            rowCount: queries.count)
        printAnswer(StatementResult(result: r), footer: "\(queries.count) named quer\(queries.count == 1 ? "y" : "ies") in \(library.directory ?? "")")
        for e in errors { fail(e.description) }
    }

    func runNamed(_ name: String, _ arguments: [RunArgument]) {
        do {
            let q = try library.find(name)
            let (sql, values) = try q.bind(arguments)
            runStatement(sql, origin: (q.path, 1), parameters: values)
        } catch {
            fail(error.description)
        }
    }

    // MARK: completion

    /// The names Tab can offer now (tables and columns of the current scope, functions, tenants, queries).
    public func vocabulary() -> CompletionVocabulary {
        var tables: [String: [String]] = [:]
        if let provider = try? session.tables() {
            for name in provider.tableNames() {
                var columns = provider.schema(of: name)?.columns.map(\.name) ?? []
                if provider.crossTenant { columns.append("client_id") }
                tables[name] = columns
            }
        }
        return CompletionVocabulary(tables: tables, functions: session.registry.names, tenants: catalog.tenants, queries: library.load().queries)
    }

    /// Candidates for the word before the cursor (see `Completion.complete`).
    public func complete(word: String, before: String) -> CompletionResult {
        Completion.complete(word: word, before: before, pending: buffer.pending, vocabulary: vocabulary())
    }
}
