import TallyStorage

extension TenantRun {
    /// `queue_events` of one call: enqueued at its start, then answered or abandoned after its wait,
    /// and transferred part-way through the conversation when its outcome is a transfer.
    mutating func writeQueueEvents(_ c: CallRecord) {
        addQueueEvent(c, at: c.started, .enqueued)
        if c.agent < 0 {
            addQueueEvent(c, at: c.started + c.wait, .abandoned)
        } else {
            addQueueEvent(c, at: c.answered, .answered)
            if c.outcome == Outcome.transferred.rawValue {
                let at = c.answered + Int64(Double(c.talk) * rngQueue.uniform(0.5, 0.95))
                addQueueEvent(c, at: at, .transferred)
            }
        }
    }

    @inline(__always) private mutating func addQueueEvent(_ c: CallRecord, at second: Int64, _ event: QueueEvent) {
        pendingQueueEvents.beginRow()
        pendingQueueEvents.rows.set(QueueEventCol.callID, int: c.id)
        pendingQueueEvents.rows.set(QueueEventCol.queue, code: c.queue)
        pendingQueueEvents.rows.set(QueueEventCol.at, int: micros(second))
        pendingQueueEvents.rows.set(QueueEventCol.event, code: Int(event.rawValue))
        pendingQueueEvents.endRow()
    }
}
