/// A point in SQL source text: UTF-8 byte offset (0-based), line and column (both 1-based).
///
/// Columns count Unicode scalars from the start of the line, so a caret drawn under a line
/// lands under the right character even after accented letters. `line == 0` means "unknown"
/// (a node built by code rather than parsed from text).
public struct SourcePosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var offset: Int
    public var line: Int
    public var column: Int

    public init(offset: Int, line: Int, column: Int) {
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// Computes the line and column of a byte offset in `source` (offsets past the end clamp to the end).
    public init(offset: Int, in source: String) {
        var line = 1
        var column = 1
        var i = 0
        let limit = max(0, offset)
        for b in source.utf8 {
            if i >= limit { break }
            if b == 10 {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        self.init(offset: i, line: line, column: column)
    }

    /// A position for nodes that were not parsed from text.
    public static let unknown = SourcePosition(offset: 0, line: 0, column: 0)

    public var isKnown: Bool { line > 0 }

    public var description: String { isKnown ? "line \(line), column \(column)" : "unknown position" }

    public static func < (a: SourcePosition, b: SourcePosition) -> Bool { a.offset < b.offset }
}

/// Where an AST node came from: its first position and the byte offset just past its end.
///
/// A range is metadata, not part of a node's value: **every range equals every other range and
/// hashes to nothing**, so two ASTs are `==` when they have the same structure, wherever they
/// were written. (That is what makes `parse(print(ast)) == ast` and keying a cache on the AST
/// work.) Compare `range.start` explicitly when a test cares about positions.
public struct SourceRange: Sendable, Hashable, CustomStringConvertible {
    public var start: SourcePosition
    /// UTF-8 byte offset just past the node's last byte.
    public var end: Int

    public init(start: SourcePosition, end: Int) {
        self.start = start
        self.end = end
    }

    public static let unknown = SourceRange(start: .unknown, end: 0)

    public var isKnown: Bool { start.isKnown }
    /// Length in UTF-8 bytes.
    public var length: Int { max(0, end - start.offset) }

    /// From the start of `self` to the end of `other`.
    public func through(_ other: SourceRange) -> SourceRange {
        guard isKnown else { return other }
        guard other.isKnown else { return self }
        return SourceRange(start: start, end: max(end, other.end))
    }

    /// The source text the range covers.
    public func text(in source: String) -> Substring {
        let u = source.utf8
        let lo = u.index(u.startIndex, offsetBy: min(start.offset, u.count))
        let hi = u.index(u.startIndex, offsetBy: min(max(end, start.offset), u.count))
        return Substring(source[lo..<hi])
    }

    public var description: String { "\(start)" }

    public static func == (_: SourceRange, _: SourceRange) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}
