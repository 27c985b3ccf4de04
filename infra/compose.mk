# infra/: the containerized stack (docker-compose.yml at the root). make builds the artifacts, then one image per
# service on a JRE 17 base (JRE_BASE, or one built here from Debian packages: infra/docker/jre-base.sh), then runs
# compose. The targets shared with the local stack (burst, kill-spark, restart-spark, kafka-kill, kafka-start,
# dashboard) act on whichever stack runs: infra/bin/stack.sh tells which.

COMPOSE_PROJECT ?= streaming-clicks
# Compose v2 where the docker CLI has it, else docker-compose 1.29 (Debian's package).
COMPOSE_BIN ?= $(shell if docker compose version >/dev/null 2>&1; then echo 'docker compose'; else echo docker-compose; fi)
COMPOSE = $(COMPOSE_BIN) -p $(COMPOSE_PROJECT) -f docker-compose.yml
IMAGE_PREFIX ?= streaming-clicks
IMAGE_TAG ?= latest
export IMAGE_PREFIX IMAGE_TAG
# Published ports (127.0.0.1 only) and the settings compose passes to the services.
export PRODUCER_PORT VALIDATOR_PORT
SPARK_HOME_STAGE := spark-job/target/spark-home
STACK = $(shell COMPOSE_PROJECT=$(COMPOSE_PROJECT) infra/bin/stack.sh)
# The job container of the running compose stack: the local-mode job, or the cluster profile's driver.
SPARK_SERVICE = $(shell if docker ps -q --filter label=com.docker.compose.project=$(COMPOSE_PROJECT) \
  --filter label=com.docker.compose.service=spark-driver | grep -q .; then echo spark-driver; else echo spark; fi)

# The classic builder: Debian's docker.io has no buildx, and the build context holds only built artifacts
# (.dockerignore).

# SPARK_HOME for the image: the job's runtime classpath from the Maven artifacts, the job's own (thin) jar and its
# log configuration (the driver's; it is not on the system classpath, where log4j looks).
$(SPARK_HOME_STAGE)/.staged: $(SPARK_JOB_JAR) spark-job/src/main/resources/log4j2.properties
	@rm -rf $(SPARK_HOME_STAGE) && mkdir -p $(SPARK_HOME_STAGE)/app
	$(MVN) $(MVN_FLAGS) -q -pl spark-job org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
	  -DincludeScope=runtime -DoutputDirectory=target/spark-home/jars
	@cp spark-job/target/spark-job-$(VERSION).jar $(SPARK_HOME_STAGE)/app/spark-job.jar
	@mkdir -p $(SPARK_HOME_STAGE)/conf && cp spark-job/src/main/resources/log4j2.properties $(SPARK_HOME_STAGE)/conf/
	@touch $@

.PHONY: images up up-cluster down clean ps logs demo-late demo-recovery
images: prereqs-docker $(KAFKA_JAR) $(PRODUCER_JAR) $(VALIDATOR_JAR) $(SPARK_HOME_STAGE)/.staged ## build every image (kafka, producer, spark, validator) on the JRE 17 base
	@base=$$(infra/docker/jre-base.sh) && echo "[images] base $$base" && \
	for img in kafka:kafka producer:producer-service validator:validator-service spark:spark-job; do \
	  name=$${img%%:*}; dir=$${img#*:}; started=$$(date +%s); \
	  log=$$(mktemp); \
	  if ! DOCKER_BUILDKIT=0 docker build -f $$dir/Dockerfile --build-arg JRE_BASE=$$base \
	      -t $(IMAGE_PREFIX)/$$name:$(IMAGE_TAG) . >$$log 2>&1; then cat $$log; rm -f $$log; exit 1; fi; rm -f $$log; \
	  echo "[images] $(IMAGE_PREFIX)/$$name:$(IMAGE_TAG) ($$(( $$(date +%s) - started )) s)"; \
	done

prereqs-docker:
	@infra/bin/check-prereqs.sh docker $(if $(filter docker-compose,$(COMPOSE_BIN)),docker-compose)
	@docker info >/dev/null 2>&1 || { echo "the Docker engine does not answer at $${DOCKER_HOST:-unix:///var/run/docker.sock}: start it (dockerd, or systemctl start docker)" >&2; exit 1; }

up: images ## the stack in containers: 3 brokers, topic, producer, Spark (local[2]), validator; waits until healthy
	@$(COMPOSE) up -d --no-build --scale spark-driver=0 $(UP_ARGS)
	@COMPOSE="$(COMPOSE)" infra/bin/compose-wait.sh producer validator spark
	@$(COMPOSE) ps

up-cluster: images ## the same stack with the job submitted to a Spark standalone master and two workers
	@$(COMPOSE) --profile cluster up -d --no-build --scale spark=0 $(UP_ARGS)
	@COMPOSE="$(COMPOSE)" infra/bin/compose-wait.sh producer validator spark-master spark-worker-1 spark-worker-2 spark-driver
	@$(COMPOSE) --profile cluster ps
	@echo "Spark master: http://127.0.0.1:$${SPARK_MASTER_UI_PORT:-8080}/ (its /json lists the application and executors)"

down: ## stop and remove the containers; volumes (data, brokers' logs) are kept
	@$(COMPOSE) --profile cluster down

clean: ## stop the containers and drop the stack's volumes (all data of the containerized stack)
	@$(COMPOSE) --profile cluster down -v

ps: ## the containers of the stack, with health
	@$(COMPOSE) --profile cluster ps

logs: ## follow the stack's logs: make logs [SERVICE=spark]
	@$(COMPOSE) --profile cluster logs -f --tail=100 $(SERVICE)

demo-late: ## walkthrough on the running stack: a burst inside the watermark and one beyond it; what was counted, what dropped
	@infra/bin/check-prereqs.sh curl python3
	@PRODUCER_URL=$(PRODUCER_URL) VALIDATOR_URL=$(VALIDATOR_URL) infra/bin/demo-late.sh

demo-recovery: ## walkthrough on the running stack: SIGKILL the job with a batch in flight, restart, print duplicates and reconciliation
	@infra/bin/check-prereqs.sh curl python3
	@STACK=$(STACK) COMPOSE_PROJECT=$(COMPOSE_PROJECT) VALIDATOR_URL=$(VALIDATOR_URL) infra/bin/demo-recovery.sh
