-- name: reports/daily
-- description: The daily report for one local day: per sector and overall, calls, AHT, ASA,
-- description: abandonment, service level, FCR, transfers, quality, CSAT, NPS, cost, revenue and margin.
-- param: day TIMESTAMP              -- the local date (YYYY-MM-DD) in the zone
-- param: zone VARCHAR = 'UTC'       -- the tenant's time zone
-- param: sl_threshold_s INTEGER = 20 -- service level threshold T in seconds
-- kpi: KPIS.md Handling/AHT
-- kpi: KPIS.md Handling/ASA
-- kpi: KPIS.md Handling/Abandonment rate
-- kpi: KPIS.md Handling/Service level X/T (variant 1)
-- kpi: KPIS.md Handling/FCR
-- kpi: KPIS.md Handling/Transfer rate, escalation rate
-- kpi: KPIS.md Quality and satisfaction/Quality score
-- kpi: KPIS.md Quality and satisfaction/CSAT
-- kpi: KPIS.md Quality and satisfaction/NPS
-- kpi: KPIS.md Money/Margin
--
-- The same rules as performance/summary over [local midnight, next local midnight): calls count
-- on the day they started, AHT/FCR/transfers on the day their wrap ends (Genesys). Cost, revenue
-- and margin are the per-call figures of agent_metrics (cost_analysis is kept per UTC day).
-- The row with sector NULL is overall. `tally report` writes this with the other sections.
WITH local_midnight AS (
    -- The UTC instant whose wall clock in the zone reads $day 00:00: step back by the zone's
    -- offset, then by the offset at that instant (right across daylight-saving changes, which
    -- happen at night but not at midnight).
    SELECT to_timestamp(epoch($day) - (epoch(to_timestamp(2 * epoch($day) - epoch($day AT TIME ZONE $zone)) AT TIME ZONE $zone)
                                       - epoch(to_timestamp(2 * epoch($day) - epoch($day AT TIME ZONE $zone))))) AS at_
),
p AS (
    SELECT m.at_ AS since_at, date_trunc('day', m.at_ + INTERVAL '36 hours', $zone) AS until_at FROM local_midnight m
),
calls AS (
    SELECT m.sector, m.started_at, m.outcome, m.queue_wait_s, m.talk_s, m.hold_s, m.wrap_s, m.cost, m.revenue,
           m.first_contact_resolved, m.transferred,
           to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) AS wrap_end_at, p.since_at, p.until_at
    FROM agent_metrics m, p
    WHERE m.started_at >= p.since_at - INTERVAL '1 day' AND m.started_at < p.until_at
),
handling AS (
    SELECT sector,
        count(*) FILTER (WHERE started_at >= since_at) AS offered,
        count(*) FILTER (WHERE started_at >= since_at AND outcome <> 'abandoned') AS answered,
        count(*) FILTER (WHERE started_at >= since_at AND outcome = 'abandoned') AS abandoned,
        sum(queue_wait_s) FILTER (WHERE started_at >= since_at AND outcome <> 'abandoned') AS answered_wait_s,
        count(*) FILTER (WHERE started_at >= since_at AND queue_wait_s <= $sl_threshold_s) AS within_sl,
        count(*) FILTER (WHERE outcome <> 'abandoned' AND wrap_end_at >= since_at AND wrap_end_at < until_at) AS handled,
        sum(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrap_s, 0))
            FILTER (WHERE outcome <> 'abandoned' AND wrap_end_at >= since_at AND wrap_end_at < until_at) AS handle_s,
        count(*) FILTER (WHERE outcome <> 'abandoned' AND wrap_end_at >= since_at AND wrap_end_at < until_at AND first_contact_resolved) AS fcr_calls,
        count(*) FILTER (WHERE outcome <> 'abandoned' AND wrap_end_at >= since_at AND wrap_end_at < until_at AND transferred) AS transferred_calls,
        sum(cost) FILTER (WHERE started_at >= since_at) AS cost,
        sum(revenue) FILTER (WHERE started_at >= since_at) AS revenue
    FROM calls
    GROUP BY sector
),
reviews AS (
    SELECT a.sector, count(*) AS reviews,
           sum((q.professionalism + q.empathy + q.resolution + q.clarity + q.responsiveness) / 5.0) AS quality_sum
    FROM call_quality_scores q JOIN agents a ON a.agent_id = q.agent_id, p
    WHERE q.reviewed_at >= p.since_at AND q.reviewed_at < p.until_at
    GROUP BY a.sector
),
surveys AS (
    SELECT a.sector, count(s.csat) AS csat_n, count(s.csat) FILTER (WHERE s.csat >= 4) AS csat_top2,
           count(s.nps) AS nps_n, count(s.nps) FILTER (WHERE s.nps >= 9) AS promoters,
           count(s.nps) FILTER (WHERE s.nps <= 6) AS detractors
    FROM customer_satisfaction s JOIN agents a ON a.agent_id = s.agent_id, p
    WHERE s.surveyed_at >= p.since_at AND s.surveyed_at < p.until_at
    GROUP BY a.sector
),
per_sector AS (
    SELECT h.*, coalesce(r.reviews, 0) AS reviews, r.quality_sum,
           coalesce(v.csat_n, 0) AS csat_n, coalesce(v.csat_top2, 0) AS csat_top2,
           coalesce(v.nps_n, 0) AS nps_n, coalesce(v.promoters, 0) AS promoters, coalesce(v.detractors, 0) AS detractors
    FROM handling h
    LEFT JOIN reviews r ON r.sector = h.sector
    LEFT JOIN surveys v ON v.sector = h.sector
    WHERE h.offered > 0 OR h.handled > 0
),
rows_ AS (
    SELECT * FROM per_sector
    UNION ALL
    SELECT NULL, sum(offered), sum(answered), sum(abandoned), sum(answered_wait_s), sum(within_sl), sum(handled),
           sum(handle_s), sum(fcr_calls), sum(transferred_calls), sum(cost), sum(revenue), sum(reviews), sum(quality_sum),
           sum(csat_n), sum(csat_top2), sum(nps_n), sum(promoters), sum(detractors)
    FROM per_sector
)
SELECT sector,
       offered AS calls, handled,
       round(handle_s / handled, 1) AS aht_s,
       round(answered_wait_s / answered, 1) AS asa_s,
       round(abandoned * 100.0 / offered, 2) AS abandonment_pct,
       round(within_sl * 100.0 / (answered + abandoned), 2) AS service_level_pct,
       round(fcr_calls * 100.0 / handled, 2) AS fcr_pct,
       round(transferred_calls * 100.0 / handled, 2) AS transfer_pct,
       reviews,
       round(quality_sum / reviews, 3) AS quality,
       round(csat_top2 * 100.0 / csat_n, 2) AS csat,
       round((promoters - detractors) * 100.0 / nps_n, 2) AS nps,
       round(cost, 2) AS cost, round(revenue, 2) AS revenue,
       round((revenue - cost) * 100.0 / revenue, 2) AS margin_pct
FROM rows_
ORDER BY sector NULLS LAST;
