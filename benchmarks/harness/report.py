"""The Markdown table and the PNG chart of one harness run."""
import math
from pathlib import Path

ENGINES = ("tally", "duckdb", "chdb")
GOAL_P99_MS = 100.0


def stats(ms):
    """Median and p99 (nearest rank) of a list of timings; every engine goes through this one function."""
    s = sorted(ms)
    return s[len(s) // 2], s[min(len(s) - 1, math.ceil(len(s) * 0.99) - 1)]


def per_query(result):
    """{query: {engine: (median, p99) or error text}} in spec order."""
    out = {}
    for q in result["spec"]:
        out[q["name"]] = {}
    for e, t in result["times"].items():
        for q in t["queries"]:
            out.setdefault(q["name"], {})[e] = stats(q["ms"]) if "ms" in q else "error: " + q["error"][:80]
    return out


def fmt(x):
    if x is None:
        return "–"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def rate(rows, seconds):
    """Rows per second, in M or k."""
    r = rows / max(seconds, 1e-9)
    return f"{r / 1e6:.2f} M rows/s" if r >= 1e6 else f"{r / 1e3:.0f} k rows/s"


def cpu_note(x):
    c = x.get("cpu_seconds")
    return f" ({rate(x['rows'], c)} of CPU time, {c:.1f} CPU-s)" if c else ""


def mib(x):
    return f"{x:.1f} MiB" if x is not None else "–"


def markdown(r):
    n = r["scale"]
    st = r["state"]
    v = r["versions"]
    engines = [e for e in ENGINES if e in r["times"]]
    lines = [f"## {r['date']} — harness, {n:,} agent_metrics rows (issue 7)", "",
             f"Machine: 2-core Debian VM, 24 GiB. Release build. Command: `benchmarks/run.sh {r['command']}`. "
             f"Versions: Tally {v.get('tally')}, {v.get('swift')}, DuckDB {v.get('duckdb', '–')}, chDB {v.get('chdb', '–')}, Python {v.get('python')}. "
             f"Wall time {r['wall_seconds'] / 60:.1f} min.", ""]
    la = r.get("load_all")
    if la:
        lines.append(f"Load from other processes over the run (sampled each second from /proc/stat minus this harness's process tree): "
                     f"mean {la['other_cores_mean']:.2f} cores busy, max {la['other_cores_max']:.2f}; load average mean {la['loadavg_mean']:.1f}, "
                     f"max {la['loadavg_max']:.1f}. Per phase in `{r.get('work', 'benchmarks/work/bench-' + str(n))}/result.json`.")
        lines.append("")
    lines += ["Layouts: Tally per-tenant tables, segments sorted by started_at (single-tenant queries run in the tenant's session); "
              "DuckDB one table per data-model table with client_id, rows inserted sorted by (client_id, time); "
              "chDB MergeTree ORDER BY (client_id, time), LowCardinality strings, OPTIMIZE FINAL after load. "
              f"Single-client latency: one warm-up then {r['times'].get('tally', {}).get('runs', '?')} timed runs per query, in-process "
              "(Tally `bench-queries`, the peers' Python APIs), median and p99 (nearest rank) in ms. Ratio = Tally median / best peer median.", ""]
    pq = per_query(r)
    head = "| query | " + " | ".join(f"{e} median | {e} p99" for e in engines) + " | Tally/best peer |"
    lines += [head, "|---|" + "---:|---:|" * len(engines) + "---:|"]
    for name, by in pq.items():
        cells = []
        for e in engines:
            x = by.get(e)
            if isinstance(x, tuple):
                cells += [fmt(x[0]), fmt(x[1])]
            else:
                cells += [x or "–", ""]
        t = by.get("tally")
        peers = [by[e][0] for e in engines if e != "tally" and isinstance(by.get(e), tuple)]
        ratio = f"{t[0] / min(peers):.2f}" if isinstance(t, tuple) and peers and min(peers) > 0 else "–"
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratio} |")
    if r.get("skipped_library"):
        lines.append("")
        lines.append("Library queries not run: " + "; ".join(f"{n} ({why})" for n, why in r["skipped_library"]) + ".")
    lines.append("")
    conc = r.get("concurrency") or {}
    if conc:
        lines += ["Concurrency over the line protocol (`tally serve`, result cache off, closed loop, connections spread over all tenants, "
                  "six tenant-scoped dashboard queries cycled; `tally bench-load`, HdrHistogram):", "",
                  "| connections | answers/s | p50 ms | p90 ms | p99 ms | max ms | errors |", "|---:|---:|---:|---:|---:|---:|---:|"]
        for c, x in conc.items():
            lines.append(f"| {c} | {x['answers_per_s']:,.0f} | {fmt(x['p50_ms'])} | {fmt(x['p90_ms'])} | {fmt(x['p99_ms'])} | {fmt(x['max_ms'])} | {x['errors']} |")
        lines.append("")
    rows = {k: v for k, v in st.get("rows", {}).items() if k != "generated"}
    am = rows.get("agent_metrics", n)
    fig = [("generate + load (Tally, all tables, from the generator)",
            f"{sum(rows.values()):,} rows in {st.get('generate_seconds', 0):.1f} s = {rate(sum(rows.values()), st.get('generate_seconds', 1))}" if rows else "–")]
    tb = st.get("tally_bulk")
    if tb:
        fig.append(("bulk load from CSV, agent_metrics (Tally `tally load`, largest tenant)", f"{tb['rows']:,} rows in {tb['seconds']:.1f} s = {rate(tb['rows'], tb['seconds'])}{cpu_note(tb)}"))
    for e in ("duckdb", "chdb"):
        ld = st.get("load_" + e)
        if ld:
            a = ld["loads"].get("agent_metrics")
            total_rows = sum(x["rows"] for x in ld["loads"].values())
            total_s = sum(x["seconds"] for x in ld["loads"].values())
            fig.append((f"bulk load from CSV ({e}), agent_metrics sorted", f"{a['rows']:,} rows in {a['seconds']:.1f} s = {rate(a['rows'], a['seconds'])}{cpu_note(a)}"))
            fig.append((f"bulk load from CSV ({e}), all tables", f"{total_rows:,} rows in {total_s:.1f} s = {rate(total_rows, total_s)}"))
    ing = r.get("ingest") or {}
    for k, x in ing.items():
        c, p = k.split("x")
        fig.append((f"durable WRITE ingest (Tally, {c} connection(s), {int(p):,} points per WRITE, fsync before answer)",
                    f"{x['rows_per_s']:,.0f} rows/s; p99 {fmt(x['p99_ms'])} ms per WRITE; {x['errors']} errors"))
    fig.append(("on-disk bytes per agent_metrics row (Tally segments)", f"{r['tally_agent_metrics_bytes'] / am:.2f}"))
    for e in ("duckdb", "chdb"):
        ld = st.get("load_" + e)
        if ld:
            fig.append((f"on-disk bytes per agent_metrics row ({e})", f"{ld['agent_metrics_bytes'] / am:.2f}"))
    for e in engines:
        t = r["times"][e]
        fig.append((f"open time / RSS after open / peak RSS ({e})",
                    f"{t['open_s'] * 1000:.1f} ms / {mib(t['rss_after_open_mib'])} (process before open {mib(t['rss_before_open_mib'])}) / {mib(t['rss_peak_mib'])}"))
    srv = r.get("server_rss_mib")
    if srv:
        fig.append(("`tally serve` RSS after the concurrency runs / peak", f"{mib(srv.get('rss'))} / {mib(srv.get('peak'))}"))
    lines += ["| figure | value |", "|---|---|"] + [f"| {a} | {b} |" for a, b in fig]
    lines.append("")
    lines += goals(r, pq, conc, tb, ing, am)
    return "\n".join(lines) + "\n"


def goals(r, pq, conc, tb, ing, am):
    """The issue's goals (stated for 100 M rows) against this run."""
    out = [f"Goals (set for 100 M rows; this run has {r['scale']:,}):", ""]

    def verdict(ok, by):
        return "met" if ok else f"missed ({by})"
    tally = {k: v.get("tally") for k, v in pq.items()}
    p99s = {k: v[1] for k, v in tally.items() if isinstance(v, tuple)}
    over = {k: v for k, v in p99s.items() if v >= GOAL_P99_MS}
    out.append(f"- every dashboard query p99 < 100 ms single-client: {verdict(not over, ', '.join(f'{k} {v:.0f} ms' for k, v in over.items()))}")
    ratios = {}
    for k, v in pq.items():
        t = v.get("tally")
        peers = [x[0] for e, x in v.items() if e != "tally" and isinstance(x, tuple)]
        if isinstance(t, tuple) and peers:
            ratios[k] = t[0] / min(peers)
    bad = {k: x for k, x in ratios.items() if x > 0.5}
    out.append(f"- Tally/best peer ≤ 0.5 per query: {len(ratios) - len(bad)} of {len(ratios)} met" +
               (f"; missed: {', '.join(f'{k} {x:.2f}' for k, x in bad.items())}" if bad else ""))
    if "200" in conc:
        p = conc["200"]["p99_ms"]
        out.append(f"- p99 < 100 ms with 200 connections: {verdict(p < 100, f'{p:.0f} ms, ×{p / 100:.1f}')}")
    if tb:
        wall = tb["rows"] / tb["seconds"]
        out.append(f"- ≥ 1 M rows/s bulk load: {verdict(wall >= 1e6, f'{wall / 1e3:.0f} k rows/s, ×{1e6 / wall:.1f} short')}"
                   + (f"; per CPU-second {tb['rows'] / tb['cpu_seconds'] / 1e3:.0f} k rows" if tb.get("cpu_seconds") else ""))
    if ing:
        best = max(x["rows_per_s"] for x in ing.values())
        out.append(f"- ≥ 200 k rows/s durable WRITE ingest: {verdict(best >= 2e5, f'{best / 1e3:.0f} k rows/s, ×{2e5 / max(best, 1):.1f} short')}")
    bpr = r["tally_agent_metrics_bytes"] / am
    out.append(f"- ≤ 12 bytes/row: {verdict(bpr <= 12, f'{bpr:.2f}')}")
    rss = r["times"].get("tally", {}).get("rss_after_open_mib")
    if rss is not None:
        out.append(f"- RSS after open < 100 MiB: {verdict(rss < 100, f'{rss:.0f} MiB')}")
    return out


def chart(r, outdir):
    """Median latency per query and engine, log scale, p99 as a tick; returns the PNG's path."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    pq = per_query(r)
    engines = [e for e in ENGINES if e in r["times"]]
    names = list(pq)
    fig, ax = plt.subplots(figsize=(max(10, len(names) * 0.9), 5.5))
    width = 0.8 / len(engines)
    colors = {"tally": "#1f77b4", "duckdb": "#ff7f0e", "chdb": "#2ca02c"}
    for i, e in enumerate(engines):
        xs, med, err = [], [], []
        for j, nme in enumerate(names):
            v = pq[nme].get(e)
            if isinstance(v, tuple):
                xs.append(j + (i - (len(engines) - 1) / 2) * width)
                med.append(max(v[0], 1e-3))
                err.append(max(v[1] - v[0], 0))
        ax.bar(xs, med, width, label=e, color=colors.get(e))
        ax.errorbar(xs, med, yerr=[[0] * len(err), err], fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
    ax.set_yscale("log")
    ax.set_ylabel("latency, ms (bar: median, whisker: p99)")
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=35, ha="right", fontsize=8)
    ax.axhline(GOAL_P99_MS, color="red", linestyle="--", linewidth=0.8, label="100 ms goal")
    ax.set_title(f"Dashboard queries, {r['scale']:,} agent_metrics rows, single client ({r['date']})")
    ax.legend()
    fig.tight_layout()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"latency-{r['scale'] // 1_000_000}M-{r['date'][:10]}-{r['date'][11:13]}{r['date'][14:16]}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
