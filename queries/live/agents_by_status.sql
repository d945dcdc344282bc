-- name: live/agents_by_status
-- description: Every agent's current status (its latest status event) and how long it has been in it.
-- param: at TIMESTAMP = NULL       -- the instant to look at (default: now)
-- param: sector VARCHAR = NULL     -- one sector, or every sector
-- param: status VARCHAR = NULL     -- one status (available, busy, wrap, break, offline), or all
-- kpi: KPIS.md Agents/Live: agents by status
--
-- The status of an agent is that of its latest event at or before `at` (arg_max of status by
-- time); agents with no event yet are left out. seconds_in_status runs from that event to `at`.
WITH p AS (SELECT coalesce($at, now()) AS at_),
latest AS (
    SELECT e.agent_id, arg_max(e.status, e.at) AS status, max(e.at) AS since
    FROM agent_status_events e, p
    WHERE e.at <= p.at_
    GROUP BY e.agent_id
)
SELECT l.status, a.agent_id, a.name, a.sector, a.kind, l.since,
       round(epoch(p.at_) - epoch(l.since)) AS seconds_in_status
FROM latest l JOIN agents a ON a.agent_id = l.agent_id, p
WHERE ($sector IS NULL OR a.sector = $sector) AND ($status IS NULL OR l.status = $status)
ORDER BY l.status, seconds_in_status DESC, a.agent_id;
