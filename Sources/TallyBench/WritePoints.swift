/// Synthetic agent_metrics points in InfluxDB line protocol, for the durable-ingest benchmark.
public enum WritePoints {
    private static let sectors = ["retail", "banking", "telecom", "healthcare", "travel"]
    private static let outcomes = ["resolved", "resolved", "resolved", "escalated", "transferred", "abandoned", "callback"]

    /// One `WRITE n` request of `count` points; call ids start at `firstCall`, times at `startNs`
    /// (nanoseconds since 1970) one second apart. Deterministic, so runs are comparable.
    public static func block(count: Int, firstCall: Int, startNs: Int64) -> LoadRequest {
        precondition(count > 0)
        var text = "WRITE \(count)"
        text.reserveCapacity(count * 330)
        for k in 0..<count {
            let call = firstCall + k
            let talk = 60 + call % 540, hold = call % 7 * 10, wrap = 15 + call % 45
            let outcome = outcomes[call % outcomes.count]
            text += "\nagent_metrics,sector=\(sectors[call % sectors.count]),outcome=\(outcome),queue=q\(call % 12),channel=voice "
            text += "call_id=\(call)i,agent_id=\(call % 400)i,queue_wait_s=\(call % 90)i,talk_s=\(talk)i,hold_s=\(hold)i,wrap_s=\(wrap)i,"
            text += "handle_s=\(talk + hold + wrap)i,first_contact_resolved=\(call % 3 == 0 ? "f" : "t"),transferred=\(outcome == "transferred" ? "t" : "f"),"
            text += "quality_score=\(Double(20 + call % 31) / 10),revenue=\(Double(call % 5000) / 100),cost=\(Double(call % 900) / 100) "
            text += String(startNs + Int64(k) * 1_000_000_000)
        }
        return LoadRequest(line: text, rows: count)
    }
}
