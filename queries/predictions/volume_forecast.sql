-- name: predictions/volume_forecast
-- description: Calls per hour forecast per queue for the hours after a history period, with a
-- description: 95 % interval: Holt-Winters or seasonal naive (hour-of-week season), chosen or forced.
-- param: since TIMESTAMP             -- start of the history used
-- param: until TIMESTAMP             -- end of the history (exclusive); the forecast starts here
-- param: horizon INTEGER = 168       -- hours to forecast
-- param: model VARCHAR = 'auto'      -- auto | holt_winters | seasonal_naive
-- param: season INTEGER = 168        -- season length in hours (168: hour of week; 24: hour of day)
-- param: sector VARCHAR = NULL       -- one sector, or every sector
-- kpi: KPIS.md Forecasting and staffing/Seasonal naive
-- kpi: KPIS.md Forecasting and staffing/Holt-Winters additive
--
-- The history is calls started per UTC hour and queue over [since, until), hours without calls
-- counted as 0 (gap-filled), so the forecast starts at `until` for every queue. 'auto' fits
-- Holt-Winters and keeps the model with the lower wMAPE on held-out data (seasonal naive when
-- there are fewer than three seasons). Forecasts of counts are never below 0.
SELECT queue, target_at, round(value, 3) AS calls, round(lower_bound, 3) AS lower_bound,
       round(upper_bound, 3) AS upper_bound, model
FROM forecast((SELECT queue, time_bucket_gapfill(INTERVAL '1 hour', started_at, $since, $until) AS hour, count(*) AS calls
               FROM agent_metrics
               WHERE started_at >= $since AND started_at < $until AND ($sector IS NULL OR sector = $sector)
               GROUP BY 1, 2),
              horizon => $horizon, model => $model, season => $season)
ORDER BY queue, target_at;
