import TallyStorage

/// The columns the generator produces for each table of the data model (schema.sql), with their
/// generator-side types and nullability. Batches are matched to the caller's schemas by name.
enum Tables {
    typealias C = GenColumn

    static let agents = TableSpec(name: "agents", columns: [
        C("agent_id", .int32),
        C("name", .string),
        C("team", .string),
        C("sector", .string, Vocabulary.sectorDictionary),
        C("kind", .string, Vocabulary.kindDictionary),
        C("hired_at", .timestamp),
    ], timeColumn: nil)

    static let agentMetrics = TableSpec(name: "agent_metrics", columns: [
        C("call_id", .int64),
        C("agent_id", .int32, nullable: true),
        C("sector", .string, Vocabulary.sectorDictionary),
        C("queue", .string, Vocabulary.queueDictionary),
        C("channel", .string, Vocabulary.channelDictionary),
        C("started_at", .timestamp),
        C("answered_at", .timestamp, nullable: true),
        C("ended_at", .timestamp),
        C("queue_wait_s", .int32),
        C("talk_s", .int32, nullable: true),
        C("hold_s", .int32, nullable: true),
        C("wrap_s", .int32, nullable: true),
        C("handle_s", .int32, nullable: true),
        C("outcome", .string, Vocabulary.outcomeDictionary),
        C("first_contact_resolved", .bool, nullable: true),
        C("transferred", .bool, nullable: true),
        C("quality_score", .float64, nullable: true),
        C("revenue", .float64),
        C("cost", .float64),
    ], timeColumn: 5)

    static let callQualityScores = TableSpec(name: "call_quality_scores", columns: [
        C("call_id", .int64),
        C("agent_id", .int32),
        C("reviewed_at", .timestamp),
        C("reviewer_id", .int32),
        C("professionalism", .int32),
        C("empathy", .int32),
        C("resolution", .int32),
        C("clarity", .int32),
        C("responsiveness", .int32),
        C("overall", .float64),
        C("audio_clarity_pct", .float64, nullable: true),
        C("background_noise_db", .float64, nullable: true),
        C("notes", .string, nullable: true, Vocabulary.notesDictionary),
    ], timeColumn: 2)

    static let customerSatisfaction = TableSpec(name: "customer_satisfaction", columns: [
        C("call_id", .int64),
        C("agent_id", .int32),
        C("surveyed_at", .timestamp),
        C("csat", .int32),
        C("nps", .int32),
        C("sentiment", .float64),
        C("would_recommend", .bool),
        C("feedback_category", .string, Vocabulary.feedbackDictionary),
        C("comment", .string, nullable: true, Vocabulary.commentDictionary),
    ], timeColumn: 2)

    static let costAnalysis = TableSpec(name: "cost_analysis", columns: [
        C("period_start", .timestamp),
        C("sector", .string, Vocabulary.sectorDictionary),
        C("component", .string, Vocabulary.componentDictionary),
        C("cost", .float64),
        C("revenue", .float64, nullable: true),
    ], timeColumn: 0)

    static let agentStatusEvents = TableSpec(name: "agent_status_events", columns: [
        C("agent_id", .int32),
        C("at", .timestamp),
        C("status", .string, Vocabulary.statusDictionary),
    ], timeColumn: 1)

    static let queueEvents = TableSpec(name: "queue_events", columns: [
        C("call_id", .int64),
        C("queue", .string, Vocabulary.queueDictionary),
        C("at", .timestamp),
        C("event", .string, Vocabulary.queueEventDictionary),
    ], timeColumn: 2)

    static let injectedAnomalies = TableSpec(name: "injected_anomalies", columns: [
        C("start_at", .timestamp),
        C("end_at", .timestamp),
        C("kind", .string, Vocabulary.anomalyKindDictionary),
        C("agent_id", .int32, nullable: true),
        C("queue", .string, nullable: true, Vocabulary.queueDictionary),
        C("magnitude", .float64),
    ], timeColumn: 0)

    static let all = [agents, agentMetrics, callQualityScores, customerSatisfaction, costAnalysis,
                      agentStatusEvents, queueEvents, injectedAnomalies]
}

// Column positions in the specs above.
enum AgentCol { static let id = 0, name = 1, team = 2, sector = 3, kind = 4, hiredAt = 5 }
enum MetricCol {
    static let callID = 0, agentID = 1, sector = 2, queue = 3, channel = 4, startedAt = 5, answeredAt = 6,
               endedAt = 7, queueWait = 8, talk = 9, hold = 10, wrap = 11, handle = 12, outcome = 13, fcr = 14,
               transferred = 15, quality = 16, revenue = 17, cost = 18
}
enum ReviewCol {
    static let callID = 0, agentID = 1, reviewedAt = 2, reviewer = 3, firstDimension = 4, overall = 9,
               audioClarity = 10, noise = 11, notes = 12
}
enum SurveyCol {
    static let callID = 0, agentID = 1, surveyedAt = 2, csat = 3, nps = 4, sentiment = 5, recommend = 6,
               category = 7, comment = 8
}
enum CostCol { static let periodStart = 0, sector = 1, component = 2, cost = 3, revenue = 4 }
enum StatusCol { static let agentID = 0, at = 1, status = 2 }
enum QueueEventCol { static let callID = 0, queue = 1, at = 2, event = 3 }
enum AnomalyCol { static let startAt = 0, endAt = 1, kind = 2, agentID = 3, queue = 4, magnitude = 5 }
