-- name: performance/agents
-- description: Per agent over a period: calls handled, AHT, FCR, transfer rate, quality score and
-- description: occupancy, best quality first.
-- param: since TIMESTAMP = NULL   -- first instant counted (default: 30 days before until)
-- param: until TIMESTAMP = NULL   -- end of the period, exclusive (default: now)
-- param: sector VARCHAR = NULL    -- one sector, or every sector
-- param: min_calls INTEGER = 1    -- leave out agents with fewer handled calls
-- kpi: KPIS.md Handling/AHT
-- kpi: KPIS.md Handling/FCR
-- kpi: KPIS.md Handling/Transfer rate, escalation rate
-- kpi: KPIS.md Quality and satisfaction/Quality score
-- kpi: KPIS.md Agents/Occupancy
--
-- A handled call counts in the period its wrap ends (Genesys; wrap ends at ended_at + wrap_s).
-- Quality: mean of the five review dimensions of the agent's reviews made in the period.
-- Occupancy: (busy + wrap) / (available + busy + wrap) time from agent_status_events, each
-- status lasting until the agent's next event, clipped to the period; the status an agent is in
-- at `since` is its last event before it.
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '30 days') AS since_at
),
handled AS (
    SELECT m.agent_id,
           count(*) AS calls,
           sum(coalesce(m.talk_s, 0) + coalesce(m.hold_s, 0) + coalesce(m.wrap_s, 0)) AS handle_s,
           count(*) FILTER (WHERE m.first_contact_resolved) AS fcr_calls,
           count(*) FILTER (WHERE m.transferred) AS transferred_calls
    FROM agent_metrics m, p
    WHERE m.started_at >= p.since_at - INTERVAL '1 day' AND m.started_at < p.until_at
      AND m.outcome <> 'abandoned' AND m.agent_id IS NOT NULL
      AND to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) >= p.since_at
      AND to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) < p.until_at
    GROUP BY m.agent_id
),
reviews AS (
    SELECT q.agent_id, avg((q.professionalism + q.empathy + q.resolution + q.clarity + q.responsiveness) / 5.0) AS quality
    FROM call_quality_scores q, p
    WHERE q.reviewed_at >= p.since_at AND q.reviewed_at < p.until_at
    GROUP BY q.agent_id
),
events AS (
    SELECT e.agent_id, e.at, e.status, 1 AS src FROM agent_status_events e, p WHERE e.at >= p.since_at AND e.at < p.until_at
    UNION ALL
    SELECT e.agent_id, p.since_at AS at, arg_max(e.status, e.at) AS status, 0 AS src
    FROM agent_status_events e, p WHERE e.at < p.since_at
    GROUP BY e.agent_id, p.since_at
),
next_events AS (
    SELECT agent_id, status, at, lead(at) OVER (PARTITION BY agent_id ORDER BY at, src) AS next_at FROM events
),
intervals AS (
    SELECT n.agent_id, n.status, epoch(coalesce(n.next_at, p.until_at)) - epoch(n.at) AS seconds
    FROM next_events n, p
),
occupancy AS (
    SELECT agent_id,
           sum(seconds) FILTER (WHERE status IN ('busy', 'wrap'))
             / sum(seconds) FILTER (WHERE status IN ('available', 'busy', 'wrap')) AS occupancy
    FROM intervals
    GROUP BY agent_id
)
SELECT a.agent_id, a.name, a.sector, a.kind,
       h.calls,
       round(h.handle_s / h.calls, 1) AS aht_s,
       round(h.fcr_calls * 100.0 / h.calls, 2) AS fcr_pct,
       round(h.transferred_calls * 100.0 / h.calls, 2) AS transfer_pct,
       round(r.quality, 3) AS quality,
       round(o.occupancy * 100.0, 2) AS occupancy_pct
FROM handled h
JOIN agents a ON a.agent_id = h.agent_id
LEFT JOIN reviews r ON r.agent_id = h.agent_id
LEFT JOIN occupancy o ON o.agent_id = h.agent_id
WHERE ($sector IS NULL OR a.sector = $sector) AND h.calls >= $min_calls
ORDER BY quality DESC NULLS LAST, a.agent_id;
