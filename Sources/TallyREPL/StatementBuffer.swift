import TallyQuery

/// Collects typed lines until they hold complete statements (ending in `;`), the way psql does:
/// a line may finish one statement and start the next, and a statement may span many lines.
public struct StatementBuffer: Sendable {
    /// A statement that a `;` completed.
    public struct Statement: Sendable, Equatable {
        /// The statement without its `;`.
        public var text: String
        /// The input line (counted from 1) on which the statement starts, for messages about files.
        public var line: Int

        public init(text: String, line: Int) {
            self.text = text
            self.line = line
        }
    }

    /// The text typed so far that does not end in `;` yet (an unfinished statement).
    public private(set) var pending = ""
    /// How many lines were added.
    public private(set) var lineCount = 0
    /// The input line on which `pending` starts.
    private var pendingLine = 1

    public init() {}

    /// True when nothing is waiting for a `;`, so the prompt is the primary one.
    public var isEmpty: Bool { pending.isEmpty }

    /// Adds one line; returns the statements it completed, in order. Text after the last `;`
    /// stays pending. Lines holding only comments or blanks add nothing while no statement is open.
    public mutating func add(line: String) -> [Statement] {
        lineCount += 1
        if pending.isEmpty { pendingLine = lineCount }
        let text = pending.isEmpty ? line : pending + "\n" + line
        let bytes = Array(text.utf8)
        let pieces = SQLScript.split(text)
        var complete: [Statement] = []
        var tailLine = pendingLine
        var tailStart = 0
        var open: SQLScript.Piece?
        for p in pieces {
            if p.isTerminated {
                complete.append(Statement(text: p.text, line: pendingLine + p.range.start.line - 1))
                tailStart = Self.offsetAfterSemicolon(bytes, from: p.range.end)
                tailLine = pendingLine + bytes[..<tailStart].count { $0 == 10 }
            } else {
                open = p
            }
        }
        if let open {
            // Keep the unfinished statement from where it starts, so its quotes and comments stay intact.
            pending = String(decoding: bytes[open.range.start.offset...], as: UTF8.self)
            pendingLine += open.range.start.line - 1
        } else {
            // Only blanks and comments follow the last `;`. They are dropped, except a block comment
            // that may still be open: the splitter swallows it whole, and the next line may close it.
            let tail = String(decoding: bytes[tailStart...], as: UTF8.self)
            pending = tail.contains("/*") ? tail : ""
            pendingLine = tailLine
        }
        return complete
    }

    /// Counts a line that is not SQL (a meta command), so the lines of later statements stay right.
    public mutating func skip() { lineCount += 1 }

    /// Forgets the unfinished statement (Ctrl-C at the prompt, `\r`).
    public mutating func reset() { pending = "" }

    /// The offset just past the `;` that ends a statement whose content ends at `offset`: between
    /// them there are only blanks and comments (which may themselves contain a `;`).
    static func offsetAfterSemicolon(_ b: [UInt8], from offset: Int) -> Int {
        var i = offset
        while i < b.count {
            let c = b[i], next: UInt8 = i + 1 < b.count ? b[i + 1] : 0
            if c == UInt8(ascii: ";") { return i + 1 }
            if c == UInt8(ascii: "-") && next == UInt8(ascii: "-") {
                while i < b.count && b[i] != 10 { i += 1 }
            } else if c == UInt8(ascii: "/") && next == UInt8(ascii: "*") {
                var depth = 1
                i += 2
                while i < b.count && depth > 0 {
                    if b[i] == UInt8(ascii: "*") && i + 1 < b.count && b[i + 1] == UInt8(ascii: "/") {
                        depth -= 1
                        i += 2
                    } else if b[i] == UInt8(ascii: "/") && i + 1 < b.count && b[i + 1] == UInt8(ascii: "*") {
                        depth += 1
                        i += 2
                    } else {
                        i += 1
                    }
                }
            } else {
                i += 1
            }
        }
        return b.count
    }
}
