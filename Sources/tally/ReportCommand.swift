import ArgumentParser
import Foundation
import TallyQuery

/// `tally report`: a tenant's daily report, from the KPI library, as Markdown and CSV files.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a tenant's daily report (Markdown and one CSV per section) from the KPI library.",
        discussion: """
            Runs the library's queries for one local day of the tenant — reports/daily, the hourly \
            trend, agents, top performers, quality, satisfaction, feedback, money and the next day's \
            recommendations — and writes \
            report.md and <section>.csv into --out. Exit status 1 when a query fails or the day, \
            zone or store is wrong.
            """
    )

    @Option(name: .long, help: "The data directory.")
    var data: String

    @Option(name: .long, help: "The tenant.")
    var tenant: String

    @Option(name: .long, help: "The local day, YYYY-MM-DD (default: yesterday in the zone).")
    var date: String?

    @Option(name: .long, help: "The tenant's time zone (IANA name); days run from its local midnight.")
    var zone: String = "UTC"

    @Option(name: .long, help: "The queries folder (default: ./queries, else queries/ beside the executable).")
    var queries: String?

    @Option(name: .long, help: "Directory to write report.md and the CSV files into (created).")
    var out: String

    func run() throws {
        guard let tz = TimeZone(identifier: zone) else {
            CLI.fail("unknown time zone \(zone)", hint: "use an IANA name such as Europe/Berlin or America/New_York")
        }
        let day: DateComponents
        do { day = try ReportCommand.localDay(date, in: tz) } catch { CLI.fail("\(error)", hint: "use --date YYYY-MM-DD", status: 64) }
        let (catalog, scope) = try ScopeOptions.parse(["--data", data, "--tenant", tenant]).open()
        let library = NamedQueryLibrary(directory: NamedQueryLibrary.locate(explicit: queries))
        let session = Session(catalog: catalog, scope: scope)
        let report = DailyReport(tenant: tenant, day: day, zone: tz)
        do {
            try FileIO.makeDirectories(out)
            let files = try report.write(to: out, session: session, library: library)
            print("wrote \(files.joined(separator: ", ")) in \(out)")
        } catch let e as NamedQueryError {
            CLI.fail(e.message, hint: e.hint)
        } catch {
            let e = TallyError.from(error)
            CLI.fail(e.message, hint: e.hint)
        }
    }

    /// The calendar day of `text` (YYYY-MM-DD), or yesterday in `zone`.
    static func localDay(_ text: String?, in zone: TimeZone) throws -> DateComponents {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        guard let text else {
            let d = cal.dateComponents([.year, .month, .day], from: cal.date(byAdding: .day, value: -1, to: Date())!)
            return DateComponents(year: d.year, month: d.month, day: d.day)
        }
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[0].count == 4,
              cal.date(from: DateComponents(year: y, month: m, day: d)).map({ cal.component(.day, from: $0) == d }) == true else {
            throw ValidationError("--date \(text) is not a day of the form YYYY-MM-DD")
        }
        return DateComponents(year: y, month: m, day: d)
    }
}

/// The sections of the daily report and how they are written.
struct DailyReport {
    /// One section: a library query, its parameters, and the file it is written to.
    struct Section {
        var title: String
        var file: String
        var query: String
        var arguments: [RunArgument]
    }

    let tenant: String
    let day: DateComponents
    let zone: TimeZone

    /// The UTC instants of the day's local midnight and the next one (23, 24 or 25 hours apart).
    var bounds: (since: Date, until: Date) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let start = cal.startOfDay(for: cal.date(from: day)!)
        return (start, cal.date(byAdding: .day, value: 1, to: start)!)
    }

    var dayText: String { String(format: "%04d-%02d-%02d", day.year!, day.month!, day.day!) }

    /// The local day after the report's, YYYY-MM-DD.
    var nextDayText: String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let d = cal.dateComponents([.year, .month, .day], from: cal.date(byAdding: .day, value: 1, to: cal.date(from: day)!)!)
        return String(format: "%04d-%02d-%02d", d.year!, d.month!, d.day!)
    }

    static func utc(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: d)
    }

    var sections: [Section] {
        let (s, u) = bounds
        let since = RunArgument(name: "since", value: DailyReport.utc(s)), until = RunArgument(name: "until", value: DailyReport.utc(u))
        let z = RunArgument(name: "zone", value: zone.identifier)
        return [
            Section(title: "Summary by sector", file: "summary", query: "reports/daily", arguments: [RunArgument(name: "day", value: dayText), z]),
            Section(title: "Hour by hour", file: "hourly", query: "performance/trends",
                    arguments: [since, until, RunArgument(name: "bucket", value: "1 hour"), z]),
            Section(title: "Agents", file: "agents", query: "performance/agents", arguments: [since, until]),
            Section(title: "Top performers by quality (at least 5 calls)", file: "top_performers", query: "performance/top_performers",
                    arguments: [since, until, RunArgument(name: "min_calls", value: "5")]),
            Section(title: "Quality by dimension", file: "quality", query: "quality/summary", arguments: [since, until]),
            Section(title: "CSAT and NPS", file: "satisfaction", query: "satisfaction/csat_nps", arguments: [since, until]),
            Section(title: "Feedback categories", file: "feedback", query: "satisfaction/feedback_categories", arguments: [since, until]),
            Section(title: "Money (cost_analysis days starting in the period)", file: "revenue", query: "revenue/summary", arguments: [since, until]),
            Section(title: "Cost by component", file: "cost_breakdown", query: "revenue/cost_breakdown", arguments: [since, until]),
            // For the day after: its staffing, and agents judged on the week that ends with the report's day.
            Section(title: "Recommendations for \(nextDayText)", file: "recommendations", query: "predictions/recommendations",
                    arguments: [RunArgument(name: "day", value: nextDayText), z]),
        ]
    }

    /// Runs every section and writes report.md and one CSV per section; returns the file names.
    func write(to dir: String, session: Session, library: NamedQueryLibrary) throws -> [String] {
        let (s, u) = bounds
        var md = "# Daily report — \(tenant), \(dayText) (\(zone.identifier))\n\n"
        md += "Local day from \(DailyReport.utc(s)) to \(DailyReport.utc(u)) UTC. Every table is a query of the KPI library "
        md += "(`queries/`); KPI definitions are those of KPIS.md.\n"
        var files = ["report.md"]
        for section in sections {
            let q = try library.find(section.query)
            let (sql, values) = try q.bind(section.arguments)
            guard let r = try session.execute(sql, parameters: values).result else { continue }
            md += "\n## \(section.title)\n\n`\\run \(section.query) " + section.arguments.map { "\($0.name!)='\($0.value)'" }.joined(separator: " ") + "`\n\n"
            md += r.rowCount == 0 ? "_No rows._\n" : ResultFormatter.markdown(r)
            try FileIO.writeAtomically(dir + "/" + section.file + ".csv", Array(ResultFormatter.csv(r).utf8))
            files.append(section.file + ".csv")
        }
        try FileIO.writeAtomically(dir + "/report.md", Array(md.utf8))
        return files
    }
}
