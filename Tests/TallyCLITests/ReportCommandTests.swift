import Foundation
import Testing

/// `tally report` end to end: a generated store, the repository's KPI library, every file written,
/// and each CSV equal to what `\run` of the same library query prints.
@Suite struct ReportCommandTests {
    static let queries = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("queries").path

    @Test func writesTheDailyReportAsMarkdownAndCSV() throws {
        let scratch = Scratch()
        let data = scratch.path + "/store", out = scratch.path + "/report"
        // The tenant of fixtures/kpi (t03 of this run): two sectors, human and AI agents.
        let gen = try runTally(["generate", "--data", data, "--rows", "2500", "--tenants", "3", "--days", "14", "--seed", "6"])
        try #require(gen.status == 0, "\(gen.stderr)")
        let r = try runTally(["report", "--data", data, "--tenant", "t03", "--date", "2025-01-09", "--zone", "America/New_York",
                              "--queries", ReportCommandTests.queries, "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let md = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(md.hasPrefix("# Daily report — t03, 2025-01-09 (America/New_York)"))
        #expect(md.contains("Local day from 2025-01-09 05:00:00 to 2025-01-10 05:00:00 UTC"))
        for title in ["Summary by sector", "Hour by hour", "Agents", "Top performers", "Quality by dimension", "CSAT and NPS",
                      "Feedback categories", "Money", "Cost by component", "Recommendations for 2025-01-10"] {
            #expect(md.contains("\n## \(title)"), "report.md has no section \(title)")
        }
        // Each CSV is the library query's answer for the day, as \run prints it in CSV.
        let checks: [(file: String, run: String)] = [
            ("summary", "\\run reports/daily day='2025-01-09' zone='America/New_York'"),
            ("hourly", "\\run performance/trends since='2025-01-09 05:00:00' until='2025-01-10 05:00:00' bucket='1 hour' zone='America/New_York'"),
            ("agents", "\\run performance/agents since='2025-01-09 05:00:00' until='2025-01-10 05:00:00'"),
            ("cost_breakdown", "\\run revenue/cost_breakdown since='2025-01-09 05:00:00' until='2025-01-10 05:00:00'"),
            ("recommendations", "\\run predictions/recommendations day='2025-01-10' zone='America/New_York'"),
        ]
        for c in checks {
            let csv = try String(contentsOfFile: out + "/" + c.file + ".csv", encoding: .utf8)
            let repl = try runTally(["repl", "--data", data, "--tenant", "t03", "--queries", ReportCommandTests.queries, "--format", "csv"], stdin: c.run + "\n")
            #expect(repl.status == 0, "\(repl.stderr)")
            #expect(csv == repl.stdout, "\(c.file).csv differs from \(c.run)")
        }
        // The next day's staffing is there (the store has the week before it).
        let recs = try String(contentsOfFile: out + "/recommendations.csv", encoding: .utf8)
        #expect(recs.contains("\nstaffing,"), "recommendations.csv has no staffing row: \(recs)")
        // 24 local hours, and the day's calls add up to the summary's overall row.
        let hourly = try String(contentsOfFile: out + "/hourly.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(hourly.count == 24)
        let calls = hourly.map { Int($0.split(separator: ",", omittingEmptySubsequences: false)[1])! }.reduce(0, +)
        let overall = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8).split(separator: "\n").last!
        #expect(overall.hasPrefix(",\(calls),"), "overall row \(overall) vs \(calls) calls by the hour")

        // Bad input is named.
        let badDay = try runTally(["report", "--data", data, "--tenant", "t03", "--date", "2025-02-30", "--out", out])
        #expect(badDay.status == 64 && badDay.stderr.contains("--date 2025-02-30"))
        let badZone = try runTally(["report", "--data", data, "--tenant", "t03", "--zone", "Mars/Olympus", "--out", out])
        #expect(badZone.status == 1 && badZone.stderr.contains("unknown time zone Mars/Olympus"))
        let badTenant = try runTally(["report", "--data", data, "--tenant", "t3", "--out", out])
        #expect(badTenant.status == 1 && badTenant.stderr.contains("no tenant t3"))
    }
}
