import ArgumentParser
import Foundation
import TallyQuery

/// `tally repl`: the interactive SQL shell (also reads statements from a pipe).
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Interactive SQL over one tenant's data (or every tenant's, for admins).",
        discussion: """
            Statements end with ';' and may span lines. At a terminal: line editing, history \
            (~/.tally_history, or $TALLY_HISTORY), Tab completion, Ctrl-C cancels the running \
            statement, Ctrl-D leaves. From a pipe: runs the statements and exits 1 if one failed. \
            Type \\? for the meta commands.
            """
    )

    @OptionGroup var scope: ScopeOptions

    @Option(name: .long, help: "Folder of named queries for \\run (default: ./queries, then queries/ beside the executable).")
    var queries: String?

    @Option(name: .long, help: "How answers are printed: table, csv, json or markdown.")
    var format: ResultFormat = .table

    func run() throws {
        let (catalog, sessionScope) = try scope.open()
        let status = CLI.runRepl(catalog: catalog, scope: sessionScope, admin: scope.allTenants, queries: queries, format: format) {
            CLI.banner($0, data: scope.data)
        }
        if status != 0 { throw ExitCode(status) }
    }
}
