import Foundation
import TallyStorage

/// The expected shape of a tenant's arrivals over the period: hour of day and day of week (in the
/// tenant's local time), yearly seasonality, holidays and opening hours. Random busyness and
/// injected surges come on top of it (see `Generator`).
struct DemandCalendar: Sendable {
    /// Hours of the period (hour 0 starts at the configured start).
    let hours: Int
    /// Local hour number (hours since 1970-01-01 00:00 local) of hour 0.
    let firstLocalHour: Int64
    /// Local day number of hour 0.
    let firstLocalDay: Int64
    /// Per local day of the period (index = local day − firstLocalDay): day-of-week × season × holiday factor.
    let dayFactor: [Double]
    /// Day of week (0 = Monday) per local day index.
    let dayOfWeek: [Int]
    /// Relative arrival rate per local hour of day (0 outside opening hours).
    let hourFactor: [Double]
    /// Sum over the period of the expected shape, so that base × shape sums to the expected calls.
    let shapeSum: Double

    init(startSeconds: Int64, days: Int, utcOffsetHours: Int, sector: Sector, openHour: Int, closeHour: Int) {
        hours = max(days, 0) * 24
        let (lh, _) = Timestamp.floorDivMod(startSeconds + Int64(utcOffsetHours) * 3600, 3600)
        firstLocalHour = lh
        firstLocalDay = Timestamp.floorDivMod(lh, 24).0
        let lastLocalDay = Timestamp.floorDivMod(lh + Int64(hours), 24).0
        let profile = sector.profile
        var factors: [Double] = []
        var dows: [Int] = []
        for day in firstLocalDay...lastLocalDay {
            let dow = Int(Timestamp.floorDivMod(day + 3, 7).1) // 1970-01-01 was a Thursday
            let (_, m, d) = Timestamp.civilFromDays(day)
            let (y, _, _) = Timestamp.civilFromDays(day)
            let doy = Double(day - Timestamp.daysFromCivil(y, 1, 1))
            let season = 1 + profile.seasonAmplitude * cos(2 * Double.pi * (doy - profile.seasonPeakDay) / 365.25)
            let holiday = (m == 1 && d == 1) || (m == 12 && d == 25) ? 0.3 : 1.0
            factors.append(DemandCalendar.dowShape[profile.shape.rawValue][dow] * season * holiday)
            dows.append(dow)
        }
        dayFactor = factors
        dayOfWeek = dows
        var hf = DemandCalendar.hourShape[profile.shape.rawValue]
        for h in 0..<24 where !DemandCalendar.isOpen(localHour: h, openHour: openHour, closeHour: closeHour) { hf[h] = 0 }
        hourFactor = hf
        var sum = 0.0
        for h in 0..<hours {
            let local = lh + Int64(h)
            sum += factors[Int(Timestamp.floorDivMod(local, 24).0 - firstLocalDay)] * hf[Int(Timestamp.floorDivMod(local, 24).1)]
        }
        shapeSum = sum
    }

    static func isOpen(localHour h: Int, openHour: Int, closeHour: Int) -> Bool {
        if openHour == 0 && closeHour == 24 { return true }
        return h >= openHour && h < closeHour
    }

    /// Local hour of day (0–23) and local day index of period hour `h`.
    @inline(__always) func local(_ h: Int) -> (hourOfDay: Int, dayIndex: Int) {
        let (d, r) = Timestamp.floorDivMod(firstLocalHour + Int64(h), 24)
        return (Int(r), Int(d - firstLocalDay))
    }

    /// The expected relative rate of period hour `h` (multiply by the tenant's base rate).
    @inline(__always) func shape(_ h: Int) -> Double {
        let (hod, day) = local(h)
        return dayFactor[day] * hourFactor[hod]
    }

    /// Like `shape`, for any hour (days outside the period use the nearest day's factor).
    func shapeClamped(_ h: Int) -> Double {
        let (hod, day) = local(h)
        return dayFactor[clamp(day, 0, dayFactor.count - 1)] * hourFactor[hod]
    }

    /// Relative arrivals per local hour of day; night hours are a few percent of the late-morning peak.
    static let hourShape: [[Double]] = [
        // business
        [0.03, 0.02, 0.015, 0.015, 0.02, 0.05, 0.15, 0.45, 0.85, 1.0, 1.0, 0.97,
         0.85, 0.88, 0.92, 0.88, 0.78, 0.6, 0.4, 0.28, 0.18, 0.12, 0.07, 0.04],
        // consumer
        [0.06, 0.04, 0.03, 0.02, 0.03, 0.05, 0.12, 0.3, 0.6, 0.85, 1.0, 1.0,
         0.95, 0.95, 0.93, 0.9, 0.85, 0.8, 0.75, 0.7, 0.6, 0.45, 0.28, 0.14],
        // care
        [0.05, 0.04, 0.03, 0.03, 0.04, 0.08, 0.3, 0.8, 1.0, 0.98, 0.9, 0.85,
         0.75, 0.8, 0.78, 0.7, 0.6, 0.45, 0.3, 0.22, 0.16, 0.12, 0.09, 0.07],
    ]

    /// Relative arrivals per day of week, Monday first.
    static let dowShape: [[Double]] = [
        [1.2, 1.08, 1.0, 1.0, 0.95, 0.35, 0.2],
        [1.1, 1.0, 0.97, 0.97, 1.0, 0.85, 0.7],
        [1.25, 1.05, 1.0, 1.0, 0.95, 0.4, 0.3],
    ]
}
