set -e
exec su-exec nobody "$@"
