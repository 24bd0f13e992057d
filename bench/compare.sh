#!/usr/bin/env bash
# Times `envdoctor lint` against dclint (npm, pinned version) side by side:
# on the tutorial's project (its compose file alone for dclint), and on
# generated projects of 500 and 1,000 services (bench/gen, the same files as
# BenchmarkLint500Services and BenchmarkLint1000Services). Prints the mean
# wall time and CPU time (user + sys) per run, and the ratios.
# Usage: bench/compare.sh [RUNS] [RUNS_BIG]   (default 20 runs on the
# tutorial, 5 on the generated projects). Results: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
runs_big=${2:-5}
tools="${ENVDOCTOR_TOOLS_DIR:-$HOME/.cache/envdoctor-ci}"
mkdir -p "$tools"
if [ ! -x "$tools/dclint/node_modules/.bin/dclint" ]; then
  mkdir -p "$tools/dclint"
  (cd "$tools/dclint" && npm install --no-audit --no-fund --silent dclint@3.1.0)
fi
go build -o "$tools/envdoctor" ./cmd/envdoctor
ed="$tools/envdoctor"
dclint="$tools/dclint/node_modules/.bin/dclint"
project=testdata/projects/flask-postgres

gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
for n in 500 1000; do
  go run ./bench/gen -n "$n" "$gen/s$n"
done

# measure N CMD...: mean wall and CPU (user + sys) milliseconds of N runs,
# after one warm-up run, as "WALL CPU". The machine may be shared: CPU time
# is the steadier of the two.
measure() {
  local n=$1
  shift
  "$@" >/dev/null 2>&1 || true
  local TIMEFORMAT='%R %U %S' out real user sys
  out=$({ time (for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 || true; done); } 2>&1)
  read -r real user sys <<<"$out"
  echo "$(echo "scale=1; $real * 1000 / $n" | bc) $(echo "scale=1; ($user + $sys) * 1000 / $n" | bc)"
}

ratio() { echo "scale=1; $1 / $2" | bc; }

row() { printf '%-30s %10s %10s %10s %10s %8s %8s\n' "$@"; }

row "input" "ed wall" "ed cpu" "dclint wall" "dclint cpu" "x wall" "x cpu"
declare -A ed_cpu
for input in tutorial s500 s1000; do
  case $input in
  tutorial) dir=$project file=$project/docker-compose.yml n=$runs label="tutorial ($runs runs)" ;;
  *) dir=$gen/$input file=$gen/$input/compose.yaml n=$runs_big label="${input#s} services ($runs_big runs)" ;;
  esac
  read -r ew ec <<<"$(measure "$n" "$ed" lint "$dir" --no-color)"
  read -r dw dc <<<"$(measure "$n" "$dclint" "$file")"
  ed_cpu[$input]=$ec
  row "$label" "$ew" "$ec" "$dw" "$dc" "$(ratio "$dw" "$ew")" "$(ratio "$dc" "$ec")"
done
read -r vw vc <<<"$(measure "$runs" "$ed" version)"
row "envdoctor version" "$vw" "$vc" "" "" "" ""
printf '1,000 / 500 services (envdoctor CPU): %sx\n' "$(echo "scale=2; ${ed_cpu[s1000]} / ${ed_cpu[s500]}" | bc)"
printf 'milliseconds per run; x = dclint / envdoctor; %s, %s CPUs, load average %s\n' \
  "$(uname -sm)" "$(getconf _NPROCESSORS_ONLN)" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
