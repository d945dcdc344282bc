-- name: predictions/recommendations
-- description: What to act on for one local day: agents to staff per run of hours (Erlang C on a
-- description: seasonal-naive forecast), agents whose quality fell, agents whose daily AHT was anomalous.
-- param: day TIMESTAMP                -- the local date (YYYY-MM-DD) to staff; agents are judged on the days before it
-- param: zone VARCHAR = 'UTC'         -- the tenant's time zone
-- param: sector VARCHAR = NULL        -- one sector, or every sector
-- param: target_sl DOUBLE = 80        -- service-level target in % ...
-- param: target_t INTEGER = 20        -- ... of calls answered within this many seconds
-- param: shrinkage DOUBLE = 30        -- % of paid time agents are not on the phones
-- param: max_occupancy DOUBLE = 90    -- most occupancy (%) a staffing level may imply
-- param: recent_days INTEGER = 7      -- quality and AHT: the local days before `day` that are judged ...
-- param: baseline_days INTEGER = 28   -- ... against the local days before those
-- param: quality_drop DOUBLE = 5      -- flag a fall of mean quality by at least this % of the baseline
-- param: min_reviews INTEGER = 5      -- reviews an agent needs in each of the two periods
-- param: min_calls INTEGER = 5        -- handled calls an agent-day needs to count in the AHT series
-- param: aht_threshold DOUBLE = 3.5   -- flag a day's AHT when its robust z-score exceeds this
-- kpi: KPIS.md Forecasting and staffing/Seasonal naive
-- kpi: KPIS.md Forecasting and staffing/Erlang C
-- kpi: KPIS.md Quality and satisfaction/Quality score
-- kpi: KPIS.md Handling/AHT
-- kpi: KPIS.md Anomaly detection/Robust z-score
--
-- One row per recommendation; `kind` says which rule made it. start_at/end_at are wall-clock times
-- in `zone` (the sentence reads them the same way).
-- staffing: calls per UTC hour over the 14 days before local midnight of `day` (hours without
--   calls are 0), forecast by seasonal naive with a weekly season (each hour expects the calls of
--   the same hour one week earlier); AHT is last week's (handled calls started in the 7 days
--   before, rounded to 0.1 s); staffing_plan applies Erlang C per hour with the target, occupancy
--   cap and shrinkage, and merges consecutive hours needing the same agents. Hours are the UTC hours
--   starting in the local day (its local hours in zones with whole-hour offsets); on a fall-back
--   day both 1 a.m. hours share one row staffed for the busier. Hours needing no agent, and days
--   whose week before had no handled call (no AHT), have no staffing rows. With `sector`, staffing and AHT use that sector's calls, quality its agents' reviews.
-- quality: mean quality score (the five dimensions, KPIS.md) of the reviews made in the
--   `recent_days` local days before `day` against the `baseline_days` local days before those.
-- aht: per agent, AHT of each local day (handled calls counted on the day their wrap ends, Genesys;
--   days with fewer than `min_calls` left out) over both periods; a recent day is flagged when it
--   is above the median of the agent's other days with robust z-score (log of AHT, series-wide
--   MAD, anomalies(season => 1)) above `aht_threshold`.
WITH local_midnight AS (
    -- As in reports/daily: the instant whose wall clock in the zone reads $day 00:00.
    SELECT to_timestamp(epoch($day) - (epoch(to_timestamp(2 * epoch($day) - epoch($day AT TIME ZONE $zone)) AT TIME ZONE $zone)
                                       - epoch(to_timestamp(2 * epoch($day) - epoch($day AT TIME ZONE $zone))))) AS at_
),
p AS (
    -- Local midnights n days before `day`: truncate an instant at noon of that day (DST-safe).
    SELECT m.at_ AS day_at, date_trunc('day', m.at_ + INTERVAL '36 hours', $zone) AS next_at,
           date_trunc('day', to_timestamp(epoch(m.at_) + 43200 - 86400 * $recent_days), $zone) AS recent_at,
           date_trunc('day', to_timestamp(epoch(m.at_) + 43200 - 86400 * ($recent_days + $baseline_days)), $zone) AS baseline_at
    FROM local_midnight m
),
staffing AS (
    SELECT * FROM (
    SELECT 'staffing' AS kind, CAST(NULL AS BIGINT) AS agent_id, s.start_at, s.end_at,
           replace(s.recommendation, ' UTC: ', ' ' || $zone || ': ') AS recommendation,
           s.calls, s.agents, s.scheduled,
           (SELECT round(sum(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrap_s, 0)) / count(*), 1)
            FROM agent_metrics, p
            WHERE started_at >= p.day_at - INTERVAL '7 days' AND started_at < p.day_at AND outcome <> 'abandoned'
              AND ($sector IS NULL OR sector = $sector)) AS aht_s,
           CAST(NULL AS DOUBLE) AS value, CAST(NULL AS DOUBLE) AS expected, CAST(NULL AS DOUBLE) AS score
    FROM staffing_plan(
        (SELECT f.target_at AT TIME ZONE $zone AS local_at, max(f.value) AS calls
         -- Zero rows at both ends pin the series to the 14 days, so the forecast starts at midnight.
         FROM forecast((SELECT hour, sum(calls) AS calls
                        FROM (SELECT time_bucket(INTERVAL '1 hour', started_at) AS hour, count(*) AS calls
                              FROM agent_metrics, p
                              WHERE started_at >= p.day_at - INTERVAL '14 days' AND started_at < p.day_at AND ($sector IS NULL OR sector = $sector)
                              GROUP BY 1
                              UNION ALL SELECT time_bucket(INTERVAL '1 hour', p.day_at - INTERVAL '14 days'), 0 FROM p
                              UNION ALL SELECT time_bucket(INTERVAL '1 hour', p.day_at - INTERVAL '1 second'), 0 FROM p) h
                        GROUP BY 1),
                       horizon => 26, model => 'seasonal_naive', season => 168, step_s => 3600) f, p
         WHERE f.target_at < p.next_at
         GROUP BY 1),
        -- No handled call last week: no AHT, so no staffing rows (filtered below); 1 s only keeps staffing_plan going.
        aht_s => coalesce((SELECT round(sum(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrap_s, 0)) / count(*), 1)
                  FROM agent_metrics, p
                  WHERE started_at >= p.day_at - INTERVAL '7 days' AND started_at < p.day_at AND outcome <> 'abandoned'
                    AND ($sector IS NULL OR sector = $sector)), 1),
        target_sl => $target_sl, target_t => $target_t, shrinkage => $shrinkage, max_occupancy => $max_occupancy) s
    ) x
    WHERE x.agents > 0 AND x.aht_s IS NOT NULL
),
quality AS (
    SELECT q.agent_id, a.name, p.recent_at, p.day_at,
           avg((q.professionalism + q.empathy + q.resolution + q.clarity + q.responsiveness) / 5.0) FILTER (WHERE q.reviewed_at >= p.recent_at) AS recent,
           avg((q.professionalism + q.empathy + q.resolution + q.clarity + q.responsiveness) / 5.0) FILTER (WHERE q.reviewed_at < p.recent_at) AS baseline,
           count(*) FILTER (WHERE q.reviewed_at >= p.recent_at) AS recent_n,
           count(*) FILTER (WHERE q.reviewed_at < p.recent_at) AS baseline_n
    FROM call_quality_scores q JOIN agents a ON a.agent_id = q.agent_id, p
    WHERE q.reviewed_at >= p.baseline_at AND q.reviewed_at < p.day_at AND ($sector IS NULL OR a.sector = $sector)
    GROUP BY q.agent_id, a.name, p.recent_at, p.day_at
),
quality_rows AS (
    SELECT 'quality' AS kind, agent_id, recent_at AT TIME ZONE $zone AS start_at, day_at AT TIME ZONE $zone AS end_at,
           'agent ' || agent_id || ' (' || name || '): quality fell ' || CAST(round((baseline - recent) * 100.0 / baseline) AS BIGINT)
             || ' % over ' || $recent_days || ' days (' || round(recent, 2) || ' on ' || recent_n || ' reviews against '
             || round(baseline, 2) || ' on ' || baseline_n || ' before): review their calls and coach' AS recommendation,
           CAST(NULL AS DOUBLE) AS calls, CAST(NULL AS BIGINT) AS agents, CAST(NULL AS BIGINT) AS scheduled, CAST(NULL AS DOUBLE) AS aht_s,
           round(recent, 3) AS value, round(baseline, 3) AS expected, CAST(NULL AS DOUBLE) AS score
    FROM quality
    WHERE recent_n >= $min_reviews AND baseline_n >= $min_reviews AND (baseline - recent) * 100.0 / baseline >= $quality_drop
),
handled AS (
    SELECT m.agent_id, time_bucket(INTERVAL '1 day', to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)), $zone) AS day,
           coalesce(m.talk_s, 0) + coalesce(m.hold_s, 0) + coalesce(m.wrap_s, 0) AS handle_s
    FROM agent_metrics m, p
    WHERE m.agent_id IS NOT NULL AND m.outcome <> 'abandoned' AND ($sector IS NULL OR m.sector = $sector)
      AND m.started_at >= p.baseline_at - INTERVAL '1 day' AND m.started_at < p.day_at
      AND to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) >= p.baseline_at
      AND to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) < p.day_at
),
aht_rows AS (
    SELECT 'aht' AS kind, x.agent_id, x.bucket AT TIME ZONE $zone AS start_at,
           date_trunc('day', x.bucket + INTERVAL '36 hours', $zone) AT TIME ZONE $zone AS end_at,
           'agent ' || x.agent_id || ' (' || a.name || '): AHT ' || CAST(round(x.value) AS BIGINT) || ' s on '
             || substr(CAST(x.bucket AT TIME ZONE $zone AS VARCHAR), 1, 10) || ' against ' || CAST(round(x.expected) AS BIGINT)
             || ' s usual (robust z ' || round(x.score, 1) || ', ' || x.severity || '): check their calls of that day' AS recommendation,
           CAST(NULL AS DOUBLE) AS calls, CAST(NULL AS BIGINT) AS agents, CAST(NULL AS BIGINT) AS scheduled, CAST(NULL AS DOUBLE) AS aht_s,
           round(x.value, 1) AS value, round(x.expected, 1) AS expected, round(x.score, 3) AS score
    FROM anomalies((SELECT agent_id, day, sum(handle_s) * 1.0 / count(*) AS aht_s FROM handled GROUP BY 1, 2 HAVING count(*) >= $min_calls),
                   season => 1, transform => 'log', threshold => $aht_threshold) x
         JOIN agents a ON a.agent_id = x.agent_id, p
    WHERE x.score > 0 AND x.bucket >= p.recent_at
)
SELECT * FROM (SELECT * FROM staffing UNION ALL SELECT * FROM quality_rows UNION ALL SELECT * FROM aht_rows) r
ORDER BY CASE kind WHEN 'staffing' THEN 1 WHEN 'quality' THEN 2 ELSE 3 END, start_at, agent_id;
