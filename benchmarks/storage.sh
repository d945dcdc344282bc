#!/usr/bin/env bash
# Storage figures of the storage issue: bytes per row, generate+load rate, open time and RSS,
# one-core scan rates. Release build; stores go to benchmarks/work (git-ignored).
# Usage: benchmarks/storage.sh [ROWS ...]   (default: 10000000 100000000)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
swift build -c release --product tally >/dev/null
T=.build/release/tally
WORK=${WORK:-benchmarks/work}
mkdir -p "$WORK"
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000000 100000000)
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -r)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "${sizes[@]}"; do
  dir="$WORK/store-$n"
  rm -rf "$dir"
  echo "== generate $n agent_metrics rows (50 tenants, 365 days, seed 1)"
  "$T" generate --data "$dir" --rows "$n" --seed 1 | grep -v '^tenant '
  echo "on disk: $(du -sb "$dir" | cut -f1) bytes"
  echo "== open + scan"
  # A fresh process, so the open time and RSS are those of opening this store.
  "$T" bench-storage --data "$dir" --scan-rows 50000000
done
