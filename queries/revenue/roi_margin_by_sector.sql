-- name: revenue/roi_margin_by_sector
-- description: Margin and ROI per sector and UTC day (or week) over a period, from cost_analysis.
-- param: since TIMESTAMP            -- first day counted
-- param: until TIMESTAMP            -- end of the period, exclusive
-- param: bucket INTERVAL = '7 days' -- '1 day' or '7 days' (weeks start on Monday)
-- kpi: KPIS.md Money/Margin
-- kpi: KPIS.md Money/ROI
--
-- cost_analysis has one row per UTC day, sector and component, so buckets are UTC days/weeks.
SELECT time_bucket($bucket, period_start) AS bucket, sector,
       round(sum(cost), 2) AS cost, round(sum(revenue), 2) AS revenue,
       round((sum(revenue) - sum(cost)) * 100.0 / sum(revenue), 2) AS margin_pct,
       round((sum(revenue) - sum(cost)) * 100.0 / sum(cost), 2) AS roi_pct
FROM cost_analysis
WHERE period_start >= $since AND period_start < $until
GROUP BY 1, 2
ORDER BY 1, 2;
