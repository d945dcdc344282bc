import Foundation
import Testing
@testable import TallyQuery

/// Aggregation fast paths (histogram quantiles, interned multi-key groups, distinct pairs) checked
/// against a direct computation on random data, across several batches and both workers.
@Suite struct AggregationPropertyTests {
    struct Row { var a: String?; var b: Int64?; var c: Double?; var v: Int64? }

    func store(_ rows: [Row]) throws -> (SQLFixture, Session) {
        let f = try SQLFixture()
        _ = try f.session.execute("CREATE TABLE r (a VARCHAR, b BIGINT, c DOUBLE, v BIGINT)")
        let t = try f.catalog.tenant("acme").table("r")
        for chunk in stride(from: 0, to: rows.count, by: 3000) {
            let part = rows[chunk..<min(chunk + 3000, rows.count)]
            try t.append(RowBatch(columns: [
                ColumnData.from(.string, part.map { $0.a.map(Value.string) ?? .null }),
                ColumnData.from(.int64, part.map { $0.b.map(Value.int) ?? .null }),
                ColumnData.from(.float64, part.map { $0.c.map(Value.double) ?? .null }),
                ColumnData.from(.int64, part.map { $0.v.map(Value.int) ?? .null }),
            ]))
            try t.flush()
        }
        return (f, f.session)
    }

    func quantile(_ xs: [Double], _ q: Double) -> Double {
        let v = xs.sorted()
        let pos = q * Double(v.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(lo + 1, v.count - 1)
        return v[lo] + (v[hi] - v[lo]) * (pos - Double(lo))
    }

    @Test(arguments: [false, true])
    func randomDataMatchesDirectComputation(wideValues: Bool) throws {
        var rng = SplitMix(seed: wideValues ? 7 : 3)
        let rows = (0..<20_000).map { _ -> Row in
            let a: String? = rng.next() % 10 == 0 ? nil : ["x", "y", "z", "w"][Int(rng.next() % 4)]
            let b: Int64? = rng.next() % 12 == 0 ? nil : Int64(rng.next() % 5) - 2
            let c: Double? = rng.next() % 9 == 0 ? nil : Double(rng.next() % 3) * 0.5
            let span: UInt64 = wideValues ? 10_000_000 : 900
            let v: Int64? = rng.next() % 7 == 0 ? nil : Int64(rng.next() % span) - 300
            return Row(a: a, b: b, c: c, v: v)
        }
        let (fixture, s) = try store(rows)
        defer { withExtendedLifetime(fixture) {} }
        let r = try s.execute("""
            SELECT a, b, c, count(*) AS n, count(DISTINCT v) AS dv, quantile_cont(v, 0.9) AS p90, quantile_disc(v, 0.5) AS p50
            FROM r GROUP BY a, b, c
            """).result!
        var groups: [String: [Row]] = [:]
        func key(_ a: Value, _ b: Value, _ c: Value) -> String { "\(a)|\(b)|\(c)" }
        for row in rows {
            groups[key(row.a.map(Value.string) ?? .null, row.b.map(Value.int) ?? .null, row.c.map(Value.double) ?? .null), default: []].append(row)
        }
        #expect(r.rowCount == groups.count)
        for out in r.rows {
            let mine = try #require(groups[key(out[0], out[1], out[2])], "unexpected group \(out)")
            #expect(out[3] == .int(Int64(mine.count)))
            let vs = mine.compactMap(\.v)
            #expect(out[4] == .int(Int64(Set(vs).count)))
            if vs.isEmpty {
                #expect(out[5] == .null)
            } else {
                guard case .double(let p90) = out[5] else { Issue.record("p90 \(out[5])"); continue }
                #expect(abs(p90 - quantile(vs.map(Double.init), 0.9)) < 1e-6)
                let sorted = vs.sorted()
                #expect(out[6] == .int(sorted[max(0, Int((0.5 * Double(sorted.count)).rounded(.up)) - 1)]))
            }
        }
    }
}

/// The vector kernel for fixed-width truncation agrees with the calendar arithmetic it replaces.
@Suite struct TruncationKernelTests {
    @Test func floorKernelMatchesCalendarTruncation() throws {
        var rng = SplitMix(seed: 11)
        let times = (0..<5000).map { _ in Int64(bitPattern: rng.next() % 8_000_000_000_000_000) - 4_000_000_000_000_000 }
        let col = ColumnData.fromIntegers(.timestamp, times)
        for part in ["second", "minute", "hour", "day", "week"] {
            let unit = try #require(BuiltinFunctions.fixedUnit(part))
            let origin: Int64 = part == "week" ? 4 * Timestamp.microsPerDay : 0
            guard case .vector(let out)? = BuiltinFunctions.floorKernel(.vector(col), times.count, unit: unit, origin: origin) else {
                Issue.record("no kernel result for \(part)"); continue
            }
            for i in 0..<times.count { #expect(out.int64s[i] == (try Calendar64.truncate(times[i], part)), "\(part) \(times[i])") }
        }
        for width: Int64 in [900_000_000, 3_600_000_000, 86_400_000_000, 604_800_000_000] {
            guard case .vector(let out)? = BuiltinFunctions.floorKernel(.vector(col), times.count, unit: width, origin: Calendar64.bucketOrigin) else {
                Issue.record("no kernel result"); continue
            }
            for i in 0..<times.count { #expect(out.int64s[i] == (try Calendar64.bucket(times[i], widthMicros: width, months: 0))) }
        }
    }
}
