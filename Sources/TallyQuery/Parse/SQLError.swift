/// An error in a SQL statement: a stable machine-readable code, a plain-words message,
/// an optional hint, and where it is (byte offset, line, column).
///
/// Every phase (parser, binder, planner, executor) reports user errors as `SQLError`; clients
/// switch on `code`, people read `render(source:)`.
public struct SQLError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable error code (`syntax_error`, `unknown_table`, …). Extensible: later phases add
    /// their own with `extension SQLError.Code { static let … }`.
    public struct Code: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        // Raised by the parser.
        /// The text is not valid SQL (lexical and grammatical errors).
        public static let syntaxError: Code = "syntax_error"
        /// Nothing to run: empty text, only comments, or only `;`.
        public static let emptyStatement: Code = "empty_statement"
        /// A literal whose text is not a valid value: `TIMESTAMP '2025-13-01'`, `INTERVAL '7 dayz'`, an integer out of range.
        public static let invalidLiteral: Code = "invalid_literal"
        /// A type name that Tally does not know (`CAST(x AS uuid)`).
        public static let unknownType: Code = "unknown_type"
        /// Valid SQL that Tally does not support (RIGHT JOIN is parsed; `WITH RECURSIVE` is not).
        public static let unsupported: Code = "unsupported"
        /// Nested too deeply to parse safely.
        public static let tooComplex: Code = "statement_too_complex"
        // Raised when a CREATE TABLE is turned into a TableSchema.
        /// Bad table definition: invalid or duplicate names, a bad time column, a type that cannot be stored.
        public static let invalidSchema: Code = "invalid_schema"
        /// An unknown option or an option with a bad value (`WITH (ttl = 'soon')`, COPY options).
        public static let invalidOption: Code = "invalid_option"
        // Reserved for the binder and later phases, so that codes stay consistent.
        public static let unknownTable: Code = "unknown_table"
        public static let unknownColumn: Code = "unknown_column"
        public static let unknownFunction: Code = "unknown_function"
        public static let ambiguousColumn: Code = "ambiguous_column"
        public static let typeMismatch: Code = "type_mismatch"
    }

    public var code: Code
    /// What is wrong, in plain words, without position (render adds it).
    public var message: String
    /// An optional suggestion, e.g. "did you mean FROM?".
    public var hint: String?
    /// Where the error is; nil when it concerns the statement as a whole.
    public var position: SourcePosition?

    public init(_ code: Code, _ message: String, hint: String? = nil, at position: SourcePosition? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.position = position
    }

    /// An error positioned at the start of an AST node.
    public init(_ code: Code, _ message: String, hint: String? = nil, at range: SourceRange) {
        self.init(code, message, hint: hint, at: range.isKnown ? range.start : nil)
    }

    /// `message (line L, column C)` on one line.
    public var description: String {
        if let p = position, p.isKnown { return "\(message) (\(p))" }
        return message
    }

    /// The message, the offending source line with a caret under the spot, and the hint:
    /// ```
    /// error: syntax error at or near "FORM" (line 1, column 10)
    ///   SELECT x FORM t
    ///            ^
    /// hint: did you mean FROM?
    /// ```
    public func render(source: String) -> String {
        var out = "error: " + description
        if let p = position, p.isKnown, let (line, caret) = Self.excerpt(source: source, position: p) {
            out += "\n  " + line + "\n  " + caret
        }
        if let hint { out += "\nhint: " + hint }
        return out
    }

    /// The source line holding `position` and a caret line under its column; long lines are
    /// cut to a window around the caret. Tabs in the line are kept in the caret line's indent.
    static func excerpt(source: String, position: SourcePosition) -> (String, String)? {
        let bytes = Array(source.utf8)
        let offset = min(max(0, position.offset), bytes.count)
        var lineStart = offset
        while lineStart > 0 && bytes[lineStart - 1] != 10 { lineStart -= 1 }
        var lineEnd = offset
        while lineEnd < bytes.count && bytes[lineEnd] != 10 { lineEnd += 1 }
        var lineBytes = bytes[lineStart..<lineEnd]
        if lineBytes.last == 13 { lineBytes = lineBytes.dropLast() }
        let before = Array(String(decoding: bytes[lineStart..<min(offset, lineStart + lineBytes.count)], as: UTF8.self).unicodeScalars)
        var scalars = Array(String(decoding: lineBytes, as: UTF8.self).unicodeScalars)
        var caretAt = before.count
        let window = 60
        var prefix = "", suffix = ""
        if scalars.count > 2 * window + 20 {
            let lo = max(0, caretAt - window)
            let hi = min(scalars.count, caretAt + window)
            if lo > 0 { prefix = "..." }
            if hi < scalars.count { suffix = "..." }
            scalars = Array(scalars[lo..<hi])
            caretAt = caretAt - lo + prefix.count
        }
        var line = prefix
        line.unicodeScalars.append(contentsOf: scalars)
        line += suffix
        let lineScalars = Array(line.unicodeScalars)
        var caret = ""
        for k in 0..<caretAt { caret += k < lineScalars.count && lineScalars[k] == "\t" ? "\t" : " " }
        caret += "^"
        return (line, caret)
    }
}
