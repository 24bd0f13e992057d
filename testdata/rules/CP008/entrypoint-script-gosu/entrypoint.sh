#!/bin/bash
set -e
chown -R app /app/static
exec gosu app "$@"
