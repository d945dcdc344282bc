import TallyStorage

/// The generator's own expectation of a tenant's hourly arrivals: ground truth for judging forecasts.
public struct ExpectedArrivals: Sendable {
    /// UTC seconds of the first hour.
    public var startSeconds: Int64
    /// Per period hour: base rate × demand calendar (hour of day, day of week, season, holidays,
    /// opening hours) — what a forecaster could know at best a week ahead.
    public var calendar: [Double]
    /// Per period hour: `calendar` × the day's Gamma(10, 10) busyness draw — known only on the day.
    /// Neither includes injected surges.
    public var withBusyness: [Double]
}

extension Generator {
    /// The expected arrivals per hour of `tenant`, computed as its generation would (same seed, same draws).
    public func expectedArrivals(tenant: TenantPlan) -> ExpectedArrivals {
        let run = TenantRun(config: config, plan: tenant, schemas: [:])
        var calendar = [Double](repeating: 0, count: run.calendar.hours)
        var busy = calendar
        for h in calendar.indices {
            let (hod, day) = run.calendar.local(h)
            calendar[h] = run.baseRate * run.calendar.dayFactor[day] * run.calendar.hourFactor[hod]
            busy[h] = calendar[h] * run.busyness[day]
        }
        return ExpectedArrivals(startSeconds: run.startSeconds, calendar: calendar, withBusyness: busy)
    }
}
