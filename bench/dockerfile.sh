#!/usr/bin/env bash
# Times `envdoctor lint FILE` against dockerfilelint (npm, pinned version) on
# the same generated Dockerfile of 2,000 instructions (bench/gen -dockerfile,
# the file of BenchmarkDockerfile2000 in rules/), with hyperfine. Prints the
# mean wall time and CPU time (user + sys) per run, and the ratios: on a
# shared machine the CPU time is the fair comparison.
# Usage: bench/dockerfile.sh [RUNS] [INSTRUCTIONS]   (default 20 runs, 2000
# instructions). Results: docs/performance.md, section "Dockerfiles".
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine jq bc npm; do
  command -v "$tool" >/dev/null || { echo "bench/dockerfile.sh needs $tool" >&2; exit 2; }
done
runs=${1:-20}
n=${2:-2000}
tools="${ENVDOCTOR_TOOLS_DIR:-$HOME/.cache/envdoctor-ci}"
mkdir -p "$tools"
if [ ! -x "$tools/dockerfilelint/node_modules/.bin/dockerfilelint" ]; then
  mkdir -p "$tools/dockerfilelint"
  (cd "$tools/dockerfilelint" && npm install --no-audit --no-fund --silent dockerfilelint@1.8.0)
fi
go build -o "$tools/envdoctor" ./cmd/envdoctor
ed="$tools/envdoctor"
dfl="$tools/dockerfilelint/node_modules/.bin/dockerfilelint"

gen=$(mktemp -d)
trap 'rm -rf "$gen"' EXIT
go run ./bench/gen -dockerfile "$n" "$gen/ctx"
file="$gen/ctx/Dockerfile"
printf 'Dockerfile: %s instructions, %s lines, %s bytes\n' "$n" "$(wc -l <"$file")" "$(wc -c <"$file")"

# Both exit non-zero: the file has findings on purpose.
hyperfine -N -i --warmup 2 --runs "$runs" --export-json "$gen/times.json" \
  -n envdoctor "$ed lint $file --no-color" \
  -n dockerfilelint "$dfl $file" >/dev/null

# mean wall, user + sys, in milliseconds, per command
read -r ew ec dw dc < <(jq -r '[.results[] | (.mean * 1000), ((.user + .system) * 1000)] | map(. * 10 | round / 10) | @tsv' "$gen/times.json")
ratio() { echo "scale=1; $1 / $2" | bc; }
printf '%-16s %10s %10s\n' "" "wall ms" "CPU ms"
printf '%-16s %10s %10s\n' envdoctor "$ew" "$ec"
printf '%-16s %10s %10s\n' dockerfilelint "$dw" "$dc"
printf '%-16s %10s %10s\n' "x (dfl / ed)" "$(ratio "$dw" "$ew")" "$(ratio "$dc" "$ec")"
printf '%s runs each after 2 warm-ups; %s, %s CPUs, load average %s\n' "$runs" \
  "$(uname -sm)" "$(getconf _NPROCESSORS_ONLN)" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
