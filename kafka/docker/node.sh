#!/usr/bin/env bash
# One KRaft node (broker + controller) of the compose cluster: kafka/config/broker.properties, shared with the local
# cluster, plus this node's identity and listeners. Storage is formatted once, in the node's own volume.
#
#   PLAINTEXT  <service>:9092          the compose network (producer, spark, other brokers)
#   CONTROLLER <service>:9093          the KRaft quorum
#   HOST       127.0.0.1:KAFKA_HOST_PORT, published on the host's loopback (make burst, tools, tests)
set -euo pipefail
: "${KAFKA_NODE_ID:?set KAFKA_NODE_ID, the id of this node (1..3)}"
: "${KAFKA_CLUSTER_ID:?set KAFKA_CLUSTER_ID, the same 22-character id on every node}"
: "${KAFKA_CONTROLLER_QUORUM_VOTERS:?set KAFKA_CONTROLLER_QUORUM_VOTERS, e.g. 1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093}"
: "${KAFKA_HOST_PORT:?set KAFKA_HOST_PORT, the port published for this node on the host}"
internal_host=${KAFKA_INTERNAL_HOST:-$(hostname)}
home=/var/lib/kafka
mkdir -p "$home/data" "$home/logs"

{
  cat /opt/kafka/config/broker.properties
  cat <<EOT

# --- node $KAFKA_NODE_ID, written by kafka/docker/node.sh ---
node.id=$KAFKA_NODE_ID
controller.quorum.voters=$KAFKA_CONTROLLER_QUORUM_VOTERS
listeners=PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093,HOST://0.0.0.0:29092
advertised.listeners=PLAINTEXT://$internal_host:9092,HOST://127.0.0.1:$KAFKA_HOST_PORT
log.dirs=$home/data
EOT
} > "$home/server.properties"

log4j="-Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -Dkafka.logs.dir=$home/logs -Dkafka.console.level=info"
if [[ ! -f $home/data/meta.properties ]]; then
  echo "[kafka-$KAFKA_NODE_ID] formatting $home/data for cluster $KAFKA_CLUSTER_ID"
  java -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.properties \
    -cp '/opt/kafka/lib/*' kafka.tools.StorageTool format --ignore-formatted \
    --cluster-id "$KAFKA_CLUSTER_ID" --config "$home/server.properties"
fi
heap=${KAFKA_HEAP:-256m}
# shellcheck disable=SC2086
exec java -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
  -Djava.awt.headless=true $log4j ${KAFKA_JVM_OPTS:-} -cp '/opt/kafka/lib/*' kafka.Kafka "$home/server.properties"
