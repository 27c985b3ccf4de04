#!/usr/bin/env bash
# One-shot: waits for every broker, creates the topic (idempotent; min.insync.replicas=2) and waits for full ISR.
# The same ClusterAdmin that `make kafka-up` runs for the local cluster.
set -euo pipefail
bootstrap=${KAFKA_BOOTSTRAP_SERVERS:?set KAFKA_BOOTSTRAP_SERVERS}
topic=${KAFKA_TOPIC:-clickstream_events}
admin() { java -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties \
  -cp '/opt/kafka/lib/*:/opt/kafka/clickstream-kafka.jar' io.streamingclicks.kafka.admin.ClusterAdmin "$@"; }
echo "[kafka-init] waiting for ${KAFKA_BROKERS:-3} brokers at $bootstrap"
admin await-brokers "$bootstrap" "${KAFKA_BROKERS:-3}" 180000
admin ensure-topic "$bootstrap" "$topic" "${KAFKA_PARTITIONS:-3}" "${KAFKA_REPLICATION:-3}" "${KAFKA_MIN_ISR:-2}"
admin await-isr "$bootstrap" "$topic" 120000
admin describe "$bootstrap" "$topic"
