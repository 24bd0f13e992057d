#!/bin/sh
set -e

# wait for the database, then run the command
until nc -z db 5432; do sleep 1; done
python manage.py migrate --noinput

exec "$@"
