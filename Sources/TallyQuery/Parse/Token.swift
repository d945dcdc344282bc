/// What a token is; its text is the source bytes in `Token.range`.
public enum TokenKind: UInt8, Sendable, Hashable {
    /// An unquoted word: a name or a keyword (see `Token.keyword`).
    case word
    /// `"a name"`, with `""` for a quote inside.
    case quotedIdentifier
    /// `'text'`, with `''` for a quote inside.
    case string
    /// Digits only: `42`.
    case integer
    /// A number with a fraction or an exponent: `1.5`, `.5`, `1e3`.
    case decimal
    /// `$1`, `$2`, …
    case parameter
    case leftParen, rightParen, leftBracket, rightBracket
    case comma, dot, semicolon
    case plus, minus, star, slash, percent
    /// `||`
    case concat
    /// `=` or `==`
    case equal
    /// `<>` or `!=`
    case notEqual
    case less, lessEqual, greater, greaterEqual
    /// `::`
    case doubleColon
    /// Text that is not a token; the lexer's error explains it. Nothing follows but `.end`.
    case invalid
    /// End of input.
    case end
}

/// One lexical token. `range` covers its source bytes (quotes included for strings and quoted names).
public struct Token: Sendable, Hashable, CustomStringConvertible {
    public var kind: TokenKind
    /// The keyword an unquoted word spells, if any (whether reserved or not).
    public var keyword: Keyword?
    public var range: SourceRange

    public init(kind: TokenKind, keyword: Keyword? = nil, range: SourceRange) {
        self.kind = kind
        self.keyword = keyword
        self.range = range
    }

    public var description: String { "\(kind)\(keyword.map { "(\($0))" } ?? "")@\(range.start.offset)..<\(range.end)" }

    /// Text that names the token in messages: `'+'`, `FROM`, `"name"`, `end of input`.
    static func symbol(_ kind: TokenKind) -> String? {
        switch kind {
        case .leftParen: return "("
        case .rightParen: return ")"
        case .leftBracket: return "["
        case .rightBracket: return "]"
        case .comma: return ","
        case .dot: return "."
        case .semicolon: return ";"
        case .plus: return "+"
        case .minus: return "-"
        case .star: return "*"
        case .slash: return "/"
        case .percent: return "%"
        case .concat: return "||"
        case .equal: return "="
        case .notEqual: return "<>"
        case .less: return "<"
        case .lessEqual: return "<="
        case .greater: return ">"
        case .greaterEqual: return ">="
        case .doubleColon: return "::"
        default: return nil
        }
    }
}

/// Words with a meaning in the grammar. Only the reserved ones (`isReserved`) cannot be used as
/// plain names; the others (`at`, `value`-like words such as `rows`, `first`, `interval`, `date`)
/// stay usable as table and column names, as in PostgreSQL.
public enum Keyword: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    // Reserved.
    case all = "ALL", and = "AND", any = "ANY", `as` = "AS", asc = "ASC", between = "BETWEEN", by = "BY"
    case `case` = "CASE", cast = "CAST", cross = "CROSS", desc = "DESC", distinct = "DISTINCT"
    case `else` = "ELSE", end = "END", except = "EXCEPT", exists = "EXISTS", `false` = "FALSE"
    case from = "FROM", full = "FULL", group = "GROUP", having = "HAVING", ilike = "ILIKE"
    case `in` = "IN", inner = "INNER", intersect = "INTERSECT", `is` = "IS", join = "JOIN"
    case left = "LEFT", like = "LIKE", limit = "LIMIT", natural = "NATURAL", not = "NOT", null = "NULL"
    case offset = "OFFSET", on = "ON", or = "OR", order = "ORDER", outer = "OUTER", right = "RIGHT"
    case select = "SELECT", then = "THEN", `true` = "TRUE", union = "UNION", using = "USING"
    case when = "WHEN", `where` = "WHERE", window = "WINDOW", with = "WITH"
    // Not reserved: meaningful only where the grammar expects them.
    case analyze = "ANALYZE", at = "AT", copy = "COPY", create = "CREATE", current = "CURRENT"
    case date = "DATE", deallocate = "DEALLOCATE", describe = "DESCRIBE", drop = "DROP"
    case escape = "ESCAPE", execute = "EXECUTE", explain = "EXPLAIN", extract = "EXTRACT"
    case filter = "FILTER", first = "FIRST", following = "FOLLOWING", groups = "GROUPS", `if` = "IF"
    case insert = "INSERT", interval = "INTERVAL", into = "INTO", key = "KEY", last = "LAST"
    case materialized = "MATERIALIZED", nulls = "NULLS", over = "OVER", partition = "PARTITION"
    case preceding = "PRECEDING", prepare = "PREPARE", primary = "PRIMARY", range = "RANGE"
    case recursive = "RECURSIVE", row = "ROW", rows = "ROWS", show = "SHOW", table = "TABLE"
    case tables = "TABLES", time = "TIME", timestamp = "TIMESTAMP", to = "TO", unbounded = "UNBOUNDED"
    case values = "VALUES", view = "VIEW", within = "WITHIN", zone = "ZONE"

    public var description: String { rawValue }

    /// Reserved words cannot be table, column or alias names unless double-quoted.
    public var isReserved: Bool {
        switch self {
        case .all, .and, .any, .as, .asc, .between, .by, .case, .cast, .cross, .desc, .distinct,
             .else, .end, .except, .exists, .false, .from, .full, .group, .having, .ilike,
             .in, .inner, .intersect, .is, .join, .left, .like, .limit, .natural, .not, .null,
             .offset, .on, .or, .order, .outer, .right, .select, .then, .true, .union, .using,
             .when, .where, .window, .with:
            return true
        default:
            return false
        }
    }

    /// Keywords one can actually type (for suggestions and completion).
    public static let spellings: [String] = allCases.map(\.rawValue)

    /// Looks a word up case-insensitively without allocating: the lower-cased word is packed
    /// into 16 bytes and found in a small open-addressing table.
    static func lookup(_ bytes: UnsafeBufferPointer<UInt8>) -> Keyword? {
        guard bytes.count >= 2, bytes.count <= 16 else { return nil }
        var key = PackedWord()
        for k in 0..<bytes.count {
            let c = bytes[k]
            guard c < 0x80 else { return nil }
            let lower = (c >= 65 && c <= 90) ? c | 0x20 : c
            if k < 8 { key.lo |= UInt64(lower) << (8 * UInt64(k)) } else { key.hi |= UInt64(lower) << (8 * UInt64(k - 8)) }
        }
        let t = lookupTable
        var slot = key.slot
        while true {
            let entry = t.keys[slot]
            if entry.lo == 0 { return nil }
            if entry == key { return t.values[slot] }
            slot = (slot + 1) & (KeywordTable.size - 1)
        }
    }

    public init?(word: some StringProtocol) {
        let bytes = Array(word.utf8)
        guard let k = bytes.withUnsafeBufferPointer({ Keyword.lookup($0) }) else { return nil }
        self = k
    }

    struct PackedWord: Hashable {
        var lo: UInt64 = 0
        var hi: UInt64 = 0

        var slot: Int {
            let h = (lo ^ (hi &* 0x9E37_79B9_7F4A_7C15)) &* 0x9E37_79B9_7F4A_7C15
            return Int(truncatingIfNeeded: h >> 56) & (KeywordTable.size - 1)
        }
    }

    struct KeywordTable: Sendable {
        static let size = 256
        var keys = [PackedWord](repeating: PackedWord(), count: size)
        var values = [Keyword](repeating: .all, count: size)
    }

    private static let lookupTable: KeywordTable = {
        var t = KeywordTable()
        for k in allCases {
            var key = PackedWord()
            for (i, c) in k.rawValue.lowercased().utf8.enumerated() {
                if i < 8 { key.lo |= UInt64(c) << (8 * UInt64(i)) } else { key.hi |= UInt64(c) << (8 * UInt64(i - 8)) }
            }
            var slot = key.slot
            while t.keys[slot].lo != 0 { slot = (slot + 1) & (KeywordTable.size - 1) }
            t.keys[slot] = key
            t.values[slot] = k
        }
        return t
    }()
}
