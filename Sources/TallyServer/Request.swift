import TallyQuery
import TallyStorage

/// A request id as the client wrote it, echoed verbatim in the answer.
public enum RequestID: Sendable, Hashable {
    case number(Int64)
    case string(String)

    /// The id as a JSON value.
    public var json: String {
        switch self {
        case .number(let n): return String(n)
        case .string(let s): return JSONText.string(s)
        }
    }
}

/// What a subscription re-runs: a SQL read statement with positional parameters, or a named query.
public enum SubscriptionQuery: Sendable, Hashable {
    case sql(String, parameters: [Value])
    case named(String, parameters: JSONValue?)
}

/// One request of the line protocol, after framing and id extraction.
public enum Command: Sendable, Hashable {
    case auth(token: String)
    /// Any SQL statement; `$n` parameters come from the JSON form's `params`.
    case sql(String, parameters: [Value])
    /// `RUN <name> [<json object>]`: a query from the queries library.
    case run(name: String, parameters: JSONValue?)
    case subscribe(period: Double, query: SubscriptionQuery)
    case unsubscribe(Int)
    /// Points given in the request itself (one in the text form, any number in the JSON form).
    case write(points: [String], partial: Bool)
    /// `WRITE <n> [PARTIAL]`: the next `n` lines are the points.
    case writeBlock(count: Int, partial: Bool)
    case ping
    case quit

    /// The command word, for logs and the audit log.
    public var verb: String {
        switch self {
        case .auth: return "AUTH"
        case .sql: return "SQL"
        case .run: return "RUN"
        case .subscribe: return "SUBSCRIBE"
        case .unsubscribe: return "UNSUBSCRIBE"
        case .write, .writeBlock: return "WRITE"
        case .ping: return "PING"
        case .quit: return "QUIT"
        }
    }
}

/// An error answered to the client: a stable code, a message, and where known a position and a hint.
public struct ProtocolError: Error, Sendable, Equatable {
    public var code: String
    public var message: String
    public var hint: String?
    /// 1-based line and column within the SQL text (SQL errors) or the request line (framing errors).
    public var line: Int?
    public var column: Int?
    /// Extra members of the error object, already JSON-encoded (e.g. `"points":[…]`).
    public var extra: [String: String]

    public init(code: String, message: String, hint: String? = nil, line: Int? = nil, column: Int? = nil, extra: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.hint = hint
        self.line = line
        self.column = column
        self.extra = extra
    }
}

/// A parsed request line: the id (when one could be read) and the command or why it is not one.
public struct Request: Sendable {
    public var id: RequestID?
    public var command: Result<Command, ProtocolError>
}

/// Parses request lines. Two forms, told apart by the first character:
///
/// - text: `[#<id> ]<request>` where request is `AUTH <jwt>`, `PING`, `QUIT`, `RUN <name> [<json>]`,
///   `SUBSCRIBE <period> <sql or RUN …>`, `UNSUBSCRIBE <n>`, `WRITE <point>`, `WRITE <n> [PARTIAL]`
///   or a SQL statement;
/// - JSON (the line starts with `{`): `{"id":…, "sql":…, "params":[…]}`, `{"run":…, "params":{…}}`,
///   `{"write":"<points>\n…", "partial":true}`, `{"subscribe":"<period>", "sql"|"run":…}` or
///   `{"cmd":"<any text request>"}`.
public enum RequestParser {
    /// Words that start a request that is not SQL.
    public static let commands = ["AUTH", "PING", "QUIT", "RUN", "SUBSCRIBE", "UNSUBSCRIBE", "WRITE"]
    /// Words that start a SQL statement (including the ones the parser rejects with a helpful message).
    static let sqlStarts: Set<String> = ["SELECT", "WITH", "INSERT", "CREATE", "DROP", "COPY", "SHOW", "DESCRIBE", "EXPLAIN",
                                         "PREPARE", "EXECUTE", "DEALLOCATE", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "ALTER", "VALUES"]
    /// Longest request id.
    static let maxIDLength = 64

    /// Parses one line (already validated UTF-8, without its line terminator).
    public static func parse(_ line: String) -> Request {
        let trimmed = line.trimmingSpaces()
        if trimmed.isEmpty {
            return Request(id: nil, command: .failure(ProtocolError(code: "empty_request", message: "empty request line",
                                                                    hint: "send one request per line, e.g. PING")))
        }
        // A line opening a JSON object (or array, which is answered as "must be an object") is JSON.
        if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") { return parseJSON(trimmed) }
        var rest = Substring(trimmed)
        var id: RequestID? = nil
        if rest.hasPrefix("#") {
            let word = rest.dropFirst().prefix { !$0.isWhitespace }
            guard let parsed = parseID(word) else {
                return Request(id: nil, command: .failure(ProtocolError(
                    code: "bad_request", message: "invalid request id \"#\(word.prefix(80))\"",
                    hint: "an id is 1–\(maxIDLength) letters, digits, '_', '-', '.' or ':' after '#', then a space", column: 1)))
            }
            id = parsed
            rest = rest.dropFirst(word.count + 1).drop { $0.isWhitespace }
            if rest.isEmpty {
                return Request(id: id, command: .failure(ProtocolError(code: "empty_request", message: "request id without a request")))
            }
        }
        return Request(id: id, command: parseText(rest, parameters: []))
    }

    static func parseID(_ s: Substring) -> RequestID? {
        guard !s.isEmpty, s.utf8.count <= maxIDLength,
              s.utf8.allSatisfy({ isIdentByte($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":") }) else { return nil }
        if let n = Int64(s), String(n) == s { return .number(n) }
        return .string(String(s))
    }

    static func isIdentByte(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45
    }

    /// Splits off the first whitespace-delimited word.
    static func firstWord(_ s: Substring) -> (word: Substring, rest: Substring) {
        let word = s.prefix { !$0.isWhitespace }
        return (word, s.dropFirst(word.count).drop { $0.isWhitespace })
    }

    /// Parses a text request (no id prefix). `parameters` bind `$n` of a SQL statement (JSON form).
    static func parseText(_ s: Substring, parameters: [Value]) -> Result<Command, ProtocolError> {
        let (word, rest) = firstWord(s)
        let verb = word.uppercased()
        func noParams(_ c: Command) -> Result<Command, ProtocolError> {
            parameters.isEmpty ? .success(c) : .failure(ProtocolError(code: "bad_request", message: "\"params\" only apply to SQL statements and SUBSCRIBE"))
        }
        switch verb {
        case "AUTH":
            let token = rest.trimmingSpaces()
            guard !token.isEmpty, !token.contains(where: \.isWhitespace) else {
                return .failure(ProtocolError(code: "bad_request", message: "AUTH needs exactly one token", hint: "AUTH <jwt>"))
            }
            return noParams(.auth(token: token))
        case "PING":
            guard rest.isEmpty else { return .failure(ProtocolError(code: "bad_request", message: "PING takes no arguments")) }
            return noParams(.ping)
        case "QUIT":
            guard rest.isEmpty else { return .failure(ProtocolError(code: "bad_request", message: "QUIT takes no arguments")) }
            return noParams(.quit)
        case "RUN":
            return parseRun(rest).flatMap(noParams)
        case "UNSUBSCRIBE":
            guard let n = Int(rest.trimmingSpaces()), n > 0 else {
                return .failure(ProtocolError(code: "bad_request", message: "UNSUBSCRIBE needs a subscription number", hint: "UNSUBSCRIBE <n>, with n from the SUBSCRIBE answer"))
            }
            return noParams(.unsubscribe(n))
        case "SUBSCRIBE":
            let (periodText, query) = firstWord(rest)
            guard let period = parsePeriod(periodText) else {
                return .failure(ProtocolError(code: "bad_request", message: "invalid subscription period \"\(periodText.prefix(40))\"",
                                              hint: "SUBSCRIBE <period> <query>, period like 500ms, 5s, 1m"))
            }
            guard !query.isEmpty else {
                return .failure(ProtocolError(code: "bad_request", message: "SUBSCRIBE needs a query", hint: "SUBSCRIBE 5s SELECT … or SUBSCRIBE 5s RUN <name> {…}"))
            }
            let (qWord, qRest) = firstWord(query)
            if qWord.uppercased() == "RUN" {
                guard parameters.isEmpty else { return .failure(ProtocolError(code: "bad_request", message: "a named query takes its parameters as a JSON object after its name")) }
                return parseRun(qRest).map { cmd in
                    guard case .run(let name, let p) = cmd else { return cmd }
                    return .subscribe(period: period, query: .named(name, parameters: p))
                }
            }
            return .success(.subscribe(period: period, query: .sql(String(query), parameters: parameters)))
        case "WRITE":
            guard parameters.isEmpty else {
                return .failure(ProtocolError(code: "bad_request", message: "\"params\" only apply to SQL statements and SUBSCRIBE"))
            }
            let body = rest.trimmingSpaces()
            guard !body.isEmpty else {
                return .failure(ProtocolError(code: "bad_request", message: "WRITE needs a point or a point count",
                                              hint: "WRITE <measurement>[,tag=v…] field=v[,…] [timestamp_ns], or WRITE <n> [PARTIAL] followed by n lines"))
            }
            let parts = body.split(separator: " ", omittingEmptySubsequences: true)
            if parts[0].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(parts[0]), parts.count <= 2 {
                if parts.count == 2 && parts[1].uppercased() != "PARTIAL" {
                    return .failure(ProtocolError(code: "bad_request", message: "WRITE <n> takes only the option PARTIAL"))
                }
                return .success(.writeBlock(count: n, partial: parts.count == 2))
            }
            return .success(.write(points: [body], partial: false))
        default:
            if sqlStarts.contains(verb) || word.hasPrefix("(") || word.hasPrefix("/*") || word.hasPrefix("--") {
                return .success(.sql(String(s), parameters: parameters))
            }
            let shown = word.prefix(40).unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }.joined()
            let known = commands + sqlStarts.sorted()
            let hint = NameSuggestion.closest(to: verb, in: known).map { "did you mean \($0)?" }
                ?? "requests are AUTH, PING, QUIT, RUN, SUBSCRIBE, UNSUBSCRIBE, WRITE or a SQL statement (SELECT, WITH, INSERT, …)"
            return .failure(ProtocolError(code: "unknown_command", message: "unknown command \"\(shown)\"", hint: hint, line: 1, column: 1))
        }
    }

    static func parseRun(_ rest: Substring) -> Result<Command, ProtocolError> {
        let (name, paramText) = firstWord(rest)
        guard !name.isEmpty else {
            return .failure(ProtocolError(code: "bad_request", message: "RUN needs a query name", hint: "RUN <name> [{\"param\": value, …}]"))
        }
        if paramText.isEmpty { return .success(.run(name: String(name), parameters: nil)) }
        do {
            let v = try JSONReader.parse(String(paramText))
            guard case .object = v else {
                return .failure(ProtocolError(code: "bad_request", message: "RUN parameters must be a JSON object", hint: "RUN \(name) {\"sector\": \"retail\"}"))
            }
            return .success(.run(name: String(name), parameters: v))
        } catch {
            return .failure(ProtocolError(code: "bad_request", message: "RUN parameters: \(error.message)", line: 1, column: error.column))
        }
    }

    /// `500ms`, `5s`, `1.5s`, `2m`, `1h`, or a bare number of seconds.
    public static func parsePeriod(_ s: Substring) -> Double? {
        let lower = s.lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where lower.hasSuffix(suffix) {
            guard let v = Double(lower.dropLast(suffix.count)), v.isFinite, v > 0 else { return nil }
            return v * scale
        }
        guard let v = Double(lower), v.isFinite, v > 0 else { return nil }
        return v
    }

    static let jsonKeys: Set<String> = ["id", "sql", "params", "run", "write", "partial", "subscribe", "cmd"]

    static func parseJSON(_ line: String) -> Request {
        let doc: JSONValue
        do { doc = try JSONReader.parse(line) } catch {
            return Request(id: nil, command: .failure(ProtocolError(code: "bad_request", message: "invalid JSON request: \(error.message)", line: 1, column: error.column)))
        }
        guard case .object(let members) = doc else {
            return Request(id: nil, command: .failure(ProtocolError(code: "bad_request", message: "a JSON request must be an object")))
        }
        var id: RequestID? = nil
        switch doc["id"] {
        case nil, .null?: break
        case .int(let n)?: id = .number(n)
        case .string(let s)?:
            guard !s.isEmpty, s.utf8.count <= maxIDLength else {
                return Request(id: nil, command: .failure(ProtocolError(code: "bad_request", message: "\"id\" must be 1–\(maxIDLength) bytes")))
            }
            id = .string(s)
        default:
            return Request(id: nil, command: .failure(ProtocolError(code: "bad_request", message: "\"id\" must be an integer or a string")))
        }
        func fail(_ m: String, hint: String? = nil) -> Request { Request(id: id, command: .failure(ProtocolError(code: "bad_request", message: m, hint: hint))) }
        // Unknown members are refused rather than ignored: a request can never carry, say, a tenant.
        if let unknown = members.first(where: { !jsonKeys.contains($0.0) }) {
            return fail("unknown member \"\(unknown.0.prefix(40))\" in the request", hint: "members are id, sql, params, run, write, partial, subscribe, cmd")
        }
        let kinds = ["sql", "run", "write", "cmd"].filter { doc[$0] != nil }
        guard kinds.count == 1 else {
            return fail(kinds.isEmpty ? "the request needs one of \"sql\", \"run\", \"write\" or \"cmd\"" : "the request has more than one of \"sql\", \"run\", \"write\", \"cmd\"")
        }
        let kind = kinds[0]
        guard case .string(let body)? = doc[kind] else { return fail("\"\(kind)\" must be a string") }
        if doc["partial"] != nil && kind != "write" { return fail("\"partial\" only applies to \"write\"") }
        if doc["subscribe"] != nil && kind != "sql" && kind != "run" { return fail("\"subscribe\" goes with \"sql\" or \"run\"") }

        var positional: [Value] = []
        var named: JSONValue? = nil
        switch doc["params"] {
        case nil: break
        case .array(let items)?:
            guard kind == "sql" || kind == "cmd" else { return fail("\"params\" of \(kind) must be an object") }
            for (k, item) in items.enumerated() {
                guard let v = item.scalarValue else { return fail("params[\(k)] is \(item.kindName); parameters are numbers, strings, booleans or null") }
                positional.append(v)
            }
        case .object?:
            guard kind == "run" else { return fail("\"params\" of \(kind) must be an array (bound to $1, $2, …)") }
            named = doc["params"]
        case let other?:
            return fail("\"params\" must be an array or an object, not \(other.kindName)")
        }

        var period: Double? = nil
        if let p = doc["subscribe"] {
            switch p {
            case .string(let s): period = parsePeriod(Substring(s))
            case .int(let n) where n > 0: period = Double(n)
            case .double(let d) where d > 0 && d.isFinite: period = d
            default: break
            }
            guard period != nil else { return fail("invalid \"subscribe\" period", hint: "a period like \"5s\", \"500ms\" or a number of seconds") }
        }

        switch kind {
        case "sql":
            guard !body.trimmingSpaces().isEmpty else { return fail("\"sql\" is empty") }
            if let period { return Request(id: id, command: .success(.subscribe(period: period, query: .sql(body, parameters: positional)))) }
            return Request(id: id, command: .success(.sql(body, parameters: positional)))
        case "run":
            guard !body.isEmpty, !body.contains(where: \.isWhitespace) else { return fail("\"run\" must be a query name") }
            if let period { return Request(id: id, command: .success(.subscribe(period: period, query: .named(body, parameters: named)))) }
            return Request(id: id, command: .success(.run(name: body, parameters: named)))
        case "write":
            var partial = false
            switch doc["partial"] {
            case nil: break
            case .bool(let b)?: partial = b
            default: return fail("\"partial\" must be true or false")
            }
            var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { l in l.hasSuffix("\r") ? String(l.dropLast()) : String(l) }
            if lines.count > 1, lines.last == "" { lines.removeLast() }
            return Request(id: id, command: .success(.write(points: lines, partial: partial)))
        default:
            let text = Substring(body.trimmingSpaces())
            guard !text.isEmpty else { return fail("\"cmd\" is empty") }
            guard !text.hasPrefix("#") else { return fail("put the id in \"id\", not in \"cmd\"") }
            return Request(id: id, command: parseText(text, parameters: positional))
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
