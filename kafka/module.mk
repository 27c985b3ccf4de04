# kafka/: the local 3-broker KRaft cluster (no ZooKeeper, no container), from the Apache Kafka broker artifacts.

KAFKA_JAR := kafka/target/clickstream-kafka.jar
CONTRACT_JAR := infra/contract/target/clickstream-contract-$(VERSION).jar
KAFKACTL := java -cp $(KAFKA_JAR):$(CONTRACT_JAR) io.streamingclicks.kafka.KafkaCtl --dir $(RUN_DIR)/kafka
# Kafka's own tool classes (the Maven artifacts ship no bin/*.sh), on the broker classpath.
KAFKA_TOOL := java -Dlog4j2.configurationFile=kafka/config/tools-log4j2.properties -cp 'kafka/target/lib/*'

$(KAFKA_JAR): $(MVN) pom.xml kafka/pom.xml infra/contract/pom.xml $(shell find kafka/src kafka/config infra/contract/src -type f 2>/dev/null)
	$(MVN) $(MVN_FLAGS) -q install -DskipTests -pl kafka -am
	@touch $@

# BROKER=1..3, checked before compose is asked (KafkaCtl checks it for the local cluster).
broker_id = $(if $(filter 1 2 3,$(BROKER)),$(BROKER),$(error BROKER must be 1, 2 or 3, got '$(BROKER)'))

.PHONY: kafka-up kafka-down kafka-kill kafka-start kafka-status kafka-describe kafka-topics \
	kafka-console-producer kafka-console-consumer kafka-logs
kafka-up: $(KAFKA_JAR) ## start the 3 brokers (127.0.0.1:9092-9094) and create the topic; waits for full ISR
	@$(KAFKACTL) up

kafka-down: ## stop the brokers gracefully; data is kept under run/kafka
	@if [ -f $(KAFKA_JAR) ]; then $(KAFKACTL) down; fi

kafka-kill: ## SIGKILL one broker, in whichever stack runs: make kafka-kill BROKER=2
	@if [ "$(STACK)" = compose ]; then $(COMPOSE) kill -s SIGKILL kafka-$(call broker_id); \
	else $(MAKE) --no-print-directory $(KAFKA_JAR) && $(KAFKACTL) kill $(BROKER); fi

kafka-start: ## start one broker again and wait until it is back in every ISR, in whichever stack runs: make kafka-start BROKER=2
	@if [ "$(STACK)" = compose ]; then $(COMPOSE) start kafka-$(call broker_id) && \
	  $(COMPOSE) run --rm --no-deps kafka-init; \
	else $(MAKE) --no-print-directory $(KAFKA_JAR) && $(KAFKACTL) start $(BROKER); fi

kafka-status: ## one line per broker
	@if [ -f $(KAFKA_JAR) ]; then $(KAFKACTL) status; else echo "kafka  not built"; fi

kafka-describe: $(KAFKA_JAR) ## the topic's partitions: leader, replicas, ISR
	@$(KAFKACTL) describe

kafka-topics: $(KAFKA_JAR) ## Kafka's topic tool: make kafka-topics ARGS="--list"
	@$(KAFKA_TOOL) org.apache.kafka.tools.TopicCommand --bootstrap-server $(KAFKA_BOOTSTRAP_SERVERS) $(or $(ARGS),--describe --topic $(KAFKA_TOPIC))

kafka-console-producer: $(KAFKA_JAR) ## type JSON events, one per line, onto the topic
	@$(KAFKA_TOOL) org.apache.kafka.tools.ConsoleProducer --bootstrap-server $(KAFKA_BOOTSTRAP_SERVERS) --topic $(KAFKA_TOPIC) $(ARGS)

kafka-console-consumer: $(KAFKA_JAR) ## print the topic from the beginning
	@$(KAFKA_TOOL) org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server $(KAFKA_BOOTSTRAP_SERVERS) --topic $(KAFKA_TOPIC) --from-beginning $(ARGS)

kafka-logs: ## each node's partition log files (ls -ltr of each node's clickstream_events-* dirs)
	@ls -ltr $(RUN_DIR)/kafka/node-*/data/$(KAFKA_TOPIC)-*/*.log
