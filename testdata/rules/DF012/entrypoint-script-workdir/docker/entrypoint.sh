#!/usr/bin/dumb-init /bin/sh
set -e
flask db upgrade
"$@"
