import Foundation
import TallyStorage

extension TenantRun {
    /// One `call_quality_scores` row. The five dimensions and their mean (`overall`, equal to the call's
    /// `quality_score`) were drawn with the call; here come the review time (mostly the next day),
    /// the reviewer (a QA supervisor, ids from 9001), audio metrics (NULL for chat) and a short note.
    mutating func writeReview(_ c: CallRecord) {
        let isAI = agents[c.agent].isAI
        let delay = clamp(rngReviews.lognormal(mu: log(20 * 3600.0), sigma: 0.7, g), 1800, 4 * 86_400)
        let reviewer = 9001 + rngReviews.below(reviewers)
        pendingReviews.beginRow()
        pendingReviews.rows.set(ReviewCol.callID, int: c.id)
        pendingReviews.rows.set(ReviewCol.agentID, int: Int64(agents[c.agent].id))
        pendingReviews.rows.set(ReviewCol.reviewedAt, int: micros(c.ended + c.wrap + Int64(delay)))
        pendingReviews.rows.set(ReviewCol.reviewer, int: reviewer)
        for k in 0..<5 {
            pendingReviews.rows.set(ReviewCol.firstDimension + k, int: Int64((c.reviewDimensions >> UInt32(4 * k)) & 15))
        }
        pendingReviews.rows.set(ReviewCol.overall, double: c.overall)
        if c.channel == 1 {
            pendingReviews.rows.setNull(ReviewCol.audioClarity)
            pendingReviews.rows.setNull(ReviewCol.noise)
        } else {
            let loss = isAI ? rngReviews.lognormal(mu: log(2.5), sigma: 0.5, g) : rngReviews.lognormal(mu: log(5), sigma: 0.6, g)
            pendingReviews.rows.set(ReviewCol.audioClarity, double: roundTo(clamp(100 - loss, 40, 99.9), 10))
            let noise = isAI ? 30 + 5 * rngReviews.normal(g) : 34 + 6 * rngReviews.normal(g)
            pendingReviews.rows.set(ReviewCol.noise, double: roundTo(clamp(noise, 15, 70), 10))
        }
        if rngReviews.chance(0.35) {
            pendingReviews.rows.setNull(ReviewCol.notes)
        } else {
            let x = (c.overall - 1) / 4 * Double(Vocabulary.reviewNotes.count) + 1.2 * rngReviews.normal(g)
            pendingReviews.rows.set(ReviewCol.notes, code: clamp(Int(x), 0, Vocabulary.reviewNotes.count - 1))
        }
        pendingReviews.endRow()
    }
}
