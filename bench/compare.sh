#!/usr/bin/env bash
# Times `envdoctor lint` of the tutorial's project against dclint (npm) on
# the project's compose file alone, side by side in one run, and prints the
# ratio. Usage: bench/compare.sh [RUNS]   (default 20 runs each)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
tools="${ENVDOCTOR_TOOLS_DIR:-$HOME/.cache/envdoctor-ci}"
mkdir -p "$tools"
if [ ! -x "$tools/dclint/node_modules/.bin/dclint" ]; then
  mkdir -p "$tools/dclint"
  (cd "$tools/dclint" && npm install --no-audit --no-fund --silent dclint@3.1.0)
fi
go build -o "$tools/envdoctor" ./cmd/envdoctor
project=testdata/projects/flask-postgres

# mean_ms CMD...: mean wall time of RUNS runs, in milliseconds (one warm-up).
mean_ms() {
  "$@" >/dev/null 2>&1 || true
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$runs"); do "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  echo "scale=2; ($end - $start) / $runs / 1000000" | bc
}

ed=$(mean_ms "$tools/envdoctor" lint "$project" --no-color)
dc=$(mean_ms "$tools/dclint/node_modules/.bin/dclint" "$project/docker-compose.yml")
ver=$(mean_ms "$tools/envdoctor" version)
printf '%-52s %10s\n' "command ($runs runs each, mean wall time)" "ms"
printf '%-52s %10s\n' "envdoctor lint $project" "$ed"
printf '%-52s %10s\n' "dclint $project/docker-compose.yml" "$dc"
printf '%-52s %10s\n' "envdoctor version" "$ver"
printf 'dclint / envdoctor: %sx\n' "$(echo "scale=1; $dc / $ed" | bc)"
