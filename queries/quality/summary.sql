-- name: quality/summary
-- description: Quality by dimension over a period, per sector and overall: the mean of each of the
-- description: five review dimensions, the quality score, and the share of reviews scoring under 3.
-- param: since TIMESTAMP = NULL    -- first instant counted (default: 30 days before until)
-- param: until TIMESTAMP = NULL    -- end of the period, exclusive (default: now)
-- kpi: KPIS.md Quality and satisfaction/Quality score
--
-- Reviews are attributed to the sector of the reviewed agent; the row with sector NULL is overall.
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '30 days') AS since_at
),
r AS (
    SELECT a.sector, q.professionalism, q.empathy, q.resolution, q.clarity, q.responsiveness,
           (q.professionalism + q.empathy + q.resolution + q.clarity + q.responsiveness) / 5.0 AS quality
    FROM call_quality_scores q JOIN agents a ON a.agent_id = q.agent_id, p
    WHERE q.reviewed_at >= p.since_at AND q.reviewed_at < p.until_at
)
SELECT sector, count(*) AS reviews,
       round(avg(professionalism), 3) AS professionalism, round(avg(empathy), 3) AS empathy,
       round(avg(resolution), 3) AS resolution, round(avg(clarity), 3) AS clarity,
       round(avg(responsiveness), 3) AS responsiveness, round(avg(quality), 3) AS quality,
       round(count(*) FILTER (WHERE quality < 3) * 100.0 / count(*), 2) AS below_3_pct
FROM r GROUP BY sector
UNION ALL
SELECT NULL AS sector, count(*) AS reviews,
       round(avg(professionalism), 3), round(avg(empathy), 3), round(avg(resolution), 3),
       round(avg(clarity), 3), round(avg(responsiveness), 3), round(avg(quality), 3),
       round(count(*) FILTER (WHERE quality < 3) * 100.0 / count(*), 2)
FROM r
ORDER BY sector NULLS LAST;
