import Testing
import TallyQuery
import TallyStorage
@testable import TallyAnalytics

@Suite struct StaffingPlanTests {
    @Test func mergesEqualStaffingIntoRangesWithTheKPIExample() throws {
        // 2025-07-01 is a Tuesday. Half-hour forecasts: 100 calls at 10:00, 10:30, 11:00, 11:30 (14 agents each), 20 at 12:00.
        let f = try AnalyticsFixture(schema: """
            CREATE TABLE fc (q VARCHAR, target_at TIMESTAMP, calls DOUBLE);
            INSERT INTO fc VALUES ('sales', '2025-07-01 10:00:00', 100), ('sales', '2025-07-01 10:30:00', 100),
              ('sales', '2025-07-01 11:00:00', 100), ('sales', '2025-07-01 11:30:00', 100), ('sales', '2025-07-01 12:00:00', 20);
            """)
        let rows = try f.rows("""
            SELECT q, start_at, end_at, calls, agents, scheduled, recommendation
            FROM staffing_plan((SELECT q, target_at, calls FROM fc), aht_s => 180, target_sl => 80, target_t => 20, shrinkage => 30)
            ORDER BY start_at
            """)
        #expect(rows.count == 2)
        #expect(rows[0][1] == .timestamp(Timestamp.parse("2025-07-01 10:00:00")!))
        #expect(rows[0][2] == .timestamp(Timestamp.parse("2025-07-01 12:00:00")!))
        #expect(rows[0][3] == .double(400))
        #expect(rows[0][4] == .int(14) && rows[0][5] == .int(20))
        #expect(rows[0][6] == .string("Tuesday 2025-07-01 10:00–12:00 UTC: staff 14 agents (schedule 20 at 30 % shrinkage) for a forecast of 400 calls, AHT 180 s, 80/20 target"))
        #expect(rows[1][4] == .int(Int64(try ErlangC.agentsNeeded(load: 2, ahtSeconds: 180, targetLevel: 0.8, targetSeconds: 20))))
        // A scalar subquery may give a number (here the AHT).
        let viaSubquery = try f.rows("SELECT agents FROM staffing_plan((SELECT target_at, calls FROM fc), aht_s => (SELECT 180.0), target_t => 20) LIMIT 1")
        #expect(viaSubquery == [[.int(14)]])
        do {
            _ = try f.rows("SELECT * FROM staffing_plan((SELECT target_at, calls FROM fc), target_sl => 80)")
            Issue.record("missing aht_s accepted")
        } catch { #expect("\(error)".contains("aht_s")) }
    }
}
