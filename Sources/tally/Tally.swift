import ArgumentParser
import TallyAnalytics

/// The `tally` command: one executable for the REPL, the server and the shell tools.
@main
struct Tally: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tally",
        abstract: "Tally: a columnar analytics store for contact-center data.",
        subcommands: [ReplCommand.self, QueryCommand.self, DemoCommand.self, ServeCommand.self, TokenCommand.self, GenerateCommand.self,
                      LoadCommand.self, CheckCommand.self, StorageBenchCommand.self, QueryBenchCommand.self, LoadBenchCommand.self, TortureCommand.self,
                      TortureWriterCommand.self, ReportCommand.self, RollupsCommand.self]
    )

    /// Adds the Analytics functions to the shared registry before any command builds a session.
    static func main() {
        Analytics.installIntoSharedRegistry()
        main(nil)
    }
}
