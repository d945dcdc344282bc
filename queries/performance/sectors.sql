-- name: performance/sectors
-- description: Sector comparison over a period: calls offered, AHT, ASA, abandonment, service
-- description: level, FCR, transfer rate, quality, CSAT and cost per call per sector.
-- param: since TIMESTAMP = NULL      -- first instant counted (default: 30 days before until)
-- param: until TIMESTAMP = NULL      -- end of the period, exclusive (default: now)
-- param: sl_threshold_s INTEGER = 20 -- service level threshold T in seconds
-- kpi: KPIS.md Handling/AHT
-- kpi: KPIS.md Handling/ASA
-- kpi: KPIS.md Handling/Abandonment rate
-- kpi: KPIS.md Handling/Service level X/T (variant 1)
-- kpi: KPIS.md Handling/FCR
-- kpi: KPIS.md Handling/Transfer rate, escalation rate
-- kpi: KPIS.md Quality and satisfaction/Quality score
-- kpi: KPIS.md Quality and satisfaction/CSAT
-- kpi: KPIS.md Money/Cost per call
--
-- Calls count in the period they started in, except AHT, FCR and transfers (period of wrap end,
-- Genesys). Quality and CSAT are attributed to the sector of the reviewed / surveyed agent.
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '30 days') AS since_at
),
calls AS (
    SELECT m.sector, m.started_at, m.outcome, m.queue_wait_s, m.talk_s, m.hold_s, m.wrap_s, m.cost,
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
        service_level(queue_wait_s, outcome <> 'abandoned', $sl_threshold_s) FILTER (WHERE started_at >= since_at) AS service_level,
        count(*) FILTER (WHERE outcome <> 'abandoned' AND wrap_end_at >= since_at AND wrap_end_at < until_at) AS handled,
        sum(coalesce(talk_s, 0) + coalesce(hold_s, 0) + coalesce(wrap_s, 0))
            FILTER (WHERE outcome <> 'abandoned' AND wrap_end_at >= since_at AND wrap_end_at < until_at) AS handle_s,
        count(*) FILTER (WHERE outcome <> 'abandoned' AND wrap_end_at >= since_at AND wrap_end_at < until_at AND first_contact_resolved) AS fcr_calls,
        count(*) FILTER (WHERE outcome <> 'abandoned' AND wrap_end_at >= since_at AND wrap_end_at < until_at AND transferred) AS transferred_calls,
        sum(cost) FILTER (WHERE started_at >= since_at) AS cost
    FROM calls
    GROUP BY sector
),
quality AS (
    SELECT a.sector, avg((q.professionalism + q.empathy + q.resolution + q.clarity + q.responsiveness) / 5.0) AS quality
    FROM call_quality_scores q JOIN agents a ON a.agent_id = q.agent_id, p
    WHERE q.reviewed_at >= p.since_at AND q.reviewed_at < p.until_at
    GROUP BY a.sector
),
satisfaction AS (
    SELECT a.sector, csat(s.csat) AS csat
    FROM customer_satisfaction s JOIN agents a ON a.agent_id = s.agent_id, p
    WHERE s.surveyed_at >= p.since_at AND s.surveyed_at < p.until_at
    GROUP BY a.sector
)
SELECT h.sector,
       h.offered AS calls,
       round(h.handle_s / h.handled, 1) AS aht_s,
       round(h.answered_wait_s / h.answered, 1) AS asa_s,
       round(h.abandoned * 100.0 / h.offered, 2) AS abandonment_pct,
       round(h.service_level, 2) AS service_level_pct,
       round(h.fcr_calls * 100.0 / h.handled, 2) AS fcr_pct,
       round(h.transferred_calls * 100.0 / h.handled, 2) AS transfer_pct,
       round(q.quality, 3) AS quality,
       round(s.csat, 2) AS csat,
       round(h.cost / h.answered, 4) AS cost_per_call
FROM handling h
LEFT JOIN quality q ON q.sector = h.sector
LEFT JOIN satisfaction s ON s.sector = h.sector
WHERE h.offered > 0
ORDER BY h.sector;
