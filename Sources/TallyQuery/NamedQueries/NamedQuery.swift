import Foundation


/// A saved query from the queries folder: `queries/<folder>/<name>.sql`, whose leading comment
/// block declares its name, description and parameters:
///
/// ```sql
/// -- name: performance/agents
/// -- description: Calls, handle time and quality per agent.
/// -- param: days INTERVAL = '30 days'   -- how far back
/// -- param: sector VARCHAR = NULL       -- one sector, or all
/// SELECT … WHERE started_at >= now() - $days AND ($sector IS NULL OR sector = $sector) …
/// ```
///
/// Parameters are used as `$name` or `$1`, `$2`, … in declaration order. Values are bound as
/// statement parameters (never pasted into the text), except INTERVAL values, which the engine
/// only accepts as literals: those are checked by the interval parser and written as `INTERVAL '…'`.
public struct NamedQuery: Sendable, Equatable {
    /// The type of a parameter, as written in its `-- param:` line.
    public enum ParameterType: String, Sendable, CaseIterable {
        case boolean, integer, bigint, double, varchar, timestamp, interval

        init?(sqlName: String) {
            if sqlName.lowercased() == "interval" { self = .interval; return }
            if sqlName.lowercased() == "date" { self = .timestamp; return }
            switch DataType(sqlName: sqlName) {
            case .bool?: self = .boolean
            case .int32?: self = .integer
            case .int64?: self = .bigint
            case .float64?: self = .double
            case .string?: self = .varchar
            case .timestamp?: self = .timestamp
            case nil: return nil
            }
        }

        /// The SQL spelling, for listings and messages.
        public var sqlName: String { rawValue.uppercased() }
    }

    /// One declared parameter: `-- param: NAME TYPE [= DEFAULT] [-- DESCRIPTION]`.
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var type: ParameterType
        /// The default as written (quotes removed); nil when the parameter must be given.
        /// The word NULL (unquoted) is a default of SQL NULL.
        public var defaultValue: String?
        public var defaultIsNull: Bool
        public var description: String?

        /// True when a value must be passed.
        public var isRequired: Bool { defaultValue == nil && !defaultIsNull }

        public init(name: String, type: ParameterType, defaultValue: String?, defaultIsNull: Bool, description: String?) {
            self.name = name
            self.type = type
            self.defaultValue = defaultValue
            self.defaultIsNull = defaultIsNull
            self.description = description
        }
    }

    /// The name used by `\run`: the `-- name:` line, or the path under the queries folder without `.sql`.
    public var name: String
    public var description: String?
    public var parameters: [Parameter]
    /// The whole file; the header is made of comments, so the text runs as it stands and error
    /// positions are the file's own lines and columns.
    public var text: String
    /// Where the file is (for messages).
    public var path: String

    /// Reads the header of `text`. `defaultName` is used when there is no `-- name:` line.
    public static func parse(_ text: String, path: String, defaultName: String) throws(NamedQueryError) -> NamedQuery {
        do { return try parseHeader(text, path: path, defaultName: defaultName) } catch {
            var e = error
            e.kind = .invalidFile
            throw e
        }
    }

    static func parseHeader(_ text: String, path: String, defaultName: String) throws(NamedQueryError) -> NamedQuery {
        var q = NamedQuery(name: defaultName, description: nil, parameters: [], text: text, path: path)
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingWhitespace()
            if line.isEmpty { continue }
            guard line.hasPrefix("--") else { break }
            let content = line.dropFirst(2).trimmingWhitespace()
            guard let colon = content.firstIndex(of: ":") else { continue }
            let key = content[..<colon].trimmingWhitespace().lowercased()
            let value = content[content.index(after: colon)...].trimmingWhitespace()
            switch key {
            case "name":
                guard !value.isEmpty else { throw NamedQueryError("\(path):\(n + 1): the name is empty") }
                q.name = String(value)
            case "description":
                q.description = q.description.map { $0 + " " + value } ?? String(value)
            case "param":
                let p = try parseParameter(value, at: "\(path):\(n + 1)")
                guard !q.parameters.contains(where: { $0.name.lowercased() == p.name.lowercased() }) else {
                    throw NamedQueryError("\(path):\(n + 1): parameter \(p.name) is declared twice")
                }
                q.parameters.append(p)
            default:
                continue // other "key: value" comments are free text
            }
        }
        let statements = SQLScript.split(text)
        guard statements.count == 1 else {
            throw NamedQueryError("\(path): a named query holds exactly one statement, this file has \(statements.count)")
        }
        return q
    }

    static func parseParameter(_ s: Substring, at location: String) throws(NamedQueryError) -> Parameter {
        var rest = s
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard let first = name.first, !first.isNumber else {
            throw NamedQueryError("\(location): expected `param: NAME TYPE [= DEFAULT] [-- description]`")
        }
        rest = rest.dropFirst(name.count).trimmingWhitespace()
        let typeWord = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        guard let type = ParameterType(sqlName: String(typeWord)) else {
            throw NamedQueryError("\(location): parameter \(name) has no known type (\(typeWord.isEmpty ? "none given" : String(typeWord)))",
                                  hint: "types are " + ParameterType.allCases.map(\.sqlName).joined(separator: ", "))
        }
        rest = rest.dropFirst(typeWord.count).trimmingWhitespace()
        var p = Parameter(name: String(name), type: type, defaultValue: nil, defaultIsNull: false, description: nil)
        if rest.first == "=" {
            rest = rest.dropFirst().trimmingWhitespace()
            if rest.first == "'" {
                var value = ""
                var i = rest.index(after: rest.startIndex)
                var closed = false
                while i < rest.endIndex {
                    if rest[i] == "'" {
                        let n = rest.index(after: i)
                        if n < rest.endIndex && rest[n] == "'" { value.append("'"); i = rest.index(after: n); continue }
                        i = n
                        closed = true
                        break
                    }
                    value.append(rest[i])
                    i = rest.index(after: i)
                }
                guard closed else { throw NamedQueryError("\(location): unterminated quote in the default of \(name)") }
                p.defaultValue = value
                rest = rest[i...].trimmingWhitespace()
            } else {
                let word = rest.prefix { !$0.isWhitespace }
                guard !word.isEmpty, !word.hasPrefix("--") else { throw NamedQueryError("\(location): parameter \(name) has `=` but no default") }
                if word.lowercased() == "null" { p.defaultIsNull = true } else { p.defaultValue = String(word) }
                rest = rest.dropFirst(word.count).trimmingWhitespace()
            }
            if let d = p.defaultValue {
                do { _ = try p.type.value(d) } catch {
                    throw NamedQueryError("\(location): the default of \(name) is not valid: \(error.message)")
                }
            }
        }
        if rest.hasPrefix("--") {
            let d = rest.dropFirst(2).trimmingWhitespace()
            p.description = d.isEmpty ? nil : String(d)
        } else if !rest.isEmpty {
            throw NamedQueryError("\(location): unexpected `\(rest)` after parameter \(name)", hint: "a description follows `--`")
        }
        return p
    }

    /// `name TYPE = default` for listings.
    public var signature: String {
        ([name] + parameters.map { p in
            var s = "\(p.name) \(p.type.sqlName)"
            if p.defaultIsNull { s += " = NULL" } else if let d = p.defaultValue { s += " = " + (p.type == .varchar || p.type == .interval || p.type == .timestamp ? "'\(d)'" : d) }
            return "[" + s + "]"
        }).joined(separator: " ")
    }

    /// The SQL to run and its parameter values for the given `\run` arguments.
    public func bind(_ arguments: [RunArgument]) throws(NamedQueryError) -> (sql: String, parameters: [Value]) {
        var given = [String?](repeating: nil, count: parameters.count)
        var positional = 0
        for a in arguments {
            if let n = a.name {
                guard let i = parameters.firstIndex(where: { $0.name.lowercased() == n.lowercased() }) else {
                    let hint = NameSuggestion.closest(to: n, in: parameters.map(\.name)).map { "did you mean \($0)?" }
                        ?? (parameters.isEmpty ? "\(name) takes no parameters" : "its parameters are " + parameters.map(\.name).joined(separator: ", "))
                    throw NamedQueryError("\(name) has no parameter \(n)", hint: hint)
                }
                guard given[i] == nil else { throw NamedQueryError("parameter \(parameters[i].name) is given twice") }
                given[i] = a.value
            } else {
                while positional < given.count && given[positional] != nil { positional += 1 }
                guard positional < given.count else {
                    throw NamedQueryError("\(name) takes \(parameters.count) parameter(s), more values were given")
                }
                given[positional] = a.value
            }
        }
        var values: [Value] = []
        var literals: [Int: String] = [:]
        for (i, p) in parameters.enumerated() {
            let v: Value
            if let text = given[i] ?? p.defaultValue {
                do { v = try p.type.value(text) } catch {
                    throw NamedQueryError("parameter \(p.name): \(error.message)", hint: error.hint)
                }
            } else if p.defaultIsNull || given[i] != nil {
                v = .null
            } else {
                throw NamedQueryError("\(name) needs a value for \(p.name) (\(p.type.sqlName))", hint: "\\run \(name) \(p.name)=…")
            }
            if p.type == .interval {
                // The engine takes intervals only as literals; the text was checked by Interval.parse.
                if case .string(let canonical) = v { literals[i] = "INTERVAL '\(canonical)'" } else { literals[i] = "NULL" }
                values.append(.null)
            } else {
                values.append(v)
            }
        }
        return (try substitute(literals: literals), values)
    }

    /// Rewrites `$name` to `$k` (padded with blanks so error positions stay those of the file)
    /// and interval parameters to their literals; strings, quoted names and comments are left alone.
    func substitute(literals: [Int: String]) throws(NamedQueryError) -> String {
        let b = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        func isWord(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
        while i < b.count {
            let c = b[i], next: UInt8 = i + 1 < b.count ? b[i + 1] : 0
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                var j = i + 1
                while j < b.count {
                    if b[j] == c { if j + 1 < b.count && b[j + 1] == c { j += 2; continue }; j += 1; break }
                    j += 1
                }
                out += b[i..<min(j, b.count)]
                i = j
            } else if c == UInt8(ascii: "-") && next == UInt8(ascii: "-") {
                var j = i
                while j < b.count && b[j] != 10 { j += 1 }
                out += b[i..<j]
                i = j
            } else if c == UInt8(ascii: "/") && next == UInt8(ascii: "*") {
                var j = i + 2, depth = 1
                while j < b.count && depth > 0 {
                    if b[j] == UInt8(ascii: "*") && j + 1 < b.count && b[j + 1] == UInt8(ascii: "/") { depth -= 1; j += 2 }
                    else if b[j] == UInt8(ascii: "/") && j + 1 < b.count && b[j + 1] == UInt8(ascii: "*") { depth += 1; j += 2 }
                    else { j += 1 }
                }
                out += b[i..<j]
                i = j
            } else if c == UInt8(ascii: "$") && isWord(next) {
                var j = i + 1
                while j < b.count && isWord(b[j]) { j += 1 }
                let word = String(decoding: b[(i + 1)..<j], as: UTF8.self)
                let index: Int
                if let n = Int(word) {
                    index = n - 1
                } else if let k = parameters.firstIndex(where: { $0.name.lowercased() == word.lowercased() }) {
                    index = k
                } else {
                    let hint = NameSuggestion.closest(to: word, in: parameters.map(\.name)).map { "did you mean $\($0)?" }
                    throw NamedQueryError("\(path): the query uses $\(word) but declares no parameter \(word)", hint: hint, kind: .invalidFile)
                }
                var replacement: [UInt8]
                if let lit = literals[index] {
                    replacement = Array(lit.utf8)
                } else {
                    replacement = Array("$\(index + 1)".utf8)
                    if replacement.count < j - i { replacement += [UInt8](repeating: 32, count: j - i - replacement.count) }
                }
                out += replacement
                i = j
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension NamedQuery.ParameterType {
    /// The value of `text` as this type; NULL (any case) is SQL NULL. Intervals come back as their
    /// canonical text, to be written as a literal.
    func value(_ text: String) throws(NamedQueryError) -> Value {
        let t = text.trimmingWhitespace()
        if t.lowercased() == "null" { return .null }
        switch self {
        case .varchar: return .string(text)
        case .boolean:
            switch t.lowercased() {
            case "true", "t", "yes", "y", "1", "on": return .bool(true)
            case "false", "f", "no", "n", "0", "off": return .bool(false)
            default: throw NamedQueryError("'\(text)' is not a boolean", hint: "use true or false")
            }
        case .integer, .bigint:
            guard let v = Int64(t) else { throw NamedQueryError("'\(text)' is not an integer") }
            if self == .integer && (v < Int64(Int32.min) || v > Int64(Int32.max)) { throw NamedQueryError("\(v) is out of range for INTEGER") }
            return .int(v)
        case .double:
            guard let v = Double(t) else { throw NamedQueryError("'\(text)' is not a number") }
            return .double(v)
        case .timestamp:
            guard let v = Timestamp.parse(t) else { throw NamedQueryError("'\(text)' is not a timestamp", hint: "use YYYY-MM-DD [HH:MM:SS]") }
            return .timestamp(v)
        case .interval:
            do { return .string(try Interval.parse(t).description) } catch {
                throw NamedQueryError("'\(text)' is not an interval: \(error.message)", hint: error.hint ?? "e.g. '7 days' or '12 hours'")
            }
        }
    }
}

/// Why a named query cannot be read or run.
public struct NamedQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, so that the server can answer with a stable error code.
    public enum Kind: Sendable, Equatable {
        /// The file's header or body is wrong.
        case invalidFile
        /// A value given for a parameter is wrong, missing, or names no parameter.
        case invalidArgument
        /// There is no such query (or no queries folder).
        case notFound
    }

    public var message: String
    public var hint: String?
    public var kind: Kind

    public init(_ message: String, hint: String? = nil, kind: Kind = .invalidArgument) {
        self.message = message
        self.hint = hint
        self.kind = kind
    }

    public var description: String { "error: \(message)" + (hint.map { "\nhint: \($0)" } ?? "") }
}

/// The folder of named queries: every `*.sql` below it, named by its header or its relative path.
public struct NamedQueryLibrary: Sendable {
    /// The folder, or nil when none was found (then there are no named queries).
    public let directory: String?

    public init(directory: String?) { self.directory = directory }

    /// The folder to use: `explicit` if given, else `./queries`, else `queries` next to the executable.
    public static func locate(explicit: String?, executable: String = CommandLine.arguments[0]) -> String? {
        if let explicit { return explicit }
        var isDir: ObjCBool = false
        let cwd = FileManager.default.currentDirectoryPath + "/queries"
        if FileManager.default.fileExists(atPath: cwd, isDirectory: &isDir), isDir.boolValue { return cwd }
        let beside = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("queries").path
        if FileManager.default.fileExists(atPath: beside, isDirectory: &isDir), isDir.boolValue { return beside }
        return nil
    }

    /// Every `.sql` file's path relative to the folder, without `.sql`, sorted.
    public func files() -> [String] {
        guard let directory, let e = FileManager.default.enumerator(atPath: directory) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            if rel.hasSuffix(".sql") { out.append(String(rel.dropLast(4))) }
        }
        return out.sorted()
    }

    /// Every query that reads; the ones that do not are returned as errors, so a listing can show both.
    public func load() -> (queries: [NamedQuery], errors: [NamedQueryError]) {
        var queries: [NamedQuery] = [], errors: [NamedQueryError] = []
        for rel in files() {
            do { queries.append(try read(rel)) } catch { errors.append(error as? NamedQueryError ?? NamedQueryError("\(error)", kind: .invalidFile)) }
        }
        return (queries.sorted { $0.name < $1.name }, errors)
    }

    /// The names `\run` accepts, for completion.
    public func names() -> [String] { load().queries.map(\.name) }

    func read(_ rel: String) throws -> NamedQuery {
        let path = directory! + "/" + rel + ".sql"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try NamedQuery.parse(text, path: path, defaultName: rel)
    }

    /// The query named `name` (its header name or its path).
    public func find(_ name: String) throws(NamedQueryError) -> NamedQuery {
        guard directory != nil else {
            throw NamedQueryError("no queries folder", hint: "pass --queries DIR, or start tally where ./queries exists", kind: .notFound)
        }
        let wanted = name.hasSuffix(".sql") ? String(name.dropLast(4)) : name
        let (all, errors) = load()
        if let q = all.first(where: { $0.name == wanted }) ?? all.first(where: { $0.path.hasSuffix("/" + wanted + ".sql") }) { return q }
        if let e = errors.first(where: { $0.message.contains("/" + wanted + ".sql") }) { throw e }
        let hint = NameSuggestion.closest(to: wanted, in: all.map(\.name)).map { "did you mean \($0)?" } ?? "\\queries lists them"
        throw NamedQueryError("no named query \(wanted)", hint: hint, kind: .notFound)
    }
}

/// One argument of a named query run (REPL `\run`, server `RUN`): `name=value`, or a bare value taken in declaration order.
public struct RunArgument: Sendable, Equatable {
    public var name: String?
    public var value: String

    public init(name: String? = nil, value: String) {
        self.name = name
        self.value = value
    }
}


extension StringProtocol {
    /// The text without leading and trailing blanks (spaces, tabs, newlines).
    fileprivate func trimmingWhitespace() -> Substring {
        let s = self[...]
        guard let first = s.firstIndex(where: { !$0.isWhitespace }) else { return Substring() }
        let last = s.lastIndex(where: { !$0.isWhitespace })!
        return Substring(s[first...last])
    }
}
