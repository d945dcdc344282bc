import Foundation
import TallyQuery
import TallyStorage

/// One declared parameter of a named query: `-- param: name TYPE [= default]`.
public struct QueryParameter: Sendable, Equatable {
    /// The SQL-level kind of a parameter (INTERVAL is not a column type, so it is separate).
    public enum Kind: Sendable, Equatable {
        case value(DataType)
        case interval
    }

    public var name: String
    public var kind: Kind
    /// The default as written after `=` (nil: the parameter is required).
    public var defaultText: String?
}

/// A query file of the queries library, with its declared parameters.
public struct NamedQuery: Sendable {
    public var name: String
    public var parameters: [QueryParameter]
    /// The SQL body as written (header comments included; they are SQL comments).
    public var sql: String

    /// Parses a query file. Header lines `-- param: name TYPE [= default]` declare parameters in
    /// order; in the body a parameter is written `$name` (or `$k` for the k-th declared one).
    public static func parse(name: String, text: String) throws(ProtocolError) -> NamedQuery {
        var params: [QueryParameter] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingSpaces()
            guard line.hasPrefix("--") else { continue }
            let comment = line.dropFirst(2).trimmingSpaces()
            guard comment.lowercased().hasPrefix("param:") else { continue }
            let decl = comment.dropFirst("param:".count).trimmingSpaces()
            func bad(_ why: String) -> ProtocolError {
                ProtocolError(code: "invalid_query_file", message: "query \(name): \(why) in \"\(line.prefix(120))\"",
                              hint: "declare parameters as -- param: name TYPE [= default]")
            }
            var head = Substring(decl)
            var defaultText: String? = nil
            if let eq = decl.firstIndex(of: "=") {
                head = decl[..<eq]
                defaultText = decl[decl.index(after: eq)...].trimmingSpaces()
            }
            let words = head.split(whereSeparator: \.isWhitespace)
            guard words.count >= 2 else { throw bad("a parameter needs a name and a type") }
            let pname = String(words[0])
            guard Identifier.isValid(pname), !pname.contains("-") else { throw bad("\"\(pname)\" is not a parameter name") }
            guard !params.contains(where: { $0.name.lowercased() == pname.lowercased() }) else { throw bad("parameter \(pname) is declared twice") }
            let typeName = words.dropFirst().joined(separator: " ")
            let kind: QueryParameter.Kind
            if typeName.lowercased() == "interval" {
                kind = .interval
            } else if typeName.lowercased() == "date" {
                kind = .value(.timestamp)
            } else if let t = DataType(sqlName: typeName) {
                kind = .value(t)
            } else {
                throw bad("unknown type \(typeName)")
            }
            params.append(QueryParameter(name: pname, kind: kind, defaultText: defaultText?.isEmpty == true ? nil : defaultText))
        }
        return NamedQuery(name: name, parameters: params, sql: text)
    }

    /// The SQL to run and its positional parameters for the given JSON arguments (missing ones take
    /// their defaults). Values are bound as parameters, never pasted into the text; only INTERVAL
    /// arguments, which have no value type, are written as a literal after being parsed and
    /// printed back canonically.
    public func bind(_ args: JSONValue?) throws(ProtocolError) -> (sql: String, values: [Value]) {
        var given: [(String, JSONValue)] = []
        if case .object(let members)? = args { given = members }
        for (k, _) in given where !parameters.contains(where: { $0.name.lowercased() == k.lowercased() }) {
            let known = parameters.map(\.name)
            throw ProtocolError(code: "invalid_parameter", message: "query \(name) has no parameter \"\(k.prefix(64))\"",
                                hint: known.isEmpty ? "it takes no parameters" : "its parameters are " + known.joined(separator: ", "))
        }
        var replacement: [String: String] = [:]
        var values: [Value] = []
        for p in parameters {
            let arg = given.first { $0.0.lowercased() == p.name.lowercased() }?.1
            guard arg != nil || p.defaultText != nil else {
                throw ProtocolError(code: "invalid_parameter", message: "query \(name) needs parameter \(p.name)")
            }
            switch p.kind {
            case .interval:
                if let arg { replacement[p.name.lowercased()] = try literal(for: p, json: arg) }
                else { replacement[p.name.lowercased()] = try literal(for: p, defaultText: p.defaultText ?? "") }
            case .value:
                values.append(try value(for: p, json: arg, defaultText: arg == nil ? p.defaultText : nil))
                replacement[p.name.lowercased()] = "$\(values.count)"
            }
        }
        return (try substitute(replacement), values)
    }

    /// INTERVAL parameters become `INTERVAL '<canonical text>'`; value parameters are bound later.
    private func literal(for p: QueryParameter, json: JSONValue) throws(ProtocolError) -> String {
        guard case .interval = p.kind else { return "" }
        guard case .string(let s) = json else {
            throw ProtocolError(code: "invalid_parameter", message: "parameter \(p.name) of query \(name) is an INTERVAL; give it as a string like \"7 days\"")
        }
        return try intervalLiteral(p, s)
    }

    private func literal(for p: QueryParameter, defaultText: String) throws(ProtocolError) -> String {
        guard case .interval = p.kind else { return "" }
        return try intervalLiteral(p, NamedQuery.unquote(defaultText))
    }

    private func intervalLiteral(_ p: QueryParameter, _ s: String) throws(ProtocolError) -> String {
        do {
            let iv = try Interval.parse(s)
            return "INTERVAL '\(iv.description)'"
        } catch {
            throw ProtocolError(code: "invalid_parameter", message: "parameter \(p.name) of query \(name): \"\(s.prefix(64))\" is not an interval (\(error.message))")
        }
    }

    static func unquote(_ s: String) -> String {
        if s.count >= 2, s.hasPrefix("'"), s.hasSuffix("'") {
            return String(s.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
        }
        return s
    }

    /// The typed value of a value parameter from a JSON argument or from its default text.
    private func value(for p: QueryParameter, json: JSONValue?, defaultText: String?) throws(ProtocolError) -> Value {
        guard case .value(let type) = p.kind else { return .null }
        func bad(_ what: String) -> ProtocolError {
            ProtocolError(code: "invalid_parameter", message: "parameter \(p.name) of query \(name) is \(type): \(what)")
        }
        var v: Value
        if let json {
            guard let s = json.scalarValue else { throw bad("got \(json.kindName)") }
            v = s
        } else if let d = defaultText {
            if d.uppercased() == "NULL" { v = .null }
            else if d.hasPrefix("'") { v = .string(NamedQuery.unquote(d)) }
            else if let i = Int64(d) { v = .int(i) }
            else if let x = Double(d) { v = .double(x) }
            else if d.lowercased() == "true" || d.lowercased() == "false" { v = .bool(d.lowercased() == "true") }
            else { v = .string(d) }
        } else {
            v = .null
        }
        switch (type, v) {
        case (_, .null): return .null
        case (.string, .string): return v
        case (.string, _): throw bad("got \(v)")
        case (.bool, .bool): return v
        case (.bool, .string(let s)):
            switch s.lowercased() {
            case "true", "t", "yes", "1": return .bool(true)
            case "false", "f", "no", "0": return .bool(false)
            default: throw bad("\"\(s.prefix(40))\" is not a boolean")
            }
        case (.int32, _), (.int64, _):
            var i: Int64
            switch v {
            case .int(let x): i = x
            case .double(let d) where d.rounded() == d && abs(d) < 9e18: i = Int64(d)
            case .string(let s):
                guard let x = Int64(s.trimmingSpaces()) else { throw bad("\"\(s.prefix(40))\" is not an integer") }
                i = x
            default: throw bad("got \(v)")
            }
            if type == .int32 && (i < Int64(Int32.min) || i > Int64(Int32.max)) { throw bad("\(i) is out of range") }
            return .int(i)
        case (.float64, .int(let i)): return .double(Double(i))
        case (.float64, .double): return v
        case (.float64, .string(let s)):
            guard let d = Double(s.trimmingSpaces()), d.isFinite else { throw bad("\"\(s.prefix(40))\" is not a number") }
            return .double(d)
        case (.timestamp, .string(let s)):
            guard let t = Timestamp.parse(s.trimmingSpaces()) else { throw bad("\"\(s.prefix(40))\" is not a timestamp (YYYY-MM-DD[ HH:MM:SS])") }
            return .timestamp(t)
        case (.timestamp, .int(let i)): return .timestamp(i)
        default: throw bad("got \(v)")
        }
    }

    /// Rewrites `$name` and `$k` outside string literals, quoted names and comments.
    private func substitute(_ replacement: [String: String]) throws(ProtocolError) -> String {
        let b = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        func isIdent(_ c: UInt8) -> Bool { RequestParser.isIdentByte(c) && c != 45 }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                // Copy the quoted text; a doubled quote is an escaped one.
                out.append(c)
                i += 1
                while i < b.count {
                    out.append(b[i])
                    if b[i] == c {
                        if i + 1 < b.count, b[i + 1] == c { out.append(c); i += 2; continue }
                        i += 1
                        break
                    }
                    i += 1
                }
            } else if c == UInt8(ascii: "-"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "-") {
                while i < b.count, b[i] != 0x0A { out.append(b[i]); i += 1 }
            } else if c == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "*") {
                out.append(contentsOf: [b[i], b[i + 1]])
                i += 2
                while i < b.count {
                    if b[i] == UInt8(ascii: "*"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "/") { out.append(contentsOf: [b[i], b[i + 1]]); i += 2; break }
                    out.append(b[i])
                    i += 1
                }
            } else if c == UInt8(ascii: "$"), i + 1 < b.count, isIdent(b[i + 1]) {
                var j = i + 1
                while j < b.count, isIdent(b[j]) { j += 1 }
                let word = String(decoding: b[(i + 1)..<j], as: UTF8.self)
                var key = word.lowercased()
                if let k = Int(word) {
                    guard k >= 1, k <= parameters.count else {
                        throw ProtocolError(code: "invalid_query_file", message: "query \(name) uses $\(k) but declares \(parameters.count) parameter(s)")
                    }
                    key = parameters[k - 1].name.lowercased()
                }
                guard let r = replacement[key] else {
                    throw ProtocolError(code: "invalid_query_file", message: "query \(name) uses $\(word) but declares no such parameter",
                                        hint: "declare it in the header: -- param: \(word) TYPE [= default]")
                }
                out.append(contentsOf: Array(r.utf8))
                i = j
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The queries library: `<dir>/<folder>/<name>.sql` files, read on each RUN so edits apply at once.
public struct NamedQueryLibrary: Sendable {
    public let directory: String?
    /// Larger query files are refused (they are hand-written SQL, not data).
    static let maxFileBytes = 1 << 20

    public init(directory: String?) { self.directory = directory }

    /// Every query name, as `folder/name` (or `name` for files directly in the directory).
    public func names() -> [String] {
        guard let directory else { return [] }
        let fm = FileManager.default
        var out: [String] = []
        for entry in (try? fm.contentsOfDirectory(atPath: directory)) ?? [] {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: directory + "/" + entry, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                for f in (try? fm.contentsOfDirectory(atPath: directory + "/" + entry)) ?? [] where f.hasSuffix(".sql") {
                    out.append(entry + "/" + f.dropLast(4))
                }
            } else if entry.hasSuffix(".sql") {
                out.append(String(entry.dropLast(4)))
            }
        }
        return out.sorted()
    }

    /// Loads the query `name` (`folder/name`, or a bare `name` found in exactly one folder).
    public func load(_ name: String) throws(ProtocolError) -> NamedQuery {
        guard let directory else {
            throw ProtocolError(code: "unknown_query", message: "no queries library is configured", hint: "start the server with --queries DIR")
        }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // Each part must be a plain name: no "..", no absolute paths, nothing outside the library.
        guard (1...2).contains(parts.count), parts.allSatisfy(Identifier.isValid) else {
            throw ProtocolError(code: "unknown_query", message: "\"\(name.prefix(80))\" is not a query name", hint: "names look like kpi/sector_summary")
        }
        let all = names()
        var path: String
        if parts.count == 2 {
            path = directory + "/" + parts[0] + "/" + parts[1] + ".sql"
        } else {
            let matches = all.filter { $0 == name || $0.hasSuffix("/" + name) }
            guard matches.count <= 1 else {
                throw ProtocolError(code: "ambiguous_query", message: "query name \(name) is in several folders: \(matches.joined(separator: ", "))",
                                    hint: "write folder/\(name)")
            }
            path = directory + "/" + (matches.first ?? name) + ".sql"
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let suggestion = NameSuggestion.closest(to: name, in: all) ?? all.first { $0.hasSuffix("/" + (parts.last ?? "")) }
            throw ProtocolError(code: "unknown_query", message: "there is no query named \(name)", hint: suggestion.map { "did you mean \($0)?" })
        }
        guard data.count <= NamedQueryLibrary.maxFileBytes, let text = String(data: data, encoding: .utf8) else {
            throw ProtocolError(code: "invalid_query_file", message: "query \(name) is not a UTF-8 text file of at most 1 MiB")
        }
        return try NamedQuery.parse(name: name, text: text)
    }
}
