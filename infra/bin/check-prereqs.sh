#!/usr/bin/env bash
# Names every prerequisite of `make run` / `make test` that is missing, with the command that installs it.
# Exit 1 if any is missing. Extra tools a module's tests need are passed as arguments: check-prereqs.sh chromium
set -uo pipefail
missing=0
need() { # need TOOL "why" "install command"
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "missing: $1 ($2); install with: $3" >&2
    missing=1
  fi
}
need java "JDK 17 runs every service" "apt-get install -y openjdk-17-jdk-headless"
need javac "JDK 17 builds every module" "apt-get install -y openjdk-17-jdk-headless"
need mvn "any Maven 3 bootstraps Maven 3.9.11" "apt-get install -y maven"
need setsid "runs services detached" "apt-get install -y util-linux"
if command -v javac >/dev/null 2>&1; then
  v=$(javac -version 2>&1 | sed -E 's/^javac ([0-9]+).*/\1/')
  if [[ $v != 17 ]]; then
    echo "wrong JDK: javac $v; Spark 3.5 needs Java 17 (Hadoop's security code fails on newer JDKs)." >&2
    echo "  install with: apt-get install -y openjdk-17-jdk-headless, then set JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64" >&2
    missing=1
  fi
fi
for extra in "$@"; do
  case $extra in
    chromium) need chromium "headless browser for the dashboard test" "apt-get install -y chromium" ;;
    docker) need docker "the containerized stack" "apt-get install -y docker.io (then start dockerd)" ;;
    docker-compose) need docker-compose "runs docker-compose.yml (or Compose v2: docker compose)" "apt-get install -y docker-compose" ;;
    python3) need python3 "the demos read the services' JSON with it" "apt-get install -y python3" ;;
    *) need "$extra" "needed by this target" "apt-get install -y $extra" ;;
  esac
done
exit $missing
