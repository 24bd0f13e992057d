#!/usr/bin/env bash
# Regenerates the example output in README.md (between the README-OUTPUT
# markers) from a real run of the README's first command, as user "alice".
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(USER=alice NO_COLOR=1 go run ./cmd/envdoctor testdata/projects/flask-postgres 2>&1 || true)
python3 - "$out" <<'PY'
import sys, re
out = sys.argv[1]
readme = open("README.md").read()
block = "<!-- README-OUTPUT-START -->\n```\n" + out.rstrip("\n") + "\n```\n<!-- README-OUTPUT-END -->"
readme = re.sub(r"<!-- README-OUTPUT-START -->.*?<!-- README-OUTPUT-END -->", lambda m: block, readme, flags=re.S)
open("README.md", "w").write(readme)
PY
