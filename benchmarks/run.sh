#!/usr/bin/env bash
# One entry for the side-by-side benchmark: Tally vs DuckDB vs chDB on the same generated data.
# Usage: benchmarks/run.sh [--scale 10M] [other options of benchmarks/harness/bench.py, see --help]
# Reuses benchmarks/work/bench-N/ (store, peer databases) when present, so an interrupted run resumes.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
VENV=benchmarks/.venv
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import duckdb, chdb, matplotlib' 2>/dev/null; then
  echo "installing the peers into $VENV (duckdb, chdb, matplotlib from PyPI)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet -r benchmarks/harness/requirements.txt
fi
if [ -z "${TALLY_BIN:-}" ]; then
  swift build -c release --product tally 2>&1 | tail -1
fi
exec "$VENV/bin/python" benchmarks/harness/bench.py "$@"
