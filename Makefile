# streaming-clicks: every command the README shows, and nothing else.
# Each deployable adds its own targets in <module>/module.mk; this file holds the build, the stack-wide
# targets (run, stop, status, test) and the settings every module shares.

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

VERSION := 0.1.0-SNAPSHOT
RUN_DIR ?= run
export RUN_DIR

# Settings (names are an interface, see docs/interfaces.md). Only the ones make itself needs get a default here;
# the rest pass through the environment to the services, which default them from the contract (infra/contract).
export KAFKA_BOOTSTRAP_SERVERS ?= $(subst $(space),$(comma),$(addprefix 127.0.0.1:,$(call contract_list,$(CONTRACT_KAFKA_PORTS))))
export KAFKA_TOPIC ?= $(CONTRACT_KAFKA_TOPIC)
export DATA_DIR ?= $(CONTRACT_DATA_DIR)
# The defaults above are expanded late, from the contract file included here: ports, topic, data root, sinks,
# queries and window defaults, the file the Java services read too. Its variables are CONTRACT_*, never a setting's name.
include infra/contract/src/main/resources/io/streamingclicks/contract/contract.properties
comma := ,
empty :=
space := $(empty) $(empty)
contract_list = $(subst $(comma), ,$(1))

# Maven 3.9 (Quarkus 3.27+ refuses 3.8), bootstrapped by its coordinates with whatever Maven is installed.
MAVEN_VERSION := 3.9.11
BUILD_DIR := .build
MVN := $(BUILD_DIR)/apache-maven-$(MAVEN_VERSION)/bin/mvn
MVN_FLAGS ?= -B -ntp

# Services of the local stack, in start order; each module.mk appends itself and defines run-/stop-/status-NAME.
SERVICES :=
reverse = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))

include $(sort $(wildcard */module.mk))
# The containerized stack last: its rules depend on every module's artifact variables.
include infra/compose.mk

.PHONY: help build test run stop status reset prereqs clean-build
help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | sort | column -t -s $$'\t'

$(MVN):
	@echo "[build] bootstrapping Maven $(MAVEN_VERSION) into $(BUILD_DIR)/ with the installed Maven"
	@mkdir -p $(BUILD_DIR)
	@# Run from .build/, outside the project: the old Maven must not read the Quarkus modules' poms.
	@cd $(BUILD_DIR) && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
	  -Dartifact=org.apache.maven:apache-maven:$(MAVEN_VERSION):zip:bin -DoutputDirectory=.
	@cd $(BUILD_DIR) && jar xf apache-maven-$(MAVEN_VERSION)-bin.zip && chmod +x apache-maven-$(MAVEN_VERSION)/bin/mvn
	@touch $@

prereqs: ## check what make run / make test need, naming what is missing and how to install it
	@infra/bin/check-prereqs.sh $(TEST_PREREQS)

build: prereqs $(MVN) ## build every module (no tests)
	$(MVN) $(MVN_FLAGS) -q install -DskipTests

test: TEST_PREREQS += $(MODULE_TEST_PREREQS)
test: prereqs $(MVN) ## build and run every test (unit and integration, real brokers)
	$(MVN) $(MVN_FLAGS) install

run: prereqs kafka-up $(addprefix run-,$(SERVICES)) ## start the local stack in the background and wait until healthy
	@echo
	@$(MAKE) --no-print-directory status

stop: $(addprefix stop-,$(call reverse,$(SERVICES))) kafka-down ## stop the local stack (data is kept)

status: kafka-status $(addprefix status-,$(SERVICES)) ## what runs, where

reset: ## stop whichever stack runs and delete its data and broker data (asks first; FORCE=1 does not ask)
	@STACK=$(STACK) FORCE=$(FORCE) COMPOSE_PROJECT=$(COMPOSE_PROJECT) infra/bin/reset.sh

clean-build: ## drop build output (target/ folders and the bootstrapped Maven)
	rm -rf $(BUILD_DIR) */target infra/*/target

