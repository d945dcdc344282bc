"""The dashboard query set in the three dialects.

The ten shapes are those of Sources/tally/QueryBenchCommand.swift. Tally runs single-tenant shapes
in that tenant's session (the tenant is implicit); the peers hold all tenants in one table sorted
by (client_id, time), so they get `client_id = '…'` instead. DuckDB reads Tally's spelling as is;
ClickHouse differs only where it must (-If combinators for FILTER, toStartOfHour/Day,
quantilesExactInclusive for quantile_cont, uniqExact for count(DISTINCT)).
"""
import re
from pathlib import Path

KPI = """SELECT count(*) AS calls,
       avg(handle_s) FILTER (WHERE outcome <> 'abandoned') AS aht_s,
       avg(queue_wait_s) FILTER (WHERE answered_at IS NOT NULL) AS asa_s,
       100.0 * count(*) FILTER (WHERE outcome = 'abandoned') / count(*) AS abandon_pct,
       100.0 * count(*) FILTER (WHERE first_contact_resolved) / count(*) FILTER (WHERE outcome <> 'abandoned') AS fcr_pct,
       avg(quality_score) AS quality
FROM agent_metrics"""

KPI_CH = """SELECT count() AS calls,
       avgIf(handle_s, outcome <> 'abandoned') AS aht_s,
       avgIf(queue_wait_s, answered_at IS NOT NULL) AS asa_s,
       100.0 * countIf(outcome = 'abandoned') / count() AS abandon_pct,
       100.0 * countIf(first_contact_resolved) / countIf(outcome <> 'abandoned') AS fcr_pct,
       avg(quality_score) AS quality
FROM agent_metrics"""


def shapes(mid, largest, end):
    """[(name, tenant or None, {engine: sql})] for tenants `mid`, `largest` and the data's last timestamp `end`."""
    def t(tenant, engine):
        return f"client_id = '{tenant}'" if engine != "tally" else None

    def where(tenant, engine, *conds):
        cs = [c for c in (t(tenant, engine),) + conds if c]
        return (" WHERE " + " AND ".join(cs)) if cs else ""

    ts = f"TIMESTAMP '{end}'"
    ts_ch = f"toDateTime64('{end}', 6, 'UTC')"
    out = []

    def add(name, tenant, tally, duck, ch):
        out.append((name, tenant, {"tally": tally, "duckdb": duck, "chdb": ch}))

    for name, tenant, days in (("kpi_tile_mid_30d", mid, 30), ("kpi_tile_largest_year", largest, 365)):
        add(name, tenant,
            KPI + where(tenant, "tally", f"started_at >= {ts} - INTERVAL '{days} days'"),
            KPI + where(tenant, "duckdb", f"started_at >= {ts} - INTERVAL '{days} days'"),
            KPI_CH + where(tenant, "chdb", f"started_at >= {ts_ch} - INTERVAL {days} DAY"))
    sector = """SELECT sector, count(*) AS calls, avg(handle_s) AS aht_s,
       100.0 * count(*) FILTER (WHERE outcome = 'abandoned') / count(*) AS abandon_pct, avg(quality_score) AS quality
FROM agent_metrics GROUP BY sector ORDER BY sector"""
    add("sector_comparison", None, sector, sector, """SELECT sector, count() AS calls, avg(handle_s) AS aht_s,
       100.0 * countIf(outcome = 'abandoned') / count() AS abandon_pct, avg(quality_score) AS quality
FROM agent_metrics GROUP BY sector ORDER BY sector""")
    hourly = "SELECT {b} AS hour, count(*) AS calls, avg(handle_s) AS aht_s FROM agent_metrics{w} GROUP BY hour ORDER BY hour"
    add("hourly_trend_7d", largest,
        hourly.format(b="time_bucket(INTERVAL '1 hour', started_at)", w=where(largest, "tally", f"started_at >= {ts} - INTERVAL '7 days'")),
        hourly.format(b="time_bucket(INTERVAL '1 hour', started_at)", w=where(largest, "duckdb", f"started_at >= {ts} - INTERVAL '7 days'")),
        hourly.format(b="toStartOfHour(started_at)", w=where(largest, "chdb", f"started_at >= {ts_ch} - INTERVAL 7 DAY")))
    daily = "SELECT {b} AS day, count(*) AS calls, avg(handle_s) AS aht_s FROM agent_metrics{w} GROUP BY day ORDER BY day"
    add("daily_trend_365d", largest,
        daily.format(b="date_trunc('day', started_at)", w=where(largest, "tally")),
        daily.format(b="date_trunc('day', started_at)", w=where(largest, "duckdb")),
        daily.format(b="toStartOfDay(started_at)", w=where(largest, "chdb")))
    top = ("SELECT agent_id, count(*) AS calls, avg(quality_score) AS quality FROM agent_metrics{w} "
           "GROUP BY agent_id HAVING count(*) >= 50 ORDER BY quality DESC, agent_id LIMIT 10")
    add("top_agents", largest, *(top.format(w=where(largest, e, "agent_id IS NOT NULL")) for e in ("tally", "duckdb", "chdb")))
    shares = """SELECT sector, outcome, count(*) AS calls, 100.0 * count(*) / sum(count(*)) OVER (PARTITION BY sector) AS share_pct
FROM agent_metrics GROUP BY sector, outcome ORDER BY sector, outcome"""
    add("outcome_sector_shares", None, shares, shares, shares)
    quant = """SELECT sector, quantile_cont(handle_s, 0.5) AS p50, quantile_cont(handle_s, 0.9) AS p90, quantile_cont(handle_s, 0.99) AS p99
FROM agent_metrics WHERE handle_s IS NOT NULL GROUP BY sector ORDER BY sector"""
    add("quantiles_by_sector", None, quant, quant, """SELECT sector, quantilesExactInclusive(0.5, 0.9, 0.99)(handle_s) AS q
FROM agent_metrics WHERE handle_s IS NOT NULL GROUP BY sector ORDER BY sector""")
    distinct = "SELECT client_id, count(DISTINCT agent_id) AS agents FROM agent_metrics GROUP BY client_id ORDER BY client_id"
    add("distinct_agents_per_tenant", None, distinct, distinct,
        "SELECT client_id, uniqExact(agent_id) AS agents FROM agent_metrics GROUP BY client_id ORDER BY client_id")
    margin = ("SELECT client_id, sum(revenue) AS revenue, sum(cost) AS cost, (sum(revenue) - sum(cost)) / sum(revenue) AS margin "
              "FROM agent_metrics GROUP BY client_id ORDER BY client_id")
    # ClickHouse resolves `revenue` inside sum(revenue) - sum(cost) to the alias, so its aliases differ.
    add("margin_per_tenant", None, margin, margin,
        "SELECT client_id, sum(revenue) AS total_revenue, sum(cost) AS total_cost, (sum(revenue) - sum(cost)) / sum(revenue) AS margin "
        "FROM agent_metrics GROUP BY client_id ORDER BY client_id")
    return out


def dashboard_mix(end):
    """Tenant-scoped dashboard requests for the concurrency runs (the tenant is the connection's)."""
    ts = f"TIMESTAMP '{end}'"
    return [
        KPI + f" WHERE started_at >= {ts} - INTERVAL '30 days'",
        KPI + f" WHERE started_at >= {ts} - INTERVAL '1 days'",
        "SELECT time_bucket(INTERVAL '1 hour', started_at) AS hour, count(*) AS calls, avg(handle_s) AS aht_s "
        f"FROM agent_metrics WHERE started_at >= {ts} - INTERVAL '7 days' GROUP BY hour ORDER BY hour",
        "SELECT date_trunc('day', started_at) AS day, count(*) AS calls, avg(handle_s) AS aht_s "
        f"FROM agent_metrics WHERE started_at >= {ts} - INTERVAL '90 days' GROUP BY day ORDER BY day",
        "SELECT agent_id, count(*) AS calls, avg(quality_score) AS quality FROM agent_metrics "
        f"WHERE agent_id IS NOT NULL AND started_at >= {ts} - INTERVAL '30 days' GROUP BY agent_id ORDER BY quality DESC, agent_id LIMIT 10",
        f"SELECT sector, outcome, count(*) AS calls FROM agent_metrics WHERE started_at >= {ts} - INTERVAL '7 days' GROUP BY sector, outcome ORDER BY sector, outcome",
    ]


PARAM = re.compile(r"^--\s*param:\s*(\w+)\s+(\w+)(?:\s*=\s*(.*?))?\s*(?:--.*)?$", re.I)


def literal(kind, default):
    """A default as SQL text: INTERVAL/TIMESTAMP keep their keyword, strings are quoted."""
    if default is None or default.upper() == "NULL":
        return "NULL"
    v = default.strip()
    if v.startswith("'") and v.endswith("'"):
        v = v[1:-1]
    k = kind.upper()
    if k in ("INTERVAL", "TIMESTAMP"):
        return f"{k} '{v}'"
    if k in ("INTEGER", "BIGINT", "DOUBLE"):
        return v
    if k == "BOOLEAN":
        return v.lower()
    return "'" + v.replace("'", "''") + "'"


def library(qdir):
    """[(name, sql)] for every **/*.sql under `qdir` with its parameters at their defaults.
    A query with a parameter without default cannot run unattended and is skipped (named in the report)."""
    qdir = Path(qdir)
    out, skipped = [], []
    if not qdir.is_dir():
        return out, skipped
    for f in sorted(qdir.rglob("*.sql")):
        text = f.read_text()
        params = []
        for line in text.splitlines():
            m = PARAM.match(line.strip())
            if m:
                params.append((m.group(1), m.group(2), m.group(3)))
        name = "lib:" + str(f.relative_to(qdir))[:-4]
        if any(d is None for _, _, d in params):
            skipped.append((name, "a parameter has no default"))
            continue
        sql = "\n".join(l for l in text.splitlines() if not l.strip().startswith("--")).strip().rstrip(";").strip()
        values = {p[0].lower(): literal(p[1], p[2]) for p in params}
        positional = {str(i + 1): literal(p[1], p[2]) for i, p in enumerate(params)}

        def sub(m):
            k = m.group(1)
            return positional.get(k) if k.isdigit() else values.get(k.lower(), m.group(0))
        sql = re.sub(r"\$(\w+)", lambda m: sub(m) or m.group(0), sql)
        if ";" in sql:
            skipped.append((name, "more than one statement"))
            continue
        out.append((name, sql))
    return out, skipped
