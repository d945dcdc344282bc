-- name: quality/timeline
-- description: Quality score per local day (or other bucket) over a period, with the number of
-- description: reviews and the share under 3, for one agent or all.
-- param: since TIMESTAMP            -- first instant counted
-- param: until TIMESTAMP            -- end of the period, exclusive
-- param: bucket INTERVAL = '1 day'  -- bucket width ('1 day', '7 days', '1 hour')
-- param: zone VARCHAR = 'UTC'       -- the tenant's time zone: buckets follow its wall clock
-- param: agent_id INTEGER = NULL    -- one agent, or every agent
-- kpi: KPIS.md Quality and satisfaction/Quality score
--
-- Buckets without reviews are left out (a quality score needs reviews).
SELECT time_bucket($bucket, reviewed_at, $zone) AS bucket,
       count(*) AS reviews,
       round(avg((professionalism + empathy + resolution + clarity + responsiveness) / 5.0), 3) AS quality,
       round(count(*) FILTER (WHERE (professionalism + empathy + resolution + clarity + responsiveness) / 5.0 < 3) * 100.0 / count(*), 2) AS below_3_pct
FROM call_quality_scores
WHERE reviewed_at >= $since AND reviewed_at < $until AND ($agent_id IS NULL OR agent_id = $agent_id)
GROUP BY 1
ORDER BY 1;
