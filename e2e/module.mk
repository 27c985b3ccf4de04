# e2e/: the containerized stack's end-to-end tests (Testcontainers on the real docker-compose.yml). Not part of
# `make test`: they need a Docker engine. `make e2e` builds the images first; E2E_TESTS=StackIT runs one class.

E2E_TESTS ?=

.PHONY: e2e
e2e: images ## end-to-end tests of the containerized stack: up, late bursts, SIGKILL spark / a broker, cluster profile
	$(MVN) $(MVN_FLAGS) -Pe2e -pl e2e verify $(if $(E2E_TESTS),-Dit.test=$(E2E_TESTS))
