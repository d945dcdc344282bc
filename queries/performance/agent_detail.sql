-- name: performance/agent_detail
-- description: One agent's daily trend over a period: calls handled, AHT, FCR, transfer rate and
-- description: quality per local day, every day of the period listed (0 calls when none).
-- param: agent_id INTEGER          -- the agent
-- param: since TIMESTAMP           -- first day (a local midnight in the zone)
-- param: until TIMESTAMP           -- end, exclusive (a local midnight in the zone)
-- param: zone VARCHAR = 'UTC'      -- the tenant's time zone: days are its local days
-- kpi: KPIS.md Handling/AHT
-- kpi: KPIS.md Handling/FCR
-- kpi: KPIS.md Handling/Transfer rate, escalation rate
-- kpi: KPIS.md Quality and satisfaction/Quality score
--
-- A handled call counts on the day its wrap ends (Genesys). Quality is the mean of the five
-- review dimensions of reviews made that day. The agent's name, sector and kind are on every row.
WITH handled AS (
    SELECT date_trunc('day', to_timestamp(epoch(ended_at) + coalesce(wrap_s, 0)), $zone) AS day,
           count(*) AS calls,
           sum(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrap_s, 0)) AS handle_s,
           count(*) FILTER (WHERE first_contact_resolved) AS fcr_calls,
           count(*) FILTER (WHERE transferred) AS transferred_calls
    FROM agent_metrics
    WHERE agent_id = $agent_id AND outcome <> 'abandoned'
      AND started_at >= $since - INTERVAL '1 day' AND started_at < $until
      AND to_timestamp(epoch(ended_at) + coalesce(wrap_s, 0)) >= $since
      AND to_timestamp(epoch(ended_at) + coalesce(wrap_s, 0)) < $until
    GROUP BY 1
),
reviews AS (
    SELECT date_trunc('day', reviewed_at, $zone) AS day,
           avg((professionalism + empathy + resolution + clarity + responsiveness) / 5.0) AS quality,
           count(*) AS reviews
    FROM call_quality_scores
    WHERE agent_id = $agent_id AND reviewed_at >= $since AND reviewed_at < $until
    GROUP BY 1
),
days AS (
    -- Every local day of the period: the UTC hours of the period mapped to their local day.
    SELECT DISTINCT date_trunc('day', h, $zone) AS day
    FROM (SELECT time_bucket_gapfill(INTERVAL '1 hour', started_at, $since, $until) AS h
          FROM agent_metrics WHERE started_at >= $since AND started_at < $until
          GROUP BY 1) hours
)
SELECT d.day, a.name, a.sector, a.kind,
       coalesce(h.calls, 0) AS calls,
       round(h.handle_s / h.calls, 1) AS aht_s,
       round(h.fcr_calls * 100.0 / h.calls, 2) AS fcr_pct,
       round(h.transferred_calls * 100.0 / h.calls, 2) AS transfer_pct,
       coalesce(r.reviews, 0) AS reviews,
       round(r.quality, 3) AS quality
FROM days d
CROSS JOIN (SELECT name, sector, kind FROM agents WHERE agent_id = $agent_id) a
LEFT JOIN handled h ON h.day = d.day
LEFT JOIN reviews r ON r.day = d.day
ORDER BY d.day;
