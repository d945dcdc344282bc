import Foundation
import Testing
import TallyStorage
@testable import TallyAnalytics

@Suite struct ErlangTests {
    /// KPIS.md check: 100 calls / 30 min, AHT 180 s, 80/20 → A = 10, N = 14, SL 88.8 %, ASA 7.8 s,
    /// occupancy 71 %, 20 scheduled at 30 % shrinkage.
    @Test func erlangCReproducesTheKPICheck() throws {
        let a = try ErlangC.load(calls: 100, intervalSeconds: 1800, ahtSeconds: 180)
        #expect(a == 10)
        let n = try ErlangC.agentsNeeded(load: a, ahtSeconds: 180, targetLevel: 0.8, targetSeconds: 20)
        #expect(n == 14)
        let sl = ErlangC.serviceLevel(agents: 14, load: a, ahtSeconds: 180, targetSeconds: 20)
        #expect((sl * 1000).rounded() / 10 == 88.8)
        #expect(ErlangC.serviceLevel(agents: 13, load: a, ahtSeconds: 180, targetSeconds: 20) < 0.8)
        let asa = ErlangC.averageSpeedOfAnswer(agents: 14, load: a, ahtSeconds: 180)
        #expect((asa * 10).rounded() / 10 == 7.8)
        #expect((a / 14 * 100).rounded() == 71)
        #expect(try ErlangC.scheduled(agents: 14, shrinkage: 0.3) == 20)
    }

    @Test func erlangBRecursionIsStableForLargeLoads() {
        // B(0) = 1 and B(1) = A/(1+A).
        #expect(ErlangC.erlangB(agents: 0, load: 5) == 1)
        #expect(abs(ErlangC.erlangB(agents: 1, load: 5) - 5.0 / 6) < 1e-15)
        let b = ErlangC.erlangB(agents: 5000, load: 4800)
        #expect(b.isFinite && b > 0 && b < 1)
        let c = ErlangC.probabilityOfWait(agents: 5000, load: 4800)
        #expect(c.isFinite && c > b && c < 1)
    }

    @Test func erlangCSQLFunctions() throws {
        let f = try AnalyticsFixture()
        let row = try f.rows("""
            SELECT erlang_c(100, 1800, 180, 80, 20), round(erlang_c_service_level(100, 1800, 180, 14, 20), 1),
                   round(erlang_c_asa(100, 1800, 180, 14), 1), round(erlang_c_occupancy(100, 1800, 180, 14)),
                   erlang_c_scheduled(100, 1800, 180, 80, 20, 30), erlang_c(100, 1800, 180, 80, 20, 70)
            """)[0]
        #expect(row == [.int(14), .double(88.8), .double(7.8), .double(71), .int(20), .int(15)])
        #expect(try f.rows("SELECT erlang_c_asa(100, 1800, 180, 10)") == [[.null]])
        do {
            _ = try f.rows("SELECT erlang_c(100, 0, 180, 80, 20)")
            Issue.record("interval 0 accepted")
        } catch { #expect("\(error)".contains("interval_s")) }
        do {
            _ = try f.rows("SELECT erlang_c(100, 1800, 180, 0.8, 20) + erlang_c(100, 1800, 180, 180, 20)")
            Issue.record("target 180 % accepted")
        } catch { #expect("\(error)".contains("target_sl")) }
    }

    @Test func erlangAApproachesErlangCWhenPatienceIsLong() throws {
        let s = try ErlangA.solve(calls: 100, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 1e7, agents: 14, targetSeconds: 20)
        #expect(abs(s.serviceLevel - ErlangC.serviceLevel(agents: 14, load: 10, ahtSeconds: 180, targetSeconds: 20)) < 1e-4)
        #expect(abs(s.averageSpeedOfAnswer - ErlangC.averageSpeedOfAnswer(agents: 14, load: 10, ahtSeconds: 180)) < 1e-3)
        #expect(abs(s.probabilityOfWait - ErlangC.probabilityOfWait(agents: 14, load: 10)) < 1e-5)
        #expect(s.abandonment < 1e-4)
    }

    @Test func erlangAWithImpatientCallers() throws {
        // With abandonment the system is stable even below the load, and needs no more agents than Erlang C.
        let under = try ErlangA.solve(calls: 100, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 60, agents: 8, targetSeconds: 20)
        #expect(under.abandonment > 0.1 && under.abandonment < 1)
        // Little's law: every abandon waited; P(abandon) = θ·E[Lq]/λ.
        #expect(abs(under.abandonment - (1.0 / 60) * under.meanQueue / (100.0 / 1800)) < 1e-12)
        let n = try ErlangA.agentsNeeded(calls: 100, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 60, targetLevel: 0.8, targetSeconds: 20)
        #expect(n <= 14 && n >= 11)
        let at = try ErlangA.solve(calls: 100, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 60, agents: n, targetSeconds: 20)
        let below = try ErlangA.solve(calls: 100, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 60, agents: n - 1, targetSeconds: 20)
        #expect(at.serviceLevel >= 0.8 && below.serviceLevel < 0.8)
        let f = try AnalyticsFixture()
        #expect(try f.rows("SELECT erlang_a(100, 1800, 180, 60, 80, 20)") == [[.int(Int64(n))]])
        #expect(throws: (any Error).self) { try f.rows("SELECT erlang_a(100, 1800, 180, 0, 80, 20)") }
    }
}
