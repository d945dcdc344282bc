"""Tally vs DuckDB vs chDB on the same data: see benchmarks/README.md. Entry: benchmarks/run.sh."""
import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import queries  # noqa: E402
from peers import ENGINES, peer_main  # noqa: E402

TALLY = Path(os.environ.get("TALLY_BIN", ROOT / ".build/release/tally"))
PY = sys.executable


def log(msg):
    print(f"[{datetime.datetime.now(datetime.UTC).strftime('%H:%M:%S')}] {msg}", flush=True)


def parse_scale(s):
    s = s.strip().upper()
    mult = {"K": 1_000, "M": 1_000_000, "B": 1_000_000_000}
    try:
        return int(float(s[:-1]) * mult[s[-1]]) if s[-1] in mult else int(s)
    except (ValueError, KeyError):
        raise argparse.ArgumentTypeError(f"--scale {s!r}: expected rows like 1M, 10M, 100M or 2500000")


def scale_label(n):
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else str(n)


# ---- load sampling -------------------------------------------------------------------------

class LoadSampler:
    """Samples /proc/stat and /proc/loadavg once a second; separates this harness's process tree
    (itself, tally, the peers) from everything else on the machine."""

    def __init__(self):
        self.samples = []  # (t, total_busy_cores, own_cores, loadavg1)
        self.phase = "start"
        self.stop = threading.Event()
        self.hz = os.sysconf("SC_CLK_TCK")
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    @staticmethod
    def cpu_total():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        idle = v[3] + v[4]
        return sum(v) - idle, sum(v)

    def own_ticks(self):
        me = os.getpid()
        parents, ticks = {}, {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open(f"/proc/{d}/stat") as f:
                    s = f.read()
            except OSError:
                continue
            rest = s[s.rfind(")") + 2:].split()
            parents[int(d)] = int(rest[1])
            ticks[int(d)] = int(rest[11]) + int(rest[12])
        total = 0
        for pid, t in ticks.items():
            p, hops = pid, 0
            while p and p != me and hops < 50:
                p, hops = parents.get(p, 0), hops + 1
            if p == me:
                total += t
        return total

    def loop(self):
        busy0, all0 = self.cpu_total()
        own0 = self.own_ticks()
        ncpu = os.cpu_count()
        while not self.stop.wait(1.0):
            busy1, all1 = self.cpu_total()
            own1 = self.own_ticks()
            span = max(1, all1 - all0)
            busy = (busy1 - busy0) / span * ncpu
            own = max(0, own1 - own0) / self.hz  # cores over ~1 s (exited children drop out: a lower bound)
            with open("/proc/loadavg") as f:
                la = float(f.read().split()[0])
            self.samples.append((self.phase, busy, min(own, busy), la))
            busy0, all0, own0 = busy1, all1, own1

    def summary(self, phase=None):
        s = [x for x in self.samples if phase is None or x[0] == phase]
        if not s:
            return None
        other = [max(0.0, b - o) for _, b, o, _ in s]
        return {"samples": len(s), "other_cores_mean": statistics.mean(other), "other_cores_max": max(other),
                "loadavg_mean": statistics.mean(x[3] for x in s), "loadavg_max": max(x[3] for x in s)}


# ---- steps ---------------------------------------------------------------------------------

def run(cmd, **kw):
    log("$ " + " ".join(str(c) for c in cmd))
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def du(path, suffix=None):
    total = 0
    for dp, _, files in os.walk(path):
        for f in files:
            if suffix is None or f.endswith(suffix):
                total += os.path.getsize(os.path.join(dp, f))
    return total


class Bench:
    def __init__(self, args):
        self.args = args
        self.n = args.scale
        self.work = Path(args.work).resolve() / f"bench-{self.n}"
        self.work.mkdir(parents=True, exist_ok=True)
        self.store = self.work / "store"
        self.csv = self.work / "csv"
        self.state_path = self.work / "state.json"
        self.state = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}
        self.sampler = LoadSampler()
        self.results = {"scale": self.n, "phases": {}}

    def save_state(self):
        self.state_path.write_text(json.dumps(self.state, indent=1))

    def phase(self, name):
        self.sampler.phase = name

    # 1. store + CSV, generated together (same seed, same rows).
    def generate(self):
        if self.state.get("generated") and self.store.is_dir() and (self.csv.is_dir() or self.state.get("peers_loaded_all")):
            log(f"reusing store and CSV in {self.work}")
            return
        self.phase("generate")
        shutil.rmtree(self.store, ignore_errors=True)
        shutil.rmtree(self.csv, ignore_errors=True)
        t0 = time.perf_counter()
        out = subprocess.run([str(TALLY), "generate", "--data", str(self.store), "--rows", str(self.n), "--seed", "1", "--csv", str(self.csv)],
                             check=True, capture_output=True, text=True).stdout
        secs = time.perf_counter() - t0
        rows = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[2] == "rows" and parts[1].isdigit() and parts[0] != "generated":
                rows[parts[0]] = int(parts[1])
        self.state.update({"generated": True, "generate_seconds": secs, "rows": rows, "generate_summary": out.splitlines()[-len(rows) - 1:] if rows else []})
        for k in ("peers_loaded_all",):
            self.state.pop(k, None)
        for e in ENGINES:
            self.state.pop("load_" + e, None)
        self.save_state()
        log(f"generated in {secs:.1f} s")

    # 2. peers load the CSV.
    def load_peers(self):
        for e in self.args.engines:
            if e == "tally":
                continue
            db = self.peer_db(e)
            if self.state.get("load_" + e) and os.path.exists(db):
                log(f"reusing {e} database {db}")
                continue
            if not self.csv.is_dir():
                raise SystemExit(f"{self.csv} is gone but {e} needs loading: delete {self.state_path} to regenerate")
            self.phase("load_" + e)
            shutil.rmtree(db, ignore_errors=True) if os.path.isdir(db) else (os.path.exists(db) and os.remove(db))
            out = self.work / f"load-{e}.json"
            t0 = time.perf_counter()
            run([PY, HERE / "bench.py", "peer", e, db, "load", self.csv, out])
            res = json.loads(out.read_text())
            res["wall_seconds"] = time.perf_counter() - t0
            self.state["load_" + e] = res
            self.save_state()
        if all(self.state.get("load_" + e) for e in self.args.engines if e != "tally"):
            self.state["peers_loaded_all"] = True
            self.save_state()
            if not self.args.keep_csv and self.csv.is_dir() and self.state.get("tally_bulk"):
                log(f"removing CSV {self.csv} (--keep-csv keeps it)")
                shutil.rmtree(self.csv)

    def peer_db(self, e):
        return str(self.work / ("duckdb.db" if e == "duckdb" else "chdb"))

    # 3. Tally bulk load rate: `tally load` of the largest tenant's agent_metrics CSV into a fresh store.
    def tally_bulk(self, largest):
        if self.state.get("tally_bulk"):
            return
        if not self.csv.is_dir():
            log("no CSV left for the Tally bulk-load measurement; skipped")
            return
        self.phase("tally_bulk")
        part = self.work / f"agent_metrics-{largest}.csv"
        import duckdb
        con = duckdb.connect()
        # At most --bulk-rows of the tenant (in file order): enough for a steady rate, and it keeps a 100 M run inside its hour.
        con.execute(f"COPY (SELECT * FROM read_csv('{self.csv}/agent_metrics.csv', header = true, all_varchar = true) WHERE client_id = '{largest}' "
                    f"LIMIT {self.args.bulk_rows}) "
                    f"TO '{part}' (HEADER, FORMAT csv, QUOTE '\"')")
        rows = con.execute(f"SELECT count(*) FROM read_csv('{part}', header = true, all_varchar = true)").fetchone()[0]
        dest = self.work / "bulk-store"
        shutil.rmtree(dest, ignore_errors=True)
        import resource
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        run([TALLY, "load", "--data", dest, "--tenant", largest, "--table", "agent_metrics", "--tenant-column", "client_id", part],
            capture_output=True)
        secs = time.perf_counter() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
        self.state["tally_bulk"] = {"rows": rows, "seconds": secs, "cpu_seconds": cpu, "bytes": part.stat().st_size}
        self.save_state()
        shutil.rmtree(dest, ignore_errors=True)
        part.unlink()

    def tenants(self):
        import duckdb
        con = duckdb.connect(self.peer_db("duckdb"), read_only=True)
        rows = con.execute("SELECT client_id, count(*) AS n, max(started_at) FROM agent_metrics GROUP BY client_id ORDER BY n DESC, client_id").fetchall()
        con.close()
        return rows

    # 4. Single-client latency per query on the three engines.
    def time_queries(self, spec):
        out = {}
        runs = self.args.runs
        tally_spec = [{"name": q["name"], "tenant": q["tenant"], "sql": q["sql"]["tally"]} for q in spec if "tally" in q["sql"]]
        if "tally" in self.args.engines:
            self.phase("queries_tally")
            p = self.work / "spec-tally.json"
            p.write_text(json.dumps(tally_spec))
            o = self.work / "times-tally.json"
            run([TALLY, "bench-queries", "--data", self.store, "--spec", p, "--runs", runs, "--json-out", o])
            out["tally"] = json.loads(o.read_text())
        for e in self.args.engines:
            if e == "tally":
                continue
            self.phase("queries_" + e)
            p = self.work / f"spec-{e}.json"
            p.write_text(json.dumps([{"name": q["name"], "sql": q["sql"][e], "library_tenant": q.get("library_tenant")} for q in spec if e in q["sql"]]))
            o = self.work / f"times-{e}.json"
            run([PY, HERE / "bench.py", "peer", e, self.peer_db(e), "time", p, runs, o])
            out[e] = json.loads(o.read_text())
        return out

    # 5. Concurrency over the line protocol, and durable WRITE ingest.
    def serve(self, data, secret, extra=()):
        port = free_port()
        proc = subprocess.Popen([str(TALLY), "serve", "--data", str(data), "--jwt-secret-file", str(secret), "--listen", f"127.0.0.1:{port}", *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = proc.stdout.readline()
        if "listening" not in line:
            proc.kill()
            raise SystemExit(f"tally serve did not start: {line}{proc.stdout.read()[:2000]}")
        threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()
        return proc, port

    def concurrency(self, tenants, end):
        secret = self.work / "jwt-secret"
        if not secret.exists():
            secret.write_text(os.urandom(32).hex())
        mix = self.work / "mix.json"
        mix.write_text(json.dumps(queries.dashboard_mix(end)))
        res = {}
        # The result cache is off: the mix repeats, and cached answers would measure the cache.
        proc, port = self.serve(self.store, secret, ["--cache-mb", "0", "--max-connections-per-tenant", "1024"])
        try:
            for c in self.args.connections:
                self.phase(f"conc_{c}")
                out = subprocess.run([str(TALLY), "bench-load", "--port", str(port), "--secret-file", str(secret), "--tenants", ",".join(tenants),
                                      "--connections", str(c), "--mix", str(mix), "--warmup", "2", "--seconds", str(self.args.load_seconds), "--json"],
                                     check=True, capture_output=True, text=True).stdout
                res[str(c)] = json.loads(out.strip().splitlines()[-1])
                log(f"{c} connections: {res[str(c)]}")
            self.server_rss = proc_rss(proc.pid)
        finally:
            stop(proc)
        return res

    def ingest(self):
        secret = self.work / "jwt-secret"
        data = self.work / "ingest-store"
        shutil.rmtree(data, ignore_errors=True)
        proc, port = self.serve(data, secret)
        res = {}
        try:
            for conns, points in ((1, 10_000), (4, 10_000)):
                self.phase(f"ingest_{conns}")
                out = subprocess.run([str(TALLY), "bench-load", "--port", str(port), "--secret-file", str(secret), "--tenants", "ingest",
                                      "--connections", str(conns), "--write-points", str(points), "--warmup", "1", "--seconds", str(self.args.load_seconds), "--json"],
                                     check=True, capture_output=True, text=True).stdout
                res[f"{conns}x{points}"] = json.loads(out.strip().splitlines()[-1])
                log(f"ingest {conns} connections × {points} points: {res[f'{conns}x{points}']}")
        finally:
            stop(proc)
            shutil.rmtree(data, ignore_errors=True)
        return res

    def main(self):
        a = self.args
        t_start = time.perf_counter()
        log(f"scale {self.n} rows; work dir {self.work}")
        self.generate()
        if "duckdb" not in a.engines:
            raise SystemExit("duckdb is needed: it picks the tenants and the Tally bulk-load sample")
        self.load_peers()
        ts = self.tenants()
        largest, mid = ts[0][0], ts[len(ts) // 2][0]
        end = str(max(r[2] for r in ts))[:19]
        self.tally_bulk(largest)
        if self.state.get("peers_loaded_all") and not a.keep_csv and self.csv.is_dir():
            log(f"removing CSV {self.csv} (--keep-csv keeps it)")
            shutil.rmtree(self.csv)
        spec = [{"name": n, "tenant": t, "sql": s} for n, t, s in queries.shapes(mid, largest, end)]
        lib, skipped = queries.library(Path(a.queries_dir))
        for name, sql in lib:
            spec.append({"name": name, "tenant": largest, "library_tenant": largest, "sql": {"tally": sql, "duckdb": sql, "chdb": sql}})
        times = self.time_queries(spec)
        conc = self.concurrency([t[0] for t in ts], end) if "tally" in a.engines and a.connections else {}
        ingest = self.ingest() if "tally" in a.engines and not a.skip_ingest else {}
        self.sampler.stop.set()
        store_bytes = du(self.store / "tenants", ".seg")
        am_bytes = sum(du(p, ".seg") for p in (self.store / "tenants").glob("*/agent_metrics"))
        result = {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"), "scale": self.n, "largest": largest, "mid": mid, "end": end,
            "versions": versions(a.engines), "state": self.state, "times": times, "spec": spec, "skipped_library": skipped,
            "concurrency": conc, "server_rss_mib": getattr(self, "server_rss", None), "ingest": ingest, "tally_store_bytes": store_bytes, "tally_agent_metrics_bytes": am_bytes,
            "work": str(self.work), "load": {p: self.sampler.summary(p) for p in sorted({s[0] for s in self.sampler.samples})},
            "load_all": self.sampler.summary(), "wall_seconds": time.perf_counter() - t_start, "command": " ".join(sys.argv[1:]),
        }
        (self.work / "result.json").write_text(json.dumps(result, indent=1, default=str))
        import report
        md = report.markdown(result)
        chart = report.chart(result, self.work if a.no_record else ROOT / "benchmarks/charts")
        md += f"\nChart: `benchmarks/charts/{chart.name}`\n"
        if not a.no_record:
            with open(ROOT / "benchmarks/RESULTS.md", "a") as f:
                f.write("\n" + md)
        print(md)
        log(f"done in {result['wall_seconds'] / 60:.1f} min")


def versions(engines):
    v = {"tally": subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip(),
         "swift": subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.split("\n")[0].strip() if shutil.which("swift") else "?",
         "python": platform.python_version()}
    for e in engines:
        if e in ENGINES:
            v[e] = ENGINES[e].version()
    return v


def proc_rss(pid):
    """{"rss": current, "peak": VmHWM} of a process in MiB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                out["rss"] = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                out["peak"] = int(line.split()[1]) / 1024
    return out


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "peer":
        return peer_main(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", type=parse_scale, default=parse_scale("10M"), help="agent_metrics rows: 1M, 10M, 100M …")
    ap.add_argument("--work", default=str(ROOT / "benchmarks/work"), help="where stores, CSV and peer databases live (reused when present)")
    ap.add_argument("--runs", type=int, default=20, help="timed runs per query after one warm-up")
    ap.add_argument("--engines", default="tally,duckdb,chdb")
    ap.add_argument("--connections", default="1,16,200", help="connection counts of the concurrency runs ('' to skip)")
    ap.add_argument("--load-seconds", type=float, default=10, help="seconds measured per concurrency/ingest run")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--bulk-rows", type=int, default=3_000_000, help="most rows of the largest tenant loaded by the timed `tally load`")
    ap.add_argument("--queries-dir", default=str(ROOT / "queries"), help="the KPI library: every *.sql below it runs with default parameters")
    ap.add_argument("--keep-csv", action="store_true", help="keep the CSV export after the peers loaded it")
    ap.add_argument("--no-record", action="store_true", help="print the results without appending them to RESULTS.md")
    a = ap.parse_args()
    a.engines = [e.strip() for e in a.engines.split(",") if e.strip()]
    for e in a.engines:
        if e != "tally" and e not in ENGINES:
            ap.error(f"--engines: unknown engine {e!r} (tally, duckdb, chdb)")
    a.connections = [int(c) for c in a.connections.split(",") if c.strip()]
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    if not TALLY.exists():
        ap.error(f"{TALLY} is missing: build it with `swift build -c release --product tally` (benchmarks/run.sh does)")
    Bench(a).main()


if __name__ == "__main__":
    main()
