-- name: performance/trends
-- description: Calls, AHT, ASA, abandonment, service level and FCR per hour, day or week of the
-- description: tenant's local time over a period, with buckets without calls filled in.
-- param: since TIMESTAMP            -- first instant counted
-- param: until TIMESTAMP            -- end of the period, exclusive
-- param: bucket INTERVAL = '1 day'  -- bucket width: '1 hour', '1 day' or '7 days' (weeks start on Monday)
-- param: zone VARCHAR = 'UTC'       -- the tenant's time zone (IANA name): buckets follow its wall clock
-- param: sector VARCHAR = NULL      -- one sector, or every sector
-- param: sl_threshold_s INTEGER = 20 -- service level threshold T in seconds
-- kpi: KPIS.md Handling/AHT
-- kpi: KPIS.md Handling/ASA
-- kpi: KPIS.md Handling/Abandonment rate
-- kpi: KPIS.md Handling/Service level X/T (variant 1)
-- kpi: KPIS.md Handling/FCR
--
-- A call counts in the bucket it started in (AHT and FCR included: over short buckets the
-- Genesys wrap-end convention would move calls between buckets, not change the trend). Buckets
-- are local (daylight saving correct) and reported as the UTC instant they start. Every local
-- bucket overlapping the period appears, with 0 calls and NULL KPIs when it has none: the
-- calendar is every UTC hour of the period (time_bucket_gapfill) mapped to its local bucket.
WITH calendar AS (
    SELECT DISTINCT time_bucket($bucket, h, $zone) AS bucket
    FROM (SELECT time_bucket_gapfill(INTERVAL '1 hour', started_at, $since, $until) AS h
          FROM agent_metrics WHERE started_at >= $since AND started_at < $until
          GROUP BY 1) hours
),
per_bucket AS (
    SELECT time_bucket($bucket, started_at, $zone) AS bucket,
           count(*) AS calls,
           count(*) FILTER (WHERE outcome <> 'abandoned') AS answered,
           count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,
           sum(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrap_s, 0)) FILTER (WHERE outcome <> 'abandoned') AS handle_s,
           sum(queue_wait_s) FILTER (WHERE outcome <> 'abandoned') AS wait_s,
           service_level(queue_wait_s, outcome <> 'abandoned', $sl_threshold_s) AS service_level,
           count(*) FILTER (WHERE outcome <> 'abandoned' AND first_contact_resolved) AS fcr_calls
    FROM agent_metrics
    WHERE started_at >= $since AND started_at < $until AND ($sector IS NULL OR sector = $sector)
    GROUP BY 1
)
SELECT c.bucket,
       coalesce(b.calls, 0) AS calls,
       round(b.handle_s / b.answered, 1) AS aht_s,
       round(b.wait_s / b.answered, 1) AS asa_s,
       round(b.abandoned * 100.0 / b.calls, 2) AS abandonment_pct,
       round(b.service_level, 2) AS service_level_pct,
       round(b.fcr_calls * 100.0 / b.answered, 2) AS fcr_pct
FROM calendar c LEFT JOIN per_bucket b ON b.bucket = c.bucket
ORDER BY c.bucket;
