/// Splits SQL text into tokens, working on UTF-8 bytes (no regular expressions, no per-token
/// allocation). Whitespace and comments (`-- …` to end of line, `/* … */`, which nest) are
/// skipped. Every token carries its byte range, line and column.
public enum Lexer {
    /// All tokens of `source`, ending with an `.end` token, or the first lexical error.
    public static func tokenize(_ source: String) throws(SQLError) -> [Token] {
        let (tokens, error) = scan(Array(source.utf8))
        if let error { throw error }
        return tokens
    }

    /// All tokens up to the first lexical error; on error the last two tokens are `.invalid`
    /// (positioned at the fault) and `.end`, and the error is returned alongside, so a parser
    /// can report an earlier syntax error first.
    static func scan(_ bytes: [UInt8]) -> ([Token], SQLError?) {
        bytes.withUnsafeBufferPointer { buf in
            var s = Scanner(b: buf)
            return s.run()
        }
    }

    struct Scanner {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0
        var line = 1
        /// Offset and column of the last computed position on the current line (columns are
        /// counted incrementally, so lexing stays linear on long lines).
        var colOffset = 0
        var colValue = 1
        var tokens: [Token] = []

        init(b: UnsafeBufferPointer<UInt8>) {
            self.b = b
            tokens.reserveCapacity(b.count / 4 + 4)
        }

        mutating func position(_ p: Int) -> SourcePosition {
            var c = colValue
            var k = colOffset
            while k < p {
                if b[k] & 0xC0 != 0x80 { c += 1 }
                k += 1
            }
            colOffset = p
            colValue = c
            return SourcePosition(offset: p, line: line, column: c)
        }

        /// Records a line break at offset `p` (which holds `\n`).
        mutating func newline(at p: Int) {
            line += 1
            colOffset = p + 1
            colValue = 1
        }

        @inline(__always) static func isIdentStart(_ c: UInt8) -> Bool {
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95 || c >= 0x80
        }

        @inline(__always) static func isIdentPart(_ c: UInt8) -> Bool {
            isIdentStart(c) || (c >= 48 && c <= 57) || c == 36
        }

        @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

        mutating func run() -> ([Token], SQLError?) {
            var lastEnd = position(0)
            while true {
                if let error = skipTrivia() {
                    return fail(error)
                }
                guard i < b.count else { break }
                let start = i
                let startPos = position(start)
                let c = b[i]
                var kind: TokenKind
                var keyword: Keyword?
                switch c {
                case 39: // '
                    i += 1
                    guard scanQuoted(39) else {
                        return fail(SQLError(.syntaxError, "unterminated string literal",
                                             hint: "close the string with ' (write '' for a quote inside it)", at: startPos))
                    }
                    kind = .string
                case 34: // "
                    i += 1
                    guard scanQuoted(34) else {
                        return fail(SQLError(.syntaxError, "unterminated quoted identifier",
                                             hint: "close the name with \" (write \"\" for a quote inside it)", at: startPos))
                    }
                    if i - start == 2 {
                        return fail(SQLError(.syntaxError, "empty quoted identifier \"\"", at: startPos))
                    }
                    kind = .quotedIdentifier
                case 48...57:
                    kind = scanNumber()
                    if i < b.count, Scanner.isIdentStart(b[i]) {
                        var j = i
                        while j < b.count, Scanner.isIdentPart(b[j]) { j += 1 }
                        let text = String(decoding: b[start..<j], as: UTF8.self)
                        return fail(SQLError(.syntaxError, "invalid number \(text)",
                                             hint: "put a space between a number and a name", at: startPos))
                    }
                case 46 where Scanner.isDigit(peek(1)): // .5
                    kind = scanNumber()
                case 36: // $
                    i += 1
                    var n = 0
                    let digitsStart = i
                    while i < b.count, Scanner.isDigit(b[i]) {
                        n = n > 1_000_000 ? n : n * 10 + Int(b[i] - 48)
                        i += 1
                    }
                    if i == digitsStart {
                        return fail(SQLError(.syntaxError, "expected a parameter number after '$'",
                                             hint: "parameters are written $1, $2, …", at: startPos))
                    }
                    if n == 0 {
                        return fail(SQLError(.syntaxError, "parameters are numbered from $1", at: startPos))
                    }
                    if n > 65535 {
                        return fail(SQLError(.syntaxError, "parameter number $\(n) is too large", at: startPos))
                    }
                    kind = .parameter
                case 40: i += 1; kind = .leftParen
                case 41: i += 1; kind = .rightParen
                case 91: i += 1; kind = .leftBracket
                case 93: i += 1; kind = .rightBracket
                case 44: i += 1; kind = .comma
                case 46: i += 1; kind = .dot
                case 59: i += 1; kind = .semicolon
                case 43: i += 1; kind = .plus
                case 45: i += 1; kind = .minus
                case 42: i += 1; kind = .star
                case 47: i += 1; kind = .slash
                case 37: i += 1; kind = .percent
                case 61: // = or ==
                    i += peek(1) == 61 ? 2 : 1
                    kind = .equal
                case 60: // < <= <>
                    switch peek(1) {
                    case 61: i += 2; kind = .lessEqual
                    case 62: i += 2; kind = .notEqual
                    default: i += 1; kind = .less
                    }
                case 62: // > >=
                    if peek(1) == 61 { i += 2; kind = .greaterEqual } else { i += 1; kind = .greater }
                case 33 where peek(1) == 61: // !=
                    i += 2
                    kind = .notEqual
                case 124 where peek(1) == 124: // ||
                    i += 2
                    kind = .concat
                case 58 where peek(1) == 58: // ::
                    i += 2
                    kind = .doubleColon
                default:
                    if let bad = Scanner.badCharacter(b, at: i) {
                        return fail(SQLError(.syntaxError, "unexpected character '\(bad.text)'", hint: bad.hint, at: startPos))
                    }
                    // A word: a name or a keyword.
                    i += 1
                    while i < b.count, Scanner.isIdentPart(b[i]) {
                        if b[i] == 0xC2, i + 1 < b.count, b[i + 1] == 0xA0 { break } // no-break space ends a word
                        i += 1
                    }
                    kind = .word
                    keyword = Keyword.lookup(UnsafeBufferPointer(rebasing: b[start..<i]))
                }
                tokens.append(Token(kind: kind, keyword: keyword, range: SourceRange(start: startPos, end: i)))
                lastEnd = position(i)
            }
            tokens.append(Token(kind: .end, range: SourceRange(start: lastEnd, end: lastEnd.offset)))
            return (tokens, nil)
        }

        @inline(__always) func peek(_ k: Int) -> UInt8 { i + k < b.count ? b[i + k] : 0 }

        /// Appends `.invalid` and `.end` tokens at the error's position.
        mutating func fail(_ error: SQLError) -> ([Token], SQLError?) {
            let p = error.position ?? position(i)
            tokens.append(Token(kind: .invalid, range: SourceRange(start: p, end: max(p.offset + 1, i))))
            tokens.append(Token(kind: .end, range: SourceRange(start: p, end: p.offset)))
            return (tokens, error)
        }

        /// Skips whitespace and comments; returns an error for an unterminated block comment.
        mutating func skipTrivia() -> SQLError? {
            while i < b.count {
                let c = b[i]
                if c == 32 || c == 9 || c == 13 || c == 12 || c == 11 {
                    i += 1
                } else if c == 10 {
                    newline(at: i)
                    i += 1
                } else if c == 0xC2, peek(1) == 0xA0 { // no-break space, common in pasted text
                    i += 2
                } else if c == 45, peek(1) == 45 {
                    while i < b.count, b[i] != 10 { i += 1 }
                } else if c == 47, peek(1) == 42 {
                    let startPos = position(i)
                    i += 2
                    var depth = 1
                    while i < b.count {
                        if b[i] == 10 {
                            newline(at: i)
                            i += 1
                        } else if b[i] == 42, peek(1) == 47 {
                            depth -= 1
                            i += 2
                            if depth == 0 { break }
                        } else if b[i] == 47, peek(1) == 42 {
                            depth += 1
                            i += 2
                        } else {
                            i += 1
                        }
                    }
                    if depth > 0 {
                        return SQLError(.syntaxError, "unterminated /* comment", hint: "close the comment with */", at: startPos)
                    }
                } else {
                    break
                }
            }
            return nil
        }

        /// Scans to the closing quote (doubled quotes are part of the text); false if there is none.
        mutating func scanQuoted(_ q: UInt8) -> Bool {
            while i < b.count {
                let c = b[i]
                if c == q {
                    if peek(1) == q {
                        i += 2
                        continue
                    }
                    i += 1
                    return true
                }
                if c == 10 { newline(at: i) }
                i += 1
            }
            return false
        }

        /// `123`, `1.5`, `.5`, `1.`, `1e3`, `1.5E-3`.
        mutating func scanNumber() -> TokenKind {
            var kind = TokenKind.integer
            while i < b.count, Scanner.isDigit(b[i]) { i += 1 }
            if i < b.count, b[i] == 46, !(peek(1) == 46) {
                kind = .decimal
                i += 1
                while i < b.count, Scanner.isDigit(b[i]) { i += 1 }
            }
            if i < b.count, b[i] | 0x20 == 101 {
                var j = i + 1
                if j < b.count, b[j] == 43 || b[j] == 45 { j += 1 }
                if j < b.count, Scanner.isDigit(b[j]) {
                    kind = .decimal
                    i = j
                    while i < b.count, Scanner.isDigit(b[i]) { i += 1 }
                }
            }
            return kind
        }

        /// Characters that can start no token, with a hint where one helps.
        static func badCharacter(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> (text: String, hint: String?)? {
            let c = b[i]
            if c >= 0x80 {
                // Typographic quotes pasted from documents.
                if c == 0xE2, i + 2 < b.count, b[i + 1] == 0x80 {
                    switch b[i + 2] {
                    case 0x98, 0x99: return (String(decoding: b[i..<i + 3], as: UTF8.self), "use straight single quotes (') around strings")
                    case 0x9C, 0x9D: return (String(decoding: b[i..<i + 3], as: UTF8.self), "use straight double quotes (\") around names")
                    default: return nil
                    }
                }
                return nil
            }
            if isIdentStart(c) { return nil }
            let text = String(UnicodeScalar(c))
            switch c {
            case 96: return (text, "quote names with double quotes: \"name\"")
            case 92: return (text, "backslash commands such as \\d are REPL commands, not SQL")
            case 63: return (text, "parameters are written $1, $2, …")
            case 124: return (text, "use || to concatenate strings, OR for a logical or")
            case 58: return (text, "casts are written x::type")
            case 33: return (text, "use NOT for negation and <> or != for inequality")
            case 38: return (text, "use AND for a logical and")
            case 34, 39: return nil
            default:
                if c < 32 || c == 127 { return ("\\u{\(String(c, radix: 16))}", nil) }
                return (text, nil)
            }
        }
    }
}
