#!/bin/sh
set -e
if [ -n "$DEBUG" ]; then
	exec "$@"
fi
exec gunicorn --bind 0.0.0.0:8000 config.wsgi
