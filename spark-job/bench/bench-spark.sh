#!/usr/bin/env bash
# make bench-spark: load N click events into a fresh topic, then, back to back on the same topic:
#   1. the job with its four sinks (uv, pv, events, quarantine), from the earliest offset, until every query has
#      committed the last offset: its sustained processed rate and the output delay of the pv windows;
#   2. the job with the events sink only (one read of the topic): what each extra query re-reading it costs;
#   3. Kafka's own ConsumerPerformance reading the same N records.
# Prints the figures and the ratios. Uses the cluster at KAFKA_BOOTSTRAP_SERVERS if one answers, else starts its own
# 3 brokers on free ports in a temporary directory.
#   bench-spark.sh SPARK_JOB_JAR KAFKA_LIB_DIR N       (env: KAFKA_BOOTSTRAP_SERVERS, BENCH_HEAP)
set -euo pipefail
jar=${1:?spark job jar}
lib=${2:?kafka lib dir}
n=${3:-1000000}
heap=${BENCH_HEAP:-1g}
# About ten batches per query, so windows seal along the way and the output delay is measured on many batches.
cap=$(( n / 10 > 10000 ? n / 10 : 10000 ))
tool=(java -Xmx256m -Dlog4j2.configurationFile=kafka/config/tools-log4j2.properties -cp "$lib/*")
work=$(mktemp -d)
topic=spark-bench-$(date +%s)
bootstrap=${KAFKA_BOOTSTRAP_SERVERS:-}
own_cluster=
kafkactl=(java -cp kafka/target/clickstream-kafka.jar:infra/contract/target/clickstream-contract-0.1.0-SNAPSHOT.jar
  io.streamingclicks.kafka.KafkaCtl --dir "$work/kafka")
cleanup() {
  if [[ -n $own_cluster ]]; then
    "${kafkactl[@]}" $own_cluster down >/dev/null 2>&1 || true
  elif [[ -n $bootstrap ]]; then
    "${tool[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --delete --topic "$topic" \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ -z $bootstrap ]] || ! "${tool[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" \
     --list >/dev/null 2>&1; then
  ports=$(python3 -c '
import socket
ss=[socket.socket() for _ in range(6)]
[s.bind(("127.0.0.1",0)) for s in ss]
print(" ".join(str(s.getsockname()[1]) for s in ss))')
  read -r p1 p2 p3 c1 c2 c3 <<<"$ports"
  own_cluster="--ports $p1,$p2,$p3 --controller-ports $c1,$c2,$c3"
  echo "[bench] no cluster at '${bootstrap}': starting one on 127.0.0.1:$p1,$p2,$p3"
  "${kafkactl[@]}" $own_cluster --topic "$topic" up
  bootstrap=127.0.0.1:$p1,127.0.0.1:$p2,127.0.0.1:$p3
else
  "${tool[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create --topic "$topic" \
    --partitions 3 --replication-factor 3 --config min.insync.replicas=2 >/dev/null
fi
echo "[bench] topic $topic (3 partitions, RF 3) on $bootstrap"

# Events in event-time order over the last N/1000 seconds (1,000 events per second of event time), 50,000 users,
# 100 pages, as the producer writes them.
python3 - "$n" >"$work/events.jsonl" <<'PY'
import sys, time, uuid, random
n = int(sys.argv[1]); rnd = random.Random(7)
start = int(time.time()) - n // 1000 - 3600
out = sys.stdout
for i in range(n):
    t = start + i / 1000.0
    ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)
    out.write('{"event_id":"%s","user_id":"u%d","page_id":"/p%d","event_time":"%s","action":"view","duration_ms":%d}\n'
              % (uuid.UUID(int=rnd.getrandbits(128)), rnd.randrange(50000), rnd.randrange(100), ts, rnd.randrange(5000)))
PY
t0=$(date +%s.%N)
"${tool[@]}" org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$bootstrap" --topic "$topic" \
  --command-property acks=all --command-property linger.ms=20 --command-property batch.size=262144 \
  <"$work/events.jsonl"
t1=$(date +%s.%N)
echo "[bench] loaded $n events ($(du -h "$work/events.jsonl" | cut -f1)) in $(python3 -c "print(round($t1-$t0,1))") s"

# Runs the job on the topic until every query has committed all n records; prints seconds from the JVM start.
run_job() {
  local name=$1 sinks=$2 root=$work/$1
  mkdir -p "$root"
  local s0
  s0=$(date +%s.%N)
  java -Xmx"$heap" -Djdk.reflect.useDirectMethodHandle=false -jar "$jar" --bootstrap-servers "$bootstrap" \
    --topic "$topic" --data-dir "$root" --sinks "$sinks" --trigger "1 second" \
    --max-offsets-per-trigger "$cap" >"$root/job.log" 2>&1 &
  local pid=$!
  while :; do
    if ! kill -0 $pid 2>/dev/null; then echo "[bench] job $name exited; log:" >&2; tail -20 "$root/job.log" >&2; exit 1; fi
    done_all=$(python3 - "$root" "$sinks" "$n" <<'PY'
import json, os, sys
root, sinks, n = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
ok = True
for s in sinks:
    d = os.path.join(root, "chk", s)
    try:
        commits = [int(f) for f in os.listdir(os.path.join(d, "commits")) if f.isdigit()]
        last = max(commits)
        offs = json.loads(open(os.path.join(d, "offsets", str(last))).read().splitlines()[2])
        ok &= sum(sum(p.values()) for p in offs.values()) >= n
    except (OSError, ValueError):
        ok = False
print("yes" if ok else "no")
PY
)
    [[ $done_all == yes ]] && break
    sleep 0.5
  done
  local s1
  s1=$(date +%s.%N)
  kill -TERM $pid; wait $pid 2>/dev/null || true
  python3 - "$root" "$sinks" "$n" "$s0" "$s1" "$name" <<'PY'
import json, os, sys, statistics
root, sinks, n, s0, s1, name = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
# Processing time: from the first batch's start to the last commit, over all queries (JVM start-up excluded).
first, last = None, None
for s in sinks:
    lines = [json.loads(l) for l in open(os.path.join(root, "progress", s + ".jsonl"))]
    from datetime import datetime
    for l in lines:
        if l["input_rows"] == 0:
            continue
        t = datetime.fromisoformat(l["timestamp"].replace("Z", "+00:00")).timestamp()
        first = t if first is None else min(first, t)
        end = t + l["batch_duration_ms"] / 1000
        last = end if last is None else max(last, end)
busy = last - first
print(f"[bench] job[{name}] sinks={','.join(sinks)}: {n:,} records in {busy:.1f} s of batches"
      f" ({s1 - s0:.1f} s with JVM start): {n / busy:,.0f} records/s")
# Output delay of pv: commit of the batch that first carries a new watermark minus the writing of its offsets.
if "pv" in sinks:
    chk, meta = os.path.join(root, "chk", "pv"), os.path.join(root, "parquet", "pv", "_spark_metadata")
    wms, delays = {}, []
    for f in os.listdir(os.path.join(chk, "offsets")):
        if f.isdigit():
            wms[int(f)] = json.loads(open(os.path.join(chk, "offsets", f)).read().splitlines()[1])["batchWatermarkMs"]
    for b in sorted(wms):
        m = os.path.join(meta, str(b))
        if b - 1 in wms and wms[b] > wms[b - 1] and os.path.exists(m):
            delays.append(os.path.getmtime(m) - os.path.getmtime(os.path.join(chk, "offsets", str(b))))
    if delays:
        print(f"[bench] pv output delay (watermark passes window end -> window's files committed), "
              f"{len(delays)} batches: median {statistics.median(delays):.2f} s, max {max(delays):.2f} s")
with open(os.path.join(os.path.dirname(root), "rate-" + name), "w") as f:
    f.write(str(n / busy))
PY
}

run_job all uv,pv,events,quarantine
run_job events-only events

perf=$("${tool[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$bootstrap" --topic "$topic" \
  --messages "$n" --timeout 60000 | tail -1)
echo "[bench] ConsumerPerformance: $perf"
# start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
tool_rate=$(awk -F', *' '{print $6}' <<<"$perf")
python3 - "$(cat "$work/rate-all")" "$(cat "$work/rate-events-only")" "$tool_rate" <<'PY'
import sys
a, e, k = (float(x) for x in sys.argv[1:4])
print(f"[bench] job, 4 sinks {a:,.0f} rec/s | job, events sink only {e:,.0f} rec/s | ConsumerPerformance {k:,.0f} rec/s")
print(f"[bench] ratio job/ConsumerPerformance: 4 sinks {a / k:.3f}, events only {e / k:.3f};"
      f" the three extra queries re-reading and re-parsing the topic cost {100 * (1 - a / e):.0f} % of the rate")
PY
