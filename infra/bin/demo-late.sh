#!/usr/bin/env bash
# make demo-late: the late-data checklist of docs/time-and-sealing.md, live. One burst inside the watermark, one beyond it; once the watermark has
# passed the first burst's window, print what was counted and what was dropped (named by the validator's accounting).
# Works on either stack (it only talks HTTP to the producer and the validator). Needs curl and python3.
set -euo pipefail
# The contract's values as CONTRACT_* (the file make includes); make passes the URLs, these defaults are for direct use.
. "$(dirname "$0")/../contract/src/main/resources/io/streamingclicks/contract/contract.properties"
PRODUCER_URL=${PRODUCER_URL:-http://127.0.0.1:$CONTRACT_PRODUCER_PORT}
VALIDATOR_URL=${VALIDATOR_URL:-http://127.0.0.1:$CONTRACT_VALIDATOR_PORT}
INSIDE=${DEMO_INSIDE_OFFSET:--PT2M}     # newer than the watermark (default delay 5 min): counted
BEYOND=${DEMO_BEYOND_OFFSET:--PT15M}    # its window sealed long ago: dropped
COUNT=${DEMO_COUNT:-100}
TIMEOUT=${DEMO_TIMEOUT:-1200}
tag=$(date +%H%M%S)
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
say() { printf '[demo-late %s] %s\n' "$(date +%T)" "$*"; }

curl -sf "$VALIDATOR_URL/q/health/ready" >/dev/null || { echo "the validator does not answer at $VALIDATOR_URL: make run or make up first" >&2; exit 1; }
say "sealed watermark now: $(curl -sf "$VALIDATOR_URL/api/windows?limit=1" | json 'd["sealed_watermark"]')"
burst() { curl -sf -X POST -H 'Content-Type: application/json' \
  -d "{\"count\": $COUNT, \"offset\": \"$1\", \"pageId\": \"$2\"}" "$PRODUCER_URL/bursts"; }
a=$(burst "$INSIDE" "/demo/inside-$tag"); b=$(burst "$BEYOND" "/demo/beyond-$tag")
a_window=$(echo "$a" | json 'd["windows"][0]["start"]'); a_end=$(echo "$a" | json 'd["windows"][0]["end"]')
b_window=$(echo "$b" | json 'd["windows"][0]["start"]')
say "burst 1: $(echo "$a" | json 'd["acked"]') events at $INSIDE on /demo/inside-$tag, window $a_window"
say "burst 2: $(echo "$b" | json 'd["acked"]') events at $BEYOND on /demo/beyond-$tag, window $b_window"

say "waiting for the watermark to pass $a_end (the end of burst 1's window; up to window + delay)"
started=$(date +%s)
while :; do
  sealed=$(curl -sf "$VALIDATOR_URL/api/windows?limit=1" | json 'd["sealed_watermark"] or ""')
  if [[ -n $sealed ]] && python3 -c "import sys; from datetime import datetime as D; f=lambda s: D.fromisoformat(s.replace('Z','+00:00')); sys.exit(0 if f('$sealed') >= f('$a_end') else 1)"; then break; fi
  (( $(date +%s) - started < TIMEOUT )) || { echo "the watermark did not pass $a_end within ${TIMEOUT}s" >&2; exit 1; }
  say "sealed watermark ${sealed:-none} (waited $(( $(date +%s) - started )) s)"
  sleep 15
done
sleep "${VALIDATOR_SETTLE:-35}"   # one validator check interval, so its accounting has seen the batch

pv_of() { curl -sf "$VALIDATOR_URL/api/topn?n=1000&window=$1" | json "sum(p['pv'] for p in d['pages'] if p['page_id']=='$2')"; }
late=$(curl -sf "$VALIDATOR_URL/api/pipeline")
named=$(echo "$late" | json "sum(1 for e in d['late_events'] if e['page_id']=='/demo/beyond-$tag')")
echo
echo "included: /demo/inside-$tag  pv in window $a_window = $(pv_of "$a_window" "/demo/inside-$tag") of $COUNT sent"
echo "dropped:  /demo/beyond-$tag  pv in window $b_window = $(pv_of "$b_window" "/demo/beyond-$tag") of $COUNT sent"
echo "          the accounting names $named of them among the latest late events (of $(echo "$late" | json 'd["late_events_total"]') dropped in all), e.g.:"
echo "$late" | python3 -c "
import json,sys
d=json.load(sys.stdin)
for e in [e for e in d['late_events'] if e['page_id']=='/demo/beyond-$tag'][:5]:
    print('            partition %s offset %s  %s  window %s' % (e['kafka_partition'], e['kafka_offset'], e['page_id'], e['window_start']))"
