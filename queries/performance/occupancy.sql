-- name: performance/occupancy
-- description: Per agent over a period: seconds logged in, available, busy, wrap and on break, with
-- description: occupancy, utilization and availability as KPIS.md defines them.
-- param: since TIMESTAMP = NULL   -- first instant counted (default: 1 day before until)
-- param: until TIMESTAMP = NULL   -- end of the period, exclusive (default: now)
-- param: sector VARCHAR = NULL    -- one sector, or every sector
-- kpi: KPIS.md Agents/Occupancy
-- kpi: KPIS.md Agents/Utilization
-- kpi: KPIS.md Agents/Availability
--
-- Each agent_status_events row's status lasts until the agent's next event (or the end of the
-- period), clipped to the period; the status at `since` is the agent's last event before it.
-- Logged-in time is every status but offline (break included).
-- Occupancy = (busy + wrap) / (available + busy + wrap); utilization = (busy + wrap) / logged-in;
-- availability = available / logged-in. Agents never logged in during the period are left out.
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '1 day') AS since_at
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
per_agent AS (
    SELECT agent_id,
           coalesce(sum(seconds) FILTER (WHERE status <> 'offline'), 0) AS logged_in_s,
           coalesce(sum(seconds) FILTER (WHERE status = 'available'), 0) AS available_s,
           coalesce(sum(seconds) FILTER (WHERE status = 'busy'), 0) AS busy_s,
           coalesce(sum(seconds) FILTER (WHERE status = 'wrap'), 0) AS wrap_s,
           coalesce(sum(seconds) FILTER (WHERE status = 'break'), 0) AS break_s
    FROM intervals
    GROUP BY agent_id
)
SELECT a.agent_id, a.name, a.sector, a.kind,
       round(x.logged_in_s) AS logged_in_s, round(x.available_s) AS available_s, round(x.busy_s) AS busy_s,
       round(x.wrap_s) AS wrap_s, round(x.break_s) AS break_s,
       round((x.busy_s + x.wrap_s) * 100.0 / (x.available_s + x.busy_s + x.wrap_s), 2) AS occupancy_pct,
       round((x.busy_s + x.wrap_s) * 100.0 / x.logged_in_s, 2) AS utilization_pct,
       round(x.available_s * 100.0 / x.logged_in_s, 2) AS availability_pct
FROM per_agent x JOIN agents a ON a.agent_id = x.agent_id
WHERE x.logged_in_s > 0 AND ($sector IS NULL OR a.sector = $sector)
ORDER BY a.agent_id;
