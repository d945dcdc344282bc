-- name: quality/fcr
-- description: First contact resolution (completion) per sector and channel over a period, with
-- description: transfer and escalation rates and the repeat-call view of FCR.
-- param: since TIMESTAMP = NULL      -- first instant counted (default: 30 days before until)
-- param: until TIMESTAMP = NULL      -- end of the period, exclusive (default: now)
-- kpi: KPIS.md Handling/FCR
-- kpi: KPIS.md Handling/Transfer rate, escalation rate
--
-- Handled calls (answered: outcome not abandoned) count in the period their wrap ends
-- (Genesys). fcr_pct is first_contact_resolved / handled; resolved_pct is the share whose
-- outcome is 'resolved'. The generator has no caller ids, so the repeat-call variant of
-- KPIS.md cannot be computed from this data model.
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '30 days') AS since_at
)
SELECT m.sector, m.channel,
       count(*) AS handled,
       round(count(*) FILTER (WHERE m.first_contact_resolved) * 100.0 / count(*), 2) AS fcr_pct,
       round(count(*) FILTER (WHERE m.outcome = 'resolved') * 100.0 / count(*), 2) AS resolved_pct,
       round(count(*) FILTER (WHERE m.transferred) * 100.0 / count(*), 2) AS transfer_pct,
       round(count(*) FILTER (WHERE m.outcome = 'escalated') * 100.0 / count(*), 2) AS escalation_pct,
       round(count(*) FILTER (WHERE m.outcome = 'callback') * 100.0 / count(*), 2) AS callback_pct
FROM agent_metrics m, p
WHERE m.started_at >= p.since_at - INTERVAL '1 day' AND m.started_at < p.until_at
  AND m.outcome <> 'abandoned'
  AND to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) >= p.since_at
  AND to_timestamp(epoch(m.ended_at) + coalesce(m.wrap_s, 0)) < p.until_at
GROUP BY m.sector, m.channel
ORDER BY m.sector, m.channel;
