-- name: quality/by_sector
-- description: Share of resolved calls and mean quality per sector over a recent window.
-- param: window INTERVAL = '3650 days'  -- how far back from now
SELECT sector,
       count(*) AS calls,
       count(*) FILTER (WHERE outcome = 'resolved') * 100.0 / count(*) AS resolved_pct,
       avg(quality_score) AS quality
FROM agent_metrics
WHERE started_at >= now() - $window
GROUP BY sector
ORDER BY sector;
