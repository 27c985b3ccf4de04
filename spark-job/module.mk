# spark-job/: the Spark Structured Streaming job, run as one local-mode JVM with the shaded jar: query ingest (Kafka ->
# events, quarantine) and query windows (committed events -> pv, uv, topn), Parquet under DATA_DIR. Settings pass
# through the environment (KAFKA_BOOTSTRAP_SERVERS, KAFKA_TOPIC, DATA_DIR, WINDOW_DURATION, WATERMARK_DELAY, UV_RSD,
# JOB_*; see spark-job/README.md). It has no HTTP port: its health is its progress under DATA_DIR/progress/.

SERVICES += spark

SPARK_JOB_JAR := spark-job/target/spark-job.jar
SPARK_HEAP ?= 768m
SPARK_MASTER ?= local[2]
# The manifest carries the Add-Opens; this one is a system property and cannot go there.
SPARK_JVM_FLAGS := -Xms256m -Xmx$(SPARK_HEAP) -Djdk.reflect.useDirectMethodHandle=false \
  -Dspark.sql.shuffle.partitions=1
SPARK_JOB_ARGS ?=
BENCH_EVENTS ?= 1000000

# The contract is built with it (not -am: that would rebuild kafka/target/lib under running brokers).
$(SPARK_JOB_JAR): $(MVN) pom.xml spark-job/pom.xml $(shell find spark-job/src/main infra/contract/src/main accounting/src/main -type f 2>/dev/null)
	$(MVN) $(MVN_FLAGS) -q install -DskipTests -pl infra/contract,accounting,spark-job
	@touch $@

.PHONY: run-spark stop-spark status-spark kill-spark restart-spark bench-spark bench-samples run-files samples compact
run-spark: $(SPARK_JOB_JAR) ## start the Spark job (local[2], reads KAFKA_TOPIC from the start, writes DATA_DIR/parquet)
	@mkdir -p $(DATA_DIR) $(RUN_DIR)
	@# Run a copy: a rebuild re-shades target/spark-job.jar in place and would crash a running job. The rename
	@# leaves a running job's open jar untouched.
	@cp $(SPARK_JOB_JAR) $(RUN_DIR)/.spark-job.jar.tmp && mv -f $(RUN_DIR)/.spark-job.jar.tmp $(RUN_DIR)/spark-job.jar
	@infra/bin/service.sh start spark - -- \
	  env SPARK_LOCAL_IP=127.0.0.1 java $(SPARK_JVM_FLAGS) -jar $(RUN_DIR)/spark-job.jar --master '$(SPARK_MASTER)' $(SPARK_JOB_ARGS)

# The producer is started through its own target with PRODUCER_SINK=landing (its documented setting).
run-files: $(SPARK_JOB_JAR) ## the stack without Kafka: producer writing DATA_DIR/landing, the job on --source files (stop: make stop-spark stop-producer)
	@PRODUCER_SINK=landing $(MAKE) --no-print-directory run-producer
	@$(MAKE) --no-print-directory run-spark SPARK_JOB_ARGS='--source files $(SPARK_JOB_ARGS)'

# Its own Spark application from a copy of the jar (a rebuild re-shades target/spark-job.jar in place). Safe while
# the job streams: every commit is a compare-and-set in DATA_DIR/warehouse/catalog.db (docs/iceberg.md, Maintenance).
COMPACT_ARGS ?=
compact: $(SPARK_JOB_JAR) ## with OUTPUT_FORMAT=iceberg: rewrite small files, expire snapshots past ICEBERG_SNAPSHOT_RETENTION, remove orphans; files and bytes per table
	@mkdir -p $(RUN_DIR)
	@cp $(SPARK_JOB_JAR) $(RUN_DIR)/.spark-compact.jar.tmp && mv -f $(RUN_DIR)/.spark-compact.jar.tmp $(RUN_DIR)/spark-compact.jar
	env SPARK_LOCAL_IP=127.0.0.1 java $(SPARK_JVM_FLAGS) -jar $(RUN_DIR)/spark-compact.jar compact --master '$(SPARK_MASTER)' $(COMPACT_ARGS)

stop-spark: ## stop the Spark job (SIGTERM: every query stops between batches)
	@infra/bin/service.sh stop spark 60

status-spark: ## is the Spark job running, and its queries' last progress
	@infra/bin/service.sh status spark "$(DATA_DIR)/progress"
	@for q in $(call contract_list,$(CONTRACT_QUERIES)); do f="$(DATA_DIR)/progress/$$q.jsonl"; \
	  if [ -f "$$f" ]; then printf '  %-10s %s\n' "$$q" "$$(tail -n 1 "$$f" | cut -c1-160)"; fi; done

kill-spark: ## SIGKILL the Spark job, as in a crash, in whichever stack runs (make restart-spark resumes from the checkpoints)
	@if [ "$(STACK)" = compose ]; then $(COMPOSE) kill -s SIGKILL $(SPARK_SERVICE); \
	else infra/bin/service.sh kill spark; fi

restart-spark: ## start the Spark job again after a stop or kill-spark, in whichever stack runs: it resumes from its checkpoints
	@if [ "$(STACK)" = compose ]; then \
	  $(COMPOSE) --profile cluster stop -t 60 $(SPARK_SERVICE) && $(COMPOSE) --profile cluster start $(SPARK_SERVICE) && \
	  COMPOSE="$(COMPOSE)" infra/bin/compose-wait.sh $(SPARK_SERVICE); \
	else infra/bin/service.sh stop spark 60 && $(MAKE) --no-print-directory run-spark; fi

# The previous topology's jar (BENCH_BASELINE, default ff1eb15) is built once into run/bench-baseline/. BENCH_* knobs:
# see spark-job/bench/bench-spark.sh (BENCH_CAP, BENCH_JVM_OPTS, BENCH_RUNS, ...).
bench-spark: $(SPARK_JOB_JAR) $(KAFKA_JAR) ## the job (every output), the previous topology, the ingest query alone and ConsumerPerformance on one topic: make bench-spark BENCH_EVENTS=1000000
	@spark-job/bench/bench-spark.sh $(SPARK_JOB_JAR) kafka/target/lib $(BENCH_EVENTS)

# A batch run of the same jar (docs/features.md): FROM/TO are UTC times, widened to whole hours (printed); refused
# until the windows query has sealed TO + HORIZON. Reads DATA_DIR; writes parquet/samples and parquet/features/*.
HORIZON ?= PT10M
# Without the streaming job's one shuffle partition (its state stores' count): samples sorts each feature's stream in
# one task per partition, so one partition left a core idle; SamplesCommand's own default (4) applies. Its own heap:
# at the job's 768m, 6 hours of one synthetic day failed (a sort merging its many spill files, 2 MB of read buffer
# each: OutOfMemoryError; make bench-samples, spark-job README).
SAMPLES_HEAP ?= 2g
SAMPLES_JVM_FLAGS := $(filter-out -Dspark.sql.shuffle.partitions=% -Xmx%,$(SPARK_JVM_FLAGS)) -Xmx$(SAMPLES_HEAP)
samples: $(SPARK_JOB_JAR) ## labelled samples and point-in-time features of whole UTC hours: make samples FROM=2026-12-01T10 TO=2026-12-01T12 [HORIZON=PT10M] [SAMPLES_HEAP=2g]
	@if [ -z "$(FROM)" ] || [ -z "$(TO)" ]; then echo "usage: make samples FROM=<UTC time> TO=<UTC time> [HORIZON=PT10M] (e.g. FROM=2026-12-01T10 TO=2026-12-01T12)" >&2; exit 2; fi
	@env SPARK_LOCAL_IP=127.0.0.1 java $(SAMPLES_JVM_FLAGS) -jar $(SPARK_JOB_JAR) samples --master '$(SPARK_MASTER)' \
	  --data-dir '$(DATA_DIR)' --from '$(FROM)' --to '$(TO)' --horizon '$(HORIZON)'

# Not part of make test. Synthesizes its own data root (run/bench-samples/root, reused while its parameters match)
# from spark-job's test classes, then times `samples` with the flags above. BENCH_* knobs: spark-job/bench/bench-samples.sh.
bench-samples: $(SPARK_JOB_JAR) ## cost of make samples on one synthetic day (200 events/s; not in make test): wall, CPU, peak memory per range size (BENCH_RANGES="0+1 0+6 23+1 0+24")
	@$(MVN) $(MVN_FLAGS) -q -pl spark-job test-compile
	@BENCH_JVM_FLAGS='$(SAMPLES_JVM_FLAGS)' BENCH_MASTER='$(SPARK_MASTER)' \
	  spark-job/bench/bench-samples.sh $(SPARK_JOB_JAR) spark-job/target/test-classes
