#!/usr/bin/env bash
# make reset: stops whichever stack runs and deletes its data, so the next start begins on an empty data root and a
# fresh topic (an old topic keeps newer events, and every window the producer backfills would then be dropped as late).
#   local stack   (make stop), then the data root DATA_DIR and the brokers' data RUN_DIR/kafka
#   compose stack (make clean): the containers and the project's volumes
# It names what it will delete and asks (y/N) on the terminal; FORCE=1 skips the question. Without a terminal and
# without FORCE=1 it changes nothing and exits 2; so does a DATA_DIR that is not a plain local path.
# Environment: STACK (local|compose; default: infra/bin/stack.sh), DATA_DIR, RUN_DIR, FORCE, COMPOSE_PROJECT, MAKE,
# RESET_STOP (the command that stops the local stack; default "$MAKE stop").
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd -P)
MAKE=${MAKE:-make}
STACK=${STACK:-$(infra/bin/stack.sh)}
# The contract's values as CONTRACT_* (the file make includes), for DATA_DIR's default when run without make.
. infra/contract/src/main/resources/io/streamingclicks/contract/contract.properties
DATA_DIR=${DATA_DIR:-$CONTRACT_DATA_DIR}
RUN_DIR=${RUN_DIR:-run}
project=${COMPOSE_PROJECT:-streaming-clicks}

refuse() {
  echo "make reset: $*" >&2
  exit 2
}

# Asks on the terminal unless FORCE=1; with no terminal there is nobody to ask, so nothing changes.
confirm() {
  [[ ${FORCE:-} == 1 ]] && return 0
  [[ -t 0 ]] || refuse "no terminal to ask on, nothing deleted; run \`make reset FORCE=1\` to delete without asking"
  local answer
  read -r -p "Delete all of this? [y/N] " answer
  [[ $answer == [yY] || $answer == [yY][eE][sS] ]] || { echo "nothing deleted"; exit 1; }
}

# An absolute, normalized local path for a setting, refusing URIs and paths whose deletion would take more than data.
local_path() {
  local name=$1 value=$2 abs
  [[ -n $value ]] || refuse "$name is empty"
  if [[ $value =~ ^[A-Za-z][A-Za-z0-9+.-]*: ]]; then
    refuse "$name=$value is a URI (${BASH_REMATCH[0]}), not a local path: make reset deletes only a plain local" \
      "directory, nothing deleted. Delete it with the tools of that store, or set $name to a local path."
  fi
  # Logical (as the brokers' command lines name it) and physical (what rm would reach).
  abs=$(realpath -ms -- "$value")
  case $(realpath -m -- "$value") in
    / | "$root" | "$(dirname "$root")" | "$(realpath -m -- "$HOME")")
      refuse "$name=$value is $abs: deleting it would take more than the stack's data, nothing deleted" ;;
  esac
  echo "$abs"
}

if [[ $STACK == compose ]]; then
  volumes=$(docker volume ls -q --filter "label=com.docker.compose.project=$project" 2>/dev/null | tr '\n' ' ' || true)
  echo "make reset will stop the compose stack '$project' (make clean: docker compose down -v) and delete its volumes:"
  [[ -n $volumes ]] || volumes="the project's volumes (clicks-data, kafka-1, kafka-2, kafka-3)"
  echo "  $volumes"
  confirm
  exec $MAKE --no-print-directory clean
fi

data=$(local_path DATA_DIR "$DATA_DIR")
brokers=$(local_path RUN_DIR "$RUN_DIR")/kafka
echo "make reset will stop the local stack (make stop) and delete:"
echo "  $data    the data root (DATA_DIR): output, checkpoints, ledger, landing files, validator database"
echo "  $brokers    the brokers' data and logs (the topic and its events)"
confirm

${RESET_STOP:-$MAKE --no-print-directory stop}
# A broker still running on these files (e.g. its jar was deleted, so make stop could not reach it) must not lose
# them under its feet: name it and leave everything in place.
if pgrep -f -- "$brokers/node-" >/dev/null; then
  refuse "a Kafka broker still runs on $brokers (pids: $(pgrep -d ' ' -f -- "$brokers/node-")); stop it, then" \
    "run make reset again. Nothing deleted."
fi
rm -rf -- "$data" "$brokers"
echo "deleted $data and $brokers; \`make run\` starts on an empty data root and a fresh topic"
