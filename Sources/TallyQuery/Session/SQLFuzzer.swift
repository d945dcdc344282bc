import Foundation

/// Entry point of the SQL fuzz target (`fuzz/`), also replayed over the committed corpus by the test
/// suite: text through the lexer, the parser (every statement of a script), the printer and the
/// binder and optimiser, against empty tables of the given schemas in a scratch data directory.
///
/// Bad SQL may only produce an SQLError/TallyError. Beyond not crashing, two properties are
/// checked, and a violation stops the process (the fuzzer's crash): an error's rendering never
/// fails, and a parsed statement printed back parses to the same tree.
public final class SQLFuzzer: Sendable {
    /// The scratch data directory (removed by `close`).
    public let root: String
    let session: Session

    /// Creates a scratch store with one tenant holding empty tables of `schemas`.
    public init(schemas: [TableSchema]) throws {
        root = FileManager.default.temporaryDirectory.path + "/tally-sqlfuzz-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        var options = StoreOptions()
        options.cacheBytes = 1 << 20
        let catalog = try Catalog(root: root, options: options)
        _ = try catalog.createTenant("fuzz", schemas: schemas)
        var limits = SessionLimits()
        // Bind-time subqueries run on empty tables, but a FROM-less one can still be made slow or big.
        limits.timeLimit = 1
        limits.maxQueryMemory = 64 << 20
        limits.maxRows = 1000
        limits.allowFileAccess = false
        session = Session(catalog: catalog, scope: .tenant("fuzz"), limits: limits)
    }

    /// Removes the scratch directory.
    public func close() { try? FileIO.removeTree(root) }

    /// Runs one input (bytes taken as UTF-8, invalid sequences replaced).
    public func run(_ data: UnsafeRawBufferPointer) {
        let sql = String(decoding: data, as: UTF8.self)
        _ = try? Lexer.tokenize(sql)
        let statements: [ParsedStatement]
        do { statements = try Parser.parseScript(sql) } catch {
            precondition(!error.render(source: sql).isEmpty, "empty error rendering")
            return
        }
        for parsed in statements {
            let st = parsed.statement
            let printed = st.description
            do {
                let back = try Parser.parse(printed)
                precondition(back == st, "printing changed the statement\n  input:   \(sql.prefix(400))\n  printed: \(printed.prefix(400))\n  again:   \(back.description.prefix(400))")
            } catch {
                preconditionFailure("printed statement does not parse\n  input:   \(sql.prefix(400))\n  printed: \(printed.prefix(400))\n  \(error)")
            }
            var query: Query? = nil
            switch st {
            case .query(let q): query = q
            case .explain(let e): if case .query(let q) = e.statement { query = q }
            default: break
            }
            if let query { _ = try? session.plan(query) }
        }
    }
}
