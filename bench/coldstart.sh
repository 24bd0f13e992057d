#!/usr/bin/env bash
# Cold-process wall time of `envdoctor lint` on the tutorial's project and of
# `envdoctor version`: the median of RUNS fresh processes each (targets: lint
# under 20 ms, version under 10 ms). Uses hyperfine when installed, else a
# bash loop. Usage: bench/coldstart.sh [RUNS]   (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-50}
bin=$(mktemp -d)/envdoctor
go build -o "$bin" ./cmd/envdoctor
project=testdata/projects/flask-postgres
lint="$bin lint $project --no-color"
version="$bin version"

if command -v hyperfine >/dev/null; then
  json=$(mktemp)
  hyperfine -N -i -w 5 -r "$runs" --export-json "$json" "$lint" "$version" >/dev/null 2>&1
  python3 -c '
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print("%-60s median %6.2f ms  (min %.2f, mean %.2f)" % (r["command"], r["median"] * 1000, r["min"] * 1000, r["mean"] * 1000))
' "$json"
  exit 0
fi

# median_ms CMD: median wall time of RUNS runs after 5 warm-ups.
median_ms() {
  local times=() TIMEFORMAT=%R t
  for _ in 1 2 3 4 5; do $1 >/dev/null 2>&1 || true; done
  for _ in $(seq "$runs"); do
    t=$( { time $1 >/dev/null 2>&1 || true; } 2>&1 )
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.2f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) * 1000}'
}
printf '%-60s median %6s ms\n' "$lint" "$(median_ms "$lint")"
printf '%-60s median %6s ms\n' "$version" "$(median_ms "$version")"
