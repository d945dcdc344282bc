-- name: predictions/anomalies
-- description: Unusual hours per queue over a period — AHT or call volume far from what the same
-- description: hour usually shows (robust seasonal z-score), or from the hours before (rolling z).
-- param: since TIMESTAMP             -- first hour examined
-- param: until TIMESTAMP             -- end of the period, exclusive
-- param: metric VARCHAR = 'aht'      -- aht (mean handle time of answered calls) | calls (calls started)
-- param: method VARCHAR = 'mad_seasonal' -- mad_seasonal | rolling_z
-- param: threshold DOUBLE = NULL     -- flag |score| above this (default: 3.5 for mad_seasonal, 3 for rolling_z)
-- param: season INTEGER = 168        -- mad_seasonal: season in hours (168: hour of week; 24: hour of day)
-- param: sector VARCHAR = NULL       -- one sector, or every sector
-- kpi: KPIS.md Anomaly detection/Robust z-score
-- kpi: KPIS.md Anomaly detection/Rolling z-score over a window
-- kpi: KPIS.md Handling/AHT
--
-- One series per queue of UTC hours; hours without a value (no answered call for aht, no call for
-- calls) are not judged. mad_seasonal: expected = median of the same slot of the season in the
-- other seasons (slots with more than 3 of them), M = 0.6745·(residual − median)/MAD of the
-- residuals. rolling_z: z against the mean and SD of the 24 hours before. Severity: low up to
-- 1.5× the threshold, medium up to 2.5×, high beyond. Store flagged rows with INSERT INTO
-- anomaly_detection … SELECT if they should be kept.
SELECT queue, bucket, round(value, 2) AS value, round(expected, 2) AS expected, round(score, 3) AS score, severity, method
FROM anomalies((SELECT queue, time_bucket(INTERVAL '1 hour', started_at) AS hour,
                       CASE WHEN $metric = 'calls' THEN count(*) * 1.0
                            ELSE sum(handle_s) FILTER (WHERE outcome <> 'abandoned') * 1.0 / count(*) FILTER (WHERE outcome <> 'abandoned') END AS value
                FROM agent_metrics
                WHERE started_at >= $since AND started_at < $until AND ($sector IS NULL OR sector = $sector)
                GROUP BY 1, 2
                HAVING $metric = 'calls' OR count(*) FILTER (WHERE outcome <> 'abandoned') > 0),
               method => $method, threshold => coalesce($threshold, CASE WHEN $method = 'rolling_z' THEN 3.0 ELSE 3.5 END), season => $season)
ORDER BY queue, bucket;
