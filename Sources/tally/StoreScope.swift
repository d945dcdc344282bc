import ArgumentParser
import Foundation
import TallyQuery
import TallyREPL
import TallyStorage

extension ResultFormat: ExpressibleByArgument {}

/// The options that say which store and which tenant a command works on.
struct ScopeOptions: ParsableArguments {
    @Option(name: .long, help: "The data directory.")
    var data: String

    @Option(name: .long, help: "The tenant whose data the session sees (may be left out when the store has one tenant).")
    var tenant: String?

    @Flag(name: .long, help: "Admins: see every tenant at once (read-only), with a client_id column.")
    var allTenants = false

    func validate() throws {
        if allTenants && tenant != nil { throw ValidationError("give --tenant or --all-tenants, not both") }
    }

    /// Opens the store and decides the scope; prints why not and exits 1 when it cannot.
    func open() throws -> (Catalog, SessionScope) {
        guard FileIO.exists(data + "/catalog") else {
            CLI.fail("no Tally store at \(data)", hint: "check --data, or run `tally demo` to create a demo store")
        }
        let catalog: Catalog
        do { catalog = try Catalog(root: data) } catch {
            CLI.fail("cannot open \(data): \(error)")
        }
        if allTenants { return (catalog, .allTenants) }
        if let tenant {
            guard catalog.hasTenant(tenant) else {
                let hint = NameSuggestion.closest(to: tenant, in: catalog.tenants).map { "did you mean \($0)?" }
                    ?? (catalog.tenants.isEmpty ? "the store has no tenants yet" : "tenants: " + catalog.tenants.joined(separator: ", "))
                CLI.fail("no tenant \(tenant) in \(data)", hint: hint)
            }
            return (catalog, .tenant(tenant))
        }
        let tenants = catalog.tenants
        guard tenants.count == 1 else {
            CLI.fail("choose a tenant with --tenant", hint: tenants.isEmpty ? "the store has no tenants yet" : "tenants: " + tenants.joined(separator: ", "))
        }
        return (catalog, .tenant(tenants[0]))
    }
}

/// Messages and exits shared by the commands.
enum CLI {
    /// Prints `error: message` (and a hint) to stderr and exits with `status`.
    static func fail(_ message: String, hint: String? = nil, status: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data(("error: \(message)\n" + (hint.map { "hint: \($0)\n" } ?? "")).utf8))
        exit(status)
    }

    /// Runs the REPL on an open store: libedit at a terminal, plain reading from a pipe.
    /// Returns the exit status.
    static func runRepl(catalog: Catalog, scope: SessionScope, admin: Bool, queries: String?, format: ResultFormat,
                        banner: (Repl) -> String) -> Int32 {
        let interactive = isatty(0) == 1
        let reader: LineReader
        if interactive {
            reader = EditLineReader(historyPath: EditLineReader.defaultHistoryPath())
        } else {
            // Nobody reads the wake pipe here: a Ctrl-C between statements ends the run, as the
            // default action would.
            Interrupts.shared.install(onIdleInterrupt: { exit(130) })
            reader = PlainLineReader()
        }
        let library = NamedQueryLibrary(directory: NamedQueryLibrary.locate(explicit: queries))
        // Scripts get every row; people get a screenful and a note.
        let settings = AnswerSettings(format: format, timing: true, maxRows: interactive ? 40 : 0)
        let repl = Repl(catalog: catalog, scope: scope, admin: admin, reader: reader, library: library, settings: settings)
        if let editor = reader as? EditLineReader {
            editor.setCompleter { [unowned repl] word, before in repl.complete(word: word, before: before) }
            Console.standard.out(banner(repl))
        }
        catalog.startMaintenance()
        let status = repl.run()
        catalog.stopMaintenance()
        // A clean exit leaves no WAL to replay at the next start.
        try? catalog.flushAll()
        return status
    }

    /// The first lines of an interactive session.
    static func banner(_ repl: Repl, data: String) -> String {
        let scope: String
        switch repl.session.scope {
        case .tenant(let t): scope = "tenant \(t)"
        case .allTenants: scope = "every tenant (client_id tells them apart)"
        }
        let tables = (try? repl.session.tables().tableNames().count) ?? 0
        return """
            Tally — \(scope), \(tables) table\(tables == 1 ? "" : "s") in \(data)
            Statements end with ';'. \\? help, \\d tables, Tab completes, Ctrl-C cancels, \\q quits.

            """
    }
}
