#!/usr/bin/env bash
# Builds the Mutex-vs-Locked demo with ThreadSanitizer and runs it both ways, or (`bench`) times the
# two locks in an optimised build. Locked is copied out of Sources/TallyStorage/IO/Locked.swift.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{ echo "import Glibc"; sed -n '/^public final class Locked/,$p' "$here/../../Sources/TallyStorage/IO/Locked.swift"; } > "$work/locked.swift"
if [ "${1:-}" = bench ]; then
    cp "$here/lock-bench.swift" "$work/main.swift"
    swiftc -O -wmo "$work/main.swift" "$work/locked.swift" -o "$work/bench" && "$work/bench"
else
    cp "$here/mutex-demo.swift" "$work/main.swift"
    swiftc -sanitize=thread -g "$work/main.swift" "$work/locked.swift" -o "$work/demo"
    for m in mutex locked; do echo "== $m"; "$work/demo" $m 2>&1 | grep -E "^(Mutex|Locked) |SUMMARY|reported" || true; done
fi
