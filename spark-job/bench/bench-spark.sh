#!/usr/bin/env bash
# make bench-spark: load N click events into a fresh topic, then, one after the other on that topic, each from the
# earliest offset on a fresh data root:
#   1. the job with every output (ingest -> events, quarantine; windows -> uv, pv, topn 10);
#   2. the previous topology (one query per output, each reading the topic), the jar of BENCH_BASELINE;
#   3. the ingest query alone (--sinks events,quarantine);
#   4. Kafka's ConsumerPerformance reading the same N records.
# Rate = N / (first batch start -> last window committed; for the ingest query alone: -> last record committed).
# Also per run: events per CPU-second of the job's JVM (/proc/<pid>/stat utime+stime over the same interval), parses
# per record (from_json in the executed plans, logged by -Dstreamingclicks.explain=true), each query's batch duration
# and the output delay (the batch after which the watermark passed a window's end -> its uv and pv committed).
# Uses the cluster at KAFKA_BOOTSTRAP_SERVERS if one answers, else starts its own 3 brokers on free ports.
#   bench-spark.sh SPARK_JOB_JAR KAFKA_LIB_DIR N
# env: KAFKA_BOOTSTRAP_SERVERS; BENCH_HEAP (1g); BENCH_BASELINE (a git revision, see below); BENCH_CAP (records per
# batch, default N/10); BENCH_TRIGGER_S (1); BENCH_WINDOW_S (10) and BENCH_WATERMARK_S (5), small so N events of
# 1,000 per event-time second seal many windows; BENCH_JVM_OPTS (extra -D for the job runs, e.g.
# -Dspark.sql.shuffle.partitions=6); BENCH_RUNS (all,baseline,ingest,tool: which of the four to run); BENCH_KEEP=1
# keeps the temporary directory (data roots, job logs); BENCH_VARIANTS, more runs of the job with every output on the
# same topic, right after `all`, to compare settings in one invocation: "name:words;name:words", where words starting
# with -D or -XX go to the JVM (after BENCH_JVM_OPTS), jar=PATH runs another build of the job (e.g. a copy of the jar
# before a change), the others go to the job (after the bench's own options, so "--max-offsets-per-trigger 25000"
# overrides BENCH_CAP); "again:" repeats `all` as it is (the noise between two runs).
# OUTPUT_FORMAT=iceberg (make bench-spark OUTPUT_FORMAT=iceberg): the variant "iceberg" (--format iceberg) runs first
# among them, then the Iceberg run's tables are compacted (make compact) and their files printed again. Every other run
# writes Parquet. Each job run prints its data files per table (or sink).
set -euo pipefail
jar=${1:?spark job jar}
lib=${2:?kafka lib dir}
n=${3:-1000000}
heap=${BENCH_HEAP:-1g}
# ff1eb15 is main's last commit before the job became two queries (ingest + windows); a later default would measure
# the new topology against itself.
baseline=${BENCH_BASELINE:-ff1eb15}
cap=${BENCH_CAP:-$(( n / 10 > 10000 ? n / 10 : 10000 ))}
trigger_s=${BENCH_TRIGGER_S:-1}
window_s=${BENCH_WINDOW_S:-10}
watermark_s=${BENCH_WATERMARK_S:-5}
jvm_opts=${BENCH_JVM_OPTS:-}
runs=${BENCH_RUNS:-all,baseline,ingest,tool}
variants=${BENCH_VARIANTS:-}
timeout_s=${BENCH_TIMEOUT_S:-1800}
# The format is this script's choice per run, never inherited: the job reads OUTPUT_FORMAT from its environment, and
# the Parquet run is the reference the Iceberg one is compared with.
format=${OUTPUT_FORMAT:-parquet}
unset OUTPUT_FORMAT
case $format in
  parquet) ;;
  iceberg) variants="iceberg:--format iceberg${variants:+;$variants}" ;;
  *) echo "[bench] OUTPUT_FORMAT must be parquet or iceberg, not '$format'" >&2; exit 2 ;;
esac
tool=(java -Xmx256m -Dlog4j2.configurationFile=kafka/config/tools-log4j2.properties -cp "$lib/*")
repo=$(git rev-parse --show-toplevel)
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
  if [[ -n ${BENCH_KEEP:-} ]]; then echo "[bench] kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
echo "[bench] load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

# The previous topology's shaded jar, built once per commit in a temporary worktree and kept under run/.
baseline_jar() {
  local sha out tmp
  sha=$(git rev-parse --verify "$baseline^{commit}")
  out=$repo/run/bench-baseline/spark-job-$sha.jar
  if [[ ! -f $out ]]; then
    echo "[bench] building the previous topology's jar at ${sha:0:7} (once; kept as $out)" >&2
    tmp=$(mktemp -d)
    git worktree add --detach "$tmp/wt" "$sha" >/dev/null
    ln -s "$repo/.build" "$tmp/wt/.build" 2>/dev/null || true
    if ! (cd "$tmp/wt" && .build/apache-maven-3.9.11/bin/mvn -B -ntp -q -pl spark-job -am package -DskipTests \
          >"$tmp/build.log" 2>&1); then
      tail -30 "$tmp/build.log" >&2; git worktree remove --force "$tmp/wt"; rm -rf "$tmp"; exit 1
    fi
    mkdir -p "$(dirname "$out")"
    cp "$tmp/wt/spark-job/target/spark-job.jar" "$out.tmp" && mv "$out.tmp" "$out"
    git worktree remove --force "$tmp/wt"
    rm -rf "$tmp"
  fi
  echo "$out"
}
[[ ,$runs, == *,baseline,* ]] && old_jar=$(baseline_jar)

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

# Events in event-time order over N/1000 seconds (1,000 events per second of event time) ending an hour ago, 50,000
# users, 100 pages, as the producer writes them. Writes the end of the last window the data can seal (epoch ms).
python3 - "$n" "$window_s" "$watermark_s" "$work" >"$work/events.jsonl" <<'PY'
import os, sys, time, uuid, random
n, window, delay, work = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rnd = random.Random(7)
start = int(time.time()) - n // 1000 - 3600
out = sys.stdout
for i in range(n):
    t = start + i / 1000.0
    ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % int((t % 1) * 1000)
    out.write('{"event_id":"%s","user_id":"u%d","page_id":"/p%d","event_time":"%s","action":"view","duration_ms":%d}\n'
              % (uuid.UUID(int=rnd.getrandbits(128)), rnd.randrange(50000), rnd.randrange(100), ts, rnd.randrange(5000)))
# The final watermark is the newest event time minus the delay; 1 s of margin for rounding of the text timestamps.
final_wm_ms = (start * 1000 + (n - 1)) - delay * 1000 - 1000
open(os.path.join(work, "last-window-end"), "w").write(str(final_wm_ms // (window * 1000) * window * 1000))
open(os.path.join(work, "first-window-end"), "w").write(str((start // window + 1) * window * 1000))
PY
t0=$(date +%s.%N)
"${tool[@]}" org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$bootstrap" --topic "$topic" \
  --command-property acks=all --command-property linger.ms=20 --command-property batch.size=262144 \
  <"$work/events.jsonl"
t1=$(date +%s.%N)
echo "[bench] loaded $n events ($(du -h "$work/events.jsonl" | cut -f1)) in $(python3 -c "print(round($t1-$t0,1))") s;" \
  "window ${window_s} s, watermark ${watermark_s} s, trigger ${trigger_s} s, batches of $cap records${jvm_opts:+, $jvm_opts}"

# Is the run done? Every Kafka-reading query has committed all n records and every windowed query has run a batch
# whose watermark reached the last sealable window's end (that batch emits it).
done_yet() {
  python3 - "$1" "$n" "$(cat "$work/last-window-end")" <<'PY'
import json, os, sys
from datetime import datetime
root, n, last_end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
prog = os.path.join(root, "progress")
try:
    names = [f[:-6] for f in os.listdir(prog) if f.endswith(".jsonl")]
except OSError:
    names = []
ok = bool(names)
for q in names:
    lines = [json.loads(l) for l in open(os.path.join(prog, q + ".jsonl"))]
    if q in ("windows", "uv", "pv", "topn"):
        wms = [datetime.fromisoformat(l["watermark"].replace("Z", "+00:00")).timestamp() * 1000
               for l in lines if "watermark" in l]
        ok &= bool(wms) and max(wms) >= last_end
    elif q in ("ingest", "events", "quarantine"):
        ok &= any(sum(l.get("end_offsets", {}).values()) >= n for l in lines)
print("yes" if ok else "no")
PY
}

# Runs one job until done_yet; samples its JVM's CPU meanwhile; writes its figures to $work/result-<name>.
# run_job NAME JAR "EXTRA JVM OPTIONS" JOB ARGS...
run_job() {
  local name=$1 jarfile=$2 extra_jvm=$3 root=$work/$1
  shift 3
  mkdir -p "$root"
  cut -d' ' -f1 /proc/loadavg >"$root/load-start"
  # shellcheck disable=SC2086
  java -Xmx"$heap" -Djdk.reflect.useDirectMethodHandle=false -Dstreamingclicks.explain=true $jvm_opts $extra_jvm \
    -jar "$jarfile" --bootstrap-servers "$bootstrap" --topic "$topic" --data-dir "$root" \
    --trigger "PT${trigger_s}S" --window "PT${window_s}S" --watermark "PT${watermark_s}S" \
    --max-offsets-per-trigger "$cap" "$@" >"$root/job.log" 2>&1 &
  local pid=$!
  # The JVM's own utime+stime (clock ticks), with the wall time, four times a second.
  (while read -r stat <"/proc/$pid/stat" 2>/dev/null; do echo "$EPOCHREALTIME ${stat##*) }"; sleep 0.25; done) \
    >"$root/cpu.log" 2>/dev/null &
  local sampler=$! started=$SECONDS
  while [[ $(done_yet "$root") != yes ]]; do
    if ! kill -0 $pid 2>/dev/null; then echo "[bench] job $name exited; log:" >&2; tail -20 "$root/job.log" >&2; exit 1; fi
    if (( SECONDS - started > timeout_s )); then echo "[bench] job $name not done in $timeout_s s" >&2; exit 1; fi
    sleep 0.5
  done
  kill -TERM $pid; wait $pid 2>/dev/null || true
  kill $sampler 2>/dev/null; wait $sampler 2>/dev/null || true
  python3 "$(dirname "$0")/bench-figures.py" "$root" "$name" "$n" "$(cat "$work/first-window-end")" \
    "$(cat "$work/last-window-end")" $((window_s * 1000)) "$(getconf CLK_TCK)" "$work/result-$name" "${run_label:-}"
}

[[ ,$runs, == *,all,* ]] && run_job all "$jar" "" --topn 10
# Each variant: all+<name>, its words split into the JVM's and the job's.
IFS=';' read -ra specs <<<"$variants"
for spec in "${specs[@]}"; do
  [[ -z ${spec// } ]] && continue
  vname=${spec%%:*}; words=${spec#*:}
  [[ $vname =~ ^[A-Za-z0-9_.-]+$ && $spec == *:* ]] || { echo "[bench] BENCH_VARIANTS: '$spec' is not name:words" >&2; exit 2; }
  vjvm=(); vargs=(); vjar=$jar
  for w in $words; do
    case $w in -D*|-XX*) vjvm+=("$w") ;; jar=*) vjar=${w#jar=} ;; *) vargs+=("$w") ;; esac
  done
  [[ -f $vjar ]] || { echo "[bench] BENCH_VARIANTS: no jar $vjar" >&2; exit 2; }
  run_label=$words run_job "all+$vname" "$vjar" "${vjvm[*]}" --topn 10 "${vargs[@]}"
done

# Compaction of the Iceberg run's tables, the job stopped: files per table after it (before it: the run's own line).
# Runs the project's `make compact` on that data root; skipped, with a note, while there is no such target.
compact_tables() {
  local root=$1
  if ! make -C "$repo" -n compact >/dev/null 2>&1; then
    echo "[bench] compaction: skipped, this checkout has no 'make compact' yet; files per table above are before any"
    return 0
  fi
  local t0=$SECONDS
  if ! make -C "$repo" --no-print-directory compact DATA_DIR="$root" OUTPUT_FORMAT=iceberg >"$root/compact.log" 2>&1; then
    echo "[bench] compaction of $root failed; log:" >&2; tail -20 "$root/compact.log" >&2; exit 1
  fi
  echo "[bench] compaction of all+iceberg took $((SECONDS - t0)) s (log: $root/compact.log)"
  python3 "$(dirname "$0")/bench-figures.py" --files "$root" "all+iceberg after make compact"
}
[[ $format == iceberg && -d $work/all+iceberg ]] && compact_tables "$work/all+iceberg"

[[ ,$runs, == *,baseline,* ]] && run_job baseline "$old_jar" "" --topn 10
[[ ,$runs, == *,ingest,* ]] && run_job ingest "$jar" "" --sinks events,quarantine

tool_rate=
if [[ ,$runs, == *,tool,* ]]; then
  perf=$("${tool[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$bootstrap" --topic "$topic" \
    --messages "$n" --timeout 60000 | tail -1)
  echo "[bench] ConsumerPerformance: $perf"
  # start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, ...
  tool_rate=$(awk -F', *' '{print $6}' <<<"$perf")
fi
echo "[bench] load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$(dirname "$0")/bench-figures.py" --compare "$work" "$n" "$trigger_s" "${tool_rate:-0}" "$baseline"
