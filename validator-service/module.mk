# validator-service/: DuckDB data-quality checks, Top-N API and dashboard (Quarkus, 127.0.0.1:8082) over the job's
# committed output under DATA_DIR. Settings pass through the environment (DATA_DIR, WINDOW_DURATION, WATERMARK_DELAY,
# UV_RSD, VALIDATOR_CHECK_INTERVAL, VALIDATOR_PORT, ...; see validator-service/README.md).

SERVICES += validator
MODULE_TEST_PREREQS += chromium

VALIDATOR_JAR := validator-service/target/quarkus-app/quarkus-run.jar
VALIDATOR_PORT ?= $(CONTRACT_VALIDATOR_PORT)
VALIDATOR_URL := http://127.0.0.1:$(VALIDATOR_PORT)
VALIDATOR_HEAP ?= 512m

# The contract is built with it (not -am: that would rebuild kafka/target/lib under running brokers).
$(VALIDATOR_JAR): $(MVN) pom.xml validator-service/pom.xml validator-service/queries.sql $(shell find validator-service/src/main infra/contract/src/main -type f 2>/dev/null)
	$(MVN) $(MVN_FLAGS) -q install -DskipTests -pl infra/contract,validator-service
	@touch $@

.PHONY: run-validator stop-validator status-validator dashboard dq sql-files bench-validator
run-validator: $(VALIDATOR_JAR) ## start the validator on 127.0.0.1:8082 (reads DATA_DIR; checks every 30 s)
	@mkdir -p $(DATA_DIR)
	@infra/bin/service.sh start validator $(VALIDATOR_URL)/q/health/ready -- \
	  env VALIDATOR_PORT=$(VALIDATOR_PORT) java -Xms64m -Xmx$(VALIDATOR_HEAP) -XX:+UseSerialGC -jar $(VALIDATOR_JAR)

stop-validator: ## stop the validator
	@infra/bin/service.sh stop validator

status-validator: ## is the validator running
	@infra/bin/service.sh status validator $(VALIDATOR_URL)

dashboard: ## print the dashboard's URL
	@echo "dashboard: $(VALIDATOR_URL)/   (API: $(VALIDATOR_URL)/q/openapi, metrics: $(VALIDATOR_URL)/q/metrics)"

# One-shot: a plain main in the same jar (no server, in-memory DuckDB), so it runs next to a running validator.
VALIDATOR_APP := validator-service/target/quarkus-app
dq: $(VALIDATOR_JAR) ## run every data-quality check once over DATA_DIR, print a table, exit non-zero if any fails
	@java -Xmx$(VALIDATOR_HEAP) -cp '$(VALIDATOR_APP)/app/*:$(VALIDATOR_APP)/lib/boot/*:$(VALIDATOR_APP)/lib/main/*' \
	  io.streamingclicks.validator.dq.OneShotDq

# The duckdb CLI on OUTPUT_FORMAT=iceberg: DuckDB cannot plan a table's snapshot without its iceberg extension, so
# iceberg-core (the validator's reader) prints each table's committed data files as the variables queries.sql reads.
sql-files: $(VALIDATOR_JAR) ## OUTPUT_FORMAT=iceberg: print a DuckDB script binding each table's data files for queries.sql (AS_OF=<instant>: an older snapshot)
	@AS_OF='$(AS_OF)' java -Xmx$(VALIDATOR_HEAP) -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp '$(VALIDATOR_APP)/app/*:$(VALIDATOR_APP)/lib/boot/*:$(VALIDATOR_APP)/lib/main/*' \
	  io.streamingclicks.validator.committed.IcebergCliScript

VALIDATOR_BENCH_DIR ?= validator-service/target/bench-data
bench-validator: $(VALIDATOR_JAR) ## Top-N and UV-per-day p50/p99 via REST over 30 days of 5-min windows vs the same SQL (+ union) in process
	@$(MVN) $(MVN_FLAGS) -q -pl infra/contract,accounting,validator-service test-compile dependency:build-classpath \
	  -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
	@java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp validator-service/target/test-classes:validator-service/target/classes:$$(cat validator-service/target/bench.classpath) \
	  io.streamingclicks.validator.bench.TopNBench $(VALIDATOR_JAR) $(VALIDATOR_BENCH_DIR) $(or $(QUERIES),1000) $(or $(UV_QUERIES),30)
