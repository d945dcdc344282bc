#!/usr/bin/env bash
# Writes the binary seed corpora (fuzz/corpus/wal, fuzz/corpus/segment): real files written by
# `tally` from a small table whose columns take different chunk encodings. Each seed is one flags
# byte (see Sources/TallyStorage/Reliability/StorageFuzzing.swift) then the file, once with the
# checksum fix-up bit set ("-fixed") and once as written ("-raw"). WAL seeds also set bit 1 (newest file).
# Usage: fuzz/make-seeds.sh [path to tally]   (default: .build/debug/tally)
set -euo pipefail
cd "$(dirname "$0")/.."
TALLY=${1:-.build/debug/tally}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
corpus=fuzz/corpus
mkdir -p $corpus/wal $corpus/segment

create="CREATE TABLE events (ts TIMESTAMP NOT NULL, agent BIGINT, queue INTEGER, status VARCHAR,
  score DOUBLE, noise DOUBLE, ok BOOLEAN, note VARCHAR, run BIGINT) WITH (time_column = ts)"
rows() { # first count
  python3 - "$1" "$2" <<'PY'
import random, sys
first, n = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(first)
st = ["answered", "abandoned", "transferred", "ünïcode ☎", ""]
out = []
for i in range(first, first + n):
    ts = 1700000000 + i
    agent = "NULL" if i % 7 == 0 else str(1000 + r.randrange(50))
    ok = "NULL" if i % 3 == 0 else r.choice(["true", "false"])
    note = "NULL" if i % 2 == 0 else "'note %d'" % (i % 11)
    out.append("(to_timestamp(%d), %s, 3, '%s', %.1f, %r, %s, %s, %d)" % (ts, agent, r.choice(st), r.randrange(100) / 10, r.random() * 1e6, ok, note, i // 40))
print(",".join(out))
PY
}
seed() { # dir name file flags
  for fix in 1 0; do
    local f=$(( fix | $4 )) tag=raw
    [ $fix = 1 ] && tag=fixed
    { printf "\\x$(printf %02x $f)"; cat "$3"; } > "$corpus/$1/$2-$tag"
  done
}

# `tally load` creates a store (and the tenant with the data model); the seed table comes after.
printf 'call_id,queue,at,event\n1,billing,2024-01-01 10:00:00,answered\n' > $work/q.csv
newstore() { $TALLY load --data $1 --tenant seed --table queue_events $work/q.csv > /dev/null; }

d=$work/wal
newstore $d
$TALLY query --data $d --tenant seed "$create" > /dev/null
for spec in "0 1" "100 5" "200 40"; do
  $TALLY query --data $d --tenant seed "INSERT INTO events VALUES $(rows $spec)" > /dev/null
done
k=0
for w in $d/tenants/seed/events/wal/*.wal; do seed wal store-$k "$w" 2; k=$((k + 1)); done
# A torn tail (the last record cut short) and a zero-filled tail, as a crash leaves them.
w=$(ls $d/tenants/seed/events/wal/*.wal | head -1)
head -c $(( $(stat -c %s "$w") - 10 )) "$w" > $work/torn.wal
seed wal torn-0 $work/torn.wal 2
{ cat "$w"; head -c 100 /dev/zero; } > $work/zeros.wal
seed wal zeros-0 $work/zeros.wal 2

d=$work/seg
newstore $d
$TALLY query --data $d --tenant seed "$create" > /dev/null
python3 - "$work/rows.csv" <<'PY'
import random, sys
r = random.Random(7)
st = ["answered", "abandoned", "transferred", "ünïcode ☎", ""]
with open(sys.argv[1], "w") as f:
    f.write("ts,agent,queue,status,score,noise,ok,note,run\n")
    for i in range(300):
        f.write("%s,%s,3,%s,%.1f,%r,%s,%s,%d\n" % (
            "2024-01-01 00:%02d:%02d" % (i // 60, i % 60), "" if i % 7 == 0 else 1000 + r.randrange(50),
            r.choice(st), r.randrange(100) / 10, r.random() * 1e6, "" if i % 3 == 0 else r.choice(["true", "false"]),
            "" if i % 2 == 0 else "note %d" % (i % 11), i // 40))
PY
$TALLY load --data $d --tenant seed --table events $work/rows.csv > /dev/null
k=0
for s in $d/tenants/seed/*/*.seg; do seed segment store-$k "$s" 0; k=$((k + 1)); done
ls -la $corpus/wal $corpus/segment
