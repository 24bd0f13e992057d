#!/bin/sh
set -e
echo "starting with $@"
exec supervisord -c /etc/supervisord.conf
