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
            not run), 130 when interrupted, 64 for a bad command line. Without SQL, reads it from stdin.
            """
    )

    @OptionGroup var scope: ScopeOptions

    @Option(name: .long, help: "How answers are printed: table, csv, json or markdown.")
    var format: ResultFormat = .table

    @Flag(name: .long, help: "Print the row count and time of each statement to stderr.")
    var timing = false

    @Argument(help: "The SQL to run (one or more statements separated by ';').")
    var sql: String?

    func run() throws {
        let text = sql ?? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        let statements = SQLScript.split(text)
        guard !statements.isEmpty else { throw ValidationError("no SQL given") }
        let (catalog, sessionScope) = try scope.open()
        let session = Session(catalog: catalog, scope: sessionScope)
        Interrupts.shared.install(onIdleInterrupt: { Foundation.exit(130) })
        let settings = AnswerSettings(format: format, timing: timing, maxRows: 0)
        defer { try? catalog.flushAll() }
        for statement in statements {
            let before = Interrupts.shared.interruptCount
            do {
                let r = try Interrupts.shared.whileRunning(session) { try session.execute(statement.text) }
                let a = AnswerFormatter.render(r, settings)
                FileHandle.standardOutput.write(Data(a.body.utf8))
                if timing, let footer = a.footer { FileHandle.standardError.write(Data((footer + "\n").utf8)) }
            } catch {
                let e = TallyError.from(error)
                FileHandle.standardError.write(Data((e.render(source: statement.text) + "\n").utf8))
                try? catalog.flushAll()
                throw ExitCode(Interrupts.shared.interruptCount != before ? 130 : 1)
            }
        }
    }
}
