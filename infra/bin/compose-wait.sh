#!/usr/bin/env bash
# compose-wait.sh SERVICE...: waits until every named compose service's container is healthy (or running, for one
# without a health check), printing progress every 10 s; names the service and its last log lines when one exits
# or is unhealthy, or when COMPOSE_WAIT_TIMEOUT (s, default 420) passes. COMPOSE is the compose command with -p/-f.
set -uo pipefail
: "${COMPOSE:?COMPOSE must be the compose command, e.g. docker-compose -p streaming-clicks -f docker-compose.yml}"
timeout=${COMPOSE_WAIT_TIMEOUT:-420}
started=$(date +%s); last_print=0
while :; do
  pending=()
  for svc in "$@"; do
    id=$($COMPOSE ps -q "$svc" 2>/dev/null | head -n 1)
    if [[ -z $id ]]; then pending+=("$svc:not-created"); continue; fi
    state=$(docker inspect -f '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}' "$id")
    case $state in
      "running healthy"|"running none") ;;
      exited*|dead*|"running unhealthy")
        echo "[wait] $svc is ${state% none}; its last log lines:" >&2
        docker logs --tail 30 "$id" >&2
        exit 1 ;;
      *) pending+=("$svc:${state// /,}") ;;
    esac
  done
  now=$(date +%s)
  (( ${#pending[@]} == 0 )) && { echo "[wait] healthy after $(( now - started )) s: $*"; exit 0; }
  if (( now - started > timeout )); then
    echo "[wait] not healthy within ${timeout}s: ${pending[*]}" >&2
    exit 1
  fi
  if (( now - last_print >= 10 )); then
    echo "[wait] $(( now - started ))s: waiting for ${pending[*]}"
    last_print=$now
  fi
  sleep 2
done
