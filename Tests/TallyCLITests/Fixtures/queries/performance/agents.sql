-- name: performance/agents
-- description: Calls, average handle time and quality per agent since a day, best first.
-- param: since TIMESTAMP = '2025-01-01'  -- first day counted
-- param: min_calls INTEGER = 1           -- leave out agents with fewer calls
-- param: sector VARCHAR = NULL           -- one sector, or every sector
--
-- Example file for the test suite: the KPI library in queries/ follows the same header.
SELECT a.name, count(*) AS calls, round(avg(m.handle_s)) AS aht_s, round(avg(m.quality_score), 2) AS quality
FROM agent_metrics m JOIN agents a ON a.agent_id = m.agent_id
WHERE m.started_at >= $since
  AND ($sector IS NULL OR m.sector = $sector)
GROUP BY a.name
HAVING count(*) >= $2
ORDER BY quality DESC NULLS LAST, a.name;
