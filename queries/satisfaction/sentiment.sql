-- name: satisfaction/sentiment
-- description: Mean sentiment and the share of negative surveys per local day (or other bucket)
-- description: over a period, with the share that would recommend.
-- param: since TIMESTAMP            -- first instant counted
-- param: until TIMESTAMP            -- end of the period, exclusive
-- param: bucket INTERVAL = '1 day'  -- bucket width ('1 day', '7 days', '1 hour')
-- param: zone VARCHAR = 'UTC'       -- the tenant's time zone: buckets follow its wall clock
-- param: sector VARCHAR = NULL      -- one sector (of the surveyed agent), or every sector
-- kpi: KPIS.md Quality and satisfaction/Sentiment
--
-- Negative means sentiment < −0.25. Buckets without surveys are left out.
SELECT time_bucket($bucket, s.surveyed_at, $zone) AS bucket,
       count(*) AS surveys,
       round(avg(s.sentiment), 4) AS sentiment,
       round(count(s.sentiment) FILTER (WHERE s.sentiment < -0.25) * 100.0 / count(s.sentiment), 2) AS negative_pct,
       round(count(s.would_recommend) FILTER (WHERE s.would_recommend) * 100.0 / count(s.would_recommend), 2) AS would_recommend_pct
FROM customer_satisfaction s
WHERE s.surveyed_at >= $since AND s.surveyed_at < $until
  AND ($sector IS NULL OR s.agent_id IN (SELECT agent_id FROM agents WHERE sector = $sector))
GROUP BY 1
ORDER BY 1;
