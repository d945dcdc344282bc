-- name: satisfaction/csat_nps
-- description: CSAT (top-2-box %), mean rating, NPS with promoter/passive/detractor shares, per
-- description: sector and overall, over a period.
-- param: since TIMESTAMP = NULL    -- first instant counted (default: 30 days before until)
-- param: until TIMESTAMP = NULL    -- end of the period, exclusive (default: now)
-- kpi: KPIS.md Quality and satisfaction/CSAT
-- kpi: KPIS.md Quality and satisfaction/NPS
--
-- Surveys count in the period they were taken and in the sector of the surveyed agent; the row
-- with sector NULL is overall. CSAT = ratings 4–5 / ratings × 100; the mean rating is reported
-- separately as csat_mean. NPS = % promoters (9–10) − % detractors (0–6).
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '30 days') AS since_at
),
s AS (
    SELECT a.sector, x.csat, x.nps
    FROM customer_satisfaction x JOIN agents a ON a.agent_id = x.agent_id, p
    WHERE x.surveyed_at >= p.since_at AND x.surveyed_at < p.until_at
),
per_sector AS (
    SELECT sector, count(*) AS surveys,
           csat(csat) AS csat,
           avg(csat) AS csat_mean,
           nps(nps) AS nps,
           count(nps) FILTER (WHERE nps >= 9) * 100.0 / count(nps) AS promoters_pct,
           count(nps) FILTER (WHERE nps BETWEEN 7 AND 8) * 100.0 / count(nps) AS passives_pct,
           count(nps) FILTER (WHERE nps <= 6) * 100.0 / count(nps) AS detractors_pct
    FROM s GROUP BY sector
    UNION ALL
    SELECT NULL AS sector, count(*),
           csat(csat),
           avg(csat),
           nps(nps),
           count(nps) FILTER (WHERE nps >= 9) * 100.0 / count(nps),
           count(nps) FILTER (WHERE nps BETWEEN 7 AND 8) * 100.0 / count(nps),
           count(nps) FILTER (WHERE nps <= 6) * 100.0 / count(nps)
    FROM s
)
SELECT sector, surveys, round(csat, 2) AS csat, round(csat_mean, 3) AS csat_mean,
       round(nps, 2) AS nps,
       round(promoters_pct, 2) AS promoters_pct, round(passives_pct, 2) AS passives_pct,
       round(detractors_pct, 2) AS detractors_pct
FROM per_sector
ORDER BY sector NULLS LAST;
