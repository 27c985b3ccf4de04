#!/usr/bin/env bash
# make demo-recovery: SIGKILL the Spark job while a batch of its windows query (uv, pv, topn) is in flight
# (chk/windows: offsets/N written, commits/N not), start it again, and print the validator's duplicate and
# reconciliation results once it has checked the recovered output.
# Works on either stack (STACK=compose|local, from infra/bin/stack.sh). Needs curl and python3.
set -euo pipefail
# The contract's values as CONTRACT_* (the file make includes); make passes the URL, this default is for direct use.
. "$(dirname "$0")/../contract/src/main/resources/io/streamingclicks/contract/contract.properties"
VALIDATOR_URL=${VALIDATOR_URL:-http://127.0.0.1:$CONTRACT_VALIDATOR_PORT}
STACK=${STACK:-local}
say() { printf '[demo-recovery %s] %s\n' "$(date +%T)" "$*"; }
chk() { # chk offsets|commits: the highest batch id of the windows query's checkpoint
  if [[ $STACK == compose ]]; then
    docker ps -q --filter "label=com.docker.compose.project=${COMPOSE_PROJECT:-streaming-clicks}" \
      --filter label=com.docker.compose.service=validator | head -n 1 |
      xargs -I{} docker exec {} ls "/data/chk/windows/$1"
  else
    ls "${DATA_DIR:-data}/chk/windows/$1"
  fi | grep -E '^[0-9]+$' | sort -n | tail -n 1
}
for attempt in 1 2 3 4 5; do
  say "attempt $attempt: waiting for a windows batch to start"
  for _ in $(seq 1 300); do o=$(chk offsets); c=$(chk commits); [[ ${o:--1} -gt ${c:--1} ]] && break; done
  make --no-print-directory kill-spark >/dev/null
  o=$(chk offsets); c=$(chk commits)
  if [[ ${o:--1} -gt ${c:--1} ]]; then say "SIGKILLed the job with batch $o in flight (offsets/$o written, commits/$o not)"; break; fi
  say "batch $o committed before the kill landed; starting again and retrying"
  make --no-print-directory restart-spark >/dev/null
done
restarted=$(date -u +%s)
say "starting the job again: it re-runs batch $o from its checkpoint"
make --no-print-directory restart-spark
while [[ $(chk commits) -lt $o ]]; do sleep 2; done
say "batch $o committed after the restart; waiting for the validator's next checks"
until curl -sf "$VALIDATOR_URL/api/dq" | python3 -c "
import json,sys,datetime as D
d=json.load(sys.stdin)
t=min(D.datetime.fromisoformat(c['checkedAt'].replace('Z','+00:00')).timestamp() for c in d['latest'])
sys.exit(0 if t > $restarted + 5 else 1)"; do sleep 5; done
echo
curl -sf "$VALIDATOR_URL/api/dq" | python3 -c "
import json,sys
d=json.load(sys.stdin)
for c in d['latest']:
    if c['check'].startswith(('duplicates','reconciliation','event_id','committed')):
        print('%-32s %-5s %s' % (c['check'], c['status'], c['detail'][:150]))"
