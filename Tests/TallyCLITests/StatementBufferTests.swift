import Testing
@testable import TallyREPL

@Suite struct StatementBufferTests {
    @Test func statementSpansLinesUntilTheSemicolon() {
        var b = StatementBuffer()
        #expect(b.add(line: "SELECT sector,") == [])
        #expect(!b.isEmpty)
        #expect(b.add(line: "  count(*)") == [])
        #expect(b.add(line: "FROM calls;") == [.init(text: "SELECT sector,\n  count(*)\nFROM calls", line: 1)])
        #expect(b.isEmpty)
    }

    @Test func oneLineCanFinishOneStatementAndStartTheNext() {
        var b = StatementBuffer()
        #expect(b.add(line: "SELECT 1; SELECT 2; SELECT") == [.init(text: "SELECT 1", line: 1), .init(text: "SELECT 2", line: 1)])
        #expect(b.pending == "SELECT")
        #expect(b.add(line: "3;") == [.init(text: "SELECT\n3", line: 1)])
    }

    @Test func semicolonsInStringsQuotedNamesAndCommentsDoNotEndAStatement() {
        var b = StatementBuffer()
        #expect(b.add(line: "SELECT 'a;b', \"x;y\" -- not; the end") == [])
        #expect(b.add(line: "/* still ; not */ FROM t;").map(\.text) == ["SELECT 'a;b', \"x;y\" -- not; the end\n/* still ; not */ FROM t"])
        // A string left open keeps reading, whatever it holds.
        #expect(b.add(line: "SELECT 'open;") == [])
        #expect(b.add(line: "still open';") == [.init(text: "SELECT 'open;\nstill open'", line: 3)])
    }

    @Test func blankAndCommentLinesAloneAddNothing() {
        var b = StatementBuffer()
        #expect(b.add(line: "") == [])
        #expect(b.add(line: "-- a comment") == [])
        #expect(b.isEmpty)
        #expect(b.add(line: "SELECT 1; -- done") == [.init(text: "SELECT 1", line: 3)])
        #expect(b.isEmpty)
    }

    @Test func aBlockCommentLeftOpenIsKeptUntilItCloses() {
        var b = StatementBuffer()
        #expect(b.add(line: "SELECT 1; /* a comment ; with") == [.init(text: "SELECT 1", line: 1)])
        #expect(!b.isEmpty)
        #expect(b.add(line: "more */ SELECT 2;") == [.init(text: "SELECT 2", line: 2)])
        #expect(b.isEmpty)
    }

    @Test func linesAreCountedForMessagesAboutFiles() {
        var b = StatementBuffer()
        _ = b.add(line: "SELECT 1;")
        _ = b.add(line: "")
        _ = b.add(line: "SELECT")
        #expect(b.add(line: "  2; SELECT 3;") == [.init(text: "SELECT\n  2", line: 3), .init(text: "SELECT 3", line: 4)])
        b.skip() // a meta command line
        #expect(b.add(line: "SELECT 4;") == [.init(text: "SELECT 4", line: 6)])
        _ = b.add(line: "SELECT")
        b.reset()
        #expect(b.isEmpty)
    }
}
