import Foundation
import Testing
import TallyQuery
import TallyStorage
@testable import TallyAnalytics

@Suite struct ForecastTests {
    /// A daily-shaped hourly series with a weekly pattern, a trend and small deterministic noise.
    static func seasonal(weeks: Int, noise: Double = 0, trend: Double = 0.01) -> [Double] {
        var rng = SplitMix(seed: 7)
        return (0..<(weeks * 168)).map { t in
            let hour = Double(t % 24), day = (t / 24) % 7
            let shape = 50 + 40 * sin((hour - 6) / 24 * 2 * .pi) + (day >= 5 ? -20 : 0)
            return shape + trend * Double(t) + noise * (Double(rng.next() % 2001) / 1000 - 1)
        }
    }

    @Test func seasonalNaiveRepeatsTheLastSeason() {
        let y = (0..<10).map(Double.init)
        let f = SeasonalNaive.forecast(y, season: 4, horizon: 6)
        // Last season is 6, 7, 8, 9; h = 5, 6 wrap to it again (k = 2).
        #expect(f.values == [6, 7, 8, 9, 6, 7])
    }

    @Test func holtWintersRecoversASeasonalSeries() throws {
        let y = Self.seasonal(weeks: 6, noise: 2)
        let truth = Self.seasonal(weeks: 7, noise: 0)
        let train = Array(y[..<(5 * 168)])
        let test = Array(truth[(5 * 168)..<(6 * 168)])
        let hw = try HoltWinters.fit(train, season: 168)
        let f = hw.forecast(horizon: 168)
        let w = try #require(Accuracy.wmape(actual: test, forecast: f.values))
        #expect(w < 0.03)
        // Noise-free: the recursions reproduce the pattern almost exactly.
        let clean = Self.seasonal(weeks: 5)
        let g = try HoltWinters.fit(clean, season: 168).forecast(horizon: 168)
        let next = Array(Self.seasonal(weeks: 6)[(5 * 168)...])
        let cleanError = try #require(Accuracy.wmape(actual: next, forecast: g.values))
        #expect(cleanError < 0.02, "wMAPE \(cleanError)")
        #expect(f.lower.indices.allSatisfy { f.lower[$0] <= f.values[$0] && f.values[$0] <= f.upper[$0] })
    }

    @Test func autoPrefersHoltWintersOnATrend() throws {
        let y = Self.seasonal(weeks: 5, noise: 1, trend: 0.2)
        #expect(try Forecaster.choose(y, season: 168) == "holt_winters")
        #expect(try Forecaster.choose(Array(y[..<(2 * 168)]), season: 168) == "seasonal_naive")
        #expect(throws: (any Error).self) { try HoltWinters.fit(Array(y[..<200]), season: 168) }
    }

    @Test func autoPoolsSeveralHeldOutSeasons() throws {
        // A trend for six weeks, then a seventh that repeats the sixth: seasonal naive is perfect on
        // that last week alone (a one-week holdout picks it), Holt-Winters wins the three before.
        var y = Self.seasonal(weeks: 7, noise: 1, trend: 0.2)
        for i in 0..<168 { y[6 * 168 + i] = y[5 * 168 + i] }
        #expect(try Forecaster.choose(y, season: 168) == "holt_winters")
        #expect(Forecaster.selectionSeasons == 4)
    }

    @Test func seasonAheadFitKeepsTheLevelSmoothUnderDailyBusyness() throws {
        // Each day × its own busyness in 0.6…1.4, as in generated data: a one-step fit follows the
        // day's level (high α), a season-ahead fit does not, and forecasts the next week better.
        var rng = SplitMix(seed: 31)
        var y = Self.seasonal(weeks: 13, noise: 2, trend: 0)
        for d in 0..<(13 * 7) {
            let b = 0.6 + 0.8 * Double(rng.next() % 1001) / 1000
            for h in 0..<24 { y[d * 24 + h] *= b }
        }
        let train = Array(y[..<(12 * 168)]), test = Array(y[(12 * 168)...])
        let oneStep = try HoltWinters.fit(train, season: 168), seasonAhead = try HoltWinters.fit(train, season: 168, ahead: 168)
        #expect(seasonAhead.alpha < oneStep.alpha, "α \(seasonAhead.alpha) vs \(oneStep.alpha)")
        let f = try Forecaster.forecast(train, season: 168, horizon: 168, model: "holt_winters_season", nonNegative: true)
        #expect(f.model == "holt_winters_season" && f.values.count == 168)
        let w1 = try #require(Accuracy.wmape(actual: test, forecast: oneStep.forecast(horizon: 168).values))
        let w2 = try #require(Accuracy.wmape(actual: test, forecast: f.values))
        #expect(w2 < w1, "wMAPE season-ahead \(w2) vs one-step \(w1)")
        // ahead = 1 is the usual fit.
        #expect(try HoltWinters.fit(train, season: 168, ahead: 1).alpha == oneStep.alpha)
    }

    @Test func accuracyMeasures() {
        #expect(Accuracy.wmape(actual: [10, 0, 30], forecast: [12, 1, 27]) == 6.0 / 40)
        #expect(Accuracy.wmape(actual: [0, 0], forecast: [1, 1]) == nil)
        // History differences at lag 2: |3−1|, |4−2| → 2; forecast errors 1 and 3 → mean 2 → MASE 1.
        #expect(Accuracy.mase(actual: [5, 6], forecast: [6, 3], history: [1, 2, 3, 4], season: 2) == 1)
    }

    @Test func forecastTableFunctionThroughSQL() throws {
        let f = try AnalyticsFixture(schema: DataModel.schemaSQL + "CREATE TABLE vol (q VARCHAR, at TIMESTAMP, calls BIGINT);")
        let y = Self.seasonal(weeks: 3)
        let base: Int64 = 1_767_225_600_000_000 // 2026-01-01 00:00 UTC
        var rows: [String] = []
        for (i, v) in y.enumerated() where i != 30 { // hour 30 missing: zero-filled
            rows.append("('sales', '\(Value.timestamp(base + Int64(i) * 3_600_000_000))', \(Int(v.rounded())))")
        }
        rows.append("('support', '\(Value.timestamp(base))', 5)")
        for i in 1..<168 { rows.append("('support', '\(Value.timestamp(base + Int64(i) * 3_600_000_000))', \(i % 24))") }
        _ = try f.session.execute("INSERT INTO vol VALUES " + rows.joined(separator: ", "))
        let out = try f.rows("""
            SELECT q, target_at, value, model FROM forecast((SELECT q, at, calls FROM vol), horizon => 48, model => 'seasonal_naive')
            ORDER BY q, target_at
            """)
        #expect(out.count == 96)
        #expect(out[0][0] == .string("sales"))
        #expect(out[0][1] == .timestamp(base + Int64(3 * 168) * 3_600_000_000))
        #expect(out[0][2] == .double(y[2 * 168].rounded()))
        #expect(out[48][1] == .timestamp(base + 168 * 3_600_000_000))
        #expect(out[48][2] == .double(5))
        #expect(out[49][2] == .double(1))
        // Positional arguments, auto model, and writing into predictive_analytics.
        _ = try f.session.execute("""
            INSERT INTO predictive_analytics (generated_at, target_at, queue, metric, model, value, lower_bound, upper_bound)
            SELECT now(), target_at, q, 'calls', model, value, lower_bound, upper_bound
            FROM forecast((SELECT q, at, calls FROM vol WHERE q = 'sales'), 24, 'auto')
            """)
        let sales = y.indices.map { $0 == 30 ? 0.0 : y[$0].rounded() }
        let chosen = try Forecaster.choose(sales, season: 168)
        let stored = try f.rows("SELECT count(*), min(model), max(model) FROM predictive_analytics")
        #expect(stored == [[.int(24), .string(chosen), .string(chosen)]])
    }

    @Test func forecastErrorsNameTheArgument() throws {
        let f = try AnalyticsFixture(schema: "CREATE TABLE vol (at TIMESTAMP, calls BIGINT); INSERT INTO vol VALUES ('2026-01-01 00:00:00', 1);")
        func message(_ sql: String) -> String {
            do { _ = try f.rows(sql); return "" } catch { return "\(error)" }
        }
        #expect(message("SELECT * FROM forecast((SELECT at, calls FROM vol))").contains("horizon"))
        #expect(message("SELECT * FROM forecast((SELECT at, calls FROM vol), 24, 'arima')").contains("'arima'"))
        #expect(message("SELECT * FROM forecast((SELECT at, calls FROM vol), 24, modle => 'auto')").contains("modle"))
        #expect(message("SELECT * FROM forecast((SELECT calls FROM vol), 24)").contains("TIMESTAMP"))
        #expect(message("SELECT * FROM forecast((SELECT at, calls FROM vol), 24)").contains("season"))
        do {
            _ = try f.rows("SELECT * FROM forcast((SELECT at, calls FROM vol), 24)")
            Issue.record("misspelt table function accepted")
        } catch {
            #expect(TallyError.from(error).hint == "did you mean forecast?")
        }
        #expect(message("SELECT * FROM forecast(horizon => 3, (SELECT at, calls FROM vol))").contains("positional"))
    }

    @Test func namedArgumentsRoundTripThroughThePrinter() throws {
        let sql = "SELECT * FROM forecast((SELECT at, calls FROM vol), horizon => 24, model => 'auto') AS f"
        let printed = try Parser.parse(sql).description
        #expect(printed.contains("horizon => 24"))
        #expect(try Parser.parse(printed) == Parser.parse(sql))
    }
}
