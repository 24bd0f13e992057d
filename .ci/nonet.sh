#!/usr/bin/env bash
# Proves envdoctor's network promise on the built binary, with strace
# following every process it starts (git, the docker CLI):
#   - `envdoctor lint` makes no socket system call at all;
#   - `envdoctor doctor` connects only to the resolved engine socket and to
#     loopback ports the project declares, and binds only those ports (to
#     learn whether they are free) or port 0 on loopback (Go's probe of the
#     IPv6 stack); it sends nothing but netlink requests (interface lists).
# Usage: .ci/nonet.sh BINARY PROJECT_DIR PORT...  (PORTs: the project's)
set -euo pipefail
bin=$1 project=$2
shift 2
ports=" $* "
engine=${DOCKER_HOST:-unix:///var/run/docker.sock}
engine=${engine#unix://}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# trace NAME ARGS...: the socket system calls of the run, one per line.
trace() {
  local name=$1
  shift
  mkdir -p "$work/$name"
  strace -f -ff -qq -e trace=socket,connect,bind,sendto,sendmsg -o "$work/$name/t" "$@" >"$work/$name.out" 2>&1 || true
  cat "$work/$name"/t.* 2>/dev/null | grep -E '^(socket|connect|bind|sendto|sendmsg)\(' || true
}

port_of() { sed -nE 's/.*sin6?_port=htons\(([0-9]+)\).*/\1/p' <<<"$1"; }
addr_of() { sed -nE -e 's/.*inet_addr\("([^"]*)"\).*/\1/p' -e 's/.*inet_pton\(AF_INET6?, "([^"]*)".*/\1/p' <<<"$1"; }
is_loopback() { [[ $1 == 127.* || $1 == ::1 || $1 == ::ffff:127.* ]]; }

fail=0
calls=$(trace lint "$bin" lint "$project")
if [ -n "$calls" ]; then
  echo "envdoctor lint made socket system calls:"
  echo "$calls"
  fail=1
else
  echo "lint: no socket system call"
fi

calls=$(trace doctor "$bin" doctor --no-color "$project")
allowed=0
while IFS= read -r call; do
  [ -z "$call" ] && continue
  ok=0
  case "$call" in
    socket\(*) ok=1 ;; # making a socket reaches nothing; connect and bind are checked
    connect\(*AF_UNIX*)
      # The engine, or the docker CLI's own plugin socket (docker compose
      # version: the CLI talks to its plugin on the same machine).
      [[ $call == *"sun_path=\"$engine\""* || $call == *'sun_path="/var/run/docker-cli.sock"'* || $call == *'sun_path=@"docker_cli_'* ]] && ok=1 ;;
    connect\(*AF_INET*)
      a=$(addr_of "$call"); p=$(port_of "$call")
      is_loopback "$a" && [[ $ports == *" $p "* ]] && ok=1 ;;
    bind\(*AF_NETLINK*) ok=1 ;;
    bind\(*AF_INET*)
      a=$(addr_of "$call"); p=$(port_of "$call")
      { [[ $ports == *" $p "* ]] || { [ "$p" = 0 ] && is_loopback "$a"; }; } && ok=1 ;;
    sendto\(*nlmsg* | sendmsg\(*nlmsg*) ok=1 ;;
  esac
  if [ $ok = 1 ]; then
    allowed=$((allowed + 1))
  else
    echo "envdoctor doctor made a call outside its promise: $call"
    fail=1
  fi
done <<<"$calls"
grep -q "sun_path=\"$engine\"" <<<"$calls" || echo "note: the doctor did not reach the engine at $engine"
echo "doctor: $allowed socket calls, all to the engine ($engine), the project's ports ($*) or loopback port 0"
exit $fail
