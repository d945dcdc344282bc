import ArgumentParser
import Foundation
import TallyQuery
import TallyREPL
import TallyStorage

/// `tally demo`: creates a demo store on first use and opens the REPL on it.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Open the REPL on a demo store (generated on first use)."
    )

    @Option(name: .long, help: "Where the demo store lives.")
    var data: String = NSHomeDirectory() + "/.tally/demo"

    @Option(name: .long, help: "Folder of named queries for \\run (default: ./queries, then queries/ beside the executable).")
    var queries: String?

    /// Queries to try, shown in the banner (each runs on the demo data). Continuation lines are
    /// indented: pasted whole, they are one multi-line statement.
    static let suggestions = [
        """
        SELECT sector, count(*) AS calls, round(avg(handle_s)) AS aht_s
          FROM agent_metrics GROUP BY sector ORDER BY calls DESC;
        """,
        """
        SELECT a.name, count(*) AS calls, round(avg(m.quality_score), 2) AS quality
          FROM agent_metrics m JOIN agents a ON a.agent_id = m.agent_id
          GROUP BY a.name ORDER BY quality DESC LIMIT 5;
        """,
        """
        SELECT time_bucket(INTERVAL '1 day', started_at) AS day, count(*) AS calls,
               count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned
          FROM agent_metrics WHERE started_at >= now() - INTERVAL '7 days' GROUP BY day ORDER BY day;
        """,
        "SELECT outcome, count(*) AS calls FROM agent_metrics GROUP BY outcome ORDER BY calls DESC;",
    ]

    func run() throws {
        if !DemoData.isComplete(at: data) {
            FileHandle.standardError.write(Data("Creating a demo store in \(data) (first use)…\n".utf8))
            do { try DemoData.create(at: data) } catch {
                CLI.fail("cannot create the demo store in \(data): \(TallyError.from(error))")
            }
        }
        let catalog: Catalog
        do { catalog = try Catalog(root: data) } catch { CLI.fail("cannot open \(data): \(error)") }
        let status = CLI.runRepl(catalog: catalog, scope: .tenant(DemoData.tenant), admin: false, queries: queries, format: .table) { repl in
            CLI.banner(repl, data: data)
                + "Generated contact-center data of the last \(DemoData.days) days, tenant \(DemoData.tenant) (four more tenants in the store). Try:\n"
                + Self.suggestions.map { $0.split(separator: "\n").map { "  " + $0 + "\n" }.joined() }.joined(separator: "\n")
                + "\n"
        }
        if status != 0 { throw ExitCode(status) }
    }
}
