import Testing
@testable import TallyQuery

@Suite struct ParserScriptTests {
    @Test func parseScriptReportsWhereEachStatementStarts() throws {
        let script = """
            -- setup
            CREATE TABLE t (a INT);
            INSERT INTO t VALUES (1), (2);

              SELECT a
              FROM t; SHOW TABLES
            """
        let parsed = try Parser.parseScript(script)
        #expect(parsed.count == 4)
        #expect(parsed.map(\.range.start.line) == [2, 3, 5, 6])
        #expect(parsed.map(\.range.start.column) == [1, 1, 3, 11])
        #expect(parsed.map(\.text) == [
            "CREATE TABLE t (a INT)",
            "INSERT INTO t VALUES (1), (2)",
            "SELECT a\n  FROM t",
            "SHOW TABLES",
        ])
        #expect(parsed[3].statement == .showTables)
        for p in parsed {
            #expect(String(p.range.text(in: script)) == p.text)
        }
    }

    @Test func scriptErrorsAreRelativeToTheScript() {
        let script = "SELECT 1;\nSELECT 2;\nSELECT * FORM t;\nSELECT 4;"
        guard let e = parseError(script, script: true) else { return }
        #expect(e.message == "syntax error at or near \"FORM\"")
        #expect(e.position?.line == 3 && e.position?.column == 10)
        #expect(e.render(source: script).contains("  SELECT * FORM t;\n           ^"))
    }

    @Test func semicolonsInsideStringsAndCommentsDoNotSplit() throws {
        let script = "SELECT 'a;b' AS \"x;y\"; -- c;d\nSELECT /* e;f */ 2;"
        let parsed = try Parser.parseScript(script)
        #expect(parsed.count == 2)
        #expect(parsed[0].text == "SELECT 'a;b' AS \"x;y\"")
        #expect(parsed[1].text == "SELECT /* e;f */ 2")
    }

    @Test func emptyStatementsAreSkipped() throws {
        #expect(try Parser.parseScript(";;SELECT 1;;; ;SELECT 2").count == 2)
        #expect(try Parser.parseScript("").isEmpty)
        #expect(try Parser.parseScript("-- only\n/* comments */").isEmpty)
    }

    @Test func statementsMustBeSeparated() {
        guard let e = parseError("SELECT 1 SELECT 2") else { return }
        #expect(e.message == "syntax error at or near \"SELECT\"")
        #expect(e.position?.column == 10)
    }

    // MARK: SQLScript.split

    static let splits: [(String, [String], [Bool])] = [
        ("", [], []),
        ("   ", [], []),
        (";", [], []),
        ("SELECT 1", ["SELECT 1"], [false]),
        ("SELECT 1;", ["SELECT 1"], [true]),
        ("SELECT 1; SELECT 2;", ["SELECT 1", "SELECT 2"], [true, true]),
        ("SELECT 1; SELECT 2", ["SELECT 1", "SELECT 2"], [true, false]),
        (" ;; SELECT 1 ;; ", ["SELECT 1"], [true]),
        ("SELECT ';'; SELECT 2;", ["SELECT ';'", "SELECT 2"], [true, true]),
        ("SELECT 'it''s;'; x", ["SELECT 'it''s;'", "x"], [true, false]),
        ("SELECT \"a;\"\"b\";", ["SELECT \"a;\"\"b\""], [true]),
        ("SELECT 1 -- c;\n;", ["SELECT 1"], [true]),
        ("-- lead\nSELECT 1; -- trail", ["SELECT 1"], [true]),
        ("SELECT /* ; */ 1;", ["SELECT /* ; */ 1"], [true]),
        ("SELECT /* /* ; */ ; */ 1;", ["SELECT /* /* ; */ ; */ 1"], [true]),
        ("/* only */ ; -- comments", [], []),
        ("SELECT 'open;", ["SELECT 'open;"], [false]),
        ("SELECT 1 /* open ;", ["SELECT 1"], [false]),
        ("SELECT\n  1\n;\nSELECT 2\n", ["SELECT\n  1", "SELECT 2"], [true, false]),
    ]

    @Test(arguments: splits)
    func split(_ script: String, _ texts: [String], _ terminated: [Bool]) {
        let pieces = SQLScript.split(script)
        #expect(pieces.map(\.text) == texts, "\(script)")
        #expect(pieces.map(\.isTerminated) == terminated, "\(script)")
        for p in pieces {
            #expect(String(p.range.text(in: script)) == p.text)
            #expect(SourcePosition(offset: p.range.start.offset, in: script) == p.range.start)
        }
    }

    @Test func splitPositions() {
        let pieces = SQLScript.split("SELECT 1;\n  -- x\n  SELECT é; SELECT 3")
        #expect(pieces.map(\.range.start.line) == [1, 3, 3])
        #expect(pieces.map(\.range.start.column) == [1, 3, 13])
    }

    @Test func completeness() {
        #expect(!SQLScript.isComplete(""))
        #expect(!SQLScript.isComplete("SELECT 1"))
        #expect(SQLScript.isComplete("SELECT 1;"))
        #expect(SQLScript.isComplete("SELECT 1;  -- done\n"))
        #expect(!SQLScript.isComplete("SELECT 'a;"))
        #expect(!SQLScript.isComplete("SELECT 1; SELECT"))
        #expect(!SQLScript.isComplete("SELECT 1 /* ; */"))
        #expect(SQLScript.isComplete("SELECT 1 /* ; */;"))
    }

    @Test func splitAgreesWithTheParser() throws {
        let script = try ParserSchemaTests.schemaSQL() + "\nSELECT 'x;y'; /* c; */ SHOW TABLES;"
        let pieces = SQLScript.split(script)
        let parsed = try Parser.parseScript(script)
        #expect(pieces.map(\.text) == parsed.map(\.text))
        #expect(pieces.map(\.range.start) == parsed.map(\.range.start))
    }
}
