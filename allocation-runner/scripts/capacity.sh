#!/usr/bin/env bash
# Runs the service (run, enforce) for 32 s against a Redis that already holds a universe, under the
# shipped unit's JVM flags with the heap given, and prints cycles, targets written, the last cycle,
# full GCs and the largest RSS seen (docs/performance.md, "Capacity").
#   capacity.sh JAR HEAP_MB REDIS_PORT [VAR=value ...]
# e.g. seed 100,000 symbols with `bench --symbols 100000 --cycles 1 --redis-url redis://127.0.0.1:6402/0`, then
#   capacity.sh allocation-runner/target/allocation-runner.jar 128 6402 STALE_DATA_SEC=86400
# It deletes the service's own keys (quantum:allocation:*) first, so the run starts as a first leader.
set -euo pipefail
JAR=$1; X=$2; PORT=$3; shift 3
XMN=${XMN:-40}
FLAGS="-Xms${X}m -Xmx${X}m -Xmn${XMN}m -XX:SurvivorRatio=4 -Xss512k -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=16m -XX:+ExitOnOutOfMemoryError"
LOG=$(mktemp); GC=$(mktemp)
redis-cli -p "$PORT" --scan --pattern 'quantum:allocation:*' | xargs -r -n 1000 redis-cli -p "$PORT" del >/dev/null
redis-cli -p "$PORT" hset quantum:state:portfolio timestamp "$(date +%s)" >/dev/null
env "$@" P29_MODE=enforce REDIS_URL="redis://127.0.0.1:$PORT/0" P29_METRICS_PORT=0 P29_INSTANCE_ID=capacity MALLOC_ARENA_MAX=2 \
  timeout 32 java $FLAGS -Xlog:gc:file="$GC" -jar "$JAR" run >"$LOG" 2>&1 &
sleep 1
MAXRSS=0
while PID=$(pgrep -f "^java .*$GC" | head -1) && [ -n "$PID" ]; do
  R=$(ps -o rss= -p "$PID" 2>/dev/null | tr -d ' ' || true)
  [ -n "$R" ] && [ "$R" -gt "$MAXRSS" ] && MAXRSS=$R
  sleep 0.5
done
wait || true
echo "heap=${X}m cycles=$(grep -c 'targets in' "$LOG") oom=$(grep -c OutOfMemory "$LOG") targets=$(redis-cli -p "$PORT" --scan --pattern 'quantum:allocation:target:*' | wc -l) full_gcs=$(grep -c Full "$GC") max_rss=$((MAXRSS / 1024))MB last: $(grep 'targets in' "$LOG" | tail -1 | grep -o '[0-9]* targets in [0-9.]*s' || echo none)"
grep -m1 "beyond this runner's capacity" "$LOG" | cut -c1-160 || true
rm -f "$LOG" "$GC"
