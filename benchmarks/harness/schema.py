"""Tally's data model (Sources/TallyAnalytics/Resources/schema.sql) as column lists, and the
DDL each peer gets for the same tables."""
import re
from pathlib import Path

SCHEMA_SQL = Path(__file__).resolve().parents[2] / "Sources/TallyAnalytics/Resources/schema.sql"

# Columns whose values are free text or near-unique: dictionary-encoding them (LowCardinality)
# would be the wrong layout for ClickHouse.
HIGH_CARDINALITY = {"name", "notes", "comment", "message", "sql", "detail", "description", "user_id", "subject"}


def tables():
    """{table: {"columns": [(name, type, not_null)], "time": time column or None}} from schema.sql."""
    text = re.sub(r"--[^\n]*", "", SCHEMA_SQL.read_text())
    out = {}
    for m in re.finditer(r"CREATE TABLE (\w+)\s*\((.*?)\)\s*(WITH\s*\((.*?)\))?\s*;", text, re.S):
        name, body, opts = m.group(1), m.group(2), m.group(4) or ""
        cols = []
        for part in body.split(","):
            words = part.split()
            if len(words) < 2:
                continue
            cols.append((words[0], words[1].upper(), "NOT NULL" in part.upper()))
        tm = re.search(r"time_column\s*=\s*(\w+)", opts)
        out[name] = {"columns": cols, "time": tm.group(1) if tm else None}
    if "agent_metrics" not in out:
        raise SystemExit(f"{SCHEMA_SQL}: no CREATE TABLE agent_metrics found; the schema parser needs updating")
    return out


def duckdb_ddl(table, spec):
    cols = ["client_id VARCHAR NOT NULL"] + [f'"{c}" {t}' + (" NOT NULL" if nn else "") for c, t, nn in spec["columns"]]
    return f"CREATE TABLE {table} ({', '.join(cols)})"


CH_TYPES = {"BIGINT": "Int64", "INTEGER": "Int32", "DOUBLE": "Float64", "BOOLEAN": "Bool",
            "TIMESTAMP": "DateTime64(6, 'UTC')", "VARCHAR": "String"}


def clickhouse_type(col, typ, not_null):
    if typ not in CH_TYPES:
        raise SystemExit(f"{SCHEMA_SQL}: column {col} has type {typ}, which the ClickHouse mapping does not know")
    t = CH_TYPES[typ]
    if typ == "VARCHAR" and col not in HIGH_CARDINALITY:
        return f"LowCardinality({t})" if not_null else f"LowCardinality(Nullable({t}))"
    return t if not_null else f"Nullable({t})"


def clickhouse_ddl(table, spec):
    cols = ["client_id LowCardinality(String)"] + [f'"{c}" {clickhouse_type(c, t, nn)}' for c, t, nn in spec["columns"]]
    key = ["client_id"] + ([f'"{spec["time"]}"'] if spec["time"] else [])
    return f"CREATE TABLE {table} ({', '.join(cols)}) ENGINE = MergeTree ORDER BY ({', '.join(key)})"
