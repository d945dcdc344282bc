-- name: predictions/staffing
-- description: Agents needed per local hour of a day (Erlang C) for a service-level target, from a
-- description: seasonal-naive volume forecast: each hour expects the calls and AHT of the same
-- description: local hour one week earlier.
-- param: day TIMESTAMP                -- the local date (YYYY-MM-DD) to staff
-- param: zone VARCHAR = 'UTC'         -- the tenant's time zone
-- param: sector VARCHAR = NULL        -- one sector, or every sector
-- param: target_sl DOUBLE = 80        -- service-level target in % ...
-- param: target_t INTEGER = 20        -- ... of calls answered within this many seconds
-- param: shrinkage DOUBLE = 30        -- % of paid time agents are not on the phones
-- param: max_occupancy DOUBLE = 90    -- most occupancy (%) a staffing level may imply
-- kpi: KPIS.md Forecasting and staffing/Seasonal naive
-- kpi: KPIS.md Forecasting and staffing/Erlang C
--
-- Seasonal naive with a weekly season: ŷ(hour) = y(same local hour, 7 days earlier). AHT is the
-- hour's AHT last week (handled calls started in it), else last week's AHT for the day. Load
-- A = calls × AHT / 3600 s; agents = erlang_c (smallest N meeting the target and the occupancy
-- cap); scheduled = ⌈N / (1 − shrinkage)⌉; service level and ASA are Erlang C's for N agents.
-- Every local hour of the day is listed (23 or 25 on daylight-saving days; both 1 a.m. hours of a
-- fall-back day expect last week's 1 a.m.).
WITH local_midnight AS (
    -- As in reports/daily: the instant whose wall clock in the zone reads $day 00:00.
    SELECT to_timestamp(epoch($day) - (epoch(to_timestamp(2 * epoch($day) - epoch($day AT TIME ZONE $zone)) AT TIME ZONE $zone)
                                       - epoch(to_timestamp(2 * epoch($day) - epoch($day AT TIME ZONE $zone))))) AS at_
),
p AS (
    SELECT m.at_ AS since_at, date_trunc('day', m.at_ + INTERVAL '36 hours', $zone) AS until_at,
           date_trunc('day', m.at_ - INTERVAL '156 hours', $zone) AS last_since,
           date_trunc('day', m.at_ - INTERVAL '132 hours', $zone) AS last_until
    FROM local_midnight m
),
hours AS (
    SELECT DISTINCT time_bucket(INTERVAL '1 hour', h, $zone) AS hour
    FROM (SELECT time_bucket_gapfill(INTERVAL '1 hour', started_at,
                     date_trunc('day', $day, 'UTC') - INTERVAL '1 day', date_trunc('day', $day, 'UTC') + INTERVAL '2 days') AS h
          FROM agent_metrics WHERE started_at < TIMESTAMP '1970-01-02' GROUP BY 1) g, p
    WHERE h >= p.since_at AND h < p.until_at
),
last_week AS (
    SELECT extract(hour FROM m.started_at AT TIME ZONE $zone) AS local_hour,
           count(*) AS calls,
           sum(coalesce(m.talk_s, 0) + coalesce(m.hold_s, 0) + coalesce(m.wrap_s, 0)) FILTER (WHERE m.outcome <> 'abandoned')
             / count(*) FILTER (WHERE m.outcome <> 'abandoned') AS aht_s
    FROM agent_metrics m, p
    WHERE m.started_at >= p.last_since AND m.started_at < p.last_until AND ($sector IS NULL OR m.sector = $sector)
    GROUP BY 1
),
day_aht AS (
    SELECT sum(coalesce(m.talk_s, 0) + coalesce(m.hold_s, 0) + coalesce(m.wrap_s, 0)) / count(*) AS aht_s
    FROM agent_metrics m, p
    WHERE m.started_at >= p.last_since AND m.started_at < p.last_until AND m.outcome <> 'abandoned'
      AND ($sector IS NULL OR m.sector = $sector)
),
plan AS (
    SELECT h.hour, coalesce(w.calls, 0) AS calls, round(coalesce(w.aht_s, d.aht_s), 1) AS aht_s
    FROM hours h
    CROSS JOIN day_aht d
    LEFT JOIN last_week w ON w.local_hour = extract(hour FROM h.hour AT TIME ZONE $zone)
)
SELECT hour, calls AS expected_calls, aht_s,
       round(calls * aht_s / 3600.0, 3) AS load_erlangs,
       erlang_c(calls, 3600, aht_s, $target_sl, $target_t, $max_occupancy) AS agents,
       erlang_c_scheduled(calls, 3600, aht_s, $target_sl, $target_t, $shrinkage, $max_occupancy) AS scheduled,
       round(erlang_c_service_level(calls, 3600, aht_s, erlang_c(calls, 3600, aht_s, $target_sl, $target_t, $max_occupancy), $target_t), 2) AS service_level_pct,
       round(erlang_c_asa(calls, 3600, aht_s, erlang_c(calls, 3600, aht_s, $target_sl, $target_t, $max_occupancy)), 1) AS asa_s
FROM plan
ORDER BY hour;
