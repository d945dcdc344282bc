import Testing
@testable import TallyQuery

@Suite struct LexerTests {
    static func kinds(_ sql: String) throws -> [TokenKind] {
        try Lexer.tokenize(sql).map(\.kind)
    }

    static let tokenCases: [(String, [TokenKind])] = [
        ("", [.end]),
        ("   \n\t ", [.end]),
        ("SELECT", [.word, .end]),
        ("a_b1$ _x", [.word, .word, .end]),
        ("\"quoted name\"", [.quotedIdentifier, .end]),
        ("'str'", [.string, .end]),
        ("'it''s'", [.string, .end]),
        ("42 4.2 .5 1. 1e3 1E-3 2.5e+10", [.integer, .decimal, .decimal, .decimal, .decimal, .decimal, .decimal, .end]),
        ("$1 $23", [.parameter, .parameter, .end]),
        ("( ) [ ] , . ;", [.leftParen, .rightParen, .leftBracket, .rightBracket, .comma, .dot, .semicolon, .end]),
        ("+ - * / %", [.plus, .minus, .star, .slash, .percent, .end]),
        ("= == <> != < <= > >=", [.equal, .equal, .notEqual, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .end]),
        ("|| ::", [.concat, .doubleColon, .end]),
        ("a||b", [.word, .concat, .word, .end]),
        ("x::int", [.word, .doubleColon, .word, .end]),
        ("t.c", [.word, .dot, .word, .end]),
        ("t.*", [.word, .dot, .star, .end]),
        ("1.5.a", [.decimal, .dot, .word, .end]),
        ("a-1", [.word, .minus, .integer, .end]),
        ("a--1\nb", [.word, .word, .end]),
        ("a/*x*/b", [.word, .word, .end]),
        ("a/*/* nested */*/b", [.word, .word, .end]),
        ("a /* multi\nline */ b", [.word, .word, .end]),
        ("-- only a comment", [.end]),
        ("'--not a comment'", [.string, .end]),
        ("\"/*not a comment*/\"", [.quotedIdentifier, .end]),
        ("é_ü ☃x", [.word, .word, .end]),
        ("a\u{00A0}b", [.word, .word, .end]),
        ("1<2", [.integer, .less, .integer, .end]),
        ("a<>b", [.word, .notEqual, .word, .end]),
        ("x[1]", [.word, .leftBracket, .integer, .rightBracket, .end]),
    ]

    @Test(arguments: tokenCases)
    func tokenKinds(_ sql: String, _ expected: [TokenKind]) throws {
        #expect(try LexerTests.kinds(sql) == expected, "\(sql)")
    }

    @Test func keywordsAreCaseInsensitive() throws {
        let t = try Lexer.tokenize("select SELECT SeLeCt materialized MATERIALIZED x selects")
        #expect(t[0].keyword == .select && t[1].keyword == .select && t[2].keyword == .select)
        #expect(t[3].keyword == .materialized && t[4].keyword == .materialized)
        #expect(t[5].keyword == nil)
        #expect(t[6].keyword == nil)
    }

    @Test func everyKeywordIsRecognised() throws {
        for k in Keyword.allCases {
            let t = try Lexer.tokenize(k.rawValue.lowercased())
            #expect(t[0].keyword == k, "\(k)")
            #expect(Keyword(word: k.rawValue) == k)
        }
        #expect(Keyword(word: "selectx") == nil)
        #expect(Keyword(word: "a") == nil)
        #expect(Keyword(word: "sélect") == nil)
    }

    @Test func quotedWordsAreNeverKeywords() throws {
        let t = try Lexer.tokenize("\"select\" 'from'")
        #expect(t[0].keyword == nil && t[1].keyword == nil)
    }

    @Test func reservedWords() {
        #expect(Keyword.select.isReserved)
        #expect(Keyword.from.isReserved)
        #expect(Keyword.left.isReserved)
        #expect(!Keyword.at.isReserved)
        #expect(!Keyword.rows.isReserved)
        #expect(!Keyword.interval.isReserved)
        #expect(!Keyword.table.isReserved)
        #expect(!Keyword.filter.isReserved)
    }

    @Test func positions() throws {
        let sql = "SELECT a,\n  bé,  c\n\n  FROM t"
        let t = try Lexer.tokenize(sql)
        let expected: [(Int, Int, Int)] = [ // offset, line, column
            (0, 1, 1), (7, 1, 8), (8, 1, 9),
            (12, 2, 3), (15, 2, 5), (18, 2, 8),
            (23, 4, 3), (28, 4, 8),
        ]
        for (i, (offset, line, column)) in expected.enumerated() {
            #expect(t[i].range.start == SourcePosition(offset: offset, line: line, column: column), "token \(i)")
            #expect(SourcePosition(offset: offset, in: sql) == t[i].range.start, "token \(i)")
        }
        #expect(t[1].range.end == 8)
        #expect(t[3].range.end == 15) // "bé" is 3 bytes
        // The end token sits right after the last token, not after trailing whitespace.
        #expect(t.last?.kind == .end)
        #expect(t.last?.range.start == SourcePosition(offset: 29, line: 4, column: 9))
    }

    @Test func positionsAfterMultiLineStringsAndComments() throws {
        let sql = "'a\nb' /* x\ny */ c -- z\n d"
        let t = try Lexer.tokenize(sql)
        #expect(t[0].range.start == SourcePosition(offset: 0, line: 1, column: 1))
        #expect(t[1].range.start == SourcePosition(offset: 16, line: 3, column: 6))
        #expect(t[2].range.start == SourcePosition(offset: 24, line: 4, column: 2))
    }

    @Test func crlfLineEndings() throws {
        let t = try Lexer.tokenize("SELECT a\r\nFROM t")
        #expect(t[2].range.start.line == 2 && t[2].range.start.column == 1)
    }

    static let lexErrors: [(String, String, Int)] = [
        ("'abc", "unterminated string literal", 1),
        ("x \"abc", "unterminated quoted identifier", 3),
        ("/* abc", "unterminated /* comment", 1),
        ("a # b", "unexpected character '#'", 3),
        ("a @ b", "unexpected character '@'", 3),
        ("a ^ b", "unexpected character '^'", 3),
        ("a ~ b", "unexpected character '~'", 3),
        ("a & b", "unexpected character '&'", 3),
        ("{a}", "unexpected character '{'", 1),
        ("a : b", "unexpected character ':'", 3),
        ("12ab", "invalid number 12ab", 1),
        ("1.5x", "invalid number 1.5x", 1),
        ("$", "expected a parameter number after '$'", 1),
        ("$a", "expected a parameter number after '$'", 1),
        ("$0", "parameters are numbered from $1", 1),
        ("$99999", "parameter number $99999 is too large", 1),
        ("\"\"", "empty quoted identifier \"\"", 1),
        ("a \u{01} b", "unexpected character '\\u{1}'", 3),
        ("“name”", "unexpected character '“'", 1),
    ]

    @Test(arguments: lexErrors)
    func lexicalErrors(_ sql: String, _ message: String, _ column: Int) {
        do {
            _ = try Lexer.tokenize(sql)
            Issue.record("expected an error for \(sql)")
        } catch {
            #expect(error.code == .syntaxError)
            #expect(error.message == message, "\(sql)")
            #expect(error.position?.column == column, "\(sql)")
        }
    }

    @Test func lexingIsFast() throws {
        let sql = String(repeating: "SELECT agent_id, count(*) AS calls, avg(handle_s) FROM agent_metrics WHERE started_at >= now() - INTERVAL '7 days' GROUP BY 1;\n", count: 200)
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            let t = try Lexer.tokenize(sql)
            #expect(t.count == 200 * 29 + 1)
        }
        // ~25 KB: generous even for a debug build on a busy machine.
        #expect(elapsed < .seconds(2))
    }
}
