"""DuckDB and chDB (embedded ClickHouse): loading the CSV export and timing queries.

Each peer runs in its own process (`bench.py peer …`), so its open time and RSS are its own."""
import json
import os
import resource
import time

from schema import tables, duckdb_ddl, clickhouse_ddl


def cpu_seconds():
    """CPU time of this process so far (user + system), so load rates can be read apart from machine load."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rss_mib(field="VmRSS"):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


class DuckDB:
    name = "duckdb"

    def __init__(self, path):
        import duckdb
        self.duckdb = duckdb
        self.path = path
        self.con = duckdb.connect(path)

    @staticmethod
    def version():
        import duckdb
        return duckdb.__version__

    def load(self, csv_dir):
        """Creates every table and loads its CSV sorted by (client_id, time); returns {table: (rows, seconds)}."""
        out = {}
        for table, spec in tables().items():
            path = os.path.join(csv_dir, table + ".csv")
            if not os.path.exists(path):
                continue
            cols = {"client_id": "VARCHAR"} | {c: t for c, t, _ in spec["columns"]}
            colspec = "{" + ", ".join(f"'{c}': '{t}'" for c, t in cols.items()) + "}"
            order = "client_id" + (f', "{spec["time"]}"' if spec["time"] else "")
            t0, c0 = time.perf_counter(), cpu_seconds()
            self.con.execute(f"DROP TABLE IF EXISTS {table}")
            self.con.execute(duckdb_ddl(table, spec))
            self.con.execute(f"INSERT INTO {table} SELECT * FROM read_csv('{path}', header = true, columns = {colspec}, "
                             f"timestampformat = '%Y-%m-%d %H:%M:%S') ORDER BY {order}")
            self.con.execute("CHECKPOINT")
            rows = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            out[table] = (rows, time.perf_counter() - t0, cpu_seconds() - c0)
        return out

    def bytes_of(self, table):
        # Blocks are 256 KiB; a table's distinct blocks are what it occupies in the file.
        r = self.con.execute(f"SELECT count(DISTINCT block_id) FROM pragma_storage_info('{table}') WHERE block_id IS NOT NULL").fetchone()[0]
        info = self.con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
        return r * info

    def tenant_scope(self, tenant):
        # A schema of views that hide client_id and filter to one tenant, so the queries library's
        # tenant-implicit SQL runs unchanged (filters push down into the sorted table).
        s = "tenant_" + tenant
        self.con.execute(f"CREATE SCHEMA IF NOT EXISTS {s}")
        loaded = [r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()]
        for table in loaded:
            self.con.execute(f"CREATE OR REPLACE VIEW {s}.{table} AS SELECT * EXCLUDE (client_id) FROM main.{table} WHERE client_id = '{tenant}'")
        self.con.execute(f"SET search_path = '{s},main'")

    def reset_scope(self):
        self.con.execute("SET search_path = 'main'")

    def run(self, sql):
        return len(self.con.execute(sql).fetchall())


class ChDB:
    name = "chdb"

    def __init__(self, path):
        from chdb import session
        self.sess = session.Session(path)
        self.sess.query("CREATE DATABASE IF NOT EXISTS bench ENGINE = Atomic")
        self.db = "bench"

    @staticmethod
    def version():
        import chdb
        return f"{chdb.__version__} (ClickHouse {str(chdb.query('SELECT version()', 'CSV')).strip().strip(chr(34))})"

    def q(self, sql, fmt="CSV"):
        return self.sess.query(sql, fmt)

    def load(self, csv_dir):
        out = {}
        for table, spec in tables().items():
            path = os.path.join(csv_dir, table + ".csv")
            if not os.path.exists(path):
                continue
            t0, c0 = time.perf_counter(), cpu_seconds()
            self.q(f"DROP TABLE IF EXISTS bench.{table} SYNC")
            self.q(clickhouse_ddl("bench." + table, spec))
            structure = ", ".join(["client_id String"] + [f'"{c}" {ch}' for c, ch in
                                  ((c, _csv_type(t, nn)) for c, t, nn in spec["columns"])])
            structure = structure.replace("'", "\\'")
            self.q(f"INSERT INTO bench.{table} SELECT * FROM file('{path}', 'CSVWithNames', '{structure}') "
                   f"SETTINGS input_format_csv_empty_as_default = 1, date_time_input_format = 'best_effort'")
            self.q(f"OPTIMIZE TABLE bench.{table} FINAL")
            rows = int(str(self.q(f"SELECT count() FROM bench.{table}")).strip())
            out[table] = (rows, time.perf_counter() - t0, cpu_seconds() - c0)
        return out

    def bytes_of(self, table):
        return int(str(self.q(f"SELECT sum(bytes_on_disk) FROM system.parts WHERE database = 'bench' AND table = '{table}' AND active")).strip())

    def tenant_scope(self, tenant):
        s = "tenant_" + tenant
        self.q(f"CREATE DATABASE IF NOT EXISTS {s}")
        loaded = str(self.q("SELECT name FROM system.tables WHERE database = 'bench'", "TSV")).split()
        for table in loaded:
            self.q(f"CREATE OR REPLACE VIEW {s}.{table} AS SELECT * EXCEPT (client_id) FROM bench.{table} WHERE client_id = '{tenant}'")
        self.q(f"USE {s}")

    def reset_scope(self):
        self.q("USE bench")

    def run(self, sql):
        r = self.q(sql)
        return str(r).count("\n")


def _csv_type(typ, not_null):
    from schema import CH_TYPES
    t = CH_TYPES[typ]
    return t if not_null else f"Nullable({t})"


ENGINES = {"duckdb": DuckDB, "chdb": ChDB}


def peer_main(args):
    """`bench.py peer ENGINE DB (load CSVDIR | time SPEC RUNS OUT)`: one peer's work in its own process."""
    engine, db, action = args[0], args[1], args[2]
    rss0 = rss_mib()
    t0 = time.perf_counter()
    e = ENGINES[engine](db)
    if engine == "chdb":
        e.reset_scope()
    open_s = time.perf_counter() - t0
    rss_open = rss_mib()
    if action == "load":
        loads = e.load(args[3])
        res = {"loads": {t: {"rows": r, "seconds": s, "cpu_seconds": c} for t, (r, s, c) in loads.items()},
               "agent_metrics_bytes": e.bytes_of("agent_metrics")}
        with open(args[4], "w") as f:
            json.dump(res, f)
        return
    spec_path, runs, out = args[3], int(args[4]), args[5]
    spec = json.load(open(spec_path))
    results = []
    for q in spec:
        try:
            if q.get("library_tenant"):
                e.tenant_scope(q["library_tenant"])
            rows = e.run(q["sql"])
            ms = []
            for _ in range(runs):
                t = time.perf_counter()
                e.run(q["sql"])
                ms.append((time.perf_counter() - t) * 1000)
            results.append({"name": q["name"], "ms": ms, "rows": rows})
        except Exception as ex:  # a query this peer cannot run is reported, not fatal
            results.append({"name": q["name"], "error": str(ex).strip().splitlines()[0][:300]})
        finally:
            if q.get("library_tenant"):
                e.reset_scope()
    with open(out, "w") as f:
        json.dump({"open_s": open_s, "rss_before_open_mib": rss0, "rss_after_open_mib": rss_open,
                   "rss_peak_mib": rss_mib("VmHWM"), "queries": results}, f)
