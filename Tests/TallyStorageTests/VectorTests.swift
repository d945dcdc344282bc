import Testing
@testable import TallyStorage

@Suite struct VectorTests {
    @Test func builderRoundTripsEveryType() {
        let cases: [(DataType, [Value])] = [
            (.bool, [.bool(true), .null, .bool(false)]),
            (.int32, [.int(Int64(Int32.min)), .int(0), .null, .int(Int64(Int32.max))]),
            (.int64, [.int(.min), .int(.max), .null]),
            (.float64, [.double(-1.5), .null, .double(.infinity)]),
            (.timestamp, [.timestamp(0), .timestamp(-1), .null]),
            (.string, [.string(""), .string("héllo"), .null, .string("héllo")]),
        ]
        for (type, values) in cases {
            let col = ColumnData.from(type, values)
            #expect(col.allValues == values, "type \(type)")
            #expect(col.nullCount == values.filter(\.isNull).count)
        }
    }

    @Test func concatMergesDictionaries() {
        let a = ColumnData.from(.string, [.string("x"), .string("y")])
        let b = ColumnData.from(.string, [.string("y"), .null, .string("z")])
        let c = ColumnData.concat([a, b])
        #expect(c.allValues == [.string("x"), .string("y"), .string("y"), .null, .string("z")])
        #expect(c.dictionary!.count == 3)
    }

    @Test func gatherReordersValuesAndNulls() {
        let a = ColumnData.from(.int64, [.int(1), .null, .int(3)])
        let g = [Int32(2), 1, 0].withUnsafeBufferPointer { a.gather($0) }
        #expect(g.allValues == [.int(3), .null, .int(1)])
    }

    @Test func sortOrderIsStable() {
        let batch = RowBatch(columns: [
            ColumnData.from(.timestamp, [.timestamp(5), .timestamp(1), .timestamp(5), .timestamp(0)]),
            ColumnData.from(.int32, [.int(0), .int(1), .int(2), .int(3)]),
        ])
        #expect(batch.sortOrder(byColumn: 0) == [3, 1, 0, 2])
    }

    @Test func crc32cMatchesKnownVector() {
        // RFC 3720 test vector: CRC-32C of "123456789" is 0xE3069283.
        #expect(Checksum.crc32c(Array("123456789".utf8)) == 0xE306_9283)
        let long = [UInt8](repeating: 0xAB, count: 1000)
        let split = Checksum.crc32c(Array(long[500...]), seed: Checksum.crc32c(Array(long[..<500])))
        #expect(split == Checksum.crc32c(long))
    }

    @Test func timestampsParseAndFormat() {
        #expect(Timestamp.parse("1970-01-01") == 0)
        #expect(Timestamp.parse("2024-02-29 12:34:56.5") == Timestamp.parse("2024-02-29T12:34:56.500000Z"))
        #expect(Timestamp.parse("2024-01-01T01:00:00+01:00") == Timestamp.parse("2024-01-01 00:00:00"))
        #expect(Timestamp.parse("2024-13-01") == nil)
        #expect(Timestamp.parse("garbage") == nil)
        let t = Timestamp.parse("2026-11-25 10:20:30.000123")!
        #expect(Timestamp.format(t) == "2026-11-25 10:20:30.000123")
        #expect(Timestamp.format(-1) == "1969-12-31 23:59:59.999999")
    }
}
