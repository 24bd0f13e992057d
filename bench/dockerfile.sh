#!/usr/bin/env bash
# Times `envdoctor lint` on a generated 2,000-instruction Dockerfile (issue
# 4's benchmark: internal/benchgen.Dockerfile, built by a one-service
# compose file) against dockerfilelint (npm, pinned version) on the same
# file. Prints the mean wall and CPU (user + sys) milliseconds per run and
# the ratios. Usage: bench/dockerfile.sh [RUNS] [INSTRUCTIONS]
# (default 10 runs, 2,000 instructions). Results: docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
n=${2:-2000}
tools="${ENVDOCTOR_TOOLS_DIR:-$HOME/.cache/envdoctor-ci}"
if [ ! -x "$tools/dockerfilelint/node_modules/.bin/dockerfilelint" ]; then
  mkdir -p "$tools/dockerfilelint"
  (cd "$tools/dockerfilelint" && npm install --no-audit --no-fund --silent dockerfilelint@1.8.0)
fi
mkdir -p "$tools"
go build -o "$tools/envdoctor" ./cmd/envdoctor
ed="$tools/envdoctor"
dfl="$tools/dockerfilelint/node_modules/.bin/dockerfilelint"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go run ./bench/gendockerfile -n "$n" "$dir"

# measure N CMD...: mean wall and CPU milliseconds of N runs after a warm-up.
measure() {
  local n=$1
  shift
  "$@" >/dev/null 2>&1 || true
  local TIMEFORMAT='%R %U %S' out real user sys
  out=$({ time (for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 || true; done); } 2>&1)
  read -r real user sys <<<"$out"
  echo "$(echo "scale=1; $real * 1000 / $n" | bc) $(echo "scale=1; ($user + $sys) * 1000 / $n" | bc)"
}
read -r ew ec <<<"$(measure "$runs" "$ed" lint "$dir" --no-color)"
read -r dw dc <<<"$(measure "$runs" "$dfl" "$dir/Dockerfile")"
printf '%-34s %9s %9s\n' "$n-instruction Dockerfile" "wall ms" "CPU ms"
printf '%-34s %9s %9s\n' "envdoctor lint" "$ew" "$ec"
printf '%-34s %9s %9s\n' "dockerfilelint 1.8.0" "$dw" "$dc"
printf '%-34s %9s %9s\n' "x (dockerfilelint / envdoctor)" "$(echo "scale=1; $dw / $ew" | bc)" "$(echo "scale=1; $dc / $ec" | bc)"
printf '%s, %s CPUs, load average %s\n' "$(uname -sm)" "$(getconf _NPROCESSORS_ONLN)" "$(cut -d' ' -f1-3 /proc/loadavg)"
