#!/usr/bin/env bash
# make bench-producer: the producer service's maximum sustained acknowledged events/s against a running cluster,
# then Kafka's own ProducerPerformance on the same cluster with the same record size and acks=all, back to back.
# Both use the same producer settings (acks=all, idempotence, linger.ms=5, batch.size=64 KiB, compression
# BENCH_COMPRESSION, default lz4 as the service). Prints both and the ratio (goal >= 0.8).
#   bench-producer.sh PRODUCER_JAR KAFKA_LIB_DIR     (env: KAFKA_BOOTSTRAP_SERVERS, BENCH_SECONDS, BENCH_HEAP)
set -euo pipefail
jar=${1:?producer jar}
lib=${2:?kafka lib dir}
bootstrap=${KAFKA_BOOTSTRAP_SERVERS:?}
seconds=${BENCH_SECONDS:-20}
heap=${BENCH_HEAP:-512m}
tool=(java -Xmx256m -Dlog4j2.configurationFile=kafka/config/tools-log4j2.properties -cp "$lib/*")
topic=producer-bench-$(date +%s)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  "${tool[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --delete --topic "$topic" \
    >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"${tool[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create --topic "$topic" \
  --partitions 3 --replication-factor 3 --config min.insync.replicas=2 >/dev/null
echo "[bench] topic $topic (3 partitions, RF 3, min.insync 2) on $bootstrap; $seconds s per run"

# 1. The service, generator unthrottled (rate far above what the machine can do), measured by its acked counter.
compression=${BENCH_COMPRESSION:-lz4}
KAFKA_BOOTSTRAP_SERVERS=$bootstrap PRODUCER_COMPRESSION=$compression KAFKA_TOPIC=$topic DATA_DIR=$work PRODUCER_RATE=1000000 PRODUCER_AUTOSTART=false \
  QUARKUS_HTTP_PORT=$port java -Xmx"$heap" -jar "$jar" >"$work/producer.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -fsS -o /dev/null "$url/q/health/ready" 2>/dev/null && break; sleep 0.5; done
curl -fsS -o /dev/null -X POST "$url/generator/start"
sleep 5 # warm-up: JIT, batches, connections
stat() { curl -fsS "$url/stats" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['$1'])"; }
a0=$(stat acked); t0=$(date +%s.%N)
sleep "$seconds"
a1=$(stat acked); t1=$(date +%s.%N)
curl -fsS -o /dev/null -X POST "$url/generator/stop"
size=$(stat meanValueBytes)
final=$(curl -fsS "$url/stats")
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
service=$(python3 -c "print(round(($a1-$a0)/($t1-$t0)))")
record=$(python3 -c "print(round($size))")
echo "[bench] producer-service: $service acked events/s (mean value $size bytes); final stats: $final"

# 2. Kafka's tool, same record size, same durability and batching settings, about as many records as the service did.
records=$(( service * seconds > 10000 ? service * seconds : 10000 ))
perf=$("${tool[@]}" org.apache.kafka.tools.ProducerPerformance --topic "$topic" --num-records "$records" \
  --record-size "$record" --throughput -1 --producer-props bootstrap.servers="$bootstrap" acks=all \
  enable.idempotence=true linger.ms=5 batch.size=65536 compression.type="$compression" | tail -1)
echo "[bench] ProducerPerformance: $perf"
tool_rate=$(sed -E 's/.*records sent, ([0-9.]+) records\/sec.*/\1/' <<<"$perf")
python3 - "$service" "$tool_rate" "$record" "$compression" <<'PY'
import sys
s, k, size = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
print(f"producer-service {s:,.0f} ev/s | ProducerPerformance {k:,.0f} rec/s | {size} B records, acks=all, "
      f"{sys.argv[4]} | "
      f"ratio {s / k:.2f} (goal >= 0.80)")
PY
