#!/usr/bin/env bash
# Installs envdoctor for the GitHub Action (action.yml): go install of
# ENVDOCTOR_VERSION when it is set, else a build of the action's own
# checkout (GITHUB_ACTION_PATH). Writes the binary's path to $GITHUB_OUTPUT.
set -euo pipefail

bin_dir="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/envdoctor-bin"
mkdir -p "$bin_dir"
exe="$bin_dir/envdoctor$(go env GOEXE)"

if [ -n "${ENVDOCTOR_VERSION:-}" ]; then
  echo "go install github.com/envdoctor/envdoctor/cmd/envdoctor@$ENVDOCTOR_VERSION"
  GOBIN="$bin_dir" go install "github.com/envdoctor/envdoctor/cmd/envdoctor@$ENVDOCTOR_VERSION"
else
  : "${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
  echo "go build ./cmd/envdoctor in $GITHUB_ACTION_PATH"
  (cd "$GITHUB_ACTION_PATH" && CGO_ENABLED=0 go build -trimpath -o "$exe" ./cmd/envdoctor)
fi

"$exe" version
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "path=$exe" >>"$GITHUB_OUTPUT"
fi
if [ -n "${GITHUB_PATH:-}" ]; then
  echo "$bin_dir" >>"$GITHUB_PATH"
fi
