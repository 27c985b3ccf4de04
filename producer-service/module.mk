# producer-service/: the click generator (Quarkus, port 8081). Settings pass through the environment
# (PRODUCER_RATE, PRODUCER_BACKFILL, PRODUCER_SPEED, PRODUCER_LATE_FRACTION, PRODUCER_LATE_OFFSET, PRODUCER_CLICK_*,
# KAFKA_*, DATA_DIR).

SERVICES += producer

PRODUCER_JAR := producer-service/target/quarkus-app/quarkus-run.jar
PRODUCER_PORT ?= $(CONTRACT_PRODUCER_PORT)
PRODUCER_URL := http://127.0.0.1:$(PRODUCER_PORT)
PRODUCER_HEAP ?= 256m
COUNT ?= 500
OFFSET ?= -PT8M

producer_comma := ,

# The contract and accounting are built with it (not the whole -am chain: that would rebuild kafka/target/lib under
# running brokers).
$(PRODUCER_JAR): $(MVN) pom.xml producer-service/pom.xml accounting/pom.xml $(shell find producer-service/src/main infra/contract/src/main accounting/src/main -type f 2>/dev/null)
	$(MVN) $(MVN_FLAGS) -q install -DskipTests -pl infra/contract,accounting,producer-service
	@touch $@

.PHONY: run-producer stop-producer status-producer burst bench-producer
run-producer: $(PRODUCER_JAR) ## start the producer on 127.0.0.1:8081 (needs the brokers: make kafka-up)
	@mkdir -p $(DATA_DIR)
	@infra/bin/service.sh start producer $(PRODUCER_URL)/q/health/ready -- \
	  env QUARKUS_HTTP_PORT=$(PRODUCER_PORT) java -Xms64m -Xmx$(PRODUCER_HEAP) -XX:+UseSerialGC -jar $(PRODUCER_JAR)

stop-producer: ## stop the producer (SIGTERM: it waits for every answer and flushes the ledger)
	@infra/bin/service.sh stop producer

status-producer: ## is the producer running
	@infra/bin/service.sh status producer $(PRODUCER_URL)

burst: ## send late events to the running producer: make burst COUNT=500 OFFSET=-PT8M [PAGE=/home]
	@curl -sS -X POST -H 'Content-Type: application/json' \
	  -d '{"count": $(COUNT), "offset": "$(OFFSET)"$(if $(PAGE),$(producer_comma) "pageId": "$(PAGE)")}' \
	  -w '\n' $(PRODUCER_URL)/bursts

bench-producer: $(PRODUCER_JAR) $(KAFKA_JAR) ## max acked events/s of the producer vs Kafka's ProducerPerformance (needs make kafka-up)
	@producer-service/bench/bench-producer.sh $(PRODUCER_JAR) kafka/target/lib
