import Foundation
import TallyStorage

/// What happened on one call, shared by the tables derived from it.
struct CallRecord {
    var id: Int64
    var desk: Int
    var agent: Int
    var queue: Int
    var channel: Int
    /// Seconds since the period start.
    var started: Int64
    var wait: Int64
    var talk: Int64
    var hold: Int64
    var wrap: Int64
    var outcome: Int
    /// Latent quality of this call (agent quality + noise + outcome effect), on the 1–5 scale.
    var quality: Double
    /// The five review scores (1–5), 4 bits each, professionalism in the lowest bits.
    var reviewDimensions: UInt32
    var overall: Double
    var answered: Int64 { started + wait }
    var ended: Int64 { started + wait + talk + hold }
}

/// Effects by outcome (resolved, escalated, transferred, callback) and by channel (voice, chat, video).
/// An instance lives in the run state so that hot loops read plain arrays (no lazy-global checks).
struct CallModel: Sendable {
    let outcomeTalkLog = [0, log(1.35), log(0.8), log(0.75)]
    let outcomeHoldFactor = [1.0, 1.8, 1.6, 1.2]
    let outcomeQuality = [0.1, -0.25, -0.15, -0.15]
    let channelTalkLog = Vocabulary.channelTalkFactor.map { log($0) }
    let channelCumulative = cumulative(Vocabulary.channelShares)
    let queueTalkLog = Vocabulary.queues.map { log($0.talkFactor) }
    /// Telephony per second of wait and conversation.
    let telephonyPerSecond = [0.0125 / 60, 0.002 / 60, 0.02 / 60]
    /// Per-call platform fee of an AI voice agent, on top of its per-second inference.
    let aiCallFee = 0.02
    /// Review dimension offsets (professionalism, empathy, resolution, clarity, responsiveness): humans, AI.
    let dimensionOffset: [[Double]] = [[0.15, 0.0, -0.05, 0.05, -0.05], [0.35, -0.7, -0.05, 0.4, 0.6]]
    /// Extra effect of the outcome on the resolution dimension.
    let resolutionByOutcome = [0.3, -0.6, -0.4, -0.5]
    /// Survey comment templates per polarity and category.
    let commentTemplates = SurveyModel.commentTemplates
}

/// x rounded half away from zero to a multiple of 1/scale (inline; `rounded()` is a libm call here).
@inline(__always) func roundTo(_ x: Double, _ scale: Double) -> Double { Double(roundToInt(x * scale)) / scale }

/// x rounded half away from zero; |x| must be below 2⁶³.
@inline(__always) func roundToInt(_ x: Double) -> Int64 { Int64(x + (x < 0 ? -0.5 : 0.5)) }

extension TenantRun {
    /// Routes one call arriving at second `t`, simulates it and writes its rows.
    ///
    /// agent_metrics consistency: handle_s = talk_s + hold_s + wrap_s; answered_at = started_at +
    /// queue_wait_s; ended_at = answered_at + talk_s + hold_s (wrap follows the end of the call).
    /// Abandoned calls have no agent, answer, talk, hold, wrap, handle, FCR or transfer flag; their
    /// ended_at is when the caller hung up.
    mutating func simulateCall(at t: Int64) {
        callSeq &+= 1
        let id = callBase &+ callSeq
        let d = desks.count == 1 ? 0 : (rngCalls.uniform() < firstDeskShare ? 0 : 1)
        let queue = desks[d].queueCodes[rngCalls.pick(cumulative: desks[d].queueCumulative)]
        let cu = rngCalls.uniform()
        let channel = cu < model.channelCumulative[0] ? 0 : (cu < model.channelCumulative[1] ? 1 : 2)
        let toAI = desks[d].aiShare > 0 && rngCalls.uniform() < desks[d].aiShare
        let patience = rngCalls.uniform() < plan.immediateHangupShare
            ? rngCalls.uniform() * 8
            : min(rngCalls.lognormal(mu: patienceMu, sigma: TenantRun.patienceSigma, g), 3600)
        var agent = -1
        var wait = Int64.max
        if toAI {
            agent = Int(desks[d].ai[rngCalls.below(desks[d].ai.count)])
            wait = 1 + Int64(rngCalls.below(3))
        } else if !desks[d].heap.isEmpty {
            let top = desks[d].heap[0]
            agent = Int(top & 0xFFFFF)
            wait = max(Int64(top >> 20) - t, 0) + 2 + Int64(rngCalls.below(6))
        }
        var call = CallRecord(id: id, desk: d, agent: agent, queue: queue, channel: channel, started: t, wait: 0,
                              talk: 0, hold: 0, wrap: 0, outcome: Outcome.abandoned.rawValue, quality: 0,
                              reviewDimensions: 0, overall: 0)
        if Double(wait) > patience {
            call.agent = -1
            call.wait = Int64(patience)
            let telephony = Double(call.wait) * model.telephonyPerSecond[channel]
            dayTotals[d].telephony += telephony
            dayTotals[d].calls += 1
            if metrics.enabled { writeMetrics(call, revenue: 0, cost: roundTo(telephony, 10_000), fcr: false) }
            if queueEvents.enabled { writeQueueEvents(call) }
            return
        }
        let m = agents[agent]
        call.wait = wait
        let u = rngCalls.uniform()
        let outcome = u < m.resolvedCum ? 0 : (u < m.escalatedCum ? 1 : (u < m.transferredCum ? 2 : 3))
        call.outcome = outcome
        var talk = exp(m.talkMu + model.queueTalkLog[queue] + model.channelTalkLog[channel]
                       + model.outcomeTalkLog[outcome] + m.talkSigma * rngCalls.normal(g))
        var hold = 0.0
        if rngCalls.uniform() < m.holdShare * model.outcomeHoldFactor[outcome] {
            hold = exp(m.holdMu + 0.8 * rngCalls.normal(g))
        }
        var wrap = m.isAI ? Double(1 + rngCalls.below(4)) : exp(m.wrapMu + 0.45 * rngCalls.normal(g))
        if agent == activeAnomalies.spikeAgent {
            let f = activeAnomalies.spikeFactor
            talk *= f; hold *= f; wrap *= f
        }
        call.talk = roundToInt(clamp(talk, 5, 7200))
        call.hold = hold > 0 ? roundToInt(clamp(hold, 3, 1800)) : 0
        call.wrap = roundToInt(clamp(wrap, 1, 900))
        let ended = call.ended
        if !m.isAI {
            let free = ended + call.wrap
            desks[d].replaceTop(UInt64(free) << 20 | UInt64(agent))
            freeAt[agent] = free
            addActivity(agent, from: call.answered, length: call.talk + call.hold, wrap: false)
            addActivity(agent, from: ended, length: call.wrap, wrap: true)
        }
        let fcr = outcome == 0 && rngCalls.uniform() < m.fcr
        call.quality = m.quality + 0.35 * rngCalls.normal(g) + model.outcomeQuality[outcome]
        let reviewed = rngCalls.uniform() < config.reviewRate
        if reviewed {
            let offsets = model.dimensionOffset[m.isAI ? 1 : 0]
            var sum: Int64 = 0
            var packed: UInt32 = 0
            for k in 0..<5 {
                var x = call.quality + offsets[k] + 0.5 * rngCalls.normal(g)
                if k == 2 { x += model.resolutionByOutcome[outcome] }
                let v = roundToInt(clamp(x, 1, 5))
                packed |= UInt32(truncatingIfNeeded: v) << UInt32(4 * k)
                sum += v
            }
            call.reviewDimensions = packed
            call.overall = Double(sum) / 5
        }
        let surveyed = rngCalls.uniform() < config.surveyRate
        var revenue = 0.0
        if outcome == 0 && m.saleShare > 0 && rngCalls.uniform() < m.saleShare {
            revenue = roundTo(exp(m.saleMu + 0.8 * rngCalls.normal(g)), 100)
        }
        let telephony = Double(call.wait + call.talk + call.hold) * model.telephonyPerSecond[channel]
        let labor = Double(call.talk + call.hold + call.wrap) * m.laborPerSecond
        let inference = m.isAI ? Double(call.talk + call.hold) * m.aiPerSecond + model.aiCallFee : 0
        dayTotals[d].telephony += telephony
        dayTotals[d].aiInference += inference
        dayTotals[d].revenue += revenue
        dayTotals[d].calls += 1
        if metrics.enabled {
            writeMetrics(call, revenue: revenue, cost: roundTo(telephony + labor + inference, 10_000), fcr: fcr,
                         quality: reviewed ? call.overall : nil)
        }
        if queueEvents.enabled { writeQueueEvents(call) }
        if reviewed && reviews.enabled { writeReview(call) }
        if surveyed && surveys.enabled { writeSurvey(call) }
    }

    /// Adds `length` seconds from `from` to the agent's busy (or wrap) seconds per hour.
    @inline(__always) mutating func addActivity(_ a: Int, from: Int64, length: Int64, wrap: Bool) {
        var s = from
        var rem = length
        while rem > 0 {
            let hour = s / 3600
            let take = min((hour + 1) * 3600 - s, rem)
            let i = a &* 8 &+ Int(hour & 7)
            if wrap { wrapSeconds[i] &+= Int32(take) } else { busySeconds[i] &+= Int32(take) }
            s += take
            rem -= take
        }
    }

    @inline(__always) mutating func writeMetrics(_ c: CallRecord, revenue: Double, cost: Double, fcr: Bool,
                                                 quality: Double? = nil) {
        metrics.rows.set(MetricCol.callID, int: c.id)
        metrics.rows.set(MetricCol.sector, code: desks[c.desk].sector.rawValue)
        metrics.rows.set(MetricCol.queue, code: c.queue)
        metrics.rows.set(MetricCol.channel, code: c.channel)
        metrics.rows.set(MetricCol.startedAt, int: micros(c.started))
        metrics.rows.set(MetricCol.queueWait, int: c.wait)
        metrics.rows.set(MetricCol.outcome, code: c.outcome)
        metrics.rows.set(MetricCol.revenue, double: revenue)
        metrics.rows.set(MetricCol.cost, double: cost)
        if c.agent < 0 {
            metrics.rows.setNull(MetricCol.agentID)
            metrics.rows.setNull(MetricCol.answeredAt)
            metrics.rows.set(MetricCol.endedAt, int: micros(c.started + c.wait))
            metrics.rows.setNull(MetricCol.talk)
            metrics.rows.setNull(MetricCol.hold)
            metrics.rows.setNull(MetricCol.wrap)
            metrics.rows.setNull(MetricCol.handle)
            metrics.rows.setNull(MetricCol.fcr)
            metrics.rows.setNull(MetricCol.transferred)
            metrics.rows.setNull(MetricCol.quality)
        } else {
            metrics.rows.set(MetricCol.agentID, int: Int64(agents[c.agent].id))
            metrics.rows.set(MetricCol.answeredAt, int: micros(c.answered))
            metrics.rows.set(MetricCol.endedAt, int: micros(c.ended))
            metrics.rows.set(MetricCol.talk, int: c.talk)
            metrics.rows.set(MetricCol.hold, int: c.hold)
            metrics.rows.set(MetricCol.wrap, int: c.wrap)
            metrics.rows.set(MetricCol.handle, int: c.talk + c.hold + c.wrap)
            metrics.rows.set(MetricCol.fcr, bool: fcr)
            metrics.rows.set(MetricCol.transferred, bool: c.outcome == Outcome.transferred.rawValue)
            if let quality { metrics.rows.set(MetricCol.quality, double: quality) } else { metrics.rows.setNull(MetricCol.quality) }
        }
        metrics.endRow(&ready)
    }
}
