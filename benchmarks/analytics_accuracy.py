#!/usr/bin/env python3
"""Forecast accuracy and anomaly precision/recall of Tally's analytics functions on generated data.

Usage: [TOP=n] [ORACLE=expected.csv] [FORECAST_ONLY=1] analytics_accuracy.py TALLY DATA_DIR TENANT [THRESHOLD]
  DATA_DIR from `tally generate`; labels come from its injected_anomalies table; TOP=n keeps
  tenants t01..tn for the anomaly figures. The queries are the ones README recommends.
"""
import csv, io, os, subprocess, sys
from collections import defaultdict
from datetime import datetime, timedelta

tally, data, tenant = sys.argv[1], sys.argv[2], sys.argv[3]

def q(sql, scope=None):
    args = [tally, "query", "--data", data, "--format", "csv"] + (scope or ["--tenant", tenant]) + [sql]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return list(csv.DictReader(io.StringIO(out)))

def ts(s):
    return datetime.strptime(s[:19], "%Y-%m-%d %H:%M:%S")

# ---- forecast: hourly calls of one tenant, last full week held out ----
last = ts(q("SELECT max(started_at) AS m FROM agent_metrics")[0]["m"])
cut = (last.replace(hour=0, minute=0, second=0) + timedelta(days=1)) - timedelta(days=7)
series = f"(SELECT time_bucket(INTERVAL '1 hour', started_at) AS b, count(*) AS calls FROM agent_metrics WHERE started_at < TIMESTAMP '{cut}' GROUP BY 1)"
actual = {r["b"]: float(r["calls"]) for r in q(f"SELECT time_bucket(INTERVAL '1 hour', started_at) AS b, count(*) AS calls FROM agent_metrics WHERE started_at >= TIMESTAMP '{cut}' GROUP BY 1")}
print(f"tenant {tenant}: held-out week from {cut}, {sum(actual.values()):.0f} calls")
history = q(f"SELECT b, calls FROM {series} ORDER BY b")
h = {r["b"]: float(r["calls"]) for r in history}
start = ts(history[0]["b"]); hours = int((cut - start).total_seconds() // 3600)
hvals = [h.get((start + timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S"), 0.0) for i in range(hours)]
def score(model):
    rows = q(f"SELECT target_at, value, model FROM forecast({series}, horizon => 168, model => '{model}') ORDER BY target_at")
    y = [actual.get(r["target_at"][:19], 0.0) for r in rows]
    f = [float(r["value"]) for r in rows]
    w = sum(abs(a - b) for a, b in zip(y, f)) / sum(y)
    scale = sum(abs(hvals[t] - hvals[t - 168]) for t in range(168, len(hvals))) / (len(hvals) - 168)
    mase = sum(abs(a - b) for a, b in zip(y, f)) / len(y) / scale
    return w, mase, rows[0]["model"]
for m in ["seasonal_naive", "holt_winters", "auto"]:
    w, mase, chosen = score(m)
    print(f"  forecast {m:15s} wMAPE {w*100:5.1f} %  MASE {mase:.2f}  (model {chosen})")
# The floor: `tally generate --expected-arrivals FILE` (same --rows/--days/--tenants/--seed) gives the
# generator's expected hourly arrivals, from the calendar alone (what a perfect model could know a
# week ahead) and × the day's busyness (what only the day itself reveals; then only Poisson noise is left).
if os.environ.get("ORACLE"):
    exp = {r["hour"]: r for r in csv.DictReader(open(os.environ["ORACLE"])) if r["client_id"] == tenant}
    test_hours = [(cut + timedelta(hours=i)).strftime("%Y-%m-%d %H:%M:%S") for i in range(168)]
    y = [actual.get(t, 0.0) for t in test_hours]
    for col, name in (("expected_calendar", "oracle: calendar"), ("expected_with_busyness", "oracle: × day busyness")):
        f = [float(exp[t][col]) for t in test_hours]
        print(f"  forecast {name:23s} wMAPE {sum(abs(a - b) for a, b in zip(y, f)) / sum(y) * 100:5.1f} %")
    # Sanity: the expectation sums to the tenant's calls over the whole period (surges aside).
    print(f"  expected calls over the period {sum(float(r['expected_with_busyness']) for r in exp.values()):.0f}")

if os.environ.get("FORECAST_ONLY"):
    sys.exit(0)

# ---- anomalies: every tenant, against injected_anomalies ----
ALL = ["--all-tenants"]
import os
top = int(os.environ.get("TOP", "0"))
keep = (lambda c: int(c[1:]) <= top) if top else (lambda c: True)
labels = [l for l in q("SELECT client_id, kind, start_at, end_at, agent_id, queue FROM injected_anomalies", ALL) if keep(l["client_id"])]
threshold = sys.argv[4] if len(sys.argv) > 4 else "3.5"
def detect(select, sign, extra):
    rows = q(f"SELECT * FROM anomalies(({select}), threshold => {threshold}{extra}) WHERE score {'>' if sign > 0 else '<'} 0", ALL)
    return [r for r in rows if keep(r["client_id"])]
day = timedelta(days=1); hour = timedelta(hours=1)
def overlaps(b, width, lab):
    return ts(b) < ts(lab["end_at"]) and ts(b) + width > ts(lab["start_at"])
results = {}
vol = detect("SELECT client_id, time_bucket(INTERVAL '1 hour', started_at), count(*) FROM agent_metrics GROUP BY 1, 2", +1,
             ", level_window => 24, transform => 'sqrt'")
aht = detect("SELECT client_id, agent_id, time_bucket(INTERVAL '1 day', started_at), avg(handle_s) FROM agent_metrics "
             "WHERE handle_s IS NOT NULL AND agent_id IS NOT NULL GROUP BY 1, 2, 3 HAVING count(*) >= 10", +1, ", season => 1, transform => 'log'")
# customer_satisfaction has no queue: take it from the surveyed call.
csq = detect("SELECT s.client_id, m.queue, time_bucket(INTERVAL '1 day', s.surveyed_at), avg(s.csat) FROM customer_satisfaction s "
             "JOIN agent_metrics m ON m.client_id = s.client_id AND m.call_id = s.call_id WHERE s.csat IS NOT NULL GROUP BY 1, 2, 3 HAVING count(*) >= 10", -1, ", season => 1")
csa = detect("SELECT client_id, agent_id, time_bucket(INTERVAL '1 day', surveyed_at), avg(csat) FROM customer_satisfaction "
             "WHERE csat IS NOT NULL AND agent_id IS NOT NULL GROUP BY 1, 2, 3 HAVING count(*) >= 5", -1, ", season => 1")
def evaluate(kind, detections, width, match):
    labs = [l for l in labels if l["kind"] == kind]
    tp = sum(1 for d in detections if any(l["client_id"] == d["client_id"] and match(d, l) and overlaps(d["bucket"], width, l) for l in labs))
    found = sum(1 for l in labs if any(l["client_id"] == d["client_id"] and match(d, l) and overlaps(d["bucket"], width, l) for d in detections))
    p = tp / len(detections) if detections else float("nan")
    r = found / len(labs) if labs else float("nan")
    print(f"  {kind:13s} labels {len(labs):3d} found {found:3d}  detections {len(detections):4d} true {tp:4d}  precision {p:.2f} recall {r:.2f}")
    return tp, len(detections), found, len(labs)
print(f"anomalies (mad_seasonal, threshold {threshold}), {'tenants t01–t%02d' % top if top else 'all tenants'}:")
t = [evaluate("volume_surge", vol, hour, lambda d, l: True),
     evaluate("aht_spike", aht, day, lambda d, l: d["agent_id"] == l["agent_id"]),
     evaluate("csat_drop", csq + csa, day, lambda d, l: (l["queue"] != "" and d.get("queue") == l["queue"]) or (l["agent_id"] != "" and d.get("agent_id") == l["agent_id"]))]
tp = sum(x[0] for x in t); n = sum(x[1] for x in t); f = sum(x[2] for x in t); L = sum(x[3] for x in t)
print(f"  overall: precision {tp/n:.2f} ({tp}/{n}), recall {f/L:.2f} ({f}/{L})")

# ---- the same labels, series built for each kind and scored over runs of days (span, weighted) ----
# aht_spike: per agent and day the mean of ln(handle_s) less the tenant's mean for the call's queue,
# channel and outcome, weighted by its calls (the spike multiplies every call, so it shifts this by
# ln(magnitude) whatever the agent's mix of calls that day); runs of up to 5 days, threshold 4.5.
# csat_drop: per queue and day the mean csat; per agent and day the mean of (csat − that day's
# queue mean), so that a queue's drop does not show as a drop of every agent on it and vice versa.
# Weighted by surveys, runs of up to 3 days, threshold 5. Spans and thresholds were tuned on seed 1.
def detect2(select, sign, span, threshold):
    rows = q(f"SELECT * FROM anomalies(({select}), threshold => {threshold}, season => 1, span => {span}, weighted => true) WHERE score {'>' if sign > 0 else '<'} 0", ALL)
    return [r for r in rows if keep(r["client_id"])]
aht2 = detect2("SELECT m.client_id, m.agent_id, time_bucket(INTERVAL '1 day', m.started_at), avg(ln(m.handle_s + 1) - g.gl), count(*) FROM agent_metrics m "
               "JOIN (SELECT client_id, queue, channel, outcome, avg(ln(handle_s + 1)) AS gl FROM agent_metrics WHERE handle_s IS NOT NULL GROUP BY 1, 2, 3, 4) g "
               "ON g.client_id = m.client_id AND g.queue = m.queue AND g.channel = m.channel AND g.outcome = m.outcome "
               "WHERE m.handle_s IS NOT NULL AND m.agent_id IS NOT NULL GROUP BY 1, 2, 3", +1, 5, 4.5)
qday = ("(SELECT s.client_id, m.queue, time_bucket(INTERVAL '1 day', s.surveyed_at) AS d, avg(s.csat) AS qc FROM customer_satisfaction s "
        "JOIN agent_metrics m ON m.client_id = s.client_id AND m.call_id = s.call_id WHERE s.csat IS NOT NULL GROUP BY 1, 2, 3)")
csq2 = detect2("SELECT s.client_id, m.queue, time_bucket(INTERVAL '1 day', s.surveyed_at), avg(s.csat), count(*) FROM customer_satisfaction s "
               "JOIN agent_metrics m ON m.client_id = s.client_id AND m.call_id = s.call_id WHERE s.csat IS NOT NULL GROUP BY 1, 2, 3", -1, 3, 5)
csa2 = detect2("SELECT s.client_id, s.agent_id, time_bucket(INTERVAL '1 day', s.surveyed_at), avg(s.csat - q.qc), count(*) FROM customer_satisfaction s "
               f"JOIN agent_metrics m ON m.client_id = s.client_id AND m.call_id = s.call_id JOIN {qday} q ON q.client_id = s.client_id AND q.queue = m.queue "
               "AND q.d = time_bucket(INTERVAL '1 day', s.surveyed_at) WHERE s.csat IS NOT NULL AND s.agent_id IS NOT NULL GROUP BY 1, 2, 3", -1, 3, 5)
print("anomalies, weighted runs (aht_spike: span 5, threshold 4.5; csat_drop: span 3, threshold 5); volume_surge as above:")
t2 = [t[0],
      evaluate("aht_spike", aht2, day, lambda d, l: d["agent_id"] == l["agent_id"]),
      evaluate("csat_drop", csq2 + csa2, day, lambda d, l: (l["queue"] != "" and d.get("queue") == l["queue"]) or (l["agent_id"] != "" and d.get("agent_id") == l["agent_id"]))]
tp = sum(x[0] for x in t2); n = sum(x[1] for x in t2); f = sum(x[2] for x in t2); L = sum(x[3] for x in t2)
print(f"  overall: precision {tp/n:.2f} ({tp}/{n}), recall {f/L:.2f} ({f}/{L})")
