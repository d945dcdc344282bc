import TallyStorage

extension TenantRun {
    /// Summarizes hour `h` of every agent on shift into `agent_status_events`, and counts paid hours.
    ///
    /// Not one event per call: per agent and hour, the busy (talk + hold) and wrap seconds of the calls
    /// it handled are laid out as one busy → wrap → available run at a random point of the hour, so
    /// that occupancy and utilization computed from the events equal those of the simulated calls.
    /// Shifts open with 'available' and close with 'offline' (after the last call if it runs over);
    /// the middle hour of a long shift is a 'break'. AI voice agents are 'available' throughout.
    mutating func finishHour(_ h: Int) {
        let slot = h & 7
        let h0 = Int64(h) * 3600
        let emitEvents = status.enabled
        for d in desks.indices {
            let shifts = desks[d].shifts
            for s in shifts {
                let a = Int(s.agent)
                if Int(s.breakHour) == h {
                    if emitEvents { addStatus(a, at: h0 + 1 + Int64(rngStatus.below(60)), .onBreak) }
                    continue
                }
                dayTotals[d].laborHours += 1
                guard emitEvents else { continue }
                var lead: Int64 = 0
                if Int(s.start) == h || Int(s.breakHour) + 1 == h {
                    let j = 1 + Int64(rngStatus.below(90))
                    addStatus(a, at: h0 + j, .available)
                    lead = j + 1
                }
                var busy = Int64(busySeconds[a &* 8 &+ slot])
                var wrap = Int64(wrapSeconds[a &* 8 &+ slot])
                let room = 3600 - lead - 2
                if busy + wrap > room {
                    let f = Double(room) / Double(busy + wrap)
                    busy = Int64(Double(busy) * f)
                    wrap = min(Int64(Double(wrap) * f), room - busy)
                }
                if busy + wrap > 0 {
                    let x = lead + Int64(rngStatus.below(Int(room - busy - wrap) + 1))
                    if busy > 0 { addStatus(a, at: h0 + x, .busy) }
                    if wrap > 0 { addStatus(a, at: h0 + x + busy, .wrap) }
                    addStatus(a, at: h0 + x + busy + wrap, .available)
                }
                if Int(s.end) == h + 1 {
                    addStatus(a, at: max(h0 + 3600, freeAt[a]), .offline)
                }
            }
        }
        for a in agents.indices {
            busySeconds[a &* 8 &+ slot] = 0
            wrapSeconds[a &* 8 &+ slot] = 0
        }
    }

    /// AI voice agents log in once, at the start of the period.
    mutating func writeAIStatus() {
        guard status.enabled else { return }
        for a in agents.indices where agents[a].isAI { addStatus(a, at: 0, .available) }
    }

    @inline(__always) private mutating func addStatus(_ a: Int, at second: Int64, _ s: AgentStatus) {
        pendingStatus.beginRow()
        pendingStatus.rows.set(StatusCol.agentID, int: Int64(agents[a].id))
        pendingStatus.rows.set(StatusCol.at, int: micros(second))
        pendingStatus.rows.set(StatusCol.status, code: Int(s.rawValue))
        pendingStatus.endRow()
    }
}
