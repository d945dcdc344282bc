import Foundation
import TallyStorage

/// The survey model: a latent satisfaction per surveyed call from which CSAT, NPS, sentiment,
/// the recommendation and the comment all follow, so that they agree with each other.
enum SurveyModel {
    /// Effect of the outcome (resolved, escalated, transferred, callback) on satisfaction.
    static let outcomeEffect = [0, -0.9, -0.6, -0.5]
    /// Effect of the call's quality above the sector mean.
    static let qualityEffect = 0.55
    /// Satisfaction lost at waits of 10 minutes or more.
    static let waitPenalty = 0.9
    static let aiEffect = -0.15
    static let commentShare = 0.4

    /// Comment templates per polarity (0 negative, 1 neutral, 2 positive) and feedback category.
    static let commentTemplates: [[[Int]]] = {
        var t = [[[Int]]](repeating: [[Int]](repeating: [], count: Vocabulary.feedbackCategories.count), count: 3)
        for (i, c) in Vocabulary.comments.enumerated() { t[c.polarity + 1][c.category].append(i) }
        return t
    }()
}

extension TenantRun {
    /// One `customer_satisfaction` row: most surveys are answered on the phone right after the call,
    /// the rest by e-mail within hours. CSAT 1–5, NPS 0–10 and sentiment −1…1 rise with the call's
    /// quality and resolution and fall with the wait; an injected CSAT drop lowers them in its window.
    mutating func writeSurvey(_ c: CallRecord) {
        let m = agents[c.agent]
        let p = desks[c.desk].sector.profile
        var sat = p.csatBase + SurveyModel.qualityEffect * (c.quality - p.qualityMean) + SurveyModel.outcomeEffect[c.outcome]
            - SurveyModel.waitPenalty * Double(min(c.wait, 600)) / 600 + (m.isAI ? SurveyModel.aiEffect : 0)
        if c.queue == activeAnomalies.dropQueue || c.agent == activeAnomalies.dropAgent {
            sat += activeAnomalies.dropDelta
        }
        sat += 0.7 * rngSurveys.normal(g)
        let csat = Int(roundToInt(clamp(sat, 1, 5)))
        let nps = Int(roundToInt(clamp(2.2 * sat - 1.0 + 1.1 * rngSurveys.normal(g), 0, 10)))
        let sentiment = roundTo(clamp(tanh(0.9 * (sat - 3.2)) + 0.18 * rngSurveys.normal(g), -1, 1), 1000)
        let delay = rngSurveys.chance(0.7)
            ? 20 + Int64(rngSurveys.below(100))
            : Int64(clamp(rngSurveys.lognormal(mu: log(3 * 3600.0), sigma: 1, g), 300, 3 * 86_400))
        let polarity = csat >= 4 ? 2 : (csat == 3 ? 1 : 0)
        let category = feedbackCategory(c, polarity: polarity, isAI: m.isAI)
        pendingSurveys.beginRow()
        pendingSurveys.rows.set(SurveyCol.callID, int: c.id)
        pendingSurveys.rows.set(SurveyCol.agentID, int: Int64(m.id))
        pendingSurveys.rows.set(SurveyCol.surveyedAt, int: micros(c.ended + delay))
        pendingSurveys.rows.set(SurveyCol.csat, int: csat)
        pendingSurveys.rows.set(SurveyCol.nps, int: nps)
        pendingSurveys.rows.set(SurveyCol.sentiment, double: sentiment)
        pendingSurveys.rows.set(SurveyCol.recommend, bool: nps >= 7)
        pendingSurveys.rows.set(SurveyCol.category, code: category)
        if rngSurveys.chance(SurveyModel.commentShare) {
            var list = model.commentTemplates[polarity][category]
            if list.isEmpty { list = model.commentTemplates[polarity][7] }
            pendingSurveys.rows.set(SurveyCol.comment, code: list[rngSurveys.below(list.count)])
        } else {
            pendingSurveys.rows.setNull(SurveyCol.comment)
        }
        pendingSurveys.endRow()
    }

    /// What the caller talks about: long waits, transfers, knowledge, courtesy… weighted by what happened.
    private mutating func feedbackCategory(_ c: CallRecord, polarity: Int, isAI: Bool) -> Int {
        let resolved = c.outcome == Outcome.resolved.rawValue
        let handedOn = c.outcome == Outcome.transferred.rawValue || c.outcome == Outcome.escalated.rawValue
        // wait_time, agent_knowledge, courtesy, resolution, process, billing, technical_issue, other
        var w: (Double, Double, Double, Double, Double, Double, Double, Double)
        switch polarity {
        case 0:
            w = (c.wait > 180 ? 3 : 0.4, c.quality < 3.3 ? 2.5 : 1, 0.5, resolved ? 0.3 : 1.5, handedOn ? 2 : 0.4,
                 0.6, isAI ? 1.5 : 0.4, 0.3)
        case 1:
            w = (c.wait > 120 ? 1.5 : 0.6, 0.3, 0.2, 0.5, 0.5, 0.2, 0.2, 1.2)
        default:
            w = (c.wait < 30 ? 0.8 : 0.1, 1, 1.3, resolved ? 1.5 : 0.2, 0.1, 0.1, isAI ? 0.6 : 0.05, 0.3)
        }
        let total = w.0 + w.1 + w.2 + w.3 + w.4 + w.5 + w.6 + w.7
        var u = rngSurveys.uniform() * total
        u -= w.0; if u < 0 { return 0 }
        u -= w.1; if u < 0 { return 1 }
        u -= w.2; if u < 0 { return 2 }
        u -= w.3; if u < 0 { return 3 }
        u -= w.4; if u < 0 { return 4 }
        u -= w.5; if u < 0 { return 5 }
        u -= w.6; if u < 0 { return 6 }
        return 7
    }
}
