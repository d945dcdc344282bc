-- name: performance/top_performers
-- description: The ten best agents of a period by a chosen KPI (quality, fcr, aht, csat or calls),
-- description: among agents with at least a minimum number of handled calls.
-- param: kpi VARCHAR = 'quality'   -- quality | fcr | aht (lower is better) | csat | calls
-- param: since TIMESTAMP = NULL    -- first instant counted (default: 30 days before until)
-- param: until TIMESTAMP = NULL    -- end of the period, exclusive (default: now)
-- param: min_calls INTEGER = 20    -- leave out agents with fewer handled calls
-- param: top INTEGER = 10          -- how many agents
-- kpi: KPIS.md Handling/AHT
-- kpi: KPIS.md Handling/FCR
-- kpi: KPIS.md Quality and satisfaction/Quality score
-- kpi: KPIS.md Quality and satisfaction/CSAT
--
-- Handled calls count in the period their wrap ends (Genesys). Agents without a value for the
-- chosen KPI (no reviews, no surveys) are left out; ties go to the lower agent_id.
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '30 days') AS since_at
),
handled AS (
    SELECT m.agent_id,
           count(*) AS calls,
           sum(coalesce(m.talk_s, 0) + coalesce(m.hold_s, 0) + coalesce(m.wrap_s, 0)) / count(*) AS aht_s,
           count(*) FILTER (WHERE m.first_contact_resolved) * 100.0 / count(*) AS fcr_pct
    FROM agent_metrics m, p
    WHERE m.started_at >= p.since_at - INTERVAL '1 day' AND m.started_at < p.until_at
      AND m.outcome <> 'abandoned' AND m.agent_id IS NOT NULL
      AND to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) >= p.since_at
      AND to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) < p.until_at
    GROUP BY m.agent_id
),
reviews AS (
    SELECT q.agent_id, avg((q.professionalism + q.empathy + q.resolution + q.clarity + q.responsiveness) / 5.0) AS quality
    FROM call_quality_scores q, p
    WHERE q.reviewed_at >= p.since_at AND q.reviewed_at < p.until_at
    GROUP BY q.agent_id
),
surveys AS (
    SELECT s.agent_id, csat(s.csat) AS csat
    FROM customer_satisfaction s, p
    WHERE s.surveyed_at >= p.since_at AND s.surveyed_at < p.until_at
    GROUP BY s.agent_id
),
scored AS (
    SELECT a.agent_id, a.name, a.sector, a.kind, h.calls,
           round(h.aht_s, 1) AS aht_s, round(h.fcr_pct, 2) AS fcr_pct,
           round(r.quality, 3) AS quality, round(s.csat, 2) AS csat,
           CASE lower($kpi)
               WHEN 'quality' THEN r.quality
               WHEN 'fcr' THEN h.fcr_pct
               WHEN 'aht' THEN -h.aht_s
               WHEN 'csat' THEN s.csat
               WHEN 'calls' THEN h.calls
           END AS score
    FROM handled h
    JOIN agents a ON a.agent_id = h.agent_id
    LEFT JOIN reviews r ON r.agent_id = h.agent_id
    LEFT JOIN surveys s ON s.agent_id = h.agent_id
    WHERE h.calls >= $min_calls
)
SELECT row_number() OVER (ORDER BY score DESC, agent_id) AS rank,
       agent_id, name, sector, kind, calls, aht_s, fcr_pct, quality, csat
FROM scored
WHERE score IS NOT NULL
ORDER BY rank
LIMIT $top;
