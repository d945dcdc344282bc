import ArgumentParser
import Foundation
import TallyQuery
import TallyREPL

/// `tally query`: runs SQL from the shell and prints the answer; the exit status says whether it worked.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run SQL from the command line.",
        discussion: """
            Prints each statement's answer to stdout and errors (with a caret under the spot) to \
            stderr. Exit status: 0 when every statement worked, 1 when one failed (the rest are \
            not run), 130 when interrupted, 64 for a bad command line. Without SQL, reads it from stdin. \
            `--run NAME --param name=value …` runs a named query of the library instead, as the \
            REPL's `\\run NAME name=value …` does.
            """
    )

    @OptionGroup var scope: ScopeOptions

    @Option(name: .long, help: "How answers are printed: table, csv, json or markdown.")
    var format: ResultFormat = .table

    @Flag(name: .long, help: "Print the row count and time of each statement to stderr.")
    var timing = false

    @Option(name: .customLong("run"), help: ArgumentHelp("Run this named query of the library (as \\run NAME does) instead of SQL.", valueName: "name"))
    var runName: String?

    @Option(name: .customLong("param"), help: ArgumentHelp("A parameter of the --run query as name=value (repeat for more).", valueName: "name=value"))
    var params: [String] = []

    @Option(name: .long, help: ArgumentHelp("Folder of named queries for --run (default: ./queries, then queries/ beside the executable).", valueName: "dir"))
    var queries: String?

    @Argument(help: "The SQL to run (one or more statements separated by ';').")
    var sql: String?

    func validate() throws {
        if runName != nil && sql != nil { throw ValidationError("give either SQL or --run NAME, not both") }
        if runName == nil && !params.isEmpty { throw ValidationError("--param needs --run NAME") }
        _ = try QueryCommand.runArguments(params)
    }

    /// `--param` values as named arguments; each must read `name=value` with a plain identifier.
    static func runArguments(_ params: [String]) throws -> [RunArgument] {
        try params.map { p in
            guard let eq = p.firstIndex(of: "="), eq != p.startIndex, p[..<eq].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ValidationError("--param \(p) is not name=value")
            }
            return RunArgument(name: String(p[..<eq]), value: String(p[p.index(after: eq)...]))
        }
    }

    /// The statements to run and the values of their `$k` parameters (only a named query has any).
    func script() throws -> (statements: [String], values: [Value]) {
        guard let runName else {
            let text = sql ?? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            let statements = SQLScript.split(text)
            guard !statements.isEmpty else { throw ValidationError("no SQL given") }
            return (statements.map(\.text), [])
        }
        do {
            let library = NamedQueryLibrary(directory: NamedQueryLibrary.locate(explicit: queries))
            let (text, values) = try library.find(runName).bind(try QueryCommand.runArguments(params))
            // Whole, so that error positions are the file's lines.
            return ([text], values)
        } catch let e as NamedQueryError {
            CLI.fail(e.message, hint: e.hint)
        }
    }

    func run() throws {
        let (statements, values) = try script()
        let (catalog, sessionScope) = try scope.open()
        let session = Session(catalog: catalog, scope: sessionScope)
        Interrupts.shared.install(onIdleInterrupt: { Foundation.exit(130) })
        let settings = AnswerSettings(format: format, timing: timing, maxRows: 0)
        defer { try? catalog.flushAll() }
        for statement in statements {
            let before = Interrupts.shared.interruptCount
            do {
                let r = try Interrupts.shared.whileRunning(session) { try session.execute(statement, parameters: values) }
                let a = AnswerFormatter.render(r, settings)
                FileHandle.standardOutput.write(Data(a.body.utf8))
                if timing, let footer = a.footer { FileHandle.standardError.write(Data((footer + "\n").utf8)) }
            } catch {
                let e = TallyError.from(error)
                FileHandle.standardError.write(Data((e.render(source: statement) + "\n").utf8))
                try? catalog.flushAll()
                throw ExitCode(Interrupts.shared.interruptCount != before ? 130 : 1)
            }
        }
    }
}
