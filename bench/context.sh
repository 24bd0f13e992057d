#!/usr/bin/env bash
# Benchmarks the build-context walk and the secret scan on a generated
# context (bench/gencontext: 100,000 files, 1.2 GB of which 900 MB sparse,
# sources, a node_modules tree, a lock file, images, minified bundles and
# 15 planted secrets):
#   - `envdoctor context DIR` (load + walk: names, types and sizes) against
#     `find DIR -type f` (names and types) and `find DIR -type f -printf '%s'`
#     (the same information as the walk);
#   - `envdoctor lint DIR` with every rule but SE001 disabled (walk + secret
#     scan) and the whole `envdoctor lint DIR`, against `gitleaks dir DIR`
#     (v8.30.1, built into a temporary GOBIN for this comparison only);
#   - which planted secrets each tool finds, and peak memory (/usr/bin/time -v).
# Usage: bench/context.sh [RUNS]   (default 5 runs each; the median is printed)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
work=${ENVDOCTOR_BENCH_DIR:-$(mktemp -d)}
ctx="$work/ctx"
mkdir -p "$work"

go build -o "$work/envdoctor" ./cmd/envdoctor
if [ ! -x "$work/gobin/gitleaks" ]; then
  GOBIN="$work/gobin" go install github.com/zricethezav/gitleaks/v8@v8.30.1
fi
if [ ! -d "$ctx" ]; then
  go run ./bench/gencontext -files 100000 "$ctx"
fi
ed="$work/envdoctor"
gl="$work/gobin/gitleaks"
only_se001=$("$ed" rules | awk '$1 != "SE001" {print $1}' | paste -sd, -)

# stats NAME CMD...: median wall, user and system seconds over RUNS runs
# (one warm-up run first), and the peak RSS of the last run.
stats() {
  local name=$1; shift
  "$@" >/dev/null 2>&1 || true
  local walls=() users=() syss=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" "$@" >/dev/null 2>&1 || true
    read -r w u s m < "$work/time.txt"
    walls+=("$w"); users+=("$u"); syss+=("$s"); rss=$m
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  printf '%-34s %8s %8s %8s %8d\n' "$name" "$(median "${walls[@]}")" "$(median "${users[@]}")" "$(median "${syss[@]}")" "$((rss / 1024))"
}

echo "context: $(find "$ctx" -type f | wc -l) files, $(du -sh --apparent-size "$ctx" | cut -f1) ($(du -sh "$ctx" | cut -f1) on disk); machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %8s %8s %8s %8s\n' "command (median of $runs)" "wall s" "user s" "sys s" "peak MB"
stats "find -type f" sh -c "find '$ctx' -type f > /dev/null"
stats "find -type f -printf %s" sh -c "find '$ctx' -type f -printf '%s\n' > /dev/null"
stats "envdoctor context" "$ed" context "$ctx"
stats "envdoctor lint (SE001 only)" "$ed" lint --disable "$only_se001" --exit-zero "$ctx"
stats "envdoctor lint (all rules)" "$ed" lint --exit-zero "$ctx"
stats "gitleaks dir" "$gl" dir "$ctx" --no-banner --exit-code 0 --report-format json --report-path "$work/gitleaks.json"

# The walk alone, in-process (Go benchmarks): Listing (names, types,
# .dockerignore) and Files (the same and every file's size).
echo "in-process (go test -bench, $runs iterations, ns/op is wall time): the walk alone (names; names and sizes) and the secret scan alone:"
ENVDOCTOR_BENCH_CONTEXT="$ctx" go test ./internal/project -run '^$' -bench 'ContextWalk|ScanContext' -benchtime "${runs}x" | grep '^Benchmark'

# Planted secrets found by each tool.
"$ed" lint --format json --exit-zero -o "$work/envdoctor.json" "$ctx" >/dev/null 2>&1
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
planted = [l.split(":") for l in open(f"{work}/planted.txt").read().split()]
def rel(p):
    # envdoctor reports paths relative to the project, gitleaks as given.
    i = p.rfind("/ctx/")
    return p[i + 5:] if i >= 0 else p
ed = {(rel(f["file"]), f["line"]) for f in json.load(open(f"{work}/envdoctor.json"))["findings"] if f["rule"] == "SE001"}
gl = {(rel(f["File"]), f["StartLine"]) for f in json.load(open(f"{work}/gitleaks.json"))}
missed = 0
for path, line, kind in planted:
    key = (path, int(line))
    e, g = key in ed, key in gl
    if g and not e:
        missed += 1
    print(f"  {path}:{line} {kind}: envdoctor {'found' if e else 'MISSED'}, gitleaks {'found' if g else 'missed'}")
print(f"planted {len(planted)}, envdoctor found {sum((p, int(l)) in ed for p, l, _ in planted)}, gitleaks found {sum((p, int(l)) in gl for p, l, _ in planted)}; found by gitleaks but not envdoctor: {missed}")
PY
echo "work directory: $work (ENVDOCTOR_BENCH_DIR=$work reuses it)"
