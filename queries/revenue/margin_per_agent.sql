-- name: revenue/margin_per_agent
-- description: Per agent over a period: handled calls, revenue, cost, margin (revenue − cost) and
-- description: margin %, from the per-call revenue and cost, best margin first.
-- param: since TIMESTAMP = NULL    -- first instant counted (default: 30 days before until)
-- param: until TIMESTAMP = NULL    -- end of the period, exclusive (default: now)
-- param: sector VARCHAR = NULL     -- one sector, or every sector
-- kpi: KPIS.md Money/Margin per agent
-- kpi: KPIS.md Money/Margin
--
-- Calls count in the period they started in; only answered calls (an agent handled them).
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '30 days') AS since_at
),
per_agent AS (
    SELECT m.agent_id, count(*) AS calls, sum(m.revenue) AS revenue, sum(m.cost) AS cost
    FROM agent_metrics m, p
    WHERE m.started_at >= p.since_at AND m.started_at < p.until_at
      AND m.outcome <> 'abandoned' AND m.agent_id IS NOT NULL
    GROUP BY m.agent_id
)
SELECT x.agent_id, a.name, a.sector, a.kind, x.calls,
       round(x.revenue, 2) AS revenue, round(x.cost, 2) AS cost,
       round(x.revenue - x.cost, 2) AS margin,
       round((x.revenue - x.cost) * 100.0 / x.revenue, 2) AS margin_pct
FROM per_agent x JOIN agents a ON a.agent_id = x.agent_id
WHERE $sector IS NULL OR a.sector = $sector
ORDER BY margin DESC, x.agent_id;
