import Foundation

/// UTC offsets of an IANA time zone over a time range, precomputed from its transitions so that
/// converting millions of timestamps costs a comparison each, not a Foundation call.
struct ZoneOffsets: Sendable {
    /// (first UTC microsecond, offset in microseconds) in increasing order.
    let spans: [(Int64, Int64)]

    init(zone: TimeZone, from: Int64, to: Int64) {
        var spans: [(Int64, Int64)] = []
        let start = Date(timeIntervalSince1970: Double(from) / 1e6 - 86_400 * 2)
        var at = start
        spans.append((Int64.min, Int64(zone.secondsFromGMT(for: start)) * 1_000_000))
        let end = Date(timeIntervalSince1970: Double(to) / 1e6 + 86_400 * 2)
        while let next = zone.nextDaylightSavingTimeTransition(after: at), next < end {
            spans.append((Int64(next.timeIntervalSince1970 * 1e6), Int64(zone.secondsFromGMT(for: next)) * 1_000_000))
            at = next
        }
        self.spans = spans
    }

    /// The zone's offset at UTC instant `t` (µs).
    @inline(__always)
    func offset(atUTC t: Int64) -> Int64 {
        var lo = 0, hi = spans.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) >> 1
            if spans[mid].0 <= t { lo = mid } else { hi = mid - 1 }
        }
        return spans[lo].1
    }

    /// The UTC instant of local wall-clock time `local` (µs). For a time skipped by a DST gap or
    /// repeated by a fold, the offset in force after the transition is used.
    func utc(fromLocal local: Int64) throws -> Int64 {
        let guess = try Calendar64.add(local, -offset(atUTC: local))
        let off = offset(atUTC: guess)
        let t = try Calendar64.add(local, -off)
        return offset(atUTC: t) == off ? t : try Calendar64.add(local, -offset(atUTC: t))
    }

    /// The UTC instant of local wall-clock time `local` that is the latest not after `t`, for a
    /// bucket or truncation start computed from the instant `t`: where a fold repeats `local`, this
    /// is the occurrence `t`'s bucket began at (so the two repeated hours stay two buckets). Where a
    /// gap skips `local`, the rule of `utc(fromLocal:)` applies.
    func utc(fromLocal local: Int64, notAfter t: Int64) throws -> Int64 {
        let day: Int64 = 86_400_000_000
        var best: Int64?
        let around = [local.subtractingReportingOverflow(day), (local, false), local.addingReportingOverflow(day)]
        for o in Set(around.filter { !$0.1 }.map { offset(atUTC: $0.0) }) {
            let (c, overflow) = local.subtractingReportingOverflow(o)
            if !overflow, c <= t, offset(atUTC: c) == o, best.map({ c > $0 }) ?? true { best = c }
        }
        return try best ?? utc(fromLocal: local)
    }

    /// Looks up a zone by IANA name, throwing a clear error for unknown names.
    static func zone(named name: String) throws -> TimeZone {
        if name.uppercased() == "UTC" || name == "Z" { return TimeZone(identifier: "UTC")! }
        guard let z = TimeZone(identifier: name) else { throw EvaluationError("unknown time zone '\(name)' (use an IANA name such as 'Europe/Berlin')") }
        return z
    }
}

/// Calendar arithmetic on UTC microseconds (no time zone): truncation and field extraction.
enum Calendar64 {
    static let day = Timestamp.microsPerDay
    /// 2000-01-03 00:00:00, a Monday: DuckDB's origin for time_bucket.
    static let bucketOrigin: Int64 = 946_857_600_000_000

    /// `a + b` as a timestamp; throws when it is beyond what a timestamp holds (about ±292,000 years).
    static func add(_ a: Int64, _ b: Int64) throws -> Int64 {
        let (r, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw EvaluationError("timestamp out of range") }
        return r
    }

    /// Midnight of a day count since 1970-01-01, checked like `add`.
    static func micros(days: Int64) throws -> Int64 {
        let (r, overflow) = days.multipliedReportingOverflow(by: day)
        guard !overflow else { throw EvaluationError("timestamp out of range") }
        return r
    }

    static func truncate(_ t: Int64, _ part: String) throws -> Int64 {
        let (days, rem) = Timestamp.floorDivMod(t, day)
        switch part {
        case "microsecond", "microseconds", "us": return t
        case "millisecond", "milliseconds", "ms": return try add(t, -Timestamp.floorDivMod(t, 1000).1)
        case "second", "seconds", "s": return try add(t, -Timestamp.floorDivMod(t, 1_000_000).1)
        case "minute", "minutes", "m": return try add(t, -Timestamp.floorDivMod(t, 60_000_000).1)
        case "hour", "hours", "h": return try add(t, -Timestamp.floorDivMod(t, 3_600_000_000).1)
        case "day", "days", "d": return try add(t, -rem)
        case "week", "weeks", "w":
            // ISO weeks start on Monday; 1970-01-01 was a Thursday.
            let dow = Timestamp.floorDivMod(days + 3, 7).1
            return try micros(days: days - dow)
        case "month", "months", "mon":
            let (y, m, _) = Timestamp.civilFromDays(days)
            return try micros(days: Timestamp.daysFromCivil(y, m, 1))
        case "quarter", "quarters":
            let (y, m, _) = Timestamp.civilFromDays(days)
            return try micros(days: Timestamp.daysFromCivil(y, (m - 1) / 3 * 3 + 1, 1))
        case "year", "years", "y":
            let (y, _, _) = Timestamp.civilFromDays(days)
            return try micros(days: Timestamp.daysFromCivil(y, 1, 1))
        default:
            throw EvaluationError("unknown date part '\(part)' (use microsecond, millisecond, second, minute, hour, day, week, month, quarter or year)")
        }
    }

    /// EXTRACT(part FROM t) as a number.
    static func extract(_ t: Int64, _ part: String) throws -> Double {
        let (days, rem) = Timestamp.floorDivMod(t, day)
        let (y, m, d) = Timestamp.civilFromDays(days)
        let dow = Timestamp.floorDivMod(days + 4, 7).1 // 0 = Sunday
        switch part {
        case "year", "years": return Double(y)
        case "month", "months": return Double(m)
        case "day", "days": return Double(d)
        case "hour", "hours": return Double(rem / 3_600_000_000)
        case "minute", "minutes": return Double((rem / 60_000_000) % 60)
        case "second", "seconds": return Double((rem / 1_000_000) % 60)
        case "millisecond", "milliseconds": return Double((rem / 1000) % 60_000)
        case "microsecond", "microseconds": return Double(rem % 60_000_000)
        case "dow", "dayofweek": return Double(dow)
        case "isodow": return Double(dow == 0 ? 7 : dow)
        case "doy", "dayofyear": return Double(days - Timestamp.daysFromCivil(y, 1, 1) + 1)
        case "quarter": return Double((m - 1) / 3 + 1)
        case "week", "weekofyear":
            // ISO 8601 week number: the week with the year's first Thursday is week 1.
            let isoDow = dow == 0 ? 7 : dow
            let thursday = days - isoDow + 4
            let (ty, _, _) = Timestamp.civilFromDays(thursday)
            return Double((thursday - Timestamp.daysFromCivil(ty, 1, 1)) / 7 + 1)
        case "epoch": return Double(t) / 1e6
        case "hour_of_week", "how": return Double(((dow + 6) % 7) * 24 + Int64(rem / 3_600_000_000))
        default: throw EvaluationError("unknown date part '\(part)' for extract")
        }
    }

    /// Adds whole months to a timestamp, clamping the day to the month's length; throws when the
    /// result is beyond the years a timestamp can hold (about ±290,000).
    static func addMonths(_ t: Int64, _ months: Int64) throws -> Int64 {
        let (days, rem) = Timestamp.floorDivMod(t, day)
        let (y, m, d) = Timestamp.civilFromDays(days)
        let (total, overflow) = (y * 12 + (m - 1)).addingReportingOverflow(months)
        let ny = Timestamp.floorDivMod(total, 12).0, nm = Timestamp.floorDivMod(total, 12).1 + 1
        guard !overflow, abs(ny) <= 290_000 else { throw EvaluationError("timestamp out of range after adding \(months) months") }
        let dim = Timestamp.daysFromCivil(nm == 12 ? ny + 1 : ny, nm == 12 ? 1 : nm + 1, 1) - Timestamp.daysFromCivil(ny, nm, 1)
        return Timestamp.daysFromCivil(ny, nm, min(d, dim)) * day + rem
    }

    /// time_bucket: the start of the `width`-wide bucket (µs, or whole months) holding `t`;
    /// throws when that start is before the earliest timestamp.
    static func bucket(_ t: Int64, widthMicros: Int64, months: Int64) throws -> Int64 {
        if months > 0 {
            let (days, _) = Timestamp.floorDivMod(t, day)
            let (y, m, _) = Timestamp.civilFromDays(days)
            let since = (y - 2000) * 12 + (m - 1)
            let b = Timestamp.floorDivMod(since, months).0 * months
            return try micros(days: Timestamp.daysFromCivil(2000 + Timestamp.floorDivMod(b, 12).0, Timestamp.floorDivMod(b, 12).1 + 1, 1))
        }
        let (offset, below) = t.subtractingReportingOverflow(bucketOrigin)
        let (start, beyond) = Timestamp.floorDivMod(below ? 0 : offset, widthMicros).0.multipliedReportingOverflow(by: widthMicros)
        guard !below, !beyond else { throw EvaluationError("timestamp out of range") }
        return try add(bucketOrigin, start)
    }
}
