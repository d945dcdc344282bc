-- name: satisfaction/feedback_categories
-- description: Survey feedback categories over a period: how many surveys each, their share, CSAT,
-- description: NPS and mean sentiment, most frequent first.
-- param: since TIMESTAMP = NULL    -- first instant counted (default: 30 days before until)
-- param: until TIMESTAMP = NULL    -- end of the period, exclusive (default: now)
-- kpi: KPIS.md Quality and satisfaction/CSAT
-- kpi: KPIS.md Quality and satisfaction/NPS
-- kpi: KPIS.md Quality and satisfaction/Sentiment
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '30 days') AS since_at
),
s AS (
    SELECT x.feedback_category, x.csat, x.nps, x.sentiment
    FROM customer_satisfaction x, p
    WHERE x.surveyed_at >= p.since_at AND x.surveyed_at < p.until_at
)
SELECT feedback_category, count(*) AS surveys,
       round(count(*) * 100.0 / (SELECT count(*) FROM s), 2) AS share_pct,
       round(csat(csat), 2) AS csat,
       round(nps(nps), 2) AS nps,
       round(avg(sentiment), 4) AS sentiment
FROM s
GROUP BY feedback_category
ORDER BY surveys DESC, feedback_category NULLS LAST;
