-- name: live/summary
-- description: The live wallboard in one row: agents per current status, calls waiting and the
-- description: oldest wait, and today's offered, answered and abandoned calls.
-- param: at TIMESTAMP = NULL        -- the instant to look at (default: now)
-- param: zone VARCHAR = 'UTC'       -- the tenant's time zone: "today" starts at its local midnight
-- kpi: KPIS.md Agents/Live: agents by status
-- kpi: KPIS.md Agents/Live: queue
-- kpi: KPIS.md Handling/Abandonment rate
--
-- Same rules as live/agents_by_status and live/queue; the abandonment rate is today's abandoned
-- over today's calls that left the queue (answered + abandoned).
WITH p AS (SELECT coalesce($at, now()) AS at_, date_trunc('day', coalesce($at, now()), $zone) AS day_start),
latest AS (
    SELECT e.agent_id, arg_max(e.status, e.at) AS status
    FROM agent_status_events e, p WHERE e.at <= p.at_
    GROUP BY e.agent_id
),
agents_now AS (
    SELECT count(*) FILTER (WHERE status = 'available') AS available,
           count(*) FILTER (WHERE status = 'busy') AS busy,
           count(*) FILTER (WHERE status = 'wrap') AS wrap,
           count(*) FILTER (WHERE status = 'break') AS on_break,
           count(*) FILTER (WHERE status = 'offline') AS offline
    FROM latest
),
calls AS (
    SELECT q.call_id,
           min(q.at) FILTER (WHERE q.event = 'enqueued') AS enqueued_at,
           min(q.at) FILTER (WHERE q.event IN ('answered', 'abandoned')) AS left_at,
           bool_or(q.event = 'abandoned') AS abandoned
    FROM queue_events q, p
    WHERE q.at <= p.at_ AND q.at >= least(p.day_start, p.at_ - INTERVAL '1 day')
    GROUP BY q.call_id
),
queue_now AS (
    SELECT count(*) FILTER (WHERE c.left_at IS NULL) AS waiting,
           round(max(epoch(p.at_) - epoch(c.enqueued_at)) FILTER (WHERE c.left_at IS NULL)) AS oldest_wait_s,
           count(*) FILTER (WHERE c.enqueued_at >= p.day_start) AS offered_today,
           count(*) FILTER (WHERE c.left_at >= p.day_start AND NOT c.abandoned) AS answered_today,
           count(*) FILTER (WHERE c.left_at >= p.day_start AND c.abandoned) AS abandoned_today
    FROM calls c, p
    WHERE c.enqueued_at IS NOT NULL
)
SELECT g.available, g.busy, g.wrap, g.on_break, g.offline,
       q.waiting, q.oldest_wait_s, q.offered_today, q.answered_today, q.abandoned_today,
       round(q.abandoned_today * 100.0 / (q.answered_today + q.abandoned_today), 2) AS abandonment_today_pct
FROM agents_now g, queue_now q;
