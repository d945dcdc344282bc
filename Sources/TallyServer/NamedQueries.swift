import Foundation
import TallyQuery
import TallyStorage

// `RUN name {json}` uses the same named-query library as the REPL's `\run` (TallyQuery's
// NamedQuery and NamedQueryLibrary); this file only adds what the line protocol needs: names that
// cannot leave the library, bare names found in one folder, JSON arguments and stable error codes.

extension NamedQueryLibrary {
    /// The query `name` for `RUN`: `folder/name`, or a bare `name` found in exactly one folder.
    func loadForRun(_ name: String) throws(ProtocolError) -> NamedQuery {
        guard directory != nil else {
            throw ProtocolError(code: "unknown_query", message: "no queries library is configured", hint: "start the server with --queries DIR")
        }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // Each part must be a plain name: no "..", no absolute paths, nothing outside the library.
        guard (1...2).contains(parts.count), parts.allSatisfy(Identifier.isValid) else {
            throw ProtocolError(code: "unknown_query", message: "\"\(name.prefix(80))\" is not a query name", hint: "names look like kpi/sector_summary")
        }
        var wanted = name
        if parts.count == 1 {
            let matches = files().filter { $0 == name || $0.hasSuffix("/" + name) }
            guard matches.count <= 1 else {
                throw ProtocolError(code: "ambiguous_query", message: "query name \(name) is in several folders: \(matches.joined(separator: ", "))",
                                    hint: "write folder/\(name)")
            }
            wanted = matches.first ?? name
        }
        do { return try find(wanted) } catch { throw ProtocolError(error, library: directory) }
    }
}

extension NamedQuery {
    /// The SQL to run and its parameter values for `RUN`'s JSON object of arguments (by name).
    func bind(json: JSONValue?) throws(ProtocolError) -> (sql: String, values: [Value]) {
        var arguments: [RunArgument] = []
        switch json {
        case nil, .null?: break
        case .object(let members)?:
            for (k, v) in members {
                let text: String
                switch v {
                case .null: text = "NULL"
                case .bool(let b): text = b ? "true" : "false"
                case .int(let i): text = String(i)
                case .double(let d): text = d.rounded() == d && abs(d) < 9e18 ? String(Int64(d)) : String(d)
                case .string(let s): text = s
                default:
                    throw ProtocolError(code: "invalid_parameter", message: "parameter \(k.prefix(64)) of query \(name) is \(v.kindName); give a string, number, boolean or null")
                }
                arguments.append(RunArgument(name: k, value: text))
            }
        case let other?:
            throw ProtocolError(code: "invalid_parameter", message: "the arguments of RUN \(name) are \(other.kindName); give a JSON object of name: value")
        }
        do {
            let (sql, values) = try bind(arguments)
            return (sql, values)
        } catch {
            throw ProtocolError(error, library: String(path.dropLast(name.count + 4)).trimmingSuffix("/"))
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}

extension ProtocolError {
    /// The protocol error for a named-query problem, with its stable code.
    init(_ e: NamedQueryError, library: String?) {
        let code: String
        switch e.kind {
        case .invalidFile: code = "invalid_query_file"
        case .invalidArgument: code = "invalid_parameter"
        case .notFound: code = "unknown_query"
        }
        // Paths of the server's file system stay out of answers: files are named within the library.
        var message = e.message
        if let library, !library.isEmpty { message = message.replacingOccurrences(of: library + "/", with: "") }
        self.init(code: code, message: message, hint: e.hint)
    }
}
