-- name: live/agent_status
-- description: One agent now: current status and since when, and its day so far (calls, AHT,
-- description: seconds available, busy, wrap, on break).
-- param: agent_id INTEGER           -- the agent
-- param: at TIMESTAMP = NULL        -- the instant to look at (default: now)
-- param: zone VARCHAR = 'UTC'       -- the tenant's time zone: "today" starts at its local midnight
-- kpi: KPIS.md Agents/Live: agents by status
-- kpi: KPIS.md Handling/AHT
--
-- Today's time per status follows KPIS.md Agents: each event's status lasts until the agent's
-- next event, clipped to [local midnight, at). Today's calls are the ones whose wrap ended today.
WITH p AS (SELECT coalesce($at, now()) AS at_, date_trunc('day', coalesce($at, now()), $zone) AS day_start),
events AS (
    SELECT e.at, e.status, 1 AS src FROM agent_status_events e, p
    WHERE e.agent_id = $agent_id AND e.at >= p.day_start AND e.at <= p.at_
    UNION ALL
    SELECT p.day_start AS at, arg_max(e.status, e.at) AS status, 0 AS src
    FROM agent_status_events e, p
    WHERE e.agent_id = $agent_id AND e.at < p.day_start
    GROUP BY p.day_start
),
next_events AS (SELECT status, at, lead(at) OVER (ORDER BY at, src) AS next_at FROM events),
today AS (
    SELECT sum(epoch(coalesce(n.next_at, p.at_)) - epoch(n.at)) FILTER (WHERE n.status = 'available') AS available_s,
           sum(epoch(coalesce(n.next_at, p.at_)) - epoch(n.at)) FILTER (WHERE n.status = 'busy') AS busy_s,
           sum(epoch(coalesce(n.next_at, p.at_)) - epoch(n.at)) FILTER (WHERE n.status = 'wrap') AS wrap_s,
           sum(epoch(coalesce(n.next_at, p.at_)) - epoch(n.at)) FILTER (WHERE n.status = 'break') AS break_s
    FROM next_events n, p
),
latest AS (
    SELECT arg_max(e.status, e.at) AS status, max(e.at) AS since
    FROM agent_status_events e, p WHERE e.agent_id = $agent_id AND e.at <= p.at_
),
calls AS (
    SELECT count(*) AS calls, sum(coalesce(m.talk_s, 0) + coalesce(m.hold_s, 0) + coalesce(m.wrap_s, 0)) / count(*) AS aht_s
    FROM agent_metrics m, p
    WHERE m.agent_id = $agent_id AND m.started_at >= p.day_start - INTERVAL '1 day' AND m.started_at <= p.at_
      AND m.outcome <> 'abandoned'
      AND to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) >= p.day_start
      AND to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) <= p.at_
)
SELECT a.agent_id, a.name, a.sector, a.kind, l.status, l.since,
       round(epoch(p.at_) - epoch(l.since)) AS seconds_in_status,
       c.calls AS calls_today, round(c.aht_s, 1) AS aht_today_s,
       coalesce(t.available_s, 0) AS available_s, coalesce(t.busy_s, 0) AS busy_s,
       coalesce(t.wrap_s, 0) AS wrap_s, coalesce(t.break_s, 0) AS break_s
FROM agents a, latest l, calls c, today t, p
WHERE a.agent_id = $agent_id;
