import TallyQuery
import TallyStorage

/// nps, csat and service_level as aggregate macros: each expands into filtered counts that the
/// executor computes natively, combined by one expression (KPIS.md "Quality" and "Handling").
enum DomainAggregates {
    static func register(into r: FunctionRegistry) {
        r.registerAggregate("nps", signature: "nps(score INTEGER 0–10) → % promoters (9–10) − % detractors (0–6)") { args, filter in
            guard args.count == 1, isNumber(args[0].type) else { return nil }
            let s = args[0]
            return percentExpansion(numerators: [(ge(s, 9), 1), (le(s, 6), -1)], denominator: notNull(s), filter: filter)
        }
        r.registerAggregate("csat", signature: "csat(rating INTEGER 1–5) → % of ratings that are 4 or 5 (top-2-box)") { args, filter in
            guard args.count == 1, isNumber(args[0].type) else { return nil }
            let s = args[0]
            return percentExpansion(numerators: [(ge(s, 4), 1)], denominator: notNull(s), filter: filter)
        }
        r.registerAggregate("service_level", signature: serviceLevelSignature, serviceLevel)
    }

    static let serviceLevelSignature =
        "service_level(wait_s, answered BOOLEAN, threshold_s [, variant 1–5 [, short_abandon_s]]) → %"

    /// service_level over offered calls: `answered` true = answered, false = abandoned, NULL = neither
    /// (not counted). Variants follow KPIS.md; variant 5 drops abandons with wait < short_abandon_s (default 5).
    static func serviceLevel(_ args: [BoundExpr], _ filter: BoundExpr?) throws -> AggregateExpansion? {
        guard (3...5).contains(args.count), isNumber(args[0].type), args[1].type == .bool, isNumber(args[2].type) else { return nil }
        var variant: Int64 = 1
        if args.count >= 4 {
            guard case .constant(let v, _) = args[3], case .int(let i) = v, (1...5).contains(i) else {
                throw EvaluationError("service_level: the variant (4th argument) must be a constant 1–5")
            }
            variant = i
        }
        if args.count == 5 && variant != 5 {
            throw EvaluationError("service_level: short_abandon_s (5th argument) applies only to variant 5")
        }
        let wait = args[0], answered = args[1], t = args[2]
        let shortCut = args.count == 5 ? args[4] : .constant(.int(5), .int64)
        let ans: BoundExpr = answered
        let abd: BoundExpr = .not(answered)
        let within: BoundExpr = .compare(.le, wait, t)
        let after: BoundExpr = .compare(.gt, wait, t)
        let notShort: BoundExpr = .compare(.ge, wait, shortCut)
        let ansWithin: BoundExpr = .and([ans, within])
        switch variant {
        case 1: return percentExpansion(numerators: [(.or([ansWithin, .and([abd, within])]), 1)], denominator: .or([ans, abd]), filter: filter)
        case 2: return percentExpansion(numerators: [(ansWithin, 1)], denominator: ans, filter: filter)
        case 3: return percentExpansion(numerators: [(ansWithin, 1)], denominator: .or([ans, abd]), filter: filter)
        case 4: return percentExpansion(numerators: [(ansWithin, 1)], denominator: .or([ans, .and([abd, after])]), filter: filter)
        default:
            let counted: BoundExpr = .or([ans, .and([abd, notShort])])
            return percentExpansion(numerators: [(.and([counted, within]), 1)], denominator: counted, filter: filter)
        }
    }

    /// 100 × Σ sign·count(numerator) / count(denominator), NULL when the denominator is 0.
    static func percentExpansion(numerators: [(BoundExpr, Int64)], denominator: BoundExpr, filter: BoundExpr?) -> AggregateExpansion {
        func counting(_ cond: BoundExpr) -> BoundAggregate {
            BoundAggregate(kind: .countStar, args: [], filter: filter.map { .and([$0, cond]) } ?? cond, type: .int64)
        }
        var aggs = numerators.map { counting($0.0) }
        aggs.append(counting(denominator))
        var sum: BoundExpr? = nil
        for (i, n) in numerators.enumerated() {
            let c: BoundExpr = .cast(.column(i, .int64, name: "n\(i)"), .float64)
            let term: BoundExpr = n.1 < 0 ? .negate(c) : c
            sum = sum.map { .arith(.add, $0, term, .float64) } ?? term
        }
        let denom: BoundExpr = .cast(.column(numerators.count, .int64, name: "d"), .float64)
        let result: BoundExpr = .arith(.div, .arith(.mul, .constant(.double(100), .float64), sum!, .float64), denom, .float64)
        return AggregateExpansion(aggregates: aggs, result: result)
    }

    static func isNumber(_ t: DataType) -> Bool { t == .int32 || t == .int64 || t == .float64 }
    static func ge(_ e: BoundExpr, _ v: Int64) -> BoundExpr { .compare(.ge, e, .constant(.int(v), .int64)) }
    static func le(_ e: BoundExpr, _ v: Int64) -> BoundExpr { .compare(.le, e, .constant(.int(v), .int64)) }
    static func notNull(_ e: BoundExpr) -> BoundExpr { .isNull(e, negated: true) }
}
