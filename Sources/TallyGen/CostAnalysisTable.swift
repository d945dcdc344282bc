import TallyStorage

/// Daily fixed costs beyond the per-call ones.
enum CostModel {
    /// Seat licence per human agent on the roster, and platform fee per AI voice agent, per day.
    static let seatPerDay = 4.5
    static let aiPlatformPerDay = 40.0
    /// Overhead as a share of labor, plus a little per call.
    static let overheadShare = 0.04
    static let overheadPerCall = 0.01
}

extension TenantRun {
    /// `cost_analysis` rows of period day `day`, per sector: labor (paid agent hours × wage, idle time
    /// included, so it exceeds the labor share of agent_metrics.cost) carrying the day's revenue,
    /// telephony and AI inference (the sums of the per-call amounts), licensing and other overhead.
    /// revenue is NULL on every component but labor, so that sums over a day or sector stay right.
    mutating func writeCosts(day: Int) {
        let at = startMicros + Int64(day) * Timestamp.microsPerDay
        for d in desks.indices {
            let t = dayTotals[d]
            dayTotals[d] = DayTotals()
            guard costs.enabled else { continue }
            let sector = desks[d].sector
            let labor = t.laborHours * sector.profile.wagePerHour
            addCost(at, sector, .labor, labor, revenue: t.revenue)
            addCost(at, sector, .telephony, t.telephony)
            if !desks[d].ai.isEmpty { addCost(at, sector, .aiInference, t.aiInference) }
            addCost(at, sector, .licensing,
                    Double(desks[d].humans.count) * CostModel.seatPerDay + Double(desks[d].ai.count) * CostModel.aiPlatformPerDay)
            addCost(at, sector, .other, labor * CostModel.overheadShare + Double(t.calls) * CostModel.overheadPerCall)
        }
    }

    private mutating func addCost(_ at: Int64, _ sector: Sector, _ component: CostComponent, _ cost: Double,
                                  revenue: Double? = nil) {
        costs.rows.set(CostCol.periodStart, int: at)
        costs.rows.set(CostCol.sector, code: sector.rawValue)
        costs.rows.set(CostCol.component, code: Int(component.rawValue))
        costs.rows.set(CostCol.cost, double: roundTo(cost, 100))
        if let revenue { costs.rows.set(CostCol.revenue, double: roundTo(revenue, 100)) } else { costs.rows.setNull(CostCol.revenue) }
        costs.endRow(&ready)
    }
}
