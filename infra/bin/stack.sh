#!/usr/bin/env bash
# Prints which stack runs: "compose" when a container of the compose project (COMPOSE_PROJECT) runs, else "local".
# The targets shared by both stacks (kill-spark, restart-spark, kafka-kill, kafka-start) act on what this names.
project=${COMPOSE_PROJECT:-streaming-clicks}
if command -v docker >/dev/null 2>&1 && \
   docker ps -q --filter "label=com.docker.compose.project=$project" 2>/dev/null | grep -q .; then
  echo compose
else
  echo local
fi
