import Foundation
import Testing
@testable import TallyQuery

/// Focused checks for engine bugs the golden tests (fixtures/sql) found.
@Suite struct QuerySemanticsTests {
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
}
