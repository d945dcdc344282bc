import Foundation
import Testing
import TallyStorage
@testable import TallyGen

@Suite struct CSVWriterTests {
    static let schema = TableSchema(name: "t", columns: [
        ColumnSchema("s", .string), ColumnSchema("i", .int32), ColumnSchema("b", .int64),
        ColumnSchema("d", .float64), ColumnSchema("ok", .bool), ColumnSchema("at", .timestamp),
    ])

    static func encode(_ batch: RowBatch, client: String = "t01") -> String {
        var out: [UInt8] = []
        CSVTableWriter.encode(batch, schema: schema, clientID: client, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func quotesCommasQuotesAndNewlinesAndWritesNullsEmpty() {
        let batch = RowBatch(columns: [
            ColumnData.from(.string, [.string("plain"), .string("a, b"), .string("say \"hi\""), .string("two\nlines"), .string(""), .null]),
            ColumnData.from(.int32, [.int(1), .int(-42), .null, .int(0), .int(7), .int(2_147_483_647)]),
            ColumnData.from(.int64, [.int(Int64.min), .int(10_000_000_001), .int(5), .null, .int(0), .int(-1)]),
            ColumnData.from(.float64, [.double(3.8), .double(-0.125), .double(1e21), .double(0), .null, .double(2.5)]),
            ColumnData.from(.bool, [.bool(true), .bool(false), .null, .bool(true), .bool(false), .bool(true)]),
            ColumnData.from(.timestamp, [.timestamp(1_735_689_600_000_000), .timestamp(1_735_689_661_000_000),
                                         .timestamp(1_735_689_600_123_456), .null, .timestamp(0), .timestamp(-1_000_000)]),
        ])
        let text = Self.encode(batch)
        let expected = [
            "t01,plain,1,-9223372036854775808,3.8,true,2025-01-01 00:00:00",
            "t01,\"a, b\",-42,10000000001,-0.125,false,2025-01-01 00:01:01",
            "t01,\"say \"\"hi\"\"\",,5,1e+21,,2025-01-01 00:00:00.123456",
            "t01,\"two\nlines\",0,,0.0,true,",
            "t01,\"\",7,0,,false,1970-01-01 00:00:00",
            "t01,,2147483647,-1,2.5,true,1969-12-31 23:59:59",
        ].joined(separator: "\n") + "\n"
        #expect(text == expected)
    }

    @Test func headerHasClientIdFirst() {
        #expect(String(decoding: CSVTableWriter.header(for: Self.schema), as: UTF8.self) == "client_id,s,i,b,d,ok,at\n")
        let quoted = TableSchema(name: "q", columns: [ColumnSchema("a,b", .int32)])
        #expect(String(decoding: CSVTableWriter.header(for: quoted), as: UTF8.self) == "client_id,\"a,b\"\n")
    }

    @Test func timestampsMatchTimestampFormat() {
        var rng = Xoshiro256(seed: 9)
        for _ in 0..<2_000 {
            let t = Int64(bitPattern: rng.next() % 8_000_000_000_000_000) - 2_000_000_000_000_000
            let micros = rng.chance(0.5) ? t / 1_000_000 * 1_000_000 : t
            var out: [UInt8] = []
            CSVTableWriter.appendTimestamp(micros, to: &out)
            #expect(String(decoding: out, as: UTF8.self) == Timestamp.format(micros))
        }
    }

    /// A minimal RFC 4180 reader for the round trip.
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = ""
        var quoted = false, i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            if quoted {
                if c == "\"" {
                    let next = text.index(after: i)
                    if next < text.endIndex && text[next] == "\"" { field.append("\""); i = next } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true }
            else if c == "," { record.append(field); field = "" }
            else if c == "\n" { record.append(field); records.append(record); record = []; field = "" }
            else { field.append(c) }
            i = text.index(after: i)
        }
        return records
    }

    @Test func writerWritesOneFilePerTableThatReadsBack() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tallygen-csv-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gen = Generator(config: GeneratorConfig(seed: 3, tenants: 4, callRows: 4_000, days: 30))
        let writer = try CSVTableWriter(directory: dir, schemas: HandSchemas.list)
        var rows: [String: Int] = [:]
        var firstSurveys: RowBatch?
        for t in gen.tenants.prefix(2) {
            try gen.generate(tenant: t, schemas: HandSchemas.byName) { table, batch in
                try writer.write(table: table, clientID: t.id, batch: batch)
                rows[table, default: 0] += batch.count
                if table == "customer_satisfaction" && firstSurveys == nil { firstSurveys = batch }
            }
        }
        try writer.close()
        for schema in HandSchemas.list {
            let text = try String(contentsOfFile: dir + "/" + schema.name + ".csv", encoding: .utf8)
            let records = Self.parse(text)
            #expect(records.first == ["client_id"] + schema.columns.map(\.name))
            #expect(records.count - 1 == rows[schema.name] ?? 0, "\(schema.name)")
            #expect(records.dropFirst().allSatisfy { $0.count == schema.columns.count + 1 })
            #expect(Set(records.dropFirst().map { $0[0] }).isSubset(of: ["t01", "t02"]))
        }
        // Survey comments (with commas, quotes, newlines) and NULLs survive the round trip.
        let text = try String(contentsOfFile: dir + "/customer_satisfaction.csv", encoding: .utf8)
        let records = Array(Self.parse(text).dropFirst())
        let batch = try #require(firstSurveys)
        let comment = HandSchemas.byName["customer_satisfaction"]!.index(of: "comment")!
        for r in 0..<batch.count {
            let v = batch.columns[comment].value(at: r)
            #expect(records[r][comment + 1] == (v.isNull ? "" : v.description))
        }
        #expect(throws: CSVWriterError.self) { try writer.write(table: "agents", clientID: "t01", batch: batch) }
    }
}
