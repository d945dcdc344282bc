-- name: revenue/summary
-- description: Money over a period: cost, revenue, margin, ROI, and cost and revenue per handled
-- description: call, per sector and overall.
-- param: since TIMESTAMP = NULL    -- first day counted (default: 30 days before until)
-- param: until TIMESTAMP = NULL    -- end of the period, exclusive (default: now)
-- kpi: KPIS.md Money/Cost per call
-- kpi: KPIS.md Money/Revenue per call
-- kpi: KPIS.md Money/Margin
-- kpi: KPIS.md Money/ROI
--
-- Cost and revenue are the cost_analysis rows (all components) whose period_start falls in the
-- period; handled calls are answered agent_metrics calls started in the period. The row with
-- sector NULL is overall.
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '30 days') AS since_at
),
money AS (
    SELECT c.sector, sum(c.cost) AS cost, sum(c.revenue) AS revenue
    FROM cost_analysis c, p
    WHERE c.period_start >= p.since_at AND c.period_start < p.until_at
    GROUP BY c.sector
),
calls AS (
    SELECT m.sector, count(*) AS handled
    FROM agent_metrics m, p
    WHERE m.started_at >= p.since_at AND m.started_at < p.until_at AND m.outcome <> 'abandoned'
    GROUP BY m.sector
),
per_sector AS (
    SELECT m.sector, m.cost, m.revenue, coalesce(c.handled, 0) AS handled
    FROM money m LEFT JOIN calls c ON c.sector = m.sector
    UNION ALL
    SELECT NULL, (SELECT sum(cost) FROM money), (SELECT sum(revenue) FROM money), (SELECT coalesce(sum(handled), 0) FROM calls)
)
SELECT sector, handled,
       round(cost, 2) AS cost, round(revenue, 2) AS revenue,
       round(revenue - cost, 2) AS profit,
       round((revenue - cost) * 100.0 / revenue, 2) AS margin_pct,
       round((revenue - cost) * 100.0 / cost, 2) AS roi_pct,
       round(cost / handled, 4) AS cost_per_call,
       round(revenue / handled, 4) AS revenue_per_call
FROM per_sector
ORDER BY sector NULLS LAST;
