import Testing
@testable import TallyStorage

@Suite struct CSVLoadTests {
    func table(_ dir: TempDir) throws -> TableStore {
        try TableStore.create(directory: dir.path + "/calls", schema: callSchema, cache: BlockCache(capacity: 1 << 24))
    }

    @Test func loadsTypedValuesQuotingAndNulls() throws {
        let dir = TempDir()
        let t = try table(dir)
        let csv = #"""
        at,call_id,sector,agent,talk,resolved
        2025-01-01 10:00:00,1,"retail, online",7,12.5,true
        2025-01-01T10:00:01Z,2,"say ""hi""",,,
        "2025-01-01 10:00:02",3,"multi
        line",9,-1e3,false

        """#
        let r = try CSVLoader.load(data: Array(csv.utf8), name: "calls.csv", into: t)
        #expect(r.rows == 3)
        let rows = rowsByID(try t.snapshot().readAll())
        #expect(rows[1] == [.int(1), .timestamp(Timestamp.parse("2025-01-01 10:00:00")!), .int(7), .string("retail, online"), .double(12.5), .bool(true)])
        #expect(rows[2] == [.int(2), .timestamp(Timestamp.parse("2025-01-01 10:00:01")!), .null, .string("say \"hi\""), .null, .null])
        #expect(rows[3]?[3] == .string("multi\nline"))
        #expect(rows[3]?[4] == .double(-1000))
    }

    @Test func badValueNamesFileLineAndColumnAndCommitsNothing() throws {
        let dir = TempDir()
        let t = try table(dir)
        try CSVLoader.load(data: Array("call_id,at,sector\n1,2025-01-01,x\n".utf8), name: "ok.csv", into: t)
        let bad = "call_id,at,sector,agent\n" + (0..<70_000).map { "\($0),2025-01-02,s,1" }.joined(separator: "\n")
            + "\n70000,2025-01-02,s,twelve\n"
        #expect(throws: StorageError.badValue(location: "bad.csv:70002", column: "agent", detail: "'twelve' is not an integer")) {
            try CSVLoader.load(data: Array(bad.utf8), name: "bad.csv", into: t)
        }
        #expect(t.snapshot().rowCount == 1)
        #expect(try FileIO.list(dir.path + "/calls").filter { $0.hasSuffix(".seg") }.count == 1)
    }

    @Test func headerProblemsAreReported() throws {
        let dir = TempDir()
        let t = try table(dir)
        #expect(throws: StorageError.badValue(location: "h.csv:1", column: "sector", detail: "required column is missing from the header")) {
            try CSVLoader.load(data: Array("call_id,at\n1,2025-01-01\n".utf8), name: "h.csv", into: t)
        }
        #expect(throws: StorageError.self) { try CSVLoader.load(data: Array("call_id,at,sector,bogus\n".utf8), name: "h.csv", into: t) }
        #expect(throws: StorageError.badValue(location: "h.csv:2", column: "-", detail: "2 fields, header has 3")) {
            try CSVLoader.load(data: Array("call_id,at,sector\n1,2\n".utf8), name: "h.csv", into: t)
        }
        #expect(throws: StorageError.badValue(location: "h.csv:2", column: "sector", detail: "empty value in a NOT NULL column")) {
            try CSVLoader.load(data: Array("call_id,at,sector\n1,2025-01-01,\n".utf8), name: "h.csv", into: t)
        }
        #expect(throws: StorageError.badValue(location: "h.csv:2", column: "#3", detail: "unterminated quoted field")) {
            try CSVLoader.load(data: Array("call_id,at,sector\n1,2025-01-01,\"open\n".utf8), name: "h.csv", into: t)
        }
        #expect(t.snapshot().rowCount == 0)
    }

    @Test func tenantColumnSelectsOneTenantsRows() throws {
        let dir = TempDir()
        let t = try table(dir)
        let csv = "client_id,call_id,at,sector\nacme,1,2025-01-01,a\nglobex,2,2025-01-01,b\nacme,3,2025-01-01,c\n"
        let r = try CSVLoader.load(data: Array(csv.utf8), name: "m.csv", into: t, tenantColumn: "client_id", tenant: "acme")
        #expect(r == CSVLoader.Result(rows: 2, skipped: 1))
        #expect(Set(rowsByID(try t.snapshot().readAll()).keys) == [1, 3])
    }
}
