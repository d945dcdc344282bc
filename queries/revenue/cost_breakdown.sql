-- name: revenue/cost_breakdown
-- description: Cost by component (labor, telephony, ai_inference, licensing, other) over a period,
-- description: per sector, with each component's share of the sector's cost and its cost per call.
-- param: since TIMESTAMP = NULL    -- first day counted (default: 30 days before until)
-- param: until TIMESTAMP = NULL    -- end of the period, exclusive (default: now)
-- param: sector VARCHAR = NULL     -- one sector, or every sector
-- kpi: KPIS.md Money/Cost per call
--
-- From cost_analysis rows whose period_start falls in the period; calls are the answered
-- agent_metrics calls of the sector started in the period.
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '30 days') AS since_at
),
parts AS (
    SELECT c.sector, c.component, sum(c.cost) AS cost
    FROM cost_analysis c, p
    WHERE c.period_start >= p.since_at AND c.period_start < p.until_at AND ($sector IS NULL OR c.sector = $sector)
    GROUP BY c.sector, c.component
),
totals AS (SELECT sector, sum(cost) AS cost FROM parts GROUP BY sector),
calls AS (
    SELECT m.sector, count(*) AS handled
    FROM agent_metrics m, p
    WHERE m.started_at >= p.since_at AND m.started_at < p.until_at AND m.outcome <> 'abandoned'
    GROUP BY m.sector
)
SELECT x.sector, x.component, round(x.cost, 2) AS cost,
       round(x.cost * 100.0 / t.cost, 2) AS share_pct,
       round(x.cost / c.handled, 4) AS cost_per_call
FROM parts x
JOIN totals t ON t.sector = x.sector
LEFT JOIN calls c ON c.sector = x.sector
ORDER BY x.sector, x.cost DESC, x.component;
