import Testing
@testable import TallyQuery

@Suite struct ParserNameSuggestionTests {
    static let tables = ["agents", "agent_metrics", "call_quality_scores", "customer_satisfaction", "cost_analysis",
                         "agent_status_events", "queue_events", "performance_trends"]
    static let columns = ["agent_id", "name", "team", "sector", "kind", "hired_at", "started_at", "queue_wait_s", "handle_s", "csat", "nps"]

    static let cases: [(String, [String], String?)] = [
        ("FORM", Keyword.spellings, "FROM"),
        ("form", Keyword.spellings, "FROM"),
        ("SELCT", Keyword.spellings, "SELECT"),
        ("WHER", Keyword.spellings, "WHERE"),
        ("GRUOP", Keyword.spellings, "GROUP"),
        ("ODER", ["ORDER", "OVER"], "ORDER"),
        ("agent", tables, "agents"),
        ("agnets", tables, "agents"),
        ("agent_metric", tables, "agent_metrics"),
        ("agentmetrics", tables, "agent_metrics"),
        ("queue_event", tables, "queue_events"),
        ("costs_analysis", tables, "cost_analysis"),
        ("agnet_id", columns, "agent_id"),
        ("AGENT_ID", columns, "agent_id"),
        ("nmae", columns, "name"),
        ("sectr", columns, "sector"),
        ("started", columns, nil),
        ("csta", columns, "csat"),
        ("np", columns, nil),
        ("NPS", columns, "nps"),
        ("x", columns, nil),
        ("t", Keyword.spellings, nil),
        ("zzzz", columns, nil),
        ("revenue", columns, nil),
        ("", columns, nil),
        ("queue_wait", columns, "queue_wait_s"),
    ]

    @Test(arguments: cases)
    func closest(_ name: String, _ candidates: [String], _ expected: String?) {
        #expect(NameSuggestion.closest(to: name, in: candidates) == expected, "\(name)")
    }

    @Test func distances() {
        #expect(NameSuggestion.distance("FORM", "FROM") == 1) // transposition
        #expect(NameSuggestion.distance("form", "FROM") == 1) // case-insensitive
        #expect(NameSuggestion.distance("kitten", "sitting") == 3)
        #expect(NameSuggestion.distance("", "abc") == 3)
        #expect(NameSuggestion.distance("abc", "abc") == 0)
        #expect(NameSuggestion.distance("ca", "abc") == 3) // OSA, not unrestricted Damerau
        #expect(NameSuggestion.distance("héllo", "hello") == 1)
    }

    @Test func ties() {
        // Equal distance: prefer the candidate that shares the first letter, then the earliest.
        #expect(NameSuggestion.closest(to: "bat", in: ["cat", "bag"]) == "bag")
        #expect(NameSuggestion.closest(to: "bat", in: ["cat", "hat"]) == "cat")
        // A closer match wins regardless of order.
        #expect(NameSuggestion.closest(to: "agents", in: ["agent_s", "agents_"]) == "agent_s")
    }

    @Test func matchesAreSortedByDistance() {
        #expect(NameSuggestion.matches(for: "agent", in: ParserNameSuggestionTests.tables) == ["agents"])
        #expect(NameSuggestion.matches(for: "cat", in: ["hat", "cat", "cart", "dog"]) == ["cat", "hat", "cart"])
        #expect(NameSuggestion.matches(for: "", in: ["a"]) == [])
    }

    @Test func thresholds() {
        #expect(NameSuggestion.threshold(forLength: 1) == 0)
        #expect(NameSuggestion.threshold(forLength: 2) == 0)
        #expect(NameSuggestion.threshold(forLength: 3) == 1)
        #expect(NameSuggestion.threshold(forLength: 4) == 1)
        #expect(NameSuggestion.threshold(forLength: 5) == 2)
        #expect(NameSuggestion.threshold(forLength: 8) == 2)
        #expect(NameSuggestion.threshold(forLength: 9) == 3)
    }
}
