import Testing
import TallyQuery
import TallyStorage
@testable import TallyAnalytics

@Suite struct DomainAggregateTests {
    @Test func npsCountsPassivesOnlyInTheDenominator() throws {
        let f = try AnalyticsFixture(schema: """
            CREATE TABLE s (g VARCHAR, score INTEGER);
            INSERT INTO s VALUES ('a', 10), ('a', 9), ('a', 8), ('a', 7), ('a', 6), ('a', 0), ('a', NULL), ('a', 10),
                                 ('b', 3), ('b', 5), ('c', NULL);
            """)
        // a: 3 promoters, 2 detractors, 2 passives over 7 responses → (3 − 2)/7 × 100.
        let rows = try f.rows("SELECT g, nps(score) FROM s GROUP BY g ORDER BY g")
        #expect(rows[0] == [.string("a"), .double(100.0 / 7)])
        #expect(rows[1] == [.string("b"), .double(-100)])
        #expect(rows[2] == [.string("c"), .null])
        #expect(try f.double("SELECT nps(score) FILTER (WHERE g = 'a') FROM s") == 100.0 / 7)
    }

    @Test func csatIsTopTwoBox() throws {
        let f = try AnalyticsFixture(schema: """
            CREATE TABLE r (rating INTEGER);
            INSERT INTO r VALUES (5), (4), (3), (1), (4), (NULL);
            """)
        #expect(try f.double("SELECT csat(rating) FROM r") == 60)
    }

    /// KPIS.md: 1000 answered (860 within T), 60 abandoned (20 within T, 40 after) → 83, 86, 81, 83, 83 %.
    @Test func serviceLevelVariantsReproduceTheKPIExample() throws {
        let f = try AnalyticsFixture(schema: "CREATE TABLE q (wait_s INTEGER, outcome VARCHAR);")
        var values: [String] = []
        for i in 0..<1000 { values.append("(\(i < 860 ? 10 : 45), 'answered')") }
        // 20 abandons within T, of them 20 short (< 5 s) — and 40 after T.
        for i in 0..<60 { values.append("(\(i < 20 ? 3 : 50), 'abandoned')") }
        values.append("(100, 'callback')")
        _ = try f.session.execute("INSERT INTO q VALUES " + values.joined(separator: ", "))
        func sl(_ variant: String) throws -> Double {
            try #require(try f.double("SELECT service_level(wait_s, CASE outcome WHEN 'answered' THEN true WHEN 'abandoned' THEN false END, 20\(variant)) FROM q"))
        }
        #expect(try sl("").rounded() == 83)
        #expect(try sl(", 1") == 880.0 / 1060 * 100)
        #expect(try sl(", 2") == 86)
        #expect(try sl(", 3") == 860.0 / 1060 * 100)
        #expect(try sl(", 3").rounded() == 81)
        #expect(try sl(", 4") == 860.0 / 1040 * 100)
        #expect(try sl(", 4").rounded() == 83)
        #expect(try sl(", 5") == 860.0 / 1040 * 100)
        #expect(try sl(", 5, 2") == 880.0 / 1060 * 100)
    }

    @Test func serviceLevelRejectsBadArguments() throws {
        let f = try AnalyticsFixture(schema: "CREATE TABLE q (wait_s INTEGER, ok BOOLEAN); INSERT INTO q VALUES (1, true);")
        #expect(throws: (any Error).self) { try f.rows("SELECT service_level(wait_s, ok, 20, 7) FROM q") }
        #expect(throws: (any Error).self) { try f.rows("SELECT service_level(wait_s, ok, 20, 1, 3) FROM q") }
        #expect(throws: (any Error).self) { try f.rows("SELECT service_level(wait_s, wait_s, 20) FROM q") }
        do {
            _ = try f.rows("SELECT service_level(wait_s, ok, 20, 9) FROM q")
            Issue.record("variant 9 accepted")
        } catch {
            #expect("\(error)".contains("variant"))
        }
    }
}
