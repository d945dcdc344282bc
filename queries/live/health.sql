-- name: live/health
-- description: Store health for the tenant: per table rows, segments, bytes, rows not yet flushed,
-- description: the newest time and how far it lags `at` (ingest lag), any open error, and the
-- description: decoded-block cache's hit rate.
-- param: at TIMESTAMP = NULL      -- the instant lag is measured from (default: now)
--
-- From the system tables tally_tables and tally_cache. The cache is shared by every tenant of the
-- process, so its hit rate is the store's, not the tenant's. Tables without a time column (agents)
-- have no lag.
SELECT t.table_name, t.rows, t.segments, t.row_groups, t.bytes, t.buffered_rows,
       t.max_time AS newest,
       round(epoch(coalesce($at, now())) - epoch(t.max_time)) AS ingest_lag_s,
       t.error,
       round(c.hits * 100.0 / (c.hits + c.misses), 2) AS cache_hit_pct
FROM tally_tables t, tally_cache c
ORDER BY t.table_name;
