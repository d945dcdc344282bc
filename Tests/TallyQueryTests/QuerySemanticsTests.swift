import Foundation
import Testing
@testable import TallyQuery

/// Focused checks for engine bugs the golden tests (fixtures/sql) found.
@Suite struct QuerySemanticsTests {
    @Test func nullLiteralsAdaptInCoalesceNullifGreatestAndLeast() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT coalesce(NULL, 2), nullif(NULL, 1), greatest(1, NULL, 3), least(NULL, 2.5), coalesce(NULL, NULL)")
            == [[.int(2), .null, .int(3), .double(2.5), .null]])
        #expect(try f.rows("SELECT coalesce(NULL, talk, -1) FROM calls WHERE id IN (2, 3) ORDER BY id") == [[.double(300)], [.double(-1)]])
    }

    @Test func averageOfBigIntegersIsExact() throws {
        let f = try SQLFixture()
        _ = try f.session.execute("CREATE TABLE big (v BIGINT)")
        _ = try f.session.execute("INSERT INTO big VALUES (9223372036854775807), (-9223372036854775808), (0), (1)")
        #expect(try f.rows("SELECT avg(v) FROM big") == [[.double(0)]])
        #expect(try f.rows("SELECT avg(v) FROM big WHERE v > 0") == [[.double(4611686018427387904)]])
    }

    @Test func quantilesOfTimestampsAndToTimestampAreTimestamps() throws {
        let f = try SQLFixture()
        #expect(try f.rows("SELECT quantile_disc(at, 0.5), quantile_cont(at, 0) FROM calls")
            == [[.timestamp(Timestamp.parse("2025-01-02 09:15:00")!), .timestamp(Timestamp.parse("2025-01-01 10:00:00")!)]])
        #expect(try f.rows("SELECT to_timestamp(1.5), to_timestamp(0)") == [[.timestamp(1_500_000), .timestamp(0)]])
    }

    @Test func zonedBucketsKeepTheTwoHoursOfAFold() throws {
        let f = try SQLFixture()
        // Berlin falls back at 2024-10-27 01:00 UTC: local 02:00–03:00 happens twice, as two buckets.
        _ = try f.session.execute("INSERT INTO calls VALUES (10, '2024-10-27 00:30:00', 'x', NULL, NULL), (11, '2024-10-27 01:30:00', 'x', NULL, NULL)")
        #expect(try f.rows("SELECT time_bucket(INTERVAL '1 hour', at, 'Europe/Berlin'), date_trunc('hour', at, 'Europe/Berlin') FROM calls WHERE id >= 10 ORDER BY id") == [
            [.timestamp(Timestamp.parse("2024-10-27 00:00:00")!), .timestamp(Timestamp.parse("2024-10-27 00:00:00")!)],
            [.timestamp(Timestamp.parse("2024-10-27 01:00:00")!), .timestamp(Timestamp.parse("2024-10-27 01:00:00")!)],
        ])
        #expect(try f.rows("SELECT time_bucket(INTERVAL '1 day', at, 'Europe/Berlin') FROM calls WHERE id >= 10 GROUP BY 1")
            == [[.timestamp(Timestamp.parse("2024-10-26 22:00:00")!)]])
    }
}
