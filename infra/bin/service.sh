#!/usr/bin/env bash
# Runs one service of the local stack in the background, the same way for every service:
#   service.sh start NAME HEALTH_URL -- COMMAND...   start detached, pid in run/NAME.pid, log in run/NAME.log,
#                                                     wait until HEALTH_URL answers 2xx (or "-" to skip)
#   service.sh stop NAME [GRACE_SECONDS]              SIGTERM, SIGKILL after GRACE_SECONDS (default 30)
#   service.sh kill NAME                              SIGKILL, as in a crash
#   service.sh status NAME [URL]                      one line: running or not, pid, where
# RUN_DIR (default run) holds the pid and log files.
set -euo pipefail
RUN_DIR=${RUN_DIR:-run}
cmd=${1:?usage: service.sh start|stop|kill|status NAME ...}
name=${2:?service name}
pidfile="$RUN_DIR/$name.pid"
logfile="$RUN_DIR/$name.log"
mkdir -p "$RUN_DIR"

# GET url answers 2xx? curl where installed, else bash's /dev/tcp (a fresh machine may lack curl).
http_ok() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
    return
  fi
  local rest=${1#http://} hostport path
  hostport=${rest%%/*}
  path=/${rest#*/}
  [[ $rest == */* ]] || path=/
  (
    exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3
    timeout 2 head -n 1 <&3 | grep -q ' 2[0-9][0-9] '
  ) 2>/dev/null
}

pid_alive() {
  [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

case $cmd in
  start)
    url=${3:?health URL or -}
    shift 3
    [[ ${1:-} == -- ]] && shift
    if pid_alive; then
      echo "[$name] already running (pid $(cat "$pidfile"))"
      exit 0
    fi
    # A new session, so the service outlives the terminal; stdin from /dev/null, output appended to the log.
    setsid "$@" </dev/null >>"$logfile" 2>&1 &
    echo $! >"$pidfile"
    echo "[$name] starting (pid $!, log $logfile)"
    [[ $url == - ]] && exit 0
    timeout=${START_TIMEOUT:-180}
    for ((i = 0; i < timeout * 2; i++)); do
      if ! pid_alive; then
        echo "[$name] exited during start-up; last lines of $logfile:" >&2
        tail -n 30 "$logfile" >&2
        rm -f "$pidfile"
        exit 1
      fi
      if http_ok "$url"; then
        echo "[$name] up: $url"
        exit 0
      fi
      ((i % 20 == 19)) && echo "[$name] waiting for $url ($((i / 2 + 1)) s)"
      sleep 0.5
    done
    echo "[$name] did not answer $url within ${timeout} s; see $logfile" >&2
    exit 1
    ;;
  stop)
    grace=${3:-30}
    if ! pid_alive; then
      rm -f "$pidfile"
      exit 0
    fi
    pid=$(cat "$pidfile")
    kill -TERM "$pid"
    for ((i = 0; i < grace * 5; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "[$name] still running after ${grace} s: SIGKILL"
      kill -KILL "$pid"
    fi
    rm -f "$pidfile"
    echo "[$name] stopped"
    ;;
  kill)
    if pid_alive; then
      pid=$(cat "$pidfile")
      kill -KILL "$pid"
      echo "[$name] killed (SIGKILL, pid $pid)"
    else
      echo "[$name] not running"
    fi
    rm -f "$pidfile"
    ;;
  status)
    where=${3:-}
    if pid_alive; then
      echo "$name  running (pid $(cat "$pidfile"))  $where"
    else
      echo "$name  stopped"
    fi
    ;;
  *)
    echo "unknown command $cmd" >&2
    exit 64
    ;;
esac
