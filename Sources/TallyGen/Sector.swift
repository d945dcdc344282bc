/// The industries tenants come from; each has its own handle times, quality, satisfaction, costs and calendar.
public enum Sector: Int, CaseIterable, Sendable, Hashable, Codable, CustomStringConvertible {
    case retail, banking, telecom, healthcare, insurance, travel, utilities, government

    /// The value stored in `sector` columns.
    public var name: String { Vocabulary.sectors[rawValue] }
    public var description: String { name }

    /// The parameters of the sector.
    var profile: SectorProfile { SectorProfile.all[rawValue] }
}

/// The shape of a sector's week: which hour-of-day and day-of-week profile its calls follow.
enum DemandShape: Int, Sendable {
    /// Office hours: morning peak, quiet evenings and weekends (banking, insurance, utilities, government).
    case business
    /// Consumers calling after work and at weekends (retail, telecom, travel).
    case consumer
    /// Early-morning peak (healthcare appointments).
    case care
}

/// Per-sector parameters. Medians are in seconds, money in dollars.
struct SectorProfile: Sendable {
    /// Median talk time of a human agent.
    var talkMedianS: Double
    /// Share of human calls with a hold.
    var holdShare: Double
    /// Mean of the latent satisfaction (≈ mean CSAT) for a resolved call by an average agent.
    var csatBase: Double
    /// Mean of the agents' latent quality on the 1–5 review scale.
    var qualityMean: Double
    /// Fully loaded hourly cost of a human agent.
    var wagePerHour: Double
    /// Probability that a resolved call sells something, and the median sale.
    var saleShare: Double
    var saleMedian: Double
    /// Mean caller patience in the queue.
    var patienceMeanS: Double
    /// Share of outcomes 'resolved' for an average human agent.
    var resolvedShare: Double
    var shape: DemandShape
    /// Yearly seasonality: relative amplitude and the day of the year of the peak.
    var seasonAmplitude: Double
    var seasonPeakDay: Double
    /// Open around the clock (else roughly 07:00–21:00 local for small tenants).
    var roundTheClock: Bool
    /// The sector's queues (names in `Vocabulary.queues`).
    var queues: Range<Int>

    static let all: [SectorProfile] = [
        // retail
        SectorProfile(talkMedianS: 240, holdShare: 0.22, csatBase: 4.45, qualityMean: 3.75, wagePerHour: 21,
                      saleShare: 0.22, saleMedian: 55, patienceMeanS: 300, resolvedShare: 0.77, shape: .consumer,
                      seasonAmplitude: 0.22, seasonPeakDay: 345, roundTheClock: false, queues: 0..<4),
        // banking
        SectorProfile(talkMedianS: 300, holdShare: 0.30, csatBase: 4.35, qualityMean: 3.95, wagePerHour: 29,
                      saleShare: 0.05, saleMedian: 140, patienceMeanS: 400, resolvedShare: 0.74, shape: .business,
                      seasonAmplitude: 0.06, seasonPeakDay: 30, roundTheClock: false, queues: 4..<8),
        // telecom
        SectorProfile(talkMedianS: 420, holdShare: 0.35, csatBase: 4.0, qualityMean: 3.55, wagePerHour: 24,
                      saleShare: 0.10, saleMedian: 40, patienceMeanS: 340, resolvedShare: 0.68, shape: .consumer,
                      seasonAmplitude: 0.05, seasonPeakDay: 250, roundTheClock: true, queues: 8..<12),
        // healthcare
        SectorProfile(talkMedianS: 360, holdShare: 0.30, csatBase: 4.55, qualityMean: 4.05, wagePerHour: 30,
                      saleShare: 0, saleMedian: 0, patienceMeanS: 480, resolvedShare: 0.72, shape: .care,
                      seasonAmplitude: 0.10, seasonPeakDay: 30, roundTheClock: true, queues: 12..<15),
        // insurance
        SectorProfile(talkMedianS: 390, holdShare: 0.32, csatBase: 4.25, qualityMean: 3.85, wagePerHour: 28,
                      saleShare: 0.08, saleMedian: 210, patienceMeanS: 420, resolvedShare: 0.72, shape: .business,
                      seasonAmplitude: 0.05, seasonPeakDay: 100, roundTheClock: false, queues: 15..<18),
        // travel
        SectorProfile(talkMedianS: 330, holdShare: 0.28, csatBase: 4.25, qualityMean: 3.75, wagePerHour: 23,
                      saleShare: 0.18, saleMedian: 320, patienceMeanS: 320, resolvedShare: 0.74, shape: .consumer,
                      seasonAmplitude: 0.18, seasonPeakDay: 190, roundTheClock: false, queues: 18..<21),
        // utilities
        SectorProfile(talkMedianS: 300, holdShare: 0.25, csatBase: 4.05, qualityMean: 3.65, wagePerHour: 25,
                      saleShare: 0, saleMedian: 0, patienceMeanS: 360, resolvedShare: 0.75, shape: .business,
                      seasonAmplitude: 0.15, seasonPeakDay: 20, roundTheClock: true, queues: 21..<24),
        // government
        SectorProfile(talkMedianS: 450, holdShare: 0.30, csatBase: 3.95, qualityMean: 3.6, wagePerHour: 27,
                      saleShare: 0, saleMedian: 0, patienceMeanS: 540, resolvedShare: 0.66, shape: .business,
                      seasonAmplitude: 0.12, seasonPeakDay: 95, roundTheClock: false, queues: 24..<27),
    ]
}
