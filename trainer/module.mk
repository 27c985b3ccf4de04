# trainer/: make train, a logistic regression (Spark MLlib) fitted on the samples and features `make samples` wrote
# for one range and evaluated on the next, against a popularity baseline and the oracle (truth.json). Its own module,
# so MLlib stays out of the job's jar and image; it runs from target/classpath.txt (jars in ~/.m2), not a fat jar.

TRAINER_JAR := trainer/target/trainer.jar
TRAINER_CP := trainer/target/classpath.txt
TRAIN_REG ?= 0
# What the job's jar carries as Add-Opens in its manifest; on a classpath run they go on the command line.
TRAINER_ADD_OPENS := $(addprefix --add-opens=,$(addsuffix =ALL-UNNAMED,java.base/java.lang java.base/java.lang.invoke \
  java.base/java.lang.reflect java.base/java.io java.base/java.net java.base/java.nio java.base/java.util \
  java.base/java.util.concurrent java.base/java.util.concurrent.atomic java.base/jdk.internal.ref java.base/sun.nio.ch \
  java.base/sun.nio.cs java.base/sun.security.action java.base/sun.util.calendar))

# spark-job (and the contract, accounting) are installed by the job's jar rule; the trainer resolves them from there,
# and their parent pom with them (-N: the root pom alone, which that rule's -pl does not install).
$(TRAINER_JAR): $(SPARK_JOB_JAR) pom.xml trainer/pom.xml $(shell find trainer/src/main -type f 2>/dev/null)
	$(MVN) $(MVN_FLAGS) -q install -N
	$(MVN) $(MVN_FLAGS) -q package -DskipTests -pl trainer
	@touch $@

.PHONY: train
train_missing = $(strip $(if $(TRAIN_FROM),,TRAIN_FROM) $(if $(TRAIN_TO),,TRAIN_TO) $(if $(TEST_TO),,TEST_TO))
# The jar is built only when the settings are there: a usage error needs no build.
train: $(if $(train_missing),,$(TRAINER_JAR)) ## fit a logistic regression on one range's samples, print the exact AUC of it, a page-CTR baseline and the oracle on the next: make train TRAIN_FROM=2026-12-01T04 TRAIN_TO=2026-12-01T06 TEST_TO=2026-12-01T07
	@if [ -n "$(train_missing)" ]; then echo "make train: missing $(train_missing)" >&2; \
	  echo "usage: make train TRAIN_FROM=<UTC time> TRAIN_TO=<UTC time> TEST_TO=<UTC time> [TEST_FROM=<TRAIN_TO>] [TRAIN_REG=0]" >&2; \
	  echo "  (whole UTC hours, e.g. TRAIN_FROM=2026-12-01T04 TRAIN_TO=2026-12-01T06 TEST_TO=2026-12-01T07; trainer/README.md)" >&2; \
	  exit 2; fi
	@env SPARK_LOCAL_IP=127.0.0.1 java $(SPARK_JVM_FLAGS) $(TRAINER_ADD_OPENS) \
	  -cp $(TRAINER_JAR):$$(cat $(TRAINER_CP)) io.streamingclicks.trainer.Main --master '$(SPARK_MASTER)' \
	  --data-dir '$(DATA_DIR)' --train-from '$(TRAIN_FROM)' --train-to '$(TRAIN_TO)' \
	  --test-from '$(TEST_FROM)' --test-to '$(TEST_TO)' --reg '$(TRAIN_REG)'
