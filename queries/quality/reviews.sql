-- name: quality/reviews
-- description: Quality reviews of a period, newest first: the call, the agent, the five dimensions,
-- description: their mean (the quality score), audio measures and the reviewer's notes.
-- param: since TIMESTAMP = NULL    -- first instant counted (default: 7 days before until)
-- param: until TIMESTAMP = NULL    -- end of the period, exclusive (default: now)
-- param: agent_id INTEGER = NULL   -- one agent, or every agent
-- param: max_score DOUBLE = NULL   -- only reviews scoring at most this (e.g. 2.5 for coaching)
-- param: rows INTEGER = 100        -- most rows returned
-- kpi: KPIS.md Quality and satisfaction/Quality score
WITH p AS (
    SELECT coalesce($until, now()) AS until_at,
           coalesce($since, coalesce($until, now()) - INTERVAL '7 days') AS since_at
),
scored AS (
    SELECT q.reviewed_at, q.call_id, q.agent_id, q.reviewer_id,
           q.professionalism, q.empathy, q.resolution, q.clarity, q.responsiveness,
           (q.professionalism + q.empathy + q.resolution + q.clarity + q.responsiveness) / 5.0 AS quality,
           q.audio_clarity_pct, q.background_noise_db, q.notes
    FROM call_quality_scores q, p
    WHERE q.reviewed_at >= p.since_at AND q.reviewed_at < p.until_at
      AND ($agent_id IS NULL OR q.agent_id = $agent_id)
)
SELECT s.reviewed_at, s.call_id, s.agent_id, a.name, a.sector, s.reviewer_id,
       s.professionalism, s.empathy, s.resolution, s.clarity, s.responsiveness,
       s.quality, s.audio_clarity_pct, s.background_noise_db, s.notes
FROM scored s LEFT JOIN agents a ON a.agent_id = s.agent_id
WHERE $max_score IS NULL OR s.quality <= $max_score
ORDER BY s.reviewed_at DESC, s.call_id
LIMIT $rows;
