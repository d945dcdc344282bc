/// Splits SQL text at top-level `;` without parsing it, respecting 'strings', "quoted names",
/// `-- line comments` and nested `/* block comments */`. It never fails: text with an unclosed
/// quote or comment ends in an unterminated piece (which is what a REPL needs to keep reading).
/// `Parser.parseScript` parses as well; use this to find statement boundaries only.
public enum SQLScript {
    /// One statement's text.
    public struct Piece: Sendable, Hashable {
        /// From the first character that is not whitespace or comment to the last one before the `;`.
        public var text: String
        /// Where `text` is in the script; `range.start` has its line and column.
        public var range: SourceRange
        /// True when a `;` ended the piece (false for the text after the last `;`).
        public var isTerminated: Bool

        public init(text: String, range: SourceRange, isTerminated: Bool) {
            self.text = text
            self.range = range
            self.isTerminated = isTerminated
        }

        public static func == (a: Piece, b: Piece) -> Bool {
            a.text == b.text && a.isTerminated == b.isTerminated && a.range.start == b.range.start && a.range.end == b.range.end
        }

        public func hash(into h: inout Hasher) {
            h.combine(text)
            h.combine(isTerminated)
            h.combine(range.start)
            h.combine(range.end)
        }
    }

    /// The statements of `script`; empty statements and comment-only text are skipped.
    public static func split(_ script: String) -> [Piece] {
        let b = Array(script.utf8)
        var pieces: [Piece] = []
        var i = 0
        var line = 1, column = 1
        var pieceStart: SourcePosition?
        var contentEnd = 0

        func emit(terminated: Bool) {
            if let start = pieceStart {
                let text = String(decoding: b[start.offset..<contentEnd], as: UTF8.self)
                pieces.append(Piece(text: text, range: SourceRange(start: start, end: contentEnd), isTerminated: terminated))
            }
            pieceStart = nil
        }
        /// Moves past one byte, keeping line and column.
        func step() {
            if b[i] == 10 {
                line += 1
                column = 1
            } else if b[i] & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        func markContent() {
            if pieceStart == nil { pieceStart = SourcePosition(offset: i, line: line, column: column) }
        }

        while i < b.count {
            let c = b[i]
            let next: UInt8 = i + 1 < b.count ? b[i + 1] : 0
            if c == 45 && next == 45 { // -- comment
                while i < b.count && b[i] != 10 { step() }
            } else if c == 47 && next == 42 { // /* comment */
                step(); step()
                var depth = 1
                while i < b.count && depth > 0 {
                    if b[i] == 42 && i + 1 < b.count && b[i + 1] == 47 {
                        depth -= 1
                        step(); step()
                    } else if b[i] == 47 && i + 1 < b.count && b[i + 1] == 42 {
                        depth += 1
                        step(); step()
                    } else {
                        step()
                    }
                }
            } else if c == 39 || c == 34 { // 'string' or "name"
                markContent()
                step()
                while i < b.count {
                    if b[i] == c {
                        if i + 1 < b.count && b[i + 1] == c {
                            step(); step()
                            continue
                        }
                        step()
                        break
                    }
                    step()
                }
                contentEnd = i
            } else if c == 59 { // ;
                emit(terminated: true)
                step()
            } else if c == 32 || c == 9 || c == 10 || c == 13 || c == 12 || c == 11 {
                step()
            } else {
                markContent()
                step()
                contentEnd = i
            }
        }
        emit(terminated: false)
        return pieces
    }

    /// True when `text` holds at least one statement and nothing but whitespace and comments
    /// follows its last `;` — the moment a REPL should run what was typed.
    public static func isComplete(_ text: String) -> Bool {
        let pieces = split(text)
        guard let last = pieces.last else { return false }
        return last.isTerminated
    }
}
