#!/usr/bin/env bash
# The memory budget of the shipped unit (DESIGN section 25, docs/performance.md "Memory budget"): two runners under
# the unit's exact JVM flags (read from deploy/quantum-capital-allocation.service, heap and all) against a Redis that
# already holds a universe, a Prometheus-like scrape of each runner every 15 s (gzip, as Prometheus asks), the leader
# killed with SIGKILL half-way (the standby takes over and rewrites every target), then started again as a standby.
# Prints per runner: cycles, OOMs, full collections after the first minute, the largest RSS seen (sampled every 0.5 s)
# and its share of the unit's MemoryMax, and the native memory summary (-XX:NativeMemoryTracking=summary) at the end.
#   memory-budget.sh JAR REDIS_PORT SECONDS [VAR=value ...]
# e.g. seed 100,000 symbols with `bench --symbols 100000 --cycles 1 --redis-url redis://127.0.0.1:6402/0`, then
#   memory-budget.sh allocation-runner/target/allocation-runner.jar 6402 600 STALE_DATA_SEC=86400
set -euo pipefail
JAR=$1; PORT=$2; SECONDS_TOTAL=$3; shift 3
UNIT=$(dirname "$0")/../../deploy/quantum-capital-allocation.service
# FLAGS and MEMORY_MAX_MB from the environment try other settings against the same load.
FLAGS=${FLAGS:-$(sed -n '/^ExecStart=/,/-jar/p' "$UNIT" | tr -d '\\\n' | sed -e 's/^ExecStart=[^ ]*java//' -e 's/-jar.*//')}
MEMORY_MAX_MB=${MEMORY_MAX_MB:-$(sed -n 's/^MemoryMax=\([0-9]*\)M$/\1/p' "$UNIT")}
DIR=$(mktemp -d)
echo "flags:$FLAGS MemoryMax=${MEMORY_MAX_MB}M logs=$DIR"
redis-cli -p "$PORT" --scan --pattern 'quantum:allocation:*' | xargs -r -n 1000 redis-cli -p "$PORT" del >/dev/null

start() { # NAME METRICS_PORT
  local name=$1 mport=$2; shift 2
  env "${VARS[@]}" P29_MODE=enforce REDIS_URL="redis://127.0.0.1:$PORT/0" P29_METRICS_PORT="$mport" P29_INSTANCE_ID="$name" \
    MALLOC_ARENA_MAX=2 java $FLAGS -XX:NativeMemoryTracking=summary -Xlog:gc:file="$DIR/$name.gc.$(date +%s)" -jar "$JAR" run \
    >>"$DIR/$name.log" 2>&1 &
  echo $! >"$DIR/$name.pid"
}
VARS=("$@")
start a 18061
sleep 20
start b 18062
T0=$(date +%s)
KILLED=0
declare -A MAXRSS=([a]=0 [b]=0)
while [ $(( $(date +%s) - T0 )) -lt "$SECONDS_TOTAL" ]; do
  NOW=$(date +%s)
  if [ "$NOW" != "${LAST:-}" ]; then
    LAST=$NOW
    # the live stack's portfolio publisher writes every 5 s (PSP_INTERVAL_SEC=5); Prometheus scrapes every 15 s
    [ $(( (NOW - T0) % 5 )) -eq 0 ] && redis-cli -p "$PORT" hset quantum:state:portfolio timestamp "$NOW" >/dev/null
    if [ $(( (NOW - T0) % 15 )) -eq 0 ]; then
      for p in 18061 18062; do curl -s --compressed -o /dev/null --max-time 10 "http://127.0.0.1:$p/metrics" & done
    fi
  fi
  if [ $KILLED -eq 0 ] && [ $(( NOW - T0 )) -ge $(( SECONDS_TOTAL / 2 )) ]; then
    kill -9 "$(cat "$DIR/a.pid")"; KILLED=1; echo "t=$((NOW - T0))s: leader a killed"
    sleep 1; start a 18061
  fi
  for n in a b; do
    R=$(ps -o rss= -p "$(cat "$DIR/$n.pid")" 2>/dev/null | tr -d ' ' || true)
    [ -n "$R" ] && [ "$R" -gt "${MAXRSS[$n]}" ] && MAXRSS[$n]=$R
  done
  sleep 0.5
done
for n in a b; do
  jcmd "$(cat "$DIR/$n.pid")" VM.native_memory summary >"$DIR/$n.nmt" 2>&1 || true
  kill "$(cat "$DIR/$n.pid")" 2>/dev/null || true
done
wait || true
for n in a b; do
  # full collections after the first 60 s of uptime of the process (steady state), from -Xlog:gc's uptime stamps
  FULL=$(cat "$DIR/$n".gc.* | awk -F'[][]' '/Pause Full/ { s = $2; sub(/s$/, "", s); if (s + 0 > 60) n++ } END { print n + 0 }')
  echo "runner $n: cycles=$(grep -c 'targets in' "$DIR/$n.log") oom=$(grep -c OutOfMemory "$DIR/$n.log") full_gcs_after_60s=$FULL" \
    "max_rss=$(( MAXRSS[$n] / 1024 ))MB ($(( MAXRSS[$n] / 1024 * 100 / MEMORY_MAX_MB ))% of MemoryMax)" \
    "last: $(grep 'targets in' "$DIR/$n.log" | tail -1 | grep -o '[0-9]* targets in [0-9.]*s' || echo none)"
  grep -E '^(Total|-  *(Java Heap|Class|Thread|Code|GC|Compiler|Internal|Other|Symbol|Native Memory Tracking|Arena Chunk|Metaspace))' \
    "$DIR/$n.nmt" | sed 's/^/    /' || true
done
echo "targets in Redis: $(redis-cli -p "$PORT" --scan --pattern 'quantum:allocation:target:*' | wc -l)"
