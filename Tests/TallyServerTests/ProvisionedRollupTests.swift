import Foundation
import Testing
@testable import TallyServer
import TallyQuery
import TallyStorage

/// A tenant the server creates on first AUTH gets the data model's built-in rollups, and rows
/// written over the line protocol show up in them.
@Suite struct ProvisionedRollupTests {
    @Test func tenantCreatedOnFirstAuthHasTheBuiltInRollups() async throws {
        let s = try await TestServer.start()
        defer { Task { await s.stop() } }
        let ingest = try await s.client("newco", .ingest)
        defer { Task { await ingest.close() } }
        let w = try await ingest.request("""
            WRITE 3
            agent_metrics,sector=retail,outcome=resolved call_id=1i,agent_id=7i,handle_s=300i 1735725600000000000
            agent_metrics,sector=retail,outcome=abandoned call_id=2i,agent_id=7i 1735725660000000000
            agent_metrics,sector=banking,outcome=resolved call_id=3i,agent_id=8i,handle_s=100i 1735812000000000000
            """)
        #expect(w.isOK, "WRITE failed: \(w.text)")

        let a = try await s.client("newco", .analyst)
        defer { Task { await a.close() } }
        let view = try await a.request("SELECT day, sector, sum(calls), sum(sum_handle_s) FROM sector_performance_summary GROUP BY 1, 2 ORDER BY 1, 2")
        #expect(view.rows == [[.string("2025-01-01 00:00:00"), .string("retail"), .int(2), .int(300)],
                              [.string("2025-01-02 00:00:00"), .string("banking"), .int(1), .int(100)]],
                "view answer: \(view.text)")
        let daily = try await a.request("SELECT agent_id, sum(calls) FROM daily_performance_summary GROUP BY 1 ORDER BY 1")
        #expect(daily.rows == [[.int(7), .int(2)], [.int(8), .int(1)]], "daily view: \(daily.text)")
        let plan = try await a.request("EXPLAIN SELECT sector, count(*) FROM agent_metrics GROUP BY sector")
        #expect(plan.text.contains("RollupScan"), "plan: \(plan.text)")
    }
}
