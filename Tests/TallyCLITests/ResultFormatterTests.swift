import Testing
@testable import TallyQuery

@Suite struct ResultFormatterTests {
    let result = QueryResult(
        columns: [PlanColumn("name", .string), PlanColumn("n", .int64), PlanColumn("avg", .float64)],
        data: [ColumnData.from(.string, [.string("a,b"), .string("say \"hi\""), .null]),
               ColumnData.from(.int64, [.int(1), .null, .int(300)]),
               ColumnData.from(.float64, [.double(1.5), .double(-2), .null])],
        rowCount: 3)

    @Test func csvQuotesAndLeavesNullEmpty() {
        #expect(ResultFormatter.csv(result) == "name,n,avg\n\"a,b\",1,1.5\n\"say \"\"hi\"\"\",,-2.0\n,300,\n")
    }

    @Test func jsonLinesEscapeAndUseNull() {
        #expect(ResultFormatter.jsonLines(result) == """
        {"name":"a,b","n":1,"avg":1.5}
        {"name":"say \\"hi\\"","n":null,"avg":-2.0}
        {"name":null,"n":300,"avg":null}

        """)
    }

    @Test func tableAlignsNumbersRightAndShowsNull() {
        let t = ResultFormatter.table(result)
        let lines = t.split(separator: "\n").map(String.init)
        #expect(lines[1] == "│ name     │ n      │ avg    │")
        #expect(lines[2] == "│ varchar  │ bigint │ double │")
        #expect(lines[4] == "│ a,b      │      1 │    1.5 │")
        #expect(lines[6] == "│ NULL     │    300 │   NULL │")
    }

    @Test func markdownEscapesPipes() {
        #expect(ResultFormatter.markdown(result).hasPrefix("| name | n | avg |\n|---|---:|---:|\n| a,b | 1 | 1.5 |"))
    }
}
