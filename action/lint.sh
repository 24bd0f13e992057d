#!/usr/bin/env bash
# Runs envdoctor lint for the GitHub Action (action.yml). The inputs come as
# environment variables, never pasted into the script, so no input can run
# a command. Three runs of the same lint (it takes milliseconds):
#   1. the text report, for the log; its exit code is the step's;
#   2. SARIF into INPUT_SARIF_FILE, for github/codeql-action/upload-sarif;
#   3. GitHub annotations, when INPUT_ANNOTATIONS is true.
set -euo pipefail

envdoctor="${ENVDOCTOR:-envdoctor}"
path="${INPUT_PATH:-.}"
sarif="${INPUT_SARIF_FILE:-envdoctor.sarif}"

# INPUT_ARGS is split as a shell splits words (quotes and backslashes),
# by xargs: nothing in it is expanded or executed.
args=()
if [ -n "${INPUT_ARGS//[[:space:]]/}" ]; then
  while IFS= read -r -d '' word; do
    args+=("$word")
  done < <(printf '%s' "$INPUT_ARGS" | xargs printf '%s\0')
fi
if [ -n "${INPUT_FAIL_LEVEL:-}" ]; then
  args+=(--fail-level "$INPUT_FAIL_LEVEL")
fi
args+=("$path")

report="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/envdoctor-report.txt"
set +e
"$envdoctor" lint --no-color "${args[@]}" >"$report"
code=$?
set -e
cat "$report"
summary=$(tail -n 1 "$report")

if [ "$code" -le 1 ]; then
  "$envdoctor" lint --format sarif -o "$sarif" --exit-zero "${args[@]}"
  if [ "${INPUT_ANNOTATIONS:-true}" = "true" ]; then
    "$envdoctor" lint --format github --exit-zero "${args[@]}"
  fi
fi

if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "exit-code=$code"
    echo "sarif-file=$sarif"
    echo "summary=$summary"
  } >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  echo "**envdoctor** ($path): $summary" >>"$GITHUB_STEP_SUMMARY"
fi

case "$code" in
  0) ;;
  1)
    if [ "${INPUT_FAIL_ON_FINDINGS:-true}" = "true" ]; then
      echo "envdoctor found problems at or above the fail level (fail-on-findings: true)" >&2
      exit 1
    fi
    ;;
  *)
    echo "envdoctor failed with exit code $code (a usage, config or internal error)" >&2
    exit "$code"
    ;;
esac
