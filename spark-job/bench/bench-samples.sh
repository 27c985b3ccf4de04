#!/usr/bin/env bash
# make bench-samples: the cost of `spark-job.jar samples` (docs/features.md) on one day of synthetic traffic.
#   1. A data root of its own (BENCH_ROOT, default run/bench-samples/root; never data/): TruthTraffic, the generator's
#      propensity traffic, at BENCH_RATE events/s for BENCH_HOURS from BENCH_START, committed through the job's own
#      sink with a chk/windows the accounting reads (SynthesizeSampleRoot, run from spark-job's test classpath).
#      Reused as it is when its parameters match: a rerun only re-measures.
#   2. For each range of BENCH_RANGES ("OFFSET+LENGTH" in hours from BENCH_START), `java -jar spark-job.jar samples`
#      as its own JVM with BENCH_JVM_FLAGS (make passes the flags `make samples` uses), one after the other. Per run:
#      wall time; CPU-seconds of the JVM (utime+stime+cutime+cstime of /proc/<pid>/stat, polled until it exits);
#      peak RSS (VmHWM of /proc/<pid>/status, polled); the events the run reads (every event of
#      [FROM - 24 h, TO + H]: the features' history and the labels' horizon; all of them counted, none before
#      BENCH_START); the samples it wrote (its own report); events read per wall second; and seconds per million
#      events read, whose ratio largest/smallest says how the cost grows with the range.
# The default ranges start at BENCH_START, where there is no history: a range of N hours reads N h + 10 min of
# events. 23+1 is the hourly run of a stack in steady state: one hour with its full 24 h of history.
#   bench-samples.sh SPARK_JOB_JAR TEST_CLASSES
# env: BENCH_ROOT, BENCH_RATE (200), BENCH_HOURS (24), BENCH_START (2026-11-02T00:00:00Z), BENCH_BATCH_MIN (30),
# BENCH_RANGES ("0+1 0+6 23+1 0+24"), BENCH_JVM_FLAGS, BENCH_MASTER (local[2]), BENCH_SYNTH_HEAP (4g),
# BENCH_VARIANTS: more runs of every range to compare builds or settings in one invocation, "name:words;name:words",
# words starting with -D or -X go to the JVM (after BENCH_JVM_FLAGS), jar=PATH runs another build.
set -euo pipefail
jar=${1:?spark job jar}
test_classes=${2:?spark-job test classes}
repo=$(git rev-parse --show-toplevel)
root=${BENCH_ROOT:-$repo/run/bench-samples/root}
rate=${BENCH_RATE:-200}
hours=${BENCH_HOURS:-24}
start=${BENCH_START:-2026-11-02T00:00:00Z}
batch_min=${BENCH_BATCH_MIN:-30}
ranges=${BENCH_RANGES:-0+1 0+6 23+1 0+24}
jvm_flags=${BENCH_JVM_FLAGS:--Xms256m -Xmx768m -Djdk.reflect.useDirectMethodHandle=false}
master=${BENCH_MASTER:-local[2]}
variants=${BENCH_VARIANTS:-}
horizon_min=10
logs=$(dirname "$root")/logs
mkdir -p "$logs"
tck=$(getconf CLK_TCK)
echo "[bench] load average at start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"

# The jar's manifest opens java.base to Spark only when it runs with -jar; on a classpath the flags are needed.
opens=$(unzip -p "$jar" META-INF/MANIFEST.MF | tr -d '\r' | sed -n '/^Add-Opens:/,/^[A-Z][A-Za-z-]*:/p' \
  | sed -e 's/^Add-Opens: //' -e 's/^ //' -e '/^[A-Z][A-Za-z-]*:/d' | tr -d '\n')
add_opens=()
for m in $opens; do add_opens+=("--add-opens=$m=ALL-UNNAMED"); done
SPARK_LOCAL_IP=127.0.0.1 java -Xmx"${BENCH_SYNTH_HEAP:-4g}" "${add_opens[@]}" -Djdk.reflect.useDirectMethodHandle=false \
  -Dlog4j2.level=warn -cp "$test_classes:$jar" io.streamingclicks.job.bench.SynthesizeSampleRoot \
  "$root" "$rate" "$hours" "$start" "$batch_min" 2> "$logs/synthesize.log" \
  || { echo "[bench] synthesis failed: $logs/synthesize.log" >&2; tail -20 "$logs/synthesize.log" >&2; exit 1; }

iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
start_s=$(date -u -d "$start" +%s)
# Events with event time in [a, b] (seconds), from the root's per-minute counts.
events_in() { awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b { n += $2 } END { print n + 0 }' "$root/events-per-minute.tsv"; }

# measure NAME JAR FROM TO FLAGS...: one samples run; appends a row to $table.
table=$(mktemp)
trap 'rm -f "$table"' EXIT
measure() {
  local name=$1 run_jar=$2 from=$3 to=$4; shift 4
  local log=$logs/$name.log t0 t1 pid cpu=0 hwm=0 ticks kb rc
  t0=$(date +%s.%N)
  SPARK_LOCAL_IP=127.0.0.1 java $jvm_flags "$@" -jar "$run_jar" samples --master "$master" --data-dir "$root" \
    --from "$from" --to "$to" --horizon "PT${horizon_min}M" > "$log" 2>&1 &
  pid=$!
  while [[ -r /proc/$pid/stat ]] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; do
    # Fields after the command name: utime is the 14th field of the line, stime, cutime, cstime follow.
    ticks=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }') || true
    [[ -n $ticks ]] && cpu=$ticks
    kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || true
    [[ -n $kb ]] && (( kb > hwm )) && hwm=$kb
    sleep 0.2
  done
  rc=0; wait "$pid" || rc=$?
  t1=$(date +%s.%N)
  if (( rc != 0 )); then
    # Kept in the table (samples -1) so the sizes that did finish are still compared; the reason is in the log.
    echo "[bench] $name failed (exit $rc$(grep -q OutOfMemoryError "$log" && echo ', OutOfMemoryError')): $log" >&2
  fi
  local samples from_s to_s read
  samples=$(sed -n 's/^samples: \([0-9]*\) samples.*/\1/p' "$log"); samples=${samples:--1}
  from_s=$(date -u -d "$from" +%s); to_s=$(date -u -d "$to" +%s)
  read=$(events_in $(( from_s - 86400 )) $(( to_s + horizon_min * 60 )))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$(( (to_s - from_s) / 3600 ))" "$read" "$samples" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" \
    "$(awk -v t="$cpu" -v k="$tck" 'BEGIN { printf "%.1f", t / k }')" "$(( hwm / 1024 ))" "$from" >> "$table"
  echo "[bench] $name: $(tail -n +1 "$table" | tail -1 | cut -f2-7 | tr '\t' ' ')  (hours events samples wall cpu MB)"
}

runs=("base:")
IFS=';' read -r -a extra <<< "$variants"
for v in "${extra[@]}"; do [[ -n $v ]] && runs+=("$v"); done
for r in $ranges; do
  off=${r%+*}; len=${r#*+}
  from=$(iso $(( start_s + off * 3600 ))); to=$(iso $(( start_s + (off + len) * 3600 )))
  for v in "${runs[@]}"; do
    vname=${v%%:*}; words=${v#*:}; run_jar=$jar; flags=()
    for w in $words; do
      case $w in jar=*) run_jar=${w#jar=} ;; -D*|-X*) flags+=("$w") ;; *) echo "[bench] unknown word $w" >&2; exit 2 ;; esac
    done
    measure "${vname}-${off}+${len}h" "$run_jar" "$from" "$to" "${flags[@]}"
  done
done

echo
echo "[bench] samples on $root ($(tail -1 "$root/bench-root.txt")), JVM flags: $jvm_flags, master $master"
awk -F'\t' 'BEGIN {
    printf "%-16s %5s %11s %10s %8s %8s %7s %10s %9s\n", "run", "hours", "events_read", "samples", "wall_s",
      "cpu_s", "peak_MB", "events/s", "s/M_ev" }
  { ev_s = $5 > 0 ? $3 / $5 : 0; spm = $3 > 0 ? $5 / ($3 / 1e6) : 0
    printf "%-16s %5d %11d %10d %8.1f %8.1f %7d %10.0f %9.2f\n", $1, $2, $3, $4, $5, $6, $7, ev_s, spm
    # Per variant: the shortest range (fewest events among equals) against the longest (most events among equals).
    v = substr($1, 1, index($1, "-") - 1)
    if ($4 < 0) next
    if (!(v in lo) || $2 < lo_h[v] || ($2 == lo_h[v] && $3 < lo_ev[v])) {
      lo[v] = $1; lo_h[v] = $2; lo_ev[v] = $3; lo_w[v] = $5; lo_c[v] = $6 }
    if (!(v in hi) || $2 > hi_h[v] || ($2 == hi_h[v] && $3 > hi_ev[v])) {
      hi[v] = $1; hi_h[v] = $2; hi_ev[v] = $3; hi_w[v] = $5; hi_c[v] = $6 } }
  END { print ""; for (v in lo) if (hi_ev[v] > lo_ev[v])
      printf "%s: largest/smallest (%s / %s): events read x%.1f, wall x%.1f, CPU x%.1f, seconds per million events x%.2f\n",
        v, hi[v], lo[v], hi_ev[v] / lo_ev[v], hi_w[v] / lo_w[v], hi_c[v] / lo_c[v],
        (hi_w[v] / hi_ev[v]) / (lo_w[v] / lo_ev[v]) }' "$table"
echo "[bench] load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
