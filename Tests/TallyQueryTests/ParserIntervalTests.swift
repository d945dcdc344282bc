import Testing
@testable import TallyQuery

@Suite struct ParserIntervalTests {
    static let hour: Int64 = 3_600_000_000
    static let minute: Int64 = 60_000_000
    static let second: Int64 = 1_000_000

    static let valid: [(String, Interval)] = [
        ("7 days", Interval(days: 7)),
        ("1 day", Interval(days: 1)),
        ("1 hour 30 minutes", Interval(micros: hour + 30 * minute)),
        ("2 weeks", Interval(days: 14)),
        ("1 week", Interval(days: 7)),
        ("15 min", Interval(micros: 15 * minute)),
        ("15 mins", Interval(micros: 15 * minute)),
        ("15 m", Interval(micros: 15 * minute)),
        ("1 year", Interval(months: 12)),
        ("2 years", Interval(months: 24)),
        ("1 yr", Interval(months: 12)),
        ("3 y", Interval(months: 36)),
        ("1 month", Interval(months: 1)),
        ("6 mons", Interval(months: 6)),
        ("1 mon", Interval(months: 1)),
        ("1 quarter", Interval(months: 3)),
        ("1 decade", Interval(months: 120)),
        ("1 century", Interval(months: 1200)),
        ("2 centuries", Interval(months: 2400)),
        ("1 millennium", Interval(months: 12000)),
        ("00:15:00", Interval(micros: 15 * minute)),
        ("01:30", Interval(micros: hour + 30 * minute)),
        ("36:00:00", Interval(micros: 36 * hour)),
        ("00:00:01.5", Interval(micros: 1_500_000)),
        ("1 day 02:00:00", Interval(days: 1, micros: 2 * hour)),
        ("-1 day", Interval(days: -1)),
        ("-01:00:00", Interval(micros: -hour)),
        ("1 day -1 hour", Interval(days: 1, micros: -hour)),
        ("+3 hours", Interval(micros: 3 * hour)),
        ("1.5 hours", Interval(micros: 90 * minute)),
        ("1.5 days", Interval(days: 1, micros: 12 * hour)),
        ("1.5 months", Interval(months: 1, days: 15)),
        ("1.5 years", Interval(months: 18)),
        ("0.5 weeks", Interval(days: 3, micros: 12 * hour)),
        (".5 seconds", Interval(micros: 500_000)),
        ("1.25 s", Interval(micros: 1_250_000)),
        ("250 ms", Interval(micros: 250_000)),
        ("250 milliseconds", Interval(micros: 250_000)),
        ("10 us", Interval(micros: 10)),
        ("3 microseconds", Interval(micros: 3)),
        ("30 sec", Interval(micros: 30 * second)),
        ("30 secs", Interval(micros: 30 * second)),
        ("30 s", Interval(micros: 30 * second)),
        ("2 h", Interval(micros: 2 * hour)),
        ("2 hr", Interval(micros: 2 * hour)),
        ("2 hrs", Interval(micros: 2 * hour)),
        ("3 d", Interval(days: 3)),
        ("1 w", Interval(days: 7)),
        ("1h30m", Interval(micros: hour + 30 * minute)),
        ("7days", Interval(days: 7)),
        ("7 DAYS", Interval(days: 7)),
        ("  7   Days  ", Interval(days: 7)),
        ("1 year 2 months 3 days 4 hours 5 minutes 6 seconds", Interval(months: 14, days: 3, micros: 4 * hour + 5 * minute + 6 * second)),
        ("@ 1 day", Interval(days: 1)),
        ("3 days ago", Interval(days: -3)),
        ("1 day 2 hours ago", Interval(days: -1, micros: -2 * hour)),
        ("90", Interval(micros: 90 * second)),
        ("0 seconds", Interval()),
        ("400 days", Interval(days: 400)),
    ]

    @Test(arguments: valid)
    func parses(_ text: String, _ expected: Interval) throws {
        #expect(try Interval.parse(text) == expected, "\(text)")
    }

    @Test func defaultUnit() throws {
        #expect(try Interval.parse("7", defaultUnit: .day) == Interval(days: 7))
        #expect(try Interval.parse("1.5", defaultUnit: .hour) == Interval(micros: 90 * ParserIntervalTests.minute))
    }

    static let invalid: [(String, String, String?)] = [
        ("", "empty interval", "write a number and a unit, e.g. '7 days'"),
        ("   ", "empty interval", "write a number and a unit, e.g. '7 days'"),
        ("7 dayz", "unknown unit 'dayz'", "did you mean days?"),
        ("7 hourz", "unknown unit 'hourz'", "did you mean hours?"),
        ("7 fortnights", "unknown unit 'fortnights'", "use a unit such as seconds, minutes, hours, days, weeks, months or years"),
        ("days", "expected a number before 'days'", "write it as '1 days'"),
        ("7 days ago ago", "'ago' must come last", nil),
        ("ago", "expected a number before 'ago'", "write it as '1 ago'"),
        ("1 day ago 2 hours", "'ago' must come last", nil),
        ("1:xx", "expected a time as hh:mm[:ss]", nil),
        ("1:75", "expected a time as hh:mm[:ss]", nil),
        ("99999999999999999999 days", "out of range", nil),
        ("3000000000 days", "out of range", nil),
        ("7 days, 3 hours", "expected a number, found ','", nil),
    ]

    @Test(arguments: invalid)
    func rejects(_ text: String, _ message: String, _ hint: String?) {
        do {
            let v = try Interval.parse(text)
            Issue.record("expected an error for '\(text)', got \(v)")
        } catch {
            #expect(error.message == message, "\(text)")
            #expect(error.hint == hint, "\(text)")
        }
        #expect(Interval(text) == nil)
    }

    static let printed: [(Interval, String)] = [
        (Interval(days: 7), "7 days"),
        (Interval(days: 1), "1 day"),
        (Interval(micros: 90 * minute), "1 hour 30 minutes"),
        (Interval(months: 14), "1 year 2 months"),
        (Interval(months: 1), "1 month"),
        (Interval(months: -1, days: -2), "-1 month -2 days"),
        (Interval(micros: 1_500_000), "1.5 seconds"),
        (Interval(micros: -1_500_000), "-1.5 seconds"),
        (Interval(micros: -500_000), "-0.5 seconds"),
        (Interval(micros: 1), "0.000001 seconds"),
        (Interval(micros: -90 * minute), "-1 hour -30 minutes"),
        (Interval(), "0 seconds"),
        (Interval(months: 25, days: 3, micros: 49 * hour + 61 * second + 250_000), "2 years 1 month 3 days 49 hours 1 minute 1.25 seconds"),
    ]

    @Test(arguments: printed)
    func printsAndReadsBack(_ interval: Interval, _ text: String) throws {
        #expect(interval.description == text)
        #expect(try Interval.parse(text) == interval)
    }

    @Test func calendarAwareness() throws {
        let month = try Interval.parse("1 month")
        let thirtyDays = try Interval.parse("30 days")
        #expect(month != thirtyDays)
        #expect(month.approximateMicros == thirtyDays.approximateMicros)
        #expect(!month.isFixedLength)
        #expect(try Interval.parse("1 hour").isFixedLength)
        #expect(try Interval.parse("400 days").approximateMicros == 400 * 86_400_000_000)
        #expect(Interval(months: .max, days: .max, micros: .max).approximateMicros == nil)
        #expect(try Interval.parse("1 day 1 hour").negated == Interval(days: -1, micros: -ParserIntervalTests.hour))
    }

    @Test func unitsAndFields() {
        #expect(TimeUnit(name: "HOURS") == .hour)
        #expect(TimeUnit(name: "mins") == .minute)
        #expect(TimeUnit(name: "fortnight") == nil)
        #expect(TimeUnit.week.interval == Interval(days: 7))
        #expect(TimeUnit.year.interval == Interval(months: 12))
        #expect(TimeUnit.minute.description == "MINUTE")
        #expect(DateField(name: "dow") == .dayOfWeek)
        #expect(DateField(name: "ISODOW") == .isoDayOfWeek)
        #expect(DateField(name: "doy") == .dayOfYear)
        #expect(DateField(name: "epoch") == .epoch)
        #expect(DateField(name: "hours") == .hour)
        #expect(DateField(name: "weekday") == .dayOfWeek)
        #expect(DateField(name: "fortnight") == nil)
        #expect(DateField.hour.unit == .hour)
        #expect(DateField.epoch.unit == nil)
        #expect(DateField.isoYear.description == "ISOYEAR")
    }
}
