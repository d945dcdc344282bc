import Foundation
import Testing
import TallyStorage
@testable import TallyServer

/// A tenant the server creates on first AUTH gets the built-in materialized views, so its sector
/// questions are answered from them from the first row on.
@Suite(.timeLimit(.minutes(3))) struct RollupServerTests {
    @Test func provisionedTenantHasTheBuiltInViews() async throws {
        let server = try await TestServer.start()
        let c = try await server.client("fresh", .analyst)
        let plan = try await c.request("EXPLAIN SELECT sector, count(*) AS calls, avg(handle_s) FROM agent_metrics GROUP BY sector")
        #expect(plan["ok"] == .bool(true), "\(plan.text)")
        #expect(plan.text.contains("RollupScan sector_performance_summary"), "\(plan.text)")
        let view = try await c.request("SELECT count(*) FROM daily_performance_summary")
        #expect(view["ok"] == .bool(true), "\(view.text)")
        await c.close()
        await server.stop()
    }
}
