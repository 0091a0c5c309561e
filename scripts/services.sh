#!/usr/bin/env bash
# Start the local PostgreSQL and Redis servers the integration tests use, when they are down.
# With CI set, failing to reach either one is an error; otherwise those tests skip.
set -uo pipefail
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { for _ in $(seq 1 30); do up "$1" && return 0; sleep 0.5; done; return 1; }

if ! up 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
fi
if ! up 6379 && command -v redis-server >/dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi
status=0
for port in 5432 6379; do
  if ! wait_for "$port"; then
    echo "service on 127.0.0.1:$port is not reachable" >&2
    status=1
  fi
done
if [ "$status" -ne 0 ] && [ -n "${CI:-}" ]; then exit 1; fi
exit 0
