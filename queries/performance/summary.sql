-- name: performance/summary
-- description: The KPI tiles of the dashboard over a period: calls offered and handled, AHT, ASA,
-- description: abandonment, service level, FCR, transfer rate, quality, CSAT, NPS, cost per call, margin.
-- param: since TIMESTAMP = NULL      -- first instant counted (default: 30 days before until)
-- param: until TIMESTAMP = NULL      -- end of the period, exclusive (default: now)
-- param: sector VARCHAR = NULL       -- one sector, or every sector
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
-- kpi: KPIS.md Money/Cost per call
-- kpi: KPIS.md Money/Margin
--
-- Calls are counted in the period they started in (offered, answered, abandoned, ASA, service
-- level), except AHT, FCR and transfers, which count a handled call in the period its wrap ends
-- (Genesys convention; ended_at excludes wrap, so wrap ends at ended_at + wrap_s). Handled calls
-- are the answered ones (agent_id set, outcome not abandoned). Quality is the mean of the five
-- review dimensions of reviews made in the period; CSAT and NPS are of surveys in the period.
-- Cost per call and margin use agent_metrics' per-call cost and revenue.
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '30 days') AS since_at
),
calls AS (
    SELECT m.*, to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) AS wrap_end_at, p.since_at, p.until_at
    FROM agent_metrics m, p
    WHERE m.started_at >= p.since_at - INTERVAL '1 day' AND m.started_at < p.until_at
      AND ($sector IS NULL OR m.sector = $sector)
),
handling AS (
    SELECT
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
        sum(cost) FILTER (WHERE started_at >= since_at) AS cost,
        sum(revenue) FILTER (WHERE started_at >= since_at) AS revenue
    FROM calls
),
quality AS (
    SELECT avg((q.professionalism + q.empathy + q.resolution + q.clarity + q.responsiveness) / 5.0) AS quality
    FROM call_quality_scores q, p
    WHERE q.reviewed_at >= p.since_at AND q.reviewed_at < p.until_at
      AND ($sector IS NULL OR q.agent_id IN (SELECT agent_id FROM agents WHERE sector = $sector))
),
satisfaction AS (
    SELECT csat(s.csat) AS csat, nps(s.nps) AS nps
    FROM customer_satisfaction s, p
    WHERE s.surveyed_at >= p.since_at AND s.surveyed_at < p.until_at
      AND ($sector IS NULL OR s.agent_id IN (SELECT agent_id FROM agents WHERE sector = $sector))
)
SELECT h.offered AS calls,
       h.handled,
       round(h.handle_s / h.handled, 1) AS aht_s,
       round(h.answered_wait_s / h.answered, 1) AS asa_s,
       round(h.abandoned * 100.0 / h.offered, 2) AS abandonment_pct,
       round(h.service_level, 2) AS service_level_pct,
       round(h.fcr_calls * 100.0 / h.handled, 2) AS fcr_pct,
       round(h.transferred_calls * 100.0 / h.handled, 2) AS transfer_pct,
       round(q.quality, 3) AS quality,
       round(s.csat, 2) AS csat,
       round(s.nps, 2) AS nps,
       round(h.cost / h.answered, 4) AS cost_per_call,
       round((h.revenue - h.cost) * 100.0 / h.revenue, 2) AS margin_pct
FROM handling h, quality q, satisfaction s;
