#!/usr/bin/env bash
set -euo pipefail

if [ "$1" = 'python' ] && [ "$(id -u)" = '0' ]; then
	chown -R app:app /app/media
	exec gosu app "$BASH_SOURCE" "$@"
fi

exec "$@"
