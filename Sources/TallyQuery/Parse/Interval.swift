/// A calendar-aware span of time, as PostgreSQL keeps it: months, days and microseconds are
/// separate, so `'1 month'` added to Jan 31 and to Feb 28 lands on a month boundary and
/// `'1 day'` stays one calendar day across a daylight-saving change.
public struct Interval: Sendable, Hashable, CustomStringConvertible {
    public var months: Int32
    public var days: Int32
    public var micros: Int64

    public init(months: Int32 = 0, days: Int32 = 0, micros: Int64 = 0) {
        self.months = months
        self.days = days
        self.micros = micros
    }

    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerMinute: Int64 = 60_000_000
    public static let microsPerHour: Int64 = 3_600_000_000
    public static let microsPerDay: Int64 = 86_400_000_000
    /// Months are 30 days where a fixed length is needed (as in PostgreSQL).
    public static let daysPerMonth: Int64 = 30

    /// The interval as a fixed number of microseconds, counting a month as 30 days and a day as
    /// 24 hours (for TTLs, bucket widths and comparisons); nil on overflow.
    public var approximateMicros: Int64? {
        let (m, o1) = Int64(months).multipliedReportingOverflow(by: Self.daysPerMonth * Self.microsPerDay)
        let (d, o2) = Int64(days).multipliedReportingOverflow(by: Self.microsPerDay)
        let (s1, o3) = m.addingReportingOverflow(d)
        let (s2, o4) = s1.addingReportingOverflow(micros)
        return o1 || o2 || o3 || o4 ? nil : s2
    }

    /// True when the interval has no month or day part (a fixed length).
    public var isFixedLength: Bool { months == 0 && days == 0 }

    public var negated: Interval { Interval(months: -months, days: -days, micros: -micros) }

    /// Canonical text that `Interval.parse` reads back: `1 year 2 months 3 days 4 hours 5 minutes 6.5 seconds`.
    public var description: String {
        var parts: [String] = []
        func add(_ n: Int64, _ unit: String) {
            if n != 0 { parts.append("\(n) \(unit)\(n == 1 || n == -1 ? "" : "s")") }
        }
        add(Int64(months) / 12, "year")
        add(Int64(months) % 12, "month")
        add(Int64(days), "day")
        add(micros / Self.microsPerHour, "hour")
        add((micros % Self.microsPerHour) / Self.microsPerMinute, "minute")
        let secMicros = micros % Self.microsPerMinute
        if secMicros != 0 {
            let whole = secMicros / Self.microsPerSecond
            let frac = abs(secMicros % Self.microsPerSecond)
            if frac == 0 {
                add(whole, "second")
            } else {
                var f = String(frac)
                f = String(repeating: "0", count: 6 - f.count) + f
                while f.hasSuffix("0") { f.removeLast() }
                parts.append("\(secMicros < 0 ? "-" : "")\(abs(whole)).\(f) seconds")
            }
        }
        return parts.isEmpty ? "0 seconds" : parts.joined(separator: " ")
    }

    /// Why interval text could not be read.
    public struct ParseError: Error, Sendable, Hashable {
        public var message: String
        public var hint: String?
    }

    /// Parses interval text as PostgreSQL does: `7 days`, `1 hour 30 minutes`, `2 weeks`, `15 min`,
    /// `1 year`, `1.5 hours`, `1 day 02:00:00`, `00:15:00`, `-3 days`, `@ 1 day ago`, `1h30m`.
    /// Units may be singular, plural or abbreviated (`s`, `sec`, `m`, `min`, `h`, `hr`, `d`, `w`,
    /// `mon`, `y`, `yr`, `ms`, `us`). A number without a unit counts `defaultUnit`s (seconds,
    /// or the unit written after the literal, as in `INTERVAL '7' DAY`).
    public static func parse(_ text: some StringProtocol, defaultUnit: TimeUnit = .second) throws(ParseError) -> Interval {
        let b = Array(text.utf8)
        var i = 0
        var months: Int64 = 0, days: Int64 = 0, micros: Int64 = 0
        var sawComponent = false
        var ago = false
        func fail(_ message: String, hint: String? = nil) -> ParseError {
            ParseError(message: message, hint: hint)
        }
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 || c >= 0x80 }
        func skipSpace() { while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 } }
        func overflow() -> ParseError { fail("out of range") }
        func add(_ x: inout Int64, _ v: Int64) throws(ParseError) {
            let (r, o) = x.addingReportingOverflow(v)
            if o { throw overflow() }
            x = r
        }
        /// Reads digits into an integer part and a fraction (numerator, denominator ≤ 10^9).
        func number() throws(ParseError) -> (whole: Int64, frac: Int64, scale: Int64)? {
            let start = i
            var whole: Int64 = 0
            while i < b.count, isDigit(b[i]) {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(b[i] - 48))
                if o1 || o2 { throw overflow() }
                whole = s
                i += 1
            }
            var frac: Int64 = 0, scale: Int64 = 1
            if i < b.count, b[i] == 46 {
                i += 1
                while i < b.count, isDigit(b[i]) {
                    if scale < 1_000_000_000 { frac = frac * 10 + Int64(b[i] - 48); scale *= 10 }
                    i += 1
                }
            }
            if i == start || (i == start + 1 && b[start] == 46) { i = start; return nil }
            return (whole, frac, scale)
        }

        skipSpace()
        if i < b.count, b[i] == 64 { i += 1 } // PostgreSQL's optional leading '@'
        while true {
            skipSpace()
            if i >= b.count { break }
            if ago { throw fail("'ago' must come last") }
            let componentStart = i
            var sign: Int64 = 1
            if b[i] == 45 || b[i] == 43 {
                sign = b[i] == 45 ? -1 : 1
                i += 1
                skipSpace()
            }
            guard let (whole, frac, scale) = try number() else {
                // A word with no number: only 'ago' is allowed here.
                var j = i
                while j < b.count, isLetter(b[j]) { j += 1 }
                let word = String(decoding: b[i..<j], as: UTF8.self)
                if word.lowercased() == "ago", sign == 1, i == componentStart, sawComponent {
                    ago = true
                    i = j
                    continue
                }
                if word.isEmpty {
                    let found = i < b.count ? String(decoding: b[i..<min(b.count, i + 1)], as: UTF8.self) : "end"
                    throw fail("expected a number, found '\(found)'")
                }
                throw fail("expected a number before '\(word)'", hint: "write it as '1 \(word)'")
            }
            if i < b.count, b[i] == 58 {
                // hh:mm[:ss[.ffffff]]
                guard frac == 0 else { throw fail("expected a time as hh:mm[:ss]") }
                i += 1
                guard let (mm, mf, _) = try number(), mf == 0, mm < 60 else {
                    throw fail("expected a time as hh:mm[:ss]")
                }
                var total = (whole * 3600 + mm * 60) * microsPerSecond
                if i < b.count, b[i] == 58 {
                    i += 1
                    guard let (ss, sf, sscale) = try number(), ss < 60 else {
                        throw fail("expected a time as hh:mm[:ss]")
                    }
                    total += ss * microsPerSecond + sf * microsPerSecond / sscale
                }
                try add(&micros, sign * total)
                sawComponent = true
                continue
            }
            skipSpace()
            var j = i
            while j < b.count, isLetter(b[j]) { j += 1 }
            let unit: TimeUnit
            if j == i {
                unit = defaultUnit
            } else {
                let word = String(decoding: b[i..<j], as: UTF8.self)
                guard let u = TimeUnit(name: word) else {
                    if word.lowercased() == "ago" {
                        throw fail("expected a unit before 'ago'")
                    }
                    let hint = NameSuggestion.closest(to: word, in: TimeUnit.spellings).map { "did you mean \($0)?" }
                    throw fail("unknown unit '\(word)'", hint: hint ?? "use a unit such as seconds, minutes, hours, days, weeks, months or years")
                }
                unit = u
                i = j
            }
            // Whole part, then the fraction cascades down (months → days → microseconds) as in PostgreSQL.
            switch unit.kind {
            case .months(let per):
                let (m, o) = whole.multipliedReportingOverflow(by: per)
                if o { throw overflow() }
                try add(&months, sign * m)
                if frac != 0 {
                    let fracMonths = Double(frac) / Double(scale) * Double(per)
                    let wholeMonths = fracMonths.rounded(.towardZero)
                    try add(&months, sign * Int64(wholeMonths))
                    let fracDays = (fracMonths - wholeMonths) * Double(daysPerMonth)
                    let wholeDays = fracDays.rounded(.towardZero)
                    try add(&days, sign * Int64(wholeDays))
                    try add(&micros, sign * Int64(((fracDays - wholeDays) * Double(microsPerDay)).rounded()))
                }
            case .days(let per):
                let (d, o) = whole.multipliedReportingOverflow(by: per)
                if o { throw overflow() }
                try add(&days, sign * d)
                if frac != 0 {
                    let fracDays = Double(frac) / Double(scale) * Double(per)
                    let wholeDays = fracDays.rounded(.towardZero)
                    try add(&days, sign * Int64(wholeDays))
                    try add(&micros, sign * Int64(((fracDays - wholeDays) * Double(microsPerDay)).rounded()))
                }
            case .micros(let per):
                let (u, o) = whole.multipliedReportingOverflow(by: per)
                if o { throw overflow() }
                try add(&micros, sign * u)
                if frac != 0 {
                    // Exact when the unit is a whole number of microseconds per fractional step.
                    let (fm, o2) = frac.multipliedReportingOverflow(by: per)
                    let part = o2 ? Int64((Double(frac) * Double(per) / Double(scale)).rounded()) : (fm + scale / 2) / scale
                    try add(&micros, sign * part)
                }
            }
            sawComponent = true
        }
        guard sawComponent else { throw fail("empty interval", hint: "write a number and a unit, e.g. '7 days'") }
        if ago { months = -months; days = -days; micros = -micros }
        guard let m32 = Int32(exactly: months), let d32 = Int32(exactly: days) else { throw overflow() }
        return Interval(months: m32, days: d32, micros: micros)
    }

    /// Parses interval text, or nil when it is not valid.
    public init?(_ text: some StringProtocol) {
        guard let v = try? Interval.parse(text) else { return nil }
        self = v
    }
}

/// A unit of an interval (`7 days`, `INTERVAL 7 DAY`).
public enum TimeUnit: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case microsecond, millisecond, second, minute, hour, day, week, month, quarter, year, decade, century, millennium

    enum Kind { case months(Int64), days(Int64), micros(Int64) }

    var kind: Kind {
        switch self {
        case .microsecond: return .micros(1)
        case .millisecond: return .micros(1000)
        case .second: return .micros(Interval.microsPerSecond)
        case .minute: return .micros(Interval.microsPerMinute)
        case .hour: return .micros(Interval.microsPerHour)
        case .day: return .days(1)
        case .week: return .days(7)
        case .month: return .months(1)
        case .quarter: return .months(3)
        case .year: return .months(12)
        case .decade: return .months(120)
        case .century: return .months(1200)
        case .millennium: return .months(12000)
        }
    }

    /// One of this unit, as an interval.
    public var interval: Interval {
        switch kind {
        case .months(let n): return Interval(months: Int32(n))
        case .days(let n): return Interval(days: Int32(n))
        case .micros(let n): return Interval(micros: n)
        }
    }

    /// Upper-case SQL spelling (`DAY`).
    public var description: String { rawValue.uppercased() }

    /// Reads a unit name case-insensitively: singular, plural or PostgreSQL abbreviation.
    public init?(name: some StringProtocol) {
        guard let u = Self.byName[name.lowercased()] else { return nil }
        self = u
    }

    static let byName: [String: TimeUnit] = {
        var m: [String: TimeUnit] = [:]
        let table: [(TimeUnit, [String])] = [
            (.microsecond, ["microsecond", "microseconds", "us", "usec", "usecs", "microsec", "microsecs", "µs"]),
            (.millisecond, ["millisecond", "milliseconds", "ms", "msec", "msecs", "millisec", "millisecs"]),
            (.second, ["second", "seconds", "s", "sec", "secs"]),
            (.minute, ["minute", "minutes", "m", "min", "mins"]),
            (.hour, ["hour", "hours", "h", "hr", "hrs"]),
            (.day, ["day", "days", "d"]),
            (.week, ["week", "weeks", "w"]),
            (.month, ["month", "months", "mon", "mons"]),
            (.quarter, ["quarter", "quarters", "qtr"]),
            (.year, ["year", "years", "y", "yr", "yrs"]),
            (.decade, ["decade", "decades", "dec", "decs"]),
            (.century, ["century", "centuries", "c", "cent"]),
            (.millennium, ["millennium", "millennia", "millenniums", "mil", "mils"]),
        ]
        for (u, names) in table { for n in names { m[n] = u } }
        return m
    }()

    /// Full unit names, singular and plural, for suggestions.
    static let spellings: [String] = TimeUnit.allCases.flatMap { u -> [String] in
        switch u {
        case .century: return ["century", "centuries"]
        case .millennium: return ["millennium", "millennia"]
        default: return [u.rawValue, u.rawValue + "s"]
        }
    }
}

/// A field of `EXTRACT(field FROM ts)` (also usable for `date_part` / `date_trunc` arguments).
public enum DateField: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case microsecond, millisecond, second, minute, hour, day, week, month, quarter, year, decade, century, millennium
    /// Day of week, Sunday = 0.
    case dayOfWeek = "dow"
    /// ISO day of week, Monday = 1 … Sunday = 7.
    case isoDayOfWeek = "isodow"
    /// Day of year, 1-based.
    case dayOfYear = "doy"
    /// ISO-8601 week-numbering year.
    case isoYear = "isoyear"
    /// Seconds since 1970-01-01 00:00:00 UTC (fractional).
    case epoch

    /// Upper-case SQL spelling (`HOUR`, `DOW`).
    public var description: String { rawValue.uppercased() }

    /// The interval unit of the same name, for `date_trunc`-style uses.
    public var unit: TimeUnit? { TimeUnit(rawValue: rawValue) }

    /// Reads a field name case-insensitively; accepts every interval unit spelling too (`hours`, `min`).
    public init?(name: some StringProtocol) {
        let lower = name.lowercased()
        if let f = DateField(rawValue: lower) {
            self = f
        } else if let u = TimeUnit(name: lower), let f = DateField(rawValue: u.rawValue) {
            self = f
        } else {
            switch lower {
            case "dayofweek", "weekday": self = .dayOfWeek
            case "dayofyear": self = .dayOfYear
            default: return nil
            }
        }
    }
}
