import TallyStorage

/// What to generate: how many tenants, calls and days, from which seed.
public struct GeneratorConfig: Sendable, Hashable, Codable {
    /// The same seed (and the same other fields) always gives byte-identical data.
    public var seed: UInt64
    /// Number of tenants, Zipf-sized.
    public var tenants: Int
    /// Total `agent_metrics` rows (offered calls, including abandoned) across all tenants; approximate,
    /// since daily busyness and injected volume surges add noise (typically within ±3 %).
    public var callRows: Int
    /// Length of the generated period in days.
    public var days: Int
    /// Start of the period, UTC microseconds (truncated to whole seconds); 2025-01-01 00:00 UTC by default.
    public var start: Int64
    /// Exponent s of the Zipf weights 1/kˢ of tenant sizes; 1.0 puts about a fifth of the rows in the largest of 50.
    public var zipfExponent: Double
    /// Share of handled calls that get a quality review.
    public var reviewRate: Double
    /// Share of handled calls whose caller answers the satisfaction survey.
    public var surveyRate: Double
    /// Injected anomalies of each kind (AHT spike, CSAT drop, volume surge) per tenant.
    public var anomaliesPerKind: Int

    /// 2025-01-01 00:00:00 UTC in microseconds.
    public static let defaultStart: Int64 = 1_735_689_600 * 1_000_000

    public init(seed: UInt64, tenants: Int = 50, callRows: Int = 1_000_000, days: Int = 365,
                start: Int64 = GeneratorConfig.defaultStart, zipfExponent: Double = 1.0,
                reviewRate: Double = 0.30, surveyRate: Double = 0.30, anomaliesPerKind: Int = 2) {
        self.seed = seed
        self.tenants = tenants
        self.callRows = callRows
        self.days = days
        self.start = start
        self.zipfExponent = zipfExponent
        self.reviewRate = reviewRate
        self.surveyRate = surveyRate
        self.anomaliesPerKind = anomaliesPerKind
    }

    /// `start` in whole seconds.
    var startSeconds: Int64 { Timestamp.floorDivMod(start, Timestamp.microsPerSecond).0 }
}
