#!/usr/bin/env python3
"""Times every query of the KPI library (queries/) through `tally repl`'s \\run, as a dashboard would.

    swift build -c release --product tally
    python3 benchmarks/kpi_library.py --data ~/.tally/demo --tenant t01 [--runs 7] [--tally .build/release/tally]

One REPL per query: a warm-up run, then --runs timed runs; prints the median and the slowest of the
REPL's own per-statement times (ms). Parameters are pinned to the store's last full day so that
runs are comparable; live queries look at the store's newest instant.
"""
import argparse
import os
import re
import statistics
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--tenant", required=True)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tally", default=os.path.join(ROOT, ".build", "release", "tally"))
    a = ap.parse_args()

    def repl(lines):
        p = subprocess.run([a.tally, "repl", "--data", a.data, "--tenant", a.tenant, "--queries", os.path.join(ROOT, "queries")],
                           input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
        return p.stdout + p.stderr

    out = repl(["SELECT max(started_at) FROM agent_metrics;"])
    newest = re.search(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)", out)
    day, at = newest.group(1), newest.group(0)
    since = subprocess.run(["date", "-u", "-d", day + " -7 days", "+%Y-%m-%d"], capture_output=True, text=True).stdout.strip()
    prev = subprocess.run(["date", "-u", "-d", day + " -1 day", "+%Y-%m-%d"], capture_output=True, text=True).stdout.strip()
    p7 = f"since='{since}' until='{day}'"
    runs = {
        "performance/summary": p7, "performance/agents": p7, "performance/occupancy": f"since='{prev}' until='{day}'",
        "performance/sectors": p7, "performance/top_performers": p7,
        "performance/trends": p7 + " bucket='1 hour' zone=Europe/Berlin",
        "performance/agent_detail": p7 + " agent_id=1", "quality/reviews": p7, "quality/summary": p7, "quality/fcr": p7,
        "quality/timeline": p7, "live/summary": f"at='{at}'", "live/agents_by_status": f"at='{at}'",
        "live/agent_status": f"agent_id=1 at='{at}'", "live/queue": f"at='{at}'", "live/health": f"at='{at}'",
        "satisfaction/csat_nps": p7, "satisfaction/sentiment": p7, "satisfaction/feedback_categories": p7,
        "revenue/summary": p7, "revenue/cost_breakdown": p7, "revenue/roi_margin_by_sector": p7, "revenue/margin_per_agent": p7,
        "reports/daily": f"day='{prev}'", "predictions/staffing": f"day='{day}'",
        "predictions/volume_forecast": f"since='{since}' until='{day}' horizon=24",
        "predictions/anomalies": f"since='{since}' until='{day}' season=24",
    }
    print(f"| query | median ms | max ms | rows |")
    print(f"|---|---:|---:|---:|")
    for q, args in runs.items():
        out = repl([f"\\run {q} {args}"] * (a.runs + 1))
        times = [(int(n), float(v) * (1000 if unit == "s" else 1)) for n, v, unit in re.findall(r"(\d+) rows? \(([\d.]+) (ms|s)\)", out)]
        if len(times) != a.runs + 1:
            print(f"| {q} | failed: {out.strip().splitlines()[-1][:80]} | | |")
            continue
        t = [ms for _, ms in times[1:]]
        print(f"| {q} | {statistics.median(t):.1f} | {max(t):.1f} | {times[-1][0]} |")


if __name__ == "__main__":
    main()
