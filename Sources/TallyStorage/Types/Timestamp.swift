import Foundation

/// Conversions between UTC microseconds and ISO-8601 text; no time zone database needed.
public enum Timestamp {
    public static let microsPerSecond: Int64 = 1_000_000
    public static let microsPerDay: Int64 = 86_400_000_000

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The (year, month, day) of a day count since 1970-01-01.
    public static func civilFromDays(_ z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Formats as `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC).
    public static func format(_ micros: Int64) -> String {
        let (days, rem) = floorDivMod(micros, microsPerDay)
        let (y, m, d) = civilFromDays(days)
        let secs = rem / microsPerSecond
        let frac = rem % microsPerSecond
        var s = String(format: "%04lld-%02lld-%02lld %02lld:%02lld:%02lld", y, m, d, secs / 3600, (secs / 60) % 60, secs % 60)
        if frac != 0 { s += String(format: ".%06lld", frac) }
        return s
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.f…]]` with `T` or space, optional `Z` or `±HH[:MM]` offset.
    public static func parse(_ text: some StringProtocol) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        func num(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool { if i < b.count && b[i] == c { i += 1; return true }; return false }
        guard let y = num(4), expect(45), let mo = num(2), expect(45), let d = num(2) else { return nil }
        guard mo >= 1 && mo <= 12 && d >= 1 && d <= 31 else { return nil }
        var micros = daysFromCivil(y, mo, d) * microsPerDay
        if i == b.count { return micros }
        guard b[i] == 84 || b[i] == 32 || b[i] == 116 else { return nil }
        i += 1
        guard let hh = num(2), expect(58), let mm = num(2), hh < 24, mm < 60 else { return nil }
        micros += (hh * 3600 + mm * 60) * microsPerSecond
        if expect(58) {
            guard let ss = num(2), ss < 61 else { return nil }
            micros += ss * microsPerSecond
            if expect(46) {
                var scale: Int64 = 100_000
                var digits = 0
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if digits < 6 { micros += Int64(b[i] - 48) * scale; scale /= 10 }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        if i == b.count { return micros }
        if b[i] == 90 || b[i] == 122 { i += 1; return i == b.count ? micros : nil }
        guard b[i] == 43 || b[i] == 45 else { return nil }
        let sign: Int64 = b[i] == 43 ? 1 : -1
        i += 1
        guard let oh = num(2) else { return nil }
        var om: Int64 = 0
        if expect(58) { guard let v = num(2) else { return nil }; om = v } else if let v = num(2) { om = v }
        guard i == b.count else { return nil }
        return micros - sign * (oh * 3600 + om * 60) * microsPerSecond
    }

    /// Floor division and its non-negative remainder.
    @inlinable public static func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        var q = a / b
        var r = a % b
        if r < 0 { q -= 1; r += b }
        return (q, r)
    }
}
